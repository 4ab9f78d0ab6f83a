#!/usr/bin/env bash
# End-to-end test of "ioc run" against a hostile upstream (tests/e2e/hostile.py):
# a redirect to another origin with a secret header, a body that never ends,
# a one-byte-per-second drip, JSON nested 900 levels under a nested-filter
# selector, escape sequences in strings, labels, cells and status lines, and
# non-finite numbers, next to healthy feeds polled every second. Checks that
# the healthy feeds keep their cadence, the secret never reaches the other
# origin, no raw ESC reaches ioc's output, non-finite numbers are KPI errors,
# and SIGTERM ends ioc within 2 s with status 0 (no crash, no sanitizer report).
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 77; }
export HOSTILE_KEY="hostile-secret-$$-$RANDOM"
run_secs=${IOC_HOSTILE_SECONDS:-10}

python3 "$IOC_SRC/tests/e2e/hostile.py" "$T_TMP" 2>"$T_TMP/server.err" &
srv=$!
run=
trap 'kill $srv $run 2>/dev/null; [ -n "$run" ] && kill -9 $run 2>/dev/null; wait 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 100); do [ -s "$T_TMP/ports" ] && break; sleep 0.1; done
[ -s "$T_TMP/ports" ] || { echo "the hostile server did not start"; cat "$T_TMP/server.err"; exit 1; }
read -r port_a port_b <"$T_TMP/ports"
export HOSTILE_A="http://127.0.0.1:$port_a"

cfg=$T_TMP/hostile.yaml
cat >"$cfg" <<'YAML'
ioc: { name: hostile upstream test }
defaults: { interval: 2s, timeout: 1s }
feeds:
  - { id: ok1, url: "${HOSTILE_A}/healthy/1", interval: 1s, timeout: 500ms, kpis: [ { id: v, select: "$.v" } ] }
  - { id: ok2, url: "${HOSTILE_A}/healthy/2", interval: 1s, timeout: 500ms, kpis: [ { id: v, select: "$.v" } ] }
  - { id: ok3, url: "${HOSTILE_A}/healthy/3", interval: 1s, timeout: 500ms, kpis: [ { id: v, select: "$.v" } ] }
  - id: redirect
    url: "${HOSTILE_A}/redirect"
    headers: { X-Api-Key: "${HOSTILE_KEY}" }
    kpis: [ { id: v, select: "$.v" } ]
  - { id: endless, url: "${HOSTILE_A}/endless", max_body: 64KiB, kpis: [ { id: v, select: "$.v[0]" } ] }
  - { id: drip, url: "${HOSTILE_A}/drip", kpis: [ { id: v, select: "$.v" } ] }
  - { id: deep, url: "${HOSTILE_A}/deep", kpis: [ { id: v, select: "$..[?@..[?@..[?@..y]]]", agg: count } ] }
  - { id: esc_json, url: "${HOSTILE_A}/esc_json", kpis: [ { id: v, select: "$.v" }, { id: name, select: "$.name" } ] }
  - { id: esc_prom, url: "${HOSTILE_A}/esc_prom", format: prometheus, kpis: [ { id: v, select: 'm{l="x"}' } ] }
  - { id: esc_csv, url: "${HOSTILE_A}/esc_csv", format: csv, kpis: [ { id: v, column: v } ] }
  - { id: esc_status, url: "${HOSTILE_A}/esc_status", kpis: [ { id: v, select: "$.v" } ] }
  - { id: esc_redirect, url: "${HOSTILE_A}/esc_redirect", kpis: [ { id: v, select: "$.v" } ] }
  - { id: nf_big, url: "${HOSTILE_A}/nf_big", kpis: [ { id: v, select: "$.v" } ] }
  - { id: nf_str, url: "${HOSTILE_A}/nf_str", kpis: [ { id: v, select: "$.v" } ] }
  - { id: nf_nan, url: "${HOSTILE_A}/nf_nan", format: prometheus, kpis: [ { id: v, select: m } ] }
  - { id: nf_inf, url: "${HOSTILE_A}/nf_inf", format: prometheus, kpis: [ { id: v, select: m } ] }
YAML

t_run "$IOC_BIN" check -c "$cfg"
t_status 0 "the hostile test config is valid"
[ "$T_RC" -eq 0 ] || { t_done; exit 1; }

T_CMD="ioc run -c $cfg"
"$IOC_BIN" run -c "$cfg" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null &
run=$!
# The cadence is measured after the first polls (spread over 2 s), from the
# server's own counts at both ends of the window.
sleep 3
hits0=$(curl -s --max-time 5 "$HOSTILE_A/hits" || echo '{}')
start=$(date +%s)
sleep $((run_secs - 3))
hits=$(curl -s --max-time 5 "$HOSTILE_A/hits" || echo '{}')
elapsed=$(($(date +%s) - start))

# --- SIGTERM ends it within 2 s, with status 0 ------------------------------------
alive_before=0
kill -0 "$run" 2>/dev/null && alive_before=1
kill -TERM "$run" 2>/dev/null || true
stopped=0
for _ in $(seq 20); do kill -0 "$run" 2>/dev/null || { stopped=1; break; }; sleep 0.1; done
if [ "$stopped" -eq 0 ]; then
  kill -9 "$run" 2>/dev/null || true
fi
set +e; wait "$run"; T_RC=$?; set -e
run=
[ "$alive_before" -eq 1 ] && t_ok "ioc run survives ${run_secs}s of a hostile upstream" \
  || t_bad "ioc run survives ${run_secs}s of a hostile upstream (it exited early)"
[ "$stopped" -eq 1 ] && t_ok "SIGTERM ends it within 2 s" || t_bad "SIGTERM ends it within 2 s (killed with -9)"
[ "$T_RC" -eq 0 ] && t_ok "it exits with status 0 after SIGTERM" \
  || t_bad "it exits with status 0 after SIGTERM (got $T_RC)"
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T_TMP/err"; then
  t_bad "no sanitizer report"
else
  t_ok "no sanitizer report"
fi

# --- the healthy feeds keep their 1 s cadence ---------------------------------------
want=$((elapsed * 8 / 10))
if python3 - "$hits" "$want" "$hits0" <<'PY'; then
import json, sys
hits, want, hits0 = json.loads(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
got = {p: hits.get(p, 0) - hits0.get(p, 0) for p in ("/healthy/1", "/healthy/2", "/healthy/3")}
print("       healthy hits:", got, "want >=", want)
sys.exit(0 if all(n >= want for n in got.values()) else 1)
PY
  t_ok "the healthy feeds keep their cadence (>= $want polls each in ${elapsed}s)"
else
  t_bad "the healthy feeds keep their cadence (>= $want polls each in ${elapsed}s)"
fi

# --- the secret header never reaches another origin --------------------------------
if python3 - "$hits" <<'PY'; then
import json, sys
sys.exit(0 if json.loads(sys.argv[1]).get("/redirect", 0) >= 1 else 1)
PY
  t_ok "the redirecting feed was polled"
else
  t_bad "the redirecting feed was polled"
fi
if [ -f "$T_TMP/origin_b.jsonl" ] && grep -qF -- "$HOSTILE_KEY" "$T_TMP/origin_b.jsonl"; then
  t_bad "the X-Api-Key secret never reaches the other origin (it arrived: $(head -c 300 "$T_TMP/origin_b.jsonl"))"
else
  t_ok "the X-Api-Key secret never reaches the other origin"
fi
t_none_has "$HOSTILE_KEY" "the secret is not printed"

# --- hostile bytes never reach the output raw -------------------------------------
esc=$(printf '\033')
if grep -qF -- "$esc" "$T_TMP/out" "$T_TMP/err"; then
  t_bad "no raw ESC byte in ioc's stdout or stderr"
  grep -naF -- "$esc" "$T_TMP/err" | head -n 3 | cat -v | sed 's/^/       /'
else
  t_ok "no raw ESC byte in ioc's stdout or stderr"
fi
bel=$(printf '\007')
if grep -qF -- "$bel" "$T_TMP/out" "$T_TMP/err"; then
  t_bad "no raw BEL byte in ioc's stdout or stderr"
else
  t_ok "no raw BEL byte in ioc's stdout or stderr"
fi
grep -q 'event=feed feed=esc_json from=pending to=bad-data' "$T_TMP/err" \
  && t_ok "a string full of escapes is a KPI error (bad-data), logged" \
  || t_bad "a string full of escapes is a KPI error (bad-data), logged"

# --- caps: endless body, slow drip, deep nesting -------------------------------------
grep -q 'event=feed feed=endless from=pending to=down' "$T_TMP/err" \
  && t_ok "a body that never ends fails the poll (body cap)" \
  || t_bad "a body that never ends fails the poll (body cap)"
grep -q 'event=feed feed=drip from=pending to=down' "$T_TMP/err" \
  && t_ok "a one-byte-per-second drip times out" || t_bad "a one-byte-per-second drip times out"
grep -q 'event=feed feed=deep from=pending to=' "$T_TMP/err" \
  && t_ok "900 levels of JSON under a nested-filter selector end in a result" \
  || t_bad "900 levels of JSON under a nested-filter selector end in a result (no state change logged)"

# --- non-finite numbers are KPI errors, never values --------------------------------
for f in nf_big nf_str nf_nan nf_inf; do
  grep -q "event=feed feed=$f from=pending to=bad-data" "$T_TMP/err" \
    && t_ok "a non-finite number ($f) is a KPI error (bad-data)" \
    || t_bad "a non-finite number ($f) is a KPI error (bad-data)"
done

t_done
