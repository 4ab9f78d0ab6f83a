#!/usr/bin/env bash
# End-to-end tests of thin consoles (ioc console --server, docs/console.md):
# one "ioc run" with the HTTP API on the real simulator, two thin consoles in
# a private tmux server with different users; GET /api/v1/config without
# secrets; an ack typed on one console shows on the other within 2 s with the
# right user; killing the collector marks both stale, restarting it
# reconnects them; the upstream simulator sees one poll per interval whatever
# the number of consoles; a refused token exits 4; a reload with a changed
# config reaches the consoles.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v tmux >/dev/null || { echo "tmux is not installed: skipped"; exit 77; }
command -v curl >/dev/null || { echo "curl is missing: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 is missing: skipped"; exit 77; }
export LANG=C.UTF-8 LC_ALL=
unset NO_COLOR TMUX
export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y # the simulator's fixture asks for them
export IOC_T_LAN="lan-token-$$-0123456789" IOC_T_HA="ha-token-$$-0123456789"
export IOC_T_WALL="wall-token-$$-0123456789" IOC_T_FEED="feed-secret-$$-42"

"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
run=
tmx() { tmux -L "ioc-thin-$$" -f "$T_TMP/tmux.conf" "$@"; }
cleanup() {
  tmx kill-server 2>/dev/null || true
  kill $sim $run 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$T_TMP"
}
trap cleanup EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")
[ -n "$IOC_SIM_URL" ] || { echo "the simulator did not start"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

cat >"$T_TMP/tmux.conf" <<'EOF'
set -g default-terminal tmux-256color
set -g status off
set -g escape-time 10
EOF
printf '#!/bin/sh\nst=$1\nshift\n"$@"\necho $? >"$st"\nexec sleep 300\n' >"$T_TMP/run.sh"

cfg=$T_TMP/thin.yaml
write_cfg() {
  cat >"$cfg" <<YAML
ioc:
  name: "$1"
  archive: false
  http:
    listen: "127.0.0.1:$port"
    users:
      - { name: lan,  role: operator, token: "\${IOC_T_LAN}" }
      - { name: ha,   role: operator, token: "\${IOC_T_HA}" }
      - { name: wall, role: viewer,   token: "\${IOC_T_WALL}" }
feeds:
  - id: a
    name: Feed A
    url: "\${IOC_SIM_URL}/f01"
    headers: { X-Secret: "\${IOC_T_FEED}" }
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "\$.data.rate", warn: "< 60" } ]
  - id: slow
    name: Feed slow
    url: "\${IOC_SIM_URL}/f02"
    interval: 10m
    timeout: 2s
    kpis: [ { id: rate, select: "\$.data.rate" } ]
  - id: gone
    url: "http://127.0.0.1:1/"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: k, select: "\$.k" } ]
rules:
  - { id: gone_down, feed: gone, down: 1, severity: critical, summary: "feed {{feed}} is down" }
YAML
}
write_cfg "Thin test"
start_run() {
  "$IOC_BIN" run -c "$cfg" >>"$T_TMP/run.log" 2>&1 &
  run=$!
  for _ in $(seq 50); do curl -s -o /dev/null "$base/-/healthy" && return 0; sleep 0.1; done
  return 1
}
start_run || { echo "ioc run did not start"; cat "$T_TMP/run.log"; exit 1; }

# --- GET /api/v1/config --------------------------------------------------------
code=$(curl -s -o "$T_TMP/config.json" -w '%{http_code}' -H "Authorization: Bearer $IOC_T_WALL" \
       "$base/api/v1/config")
if [ "$code" = 200 ]; then t_ok "GET /api/v1/config answers a viewer"; else t_bad "config: $code"; fi
if grep -qF -e "$IOC_T_FEED" -e "$IOC_T_LAN" -e "$IOC_T_WALL" -e "$IOC_SIM_URL" -e X-Secret \
     -e users "$T_TMP/config.json"; then
  t_bad "the served config holds a secret: $(head -c 300 "$T_TMP/config.json")"
else
  t_ok "the served config holds no token, header or url"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/config")
if [ "$code" = 401 ]; then t_ok "GET /api/v1/config needs a token"; else t_bad "no token: $code"; fi


# --- tmux helpers ------------------------------------------------------------------
# start NAME TOKEN: a thin console as user TOKEN's in a new 120x30 session.
start() {
  tmx new-session -d -s "$1" -x 120 -y 30 env IOC_TOKEN="$2" sh "$T_TMP/run.sh" \
    "$T_TMP/$1.status" "$IOC_BIN" console --server "$base"
}
screen() { tmx capture-pane -p -t "$1"; }
keys() { local name=$1; shift; tmx send-keys -t "$name" "$@"; }
wait_for() {
  local n=$(( ${3:-10} * 10 ))
  for _ in $(seq "$n"); do screen "$1" | grep -qF -- "$2" && return 0; sleep 0.1; done
  return 1
}
check() {
  local desc=$1 name=$2; shift 2
  T_CMD="$*"; T_RC=0
  if "$@"; then t_ok "$desc"; else
    T_RC=$?; t_bad "$desc"; screen "$name" | sed 's/^/       screen: /' | head -32
  fi
}

# --- a refused token ------------------------------------------------------------------
start bad "not-a-token"
for _ in $(seq 50); do [ -s "$T_TMP/bad.status" ] && break; sleep 0.1; done
if [ "$(cat "$T_TMP/bad.status" 2>/dev/null)" = 4 ]; then t_ok "a refused token exits 4"; else
  t_bad "a refused token: exit '$(cat "$T_TMP/bad.status" 2>/dev/null)'"; fi
check "a refused token is explained" bad wait_for bad "refused the token" 2

# --- two consoles ------------------------------------------------------------------------
start c1 "$IOC_T_LAN"
start c2 "$IOC_T_HA"
check "console 1 is connected" c1 wait_for c1 "connected to 127.0.0.1:$port"
check "console 2 is connected" c2 wait_for c2 "connected to 127.0.0.1:$port"
check "console 1 shows the collector's alert" c1 wait_for c1 "feed gone is down"
check "console 2 shows the collector's alert" c2 wait_for c2 "feed gone is down"
check "console 2 shows values" c2 wait_for c2 "51.5"
# A feed polled every 10 minutes shows its state from the collector at once,
# not "pending" until its next poll.
check "console 1 counts the 10-minute feed as up at once" c1 wait_for c1 "feeds 2/3" 3

# The upstream system sees one poll per interval (1 s), whatever the screens:
# every request the simulator counts is one of the collector's own polls.
polls() { curl -s "$IOC_SIM_URL/_sim/status" |
  python3 -c 'import json,sys; print([e["requests"] for e in json.load(sys.stdin)["endpoints"] if e["path"]=="/f01"][0])'; }
own() { curl -s "$base/metrics" | sed -n 's/^ioc_feed_polls_total{feed="a"} \([0-9]*\).*/\1/p'; }
p0=$(polls); o0=$(own); sleep 6; p1=$(polls); o1=$(own)
up=$((p1 - p0)) mine=$((o1 - o0))
if [ $((up - mine)) -ge -1 ] && [ $((up - mine)) -le 1 ] && [ "$up" -ge 4 ] && [ "$up" -le 9 ]; then
  t_ok "the simulator saw $up requests of /f01 in 6 s, the collector polled $mine times"
else
  t_bad "the simulator saw $up requests of /f01 in 6 s, the collector polled $mine times"
fi

# An ack on console 1 shows on console 2 within 2 s, by lan.
keys c1 a; sleep 0.3; keys c1 a; sleep 0.3
keys c1 "on it"; keys c1 Enter
check "console 2 shows the ack by lan within 2 s" c2 wait_for c2 "acked by lan" 2
check "console 1 shows the ack by lan" c1 wait_for c1 "acked by lan" 2
if grep -q 'event=ack rule=gone_down by=lan' "$T_TMP/run.log"; then t_ok "the collector recorded lan"; else
  t_bad "the collector's log lacks the ack by lan"; fi

# The collector goes away: both stale; it comes back: both reconnect.
kill "$run"; wait "$run" 2>/dev/null || true; run=
check "console 1 is marked stale" c1 wait_for c1 "STALE since" 5
check "console 2 is marked stale" c2 wait_for c2 "STALE since" 5
check "console 1 says it reconnects" c1 wait_for c1 "reconnecting in" 2
check "console 1 keeps the last screen" c1 wait_for c1 "feed gone is down" 1
start_run || t_bad "ioc run did not restart"
check "console 1 reconnects" c1 wait_for c1 "connected to 127.0.0.1:$port" 35
check "console 2 reconnects" c2 wait_for c2 "connected to 127.0.0.1:$port" 35
if screen c1 | grep -qF "STALE"; then t_bad "console 1 is still stale"; else t_ok "console 1 is live again"; fi

# A reload with a changed config reaches the consoles.
write_cfg "Thin test reloaded"
kill -HUP "$run"
check "console 2 shows the reloaded config" c2 wait_for c2 "Thin test reloaded" 10

keys c1 q; keys c2 q
for _ in $(seq 50); do [ -s "$T_TMP/c1.status" ] && [ -s "$T_TMP/c2.status" ] && break; sleep 0.1; done
if [ "$(cat "$T_TMP/c1.status")" = 0 ] && [ "$(cat "$T_TMP/c2.status")" = 0 ]; then
  t_ok "q quits both consoles with 0"
else
  t_bad "q: exit statuses $(cat "$T_TMP/c1.status") $(cat "$T_TMP/c2.status")"
fi
if grep -qF -e "$IOC_T_LAN" -e "$IOC_T_HA" "$T_TMP/run.log"; then t_bad "a token is in the log"; else
  t_ok "no token in the collector's log"; fi

t_done
