#!/usr/bin/env bash
# End-to-end tests of the ioc command line: help, version, usage errors,
# "ioc check" on good and bad configs, "ioc select" on documents.
set -euo pipefail
: "${IOC_BIN:?set IOC_BIN to the ioc binary}" "${IOC_SRC:?set IOC_SRC to the source tree}"
. "$IOC_SRC/tests/e2e/lib.sh"
ioc=$IOC_BIN
fx=$IOC_SRC/tests/fixtures

# --- global options --------------------------------------------------------
t_run "$ioc" --version
t_status 0 "--version exits 0"
t_out_has "ioc 0." "--version prints the version"

t_run "$ioc" --help
t_status 0 "--help exits 0"
t_out_has "check" "--help lists check"
t_out_has "select" "--help lists select"

t_run "$ioc"
t_status 2 "no command is a usage error"
t_err_has "Usage: ioc COMMAND" "no command prints usage"

t_run "$ioc" --frobnicate
t_status 2 "unknown global option exits 2"
t_err_has "unknown option '--frobnicate'" "unknown option is named"

t_run "$ioc" frobnicate
t_status 2 "unknown command exits 2"
t_err_has "unknown command 'frobnicate'" "unknown command is named"

t_run "$ioc" help check
t_status 0 "help check exits 0"
t_out_has "Usage: ioc check" "help check shows its usage"
t_out_has "--config FILE" "help check shows its options"

t_run "$ioc" help nosuch
t_status 2 "help for an unknown command exits 2"

t_run "$ioc" check --bogus
t_status 2 "unknown check option exits 2"
t_err_has "Usage: ioc check" "unknown check option prints the usage line"

t_run "$ioc" check -c
t_status 2 "check -c without value exits 2"
t_err_has "needs a value" "check -c without value says so"

# Where a config is looked for without -c: $IOC_CONFIG, $XDG_CONFIG_HOME/ioc/ioc.yaml,
# /etc/ioc/ioc.yaml; each found one is named on stderr.
mkdir -p "$T_TMP/xdg-empty" "$T_TMP/xdg/ioc"
if [ -e /etc/ioc/ioc.yaml ]; then # a machine with the package installed
  t_run env -u IOC_CONFIG XDG_CONFIG_HOME="$T_TMP/xdg-empty" "$ioc" check -q
  t_err_has "using /etc/ioc/ioc.yaml (the system config)" "check falls back to /etc/ioc/ioc.yaml"
else
  t_run env -u IOC_CONFIG XDG_CONFIG_HOME="$T_TMP/xdg-empty" "$ioc" check
  t_status 2 "check without a config exits 2"
  t_err_has "no config given (use -c FILE, set IOC_CONFIG, or write ~/.config/ioc/ioc.yaml or /etc/ioc/ioc.yaml)" \
    "check without a config says where it looked"
fi
cp "$IOC_SRC/config/haiduong.yaml" "$T_TMP/xdg/ioc/ioc.yaml"
t_run env -u IOC_CONFIG XDG_CONFIG_HOME="$T_TMP/xdg" "$ioc" check
t_status 0 "check finds \$XDG_CONFIG_HOME/ioc/ioc.yaml"
t_err_has "ioc check: using $T_TMP/xdg/ioc/ioc.yaml (\$XDG_CONFIG_HOME)" "and says which config it used"
printf 'ioc: { name: x }\nfeeds: [ { id: a, url: "http://127.0.0.1:1/", kpis: [ { id: k, select: $.k } ] } ]\n' \
  >"$T_TMP/env.yaml"
t_run env IOC_CONFIG="$T_TMP/env.yaml" XDG_CONFIG_HOME="$T_TMP/xdg" "$ioc" check
t_err_has "using $T_TMP/env.yaml (\$IOC_CONFIG)" "IOC_CONFIG comes before the XDG config"
t_out_has "ok: 1 feeds" "and is the one checked"
t_run env IOC_CONFIG="$T_TMP/env.yaml" "$ioc" check -c "$IOC_SRC/config/haiduong.yaml"
t_none_has "using " "-c names the config: nothing to say about it"

# --- ioc check ---------------------------------------------------------------
t_run "$ioc" check -c "$IOC_SRC/config/haiduong.yaml"
t_status 0 "bundled province config is valid"
# The bundled province sets ioc.language: vi: the summary is Vietnamese.
t_out_has "ổn: 20 nguồn, 74 KPI, 79 quy tắc cảnh báo, 0 đích thông báo, 6 trang, 47 bảng, 0 cảnh báo" "check prints a one-line summary (in Vietnamese: language: vi)"
sed 's/^  language: vi.*/  language: en/' "$IOC_SRC/config/haiduong.yaml" >"$T_TMP/hd-en.yaml"
t_run env LANG=vi_VN.UTF-8 "$ioc" check -c "$T_TMP/hd-en.yaml"
t_status 0 "the province with language: en is valid"
t_out_has "ok: 20 feeds, 74 KPIs, 79 alert rules, 0 notify targets, 6 pages, 47 panels, 0 warning(s)" "language: en overrides LANG=vi_VN: English summary"

# --- the message language: LANG, when the config sets none ---------------------
printf 'ioc:\n  name: x\n  bogus: 1\n' >"$T_TMP/broken.yaml"
t_run env LANG=vi_VN.UTF-8 LC_ALL= LANGUAGE= "$ioc" check -c "$T_TMP/broken.yaml"
t_status 2 "a broken config under LANG=vi_VN exits 2"
t_err_has "lỗi: khóa không xác định 'bogus' trong 'ioc'" "and says why in Vietnamese"
t_err_has "2 lỗi, 0 cảnh báo" "with a Vietnamese count"
t_run env LANG=C.UTF-8 LC_ALL= LANGUAGE= "$ioc" check -c "$T_TMP/broken.yaml"
t_err_has "error: unknown key 'bogus' in 'ioc'" "and in English under LANG=C.UTF-8"

t_run env IOC_CONFIG="$IOC_SRC/config/haiduong.yaml" "$ioc" check -q
t_status 0 "IOC_CONFIG is used when -c is absent"
t_out_is "" "--quiet prints nothing on success"

t_run "$ioc" check -c "$T_TMP/nonexistent.yaml"
t_status 2 "missing config file exits 2"
t_err_has "nonexistent.yaml" "missing config file is named"

cat >"$T_TMP/bad.yaml" <<'YAML'
ioc: { name: "IOC test", timezone: Asia/Ho_Chi_Minh }
defaults: { intervall: 30s }
feeds:
  - id: dvc
    url: "https://ops:${SECRET_TOKEN}@portal.example/stats"
    headers: { Authorization: "Bearer ${SECRET_TOKEN}" }
    interval: 10s
    timeout: 10s
    kpis:
      - { id: rate, select: "$.data[", unit: "%" }
pages:
  - title: "P"
    rows: [ { panels: [ { widget: stat, kpi: dvc.rat } ] } ]
YAML
t_run env SECRET_TOKEN=s3cr3t-value-42 "$ioc" check -c "$T_TMP/bad.yaml"
t_status 2 "invalid config exits 2"
t_err_has "bad.yaml:2:13: error: unknown key 'intervall'" "unknown key reported at its line:col"
t_err_has "did you mean 'interval'" "unknown key gets a suggestion"
t_err_has "bad.yaml:8:" "timeout not shorter than interval is reported"
t_err_has "bad.yaml:10:" "invalid selector is reported at its line"
t_err_has "dvc.rate" "unknown panel KPI suggests the right key"
t_none_has "s3cr3t-value-42" "secret values never appear in output"

# Config text quoted in diagnostics: escape sequences and newlines (YAML
# escapes) must come out as visible escapes, one diagnostic per line.
cat >"$T_TMP/esc.yaml" <<'YAML'
ioc: { name: esc }
"x\e]0;pwned\a": 1
feeds:
  - id: "d\e[2Jv"
    url: "http://\e]0;title\a.example/\nx"
    format: "js\non"
    kpis: [ { id: rate, select: "$.a" } ]
  - id: ok
    url: "http://127.0.0.1:1/"
    kpis: [ { id: "r\u202Ex", select: "$.a" } ]
pages:
  - title: P
    rows: [ { panels: [ { widget: stat, kpi: "ok.r\e[31mate\nforged: line" } ] } ]
YAML
t_run "$ioc" check -c "$T_TMP/esc.yaml"
t_status 2 "a config with escape sequences in keys, ids and urls is invalid"
if grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T_TMP/err" || grep -q $'\xe2\x80\xae' "$T_TMP/err"; then
  t_bad "no raw control character reaches stderr"
else
  t_ok "no raw control character reaches stderr"
fi
t_err_has "unknown key 'x\u001b]0;pwned\u0007'" "an escaped key is shown with visible escapes"
t_err_has 'http://\u001b]0;title\u0007.example/\nx' "an escaped url is shown with visible escapes"
t_err_has 'ok.r\u001b[31mate\nforged: line' "an escaped KPI reference is shown with visible escapes"
if grep -v "^$T_TMP/esc.yaml:[0-9]*:[0-9]*: \|^$T_TMP/esc.yaml: [0-9]* error" "$T_TMP/err" | grep -q .; then
  t_bad "every diagnostic is one line (nothing forged by a newline)"
else
  t_ok "every diagnostic is one line (nothing forged by a newline)"
fi

# Writing to a full disk is a failure (exit 1), not a success.
t_run_full() { T_CMD="$* > /dev/full"; set +e; "$@" >/dev/full 2>"$T_TMP/err" </dev/null; T_RC=$?; set -e; }
t_run_full "$ioc" check -c "$IOC_SRC/config/haiduong.yaml"
t_status 1 "check exits 1 when stdout cannot be written"
t_err_has "stdout" "check says stdout failed"
t_run_full "$ioc" check -q -c "$IOC_SRC/config/haiduong.yaml"
t_status 0 "check -q writes nothing, so a full stdout does not matter"

# A FIFO (or any file that is not a regular file) is refused at once: opening
# a FIFO for reading would wait for a writer forever.
mkfifo "$T_TMP/fifo.yaml"
t_run timeout 5 "$ioc" check -c "$T_TMP/fifo.yaml"
t_status 2 "a FIFO config is refused at once (exit 2)"
t_err_has "fifo.yaml: error: not a regular file" "a FIFO config: not a regular file"

t_run timeout 5 "$ioc" check -c /dev/null
t_status 2 "a device as config is refused (exit 2)"
t_err_has "/dev/null: error: not a regular file" "a device as config: not a regular file"

# --- ioc select --------------------------------------------------------------
cat >"$T_TMP/doc.json" <<'JSON'
{"data": {"online_rate": 72.5,
          "dossiers": [{"id": 1, "status": "overdue"}, {"id": 2, "status": "done"},
                       {"id": 3, "status": "overdue"}]},
 "name": "Cổng dịch vụ công"}
JSON
t_run "$ioc" select --compact '$.data.online_rate' "$T_TMP/doc.json"
t_status 0 "select on a file exits 0"
t_out_is "[72.5]" "select prints the node list"

t_run "$ioc" select -c '$.data.dossiers[?@.status == '"'overdue'"'].id' "$T_TMP/doc.json"
t_out_is "[1,3]" "select with a filter"

t_run_in "$T_TMP/doc.json" "$ioc" select -c '$.name'
t_status 0 "select reads standard input"
t_out_is '["Cổng dịch vụ công"]' "select keeps UTF-8 text"

t_run "$ioc" select -c '$.missing' "$T_TMP/doc.json"
t_status 0 "no match is not an error"
t_out_is "[]" "no match prints an empty list"

t_run "$ioc" select '$.data[' "$T_TMP/doc.json"
t_status 2 "invalid selector exits 2"
t_err_has "invalid selector at offset 7" "invalid selector gives the position"
t_err_has "       ^" "invalid selector shows a caret"

printf '{"a": [1, 2,\n  ]}\n' >"$T_TMP/broken.json"
t_run "$ioc" select '$.a' "$T_TMP/broken.json"
t_status 2 "invalid document exits 2"
t_err_has "broken.json:2:" "invalid document gives line:col"

printf '{"s": "a\\u001b[31mred\\u009b"}' >"$T_TMP/ctl.json"
t_run "$ioc" select -c '$.s' "$T_TMP/ctl.json"
if grep -q $'\x1b' "$T_TMP/out" || grep -q $'\xc2\x9b' "$T_TMP/out"; then
  t_bad "control characters are escaped in select output"
else
  t_ok "control characters are escaped in select output"
fi

t_run "$ioc" select
t_status 2 "select without EXPR exits 2"

t_run_full "$ioc" select '$.data' "$T_TMP/doc.json"
t_status 1 "select exits 1 when stdout cannot be written"
t_err_has "stdout" "select says stdout failed"

t_run "$ioc" select '$' "$T_TMP/none.json"
t_status 1 "unreadable document exits 1"

# 900 nested objects (5 KB): nested descendant filters stop at the work budget.
awk 'BEGIN { for (i = 0; i < 900; i++) printf "{\"a\":"; printf "1";
             for (i = 0; i < 900; i++) printf "}"; print "" }' >"$T_TMP/deep.json"
t_run timeout 20 "$ioc" select '$..[?@..[?@..[?@..x]]]' "$T_TMP/deep.json"
t_status 1 "a selector over its work budget exits 1 (quickly)"
t_err_has "selector exceeded its work budget (1000000 nodes)" "select names the work budget"

t_done
