#!/usr/bin/env bash
# End-to-end test of the HTML daily report in a real browser: a realistic
# hand-built report (tests/tools/report_sample.c) is opened in headless
# Chromium, which must render it with nothing fetched: its DOM holds the
# centre, the KPIs and the met markers, and its screenshot is not blank and
# shows the charts' line colour. Chromium runs with its background traffic
# off; the page itself references nothing outside it. The Vietnamese report
# (the catalogue in $IOC_LOCALE_DIR) renders Vietnamese numbers and dd/mm/yyyy
# dates; the English one 1,800 and 2026-11-24.
set -euo pipefail
: "${IOC_REPORT_SAMPLE:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"

chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium is not installed (scripts/deps.sh --test): skipped"; exit 77; }

html=$T_TMP/report.html
t_run "$IOC_REPORT_SAMPLE" html
t_status 0 "report_sample writes an HTML report"
cp "$T_TMP/out" "$html"

# --- the page is self-contained ------------------------------------------------
if grep -qiE '<script|https?://|src=|href=|url\(|@import' "$html"; then
  t_bad "the page references nothing outside itself"
else
  t_ok "the page references nothing outside itself"
fi
[ "$(grep -o '<svg' "$html" | wc -l)" -eq 10 ] && t_ok "one chart per KPI (10)" \
  || t_bad "one chart per KPI (10)"

# chrome ARGS...: headless Chromium with no background traffic, bounded time.
chrome() {
  local profile
  profile=$(mktemp -d "$T_TMP/profile.XXXXXX")
  timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --user-data-dir="$profile" "$@"
}

# --- the DOM as the browser built it --------------------------------------------
set +e
chrome --dump-dom "file://$html" >"$T_TMP/dom.html" 2>"$T_TMP/dom.err"
rc=$?
set -e
T_CMD="chromium --dump-dom"; T_RC=$rc
cp "$T_TMP/dom.html" "$T_TMP/out"; cp "$T_TMP/dom.err" "$T_TMP/err"
t_status 0 "chromium dumps the DOM"
t_out_has "Trung tâm Giám sát, điều hành thông minh tỉnh Hải Dương" "DOM: the centre's name"
t_out_has "Tỷ lệ hồ sơ trực tuyến" "DOM: a KPI name"
t_out_has "Bụi mịn PM2.5" "DOM: another KPI name"
t_out_has "✓ met" "DOM: a met marker"
t_out_has "✗ not met" "DOM: a not-met marker"
t_out_has "camera:down" "DOM: an alert"
[ "$(grep -o '<svg' "$T_TMP/dom.html" | wc -l)" -eq 10 ] && t_ok "DOM: 10 charts" \
  || t_bad "DOM: 10 charts"

# --- the report in Vietnamese and in English, as the browser shows its text ----------
# dom_text LANG: the text of the LANG report's DOM after Chromium rendered it.
dom_text() {
  IOC_LOCALE_DIR=${IOC_LOCALE_DIR:-} "$IOC_REPORT_SAMPLE" html "$1" >"$T_TMP/report-$1.html"
  set +e
  chrome --dump-dom "file://$T_TMP/report-$1.html" >"$T_TMP/dom-$1.html" 2>"$T_TMP/err"
  rc=$?
  set -e
  T_CMD="chromium --dump-dom (report in $1)"; T_RC=$rc
  sed -e 's/<[^>]*>/ /g' "$T_TMP/dom-$1.html" >"$T_TMP/out"
}
if [ -n "${IOC_LOCALE_DIR:-}" ] && [ -f "$IOC_LOCALE_DIR/vi/LC_MESSAGES/ioc.mo" ]; then
  dom_text vi
  t_status 0 "chromium renders the Vietnamese report"
  grep -q '<html lang="vi"' "$T_TMP/dom-vi.html" && t_ok "vi: the page says lang=vi"     || t_bad "vi: the page says lang=vi"
  t_out_has "Báo cáo KPI hằng ngày" "vi: the headings are Vietnamese"
  t_out_has " 1.800 " "vi: thousands with a dot (1.800 dossiers on average)"
  t_out_has " 3.317 " "vi: the maximum 3.317"
  t_out_has " 44,1 % " "vi: a share with a decimal comma (44,1 %)"
  t_out_has " 95,51 " "vi: an average with a decimal comma (95,51)"
  t_out_has "24/11/2026" "vi: the report's day as dd/mm/yyyy"
  t_out_has "25/11/2026 06:00:00 +07:00" "vi: the time it was generated, dd/mm/yyyy"
  t_none_has "2026-11-24" "vi: no ISO date in the text"
  t_none_has " 1,800 " "vi: no English-style thousands"
  dom_text en
  t_status 0 "chromium renders the English report"
  grep -q '<html lang="en"' "$T_TMP/dom-en.html" && t_ok "en: the page says lang=en"     || t_bad "en: the page says lang=en"
  t_out_has " 1,800 " "en: thousands with a comma (1,800)"
  t_out_has " 44.1 % " "en: a share with a decimal point (44.1 %)"
  t_out_has "2026-11-24" "en: the report's day as 2026-11-24"
  t_none_has "24/11/2026" "en: no dd/mm/yyyy date"
else
  t_bad "the catalogue is built (IOC_LOCALE_DIR=${IOC_LOCALE_DIR:-unset})"
fi

# --- the picture ------------------------------------------------------------------
set +e
chrome --screenshot="$T_TMP/shot.png" --window-size=1200,2000 "file://$html" \
  >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
set -e
T_CMD="chromium --screenshot"; T_RC=$rc
t_status 0 "chromium takes a screenshot"
[ -s "$T_TMP/shot.png" ] && t_ok "the screenshot exists" || t_bad "the screenshot exists"

# Decodes the PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes it) with
# zlib only and prints: distinct colours, share of non-white pixels, pixels of
# the chart line colour #1f5fbf.
set +e
python3 - "$T_TMP/shot.png" >"$T_TMP/out" 2>"$T_TMP/err" <<'PY'
import struct, sys, zlib

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and ctype in (2, 6) and interlace == 0, "unexpected PNG kind"
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, nonwhite, line = set(), 0, 0
for y in range(h):
    f = raw[y * (stride + 1)]
    cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = cur[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: cur[i] = (cur[i] + a) & 255
        elif f == 2: cur[i] = (cur[i] + b) & 255
        elif f == 3: cur[i] = (cur[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = cur[x], cur[x + 1], cur[x + 2]
        colours.add((r, g, bl))
        if (r, g, bl) != (255, 255, 255): nonwhite += 1
        if abs(r - 0x1f) <= 6 and abs(g - 0x5f) <= 6 and abs(bl - 0xbf) <= 6: line += 1
    prev = cur
print(len(colours), round(nonwhite / (w * h), 4), line)
PY
rc=$?
set -e
T_CMD="python3 png check"; T_RC=$rc
t_status 0 "the screenshot decodes"
read -r ncolours nonwhite linepx <"$T_TMP/out" || true
[ "${ncolours:-0}" -ge 20 ] && t_ok "the screenshot is not blank ($ncolours colours)" \
  || t_bad "the screenshot is not blank (${ncolours:-?} colours)"
python3 -c "import sys; sys.exit(0 if ${nonwhite:-0} > 0.02 else 1)" \
  && t_ok "the page has content (${nonwhite} of pixels not white)" \
  || t_bad "the page has content (${nonwhite:-?} of pixels not white)"
[ "${linepx:-0}" -ge 500 ] && t_ok "the charts' line colour is drawn ($linepx pixels)" \
  || t_bad "the charts' line colour is drawn (${linepx:-?} pixels)"

t_done
