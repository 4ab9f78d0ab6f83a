#!/usr/bin/env bash
# End-to-end tests of the SQLite archive with "ioc run" against ioc-sim:
# kill -9 while polling keeps every committed batch and the archive opens;
# a restart continues (snapshot --from-archive, report) and the time ioc was
# killed is reported as "ioc not running", not as a feed outage; the readers
# work without write access to the archive's folder; a second writer is
# locked out but keeps polling; an unwritable archive is logged while polling
# goes on; a foreign file is refused and left alone.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y

"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
pids=()
rodir=
trap 'kill -9 $sim ${pids[@]+"${pids[@]}"} 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP" ${rodir:+"$rodir"}' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")

# wait_for FILE TEXT: waits up to 10 s for TEXT in FILE.
wait_for() {
  for _ in $(seq 100); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
# jq_py EXPR: evaluates a Python expression over the JSON on stdout as `d`.
jq_py() { python3 -c "import json,sys; d=json.load(open('$T_TMP/out')); print($1)"; }
# check COND DESC: a shell condition as a test.
check() { T_CMD=$1; T_RC=0; if eval "$1"; then t_ok "$2"; else t_bad "$2"; fi; }

# make_cfg FILE ARCHIVE: a config with two feeds (one unreachable) and that archive.
make_cfg() {
  cat >"$1" <<YAML
ioc: { name: archive test, timezone: Asia/Ho_Chi_Minh, archive: "$2" }
feeds:
  - id: a
    url: "\${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "\$.data.rate", warn: "< 60", target: 50 } ]
  - id: gone
    url: "http://127.0.0.1:1/"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: k, select: "\$.k" } ]
YAML
}

arch=$T_TMP/state/deep/archive.db
cfg=$T_TMP/archive.yaml
make_cfg "$cfg" "$arch"

# now_ms: the wall clock in ms.
now_ms() { date +%s%3N; }

# --- kill -9 while polling ------------------------------------------------------
start1=$(now_ms)
"$IOC_BIN" run -c "$cfg" 2>"$T_TMP/run1.log" &
run1=$!; pids+=($run1)
wait_for "$T_TMP/run1.log" "event=feed feed=a from=pending to=ok" \
  && t_ok "ioc run polls with an archive" || t_bad "ioc run polls with an archive"
check "grep -qF 'event=archive path=$arch writer=yes' '$T_TMP/run1.log'" \
  "the archive (in a new directory) is logged as written"
sleep 3
kill -STOP $run1 # frozen: what the archive holds now is exactly what was committed
t_run "$IOC_BIN" report -c "$cfg" --date today -f json
t_status 0 "report reads the archive while the writer holds it"
committed=$(jq_py "[k['samples'] for k in d['kpis'] if k['key']=='a.rate'][0]")
check "[ '$committed' -ge 2 ]" "committed batches hold samples ($committed)"
kill -9 $run1
wait $run1 2>/dev/null || true
killed=$(now_ms)
t_run "$IOC_BIN" report -c "$cfg" --date today -f json
t_status 0 "the archive opens after kill -9"
after=$(jq_py "[k['samples'] for k in d['kpis'] if k['key']=='a.rate'][0]")
check "[ '$after' = '$committed' ]" "every committed batch is there after kill -9 ($after)"

# --- restart: values continue ----------------------------------------------------
sleep 2 # ioc is not running for a while
restarted=$(now_ms)
"$IOC_BIN" run -c "$cfg" 2>"$T_TMP/run2.log" &
run2=$!; pids+=($run2)
check "wait_for '$T_TMP/run2.log' 'writer=yes'" "a restarted ioc run takes the archive (lock freed)"
t_run "$IOC_BIN" snapshot -c "$cfg" --from-archive -f json
t_status 0 "snapshot --from-archive"
check "[ \"\$(jq_py \"[k['value'] for f in d['feeds'] for k in f['kpis'] if f['id']=='a'][0]\")\" = 51.5 ]" \
  "snapshot --from-archive has the latest value"
check "[ \"\$(jq_py \"[f['state'] for f in d['feeds'] if f['id']=='gone'][0]\")\" = down ]" \
  "snapshot --from-archive has the recorded feed state"
t_run "$IOC_BIN" snapshot -c "$cfg" --from-archive -f text
t_out_has "51.5" "snapshot --from-archive as text"

# --- a second writer: locked out, keeps polling -----------------------------------
"$IOC_BIN" run -c "$cfg" 2>"$T_TMP/run3.log" &
run3=$!; pids+=($run3)
check "wait_for '$T_TMP/run3.log' \"archive $arch is in use by another ioc (pid $run2); running without archive writes\"" \
  "a second writer gets the lock message with the first one's pid"
check "wait_for '$T_TMP/run3.log' 'event=feed feed=a from=pending to=ok'" \
  "the second ioc run keeps polling"
sleep 2
check "kill -0 $run3" "the second ioc run is still running"
kill -TERM $run3
set +e; wait $run3; rc=$?; set -e
check "[ $rc -eq 0 ]" "the second ioc run stops cleanly"

sleep 2
kill -TERM $run2
set +e; wait $run2; rc=$?; set -e
stop2=$(now_ms)
check "[ $rc -eq 0 ]" "ioc run stops cleanly with an archive"

# --- the day's report --------------------------------------------------------------
t_run "$IOC_BIN" report -c "$cfg" --date today -f json
t_status 0 "report --date today"
check "[ \"\$(jq_py \"[k['samples'] for k in d['kpis'] if k['key']=='a.rate'][0] > $after\")\" = True ]" \
  "the restarted run added samples"
check "[ \"\$(jq_py \"[(k['min'], k['avg'], k['max'], k['met']) for k in d['kpis'] if k['key']=='a.rate'][0]\")\" = \"(51.5, 51.5, 51.5, 'yes')\" ]" \
  "report figures: min/avg/max 51.5, target 50 met"
check "[ \"\$(jq_py \"[k['warn_share'] for k in d['kpis'] if k['key']=='a.rate'][0]\")\" = 1 ]" \
  "report: all the covered time in warn (< 60)"
check "[ \"\$(jq_py \"[(f['availability'], f['failures'] == f['polls'] > 0) for f in d['feeds'] if f['id']=='gone'][0]\")\" = '(0, True)' ]" \
  "report: the unreachable feed's availability is 0"
check "[ \"\$(jq_py \"[f['availability'] for f in d['feeds'] if f['id']=='a'][0]\")\" = 1 ]" \
  "report: the simulated feed's availability is 1"
# The kill -9: a period when ioc was not running, which no feed is charged for.
nr="d['ioc_not_running']"
check "[ \"\$(jq_py \"[(p['clean'], p['duration_ms'] >= 2000) for p in $nr['periods']]\")\" = '[(False, True)]' ]" \
  "report: the time after kill -9 is one period of ioc not running (unclean)"
check "[ \"\$(jq_py \"$nr['duration_ms'] == sum(p['duration_ms'] for p in $nr['periods'])\")\" = True ]" \
  "report: ioc_not_running.duration_ms is the sum of its periods"
gap=$((restarted - killed)) # at least; the period starts at the last commit before the kill
down=$(jq_py "[f['longest_down_ms'] for f in d['feeds'] if f['id']=='gone'][0]")
check "[ $down -gt 0 ] && [ $down -lt $((stop2 - start1 - gap)) ]" \
  "report: the unreachable feed's longest outage ($down ms) leaves out the time ioc was killed"
t_run "$IOC_BIN" report -c "$cfg" --date today
t_status 0 "report as text"
t_out_has "ioc not running: " "the text report shows the time ioc was not running"
t_out_has "(1 period, 1 after an unclean stop)" "as one period after an unclean stop"
# The text report in the UI language's style; the machine formats unchanged.
t_run env LANG=vi_VN.UTF-8 "$IOC_BIN" report -c "$cfg" --date today
t_out_has " 51,5 " "text report, vi: a decimal comma (51,5)"
check "sed -n 2p '$T_TMP/out' | grep -qE '^[0-3][0-9]/[01][0-9]/20[0-9][0-9]  Asia/Ho_Chi_Minh  .* [0-3][0-9]/[01][0-9]/20[0-9][0-9] [0-2][0-9]:'" \
  "text report, vi: the day and the time generated as dd/mm/yyyy"
t_run env LANG=en_US.UTF-8 "$IOC_BIN" report -c "$cfg" --date today
t_out_has " 51.5 " "text report, en: a decimal point (51.5)"
check "sed -n 2p '$T_TMP/out' | grep -qE '^20[0-9][0-9]-[01][0-9]-[0-3][0-9]  Asia/Ho_Chi_Minh  .* 20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:'" \
  "text report, en: the day and the time generated as yyyy-mm-dd"
t_run env LANG=vi_VN.UTF-8 "$IOC_BIN" report -c "$cfg" --date today -f json
check "[ \"\$(jq_py \"[k['avg'] for k in d['kpis'] if k['key']=='a.rate'][0]\")\" = 51.5 ] && grep -q '\"date\":[[:space:]]*\"20[0-9][0-9]-' '$T_TMP/out'" \
  "json report, vi UI: 51.5 and an ISO date"
t_run env LANG=vi_VN.UTF-8 "$IOC_BIN" report -c "$cfg" --date today -f csv
t_out_has ",51.5," "csv report, vi UI: 51.5 exactly"
for f in md html; do
  t_run "$IOC_BIN" report -c "$cfg" --date today -f $f
  t_out_has "(1 period, 1 after an unclean stop)" "the $f report shows it too"
done
t_run "$IOC_BIN" report -c "$cfg" --date today -f csv
check "tr -d '\\r' <'$T_TMP/out' | head -n 1 | grep -q ',ioc_not_running_s,ioc_not_running_periods\$' && tr -d '\\r' <'$T_TMP/out' | sed -n 2p | grep -q ',1\$'" \
  "the csv report has the not-running columns"

# --- readers without write access to the archive's folder -------------------------
# After a clean stop the archive has no -wal/-shm; a reader must not need to create
# them. Root writes anywhere, so as root the readers run as nobody on a copy in a
# root-owned folder (0755, file 0644); otherwise the folder is made read-only.
rodir=$(mktemp -d "${TMPDIR:-/tmp}/ioc-ro.XXXXXX")
cp "$arch" "$rodir/archive.db"
make_cfg "$rodir/ro.yaml" "$rodir/archive.db"
as_reader=()
reader_bin=$IOC_BIN
if [ "$(id -u)" = 0 ]; then
  # nobody may not reach the build tree: it runs a copy of the binary.
  cp "$IOC_BIN" "$rodir/ioc"
  reader_bin=$rodir/ioc
  chmod 755 "$rodir" "$reader_bin"; chmod 644 "$rodir/archive.db" "$rodir/ro.yaml"
  as_reader=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
else
  chmod 444 "$rodir/archive.db"; chmod 555 "$rodir"
fi
t_run "${as_reader[@]}" "$reader_bin" --version
t_status 0 "the reader can run ioc"
t_run "${as_reader[@]}" "$reader_bin" report -c "$rodir/ro.yaml" --date today -f json
t_status 0 "report reads an archive in a folder it cannot write"
t_none_has "readonly database" "without 'attempt to write a readonly database'"
check "[ \"\$(jq_py \"[k['samples'] for k in d['kpis'] if k['key']=='a.rate'][0] > 0\")\" = True ]" \
  "and prints its data"
t_run "${as_reader[@]}" "$reader_bin" snapshot -c "$rodir/ro.yaml" --from-archive -f text
t_status 0 "snapshot --from-archive reads it too"
t_out_has "51.5" "and prints the latest value"
check "[ ! -e '$rodir/archive.db-shm' ] && [ ! -e '$rodir/archive.db-wal' ] && cmp -s '$arch' '$rodir/archive.db'" \
  "the read-only archive is left as it was"
chmod 755 "$rodir"
t_run "$IOC_BIN" report -c "$cfg" --date 2026-02-30
t_status 2 "an invalid date is a usage error"
t_err_has "expected YYYY-MM-DD" "the invalid date message says what is expected"

# --- no archive, foreign file --------------------------------------------------------
make_cfg "$T_TMP/none.yaml" "$T_TMP/none/archive.db"
t_run "$IOC_BIN" report -c "$T_TMP/none.yaml"
t_status 2 "report without an archive exits 2"
t_err_has "no archive at $T_TMP/none/archive.db" "and says where it looked"
t_run "$IOC_BIN" snapshot -c "$T_TMP/none.yaml" --from-archive
t_status 2 "snapshot --from-archive without an archive exits 2"

echo "not a database" >"$T_TMP/foreign.db"
cp "$T_TMP/foreign.db" "$T_TMP/foreign.copy"
make_cfg "$T_TMP/foreign.yaml" "$T_TMP/foreign.db"
t_run timeout 10 "$IOC_BIN" run -c "$T_TMP/foreign.yaml"
t_status 1 "ioc run refuses a foreign file as archive"
t_err_has "is not an ioc archive" "with a clear message"
check "cmp -s '$T_TMP/foreign.db' '$T_TMP/foreign.copy'" "the foreign file is not modified"

# --- an archive that cannot be written: logged, polling goes on -------------------
if [ "$(id -u)" = 0 ]; then
  touch "$T_TMP/plainfile" # root writes anywhere: use a directory that cannot exist
  ro=$T_TMP/plainfile/archive.db
else
  mkdir -p "$T_TMP/rodir" && chmod 555 "$T_TMP/rodir"
  ro=$T_TMP/rodir/archive.db
fi
make_cfg "$T_TMP/ro.yaml" "$ro"
"$IOC_BIN" run -c "$T_TMP/ro.yaml" 2>"$T_TMP/run4.log" &
run4=$!; pids+=($run4)
check "wait_for '$T_TMP/run4.log' 'level=warn event=archive path=$ro writer=no error=\"archive $ro: cannot'" \
  "an unwritable archive is logged as an error (writer=no)"
check "! grep -q 'writer=yes' '$T_TMP/run4.log'" "an unwritable archive is never logged as written"
check "wait_for '$T_TMP/run4.log' 'event=feed feed=a from=pending to=ok'" \
  "polling goes on without the archive"
sleep 1
check "kill -0 $run4" "ioc run keeps running"
kill -TERM $run4
set +e; wait $run4; rc=$?; set -e
check "[ $rc -eq 0 ]" "and stops cleanly"
[ -d "$T_TMP/rodir" ] && chmod 755 "$T_TMP/rodir"

t_done
