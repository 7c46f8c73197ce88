#!/usr/bin/env bash
# Flat baseline (Location: Local-Flat): one plain vLLM server (GPU prefix cache only) on GPU 0,
# serving the OpenAI API on localhost:30080. Reads HF_TOKEN from the environment. Returns once the
# server answers /v1/models; the pid is in /tmp/lmbench-flat-vllm.pid for teardown.
set -euo pipefail
MODEL="${MODEL:-meta-llama/Llama-3.1-8B-Instruct}"
PORT="${PORT:-30080}"
LOG="${LOG:-/tmp/lmbench-flat-vllm.log}"

CUDA_VISIBLE_DEVICES="${CUDA_VISIBLE_DEVICES:-0}" nohup vllm serve "$MODEL" \
  --host 0.0.0.0 --port "$PORT" \
  --max-model-len 32000 \
  --enable-prefix-caching \
  --gpu-memory-utilization 0.9 \
  --disable-log-requests >"$LOG" 2>&1 &
echo $! >/tmp/lmbench-flat-vllm.pid

for _ in $(seq 1 180); do
  if curl -sf "http://localhost:${PORT}/v1/models" >/dev/null; then
    echo "vllm ready on port ${PORT}"
    exit 0
  fi
  if ! kill -0 "$(cat /tmp/lmbench-flat-vllm.pid)" 2>/dev/null; then
    tail -n 50 "$LOG" >&2
    exit 1
  fi
  sleep 5
done
echo "vllm not ready after 15 minutes; see $LOG" >&2
exit 1
