#!/usr/bin/env bash
# End-to-end tests of "ioc console" and "ioc demo": the real program in a
# private tmux server (fixed 120x40 size), driven with send-keys and read back
# with capture-pane, against our own ioc-sim. Checks the header, page switch,
# zoom, key list, history, filter, pause, resize, a hung feed, ASCII and
# NO_COLOR output, exit statuses, the restored terminal, no orphan simulator,
# the CPU an idle console uses, and the alerts: the engine's list, ack,
# silence, unsilence, the NEW CRIT badge, the bell toggle, the alert log and
# an ack restored after a restart; at 80x24: targets missed, sibling names,
# crit tiles, history and g, F-keys, the mouse, unknown keys and the
# high-contrast theme; numbers in each language's style (the demo province
# from a frozen simulator); a read-only video wall (--wall).
set -euo pipefail
: "${IOC_BIN:?}" "${IOC_SIM_BIN:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v tmux >/dev/null || { echo "tmux is not installed (scripts/deps.sh --test): skipped"; exit 77; }
ioc=$IOC_BIN
cfg=$IOC_SRC/tests/fixtures/e2e/console.yaml
export IOC_E2E_TOKEN="tok-e2e-$$-secret"
export IOC_E2E_PASS="pw-e2e-$$"
export IOC_E2E_BASIC=$(printf 'ops:%s' "$IOC_E2E_PASS" | base64)
export LANG=C.UTF-8 LC_ALL=
unset NO_COLOR TMUX

# --- the simulator and a private tmux server ------------------------------------
"$IOC_SIM_BIN" -s "$IOC_SRC/tests/fixtures/sim/e2e.yaml" --port 0 >"$T_TMP/sim.out" 2>"$T_TMP/sim.err" &
sim_pid=$!
tmx() { tmux -L "ioc-test-$$" -f "$T_TMP/tmux.conf" "$@"; }
demo_sim_pid=
cleanup() {
  tmx kill-server 2>/dev/null || true
  [ -z "$demo_sim_pid" ] || kill "$demo_sim_pid" 2>/dev/null || true
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  rm -rf "$T_TMP"
}
trap cleanup EXIT
for _ in $(seq 50); do grep -q listening "$T_TMP/sim.out" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T_TMP/sim.out")
[ -n "$port" ] || { echo "simulator did not start"; cat "$T_TMP/sim.err"; exit 1; }
export IOC_SIM_URL="http://127.0.0.1:$port"
sim_fault() { curl -sf -X POST "$IOC_SIM_URL/_sim/fault?path=$1&$2" >/dev/null; }
sim_clear() { curl -sf -X DELETE "$IOC_SIM_URL/_sim/fault" >/dev/null; }

cat >"$T_TMP/tmux.conf" <<'EOF'
set -g default-terminal tmux-256color
set -g status off
set -g escape-time 10
EOF
# run.sh PIDFILE STATUSFILE CMD...: runs CMD, writing the shell's pid first and
# CMD's exit status at the end (not left to tmux: its server sometimes misses
# the SIGCHLD of a pane's program under load, leaving #{pane_dead_status}
# empty), then keeps the pane alive so that the terminal state CMD left
# behind can be read (a dead pane gets tmux's own message and no cursor).
printf '#!/bin/sh\necho $$ >"$1"\nst=$2\nshift 2\n"$@"\necho $? >"$st"\nexec sleep 300\n' \
  >"$T_TMP/run.sh"

# start NAME CMD...: runs CMD in a new 120x40 session NAME (COLS and ROWS
# in the environment change the size).
start() {
  local name=$1; shift
  tmx new-session -d -s "$name" -x "${COLS:-120}" -y "${ROWS:-40}" sh "$T_TMP/run.sh" \
    "$T_TMP/$name.sh" "$T_TMP/$name.status" "$@"
  local sh_pid=
  for _ in $(seq 100); do
    [ -z "$sh_pid" ] && sh_pid=$(cat "$T_TMP/$name.sh" 2>/dev/null || true)
    [ -n "$sh_pid" ] && pgrep -P "$sh_pid" >"$T_TMP/$name.pid" && break
    sleep 0.1
  done
}
# pid_of NAME: the pid of the program of session NAME.
pid_of() { head -1 "$T_TMP/$1.pid"; }
screen() { tmx capture-pane -p -t "$1"; }
screen_e() { tmx capture-pane -p -e -t "$1"; }
keys() { local name=$1; shift; tmx send-keys -t "$name" "$@"; }
pane() { tmx display-message -p -t "$1" "$2"; }

# wait_for NAME TEXT [SECONDS]: waits (0.1 s steps) until the screen shows TEXT.
wait_for() {
  local n=$(( ${3:-10} * 10 ))
  for _ in $(seq "$n"); do screen "$1" | grep -qF -- "$2" && return 0; sleep 0.1; done
  return 1
}
# wait_gone NAME TEXT [SECONDS]: waits until the screen no longer shows TEXT.
wait_gone() {
  local n=$(( ${3:-10} * 10 ))
  for _ in $(seq "$n"); do screen "$1" | grep -qF -- "$2" || return 0; sleep 0.1; done
  return 1
}
# wait_re NAME REGEX [SECONDS]: waits until the screen matches the extended REGEX.
wait_re() {
  local n=$(( ${3:-10} * 10 ))
  for _ in $(seq "$n"); do screen "$1" | grep -Eq -- "$2" && return 0; sleep 0.1; done
  return 1
}
# wait_dead NAME: waits until the program of session NAME has exited.
wait_dead() {
  for _ in $(seq 100); do [ -s "$T_TMP/$1.status" ] && return 0; sleep 0.1; done
  return 1
}
# wait_fmt NAME FORMAT VALUE: waits until the tmux format (e.g. #{alternate_on})
# of the pane is VALUE (tmux reads the program's last output asynchronously).
wait_fmt() {
  for _ in $(seq 50); do [ "$(pane "$1" "$2")" = "$3" ] && return 0; sleep 0.1; done
  return 1
}
# status_of NAME: the exit status of the program of session NAME.
status_of() { cat "$T_TMP/$1.status" 2>/dev/null; }
# check DESC CMD...: passes when CMD succeeds; shows the screen otherwise.
T_SCREEN=
check() {
  local desc=$1; shift
  T_CMD="$*"; T_RC=0
  if "$@"; then t_ok "$desc"; else
    T_RC=$?; t_bad "$desc"
    [ -n "$T_SCREEN" ] && screen "$T_SCREEN" | sed 's/^/       screen: /' | head -45
  fi
}
# line NAME N: line N (1-based) of the screen.
line() { screen "$1" | sed -n "${2}p"; }

# --- not a terminal, usage -------------------------------------------------------
t_run "$ioc" console -c "$cfg"
t_status 1 "console without a terminal exits 1"
t_err_has "ioc console needs a terminal (stdout is not a tty)" "and says why"
t_run "$ioc" demo
t_status 1 "demo without a terminal exits 1"
t_run env -u IOC_CONFIG "$ioc" console
t_status 2 "console without a config is a usage error"
t_run "$ioc" console -c "$cfg" extra
t_status 2 "an extra argument is a usage error"
t_run "$ioc" demo -c "$cfg"
t_status 2 "demo takes no config"

# --- the screen ---------------------------------------------------------------------
: >"$T_TMP/out"; : >"$T_TMP/err"
S=main; T_SCREEN=$S
start $S "$ioc" console -c "$cfg"
check "header shows the centre name" wait_for $S "IOC e2e Hải Dương"
check "header shows 20/20 feeds up" wait_for $S "feeds 20/20"
check "header shows a clock" bash -c "tmux -L ioc-test-$$ capture-pane -p -t $S | head -1 | grep -Eq '[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'"
check "values appear (f05.rate 55.5)" wait_for $S "55.5"
check "header counts critical and warning issues" wait_re $S "✗ [1-9][0-9]* crit  ! [1-9][0-9]* warn"
check "page 1 tab is highlighted" wait_for $S "[1 Tổng quan]"
check "a table row is shown" wait_for $S "Tỷ lệ 10"
check "the footer lists keys" wait_for $S "q quit"
c1=$(screen $S | head -1 | grep -Eo '[0-9]{2}:[0-9]{2}:[0-9]{2}' | tail -1)
sleep 1.2
c2=$(screen $S | head -1 | grep -Eo '[0-9]{2}:[0-9]{2}:[0-9]{2}' | tail -1)
check "the clock ticks ($c1 -> $c2)" test "$c1" != "$c2"

keys $S 2
check "2 switches to page 2" wait_for $S "[2 Hạ tầng]"
check "page 2 panels are shown (text panel)" wait_for $S "Trực ban: gọi 113"
check "page 2 panels are shown (feed list)" wait_for $S "Hợp phần 17"
check "page 1's table is gone" wait_gone $S "Tỷ lệ 10"
check "the shown tab is in reverse video" bash -c \
  "tmux -L ioc-test-$$ capture-pane -p -e -t $S | sed -n 2p | grep -q $'\e\\[[0-9;]*7m\\[2 '"
keys $S NPage
check "PgDn wraps to page 1" wait_for $S "[1 Tổng quan]"
keys $S 1

# Focus and zoom: focus the table (down from the first stat), zoom, back.
keys $S j
sleep 0.3
keys $S Enter
check "Enter zooms the focused panel (other panels hidden)" wait_gone $S "Tỷ lệ 05"
check "the zoomed panel is the table" wait_for $S "Tỷ lệ 10"
check "zoom shows a longer window" wait_for $S "window 6h"
keys $S Escape
check "Esc returns to the grid" wait_for $S "Tỷ lệ 05"
check "the window is 1h again" wait_for $S "window 1h"

# The time window.
keys $S ']'
check "] makes the window longer" wait_for $S "window 6h"
keys $S '[' '['
check "[ makes it shorter" wait_for $S "window 15m"
keys $S ']'

# The key list.
keys $S '?'
check "? shows the key list" wait_for $S "filter KPIs by name"
keys $S Escape
check "Esc closes it" wait_gone $S "filter KPIs by name"

# History.
keys $S t
check "t enters history mode" wait_for $S "HISTORY"
keys $S ,
check ", moves the cursor back a minute" wait_re $S "HISTORY [0-2][0-9]:[0-5][0-9] \(−1m\)"
keys $S '<'
check "< moves it back an hour" wait_re $S "HISTORY [0-2][0-9]:[0-5][0-9] \(−1h01m\)"
check "the history banner is in reverse video" bash -c \
  "tmux -L ioc-test-$$ capture-pane -p -e -t $S | head -1 | grep -q $'\e\\[[0-9;]*7m HISTORY'"
keys $S '>' '>'
check "> never goes past now" wait_for $S "(−0m)"
keys $S Escape
check "Esc returns to live" wait_gone $S "HISTORY"

# Filter.
keys $S / w q i
check "/ opens the filter prompt" wait_for $S "/wqi"
keys $S Enter
check "the filter hides non-matching table rows" wait_gone $S "Tỷ lệ 10"
check "matching rows stay" wait_for $S "wqi"
check "the footer shows the filter" wait_for $S "filter: wqi"
keys $S / Escape
check "Esc in the prompt clears the filter" wait_for $S "Tỷ lệ 10"

# Pause.
keys $S p
check "p shows PAUSED" wait_for $S "PAUSED"
keys $S p
check "p again resumes" wait_gone $S "PAUSED"

# Resize below the minimum and back.
tmx resize-window -t $S -x 60 -y 20
check "a small terminal says so" wait_for $S "terminal too small (need 80×24, have 60×20)"
tmx resize-window -t $S -x 120 -y 40
check "enlarging recovers" wait_for $S "IOC e2e Hải Dương"
check "and the panels are back" wait_for $S "Tỷ lệ 10"
check "no trace of the message" wait_gone $S "terminal too small"

# A hung feed: keys keep working at once; the feed turns down after its timeout.
sim_fault /f01 "mode=hang"
sleep 6 # a poll of f01 is now hanging (interval 5 s, timeout 2 s)
t0=$(date +%s%N)
keys $S 2
if wait_for $S "[2 Hạ tầng]" 1; then
  t_ok "keys answer while a feed hangs ($(( ($(date +%s%N) - t0) / 1000000 )) ms)"
else t_bad "keys answer while a feed hangs"; fi
check "the hung feed is shown down" wait_for $S "timeout after 2s" 15
check "the header counts it" wait_for $S "feeds 19/20"
sim_clear
check "the feed recovers" wait_for $S "feeds 20/20" 15

# Idle CPU: no key, no change but the clock and the polls.
pid=$(pid_of $S)
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
a=$(cpu "$pid"); sleep 10; b=$(cpu "$pid")
pct=$(awk -v t=$(( b - a )) -v hz="$tck" 'BEGIN { printf "%.2f", t / hz / 10 * 100 }')
echo "idle console CPU: $(( b - a )) ticks in 10 s = ${pct}% of one core"
if awk -v p="$pct" 'BEGIN { exit !(p < 5) }'; then t_ok "idle CPU under 5% (${pct}%)"
else t_bad "idle CPU under 5% (${pct}%)"; fi

# Colours are used by default.
check "colours are used without NO_COLOR" bash -c \
  "tmux -L ioc-test-$$ capture-pane -p -e -t $S | grep -Eq $'\e\\[([0-9;]*;)?(3[0-7]|38;5;[0-9]+)m'"

# Quit.
keys $S q
check "q exits" wait_dead $S
st=$(status_of $S)
check "exit status 0 (got $st)" test "$st" = 0
check "the terminal is restored (alternate screen left)" wait_fmt $S '#{alternate_on}' 0
check "the cursor is visible again" wait_fmt $S '#{cursor_flag}' 1
check "no ioc process is left" bash -c "! kill -0 $(pid_of $S) 2>/dev/null"
tmx kill-session -t $S

# --- LANG=C: ASCII only; NO_COLOR: no colour -----------------------------------------
S=ascii; T_SCREEN=$S
start $S env LANG=C LC_ALL=C NO_COLOR=1 "$ioc" console -c "$cfg"
check "LANG=C: the centre name without marks" wait_for $S "IOC e2e Hai Duong"
check "LANG=C: values appear" wait_for $S "55.5"
keys $S 2
check "LANG=C: page 2" wait_for $S "[2 Ha tang]"
sleep 0.5
if tmx capture-pane -p -t $S | LC_ALL=C grep -q $'[\x80-\xff]'; then
  t_bad "LANG=C: the screen has only ASCII characters"
  tmx capture-pane -p -t $S | LC_ALL=C grep -n $'[\x80-\xff]' | head -5
else t_ok "LANG=C: the screen has only ASCII characters"; fi
keys $S t ,
check "LANG=C: ASCII history banner" wait_re $S "HISTORY [0-2][0-9]:[0-5][0-9] \(-1m\)"
if tmx capture-pane -p -e -t $S | grep -Eq $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m'; then
  t_bad "NO_COLOR: no colour codes on the screen"
else t_ok "NO_COLOR: no colour codes on the screen"; fi
check "NO_COLOR: status still shown by attributes (reverse/bold)" bash -c \
  "tmux -L ioc-test-$$ capture-pane -p -e -t $S | grep -q $'\e\\[[0-9;]*[17]m'"
tmx resize-window -t $S -x 70 -y 20
check "LANG=C: ASCII size message" wait_for $S "terminal too small (need 80x24, have 70x20)"
pid=$(pid_of $S)
kill -TERM "$pid"
check "SIGTERM ends the console" wait_dead $S
st=$(status_of $S)
check "SIGTERM: exit status 143 (got $st)" test "$st" = 143
check "SIGTERM: the terminal is restored" wait_fmt $S '#{alternate_on}' 0
check "SIGTERM: the cursor is visible again" wait_fmt $S '#{cursor_flag}' 1
tmx kill-session -t $S

# --- 80x24: targets, sibling names, crit tiles, history and g, F-keys, mouse -----------
scfg=$T_TMP/small.yaml
cat >"$scfg" <<EOF
ioc: { name: "IOC e2e 80x24", timezone: Asia/Ho_Chi_Minh }
defaults: { interval: 2s, timeout: 1500ms }
feeds:
  - { id: f01, url: "\${IOC_SIM_URL}/f01", kpis: [{ id: rate, name: "Xử lý trên mạng (tỉnh)", select: "\$.data.rate", unit: "%", target: 50 }] }
  - { id: f02, url: "\${IOC_SIM_URL}/f02", kpis: [{ id: rate, name: "Xử lý trên mạng (huyện)", select: "\$.data.rate", unit: "%", target: 80 }] }
  - { id: f03, url: "\${IOC_SIM_URL}/f03", kpis: [{ id: rate, name: "Xử lý trên mạng (xã)", select: "\$.data.rate", unit: "%", target: 50 }] }
  - { id: f04, url: "\${IOC_SIM_URL}/f04", kpis: [{ id: rate, name: "Hồ sơ giải quyết đúng hạn trong tháng", short: "Đúng hạn", select: "\$.data.rate", unit: "%", target: 90, warn: "< 40" }] }
  - { id: f05, url: "\${IOC_SIM_URL}/f05", kpis: [{ id: rate, name: "Tỷ lệ 05", select: "\$.data.rate", unit: "%", crit: "< 60" }] }
pages:
  - title: "Tổng quan"
    rows:
      - height: 1
        panels: [{ widget: stat, kpi: f04.rate }, { widget: stat, kpi: f05.rate }, { widget: stat, kpi: f01.rate }]
      - height: 2
        panels:
          - { widget: bars, kpis: [f01.rate, f02.rate, f03.rate], title: "Xử lý" }
          - { widget: alerts, width: 2 }
  - title: "Phụ"
    rows: [{ panels: [{ widget: text, text: "trang phụ" }] }]
EOF
S=small; T_SCREEN=$S
COLS=80 ROWS=24 start $S "$ioc" console -c "$scfg"
check "80x24: values appear" wait_for $S "55.5"
check "80x24: sibling names keep their distinct tails (tỉnh)" wait_for $S "…(tỉnh)"
check "80x24: ... (huyện)" wait_for $S "…(huyện)"
check "80x24: ... (xã)" wait_for $S "…(xã)"
check "80x24: a long KPI name gives way to its short: name" wait_for $S "┌ Đúng hạn "
check "80x24: below target shown with a symbol and words" wait_for $S "▼ below target 90"
check "80x24: the stat marks the miss next to the value" wait_for $S "% ▼  │"
check "80x24: a met target is not marked" bash -c \
  "tmux -L ioc-test-$$ capture-pane -p -t $S | grep -F '…(tỉnh)' | grep -vq '▼'"
check "80x24: the bars mark the one below target" bash -c \
  "tmux -L ioc-test-$$ capture-pane -p -t $S | grep -F '…(huyện)' | grep -q '52.5 % ▼'"
check "80x24: a crit tile has a crit (red) border and title" bash -c "for _ in \$(seq 50); do \
  tmux -L ioc-test-$$ capture-pane -p -e -t $S | sed -n 3p | \
  grep -Eq $'\e\\[[0-9;]*31m(\e\\[[0-9;]*m)*┌' && exit 0; sleep 0.1; done; exit 1"
check "80x24: the alert row keeps state and value" wait_re $S "✗ crit firing .*55\.5"
keys $S 7
check "80x24: a key without a page says so" wait_for $S "key 7: no page 7"
keys $S Z
check "80x24: an unknown key says so" wait_for $S "unknown key Z"
keys $S F1
check "F1 shows the key list" wait_for $S "filter KPIs by name"
keys $S F1
check "F1 again closes it" wait_gone $S "filter KPIs by name"
keys $S F3
check "F3 opens the filter prompt" wait_for $S "Enter apply  Esc clear"
keys $S Escape
check "Esc closes it" wait_gone $S "Enter apply"
# Mouse (xterm X10 reports, as tmux passes them on): press and release at
# column x, row y (0-based).
click() {
  local b
  for b in 0 3; do
    tmx send-keys -t "$1" -l "$(printf '\e[M%b%b%b' "\\x$(printf %x $((32 + b)))" \
      "\\x$(printf %x $((33 + $2)))" "\\x$(printf %x $((33 + $3)))")"
  done
}
tabs=$(line $S 2); pre=${tabs%%2 Phụ*}
click $S $(( ${#pre} + 1 )) 1
check "mouse: a click on a tab opens its page" wait_for $S "[2 Phụ]"
check "mouse: page 2 is shown" wait_for $S "trang phụ"
keys $S 1
wait_for $S "[1 Tổng quan]" >/dev/null || true
click $S 60 15
check "mouse: a click on a panel focuses it (the alert keys)" wait_for $S "a ack  s silence"
# History: t shows the banner with the time; g jumps to a typed time.
keys $S t
check "history: the banner shows the time" wait_re $S "HISTORY [0-2][0-9]:[0-5][0-9] \(−0m\)"
keys $S g
check "g asks for a time" wait_for $S "go to time (HH:MM or YYYY-MM-DD HH:MM):"
keys $S -l "25:99"
keys $S Enter
check "g refuses what is not a time" wait_for $S "expected HH:MM, YYYY-MM-DD"
keys $S C-u
at=$(TZ=Asia/Ho_Chi_Minh date -d '-2 min' +%H:%M)
keys $S -l "$at"
keys $S Enter
check "g shows the typed time ($at) in the banner" wait_for $S "HISTORY $at (−"
check "history: every panel shows the time" bash -c \
  "[ \$(tmux -L ioc-test-$$ capture-pane -p -t $S | grep -o ' $at ' | wc -l) -ge 6 ]"
check "history: the alert list is the one of that time" wait_re $S "Alerts .*$at"
keys $S g
at2=$(TZ=Asia/Ho_Chi_Minh date -d '-3 min' +%H:%M)
keys $S -l "$(TZ=Asia/Ho_Chi_Minh date -d '-3 min' '+%d/%m/%Y %H:%M')"
keys $S Enter
check "g takes a day-first date (DD/MM/YYYY $at2)" wait_for $S "HISTORY $at2 (−"
keys $S Escape
check "Esc returns to live" wait_gone $S "HISTORY"
keys $S F10
check "F10 quits" wait_dead $S
st=$(status_of $S)
check "F10: exit status 0 (got $st)" test "$st" = 0
tmx kill-session -t $S

# The high-contrast theme (ioc.theme): statuses on coloured backgrounds.
sed 's#timezone: Asia/Ho_Chi_Minh }#timezone: Asia/Ho_Chi_Minh, theme: high-contrast }#' "$scfg" \
  >"$T_TMP/hc.yaml"
S=hc; T_SCREEN=$S
COLS=80 ROWS=24 start $S "$ioc" console -c "$T_TMP/hc.yaml"
check "theme: the console starts" wait_for $S "55.5"
check "theme: high-contrast puts statuses on a background colour" bash -c \
  "tmux -L ioc-test-$$ capture-pane -p -e -t $S | grep -Eq $'\e\\\\[([0-9;]*;)?4[1-3](;[0-9;]*)?m'"
keys $S q
check "theme: q exits" wait_dead $S
tmx kill-session -t $S

# --- alerts: the engine's list, ack, silence, unsilence, NEW CRIT, the alert log ----
# f01.rate is below its crit threshold from the first poll; the feed rule on
# f05 fires when a fault is set on the simulator.
acfg=$T_TMP/alerts.yaml
alog=$T_TMP/alerts.jsonl
cat >"$acfg" <<EOF
ioc: { name: "IOC e2e alerts", timezone: Asia/Ho_Chi_Minh, alert_log: "$alog" }
defaults: { interval: 1s, timeout: 500ms }
feeds:
  - id: f01
    name: "Hợp phần 01"
    url: "\${IOC_SIM_URL}/f01"
    kpis:
      - { id: rate, name: "Tỷ lệ 01", select: "\$.data.rate", unit: "%", crit: "< 52" }
  - id: f05
    name: "Hợp phần 05"
    url: "\${IOC_SIM_URL}/f05"
    kpis:
      - { id: rate, name: "Tỷ lệ 05", select: "\$.data.rate", unit: "%" }
rules:
  - { id: f05_down, feed: f05, down: 1, severity: critical, summary: "{{feed}} mất kết nối" }
pages:
  - title: "Cảnh báo"
    rows:
      - height: 1
        panels:
          - { widget: stat, kpi: f05.rate }
      - height: 3
        panels:
          - { widget: alerts }
EOF
# log_has TEXT...: some line of the alert log contains every TEXT.
log_has() {
  local f=$alog
  for _ in $(seq 30); do
    local lines; lines=$(cat "$f" 2>/dev/null || true)
    local t; for t in "$@"; do lines=$(printf '%s\n' "$lines" | grep -F -- "$t" || true); done
    [ -n "$lines" ] && return 0
    sleep 0.1
  done
  return 1
}
S=alerts; T_SCREEN=$S
start $S env IOC_OPERATOR=tester "$ioc" console -c "$acfg"
check "alerts: the firing critical is listed" wait_re $S "✗ crit firing +Tỷ lệ 01 51.5% \(crit < 52\)"
check "alerts: the header counts it" wait_for $S "✗ 1 crit  ! 0 warn"
check "alerts: a new critical shows the NEW CRIT badge" wait_for $S "✗ 1 NEW CRIT"
check "alerts: the badge is in reverse video" bash -c \
  "tmux -L ioc-test-$$ capture-pane -p -e -t $S | head -1 | grep -Eq $'\e\\[[0-9;]*7m(\e\\[[0-9;]*m)* ✗ 1 NEW CRIT'"
check "alerts: the log has the transition to firing" log_has '"event":"transition"' \
  '"rule":"f01.rate:crit"' '"to":"firing"'
keys $S a
check "alerts: a without a focused alerts panel focuses it" wait_for $S "alerts panel focused"
check "alerts: the footer shows the alert keys" wait_for $S "a ack  s silence  u unsilence"
keys $S a
check "alerts: a asks for a comment" wait_for $S "acknowledge f01.rate:crit; comment (optional):"
keys $S Escape
check "alerts: Esc cancels the prompt" wait_gone $S "comment (optional)"
check "alerts: nothing was acknowledged" bash -c "! grep -q '\"event\":\"ack\"' '$alog'"
keys $S a
wait_for $S "comment (optional)" >/dev/null || true
keys $S -l "gọi trạm 01"
check "alerts: the comment is typed in the prompt" wait_for $S "comment (optional): gọi trạm 01"
keys $S Enter
check "alerts: the row shows who acknowledged it" wait_for $S "✓ acked by tester"
check "alerts: the acknowledged alert stays listed" wait_for $S "Tỷ lệ 01 51.5%"
check "alerts: the NEW CRIT badge is gone once acknowledged" wait_gone $S "NEW CRIT"
check "alerts: the log has the ack with operator and comment" log_has '"event":"ack"' \
  '"rule":"f01.rate:crit"' '"operator":"tester"' '"comment":"gọi trạm 01"'
keys $S s
check "alerts: s asks for a duration" wait_for $S "silence f01.rate:crit for (default 1h):"
keys $S -l "soon"
keys $S Enter
check "alerts: a bad duration is refused" wait_for $S "expected a duration such as 15m, 2h or 1d"
keys $S BSpace BSpace BSpace BSpace
keys $S -l "30m"
keys $S Enter
check "alerts: the row shows the silence's end" wait_re $S "silenced until ([0-9-]+ )?[0-2][0-9]:[0-5][0-9]"
check "alerts: the header leaves the silenced alert out of its count" wait_for $S "✗ 0 crit  ! 0 warn  (1 silenced)"
check "alerts: the log has the silence" log_has '"event":"silence"' '"target":"f01.rate:crit"' \
  '"operator":"tester"'
keys $S u
check "alerts: u removes the silence" wait_gone $S "silenced until"
check "alerts: the header counts it again" wait_for $S "✗ 1 crit  ! 0 warn  "
check "alerts: the log has the unsilence" log_has '"event":"unsilence"' '"operator":"tester"'
keys $S b
check "alerts: b turns the bell on (BELL in the header)" wait_re $S "^ IOC e2e alerts BELL"
# A new critical: f05 stops answering.
sim_fault /f05 "mode=http&code=503"
check "alerts: a new critical alert appears" wait_for $S "Hợp phần 05 mất kết nối" 10
check "alerts: the badge counts the new critical" wait_for $S "✗ 1 NEW CRIT"
check "alerts: the header counts both" wait_for $S "✗ 2 crit"
# Select it (the second row: zoom, down) and acknowledge it without a comment.
keys $S Enter
sleep 0.3
keys $S Down a
check "alerts: the prompt names the selected alert" wait_for $S "acknowledge f05_down;"
keys $S Enter
check "alerts: the new critical is acknowledged" wait_gone $S "NEW CRIT"
check "alerts: the log has its ack, without a comment" bash -c \
  "grep -F '\"event\":\"ack\"' '$alog' | grep -F '\"rule\":\"f05_down\"' | grep -vq '\"comment\"'"
sim_clear
check "alerts: the feed recovers and the alert resolves" wait_re $S "✗ crit resolved +Hợp phần 05" 10
keys $S q
check "alerts: q exits" wait_dead $S
tmx kill-session -t $S

# A restart: f01.rate:crit still fires (the same episode), so its ack comes
# back from the archive (the default one under $XDG_STATE_HOME), by the same
# operator; the ack is not logged again.
S=restart; T_SCREEN=$S
start $S env IOC_OPERATOR=other "$ioc" console -c "$acfg"
check "restart: the ack is restored on the still firing alert" wait_for $S "✓ acked by tester"
check "restart: no NEW CRIT badge for the acked alert" wait_gone $S "NEW CRIT"
check "restart: the ack is not logged again" \
  test "$(grep -cF '"event":"ack"' "$alog")" = 2
keys $S q
check "restart: q exits" wait_dead $S
tmx kill-session -t $S

# An alert log that cannot be written: the header says so.
sed "s#alert_log: \"$alog\"#alert_log: /dev/full#" "$acfg" >"$T_TMP/full.yaml"
S=logerr; T_SCREEN=$S
start $S "$ioc" console -c "$T_TMP/full.yaml"
check "alert log errors are shown in the header" wait_for $S "cannot write the alert log"
keys $S q
check "logerr: q exits" wait_dead $S
tmx kill-session -t $S

# --- ioc demo: its own simulator, stopped on exit -------------------------------------
S=demo; T_SCREEN=$S
# The bundled province sets ioc.language: vi, so the demo speaks Vietnamese.
start $S env -u IOC_SIM_URL LANG=vi_VN.UTF-8 "$ioc" demo
check "demo: the bundled province" wait_for $S "IOC Hải Dương" 15
check "demo: feeds come up (Vietnamese header)" wait_for $S "nguồn 20/20" 15
check "demo: the header says DEMO, simulated data" wait_for $S "DEMO — dữ liệu mô phỏng"
check "demo: the footer hints are Vietnamese" wait_for $S "q thoát"
keys $S '?'
check "demo: the help is Vietnamese" wait_for $S "lọc KPI theo tên; Enter áp dụng, Esc xóa"
keys $S Escape
check "demo: Esc closes the help" wait_gone $S "lọc KPI theo tên"
keys $S 3
check "demo: page 3 has the weather table" wait_for $S "Lượng mưa 24 giờ"
keys $S / n h i e t Enter
check "demo: /nhiet (no marks) finds Nhiệt độ" wait_for $S "Nhiệt độ"
check "demo: and hides the rows it does not match" wait_gone $S "Lượng mưa 24 giờ"
keys $S / Escape
pid=$(pid_of $S)
sim_child=$(pgrep -P "$pid" || true)
check "demo: the simulator runs as a child of ioc ($sim_child)" test -n "$sim_child"
keys $S 2
check "demo: page 2" wait_for $S "[2 "
keys $S q
check "demo: q exits" wait_dead $S
st=$(status_of $S)
check "demo: exit status 0 (got $st)" test "$st" = 0
gone=1
for _ in $(seq 30); do kill -0 "$sim_child" 2>/dev/null || { gone=0; break; }; sleep 0.1; done
check "demo: no simulator left running" test "$gone" = 0
tmx kill-session -t $S

S=demo2; T_SCREEN=$S
start $S env -u IOC_SIM_URL "$ioc" demo
check "demo (2): starts" wait_for $S "IOC Hải Dương" 15
pid=$(pid_of $S)
sim_child=$(pgrep -P "$pid" || true)
kill -INT "$pid"
check "demo: Ctrl-C (SIGINT) ends it" wait_dead $S
st=$(status_of $S)
check "demo: SIGINT exit status 130 (got $st)" test "$st" = 130
gone=1
for _ in $(seq 30); do kill -0 "$sim_child" 2>/dev/null || { gone=0; break; }; sleep 0.1; done
check "demo: SIGINT leaves no simulator" test -n "$sim_child" -a "$gone" = 0
tmx kill-session -t $S

S=demo3; T_SCREEN=$S
start $S env -u IOC_SIM_URL "$ioc" demo
check "demo (3): starts" wait_for $S "IOC Hải Dương" 15
pid=$(pid_of $S)
sim_child=$(pgrep -P "$pid" || true)
kill -HUP "$pid"
check "demo: SIGHUP ends it" wait_dead $S
st=$(status_of $S)
check "demo: SIGHUP exit status 129 (got $st)" test "$st" = 129
check "demo: SIGHUP restores the terminal" wait_fmt $S '#{alternate_on}' 0
gone=1
for _ in $(seq 30); do kill -0 "$sim_child" 2>/dev/null || { gone=0; break; }; sleep 0.1; done
check "demo: SIGHUP leaves no simulator" test -n "$sim_child" -a "$gone" = 0
tmx kill-session -t $S

# --- numbers in the UI language: the demo province, its simulator frozen at 10:00 --------
# 487680 visitors (page 1) and 63.3 % online in the communes (page 2): 487.680 and
# 63,3 % in Vietnamese, 487,680 and 63.3 % in English, in the tiles, the bars, the
# alert rows and the history banner's panels alike.
"$IOC_SIM_BIN" -s "$IOC_SRC/config/haiduong-sim.yaml" --port 0 --time-scale 0 \
  --start 2026-03-26T10:00:00+07:00 >"$T_TMP/demo-sim.out" 2>"$T_TMP/demo-sim.err" &
demo_sim_pid=$!
for _ in $(seq 50); do grep -q listening "$T_TMP/demo-sim.out" && break; sleep 0.1; done
demo_url="http://127.0.0.1:$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T_TMP/demo-sim.out")"
province=$IOC_SRC/config/haiduong.yaml
sed 's/^  language: vi.*/  language: en/' "$province" >"$T_TMP/haiduong-en.yaml"
S=numvi; T_SCREEN=$S
start $S env IOC_SIM_URL="$demo_url" LANG=vi_VN.UTF-8 "$ioc" console -c "$province"
check "vi: a thousands value with a dot (487.680 lượt)" wait_for $S "487.680 lượt" 15
check "vi: a target with a decimal comma" wait_for $S "mục tiêu 98,0"
check "vi: an alert row's summary in the same style" wait_for $S "63,3% (chú ý < 65,0)"
keys $S 2
check "vi: a percentage with a decimal comma (63,3 %)" wait_for $S "63,3 %"
keys $S 1 t
check "vi: history keeps the style" wait_for $S "487.680 lượt"
check "vi: the history banner" wait_re $S "LỊCH SỬ [0-2][0-9]:[0-5][0-9]"
if screen $S | grep -qE '[0-9],[0-9]{3}( |$)'; then
  t_bad "vi: no English-style thousands on the screen"
else t_ok "vi: no English-style thousands on the screen"; fi
keys $S q
check "vi: q exits" wait_dead $S
tmx kill-session -t $S
S=numen; T_SCREEN=$S
start $S env IOC_SIM_URL="$demo_url" LANG=vi_VN.UTF-8 "$ioc" console -c "$T_TMP/haiduong-en.yaml"
check "en: a thousands value with a comma (487,680)" wait_for $S "487,680 lượt" 15
check "en: a target with a decimal point" wait_for $S "target 98.0"
check "en: name_en on the tile" wait_for $S "Visitors this month"
check "en: an alert row's summary in the same style" wait_re $S "63\.3% \(warn < 65\.0\)"
keys $S 2
check "en: a percentage with a decimal point (63.3 %)" wait_for $S "63.3 %"
if screen $S | grep -qE '[0-9]\.[0-9]{3} '; then
  t_bad "en: no Vietnamese-style thousands on the screen"
else t_ok "en: no Vietnamese-style thousands on the screen"; fi
keys $S q
check "en: q exits" wait_dead $S
tmx kill-session -t $S
kill "$demo_sim_pid" 2>/dev/null || true

# --- language: vi|en in the config overrides LANG ---------------------------------------
S=lang; T_SCREEN=$S
sed 's/^ioc: {\(.*\) }$/ioc: {\1, language: en }/' "$cfg" >"$T_TMP/lang-en.yaml"
start $S env LANG=vi_VN.UTF-8 "$ioc" console -c "$T_TMP/lang-en.yaml"
check "language: en under LANG=vi_VN: English header" wait_for $S "feeds 20/20"
check "language: en under LANG=vi_VN: English footer" wait_for $S "q quit"
keys $S q
check "language: en: q exits" wait_dead $S
tmx kill-session -t $S
S=langvi; T_SCREEN=$S
start $S env LANG=vi_VN.UTF-8 "$ioc" console -c "$cfg"
check "no language, LANG=vi_VN: Vietnamese header" wait_for $S "nguồn 20/20"
keys $S q
check "no language, LANG=vi_VN: q exits" wait_dead $S
tmx kill-session -t $S

# --- a video wall: read-only, the pages turn, only q quits -------------------------------
S=wall; T_SCREEN=$S
sed 's/^ioc: {\(.*\) }$/ioc: {\1, rotate: 1s }/' "$cfg" >"$T_TMP/wall.yaml"
start $S "$ioc" console --wall -c "$T_TMP/wall.yaml"
check "wall: the footer says read-only" wait_for $S "wall display, read-only"
check "wall: the header shows the rotation" wait_for $S "rotate 1s"
check "wall: the pages turn by themselves (page 2)" wait_for $S "[2 Hạ tầng]" 5
check "wall: and back to page 1" wait_for $S "[1 Tổng quan]" 5
keys $S /
check "wall: / opens no filter prompt, a note says why" wait_for $S "read-only wall display: q quits"
check "wall: no prompt is open" bash -c "! tmux -L ioc-test-$$ capture-pane -p -t $S | grep -q 'Enter apply'"
keys $S a
check "wall: a opens no acknowledge prompt" bash -c "sleep 0.3; ! tmux -L ioc-test-$$ capture-pane -p -t $S | grep -q 'comment (optional)'"
keys $S q
check "wall: q exits" wait_dead $S
st=$(status_of $S)
check "wall: exit status 0 (got $st)" test "$st" = 0
tmx kill-session -t $S

t_done
