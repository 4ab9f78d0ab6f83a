/* w_alerts.c - the alerts widget: what needs attention now.
 *
 * With an alert engine (ctx->alerts) it lists alert_list(): firing first,
 * each row the severity symbol and word, the state (firing, pending, stale,
 * suppressed, resolved; resolved and suppressed rows dimmed), the rendered
 * summary, who acknowledged it and until when it is silenced, and how long
 * ago its episode began. Without one (widget tests, no engine) it lists
 * coll_issues(): KPIs at crit or warn and feeds down, critical first.
 *
 * When focused a row is selected (the first one until the list keys move
 * it): that is the alert the console's a / s / u keys act on, the
 * alert_list() entry at w->selected. An empty list says so in a calm colour. */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/timefmt.h"
#include "widgets/draw.h"

/* Smallest width left to the summary (or name) before other columns go. */
#define MIN_TEXT_COLS 10

/* One row of the engine's list, formatted before drawing to measure the columns. */
typedef struct {
    const Alert *a;
    char val[KPITEXT_VAL_MAX]; /* the KPI's value the alert last saw ("" for feed rules) */
    char summary[TEXT_CLEAN_MAX];
    char marks[TEXT_CLEAN_MAX];
    char age[32];
} AlertRow;

/* One row of the fallback list (coll_issues). */
typedef struct {
    KpiStatus sev;
    char name[TEXT_CLEAN_MAX];
    char val[KPITEXT_VAL_MAX];
    char age[32];
} IssueRow;

/* The status a severity is drawn with: critical crit, warning warn, info ok. */
static KpiStatus sev_status(Severity s)
{
    return s == SEV_CRITICAL ? KST_CRIT : s == SEV_WARNING ? KST_WARN : KST_OK;
}

/* The severity symbol: ✗ ! i (ASCII x ! i). */
static const char *sev_symbol(Severity s, bool utf8)
{
    return s == SEV_INFO ? "i" : kpitext_status_symbol(sev_status(s), utf8);
}

/* The severity word: "crit" "warn" "info", translated. */
static const char *sev_word(Severity s)
{
    return s == SEV_INFO ? _("info") : kpitext_status_word(sev_status(s));
}

/* The state word of an alert, translated. */
static const char *state_word(AlertState s)
{
    switch (s) {
    case ALERT_PENDING:
        return _("pending");
    case ALERT_FIRING:
        return _("firing");
    case ALERT_SUPPRESSED:
        return _("suppressed");
    case ALERT_STALE:
        return _("stale");
    case ALERT_RESOLVED:
        return _("resolved");
    case ALERT_INACTIVE:
        break;
    }
    return _("inactive");
}

/* Formats the end of a silence: "14:30" today, "11-25 14:30" (Vietnamese
 * "25/11 14:30") on another day. */
static void fmt_until(int64_t until, int64_t now, char *buf, size_t n)
{
    if (timefmt_near(fmt_style(), until, now, false, buf, n) < 0) snprintf(buf, n, "?");
}

/* Formats the row of alert a: summary, marks (ack, silence) and age. */
static void alert_row(AlertRow *r, const Alert *a, const ViewCtx *ctx)
{
    r->a = a;
    r->val[0] = '\0';
    if (a->kpi >= 0 && a->has_value)
        kpitext_value(ctx->coll->kpis[a->kpi].kpi, true, a->value, ctx->utf8, r->val,
                      sizeof r->val);
    text_clean(a->summary, ctx->utf8, r->summary, sizeof r->summary);
    r->marks[0] = '\0';
    size_t len = 0;
    if (a->acked) {
        char who[ALERT_WHO_MAX * 2], comment[ALERT_COMMENT_MAX * 2];
        text_clean(a->ack_by, ctx->utf8, who, sizeof who);
        text_clean(a->ack_comment, ctx->utf8, comment, sizeof comment);
        snprintf(r->marks, sizeof r->marks, _("%s acked by %s"),
                 kpitext_status_symbol(KST_OK, ctx->utf8), who);
        len = strlen(r->marks);
        if (ctx->zoomed && comment[0])
            snprintf(r->marks + len, sizeof r->marks - len, ": %s", comment);
        len = strlen(r->marks);
    }
    if (a->silenced) {
        char until[48];
        fmt_until(a->silenced_until, ctx->now_ms, until, sizeof until);
        snprintf(r->marks + len, sizeof r->marks - len, _("%ssilenced until %s"), len ? "  " : "",
                 until);
    }
    int64_t start = a->active_ms ? a->active_ms : a->fired_ms ? a->fired_ms : a->since_ms;
    r->age[0] = '\0';
    if (start > 0) fmt_age(ctx->now_ms - start, r->age, sizeof r->age);
}

/* Draws the "no alerts" line. */
static void draw_none(WINDOW *win, DrawRect r, const ViewCtx *ctx)
{
    char msg[TEXT_CLEAN_MAX];
    snprintf(msg, sizeof msg, "%s %s", kpitext_status_symbol(KST_OK, ctx->utf8), _("no alerts"));
    draw_set(win, draw_status_style(KST_OK, ctx));
    draw_text_fit(win, r.y, r.x, r.cols, msg, ctx->utf8);
}

/* Draws the panel's frame, titled with the count n of rows, into r; false
 * when there is no room inside, or no buffer (then it says out of memory). */
static bool list_frame(Widget *w, WINDOW *win, const ViewCtx *ctx, size_t n, bool have_buf,
                       DrawRect *r)
{
    char note[32] = "";
    if (n > 0) snprintf(note, sizeof note, "%zu", n);
    *r = draw_frame(win, ctx, draw_title(w, NULL, _("Alerts")), note);
    if (r->rows <= 0 || r->cols <= 0) return false;
    if (!have_buf) {
        draw_text_fit(win, r->y, r->x, r->cols, _("out of memory"), ctx->utf8);
        return false;
    }
    return true;
}

/* Draws the alert engine's list. */
static void engine_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    const AlertEngine *e = ctx->alerts;
    size_t max = alert_count(e);
    size_t list_bytes = (max ? max : 1) * sizeof(const Alert *);
    char *buf = draw_scratch(w, list_bytes + sizeof(AlertRow));
    const Alert **list = (const Alert **)(void *)buf;
    AlertRow *row = buf ? (AlertRow *)(void *)(buf + list_bytes) : NULL;
    size_t n = buf ? alert_list(e, list, max) : 0;
    if (n > max) n = max;
    DrawRect r;
    if (!list_frame(w, win, ctx, n, buf != NULL, &r)) return;
    if (ctx->focused && w->selected < 0 && n > 0) w->selected = 0;
    draw_list_clamp(w, (int)n, r.rows, true);
    if (n == 0) {
        draw_none(win, r, ctx);
        return;
    }
    /* Column widths: the widest severity word, state, value, marks and age
     * shown. Narrow panels keep severity, state, value and age and cut the
     * summary; the marks (ack, silence) go first, and have a column only
     * when some row has one. The value has a column only when a summary
     * (which usually says it) is cut. */
    int ww = 0, sw = 0, vw = 0, mw = 0, aw = 0, sumw = 0, cw;
    for (int s = SEV_INFO; s <= SEV_CRITICAL; s++)
        if ((cw = draw_width(sev_word((Severity)s))) > ww) ww = cw;
    for (int i = 0; i < w->page_rows && w->scroll + i < (int)n; i++) {
        alert_row(row, list[w->scroll + i], ctx);
        if ((cw = draw_width(state_word(row->a->state))) > sw) sw = cw;
        if ((cw = draw_width(row->val)) > vw) vw = cw;
        if ((cw = draw_width(row->summary)) > sumw) sumw = cw;
        if ((cw = draw_width(row->marks)) > mw) mw = cw;
        if ((cw = draw_width(row->age)) > aw) aw = cw;
    }
    if (mw > r.cols / 2) mw = r.cols / 2;
    if (vw > r.cols / 4) vw = r.cols / 4;
    int nw = r.cols - 2 - (ww + 1) - (sw + 1) - (mw ? mw + 1 : 0) - (aw ? aw + 1 : 0);
    if (nw >= sumw) vw = 0; /* the whole summary shows, value included */
    nw -= vw ? vw + 1 : 0;
    if (nw < MIN_TEXT_COLS && mw) { /* narrow: shorter marks, then none */
        int give = MIN_TEXT_COLS - nw < mw ? MIN_TEXT_COLS - nw : mw;
        mw -= give;
        nw += give + (mw == 0 ? 1 : 0);
        if (mw > 0 && mw < 8) { /* a stub says nothing */
            nw += mw + 1;
            mw = 0;
        }
    }
    if (nw < 4 && aw) { /* very narrow: no age, then no state */
        nw += aw + 1;
        aw = 0;
    }
    if (nw < 4 && sw) {
        nw += sw + 1;
        sw = 0;
    }
    if (nw < 0) nw = 0;
    for (int i = 0; i < w->page_rows && w->scroll + i < (int)n; i++) {
        int y = r.y + i, x = r.x, idx = w->scroll + i;
        alert_row(row, list[idx], ctx);
        const Alert *a = row->a;
        Severity sev = a->rule->severity;
        bool sel = ctx->focused && idx == w->selected;
        bool dim = a->state == ALERT_RESOLVED || a->state == ALERT_SUPPRESSED;
        attr_t extra = sel ? A_REVERSE : 0;
        DrawStyle faint = draw_style(ctx, DRAW_PAIR_STALE, (sel ? 0 : A_DIM) | extra);
        if (sel) { /* the selected row: reversed across the panel */
            draw_set(win, draw_style(ctx, 0, A_REVERSE));
            mvwhline(win, y, r.x, ' ', r.cols);
        }
        DrawStyle st = draw_status_style(sev_status(sev), ctx);
        if (sev == SEV_INFO) st = draw_style(ctx, 0, A_NORMAL);
        draw_set(win, dim ? faint : (DrawStyle){st.attr ^ extra, st.pair});
        draw_text(win, y, x, 1, sev_symbol(sev, ctx->utf8));
        draw_text_fit(win, y, x + 2, ww, sev_word(sev), ctx->utf8);
        x += 2 + ww + 1;
        if (sw) {
            bool grey = dim || a->state == ALERT_STALE;
            draw_set(win,
                     grey ? faint
                          : draw_style(ctx, 0, (a->state == ALERT_FIRING ? A_BOLD : 0) | extra));
            draw_text_fit(win, y, x, sw, state_word(a->state), ctx->utf8);
            x += sw + 1;
        }
        if (vw) {
            draw_set(win, dim ? faint : draw_style(ctx, 0, A_BOLD | extra));
            draw_text_right(win, y, x, x + vw, row->val, ctx->utf8);
            x += vw + 1;
        }
        draw_set(win, dim ? faint : draw_style(ctx, 0, extra));
        draw_text_fit(win, y, x, nw, row->summary, ctx->utf8);
        x += nw + 1;
        if (mw) {
            draw_set(win, dim ? faint : draw_style(ctx, 0, extra));
            draw_text_fit(win, y, x, mw, row->marks, ctx->utf8);
            x += mw + 1;
        }
        if (aw) {
            draw_set(win, faint);
            draw_text_right(win, y, x, x + aw, row->age, ctx->utf8);
        }
    }
}

/* Formats the row of issue is. */
static void issue_row(IssueRow *r, const CollIssue *is, const ViewCtx *ctx)
{
    const Collector *a = ctx->coll;
    r->sev = is->severity;
    if (is->kpi >= 0) {
        const CollKpi *ak = &a->kpis[is->kpi];
        CollKpiView v;
        coll_kpi_view(a, (size_t)is->kpi, ctx->at_ms, &v);
        text_clean(cfg_kpi_label(ak->kpi), ctx->utf8, r->name, sizeof r->name);
        kpitext_value(ak->kpi, v.has_value, v.value, ctx->utf8, r->val, sizeof r->val);
    } else {
        text_clean(cfg_feed_label(&a->cfg->feeds[is->feed_idx]), ctx->utf8, r->name,
                   sizeof r->name);
        snprintf(r->val, sizeof r->val, "%s", kpitext_feed_word(a->feeds[is->feed_idx].state));
    }
    r->age[0] = '\0';
    if (is->since_ms > 0) fmt_age(ctx->at_ms - is->since_ms, r->age, sizeof r->age);
}

/* Draws the list of coll_issues() (no alert engine), or in history the KPIs
 * at crit or warn at the moment shown (draw_issues_at()). */
static void issues_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    const Collector *a = ctx->coll;
    size_t max = a->n_kpis + a->cfg->n_feeds;
    size_t issues_bytes = (max ? max : 1) * sizeof(CollIssue);
    char *buf = draw_scratch(w, issues_bytes + sizeof(IssueRow));
    CollIssue *is = (CollIssue *)(void *)buf;
    IssueRow *row = buf ? (IssueRow *)(void *)(buf + issues_bytes) : NULL;
    size_t n = !buf           ? 0
               : ctx->history ? draw_issues_at(a, ctx->at_ms, is, max)
                              : coll_issues(a, is, max);
    if (n > max) n = max;
    DrawRect r;
    if (!list_frame(w, win, ctx, n, buf != NULL, &r)) return;
    draw_list_clamp(w, (int)n, r.rows, true);
    if (n == 0) {
        draw_none(win, r, ctx);
        return;
    }
    /* Column widths: severity word, value and age as the widest shown. */
    int ww = draw_width(kpitext_status_word(KST_CRIT)), vw = 0, aw = 0;
    if (draw_width(kpitext_status_word(KST_WARN)) > ww)
        ww = draw_width(kpitext_status_word(KST_WARN));
    for (int i = 0; i < w->page_rows && w->scroll + i < (int)n; i++) {
        issue_row(row, &is[w->scroll + i], ctx);
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
        issue_row(row, &is[idx], ctx);
        bool sel = ctx->focused && idx == w->selected;
        DrawStyle st = draw_status_style(row->sev, ctx);
        if (sel) {
            draw_set(win, draw_style(ctx, 0, A_REVERSE));
            mvwhline(win, y, r.x, ' ', r.cols);
        }
        attr_t extra = sel ? A_REVERSE : 0;
        draw_set(win, (DrawStyle){st.attr ^ extra, st.pair});
        draw_text(win, y, x, 1, kpitext_status_symbol(row->sev, ctx->utf8));
        draw_text_fit(win, y, x + 2, ww, kpitext_status_word(row->sev), ctx->utf8);
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

/* Draws the alerts panel: the engine's alerts (live), or the Collector's
 * issues without one or in history (the engine knows only now). */
static void alerts_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    if (ctx->alerts && !ctx->history)
        engine_draw(w, win, ctx);
    else
        issues_draw(w, win, ctx);
}

const WidgetClass w_alerts_class = {
    .name = "alerts",
    .draw = alerts_draw,
    .min_rows = 4,
    .min_cols = 24,
    .list = WIDGET_LIST_SELECT,
};
