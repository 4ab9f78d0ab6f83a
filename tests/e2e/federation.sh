#!/usr/bin/env bash
# Scale-out to the national level (issue 14, docs/federation.md): two "provinces",
# each an `ioc run` on the real ioc-sim exposing /metrics, are scraped by a real
# central Prometheus (Debian's prometheus) that adds a province label per
# target; a national `ioc snapshot` with promql feeds, one per province made
# by for_each, shows both provinces' KPIs with the values each province shows
# itself. The same against VictoriaMetrics (Debian's victoria-metrics) when it
# is installed. Everything listens on 127.0.0.1 only.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v prometheus >/dev/null || { echo "prometheus is not installed (scripts/deps.sh --test)"; exit 77; }
command -v curl >/dev/null && command -v python3 >/dev/null || { echo "curl and python3 are needed"; exit 77; }
T_CMD="ioc run x2 + central store (see their logs in the test's tmp)" T_RC=0
: >"$T_TMP/out"; : >"$T_TMP/err"

export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y # the scenario's auth endpoints need them
sim= run1= run2= central=
trap 'kill $sim $run1 $run2 $central 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT
"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
sim_url=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# province NAME ENDPOINT PORT: writes NAME.yaml, an ioc run of one feed on the
# simulator's ENDPOINT (constant values) with its API on PORT.
province() {
  cat >"$T_TMP/$1.yaml" <<YAML
ioc:
  name: "IOC $1"
  archive: off
  http: { listen: "127.0.0.1:$3" }
feeds:
  - id: dvc
    url: "$sim_url/$2"
    interval: 1s
    timeout: 500ms
    kpis:
      - { id: rate, select: "\$.data.rate", unit: "%" }
      - { id: n, select: "\$.data.n" }
YAML
}
p1_port=$(free_port)
p2_port=$(free_port)
province haiduong f01 "$p1_port"
province bacninh f02 "$p2_port"
"$IOC_BIN" run -c "$T_TMP/haiduong.yaml" 2>"$T_TMP/haiduong.log" &
run1=$!
"$IOC_BIN" run -c "$T_TMP/bacninh.yaml" 2>"$T_TMP/bacninh.log" &
run2=$!

# own NAME PORT: each KPI "feed.kpi value" of the province's own /metrics.
own() {
  curl -s --max-time 5 "http://127.0.0.1:$2/metrics" |
    sed -n 's/^ioc_kpi_value{feed="\([^"]*\)",kpi="\([^"]*\)"} \(.*\)$/\1.\2 \3/p' || true
}
for _ in $(seq 100); do
  own haiduong "$p1_port" >"$T_TMP/own1"; own bacninh "$p2_port" >"$T_TMP/own2"
  grep -q "^dvc.n [0-9]" "$T_TMP/own1" && grep -q "^dvc.n [0-9]" "$T_TMP/own2" && break
  sleep 0.1
done
if grep -q "^dvc.rate 51.5" "$T_TMP/own1" && grep -q "^dvc.rate 52.5" "$T_TMP/own2"; then
  t_ok "both provinces poll the simulator and show their KPIs"
else
  t_bad "both provinces poll the simulator and show their KPIs"; cat "$T_TMP"/own?; t_done
fi

# The central store's scrape config: one static target per province, with
# its province label (the convention of docs/federation.md).
scrape_config() {
  cat <<YAML
global: { scrape_interval: 1s }
scrape_configs:
  - job_name: ioc
    static_configs:
      - targets: ["127.0.0.1:$p1_port"]
        labels: { province: haiduong }
      - targets: ["127.0.0.1:$p2_port"]
        labels: { province: bacninh }
YAML
}

# national PORT: the national console's config (for_each over the provinces,
# from $IOC_PROVINCES), reading the central store on PORT.
national() {
  sed "s/@PORT@/$1/" <<'YAML'
ioc: { name: "IOC quốc gia (test)", archive: off }
feeds:
  - id: "p-${item}"
    for_each: "${IOC_PROVINCES}"
    name: "Tỉnh ${item}"
    format: promql
    url: "http://127.0.0.1:@PORT@"
    interval: 5s
    timeout: 3s
    kpis:
      - { id: rate, query: 'ioc_kpi_value{province="${item}",feed="dvc",kpi="rate"}', unit: "%" }
      - { id: n, query: 'ioc_kpi_value{province="${item}",feed="dvc",kpi="n"}' }
      - { id: up, query: 'up{job="ioc",province="${item}"}' }
pages:
  - title: "Toàn quốc"
    rows:
      - panels:
          - { widget: stat, kpi: "p-${item}.rate", title: "${item}", for_each: "${IOC_PROVINCES}" }
      - panels:
          - { widget: table, kpis: [p-haiduong.rate, p-haiduong.n, p-bacninh.rate, p-bacninh.n] }
YAML
}
export IOC_PROVINCES="haiduong, bacninh"

# against NAME PORT: waits for the central store on PORT to have both
# provinces, then checks the national snapshot against the provinces' own.
against() {
  local name=$1 port=$2 got=
  for _ in $(seq 300); do # Prometheus's discovery waits 5 s, then it scrapes every second
    got=$(curl -s --max-time 5 -G "http://127.0.0.1:$port/api/v1/query" \
            --data-urlencode 'query=count(ioc_kpi_value{kpi="n"})' |
          python3 -c 'import json,sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null || true)
    [ "$got" = 2 ] && break
    sleep 0.1
  done
  if [ "$got" = 2 ]; then t_ok "$name scrapes both provinces' /metrics"
  else t_bad "$name scrapes both provinces' /metrics (got '$got')"; tail -5 "$T_TMP/$name.log"; return; fi

  national "$port" >"$T_TMP/national-test.yaml"
  t_run "$IOC_BIN" check -c "$T_TMP/national-test.yaml"
  t_status 0 "$name: ioc check accepts the national config (for_each from \$IOC_PROVINCES)"
  t_run "$IOC_BIN" snapshot -c "$T_TMP/national-test.yaml" -f json
  t_status 0 "$name: ioc snapshot of the national config"
  python3 - "$T_TMP/out" "$T_TMP/own1" "$T_TMP/own2" >"$T_TMP/cmp" 2>&1 <<'PY' || true
import json, sys
snap = json.load(open(sys.argv[1]))
own = {}
for prov, path in (("haiduong", sys.argv[2]), ("bacninh", sys.argv[3])):
    for line in open(path):
        key, val = line.split()
        own[prov, key.split(".")[1]] = float(val)
ids = [f["id"] for f in snap["feeds"]]
print("feeds", " ".join(ids))
for f in snap["feeds"]:
    prov = f["id"][2:]
    print("state", f["id"], f["state"])
    for k in f["kpis"]:
        want = own.get((prov, k["id"]), 1.0 if k["id"] == "up" else None)
        ok = k["value"] is not None and want is not None and abs(k["value"] - want) < 1e-9
        print("kpi", k["key"], k["value"], "want", want, "ok" if ok else "BAD")
PY
  cp "$T_TMP/cmp" "$T_TMP/out"
  t_out_has "feeds p-haiduong p-bacninh" "$name: one national feed per province, made by for_each"
  t_out_has "state p-haiduong ok" "$name: the haiduong feed is up"
  t_out_has "state p-bacninh ok" "$name: the bacninh feed is up"
  t_out_has "kpi p-haiduong.rate 51.5 want 51.5 ok" "$name: haiduong's rate is the one haiduong shows"
  t_out_has "kpi p-haiduong.n 1 want 1.0 ok" "$name: haiduong's n is the one haiduong shows"
  t_out_has "kpi p-bacninh.rate 52.5 want 52.5 ok" "$name: bacninh's rate is the one bacninh shows"
  t_out_has "kpi p-bacninh.n 2 want 2.0 ok" "$name: bacninh's n is the one bacninh shows"
  t_out_has "kpi p-bacninh.up 1 want 1.0 ok" "$name: the central store sees bacninh's target up"
  t_none_has "BAD" "$name: every national KPI has its province's value"
  # The text snapshot: one row per province's KPI, the for_each names.
  t_run "$IOC_BIN" snapshot -c "$T_TMP/national-test.yaml" -f text
  t_out_has "Tỉnh bacninh" "$name: the text snapshot names each province's feed"
  # The shipped national console (config/national.yaml) on the same store: the
  # two provinces it knows here are up, with every feed up and no alert.
  IOC_PROMETHEUS_URL="http://127.0.0.1:$port" \
    t_run "$IOC_BIN" snapshot -c "$IOC_SRC/config/national.yaml" -f json
  python3 - "$T_TMP/out" >"$T_TMP/cmp" 2>&1 <<'PY' || true
import json, sys
snap = json.load(open(sys.argv[1]))
print("feeds", len(snap["feeds"]))
for f in snap["feeds"]:
    for k in f["kpis"]:
        if f["id"] in ("p-haiduong", "p-bacninh", "p-hanoi"):
            print("kpi", k["key"], k["value"])
PY
  cp "$T_TMP/cmp" "$T_TMP/out"
  t_out_has "feeds 63" "$name: config/national.yaml has a feed per province (63)"
  t_out_has "kpi p-bacninh.up 1" "$name: national.yaml sees bacninh up"
  t_out_has "kpi p-haiduong.feeds_up 100" "$name: national.yaml: every feed of haiduong is up"
  t_out_has "kpi p-haiduong.critical 0" "$name: national.yaml: no critical alert in haiduong"
  t_out_has "kpi p-hanoi.up None" "$name: national.yaml: a province not scraped has no value"
}

# Prometheus: its own data directory under the test's tmp.
prom_port=$(free_port)
scrape_config | sed 's/^global: { scrape_interval: 1s }/global: { scrape_interval: 1s, evaluation_interval: 1s }/' \
  >"$T_TMP/prometheus.yml"
prometheus --config.file="$T_TMP/prometheus.yml" --storage.tsdb.path="$T_TMP/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$T_TMP/prometheus.log" 2>&1 &
central=$!
against prometheus "$prom_port"
kill "$central" 2>/dev/null || true
wait "$central" 2>/dev/null || true
central=

# VictoriaMetrics (single node): the same scrape config, the same queries.
vm_bin=$(command -v victoria-metrics || command -v victoria-metrics-prod || true)
if [ -n "$vm_bin" ]; then
  vm_port=$(free_port)
  scrape_config >"$T_TMP/vm-scrape.yml"
  "$vm_bin" -storageDataPath="$T_TMP/vmdata" -httpListenAddr="127.0.0.1:$vm_port" \
    -promscrape.config="$T_TMP/vm-scrape.yml" -search.latencyOffset=0s -retentionPeriod=1d \
    >"$T_TMP/victoria-metrics.log" 2>&1 &
  central=$!
  against victoria-metrics "$vm_port"
else
  echo "skip - victoria-metrics is not installed: the same checks against it are not run"
fi
t_done
