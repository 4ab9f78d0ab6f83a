#!/usr/bin/env bash
# End-to-end test of the demo province: config/haiduong.yaml polled from the
# simulator serving config/haiduong-sim.yaml. Every feed up and every KPI with
# a value, realistic figures, the four scheduled incidents at their times, and
# a visible daily cycle. Sim time is frozen (--time-scale 0) and moved through
# the control API, so the run is reproducible.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
ioc=$IOC_BIN
cfg=$IOC_SRC/config/haiduong.yaml
scenario=$IOC_SRC/config/haiduong-sim.yaml
day=2026-03-26
unset DVC_TOKEN # the config and the scenario both default to demo-token

# --- the scenario is valid and documents its incident schedule -------------------
t_run "$IOC_SIM_BIN" -s "$scenario" --check
t_status 0 "the demo scenario passes --check"
for line in "at 1m  camera cluster offline" "at 3m  SOC alert burst" \
            "at 5m  public-service portal times out" "at 7m  AQI spike"; do
  grep -qF "#   $line" "$scenario" && t_ok "schedule comment: $line" || t_bad "schedule comment: $line"
done

# --- start the simulator, frozen at 10:00 on a Thursday ------------------------
"$IOC_SIM_BIN" -s "$scenario" --port 0 --time-scale 0 --start "${day}T10:00:00+07:00" \
  >"$T_TMP/sim.out" 2>"$T_TMP/sim.err" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T_TMP/sim.out")
[ -n "$port" ] || { echo "simulator did not start"; cat "$T_TMP/sim.err"; exit 1; }
export IOC_SIM_URL="http://127.0.0.1:$port"

# sim_at HH:MM:SS: sets the sim clock to that local time of the test day.
sim_at() { curl -sf -X POST "$IOC_SIM_URL/_sim/time?set=${day}T$1%2B07:00" >/dev/null; }

# snap NAME: takes a JSON snapshot into $T_TMP/NAME.json (and keeps it as the last output).
snap() {
  t_run "$ioc" snapshot -c "$cfg" -f json
  cp "$T_TMP/out" "$T_TMP/$1.json"
}

# q NAME EXPR: evaluates a Python expression over snapshot NAME, with helpers
# kpi(key) -> the KPI object and feed(id) -> the feed object.
q() {
  python3 - "$T_TMP/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kpis = {k['key']: k for f in d['feeds'] for k in f['kpis']}
feeds = {f['id']: f for f in d['feeds']}
kpi = lambda key: kpis[key]
feed = lambda fid: feeds[fid]
print(eval(sys.argv[2]))
PY
}

# bad DESC: a failed check on saved snapshots. lib.sh's t_bad also prints the
# last command's output, which is not what failed here, so it is cleared first.
bad() {
  T_CMD="checks on the snapshots"
  : >"$T_TMP/out"
  : >"$T_TMP/err"
  t_bad "$1"
}

# check NAME EXPR DESC: the Python expression over snapshot NAME is true.
check() {
  local got
  got=$(q "$1" "$2" 2>&1) || got="error: $got"
  if [ "$got" = True ]; then t_ok "$3"; else bad "$3 (got $got)"; fi
}

# value NAME KEY: the value of one KPI in snapshot NAME.
value() { q "$1" "kpi('$2')['value']"; }

# --- the whole province at 10:00 ---------------------------------------------
sim_at 10:00:00
snap base
t_status 0 "snapshot of the demo province exits 0"
check base "d['summary']['feeds'] == 20 and d['summary']['kpis'] == 74" "20 feeds and 74 KPIs"
check base "d['summary']['feeds_up'] == 20" "all 20 feeds up"
missing=$(q base "' '.join(k['key'] + '(' + str(k['error'] or f['error']) + ')' for f in d['feeds'] for k in f['kpis'] if k['value'] is None)")
if [ -z "$missing" ]; then t_ok "every one of the 74 KPIs has a value"
else bad "every KPI has a value; without one: $missing"; fi
check base "d['summary']['crit'] == 0" "no KPI is critical outside the incidents"
warn=$(q base "d['summary']['warn']")
if [ "$warn" -ge 1 ] && [ "$warn" -le 6 ]; then t_ok "a few KPIs in warn ($warn)"; else bad "a few KPIs in warn ($warn)"; fi
check base "kpi('motcua.overdue')['value'] == 12" "motcua.overdue counts the overdue dossiers (12)"
check base "kpi('soc.open_high')['value'] == 0" "soc.open_high sums high and critical (0 at 10:00)"
check base "1000 <= kpi('yte.outpatients')['value'] <= 20000" "yte.outpatients read from Vietnamese text"
check base "6000 <= kpi('ngansach.revenue')['value'] <= 8000" "ngansach.revenue read from Vietnamese text"
check base "6 <= kpi('nuoc.ph_kcn')['value'] <= 8.5" "nuoc.ph_kcn (CSV, Vietnamese numbers) in range"
check base "95 <= kpi('nuoc.transmitting')['value'] <= 100" "nuoc.transmitting averaged over the stations"

# --- numbers in the UI language (10:00: 487680 visitors, 63.3 % online in the communes) --
# The province sets language: vi; a copy with language: en speaks English.
sed 's/^  language: vi.*/  language: en/' "$cfg" >"$T_TMP/haiduong-en.yaml"
t_run env LANG=vi_VN.UTF-8 "$ioc" snapshot -c "$cfg" -f text
t_out_has "487.680 lượt" "text snapshot, vi: thousands with a dot (487.680)"
t_out_has "63,3 %" "text snapshot, vi: a decimal comma (63,3 %)"
t_out_has "mục tiêu 70,0" "text snapshot, vi: the target with a decimal comma"
grep -qE "^IOC Hải Dương  [0-3][0-9]/[01][0-9]/20[0-9][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] \+07:00  Asia/Ho_Chi_Minh\$" \
  "$T_TMP/out" && t_ok "text snapshot, vi: the date as dd/mm/yyyy" || t_bad "text snapshot, vi: the date as dd/mm/yyyy"
t_run env LANG=vi_VN.UTF-8 "$ioc" snapshot -c "$T_TMP/haiduong-en.yaml" -f text
t_out_has "487,680 lượt" "text snapshot, en: thousands with a comma (487,680)"
t_out_has "63.3 %" "text snapshot, en: a decimal point (63.3 %)"
t_out_has "Visitors this month" "text snapshot, en: name_en instead of name"
grep -qE "^IOC Hải Dương  20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] \+07:00  Asia/Ho_Chi_Minh\$" \
  "$T_TMP/out" && t_ok "text snapshot, en: the date as yyyy-mm-dd" || t_bad "text snapshot, en: the date as yyyy-mm-dd"
# Machine formats never change with the language.
t_run env LANG=vi_VN.UTF-8 "$ioc" snapshot -c "$cfg" -f json
t_out_has $'"value":\t487680,' "json, vi UI: 487680 exactly"
t_out_has $'"value":\t63.3,' "json, vi UI: 63.3 exactly"
t_out_has $'"name":\t"Lượt khách tháng",' "json, vi UI: name as configured"
t_out_has $'"name_en":\t"Visitors this month",' "json, vi UI: name_en apart"
t_run env LANG=vi_VN.UTF-8 "$ioc" snapshot -c "$T_TMP/haiduong-en.yaml" -f json
t_out_has $'"name":\t"Lượt khách tháng",' "json, en UI: name stays the configured one"
t_run env LANG=vi_VN.UTF-8 "$ioc" snapshot -c "$cfg" -f csv
t_out_has ",Lượt khách tháng,487680,lượt," "csv, vi UI: 487680 exactly"
t_out_has ",Xử lý trên mạng (xã),63.3,%,warn,70," "csv, vi UI: 63.3 and 70 exactly"
t_run env LANG=vi_VN.UTF-8 "$ioc" snapshot -c "$cfg" -f prom
t_out_has 'ioc_kpi_value{feed="dulich",kpi="visitors"} 487680' "prom, vi UI: 487680 exactly"
t_out_has 'ioc_kpi_value{feed="vanban",kpi="online_commune"} 63.3' "prom, vi UI: 63.3 exactly"

# --- the incidents, each at its time after the sim start (10:00) ------------------
sim_at 10:09:30 # quiet
snap quiet
sim_at 10:01:30 # camera cluster offline
snap camera
check camera "kpi('camera.online')['status'] == 'crit' and kpi('camera.online')['value'] < 80" \
  "1m30s: camera.online is crit ($(value camera camera.online) %)"
off_inc=$(value camera camera.offline)
off_quiet=$(value quiet camera.offline)
if python3 -c "import sys; sys.exit(0 if $off_inc > $off_quiet + 200 else 1)"; then
  t_ok "1m30s: camera.offline jumps ($off_quiet -> $off_inc)"
else bad "1m30s: camera.offline jumps ($off_quiet -> $off_inc)"; fi

sim_at 10:03:30 # SOC alert burst
snap soc
check soc "kpi('soc.open_high')['status'] == 'crit' and kpi('soc.open_high')['value'] >= 3" \
  "3m30s: soc.open_high is crit ($(value soc soc.open_high))"
check soc "kpi('soc.alerts_24h')['value'] > $(value quiet soc.alerts_24h)" "3m30s: soc.alerts_24h is up"

sim_at 10:05:30 # public-service portal hangs
start=$(date +%s%N)
snap dvc
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
# The province sets language: vi, so the feed's error text is Vietnamese.
check dvc "feed('dvc')['state'] == 'down' and feed('dvc')['error'] == 'quá thời gian sau 4s'" \
  "5m30s: dvc is down with 'quá thời gian sau 4s' (timeout after 4s)"
check dvc "d['summary']['feeds_up'] == 19" "5m30s: the 19 other feeds stay up"
if [ "$elapsed" -lt 8000 ]; then t_ok "5m30s: the hung portal costs only its timeout (${elapsed} ms)"
else bad "5m30s: the hung portal costs only its timeout (${elapsed} ms)"; fi

sim_at 10:07:30 # AQI spike
snap aqi
check aqi "kpi('khongkhi.vn_aqi')['status'] == 'crit' and kpi('khongkhi.vn_aqi')['value'] > 150" \
  "7m30s: khongkhi.vn_aqi is crit ($(value aqi khongkhi.vn_aqi))"
check aqi "kpi('khongkhi.pm25')['status'] == 'crit' and kpi('khongkhi.pm25')['value'] > 75" \
  "7m30s: khongkhi.pm25 is crit ($(value aqi khongkhi.pm25) µg/m³)"

# --- quiet time (9m30s): nothing of the above, realistic figures ---------------------
check quiet "d['summary']['feeds_up'] == 20" "9m30s: all feeds up"
check quiet "d['summary']['crit'] == 0" "9m30s: no KPI is critical"
check quiet "kpi('camera.online')['status'] not in ('crit', 'none')" "9m30s: camera.online not crit"
check quiet "kpi('soc.open_high')['status'] not in ('crit', 'none')" "9m30s: soc.open_high not crit"
check quiet "feed('dvc')['state'] == 'ok'" "9m30s: dvc is ok"
check quiet "kpi('khongkhi.vn_aqi')['status'] not in ('crit', 'none')" "9m30s: khongkhi.vn_aqi not crit"
check quiet "kpi('khongkhi.pm25')['status'] not in ('crit', 'none')" "9m30s: khongkhi.pm25 not crit"
check quiet "30 <= kpi('dvc.online_rate')['value'] <= 95" "dvc.online_rate $(value quiet dvc.online_rate) in 30..95"
check quiet "85 <= kpi('motcua.on_time')['value'] <= 100" "motcua.on_time $(value quiet motcua.on_time) in 85..100"
check quiet "0 <= kpi('khongkhi.vn_aqi')['value'] <= 150" "khongkhi.vn_aqi $(value quiet khongkhi.vn_aqi) in 0..150"
check quiet "10 <= kpi('thoitiet.temperature')['value'] <= 40" "thoitiet.temperature $(value quiet thoitiet.temperature) in 10..40"
check quiet "97 <= kpi('camera.online')['value'] <= 100" "camera.online $(value quiet camera.online) in 97..100"
check quiet "0.3 <= kpi('hatangso.dti')['value'] <= 0.7" "hatangso.dti $(value quiet hatangso.dti) in 0.3..0.7"

# --- the schedule repeats every 10 minutes ---------------------------------------
sim_at 10:11:30
snap camera2
check camera2 "kpi('camera.online')['status'] == 'crit'" "11m30s: the camera incident comes back"

# --- a daily cycle: dossiers arrive in office hours ----------------------------------
sim_at 03:00:00
snap night
rx_day=$(value base motcua.received_today)
rx_night=$(value night motcua.received_today)
if [ "$rx_day" -ge $((rx_night * 5 + 100)) ]; then
  t_ok "motcua.received_today: $rx_day at 10:00, $rx_night at 03:00"
else bad "motcua.received_today: $rx_day at 10:00, $rx_night at 03:00"; fi
check night "kpi('thoitiet.temperature')['value'] < $(value base thoitiet.temperature)" \
  "temperature lower at 03:00 ($(value night thoitiet.temperature)) than at 10:00"
check night "kpi('giaothong.avg_speed')['value'] > $(value base giaothong.avg_speed) - 1" \
  "traffic at least as fluid at 03:00 as at 10:00"
check night "d['summary']['crit'] == 0" "03:00: no KPI is critical"

t_done
