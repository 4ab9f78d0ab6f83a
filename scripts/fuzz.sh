#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
scripts/deps.sh --test
CC=clang cmake -S . -B fuzz-build -DIOC_FUZZ=ON -DIOC_TESTS=OFF -DIOC_BENCH=OFF >/dev/null
cmake --build fuzz-build -j"$(nproc)" >/dev/null
for f in fuzz-build/tests/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  mkdir -p "tests/fuzz/corpus-$name"
  echo "== $name (${secs}s)"
  "$f" -max_total_time="$secs" -print_final_stats=0 "tests/fuzz/corpus-$name" 2>&1 | tail -n 2
done
