/* report_text.c - a report as text for a terminal: a title, then tables of
 * KPIs (grouped by feed), feeds and alerts, columns aligned by display width
 * (Vietnamese names, combining marks) and cut with an ellipsis when too wide.
 * Status is a symbol and a word, never colour (docs/report.md). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "base/text.h"
#include "export/report_internal.h"

#define TCOLS     12 /* most columns of a table */
#define CELL_COLS 48 /* widest cell shown */
#define SUMM_COLS 72 /* widest alert summary shown */
#define CELL_MAX  (4 * SUMM_COLS + 16)

/* One row: cells (owned, sanitised), or a heading line spanning the table. */
typedef struct {
    char *cell[TCOLS];
    bool heading;
} Row;

/* A table being filled, then measured and written. */
typedef struct {
    Row *rows;
    size_t n, cap;
    int ncols;
    TextAlign align[TCOLS];
    int cap_cols[TCOLS]; /* widest shown per column */
    bool oom;
} Table;

/* Starts a table of ncols columns, all left-aligned, cut at CELL_COLS. */
static void table_init(Table *t, int ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    for (int c = 0; c < TCOLS; c++)
        t->cap_cols[c] = CELL_COLS;
}

/* Frees a table's rows. */
static void table_done(Table *t)
{
    for (size_t i = 0; i < t->n; i++)
        for (int c = 0; c < TCOLS; c++)
            free(t->rows[i].cell[c]);
    free(t->rows);
    memset(t, 0, sizeof *t);
}

/* Appends a row of t->ncols cells (NULL gives ""), or a heading (cells[0]). */
static void table_add(Table *t, bool heading, const char *const *cells)
{
    if (t->oom) return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        Row *rows = realloc(t->rows, cap * sizeof *rows);
        if (!rows) {
            t->oom = true;
            return;
        }
        t->rows = rows;
        t->cap = cap;
    }
    Row *row = &t->rows[t->n];
    memset(row, 0, sizeof *row);
    row->heading = heading;
    for (int c = 0; c < (heading ? 1 : t->ncols); c++) {
        row->cell[c] = text_sanitize_dup(cells[c] ? cells[c] : "", REP_STR_MAX);
        if (!row->cell[c]) {
            for (int d = 0; d < c; d++)
                free(row->cell[d]);
            t->oom = true;
            return;
        }
    }
    t->n++;
}

/* Writes line (trailing spaces dropped) and a newline. */
static void put_line(char *line, size_t len, FILE *out)
{
    while (len > 0 && line[len - 1] == ' ')
        line[--len] = '\0';
    fputs(line, out);
    fputc('\n', out);
}

/* Writes the table, columns padded to their widest cell; rows indented by
 * indent spaces, headings not. Returns -1 when a row failed to allocate. */
static int table_put(Table *t, int indent, FILE *out)
{
    int w[TCOLS] = {0};
    char cell[CELL_MAX];

    if (t->oom) {
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (t->rows[i].heading) continue;
        for (int c = 0; c < t->ncols; c++) {
            int cw = text_width(t->rows[i].cell[c]);
            if (cw > t->cap_cols[c]) cw = t->cap_cols[c];
            if (cw > w[c]) w[c] = cw;
        }
    }
    for (size_t i = 0; i < t->n; i++) {
        const Row *row = &t->rows[i];
        char line[TCOLS * CELL_MAX + 64];
        size_t len = 0;
        if (row->heading) {
            text_truncate(row->cell[0], 2 * CELL_COLS, cell, sizeof cell);
            fputs(cell, out);
            fputc('\n', out);
            continue;
        }
        for (int s = 0; s < indent; s++)
            line[len++] = ' ';
        for (int c = 0; c < t->ncols; c++) {
            if (c > 0) {
                memcpy(line + len, "  ", 2);
                len += 2;
            }
            text_pad(row->cell[c], w[c], t->align[c], cell, sizeof cell);
            size_t cl = strlen(cell);
            memcpy(line + len, cell, cl);
            len += cl;
        }
        line[len] = '\0';
        put_line(line, len, out);
    }
    return 0;
}

/* Writes the title: centre and report name, then date, zone, generated. */
static void put_title(const Report *r, FILE *out)
{
    char a[REP_STR_MAX], b[REP_STR_MAX], iso[REP_NUM_MAX], day[REP_NUM_MAX];

    fprintf(out, "%s \u2014 %s\n", text_clean(r->centre ? r->centre : "ioc", true, a, sizeof a),
            rep_title());
    fprintf(out, _("%s  %s  generated %s\n"), rep_fmt_day(r, day, sizeof day),
            text_clean(r->timezone, true, b, sizeof b),
            rep_fmt_when(r->generated_ms, iso, sizeof iso));
}

/* Adds the row of one KPI. */
static void kpi_row(Table *t, const ReportKpi *k)
{
    char last[REP_NUM_MAX], mn[REP_NUM_MAX], avg[REP_NUM_MAX], mx[REP_NUM_MAX];
    char target[REP_NUM_MAX] = "", met[128], warn[REP_NUM_MAX] = "", crit[REP_NUM_MAX] = "";
    char samples[32];

    if (k->has_target) rep_fmt_value(k, k->target, target, sizeof target);
    snprintf(met, sizeof met, "%s %s", rep_met_symbol(k->met), rep_met_word(k));
    snprintf(samples, sizeof samples, "%zu", k->samples);
    if (k->has_value && k->samples > 0) {
        rep_fmt_value(k, k->last, last, sizeof last);
        rep_fmt_value(k, k->min, mn, sizeof mn);
        rep_fmt_value(k, k->avg, avg, sizeof avg);
        rep_fmt_value(k, k->max, mx, sizeof mx);
        rep_fmt_share(k->warn_share, warn, sizeof warn);
        rep_fmt_share(k->crit_share, crit, sizeof crit);
    } else {
        snprintf(last, sizeof last, "%s", _("no data"));
        mn[0] = avg[0] = mx[0] = '\0';
    }
    const char *cells[] = {rep_kpi_label(k), last, mn,   avg,  mx,     rep_unit(k),
                           target,           met,  warn, crit, samples};
    table_add(t, false, cells);
}

/* Writes the KPI section, grouped by feed. */
static int put_kpis(const Report *r, FILE *out)
{
    Table t;
    int rc;

    fprintf(out, "\n%s\n", _("KPIs"));
    if (r->n_kpis == 0) {
        fprintf(out, "  %s\n", _("no KPIs"));
        return 0;
    }
    table_init(&t, 11);
    for (int c = 1; c <= 4; c++)
        t.align[c] = TEXT_RIGHT;
    t.align[6] = t.align[8] = t.align[9] = t.align[10] = TEXT_RIGHT;
    t.cap_cols[5] = 16;
    const char *head[] = {_("KPI"),    _("last"), _("min"),  _("avg"),  _("max"),    _("unit"),
                          _("target"), _("met"),  _("warn"), _("crit"), _("samples")};
    table_add(&t, false, head);
    for (size_t i = 0; i < r->n_kpis; i++) {
        if (!rep_first_of_feed(r, i)) continue;
        const char *feed = rep_kpi_feed_label(&r->kpis[i]);
        table_add(&t, true, &feed);
        for (size_t j = i; j < r->n_kpis; j++)
            if (rep_same_feed(&r->kpis[i], &r->kpis[j])) kpi_row(&t, &r->kpis[j]);
    }
    rc = table_put(&t, 2, out);
    table_done(&t);
    return rc;
}

/* Writes the feed section: the time ioc was not running, then availability,
 * polls, failures, longest outage. */
static int put_feeds(const Report *r, FILE *out)
{
    Table t;
    int rc;

    char nr[REP_STR_MAX];

    fprintf(out, "\n%s\n", _("Feeds"));
    fprintf(out, "  %s\n", rep_not_running(r, nr, sizeof nr));
    if (r->n_feeds == 0) {
        fprintf(out, "  %s\n", _("no feeds"));
        return 0;
    }
    table_init(&t, 6);
    t.align[2] = t.align[3] = t.align[4] = t.align[5] = TEXT_RIGHT;
    const char *head[] = {_("feed"),  _("name"),     _("availability"),
                          _("polls"), _("failures"), _("longest outage")};
    table_add(&t, false, head);
    for (size_t i = 0; i < r->n_feeds; i++) {
        const ReportFeed *f = &r->feeds[i];
        char avail[REP_NUM_MAX], polls[32], fails[32], down[REP_NUM_MAX];
        rep_fmt_share(f->availability, avail, sizeof avail);
        snprintf(polls, sizeof polls, "%llu", (unsigned long long)f->polls);
        snprintf(fails, sizeof fails, "%llu", (unsigned long long)f->failures);
        fmt_span(f->longest_down_ms, down, sizeof down);
        const char *cells[] = {f->id, rep_feed_label(f), avail, polls, fails, down};
        table_add(&t, false, cells);
    }
    rc = table_put(&t, 2, out);
    table_done(&t);
    return rc;
}

/* Writes the alert summary: counts by severity, time to ack, longest open. */
static void put_alert_summary(const Report *r, FILE *out)
{
    char a[REP_STR_MAX], d[REP_NUM_MAX];
    const ReportAlert *lo = rep_longest_open(r);

    fprintf(out, _("  fired: %zu critical, %zu warning, %zu info\n"), r->fired[SEV_CRITICAL],
            r->fired[SEV_WARNING], r->fired[SEV_INFO]);
    fprintf(out, _("  average time to acknowledge: %s\n"), rep_fmt_ack_avg(r, d, sizeof d));
    if (lo) {
        char cut[CELL_MAX];
        text_truncate(text_clean(lo->rule, true, a, sizeof a), CELL_COLS, cut, sizeof cut);
        fmt_span(r->longest_open_ms, d, sizeof d);
        fprintf(out, _("  longest open: %s (%s)\n"), cut, d);
    }
}

/* Writes the alert section: the summary, then one row per alert. */
static int put_alerts(const Report *r, FILE *out)
{
    Table t;
    int rc;

    fprintf(out, "\n%s\n", _("Alerts"));
    put_alert_summary(r, out);
    if (r->n_alerts == 0) {
        fprintf(out, "  %s\n", _("no alerts fired"));
        return 0;
    }
    fputc('\n', out);
    table_init(&t, 8);
    t.cap_cols[4] = SUMM_COLS;
    t.align[6] = TEXT_RIGHT;
    const char *head[] = {_("fired"),   _("severity"), _("rule"),      _("KPI"),
                          _("summary"), _("acked by"), _("ack after"), _("resolved")};
    table_add(&t, false, head);
    for (size_t i = 0; i < r->n_alerts; i++) {
        const ReportAlert *al = &r->alerts[i];
        char fired[REP_NUM_MAX], sev[64], after[REP_NUM_MAX] = "", res[REP_NUM_MAX];
        rep_fmt_clock(r, al->fired_ms, fired, sizeof fired);
        snprintf(sev, sizeof sev, "%s %s", rep_severity_symbol(al->severity),
                 rep_severity_word(al->severity));
        if (al->acked_ms != 0)
            fmt_span(rep_elapsed(al->acked_ms, al->fired_ms), after, sizeof after);
        if (al->resolved_ms != 0)
            rep_fmt_clock(r, al->resolved_ms, res, sizeof res);
        else
            snprintf(res, sizeof res, "%s", _("open"));
        const char *by = al->acked_ms != 0 ? (al->acked_by ? al->acked_by : "?") : "";
        const char *cells[] = {fired,       sev, al->rule, al->kpi ? al->kpi : "",
                               al->summary, by,  after,    res};
        table_add(&t, false, cells);
    }
    rc = table_put(&t, 2, out);
    table_done(&t);
    return rc;
}

int rep_write_text(const void *r, FILE *out)
{
    put_title(r, out);
    if (put_kpis(r, out) != 0) return -1;
    if (put_feeds(r, out) != 0) return -1;
    return put_alerts(r, out);
}
