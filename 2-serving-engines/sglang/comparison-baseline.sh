#!/usr/bin/env bash
# SGLang baseline (Location: Local-Flat): one SGLang server with RadixAttention prefix caching,
# serving the OpenAI API on localhost:$PORT (30080 by default) where lmbench's workloads connect.
# Tested with sglang 0.5.21 (2-serving-engines/README.md, "Versions").
# Reads HF_TOKEN from the environment (gated Llama weights). Runs until stopped.
# Contract with lmbench's Script baseline: the model comes in MODEL_URL and the port in PORT
# (environment only, never argv), HF_TOKEN likewise; the server runs in the FOREGROUND (exec), so
# lmbench stops it by signalling this script's process group at teardown, and its output is the
# baseline's log.
set -euo pipefail
MODEL="${MODEL_URL:-meta-llama/Llama-3.1-8B-Instruct}"
PORT="${PORT:-30080}"
: "${HF_TOKEN:?HF_TOKEN must be set}"
export HF_TOKEN

exec python3 -m sglang.launch_server \
  --model-path "$MODEL" \
  --host 0.0.0.0 --port "$PORT" \
  --context-length 32000 \
  --mem-fraction-static 0.85 \
  --tp 1
