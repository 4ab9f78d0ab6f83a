#!/usr/bin/env bash
# ioc against Prometheus on the same targets at the same time: nginx on
# loopback serves T targets (one port each) of S Prometheus-text series;
# three scrapers poll all of them every second side by side: "ioc run" with
# the archive, "ioc run" without, and the Debian prometheus (its own data
# dir in a temporary directory, scrape_interval 1s). After a warm-up it
# measures over the window, per process: CPU (utime + stime from /proc)
# per sample ingested, resident memory, and disk bytes per sample (the
# archive file after a checkpoint; Prometheus's data dir with its WAL). Samples:
# ioc's from its /metrics (archive: ioc_archive_samples_written_total;
# without: successful polls x S), Prometheus's from its own
# prometheus_tsdb_head_samples_appended_total. docs/performance.md has the
# figures.
#
# Usage: bench/vs-prometheus.sh [TARGETS] [SERIES] [SECONDS]
#   defaults: 10 250 60; IOC_BENCH_WARMUP (seconds, 15); IOC_BIN (an ioc
#   binary to use instead of building build-bench/ioc/ioc).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=${1:-10}
series=${2:-250}
secs=${3:-60}
warm=${IOC_BENCH_WARMUP:-15}

command -v prometheus >/dev/null || { echo "vs-prometheus: needs prometheus (apt install prometheus)"; exit 77; }
ioc=${IOC_BIN:-}
if [ -z "$ioc" ]; then
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DIOC_TESTS=OFF >/dev/null
  cmake --build build-bench -j"$(nproc)" --target ioc >/dev/null
  ioc=build-bench/ioc/ioc
fi

. bench/lib.sh
bench_init

# --- nginx: T servers on T ports, each /metrics with S series ------------------------
ports=()
servers=""
for ((t = 0; t < targets; t++)); do
  p=$(free_port); ports+=("$p")
  mkdir -p "$tmp/www$t"; chmod 755 "$tmp/www$t"
  python3 - "$series" "$t" >"$tmp/www$t/metrics" <<'EOF'
import sys
s, t = int(sys.argv[1]), int(sys.argv[2])
print("# HELP bench_value A benchmark series.\n# TYPE bench_value gauge")
for i in range(s):
    print(f'bench_value{{target="{t}",series="{i}"}} {40 + (i * 7 + t) % 97}')
EOF
  chmod 644 "$tmp/www$t/metrics"
  servers+="  server { listen 127.0.0.1:$p; root $tmp/www$t; default_type text/plain; }"$'\n'
done
bench_nginx "$servers" "http://127.0.0.1:${ports[0]}/metrics" || exit 1

# --- ioc: T feeds of S KPIs (one selector each), with and without the archive --------
# ioc_cfg MODE PORT: the config, archive on or off.
ioc_cfg() {
  echo "ioc:"
  echo "  name: vs prometheus"
  echo "  http: { listen: \"127.0.0.1:$2\" }"
  if [ "$1" = archive ]; then echo "  archive: $tmp/archive.db"; else echo "  archive: false"; fi
  echo "defaults: { interval: 1s, timeout: 900ms }"
  echo "feeds:"
  for ((t = 0; t < targets; t++)); do
    echo "  - id: t$t"
    echo "    url: http://127.0.0.1:${ports[$t]}/metrics"
    echo "    format: prometheus"
    echo "    kpis:"
    for ((i = 0; i < series; i++)); do
      echo "      - { id: s$i, select: 'bench_value{series=\"$i\"}' }"
    done
  done
}
hp_on=$(free_port); hp_off=$(free_port); pp=$(free_port)
ioc_cfg archive "$hp_on" >"$tmp/on.yaml"
ioc_cfg off "$hp_off" >"$tmp/off.yaml"
"$ioc" run -c "$tmp/on.yaml" 2>"$tmp/on.log" &
pid_on=$!; pids+=($pid_on)
"$ioc" run -c "$tmp/off.yaml" 2>"$tmp/off.log" &
pid_off=$!; pids+=($pid_off)

# --- prometheus: the same targets every second -------------------------------------
{
  echo "global: { scrape_interval: 1s, scrape_timeout: 900ms }"
  echo "scrape_configs:"
  echo "  - job_name: bench"
  echo "    static_configs:"
  printf "      - targets: ["
  for ((t = 0; t < targets; t++)); do printf '%s"127.0.0.1:%s"' "$([ $t -gt 0 ] && echo ", ")" "${ports[$t]}"; done
  echo "]"
} >"$tmp/prometheus.yml"
mkdir -p "$tmp/prom-data"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prom-data" \
  --web.listen-address="127.0.0.1:$pp" --log.level=warn 2>"$tmp/prom.log" &
pid_prom=$!; pids+=($pid_prom)

for port in "$hp_on" "$hp_off"; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/-/healthy" >/dev/null && break; sleep 0.1; done
done
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$pp/-/ready" >/dev/null && break; sleep 0.1; done
for p in $pid_on $pid_off $pid_prom; do
  kill -0 "$p" 2>/dev/null || { echo "a scraper ended:"; cat "$tmp/on.log" "$tmp/off.log" "$tmp/prom.log"; exit 1; }
done

# metric PORT NAME: the sum of every sample of NAME in that process's /metrics.
metric() {
  curl -sf "http://127.0.0.1:$1/metrics" | awk -v n="$2" '
    $1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.0f\n", s }'
}
# samples WHICH: samples ingested so far by on, off or prom.
samples() {
  case $1 in
    on) metric "$hp_on" ioc_archive_samples_written_total ;;
    off) echo $(( ($(metric "$hp_off" ioc_feed_polls_total) - $(metric "$hp_off" ioc_feed_poll_errors_total)) * series )) ;;
    prom) metric "$pp" prometheus_tsdb_head_samples_appended_total ;;
  esac
}
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# disk WHICH: bytes on disk of the archive or of Prometheus's data dir (with its
# WAL, which is all it writes in its first 2 hours). The archive's write-ahead log
# is folded into the file first (a passive checkpoint from another connection,
# as SQLite's own every 1,000 pages): the -wal file is reused, bounded at ~4 MB.
disk() {
  case $1 in
    on) sqlite3 "$tmp/archive.db" "PRAGMA wal_checkpoint(PASSIVE)" >/dev/null 2>&1 || true
        stat -c %s "$tmp/archive.db" ;;
    off) echo 0 ;;
    prom) du -sb "$tmp/prom-data" | awk '{ print $1 }' ;;
  esac
}

sleep "$warm"
declare -A s0 c0 d0 s1 c1 d1 rss
for w in on off prom; do
  pid_var=pid_$w; s0[$w]=$(samples $w); c0[$w]=$(cpu_ticks ${!pid_var}); d0[$w]=$(disk $w)
done
t0=$(date +%s.%N)
sleep "$secs"
for w in on off prom; do
  pid_var=pid_$w; s1[$w]=$(samples $w); c1[$w]=$(cpu_ticks ${!pid_var}); d1[$w]=$(disk $w)
  rss[$w]=$(rss_kib ${!pid_var})
done
t1=$(date +%s.%N)
hz=$(getconf CLK_TCK)

printf "%-16s %12s %10s %10s %10s %12s %9s %10s\n" scraper samples/s "cpu %" "us/sample" "x prom" \
  "RSS MiB" "x prom" "B/sample"
for w in prom on off; do
  awk -v w="$w" -v s0="${s0[$w]}" -v s1="${s1[$w]}" -v c0="${c0[$w]}" -v c1="${c1[$w]}" \
      -v d0="${d0[$w]}" -v d1="${d1[$w]}" -v rss="${rss[$w]}" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
      -v ps0="${s0[prom]}" -v ps1="${s1[prom]}" -v pc0="${c0[prom]}" -v pc1="${c1[prom]}" \
      -v prss="${rss[prom]}" 'BEGIN {
    name = w == "prom" ? "prometheus" : w == "on" ? "ioc archive on" : "ioc archive off"
    dt = t1 - t0; n = s1 - s0; cpu = (c1 - c0) / hz
    us = n > 0 ? 1e6 * cpu / n : 0
    pn = ps1 - ps0; pus = pn > 0 ? 1e6 * (pc1 - pc0) / hz / pn : 0
    bps = w == "off" ? "-" : (n > 0 ? sprintf("%.2f", (d1 - d0) / n) : "-")
    printf "%-16s %12.0f %9.1f%% %10.2f %10.2f %12.1f %9.2f %10s\n", name, n / dt, 100 * cpu / dt,
      us, (pus > 0 ? us / pus : 0), rss / 1024, (prss > 0 ? rss / prss : 0), bps
  }'
done
