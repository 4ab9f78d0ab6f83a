#!/usr/bin/env bash
# The console's output reaches the terminal in few large writes: ncurses 6.4
# flushes at every cursor movement until its screen has been suspended and
# resumed once (console.c, screen_start), which made dozens of write(2)s of
# ~40 bytes per frame. Runs "ioc demo" in a private tmux server under strace
# for a few seconds and checks the bytes per write(2) to the terminal.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v tmux >/dev/null || { echo "tmux is not installed: skipped"; exit 77; }
command -v strace >/dev/null || { echo "strace is not installed: skipped"; exit 77; }
export LANG=C.UTF-8 LC_ALL= IOC_SIM_BIN
unset NO_COLOR TMUX
tmx() { tmux -L "ioc-writes-$$" -f /dev/null "$@"; }
# check DESC CMD...: passes when CMD succeeds.
check() {
  local desc=$1; shift
  T_CMD="$*"; T_RC=0
  if "$@"; then t_ok "$desc"; else T_RC=$?; t_bad "$desc"; fi
}
trap 'tmx kill-server 2>/dev/null || true; rm -rf "$T_TMP"' EXIT

tmx new-session -d -s w -x 160 -y 48 \
  "strace -f -qq -e trace=write -e signal=none -o '$T_TMP/trace' '$IOC_BIN' demo; sleep 30"
sleep 6
tmx send-keys -t w q
sleep 1
# write(1, ...) calls of ioc (its simulator writes elsewhere) and their sizes.
read -r n bytes < <(awk '/write\(1,/ { n++; sub(/.*= /, ""); b += $0 } END { print n + 0, b + 0 }' "$T_TMP/trace")
echo "# $n writes, $bytes bytes to the terminal"
check "the console wrote (got $bytes bytes)" test "$bytes" -gt 2000
check "at least 200 bytes per write(2) on average (got $n writes for $bytes bytes)" \
  test "$((bytes / (n > 0 ? n : 1)))" -ge 200
t_done
