#!/usr/bin/env bash
# Fails when a source file includes a header from its own layer's sibling or
# from a layer above its own. The layers, bottom to top (docs/design.md):
#   1 base   2 parse   3 config   4 feeds sim   5 core   6 services
#   7 widgets export   8 console   9 ioc
# Folders on one line are siblings: neither includes the other. tests/ and
# bench/ may include anything. Usage: scripts/check-layers.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

declare -A rank=([base]=1 [parse]=2 [config]=3 [feeds]=4 [sim]=4 [core]=5 [services]=6
                 [widgets]=7 [export]=7 [console]=8 [ioc]=9)
bad=0 n=0
for dir in "${!rank[@]}"; do
  [ -d "$dir" ] || continue
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    while IFS=: read -r line inc; do
      to=${inc%%/*}
      if [ -z "${rank[$to]:-}" ]; then
        echo "$f:$line: includes \"$inc\" from '$to', which is not a layer" >&2
        bad=$((bad + 1))
      elif [ "$to" != "$dir" ] && [ "${rank[$to]}" -ge "${rank[$dir]}" ]; then
        echo "$f:$line: '$dir' (layer ${rank[$dir]}) includes \"$inc\" from '$to' (layer ${rank[$to]})" >&2
        bad=$((bad + 1))
      fi
    done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$f" \
             | grep -n '/' || true)
  done < <(find "$dir" -name '*.[ch]' -print0)
done
if [ "$bad" -gt 0 ]; then
  echo "layers: $bad include(s) go against the layers (see docs/design.md)" >&2
  exit 1
fi
echo "layers: $n files, every include goes down"
