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
  # tests/e2e/systemd.sh boots systemd in a Debian 12 container (systemd-nspawn)
  # made once by debootstrap (ensure_test_rootfs below).
  pkgs+=(debootstrap systemd-container)
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
# The root file system of tests/e2e/systemd.sh: Debian 12 with systemd,
# man-db, bash-completion and the libraries the package depends on (the
# test fails if its Depends names one this list lacks), so that the test
# installs the .deb offline. Made once (about 2 minutes, 150 MB), remade
# when this list changes; the test boots a copy of it.
test_rootfs=${IOC_TEST_ROOTFS:-/var/cache/ioc-test/bookworm}
test_rootfs_pkgs=systemd,systemd-sysv,dbus,man-db,bash-completion,libcurl4,libncursesw6,libtinfo6,libcjson1,libyaml-0-2,libmicrohttpd12,libsqlite3-0,libpcre2-8-0,libutf8proc2

# debian_mirror: prints the Debian mirror of bookworm that apt uses here.
debian_mirror() {
  local m
  m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
    BEGIN { RS = "" }
    /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|\n|$)/ {
      if (match($0, /(^|\n)URIs:[ \t]*[^ \t\n]+/)) {
        u = substr($0, RSTART, RLENGTH); sub(/^\n?URIs:[ \t]*/, "", u); print u; exit
      }
    }')
  [ -n "$m" ] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | sed 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
  echo "${m:-http://deb.debian.org/debian}"
}

# ensure_test_rootfs: makes $test_rootfs with debootstrap unless it is there
# with the same package list; quiet unless debootstrap fails.
ensure_test_rootfs() {
  local stamp=$test_rootfs/.ioc-rootfs new=$test_rootfs.new mirror log
  [ "$(cat "$stamp" 2>/dev/null)" = "$test_rootfs_pkgs" ] && return 0
  mirror=$(debian_mirror)
  log=$(mktemp)
  echo "ioc: making the Debian 12 root file system of tests/e2e/systemd.sh in $test_rootfs ($mirror)" >&2
  $sudo rm -rf "$new"
  $sudo mkdir -p "$(dirname "$test_rootfs")"
  if ! $sudo debootstrap --variant=minbase --include="$test_rootfs_pkgs" bookworm "$new" "$mirror" \
      >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "ioc: debootstrap failed (log: $log)" >&2
    return 1
  fi
  rm -f "$log"
  # The downloaded .debs are not needed to boot; the hostname says what it is.
  $sudo rm -f "$new"/var/cache/apt/archives/*.deb
  echo ioc-test | $sudo tee "$new/etc/hostname" >/dev/null
  echo "$test_rootfs_pkgs" | $sudo tee "$new/.ioc-rootfs" >/dev/null
  $sudo rm -rf "$test_rootfs"
  $sudo mv "$new" "$test_rootfs"
}

if [ "${1:-}" = "--test" ]; then
  ensure_locales
  ensure_test_rootfs
fi
