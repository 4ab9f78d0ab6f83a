/* report.c - reports: freeing, format names, format dispatch and the
 * formatting helpers every writer shares (see report.h, report_internal.h);
 * the writers live in report_{text,md,csv,json,html,svg}.c. */
#include "export/report.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "export/report_internal.h"
#include "base/timefmt.h"
#include "base/fmt.h"
#include "core/kpitext.h"
#include "base/text.h"

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
        free(k->warn);
        free(k->crit);
        free(k->pt_ts);
        free(k->pt_v);
    }
    free(r->kpis);
    for (size_t i = 0; i < r->n_feeds && r->feeds; i++) {
        free(r->feeds[i].id);
        free(r->feeds[i].name);
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

bool report_format_from_name(const char *name, ReportFormat *out)
{
    static const struct {
        const char *name;
        ReportFormat f;
    } names[] = {{"text", REPORT_TEXT},
                 {"md", REPORT_MD},
                 {"csv", REPORT_CSV},
                 {"json", REPORT_JSON},
                 {"html", REPORT_HTML}};

    if (!name) return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            if (out) *out = names[i].f;
            return true;
        }
    }
    return false;
}

int report_write(const Report *r, ReportFormat f, FILE *out)
{
    int rc = -1;

    if (!r || !out) {
        errno = EINVAL;
        return -1;
    }
    switch (f) {
    case REPORT_TEXT:
        rc = rep_write_text(r, out);
        break;
    case REPORT_MD:
        rc = rep_write_md(r, out);
        break;
    case REPORT_CSV:
        rc = rep_write_csv(r, out);
        break;
    case REPORT_JSON:
        rc = rep_write_json(r, out);
        break;
    case REPORT_HTML:
        rc = rep_write_html(r, out);
        break;
    default:
        errno = EINVAL;
        return -1;
    }
    if (rc != 0) return -1;
    if (fflush(out) != 0 || ferror(out)) {
        if (errno == 0) errno = EIO;
        return -1;
    }
    return 0;
}

const char *rep_clean(const char *s, char *buf, size_t n)
{
    text_sanitize(s, buf, n);
    return buf;
}

/* Replaces the locale's decimal point in the number text buf by '.'. */
static void c_decimal_point(char *buf)
{
    const char *dp = localeconv()->decimal_point;
    size_t dl = dp ? strlen(dp) : 0;

    if (dl == 0 || (dl == 1 && dp[0] == '.')) return;
    char *p = strstr(buf, dp);
    if (!p) return;
    *p = '.';
    memmove(p + 1, p + dl, strlen(p + dl) + 1);
}

const char *rep_fmt_double(double v, char *buf, size_t n)
{
    if (n == 0) return buf;
    if (!isfinite(v)) {
        buf[0] = '\0';
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v) break;
    }
    c_decimal_point(buf);
    return buf;
}

const char *rep_fmt_fixed(double v, int maxdec, char *buf, size_t n)
{
    if (n == 0) return buf;
    if (!isfinite(v)) {
        buf[0] = '\0';
        return buf;
    }
    if (maxdec < 0) maxdec = 0;
    if (maxdec > 9) maxdec = 9;
    snprintf(buf, n, "%.*f", maxdec, v);
    c_decimal_point(buf);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1) *dot = '\0';
    }
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf)); /* "-0" is "0" */
    return buf;
}

const char *rep_fmt_value(const ReportKpi *k, double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "\u2013");
    else
        fmt_number(v, k->decimals, buf, n);
    return buf;
}

const char *rep_fmt_share(double share, char *buf, size_t n)
{
    char num[REP_NUM_MAX];

    if (!isfinite(share)) {
        snprintf(buf, n, "\u2013");
        return buf;
    }
    snprintf(buf, n, "%s %%", rep_fmt_fixed(share * 100.0, 1, num, sizeof num));
    return buf;
}

const char *rep_fmt_duration(int64_t ms, char *buf, size_t n)
{
    int64_t s = ms > 0 ? ms / 1000 : 0;

    if (s < 60)
        snprintf(buf, n, "%" PRId64 "s", s);
    else if (s < 3600)
        snprintf(buf, n, "%" PRId64 "m %02" PRId64 "s", s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, n, "%" PRId64 "h %02" PRId64 "m", s / 3600, s % 3600 / 60);
    else
        snprintf(buf, n, "%" PRId64 "d %02" PRId64 "h", s / 86400, s % 86400 / 3600);
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
    char iso[TIMEFMT_SIZE];

    buf[0] = '\0';
    if (ms == 0) return buf;
    if (ms >= r->from_ms && ms < r->to_ms) {
        if (timefmt_hms(ms, buf, n) < 0) buf[0] = '\0';
        return buf;
    }
    if (timefmt_iso(ms, iso, sizeof iso) >= 19) snprintf(buf, n, "%.10s %.8s", iso, iso + 11);
    return buf;
}

const char *rep_fmt_iso(int64_t ms, char *buf, size_t n)
{
    buf[0] = '\0';
    if (ms != 0 && timefmt_iso(ms, buf, n) < 0) buf[0] = '\0';
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
    snprintf(buf, n,
             ngettext("ioc not running: %s (%zu period%s)", "ioc not running: %s (%zu periods%s)",
                      r->n_stops),
             rep_fmt_duration(r->not_running_ms, d, sizeof d), r->n_stops, unclean);
    return buf;
}

const char *rep_severity_name(int severity)
{
    switch (severity) {
    case SEV_INFO:
        return "info";
    case SEV_WARNING:
        return "warning";
    case SEV_CRITICAL:
        return "critical";
    }
    return "unknown";
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
