#!/usr/bin/env bash
# Issue 19 "Capacity": the capacity search against a brute-force scan, on the simulator. The default
# suite's plain vLLM and vLLM + LMCache baselines and its multi-round workload (DURATION shortened),
# SLO ttft_ms 2000 + tpot_ms 100 at 90% goodput. For each baseline: the search (CAPACITY, 5%
# precision, 0.125..4 req/s), then a scan of every rate at 5% steps (geometric) over SCAN_SPAN
# around the capacity found, each an ordinary run with --slo; the scan's capacity is the highest
# rate before the first failing one. Prints both capacities, their relative difference, the probes
# the search took and the runs a scan at 5% steps over the search's whole range would take.
#
# Usage: bench/capacity_search.sh [BUILD_DIR]   (default: build; needs build/lmbench)
# Env: DURATION (modelled s per run, default 60), SCALE (time scale, default 5),
#      SCAN_SPAN (the scan covers capacity/SPAN .. capacity*SPAN, default 1.3).
set -euo pipefail

BUILD=${1:-build}
LMBENCH="$(cd "$(dirname "$BUILD/lmbench")" && pwd)/lmbench"
DURATION=${DURATION:-60}
SCALE=${SCALE:-5}
SCAN_SPAN=${SCAN_SPAN:-1.3}
[ -x "$LMBENCH" ] || { echo "build it first: cmake --build $BUILD --target lmbench" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/0-bench-specs"
printf '0-bench-specs:\n  - s.yaml\n1-infrastructure:\n  Location: Simulated\n' >"$WORK/run-bench.yaml"

baseline() {  # $1: name, $2: lmcache true|false
  cat <<EOF
  - Simulated:
      name: $1
      modelURL: meta-llama/Llama-3.1-8B-Instruct
      engines: 1
      profile: llama-3.1-8b-a100-40gb
      enablePrefixCaching: true
      maxModelLen: 32768
      lmcache: $2
      cpuOffloadingBufferSize: 60
      timeScale: $SCALE
EOF
}
workload() {  # $1: the rate part (CAPACITY block or QPS list)
  cat <<EOF
Workload:
  LMCacheSynthetic:
    - NUM_USERS_WARMUP: 4
      NUM_USERS: 12
      NUM_ROUNDS: 8
      SYSTEM_PROMPT: 1000
      CHAT_HISTORY: 16000
      ANSWER_LEN: 64
      USE_SHAREGPT: false
      DURATION: $DURATION
$1
EOF
}

for spec in "plain_vllm false" "vllm_lmcache true"; do
  set -- $spec
  name=$1
  lmcache=$2
  {
    echo "Name: search"
    echo "Serving:"
    baseline "$name" "$lmcache"
    workload "      CAPACITY: {slo: {ttft_ms: 2000, tpot_ms: 100}, goodput: 0.9, min_qps: 0.125, max_qps: 4, precision: 0.05}"
  } >"$WORK/0-bench-specs/s.yaml"
  start=$(date +%s)
  (cd "$WORK" && timeout 3600 "$LMBENCH" run run-bench.yaml --results out --quiet >"$WORK/search.txt" 2>&1) || true
  search_s=$(( $(date +%s) - start ))
  read -r capacity probes < <(python3 - "$WORK/out/search/synthetic_capacity.json" "$name" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["baselines"][sys.argv[2]]
print(b["capacity"], len(b["probes"]))
PY
)
  rates=$(python3 - "$capacity" "$SCAN_SPAN" <<'PY'
import sys
cap, span = float(sys.argv[1]), float(sys.argv[2])
r, out = cap / span, []
while r <= cap * span * 1.0001:
    out.append(f"{r:.4g}")
    r *= 1.05
print(", ".join(out))
PY
)
  {
    echo "Name: scan"
    echo "Serving:"
    baseline "$name" "$lmcache"
    workload "      QPS: [$rates]"
  } >"$WORK/0-bench-specs/s.yaml"
  start=$(date +%s)
  (cd "$WORK" && timeout 7200 "$LMBENCH" run run-bench.yaml --results out --quiet \
     --slo ttft_ms=2000,tpot_ms=100 >"$WORK/scan.txt" 2>&1) || true
  scan_s=$(( $(date +%s) - start ))
  python3 - "$WORK/out/scan" "$name" "$capacity" "$probes" "$search_s" "$scan_s" "$SCAN_SPAN" <<'PY'
import glob, json, math, sys
folder, name, capacity, probes, search_s, scan_s, span = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
points = []
for path in glob.glob(f"{folder}/{name}_synthetic_*.json"):
    j = json.load(open(path))
    r = j["results"]
    total = r.get("total_requests") or 0
    good = r.get("good_requests", 0)
    points.append((float(j["workload"]["QPS"]), good / total if total else 0.0))
points.sort()
scan_cap = None
for rate, share in points:
    print(f"  scan {name} {rate:.4g} req/s: goodput {share:.1%}")
    if share < 0.9:
        break
    scan_cap = rate
full = math.ceil(math.log(4 / 0.125) / math.log(1.05)) + 1
diff = f"{(capacity - scan_cap) / scan_cap:+.1%}" if scan_cap else "n/a (the scan's lowest rate already fails)"
print(f"{name}: search {capacity:.4g} req/s in {probes} probes ({search_s} s); scan {scan_cap} req/s "
      f"({len(points)} runs from capacity/{span} to capacity*{span}, {scan_s} s); difference {diff}; "
      f"a 5% scan of 0.125..4 takes {full} runs: probes/scan = {probes / full:.2f}")
PY
done
