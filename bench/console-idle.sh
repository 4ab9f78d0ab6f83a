#!/usr/bin/env bash
# Idle CPU of the console: runs "ioc demo" (20 feeds polling, the clock
# ticking, charts redrawn when data arrives) in a detached tmux session for
# SECONDS with no key pressed, and prints the CPU time ioc used.
# Usage: bench/console-idle.sh [SECONDS]   (default 60). See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
scripts/deps.sh --test >/dev/null
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DIOC_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target ioc ioc-sim >/dev/null

sock=ioc-idle-$$
trap 'tmux -L $sock kill-server 2>/dev/null || true' EXIT
tmux -L $sock new-session -d -x 160 -y 48 "exec env LANG=C.UTF-8 build-bench/ioc/ioc demo"
pid=$(tmux -L $sock display -p '#{pane_pid}')
sleep 5 # start-up: the simulator, the first polls
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks)
sleep "$secs"
t1=$(ticks)
cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
pct=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f", 100 * (b - a) / hz / s }')
echo "ioc demo idle for ${secs}s at 160x48: ${cpu}s of CPU = ${pct}% of one core"
