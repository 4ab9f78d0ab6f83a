#!/usr/bin/env bash
# Install the Debian packages ioc needs to build, test and run, if missing.
# Usage: scripts/deps.sh [--test|--bench]   (--test adds what the test suite needs,
# --bench what bench/api-load.sh needs; the benchmarks are not part of the test suite)
set -euo pipefail

# gettext: msgfmt compiles po/vi.po; xgettext for tests/e2e/po.sh.
# file: cpack -G DEB finds the binaries for dpkg-shlibdeps with it (scripts/package.sh).
pkgs=(build-essential cmake pkg-config
      libncurses-dev libcurl4-openssl-dev libcjson-dev libyaml-dev
      libmicrohttpd-dev libsqlite3-dev libutf8proc-dev libpcre2-dev ca-certificates file
      gettext)
if [ "${1:-}" = "--test" ]; then
  # prometheus: promtool and a real server for tests/e2e/metrics.sh and prometheus.sh
  pkgs+=(libcmocka-dev clang tmux curl python3 chromium locales prometheus)
  # prometheus-node-exporter: real counters for tests/e2e/promql.sh
  pkgs+=(prometheus-node-exporter)
  # victoria-metrics: the central store of tests/e2e/federation.sh, as well as prometheus
  pkgs+=(victoria-metrics)
  # The package test (tests/e2e/package.sh): lintian, man pages, the unit, completion.
  pkgs+=(lintian man-db systemd bash-completion zsh)
  # strace: tests/e2e/console_writes.sh counts the console's writes to the terminal
  pkgs+=(strace)
fi
if [ "${1:-}" = "--bench" ]; then
  # wrk: load on the HTTP API (bench/api-load.sh, bench/poll.sh); nginx: the
  # upstream of bench/scale.sh and bench/throughput.sh; prometheus: bench/vs-prometheus.sh
  pkgs+=(wrk curl python3 nginx-light prometheus)
fi
# Locales the tests switch to: a decimal comma (de_DE), and the UI languages.
test_locales=(de_DE.UTF-8 vi_VN.UTF-8 en_US.UTF-8)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# ensure_locales: generates the test locales that locale -a does not list.
ensure_locales() {
  local want=() l have
  have=$(locale -a 2>/dev/null | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
  for l in "${test_locales[@]}"; do
    grep -qx "$(echo "$l" | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')" <<<"$have" || want+=("$l")
  done
  [ ${#want[@]} -eq 0 ] && return 0
  echo "ioc: generating locales ${want[*]}" >&2
  for l in "${want[@]}"; do
    grep -qx "$l UTF-8" /etc/locale.gen 2>/dev/null \
      || echo "$l UTF-8" | $sudo tee -a /etc/locale.gen >/dev/null
  done
  $sudo locale-gen >/dev/null
}

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ioc: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--test" ]; then
  ensure_locales
fi
