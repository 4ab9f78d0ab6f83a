/* test_config.c - the config loader: fields, defaults, ${ENV}, errors with positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <math.h>

#include "config/config.h"
#include "config_helpers.h"

#define FIXTURE(name) IOC_SOURCE_DIR "/tests/fixtures/config/" name

/* True when s (may be NULL) contains part. */
static bool contains(const char *s, const char *part)
{
    return s && strstr(s, part) != NULL;
}

static void test_full_config(void **state)
{
    (void)state;
    setenv("IOC_TEST_TOKEN", "tok-123", 1);
    unsetenv("IOC_TEST_SIM");
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_file(FIXTURE("full.yaml"), &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(d.errors, 0);
    assert_string_equal(c->file, FIXTURE("full.yaml"));
    assert_string_equal(c->name, "IOC Hải Dương");
    assert_string_equal(c->timezone, "Asia/Ho_Chi_Minh");
    assert_int_equal(c->interval_ms, 60000);
    assert_int_equal(c->timeout_ms, 10000);
    assert_int_equal(c->numfmt, NUMFMT_EN);
    assert_int_equal(c->n_feeds, 3);
    assert_int_equal(cfg_kpi_count(c), 4);

    const CfgFeed *f = &c->feeds[0];
    assert_string_equal(f->id, "dvc");
    assert_string_equal(f->name, "Cổng dịch vụ công");
    assert_string_equal(f->name_en, "Public service portal");
    assert_string_equal(f->url, "http://127.0.0.1:8088/dvc/stats?x=$1");
    assert_string_equal(f->url_shown, "${IOC_TEST_SIM:-http://127.0.0.1:8088}/dvc/stats?x=$$1");
    assert_int_equal(f->format, FEED_JSON);
    assert_int_equal(f->interval_ms, 15000);
    assert_int_equal(f->timeout_ms, 3000);
    assert_int_equal(f->numfmt, NUMFMT_VI);
    assert_int_equal(f->csv_sep, 0);
    assert_int_equal(f->line, 12);
    assert_int_equal(f->col, 5);
    assert_int_equal(f->n_headers, 2);
    assert_string_equal(f->headers[0].name, "Authorization");
    assert_string_equal(f->headers[0].value, "Bearer tok-123");
    assert_string_equal(f->headers[0].value_shown, "Bearer ${IOC_TEST_TOKEN}");
    assert_string_equal(f->headers[1].name, "X-Client");
    assert_string_equal(f->headers[1].value, "ioc");
    assert_int_equal(f->n_kpis, 2);

    const CfgKpi *k = &f->kpis[0];
    assert_string_equal(k->id, "online_rate");
    assert_string_equal(k->key, "dvc.online_rate");
    assert_string_equal(k->name, "Tỷ lệ hồ sơ trực tuyến");
    assert_string_equal(k->name_en, "Online dossier rate");
    assert_string_equal(k->select, "$.data.online_rate");
    assert_non_null(k->jp);
    assert_null(k->prom);
    assert_string_equal(k->unit, "%");
    assert_true(k->has_target);
    assert_float_equal(k->target, 80, 1e-9);
    assert_int_equal(k->warn.n, 1);
    assert_int_equal(k->warn.op[0], CMP_LT);
    assert_float_equal(k->warn.v[0], 70, 1e-9);
    assert_int_equal(k->crit.n, 1);
    assert_int_equal(k->crit.op[0], CMP_LE);
    assert_float_equal(k->crit.v[0], 50, 1e-9);
    assert_int_equal(k->decimals, 1);
    assert_float_equal(k->scale, 100, 1e-9);
    assert_float_equal(k->offset, -0.5, 1e-9);
    assert_float_equal(k->min, 0, 1e-9);
    assert_float_equal(k->max, 100, 1e-9);
    assert_int_equal(k->numfmt, NUMFMT_PLAIN); /* KPI overrides the feed's vi */
    assert_int_equal(k->agg, AGG_FIRST);
    assert_int_equal(k->line, 24);
    assert_int_equal(k->col, 9);

    k = &f->kpis[1];
    assert_string_equal(k->key, "dvc.overdue");
    assert_null(k->name_en);
    assert_int_equal(k->agg, AGG_COUNT);
    assert_int_equal(k->numfmt, NUMFMT_VI); /* from the feed */
    assert_int_equal(k->warn.n, 0);
    assert_int_equal(k->crit.op[0], CMP_GT);
    assert_false(k->has_target);
    assert_int_equal(k->decimals, -1);
    assert_true(isnan(k->min) && isnan(k->max));

    f = &c->feeds[1];
    assert_string_equal(f->id, "soc");
    assert_string_equal(f->name, "soc"); /* defaults to the id */
    assert_string_equal(f->url, "https://user:pa55@soc.example.vn/metrics");
    assert_string_equal(f->url_shown, "https://user:***@soc.example.vn/metrics");
    assert_int_equal(f->format, FEED_PROMETHEUS);
    assert_int_equal(f->interval_ms, 60000); /* from defaults */
    assert_int_equal(f->timeout_ms, 10000);
    assert_int_equal(f->numfmt, NUMFMT_EN);
    k = &f->kpis[0];
    assert_non_null(k->prom);
    assert_null(k->jp);
    assert_int_equal(k->agg, AGG_SUM);
    assert_int_equal(k->warn.op[0], CMP_GE);
    assert_int_equal(k->crit.n, 3);
    assert_int_equal(k->crit.op[1], CMP_GT);
    assert_float_equal(k->crit.v[1], 5, 1e-9);
    assert_int_equal(k->crit.op[2], CMP_GE);
    assert_float_equal(k->crit.v[2], 100, 1e-9);

    f = &c->feeds[2];
    assert_int_equal(f->format, FEED_CSV);
    assert_int_equal(f->csv_sep, ';');
    assert_int_equal(f->timeout_ms, 2000);
    assert_int_equal(f->interval_ms, 60000);
    k = &f->kpis[0];
    assert_string_equal(k->select, "pm25"); /* the column */
    assert_null(k->jp);
    assert_null(k->prom);
    assert_int_equal(k->n_where, 2);
    assert_string_equal(k->where[0].column, "station");
    assert_string_equal(k->where[0].value, "Phạm Ngũ Lão");
    assert_string_equal(k->where[1].column, "kind");
    assert_string_equal(k->where[1].value, "auto");
    assert_string_equal(k->unit, "µg/m³");

    assert_int_equal(c->n_pages, 2);
    const CfgPage *pg = &c->pages[0];
    assert_string_equal(pg->title, "Tổng quan");
    assert_int_equal(pg->n_rows, 2);
    assert_int_equal(pg->rows[0].height, 8);
    assert_int_equal(pg->rows[1].height, 1);
    assert_int_equal(pg->rows[0].n_panels, 3);
    const CfgPanel *p = &pg->rows[0].panels[0];
    assert_string_equal(p->widget, "stat");
    assert_int_equal(p->n_kpis, 1);
    assert_string_equal(p->kpis[0], "dvc.online_rate");
    assert_int_equal(p->width, 2);
    assert_null(p->title);
    p = &pg->rows[0].panels[1];
    assert_string_equal(p->widget, "chart");
    assert_int_equal(p->n_kpis, 2);
    assert_string_equal(p->kpis[1], "dvc.overdue");
    assert_string_equal(p->title, "Dịch vụ công");
    assert_int_equal(p->width, 1);
    p = &pg->rows[0].panels[2];
    assert_string_equal(p->widget, "alerts");
    assert_int_equal(p->n_kpis, 0);
    assert_int_equal(pg->rows[1].n_panels, 5);
    p = &pg->rows[1].panels[4];
    assert_string_equal(p->widget, "text");
    assert_string_equal(p->text, "Quy trình xử lý sự cố: gọi 113");
    assert_int_equal(p->line, 76);
    assert_int_equal(p->col, 13);
    assert_string_equal(c->pages[1].title, "Trống");
    assert_int_equal(c->pages[1].n_rows, 0);

    const CfgFeed *owner = NULL;
    k = cfg_find_kpi(c, "khongkhi.pm25", &owner);
    assert_non_null(k);
    assert_ptr_equal(owner, &c->feeds[2]);
    assert_null(cfg_find_kpi(c, "khongkhi", NULL));
    assert_null(cfg_find_kpi(c, "dvc.pm25", NULL));
    assert_null(cfg_find_kpi(c, "dv.online_rate", NULL));
    cfg_free(c);
    diag_done(&d);
}

static void test_minimal_defaults(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_file(FIXTURE("minimal.yaml"), &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(d.n, 0);
    assert_string_equal(c->name, "Mini");
    assert_string_equal(c->timezone, "UTC");
    assert_int_equal(c->interval_ms, 30000);
    assert_int_equal(c->timeout_ms, 5000);
    assert_int_equal(c->numfmt, NUMFMT_PLAIN);
    assert_int_equal(c->n_pages, 0);
    const CfgFeed *f = &c->feeds[0];
    assert_string_equal(f->name, "a");
    assert_null(f->name_en);
    assert_int_equal(f->format, FEED_JSON);
    assert_int_equal(f->interval_ms, 30000);
    assert_int_equal(f->timeout_ms, 5000);
    assert_int_equal(f->n_headers, 0);
    assert_int_equal(f->csv_sep, 0);
    const CfgKpi *k = &f->kpis[0];
    assert_string_equal(k->name, "x");
    assert_string_equal(k->unit, "");
    assert_int_equal(k->agg, AGG_FIRST);
    assert_int_equal(k->numfmt, NUMFMT_PLAIN);
    assert_float_equal(k->scale, 1, 0);
    assert_float_equal(k->offset, 0, 0);
    assert_int_equal(k->decimals, -1);
    assert_false(k->has_target);
    assert_int_equal(k->warn.n, 0);
    assert_int_equal(k->crit.n, 0);
    assert_true(isnan(k->min));
    cfg_free(c);
    diag_done(&d);
}

static void test_inheritance(void **state)
{
    (void)state;
    Diag d;
    Config *c = load("ioc: { name: T }\n"
                     "defaults: { interval: 2m, timeout: 20s, number_format: vi }\n"
                     "feeds:\n"
                     "  - { id: a, url: 'http://h/a', kpis: [{ id: x, select: $.x }] }\n"
                     "  - { id: b, url: 'http://h/b', interval: 1m, number_format: en,\n"
                     "      kpis: [{ id: x, select: $.x }, { id: y, select: $.y, number_format: "
                     "plain }] }\n"
                     "  - { id: c, url: 'http://h/c', timeout: 1s, kpis: [{ id: x, select: $.x "
                     "}] }\n"
                     "  - { id: p, url: 'http://h/p', format: prometheus, kpis: [{ id: x, select: "
                     "up }] }\n",
                     &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(c->feeds[0].interval_ms, 120000);
    assert_int_equal(c->feeds[0].timeout_ms, 20000);
    assert_int_equal(c->feeds[0].numfmt, NUMFMT_VI);
    assert_int_equal(c->feeds[0].kpis[0].numfmt, NUMFMT_VI);
    assert_int_equal(c->feeds[1].interval_ms, 60000);
    assert_int_equal(c->feeds[1].timeout_ms, 20000);
    assert_int_equal(c->feeds[1].kpis[0].numfmt, NUMFMT_EN);
    assert_int_equal(c->feeds[1].kpis[1].numfmt, NUMFMT_PLAIN);
    assert_int_equal(c->feeds[2].interval_ms, 120000);
    assert_int_equal(c->feeds[2].timeout_ms, 1000);
    assert_int_equal(c->feeds[3].kpis[0].agg, AGG_FIRST); /* first for every format */
    cfg_free(c);
    diag_done(&d);
}

static void test_env_expansion(void **state)
{
    (void)state;
    setenv("IOC_T_HOST", "example.vn", 1);
    setenv("IOC_T_EMPTY", "", 1);
    setenv("IOC_T_KEY", "k$y", 1);
    unsetenv("IOC_T_UNSET");
    Diag d;
    Config *c =
        load("ioc: { name: T }\n"
             "feeds:\n"
             "  - id: a\n"
             "    url: https://${IOC_T_HOST}:${IOC_T_UNSET:-8443}/p${IOC_T_EMPTY:-/d}?a=$$b&c=$x\n"
             "    headers:\n"
             "      X-Key: \"${IOC_T_KEY}${IOC_T_EMPTY}\"\n"
             "      X-Name: name ${IOC_T_UNSET:-}\n"
             "    kpis: [{ id: x, select: '$.x' }]\n",
             &d);
    dump(&d);
    assert_non_null(c);
    const CfgFeed *f = &c->feeds[0];
    assert_string_equal(f->url, "https://example.vn:8443/p/d?a=$b&c=$x");
    assert_string_equal(
        f->url_shown, "https://${IOC_T_HOST}:${IOC_T_UNSET:-8443}/p${IOC_T_EMPTY:-/d}?a=$$b&c=$x");
    assert_string_equal(f->headers[0].value, "k$y"); /* a value's $ is not expanded again */
    assert_string_equal(f->headers[0].value_shown, "${IOC_T_KEY}${IOC_T_EMPTY}");
    assert_string_equal(f->headers[1].value, "name ");
    cfg_free(c);
    diag_done(&d);
}

static void test_env_errors(void **state)
{
    (void)state;
    unsetenv("IOC_T_UNSET");
    Diag d;
    Config *c = load("ioc: { name: T }\n"
                     "feeds:\n"
                     "  - id: a\n"
                     "    url: http://h/${IOC_T_UNSET}/${}/x\n"
                     "    headers: { Authorization: \"Bearer ${IOC_T_UNSET\", X: \"${A B}\" }\n"
                     "    kpis: [{ id: x, select: '$.x' }]\n",
                     &d);
    dump(&d);
    assert_null(c);
    assert_int_equal(d.errors, 4);
    assert_true(has_error(&d, 4, 19, "environment variable 'IOC_T_UNSET' is not set"));
    assert_true(has_error(&d, 4, 34, "expected a variable name after '${'"));
    assert_true(has_error(&d, 5, 39, "unterminated '${'"));
    assert_true(has_error(&d, 5, 62, "expected '}'"));
    diag_done(&d);
}

static void test_secret_never_shown(void **state)
{
    (void)state;
    const char *secret = "s3cr3t-XYZ";
    setenv("IOC_T_SECRET", secret, 1);
    setenv("IOC_T_SECRET_URL", "ftp://user:s3cr3t-XYZ@h/x", 1);
    setenv("IOC_T_SECRET_NL", "s3cr3t-XYZ\r\nX-Evil: 1", 1);
    Diag d;
    Config *c = load("ioc: { name: T }\n"
                     "feeds:\n"
                     "  - id: a\n"
                     "    url: https://user:${IOC_T_SECRET}@h/x\n"
                     "    headers: { Authorization: \"Bearer ${IOC_T_SECRET}\" }\n"
                     "    kpis: [{ id: x, select: '$.x' }]\n"
                     "  - id: b\n"
                     "    url: https://admin:s3cr3t-XYZ@h/x\n"
                     "    kpis: [{ id: x, select: '$.x' }]\n",
                     &d);
    dump(&d);
    assert_non_null(c);
    assert_true(contains(c->feeds[0].url, secret)); /* the poller needs it */
    assert_true(contains(c->feeds[0].headers[0].value, secret));
    assert_false(contains(c->feeds[0].url_shown, secret));
    assert_false(contains(c->feeds[0].headers[0].value_shown, secret));
    assert_string_equal(c->feeds[0].url_shown, "https://user:***@h/x");
    assert_string_equal(c->feeds[1].url_shown, "https://admin:***@h/x");
    cfg_free(c);
    diag_done(&d);

    c = load("ioc: { name: T }\n"
             "feeds:\n"
             "  - id: a\n"
             "    url: ${IOC_T_SECRET_URL}\n"
             "    headers: { Authorization: \"Bearer ${IOC_T_SECRET_NL}\" }\n"
             "    kpis: [{ id: x, select: '$.x', warn: '${IOC_T_SECRET}' }]\n",
             &d);
    dump(&d);
    assert_null(c);
    assert_true(has_error(&d, 4, 10,
                          "url must start with http:// or https:// (got "
                          "'${IOC_T_SECRET_URL}')"));
    assert_true(has_error(&d, 5, 31, "must not contain line breaks"));
    assert_int_equal(d.errors, 3); /* + warn is not expanded, so a bad threshold */
    for (size_t i = 0; i < d.n; i++)
        assert_false(contains(d.items[i].msg, "s3cr3t"));
    diag_done(&d);
}

/* One invalid config: where the error must be and part of its message. */
typedef struct {
    const char *text;
    int line, col;
    const char *msg;
} BadCase;

/* Lines 1-4 of most cases; the case adds from line 5 (kpis). */
#define HEAD "ioc: { name: T }\nfeeds:\n  - id: a\n    url: http://h/a\n"
#define KPIS "    kpis: [{ id: x, select: $.x }]\n"

static void test_error_cases(void **state)
{
    (void)state;
    static const BadCase cases[] = {
        /* unknown keys, with and without a suggestion */
        {HEAD "    intervall: 15s\n" KPIS, 5, 5,
         "unknown key 'intervall' in feed (did you mean 'interval'?)"},
        {HEAD "    Format: json\n" KPIS, 5, 5, "(did you mean 'format'?)"},
        {HEAD "    colour: red\n" KPIS, 5, 5,
         "unknown key 'colour' in feed (expected one of: id, "},
        {"ioc: { name: T }\nfeed: []\n", 2, 1,
         "unknown key 'feed' at the top level (did you mean 'feeds'?)"},
        {HEAD "    kpis: [{ id: x, selct: $.x }]\n", 5, 21, "did you mean 'select'?"},
        /* wrong types */
        {"ioc: { name: T }\nfeeds: { id: a }\n", 2, 8, "expected a list of feeds, got a mapping"},
        {"ioc: { name: T }\nfeeds:\n", 2, 7, "'feeds' at the top level has no value"},
        {"ioc: { name: T }\nfeeds: []\n", 2, 8, "expected at least one feed"},
        {HEAD "    kpis: { id: x }\n", 5, 11, "expected a list of KPIs, got a mapping"},
        {HEAD "    headers: [a]\n" KPIS, 5, 14, "expected a mapping of header: value, got a list"},
        {HEAD "    name: [a]\n" KPIS, 5, 11, "expected text for 'name', got a list"},
        {"- a\n", 1, 1, "expected a mapping with ioc, feeds and pages, got a list"},
        {HEAD "    kpis: [{ id: x, select: $.x, target: high }]\n", 5, 42,
         "expected a number for 'target', got 'high'"},
        {HEAD "    kpis: [{ id: x, select: $.x, scale: -Inf }]\n", 5, 41,
         "'scale' must be a finite number"},
        {HEAD "    kpis: [{ id: x, select: $.x, decimals: 7 }]\n", 5, 44,
         "expected a whole number from 0 to 6 for 'decimals', got '7'"},
        /* duplicates */
        {HEAD KPIS "  - id: a\n    url: http://h/b\n" KPIS, 6, 9,
         "duplicate feed id 'a' (first defined at line 3)"},
        {HEAD "    kpis:\n      - { id: x, select: $.x }\n      - { id: x, select: $.y }\n", 7, 15,
         "duplicate KPI id 'x' in feed 'a' (first defined at line 6)"},
        {HEAD "    headers: { X-A: a, x-a: b }\n" KPIS, 5, 24, "duplicate header 'x-a'"},
        /* missing required keys */
        {"feeds: []\n", 1, 1, "missing required key 'ioc' at the top level"},
        {"ioc: { timezone: UTC }\nfeeds: []\n", 1, 6, "missing required key 'name' in 'ioc'"},
        {"ioc: { name: T }\nfeeds:\n  - url: http://h/a\n" KPIS, 3, 5,
         "missing required key 'id' in feed"},
        {"ioc: { name: T }\nfeeds:\n  - id: a\n" KPIS, 3, 5, "missing required key 'url' in feed"},
        {HEAD, 3, 5, "missing required key 'kpis' in feed"},
        {HEAD "    kpis: [{ id: x }]\n", 5, 12, "missing required key 'select' in KPI"},
        {HEAD "    kpis: [{ select: $.x }]\n", 5, 12, "missing required key 'id' in KPI"},
        /* durations */
        {HEAD "    interval: 30\n" KPIS, 5, 15, "durations need a unit: 30s"},
        {HEAD "    interval: 30sec\n" KPIS, 5, 15, "invalid duration '30sec' for 'interval'"},
        {HEAD "    interval: 500ms\n" KPIS, 5, 15, "interval must be at least 1s (got 500ms)"},
        {HEAD "    timeout: 50ms\n" KPIS, 5, 14, "timeout must be at least 100ms (got 50ms)"},
        {HEAD "    interval: 15s\n    timeout: 30s\n" KPIS, 6, 14,
         "timeout 30s must be shorter than the interval 15s"},
        {HEAD "    interval: 5s\n" KPIS, 5, 15, "timeout 5s must be shorter than the interval 5s"},
        {"ioc: { name: T }\ndefaults: { interval: 1m, timeout: 1h30m }\n", 2, 36,
         "timeout 1h30m must be shorter than the interval 1m"},
        {"ioc: { name: T }\ndefaults: { interval: 500ms }\n", 2, 23,
         "interval must be at least 1s (got 500ms)"},
        {"ioc: { name: T }\ndefaults: { timeout: 50ms }\n", 2, 22,
         "timeout must be at least 100ms (got 50ms)"},
        /* thresholds: the column points inside the value */
        {HEAD "    kpis: [{ id: x, select: $.x, warn: \"< 70 and > 5\" }]\n", 5, 46,
         "expected 'or' or the end of 'warn'"},
        {HEAD "    kpis: [{ id: x, select: $.x, warn: < 7x }]\n", 5, 42,
         "invalid number '7x' in 'warn'"},
        {HEAD "    kpis: [{ id: x, name: \"Phạm\", select: $.x, crit: \"<\" }]\n", 5, 56,
         "expected a number after '<' in 'crit'"},
        {HEAD "    kpis: [{ id: x, select: $.x, crit: \"== 5\" }]\n", 5, 41,
         "expected '<', '<=', '>' or '>=' in 'crit'"},
        {HEAD "    kpis: [{ id: x, select: $.x, crit: \"< 1 or\" }]\n", 5, 47,
         "expected a comparison after 'or'"},
        {HEAD "    kpis: [{ id: x, select: $.x, crit: 100 }]\n", 5, 40,
         "write a comparison such as '> 100'"},
        {HEAD "    kpis: [{ id: x, select: $.x, crit: \"<1 or <2 or <3 or <4 or <5\" }]\n", 5, 65,
         "at most 4 comparisons"},
        /* selectors */
        {HEAD "    kpis: [{ id: x, select: \"$.a[\" }]\n", 5, 34, "invalid selector: "},
        {HEAD "    format: prometheus\n    kpis: [{ id: x, select: 'up{job~\"a\"}' }]\n", 6, 36,
         "invalid selector: "},
        {HEAD "    format: csv\n    kpis: [{ id: x, select: $.x, column: x }]\n", 6, 29,
         "csv feeds select a column: use 'column'"},
        {HEAD "    format: csv\n    kpis: [{ id: x }]\n", 6, 12,
         "missing required key 'column' in KPI"},
        {HEAD "    kpis: [{ id: x, select: $.x, column: x }]\n", 5, 42,
         "'column' is for csv feeds; a json feed uses 'select'"},
        {HEAD "    kpis: [{ id: x, select: $.x, where: { a: b } }]\n", 5, 41,
         "'where' is for csv feeds only"},
        {HEAD "    csv_separator: ';'\n" KPIS, 5, 20, "'csv_separator' is only for csv feeds"},
        {HEAD "    format: csv\n    csv_separator: '|'\n    kpis: [{ id: x, column: x }]\n", 6, 20,
         "expected \",\" or \";\" for 'csv_separator'"},
        /* choices */
        {HEAD "    format: jsn\n" KPIS, 5, 13, "unknown format 'jsn' (did you mean 'json'?)"},
        {HEAD "    format: xml\n" KPIS, 5, 13,
         "unknown format 'xml' (expected json, prometheus, csv or promql)"},
        /* promql feeds: a query per KPI, a base URL; counter */
        {HEAD "    format: promql\n    kpis: [{ id: x, select: up }]\n", 6, 12,
         "missing required key 'query' in KPI (a promql feed's KPI has a PromQL query)"},
        {HEAD "    format: promql\n    kpis: [{ id: x, select: up, query: up }]\n", 6, 29,
         "'select' is not for promql feeds: a promql KPI has a 'query'"},
        {HEAD "    format: promql\n    kpis: [{ id: x, query: '  ' }]\n", 6, 28,
         "'query' must not be empty"},
        {HEAD "    kpis: [{ id: x, select: $.x, query: up }]\n", 5, 41,
         "'query' is for promql feeds (format: promql); a json feed uses 'select'"},
        {"ioc: { name: T }\nfeeds:\n  - id: a\n    url: http://h:9090/api/v1/query?query=up\n"
         "    format: promql\n    kpis: [{ id: x, query: up }]\n", 4, 10,
         "a promql feed's url is the base URL of Prometheus"},
        {HEAD "    kpis: [{ id: x, select: $.x, counter: rates }]\n", 5, 43,
         "unknown counter 'rates' (did you mean 'rate'?)"},
        {HEAD "    number_format: de\n" KPIS, 5, 20, "unknown number_format 'de' (expected plain"},
        {HEAD "    kpis: [{ id: x, select: $.x, agg: average }]\n", 5, 39,
         "unknown agg 'average' (expected first, last"},
        {HEAD "    kpis: [{ id: x, select: $.x, agg: sums }]\n", 5, 39,
         "unknown agg 'sums' (did you mean 'sum'?)"},
        /* ids */
        {"ioc: { name: T }\nfeeds:\n  - id: dv.c\n    url: http://h/a\n" KPIS, 3, 11,
         "invalid id 'dv.c': only letters, digits, '_' and '-' are allowed"},
        {"ioc: { name: T }\nfeeds:\n  - id: _a\n    url: http://h/a\n" KPIS, 3, 9,
         "invalid id '_a': an id starts with a letter"},
        {HEAD "    kpis: [{ id: \"a23456789012345678901234567890123\", select: $.x }]\n", 5, 51,
         "at most 32 characters"},
        /* url */
        {"ioc: { name: T }\nfeeds:\n  - id: a\n    url: ftp://h/a\n" KPIS, 4, 10,
         "url must start with http:// or https:// (got 'ftp://h/a')"},
        {"ioc: { name: T }\nfeeds:\n  - id: a\n    url: http:///a\n" KPIS, 4, 10,
         "url has no host"},
        {"ioc: { name: T }\nfeeds:\n  - id: a\n    url: \"http://h/a b\"\n" KPIS, 4, 10,
         "must not contain spaces"},
        {HEAD "    headers: { \"Bad Name\": x }\n" KPIS, 5, 16, "invalid header name 'Bad Name'"},
        /* ioc section */
        {"ioc: { name: T, timezone: Asia/Hanoi }\nfeeds: []\n", 1, 27,
         "unknown timezone 'Asia/Hanoi'"},
        {"ioc: { name: T, timezone: ../etc/passwd }\nfeeds: []\n", 1, 27, "unknown timezone"},
        {"ioc: T\nfeeds: []\n", 1, 6, "expected a mapping with name and timezone, got a value"},
        /* pages and panels */
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: stat, kpi: a.y }\n",
         10, 34, "unknown KPI 'a.y' (did you mean 'a.x'?)"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: chart, kpis: [a.x, a.X] }\n",
         10, 42, "unknown KPI 'a.X' (did you mean 'a.x'?)"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: chart, kpis: [x] }\n",
         10, 37, "unknown KPI 'x' (write feed.kpi"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: stat, kpis: [a.x, a.x] }\n",
         10, 35, "the stat widget shows exactly one KPI, got 2"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: gauge }\n",
         10, 13, "the gauge widget needs exactly one KPI"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: table }\n",
         10, 13, "the table widget needs at least one KPI"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: alerts, kpi: a.x }\n",
         10, 36, "the alerts widget takes no KPI"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: text }\n",
         10, 13, "the text widget needs 'text'"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: stat, kpi: a.x, text: hi }\n",
         10, 45, "'text' is only for the text widget"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: stats, kpi: a.x }\n",
         10, 23, "unknown widget 'stats' (did you mean 'stat'?)"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: pie, kpi: a.x }\n",
         10, 23, "unknown widget 'pie' (expected stat, gauge, chart"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: chart, kpi: a.x, kpis: [a.x] }\n",
         10, 46, "use either 'kpi' or 'kpis', not both"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels:\n"
                   "          - { widget: stat, kpi: a.x, width: 0 }\n",
         10, 46, "expected a whole number from 1 to 100 for 'width'"},
        {HEAD KPIS "pages:\n  - rows: []\n", 7, 5, "missing required key 'title' in page"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - height: 2\n", 9, 9,
         "missing required key 'panels' in row"},
        {HEAD KPIS "pages:\n  - title: P\n    rows:\n      - panels: []\n", 9, 17,
         "a row needs at least one panel"},
        {HEAD KPIS "pages: { title: P }\n", 6, 8, "expected a list of pages, got a mapping"},
    };
    size_t failed = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Diag d;
        Config *c = load(cases[i].text, &d);
        bool ok = !c && has_error(&d, cases[i].line, cases[i].col, cases[i].msg);
        if (!ok) {
            print_message("case %zu: want %d:%d '%s'; got:\n", i, cases[i].line, cases[i].col,
                          cases[i].msg);
            dump(&d);
            failed++;
        }
        cfg_free(c);
        diag_done(&d);
    }
    assert_int_equal(failed, 0);
}

static void test_multiple_errors(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_file(FIXTURE("errors.yaml"), &d);
    dump(&d);
    assert_null(c);
    static const struct {
        int line, col;
        const char *msg;
    } want[] = {
        {3, 13, "unknown timezone 'Mars/Olympus'"},
        {8, 5, "unknown key 'intervall' in feed (did you mean 'interval'?)"},
        {10, 51, "expected 'or' or the end of 'warn'"},
        {11, 15, "duplicate KPI id 'rate' in feed 'dvc' (first defined at line 10)"},
        {12, 9, "duplicate feed id 'dvc' (first defined at line 6)"},
        {13, 10, "url must start with http:// or https://"},
        {14, 14, "timeout 40s must be shorter than the interval 30s"},
        {16, 15, "invalid id '9lives'"},
        {21, 34, "unknown KPI 'dvc.rat' (did you mean 'dvc.rate'?)"},
    };
    size_t n = sizeof(want) / sizeof(want[0]);
    assert_int_equal(d.errors, n);
    for (size_t i = 0; i < n; i++) {
        /* Sorted top-down, and every one has the file name. */
        assert_int_equal(d.items[i].line, want[i].line);
        assert_int_equal(d.items[i].col, want[i].col);
        assert_non_null(strstr(d.items[i].msg, want[i].msg));
        assert_string_equal(d.items[i].file, FIXTURE("errors.yaml"));
    }
    diag_done(&d);
}

static void test_warnings(void **state)
{
    (void)state;
    Diag d;
    Config *c = load(HEAD "    kpis: [{ id: x, select: $.x, warn: '< 10', crit: '> 90' },\n"
                          "           { id: y, select: $.y, crit: '< 5.5 or > 9' }]\n",
                     &d);
    assert_non_null(c); /* warnings do not fail the load */
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 1);
    assert_int_equal(d.items[0].line, 5);
    assert_int_equal(d.items[0].col, 54);
    assert_non_null(strstr(d.items[0].msg, "opposite directions"));
    assert_int_equal(c->feeds[0].kpis[1].warn.n, 0);
    assert_int_equal(c->feeds[0].kpis[1].crit.n, 2);
    cfg_free(c);
    diag_done(&d);
}

/* A descendant segment inside a filter under a descendant segment (work that
 * grows with the square of the document's depth or worse) gets a warning at
 * the filter; one level of '..' alone does not. */
static void test_nested_descendant_warning(void **state)
{
    (void)state;
    Diag d;
    Config *c = load(HEAD "    kpis: [{ id: x, select: '$..[?@..[?@..[?@..x]]]', agg: count },\n"
                          "           { id: y, select: '$..[?@.x > 1]' },\n"
                          "           { id: z, select: '$[?@..x]' }]\n",
                     &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 1);
    assert_int_equal(d.items[0].line, 5);
    assert_int_equal(d.items[0].col, 35); /* the filter's '@' */
    assert_non_null(strstr(d.items[0].msg, "'..' inside a filter under '..'"));
    cfg_free(c);
    diag_done(&d);
}

/* A config of 40,000 feeds (one KPI with a threshold each, a rule and a
 * panel per 10 feeds) loads in linear time: ids, KPI keys and rule ids are
 * looked up by hash, YAML lists grow by doubling. Before, it took minutes in
 * this (sanitised) build; now a few seconds at most. A duplicate at the end
 * is still found, with the line of the first definition. */
static void test_many_feeds(void **state)
{
    (void)state;
    enum { N = 40000 };
    size_t cap = (size_t)N * 100 + 4096, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text + len, cap - len, "ioc: { name: Scale }\nfeeds:\n");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "  - {id: f%d, url: \"http://h/\", kpis: [{id: r, select: $.r, "
                                "warn: \"< 8\"}]}\n",
                                i);
    len += (size_t)snprintf(text + len, cap - len, "rules:\n");
    for (int i = 0; i < N; i += 10)
        len += (size_t)snprintf(text + len, cap - len, "  - {id: r%d, kpi: f%d.r, above: 9}\n", i,
                                N - 1 - i);
    len += (size_t)snprintf(text + len, cap - len,
                            "pages:\n  - title: All\n    rows:\n"
                            "      - panels:\n");
    for (int i = 0; i < N; i += 10)
        len += (size_t)snprintf(text + len, cap - len, "          - {widget: stat, kpi: f%d.r}\n",
                                N - 1 - i);
    /* CPU time, not wall time: a busy machine does not fail the test. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(text, len, "t.yaml", &d);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("40,000 feeds: %.2f s\n", took);
    if (!c) dump(&d);
    assert_non_null(c);
    assert_true(took < 15.0);
    assert_int_equal(c->n_feeds, N);
    assert_int_equal(c->n_rules, N / 10 + N);
    const CfgFeed *f = NULL;
    const CfgKpi *k = cfg_find_kpi(c, "f39999.r", &f);
    assert_non_null(k);
    assert_ptr_equal(f, &c->feeds[N - 1]);
    assert_ptr_equal(k, &c->feeds[N - 1].kpis[0]);
    assert_null(cfg_find_kpi(c, "f40000.r", NULL));
    assert_null(cfg_find_kpi(c, "f1.x", NULL));
    cfg_free(c);
    diag_done(&d);

    /* The same with a duplicate feed id and rule id at the end. */
    free(text);
    c = load("ioc: { name: T }\nfeeds:\n"
             "  - {id: a, url: \"http://h/\", kpis: [{id: r, select: $.r}]}\n"
             "  - {id: b, url: \"http://h/\", kpis: [{id: r, select: $.r}, {id: r, select: $.s}]}\n"
             "  - {id: a, url: \"http://h/\", kpis: [{id: r, select: $.r}]}\n"
             "rules:\n  - {id: x, kpi: b.r, above: 1}\n  - {id: x, feed: a, down: 3}\n",
             &d);
    assert_null(c);
    dump(&d);
    assert_int_equal(d.errors, 3);
    assert_true(has_error(&d, 4, 65, "duplicate KPI id 'r' in feed 'b' (first defined at line 4)"));
    assert_true(has_error(&d, 5, 10, "duplicate feed id 'a' (first defined at line 3)"));
    assert_true(has_error(&d, 8, 10, "duplicate rule id 'x' (first defined at line 7)"));
    diag_done(&d);
}

static void test_durations(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        int64_t ms;
    } cases[] = {
        {"500ms", true, 500},
        {"15s", true, 15000},
        {"5m", true, 300000},
        {"1h", true, 3600000},
        {"1d", true, 86400000},
        {"1h30m", true, 5400000},
        {"1d2h3m4s5ms", true, 93784005},
        {"0s", true, 0},
        {"90s", true, 90000},
        {"30", false, 0},
        {"", false, 0},
        {"s", false, 0},
        {"1.5s", false, 0},
        {"-5s", false, 0},
        {"5 s", false, 0},
        {"30m1h", false, 0},
        {"1s1s", false, 0},
        {"1ms5s", false, 0},
        {"5sec", false, 0},
        {"1w", false, 0},
        {"1234567890s", false, 0},
        {"999999999d", true, 999999999LL * 86400000},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms = -1;
        bool ok = cfg_parse_duration(cases[i].s, &ms);
        if (ok != cases[i].ok) print_message("duration '%s'\n", cases[i].s);
        assert_int_equal(ok, cases[i].ok);
        if (ok) assert_int_equal(ms, cases[i].ms);
    }
}

static void test_thresholds(void **state)
{
    (void)state;
    Diag d;
    Config *c =
        load(HEAD "    kpis: [{ id: x, select: $.x, warn: '<= 70', crit: '<5.5 or >9' }]\n", &d);
    assert_non_null(c);
    const CfgKpi *k = &c->feeds[0].kpis[0];
    assert_true(cfg_threshold_holds(&k->warn, 70));
    assert_true(cfg_threshold_holds(&k->warn, -3));
    assert_false(cfg_threshold_holds(&k->warn, 70.01));
    assert_false(cfg_threshold_holds(&k->warn, NAN));
    assert_true(cfg_threshold_holds(&k->crit, 5.4));
    assert_false(cfg_threshold_holds(&k->crit, 5.5));
    assert_false(cfg_threshold_holds(&k->crit, 9));
    assert_true(cfg_threshold_holds(&k->crit, 9.5));
    CfgThreshold none = {0};
    assert_false(cfg_threshold_holds(&none, 1));
    cfg_free(c);
    diag_done(&d);
}

static void test_file_errors(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    assert_null(cfg_load_file(FIXTURE("no-such-file.yaml"), &d));
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].msg, "cannot open the file"));
    diag_done(&d);

    diag_init(&d);
    assert_null(cfg_load_file(IOC_SOURCE_DIR "/tests", &d));
    assert_non_null(strstr(d.items[0].msg, "not a regular file"));
    diag_done(&d);

    /* A FIFO is refused at once instead of waiting for a writer (the alarm
     * kills the test if the open blocks). */
    char dir[] = "/tmp/ioc_test_fifo_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[64];
    snprintf(fifo, sizeof fifo, "%s/c.yaml", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(10);
    diag_init(&d);
    assert_null(cfg_load_file(fifo, &d));
    alarm(0);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].msg, "not a regular file"));
    diag_done(&d);
    unlink(fifo);
    rmdir(dir);

    char path[] = "/tmp/ioc_test_config_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (4 << 20) + 1), 0);
    close(fd);
    diag_init(&d);
    assert_null(cfg_load_file(path, &d));
    assert_non_null(strstr(d.items[0].msg, "the file is too large"));
    assert_string_equal(d.items[0].file, path);
    diag_done(&d);
    unlink(path);

    Config *c = load("ioc: { name: \"T\xc3\" }\n", &d);
    assert_null(c);
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.items[0].line, 1);
    assert_int_equal(d.items[0].col, 16);
    assert_non_null(strstr(d.items[0].msg, "not valid UTF-8"));
    diag_done(&d);

    diag_init(&d);
    c = cfg_load_string("ioc:\n  \xc0\xaf: 1\n", 12, "t.yaml", &d); /* overlong '/' */
    assert_null(c);
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 3);
    diag_done(&d);

    diag_init(&d);
    c = cfg_load_string("ioc: {}\0x", 9, "t.yaml", &d);
    assert_null(c);
    assert_non_null(strstr(d.items[0].msg, "NUL byte"));
    diag_done(&d);

    c = load("", &d);
    assert_null(c);
    assert_int_equal(d.errors, 1);
    diag_done(&d);

    c = load("ioc: [\n", &d); /* YAML syntax errors come through too */
    assert_null(c);
    assert_true(d.errors >= 1);
    diag_done(&d);
}

/* The bundled demo province must always load, with or without its env vars. */
static void test_bundled_config(void **state)
{
    (void)state;
    unsetenv("IOC_SIM_URL");
    for (int pass = 0; pass < 2; pass++) {
        Diag d;
        diag_init(&d);
        Config *c = cfg_load_file(IOC_SOURCE_DIR "/config/haiduong.yaml", &d);
        dump(&d);
        assert_non_null(c);
        assert_int_equal(d.errors, 0);
        assert_int_equal(c->n_feeds, 20);
        assert_true(
            strncmp(c->feeds[0].url, pass ? "http://10.0.0.1:9" : "http://127.0.0.1:", 17) == 0);
        assert_true(contains(c->feeds[0].url_shown, "${IOC_SIM_URL"));
        cfg_free(c);
        diag_done(&d);
        setenv("IOC_SIM_URL", "http://10.0.0.1:9", 1);
    }
    unsetenv("IOC_SIM_URL");
}

/* Loads every prefix of the full fixture: no crash, no leak, valid or errors. */
static void test_truncated_inputs(void **state)
{
    (void)state;
    FILE *fp = fopen(FIXTURE("full.yaml"), "rb");
    assert_non_null(fp);
    char buf[8192];
    size_t len = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    setenv("IOC_TEST_TOKEN", "t", 1);
    for (size_t n = 0; n <= len; n += 7) {
        Diag d;
        diag_init(&d);
        Config *c = cfg_load_string(buf, n, "t.yaml", &d);
        assert_true(c != NULL || d.errors > 0);
        if (c) assert_int_equal(d.errors, 0);
        cfg_free(c);
        diag_done(&d);
    }
}

/* A promql feed as issue 14 writes it; counter: on a KPI of any feed. */
static void test_promql_feed(void **state)
{
    (void)state;
    Diag dg, *d = &dg;
    Config *c = load("ioc: { name: T }\n"
                     "feeds:\n"
                     "  - id: dc\n"
                     "    name: \"Trung tâm dữ liệu\"\n"
                     "    format: promql\n"
                     "    url: http://prometheus:9090\n"
                     "    kpis:\n"
                     "      - id: cpu\n"
                     "        name: \"CPU\"\n"
                     "        query: 'avg(rate(node_cpu_seconds_total{mode!=\"idle\"}[1m])) * 100'\n"
                     "        unit: \"%\"\n"
                     "      - { id: up, query: up, agg: sum }\n"
                     "  - id: ne\n"
                     "    format: prometheus\n"
                     "    url: http://127.0.0.1:9100/metrics\n"
                     "    kpis:\n"
                     "      - { id: idle, select: 'node_cpu_seconds_total{mode=\"idle\"}', agg: sum,"
                     " counter: rate }\n"
                     "      - { id: n, select: 'node_cpu_seconds_total', counter: increase }\n",
                     d);
    if (!c) dump(d);
    assert_non_null(c);
    const CfgFeed *f = &c->feeds[0];
    assert_int_equal(f->format, FEED_PROMQL);
    assert_string_equal(f->kpis[0].select, "avg(rate(node_cpu_seconds_total{mode!=\"idle\"}[1m])) * 100");
    assert_false(f->kpis[0].has_agg);
    assert_int_equal(f->kpis[0].counter, COUNTER_NONE);
    assert_true(f->kpis[1].has_agg);
    assert_null(f->kpis[0].jp);
    assert_null(f->kpis[0].prom);
    assert_int_equal(c->feeds[1].kpis[0].counter, COUNTER_RATE);
    assert_int_equal(c->feeds[1].kpis[1].counter, COUNTER_INCREASE);
    cfg_free(c);
    diag_done(d);
}

static void test_transport(void **state)
{
    (void)state;
    setenv("IOC_T_TOKEN", "tok-123", 1);
    setenv("IOC_T_PASS", "pw-456", 1);
    Diag d;
    Config *c = load("ioc: { name: T }\n"
                     "feeds:\n"
                     "  - id: a\n"
                     "    url: https://h/a\n"
                     "    timeout: 4s\n"
                     "    auth: { bearer: \"${IOC_T_TOKEN}\" }\n"
                     "    tls: { ca_file: /dev/null, insecure: true }\n"
                     "    max_body: 512KiB\n"
                     "    max_redirects: 0\n"
                     "    follow_redirects: none\n"
                     "    allow_link_local: true\n"
                     "    slow: 1500ms\n" KPIS "  - id: b\n"
                     "    url: http://h/b\n"
                     "    auth: { user: ops, password: \"${IOC_T_PASS}\" }\n" KPIS "  - id: c\n"
                     "    url: file:///tmp/c.json\n"
                     "    follow_redirects: any\n"
                     "    allow_file: true\n" KPIS,
                     &d);
    dump(&d);
    assert_non_null(c);
    const CfgFeed *a = &c->feeds[0], *b = &c->feeds[1], *f = &c->feeds[2];
    assert_string_equal(a->auth_bearer, "tok-123");
    assert_string_equal(a->ca_file, "/dev/null");
    assert_true(a->insecure);
    assert_int_equal(a->max_body, 512 * 1024);
    assert_int_equal(a->max_redirects, 0);
    assert_int_equal(a->follow_redirects, FOLLOW_NONE);
    assert_true(a->allow_link_local);
    assert_int_equal(a->slow_ms, 1500);
    assert_string_equal(b->auth_user, "ops");
    assert_string_equal(b->auth_password, "pw-456");
    assert_int_equal(b->max_redirects, 3);                     /* default */
    assert_int_equal(b->follow_redirects, FOLLOW_SAME_ORIGIN); /* default */
    assert_false(b->allow_link_local);                         /* default */
    assert_int_equal(f->follow_redirects, FOLLOW_ANY);
    assert_int_equal(b->slow_ms, 2500); /* half the default 5s timeout */
    assert_int_equal(b->max_body, 0);   /* 0 = the poller's 4 MiB default */
    assert_true(f->allow_file);
    /* insecure: true is allowed, but never silently. */
    assert_int_equal(d.warnings, 1);
    assert_int_equal(d.items[0].line, 7);
    assert_non_null(strstr(d.items[0].msg, "certificate checks are off for feed 'a'"));
    for (size_t i = 0; i < d.n; i++) {
        assert_false(contains(d.items[i].msg, "tok-123"));
        assert_false(contains(d.items[i].msg, "pw-456"));
    }
    cfg_free(c);
    diag_done(&d);

    static const BadCase cases[] = {
        {HEAD "    auth: { bearer: x, user: u }\n" KPIS, 5, 11, "either 'bearer' or 'user'"},
        {HEAD "    auth: { password: \"${IOC_T_PASS}\" }\n" KPIS, 5, 23,
         "'password' needs a 'user'"},
        {HEAD "    auth: { token: x }\n" KPIS, 5, 13, "unknown key 'token' in auth"},
        {HEAD "    tls: { ca_file: /nonexistent/ca.pem }\n" KPIS, 5, 21, "cannot read the file"},
        {HEAD "    tls: { insecure: yes }\n" KPIS, 5, 22, "expected true or false for 'insecure'"},
        {HEAD "    tls: { key: /dev/null }\n" KPIS, 5, 17, "'key' needs a 'cert'"},
        {HEAD "    max_body: 4GB\n" KPIS, 5, 15, "'max_body' must be a size"},
        {HEAD "    max_body: 1024MiB\n" KPIS, 5, 15, "'max_body' must be a size"},
        {HEAD "    slow: 5s\n" KPIS, 5, 11, "slow 5s must be shorter than the timeout 5s"},
        {HEAD "    max_redirects: 50\n" KPIS, 5, 20, "max_redirects"},
        {HEAD "    follow_redirects: same_origin\n" KPIS, 5, 23,
         "unknown follow_redirects 'same_origin' (did you mean 'same-origin'?)"},
        {HEAD "    follow_redirects: always\n" KPIS, 5, 23,
         "unknown follow_redirects 'always' (expected same-origin, none or any)"},
        {HEAD "    follow_redirects: [any]\n" KPIS, 5, 23, "expected same-origin, none or any"},
        {HEAD "    allow_link_local: yes\n" KPIS, 5, 23,
         "expected true or false for 'allow_link_local'"},
        {HEAD "    follow_redirect: any\n" KPIS, 5, 5,
         "unknown key 'follow_redirect' in feed (did you mean 'follow_redirects'?)"},
        {"ioc: { name: T }\nfeeds:\n  - id: a\n    url: file:///etc/passwd\n" KPIS, 4, 10,
         "url must start with http:// or https://"},
    };
    size_t failed = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Config *bad = load(cases[i].text, &d);
        if (bad || !has_error(&d, cases[i].line, cases[i].col, cases[i].msg)) {
            print_message("case %zu: want %d:%d '%s'; got:\n", i, cases[i].line, cases[i].col,
                          cases[i].msg);
            dump(&d);
            failed++;
        }
        cfg_free(bad);
        diag_done(&d);
    }
    assert_int_equal(failed, 0);

    /* A secret written into the file itself is accepted with a warning. */
    c = load(HEAD "    auth: { bearer: plain-secret }\n" KPIS, &d);
    assert_non_null(c);
    assert_int_equal(d.warnings, 1);
    assert_non_null(strstr(d.items[0].msg, "prefer an environment variable"));
    assert_false(contains(d.items[0].msg, "plain-secret"));
    cfg_free(c);
    diag_done(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_config),      cmocka_unit_test(test_minimal_defaults),
        cmocka_unit_test(test_inheritance),      cmocka_unit_test(test_env_expansion),
        cmocka_unit_test(test_env_errors),       cmocka_unit_test(test_secret_never_shown),
        cmocka_unit_test(test_error_cases),      cmocka_unit_test(test_multiple_errors),
        cmocka_unit_test(test_warnings),         cmocka_unit_test(test_durations),
        cmocka_unit_test(test_thresholds),       cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_truncated_inputs), cmocka_unit_test(test_bundled_config),
        cmocka_unit_test(test_transport),
        cmocka_unit_test(test_promql_feed),        cmocka_unit_test(test_nested_descendant_warning),
        cmocka_unit_test(test_many_feeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
