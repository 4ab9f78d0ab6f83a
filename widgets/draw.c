/* draw.c - the curses side of the widgets' drawing (see draw.h): colours
 * and styles, the panel frame, clipped text, bars, sparklines, list keys.
 * Formatting is in base/fmt.c and core/kpitext.c, cleaning in base/text.c. */
#include "widgets/draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/text.h"
#include "base/timefmt.h"

#define LINE_MAX_BYTES 4096 /* a row of blocks or text built before drawing */
#define ROW_COLS_MAX   1000 /* widest bar or sparkline drawn (columns) */

static const char *const blocks_up[8] = {"\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83",
                                         "\xE2\x96\x84", "\xE2\x96\x85", "\xE2\x96\x86",
                                         "\xE2\x96\x87", "\xE2\x96\x88"}; /* ▁▂▃▄▅▆▇█ */
static const char *const blocks_left[7] = {"\xE2\x96\x8F", "\xE2\x96\x8E", "\xE2\x96\x8D",
                                           "\xE2\x96\x8C", "\xE2\x96\x8B", "\xE2\x96\x8A",
                                           "\xE2\x96\x89"}; /* ▏▎▍▌▋▊▉ */
#define FULL_BLOCK  "\xE2\x96\x88"                          /* █ */
#define LIGHT_SHADE "\xE2\x96\x91"                          /* ░ */
static const char ascii_ramp[] = ".,-~=+*#";

void draw_init_colors(void)
{
    draw_init_theme(CFG_THEME_DEFAULT);
}

void draw_init_theme(CfgTheme theme)
{
    static const short series[DRAW_SERIES] = {COLOR_CYAN,  COLOR_MAGENTA, COLOR_YELLOW,
                                              COLOR_GREEN, COLOR_BLUE,    COLOR_WHITE};
    short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
    short fg = bg < 0 ? -1 : COLOR_WHITE;
    if (theme == CFG_THEME_HIGH_CONTRAST) { /* status cells as solid blocks of colour */
        short bright = COLORS >= 16 ? 15 : COLOR_WHITE;
        init_pair(DRAW_PAIR_OK, COLOR_BLACK, COLOR_GREEN);
        init_pair(DRAW_PAIR_WARN, COLOR_BLACK, COLOR_YELLOW);
        init_pair(DRAW_PAIR_CRIT, bright, COLOR_RED);
        init_pair(DRAW_PAIR_STALE, bright, bg);
        init_pair(DRAW_PAIR_FRAME, COLOR_BLACK, COLOR_CYAN);
        init_pair(DRAW_PAIR_LABEL, bright, bg);
        init_pair(DRAW_PAIR_TARGET, bright, COLOR_MAGENTA);
    } else {
        init_pair(DRAW_PAIR_OK, COLOR_GREEN, bg);
        init_pair(DRAW_PAIR_WARN, COLOR_YELLOW, bg);
        init_pair(DRAW_PAIR_CRIT, COLOR_RED, bg);
        init_pair(DRAW_PAIR_STALE, COLORS >= 16 ? 8 : fg, bg); /* 8: bright black, a grey */
        init_pair(DRAW_PAIR_FRAME, COLOR_CYAN, bg);
        init_pair(DRAW_PAIR_LABEL, fg, bg);
        init_pair(DRAW_PAIR_TARGET, COLOR_MAGENTA, bg);
    }
    for (short i = 0; i < DRAW_SERIES; i++)
        init_pair((short)(DRAW_PAIR_SERIES0 + i), series[i], bg);
}

DrawStyle draw_style(const ViewCtx *ctx, short pair, attr_t attr)
{
    return (DrawStyle){attr, ctx->color ? pair : 0};
}

void draw_set(WINDOW *win, DrawStyle s)
{
    wattr_set(win, s.attr, s.pair, NULL);
}

DrawStyle draw_target_style(const ViewCtx *ctx)
{
    return draw_style(ctx, DRAW_PAIR_TARGET, A_BOLD | A_UNDERLINE);
}

DrawStyle draw_status_style(KpiStatus st, const ViewCtx *ctx)
{
    bool hc = ctx->high_contrast; /* a wall screen: nothing dim, statuses bold */
    switch (st) {
    case KST_OK:
        return draw_style(ctx, DRAW_PAIR_OK, hc ? A_BOLD : A_NORMAL);
    case KST_WARN:
        return draw_style(ctx, DRAW_PAIR_WARN, A_BOLD);
    case KST_CRIT:
        return draw_style(ctx, DRAW_PAIR_CRIT, ctx->color ? A_BOLD : A_BOLD | A_REVERSE);
    case KST_STALE:
    case KST_NONE:
        break;
    }
    return draw_style(ctx, DRAW_PAIR_STALE, hc ? A_NORMAL : A_DIM);
}

/* Decodes the character at s (len > 0 bytes left) into *wc and its width *w
 * (negative: not printable); returns its bytes. Printable ASCII skips the
 * locale's decoder. Bytes that are not valid here are one '?'. */
static size_t decode(const char *s, size_t len, mbstate_t *st, wchar_t *wc, int *w)
{
    unsigned char b = (unsigned char)*s;
    if (b >= 0x20 && b < 0x7f && mbsinit(st)) {
        *wc = (wchar_t)b;
        *w = 1;
        return 1;
    }
    size_t r = mbrtowc(wc, s, len, st);
    if (r == 0) r = 1; /* an embedded NUL: not printable */
    if (r == (size_t)-1 || r == (size_t)-2) {
        memset(st, 0, sizeof *st);
        *wc = L'?';
        r = 1;
    }
    *w = wcwidth(*wc);
    return r;
}

int draw_text(WINDOW *win, int y, int x, int cols, const char *s)
{
    int maxy = getmaxy(win), maxx = getmaxx(win);
    if (!s || y < 0 || y >= maxy || x < 0 || x >= maxx || cols <= 0) return 0;
    if (cols > maxx - x) cols = maxx - x;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t len = strlen(s);
    int used = 0;
    /* The character that ended the last cell, decoded once: it starts the next. */
    wchar_t wc = 0;
    int w = 0;
    size_t r = 0;
    bool ahead = false;
    while (len > 0) {
        /* One cell: a printable character and the zero-width marks after it. */
        wchar_t cell[CCHARW_MAX + 1];
        int nc = 0, cw = -1;
        while (len > 0) {
            if (!ahead) r = decode(s, len, &st, &wc, &w);
            ahead = false;
            if (nc > 0 && w != 0) {
                ahead = true; /* the next cell starts here */
                break;
            }
            s += r;
            len -= r;
            if (w < 0 || (w == 0 && nc == 0)) continue; /* unprintable, or a mark with no base */
            if (nc == 0) cw = w;
            if (nc < CCHARW_MAX) cell[nc++] = wc;
        }
        if (nc == 0) break;
        if (used + cw > cols) break;
        cell[nc] = L'\0';
        cchar_t cc;
        if (setcchar(&cc, cell, A_NORMAL, 0, NULL) != OK) {
            cell[1] = L'\0';
            if (setcchar(&cc, cell, A_NORMAL, 0, NULL) != OK) break;
        }
        mvwadd_wch(win, y, x + used, &cc); /* ERR at the bottom-right cell, but written */
        used += cw;
    }
    return used;
}

/* Cuts s to cols columns with an ellipsis when wider ("..." when !utf8). */
static const char *fit(const char *s, int cols, bool utf8, char *out, size_t n)
{
    if (text_width(s) <= cols) return s;
    if (utf8) {
        text_truncate(s, cols, out, n);
        return out;
    }
    int dots = cols >= 4 ? 3 : 0;
    size_t len = text_fit(s, cols - dots, NULL);
    if (len + 4 > n) len = n > 4 ? n - 4 : 0;
    memcpy(out, s, len);
    memcpy(out + len, "...", (size_t)dots);
    out[len + (size_t)dots] = '\0';
    return out;
}

int draw_text_fit(WINDOW *win, int y, int x, int cols, const char *s, bool utf8)
{
    char buf[LINE_MAX_BYTES];
    if (cols <= 0 || !s) return 0;
    int room = getmaxx(win) - x;
    if (cols > room) cols = room;
    return draw_text(win, y, x, cols, fit(s, cols, utf8, buf, sizeof buf));
}

int draw_text_right(WINDOW *win, int y, int x_min, int x_end, const char *s, bool utf8)
{
    char buf[LINE_MAX_BYTES];
    if (x_end > getmaxx(win)) x_end = getmaxx(win);
    if (x_min < 0) x_min = 0;
    if (!s || x_end <= x_min) return x_end;
    const char *t = fit(s, x_end - x_min, utf8, buf, sizeof buf);
    int start = x_end - text_width(t);
    draw_text(win, y, start, x_end - start, t);
    return start;
}

int draw_width(const char *s)
{
    return text_width(s);
}

DrawRect draw_frame(WINDOW *win, const ViewCtx *ctx, const char *title, const char *right_note)
{
    return draw_frame_status(win, ctx, title, right_note, KST_OK);
}

DrawRect draw_frame_status(WINDOW *win, const ViewCtx *ctx, const char *title,
                           const char *right_note, KpiStatus status)
{
    int rows = getmaxy(win), cols = getmaxx(win);
    werase(win);
    wattr_set(win, A_NORMAL, 0, NULL);
    if (rows < 3 || cols < 4) return (DrawRect){0, 0, rows > 0 ? rows : 0, cols > 0 ? cols : 0};
    if (ctx->title) title = ctx->title;
    bool crit = status == KST_CRIT;
    DrawStyle crit_st = draw_status_style(KST_CRIT, ctx);
    draw_set(win, crit                 ? crit_st
                  : ctx->focused       ? draw_style(ctx, DRAW_PAIR_FRAME, A_BOLD)
                  : ctx->high_contrast ? draw_style(ctx, DRAW_PAIR_LABEL, A_BOLD)
                                       : draw_style(ctx, 0, 0));
    box(win, 0, 0);
    char t[TEXT_CLEAN_MAX + 2], note[TEXT_CLEAN_MAX + 40], clean[TEXT_CLEAN_MAX];
    char when[TIMEFMT_SIZE] = "";
    if (ctx->history && timefmt_hms(ctx->at_ms, when, sizeof when) >= 5) when[5] = '\0';
    snprintf(t, sizeof t, " %s ", text_clean(title, ctx->utf8, clean, sizeof clean));
    text_clean(right_note, ctx->utf8, clean, sizeof clean);
    snprintf(note, sizeof note, " %s%s%s ", when, when[0] && clean[0] ? " " : "", clean);
    int room = cols - 2;
    int tw = title && title[0] ? draw_width(t) : 0;
    int nw = (right_note && right_note[0]) || when[0] ? draw_width(note) : 0;
    if (tw > room) tw = room;
    if (when[0] && nw > 0 && tw > room - nw - 1) { /* history: the time before the title */
        tw = room - nw - 1;
        if (tw < 3) nw = 0, tw = room; /* no room for both: the title */
    }
    DrawStyle ts = ctx->focused ? draw_style(ctx, DRAW_PAIR_FRAME, A_BOLD | A_REVERSE)
                                : draw_style(ctx, 0, A_BOLD);
    if (crit) ts = (DrawStyle){crit_st.attr | (ctx->focused ? A_REVERSE : 0), crit_st.pair};
    draw_set(win, ts);
    if (tw > 0) tw = draw_text_fit(win, 0, 1, tw, t, ctx->utf8);
    draw_set(win, ctx->history ? draw_style(ctx, 0, A_BOLD) : draw_style(ctx, 0, 0));
    if (nw > 0 && nw + tw + 1 <= room) draw_text(win, 0, cols - 1 - nw, nw, note);
    return (DrawRect){1, 1, rows - 2, cols - 2};
}

int draw_hbar(WINDOW *win, int y, int x, int cols, double frac, bool utf8, bool track)
{
    char line[LINE_MAX_BYTES];
    size_t len = 0;
    if (cols <= 0) return 0;
    if (cols > ROW_COLS_MAX) cols = ROW_COLS_MAX;
    if (!(frac > 0)) frac = 0; /* NaN too */
    if (frac > 1) frac = 1;
    int filled;
    if (utf8) {
        long eighths = lround(frac * cols * 8);
        int full = (int)(eighths / 8), part = (int)(eighths % 8);
        for (int i = 0; i < full; i++, len += 3)
            memcpy(line + len, FULL_BLOCK, 3);
        if (part > 0) {
            memcpy(line + len, blocks_left[part - 1], 3);
            len += 3;
        }
        filled = full + (part > 0);
    } else {
        filled = (int)lround(frac * cols);
        memset(line, '#', (size_t)filled);
        len = (size_t)filled;
    }
    line[len] = '\0';
    draw_text(win, y, x, filled, line);
    if (track && filled < cols) {
        attr_t a;
        short p;
        wattr_get(win, &a, &p, NULL);
        wattr_set(win, a | A_DIM, p, NULL);
        len = 0;
        for (int i = filled; i < cols; i++) {
            memcpy(line + len, utf8 ? LIGHT_SHADE : "-", utf8 ? 3 : 1);
            len += utf8 ? 3 : 1;
        }
        line[len] = '\0';
        draw_text(win, y, x + filled, cols - filled, line);
        wattr_set(win, a, p, NULL);
    }
    return filled;
}

double draw_point_value(const StorePoint *p)
{
    if (!(p->flags & STORE_PT_VALUE)) return NAN;
    return isnan(p->last) ? p->max : p->last;
}

void draw_sparkline(WINDOW *win, int y, int x, const StorePoint *pts, size_t n, bool utf8)
{
    char line[LINE_MAX_BYTES];
    size_t len = 0;
    double lo = INFINITY, hi = -INFINITY;
    if (n > ROW_COLS_MAX) n = ROW_COLS_MAX;
    for (size_t i = 0; i < n; i++) {
        double v = draw_point_value(&pts[i]);
        if (isnan(v)) continue;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    for (size_t i = 0; i < n; i++) {
        double v = draw_point_value(&pts[i]);
        if (isnan(v)) {
            line[len++] = ' ';
            continue;
        }
        int lvl = hi > lo ? (int)lround((v - lo) / (hi - lo) * 7) : 3;
        lvl = lvl < 0 ? 0 : lvl > 7 ? 7 : lvl;
        if (utf8) {
            memcpy(line + len, blocks_up[lvl], 3);
            len += 3;
        } else {
            line[len++] = ascii_ramp[lvl];
        }
    }
    line[len] = '\0';
    draw_text(win, y, x, (int)n, line);
}

void draw_columns(WINDOW *win, int y_bottom, int x, int rows, const StorePoint *pts, size_t n,
                  double lo, double hi, bool utf8)
{
    char line[LINE_MAX_BYTES];
    if (n > ROW_COLS_MAX) n = ROW_COLS_MAX;
    if (rows <= 0 || !(hi > lo)) return;
    for (int r = 0; r < rows; r++) {
        size_t len = 0;
        for (size_t i = 0; i < n; i++) {
            double v = draw_point_value(&pts[i]);
            long h = isnan(v) ? 0 : lround((v - lo) / (hi - lo) * rows * 8);
            if (!isnan(v) && h < 1) h = 1; /* a value is never invisible */
            long e = h - (long)r * 8;
            e = e < 0 ? 0 : e > 8 ? 8 : e;
            if (e == 0 || (!utf8 && e < 4)) {
                line[len++] = ' ';
            } else if (utf8) {
                memcpy(line + len, blocks_up[e - 1], 3);
                len += 3;
            } else {
                line[len++] = '#';
            }
        }
        line[len] = '\0';
        draw_text(win, y_bottom - r, x, (int)n, line);
    }
}

void *draw_scratch(Widget *w, size_t bytes)
{
    if (bytes <= w->scratch_cap) return w->scratch;
    void *p = realloc(w->scratch, bytes);
    if (!p) return NULL;
    w->scratch = p;
    w->scratch_cap = bytes;
    return p;
}

const char *draw_title(const Widget *w, const ViewCtx *ctx, const char *fallback)
{
    if (w->panel && w->panel->title && w->panel->title[0]) return w->panel->title;
    if (w->n_kpis == 0 || !ctx || !ctx->coll) return fallback;
    const CollKpi *k = ctx->coll->kpis;
    if (w->n_kpis == 1) return cfg_kpi_label(k[w->kpis[0]].kpi);
    for (size_t i = 1; i < w->n_kpis; i++)
        if (k[w->kpis[i]].feed_idx != k[w->kpis[0]].feed_idx) return fallback;
    return cfg_feed_label(k[w->kpis[0]].feed); /* several KPIs of one feed */
}

void draw_list_clamp(Widget *w, int n, int page, bool select)
{
    if (n < 0) n = 0;
    if (page < 1) page = 1;
    w->n_rows = n;
    w->page_rows = page;
    if (select) {
        if (w->selected >= n) w->selected = n - 1;
        if (w->selected >= 0 && w->selected < w->scroll) w->scroll = w->selected;
        if (w->selected >= w->scroll + page) w->scroll = w->selected - page + 1;
    }
    if (w->scroll > n - page) w->scroll = n - page;
    if (w->scroll < 0) w->scroll = 0;
}

bool draw_list_key(Widget *w, int key, bool select)
{
    int n = w->n_rows, page = w->page_rows > 0 ? w->page_rows : 1, step;
    switch (key) {
    case KEY_UP:
        step = -1;
        break;
    case KEY_DOWN:
        step = 1;
        break;
    case KEY_PPAGE:
        step = -page;
        break;
    case KEY_NPAGE:
        step = page;
        break;
    case KEY_HOME:
        step = -n;
        break;
    case KEY_END:
        step = n;
        break;
    default:
        return false;
    }
    if (n <= 0 || (!select && n <= page)) return false;
    if (select) {
        int sel = w->selected < 0 ? (step > 0 ? 0 : n - 1) : w->selected + step;
        w->selected = sel < 0 ? 0 : sel >= n ? n - 1 : sel;
    } else {
        w->scroll += step;
    }
    draw_list_clamp(w, n, page, select);
    return true;
}

size_t draw_issues_at(const Collector *coll, int64_t at_ms, CollIssue *out, size_t max)
{
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) { /* crit, then warn */
        KpiStatus want = pass == 0 ? KST_CRIT : KST_WARN;
        for (size_t i = 0; i < coll->n_kpis; i++) {
            CollKpiView v;
            coll_kpi_view(coll, i, at_ms, &v);
            if (v.status != want) continue;
            if (n < max)
                out[n] = (CollIssue){want, (int)i, coll->kpis[i].feed_idx,
                                     v.ts_ms > 0 ? v.ts_ms : at_ms};
            n++;
        }
    }
    return n;
}
