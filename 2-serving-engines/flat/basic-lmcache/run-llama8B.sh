#!/usr/bin/env bash
# Flat baseline (Location: Local-Flat): one vLLM server with LMCache CPU offloading (60 GB of CPU
# KV buffer) through the LMCacheConnectorV1 KV connector, on GPU 0, serving the OpenAI API on
# localhost:30080. Needs `pip install lmcache`. Returns once the server answers /v1/models.
set -euo pipefail
MODEL="${MODEL:-meta-llama/Llama-3.1-8B-Instruct}"
PORT="${PORT:-30080}"
LOG="${LOG:-/tmp/lmbench-flat-lmcache.log}"

export LMCACHE_CHUNK_SIZE=256
export LMCACHE_LOCAL_CPU=True
export LMCACHE_MAX_LOCAL_CPU_SIZE=60   # GB
export PYTHONHASHSEED=0

CUDA_VISIBLE_DEVICES="${CUDA_VISIBLE_DEVICES:-0}" nohup vllm serve "$MODEL" \
  --host 0.0.0.0 --port "$PORT" \
  --max-model-len 32000 \
  --enable-prefix-caching \
  --gpu-memory-utilization 0.9 \
  --disable-log-requests \
  --kv-transfer-config '{"kv_connector":"LMCacheConnectorV1","kv_role":"kv_both"}' >"$LOG" 2>&1 &
echo $! >/tmp/lmbench-flat-lmcache.pid

for _ in $(seq 1 180); do
  if curl -sf "http://localhost:${PORT}/v1/models" >/dev/null; then
    echo "vllm+lmcache ready on port ${PORT}"
    exit 0
  fi
  if ! kill -0 "$(cat /tmp/lmbench-flat-lmcache.pid)" 2>/dev/null; then
    tail -n 50 "$LOG" >&2
    exit 1
  fi
  sleep 5
done
echo "vllm+lmcache not ready after 15 minutes; see $LOG" >&2
exit 1
