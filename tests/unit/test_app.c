/* test_app.c - the App's views: live, stale, gaps shown as the last value,
 * history as of a past moment, and the issue list order. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/app.h"

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

/* Builds an App from the YAML above (not started: nothing is polled). */
static App *make_app(void)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(yaml, strlen(yaml), "t.yaml", &d);
    diag_done(&d);
    assert_non_null(c);
    char err[128];
    App *a = app_new(c, err, sizeof(err));
    assert_non_null(a);
    return a;
}

static void test_views(void **state)
{
    (void)state;
    App *a = make_app();
    assert_int_equal(a->n_kpis, 3);
    int rate = app_find_kpi(a, "dvc.rate");
    assert_int_equal(rate, 0);
    assert_int_equal(app_find_kpi(a, "soc.high"), 2);
    assert_int_equal(app_find_kpi(a, "soc.nope"), -1);
    int s = a->kpis[rate].series;
    int64_t t0 = 1700000000000;
    AppKpiView v;

    app_kpi_view(a, (size_t)rate, t0, &v); /* nothing yet */
    assert_false(v.has_value);
    assert_int_equal(v.status, KST_NONE);

    store_append(a->store, s, t0, 72.5);
    store_append(a->store, s, t0 + 10000, 55.0);
    app_kpi_view(a, (size_t)rate, t0 + 12000, &v); /* live */
    assert_true(v.has_value);
    assert_float_equal(v.value, 55.0, 0);
    assert_int_equal(v.age_ms, 2000);
    assert_false(v.stale);
    assert_int_equal(v.status, KST_WARN);

    app_kpi_view(a, (size_t)rate, t0 + 5000, &v); /* history: as it was at t0+5s */
    assert_float_equal(v.value, 72.5, 0);
    assert_int_equal(v.status, KST_OK);

    store_append(a->store, s, t0 + 20000, NAN); /* the feed went down: a gap */
    app_kpi_view(a, (size_t)rate, t0 + 21000, &v);
    assert_true(v.has_value); /* the last value, never a zero */
    assert_float_equal(v.value, 55.0, 0);
    assert_true(v.stale);
    assert_int_equal(v.status, KST_STALE);

    store_append(a->store, s, t0 + 30000, 45.0); /* back, critical */
    app_kpi_view(a, (size_t)rate, t0 + 30000, &v);
    assert_false(v.stale);
    assert_int_equal(v.status, KST_CRIT);
    app_kpi_view(a, (size_t)rate, t0 + 30000 + 31000, &v); /* older than 3 intervals */
    assert_true(v.stale);
    assert_int_equal(v.status, KST_STALE);
    app_free(a);
}

static void test_issues_order(void **state)
{
    (void)state;
    App *a = make_app();
    a->kpis[0].status = KST_WARN;
    a->kpis[0].status_since = 100;
    a->kpis[2].status = KST_CRIT;
    a->kpis[2].status_since = 300;
    a->feeds[0].state = FS_DOWN;
    a->feeds[0].last_ok_ms = 200;
    AppIssue is[8];
    size_t n = app_issues(a, is, 8);
    assert_int_equal(n, 3);
    /* critical first (the down feed since 200, then soc.high since 300), then the warning */
    assert_int_equal(is[0].severity, KST_CRIT);
    assert_int_equal(is[0].kpi, -1);
    assert_int_equal(is[1].kpi, 2);
    assert_int_equal(is[2].severity, KST_WARN);
    assert_int_equal(is[2].kpi, 0);
    assert_int_equal(app_feeds_up(a), 0);
    a->feeds[1].state = FS_OK;
    assert_int_equal(app_feeds_up(a), 1);
    app_free(a);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_views),
        cmocka_unit_test(test_issues_order),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
