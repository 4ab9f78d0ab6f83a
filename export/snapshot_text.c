/* snapshot_text.c - a snapshot as a table for a person at a shell: a title,
 * one line per feed followed by its KPI rows, and a summary. Columns are
 * aligned by display width (Vietnamese names, combining marks); status is
 * shown by a word and a symbol, never by colour alone (docs/snapshot.md). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "export/snapshot_internal.h"
#include "base/timefmt.h"
#include "base/fmt.h"
#include "core/kpitext.h"
#include "base/text.h"

#define ID_COLS       20  /* widest feed id shown */
#define NAME_COLS     40  /* widest feed or KPI name shown */
#define UNIT_COLS     12  /* widest unit shown */
#define ERROR_COLS    100 /* widest error shown */
#define CELL_MAX      (4 * ERROR_COLS + 16)
#define SNAP_LINE_MAX 4096

/* Column widths of the table. */
typedef struct {
    int id, fname, state, latency;        /* feed lines */
    int kname, value, unit, target, word; /* KPI rows */
} Widths;

/* A line being assembled (cut at SNAP_LINE_MAX - 1 bytes). */
typedef struct {
    char buf[SNAP_LINE_MAX];
    size_t len;
} Line;

/* Appends s to l. */
static void line_add(Line *l, const char *s)
{
    size_t n = strlen(s);
    if (n > sizeof l->buf - 1 - l->len) n = sizeof l->buf - 1 - l->len;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    l->buf[l->len] = '\0';
}

/* Appends s sanitised and padded to cols columns. */
static void line_cell(Line *l, const char *s, int cols, TextAlign align)
{
    char clean[SNAP_STR_MAX], cell[CELL_MAX];
    text_pad(text_clean(s, true, clean, sizeof clean), cols, align, cell, sizeof cell);
    line_add(l, cell);
}

/* Writes l without trailing spaces, then a newline. */
static void line_put(Line *l, FILE *out)
{
    while (l->len > 0 && l->buf[l->len - 1] == ' ')
        l->buf[--l->len] = '\0';
    fputs(l->buf, out);
    fputc('\n', out);
    l->len = 0;
    l->buf[0] = '\0';
}

/* Display width of s once sanitised, at most cap. */
static int clean_width(const char *s, int cap)
{
    char clean[SNAP_STR_MAX];
    int w = text_width(text_clean(s, true, clean, sizeof clean));
    return w < cap ? w : cap;
}

/* The value cell of a KPI: formatted number (scaled to a named unit) or
 * "-". */
static void value_cell(const SnapKpi *sk, char *buf, size_t n)
{
    char unit[TEXT_CLEAN_MAX];
    if (sk->has_value)
        kpitext_number_unit(sk->kpi, sk->value, true, buf, n, unit, sizeof unit);
    else
        snprintf(buf, n, "-");
}

/* The unit cell of a KPI: the symbol its value is shown with ("GiB"), or
 * its unit as configured. */
static void unit_cell(const SnapKpi *sk, char *buf, size_t n)
{
    char num[FMT_NUM_MAX];
    kpitext_number_unit(sk->kpi, sk->has_value ? sk->value : 0, true, num, sizeof num, buf, n);
}

/* The target cell of a KPI: "target 80" or "". */
static void target_cell(const CfgKpi *k, char *buf, size_t n)
{
    char num[64];

    buf[0] = '\0';
    if (k->has_target) {
        kpitext_target_number(k, true, num, sizeof num);
        snprintf(buf, n, _("target %s"), num);
    }
}

/* The latency cell of a feed: "120 ms" or "-". */
static void latency_cell(const FeedStatus *st, char *buf, size_t n)
{
    char num[64];

    if (st->latency_ms < 0) {
        snprintf(buf, n, "-");
        return;
    }
    fmt_number((double)st->latency_ms, 0, num, sizeof num);
    snprintf(buf, n, _("%s ms"), num);
}

/* The status cell of a KPI: its word, and a missed target's mark and words
 * ("ok ▼ below target"; not for a stale value). */
static void status_cell(const SnapKpi *sk, bool utf8, char *buf, size_t n)
{
    CfgTarget t = sk->status == KST_STALE ? CFG_TARGET_NONE
                                          : cfg_kpi_target(sk->kpi, sk->has_value, sk->value);
    kpitext_status_target(sk->status, t, utf8, buf, n);
}

/* Measures every column. */
static void measure(const Snapshot *s, Widths *w)
{
    char cell[128];

    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        int cw;
        if ((cw = clean_width(sf->feed->id, ID_COLS)) > w->id) w->id = cw;
        if ((cw = clean_width(cfg_feed_label(sf->feed), NAME_COLS)) > w->fname) w->fname = cw;
        if ((cw = text_width(feedstate_name(sf->status.state))) > w->state) w->state = cw;
        latency_cell(&sf->status, cell, sizeof cell);
        if ((cw = text_width(cell)) > w->latency) w->latency = cw;
        for (size_t k = 0; k < sf->feed->n_kpis; k++) {
            const SnapKpi *sk = &sf->kpis[k];
            if ((cw = clean_width(cfg_kpi_label(sk->kpi), NAME_COLS)) > w->kname) w->kname = cw;
            value_cell(sk, cell, sizeof cell);
            if ((cw = text_width(cell)) > w->value) w->value = cw;
            unit_cell(sk, cell, sizeof cell);
            if ((cw = clean_width(cell, UNIT_COLS)) > w->unit) w->unit = cw;
            target_cell(sk->kpi, cell, sizeof cell);
            if ((cw = text_width(cell)) > w->target) w->target = cw;
            status_cell(sk, true, cell, sizeof cell);
            if ((cw = text_width(cell)) > w->word) w->word = cw;
        }
    }
}

/* Writes the title: centre name, local time with offset, time zone. */
static void put_title(const Snapshot *s, FILE *out)
{
    char when[TIMEFMT_SIZE] = "", clean[SNAP_STR_MAX];
    Line l = {.len = 0};

    /* "2026-11-25 18:30:05 +07:00", Vietnamese "25/11/2026 18:30:05 +07:00" */
    timefmt_datetime(fmt_style(), s->taken_at_ms, true, when, sizeof when);
    line_add(&l, text_clean(s->cfg->name ? s->cfg->name : "ioc", true, clean, sizeof clean));
    line_add(&l, "  ");
    line_add(&l, when);
    line_add(&l, "  ");
    line_add(&l, text_clean(s->cfg->timezone, true, clean, sizeof clean));
    line_put(&l, out);
    fputc('\n', out);
}

/* Writes the line of one feed: id, name, state, latency, error. */
static void put_feed(const Snapshot *s, const SnapFeed *sf, const Widths *w, FILE *out)
{
    const FeedStatus *st = &sf->status;
    char cell[128];
    Line l = {.len = 0};

    line_cell(&l, sf->feed->id, w->id, TEXT_LEFT);
    line_add(&l, "  ");
    line_cell(&l, cfg_feed_label(sf->feed), w->fname, TEXT_LEFT);
    line_add(&l, "  ");
    line_cell(&l, feedstate_name(st->state), w->state, TEXT_LEFT);
    line_add(&l, "  ");
    latency_cell(st, cell, sizeof cell);
    line_cell(&l, cell, w->latency, TEXT_RIGHT);
    line_add(&l, "  ");
    if (st->error[0]) {
        char clean[SNAP_STR_MAX], cut[CELL_MAX];
        text_truncate(text_clean(st->error, true, clean, sizeof clean), ERROR_COLS, cut,
                      sizeof cut);
        line_add(&l, cut);
    }
    if (!feedstate_is_up(st->state) && st->last_ok_ms > 0 && s->taken_at_ms >= st->last_ok_ms) {
        char age[TIMEFMT_SIZE], msg[128];
        fmt_age(s->taken_at_ms - st->last_ok_ms, age, sizeof age);
        snprintf(msg, sizeof msg, _("last ok %s ago"), age);
        line_add(&l, st->error[0] ? "; " : "");
        line_add(&l, msg);
    }
    line_put(&l, out);
}

/* Writes the row of one KPI: symbol, name, value, unit, target, status. */
static void put_kpi(const SnapKpi *sk, const Widths *w, bool utf8, FILE *out)
{
    char cell[128];
    Line l = {.len = 0};

    line_add(&l, "  ");
    line_add(&l, kpitext_status_symbol(sk->status, utf8));
    line_add(&l, " ");
    line_cell(&l, cfg_kpi_label(sk->kpi), w->kname, TEXT_LEFT);
    line_add(&l, "  ");
    value_cell(sk, cell, sizeof cell);
    line_cell(&l, cell, w->value, TEXT_RIGHT);
    line_add(&l, " ");
    unit_cell(sk, cell, sizeof cell);
    line_cell(&l, cell, w->unit, TEXT_LEFT);
    line_add(&l, "  ");
    target_cell(sk->kpi, cell, sizeof cell);
    line_cell(&l, cell, w->target, TEXT_LEFT);
    line_add(&l, "  ");
    status_cell(sk, utf8, cell, sizeof cell);
    line_cell(&l, cell, w->word, TEXT_LEFT);
    if (sk->error[0]) {
        char clean[SNAP_STR_MAX], cut[CELL_MAX];
        line_add(&l, "  ");
        text_truncate(text_clean(sk->error, true, clean, sizeof clean), ERROR_COLS, cut,
                      sizeof cut);
        line_add(&l, cut);
    }
    line_put(&l, out);
}

int snap_write_text(const void *obj, FILE *out)
{
    const Snapshot *s = obj;
    bool utf8 = text_utf8_locale();
    SnapSummary sum;
    Widths w;

    measure(s, &w);
    put_title(s, out);
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        put_feed(s, sf, &w, out);
        for (size_t k = 0; k < sf->feed->n_kpis; k++)
            put_kpi(&sf->kpis[k], &w, utf8, out);
    }
    snap_summarize(s, &sum);
    fputc('\n', out);
    fprintf(out,
            _("%zu feeds (%zu up), %zu KPIs: %zu ok, %zu warn, %zu crit, %zu stale, %zu none\n"),
            sum.feeds, sum.feeds_up, sum.kpis, sum.ok, sum.warn, sum.crit, sum.stale, sum.none);
    return 0;
}
