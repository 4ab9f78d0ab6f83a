/* test_metrics.c - GET /metrics's text (export/metrics.c): every family
 * declared once with HELP and TYPE, no series twice, the KPI, feed, alert,
 * notify and archive families filled from a Monitor, label values escaped,
 * counters that keep growing across a reload (MetricsCarry), and the KPI
 * families the same as `ioc snapshot -f prom` writes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export/metrics.h"
#include "export/snapshot.h"
#include "parse/prom.h"
#include "tests/tools/metrics_fixture.h"

#define TMPDIR_FIXTURE_NAME "metrics"
#include "tmpdir_fixture.h"

/* The fixture's Monitor (fails the test when it cannot be built). */
static Monitor *make(const char *archive)
{
    char err[400];
    Monitor *m = mfx_monitor(archive, err, sizeof(err));
    if (!m) fail_msg("mfx_monitor: %s", err);
    return m;
}

/* metrics_write() into a new string (caller frees), checked for the rules
 * every exposition keeps: it parses; every sample's family has exactly one
 * HELP and one TYPE line, before its samples; no series appears twice. */
static char *scrape(const Monitor *m, const MetricsInfo *info, PromDoc **doc)
{
    SBuf b = {0};
    assert_int_equal(metrics_write(m, info, &b), 0);
    assert_non_null(b.s);
    PromError err;
    PromDoc *d = prom_parse(b.s, b.len, &err);
    if (!d) fail_msg("prom_parse: line %d: %s", err.line, err.msg);
    char *copy = strdup(b.s);
    size_t n_lines = 0;
    char **lines = calloc(b.len + 1, sizeof(char *));
    for (char *save, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        lines[n_lines++] = l;
    for (size_t i = 0; i < n_lines; i++) {
        const char *l = lines[i];
        if (l[0] == '#') {
            char kind[8], name[128], want[140];
            assert_int_equal(sscanf(l, "# %7s %127s", kind, name), 2);
            size_t seen = 0; /* one HELP and one TYPE per family */
            snprintf(want, sizeof(want), "# %s %s ", kind, name);
            for (size_t j = 0; j < n_lines; j++)
                seen += strncmp(lines[j], want, strlen(want)) == 0;
            if (seen != 1) fail_msg("%s appears %zu times", want, seen);
            continue;
        }
        for (size_t j = 0; j < i; j++) /* name{labels} is unique */
            if (lines[j][0] != '#' && strcspn(lines[j], " ") == strcspn(l, " ") &&
                strncmp(lines[j], l, strcspn(l, " ")) == 0)
                fail_msg("series twice: %s", l);
        char metric[128], type[160];
        snprintf(metric, sizeof(metric), "%.*s", (int)strcspn(l, "{ "), l);
        snprintf(type, sizeof(type), "# TYPE %s ", metric);
        bool declared = false;
        for (size_t j = 0; j < i && !declared; j++)
            declared = strncmp(lines[j], type, strlen(type)) == 0;
        for (const char *suf = "_bucket\0_sum\0_count\0"; *suf && !declared;
             suf += strlen(suf) + 1) { /* a histogram's series */
            size_t ml = strlen(metric), sl = strlen(suf);
            if (ml > sl && strcmp(metric + ml - sl, suf) == 0) {
                snprintf(type, sizeof(type), "# TYPE %.*s histogram", (int)(ml - sl), metric);
                for (size_t j = 0; j < i && !declared; j++)
                    declared = strcmp(lines[j], type) == 0;
            }
        }
        if (!declared) fail_msg("%s has no TYPE line before it", metric);
    }
    free(lines);
    free(copy);
    *doc = d;
    return b.s;
}

/* The sample of d named metric whose labels include every (name, value)
 * pair of the NULL-terminated list; NULL when none, fails when two. */
static const PromSample *find(const PromDoc *d, const char *metric, ...)
{
    const char *want[16];
    size_t n = 0;
    va_list ap;
    va_start(ap, metric);
    for (const char *w; n < 16 && (w = va_arg(ap, const char *));)
        want[n++] = w;
    va_end(ap);
    const PromSample *found = NULL;
    for (size_t i = 0; i < prom_doc_count(d); i++) {
        const PromSample *s = prom_doc_sample(d, i);
        bool match = strcmp(s->metric, metric) == 0;
        for (size_t p = 0; match && p + 1 < n; p += 2) {
            bool has = false;
            for (size_t l = 0; l < s->n_labels; l++)
                has = has || (strcmp(s->labels[l].name, want[p]) == 0 &&
                              strcmp(s->labels[l].value, want[p + 1]) == 0);
            match = has;
        }
        if (match && found) fail_msg("two samples of %s match", metric);
        if (match) found = s;
    }
    return found;
}

/* The value of the only sample of metric with the label pairs; fails when none. */
#define VAL(d, metric, ...) val_of(find(d, metric, __VA_ARGS__, (const char *)NULL), metric)
static double val_of(const PromSample *s, const char *metric)
{
    if (!s) fail_msg("no sample of %s with these labels", metric);
    return s->value;
}
#define NONE(d, metric, ...) assert_null(find(d, metric, __VA_ARGS__, (const char *)NULL))

/* The KPI families: a value only when it is current, the target, a
 * one-hot status, the name and unit in ioc_kpi_info, escaped. */
static void test_kpis(void **state)
{
    Monitor *m = make(NULL);
    int64_t now = loop_wall_ms();
    mfx_scene(m, now);
    PromDoc *d;
    char *text = scrape(m, &(MetricsInfo){.now_ms = now}, &d);

    assert_true(VAL(d, "ioc_kpi_value", "feed", "dvc", "kpi", "rate") == 55);
    assert_true(VAL(d, "ioc_kpi_value", "feed", "dvc", "kpi", "backlog") == 1300);
    NONE(d, "ioc_kpi_value", "feed", "soc"); /* stale: the feed failed since */
    NONE(d, "ioc_kpi_value", "feed", "env"); /* never had a value */
    assert_true(VAL(d, "ioc_kpi_target", "feed", "dvc", "kpi", "rate") == 80);
    NONE(d, "ioc_kpi_target", "kpi", "backlog");
    const struct {
        const char *feed, *kpi, *status;
    } st[] = {{"dvc", "rate", "warn"},
              {"dvc", "backlog", "ok"},
              {"soc", "high", "stale"},
              {"env", "aqi", "none"}};
    const char *all[] = {"ok", "warn", "crit", "stale", "none"};
    for (size_t i = 0; i < 4; i++)
        for (size_t s = 0; s < 5; s++)
            assert_true(VAL(d, "ioc_kpi_status", "feed", st[i].feed, "kpi", st[i].kpi, "status",
                            all[s]) == (strcmp(all[s], st[i].status) == 0 ? 1 : 0));
    /* Quotes, backslashes and newlines in label values are escaped (a newline
     * is first sanitised to a space) and read back. */
    assert_true(
        VAL(d, "ioc_kpi_info", "kpi", "rate", "name", "Rate \"online\" \\ x y", "unit", "%") == 1);
    assert_non_null(strstr(text, "name=\"Rate \\\"online\\\" \\\\ x y\""));
    assert_true(VAL(d, "ioc_kpi_info", "kpi", "aqi", "unit", "\xC2\xB5g/m\xC2\xB3 \"avg\"") == 1);
    assert_true(VAL(d, "ioc_kpi_info", "kpi", "backlog", "name", "backlog", "unit", "") == 1);
    prom_doc_free(d);
    free(text);
    monitor_free(m);
}

/* The feed families: up, state, counters, errors by reason, the histogram. */
static void test_feeds(void **state)
{
    Monitor *m = make(NULL);
    int64_t now = loop_wall_ms();
    mfx_scene(m, now);
    PromDoc *d;
    char *text = scrape(m, NULL, &d);

    assert_true(VAL(d, "ioc_feed_up", "feed", "dvc") == 1);
    assert_true(VAL(d, "ioc_feed_up", "feed", "soc") == 0);
    assert_true(VAL(d, "ioc_feed_state", "feed", "env", "state", "down") == 1);
    assert_true(VAL(d, "ioc_feed_state", "feed", "env", "state", "bad-data") == 0);
    assert_true(VAL(d, "ioc_feed_polls_total", "feed", "soc") == 2);
    assert_true(VAL(d, "ioc_feed_poll_errors_total", "feed", "soc", "reason", "timeout") == 1);
    assert_true(VAL(d, "ioc_feed_poll_errors_total", "feed", "env", "reason", "bad_data") == 1);
    assert_true(VAL(d, "ioc_feed_poll_errors_total", "feed", "env", "reason", "http") == 1);
    assert_true(VAL(d, "ioc_feed_poll_errors_total", "feed", "dvc", "reason", "timeout") == 0);
    NONE(d, "ioc_feed_poll_errors_total", "reason", "none"); /* a success is no reason */
    size_t reasons = 0;
    for (size_t i = 0; i < prom_doc_count(d); i++)
        reasons += strcmp(prom_doc_sample(d, i)->metric, "ioc_feed_poll_errors_total") == 0;
    assert_int_equal(reasons, 3 * (FEED_ERR_COUNT - 1)); /* bounded: every reason, every feed */
    assert_true(VAL(d, "ioc_feed_latency_seconds", "feed", "soc") == 4);
    assert_true(VAL(d, "ioc_feed_last_success_timestamp_seconds", "feed", "soc") ==
                (double)(now - 19000) / 1000.0);
    NONE(d, "ioc_feed_last_success_timestamp_seconds", "feed", "env");
    /* dvc: 120 ms and 40 ms, cumulative buckets. */
    const struct {
        const char *le;
        double n;
    } b[] = {{"0.005", 0}, {"0.025", 0}, {"0.05", 1}, {"0.1", 1},
             {"0.25", 2},  {"30", 2},    {"+Inf", 2}};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        assert_true(VAL(d, "ioc_feed_poll_duration_seconds_bucket", "feed", "dvc", "le", b[i].le) ==
                    b[i].n);
    assert_true(VAL(d, "ioc_feed_poll_duration_seconds_sum", "feed", "dvc") == 0.16);
    assert_true(VAL(d, "ioc_feed_poll_duration_seconds_count", "feed", "dvc") == 2);
    assert_true(VAL(d, "ioc_feed_poll_duration_seconds_bucket", "feed", "soc", "le", "2.5") == 1);
    assert_true(VAL(d, "ioc_feed_poll_duration_seconds_bucket", "feed", "soc", "le", "5") == 2);
    assert_non_null(strstr(text, "# TYPE ioc_feed_poll_duration_seconds histogram\n"));
    assert_non_null(strstr(text, "# TYPE ioc_feed_polls_total counter\n"));
    prom_doc_free(d);
    free(text);
    monitor_free(m);
}

/* Alerts counted by state and severity; notify targets by name (a repeated
 * name made unique); build info; the archive families without an archive
 * are declared with no sample. */
static void test_alerts_notify_build(void **state)
{
    Monitor *m = make(NULL);
    mfx_scene(m, loop_wall_ms());
    PromDoc *d;
    char *text = scrape(
        m, &(MetricsInfo){.version = "9.9.9", .commit = "abc123", .start_ms = 1795606205000}, &d);
    AlertCounts c;
    alert_counts(m->alerts, &c);
    assert_true(c.firing[SEV_WARNING] >= 1); /* dvc.rate's warn threshold */
    assert_true(VAL(d, "ioc_alerts", "state", "firing", "severity", "warning") ==
                (double)c.firing[SEV_WARNING]);
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < prom_doc_count(d); i++)
        if (strcmp(prom_doc_sample(d, i)->metric, "ioc_alerts") == 0) {
            sum += prom_doc_sample(d, i)->value;
            n++;
        }
    assert_int_equal(n, 6 * 3);
    assert_true(sum == (double)alert_count(m->alerts));

    assert_true(VAL(d, "ioc_notify_sent_total", "target", "http://127.0.0.1:9/hook") == 0);
    assert_true(VAL(d, "ioc_notify_failed_total", "target", "http://127.0.0.1:9/hook #2") == 0);
    assert_true(VAL(d, "ioc_notify_sent_total", "target", "http://127.0.0.1:9/other") == 0);
    assert_true(VAL(d, "ioc_build_info", "version", "9.9.9", "commit", "abc123") == 1);
    assert_true(VAL(d, "process_start_time_seconds", (const char *)NULL) == 1795606205);
    assert_true(VAL(d, "ioc_config_reloads_total", (const char *)NULL) == 0);
    assert_non_null(strstr(text, "# TYPE ioc_archive_up gauge\n"));
    NONE(d, "ioc_archive_up", (const char *)NULL);
    prom_doc_free(d);
    free(text);

    SBuf b = {0}; /* defaults: IOC_VERSION, commit unknown */
    assert_int_equal(metrics_write(m, NULL, &b), 0);
    char want[160];
    snprintf(want, sizeof(want), "ioc_build_info{version=\"%s\",commit=\"unknown\"} 1\n",
             IOC_VERSION);
    assert_non_null(strstr(b.s, want));
    sbuf_free(&b);
    monitor_free(m);
}

/* The archive families: up, samples written, the last flush time. */
static void test_archive(void **state)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/archive.db", tmpdir);
    Monitor *m = make(path);
    int64_t now = loop_wall_ms();
    mfx_scene(m, now);
    assert_int_equal(archive_flush(m->archive, now), 0);
    archive_wait(m->archive); /* the writer thread */
    PromDoc *d;
    char *text = scrape(m, NULL, &d);
    assert_true(VAL(d, "ioc_archive_up", (const char *)NULL) == 1);
    assert_true(VAL(d, "ioc_archive_samples_written_total", (const char *)NULL) == 8);
    assert_true(VAL(d, "ioc_archive_write_errors_total", (const char *)NULL) == 0);
    assert_true(VAL(d, "ioc_archive_pending_samples", (const char *)NULL) == 0);
    assert_true(VAL(d, "ioc_archive_last_flush_timestamp_seconds", (const char *)NULL) ==
                (double)now / 1000.0);
    prom_doc_free(d);
    free(text);
    monitor_free(m);
}

/* A reload replaces the Monitor: with the old one's counters carried, every
 * counter goes on from where it was instead of starting at 0 again. */
static void test_counters_survive_reload(void **state)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/reload.db", tmpdir);
    MetricsCarry *carry = metrics_carry_new();
    assert_non_null(carry);
    Monitor *m = make(path);
    int64_t now = loop_wall_ms();
    mfx_scene(m, now - 60000);
    assert_int_equal(archive_flush(m->archive, now - 30000), 0);
    archive_wait(m->archive); /* the writer thread */
    assert_int_equal(metrics_carry_add(carry, m), 0);
    monitor_free(m);

    m = make(path); /* the reloaded config */
    mfx_poll(m, 1, FS_DOWN, 5000, FEED_ERR_TIMEOUT, (double[]){NAN}, now - 1000);
    PromDoc *d;
    char *text = scrape(m, &(MetricsInfo){.carry = carry}, &d);
    assert_true(VAL(d, "ioc_feed_polls_total", "feed", "soc") == 3);
    assert_true(VAL(d, "ioc_feed_polls_total", "feed", "dvc") == 2);
    assert_true(VAL(d, "ioc_feed_poll_errors_total", "feed", "soc", "reason", "timeout") == 2);
    assert_true(VAL(d, "ioc_feed_poll_duration_seconds_count", "feed", "soc") == 3);
    assert_true(VAL(d, "ioc_feed_poll_duration_seconds_sum", "feed", "soc") == 9.008);
    assert_true(VAL(d, "ioc_archive_samples_written_total", (const char *)NULL) == 8);
    assert_true(VAL(d, "ioc_archive_flushes_total", (const char *)NULL) >= 1);
    assert_true(VAL(d, "ioc_config_reloads_total", (const char *)NULL) == 1);
    assert_true(VAL(d, "ioc_feed_up", "feed", "dvc") == 0); /* gauges are the new Monitor's */
    prom_doc_free(d);
    free(text);

    text = scrape(m, NULL, &d); /* without the carry: the new Monitor alone */
    assert_true(VAL(d, "ioc_feed_polls_total", "feed", "soc") == 1);
    prom_doc_free(d);
    free(text);
    monitor_free(m);
    metrics_carry_free(carry);
}

/* The lines of text that start with prefix, in order, joined (caller frees). */
static char *lines_with(const char *text, const char *prefix)
{
    SBuf b = {0};
    sbuf_add(&b, "", 0);
    for (const char *l = text; *l;) {
        size_t len = strcspn(l, "\n");
        const char *name = l[0] == '#' ? l + 7 : l; /* "# HELP " and "# TYPE " */
        if (strncmp(name, prefix, strlen(prefix)) == 0) sbuf_add(&b, l, len + 1);
        l += len + (l[len] == '\n');
    }
    return b.s;
}

/* `ioc snapshot -f prom` of the same state writes the same KPI families,
 * line for line. */
static void test_snapshot_agrees(void **state)
{
    Monitor *m = make(NULL);
    int64_t now = loop_wall_ms();
    mfx_scene(m, now);
    const Collector *c = m->coll;
    Snapshot *s = snap_new(c->cfg);
    assert_non_null(s);
    size_t i = 0;
    for (size_t f = 0; f < s->n_feeds; f++) {
        s->feeds[f].status = c->feeds[f];
        for (size_t k = 0; k < s->feeds[f].feed->n_kpis; k++, i++) {
            CollKpiView v;
            coll_kpi_view(c, i, now, &v);
            s->feeds[f].kpis[k].has_value = v.has_value;
            s->feeds[f].kpis[k].value = v.value;
            s->feeds[f].kpis[k].status = v.status;
        }
    }
    char *snap_text = NULL;
    size_t snap_len = 0;
    FILE *out = open_memstream(&snap_text, &snap_len);
    assert_int_equal(snap_write(s, SNAP_PROM, out), 0);
    fclose(out);
    SBuf b = {0};
    assert_int_equal(metrics_write(m, &(MetricsInfo){.now_ms = now}, &b), 0);
    for (const char *const *p = (const char *const[]){"ioc_kpi_", "ioc_feed_", NULL}; *p; p++) {
        char *a = lines_with(snap_text, *p), *w = lines_with(b.s, *p);
        assert_true(strlen(a) > 100);
        assert_string_equal(a, w);
        free(a);
        free(w);
    }
    sbuf_free(&b);
    free(snap_text);
    snap_free(s);
    monitor_free(m);
}

/* No Monitor (before the first config loaded): build and process only. */
/* ioc_poll_delay_seconds: one histogram over every feed (and the carry of a
 * reload), with the largest delay beside it. */
static void test_poll_delay(void **state)
{
    Monitor *m = make(NULL);
    feedstate_count_delay(&m->coll->feeds[0], 0);
    feedstate_count_delay(&m->coll->feeds[0], 3);
    feedstate_count_delay(&m->coll->feeds[1], 120);
    feedstate_count_delay(&m->coll->feeds[2], -5); /* a timer early by the clock: 0 */
    MetricsCarry *carry = metrics_carry_new();
    FeedStatus old = {0};
    feedstate_count_delay(&old, 40);
    m->coll->feeds[0].delay_max_ms = 3;
    /* The carry of a reload: a Monitor whose dvc had one poll 40 ms late. */
    Monitor *prev = make(NULL);
    prev->coll->feeds[0] = old;
    assert_int_equal(metrics_carry_add(carry, prev), 0);
    monitor_free(prev);
    const MetricsInfo info = {.carry = carry};
    PromDoc *d;
    char *text = scrape(m, &info, &d);
    const struct {
        const char *le;
        double n;
    } b[] = {{"0.001", 2}, {"0.002", 2}, {"0.005", 3}, {"0.025", 3}, {"0.05", 4},
             {"0.1", 4},   {"0.25", 5},  {"10", 5},    {"+Inf", 5}};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (VAL(d, "ioc_poll_delay_seconds_bucket", "le", b[i].le) != b[i].n)
            fail_msg("le=%s: want %g", b[i].le, b[i].n);
    assert_true(VAL(d, "ioc_poll_delay_seconds_count", NULL) == 5);
    assert_true(fabs(VAL(d, "ioc_poll_delay_seconds_sum", NULL) - 0.163) < 1e-9);
    assert_true(VAL(d, "ioc_poll_delay_max_seconds", NULL) == 0.12);
    assert_non_null(strstr(text, "# TYPE ioc_poll_delay_seconds histogram\n"));
    prom_doc_free(d);
    free(text);
    metrics_carry_free(carry);
    monitor_free(m);
}

static void test_no_monitor(void **state)
{
    SBuf b = {0};
    assert_int_equal(metrics_write(NULL, NULL, &b), 0);
    assert_non_null(strstr(b.s, "ioc_build_info{"));
    assert_null(strstr(b.s, "ioc_kpi_"));
    sbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kpis),
        cmocka_unit_test(test_feeds),
        cmocka_unit_test(test_alerts_notify_build),
        cmocka_unit_test(test_archive),
        cmocka_unit_test(test_counters_survive_reload),
        cmocka_unit_test(test_snapshot_agrees),
        cmocka_unit_test(test_poll_delay),
        cmocka_unit_test(test_no_monitor),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
