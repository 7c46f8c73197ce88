#!/usr/bin/env bash
# Issue 16 "Scaling": how many streamed requests/s `lmbench bench random` sends and measures
# validly against the fixed-answer nginx of bench/load_throughput.sh, with 1 (the run's own
# thread) and 2 local workers, in one run; then the same with nginx pinned to core 0 (taskset), so
# the server does not compete with the workers for every core. Open loop at each offered rate of
# RATES; a rate counts as sustained when at least 95% of the offered requests finished ok within
# the window and the run's validity verdict is not `invalid`. Prints every run, then per setup the
# highest sustained rate and the ratio 2 workers / 1.
#
# Usage: bench/fleet_throughput.sh [BUILD_DIR]   (default: build; needs build/lmbench)
# Env: RATES (req/s offered, default "4000 8000 12000 16000 24000"), DURATION (s, default 3).
set -euo pipefail

BUILD=${1:-build}
LMBENCH="$BUILD/lmbench"
RATES=${RATES:-"4000 8000 12000 16000 24000"}
DURATION=${DURATION:-3}
[ -x "$LMBENCH" ] || { echo "build it first: cmake --build $BUILD --target lmbench" >&2; exit 2; }

measure() {  # $1: label. Prints each run; ends with the best sustained rate per worker count.
  local label=$1
  declare -A best=([1]=0 [2]=0)
  for rate in $RATES; do
    for n in 1 2; do
      timeout $((DURATION + 120)) "$LMBENCH" bench random --base-url "$URL" --model m --qps "$rate" \
        --duration "$DURATION" --num-users 1000 --num-rounds 0 --prompt-len 8 --answer-len 16 --drain-timeout 5 \
        --workers "$n" --progress-interval 100 --json "$WORK/run.json" >"$WORK/out.txt" 2>&1 || true
      local line
      line=$(python3 - "$WORK/run.json" "$n" "$rate" "$DURATION" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
r = j["results"]
n, rate, duration = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ok = r["successful_requests"]
done = ok / (rate * duration)
verdict = j["validity"]["verdict"]
sustained = done >= 0.95 and verdict != "invalid"
w = j.get("workers")
cpu = " ".join(f"{x['cpu_s']:.1f}" for x in w["workers"]) if w else "-"
print(f"{int(sustained)} offered {rate:,.0f}/s, {n} worker(s): {ok / duration:,.0f} ok/s ({done:.0%} of offered), "
      f"{r.get('failed_requests', 0)} failed, validity {verdict}, worker cpu s {cpu}")
PY
      )
      echo "$label: ${line#* }"
      if [ "${line%% *}" = 1 ]; then best[$n]=$rate; fi
    done
  done
  python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'$label: sustained 1 worker {a:,.0f}/s, 2 workers {b:,.0f}/s, ratio ' + (f'{b / a:.2f}' if a else '-'))" \
    "${best[1]}" "${best[2]}"
}

source "$(dirname "$0")/fixed_answer_nginx.sh"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); each run ${DURATION}s"
measure "nginx on any core"
kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""
if [ "$(nproc)" -ge 2 ]; then
  taskset -c 0 "$NGINX" -p "$WORK" -c "$WORK/nginx.conf" &
  NGINX_PID=$!
  sleep 0.5
  measure "nginx on core 0"
fi
