/* report.c - reports: freeing, the format table and the
 * formatting helpers every writer shares (see report.h, report_internal.h);
 * the writers live in report_{text,md,csv,json,html,svg}.c. */
#include "export/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "base/timefmt.h"
#include "core/kpitext.h"
#include "export/format.h"
#include "export/report_internal.h"

void report_free(Report *r)
{
    if (!r) return;
    free(r->centre);
    free(r->timezone);
    free(r->date);
    for (size_t i = 0; i < r->n_kpis && r->kpis; i++) {
        ReportKpi *k = &r->kpis[i];
        free(k->key);
        free(k->name);
        free(k->unit);
        free(k->feed_name);
        free(k->label);
        free(k->feed_label);
        free(k->warn);
        free(k->crit);
        free(k->pt_ts);
        free(k->pt_v);
    }
    free(r->kpis);
    for (size_t i = 0; i < r->n_feeds && r->feeds; i++) {
        free(r->feeds[i].id);
        free(r->feeds[i].name);
        free(r->feeds[i].label);
    }
    free(r->feeds);
    for (size_t i = 0; i < r->n_alerts && r->alerts; i++) {
        ReportAlert *a = &r->alerts[i];
        free(a->rule);
        free(a->kpi);
        free(a->summary);
        free(a->acked_by);
    }
    free(r->alerts);
    free(r->stops);
    memset(r, 0, sizeof *r);
}

/* The formats, indexed by ReportFormat. */
static const FormatEntry formats[] = {
    [REPORT_TEXT] = {"text", rep_write_text}, [REPORT_MD] = {"md", rep_write_md},
    [REPORT_CSV] = {"csv", rep_write_csv},    [REPORT_JSON] = {"json", rep_write_json},
    [REPORT_HTML] = {"html", rep_write_html},
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

bool report_format_from_name(const char *name, ReportFormat *out)
{
    int i;

    if (!format_find(formats, N_FORMATS, name, &i)) return false;
    if (out) *out = (ReportFormat)i;
    return true;
}

const char *report_format_names(char *buf, size_t n)
{
    return format_names(formats, N_FORMATS, buf, n);
}

int report_write(const Report *r, ReportFormat f, FILE *out)
{
    return format_write(formats, N_FORMATS, (int)f, r, out);
}

const char *rep_fmt_value(const ReportKpi *k, double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "\u2013");
    else if (kpitext_unit_column(k->unit)[0] || !k->unit || !k->unit[0])
        fmt_number(v, k->decimals, buf, n);
    else /* a scaling unit: each cell its own symbol ("22.0 GiB") */
        kpitext_unit_value(k->unit, k->decimals, v, true, buf, n);
    return buf;
}

const char *rep_unit(const ReportKpi *k)
{
    return kpitext_unit_column(k->unit);
}

const char *rep_fmt_share(double share, char *buf, size_t n)
{
    char num[REP_NUM_MAX];

    if (!isfinite(share)) {
        snprintf(buf, n, "\u2013");
        return buf;
    }
    fmt_fixed(fmt_style(), share * 100.0, 1, num, sizeof num);
    snprintf(buf, n, "%s %%", num);
    return buf;
}

const char *rep_fmt_ack_avg(const Report *r, char *buf, size_t n)
{
    if (r->ack_avg_ms >= 0 && r->ack_avg_ms < 9.2e18) /* NaN: none acked */
        fmt_span((int64_t)r->ack_avg_ms, buf, n);
    else
        snprintf(buf, n, "%s", _("none acknowledged"));
    return buf;
}

int64_t rep_elapsed(int64_t later, int64_t earlier)
{
    double d = (double)later - (double)earlier;

    if (!(d > 0)) return 0;
    if (d >= 9.2e18) return INT64_MAX;
    return later - earlier; /* no overflow: |d| < 2^63 */
}

const char *rep_fmt_clock(const Report *r, int64_t ms, char *buf, size_t n)
{
    buf[0] = '\0';
    if (ms == 0) return buf;
    if (ms >= r->from_ms && ms < r->to_ms) {
        if (timefmt_hms(ms, buf, n) < 0) buf[0] = '\0';
        return buf;
    }
    if (timefmt_datetime(fmt_style(), ms, false, buf, n) < 0) buf[0] = '\0';
    return buf;
}

const char *rep_fmt_iso(int64_t ms, char *buf, size_t n)
{
    buf[0] = '\0';
    if (ms != 0 && timefmt_iso(ms, buf, n) < 0) buf[0] = '\0';
    return buf;
}

const char *rep_fmt_when(int64_t ms, char *buf, size_t n)
{
    buf[0] = '\0';
    if (ms != 0 && timefmt_datetime(fmt_style(), ms, true, buf, n) < 0) buf[0] = '\0';
    return buf;
}

const char *rep_kpi_label(const ReportKpi *k)
{
    return k->label ? k->label : k->name ? k->name : "";
}

const char *rep_kpi_feed_label(const ReportKpi *k)
{
    return k->feed_label ? k->feed_label : k->feed_name ? k->feed_name : "";
}

const char *rep_feed_label(const ReportFeed *f)
{
    return f->label ? f->label : f->name ? f->name : "";
}

const char *rep_fmt_day(const Report *r, char *buf, size_t n)
{
    if (r->from_ms == 0 || timefmt_date(fmt_style(), r->from_ms, buf, n) < 0)
        snprintf(buf, n, "%s", r->date ? r->date : ""); /* a report built by hand */
    return buf;
}

const char *rep_not_running(const Report *r, char *buf, size_t n)
{
    char d[REP_NUM_MAX], unclean[128] = "";
    size_t killed = 0;

    if (r->n_stops == 0) {
        snprintf(buf, n, "%s", _("ioc not running: none recorded"));
        return buf;
    }
    for (size_t i = 0; i < r->n_stops; i++)
        killed += !r->stops[i].clean;
    if (killed) snprintf(unclean, sizeof unclean, _(", %zu after an unclean stop"), killed);
    fmt_span(r->not_running_ms, d, sizeof d);
    snprintf(buf, n,
             ngettext("ioc not running: %s (%zu period%s)", "ioc not running: %s (%zu periods%s)",
                      r->n_stops),
             d, r->n_stops, unclean);
    return buf;
}

const char *rep_severity_word(int severity)
{
    switch (severity) {
    case SEV_INFO:
        return _("info");
    case SEV_WARNING:
        return _("warning");
    case SEV_CRITICAL:
        return _("critical");
    }
    return _("unknown");
}

const char *rep_severity_symbol(int severity)
{
    switch (severity) {
    case SEV_WARNING:
        return "!";
    case SEV_CRITICAL:
        return "\u203C";
    }
    return "i";
}

const char *rep_met_name(ReportMet m)
{
    return m == REPORT_MET_YES ? "yes" : m == REPORT_MET_NO ? "no" : "\u2013";
}

const char *rep_met_symbol(ReportMet m)
{
    return m == REPORT_MET_YES ? "\u2713" : m == REPORT_MET_NO ? "\u2717" : "\u2013";
}

const char *rep_met_word(const ReportKpi *k)
{
    if (k->met == REPORT_MET_YES) return _("met");
    if (k->met == REPORT_MET_NO) return _("not met");
    if (!k->has_target) return _("no target");
    return _("no data");
}

const char *rep_title(void)
{
    return _("Daily KPI report");
}

bool rep_same_feed(const ReportKpi *a, const ReportKpi *b)
{
    const char *fa = a->feed_name ? a->feed_name : "";
    const char *fb = b->feed_name ? b->feed_name : "";
    return strcmp(fa, fb) == 0;
}

bool rep_first_of_feed(const Report *r, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (rep_same_feed(&r->kpis[j], &r->kpis[i])) return false;
    return true;
}

const char *rep_feed_id(const ReportKpi *k, char *buf, size_t n)
{
    const char *key = k->key ? k->key : "";
    const char *dot = strchr(key, '.');
    size_t len = dot ? (size_t)(dot - key) : 0;

    if (n == 0) return buf;
    if (len >= n) len = n - 1;
    memcpy(buf, key, len);
    buf[len] = '\0';
    return buf;
}

const ReportAlert *rep_longest_open(const Report *r)
{
    if (r->n_alerts == 0 || !r->alerts || r->longest_open_idx >= r->n_alerts ||
        r->longest_open_ms <= 0)
        return NULL;
    return &r->alerts[r->longest_open_idx];
}
