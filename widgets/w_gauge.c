/* w_gauge.c - the gauge widget: one KPI's value against its target as a
 * horizontal bar over the KPI's min..max (else 0..max(target, value)*1.25),
 * with a target marker and the scale's ends. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "widgets/draw.h"

/* The scale of the bar for KPI k showing v (has: v is valid). */
static void gauge_scale(const CfgKpi *k, bool has, double v, double *lo, double *hi)
{
    *lo = !isnan(k->min) ? k->min : (has && v < 0 ? v : 0);
    if (!isnan(k->max)) {
        *hi = k->max;
    } else {
        double top = k->has_target ? k->target : 0;
        if (has && v > top) top = v;
        *hi = top * 1.25;
    }
    if (!(*hi > *lo)) *hi = *lo + 1;
}

/* The text line: symbol, value (and its age when stale), target. */
static int gauge_line(WINDOW *win, int y, int x, int cols, const ViewCtx *ctx, const CfgKpi *k,
                      const CollKpiView *v)
{
    char val[KPITEXT_VAL_MAX], num[KPITEXT_VAL_MAX], tgt[KPITEXT_VAL_MAX] = "", age[32];
    int x0 = x, end = x + cols;
    kpitext_value(k, v->has_value, v->value, ctx->utf8, val, sizeof val);
    CfgTarget miss = v->stale ? CFG_TARGET_NONE : cfg_kpi_target(k, v->has_value, v->value);
    kpitext_target_text(k, miss, ctx->utf8, tgt, sizeof tgt); /* "▼ below target 98.0" */
    if (k->has_target && !tgt[0]) {
        kpitext_target_number(k, ctx->utf8, num, sizeof num);
        snprintf(tgt, sizeof tgt, _("target %s"), num);
    }
    DrawStyle st = draw_status_style(v->status, ctx);
    draw_set(win, st);
    x += draw_text(win, y, x, end - x, kpitext_status_symbol(v->status, ctx->utf8)) + 1;
    draw_set(win, (DrawStyle){st.attr | A_BOLD, st.pair});
    x += draw_text_fit(win, y, x, end - x, val, ctx->utf8) + 1;
    if (v->has_value && v->stale) {
        fmt_age(v->age_ms, age, sizeof age);
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
        x += draw_text(win, y, x, end - x, age) + 1;
    }
    bool missed = miss == CFG_TARGET_BELOW || miss == CFG_TARGET_ABOVE;
    draw_set(win, missed ? draw_target_style(ctx) : draw_style(ctx, DRAW_PAIR_LABEL, A_NORMAL));
    if (tgt[0] && x + 1 + draw_width(tgt) <= end) {
        draw_text_right(win, y, x + 1, end, tgt, ctx->utf8);
    } else if (missed) { /* no room for the words: the mark alone */
        const char *mark = kpitext_target_symbol(miss, ctx->utf8);
        if (x + 1 <= end) x += draw_text(win, y, x, end - x, mark) + 1;
    }
    return x - x0;
}

/* Column of value t on a bar of cols columns from x. */
static int gauge_col(double t, double lo, double hi, int x, int cols)
{
    double f = (t - lo) / (hi - lo);
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    return x + (int)lround(f * (cols - 1));
}

/* Draws the gauge panel. */
static void gauge_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    if (w->n_kpis == 0) {
        DrawRect r = draw_frame(win, ctx, draw_title(w, ctx, _("Gauge")), NULL);
        if (r.rows > 0 && r.cols > 0) draw_text_fit(win, r.y, r.x, r.cols, _("no KPI"), ctx->utf8);
        return;
    }
    const CfgKpi *k = ctx->coll->kpis[w->kpis[0]].kpi;
    CollKpiView v;
    coll_kpi_view(ctx->coll, (size_t)w->kpis[0], ctx->at_ms, &v);
    DrawRect r = draw_frame_status(win, ctx, draw_title(w, ctx, _("Gauge")), NULL, v.status);
    if (r.rows <= 0 || r.cols <= 0) return;
    double lo, hi;
    gauge_scale(k, v.has_value, v.value, &lo, &hi);
    double frac = v.has_value ? (v.value - lo) / (hi - lo) : 0;
    DrawStyle st = draw_status_style(v.status, ctx);

    if (r.rows == 1) { /* value, then the bar in what is left */
        int used = gauge_line(win, r.y, r.x, r.cols / 2, ctx, k, &v);
        draw_set(win, st);
        draw_hbar(win, r.y, r.x + used, r.cols - used, frac, ctx->utf8, true);
        return;
    }
    int need = r.rows >= 3 ? 3 : 2, y = r.y + (r.rows - need) / 2;
    gauge_line(win, y, r.x, r.cols, ctx, k, &v);
    draw_set(win, st);
    draw_hbar(win, y + 1, r.x, r.cols, frac, ctx->utf8, true);
    int tx = k->has_target ? gauge_col(k->target, lo, hi, r.x, r.cols) : -1;
    if (need == 3) { /* the scale's ends under the bar, never under the target marker */
        char a[FMT_NUM_MAX], b[FMT_NUM_MAX];
        fmt_number(lo, k->decimals, a, sizeof a);
        fmt_number(hi, k->decimals, b, sizeof b);
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
        int aw = draw_width(a), bw = draw_width(b), bx = r.x + r.cols - bw;
        if (aw + bw + 3 <= r.cols) {
            int ax = r.x, lim = r.x + r.cols;
            if (tx >= 0 && tx <= r.x + aw) ax = tx + 1; /* right of the marker */
            if (tx >= 0 && tx >= bx - 1) bx = tx - bw;  /* left of the marker */
            if (ax + aw <= (bx < lim ? bx - 1 : lim) && ax + aw <= lim)
                draw_text(win, y + 2, ax, aw, a);
            if (bx >= ax + aw + 1 && bx >= r.x && bx + bw <= lim && (tx < bx || tx >= bx + bw))
                draw_text(win, y + 2, bx, bw, b);
        }
    }
    if (tx >= 0) {
        draw_set(win, draw_style(ctx, DRAW_PAIR_LABEL, A_BOLD));
        draw_text(win, y + 1, tx, 1, ctx->utf8 ? "\xE2\x94\x82" : "|");                /* │ */
        if (need == 3) draw_text(win, y + 2, tx, 1, ctx->utf8 ? "\xE2\x96\xB2" : "^"); /* ▲ */
    }
}

const WidgetClass w_gauge_class = {
    .name = "gauge",
    .draw = gauge_draw,
    .min_rows = 4,
    .min_cols = 16,
};
