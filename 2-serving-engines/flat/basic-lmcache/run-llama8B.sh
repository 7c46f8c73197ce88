#!/usr/bin/env bash
# Flat baseline (Location: Local-Flat): one vLLM server with LMCache CPU offloading (60 GB of CPU
# KV buffer) through the LMCacheConnectorV1 KV connector, on GPU 0, serving the OpenAI API on
# localhost:$PORT (30080 by default). Needs `pip install lmcache`. Runs until stopped.
# Contract with lmbench's Script baseline: the model comes in MODEL_URL and the port in PORT
# (environment only, never argv), HF_TOKEN likewise; the server runs in the FOREGROUND (exec), so
# lmbench stops it by signalling this script's process group at teardown, and its output is the
# baseline's log. Tested with vLLM 0.27.1 and LMCache 0.5.4 (2-serving-engines/README.md,
# "Versions"); `--disable-log-requests` is gone from vLLM since 0.17 (request logging is off by
# default).
set -euo pipefail
MODEL="${MODEL_URL:-meta-llama/Llama-3.1-8B-Instruct}"
PORT="${PORT:-30080}"

export LMCACHE_CHUNK_SIZE=256
export LMCACHE_LOCAL_CPU=True
export LMCACHE_MAX_LOCAL_CPU_SIZE=60   # GB
export PYTHONHASHSEED=0

CUDA_VISIBLE_DEVICES="${CUDA_VISIBLE_DEVICES:-0}" exec vllm serve "$MODEL" \
  --host 0.0.0.0 --port "$PORT" \
  --max-model-len 32000 \
  --enable-prefix-caching \
  --gpu-memory-utilization 0.9 \
  --kv-transfer-config '{"kv_connector":"LMCacheConnectorV1","kv_role":"kv_both"}'
