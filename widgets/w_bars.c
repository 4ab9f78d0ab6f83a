/* w_bars.c - the bars widget: several KPIs side by side, one horizontal bar
 * per KPI with its name, value and status symbol, all on one scale (the
 * widest of their min..max ranges and values). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "widgets/draw.h"

/* Everything drawn on one row, computed before drawing to align columns. */
typedef struct {
    const CfgKpi *k;
    CollKpiView v;
    char name[TEXT_CLEAN_MAX];
    char val[KPITEXT_VAL_MAX];
    CfgTarget tgt; /* a missed target is marked after the value */
} BarRow;

/* Draws the bars panel. */
static void bars_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    BarRow rows[WIDGET_MAX_KPIS];
    size_t n = w->n_kpis;
    KpiStatus worst = KST_OK;
    for (size_t i = 0; i < n; i++) {
        coll_kpi_view(ctx->coll, (size_t)w->kpis[i], ctx->at_ms, &rows[i].v);
        if (rows[i].v.status == KST_CRIT) worst = KST_CRIT;
    }
    DrawRect r = draw_frame_status(win, ctx, draw_title(w, ctx, _("Bars")), NULL, worst);
    if (r.rows <= 0 || r.cols <= 0) return;
    if (w->n_kpis == 0) {
        draw_text_fit(win, r.y, r.x, r.cols, _("no KPI"), ctx->utf8);
        return;
    }
    double lo = 0, hi = -INFINITY;
    int nw = 0, vw = 0, tw = 0;
    const char *names[WIDGET_MAX_KPIS];
    for (size_t i = 0; i < n; i++) {
        BarRow *b = &rows[i];
        b->k = ctx->coll->kpis[w->kpis[i]].kpi;
        text_clean(kpitext_name(b->k, r.cols / 3), ctx->utf8, b->name, sizeof b->name);
        names[i] = b->name;
        b->tgt = b->v.stale ? CFG_TARGET_NONE : cfg_kpi_target(b->k, b->v.has_value, b->v.value);
        if (b->tgt == CFG_TARGET_BELOW || b->tgt == CFG_TARGET_ABOVE) tw = 2;
        kpitext_value(b->k, b->v.has_value, b->v.value, ctx->utf8, b->val, sizeof b->val);
        if (b->v.has_value && b->v.stale) { /* stale: its age too */
            char age[32];
            size_t len = strlen(b->val);
            fmt_age(b->v.age_ms, age, sizeof age);
            snprintf(b->val + len, sizeof b->val - len, " (%s)", age);
        }
        if (!isnan(b->k->min) && b->k->min < lo) lo = b->k->min;
        if (!isnan(b->k->max) && b->k->max > hi) hi = b->k->max;
        if (b->v.has_value) {
            lo = b->v.value < lo ? b->v.value : lo;
            hi = b->v.value > hi ? b->v.value : hi;
        }
        int cw = draw_width(b->name);
        nw = cw > nw ? cw : nw;
        cw = draw_width(b->val);
        vw = cw > vw ? cw : vw;
    }
    if (!(hi > lo)) hi = lo + 1;
    /* Columns: symbol, name, bar, value, target mark; the bar keeps at least
     * a third. With room the mark has its word: "▼ below target". */
    if (nw > r.cols / 3) nw = r.cols / 3;
    if (vw > r.cols / 3) vw = r.cols / 3;
    int bar = r.cols - 2 - nw - 1 - 1 - vw - tw;
    if (tw) {
        int word = 0;
        for (size_t i = 0; i < n; i++)
            if (draw_width(kpitext_target_word(rows[i].tgt)) > word)
                word = draw_width(kpitext_target_word(rows[i].tgt));
        if (bar - word - 1 >= r.cols / 3) {
            tw += word + 1;
            bar -= word + 1;
        }
    }
    int step = (int)n * 2 - 1 <= r.rows ? 2 : 1;
    for (size_t i = 0; i < n; i++) {
        int y = r.y + (int)i * step, x = r.x;
        if (y >= r.y + r.rows) break;
        const BarRow *b = &rows[i];
        DrawStyle st = draw_status_style(b->v.status, ctx);
        draw_set(win, st);
        draw_text(win, y, x, 1, kpitext_status_symbol(b->v.status, ctx->utf8));
        draw_set(win, draw_style(ctx, 0, A_NORMAL));
        char name[TEXT_CLEAN_MAX];
        kpitext_fit_distinct(b->name, names, n, nw, ctx->utf8, name, sizeof name);
        draw_text(win, y, x + 2, nw, name);
        x += 2 + nw + 1;
        if (bar >= 3) {
            draw_set(win, st);
            double f = b->v.has_value ? (b->v.value - lo) / (hi - lo) : 0;
            draw_hbar(win, y, x, bar, f, ctx->utf8, false);
            x += bar + 1;
        }
        draw_set(win, (DrawStyle){st.attr | A_BOLD, st.pair});
        draw_text_right(win, y, x, r.x + r.cols - tw, b->val, ctx->utf8);
        if (tw && (b->tgt == CFG_TARGET_BELOW || b->tgt == CFG_TARGET_ABOVE)) {
            char mark[64];
            snprintf(mark, sizeof mark, "%s %s", kpitext_target_symbol(b->tgt, ctx->utf8),
                     tw > 2 ? kpitext_target_word(b->tgt) : "");
            draw_set(win, draw_target_style(ctx));
            draw_text(win, y, r.x + r.cols - tw + 1, tw - 1, mark);
        }
    }
}

const WidgetClass w_bars_class = {
    .name = "bars",
    .draw = bars_draw,
    .min_rows = 2,
    .rows_per_kpi = 1,
    .min_cols = 20,
};
