#!/usr/bin/env bash
# End-to-end tests of "ioc snapshot" against the real simulator: every output
# format, every fault mode (the faulty feed gets its state and message, the 19
# others are unaffected), auth sent, body cap, secrets absent, exit statuses.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
ioc=$IOC_BIN
cfg=$IOC_SRC/tests/fixtures/e2e/snapshot.yaml
export IOC_E2E_TOKEN="tok-e2e-$$-secret"
export IOC_E2E_PASS="pw-e2e-$$"
export IOC_E2E_BASIC=$(printf 'ops:%s' "$IOC_E2E_PASS" | base64)

# --- start the simulator on a free port ---------------------------------------
"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>"$T_TMP/sim.err" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T_TMP/sim.out")
[ -n "$port" ] || { echo "simulator did not start"; cat "$T_TMP/sim.err"; exit 1; }
export IOC_SIM_URL="http://127.0.0.1:$port"

# sim_fault PATH QUERY: sets a fault on an endpoint through the control API.
sim_fault() { curl -sf -X POST "$IOC_SIM_URL/_sim/fault?path=$1&$2" >/dev/null; }
sim_clear() { curl -sf -X DELETE "$IOC_SIM_URL/_sim/fault" >/dev/null; }

# jq_py EXPR: evaluates a Python expression over the JSON on stdout as `d`.
jq_py() { python3 -c "import json,sys; d=json.load(open('$T_TMP/out')); print($1)"; }

# feed_is ID STATE ERRORPART DESC: the JSON snapshot shows feed ID in STATE
# with an error containing ERRORPART, and every other feed ok.
feed_is() {
  local got
  got=$(jq_py "[(f['state'], f['error'] or '') for f in d['feeds'] if f['id']=='$1'][0]")
  if [[ "$got" == *"'$2'"* && "$got" == *"$3"* ]]; then t_ok "$4: $got"; else t_bad "$4 (got $got)"; fi
  local others
  others=$(jq_py "sum(1 for f in d['feeds'] if f['id']!='$1' and f['state']=='ok')")
  if [ "$others" = 19 ]; then t_ok "$4: the 19 other feeds are ok"; else t_bad "$4: only $others other feeds ok"; fi
}

# --- formats -----------------------------------------------------------------
t_run "$ioc" snapshot -c "$cfg" -f json
t_status 0 "json snapshot exits 0"
t_out_has '"version":' "json has a version"
[ "$(jq_py "d['summary']['feeds_up']")" = 20 ] && t_ok "json: 20 feeds up" || t_bad "json: 20 feeds up"
[ "$(jq_py "len([k for f in d['feeds'] for k in f['kpis'] if k['value'] is not None])")" = 39 ] \
  && t_ok "json: all 39 KPIs have a value" || t_bad "json: all 39 KPIs have a value"
[ "$(jq_py "[k['value'] for f in d['feeds'] for k in f['kpis'] if k['key']=='f05.rate'][0]")" = 55.5 ] \
  && t_ok "json: f05.rate = 55.5" || t_bad "json: f05.rate = 55.5"
[ "$(jq_py "[k['value'] for f in d['feeds'] for k in f['kpis'] if k['key']=='soc.open_high'][0]")" = 3 ] \
  && t_ok "prometheus feed: high+critical summed" || t_bad "prometheus feed: high+critical summed"
[ "$(jq_py "[k['value'] for f in d['feeds'] for k in f['kpis'] if k['key']=='nuoc.wqi'][0]")" = 1234.5 ] \
  && t_ok "csv feed: Vietnamese number 1.234,5 read" || t_bad "csv feed: Vietnamese number read"
[ "$(jq_py "[k['status'] for f in d['feeds'] for k in f['kpis'] if k['key']=='f01.rate'][0]")" = crit ] \
  && t_ok "json: f01.rate (51.5 < 52) is crit" || t_bad "json: f01.rate is crit"
t_none_has "$IOC_E2E_TOKEN" "json: the token never appears"

t_run "$ioc" snapshot -c "$cfg" -f csv
t_status 0 "csv snapshot exits 0"
t_out_has "feed,feed_name,feed_state,kpi,kpi_name,value,unit,status,target,ts,error" "csv has its header"
[ "$(wc -l <"$T_TMP/out")" -eq 40 ] && t_ok "csv: one row per KPI" || t_bad "csv: one row per KPI"

t_run "$ioc" snapshot -c "$cfg" -f prom
t_status 0 "prom snapshot exits 0"
t_out_has '# TYPE ioc_kpi_value gauge' "prom has TYPE lines"
t_out_has 'ioc_kpi_value{feed="f05",kpi="rate"} 55.5' "prom has the KPI sample"
t_out_has 'ioc_kpi_status{feed="f01",kpi="rate",status="crit"} 1' "prom: the KPI status as a state set"
[ "$(grep -c '^ioc_feed_up{.*} 1$' "$T_TMP/out")" = 20 ] && t_ok "prom: 20 feeds up" || t_bad "prom: 20 feeds up"
if python3 - "$T_TMP/out" <<'PY'
import re, sys
line = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( -?[0-9]+)?$')
bad = [l for l in open(sys.argv[1]) if l.strip() and not l.startswith('#') and not line.match(l.rstrip('\n'))]
sys.exit(1 if bad else 0)
PY
then t_ok "prom: every sample line is valid exposition syntax"; else t_bad "prom: every sample line is valid"; fi

t_run "$ioc" snapshot -c "$cfg"
t_status 0 "text snapshot exits 0"
t_out_has "IOC e2e Hải Dương" "text: centre name in the title"
t_out_has "Quan trắc nước" "text: Vietnamese feed name"

t_run "$ioc" snapshot -c "$cfg" -f json -o "$T_TMP/snap.json"
t_status 0 "--output exits 0"
t_out_is "" "--output prints nothing on stdout"
python3 -c "import json; json.load(open('$T_TMP/snap.json'))" && t_ok "--output wrote valid JSON" || t_bad "--output wrote valid JSON"

# -o keeps what the target is: a symlink stays a symlink (its file gets the
# content), a FIFO is written into, a device is written in place. The only
# devices ever written to are /dev/full and /dev/null (CI runs as root).
mkdir "$T_TMP/o"
echo old >"$T_TMP/o/target.json"
chmod 640 "$T_TMP/o/target.json"
ln -s target.json "$T_TMP/o/link.json"
t_run "$ioc" snapshot -c "$cfg" -f json -o "$T_TMP/o/link.json"
t_status 0 "-o through a symlink exits 0"
[ -L "$T_TMP/o/link.json" ] && [ "$(readlink "$T_TMP/o/link.json")" = target.json ] \
  && t_ok "-o: the symlink stays a symlink" || t_bad "-o: the symlink stays a symlink"
python3 -c "import json; json.load(open('$T_TMP/o/target.json'))" \
  && t_ok "-o: the symlink's file gets the snapshot" || t_bad "-o: the symlink's file gets the snapshot"
[ "$(stat -c %a "$T_TMP/o/target.json")" = 640 ] \
  && t_ok "-o: the replaced file keeps its mode" || t_bad "-o: the replaced file keeps its mode"
[ "$(ls "$T_TMP/o" | wc -l)" = 2 ] && t_ok "-o: no temp file left behind" || t_bad "-o: no temp file left behind"

mkfifo "$T_TMP/o/fifo"
timeout 20 cat "$T_TMP/o/fifo" >"$T_TMP/o/from-fifo" &
cat_pid=$!
t_run timeout 20 "$ioc" snapshot -c "$cfg" -f json -o "$T_TMP/o/fifo"
t_status 0 "-o FIFO exits 0"
wait "$cat_pid" || true
[ -p "$T_TMP/o/fifo" ] && t_ok "-o: the FIFO stays a FIFO" || t_bad "-o: the FIFO stays a FIFO"
python3 -c "import json; json.load(open('$T_TMP/o/from-fifo'))" \
  && t_ok "-o: the FIFO's reader gets the snapshot" || t_bad "-o: the FIFO's reader gets the snapshot"

if [ -c /dev/full ]; then
  t_run "$ioc" snapshot -c "$cfg" -f json -o /dev/full
  t_status 1 "-o /dev/full: a write error exits 1"
  t_err_has "/dev/full: No space left on device" "-o /dev/full: the error is named"
  [ -c /dev/full ] && t_ok "-o /dev/full: still a character device" \
    || t_bad "-o /dev/full: still a character device"
fi
if [ -c /dev/null ]; then
  t_run "$ioc" snapshot -c "$cfg" -f json -o /dev/null
  t_status 0 "-o /dev/null exits 0"
  [ -c /dev/null ] && t_ok "-o /dev/null: still a character device" \
    || t_bad "-o /dev/null: still a character device"
fi

# --- auth --------------------------------------------------------------------
curl -sf "$IOC_SIM_URL/_sim/requests?path=/auth" >"$T_TMP/req.json"
grep -qF "Bearer $IOC_E2E_TOKEN" "$T_TMP/req.json" && t_ok "the bearer token was sent" || t_bad "the bearer token was sent"
t_run env IOC_E2E_TOKEN=wrong "$ioc" snapshot -c "$cfg" -f json
python3 -c "import json;d=json.load(open('$T_TMP/out'));f=[f for f in d['feeds'] if f['id']=='auth'][0];assert f['state']=='down' and f['error']=='HTTP 401'" \
  && t_ok "a wrong token gives the feed down with HTTP 401" || t_bad "a wrong token gives HTTP 401"

cat >"$T_TMP/basic.yaml" <<'YAML'
ioc: { name: basic }
feeds:
  - id: basic
    url: "${IOC_SIM_URL}/basic"
    auth: { user: ops, password: "${IOC_E2E_PASS}" }
    kpis: [ { id: v, select: "$.v" } ]
YAML
t_run "$ioc" snapshot -c "$T_TMP/basic.yaml" -f csv
t_status 0 "a snapshot with basic auth exits 0"
t_out_has "basic,basic,ok,v,v,7," "basic auth user and password are sent"
t_none_has "$IOC_E2E_PASS" "the basic-auth password never appears"

# --- faults: each on f07, the others unaffected ---------------------------------
sim_fault /f07 "mode=http&code=503"
t_run "$ioc" snapshot -c "$cfg" -f json
feed_is f07 down "HTTP 503" "http 503"
[ "$(jq_py "[k['value'] for f in d['feeds'] if f['id']=='f07' for k in f['kpis']]")" = "[None, None]" ] \
  && t_ok "a down feed's KPIs have no value, never zero" || t_bad "a down feed's KPIs have no value"

sim_fault /f07 "mode=refuse"
t_run "$ioc" snapshot -c "$cfg" -f json
feed_is f07 down "empty reply" "refused/dropped connection"

sim_fault /f07 "mode=malformed"
t_run "$ioc" snapshot -c "$cfg" -f json
feed_is f07 bad-data "invalid JSON" "malformed body"

sim_fault /f07 "mode=truncated"
t_run "$ioc" snapshot -c "$cfg" -f json
feed_is f07 down "truncated body" "truncated body"

sim_fault /f07 "mode=oversize&bytes=6000000"
t_run "$ioc" snapshot -c "$cfg" -f json
feed_is f07 down "body over 4 MiB" "oversized body hits the 4 MiB cap"

sim_fault /f07 "mode=delay&ms=1500"
t_run "$ioc" snapshot -c "$cfg" -f json
feed_is f07 slow "" "a response slower than half the timeout"

sim_fault /f07 "mode=hang"
start=$(date +%s%N)
t_run "$ioc" snapshot -c "$cfg" -f json
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
feed_is f07 down "timeout after 2 s" "a hung feed"
if [ "$elapsed" -lt 3500 ]; then t_ok "a hung feed ends the snapshot within its timeout (${elapsed} ms)"
else t_bad "a hung feed ends the snapshot within its timeout (${elapsed} ms)"; fi

sim_fault /f07 "mode=flap&requests=1"
t_run "$ioc" snapshot -c "$cfg" -f json
s1=$(jq_py "[f['state'] for f in d['feeds'] if f['id']=='f07'][0]")
t_run "$ioc" snapshot -c "$cfg" -f json
s2=$(jq_py "[f['state'] for f in d['feeds'] if f['id']=='f07'][0]")
[ "$s1" != "$s2" ] && t_ok "a flapping feed alternates ($s1, $s2)" || t_bad "a flapping feed alternates ($s1, $s2)"
sim_clear

# --- a closed port, and a password in a URL --------------------------------------
cat >"$T_TMP/closed.yaml" <<'YAML'
ioc: { name: closed }
feeds:
  - id: gone
    url: "http://ops:${IOC_E2E_TOKEN}@127.0.0.1:1/x"
    timeout: 2s
    kpis: [ { id: k, select: "$.k" } ]
YAML
t_run "$ioc" snapshot -c "$T_TMP/closed.yaml" -f json
t_status 0 "a snapshot with every feed down is still taken"
[ "$(jq_py "d['feeds'][0]['error']")" = "connection refused" ] \
  && t_ok "a closed port reads 'connection refused'" || t_bad "a closed port reads 'connection refused'"
t_none_has "$IOC_E2E_TOKEN" "a password in the URL never appears"

# --- exit statuses for scripts ---------------------------------------------------
t_run "$ioc" snapshot -c "$cfg" -f json --fail-on crit
t_status 3 "--fail-on crit exits 3 when a KPI is critical"
t_run "$ioc" snapshot -c "$cfg" -f json --fail-on down
t_status 0 "--fail-on down exits 0 when every feed is up"
sim_fault /f03 "mode=http&code=500"
t_run "$ioc" snapshot -c "$cfg" -f json --fail-on down
t_status 3 "--fail-on down exits 3 when a feed is down"
sim_clear
t_run "$ioc" snapshot -c "$cfg" --format yaml
t_status 2 "an unknown format is a usage error"
t_run "$ioc" snapshot -c "$cfg" --fail-on sometimes
t_status 2 "an unknown --fail-on word is a usage error"
for bad in '' ',' 'crit,' ',down' 'crit,,down'; do
  t_run "$ioc" snapshot -c "$cfg" --fail-on "$bad"
  t_status 2 "--fail-on '$bad' is a usage error"
  t_err_has "--fail-on takes warn, crit or down" "--fail-on '$bad' says what it takes"
done
t_run env -u IOC_SIM_URL "$ioc" snapshot -c "$cfg"
t_status 2 "a config error exits 2"
t_err_has "environment variable 'IOC_SIM_URL' is not set" "the missing variable is named"
t_run "$ioc" snapshot -c "$cfg" -o /nonexistent-dir/x.json
t_status 1 "an unwritable output exits 1"

t_done
