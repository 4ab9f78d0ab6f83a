#!/usr/bin/env bash
# Install the Debian packages ioc needs to build, test and run, if missing.
# Usage: scripts/deps.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail

pkgs=(build-essential cmake pkg-config
      libncurses-dev libcurl4-openssl-dev libcjson-dev libyaml-dev
      libmicrohttpd-dev libsqlite3-dev ca-certificates)
if [ "${1:-}" = "--test" ]; then
  pkgs+=(libcmocka-dev clang tmux curl python3 chromium)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ioc: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
