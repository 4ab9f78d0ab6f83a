#!/usr/bin/env bash
# How "ioc check" scales with the number of feeds: generates a config of N
# feeds (one KPI each, with a threshold, so one implicit rule per feed), one
# explicit rule per 10 feeds and a page with one panel per 10 feeds (40,000
# feeds fit the 4 MiB limit), then times "ioc check" on it. Prints numbers; see docs/performance.md.
# Usage: bench/check-scale.sh [FEEDS] [IOC_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
feeds=${1:-40000}
ioc=${2:-}
if [ -z "$ioc" ]; then
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DIOC_TESTS=OFF >/dev/null
  cmake --build build-bench -j"$(nproc)" --target ioc >/dev/null
  ioc=build-bench/ioc/ioc
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cfg="$tmp/scale.yaml"
awk -v n="$feeds" 'BEGIN {
  print "ioc: { name: Scale, archive: off }"
  print "feeds:"
  for (i = 0; i < n; i++)
    printf "  - {id: f%d, url: \"http://127.0.0.1/\", kpis: [{id: r, select: $.r, warn: \"< 8\"}]}\n", i
  print "rules:"
  for (i = 0; i < n; i += 10)
    printf "  - {id: r%d, kpi: f%d.r, above: 9}\n", i, i
  print "pages:"
  print "  - title: All"
  print "    rows:"
  print "      - panels:"
  for (i = 0; i < n; i += 10)
    printf "          - {widget: stat, kpi: f%d.r}\n", i
}' >"$cfg"
echo "config: $feeds feeds, $(wc -c <"$cfg") bytes"
start=$(date +%s.%N)
"$ioc" check -c "$cfg"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "ioc check: %.3f s\n", e - s }'
