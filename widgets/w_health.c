/* w_health.c - the health widget: one row per feed with its state (symbol
 * and word: ok, slow, down, bad-data, pending), name, age of its last data,
 * latency and last error (sanitised, cut). Scrolls with the list keys. At
 * the bottom, a line counts samples retimed after a wall-clock step back or
 * rejected, and with notify targets a footer counts their deliveries:
 * "notify: 12 sent, 3 failed, 1 queued – HTTP 500". In history each row
 * shows the feed as of the moment shown (coll_feed_view(): up or down from
 * its stored values, the age of its data then; polls are not stored, so no
 * latency or error). */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "widgets/draw.h"

/* Widths of the columns. */
typedef struct {
    int word, name, age, lat;
    bool errors; /* some feed has an error to show */
} HealthCols;

/* What the row of a feed shows. */
typedef struct {
    FeedStateKind state;
    int64_t last_ok_ms, latency_ms; /* 0: no data yet; -1: no latency */
    const char *error;              /* "" when none */
    int64_t at_ms;                  /* the moment the age counts to */
} HealthShown;

/* What feed f's row shows: its live status, or in history its view at the
 * moment shown (coll_feed_view()). */
static void health_shown(const ViewCtx *ctx, size_t f, HealthShown *s)
{
    const FeedStatus *fs = &ctx->coll->feeds[f];
    if (!ctx->history) {
        *s = (HealthShown){fs->state, fs->last_ok_ms, fs->latency_ms, fs->error, ctx->now_ms};
        return;
    }
    CollFeedView v;
    coll_feed_view(ctx->coll, f, ctx->at_ms, &v);
    *s = (HealthShown){v.state, v.last_ms, -1, "", ctx->at_ms};
}

/* The age of a feed's last data ("4m"), or "-" when it never had any. */
static void health_age(const HealthShown *s, char *buf, size_t n)
{
    if (s->last_ok_ms <= 0)
        snprintf(buf, n, "-");
    else
        fmt_age(s->at_ms - s->last_ok_ms, buf, n);
}

/* The latency of a feed ("120 ms"), or "-" when none. */
static void health_latency(const HealthShown *s, char *buf, size_t n)
{
    char num[FMT_NUM_MAX];
    if (s->latency_ms < 0) {
        snprintf(buf, n, "-");
        return;
    }
    fmt_number((double)s->latency_ms, 0, num, sizeof num);
    snprintf(buf, n, _("%s ms"), num);
}

/* Measures the columns over all feeds. */
static void health_measure(const ViewCtx *ctx, HealthCols *c)
{
    const Collector *a = ctx->coll;
    char buf[TEXT_CLEAN_MAX];
    memset(c, 0, sizeof *c);
    for (size_t f = 0; f < a->cfg->n_feeds; f++) {
        HealthShown s;
        health_shown(ctx, f, &s);
        int cw;
        if ((cw = draw_width(kpitext_feed_word(s.state))) > c->word) c->word = cw;
        text_clean(cfg_feed_label(&a->cfg->feeds[f]), ctx->utf8, buf, sizeof buf);
        if ((cw = draw_width(buf)) > c->name) c->name = cw;
        health_age(&s, buf, sizeof buf);
        if ((cw = draw_width(buf)) > c->age) c->age = cw;
        health_latency(&s, buf, sizeof buf);
        if ((cw = draw_width(buf)) > c->lat) c->lat = cw;
        if (s.error[0]) c->errors = true;
    }
}

/* Draws the row of feed f at y. */
static void health_row(WINDOW *win, int y, DrawRect r, const HealthCols *c, size_t f,
                       const ViewCtx *ctx)
{
    const Collector *a = ctx->coll;
    HealthShown s;
    health_shown(ctx, f, &s);
    char buf[TEXT_CLEAN_MAX];
    int x = r.x, end = r.x + r.cols;
    DrawStyle st = draw_status_style(kpitext_feed_status(s.state), ctx);
    draw_set(win, st);
    draw_text(win, y, x, 1, kpitext_status_symbol(kpitext_feed_status(s.state), ctx->utf8));
    draw_text_fit(win, y, x + 2, c->word, kpitext_feed_word(s.state), ctx->utf8);
    x += 2 + c->word + 1;
    draw_set(win, draw_style(ctx, 0, A_NORMAL));
    draw_text_fit(win, y, x, c->name,
                  text_clean(cfg_feed_label(&a->cfg->feeds[f]), ctx->utf8, buf, sizeof buf),
                  ctx->utf8);
    x += c->name + 1;
    bool old = !feedstate_is_up(s.state);
    if (c->age) {
        health_age(&s, buf, sizeof buf);
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, old ? A_DIM : A_NORMAL));
        draw_text_right(win, y, x, x + c->age, buf, ctx->utf8);
        x += c->age + 1;
    }
    if (c->lat) {
        health_latency(&s, buf, sizeof buf);
        draw_set(win, draw_style(ctx, 0, A_NORMAL));
        draw_text_right(win, y, x, x + c->lat, buf, ctx->utf8);
        x += c->lat + 1;
    }
    if (s.error[0] && x < end) {
        draw_set(win, st);
        draw_text_fit(win, y, x + 1, end - x - 1, text_clean(s.error, ctx->utf8, buf, sizeof buf),
                      ctx->utf8);
    }
}

/* Draws on row y the samples the Collector retimed (the wall clock went back) or
 * the store rejected, when there are any; false when there are none. */
static bool health_samples(WINDOW *win, int y, DrawRect r, const ViewCtx *ctx)
{
    uint64_t retimed, rejected;
    coll_sample_counts(ctx->coll, &retimed, &rejected);
    if (retimed == 0 && rejected == 0) return false;
    char line[TEXT_CLEAN_MAX];
    snprintf(line, sizeof line, _("samples: %llu re-timed (clock went back), %llu rejected"),
             (unsigned long long)retimed, (unsigned long long)rejected);
    draw_set(win, draw_style(ctx, DRAW_PAIR_WARN, A_BOLD));
    draw_text_fit(win, y, r.x, r.cols, line, ctx->utf8);
    return true;
}

/* Draws the notify footer at row y: the delivery counters over all targets,
 * and the newest failure while a target is failing (warn style then). */
static void health_notify(WINDOW *win, int y, DrawRect r, const ViewCtx *ctx)
{
    NotifyStats t;
    notify_totals(ctx->notifier, &t);
    char line[TEXT_CLEAN_MAX + 200], err[TEXT_CLEAN_MAX];
    int n = snprintf(line, sizeof line, _("notify: %llu sent, %llu failed, %zu queued"),
                     (unsigned long long)t.sent, (unsigned long long)t.failed, t.queued);
    if (t.dropped && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, _(", %llu dropped"),
                      (unsigned long long)t.dropped);
    if (t.last_error[0] && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, " %s %s", ctx->utf8 ? "\xE2\x80\x93" : "-",
                 text_clean(t.last_error, ctx->utf8, err, sizeof err));
    bool bad = t.last_error[0] || t.dropped;
    draw_set(win, bad ? draw_status_style(KST_WARN, ctx) : draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
    draw_text_fit(win, y, r.x, r.cols, line, ctx->utf8);
}

/* Draws the health panel. */
static void health_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    const Collector *a = ctx->coll;
    int n = (int)a->cfg->n_feeds;
    char note[48];
    size_t up = 0;
    for (size_t f = 0; f < (size_t)n; f++) {
        HealthShown s;
        health_shown(ctx, f, &s);
        up += feedstate_is_up(s.state) ? 1 : 0;
    }
    snprintf(note, sizeof note, _("%zu/%d up"), up, n);
    DrawRect r = draw_frame(win, ctx, draw_title(w, NULL, _("Feeds")), note);
    if (r.rows <= 0 || r.cols <= 0) return;
    if (ctx->notifier && notify_count(ctx->notifier) > 0 && r.rows >= 2) {
        health_notify(win, r.y + r.rows - 1, r, ctx); /* the last row; the feeds get the rest */
        r.rows--;
    }
    if (r.rows > 1 && health_samples(win, r.y + r.rows - 1, r, ctx)) r.rows--;
    draw_list_clamp(w, n, r.rows, false);
    if (n == 0) {
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
        draw_text_fit(win, r.y, r.x, r.cols, _("no feeds"), ctx->utf8);
        return;
    }
    HealthCols c;
    health_measure(ctx, &c);
    /* A narrow panel drops latency, then age; when some feed has an error,
     * the name leaves it half of the rest (at least 12 columns). */
    int fixed = 2 + c.word + 1 + c.age + 1 + c.lat + 1;
    if (r.cols - fixed < 8) {
        fixed -= c.lat + 1;
        c.lat = 0;
    }
    if (r.cols - fixed < 8) {
        fixed -= c.age + 1;
        c.age = 0;
    }
    int room = r.cols - fixed;
    int name_max = c.errors ? room - (room / 2 > 12 ? room / 2 : 12) : room;
    if (name_max < 8) name_max = room;
    if (c.name > name_max) c.name = name_max;
    if (c.name < 0) c.name = 0;
    for (int i = 0; i < w->page_rows && w->scroll + i < n; i++)
        health_row(win, r.y + i, r, &c, (size_t)(w->scroll + i), ctx);
}

const WidgetClass w_health_class = {
    .name = "health",
    .draw = health_draw,
    .min_rows = 4,
    .min_cols = 24,
    .list = WIDGET_LIST_SCROLL,
};
