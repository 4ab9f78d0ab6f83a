#!/usr/bin/env bash
# End-to-end tests of "ioc run" logging to the journal: with JOURNAL_STREAM
# naming its stderr (as systemd sets it), each event goes as one native
# record with IOC_* fields to the journal's socket (here a stand-in at
# IOC_JOURNAL_SOCKET) and not also to stderr; a record the socket does not
# take falls back to the logfmt line on stderr. Without JOURNAL_STREAM, with
# one naming another file, or with IOC_LOG_JOURNAL=off: logfmt on stderr.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 77; }
T_CMD="ioc run (see its log)" T_RC=0
: >"$T_TMP/out"; : >"$T_TMP/err"
run= recv=
trap 'kill $run $recv 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT

# receive SOCKET OUT: a stand-in for journald's native socket, decoding each
# datagram (NAME=value lines, or NAME, newline, 64-bit LE length, bytes) into
# one JSON object per line of OUT; "_binary" lists the fields in binary form.
receive() {
  python3 - "$1" "$2" <<'PY' &
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "a") as out:
    try:
        while True:
            d, rec, binary, i = s.recv(65536), {}, [], 0
            while i < len(d):
                nl = d.index(b"\n", i)
                line = d[i:nl]
                if b"=" in line:
                    k, v = line.split(b"=", 1)
                    i = nl + 1
                else:
                    k, (n,) = line, struct.unpack("<Q", d[nl + 1:nl + 9])
                    v = d[nl + 9:nl + 9 + n]
                    assert d[nl + 9 + n:nl + 10 + n] == b"\n"
                    i = nl + 10 + n
                    binary.append(k.decode())
                rec[k.decode()] = v.decode("utf-8", "replace")
            rec["_binary"] = binary
            out.write(json.dumps(rec) + "\n")
            out.flush()
    except socket.timeout:
        pass
PY
  recv=$!
  for _ in $(seq 50); do [ -S "$1" ] && return 0; sleep 0.1; done
  echo "the receiver did not start"; exit 1
}

# wait_for FILE TEXT: waits up to 10 s for TEXT in FILE.
wait_for() {
  for _ in $(seq 100); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# has FILE PYTHON-EXPR DESC: some record r of FILE (JSON lines) makes EXPR true.
has() {
  if python3 - "$1" "$2" <<'PY'; then t_ok "$3"; else t_bad "$3"; cat "$1"; fi
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if any(eval("(" + sys.argv[2] + ")", {}, {"r": r}) for r in recs) else 1)
PY
}

cfg=$T_TMP/journal.yaml
cat >"$cfg" <<'YAML'
ioc: { name: journal test }
feeds:
  - id: gone
    url: "http://127.0.0.1:1/"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: k, select: "$.k" } ]
YAML

# --- stderr is the journal: native records, nothing on stderr --------------------
sock=$T_TMP/journal.socket
receive "$sock" "$T_TMP/journal.jsonl"
: >"$T_TMP/run.log"
stream=$(stat -c '%d:%i' "$T_TMP/run.log")
JOURNAL_STREAM=$stream IOC_JOURNAL_SOCKET=$sock "$IOC_BIN" run -c "$cfg" 2>>"$T_TMP/run.log" &
run=$!
wait_for "$T_TMP/journal.jsonl" '"IOC_FEED": "gone"' \
  && t_ok "a feed's change reaches the journal socket" \
  || { t_bad "a feed's change reaches the journal socket"; cat "$T_TMP/run.log"; }
has "$T_TMP/journal.jsonl" \
  "r.get('IOC_EVENT') == 'start' and r.get('IOC_CONFIG') == '$cfg' and r.get('IOC_FEEDS') == '1'
   and r.get('PRIORITY') == '6' and r.get('SYSLOG_IDENTIFIER') == 'ioc'
   and r.get('MESSAGE', '').startswith('level=info event=start config=')" \
  "start is a record with IOC_EVENT, IOC_CONFIG, IOC_FEEDS, PRIORITY 6, the identifier and the line without ts as MESSAGE"
has "$T_TMP/journal.jsonl" \
  "r.get('IOC_EVENT') == 'feed' and r.get('IOC_FEED') == 'gone' and r.get('IOC_FROM') == 'pending'
   and r.get('IOC_TO') == 'down' and r.get('PRIORITY') == '4' and 'IOC_LATENCY_MS' in r
   and r.get('IOC_ERROR')" \
  "a feed going down is a warning (PRIORITY 4) with IOC_FEED, IOC_FROM, IOC_TO, IOC_ERROR"
has "$T_TMP/journal.jsonl" "True" "the receiver decoded the records"
python3 - "$T_TMP/journal.jsonl" <<'PY' && t_ok "no record carries ts or level as a field" \
  || t_bad "no record carries ts or level as a field"
import json, sys
sys.exit(any("IOC_TS" in r or "IOC_LEVEL" in r for r in map(json.loads, open(sys.argv[1]))))
PY
grep -q 'event=' "$T_TMP/run.log" && { t_bad "the events are not also written to stderr"; cat "$T_TMP/run.log"; } \
  || t_ok "the events are not also written to stderr"

# The journal goes away: each record falls back to its logfmt line on stderr.
kill $recv; wait $recv 2>/dev/null || true; recv=
rm -f "$sock"
kill -HUP $run
wait_for "$T_TMP/run.log" "level=info event=reload config=$cfg" \
  && t_ok "with the socket gone, a record falls back to its logfmt line on stderr" \
  || { t_bad "a record falls back to stderr"; cat "$T_TMP/run.log"; }
wait_for "$T_TMP/run.log" "event=start config=$cfg" \
  && grep -qE '^ts=[^ ]+ level=info event=start config=' "$T_TMP/run.log" \
  && t_ok "the fallback lines are whole logfmt lines, ts first" || t_bad "the fallback lines are logfmt"
kill -TERM $run
set +e; wait $run; rc=$?; set -e
run=
[ "$rc" -eq 0 ] && t_ok "SIGTERM stops it with status 0" || t_bad "SIGTERM stops it with status 0 (got $rc)"
grep -qE 'event=stop polls=[0-9]+ journal_dropped=[1-9]' "$T_TMP/run.log" \
  && t_ok "the stop line counts the records the journal did not take" \
  || { t_bad "the stop line counts dropped records"; cat "$T_TMP/run.log"; }

# An invalid config at start: its diagnostics are records too.
echo "feeds: [" >"$T_TMP/bad.yaml"
receive "$sock" "$T_TMP/bad.jsonl"
: >"$T_TMP/bad.log"
stream=$(stat -c '%d:%i' "$T_TMP/bad.log")
set +e
JOURNAL_STREAM=$stream IOC_JOURNAL_SOCKET=$sock "$IOC_BIN" run -c "$T_TMP/bad.yaml" 2>>"$T_TMP/bad.log"
rc=$?
set -e
[ "$rc" -eq 2 ] && t_ok "an invalid config at start still exits 2" || t_bad "invalid config exits 2 (got $rc)"
wait_for "$T_TMP/bad.jsonl" '"IOC_EVENT": "start"' || true
has "$T_TMP/bad.jsonl" \
  "r.get('IOC_EVENT') == 'start' and r.get('PRIORITY') == '3' and r.get('IOC_MSG', '').startswith('$T_TMP/bad.yaml:')" \
  "a config error at start is a record with PRIORITY 3 and IOC_MSG (file:line:col)"
grep -q 'event=start' "$T_TMP/bad.log" && t_bad "the config errors are not also on stderr" \
  || t_ok "the config errors are not also on stderr"
kill $recv; wait $recv 2>/dev/null || true; recv=
rm -f "$sock"

# --- stderr is not the journal, or the journal is turned off: logfmt -------------
receive "$sock" "$T_TMP/none.jsonl"
: >"$T_TMP/other"
# run_plain DESC ENV...: ioc run with ENV logs logfmt on stderr, nothing to the socket.
run_plain() {
  local desc=$1; shift
  : >"$T_TMP/plain.log"
  env "$@" IOC_JOURNAL_SOCKET="$sock" "$IOC_BIN" run -c "$cfg" 2>>"$T_TMP/plain.log" &
  run=$!
  if wait_for "$T_TMP/plain.log" "event=feed feed=gone from=pending to=down" \
    && grep -qE "^ts=[^ ]+ level=info event=start config=$cfg feeds=1" "$T_TMP/plain.log"; then
    t_ok "$desc: logfmt on stderr as before"
  else
    t_bad "$desc: logfmt on stderr as before"; cat "$T_TMP/plain.log"
  fi
  kill -TERM $run; wait $run 2>/dev/null || true; run=
}
run_plain "without JOURNAL_STREAM" -u JOURNAL_STREAM
run_plain "JOURNAL_STREAM naming another file" JOURNAL_STREAM="$(stat -c '%d:%i' "$T_TMP/other")"
run_plain "JOURNAL_STREAM malformed" JOURNAL_STREAM=garbage
# IOC_LOG_JOURNAL=off: stderr is the journal, but logfmt is written to it.
: >"$T_TMP/off.log"
stream=$(stat -c '%d:%i' "$T_TMP/off.log")
JOURNAL_STREAM=$stream IOC_LOG_JOURNAL=off IOC_JOURNAL_SOCKET=$sock "$IOC_BIN" run -c "$cfg" \
  2>>"$T_TMP/off.log" &
run=$!
wait_for "$T_TMP/off.log" "event=feed feed=gone from=pending to=down" \
  && t_ok "IOC_LOG_JOURNAL=off: logfmt on stderr even when it is the journal" \
  || { t_bad "IOC_LOG_JOURNAL=off: logfmt on stderr"; cat "$T_TMP/off.log"; }
kill -TERM $run; wait $run 2>/dev/null || true; run=
[ -s "$T_TMP/none.jsonl" ] && { t_bad "nothing went to the journal socket in these runs"; cat "$T_TMP/none.jsonl"; } \
  || t_ok "nothing went to the journal socket in these runs"

t_done
