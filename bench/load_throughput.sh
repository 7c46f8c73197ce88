#!/usr/bin/env bash
# Load engine figures (issue 3 "Performance"):
#   (a) nginx-light on 127.0.0.1 answers every POST with a fixed 16-chunk SSE completion stream;
#   (b) wrk against it: the reference requests/s;
#   (c) one lmbench runner thread against it, parsing every chunk (closed loop): requests/s and
#       the ratio to wrk (target >= 10,000 req/s);
#   (d) open-loop Poisson at 5,000 req/s: scheduling lag p99 (target < 1 ms);
#   (e) 10,000 concurrent open streams: peak resident memory (target < 500 MB).
#
# Usage: bench/load_throughput.sh [BUILD_DIR]   (default: build; needs bench_load_runner built)
# Env: DURATION (s, default 5), CONCURRENCY (default 64), RATE (default 5000), STREAMS (10000).
set -euo pipefail

BUILD=${1:-build}
BIN="$BUILD/bench/bench_load_runner"
DURATION=${DURATION:-5}
CONCURRENCY=${CONCURRENCY:-64}
RATE=${RATE:-5000}
STREAMS=${STREAMS:-10000}
[ -x "$BIN" ] || { echo "build it first: cmake --build $BUILD --target bench_load_runner" >&2; exit 2; }

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
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

cat > "$WORK/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"model":"m","prompt":"Say hello","max_tokens":16,"stream":true,"stream_options":{"include_usage":true}}'
wrk.headers["Content-Type"] = "application/json"
EOF

echo
echo "== (b) wrk -t2 -c$CONCURRENCY -d${DURATION}s (reference)"
WRK_OUT=$(wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" -s "$WORK/post.lua" "$URL/v1/completions")
echo "$WRK_OUT" | grep -E "Requests/sec|Latency|Non-2xx|errors" || true
WRK_RPS=$(echo "$WRK_OUT" | awk '/Requests\/sec/ {print $2}')

echo
echo "== (c) lmbench runner, one thread, closed loop, $CONCURRENCY in flight, every chunk parsed"
MAX_OUT=$("$BIN" max --url "$URL" --concurrency "$CONCURRENCY" --duration "$DURATION") || true
echo "$MAX_OUT"
LMB_RPS=$(echo "$MAX_OUT" | awk '/^requests_per_s:/ {print $2}')
python3 - "$LMB_RPS" "$WRK_RPS" <<'EOF'
import sys
l, w = float(sys.argv[1] or 0), float(sys.argv[2] or 0)
print(f"lmbench / wrk: {l:.0f} / {w:.0f} req/s = {l / w:.2f}" if w else "wrk gave no figure")
print(f"target >= 10000 req/s: {'met' if l >= 10000 else 'NOT met'}")
EOF

echo
echo "== (d) open loop, Poisson at $RATE req/s for ${DURATION}s"
"$BIN" open --url "$URL" --rate "$RATE" --duration "$DURATION" || true

echo
echo "== (e) $STREAMS concurrent open streams (our hold server in a child process)"
"$BIN" hold --streams "$STREAMS" --rate "$RATE" || true
