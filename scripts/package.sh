#!/usr/bin/env bash
# Builds the Debian package of ioc: a Release build in build-pkg/ (or the
# build tree given as $1, e.g. build-release), then cpack -G DEB. Prints the
# path of ioc_<version>_<arch>.deb. Install it with apt install ./ioc_*.deb
# (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build-pkg}
if [ $# -eq 0 ]; then
  scripts/deps.sh
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIOC_WERROR=ON -DIOC_TESTS=OFF \
    -DIOC_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" >"$build/package-build.log" 2>&1 \
  || { cat "$build/package-build.log"; echo "ioc: the build failed" >&2; exit 1; }
for tool in dpkg-shlibdeps file; do
  command -v "$tool" >/dev/null \
    || { echo "ioc: cpack -G DEB needs $tool: apt-get install dpkg-dev file" >&2; exit 1; }
done
(cd "$build" && cpack -G DEB >cpack.log 2>&1) \
  || { cat "$build/cpack.log"; echo "ioc: cpack failed" >&2; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb="$build/ioc_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { cat "$build/cpack.log"; echo "ioc: $deb was not made" >&2; exit 1; }
echo "$deb"
