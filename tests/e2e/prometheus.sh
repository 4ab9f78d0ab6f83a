#!/usr/bin/env bash
# A real Prometheus (Debian's prometheus package) scrapes /metrics of "ioc run",
# and a PromQL query returns the KPI's value with the province label the scrape
# config adds (docs/metrics.md). Everything listens on 127.0.0.1 only.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v prometheus >/dev/null || { echo "prometheus is not installed (scripts/deps.sh --test)"; exit 77; }
command -v curl >/dev/null && command -v python3 >/dev/null || { echo "curl and python3 are needed"; exit 77; }
T_CMD="ioc run + prometheus (see their logs)" T_RC=0
: >"$T_TMP/out"; : >"$T_TMP/err"

export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y # the scenario's auth feeds need them
"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
run= prom=
trap 'kill $sim $run $prom 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ioc_port=$(free_port)
prom_port=$(free_port)

cat >"$T_TMP/ioc.yaml" <<YAML
ioc:
  name: prometheus test
  archive: off
  http: { listen: "127.0.0.1:$ioc_port" }
feeds:
  - id: a
    url: "\${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "\$.data.rate" } ]
YAML
"$IOC_BIN" run -c "$T_TMP/ioc.yaml" 2>"$T_TMP/run.log" &
run=$!

cat >"$T_TMP/prometheus.yml" <<YAML
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: ioc
    static_configs:
      - targets: ["127.0.0.1:$ioc_port"]
        labels: { province: haiduong }
YAML
prometheus --config.file="$T_TMP/prometheus.yml" --storage.tsdb.path="$T_TMP/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$T_TMP/prom.log" 2>&1 &
prom=$!

# query PROMQL: the result of an instant query into $T_TMP/q.json.
query() {
  curl -s --max-time 5 -G "http://127.0.0.1:$prom_port/api/v1/query" \
       --data-urlencode "query=$1" -o "$T_TMP/q.json" || true
}
# qval PY: evaluates PY on the query's JSON (as j).
qval() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$T_TMP/q.json" 2>/dev/null || true; }

got=
for _ in $(seq 150); do # Prometheus starts (its discovery waits 5 s), then scrapes every second
  query 'ioc_kpi_value{kpi="rate",province="haiduong"}'
  got=$(qval "j['data']['result'][0]['value'][1] if j['data']['result'] else ''")
  [ -n "$got" ] && break
  sleep 0.1
done
if [ -n "$got" ]; then t_ok "Prometheus scraped ioc and a query returns the KPI ($got)"
else t_bad "Prometheus scraped ioc and a query returns the KPI"; tail -3 "$T_TMP/prom.log"; tail -3 "$T_TMP/run.log"; curl -s "http://127.0.0.1:$prom_port/api/v1/targets" | head -c 600; echo; fi
want=$(curl -s "http://127.0.0.1:$ioc_port/metrics" |
       sed -n 's/^ioc_kpi_value{feed="a",kpi="rate"} //p')
check() { if eval "$1"; then t_ok "$2"; else t_bad "$2"; fi; }
check "[ -n '$want' ] && python3 -c 'import sys; sys.exit(abs(float(\"$got\") - float(\"$want\")) > 5)'" \
  "the value Prometheus has is the one ioc shows ($got ~ $want)"
query 'up{job="ioc"}'
check "[ \"\$(qval \"j['data']['result'][0]['value'][1]\")\" = 1 ]" "the scrape target is up"
query 'ioc_feed_polls_total{feed="a"}'
check "[ \"\$(qval \"int(float(j['data']['result'][0]['value'][1])) > 0\")\" = True ]" \
  "the poll counter reached Prometheus"
query 'sum(ioc_kpi_status{kpi="rate"})'
check "[ \"\$(qval \"j['data']['result'][0]['value'][1]\")\" = 1 ]" \
  "the KPI status is a state set: exactly one state is 1"
t_done
