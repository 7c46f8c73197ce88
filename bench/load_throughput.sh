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

source "$(dirname "$0")/fixed_answer_nginx.sh"
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
