#!/usr/bin/env bash
# End-to-end tests of the HTTP API of "ioc run" (docs/api.md) with curl: every
# endpoint and role (401/403/200), bad requests (bad JSON, unknown rule,
# oversized body and headers, path tricks, too many connections), an ack and
# a silence attributed to the token's user, the collector polling meanwhile,
# a reload keeping the server, TLS, and a bind failure at start.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v curl >/dev/null || { echo "curl is missing"; exit 77; }
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
T_CMD="ioc run (see its log)" T_RC=0
: >"$T_TMP/out"; : >"$T_TMP/err"
export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y
export IOC_T_LAN=lan-token-0123456789 IOC_T_WALL=wall-token-0123456789 IOC_T_ROOT=root-token-0123456789

"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
run=
trap 'kill $sim $run 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")

# A free loopback port (the kernel's choice, released just before use).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

wait_log() {
  for _ in $(seq 100); do grep -qF -- "$1" "$T_TMP/run.log" && return 0; sleep 0.1; done
  return 1
}
check_log() { if wait_log "$1"; then t_ok "$2"; else t_bad "$2 (log lacks '$1')"; tail -5 "$T_TMP/run.log"; fi; }

# req METHOD PATH TOKEN [BODY...]: the status code into $code, the body into $T_TMP/body,
# the headers into $T_TMP/head.
req() {
  local m=$1 p=$2 tok=$3; shift 3
  local auth=()
  [ -n "$tok" ] && auth=(-H "Authorization: Bearer $tok")
  code=$(curl -s --path-as-is --max-time 5 -o "$T_TMP/body" -D "$T_TMP/head" -w '%{http_code}' \
         -X "$m" "${auth[@]}" "$@" "$base$p" || true)
}
# expect CODE DESC: the last req answered CODE.
expect() {
  if [ "$code" = "$1" ]; then t_ok "$2"; else
    t_bad "$2 (want $1, got $code)"; head -c 300 "$T_TMP/body"; echo; fi
}
# body_has TEXT DESC
body_has() { if grep -qF -- "$1" "$T_TMP/body"; then t_ok "$2"; else t_bad "$2 (body lacks '$1')"; head -c 300 "$T_TMP/body"; echo; fi; }
# json EXPR: evaluates a Python expression on the last body (as j).
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$T_TMP/body"; }

cfg=$T_TMP/api.yaml
cat >"$cfg" <<YAML
ioc:
  name: api test
  alert_log: "$T_TMP/alerts.jsonl"
  archive: "$T_TMP/archive.db"
  http:
    listen: "127.0.0.1:$port"
    users:
      - { name: lan,  role: operator, token: "\${IOC_T_LAN}" }
      - { name: wall, role: viewer,   token: "\${IOC_T_WALL}" }
      - { name: root, role: admin,    token: "\${IOC_T_ROOT}" }
    max_connections: 4
    max_body: 1KiB
feeds:
  - id: a
    url: "\${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "\$.data.rate" } ]
  - id: gone
    url: "http://127.0.0.1:1/"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: k, select: "\$.k" } ]
rules:
  - { id: gone_down, feed: gone, down: 1, summary: "feed {{feed}} is down" }
YAML
"$IOC_BIN" run -c "$cfg" 2>"$T_TMP/run.log" &
run=$!
check_log "event=http listen=127.0.0.1:$port tls=no users=3" "the server's address is logged at start"
check_log "event=alert rule=gone_down from=inactive to=firing" "the feed rule fires"

# --- open endpoints --------------------------------------------------------------
req GET /-/healthy ""; expect 200 "/-/healthy needs no token"
for _ in $(seq 50); do req GET /-/ready ""; [ "$code" = 200 ] && break; sleep 0.1; done
expect 200 "/-/ready answers 200 once every feed was polled"
req GET /metrics ""; expect 200 "/metrics needs no token (metrics_auth is false)"
grep -qi '^content-type: text/plain; version=0.0.4' "$T_TMP/head" \
  && t_ok "/metrics is Prometheus text" || t_bad "/metrics is Prometheus text"
body_has 'ioc_kpi_value{feed="a",kpi="rate"}' "/metrics has the KPI's value"
body_has 'ioc_feed_up{feed="gone"} 0' "/metrics has the feed that is down"
body_has 'ioc_alerts{state="firing",severity="warning"}' "/metrics counts the firing alerts"
if command -v promtool >/dev/null; then
  if promtool check metrics <"$T_TMP/body" >"$T_TMP/promtool.out" 2>&1; then
    t_ok "promtool check metrics accepts /metrics"
  else t_bad "promtool check metrics accepts /metrics"; head -5 "$T_TMP/promtool.out"; fi
else
  t_bad "promtool is installed (scripts/deps.sh --test)"
fi

# --- roles on every endpoint --------------------------------------------------------
for p in /api/v1/snapshot "/api/v1/series?kpi=a.rate" /api/v1/alerts /api/v1/silences; do
  req GET "$p" ""; expect 401 "GET $p without a token: 401"
  grep -qi '^www-authenticate: bearer' "$T_TMP/head" && t_ok "  ... with WWW-Authenticate: Bearer" \
    || t_bad "GET $p: WWW-Authenticate: Bearer"
  body_has '"error":' "  ... and a JSON error"
  req GET "$p" "wrong-token-0123456789"; expect 401 "GET $p with a wrong token: 401"
  req GET "$p" "" -H "Authorization: Basic d2FsbDp4"; expect 401 "GET $p with Basic auth: 401"
  for tok in "$IOC_T_WALL" "$IOC_T_LAN" "$IOC_T_ROOT"; do
    req GET "$p" "$tok"; expect 200 "GET $p as ${tok%%-*}: 200"
  done
done

# --- snapshot: the document of "ioc snapshot -f json" -------------------------------
req GET /api/v1/snapshot "$IOC_T_WALL"
json 'sorted(j) == ["centre","feeds","summary","taken_at","version"] and j["version"] == 1' \
  | grep -q True && t_ok "the snapshot has the keys and version of ioc snapshot's JSON" \
  || { t_bad "snapshot keys"; head -c 300 "$T_TMP/body"; }
cp "$T_TMP/body" "$T_TMP/api-snap.json"
"$IOC_BIN" snapshot -c "$cfg" -f json >"$T_TMP/cli-snap.json" 2>/dev/null || true
python3 - "$T_TMP/api-snap.json" "$T_TMP/cli-snap.json" <<'PY' && t_ok "API and CLI snapshots have the same shape, feed by feed and KPI by KPI" || t_bad "API and CLI snapshots have the same shape"
import json, sys
a, c = (json.load(open(p)) for p in sys.argv[1:])
def shape(d): return sorted(d), [(sorted(f), [sorted(k) for k in f["kpis"]]) for f in d["feeds"]]
assert shape(a) == shape(c), (shape(a), shape(c))
assert [f["id"] for f in a["feeds"]] == ["a", "gone"]
assert a["feeds"][0]["kpis"][0]["value"] == 51.5 and a["feeds"][1]["state"] == "down"
PY

# --- series -----------------------------------------------------------------------
req GET "/api/v1/series?kpi=a.rate" "$IOC_T_WALL"; expect 200 "series of a KPI"
json 'j["kpi"] == "a.rate" and j["resolution_ms"] == 0 and any(p["v"] == 51.5 for p in j["points"])' \
  | grep -q True && t_ok "  ... the last hour in raw samples, with the KPI's value" || t_bad "series points"
now=$(date +%s)
req GET "/api/v1/series?kpi=a.rate&from=$((now - 86400))&to=$now&step=1h" "$IOC_T_WALL"
expect 200 "series over a day in unix seconds with step=1h"
json 'j["resolution_ms"]' | grep -qx 3600000 && t_ok "  ... is read from the hour rollups" || t_bad "series step=1h resolution"
req GET "/api/v1/series?kpi=a.rate&from=2020-01-01T00:00:00Z&to=2020-01-01T01:00:00%2B07:00" "$IOC_T_WALL"
expect 400 "series with from after to: 400"
req GET "/api/v1/series?kpi=a.rate&from=2020-01-01T00:00:00Z&step=1s" "$IOC_T_WALL"
expect 400 "series asking for too many points: 400"
body_has "larger step" "  ... says to use a larger step"
req GET "/api/v1/series?kpi=nope.x" "$IOC_T_WALL"; expect 404 "series of an unknown KPI: 404"
req GET "/api/v1/series" "$IOC_T_WALL"; expect 400 "series without kpi: 400"
req GET "/api/v1/series?kpi=a.rate&from=yesterday" "$IOC_T_WALL"; expect 400 "series with a bad time: 400"

# --- ack ----------------------------------------------------------------------------
ack=/api/v1/alerts/gone_down/ack
req POST $ack "" -d '{"comment":"x"}'; expect 401 "ack without a token: 401"
req POST $ack "$IOC_T_WALL" -d '{"comment":"x"}'; expect 403 "ack as a viewer: 403"
body_has "viewer" "  ... saying which role it has"
req POST $ack "$IOC_T_LAN" -d '{"comment": "on it'; expect 400 "ack with bad JSON: 400"
req POST $ack "$IOC_T_LAN" -d '{"by": "root"}'; expect 400 "ack naming its own operator: 400 (unknown key)"
req POST /api/v1/alerts/nope/ack "$IOC_T_LAN" -d '{}'; expect 404 "ack of an unknown rule: 404"
big=$(head -c 2000 /dev/zero | tr '\0' a)
req POST $ack "$IOC_T_LAN" -d "{\"comment\": \"$big\"}"; expect 413 "a body over max_body: 413"
req POST $ack "$IOC_T_LAN" -d '{"comment": "đang xử lý"}'; expect 200 "ack as an operator: 200"
req GET /api/v1/alerts "$IOC_T_WALL"
json '[(a["rule"], a["state"], a["ack"]["by"], a["ack"]["comment"]) for a in j["alerts"]]' \
  | grep -qF "('gone_down', 'firing', 'lan', 'đang xử lý')" \
  && t_ok "the ack shows in /api/v1/alerts with by=lan and the comment" \
  || { t_bad "ack in /api/v1/alerts"; cat "$T_TMP/body"; }
check_log "event=ack rule=gone_down by=lan" "the ack is logged with the token's user"
check_log "event=api method=POST uri=$ack status=200 user=lan" "the request that changed state is logged"
grep '"event":"ack"' "$T_TMP/alerts.jsonl" | grep -q '"operator":"lan"' \
  && t_ok "the alert log records the user as the operator" \
  || { t_bad "alert log operator"; cat "$T_TMP/alerts.jsonl"; }

# --- silences -----------------------------------------------------------------------
sil='{"target": "gone", "duration": "2h", "comment": "maintenance"}'
req POST /api/v1/silences "$IOC_T_WALL" -d "$sil"; expect 403 "silence as a viewer: 403"
req POST /api/v1/silences "$IOC_T_LAN" -d '{"target": "gone", "duration": "2 hours"}'
expect 400 "silence with a bad duration: 400"
req POST /api/v1/silences "$IOC_T_LAN" -d '{"target": "nope", "duration": "2h"}'
expect 404 "silence of an unknown target: 404"
req POST /api/v1/silences "$IOC_T_LAN" -d "$sil"; expect 201 "silence as an operator: 201"
id=$(json 'j["id"]')
[ -n "$id" ] && [ "$id" -gt 0 ] && t_ok "  ... answers its id" || t_bad "silence id"
req GET /api/v1/silences "$IOC_T_WALL"
json '[(s["id"], s["target"], s["by"], s["comment"]) for s in j["silences"]]' \
  | grep -qF "($id, 'gone', 'lan', 'maintenance')" && t_ok "the silence is listed with by=lan" \
  || { t_bad "silence listed"; cat "$T_TMP/body"; }
req GET /api/v1/alerts "$IOC_T_WALL"
json 'j["alerts"][0]["silence"]["id"]' | grep -qx "$id" && t_ok "the alert shows its silence" \
  || t_bad "alert silence"
check_log "event=silence id=$id target=gone" "the silence is logged"
req DELETE /api/v1/silences/$id "$IOC_T_WALL"; expect 403 "unsilence as a viewer: 403"
req DELETE /api/v1/silences/$id "$IOC_T_LAN"; expect 200 "unsilence as an operator: 200"
req GET /api/v1/silences "$IOC_T_WALL"
json 'len(j["silences"])' | grep -qx 0 && t_ok "the silence is gone" || t_bad "silence gone"
req DELETE /api/v1/silences/$id "$IOC_T_LAN"; expect 404 "unsilence of a silence that is gone: 404"
req DELETE /api/v1/silences/abc "$IOC_T_LAN"; expect 400 "unsilence of a bad id: 400"
check_log "by=lan" "the unsilence is logged with the user"
if command -v sqlite3 >/dev/null; then
  for _ in $(seq 30); do
    ops=$(sqlite3 "file:$T_TMP/archive.db?mode=ro" \
          "SELECT group_concat(event || ':' || operator, ' ') FROM alert_event WHERE operator IS NOT NULL" 2>/dev/null || true)
    [ "$ops" = "ack:lan silence:lan unsilence:lan" ] && break; sleep 0.2
  done
  [ "$ops" = "ack:lan silence:lan unsilence:lan" ] && t_ok "the archive records lan on the ack, silence and unsilence" \
    || t_bad "archive operators ($ops)"
fi

# --- bad requests -------------------------------------------------------------------
req GET /nope ""; expect 404 "an unknown path: 404"
req GET /api/v1/nope "$IOC_T_WALL"; expect 404 "an unknown API path: 404"
req DELETE /api/v1/alerts "$IOC_T_LAN"; expect 405 "a wrong method: 405"
grep -qi '^allow: GET, HEAD' "$T_TMP/head" && t_ok "  ... with Allow" || t_bad "405 with Allow"
req GET /api/v1/../v1/alerts ""; expect 400 "a '..' segment: 400"
req GET /api/v1/%2e%2e/v1/alerts ""; expect 400 "an escaped '..' segment (%2e%2e): 400"
req GET /api/v1/alerts%2F..%2F "$IOC_T_WALL"; expect 400 "an escaped '/' in a segment: 400"
req GET "/api/v1/alerts?x=%00" "$IOC_T_WALL"; expect 400 "a NUL in the query: 400"
req HEAD /api/v1/events "$IOC_T_WALL" -I; expect 200 "/api/v1/events streams (tests/e2e/events.sh): HEAD 200"
hdr=$(head -c 40000 /dev/zero | tr '\0' a)
req GET /-/healthy "" -H "X-Big: $hdr"
case $code in 4??) t_ok "oversized headers are refused ($code)";; *) t_bad "oversized headers (got $code)";; esac
grep -qF "$IOC_T_LAN" "$T_TMP/run.log" && t_bad "tokens never reach the log" || t_ok "tokens never reach the log"

# --- too many connections, and the collector meanwhile -------------------------------
req GET /api/v1/snapshot "$IOC_T_WALL"
polls1=$(json 'j["feeds"][0]["polls"]')
fds=()
for _ in 1 2 3 4; do exec {fd}<>/dev/tcp/127.0.0.1/$port; fds+=("$fd"); done
sleep 0.3
req GET /-/healthy ""
[ "$code" != 200 ] && t_ok "beyond max_connections a connection is refused (got $code)" \
  || t_bad "beyond max_connections a connection is refused"
sleep 2.5
for fd in "${fds[@]}"; do exec {fd}>&-; done
sleep 0.3
req GET /api/v1/snapshot "$IOC_T_WALL"; expect 200 "served again once the idle connections close"
polls2=$(json 'j["feeds"][0]["polls"]')
[ "$polls2" -ge $((polls1 + 2)) ] && t_ok "the collector kept polling while clients held every connection ($polls1 -> $polls2)" \
  || t_bad "the collector kept polling ($polls1 -> $polls2)"

# --- reload keeps the server ---------------------------------------------------------
sed -i 's/name: api test/name: api test 2/' "$cfg"
kill -HUP $run
for _ in $(seq 100); do [ "$(grep -c 'event=start' "$T_TMP/run.log")" -ge 2 ] && break; sleep 0.1; done
req GET /api/v1/snapshot "$IOC_T_WALL"; expect 200 "the server answers after a SIGHUP reload"
json 'j["centre"]["name"]' | grep -qx "api test 2" && t_ok "  ... from the reloaded config" || t_bad "reloaded snapshot"

# --- a second collector on the same port ------------------------------------------------
t_run "$IOC_BIN" run -c "$cfg"
t_status 1 "a port in use is a start-up error (exit 1)"
t_err_has "cannot listen on 127.0.0.1:$port" "  ... saying which address"

kill -TERM $run; set +e; wait $run; rc=$?; set -e; run=
[ "$rc" -eq 0 ] && t_ok "SIGTERM stops it with status 0" || t_bad "SIGTERM stops it (got $rc)"

# --- config errors ---------------------------------------------------------------------
sed "s/token: \"\\\${IOC_T_ROOT}\"/token: \"root-literal\"/" "$cfg" >"$T_TMP/bad.yaml"
t_run "$IOC_BIN" check -c "$T_TMP/bad.yaml"
t_status 2 "a token written in the config is refused"
t_err_has "a token must come from the environment" "  ... with a clear message"
t_run env -u IOC_T_ROOT "$IOC_BIN" check -c "$cfg"
t_status 2 "a token whose variable is unset is refused"
t_none_has "$IOC_T_LAN" "  ... and no token value is printed"

# --- TLS ---------------------------------------------------------------------------------
if command -v openssl >/dev/null && openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
     -subj /CN=127.0.0.1 -keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" >/dev/null 2>&1; then
  port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  sed -e "s/127.0.0.1:$port/127.0.0.1:$port2/" \
      -e "s|    max_body: 1KiB|    max_body: 1KiB\n    tls: { cert: \"$T_TMP/cert.pem\", key: \"$T_TMP/key.pem\" }|" \
      "$cfg" >"$T_TMP/tls.yaml"
  : >"$T_TMP/run.log"
  "$IOC_BIN" run -c "$T_TMP/tls.yaml" 2>"$T_TMP/run.log" &
  run=$!
  if wait_log "event=http listen=127.0.0.1:$port2 tls=yes"; then
    t_ok "TLS: the server says tls=yes"
    out=$(curl -s --cacert "$T_TMP/cert.pem" -H "Authorization: Bearer $IOC_T_WALL" \
          "https://127.0.0.1:$port2/api/v1/alerts" || true)
    case $out in *'"alerts"'*) t_ok "TLS: the API answers over https";; *) t_bad "TLS: https ($out)";; esac
  elif grep -q "without TLS" "$T_TMP/run.log"; then
    echo "skip - TLS: this libmicrohttpd has no TLS"
  else
    t_bad "TLS start"; cat "$T_TMP/run.log"
  fi
  kill $run 2>/dev/null; wait $run 2>/dev/null || true; run=
fi

t_done
