# lib.sh - helpers for the end-to-end tests: run a command, check its exit
# status and output, count results, print "N passed, M failed" at the end.
# Source it; then call t_run, t_status, t_out_has, ..., and finally t_done.

T_PASS=0
T_FAIL=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ioc-e2e.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT
# ioc's default archive lives under $XDG_STATE_HOME: never the user's own.
export XDG_STATE_HOME="$T_TMP/state"
unset STATE_DIRECTORY # systemd's, which would come first (docs/archive.md)

# t_run CMD...: runs CMD, keeping stdout, stderr and exit status for checks.
t_run() {
  T_CMD="$*"
  set +e
  "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
  T_RC=$?
  set -e
}

# t_run_in FILE CMD...: like t_run with FILE as standard input.
t_run_in() {
  local in=$1; shift
  T_CMD="$* < $in"
  set +e
  "$@" >"$T_TMP/out" 2>"$T_TMP/err" <"$in"
  T_RC=$?
  set -e
}

t_ok()   { T_PASS=$((T_PASS + 1)); echo "ok   - $1"; }
t_bad()  {
  T_FAIL=$((T_FAIL + 1)); echo "FAIL - $1"
  echo "       command: $T_CMD (exit $T_RC)"
  # head reads the file itself: no pipe for SIGPIPE to break under pipefail.
  head -n 20 "$T_TMP/out" | sed 's/^/       stdout: /'
  head -n 20 "$T_TMP/err" | sed 's/^/       stderr: /'
}

# t_status N DESC: the last command exited with N.
t_status() { if [ "$T_RC" -eq "$1" ]; then t_ok "$2"; else t_bad "$2 (want exit $1)"; fi; }

# t_out_has TEXT DESC / t_err_has TEXT DESC: fixed-string search in stdout / stderr.
t_out_has() { if grep -qF -- "$1" "$T_TMP/out"; then t_ok "$2"; else t_bad "$2 (stdout lacks '$1')"; fi; }
t_err_has() { if grep -qF -- "$1" "$T_TMP/err"; then t_ok "$2"; else t_bad "$2 (stderr lacks '$1')"; fi; }

# t_none_has TEXT DESC: neither stdout nor stderr contains TEXT.
t_none_has() {
  if grep -qF -- "$1" "$T_TMP/out" "$T_TMP/err"; then t_bad "$2 (output has '$1')"; else t_ok "$2"; fi
}

# t_out_is TEXT DESC: stdout is exactly TEXT (plus a final newline).
t_out_is() {
  if [ "$(cat "$T_TMP/out")" = "$1" ]; then t_ok "$2"; else t_bad "$2 (want stdout '$1')"; fi
}

# t_done: prints the totals and exits non-zero when anything failed.
t_done() {
  echo "$T_PASS passed, $T_FAIL failed"
  [ "$T_FAIL" -eq 0 ]
}
