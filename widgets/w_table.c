/* w_table.c - the table widget: one row per KPI with its status symbol,
 * name, value and unit, target, status word and trend over the window.
 * Rows whose name does not match the "/" filter are hidden; the rows scroll
 * with the list keys when they do not all fit. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "widgets/draw.h"

#define TREND_COLS 8  /* columns of the trend sparkline */
#define UNIT_COLS  12 /* widest unit shown */

/* One row, formatted before drawing to measure the columns. */
typedef struct {
    int kpi; /* index into coll->kpis */
    CollKpiView v;
    char name[TEXT_CLEAN_MAX];
    char val[FMT_NUM_MAX];     /* the number, or a dash */
    char unit[TEXT_CLEAN_MAX]; /* cleaned unit */
    char target[FMT_NUM_MAX];
    char word[FMT_NUM_MAX + 80];
    CfgTarget tgt; /* a missed target: marked next to the status symbol, named in the word */
} TableRow;

/* Column widths and positions (0 width: column not shown); mark is the
 * column of the target marks (2 when some row misses its target). */
typedef struct {
    int mark, name, val, unit, target, word, trend;
} TableCols;

/* Formats row t for KPI index k. */
static void table_row(TableRow *t, int k, const ViewCtx *ctx)
{
    const CfgKpi *kpi = ctx->coll->kpis[k].kpi;
    char num[FMT_NUM_MAX], age[32];
    t->kpi = k;
    coll_kpi_view(ctx->coll, (size_t)k, ctx->at_ms, &t->v);
    text_clean(cfg_kpi_label(kpi), ctx->utf8, t->name, sizeof t->name);
    t->tgt = t->v.stale ? CFG_TARGET_NONE : cfg_kpi_target(kpi, t->v.has_value, t->v.value);
    kpitext_number_unit(kpi, t->v.value, ctx->utf8, t->val, sizeof t->val, t->unit,
                        sizeof t->unit);
    if (!t->v.has_value)
        kpitext_value(kpi, false, 0, ctx->utf8, t->val, sizeof t->val); /* the dash */
    t->target[0] = '\0';
    if (kpi->has_target) kpitext_target_number(kpi, ctx->utf8, t->target, sizeof t->target);
    snprintf(num, sizeof num, "%s", kpitext_status_word(t->v.status));
    if (t->v.has_value && t->v.stale) { /* stale: with its age */
        fmt_age(t->v.age_ms, age, sizeof age);
        snprintf(t->word, sizeof t->word, "%s %s", num, age);
    } else if (t->tgt == CFG_TARGET_BELOW || t->tgt == CFG_TARGET_ABOVE) {
        kpitext_status_target(t->v.status, t->tgt, ctx->utf8, t->word, sizeof t->word);
    } else {
        snprintf(t->word, sizeof t->word, "%s", num);
    }
}

/* Shares cols columns between the columns: the fixed ones as measured, the
 * name the rest; drops trend, target and word (in that order) when the name
 * would get fewer than 8 columns. */
static void table_layout(TableCols *c, const TableCols *want, int cols)
{
    *c = *want;
    for (int drop = 0; drop < 4; drop++) {
        int fixed = 2 + c->mark + (c->val + 1) + (c->unit ? c->unit + 1 : 0) +
                    (c->target ? c->target + 1 : 0) + (c->word ? c->word + 1 : 0) +
                    (c->trend ? c->trend + 1 : 0);
        int room = cols - fixed;
        if (room >= 8 || room >= want->name || drop == 3) {
            c->name = room < want->name ? room : want->name;
            if (c->name < 0) c->name = 0;
            return;
        }
        if (drop == 0) c->trend = 0;
        if (drop == 1) c->target = 0;
        if (drop == 2) c->word = 0;
    }
}

/* The trend cell of row t: a sparkline, or the change as an arrow in ASCII. */
static void table_trend(WINDOW *win, int y, int x, int cols, const TableRow *t, const ViewCtx *ctx)
{
    const CollKpi *ak = &ctx->coll->kpis[t->kpi];
    int64_t from = ctx->at_ms - ctx->window_ms;
    if (ctx->utf8) {
        StorePoint pts[TREND_COLS];
        if (store_chart(ctx->coll->store, ak->series, from, ctx->at_ms, pts, TREND_COLS) >= 0)
            draw_sparkline(win, y, x, pts, (size_t)(cols < TREND_COLS ? cols : TREND_COLS), true);
        return;
    }
    StoreDelta d;
    char buf[FMT_NUM_MAX];
    if (!store_delta(ctx->coll->store, ak->series, from, ctx->at_ms, &d)) return;
    fmt_delta(d.delta, ak->kpi->decimals, false, buf, sizeof buf);
    draw_text_fit(win, y, x, cols, buf, false);
}

/* Draws the header row. */
static void table_header(WINDOW *win, int y, int x, const TableCols *c, const ViewCtx *ctx)
{
    draw_set(win, draw_style(ctx, DRAW_PAIR_LABEL, A_BOLD | A_UNDERLINE));
    x += c->mark;
    draw_text_fit(win, y, x + 2, c->name, _("KPI"), ctx->utf8);
    x += 2 + c->name + 1;
    draw_text_right(win, y, x, x + c->val, _("value"), ctx->utf8);
    x += c->val + 1 + (c->unit ? c->unit + 1 : 0);
    if (c->target) {
        draw_text_right(win, y, x, x + c->target, _("target"), ctx->utf8);
        x += c->target + 1;
    }
    if (c->word) {
        draw_text_fit(win, y, x, c->word, _("status"), ctx->utf8);
        x += c->word + 1;
    }
    if (c->trend) draw_text_fit(win, y, x, c->trend, _("trend"), ctx->utf8);
}

/* Draws one KPI row from x to end (zoomed: with the reason of a missing
 * value after the trend). */
static void table_draw_row(WINDOW *win, int y, int x, int end, const TableCols *c,
                           const TableRow *t, const char *name, const ViewCtx *ctx)
{
    DrawStyle st = draw_status_style(t->v.status, ctx);
    bool missed = t->tgt == CFG_TARGET_BELOW || t->tgt == CFG_TARGET_ABOVE;
    draw_set(win, st);
    draw_text(win, y, x, 1, kpitext_status_symbol(t->v.status, ctx->utf8));
    if (c->mark && missed) {
        draw_set(win, draw_target_style(ctx));
        draw_text(win, y, x + 2, 1, kpitext_target_symbol(t->tgt, ctx->utf8));
    }
    x += c->mark;
    draw_set(win, draw_style(ctx, 0, A_NORMAL));
    draw_text(win, y, x + 2, c->name, name);
    x += 2 + c->name + 1;
    draw_set(win, t->v.stale || !t->v.has_value ? st : draw_style(ctx, 0, A_BOLD));
    draw_text_right(win, y, x, x + c->val, t->val, ctx->utf8);
    x += c->val + 1;
    if (c->unit) { /* no unit after a dash */
        if (t->v.has_value) draw_text_fit(win, y, x, c->unit, t->unit, ctx->utf8);
        x += c->unit + 1;
    }
    draw_set(win, draw_style(ctx, 0, A_NORMAL));
    if (c->target) {
        draw_text_right(win, y, x, x + c->target, t->target, ctx->utf8);
        x += c->target + 1;
    }
    if (c->word) {
        const char *tail =
            missed ? strstr(t->word, kpitext_target_symbol(t->tgt, ctx->utf8)) : NULL;
        int ww = tail ? draw_width(t->word) - draw_width(tail) : c->word;
        draw_set(win, st);
        int used = tail ? draw_text(win, y, x, ww < c->word ? ww : c->word, t->word)
                        : draw_text_fit(win, y, x, c->word, t->word, ctx->utf8);
        if (tail && used < c->word) { /* the target part in its own style */
            draw_set(win, draw_target_style(ctx));
            draw_text_fit(win, y, x + used, c->word - used, tail, ctx->utf8);
        }
        x += c->word + 1;
    }
    if (c->trend) {
        draw_set(win, draw_style(ctx, DRAW_PAIR_SERIES0, A_NORMAL));
        table_trend(win, y, x, c->trend, t, ctx);
        x += c->trend + 1;
    }
    const char *why = ctx->coll->kpis[t->kpi].error;
    if (ctx->zoomed && !ctx->history && !t->v.has_value && why[0] && x < end) { /* why no value */
        char clean[TEXT_CLEAN_MAX];
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
        draw_text_fit(win, y, x, end - x, text_clean(why, ctx->utf8, clean, sizeof clean),
                      ctx->utf8);
    }
}

/* Draws the table panel. */
static void table_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    TableRow *rows = draw_scratch(w, WIDGET_MAX_KPIS * sizeof *rows);
    int n = 0;
    TableCols want = {0, 0, 0, 0, 0, 0, TREND_COLS};
    for (size_t i = 0; rows && i < w->n_kpis; i++) {
        if (!text_match(cfg_kpi_label(ctx->coll->kpis[w->kpis[i]].kpi), ctx->filter)) continue;
        TableRow *t = &rows[n++];
        table_row(t, w->kpis[i], ctx);
        if (t->tgt == CFG_TARGET_BELOW || t->tgt == CFG_TARGET_ABOVE) want.mark = 2;
        int cw;
        if ((cw = draw_width(t->name)) > want.name) want.name = cw;
        if ((cw = draw_width(t->val)) > want.val) want.val = cw;
        if ((cw = draw_width(t->unit)) > want.unit) want.unit = cw;
        if ((cw = draw_width(t->target)) > want.target) want.target = cw;
        if ((cw = draw_width(t->word)) > want.word) want.word = cw;
    }
    int head = n > 0 ? 1 : 0;
    char note[48] = "";
    /* Rows shown: everything below the header (computed again after the frame). */
    int inner = getmaxy(win) >= 3 && getmaxx(win) >= 4 ? getmaxy(win) - 2 : getmaxy(win);
    if (inner < 3) head = 0;
    draw_list_clamp(w, n, inner - head, false);
    if (n > w->page_rows)
        snprintf(note, sizeof note, "%d-%d/%d", w->scroll + 1, w->scroll + w->page_rows, n);
    KpiStatus worst = KST_OK;
    for (int i = 0; i < n; i++)
        if (rows[i].v.status == KST_CRIT) worst = KST_CRIT;
    DrawRect r = draw_frame_status(win, ctx, draw_title(w, ctx, _("KPIs")), note, worst);
    if (r.rows <= 0 || r.cols <= 0) return;
    if (!rows) {
        draw_text_fit(win, r.y, r.x, r.cols, _("out of memory"), ctx->utf8);
        return;
    }
    if (n == 0) {
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
        draw_text_fit(win, r.y, r.x, r.cols,
                      w->n_kpis > 0 && ctx->filter ? _("no KPI matches the filter") : _("no KPI"),
                      ctx->utf8);
        return;
    }
    if (want.target > 0 && draw_width(_("target")) > want.target)
        want.target = draw_width(_("target"));
    if (draw_width(_("status")) > want.word) want.word = draw_width(_("status"));
    if (draw_width(_("value")) > want.val) want.val = draw_width(_("value"));
    if (want.unit > UNIT_COLS) want.unit = UNIT_COLS;
    TableCols c;
    table_layout(&c, &want, r.cols);
    /* Names too wide for their column: the short name (short:), else cut so
     * that rows that start alike stay apart ("Xử lý…(xã)"). */
    const char *names[WIDGET_MAX_KPIS];
    for (int i = 0; i < n; i++) {
        const CfgKpi *kpi = ctx->coll->kpis[rows[i].kpi].kpi;
        if (draw_width(rows[i].name) > c.name && kpi->short_name)
            text_clean(kpitext_name(kpi, c.name), ctx->utf8, rows[i].name, sizeof rows[i].name);
        names[i] = rows[i].name;
    }
    if (head) table_header(win, r.y, r.x, &c, ctx);
    for (int i = 0; i < w->page_rows && w->scroll + i < n; i++) {
        char name[TEXT_CLEAN_MAX];
        kpitext_fit_distinct(rows[w->scroll + i].name, names, (size_t)n, c.name, ctx->utf8, name,
                             sizeof name);
        table_draw_row(win, r.y + head + i, r.x, r.x + r.cols, &c, &rows[w->scroll + i], name, ctx);
    }
}

const WidgetClass w_table_class = {
    .name = "table",
    .draw = table_draw,
    .min_rows = 5,
    .min_cols = 24,
    .list = WIDGET_LIST_SCROLL,
};
