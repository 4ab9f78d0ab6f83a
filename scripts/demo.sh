#!/usr/bin/env bash
# Installs what is missing, builds ioc (release), and opens the console on the
# bundled demo province (ioc demo: a simulated Hai Duong, no endpoints needed).
# Extra arguments go to "ioc demo"; q quits.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOC_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

exec build/ioc/ioc demo "$@"
