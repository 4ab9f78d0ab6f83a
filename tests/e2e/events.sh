#!/usr/bin/env bash
# End-to-end tests of GET /api/v1/events (Server-Sent Events, docs/api.md)
# with curl -N against a real "ioc run" on the real simulator: hello first
# with the generation, poll events at the feed's interval, an ack, a silence
# and an unsilence through the API shown as events with the token's user,
# 401 without a token, SIGHUP giving "reload" and a new generation, and a
# client that never reads stopping neither the polls nor the other clients.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v curl >/dev/null || { echo "curl is missing"; exit 77; }
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
T_CMD="ioc run (see its log)" T_RC=0
: >"$T_TMP/out"; : >"$T_TMP/err"
export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y
export IOC_T_LAN=lan-token-0123456789 IOC_T_WALL=wall-token-0123456789

"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
run= mute= streams=()
trap 'kill $sim $run $mute "${streams[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

cfg=$T_TMP/events.yaml
cat >"$cfg" <<YAML
ioc:
  name: events test
  archive: "$T_TMP/archive.db"
  http:
    listen: "127.0.0.1:$port"
    users:
      - { name: lan,  role: operator, token: "\${IOC_T_LAN}" }
      - { name: wall, role: viewer,   token: "\${IOC_T_WALL}" }
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
for _ in $(seq 100); do grep -q "event=alert rule=gone_down" "$T_TMP/run.log" && break; sleep 0.1; done

# stream FILE [SECONDS]: follows the events as wall into FILE in the background.
stream() {
  curl -sN --max-time "${2:-30}" -H "Authorization: Bearer $IOC_T_WALL" "$base/api/v1/events" >"$1" 2>/dev/null &
  streams+=($!)
}
# wait_for FILE TEXT: until FILE holds TEXT (5 s at most).
wait_for() { for _ in $(seq 50); do grep -qF -- "$2" "$1" && return 0; sleep 0.1; done; return 1; }
# data FILE EVENT [N]: the data of the N-th (default 1st) EVENT in FILE, as one JSON line.
data() { awk -v e="event: $2" -v n="${3:-1}" '$0 == e { k++; if (k == n) { getline; sub(/^data: /, ""); print; exit } }' "$1"; }
# py JSON EXPR: a Python expression on the JSON text (as j).
py() { python3 -c "import json,sys; j=json.loads(sys.argv[1]); print($2)" "$1"; }

# --- 401 and the headers ----------------------------------------------------------------
code=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$base/api/v1/events")
[ "$code" = 401 ] && t_ok "GET /api/v1/events without a token: 401" || t_bad "events without a token: $code"
code=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' -H "Authorization: Bearer nope-0123456789" "$base/api/v1/events")
[ "$code" = 401 ] && t_ok "... with a wrong token: 401" || t_bad "events with a wrong token: $code"
curl -s -I --max-time 5 -H "Authorization: Bearer $IOC_T_WALL" "$base/api/v1/events" >"$T_TMP/head" || true
grep -qi '^content-type: text/event-stream; charset=utf-8' "$T_TMP/head" && grep -qi '^cache-control: no-cache' "$T_TMP/head" \
  && t_ok "HEAD: 200 text/event-stream, Cache-Control: no-cache" || { t_bad "events headers"; cat "$T_TMP/head"; }

# --- hello, then polls at the interval ----------------------------------------------------
s1=$T_TMP/s1
stream "$s1"
wait_for "$s1" "event: hello" || true
[ "$(head -n 2 "$s1" | tail -n 1)" = "event: hello" ] && head -n 1 "$s1" | grep -q '^id: [0-9]*$' \
  && t_ok "the first event is hello, with an id" || { t_bad "hello first"; head -5 "$s1"; }
hello=$(data "$s1" hello)
gen1=$(py "$hello" 'j["generation"]')
py "$hello" 'type(j["generation"]) is int and type(j["seq"]) is int and j["time"] > 1.7e12' | grep -q True \
  && t_ok "hello carries generation, seq and time" || t_bad "hello data: $hello"
sleep 4
polls=$(grep -c '"feed":"a"' "$s1" || true)
[ "$polls" -ge 3 ] && [ "$polls" -le 7 ] && t_ok "poll events of feed a arrive at its 1 s interval ($polls in 4 s)" \
  || t_bad "poll events of a in 4 s: $polls"
p=$(grep '^data: {"feed":"a","t"' "$s1" | head -n 2 | sed 's/^data: //' | python3 -c '
import json,sys; l=[json.loads(x) for x in sys.stdin]; print(900 <= l[1]["t"]-l[0]["t"] <= 1300, l[0]["state"], l[0]["values"][0]["kpi"], type(l[0]["values"][0]["v"]).__name__)')
[ "$p" = "True ok rate float" ] || [ "$p" = "True ok rate int" ] \
  && t_ok "poll data: t 1 s apart, state ok, the KPI's value" || t_bad "poll data: $p"
ids=$(grep '^id: ' "$s1" | sed 's/^id: //' | python3 -c 'import sys; l=[int(x) for x in sys.stdin]; print(all(b == a + 1 for a, b in zip(l[1:], l[2:])) and l[1] == l[0] + 1)')
[ "$ids" = True ] && t_ok "ids grow by one per event" || t_bad "ids: $(grep '^id: ' "$s1" | tr '\n' ' ')"
d=$(data "$s1" poll 1); gone=$(grep '^data: {"feed":"gone"' "$s1" | head -n 1 | sed 's/^data: //')
py "$gone" 'j["state"] == "down" and j["values"][0]["v"] is None and j["values"][0]["error"] != "" and j["reason"] == "connect"' \
  | grep -q True && t_ok "a failed poll: state down, reason, a null value with its error" || t_bad "gone poll: $gone"

# --- operator actions -------------------------------------------------------------------
curl -s -o /dev/null --max-time 5 -X POST -H "Authorization: Bearer $IOC_T_LAN" -d '{"comment":"calling"}' \
  "$base/api/v1/alerts/gone_down/ack"
wait_for "$s1" "event: ack" || true
ack=$(data "$s1" ack)
py "$ack" 'j["rule"] == "gone_down" and j["ack"]["by"] == "lan" and j["ack"]["comment"] == "calling" and j["state"] == "firing" and "active_since" in j and "resolved_at" in j and j["t"] > 1.7e12' \
  | grep -q True && t_ok "an ack through the API is an ack event with the token's user" || t_bad "ack event: $ack"
curl -s -o "$T_TMP/alerts" --max-time 5 -H "Authorization: Bearer $IOC_T_WALL" "$base/api/v1/alerts"
python3 - "$T_TMP/alerts" "$ack" <<'PY' && t_ok "... its object is the element of /api/v1/alerts (plus t)" || t_bad "ack object differs from /api/v1/alerts"
import json, sys
a = json.load(open(sys.argv[1]))["alerts"][0]; e = json.loads(sys.argv[2]); del e["t"]
# The same keys and values, but for the value and the summary quoting it: a
# down feed's rule counts failed polls, one more every second in between.
same = set(a) == set(e) and all(a[k] == e[k] for k in a if k not in ("value", "summary"))
sys.exit(0 if same else 1)
PY
id=$(curl -s --max-time 5 -X POST -H "Authorization: Bearer $IOC_T_LAN" -d '{"target":"gone","duration":"1h"}' \
  "$base/api/v1/silences" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
wait_for "$s1" "event: silence" || true
py "$(data "$s1" silence)" "j['id'] == $id and j['target'] == 'gone' and j['by'] == 'lan'" | grep -q True \
  && t_ok "a silence is a silence event" || t_bad "silence event: $(data "$s1" silence)"
curl -s -o /dev/null --max-time 5 -X DELETE -H "Authorization: Bearer $IOC_T_LAN" "$base/api/v1/silences/$id"
wait_for "$s1" "event: unsilence" || true
py "$(data "$s1" unsilence)" "j['id'] == $id and j['by'] == 'lan'" | grep -q True \
  && t_ok "an unsilence is an unsilence event with its user" || t_bad "unsilence event: $(data "$s1" unsilence)"

# --- a client that never reads -----------------------------------------------------------
python3 - "$port" "$IOC_T_WALL" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + sys.argv[2].encode() + b"\r\n\r\n")
time.sleep(60)
PY
mute=$!
sleep 1
s2=$T_TMP/s2
stream "$s2"
before=$(grep -c '"feed":"a"' "$s1" || true)
sleep 3
after=$(grep -c '"feed":"a"' "$s1" || true)
n2=$(grep -c '"feed":"a"' "$s2" || true)
[ $((after - before)) -ge 2 ] && [ "$n2" -ge 2 ] \
  && t_ok "with a client that never reads, the polls go on and the others get them ($((after - before)), $n2 in 3 s)" \
  || t_bad "polls with a mute client: $((after - before)) and $n2"

n=$(curl -s --max-time 5 "$base/metrics" | awk '$1 == "ioc_poll_delay_seconds_count" { print $2 }')
[ "${n:-0}" -ge 5 ] && t_ok "/metrics counts the delay of scheduled polls (ioc_poll_delay_seconds_count $n)" \
  || t_bad "ioc_poll_delay_seconds_count: '$n'"

# --- reload ---------------------------------------------------------------------------
kill -HUP $run
wait_for "$s1" "event: reload" && t_ok "SIGHUP: a reload event" || t_bad "no reload event"
gen2=$(py "$(data "$s1" reload)" 'j["generation"]')
[ "$gen2" != "$gen1" ] && t_ok "... with a new generation" || t_bad "reload generation $gen2 = $gen1"
for _ in $(seq 30); do kill -0 "${streams[0]}" 2>/dev/null || break; sleep 0.1; done
kill -0 "${streams[0]}" 2>/dev/null && t_bad "the stream is closed after reload" || t_ok "... then the server closes the stream"
[ "$(tail -n 3 "$s1" | head -n 1)" = "event: reload" ] && t_ok "... reload is its last event" || t_bad "reload last: $(tail -n 4 "$s1")"
s3=$T_TMP/s3
stream "$s3" 5
wait_for "$s3" "event: hello" || true
py "$(data "$s3" hello)" "j['generation'] == $gen2" | grep -q True \
  && t_ok "a reconnecting client's hello has the new generation" || t_bad "hello after reload: $(data "$s3" hello)"

kill -TERM $run; set +e; wait $run; rc=$?; set -e; run=
[ "$rc" = 0 ] && t_ok "ioc run stops cleanly with streams open" || { t_bad "stop with streams: exit $rc"; tail -5 "$T_TMP/run.log"; }
t_done
