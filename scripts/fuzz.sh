#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (in build-fuzz/) and runs each for
# SECONDS (default $IOC_FUZZ_SECONDS, else 60), IOC_FUZZ_JOBS (default 2) at
# a time, each seeded from tests/fuzz/corpus/TARGET/. Only the named targets
# run when some are given: scripts/fuzz.sh 300 fuzz_jsonpath
#
# The seeds are copied to a temporary working corpus, so nothing is written
# into the repository. A crash, a sanitizer report, a leak, an input slower
# than IOC_FUZZ_TIMEOUT seconds (default 10) or more than 2 GB of memory fails
# the run (exit 1): the reproducer is kept in build-fuzz/artifacts/ and its
# path printed with the command that replays it. scripts/test.sh runs this
# for 20 s per target with --no-deps.
#
# The mutations start from a fixed seed (IOC_FUZZ_SEED, default 1), so a CI
# pass explores the same inputs on every run: it catches regressions
# without failing at random on an old bug it happens to reach; a longer or
# differently seeded run (IOC_FUZZ_SEED=0: random) is for hunting.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

deps=1
if [ "${1:-}" = "--no-deps" ]; then deps=0; shift; fi
secs=${1:-${IOC_FUZZ_SECONDS:-60}}
[ $# -gt 0 ] && shift
jobs=${IOC_FUZZ_JOBS:-2}
per_input=${IOC_FUZZ_TIMEOUT:-10}
[ "$deps" -eq 1 ] && scripts/deps.sh --test

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$src" .c)"); done
fi

CC=clang cmake -S . -B build-fuzz -DIOC_FUZZ=ON -DIOC_TESTS=OFF -DIOC_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}" >build-fuzz/build.log 2>&1 \
  || { cat build-fuzz/build.log; echo "ioc: the fuzz build failed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ioc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p build-fuzz/artifacts
# Recoverable UBSan checks must stop the fuzzer too; leaks are reported at exit.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# run_one TARGET: fuzzes TARGET for secs seconds; writes its status to $work/TARGET.rc.
run_one() {
  local t=$1 dir=$work/$1 extra=()
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [ -d "tests/fuzz/corpus/$t" ]; then cp -R "tests/fuzz/corpus/$t/." "$dir/corpus/"; fi
  [ "$t" = fuzz_jsonpath ] && extra+=(-dict="$root/tests/fixtures/jsonpath/jsonpath.dict")
  set +e
  "build-fuzz/tests/fuzz/$t" -seed="${IOC_FUZZ_SEED:-1}" -max_total_time="$secs" \
    -timeout="$per_input" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "${extra[@]}" "$dir/corpus" \
    >"$dir.log" 2>&1
  echo $? >"$dir.rc"
  set -e
}

echo "== fuzzing ${#targets[@]} targets for ${secs}s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
  [ -x "build-fuzz/tests/fuzz/$t" ] || { echo "ioc: no fuzz target $t" >&2; exit 1; }
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

failed=0
for t in "${targets[@]}"; do
  rc=$(cat "$work/$t.rc" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
  if [ "$rc" -eq 0 ]; then
    echo "ok   - $t: ${runs:-?} inputs, no crash, leak or timeout"
    continue
  fi
  failed=$((failed + 1))
  echo "FAIL - $t (exit $rc)"
  grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|ALARM|==[0-9]+== ERROR)' "$work/$t.log" | head -n 5 \
    | sed 's/^/       /'
  tail -n 30 "$work/$t.log" | sed 's/^/       log: /'
  for a in "$work/$t/artifacts"/*; do
    [ -e "$a" ] || continue
    keep=build-fuzz/artifacts/$t-$(basename "$a")
    cp "$a" "$keep"
    echo "       reproducer: $root/$keep"
    echo "       replay:     $root/build-fuzz/tests/fuzz/$t $root/$keep"
  done
done
echo "fuzzing: $((${#targets[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
