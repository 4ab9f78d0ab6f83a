#!/usr/bin/env bash
# Poll throughput end to end: the real "ioc run" (loop, poller, extraction,
# store, alert engine, /metrics) against wrk, on the same loopback endpoint
# serving a ~2 KB JSON body, in the same run, RUNS times. Prints one line per
# run and the median and range of the ratio; docs/performance.md has the
# figures.
#
# ioc cannot poll one feed back to back: the shortest interval a config
# allows is 1 s (config/config_util.c, ld_timing). So the config has FEEDS
# feeds at 1 s (default 20,000) on the same URL, many more than ioc can poll
# in a second: the loop is never idle, and the polls it completes per second
# (ioc_feed_polls_total in its own /metrics) are its maximum throughput.
# Each feed has one KPI (a JSONPath over the 20 records, agg avg) with a
# warn: threshold, so every poll also runs the store and the alert engine.
# curl shares one connection pool, so ioc opens as many connections as it
# has polls in flight; the script samples them (ss) and prints their mean
# ("conns"). wrk runs with CONC connections (default 20) and one thread.
#
# Usage: bench/throughput.sh [CONC] [SECONDS] [RUNS] [FEEDS]
#   defaults: 20 10 5 20000. IOC_BENCH_SERVER=nginx (default; a static file) or sim
#   (ioc-sim: a thread per connection, at most 512); IOC_BENCH_PERF=FILE records a perf profile of ioc over
#   the first run's window (perf report -i FILE); IOC_BENCH_IOC=PATH times a
#   given ioc binary instead of building build-bench/ioc/ioc.
set -euo pipefail
cd "$(dirname "$0")/.."
conc=${1:-20}
secs=${2:-10}
runs=${3:-5}
feeds=${4:-20000}
server=${IOC_BENCH_SERVER:-nginx}
warm=3

# What the benchmark needs, installed only when missing (as bench/poll.sh).
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v ss >/dev/null || need+=(iproute2)
[ "$server" != nginx ] || command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# build-bench is configured Release when new; an existing one keeps its type (printed below).
bdir=build-bench
[ -f $bdir/CMakeCache.txt ] || cmake -S . -B $bdir -DCMAKE_BUILD_TYPE=Release -DIOC_TESTS=OFF >/dev/null
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' $bdir/CMakeCache.txt)
if [ -n "${IOC_BENCH_IOC:-}" ]; then
  ioc=$IOC_BENCH_IOC
  cmake --build $bdir -j"$(nproc)" --target ioc-sim >/dev/null
else
  cmake --build $bdir -j"$(nproc)" --target ioc ioc-sim >/dev/null
  ioc=$bdir/ioc/ioc
fi

. bench/lib.sh
bench_init

# --- the server: ioc-sim's /bench (bench/poll-scenario.yaml) or nginx serving the same body ---
if [ "$server" = nginx ]; then
  sp=$(free_port)
  sim_url=""
  mkdir -p "$tmp/www"
  chmod 755 "$tmp/www"
  $bdir/sim/ioc-sim -s bench/poll-scenario.yaml --port 0 >"$tmp/sim0.out" &
  p=$!
  for _ in $(seq 50); do grep -q listening "$tmp/sim0.out" && break; sleep 0.1; done
  curl -sf "$(sed -n 's/.*\(http:[^ ]*\).*/\1/p' "$tmp/sim0.out")/bench" >"$tmp/www/bench"
  kill $p; wait $p 2>/dev/null || true
  chmod 644 "$tmp/www/bench"
  bench_nginx "  server { listen 127.0.0.1:$sp; root $tmp/www; default_type application/json;
           location = /status { stub_status; } }" "http://127.0.0.1:$sp/bench" 19000 || exit 1
  url="http://127.0.0.1:$sp/bench"
else
  $bdir/sim/ioc-sim -s bench/poll-scenario.yaml --port 0 >"$tmp/sim.out" &
  pids+=($!)
  for _ in $(seq 50); do grep -q listening "$tmp/sim.out" && break; sleep 0.1; done
  url="$(sed -n 's/.*\(http:[^ ]*\).*/\1/p' "$tmp/sim.out")/bench"
  sp=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/sim.out")
fi
for _ in $(seq 50); do curl -sf "$url" >/dev/null && break; sleep 0.1; done
bytes=$(curl -sf "$url" | wc -c) || { echo "the server did not start"; exit 1; }

# --- the config: FEEDS feeds at 1 s on the URL, one KPI with a threshold each ---
hp=$(free_port)
{
  echo "ioc:"
  echo "  name: throughput bench"
  echo "  http: { listen: \"127.0.0.1:$hp\" }"
  echo "  archive: off # not measured here (bench/bench_archive.c; and not the default ~/.local/state)"
  echo "defaults: { interval: 1s, timeout: 900ms }"
  echo "feeds:"
  for ((f = 0; f < feeds; f++)); do
    echo "  - { id: f$f, url: \"$url\","
    echo "      kpis: [ { id: v, select: \"\$.data.records[*].value\", agg: avg, warn: \"> 80\" } ] }"
  done
} >"$tmp/ioc.yaml"

# metric NAME: the sum of NAME's samples in ioc's /metrics; -1 when the scrape fails
# (with 20,000 feeds the body is tens of MB and does not always arrive whole).
metric() {
  local out
  out=$(curl -sf --max-time 60 "http://127.0.0.1:$hp/metrics") || { echo -1; return; }
  awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.0f\n", s }' <<<"$out"
}
# conns_mean SECONDS: the mean number of established connections to the server, sampled 4 times a second.
conns_mean() {
  local n=$(($1 * 4)) sum=0 c
  for ((i = 0; i < n; i++)); do
    c=$(ss -Htn state established "( dport = :$sp )" | wc -l)
    sum=$((sum + c))
    sleep 0.25
  done
  echo $((sum / n))
}
hz=$(getconf CLK_TCK)
# served: requests the server has answered so far (nginx's stub_status; 0 with ioc-sim).
served() {
  if [ "$server" = nginx ]; then curl -sf "http://127.0.0.1:$sp/status" | awk 'NR == 3 { print $3 }'; else echo 0; fi
}

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ioc: $ioc ($btype build)"
echo "endpoint: $url ($server, $bytes bytes of JSON); ioc: $feeds feeds at 1 s; wrk: $conc connections, 1 thread; ${secs}s windows"
printf '%-4s %10s %10s %7s %9s %8s %10s %7s\n' run "ioc/s" "served/s" conns "ioc cpu" "us/poll" "wrk/s" ratio
ratios=()
for ((r = 1; r <= runs; r++)); do
  # ioc: start, let it reach its pace, then count over the window.
  "$ioc" run -c "$tmp/ioc.yaml" >/dev/null 2>"$tmp/run.log" &
  ioc_pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$hp/-/healthy" >/dev/null && break; sleep 0.1; done
  kill -0 $ioc_pid 2>/dev/null || { echo "ioc run ended:"; cat "$tmp/run.log"; exit 1; }
  sleep "$warm"
  # ioc's own count (/metrics: rendering it for many feeds takes the loop a while, so the
  # window is taken from before the first scrape to after the second) and, with nginx,
  # the server's count of requests over exactly the window.
  t0=$(date +%s.%N)
  p0=$(metric ioc_feed_polls_total); e0=$(metric ioc_feed_poll_errors_total)
  s0=$(served); c0=$(cpu_ticks $ioc_pid); u0=$(date +%s.%N)
  perf_pid=
  if [ "$r" = 1 ] && [ -n "${IOC_BENCH_PERF:-}" ]; then
    perf record -q --call-graph dwarf,16384 -F 999 -o "$IOC_BENCH_PERF" -p "$ioc_pid" -- sleep "$secs" 2>/dev/null &
    perf_pid=$!
  fi
  conns=$(conns_mean "$secs")
  s1=$(served); c1=$(cpu_ticks $ioc_pid); u1=$(date +%s.%N)
  p1=$(metric ioc_feed_polls_total); e1=$(metric ioc_feed_poll_errors_total)
  t1=$(date +%s.%N)
  [ -z "$perf_pid" ] || wait "$perf_pid" 2>/dev/null || true
  kill $ioc_pid; wait $ioc_pid 2>/dev/null || true
  sleep 1
  # wrk: the same URL, CONC connections.
  wrk_rps=$(wrk -t1 -c"$conc" -d"${secs}s" "$url" | awk '/Requests\/sec/ { print $2 }')
  line=$(awk -v r="$r" -v p0="$p0" -v p1="$p1" -v e0="$e0" -v e1="$e1" -v c0="$c0" -v c1="$c1" \
    -v t0="$t0" -v t1="$t1" -v u0="$u0" -v u1="$u1" -v s0="$s0" -v s1="$s1" -v hz="$hz" \
    -v w="$wrk_rps" -v conns="$conns" 'BEGIN {
    own = (p0 < 0 || p1 < 0) ? -1 : (p1 - p0) / (t1 - t0); du = u1 - u0; srv = (s1 - s0) / du
    rate = srv > 0 ? srv : own; cpu = (c1 - c0) / hz
    printf "%-4d %10.0f %10.0f %7d %8.0f%% %8.1f %10.0f %7.2f", r, own, srv, conns, 100 * cpu / du,
      (rate > 0 ? 1e6 * cpu / du / rate : 0), w, (w > 0 ? rate / w : 0)
    if (e0 >= 0 && e1 >= 0 && e1 - e0 > 0) printf "  (%d failed polls)", e1 - e0
    printf "\n"
  }')
  echo "$line"
  ratios+=("$(echo "$line" | awk '{ print $8 }')")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "ratio ioc/wrk over %d runs: median %.2f, range %.2f-%.2f\n", NR, m, v[1], v[NR] }'
