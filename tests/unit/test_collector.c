/* test_app.c - the Collector's views: live, stale, gaps shown as the last value,
 * history as of a past moment, and the issue list order. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/collector.h"

static const char *yaml = "ioc: { name: T }\n"
                          "feeds:\n"
                          "  - id: dvc\n"
                          "    url: http://127.0.0.1:1/x\n"
                          "    interval: 10s\n"
                          "    kpis:\n"
                          "      - { id: rate, select: $.r, warn: '< 60', crit: '< 50' }\n"
                          "      - { id: n, select: $.n }\n"
                          "  - id: soc\n"
                          "    url: http://127.0.0.1:1/y\n"
                          "    kpis: [ { id: high, select: $.h, crit: '>= 3' } ]\n";

/* Builds a Collector from the YAML above (not started: nothing is polled). */
static Collector *make_app(void)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(yaml, strlen(yaml), "t.yaml", &d);
    diag_done(&d);
    assert_non_null(c);
    char err[128];
    Collector *a = coll_new(c, err, sizeof(err));
    assert_non_null(a);
    return a;
}

static void test_views(void **state)
{
    (void)state;
    Collector *a = make_app();
    assert_int_equal(a->n_kpis, 3);
    int rate = coll_find_kpi(a, "dvc.rate");
    assert_int_equal(rate, 0);
    assert_int_equal(coll_find_kpi(a, "soc.high"), 2);
    assert_int_equal(coll_find_kpi(a, "soc.nope"), -1);
    int s = a->kpis[rate].series;
    int64_t t0 = 1700000000000;
    CollKpiView v;

    coll_kpi_view(a, (size_t)rate, t0, &v); /* nothing yet */
    assert_false(v.has_value);
    assert_int_equal(v.status, KST_NONE);

    store_append(a->store, s, t0, 72.5);
    store_append(a->store, s, t0 + 10000, 55.0);
    coll_kpi_view(a, (size_t)rate, t0 + 12000, &v); /* live */
    assert_true(v.has_value);
    assert_float_equal(v.value, 55.0, 0);
    assert_int_equal(v.age_ms, 2000);
    assert_false(v.stale);
    assert_int_equal(v.status, KST_WARN);

    coll_kpi_view(a, (size_t)rate, t0 + 5000, &v); /* history: as it was at t0+5s */
    assert_float_equal(v.value, 72.5, 0);
    assert_int_equal(v.status, KST_OK);

    store_append(a->store, s, t0 + 20000, NAN); /* the feed went down: a gap */
    coll_kpi_view(a, (size_t)rate, t0 + 21000, &v);
    assert_true(v.has_value); /* the last value, never a zero */
    assert_float_equal(v.value, 55.0, 0);
    assert_true(v.stale);
    assert_int_equal(v.status, KST_STALE);

    store_append(a->store, s, t0 + 30000, 45.0); /* back, critical */
    coll_kpi_view(a, (size_t)rate, t0 + 30000, &v);
    assert_false(v.stale);
    assert_int_equal(v.status, KST_CRIT);
    coll_kpi_view(a, (size_t)rate, t0 + 30000 + 31000, &v); /* older than 3 intervals */
    assert_true(v.stale);
    assert_int_equal(v.status, KST_STALE);
    coll_free(a);
}

static void test_issues_order(void **state)
{
    (void)state;
    Collector *a = make_app();
    a->kpis[0].status = KST_WARN;
    a->kpis[0].status_since = 100;
    a->kpis[2].status = KST_CRIT;
    a->kpis[2].status_since = 300;
    a->feeds[0].state = FS_DOWN;
    a->feeds[0].last_ok_ms = 200;
    CollIssue is[8];
    size_t n = coll_issues(a, is, 8);
    assert_int_equal(n, 3);
    /* critical first (the down feed since 200, then soc.high since 300), then the warning */
    assert_int_equal(is[0].severity, KST_CRIT);
    assert_int_equal(is[0].kpi, -1);
    assert_int_equal(is[1].kpi, 2);
    assert_int_equal(is[2].severity, KST_WARN);
    assert_int_equal(is[2].kpi, 0);
    assert_int_equal(coll_feeds_up(a), 0);
    a->feeds[1].state = FS_OK;
    assert_int_equal(coll_feeds_up(a), 1);
    coll_free(a);
}

/* Delivers one poll of feed 0 (dvc: rate, n) at the fake wall time wall. */
static void poll_dvc(Collector *a, int64_t wall, double rate, double n)
{
    FeedStatus st = {.state = FS_OK, .latency_ms = 5};
    KpiValue v[2] = {{.has_value = true, .value = rate}, {.has_value = true, .value = n}};
    coll_poll_result(a, 0, &st, v, wall);
}

/* A wall clock stepped back two hours loses no poll: each sample is stored
 * 1 ms after the newest one, counted as retimed, the first of the episode
 * noted for the log; once the clock passes the newest sample again, samples
 * carry the wall time. A sample the store refuses is counted and shown. */
static void test_clock_step_back(void **state)
{
    (void)state;
    Collector *a = make_app();
    CollKpi *k = &a->kpis[0];
    int64_t t0 = 1700000000000, back = 2 * 3600 * 1000LL;
    poll_dvc(a, t0, 70, 1);
    poll_dvc(a, t0 + 10000, 71, 2);
    assert_int_equal(k->retimed, 0);
    assert_int_equal(k->note, 0);
    int64_t wall = t0 + 10000 - back; /* the clock steps back */
    for (int i = 1; i <= 5; i++)
        poll_dvc(a, wall + i * 10000, 72 + i, 3);
    Sample last;
    assert_true(store_last(a->store, k->series, &last));
    assert_int_equal(last.ts_ms, t0 + 10000 + 5);
    assert_float_equal(last.value, 77, 0);
    StoreStats st;
    assert_true(store_stats(a->store, k->series, t0 - 1, t0 + 20000, &st));
    assert_int_equal(st.count, 7); /* every poll kept */
    assert_int_equal(k->retimed, 5);
    assert_int_equal(a->kpis[1].retimed, 5);
    assert_int_equal(k->note, COLL_SAMPLE_RETIMED); /* one note for the episode */
    assert_int_equal(k->behind_ms, back - 10000);
    assert_int_equal(k->status, KST_OK);
    uint64_t rt, rj;
    coll_sample_counts(a, &rt, &rj);
    assert_int_equal(rt, 10);
    assert_int_equal(rj, 0);
    k->note = 0;                    /* the logger took it */
    poll_dvc(a, t0 + 20000, 80, 4); /* the clock has passed the newest sample */
    assert_true(store_last(a->store, k->series, &last));
    assert_int_equal(last.ts_ms, t0 + 20000);
    assert_int_equal(k->retimed, 5);
    assert_int_equal(k->note, 0);
    poll_dvc(a, t0, 81, 5); /* a second episode is noted again */
    assert_int_equal(k->note, COLL_SAMPLE_RETIMED);
    assert_int_equal(k->behind_ms, 20000);

    /* A time the store cannot hold: rejected, counted, shown as the error. */
    k->note = 0;
    poll_dvc(a, STORE_TS_LIMIT + 1, 82, 6);
    assert_int_equal(k->rejected, 1);
    assert_int_equal(k->note, COLL_SAMPLE_REJECTED);
    assert_string_equal(k->error, "the store rejected the sample");
    assert_int_equal(k->status, KST_STALE);
    coll_sample_counts(a, &rt, &rj);
    assert_int_equal(rj, 2);
    coll_free(a);
}

/* A value that is not finite reaches the Collector as no value with its error
 * (extract_feed rejects it): stored as a gap, the KPI shows the error. */
static void test_not_finite_value(void **state)
{
    (void)state;
    Collector *a = make_app();
    FeedStatus st = {.state = FS_BAD_DATA, .latency_ms = 5};
    KpiValue v[2] = {{.has_value = false}, {.has_value = true, .value = 3}};
    snprintf(v[0].error, sizeof v[0].error, "value is not finite");
    coll_poll_result(a, 0, &st, v, 1700000000000);
    assert_string_equal(a->kpis[0].error, "value is not finite");
    assert_int_equal(a->kpis[0].status, KST_NONE);
    CollKpiView view;
    coll_kpi_view(a, 0, 1700000000000, &view);
    assert_false(view.has_value);
    assert_int_equal(a->feeds[0].state, FS_BAD_DATA);
    coll_free(a);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_views),
        cmocka_unit_test(test_issues_order),
        cmocka_unit_test(test_clock_step_back),
        cmocka_unit_test(test_not_finite_value),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
