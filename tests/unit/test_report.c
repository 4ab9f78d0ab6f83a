/* test_report.c - the daily report's formats (ioc/report*.c): a hand-built
 * report (two feeds, KPIs with and without target and samples, a gap in a
 * chart, alerts acked / never acked / still open, Vietnamese names, a name
 * made to break HTML, Markdown and spreadsheets) written as text, Markdown,
 * CSV, JSON and HTML and checked the way a reader would see it; then empty
 * and non-finite reports, and output errors. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "export/report.h"
#include "base/timefmt.h"
#include "base/text.h"

#define DAY0   INT64_C(1795478400000) /* 2026-11-24T00:00:00Z */
#define HOUR   INT64_C(3600000)
#define MIN    INT64_C(60000)
#define EVIL   "=SUM(1) <script>x</script> | \"q\""
#define FEED_A "Cổng dịch vụ công"
#define FEED_B "Camera an ninh"

/* strdup that fails the test on out of memory (NULL stays NULL). */
static char *xdup(const char *s)
{
    if (!s) return NULL;
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* Sets a KPI's names and thresholds. */
static void kpi_init(ReportKpi *k, const char *feed, const char *key, const char *name,
                     const char *unit, int decimals)
{
    memset(k, 0, sizeof *k);
    k->feed_name = xdup(feed);
    k->key = xdup(key);
    k->name = xdup(name);
    k->unit = xdup(unit);
    k->decimals = decimals;
    k->met = REPORT_MET_UNKNOWN;
}

/* Gives a KPI n chart points (hours after DAY0, values). */
static void kpi_points(ReportKpi *k, size_t n, const double *hours, const double *v)
{
    k->pt_ts = calloc(n, sizeof *k->pt_ts);
    k->pt_v = calloc(n, sizeof *k->pt_v);
    assert_non_null(k->pt_ts);
    assert_non_null(k->pt_v);
    for (size_t i = 0; i < n; i++) {
        k->pt_ts[i] = DAY0 + (int64_t)(hours[i] * (double)HOUR);
        k->pt_v[i] = v[i];
    }
    k->n_points = n;
}

/* Sets an alert. */
static void alert_init(ReportAlert *a, const char *rule, const char *kpi, int sev,
                       const char *summary, int64_t fired, int64_t acked, const char *by,
                       int64_t resolved)
{
    a->rule = xdup(rule);
    a->kpi = xdup(kpi);
    a->summary = xdup(summary);
    a->severity = sev;
    a->fired_ms = fired;
    a->acked_ms = acked;
    a->acked_by = xdup(by);
    a->resolved_ms = resolved;
}

/* The report most tests write. */
static Report *fixture(void)
{
    Report *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->centre = xdup("Hải Dương IOC");
    r->timezone = xdup("UTC");
    r->date = xdup("2026-11-24");
    r->from_ms = DAY0;
    r->to_ms = DAY0 + 24 * HOUR;
    r->generated_ms = DAY0 + 30 * HOUR;

    r->kpis = calloc(3, sizeof *r->kpis);
    assert_non_null(r->kpis);
    r->n_kpis = 3;
    ReportKpi *k = &r->kpis[0];
    kpi_init(k, FEED_A, "dvc.rate", "Tỷ lệ trực tuyến", "%", 1);
    k->has_target = true;
    k->target = 80;
    k->warn = xdup("< 65");
    k->crit = xdup("< 40");
    k->samples = 3;
    k->has_value = true;
    k->last = 72.5;
    k->min = 60.4;
    k->avg = 70.125;
    k->max = 80.5;
    k->last_ts = DAY0 + 18 * HOUR;
    k->met = REPORT_MET_NO;
    k->warn_share = 0.25;
    k->crit_share = 0.125;
    kpi_points(k, 4, (const double[]){0, 6, 12, 18}, (const double[]){60.4, NAN, 80.5, 72.5});

    k = &r->kpis[1];
    kpi_init(k, FEED_A, "dvc.evil", EVIL, "", -1);
    k->samples = 2;
    k->has_value = true;
    k->last = k->max = 1234567;
    k->min = 3;
    k->avg = 617285;
    k->last_ts = DAY0 + 12 * HOUR;
    kpi_points(k, 2, (const double[]){1, 12}, (const double[]){3, 1234567});

    k = &r->kpis[2];
    kpi_init(k, FEED_B, "camera.online", "Camera trực tuyến", "%", 1);
    k->has_target = true;
    k->target = 95;

    r->feeds = calloc(2, sizeof *r->feeds);
    assert_non_null(r->feeds);
    r->n_feeds = 2;
    r->feeds[0] = (ReportFeed){.id = xdup("dvc"),
                               .name = xdup(FEED_A),
                               .availability = 0.995,
                               .polls = 2880,
                               .failures = 14,
                               .longest_down_ms = 5 * MIN};
    r->feeds[1] = (ReportFeed){.id = xdup("camera"), .name = xdup(FEED_B), .availability = NAN};

    r->alerts = calloc(3, sizeof *r->alerts);
    assert_non_null(r->alerts);
    r->n_alerts = 3;
    alert_init(&r->alerts[0], "dvc.rate:warn", "dvc.rate", SEV_WARNING, "Tỷ lệ 45 < 50",
               DAY0 + HOUR, DAY0 + HOUR + 5 * MIN, "trucban", DAY0 + 2 * HOUR);
    alert_init(&r->alerts[1], "camera:down", NULL, SEV_CRITICAL, "camera down", DAY0 + 10 * HOUR, 0,
               NULL, DAY0 + 11 * HOUR);
    alert_init(&r->alerts[2], "dvc.evil:info", "dvc.evil", SEV_INFO, EVIL, DAY0 + 20 * HOUR,
               DAY0 + 20 * HOUR + 30 * MIN, "an", 0);
    r->fired[SEV_INFO] = r->fired[SEV_WARNING] = r->fired[SEV_CRITICAL] = 1;
    r->ack_avg_ms = 17.5 * (double)MIN;
    r->longest_open_ms = 4 * HOUR;
    r->longest_open_idx = 2;
    return r;
}

/* Frees a report made by fixture(). */
static void release(Report *r)
{
    report_free(r);
    assert_null(r->kpis);
    assert_int_equal(r->n_kpis, 0);
    free(r);
}

/* Writes r in format f to a new string (caller frees). */
static char *render(const Report *r, ReportFormat f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(report_write(r, f, out), 0);
    assert_int_equal(fclose(out), 0);
    assert_non_null(buf);
    assert_int_equal(strlen(buf), len);
    return buf;
}

/* The line of text that contains needle (caller frees); fails when none. */
static char *line_with(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    assert_non_null(p);
    const char *b = p, *e = p;
    while (b > text && b[-1] != '\n')
        b--;
    while (*e && *e != '\n')
        e++;
    char *l = strndup(b, (size_t)(e - b));
    assert_non_null(l);
    return l;
}

/* Format names: the five known ones, nothing else. */
static void test_format_names(void **state)
{
    static const struct {
        const char *name;
        bool ok;
        ReportFormat f;
    } cases[] = {{"text", true, REPORT_TEXT},
                 {"md", true, REPORT_MD},
                 {"csv", true, REPORT_CSV},
                 {"json", true, REPORT_JSON},
                 {"html", true, REPORT_HTML},
                 {"HTML", false, 0},
                 {"prom", false, 0},
                 {"", false, 0},
                 {NULL, false, 0}};
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ReportFormat f = (ReportFormat)99;
        assert_int_equal(report_format_from_name(cases[i].name, &f), cases[i].ok);
        if (cases[i].ok) assert_int_equal(f, cases[i].f);
    }
    char list[64];
    assert_string_equal(report_format_names(list, sizeof list), "text, md, csv, json, html");
}

/* A number member of a JSON object. */
static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* A string member of a JSON object. */
static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

/* True when a member is null. */
static bool jnull(const cJSON *o, const char *key)
{
    return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* JSON: version 1, exact numbers, null for no data, feeds and alerts. */
static void test_json(void **state)
{
    Report *r = fixture();
    char *text = render(r, REPORT_JSON);
    cJSON *d = cJSON_Parse(text);
    (void)state;

    assert_non_null(d);
    assert_int_equal((int)jnum(d, "version"), 1);
    assert_string_equal(jstr(cJSON_GetObjectItem(d, "centre"), "name"), "Hải Dương IOC");
    assert_string_equal(jstr(d, "date"), "2026-11-24");
    assert_string_equal(jstr(d, "from"), "2026-11-24T00:00:00+00:00");
    assert_string_equal(jstr(d, "generated_at"), "2026-11-25T06:00:00+00:00");

    const cJSON *kpis = cJSON_GetObjectItem(d, "kpis");
    assert_int_equal(cJSON_GetArraySize(kpis), 3);
    const cJSON *k = cJSON_GetArrayItem(kpis, 0);
    assert_string_equal(jstr(k, "key"), "dvc.rate");
    assert_string_equal(jstr(k, "feed"), "dvc");
    assert_string_equal(jstr(k, "feed_name"), FEED_A);
    assert_float_equal(jnum(k, "avg"), 70.1, 0); /* 70.125 rounded to the KPI's 1 decimal */
    assert_null(strstr(text, "70.125"));
    assert_float_equal(jnum(k, "min"), 60.4, 0);
    assert_float_equal(jnum(k, "last"), 72.5, 0);
    assert_float_equal(jnum(k, "target"), 80, 0);
    assert_float_equal(jnum(k, "warn_share"), 0.25, 0);
    assert_float_equal(jnum(k, "crit_share"), 0.125, 0);
    assert_int_equal((int)jnum(k, "samples"), 3);
    assert_string_equal(jstr(k, "met"), "no");
    assert_string_equal(jstr(k, "warn"), "< 65");
    assert_string_equal(jstr(k, "last_ts"), "2026-11-24T18:00:00+00:00");
    const cJSON *pts = cJSON_GetObjectItem(k, "points");
    assert_int_equal(cJSON_GetArraySize(pts), 4);
    assert_float_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(pts, 0), 0)->valuedouble, (double)DAY0,
                       0);
    assert_true(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetArrayItem(pts, 1), 1)));
    assert_float_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(pts, 3), 1)->valuedouble, 72.5, 0);

    k = cJSON_GetArrayItem(kpis, 1);
    assert_string_equal(jstr(k, "name"), EVIL);
    assert_float_equal(jnum(k, "max"), 1234567, 0);
    assert_true(jnull(k, "target"));
    assert_string_equal(jstr(k, "met"), "\u2013");

    k = cJSON_GetArrayItem(kpis, 2); /* no samples: no zeros anywhere */
    assert_int_equal((int)jnum(k, "samples"), 0);
    assert_true(jnull(k, "last") && jnull(k, "min") && jnull(k, "avg") && jnull(k, "max"));
    assert_true(jnull(k, "warn_share") && jnull(k, "last_ts"));
    assert_float_equal(jnum(k, "target"), 95, 0);

    const cJSON *feeds = cJSON_GetObjectItem(d, "feeds");
    assert_int_equal(cJSON_GetArraySize(feeds), 2);
    assert_float_equal(jnum(cJSON_GetArrayItem(feeds, 0), "availability"), 0.995, 0);
    assert_float_equal(jnum(cJSON_GetArrayItem(feeds, 0), "longest_down_ms"), 300000, 0);
    assert_true(jnull(cJSON_GetArrayItem(feeds, 1), "availability"));

    const cJSON *al = cJSON_GetObjectItem(d, "alerts");
    assert_int_equal((int)jnum(cJSON_GetObjectItem(al, "fired"), "critical"), 1);
    assert_float_equal(jnum(al, "ack_avg_ms"), 1050000, 0);
    const cJSON *lo = cJSON_GetObjectItem(al, "longest_open");
    assert_string_equal(jstr(lo, "rule"), "dvc.evil:info");
    assert_float_equal(jnum(lo, "duration_ms"), 14400000, 0);
    const cJSON *list = cJSON_GetObjectItem(al, "list");
    assert_int_equal(cJSON_GetArraySize(list), 3);
    assert_float_equal(jnum(cJSON_GetArrayItem(list, 0), "ack_after_ms"), 300000, 0);
    assert_string_equal(jstr(cJSON_GetArrayItem(list, 0), "severity"), "warning");
    assert_string_equal(jstr(cJSON_GetArrayItem(list, 0), "acked_by"), "trucban");
    assert_true(jnull(cJSON_GetArrayItem(list, 1), "acked"));
    assert_true(jnull(cJSON_GetArrayItem(list, 1), "acked_by"));
    assert_true(jnull(cJSON_GetArrayItem(list, 1), "kpi"));
    assert_true(jnull(cJSON_GetArrayItem(list, 2), "resolved"));
    assert_string_equal(jstr(cJSON_GetArrayItem(list, 2), "summary"), EVIL);

    cJSON_Delete(d);
    free(text);
    release(r);
}

/* CSV: a header and one exact row per KPI; formula cells defused. */
static void test_csv(void **state)
{
    Report *r = fixture();
    char *text = render(r, REPORT_CSV);
    (void)state;

    assert_string_equal(
        text, "date,feed,feed_name,kpi,kpi_name,unit,samples,last,last_ts,min,avg,max,target,met,"
              "warn_pct,crit_pct,note,ioc_not_running_s,ioc_not_running_periods\r\n"
              "2026-11-24,dvc," FEED_A ",dvc.rate,Tỷ lệ trực tuyến,%,3,72.5,"
              "2026-11-24T18:00:00+00:00,60.4,70.125,80.5,80,no,25,12.5,,0,0\r\n"
              "2026-11-24,dvc," FEED_A ",dvc.evil,\"'=SUM(1) <script>x</script> | \"\"q\"\"\",,2,"
              "1234567,2026-11-24T12:00:00+00:00,3,617285,1234567,,\u2013,0,0,,0,0\r\n"
              "2026-11-24,camera," FEED_B ",camera.online,Camera trực tuyến,%,0,,,,,,95,\u2013,"
              ",,no data,0,0\r\n");
    assert_null(strstr(text, ",="));
    assert_null(strstr(text, ",\"="));
    free(text);
    release(r);
}

/* Counts the '|' in line that are not escaped with a backslash. */
static int cell_bars(const char *line)
{
    int n = 0;
    for (const char *p = line; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == '|') n++;
    }
    return n;
}

/* Markdown: a title, one table per feed, pipes and HTML escaped. */
static void test_markdown(void **state)
{
    Report *r = fixture();
    char *text = render(r, REPORT_MD);
    char *l;
    (void)state;

    assert_non_null(strstr(text, "# Hải Dương IOC \u2014 Daily KPI report\n"));
    assert_non_null(strstr(text, "\n### " FEED_A "\n"));
    assert_non_null(strstr(text, "\n### " FEED_B "\n"));
    assert_non_null(strstr(text, "| KPI | last | min | avg | max | unit | target | met | warn | "
                                 "crit | samples |\n| --- | ---: |"));
    assert_non_null(strstr(text, "\n| Tỷ lệ trực tuyến | 72.5 | 60.4 | 70.1 | 80.5 | % | 80.0 | "
                                 "\u2717 not met | 25 % | 12.5 % | 3 |\n"));
    assert_non_null(strstr(text, "\n| Camera trực tuyến | no data |  |  |  | % | 95.0 | "
                                 "\u2013 no data |  |  | 0 |\n"));
    l = line_with(text, "SUM(1)");
    assert_non_null(strstr(l, "| =SUM(1) &lt;script&gt;x&lt;/script&gt; \\| \"q\" | 1,234,567 |"));
    assert_int_equal(cell_bars(l), 12); /* 11 cells: the name's | does not split */
    free(l);
    assert_null(strstr(text, "<script"));
    l = line_with(text, "| 20:00:00 |");
    assert_non_null(strstr(l, "| dvc.evil:info |"));
    assert_int_equal(cell_bars(l), 9); /* 8 cells */
    assert_non_null(strstr(l, "| open |"));
    free(l);
    assert_non_null(strstr(text, "- longest open: dvc.evil:info (4h 00m)\n"));
    free(text);
    release(r);
}

/* Display width of line up to the end of the first token after column
 * start that ends with needle. */
static int end_col(const char *line, const char *needle)
{
    const char *p = strstr(line, needle);
    assert_non_null(p);
    return text_width_n(line, (size_t)(p - line) + strlen(needle));
}

/* Text: title, feed headings, columns aligned by display width. */
static void test_text(void **state)
{
    Report *r = fixture();
    char *text = render(r, REPORT_TEXT);
    (void)state;

    assert_true(strncmp(text,
                        "Hải Dương IOC \u2014 Daily KPI report\n2026-11-24  UTC  generated "
                        "2026-11-25T06:00:00+00:00\n",
                        strlen("Hải Dương IOC \u2014 Daily KPI report\n")) == 0);
    assert_non_null(strstr(text, "\n" FEED_A "\n"));
    assert_non_null(strstr(text, "\n" FEED_B "\n"));
    char *head = line_with(text, "  KPI ");
    char *a = line_with(text, "Tỷ lệ trực tuyến");
    char *b = line_with(text, "SUM(1)");
    char *c = line_with(text, "Camera trực tuyến");
    /* the right-aligned "last" column ends at the same column in every row */
    int col = end_col(head, "last");
    assert_int_equal(end_col(a, "72.5"), col);
    assert_int_equal(end_col(b, "1,234,567"), col);
    assert_int_equal(end_col(c, "no data"), col);
    /* so does the target column, after the Vietnamese unit cells */
    col = end_col(head, "target");
    assert_int_equal(end_col(a, "80.0"), col);
    assert_int_equal(end_col(c, "95.0"), col);
    assert_non_null(strstr(a, "\u2717 not met"));
    assert_non_null(strstr(c, "\u2013 no data"));
    free(head);
    free(a);
    free(b);
    free(c);
    assert_non_null(strstr(text, "fired: 1 critical, 1 warning, 1 info\n"));
    assert_non_null(strstr(text, "average time to acknowledge: 17m 30s\n"));
    assert_non_null(strstr(text, "longest open: dvc.evil:info (4h 00m)\n"));
    char *al = line_with(text, "camera:down");
    assert_non_null(strstr(al, "10:00:00"));
    assert_non_null(strstr(al, "critical"));
    assert_non_null(strstr(al, "11:00:00"));
    free(al);
    al = line_with(text, "20:00:00");
    assert_non_null(strstr(al, "dvc.evil:info"));
    assert_non_null(strstr(al, "30m 00s"));
    assert_non_null(strstr(al, "open"));
    free(al);
    free(text);
    release(r);
}

/* Counts the occurrences of needle in text. */
static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* True when text contains needle, ASCII case ignored. */
static bool has_ci(const char *text, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = text; *p; p++)
        if (strncasecmp(p, needle, n) == 0) return true;
    return false;
}

/* Checks that every coordinate of every path d="..." of class line lies
 * inside the viewBox of its svg; returns the number of subpaths (M). */
static int check_paths(const char *html)
{
    int subpaths = 0;
    for (const char *svg = strstr(html, "<svg"); svg; svg = strstr(svg + 1, "<svg")) {
        double w = 0, h = 0;
        const char *vb = strstr(svg, "viewBox=\"");
        assert_non_null(vb);
        assert_int_equal(sscanf(vb, "viewBox=\"0 0 %lf %lf\"", &w, &h), 2);
        const char *end = strstr(svg, "</svg>");
        const char *path = strstr(svg, "class=\"line\"");
        assert_non_null(path);
        assert_true(path < end);
        const char *d = strstr(path, " d=\"");
        assert_non_null(d);
        d += 4;
        int coords = 0;
        while (*d != '"') {
            if (*d == 'M') subpaths++;
            if (*d == 'M' || *d == 'L' || *d == ' ') {
                d++;
                continue;
            }
            char *e = NULL;
            double x = strtod(d, &e);
            assert_true(e > d);
            assert_true(*e == ' ');
            double y = strtod(e + 1, &e);
            assert_true(x >= 0 && x <= w);
            assert_true(y >= 0 && y <= h);
            coords++;
            d = e;
        }
        assert_true(coords >= 2);
    }
    return subpaths;
}

/* HTML: self-contained, escaped, one chart per KPI with data. */
static void test_html(void **state)
{
    Report *r = fixture();
    char *text = render(r, REPORT_HTML);
    (void)state;

    assert_true(strncmp(text, "<!DOCTYPE html>\n<html lang=\"vi\">", 31) == 0);
    assert_non_null(strstr(text, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(text, "@media print"));
    assert_false(has_ci(text, "<script"));
    assert_null(strstr(text, "http://"));
    assert_null(strstr(text, "https://"));
    assert_null(strstr(text, "src="));
    assert_null(strstr(text, "href="));
    assert_null(strstr(text, "url("));
    assert_null(strstr(text, "@import"));
    assert_non_null(strstr(text, "=SUM(1) &lt;script&gt;x&lt;/script&gt; | &quot;q&quot;"));
    assert_non_null(strstr(text, "<h1>Hải Dương IOC</h1>"));
    assert_non_null(strstr(text, "\u2717 not met"));
    assert_non_null(strstr(text, "\u2013 no data"));
    assert_non_null(strstr(text, ">no data</td>"));
    assert_int_equal(count(text, "<svg"), 2); /* the KPI without samples has none */
    assert_int_equal(count(text, "</svg>"), 2);
    /* KPI 1's first point stands alone before a gap: 2 subpaths; KPI 2: 1 */
    assert_int_equal(check_paths(text), 3);
    assert_non_null(strstr(text, "class=\"target\""));
    assert_non_null(strstr(text, "<rect class=\"warn\""));
    assert_non_null(strstr(text, "<span class=\"sev critical\">\u203C critical</span>"));
    assert_int_equal(count(text, "<tr class=\"kpi"), 3);
    free(text);
    release(r);
}

/* The time ioc was not running: in the feed section of text, md and html,
 * on every CSV row, and as a total and a list in JSON. */
static void test_not_running(void **state)
{
    Report *r = fixture();
    (void)state;

    r->stops = calloc(2, sizeof *r->stops);
    assert_non_null(r->stops);
    r->stops[0] = (ReportStop){DAY0 + 3 * HOUR, DAY0 + 3 * HOUR + 32000, false};
    r->stops[1] = (ReportStop){DAY0 + 5 * HOUR, DAY0 + 5 * HOUR + 60000, true};
    r->n_stops = 2;
    r->not_running_ms = 92000;
    const char *line = "ioc not running: 1m 32s (2 periods, 1 after an unclean stop)";
    for (int f = REPORT_TEXT; f <= REPORT_HTML; f++) {
        char *text = render(r, (ReportFormat)f);
        if (f == REPORT_TEXT || f == REPORT_MD || f == REPORT_HTML) {
            char *l = line_with(text, line);
            free(l);
            /* in the feed section, before the feed table */
            assert_true(strstr(text, line) > strstr(text, "Feeds"));
            assert_true(strstr(text, line) < strstr(text, "availability"));
        }
        if (f == REPORT_CSV) assert_int_equal(count(text, ",92,2\r\n"), 3);
        if (f == REPORT_JSON) {
            cJSON *d = cJSON_Parse(text);
            assert_non_null(d);
            cJSON *nr = cJSON_GetObjectItem(d, "ioc_not_running");
            assert_non_null(nr);
            assert_int_equal(cJSON_GetObjectItem(nr, "duration_ms")->valuedouble, 92000);
            cJSON *p = cJSON_GetObjectItem(nr, "periods");
            assert_int_equal(cJSON_GetArraySize(p), 2);
            cJSON *p0 = cJSON_GetArrayItem(p, 0);
            assert_string_equal(cJSON_GetObjectItem(p0, "from")->valuestring,
                                "2026-11-24T03:00:00+00:00");
            assert_string_equal(cJSON_GetObjectItem(p0, "to")->valuestring,
                                "2026-11-24T03:00:32+00:00");
            assert_int_equal(cJSON_GetObjectItem(p0, "duration_ms")->valuedouble, 32000);
            assert_true(cJSON_IsFalse(cJSON_GetObjectItem(p0, "clean")));
            assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(p, 1), "clean")));
            cJSON_Delete(d);
        }
        free(text);
    }
    /* One period, none unclean. */
    r->n_stops = 1;
    r->stops[0].clean = true;
    r->not_running_ms = 32000;
    char *text = render(r, REPORT_TEXT);
    char *l = line_with(text, "ioc not running:");
    assert_string_equal(l, "  ioc not running: 32s (1 period)");
    free(l);
    free(text);
    release(r);
}

/* Every format of a report with nothing in it. */
static void test_empty(void **state)
{
    Report r;
    (void)state;

    memset(&r, 0, sizeof r);
    r.ack_avg_ms = NAN;
    for (int f = REPORT_TEXT; f <= REPORT_HTML; f++) {
        char *text = render(&r, (ReportFormat)f);
        assert_true(strlen(text) > 0);
        if (f == REPORT_JSON) {
            cJSON *d = cJSON_Parse(text);
            assert_non_null(d);
            assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "kpis")), 0);
            assert_true(jnull(cJSON_GetObjectItem(d, "alerts"), "ack_avg_ms"));
            assert_true(jnull(cJSON_GetObjectItem(d, "alerts"), "longest_open"));
            cJSON_Delete(d);
        }
        if (f == REPORT_CSV) assert_int_equal(count(text, "\r\n"), 1);
        if (f == REPORT_HTML) {
            assert_null(strstr(text, "<svg"));
            assert_non_null(strstr(text, "</html>\n"));
        }
        if (f == REPORT_TEXT) assert_non_null(strstr(text, "no alerts fired"));
        if (f != REPORT_CSV && f != REPORT_JSON) {
            assert_non_null(strstr(text, "ioc not running: none recorded"));
            assert_non_null(strstr(text, "average time to acknowledge: none acknowledged"));
        }
        free(text);
    }
    report_free(&r);
    report_free(NULL);
}

/* Every format of a report whose numbers are NaN and infinite, with a very
 * long name and no day bounds. */
static void test_non_finite(void **state)
{
    Report r;
    char name[6000];
    (void)state;

    memset(&r, 0, sizeof r);
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    memcpy(name, "Hải|<b>", strlen("Hải|<b>"));
    r.kpis = calloc(2, sizeof *r.kpis);
    assert_non_null(r.kpis);
    r.n_kpis = 2;
    kpi_init(&r.kpis[0], name, "a.b", name, name, 3);
    ReportKpi *k = &r.kpis[0];
    k->has_value = true;
    k->samples = 2;
    k->last = NAN;
    k->min = -INFINITY;
    k->max = INFINITY;
    k->avg = NAN;
    k->has_target = true;
    k->target = INFINITY;
    k->warn_share = NAN;
    k->crit_share = INFINITY;
    k->warn = xdup("> nonsense");
    kpi_points(k, 3, (const double[]){1, 2, 3}, (const double[]){NAN, INFINITY, -INFINITY});
    kpi_init(&r.kpis[1], "f", "f.g", "g", "", 2);
    k = &r.kpis[1];
    k->has_value = true;
    k->samples = 3;
    k->last = k->min = k->avg = k->max = 1e308;
    kpi_points(k, 3, (const double[]){1, 2, 3}, (const double[]){1e308, -1e308, 1e308});
    r.ack_avg_ms = INFINITY;
    r.feeds = calloc(1, sizeof *r.feeds);
    assert_non_null(r.feeds);
    r.n_feeds = 1;
    r.feeds[0].availability = INFINITY;
    r.feeds[0].longest_down_ms = INT64_MIN;
    r.alerts = calloc(1, sizeof *r.alerts);
    assert_non_null(r.alerts);
    r.n_alerts = 1;
    alert_init(&r.alerts[0], name, NULL, 7, NULL, INT64_MAX, INT64_MIN, NULL, -1);
    r.longest_open_idx = 5; /* out of range: ignored */
    r.longest_open_ms = 1;

    for (int f = REPORT_TEXT; f <= REPORT_HTML; f++) {
        char *text = render(&r, (ReportFormat)f);
        if (f == REPORT_JSON) {
            cJSON *d = cJSON_Parse(text);
            assert_non_null(d);
            const cJSON *k0 = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "kpis"), 0);
            assert_true(jnull(k0, "last") && jnull(k0, "max") && jnull(k0, "target"));
            assert_true(jnull(cJSON_GetObjectItem(d, "alerts"), "ack_avg_ms"));
            cJSON_Delete(d);
        }
        if (f == REPORT_CSV) {
            assert_int_equal(count(text, "\r\n"), 3);
            assert_null(strstr(text, "nan"));
            assert_null(strstr(text, "inf"));
        }
        if (f == REPORT_HTML) {
            assert_null(strstr(text, "<b>"));
            assert_int_equal(count(text, "<svg"), 1); /* only the finite one */
            check_paths(text);
        }
        if (f == REPORT_MD) assert_null(strstr(text, "Hải|"));
        if (f != REPORT_CSV && f != REPORT_JSON) /* an infinite average is none */
            assert_non_null(strstr(text, "average time to acknowledge: none acknowledged"));
        free(text);
    }
    report_free(&r);
}

/* Output errors and bad arguments are reported, not ignored. */
/* A named unit is scaled in the text, Markdown and HTML reports (each cell
 * its own symbol, no unit column); JSON and CSV keep the raw value and the
 * unit as configured. */
static void test_units(void **state)
{
    (void)state;
    Report *r = fixture();
    ReportKpi *k = &r->kpis[1];
    free(k->unit);
    k->unit = xdup("bytes");
    char *text = render(r, REPORT_TEXT);
    char *l = line_with(text, "1.2 MiB");
    assert_non_null(strstr(l, "3 B"));
    assert_non_null(strstr(l, "603 KiB")); /* avg 617285: 602.8, no decimals from 100 */
    assert_null(strstr(l, "bytes"));
    free(l);
    free(text);
    text = render(r, REPORT_MD);
    assert_non_null(strstr(text, "| 1.2 MiB | 3 B | 603 KiB | 1.2 MiB |  |"));
    free(text);
    text = render(r, REPORT_HTML);
    assert_non_null(strstr(text, ">1.2 MiB<"));
    free(text);
    text = render(r, REPORT_JSON);
    cJSON *d = cJSON_Parse(text);
    const cJSON *jk = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "kpis"), 1);
    assert_string_equal(jstr(jk, "unit"), "bytes");
    assert_float_equal(jnum(jk, "last"), 1234567, 0);
    assert_null(strstr(text, "MiB"));
    cJSON_Delete(d);
    free(text);
    text = render(r, REPORT_CSV);
    assert_non_null(strstr(text, ",bytes,"));
    assert_null(strstr(text, "MiB"));
    free(text);
    release(r);
}

static void test_errors(void **state)
{
    Report *r = fixture();
    FILE *ro = fopen("/dev/null", "r");
    (void)state;

    assert_non_null(ro);
    assert_int_equal(report_write(NULL, REPORT_TEXT, ro), -1);
    assert_int_equal(report_write(r, REPORT_TEXT, NULL), -1);
    assert_int_equal(report_write(r, (ReportFormat)42, ro), -1);
    for (int f = REPORT_TEXT; f <= REPORT_HTML; f++) {
        clearerr(ro);
        assert_int_equal(report_write(r, (ReportFormat)f, ro), -1);
    }
    fclose(ro);
    release(r);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    if (timefmt_set_zone("UTC") != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names), cmocka_unit_test(test_json),
        cmocka_unit_test(test_csv),          cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_text),         cmocka_unit_test(test_html),
        cmocka_unit_test(test_empty),        cmocka_unit_test(test_non_finite),
        cmocka_unit_test(test_errors),       cmocka_unit_test(test_not_running),
        cmocka_unit_test(test_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
