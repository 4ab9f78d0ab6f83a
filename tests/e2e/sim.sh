#!/usr/bin/env bash
# End-to-end test of ioc-sim: formats, required headers, every fault mode through
# the control API, scheduled faults, reproducibility and clean shutdown.
# Needs IOC_SIM_BIN (the built ioc-sim) and IOC_SRC (the source tree); uses curl.
set -euo pipefail

: "${IOC_SIM_BIN:?set IOC_SIM_BIN to the ioc-sim binary}"
: "${IOC_SRC:?set IOC_SRC to the source tree}"
SCEN="$IOC_SRC/tests/fixtures/sim/basic.yaml"
START="2025-03-26T09:00:00+07:00"
export IOC_SIM_TEST_TOKEN="s3cret"

tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

passed=0
failed=0
# check NAME COMMAND...: runs the command; passes when it exits 0.
check() {
    local name=$1
    shift
    if "$@"; then
        echo "ok - $name"
        passed=$((passed + 1))
    else
        echo "FAIL - $name"
        failed=$((failed + 1))
    fi
}

# start_sim NAME ARGS...: starts ioc-sim, waits for its listening line, sets PORT and SIMPID.
start_sim() {
    local name=$1
    shift
    "$IOC_SIM_BIN" -s "$SCEN" --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    SIMPID=$!
    pids+=("$SIMPID")
    for _ in $(seq 1 200); do
        if grep -q '^ioc-sim listening on http://127.0.0.1:[0-9]*$' "$tmp/$name.out"; then
            PORT=$(sed -n 's|^ioc-sim listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$tmp/$name.out")
            return 0
        fi
        kill -0 "$SIMPID" 2>/dev/null || break
        sleep 0.05
    done
    echo "ioc-sim did not start:" >&2
    cat "$tmp/$name.err" >&2
    return 1
}

# get PATH [CURL ARGS...]: body of a GET into $tmp/body, headers into $tmp/hdr;
# sets CODE (HTTP status), RC (curl exit code) and SECS (time taken).
get() {
    local path=$1
    shift
    RC=0
    local out
    out=$(curl -sS -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code} %{time_total}' "$@" \
        "http://127.0.0.1:$PORT$path" 2>/dev/null) || RC=$?
    CODE=${out%% *}
    SECS=${out##* }
}

# ctl METHOD PATH?QUERY: a control API request; its body is in $tmp/ctl.
ctl() {
    curl -sS -o "$tmp/ctl" -w '%{http_code}' -X "$1" "http://127.0.0.1:$PORT$2"
}

has_header() { grep -qi "^$1: $2"$'\r'"\?$" "$tmp/hdr"; }
body_has() { grep -qF -- "$1" "$tmp/body"; }
is_json() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
faster_than() { awk -v s="$SECS" -v m="$1" 'BEGIN { exit !(s < m) }'; }
slower_than() { awk -v s="$SECS" -v m="$1" 'BEGIN { exit !(s >= m) }'; }

# ---- command line ----
check "--help exits 0" "$IOC_SIM_BIN" --help >/dev/null
check "--version prints the version" bash -c '"$0" --version | grep -q "^ioc-sim [0-9]"' "$IOC_SIM_BIN"
rc=0; "$IOC_SIM_BIN" --port 70000 -s "$SCEN" 2>"$tmp/usage.err" || rc=$?
check "bad usage exits 2 with a message" test "$rc" = 2 -a -s "$tmp/usage.err"
printf 'endpoints:\n  - path: /x\n    format: xml\n    body: "{{nope}}"\n' >"$tmp/bad.yaml"
rc=0; "$IOC_SIM_BIN" -s "$tmp/bad.yaml" 2>"$tmp/bad.err" || rc=$?
check "bad scenario exits 2" test "$rc" = 2
mkfifo "$tmp/fifo.yaml"
rc=0; timeout 5 "$IOC_SIM_BIN" --check -s "$tmp/fifo.yaml" 2>"$tmp/fifo.err" || rc=$?
check "a FIFO scenario is refused at once (exit 2)" test "$rc" = 2
check "a FIFO scenario: not a regular file" grep -q "fifo.yaml: error: not a regular file" "$tmp/fifo.err"
check "bad scenario: file:line:col for each problem" \
    bash -c 'grep -q "bad.yaml:3:13: error: expected format" "$0" &&
             grep -q "bad.yaml:4:12: error: unknown placeholder" "$0"' "$tmp/bad.err"

# ---- formats ----
start_sim main --seed 42 --start "$START" --time-scale 0
MAIN=$SIMPID
MAINPORT=$PORT
get /dvc/kpi.json
check "json: 200 and application/json" test "$CODE" = 200
check "json: Content-Type" has_header Content-Type "application/json; charset=utf-8"
check "json: a valid document with values" bash -c \
    'python3 -c "import json,sys; d=json.load(open(sys.argv[1]))[\"data\"]; assert d[\"satisfaction\"]==91.25 and d[\"satisfaction_text\"]==\"91.25\"" "$0"' "$tmp/body"
check "json: now_iso in the scenario timezone" body_has '"updated": "2025-03-26T09:00:00+07:00"'
cp "$tmp/body" "$tmp/kpi1.json"
get /metrics
check "prometheus: Content-Type" has_header Content-Type "text/plain; version=0.0.4; charset=utf-8"
check "prometheus: sample lines" body_has 'ioc_cameras_online_percent 95.5 1742954400000'
cp "$tmp/body" "$tmp/metrics1.txt"
get /motcua.csv
check "csv: Content-Type" has_header Content-Type "text/csv; charset=utf-8"
check "csv: Vietnamese number format" body_has '"Sở Tư pháp";7.995,5;3'
get /ckan
check "ckan: numbers as JSON strings" body_has '"rate": "10.0"'
get /nowhere
check "unknown path: 404" test "$CODE" = 404

# ---- required headers ----
get /secure
check "require_headers: 401 without the header" test "$CODE" = 401
get /secure -H "Authorization: Bearer wrong"
check "require_headers: 401 with a wrong value" test "$CODE" = 401
get /secure -H "Authorization: Bearer s3cret"
check "require_headers: 200 with the value from \${ENV}" test "$CODE" = 200
ctl GET "/_sim/requests?path=/secure" >/dev/null
check "requests log shows the header values sent" grep -qF '"Authorization":"Bearer s3cret"' "$tmp/ctl"
check "requests log shows outcomes" grep -qF '"outcome":"unauthorized","status":401' "$tmp/ctl"

# ---- faults through the control API ----
fault() { test "$(ctl POST "/_sim/fault?path=/metrics&$1")" = 200; }
fault mode=refuse
get /metrics
check "refuse: connection closed without a response (curl 52)" test "$RC" = 52
fault mode=drop
get /metrics
check "drop: empty reply (curl 52)" test "$RC" = 52
fault "mode=delay&ms=1000"
get /metrics
check "delay: answers 200 after 1 s" bash -c '[ "$0" = 200 ] && awk -v s="$1" "BEGIN{exit !(s >= 0.95)}"' "$CODE" "$SECS"
fault mode=hang
t0=$(date +%s%N)
( rc=0; curl -sS -m 2 -o /dev/null "http://127.0.0.1:$PORT/metrics" 2>/dev/null || rc=$?; echo "$rc" >"$tmp/hang.rc" ) &
hangpid=$!
sleep 0.3
get /dvc/kpi.json
check "hang: another endpoint still answers at once" bash -c '[ "$0" = 200 ] && awk -v s="$1" "BEGIN{exit !(s < 0.5)}"' "$CODE" "$SECS"
wait "$hangpid"
t1=$(date +%s%N)
check "hang: curl -m 2 times out (curl 28)" test "$(cat "$tmp/hang.rc")" = 28
check "hang: after about 2 s" test $(((t1 - t0) / 1000000)) -ge 1900
fault "mode=http&code=503"
get /metrics
check "http: status 503" test "$CODE" = 503
ctl POST "/_sim/fault?path=/dvc/kpi.json&mode=malformed" >/dev/null
get /dvc/kpi.json
check "malformed: 200 with invalid JSON" bash -c '[ "$0" = 200 ] && ! python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$1" 2>/dev/null' "$CODE" "$tmp/body"
fault mode=malformed
get /metrics
check "malformed: prometheus body has a non-metric line" body_has '<html>'
fault mode=oversize
get /metrics
check "oversize: 8 MiB body by default" test "$(stat -c %s "$tmp/body")" = 8388608
fault "mode=oversize&bytes=100000"
get /metrics
check "oversize: bytes= sets the size" test "$(stat -c %s "$tmp/body")" = 100000
check "oversize: Content-Length declared" has_header Content-Length 100000
fault mode=truncated
get /metrics
check "truncated: curl reports a partial body (curl 18)" test "$RC" = 18
fault "mode=flap&requests=1"
codes=""
for _ in 1 2 3 4; do get /metrics; codes="$codes$CODE "; done
check "flap: alternates ok and 503 each request ($codes)" test "$codes" = "200 503 200 503 "
fault "mode=flap&requests=2&code=502"
codes=""
for _ in 1 2 3 4 5; do get /metrics; codes="$codes$CODE "; done
check "flap: every 2 requests with code 502 ($codes)" test "$codes" = "200 200 502 502 200 "
ctl GET /_sim/status >/dev/null
check "status: lists the active fault" grep -qF '"path":"/metrics","format":"prometheus"' "$tmp/ctl"
check "status: fault source is control" grep -qF '"mode":"flap","source":"control"' "$tmp/ctl"
check "status: is JSON" is_json "$tmp/ctl"
check "clear a fault: DELETE" test "$(ctl DELETE "/_sim/fault?path=/metrics")" = 200
get /metrics
check "cleared: back to 200" test "$CODE" = 200
check "clear every fault" test "$(ctl DELETE /_sim/fault)" = 200
get /dvc/kpi.json
check "cleared: json valid again" is_json "$tmp/body"
check "bad fault mode: 400" test "$(ctl POST "/_sim/fault?path=/metrics&mode=explode")" = 400
check "fault on an unknown path: 404" test "$(ctl POST "/_sim/fault?path=/nope&mode=hang")" = 404

# ---- sim time and scheduled faults ----
get /flaky
check "schedule: no fault before at" test "$CODE" = 200
check "time: advance" test "$(ctl POST "/_sim/time?advance=70s")" = 200
get /flaky
check "schedule: 503 inside the window (at 1m for 30s)" test "$CODE" = 503
ctl GET /_sim/status >/dev/null
check "status: scheduled fault shown" grep -qF '"mode":"http","source":"schedule","code":503' "$tmp/ctl"
ctl POST "/_sim/time?advance=30s" >/dev/null
get /flaky
check "schedule: over after for" test "$CODE" = 200
ctl POST "/_sim/time?advance=90s" >/dev/null
get /flaky
check "schedule: again after every 2m" test "$CODE" = 503
check "time: set" test "$(ctl POST "/_sim/time?set=2025-03-26T09:10:00%2B07:00")" = 200
check "time: status shows the new sim time" grep -qF '"sim_time":"2025-03-26T09:10:00+07:00"' "$tmp/ctl"
get /motcua.csv
check "step: value changed at 10m" body_has '7.995,5;12'
check "bad time: 400" test "$(ctl POST "/_sim/time?advance=soon")" = 400

# ---- reproducibility ----
start_sim second --seed 42 --start "$START" --time-scale 0
SECOND=$SIMPID
get /dvc/kpi.json
check "same seed and start: identical json body" cmp -s "$tmp/body" "$tmp/kpi1.json"
get /metrics
check "same seed and start: identical prometheus body" cmp -s "$tmp/body" "$tmp/metrics1.txt"
kill -TERM "$SECOND"; wait "$SECOND" || true
start_sim third --seed 7 --start "$START" --time-scale 0
THIRD=$SIMPID
get /dvc/kpi.json
check "another seed: another body" bash -c '! cmp -s "$0" "$1"' "$tmp/body" "$tmp/kpi1.json"
kill -TERM "$THIRD"; wait "$THIRD" || true

# ---- clean shutdown ----
PORT=$MAINPORT
ctl POST "/_sim/fault?path=/metrics&mode=hang" >/dev/null
( curl -sS -m 20 -o /dev/null "http://127.0.0.1:$PORT/metrics" 2>/dev/null || true ) &
clientpid=$!
sleep 0.3
t0=$(date +%s%N)
kill -TERM "$MAIN"
rc=0; wait "$MAIN" || rc=$?
t1=$(date +%s%N)
wait "$clientpid" || true
check "SIGTERM: exit 0" test "$rc" = 0
check "SIGTERM: stops at once although a request hangs" test $(((t1 - t0) / 1000000)) -lt 3000
check "no sanitizer reports" bash -c '! grep -q "Sanitizer" "$0"/*.err' "$tmp"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
