/* w_stat.c - the stat widget: one KPI's value, big, with its status symbol
 * and colour, its change over the window, its target and a sparkline; when
 * zoomed also min/avg/max over the window and a column chart. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "widgets/draw.h"

/* A glyph of the large digits: three rows of equal width. */
typedef struct {
    char c;
    int width;
    const char *row[3];
} BigGlyph;

static const BigGlyph big_utf8[] = {
#define T "\xE2\x96\x80" /* ▀ */
#define B "\xE2\x96\x88" /* █ */
    {'0', 3, {B T B, B " " B, T T T}},
    {'1', 3, {T B " ", " " B " ", T T T}},
    {'2', 3, {T T B, B T T, T T T}},
    {'3', 3, {T T B, " " T B, T T T}},
    {'4', 3, {B " " B, T T B, "  " T}},
    {'5', 3, {B T T, T T B, T T T}},
    {'6', 3, {B T T, B T B, T T T}},
    {'7', 3, {T T B, "  " B, "  " T}},
    {'8', 3, {B T B, B T B, T T T}},
    {'9', 3, {B T B, T T B, T T T}},
    {'.', 1, {" ", " ", T}},
    {',', 1, {" ", " ", ","}},
    {'-', 3, {"   ", T T T, "   "}},
#undef T
#undef B
};

static const BigGlyph big_ascii[] = {
    {'0', 3, {" _ ", "| |", "|_|"}}, {'1', 3, {"   ", "  |", "  |"}},
    {'2', 3, {" _ ", " _|", "|_ "}}, {'3', 3, {" _ ", " _|", " _|"}},
    {'4', 3, {"   ", "|_|", "  |"}}, {'5', 3, {" _ ", "|_ ", " _|"}},
    {'6', 3, {" _ ", "|_ ", "|_|"}}, {'7', 3, {" _ ", "  |", "  |"}},
    {'8', 3, {" _ ", "|_|", "|_|"}}, {'9', 3, {" _ ", "|_|", " _|"}},
    {'.', 1, {" ", " ", "."}},       {',', 1, {" ", " ", ","}},
    {'-', 3, {"   ", " _ ", "   "}},
};

/* The glyph of c, or NULL when the large digits cannot show it. */
static const BigGlyph *big_glyph(char c, bool utf8)
{
    const BigGlyph *g = utf8 ? big_utf8 : big_ascii;
    size_t n = utf8 ? sizeof big_utf8 / sizeof big_utf8[0] : sizeof big_ascii / sizeof big_ascii[0];
    for (size_t i = 0; i < n; i++)
        if (g[i].c == c) return &g[i];
    return NULL;
}

/* Width of num in large digits (glyphs and one column between them), or -1
 * when a character has no glyph. */
static int big_width(const char *num, bool utf8)
{
    int w = 0;
    for (const char *p = num; *p; p++) {
        const BigGlyph *g = big_glyph(*p, utf8);
        if (!g) return -1;
        w += g->width + (p > num);
    }
    return w;
}

/* Draws num in large digits with its top row at y. */
static void big_draw(WINDOW *win, int y, int x, const char *num, bool utf8)
{
    for (const char *p = num; *p; p++) {
        const BigGlyph *g = big_glyph(*p, utf8);
        for (int r = 0; r < 3; r++)
            draw_text(win, y + r, x, g->width, g->row[r]);
        x += g->width + 1;
    }
}

/* The texts of the value, measured before drawing. */
typedef struct {
    char num[FMT_NUM_MAX];     /* the number alone (large digits) */
    char val[KPITEXT_VAL_MAX]; /* number and unit */
    char unit[TEXT_CLEAN_MAX]; /* cleaned unit */
    char age[64];              /* "4m ago" when stale, else "" */
    int big;                   /* columns the large digits line needs; -1: not possible */
} StatText;

/* Formats the value of k as seen in v into t. */
static void stat_text(StatText *t, const ViewCtx *ctx, const CfgKpi *k, const CollKpiView *v)
{
    char tmp[32];
    kpitext_value(k, v->has_value, v->value, ctx->utf8, t->val, sizeof t->val);
    kpitext_number_unit(k, v->value, ctx->utf8, t->num, sizeof t->num, t->unit, sizeof t->unit);
    t->age[0] = '\0';
    if (v->has_value && v->stale) {
        fmt_age(v->age_ms, tmp, sizeof tmp);
        snprintf(t->age, sizeof t->age, _("%s ago"), tmp);
    }
    int bw = v->has_value ? big_width(t->num, ctx->utf8) : -1;
    t->big = bw < 0 ? -1
                    : 2 + bw + (t->unit[0] ? 1 + draw_width(t->unit) : 0) +
                          (t->age[0] ? 1 + draw_width(t->age) : 0);
}

/* The value rows from y: symbol and value, large on three rows when big,
 * its age when stale. */
static void draw_value(WINDOW *win, DrawRect r, int y, const ViewCtx *ctx, const StatText *t,
                       KpiStatus status, CfgTarget tgt, bool big)
{
    const char *sym = kpitext_status_symbol(status, ctx->utf8);
    const char *mark = kpitext_target_symbol(tgt, ctx->utf8);
    DrawStyle st = draw_status_style(status, ctx), bold = {st.attr | A_BOLD, st.pair};
    int end = r.x + r.cols;
    if (big) {
        int x = r.x + (r.cols - t->big) / 2;
        draw_set(win, st);
        draw_text(win, y + 1, x, 1, sym);
        draw_set(win, bold);
        big_draw(win, y, x + 2, t->num, ctx->utf8);
        x += 2 + big_width(t->num, ctx->utf8) + 1;
        draw_set(win, st);
        if (t->unit[0]) x += draw_text(win, y + 2, x, end - x, t->unit) + 1;
        if (mark[0]) {
            draw_set(win, draw_target_style(ctx));
            x += draw_text(win, y + 2, x, end - x, mark) + 1;
        }
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
        draw_text(win, y + 2, x, end - x, t->age);
        return;
    }
    int mw = mark[0] ? 2 : 0;
    int need = 2 + draw_width(t->val) + mw + (t->age[0] ? 1 + draw_width(t->age) : 0);
    int x = r.x + (need < r.cols ? (r.cols - need) / 2 : 0);
    draw_set(win, st);
    x += draw_text(win, y, x, end - x, sym) + 1;
    draw_set(win, bold);
    x += draw_text_fit(win, y, x, end - x - mw, t->val, ctx->utf8) + 1;
    if (mark[0]) {
        draw_set(win, draw_target_style(ctx));
        x += draw_text(win, y, x, end - x, mark) + 1;
    }
    draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
    draw_text(win, y, x, end - x, t->age);
}

/* The line under the value: change over the window and the target; a
 * missed target comes first, as "▼ below target 98.0" in the target style. */
static void draw_change(WINDOW *win, DrawRect r, int y, const ViewCtx *ctx, const CollKpi *ak,
                        CfgTarget tgt)
{
    char line[KPITEXT_VAL_MAX * 2] = "", miss[KPITEXT_VAL_MAX] = "", d[FMT_NUM_MAX], win_s[32];
    StoreDelta dl;
    if (store_delta(ctx->coll->store, ak->series, ctx->at_ms - ctx->window_ms, ctx->at_ms, &dl)) {
        fmt_delta(dl.delta, ak->kpi->decimals, ctx->utf8, d, sizeof d);
        fmt_age(ctx->window_ms, win_s, sizeof win_s);
        snprintf(line, sizeof line, _("%s over %s"), d, win_s);
    }
    kpitext_target_text(ak->kpi, tgt, ctx->utf8, miss, sizeof miss);
    if (miss[0] && draw_width(miss) > r.cols) { /* narrow: "▼ target 98.0" */
        fmt_number(ak->kpi->target, ak->kpi->decimals, d, sizeof d);
        snprintf(miss, sizeof miss, _("%s target %s"), kpitext_target_symbol(tgt, ctx->utf8), d);
    }
    if (ak->kpi->has_target && !miss[0]) {
        char part[KPITEXT_VAL_MAX];
        fmt_number(ak->kpi->target, ak->kpi->decimals, d, sizeof d);
        snprintf(part, sizeof part, _("target %s"), d);
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, "%s%s", len ? "  " : "", part);
    }
    int mw = miss[0] ? draw_width(miss) : 0, lw = draw_width(line);
    if (mw && mw + 2 + lw > r.cols) lw = 0; /* the miss first: the change gives way */
    int w = mw + (mw && lw ? 2 : 0) + lw, x = r.x + (w < r.cols ? (r.cols - w) / 2 : 0);
    int end = r.x + r.cols;
    if (mw) {
        draw_set(win, draw_target_style(ctx));
        x += draw_text_fit(win, y, x, end - x, miss, ctx->utf8) + 2;
    }
    draw_set(win, draw_style(ctx, DRAW_PAIR_LABEL, A_NORMAL));
    if (lw) draw_text_fit(win, y, x, end - x, line, ctx->utf8);
}

/* Zoomed extras: min/avg/max over the window, or why there is no value. */
static void draw_stats(WINDOW *win, DrawRect r, int y, const ViewCtx *ctx, const CollKpi *ak,
                       const CollKpiView *v)
{
    char line[TEXT_CLEAN_MAX], mn[FMT_NUM_MAX], av[FMT_NUM_MAX], mx[FMT_NUM_MAX];
    StoreStats s;
    if (!v->has_value && !ctx->history && ak->error[0]) {
        char clean[TEXT_CLEAN_MAX];
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
        draw_text_fit(win, y, r.x, r.cols, text_clean(ak->error, ctx->utf8, clean, sizeof clean),
                      ctx->utf8);
        return;
    }
    if (!store_stats(ctx->coll->store, ak->series, ctx->at_ms - ctx->window_ms, ctx->at_ms, &s))
        return;
    fmt_number(s.min, ak->kpi->decimals, mn, sizeof mn);
    fmt_number(s.avg, ak->kpi->decimals, av, sizeof av);
    fmt_number(s.max, ak->kpi->decimals, mx, sizeof mx);
    snprintf(line, sizeof line, _("min %s  avg %s  max %s"), mn, av, mx);
    int w = draw_width(line);
    draw_set(win, draw_style(ctx, DRAW_PAIR_LABEL, A_NORMAL));
    draw_text_fit(win, y, r.x + (w < r.cols ? (r.cols - w) / 2 : 0), r.cols, line, ctx->utf8);
}

/* The history of the window along rows rows ending at y_bottom: a
 * sparkline on one row, a column chart on more. */
static void draw_history(Widget *w, WINDOW *win, DrawRect r, int y_bottom, int rows,
                         const ViewCtx *ctx, const CollKpi *ak, DrawStyle st)
{
    StorePoint *pts = draw_scratch(w, (size_t)r.cols * sizeof *pts);
    if (!pts || rows <= 0) return;
    if (store_chart(ctx->coll->store, ak->series, ctx->at_ms - ctx->window_ms, ctx->at_ms, pts,
                    (size_t)r.cols) < 0)
        return;
    draw_set(win, st);
    if (rows == 1) {
        draw_sparkline(win, y_bottom, r.x, pts, (size_t)r.cols, ctx->utf8);
        return;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < r.cols; i++) {
        double v = draw_point_value(&pts[i]);
        if (isnan(v)) continue;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (!isfinite(lo)) return;
    double span = hi - lo > 0 ? hi - lo : fabs(hi) > 0 ? fabs(hi) : 1;
    draw_columns(win, y_bottom, r.x, rows, pts, (size_t)r.cols, lo - span * 0.1, hi, ctx->utf8);
}

/* Draws the stat panel. */
static void stat_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    if (w->n_kpis == 0) {
        DrawRect r = draw_frame(win, ctx, draw_title(w, ctx, _("Stat")), NULL);
        if (r.rows > 0 && r.cols > 0) draw_text_fit(win, r.y, r.x, r.cols, _("no KPI"), ctx->utf8);
        return;
    }
    const CollKpi *ak = &ctx->coll->kpis[w->kpis[0]];
    CollKpiView v;
    StatText t;
    coll_kpi_view(ctx->coll, (size_t)w->kpis[0], ctx->at_ms, &v);
    CfgTarget tgt = v.stale ? CFG_TARGET_NONE : cfg_kpi_target(ak->kpi, v.has_value, v.value);
    DrawRect r = draw_frame_status(win, ctx, draw_title(w, ctx, _("Stat")), NULL, v.status);
    if (r.rows <= 0 || r.cols <= 0) return;
    stat_text(&t, ctx, ak->kpi, &v);
    /* Large digits from 5 rows inside; the text block is centred in the
     * rows above the sparkline (zoomed: at the top, the chart below). */
    bool big = r.rows >= 5 && t.big > 0 &&
               t.big + (tgt != CFG_TARGET_NONE && tgt != CFG_TARGET_MET ? 2 : 0) <= r.cols;
    int text_rows = (big ? 3 : 1) + (r.rows >= 2) + ctx->zoomed;
    int room = r.rows >= 3 ? r.rows - 1 : r.rows;
    int y = r.y + (!ctx->zoomed && room > text_rows ? (room - text_rows) / 2 : 0);
    draw_value(win, r, y, ctx, &t, v.status, tgt, big);
    y += big ? 3 : 1;
    int bottom = r.y + r.rows - 1;
    if (y <= bottom && r.rows >= 2) draw_change(win, r, y++, ctx, ak, tgt);
    if (ctx->zoomed && y <= bottom) draw_stats(win, r, y++, ctx, ak, &v);
    if (r.rows < 3 || y > bottom) return;
    int rows = ctx->zoomed ? bottom - y : 1; /* one blank row under the text when zoomed */
    DrawStyle st = v.stale || !v.has_value ? draw_status_style(KST_STALE, ctx)
                                           : draw_style(ctx, DRAW_PAIR_SERIES0, A_NORMAL);
    draw_history(w, win, r, bottom, rows > 0 ? rows : 1, ctx, ak, st);
}

const WidgetClass w_stat_class = {
    .name = "stat",
    .draw = stat_draw,
    .min_rows = 4,
    .min_cols = 14,
};
