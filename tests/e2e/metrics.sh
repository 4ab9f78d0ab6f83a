#!/usr/bin/env bash
# End-to-end test of the Prometheus exposition (GET /metrics of `ioc run`,
# export/metrics.c) and of `ioc snapshot -f prom`, on the metrics fixture
# (tests/tools/metrics_sample.c: three feeds, one down, one with bad data,
# an alert firing, notify targets, an archive, a reload in between):
#   - structural checks in Python: valid sample lines, one HELP and one TYPE
#     per family before its samples, naming rules (counters end in _total,
#     others do not), no series twice, histograms cumulative and ending in
#     +Inf with _count equal to it, label cardinality of the reason label;
#   - the KPI and feed families are the same lines in both outputs;
#   - the real `promtool check metrics` (Debian package prometheus) on both.
# Exits 77 (skipped) after the Python checks when promtool is not installed.
set -euo pipefail
: "${IOC_METRICS_SAMPLE:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"

mkdir -p "$T_TMP/m" "$T_TMP/s"
now=$(date +%s%3N) # one scene time for both outputs
t_run "$IOC_METRICS_SAMPLE" metrics "$T_TMP/m" "$now"
t_status 0 "metrics_sample writes the /metrics exposition"
cp "$T_TMP/out" "$T_TMP/metrics.txt"
t_out_has 'ioc_kpi_value{feed="dvc",kpi="rate"} 55' "/metrics: a KPI value"
t_out_has 'ioc_kpi_status{feed="soc",kpi="high",status="stale"} 1' "/metrics: a state set"
t_out_has 'ioc_feed_poll_errors_total{feed="soc",reason="timeout"} 2' \
  "/metrics: errors by reason, carried over the reload"
t_out_has 'ioc_feed_poll_duration_seconds_bucket{feed="dvc",le="+Inf"} 4' "/metrics: histogram"
t_out_has 'ioc_config_reloads_total 1' "/metrics: the reload counted"
t_run "$IOC_METRICS_SAMPLE" snapshot "$T_TMP/s" "$now"
t_status 0 "metrics_sample writes the snapshot's exposition"
cp "$T_TMP/out" "$T_TMP/snapshot.txt"

# check FILE: the structural checks; prints the problems, exits 1 on any.
check() {
  python3 - "$1" <<'PY'
import re, sys
name_re = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
sample = re.compile(r'^(' + name_re + r')(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? '
                    r'(-?[0-9.]+(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$')
label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
problems, helps, types, series = [], {}, {}, set()
hist = {}  # (family, labels without le) -> [(le, value)], plus _count
counts = {}
for n, line in enumerate(open(sys.argv[1], encoding='utf-8'), 1):
    line = line.rstrip('\n')
    if line.startswith('# HELP ') or line.startswith('# TYPE '):
        kind, fam = line[2:6], line.split(' ')[2]
        d = helps if kind == 'HELP' else types
        if fam in d: problems.append(f'{n}: second {kind} for {fam}')
        if not re.fullmatch(name_re, fam): problems.append(f'{n}: bad name {fam}')
        d[fam] = line.split(' ', 3)[3] if kind == 'TYPE' else True
        continue
    m = sample.match(line)
    if not m:
        problems.append(f'{n}: not a sample line: {line}'); continue
    name, labels = m.group(1), m.group(2) or ''
    fam = name
    for suf in ('_bucket', '_sum', '_count'):
        if name.endswith(suf) and types.get(name[:-len(suf)]) == 'histogram':
            fam = name[:-len(suf)]
    if fam not in types or fam not in helps:
        problems.append(f'{n}: {name} has no HELP/TYPE before it')
    t = types.get(fam)
    if t == 'counter' and not fam.endswith('_total'): problems.append(f'{n}: counter {fam} lacks _total')
    if t != 'counter' and fam.endswith('_total'): problems.append(f'{n}: {t} {fam} ends in _total')
    if not re.fullmatch(r'[a-z][a-z0-9_]*', fam): problems.append(f'{n}: {fam} is not snake_case')
    if (name, labels) in series: problems.append(f'{n}: series twice: {name}{labels}')
    series.add((name, labels))
    value = float(m.group(3).replace('Inf', 'inf'))
    pairs = label.findall(labels)
    if name.endswith('_bucket') and fam != name:
        key = (fam, tuple(p for p in pairs if p[0] != 'le'))
        le = [v for k, v in pairs if k == 'le'][0]
        hist.setdefault(key, []).append((float(le.replace('Inf', 'inf')), value))
    if name.endswith('_count') and fam != name:
        counts[(fam, tuple(pairs))] = value
for key, b in hist.items():
    les = [le for le, _ in b]
    vals = [v for _, v in b]
    if les != sorted(les) or les[-1] != float('inf'): problems.append(f'{key}: le not ascending to +Inf')
    if vals != sorted(vals): problems.append(f'{key}: buckets not cumulative')
    if counts.get(key) != vals[-1]: problems.append(f'{key}: _count is not the +Inf bucket')
reasons = {v for (n, l) in series if n == 'ioc_feed_poll_errors_total' for k, v in label.findall(l) if k == 'reason'}
if len(reasons) > 12: problems.append(f'too many reasons: {sorted(reasons)}')
for p in problems: print(p)
sys.exit(1 if problems else 0)
PY
}

for f in metrics snapshot; do
  T_CMD="check $f.txt"
  set +e; check "$T_TMP/$f.txt" >"$T_TMP/out" 2>"$T_TMP/err"; T_RC=$?; set -e
  t_status 0 "$f: valid exposition, naming rules, histograms, no series twice"
done

# The KPI and feed families: the same lines in /metrics and the snapshot.
for p in ioc_kpi_ ioc_feed_; do
  grep -E "^(# (HELP|TYPE) )?$p" "$T_TMP/metrics.txt" | grep -v -E '_total|_duration_seconds' >"$T_TMP/a" || true
  grep -E "^(# (HELP|TYPE) )?$p" "$T_TMP/snapshot.txt" | grep -v -E '_total|_duration_seconds' >"$T_TMP/b" || true
  T_CMD="diff $p"
  if [ -s "$T_TMP/a" ] && diff "$T_TMP/a" "$T_TMP/b" >"$T_TMP/out" 2>&1; then
    T_RC=0; t_ok "$p* families agree between /metrics and the snapshot"
  else
    T_RC=1; t_bad "$p* families agree between /metrics and the snapshot"
  fi
done

if ! command -v promtool >/dev/null; then
  echo "promtool is not installed (Debian package prometheus, scripts/deps.sh --test): skipped"
  t_done || exit 1
  exit 77
fi
for f in metrics snapshot; do
  t_run_in "$T_TMP/$f.txt" promtool check metrics
  t_status 0 "promtool check metrics accepts the $f exposition"
done
t_done
