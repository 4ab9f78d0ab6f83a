#!/usr/bin/env bash
# The HTTP API under load: the demo province (ioc-sim --demo and the bundled
# config) under a real "ioc run" with its HTTP server, 100 Server-Sent Events
# clients (bench_sse: one process, one poll(2)) following /api/v1/events, and
# wrk on /api/v1/snapshot, then on /api/v1/series, for SECONDS each.
# Prints: the delay of polls against their schedule (ioc_poll_delay_seconds
# from ioc's own /metrics, before and after), requests/s and latency of each
# endpoint, ioc's CPU per request (utime+stime from /proc/PID/stat over the
# wrk run, divided by the requests), and ioc's resident memory with 0, 100
# and 1000 SSE clients connected. Prints numbers; see docs/performance.md.
# Usage: bench/api-load.sh   (IOC_BENCH_SECONDS=30 by default; wrk from scripts/deps.sh --bench)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${IOC_BENCH_SECONDS:-30}
clients=${IOC_BENCH_CLIENTS:-100}
command -v wrk >/dev/null || { echo "wrk is missing: scripts/deps.sh --bench" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing: scripts/deps.sh --test" >&2; exit 1; }
if [ -z "${IOC_BENCH_NO_BUILD:-}" ]; then
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DIOC_TESTS=OFF >/dev/null
  cmake --build build-bench -j"$(nproc)" --target ioc ioc-sim bench_sse >/dev/null
fi
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" # 1000 clients, on both sides

tmp=$(mktemp -d)
sim= run= sse=
trap 'kill $sse $run $sim 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
export XDG_STATE_HOME=$tmp/state # the archive: never the user's own
build-bench/sim/ioc-sim --demo --port 0 >"$tmp/sim.out" 2>&1 &
sim=$!
for _ in $(seq 50); do grep -q listening "$tmp/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$tmp/sim.out")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export IOC_BENCH_TOKEN=bench-token-$$-0123456789
sed "s|^ioc:\$|ioc:\n  archive: \"$tmp/archive.db\"\n  http:\n    listen: \"127.0.0.1:$port\"\n    max_connections: 1100\n    users: [ { name: bench, role: viewer, token: \"\${IOC_BENCH_TOKEN}\" } ]|" \
  config/haiduong.yaml >"$tmp/ioc.yaml"
build-bench/ioc/ioc run -c "$tmp/ioc.yaml" 2>"$tmp/run.log" &
run=$!
base=http://127.0.0.1:$port
auth="Authorization: Bearer $IOC_BENCH_TOKEN"
for _ in $(seq 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/-/ready")" = 200 ] && break; sleep 0.1; done

ticks() { awk '{print $14 + $15}' "/proc/$run/stat"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$run/status"; }
hz=$(getconf CLK_TCK)
# delay_hist FILE: the ioc_poll_delay_seconds buckets, "le count" per line.
delay_hist() { curl -s "$base/metrics" | sed -n 's/^ioc_poll_delay_seconds_bucket{le="\([^"]*\)"} \(.*\)$/\1 \2/p' >"$1"; }
# sse_start N SECONDS: N clients in the background (their summary in $tmp/sse.out).
sse_start() { build-bench/bench/bench_sse "$port" "$IOC_BENCH_TOKEN" "$1" "$2" >"$tmp/sse.out" 2>&1 & sse=$!; }
sse_stop() { kill "$sse" 2>/dev/null || true; wait "$sse" 2>/dev/null || true; sse=; cat "$tmp/sse.out"; }

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); demo province: $(grep -c '^  - id:' config/haiduong.yaml) feeds"
echo

# --- memory per SSE client -----------------------------------------------------------
sleep 2
rss0=$(rss_kib)
for n in 100 1000; do
  sse_start "$n" 600
  sleep 4
  r=$(rss_kib)
  echo "RSS with $n SSE clients: $r KiB (+$((r - rss0)) KiB = $(( (r - rss0) * 1024 / n )) bytes per client)"
  eval "rss_$n=$r"
  sse_stop | sed 's/^/  /'
  sleep 2
done
echo "RSS with 0 SSE clients: $rss0 KiB"
echo

# --- wrk on snapshot and series with the SSE clients following -----------------------
delay_hist "$tmp/d0"
key=$(curl -s -H "$auth" "$base/api/v1/snapshot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["feeds"][0]["kpis"][0]["key"])')
sse_start "$clients" $((2 * secs + 30))
sleep 2
for ep in "/api/v1/snapshot" "/api/v1/series?kpi=$key&step=1m"; do
  t0=$(ticks)
  wrk -t1 -c8 -d"${secs}s" --latency -H "$auth" "$base$ep" >"$tmp/wrk.out"
  t1=$(ticks)
  reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$tmp/wrk.out")
  echo "== wrk -t1 -c8 -d${secs}s $ep   (with $clients SSE clients)"
  sed -n '/Requests\/sec/p;/requests in/p;/Non-2xx/p;/Socket errors/p' "$tmp/wrk.out" | sed 's/^ */  /'
  awk '/Latency Distribution/ {f=1; next} f && NF == 2 {printf "  latency p%s %s\n", $1, $2} /requests in/ {f=0}' "$tmp/wrk.out"
  awk -v a="$t0" -v b="$t1" -v hz="$hz" -v n="$reqs" -v s="$secs" 'BEGIN {
    printf "  ioc CPU: %.2f s over %ss (%.0f%% of a core) = %.1f us per request\n", (b-a)/hz, s, 100*(b-a)/hz/s, n ? 1e6*(b-a)/hz/n : 0 }'
done
echo "== SSE clients over the whole run"
sse_stop | sed 's/^/  /'
delay_hist "$tmp/d1"
echo
echo "== poll delay against the schedule (ioc_poll_delay_seconds, polls during the wrk runs)"
max=$(curl -s "$base/metrics" | awk '$1 == "ioc_poll_delay_max_seconds" {print $2}')
paste "$tmp/d0" "$tmp/d1" | python3 -c '
import sys
rows = [l.split() for l in sys.stdin]
les = [float("inf") if r[0] == "+Inf" else float(r[0]) for r in rows]
cum = [float(r[3]) - float(r[1]) for r in rows]
n = cum[-1]
def q(p):  # histogram_quantile: linear within the bucket
    rank = p * n
    for i, c in enumerate(cum):
        if c >= rank:
            lo = les[i - 1] if i else 0.0
            if les[i] == float("inf"): return lo
            prev = cum[i - 1] if i else 0.0
            return lo + (les[i] - lo) * ((rank - prev) / (c - prev) if c > prev else 1)
    return les[-2]
le100 = cum[les.index(0.1)]
print("  polls: %d; p50 %.1f ms, p99 %.1f ms (bucket estimates); %.1f%% within 100 ms" % (n, 1e3 * q(0.5), 1e3 * q(0.99), 100 * le100 / n if n else 0))
' 
echo "  max since start: $(awk -v m="$max" 'BEGIN {printf "%.0f ms", 1000 * m}')"
