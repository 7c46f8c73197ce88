#!/usr/bin/env bash
# SGLang baseline (Location: Local-Flat): one SGLang server with RadixAttention prefix caching,
# serving the OpenAI API on localhost:30080 where lmbench's workloads connect.
# Reads HF_TOKEN from the environment (gated Llama weights). Returns once the server is ready.
set -euo pipefail
MODEL="${MODEL:-meta-llama/Llama-3.1-8B-Instruct}"
PORT="${PORT:-30080}"
LOG="${LOG:-/tmp/lmbench-sglang.log}"
: "${HF_TOKEN:?HF_TOKEN must be set}"
export HF_TOKEN

nohup python3 -m sglang.launch_server \
  --model-path "$MODEL" \
  --host 0.0.0.0 --port "$PORT" \
  --context-length 32000 \
  --mem-fraction-static 0.85 \
  --tp 1 >"$LOG" 2>&1 &
echo $! >/tmp/lmbench-sglang.pid

for _ in $(seq 1 180); do
  if curl -sf "http://localhost:${PORT}/v1/models" >/dev/null; then
    echo "sglang ready on port ${PORT} (pid $(cat /tmp/lmbench-sglang.pid))"
    exit 0
  fi
  if ! kill -0 "$(cat /tmp/lmbench-sglang.pid)" 2>/dev/null; then
    echo "sglang exited; last log lines:" >&2
    tail -n 50 "$LOG" >&2
    exit 1
  fi
  sleep 5
done
echo "sglang not ready after 15 minutes; see $LOG" >&2
exit 1
