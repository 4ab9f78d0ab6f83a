#!/usr/bin/env bash
# End-to-end tests of "ioc snapshot --server URL" against a real "ioc run"
# on the simulator: every -f format from GET /api/v1/snapshot?format=, the
# same document as the collector's, -o written atomically, and the errors:
# no token, a wrong one (never printed), connection refused, a server that is
# not an ioc collector, a bad URL; format=xml is a 400 naming the formats.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v curl >/dev/null || { echo "curl is missing"; exit 77; }
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y
export IOC_T_WALL=wall-token-0123456789 IOC_T_LAN=lan-token-0123456789
"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
run=
trap 'kill $sim $run 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
cat >"$T_TMP/c.yaml" <<YAML
ioc:
  name: server snapshot
  archive: "$T_TMP/archive.db"
  http:
    listen: "127.0.0.1:$port"
    users:
      - { name: wall, role: viewer, token: "\${IOC_T_WALL}" }
feeds:
  - id: a
    url: "\${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, name: "Tỷ lệ", select: "\$.data.rate" } ]
YAML
"$IOC_BIN" run -c "$T_TMP/c.yaml" 2>"$T_TMP/run.log" &
run=$!
for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/-/ready")" = 200 ] && break; sleep 0.1; done

[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/-/ready")" = 200 ] || { cat "$T_TMP/run.log"; exit 1; }
export IOC_TOKEN=$IOC_T_WALL
t_run "$IOC_BIN" snapshot --server "$base"
t_status 0 "snapshot --server: the text table by default"
t_out_has "Tỷ lệ" "  ... with the collector's KPI"
t_out_has "server snapshot" "  ... and its centre"
t_run "$IOC_BIN" snapshot --server "$base/" -f csv
t_status 0 "-f csv (a trailing / in the URL is fine)"
t_out_has "feed,feed_name,feed_state,kpi" "  ... the CSV header of ioc snapshot -f csv"
t_run "$IOC_BIN" snapshot --server "$base" -f prom
t_out_has 'ioc_kpi_value{feed="a",kpi="rate"}' "-f prom: the exposition"
t_run "$IOC_BIN" snapshot --server "$base" -f json -o "$T_TMP/snap.json"
t_status 0 "-f json -o FILE"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["version"] == 1 and j["feeds"][0]["id"] == "a" else 1)' "$T_TMP/snap.json" \
  && t_ok "  ... the file holds the collector's JSON snapshot" || t_bad "snapshot json file"
ls "$T_TMP" | grep -q 'snap.json.tmp' && t_bad "no temp file left" || t_ok "  ... written atomically (no temp file left)"
mkfifo "$T_TMP/fifo"
(cat "$T_TMP/fifo" >"$T_TMP/fifo.out") &
t_run "$IOC_BIN" snapshot --server "$base" -f csv -o "$T_TMP/fifo"
wait $!
grep -q "^a," "$T_TMP/fifo.out" && [ -p "$T_TMP/fifo" ] && t_ok "-o FIFO is written into, not replaced" || t_bad "-o fifo"

code=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -H "Authorization: Bearer $IOC_T_WALL" "$base/api/v1/snapshot?format=xml")
[ "$code" = 400 ] && grep -q 'json, csv, prom, text' "$T_TMP/body" \
  && t_ok "GET /api/v1/snapshot?format=xml: 400 naming the formats" || t_bad "format=xml: $code $(cat "$T_TMP/body")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $IOC_T_WALL" "$base/api/v1/snapshot?format=csv")
[ "$code" = 200 ] && t_ok "format=csv: 200" || t_bad "format=csv: $code"

IOC_TOKEN=wrong-token-0123456789 t_run "$IOC_BIN" snapshot --server "$base"
t_status 4 "a wrong token: exit 4"
t_err_has "missing or wrong" "  ... says the token is missing or wrong"
grep -q "wrong-token-0123456789" "$T_TMP/err" && t_bad "the token is never printed" || t_ok "  ... without printing it"
IOC_TOKEN= t_run "$IOC_BIN" snapshot --server "$base"
t_status 2 "no token: exit 2"
t_err_has 'IOC_TOKEN' "  ... names \$IOC_TOKEN"
t_run "$IOC_BIN" snapshot --server "http://127.0.0.1:1"
t_status 1 "connection refused: exit 1"
t_err_has "connection refused" "  ... says so"
t_run "$IOC_BIN" snapshot --server "$IOC_SIM_URL"
t_status 1 "a server that is not an ioc collector: exit 1"
t_err_has "not the answer of an ioc collector" "  ... says so"
t_run "$IOC_BIN" snapshot --server "ftp://127.0.0.1/"
t_status 2 "an ftp:// URL: exit 2"
t_run "$IOC_BIN" snapshot --server "$base" -c "$T_TMP/c.yaml"
t_status 2 "--server with -c: usage error"
t_done
