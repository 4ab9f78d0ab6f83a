/* test_extract.c - body to KPI values: JSON, Prometheus text, CSV, and the
 * rules a user relies on (null is no value, strings are read in the KPI's
 * number format, agg, scale and offset, errors in words). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "feeds/extract.h"

/* One KPI to build: selector (or CSV column), agg, number format, where. */
typedef struct {
    const char *select;
    Agg agg;
    NumFormat numfmt;
    double scale, offset;
    const char *where_col, *where_val;
} KpiSpec;

/* Builds a feed of the given format with the given KPIs (selectors compiled). */
static CfgFeed *make_feed(FeedFormat fmt, const KpiSpec *specs, size_t n)
{
    CfgFeed *f = calloc(1, sizeof(*f));
    f->id = "t";
    f->format = fmt;
    f->n_kpis = n;
    f->kpis = calloc(n, sizeof(CfgKpi));
    for (size_t i = 0; i < n; i++) {
        CfgKpi *k = &f->kpis[i];
        k->id = "k";
        k->select = (char *)specs[i].select;
        k->agg = specs[i].agg;
        k->numfmt = specs[i].numfmt;
        k->scale = specs[i].scale != 0 ? specs[i].scale : 1;
        k->offset = specs[i].offset;
        if (fmt == FEED_JSON) {
            JpError e;
            k->jp = jp_compile(specs[i].select, &e);
            assert_non_null(k->jp);
        } else if (fmt == FEED_PROMETHEUS) {
            PromError e;
            k->prom = prom_selector_compile(specs[i].select, &e);
            assert_non_null(k->prom);
        }
        if (specs[i].where_col) {
            k->where = calloc(1, sizeof(CfgWhere));
            k->where[0].column = (char *)specs[i].where_col;
            k->where[0].value = (char *)specs[i].where_val;
            k->n_where = 1;
        }
    }
    return f;
}

/* Frees what make_feed built. */
static void free_feed(CfgFeed *f)
{
    for (size_t i = 0; i < f->n_kpis; i++) {
        jp_free(f->kpis[i].jp);
        prom_selector_free(f->kpis[i].prom);
        free(f->kpis[i].where);
    }
    free(f->kpis);
    free(f);
}

static void test_json_values_and_rules(void **state)
{
    (void)state;
    const char *body =
        "{\"data\": {\"online_rate\": 72.5, \"as_text\": \"48,6\", \"big\": \"7.995,5\","
        " \"flag\": true, \"none\": null, \"word\": \"n/a\", \"obj\": {\"a\": 1},"
        " \"dossiers\": [{\"s\": \"overdue\", \"d\": 3}, {\"s\": \"done\", \"d\": 1},"
        "                {\"s\": \"overdue\", \"d\": 5}, {\"s\": \"overdue\", \"d\": null}]}}";
    KpiSpec specs[] = {
        {"$.data.online_rate", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.as_text", AGG_FIRST, NUMFMT_VI, 0, 0, 0, 0},
        {"$.data.big", AGG_FIRST, NUMFMT_VI, 0, 0, 0, 0},
        {"$.data.flag", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.none", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.missing", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.word", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.obj", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.dossiers[?@.s == 'overdue']", AGG_COUNT, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.dossiers[?@.s == 'overdue'].d", AGG_SUM, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.dossiers[*].d", AGG_MAX, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.online_rate", AGG_FIRST, NUMFMT_PLAIN, 0.01, 1, 0, 0},
        {"$.data.missing", AGG_COUNT, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.data.as_text", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
    };
    size_t n = sizeof(specs) / sizeof(specs[0]);
    CfgFeed *f = make_feed(FEED_JSON, specs, n);
    KpiValue v[sizeof(specs) / sizeof(specs[0])];
    char err[160];
    int got = extract_feed(f, body, strlen(body), v, err, sizeof(err));
    assert_int_equal(got, 9);
    assert_true(v[0].has_value);
    assert_float_equal(v[0].value, 72.5, 1e-12);
    assert_float_equal(v[1].value, 48.6, 1e-12);   /* "48,6" read as Vietnamese */
    assert_float_equal(v[2].value, 7995.5, 1e-12); /* "7.995,5" */
    assert_float_equal(v[3].value, 1, 0);          /* true is 1 */
    assert_false(v[4].has_value);                  /* null is no value, never zero */
    assert_non_null(strstr(v[4].error, "null"));
    assert_false(v[5].has_value);
    assert_string_equal(v[5].error, "selector matched nothing");
    assert_false(v[6].has_value);
    assert_non_null(strstr(v[6].error, "\"n/a\""));
    assert_false(v[7].has_value);
    assert_non_null(strstr(v[7].error, "object"));
    assert_float_equal(v[8].value, 3, 0);  /* count of overdue dossiers */
    assert_float_equal(v[9].value, 8, 0);  /* sum skips the null */
    assert_float_equal(v[10].value, 5, 0); /* max */
    assert_float_equal(v[11].value, 72.5 * 0.01 + 1, 1e-12);
    assert_float_equal(v[12].value, 0, 0); /* count of nothing is a real 0 */
    assert_false(v[13].has_value);         /* "48,6" is not a plain number */
    assert_non_null(strstr(v[13].error, "'plain'"));
    free_feed(f);
}

static void test_json_bad_body(void **state)
{
    (void)state;
    KpiSpec specs[] = {{"$.a", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0}};
    CfgFeed *f = make_feed(FEED_JSON, specs, 1);
    KpiValue v[1];
    char err[160];
    const char *body = "{\"a\": 1,,}";
    assert_int_equal(extract_feed(f, body, strlen(body), v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "invalid JSON"));
    assert_false(v[0].has_value);
    assert_int_equal(extract_feed(f, "", 0, v, err, sizeof(err)), -1);
    free_feed(f);
}

static void test_error_text_is_safe(void **state)
{
    (void)state;
    /* Server text quoted in an error never carries control characters. */
    KpiSpec specs[] = {{"$.a", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0}};
    CfgFeed *f = make_feed(FEED_JSON, specs, 1);
    KpiValue v[1];
    char err[160];
    const char *body = "{\"a\": \"\\u001b[2J\\u001b]0;pwned\\u0007 and a long tail of text\"}";
    assert_int_equal(extract_feed(f, body, strlen(body), v, err, sizeof(err)), 0);
    for (const char *p = v[0].error; *p; p++)
        assert_true((unsigned char)*p >= 0x20);
    assert_non_null(strstr(v[0].error, "..."));
    free_feed(f);
}

static void test_prometheus(void **state)
{
    (void)state;
    const char *body = "# HELP soc_open_alerts Open alerts\n"
                       "# TYPE soc_open_alerts gauge\n"
                       "soc_open_alerts{severity=\"high\"} 2\n"
                       "soc_open_alerts{severity=\"critical\"} 1\n"
                       "soc_open_alerts{severity=\"low\"} 14\n"
                       "soc_agents_reporting_ratio 0.975\n";
    KpiSpec specs[] = {
        {"soc_open_alerts{severity=~\"high|critical\"}", AGG_SUM, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"soc_agents_reporting_ratio", AGG_FIRST, NUMFMT_PLAIN, 100, 0, 0, 0},
        {"soc_missing", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"soc_open_alerts", AGG_COUNT, NUMFMT_PLAIN, 0, 0, 0, 0},
        /* Matching nothing is said so, even with count (issue 14: it was a quiet 0). */
        {"soc_open_alerts{severity=\"hihg\"}", AGG_COUNT, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"soc_open_alerts{severity=~\"(?i)HIGH|Critical\"}", AGG_COUNT, NUMFMT_PLAIN, 0, 0, 0, 0},
    };
    CfgFeed *f = make_feed(FEED_PROMETHEUS, specs, 6);
    KpiValue v[6];
    char err[160];
    assert_int_equal(extract_feed(f, body, strlen(body), v, err, sizeof(err)), 4);
    assert_float_equal(v[0].value, 3, 0);
    assert_float_equal(v[1].value, 97.5, 1e-9);
    assert_false(v[2].has_value);
    assert_string_equal(v[2].error, "0 series matched");
    assert_float_equal(v[3].value, 3, 0);
    assert_false(v[4].has_value);
    assert_string_equal(v[4].error, "0 series matched");
    assert_float_equal(v[5].value, 2, 0);
    const char *bad = "soc_open_alerts{severity=\"high} 2\n";
    assert_int_equal(extract_feed(f, bad, strlen(bad), v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "line 1"));
    free_feed(f);
}

/* One answer of the query API per KPI of a promql feed. */
static void test_promql(void **state)
{
    (void)state;
    CfgKpi k = {.id = "k", .agg = AGG_FIRST, .scale = 1};
    KpiValue v;
    const char *vec1 = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                       "{\"metric\":{},\"value\":[1700000000.5,\"12.5\"]}]}}";
    const char *vec2 = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                       "{\"metric\":{\"cpu\":\"0\"},\"value\":[1,\"1\"]},"
                       "{\"metric\":{\"cpu\":\"1\"},\"value\":[1,\"3\"]}]}}";
    const char *none =
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
    const char *bad = "{\"status\":\"error\",\"errorType\":\"bad_data\","
                      "\"error\":\"1:9: parse error: unclosed left parenthesis\"}";
    assert_int_equal(extract_promql(&k, vec1, strlen(vec1), &v), 1);
    assert_float_equal(v.value, 12.5, 0);
    assert_int_equal(extract_promql(&k, vec2, strlen(vec2), &v), 0);
    assert_string_equal(v.error, "the query returned 2 series, not one: aggregate them in the "
                                 "query (sum, avg, max...) or set agg");
    k.agg = AGG_SUM;
    k.has_agg = true;
    k.scale = 10;
    assert_int_equal(extract_promql(&k, vec2, strlen(vec2), &v), 1);
    assert_float_equal(v.value, 40, 0);
    k.agg = AGG_COUNT;
    assert_int_equal(extract_promql(&k, none, strlen(none), &v), 0);
    assert_string_equal(v.error, "0 series matched");
    assert_int_equal(extract_promql(&k, bad, strlen(bad), &v), 0);
    assert_string_equal(v.error, "bad_data: 1:9: parse error: unclosed left parenthesis");
    assert_int_equal(extract_promql(&k, "<html>", 6, &v), -1);
    assert_false(v.has_value);
    assert_non_null(strstr(v.error, "invalid JSON"));
    /* A counter gets its reading unscaled: counter_apply() scales the rate. */
    k.counter = COUNTER_RATE;
    k.agg = AGG_FIRST;
    assert_int_equal(extract_promql(&k, vec1, strlen(vec1), &v), 1);
    assert_float_equal(v.value, 12.5, 0);
}

static void test_csv(void **state)
{
    (void)state;
    const char *body = "\xEF\xBB\xBF" /* BOM */ "tram;wqi;ph;truyen_so_lieu\r\n"
                       "Sông Thái Bình;82;7,1;100\r\n"
                       "KCN Đại An;;5,2;90\r\n"
                       "\"KCN Nam Sách; khu B\";61;6,8;95\r\n";
    KpiSpec specs[] = {
        {"wqi", AGG_FIRST, NUMFMT_VI, 0, 0, "tram", "Sông Thái Bình"},
        {"ph", AGG_FIRST, NUMFMT_VI, 0, 0, "tram", "KCN Đại An"},
        {"truyen_so_lieu", AGG_AVG, NUMFMT_VI, 0, 0, 0, 0},
        {"wqi", AGG_FIRST, NUMFMT_VI, 0, 0, "tram", "KCN Đại An"},
        {"nope", AGG_FIRST, NUMFMT_VI, 0, 0, 0, 0},
        {"ph", AGG_FIRST, NUMFMT_VI, 0, 0, "tram", "Không có"},
        {"ph", AGG_MIN, NUMFMT_VI, 0, 0, "tram",
         "KCN Nam Sách; khu B"},
    };
    CfgFeed *f = make_feed(FEED_CSV, specs, 7);
    KpiValue v[7];
    char err[160];
    assert_int_equal(extract_feed(f, body, strlen(body), v, err, sizeof(err)), 4);
    assert_float_equal(v[0].value, 82, 0);
    assert_float_equal(v[1].value, 5.2, 1e-12);
    assert_float_equal(v[2].value, 95, 1e-12);
    assert_false(v[3].has_value); /* an empty cell is no value */
    assert_false(v[4].has_value);
    assert_non_null(strstr(v[4].error, "no column 'nope'"));
    assert_false(v[5].has_value);
    assert_non_null(strstr(v[5].error, "no row"));
    assert_float_equal(v[6].value, 6.8, 1e-12);
    free_feed(f);
}

/* A value that is not finite (Inf in the feed, 1e999, or an overflow
 * in agg, scale or offset) is no value with the error "value is not finite",
 * whatever the format: snapshot, run and console see the same thing. */
static void test_not_finite(void **state)
{
    (void)state;
    const char *json = "{\"a\": 1e999, \"b\": -1e999, \"c\": 1e300, \"d\": \"1e400\", "
                       "\"e\": [1e308, 1e308], \"f\": 2.5}";
    KpiSpec js[] = {
        {"$.a", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.b", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.c", AGG_FIRST, NUMFMT_PLAIN, 1e10, 0, 0, 0}, /* finite, scaled to Inf */
        {"$.d", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.e[*]", AGG_SUM, NUMFMT_PLAIN, 0, 0, 0, 0}, /* the sum overflows */
        {"$.f", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$.c", AGG_FIRST, NUMFMT_PLAIN, -1e10, 0, 0, 0},
    };
    CfgFeed *f = make_feed(FEED_JSON, js, 7);
    KpiValue v[7];
    char err[160];
    assert_int_equal(extract_feed(f, json, strlen(json), v, err, sizeof(err)), 1);
    for (size_t i = 0; i < 7; i++) {
        if (i == 5) continue;
        assert_false(v[i].has_value);
        assert_string_equal(v[i].error, "value is not finite");
    }
    assert_true(v[5].has_value);
    assert_float_equal(v[5].value, 2.5, 0);
    free_feed(f);

    const char *prom = "m_inf +Inf\nm_ninf -Inf\nm_nan NaN\nm_ok 3\n";
    KpiSpec ps[] = {
        {"m_inf", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"m_ninf", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"m_nan", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"m_ok", AGG_FIRST, NUMFMT_PLAIN, 0, 0, 0, 0},
    };
    f = make_feed(FEED_PROMETHEUS, ps, 4);
    assert_int_equal(extract_feed(f, prom, strlen(prom), v, err, sizeof(err)), 1);
    for (size_t i = 0; i < 2; i++) {
        assert_false(v[i].has_value);
        assert_string_equal(v[i].error, "value is not finite");
    }
    assert_false(v[2].has_value); /* NaN is Prometheus' "no value": dropped like a null */
    assert_float_equal(v[3].value, 3, 0);
    free_feed(f);

    const char *csv = "n,x\na,1e999\nb,7\n";
    KpiSpec cs[] = {
        {"x", AGG_FIRST, NUMFMT_PLAIN, 0, 0, "n", "a"},
        {"x", AGG_FIRST, NUMFMT_PLAIN, 0, 0, "n", "b"},
        {"x", AGG_FIRST, NUMFMT_PLAIN, 0, 1e308 * 10, "n", "b"}, /* offset Inf */
    };
    f = make_feed(FEED_CSV, cs, 3);
    assert_int_equal(extract_feed(f, csv, strlen(csv), v, err, sizeof(err)), 1);
    assert_false(v[0].has_value);
    assert_string_equal(v[0].error, "value is not finite");
    assert_float_equal(v[1].value, 7, 0);
    assert_false(v[2].has_value);
    assert_string_equal(v[2].error, "value is not finite");
    free_feed(f);
}

/* A selector that would freeze the process (nested descendant filters on 900
 * nested objects, a 5 KB body) leaves its KPI without a value and the error
 * "selector exceeded its work budget", quickly; the feed's other KPIs still
 * get theirs, and a smaller budget set by the caller is honoured. */
static void test_json_work_budget(void **state)
{
    (void)state;
    size_t len = 900 * 6 + 2;
    char *body = malloc(len + 1);
    assert_non_null(body);
    size_t k = 0;
    for (int i = 0; i < 900; i++) {
        memcpy(body + k, "{\"a\":", 5);
        k += 5;
    }
    body[k++] = '1';
    memset(body + k, '}', 900);
    k += 900;
    body[k] = '\0';
    KpiSpec specs[] = {
        {"$..[?@..[?@..[?@..x]]]", AGG_COUNT, NUMFMT_PLAIN, 0, 0, 0, 0},
        {"$..a", AGG_COUNT, NUMFMT_PLAIN, 0, 0, 0, 0},
    };
    CfgFeed *f = make_feed(FEED_JSON, specs, 2);
    KpiValue v[2];
    char err[160];
    /* CPU time, not wall time: a busy machine does not fail the test. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    assert_int_equal(extract_feed(f, body, k, v, err, sizeof(err)), 1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("900 nested objects, nested descendant filters: %.3f s\n", took);
    assert_true(took < 5.0);
    assert_false(v[0].has_value);
    assert_string_equal(v[0].error, "selector exceeded its work budget (1000000 nodes)");
    assert_true(v[1].has_value);
    assert_float_equal(v[1].value, 900, 0);

    /* A caller's budget: 100 visits are too few for $..a on 900 levels. */
    assert_int_equal(extract_set_budget(100), 1000000);
    assert_int_equal(extract_feed(f, body, k, v, err, sizeof(err)), 0);
    assert_string_equal(v[1].error, "selector exceeded its work budget (100 nodes)");
    assert_int_equal(extract_set_budget(0), 100);
    free_feed(f);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_values_and_rules),
        cmocka_unit_test(test_json_bad_body),
        cmocka_unit_test(test_error_text_is_safe),
        cmocka_unit_test(test_prometheus),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_promql),
        cmocka_unit_test(test_not_finite),
        cmocka_unit_test(test_json_work_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
