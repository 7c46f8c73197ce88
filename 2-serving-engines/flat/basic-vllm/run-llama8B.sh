#!/usr/bin/env bash
# Flat baseline (Location: Local-Flat): one plain vLLM server (GPU prefix cache only) on GPU 0,
# serving the OpenAI API on localhost:$PORT (30080 by default). Runs until stopped.
# Contract with lmbench's Script baseline: the model comes in MODEL_URL and the port in PORT
# (environment only, never argv), HF_TOKEN likewise; the server runs in the FOREGROUND (exec), so
# lmbench stops it by signalling this script's process group at teardown, and its output is the
# baseline's log. Tested with vLLM 0.27.1 and LMCache 0.5.4 (2-serving-engines/README.md,
# "Versions"); `--disable-log-requests` is gone from vLLM since 0.17 (request logging is off by
# default).
set -euo pipefail
MODEL="${MODEL_URL:-meta-llama/Llama-3.1-8B-Instruct}"
PORT="${PORT:-30080}"

CUDA_VISIBLE_DEVICES="${CUDA_VISIBLE_DEVICES:-0}" exec vllm serve "$MODEL" \
  --host 0.0.0.0 --port "$PORT" \
  --max-model-len 32000 \
  --enable-prefix-caching \
  --gpu-memory-utilization 0.9
