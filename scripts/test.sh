#!/usr/bin/env bash
# Builds ioc with AddressSanitizer + UndefinedBehaviorSanitizer and runs the
# whole test suite (cmocka unit tests and end-to-end tests) with ctest.
# Extra arguments go to ctest, e.g. scripts/test.sh -R unit_config
# Then a short libFuzzer pass over every target (scripts/fuzz.sh): 20 s each,
# 2 at a time; IOC_FUZZ_SECONDS=N changes that, IOC_FUZZ_SECONDS=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh --test

# An optimised build with warnings as errors first: -O2 finds warnings that
# the Debug build does not (format truncation, string overflow).
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DIOC_WERROR=ON -DIOC_TESTS=OFF >/dev/null
cmake --build build-release -j"$(nproc)" >build-release/build.log 2>&1 \
  || { cat build-release/build.log; echo "ioc: the optimised -Werror build failed" >&2; exit 1; }

cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DIOC_SANITIZE=ON -DIOC_WERROR=ON >/dev/null
cmake --build build-test -j"$(nproc)"

# tests/e2e/package.sh packages the optimised build, as scripts/package.sh does.
export IOC_PKG_BUILD="$PWD/build-release"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
(cd build-test && ctest --output-on-failure -j"$(nproc)" "$@") | tee build-test/ctest.log
# A test that could not run exits 77 and ctest lists it as skipped. The deps
# script installs what every test needs, so in CI a skip is a failure.
if grep -q '\*\*\*Skipped\|Not Run' build-test/ctest.log; then
  echo "ioc: some tests were skipped (see above): run scripts/deps.sh --test" >&2
  [ "${CI:-}" = true ] && exit 1
fi

fuzz_secs=${IOC_FUZZ_SECONDS:-20}
if [ "$fuzz_secs" -gt 0 ]; then
  scripts/fuzz.sh --no-deps "$fuzz_secs"
fi
