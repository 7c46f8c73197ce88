#!/usr/bin/env bash
# Dynamo baseline launcher (Location: Local-Flat): NVIDIA Dynamo's OpenAI frontend and one vLLM
# worker on this machine, as Dynamo starts them today (`python3 -m dynamo.frontend`, `python3 -m
# dynamo.vllm`; the `dynamo serve graphs...` CLI of Dynamo 0.x is gone). Tested with
# ai-dynamo[vllm]==1.1.1 (2-serving-engines/README.md, "Versions").
#
# Usage: run-dynamo.sh CONFIG.yaml   (lmbench passes the baseline's configSelection, absolute)
# CONFIG holds the frontend's router mode and the worker's vLLM arguments (see
# dynamo_configurations/agg-llama-3.1-8b.yaml). Discovery goes through a file store, so neither
# etcd nor NATS is needed (Dynamo's "local development" mode; KV-aware routing across several
# workers would need NATS).
#
# Contract with lmbench's Script baseline: the model comes in MODEL_URL and the port in PORT
# (environment only, never argv), HF_TOKEN likewise; the script runs in the FOREGROUND, so lmbench
# stops it by signalling its process group at teardown (both Dynamo processes are in it), and its
# output is the baseline's log.
set -euo pipefail
CONFIG="${1:?usage: run-dynamo.sh CONFIG.yaml}"
[ -f "$CONFIG" ] || { echo "run-dynamo.sh: no configuration file $CONFIG" >&2; exit 2; }
MODEL="${MODEL_URL:-meta-llama/Llama-3.1-8B-Instruct}"
PORT="${PORT:-30080}"

# The two settings of CONFIG, read with Python (which Dynamo itself needs): the router mode and
# the worker's extra vLLM arguments, one per line.
read_config() {
  python3 - "$CONFIG" "$1" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1])) or {}
if sys.argv[2] == "router_mode":
    print((doc.get("frontend") or {}).get("router_mode", "round-robin"))
else:
    for a in (doc.get("worker") or {}).get("args", []):
        print(a)
PY
}
ROUTER_MODE="$(read_config router_mode)"
mapfile -t WORKER_ARGS < <(read_config worker_args)

# The file store both processes share for discovery, private to this run.
export DYN_FILE_KV="$(mktemp -d "${TMPDIR:-/tmp}/lmbench-dynamo-XXXXXX")"
# On any exit (lmbench's teardown sends SIGTERM to the group): remove the store first, then stop
# the two processes; `kill 0` signals this shell too, so it must come last.
cleanup() {
  trap - EXIT TERM INT
  rm -rf "$DYN_FILE_KV"
  kill 0 2>/dev/null
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

python3 -m dynamo.vllm --model "$MODEL" --discovery-backend file \
  --kv-events-config '{"enable_kv_cache_events": false}' "${WORKER_ARGS[@]}" &
python3 -m dynamo.frontend --http-port "$PORT" --router-mode "$ROUTER_MODE" --discovery-backend file &
wait -n
echo "run-dynamo.sh: a Dynamo process exited" >&2
exit 1
