/* report_sample.c - writes a realistic hand-built daily report (a day of
 * the demo province: 4 feeds, 10 KPIs of 288 points each, a camera outage,
 * a few alerts) in the format named on the command line, for the e2e test
 * of the HTML report and for looking at the formats by eye.
 * Usage: report_sample [text|md|csv|json|html [vi|en]] > FILE (with a
 * language, the catalogue is read from $IOC_LOCALE_DIR). */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/report.h"
#include "base/fmt.h"
#include "base/i18n.h"
#include "base/timefmt.h"
#include "base/text.h"

#define DAY0   INT64_C(1795453200000) /* 2026-11-24T00:00:00+07:00 */
#define DAY_MS INT64_C(86400000)
#define STEP   INT64_C(300000) /* 5 min: 288 points */
#define NPTS   288

/* How a sample KPI is made: name, unit, shape of its day, thresholds. */
typedef struct {
    const char *feed, *feed_name, *id, *name, *unit;
    int decimals;
    double base, swing, noise; /* value = base + swing * daily wave + noise */
    bool has_target, higher_better;
    double target;
    const char *warn, *crit; /* as text */
    double warn_at, crit_at; /* the same as numbers (NAN when none) */
    bool warn_below, crit_below;
    int gap_from, gap_to; /* points without a value (feed down) */
} Spec;

/* clang-format off */
static const Spec SPECS[] = {
    {"dvc", "Cổng dịch vụ công trực tuyến", "online_rate", "Tỷ lệ hồ sơ trực tuyến", "%", 1,
     71, 9, 1.5, true, true, 80, "< 50", NULL, 50, NAN, true, false, 0, 0},
    {"dvc", "Cổng dịch vụ công trực tuyến", "satisfaction", "Mức độ hài lòng", "%", 1,
     88, 3, 0.8, true, true, 85, NULL, "< 80", NAN, 80, false, true, 0, 0},
    {"dvc", "Cổng dịch vụ công trực tuyến", "payment", "Thanh toán trực tuyến", "%", 1,
     46, 6, 1.0, false, true, NAN, NULL, NULL, NAN, NAN, false, false, 0, 0},
    {"motcua", "Một cửa điện tử", "ontime", "Hồ sơ đúng hạn", "%", 2,
     95.5, 2.5, 0.6, true, true, 95, "< 95", "< 90", 95, 90, true, true, 0, 0},
    {"motcua", "Một cửa điện tử", "overdue", "Hồ sơ quá hạn", "", 0,
     14, 6, 1.2, true, false, 10, "> 20", "> 40", 20, 40, false, false, 0, 0},
    {"motcua", "Một cửa điện tử", "received", "Hồ sơ tiếp nhận hôm nay", "hồ sơ", 0,
     1800, 1500, 20, false, true, NAN, NULL, NULL, NAN, NAN, false, false, 0, 0},
    {"camera", "Camera an ninh trật tự", "online", "Camera trực tuyến", "%", 1,
     93, 2, 0.8, true, true, 95, "< 90", "< 80", 90, 80, true, true, 120, 138},
    {"camera", "Camera an ninh trật tự", "offline", "Camera mất kết nối", "", 0,
     55, 15, 3, false, false, NAN, NULL, NULL, NAN, NAN, false, false, 120, 138},
    {"khongkhi", "Quan trắc không khí", "aqi", "Chỉ số VN_AQI", "", 0,
     92, 62, 6, true, false, 100, "> 100", "> 150", 100, 150, false, false, 0, 0},
    {"khongkhi", "Quan trắc không khí", "pm25", "Bụi mịn PM2.5", "µg/m³", 1,
     38, 14, 2.5, false, false, NAN, NULL, NULL, NAN, NAN, false, false, 0, 0},
};
/* clang-format on */
#define NSPECS (sizeof SPECS / sizeof SPECS[0])

/* A small deterministic noise source in [-1, 1). */
static double noise(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (double)((*state >> 8) & 0xFFFF) / 32768.0 - 1.0;
}

/* Copies s (NULL stays NULL); sets *ok false on out of memory. */
static char *dup(const char *s, bool *ok)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *ok = false;
    return d;
}

/* True when threshold (at, below) holds for v. */
static bool holds(double at, bool below, double v)
{
    return !isnan(at) && (below ? v < at : v > at);
}

/* Fills one KPI from its spec: points, stats, shares, met. */
static bool fill_kpi(ReportKpi *k, const Spec *s, unsigned seed)
{
    bool ok = true;
    char key[64];
    double sum = 0;
    size_t warn = 0, crit = 0;

    snprintf(key, sizeof key, "%s.%s", s->feed, s->id);
    k->key = dup(key, &ok);
    k->name = dup(s->name, &ok);
    k->unit = dup(s->unit, &ok);
    k->feed_name = dup(s->feed_name, &ok);
    k->warn = dup(s->warn, &ok);
    k->crit = dup(s->crit, &ok);
    k->decimals = s->decimals;
    k->has_target = s->has_target;
    k->target = s->target;
    k->pt_ts = calloc(NPTS, sizeof *k->pt_ts);
    k->pt_v = calloc(NPTS, sizeof *k->pt_v);
    if (!ok || !k->pt_ts || !k->pt_v) return false;
    k->n_points = NPTS;
    k->min = INFINITY;
    k->max = -INFINITY;
    for (int i = 0; i < NPTS; i++) {
        double hour = i * 24.0 / NPTS;
        double wave = sin((hour - 7.0) / 24.0 * 2 * M_PI); /* peaks in the afternoon */
        double v = s->base + s->swing * wave + s->noise * noise(&seed);
        if (s->decimals == 0) v = round(v);
        k->pt_ts[i] = DAY0 + i * STEP;
        if (i >= s->gap_from && i < s->gap_to) {
            k->pt_v[i] = NAN;
            continue;
        }
        k->pt_v[i] = v;
        k->samples++;
        sum += v;
        k->last = v;
        k->last_ts = k->pt_ts[i];
        if (v < k->min) k->min = v;
        if (v > k->max) k->max = v;
        if (holds(s->crit_at, s->crit_below, v))
            crit++;
        else if (holds(s->warn_at, s->warn_below, v))
            warn++;
    }
    k->has_value = k->samples > 0;
    k->avg = sum / (double)k->samples;
    k->warn_share = (double)warn / (double)k->samples;
    k->crit_share = (double)crit / (double)k->samples;
    k->met = !s->has_target                                ? REPORT_MET_UNKNOWN
             : (s->higher_better == (k->avg >= s->target)) ? REPORT_MET_YES
                                                           : REPORT_MET_NO;
    return true;
}

/* Adds one alert (times in minutes after midnight; 0 = never). */
static bool add_alert(Report *r, const char *rule, const char *kpi, int sev, const char *summary,
                      int fired_min, int acked_min, const char *by, int resolved_min)
{
    bool ok = true;
    ReportAlert *a = &r->alerts[r->n_alerts++];

    a->rule = dup(rule, &ok);
    a->kpi = dup(kpi, &ok);
    a->summary = dup(summary, &ok);
    a->severity = sev;
    a->fired_ms = DAY0 + fired_min * INT64_C(60000);
    a->acked_ms = acked_min ? DAY0 + acked_min * INT64_C(60000) : 0;
    a->acked_by = acked_min ? dup(by, &ok) : NULL;
    a->resolved_ms = resolved_min ? DAY0 + resolved_min * INT64_C(60000) : 0;
    r->fired[sev]++;
    return ok;
}

/* Builds the whole sample report. */
static bool build(Report *r)
{
    static const char *feeds[][2] = {{"dvc", "Cổng dịch vụ công trực tuyến"},
                                     {"motcua", "Một cửa điện tử"},
                                     {"camera", "Camera an ninh trật tự"},
                                     {"khongkhi", "Quan trắc không khí"}};
    bool ok = true;

    r->centre = dup("Trung tâm Giám sát, điều hành thông minh tỉnh Hải Dương", &ok);
    r->timezone = dup("Asia/Ho_Chi_Minh", &ok);
    r->date = dup("2026-11-24", &ok);
    r->from_ms = DAY0;
    r->to_ms = DAY0 + DAY_MS;
    r->generated_ms = DAY0 + DAY_MS + 6 * INT64_C(3600000);
    r->kpis = calloc(NSPECS, sizeof *r->kpis);
    r->feeds = calloc(4, sizeof *r->feeds);
    r->alerts = calloc(5, sizeof *r->alerts);
    if (!ok || !r->kpis || !r->feeds || !r->alerts) return false;
    for (size_t i = 0; i < NSPECS; i++) {
        r->n_kpis++;
        if (!fill_kpi(&r->kpis[i], &SPECS[i], 7u * (unsigned)i + 1u)) return false;
    }
    for (size_t i = 0; i < 4; i++) {
        ReportFeed *f = &r->feeds[r->n_feeds++];
        f->id = dup(feeds[i][0], &ok);
        f->name = dup(feeds[i][1], &ok);
        f->polls = 2880;
        f->failures = i == 2 ? 180 : i == 0 ? 3 : 0;
        f->availability = 1.0 - (double)f->failures / (double)f->polls;
        f->longest_down_ms = i == 2 ? 90 * INT64_C(60000) : i == 0 ? 60000 : 0;
    }
    ok = ok && add_alert(r, "dvc.online_rate:info", "dvc.online_rate", 0,
                         "Tỷ lệ hồ sơ trực tuyến dưới mục tiêu", 420, 0, NULL, 0);
    ok = ok && add_alert(r, "camera:down", NULL, 2, "Camera an ninh trật tự không phản hồi", 600,
                         604, "trucban.nam", 690);
    ok = ok && add_alert(r, "khongkhi.aqi:warn", "khongkhi.aqi", 1, "VN_AQI 128 > 100", 840, 861,
                         "trucban.lan", 1010);
    ok = ok && add_alert(r, "motcua.ontime:warn", "motcua.ontime", 1, "Hồ sơ đúng hạn 94.2 % < 95",
                         1250, 0, NULL, 1300);
    if (!ok) return false;
    r->ack_avg_ms = (4.0 + 21.0) / 2 * 60000.0;
    r->longest_open_ms = DAY_MS - 420 * INT64_C(60000);
    r->longest_open_idx = 0;
    return true;
}

/* Makes the report speak lang ("vi" or "en") as ioc does: the catalogue
 * under $IOC_LOCALE_DIR (the build tree's locale/), and the number style of
 * the language the messages then come out in. */
static void set_language(const char *lang)
{
    const char *dir = getenv("IOC_LOCALE_DIR");
    if (dir) bindtextdomain("ioc", dir);
    bind_textdomain_codeset("ioc", "UTF-8");
    textdomain("ioc");
    setenv("LANGUAGE", lang, 1);
    setlocale(LC_MESSAGES, "C.UTF-8"); /* gettext ignores LANGUAGE under "C" */
    fmt_set_style(i18n_resolve() == I18N_VI ? FMT_VI : FMT_EN);
}

int main(int argc, char **argv)
{
    ReportFormat f = REPORT_HTML;
    Report r;
    int rc = 1;

    setlocale(LC_ALL, "");
    if (!text_utf8_locale()) setlocale(LC_CTYPE, "C.UTF-8");
    if (argc > 1 && !report_format_from_name(argv[1], &f)) {
        fprintf(stderr,
                "report_sample: unknown format '%s' (expected text, md, csv, json or "
                "html)\n",
                argv[1]);
        return 2;
    }
    if (argc > 2) set_language(argv[2]); /* report_sample FORMAT [vi|en] */
    if (timefmt_set_zone("Asia/Ho_Chi_Minh") != 0) timefmt_set_zone("UTC");
    memset(&r, 0, sizeof r);
    if (!build(&r)) {
        fprintf(stderr, "report_sample: out of memory\n");
        goto done;
    }
    if (report_write(&r, f, stdout) != 0) {
        perror("report_sample: write");
        goto done;
    }
    rc = 0;
done:
    report_free(&r);
    return rc;
}
