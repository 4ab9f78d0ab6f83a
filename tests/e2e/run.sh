#!/usr/bin/env bash
# End-to-end tests of "ioc run", the headless collector: greppable log lines
# for feed state changes, SIGHUP reload (an invalid config keeps the old
# one), SIGTERM stops it cleanly with status 0.
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y
T_CMD="ioc run (see its log)" T_RC=0
: >"$T_TMP/out"; : >"$T_TMP/err"

"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
run=
trap 'kill $sim $run ${recv:-} ${r500:-} ${r302:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")

# wait_log TEXT: waits up to 10 s for TEXT in the collector's log.
wait_log() {
  for _ in $(seq 100); do grep -qF -- "$1" "$T_TMP/run.log" && return 0; sleep 0.1; done
  return 1
}
check_log() { if wait_log "$1"; then t_ok "$2"; else t_bad "$2 (log lacks '$1')"; cat "$T_TMP/run.log"; fi; }

cfg=$T_TMP/run.yaml
cat >"$cfg" <<'YAML'
ioc: { name: run test }
feeds:
  - id: a
    url: "${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "$.data.rate" } ]
  - id: gone
    url: "http://127.0.0.1:1/"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: k, select: "$.k" } ]
YAML
# A stand-in for systemd's notify socket: records every datagram it receives.
python3 - "$T_TMP/notify.sock" "$T_TMP/notify.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "a") as out:
    try:
        while True:
            out.write(s.recv(4096).decode() + "\n---\n")
            out.flush()
    except socket.timeout:
        pass
PY
notifier=$!
for _ in $(seq 50); do [ -S "$T_TMP/notify.sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$T_TMP/notify.sock" "$IOC_BIN" run -c "$cfg" 2>"$T_TMP/run.log" &
run=$!
check_log "event=start config=$cfg feeds=2 kpis=2" "start is logged with the config's size"
check_log "event=ready feeds=2 sd_notify=sent" "READY=1 is sent once both feeds were polled"
grep -q "^READY=1$" "$T_TMP/notify.txt" && t_ok "the notify socket got READY=1" \
  || t_bad "the notify socket got READY=1"
check_log "event=feed feed=a from=pending to=ok" "a feed coming up is logged"
check_log 'event=feed feed=gone from=pending to=down' \
  "a down feed is logged with its error in words"

curl -sf -X POST "$IOC_SIM_URL/_sim/fault?path=/f01&mode=http&code=503" >/dev/null
check_log 'event=feed feed=a from=ok to=down' "a feed going down while running is logged"
grep -q 'level=warn event=feed feed=a from=ok to=down.*error="HTTP 503"' "$T_TMP/run.log" \
  && t_ok "the HTTP status is the error, at level warn" || t_bad "the HTTP status is the error"
curl -sf -X DELETE "$IOC_SIM_URL/_sim/fault" >/dev/null
check_log 'event=feed feed=a from=down to=ok' "it recovers by itself"

echo "feeds: [" >"$cfg.bad"; cp "$cfg" "$cfg.good"; cp "$cfg.bad" "$cfg"
kill -HUP $run
check_log 'event=reload result=invalid action="keeping the running config"' \
  "an invalid config on SIGHUP is reported and the old one kept"
grep -qE "^ts=[^ ]+ level=error event=reload msg=\"$cfg:2:1: " "$T_TMP/run.log" \
  && t_ok "each reload error is one logfmt line with ts, level and file:line:col" \
  || { t_bad "reload errors are logfmt lines"; cat "$T_TMP/run.log"; }
# A key with an escape sequence and a newline: one line, nothing raw.
printf 'ioc: { name: x }\n"a\\e]0;pwned\\a\\nts=forged level=info event=stop": 1\nfeeds: []\n' >"$cfg"
kill -HUP $run
for _ in $(seq 100); do [ "$(grep -c 'result=invalid' "$T_TMP/run.log")" -ge 2 ] && break; sleep 0.1; done
# (the diagnostic escapes them, then logfmt escapes the backslashes)
grep -qF 'a\\u001b]0;pwned\\u0007\\nts=forged' "$T_TMP/run.log" \
  && t_ok "a config key's escape sequence and newline are logged as visible escapes" \
  || { t_bad "config text is escaped in the log"; cat "$T_TMP/run.log"; }
grep -q '^ts=forged' "$T_TMP/run.log" && t_bad "no log line forged by a newline in the config" \
  || t_ok "no log line forged by a newline in the config"
grep -q $'\e' "$T_TMP/run.log" && t_bad "no raw ESC in the log" || t_ok "no raw ESC in the log"
kill -0 $run 2>/dev/null && t_ok "still running after a bad reload" || t_bad "still running after a bad reload"
cp "$cfg.good" "$cfg"
sed -i 's/name: run test/name: run test 2/' "$cfg"
kill -HUP $run
for _ in $(seq 100); do [ "$(grep -c 'event=start' "$T_TMP/run.log")" -ge 2 ] && break; sleep 0.1; done
[ "$(grep -c 'event=start' "$T_TMP/run.log")" -ge 2 ] && t_ok "a valid config is reloaded on SIGHUP" \
  || t_bad "a valid config is reloaded on SIGHUP"

kill -TERM $run
set +e; wait $run; rc=$?; set -e
run=
[ "$rc" -eq 0 ] && t_ok "SIGTERM stops it with status 0" || t_bad "SIGTERM stops it with status 0 (got $rc)"
grep -q "event=stop" "$T_TMP/run.log" && t_ok "the stop is logged" || t_bad "the stop is logged"
grep -q "^STOPPING=1$" "$T_TMP/notify.txt" && t_ok "the notify socket got STOPPING=1" \
  || t_bad "the notify socket got STOPPING=1"
kill "$notifier" 2>/dev/null || true

# logfmt_ok FILE: every line of FILE is strict logfmt starting with ts, level, event.
logfmt_ok() {
  python3 - "$1" <<'PY'
import re, sys
pair = r'[A-Za-z0-9_.-]+=(?:[^\s="\\]+|"(?:[^"\\\x00-\x1f\x7f]|\\["\\nrt]|\\u[0-9a-f]{4})*")'
line = re.compile(r'ts=\S+ level=(?:debug|info|warn|error) event=[a-z]+(?: ' + pair + r')*')
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1] if not line.fullmatch(l)]
if bad:
    print("\n".join(bad[:5]))
    sys.exit(1)
PY
}
logfmt_ok "$T_TMP/run.log" && t_ok "every line of the run log is strict logfmt" \
  || t_bad "every line of the run log is strict logfmt"

t_run "$IOC_BIN" run -c "$cfg.bad"
t_status 2 "an invalid config at start exits 2"

# --- alerts: rule, alert log, command notification --------------------------------
acfg=$T_TMP/alerts.yaml
cat >"$acfg" <<YAML
ioc: { name: alerts test, alert_log: "$T_TMP/alerts.jsonl" }
feeds:
  - id: a
    url: "\${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "\$.data.rate", crit: "< 52" } ]
rules:
  - { id: a_down, feed: a, down: 2, severity: critical, summary: "feed {{feed}} is down" }
notify:
  - exec: ["/bin/sh", "-c", "cat >> $T_TMP/notified.jsonl; echo >> $T_TMP/notified.jsonl"]
    min_severity: warning
    group_wait: 1s
YAML
: >"$T_TMP/run.log"
"$IOC_BIN" run -c "$acfg" 2>"$T_TMP/run.log" &
run=$!
check_log "rules=2 notify=1" "the rules (one explicit, one from a threshold) are loaded"
check_log "event=alert rule=a.rate:crit from=inactive to=firing severity=critical value=51.5" \
  "a KPI below its crit threshold fires (rate 51.5 < 52)"
curl -sf -X POST "$IOC_SIM_URL/_sim/fault?path=/f01&mode=http&code=503" >/dev/null
check_log "event=alert rule=a_down from=inactive to=firing" "the feed rule fires after 2 failed polls"
check_log "event=alert rule=a.rate:crit from=firing to=stale" "its KPI alert goes stale, not resolved"
curl -sf -X DELETE "$IOC_SIM_URL/_sim/fault" >/dev/null
check_log "event=alert rule=a_down from=firing to=resolved" "the feed rule resolves when the feed is back"
for _ in $(seq 50); do grep -q '"resolved"' "$T_TMP/notified.jsonl" 2>/dev/null && break; sleep 0.1; done
python3 - "$T_TMP/notified.jsonl" <<'PY' && t_ok "the command got Alertmanager-style firing and resolved messages" || t_bad "the command got firing and resolved messages"
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
firing = [a for m in msgs if m["status"] == "firing" for a in m["alerts"]]
resolved = [a for m in msgs if m["status"] == "resolved" for a in m["alerts"]]
assert any(a["labels"]["alertname"] == "a_down" and a["annotations"]["summary"] == "feed a is down" for a in firing)
assert any(a["labels"]["alertname"] == "a_down" for a in resolved)
PY
python3 - "$T_TMP/alerts.jsonl" <<'PY' && t_ok "every transition is in the alert log as JSON lines" || t_bad "every transition is in the alert log"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
seen = {(l.get("rule"), l.get("to")) for l in lines}
assert ("a_down", "firing") in seen and ("a_down", "resolved") in seen and ("a.rate:crit", "firing") in seen, seen
PY
kill -TERM $run
set +e; wait $run; rc=$?; set -e
run=
[ "$rc" -eq 0 ] && t_ok "stops with status 0" || t_bad "stops with status 0 (got $rc)"

# --- webhook: a receiver that fails twice, then recovers -------------------------------
python3 "$IOC_SRC/tests/e2e/receiver.py" "$T_TMP/posts.jsonl" 2 >"$T_TMP/recv.out" &
recv=$!
for _ in $(seq 50); do [ -s "$T_TMP/recv.out" ] && break; sleep 0.1; done
export IOC_E2E_HOOK="http://127.0.0.1:$(head -n1 "$T_TMP/recv.out")/hook"
export IOC_E2E_HOOK_TOKEN="hook-secret-$$"
wcfg=$T_TMP/webhook.yaml
cat >"$wcfg" <<'YAML'
ioc: { name: webhook test }
feeds:
  - id: a
    url: "${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "$.data.rate" } ]
rules:
  - { id: a_down, feed: a, down: 1, severity: critical, summary: "feed {{feed}} is down",
      labels: { team: ops } }
notify:
  - webhook: "${IOC_E2E_HOOK}"
    headers: { Authorization: "Bearer ${IOC_E2E_HOOK_TOKEN}" }
    group_wait: 0s
YAML
: >"$T_TMP/run.log"
"$IOC_BIN" run -c "$wcfg" 2>"$T_TMP/run.log" &
run=$!
check_log "event=feed feed=a from=pending to=ok" "the webhook config runs"
curl -sf -X POST "$IOC_SIM_URL/_sim/fault?path=/f01&mode=http&code=500" >/dev/null
check_log "event=alert rule=a_down from=inactive to=firing" "the feed rule fires"
curl -sf -X DELETE "$IOC_SIM_URL/_sim/fault" >/dev/null
check_log "event=alert rule=a_down from=firing to=resolved" "and resolves"
for _ in $(seq 150); do [ "$(grep -c '"code": 200' "$T_TMP/posts.jsonl" 2>/dev/null)" -ge 2 ] && break; sleep 0.1; done
python3 - "$T_TMP/posts.jsonl" "$IOC_E2E_HOOK_TOKEN" <<'PY' && t_ok "the webhook got 2 failed tries, then firing and resolved, with the token" || { t_bad "webhook retried and delivered"; cat "$T_TMP/posts.jsonl"; }
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
assert [p["code"] for p in posts[:2]] == [503, 503], posts
ok = [p["body"] for p in posts if p["code"] == 200]
assert [b["status"] for b in ok] == ["firing", "resolved"], ok
a = ok[0]["alerts"][0]
assert a["labels"]["alertname"] == "a_down" and a["labels"]["team"] == "ops", a
assert a["annotations"]["summary"] == "feed a is down"
assert ok[1]["alerts"][0]["endsAt"] != "0001-01-01T00:00:00Z"
assert all(p["auth"] == "Bearer " + sys.argv[2] for p in posts)
PY
grep -qF "$IOC_E2E_HOOK_TOKEN" "$T_TMP/run.log" && t_bad "token absent from the log" || t_ok "token absent from the log"
check_log 'level=warn event=notify target=${IOC_E2E_HOOK} alerts=1 status=firing attempt=1 result=retry error="HTTP 503"' \
  "a failed webhook attempt that will be retried is logged"
check_log 'level=info event=notify target=${IOC_E2E_HOOK} alerts=1 status=resolved' \
  "a delivered notification is logged"
kill -TERM $run; wait $run 2>/dev/null || true; run=
kill $recv 2>/dev/null; wait $recv 2>/dev/null || true

# --- webhooks that fail: a 500, a closed port, a redirect ----------------------------
python3 "$IOC_SRC/tests/e2e/receiver.py" "$T_TMP/p500.jsonl" 0 500 >"$T_TMP/r500.out" &
r500=$!
python3 "$IOC_SRC/tests/e2e/receiver.py" "$T_TMP/p302.jsonl" 0 302 >"$T_TMP/r302.out" &
r302=$!
for _ in $(seq 50); do [ -s "$T_TMP/r500.out" ] && [ -s "$T_TMP/r302.out" ] && break; sleep 0.1; done
export IOC_E2E_H500="http://127.0.0.1:$(head -n1 "$T_TMP/r500.out")/h500"
export IOC_E2E_H302="http://127.0.0.1:$(head -n1 "$T_TMP/r302.out")/h302"
fcfg=$T_TMP/failing.yaml
cat >"$fcfg" <<'YAML'
ioc: { name: failing webhooks }
feeds:
  - id: a
    url: "${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "$.data.rate" } ]
rules:
  - { id: a_down, feed: a, down: 1, severity: critical, summary: "feed {{feed}} is down" }
notify:
  - { webhook: "${IOC_E2E_H500}", group_wait: 0s }
  - { webhook: "http://127.0.0.1:1/closed", group_wait: 0s }
  - { webhook: "${IOC_E2E_H302}", group_wait: 0s }
YAML
: >"$T_TMP/run.log"
"$IOC_BIN" run -c "$fcfg" 2>"$T_TMP/run.log" &
run=$!
check_log "event=feed feed=a from=pending to=ok" "the failing-webhooks config runs"
curl -sf -X POST "$IOC_SIM_URL/_sim/fault?path=/f01&mode=http&code=500" >/dev/null
check_log "event=alert rule=a_down from=inactive to=firing" "the feed rule fires"
check_log 'level=warn event=notify target=${IOC_E2E_H500} alerts=1 status=firing attempt=1 result=retry error="HTTP 500"' \
  "a webhook answering 500 is logged, to be retried"
check_log 'level=warn event=notify target=http://127.0.0.1:1/closed alerts=1 status=firing attempt=1 result=retry error="connection refused"' \
  "a webhook on a closed port is logged, to be retried"
check_log 'level=error event=notify target=${IOC_E2E_H302} alerts=1 status=firing attempt=1 result=failed error="HTTP 302"' \
  "a webhook answering 302 is logged as failed (not retried)"
check_log 'target=${IOC_E2E_H500} alerts=1 status=firing attempt=2 result=retry' "the retry is logged too"
curl -sf -X DELETE "$IOC_SIM_URL/_sim/fault" >/dev/null
kill -TERM $run; wait $run 2>/dev/null || true; run=
kill $r500 $r302 2>/dev/null; wait $r500 $r302 2>/dev/null || true
logfmt_ok "$T_TMP/run.log" && t_ok "the notify lines are strict logfmt" \
  || t_bad "the notify lines are strict logfmt"

# --- an archive that cannot be opened is not reported as written ---------------------
: >"$T_TMP/notadir"
acfg2=$T_TMP/archive.yaml
cat >"$acfg2" <<YAML
ioc: { name: archive test, archive: "$T_TMP/notadir/ioc.db" }
feeds:
  - id: a
    url: "\${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "\$.data.rate" } ]
YAML
: >"$T_TMP/run.log"
"$IOC_BIN" run -c "$acfg2" 2>"$T_TMP/run.log" &
run=$!
check_log "event=archive path=$T_TMP/notadir/ioc.db writer=no error=" \
  "an archive that cannot be opened is logged as writer=no, with the reason"
grep -q "writer=yes" "$T_TMP/run.log" && t_bad "no writer=yes for it" || t_ok "no writer=yes for it"
kill -TERM $run; wait $run 2>/dev/null || true; run=
t_done
