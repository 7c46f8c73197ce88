# Sourced by bench/*.sh: starts nginx-light on a free loopback port answering every POST with a
# fixed 16-chunk SSE completion stream, as vLLM streams one (content chunks " tok0".." tok15", a
# finish chunk with usage, [DONE]). Sets WORK (a temporary folder removed at exit), PORT, URL,
# NGINX (the binary), NGINX_PID. Installs nginx-light and wrk when absent.
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  echo "installing nginx-light and wrk (Debian)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light wrk >/dev/null
fi
NGINX=$(command -v nginx)

WORK=$(mktemp -d /tmp/lmbench-load-bench.XXXXXX)
NGINX_PID=""
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A free loopback port.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# The fixed answer: 16 content chunks as vLLM streams them, a finish chunk with usage, [DONE].
BODY=""
for i in $(seq 0 15); do
  BODY+="data: {\\\"id\\\":\\\"cmpl-1\\\",\\\"object\\\":\\\"text_completion\\\",\\\"created\\\":1,\\\"model\\\":\\\"m\\\",\\\"choices\\\":[{\\\"index\\\":0,\\\"text\\\":\\\" tok$i\\\",\\\"logprobs\\\":null,\\\"finish_reason\\\":null}]}\\n\\n"
done
BODY+="data: {\\\"id\\\":\\\"cmpl-1\\\",\\\"object\\\":\\\"text_completion\\\",\\\"created\\\":1,\\\"model\\\":\\\"m\\\",\\\"choices\\\":[{\\\"index\\\":0,\\\"text\\\":\\\"\\\",\\\"logprobs\\\":null,\\\"finish_reason\\\":\\\"length\\\"}],\\\"usage\\\":{\\\"prompt_tokens\\\":3,\\\"completion_tokens\\\":16,\\\"total_tokens\\\":19}}\\n\\n"
BODY+="data: [DONE]\\n\\n"

cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  server {
    listen 127.0.0.1:$PORT;
    location / {
      default_type text/event-stream;
      return 200 "$BODY";
    }
  }
}
EOF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 50); do
  curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/v1/completions" 2>/dev/null && break
  sleep 0.1
done
URL="http://127.0.0.1:$PORT"
CHUNKS=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"model":"m","prompt":"hi"}' "$URL/v1/completions" | grep -c '"text":" tok' || true)
echo "server: nginx $("$NGINX" -v 2>&1 | sed 's/.*\///'), 1 worker, $CHUNKS content chunks per answer at $URL"
