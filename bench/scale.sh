#!/usr/bin/env bash
# Scale of the real collector: "ioc run" polling N feeds x K KPIs, each KPI
# with a warn: and crit: threshold (so every poll runs the alert engine), at
# a 1 s interval, against nginx serving a small JSON body on loopback. After
# a warm-up it measures, over the window, from ioc itself (/metrics) and
# from /proc: polls completed per second against the N/s scheduled, failed
# polls and "down" transitions (there should be none), CPU of ioc in % of a
# core and per poll, resident memory, and the poll delay against schedule
# when ioc exposes ioc_poll_delay_seconds. Prints one table row per run;
# docs/performance.md has the figures.
#
# Usage: bench/scale.sh [FEEDS] [KPIS] [SECONDS] [archive|noarchive]
#   defaults: 2000 1 30 noarchive; IOC_BENCH_WARMUP (seconds, 8),
#   IOC_BENCH_PERF=FILE records a perf profile of ioc over the window.
set -euo pipefail
cd "$(dirname "$0")/.."
feeds=${1:-2000}
kpis=${2:-1}
secs=${3:-30}
mode=${4:-noarchive}
warm=${IOC_BENCH_WARMUP:-8}

. bench/lib.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DIOC_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target ioc >/dev/null
ioc=build-bench/ioc/ioc
bench_init

# --- nginx: one worker, no logs, a JSON body of K values --------------------------
np=$(free_port)
mkdir -p "$tmp/www"
chmod 755 "$tmp/www"
python3 - "$kpis" >"$tmp/www/f.json" <<'EOF'
import json, sys
k = int(sys.argv[1])
print(json.dumps({"data": {f"v{i}": 40 + i % 20 for i in range(k)}, "status": "ok"}))
EOF
chmod 644 "$tmp/www/f.json"
bench_nginx "  server { listen 127.0.0.1:$np; root $tmp/www; default_type application/json; }" \
  "http://127.0.0.1:$np/f.json" || exit 1

# --- the config: N feeds of K KPIs, each with thresholds ----------------------------
hp=$(free_port)
{
  echo "ioc:"
  echo "  name: scale bench"
  echo "  http: { listen: \"127.0.0.1:$hp\" }"
  # Without "archive:" ioc would use the default one (~/.local/state/ioc),
  # shared with every other run: noarchive says "archive: false".
  if [ "$mode" = archive ]; then echo "  archive: $tmp/archive.db"; else echo "  archive: false"; fi
  echo "defaults: { interval: 1s, timeout: 900ms }"
  echo "feeds:"
  for ((f = 0; f < feeds; f++)); do
    echo "  - id: f$f"
    echo "    url: http://127.0.0.1:$np/f.json?feed=$f"
    echo "    kpis:"
    for ((k = 0; k < kpis; k++)); do
      echo "      - { id: v$k, select: \"\$.data.v$k\", warn: \"> 80\", crit: \"> 90\" }"
    done
  done
} >"$tmp/ioc.yaml"

"$ioc" run -c "$tmp/ioc.yaml" 2>"$tmp/run.log" &
ioc_pid=$!
pids+=($ioc_pid)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$hp/-/healthy" >/dev/null && break; sleep 0.1; done
kill -0 $ioc_pid 2>/dev/null || { echo "ioc run ended:"; cat "$tmp/run.log"; exit 1; }

# scrape FILE: /metrics into FILE (one scrape per end of the window: with
# 20,000 KPIs a scrape is megabytes and takes the loop tens of milliseconds).
scrape() { curl -sf -o "$1" "http://127.0.0.1:$hp/metrics"; }
# metric FILE NAME: the sum of every sample of NAME in a scraped FILE.
metric() {
  awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.6f\n", s }' "$1"
}
# delay_hist FILE: the ioc_poll_delay_seconds buckets as "le count" lines (empty without).
delay_hist() {
  sed -n 's/^ioc_poll_delay_seconds_bucket{le="\([^"]*\)"} \([0-9.e+]*\)$/\1 \2/p' "$1"
}

sleep "$warm"
scrape "$tmp/m0"
polls0=$(metric "$tmp/m0" ioc_feed_polls_total); errs0=$(metric "$tmp/m0" ioc_feed_poll_errors_total)
cpu0=$(cpu_ticks $ioc_pid); t0=$(date +%s.%N); delay_hist "$tmp/m0" >"$tmp/h0"
down0=$(grep -c 'event=feed.*to=down' "$tmp/run.log" || true)
# IOC_BENCH_PERF=FILE: a perf profile of ioc over the window (perf report -i FILE).
[ -n "${IOC_BENCH_PERF:-}" ] && perf record -q -o "$IOC_BENCH_PERF" -p "$ioc_pid" -- sleep "$secs" 2>/dev/null &
sleep "$secs"
scrape "$tmp/m1"
polls1=$(metric "$tmp/m1" ioc_feed_polls_total); errs1=$(metric "$tmp/m1" ioc_feed_poll_errors_total)
cpu1=$(cpu_ticks $ioc_pid); t1=$(date +%s.%N); delay_hist "$tmp/m1" >"$tmp/h1"
down1=$(grep -c 'event=feed.*to=down' "$tmp/run.log" || true)
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$ioc_pid/status")
# What one Prometheus scrape of ioc costs (it is served from the loop).
scrape=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "http://127.0.0.1:$hp/metrics")
hz=$(getconf CLK_TCK)

# p99 of the delay from the histogram difference (the bucket bound it falls in).
p99=$(join "$tmp/h0" "$tmp/h1" 2>/dev/null | awk '
  { le[NR] = $1; c[NR] = $3 - $2; n = NR }
  END {
    if (n == 0) { print "-"; exit }
    total = c[n]; if (total <= 0) { print "-"; exit }
    for (i = 1; i <= n; i++) if (c[i] >= 0.99 * total) { print (le[i] == "+Inf" ? ">max" : le[i] * 1000 " ms"); exit }
  }')

echo "one /metrics scrape: $(echo "$scrape" | awk '{ printf "%.1f ms, %.0f KiB", $1 * 1000, $2 / 1024 }')"
[ -n "${IOC_BENCH_HIST:-}" ] && join "$tmp/h0" "$tmp/h1" | awk '{ printf "  delay <= %s s: %d polls\n", $1, $3 - $2 }'
awk -v f="$feeds" -v k="$kpis" -v m="$mode" -v p0="$polls0" -v p1="$polls1" \
    -v e0="$errs0" -v e1="$errs1" -v c0="$cpu0" -v c1="$cpu1" -v t0="$t0" -v t1="$t1" \
    -v hz="$hz" -v rss="$rss" -v d0="$down0" -v d1="$down1" -v p99="$p99" 'BEGIN {
  dt = t1 - t0; polls = p1 - p0; cpu = (c1 - c0) / hz
  printf "%-6s %-5s %-10s %10s %9s %7s %6s %9s %10s %9s %10s\n", "feeds", "kpis", "archive",
    "polls/s", "of sched", "errors", "downs", "cpu %", "us/poll", "RSS MiB", "delay p99"
  printf "%-6d %-5d %-10s %10.0f %8.1f%% %7d %6d %8.1f%% %10.1f %9.1f %10s\n", f, k, m,
    polls / dt, 100 * polls / dt / f, e1 - e0, d1 - d0, 100 * cpu / dt,
    (polls > 0 ? 1e6 * cpu / polls : 0), rss / 1024, p99
}'
