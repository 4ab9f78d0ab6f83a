#!/usr/bin/env bash
# End-to-end test of a SIGHUP reload of "ioc run" with a webhook receiver: a
# firing alert whose rule did not change keeps firing with no second "firing"
# message; a changed threshold ends the alert ("resolved") and it starts again
# as new ("firing" once its for: has passed); a removed rule's alert ends with
# a "resolved". Docs: docs/alerts.md "Reload and restart".
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
export IOC_E2E_TOKEN=x IOC_E2E_BASIC=y # the simulator's fixture needs them
T_CMD="ioc run (see its log)" T_RC=0
: >"$T_TMP/out"; : >"$T_TMP/err"

"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>/dev/null &
sim=$!
run= recv=
trap 'kill $sim $run $recv 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
export IOC_SIM_URL=$(grep -o 'http://[0-9.:]*' "$T_TMP/sim.out")
python3 "$IOC_SRC/tests/e2e/receiver.py" "$T_TMP/posts.jsonl" 0 >"$T_TMP/recv.out" &
recv=$!
for _ in $(seq 50); do [ -s "$T_TMP/recv.out" ] && break; sleep 0.1; done
export IOC_E2E_HOOK="http://127.0.0.1:$(head -n1 "$T_TMP/recv.out")/hook"

# wait_log N TEXT: waits up to 10 s for N lines with TEXT in the collector's log.
wait_log() {
  for _ in $(seq 100); do
    [ "$(grep -cF -- "$2" "$T_TMP/run.log" || true)" -ge "$1" ] && return 0
    kill -0 $run 2>/dev/null || return 1 # it stopped
    sleep 0.1
  done
  return 1
}
check_log() { if wait_log "$1" "$2"; then t_ok "$3"; else t_bad "$3 (log lacks $1 × '$2')"; cat "$T_TMP/run.log"; fi; }
# statuses: the status of every message the receiver got, space-separated.
statuses() {
  python3 -c 'import json,sys; print(" ".join(json.loads(l)["body"]["status"] for l in open(sys.argv[1])))' \
    "$T_TMP/posts.jsonl" 2>/dev/null || true
}
# wait_posts TEXT: waits up to 10 s for the receiver's statuses to be TEXT.
wait_posts() {
  for _ in $(seq 100); do [ "$(statuses)" = "$1" ] && return 0; sleep 0.1; done
  return 1
}
check_posts() { if wait_posts "$1"; then t_ok "$2"; else t_bad "$2 (receiver got '$(statuses)', want '$1')"; fi; }

# f01's rate is a constant 51.5: "hot" holds from the first poll.
cfg=$T_TMP/reload.yaml
write_cfg() {
  cat >"$cfg" <<YAML
ioc: { name: reload test, archive: "$T_TMP/archive.db" }
feeds:
  - id: a
    url: "\${IOC_SIM_URL}/f01"
    interval: 1s
    timeout: 500ms
    kpis: [ { id: rate, select: "\$.data.rate" } ]
rules:
$1
notify:
  - { webhook: "\${IOC_E2E_HOOK}", group_wait: 0s }
YAML
}
write_cfg '  - { id: hot, kpi: a.rate, above: 50, for: 2s, labels: { team: env } }'
"$IOC_BIN" run -c "$cfg" 2>"$T_TMP/run.log" &
run=$!
check_log 1 "event=alert rule=hot from=pending to=firing" "the rule fires after its for:"
check_posts "firing" "the receiver gets one firing"

kill -HUP $run
check_log 2 "event=start config=$cfg" "an unchanged config is reloaded"
check_log 2 "event=feed feed=a from=pending to=ok" "and polled again"
sleep 3 # three more polls
[ "$(grep -c 'event=alert rule=hot' "$T_TMP/run.log")" -eq 2 ] \
  && t_ok "the unchanged alert has no transition across the reload" \
  || { t_bad "the unchanged alert has no transition across the reload"; cat "$T_TMP/run.log"; }
check_posts "firing" "the receiver gets no second firing"

# The threshold changed: the alert ends (resolved) and starts again as new.
write_cfg '  - { id: hot, kpi: a.rate, above: 40, for: 2s, labels: { team: env } }'
kill -HUP $run
check_log 3 "event=start config=$cfg" "a changed threshold is reloaded"
check_log 1 "event=alert rule=hot from=firing to=resolved" "the changed rule's alert resolves"
check_log 2 "event=alert rule=hot from=pending to=firing" "and fires again as new after its for:"
check_posts "firing resolved firing" "the receiver gets resolved, then firing again"
python3 - "$T_TMP/posts.jsonl" <<'PY' && t_ok "the new firing has a new startsAt" || t_bad "the new firing has a new startsAt"
import json, sys
b = [json.loads(l)["body"]["alerts"][0] for l in open(sys.argv[1])]
assert b[1]["endsAt"] != "0001-01-01T00:00:00Z" and b[1]["labels"]["alertname"] == "hot", b[1]
assert b[2]["startsAt"] > b[0]["startsAt"], b
PY

# The rule is removed: its alert ends with a resolved.
write_cfg '  - { id: other, kpi: a.rate, above: 100 }'
kill -HUP $run
check_log 4 "event=start config=$cfg" "a config without the rule is reloaded"
check_log 2 "event=alert rule=hot from=firing to=resolved" "the removed rule's alert resolves"
check_posts "firing resolved firing resolved" "the receiver gets its resolved"

kill -TERM $run
rc=0; wait $run || rc=$?
run=
[ "$rc" -eq 0 ] && t_ok "stops with status 0" || t_bad "stops with status 0 (got $rc)"
t_done
