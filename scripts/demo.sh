#!/usr/bin/env bash
# Installs what is missing, builds ioc (release), and shows it on the bundled
# province. Extra arguments go to ioc.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOC_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

# The console comes with a later step; until then the demo validates the
# bundled province config and shows what the selectors do.
build/ioc check -c config/haiduong.yaml "$@"
