#!/usr/bin/env bash
# Dynamo baseline launcher: `dynamo serve` of an aggregated serving graph with the configuration
# file lmbench passes as its one argument (a file under dynamo_configurations/). Needs the
# ai-dynamo package and its examples (DYNAMO_GRAPHS: the folder holding graphs/agg_router.py).
# Contract with lmbench's Script baseline: the model comes in MODEL_URL and the port in PORT
# (environment only, never argv), HF_TOKEN likewise; the server runs in the FOREGROUND (exec), so
# lmbench stops it by signalling this script's process group at teardown, and its output is the
# baseline's log.
set -euo pipefail
CONFIG="${1:?usage: run-dynamo.sh CONFIG.yaml}"
cd "${DYNAMO_GRAPHS:-$HOME/dynamo/examples/llm}"
exec dynamo serve graphs.agg_router:Frontend -f "$CONFIG"
