/* w_alerts.c - the alerts widget: what needs attention now (app_issues()),
 * critical first: severity symbol and word, KPI or feed name, value, age.
 * When focused a row can be selected with the list keys. An empty list says
 * so in a calm colour. */
#include <stdio.h>
#include <string.h>

#include "ioc/i18n.h"
#include "widgets/draw.h"

/* One row, formatted before drawing to measure the columns. */
typedef struct {
    KpiStatus sev;
    char name[DRAW_NAME_MAX];
    char val[DRAW_VAL_MAX];
    char age[32];
} AlertRow;

/* Formats the row of issue is. */
static void alert_row(AlertRow *r, const AppIssue *is, const ViewCtx *ctx)
{
    const App *a = ctx->app;
    r->sev = is->severity;
    if (is->kpi >= 0) {
        const AppKpi *ak = &a->kpis[is->kpi];
        AppKpiView v;
        app_kpi_view(a, (size_t)is->kpi, ctx->now_ms, &v);
        draw_clean(ak->kpi->name, ctx->utf8, r->name, sizeof r->name);
        draw_fmt_value(ak->kpi, v.has_value, v.value, ctx->utf8, r->val, sizeof r->val);
    } else {
        draw_clean(a->cfg->feeds[is->feed_idx].name, ctx->utf8, r->name, sizeof r->name);
        snprintf(r->val, sizeof r->val, "%s", draw_feed_word(a->feeds[is->feed_idx].state));
    }
    r->age[0] = '\0';
    if (is->since_ms > 0) draw_fmt_age(ctx->now_ms - is->since_ms, r->age, sizeof r->age);
}

/* Draws the alerts panel. */
static void alerts_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    const App *a = ctx->app;
    size_t max = a->n_kpis + a->cfg->n_feeds;
    size_t issues_bytes = (max ? max : 1) * sizeof(AppIssue);
    char *buf = draw_scratch(w, issues_bytes + sizeof(AlertRow));
    AppIssue *is = (AppIssue *)(void *)buf;
    AlertRow *row = buf ? (AlertRow *)(void *)(buf + issues_bytes) : NULL;
    size_t n = buf ? app_issues(a, is, max) : 0;
    if (n > max) n = max;
    char note[32] = "";
    if (n > 0) snprintf(note, sizeof note, "%zu", n);
    DrawRect r = draw_frame(win, ctx, draw_title(w, NULL, _("Alerts")), note);
    if (r.rows <= 0 || r.cols <= 0) return;
    if (!buf) {
        draw_text_fit(win, r.y, r.x, r.cols, _("out of memory"), ctx->utf8);
        return;
    }
    draw_list_clamp(w, (int)n, r.rows, true);
    if (n == 0) {
        char msg[DRAW_NAME_MAX];
        snprintf(msg, sizeof msg, "%s %s", draw_status_symbol(KST_OK, ctx->utf8), _("no alerts"));
        draw_set(win, draw_status_style(KST_OK, ctx));
        draw_text_fit(win, r.y, r.x, r.cols, msg, ctx->utf8);
        return;
    }
    /* Column widths: severity word, value and age as the widest shown. */
    int ww = draw_width(draw_status_word(KST_CRIT)), vw = 0, aw = 0;
    if (draw_width(draw_status_word(KST_WARN)) > ww) ww = draw_width(draw_status_word(KST_WARN));
    for (int i = 0; i < w->page_rows && w->scroll + i < (int)n; i++) {
        alert_row(row, &is[w->scroll + i], ctx);
        int cw;
        if ((cw = draw_width(row->val)) > vw) vw = cw;
        if ((cw = draw_width(row->age)) > aw) aw = cw;
    }
    if (vw > r.cols / 3) vw = r.cols / 3;
    int nw = r.cols - 2 - (ww + 1) - (vw + 1) - (aw ? aw + 1 : 0);
    if (nw < 6) { /* narrow: no age, then no value */
        nw += aw ? aw + 1 : 0;
        aw = 0;
    }
    if (nw < 6) {
        nw += vw + 1;
        vw = 0;
    }
    for (int i = 0; i < w->page_rows && w->scroll + i < (int)n; i++) {
        int y = r.y + i, x = r.x, idx = w->scroll + i;
        alert_row(row, &is[idx], ctx);
        bool sel = ctx->focused && idx == w->selected;
        DrawStyle st = draw_status_style(row->sev, ctx);
        if (sel) { /* the selected row: reversed across the panel */
            draw_set(win, draw_style(ctx, 0, A_REVERSE));
            mvwhline(win, y, r.x, ' ', r.cols);
        }
        attr_t extra = sel ? A_REVERSE : 0;
        draw_set(win, (DrawStyle){st.attr ^ extra, st.pair});
        draw_text(win, y, x, 1, draw_status_symbol(row->sev, ctx->utf8));
        draw_text_fit(win, y, x + 2, ww, draw_status_word(row->sev), ctx->utf8);
        x += 2 + ww + 1;
        draw_set(win, draw_style(ctx, 0, extra));
        draw_text_fit(win, y, x, nw, row->name, ctx->utf8);
        x += nw + 1;
        if (vw) {
            draw_set(win, draw_style(ctx, 0, A_BOLD | extra));
            draw_text_right(win, y, x, x + vw, row->val, ctx->utf8);
            x += vw + 1;
        }
        if (aw) {
            draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, (sel ? 0 : A_DIM) | extra));
            draw_text_right(win, y, x, x + aw, row->age, ctx->utf8);
        }
    }
}

/* Smallest useful size: two alerts inside the border. */
static void alerts_min_size(const Widget *w, int *rows, int *cols)
{
    *rows = 4;
    *cols = 24;
}

/* Moves the selection with the list keys. */
static bool alerts_key(Widget *w, int key, const ViewCtx *ctx)
{
    return draw_list_key(w, key, true);
}

const WidgetClass w_alerts_class = {
    .name = "alerts",
    .draw = alerts_draw,
    .min_size = alerts_min_size,
    .key = alerts_key,
};
