#!/usr/bin/env bash
# Against real software nobody here wrote (issue 14): Debian's node_exporter,
# and a Prometheus scraping it every second. A promql feed with rate(), a
# regex matcher with \d on node_exporter's raw text, a counter KPI (counter:
# rate) on that text, and a bad query whose Prometheus error text ioc shows.
# Everything listens on 127.0.0.1 only.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v prometheus >/dev/null ||
  { echo "prometheus is not installed (scripts/deps.sh --test)"; exit 77; }
ne_bin=$(command -v prometheus-node-exporter || command -v node_exporter || true)
[ -n "$ne_bin" ] || { echo "prometheus-node-exporter is not installed (scripts/deps.sh --test)"; exit 77; }
command -v curl >/dev/null && command -v python3 >/dev/null || { echo "curl and python3 are needed"; exit 77; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ne_port=$(free_port)
prom_port=$(free_port)
ioc_port=$(free_port)
ne= prom= run=
trap 'kill $ne $prom $run 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT

"$ne_bin" --web.listen-address="127.0.0.1:$ne_port" >"$T_TMP/ne.log" 2>&1 &
ne=$!
cat >"$T_TMP/prometheus.yml" <<YAML
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:$ne_port"]
YAML
prometheus --config.file="$T_TMP/prometheus.yml" --storage.tsdb.path="$T_TMP/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$T_TMP/prom.log" 2>&1 &
prom=$!

# query PROMQL: prints the first value of an instant query, or nothing.
query() {
  curl -s --max-time 5 -G "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "")
except Exception:
    print("")' 2>/dev/null || true
}
T_CMD="node_exporter + prometheus (see their logs)" T_RC=0
: >"$T_TMP/out"; : >"$T_TMP/err"
cpus=
for _ in $(seq 300); do # Prometheus starts (its discovery waits 5 s), then scrapes every second
  cpus=$(query 'count(rate(node_cpu_seconds_total{mode="idle"}[5s]))')
  [ -n "$cpus" ] && break
  sleep 0.1
done
if [ -z "$cpus" ]; then
  t_bad "Prometheus scrapes node_exporter and rate() has data"
  tail -5 "$T_TMP/prom.log"; tail -5 "$T_TMP/ne.log"; t_done
fi
t_ok "Prometheus scrapes node_exporter and rate() has data ($cpus CPUs)"

cat >"$T_TMP/ioc.yaml" <<YAML
ioc: { name: promql test, archive: off, http: { listen: "127.0.0.1:$ioc_port" } }
feeds:
  - id: dc
    name: "Trung tâm dữ liệu"
    format: promql
    url: http://127.0.0.1:$prom_port
    interval: 1s
    timeout: 900ms
    kpis:
      - id: busy
        name: "CPU"
        query: 'avg(rate(node_cpu_seconds_total{mode!="idle"}[5s])) * 100'
        unit: "%"
      - id: idle
        query: 'sum(rate(node_cpu_seconds_total{mode="idle"}[5s]))'
      - id: cpus
        query: 'count(node_cpu_seconds_total{mode="idle"})'
  - id: ne
    format: prometheus
    url: http://127.0.0.1:$ne_port/metrics
    interval: 1s
    timeout: 900ms
    kpis:
      - id: cpus
        select: 'node_cpu_seconds_total{cpu=~"\\\\d+",mode=~"(?i)IDLE"}'
        agg: count
      - id: scrapes
        name: "node_exporter's answers per second (Prometheus's and ioc's)"
        select: 'promhttp_metric_handler_requests_total{code=~"2\\\\d\\\\d"}'
        agg: sum
        counter: rate
pages:
  - title: x
    rows:
      - panels: [ { widget: stat, kpi: dc.busy } ]
YAML
sed -e '/^  - id: ne/,$d' "$T_TMP/ioc.yaml" >"$T_TMP/bad.yaml"
cat >>"$T_TMP/bad.yaml" <<'YAML'
      - id: bad
        query: 'rate(node_cpu_seconds_total[5s]'
pages:
  - title: x
    rows:
      - panels: [ { widget: stat, kpi: dc.busy } ]
YAML

t_run "$IOC_BIN" check -c "$T_TMP/ioc.yaml" --online
t_status 0 "ioc check --online: every feed up, every KPI a value (the counter waits)"
t_out_has "feed dc: ok" "the promql feed is up"
t_out_has "  cpus: $cpus" "the promql count is the CPUs Prometheus sees"
t_out_has "scrapes: (counter: no value until the second poll)" \
  "a counter's first poll has no value, and is no error"
ne_cpus=$(sed -n 's/^  cpus: //p' "$T_TMP/out" | tail -1)
if [ "$ne_cpus" = "$cpus" ]; then t_ok "a \\d+ and (?i) regex matcher on node_exporter's text counts $cpus CPUs"
else t_bad "a \\d+ and (?i) regex matcher on node_exporter's text counts $cpus CPUs (got '$ne_cpus')"; fi
busy=$(sed -n 's/^  busy: \([0-9.e+-]*\) %$/\1/p' "$T_TMP/out")
if [ -n "$busy" ] && python3 -c "import sys; sys.exit(not 0 <= float('$busy') <= 100)"; then
  t_ok "the rate() query gives a CPU percentage ($busy %)"
else t_bad "the rate() query gives a CPU percentage"; fi

t_run "$IOC_BIN" check -c "$T_TMP/bad.yaml" --online
t_status 1 "ioc check --online fails on a bad query"
t_out_has "bad: error: bad_data: " "the KPI shows Prometheus's errorType"
t_out_has "parse error: unclosed left parenthesis" "and Prometheus's own error text"
t_none_has "HTTP 400" "not just the HTTP status"

t_run "$IOC_BIN" snapshot -c "$T_TMP/bad.yaml" --format json
t_status 0 "ioc snapshot with a bad query"
t_out_has "bad-data" "the feed's state is bad-data"
t_out_has "bad: bad_data: invalid parameter" "the feed's error carries Prometheus's text"

# The counter's rate, from "ioc run" after a few polls.
"$IOC_BIN" run -c "$T_TMP/ioc.yaml" 2>"$T_TMP/run.log" &
run=$!
rate=
for _ in $(seq 100); do
  rate=$(curl -s --max-time 2 "http://127.0.0.1:$ioc_port/metrics" |
         sed -n 's/^ioc_kpi_value{feed="ne",kpi="scrapes"} //p' || true)
  [ -n "$rate" ] && break
  sleep 0.1
done
T_CMD="ioc run (see its log)"
# Prometheus and ioc each fetch node_exporter's text once a second: about 2 a second.
if [ -n "$rate" ] && python3 -c "import sys; sys.exit(not 0.5 <= float('$rate') <= 10)"; then
  t_ok "counter: rate gives node_exporter's answers per second ($rate), not the raw counter"
else t_bad "counter: rate gives node_exporter's answers per second (got '$rate')"; tail -5 "$T_TMP/run.log"; fi
t_done
