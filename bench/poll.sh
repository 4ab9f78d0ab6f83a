#!/usr/bin/env bash
# Poll throughput on loopback: ioc's poller (bench_poll: real loop, curl
# multi, JSON parse and selector per poll) next to wrk against the same
# ioc-sim endpoint and ~2 KB body, in one run. Prints numbers; see
# docs/performance.md. Usage: bench/poll.sh [FEEDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
feeds=${1:-20}
secs=${2:-10}

scripts/deps.sh
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo;
  $sudo apt-get install -y -qq wrk >/dev/null; }
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DIOC_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target ioc-sim bench_poll >/dev/null

tmp=$(mktemp -d)
build-bench/sim/ioc-sim -s bench/poll-scenario.yaml --port 0 >"$tmp/sim.out" &
sim=$!
trap 'kill $sim 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do grep -q listening "$tmp/sim.out" && break; sleep 0.1; done
url="$(sed -n 's/.*\(http:[^ ]*\).*/\1/p' "$tmp/sim.out")/bench"
bytes=$(curl -s "$url" | wc -c)

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "endpoint: $url ($bytes bytes of JSON), $feeds concurrent connections, ${secs}s each"
echo
echo "== ioc poller (bench_poll)"
build-bench/bench/bench_poll "$url" "$feeds" "$secs"
echo
echo "== wrk, same server and body (1 thread, $feeds connections)"
wrk -t1 -c"$feeds" -d"${secs}s" "$url" | sed -n '/Requests\/sec/p;/requests in/p'
