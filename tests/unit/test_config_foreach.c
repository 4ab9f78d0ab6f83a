/* test_config_foreach.c - for_each templates of feeds and panels: expansion of
 * ${item} and ${item.KEY}, lists from the environment, errors at the
 * template's position naming the item, caps; and the gauge's min/max
 * warning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "base/sbuf.h"
#include "config/config.h"
#include "config_helpers.h"

#define HEAD "ioc: { name: T }\n"

/* True when d holds a warning at line whose message contains part. */
static bool has_warning(const Diag *d, int line, const char *part)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].level == DIAG_WARNING && d->items[i].line == line &&
            strstr(d->items[i].msg, part))
            return true;
    return false;
}

/* A list of texts: one feed per item, ${item} in every text value (id,
 * name, url, headers, queries, units), the template's position kept. */
static void test_scalar_items(void **state)
{
    (void)state;
    Diag d;
    Config *c = load(HEAD "feeds:\n"
                          "  - id: \"p-${item}\"\n"
                          "    for_each: [hanoi, hue, cantho]\n"
                          "    name: \"Tỉnh ${item}\"\n"
                          "    format: promql\n"
                          "    url: \"http://127.0.0.1:9090\"\n"
                          "    headers: { X-Province: \"${item}\" }\n"
                          "    kpis:\n"
                          "      - { id: up, query: 'sum(up{province=\"${item}\"})', unit: "
                          "\"${item}/s\" }\n"
                          "  - { id: other, url: \"http://127.0.0.1:1/x\", kpis: [{ id: a, "
                          "select: $.a }] }\n",
                     &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(d.errors, 0);
    assert_int_equal(c->n_feeds, 4);
    const char *ids[] = {"p-hanoi", "p-hue", "p-cantho", "other"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(c->feeds[i].id, ids[i]);
    const CfgFeed *f = &c->feeds[1];
    assert_string_equal(f->name, "Tỉnh hue");
    assert_string_equal(f->url, "http://127.0.0.1:9090");
    assert_int_equal(f->n_headers, 1);
    assert_string_equal(f->headers[0].value, "hue");
    assert_string_equal(f->kpis[0].select, "sum(up{province=\"hue\"})");
    assert_string_equal(f->kpis[0].unit, "hue/s");
    assert_string_equal(f->kpis[0].key, "p-hue.up");
    assert_int_equal(f->line, 3); /* the template's */
    assert_int_equal(f->kpis[0].line, 10);
    assert_non_null(cfg_find_kpi(c, "p-cantho.up", NULL));
    cfg_free(c);
    diag_done(&d);
}

/* Items that are mappings: ${item.KEY}; a list from the environment. */
static void test_map_items_and_env(void **state)
{
    (void)state;
    Diag d;
    Config *c = load(HEAD "feeds:\n"
                          "  - for_each:\n"
                          "      - { id: hanoi, name: \"Hà Nội\" }\n"
                          "      - { id: hcm, name: \"TP Hồ Chí Minh\" }\n"
                          "    id: \"p-${item.id}\"\n"
                          "    name: \"${item.name}\"\n"
                          "    url: \"http://127.0.0.1:1/${item.id}?a=$${item}\"\n"
                          "    kpis: [{ id: a, select: $.a }]\n",
                     &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(c->n_feeds, 2);
    assert_string_equal(c->feeds[1].id, "p-hcm");
    assert_string_equal(c->feeds[1].name, "TP Hồ Chí Minh");
    /* $$ is left for the ${ENV} expansion: a literal ${item} */
    assert_string_equal(c->feeds[1].url, "http://127.0.0.1:1/hcm?a=${item}");
    cfg_free(c);
    diag_done(&d);

    setenv("IOC_TEST_PROVINCES", " hanoi, hue ,cantho ", 1);
    c = load(HEAD "feeds:\n"
                  "  - { id: \"p-${item}\", for_each: \"${IOC_TEST_PROVINCES}\",\n"
                  "      url: \"http://127.0.0.1:1/\", kpis: [{ id: a, select: $.a }] }\n",
             &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(c->n_feeds, 3);
    assert_string_equal(c->feeds[1].id, "p-hue");
    assert_string_equal(c->feeds[2].id, "p-cantho");
    cfg_free(c);
    diag_done(&d);
    unsetenv("IOC_TEST_PROVINCES");
}

typedef struct {
    const char *feed; /* the feed's lines after "feeds:\n  - " */
    int line, col;
    const char *msg;
} BadCase;

/* Errors point at the template (file:line:col) and name the item. */
static void test_errors(void **state)
{
    (void)state;
    static const BadCase cases[] = {
        {"id: p\n    for_each: [a, b]\n    url: \"http://127.0.0.1:1/\"\n"
         "    kpis: [{ id: a, select: $.a }]\n",
         3, 9, "needs ${item} (or ${item.KEY}) in its id"},
        {"id: \"p-${item}\"\n    for_each: [a, b, a]\n    url: \"http://127.0.0.1:1/\"\n"
         "    kpis: [{ id: a, select: $.a }]\n",
         3, 9, "duplicate feed id 'p-a' (first defined at line 3) (for_each item 'a')"},
        {"id: \"p-${item}\"\n    for_each: []\n    url: \"http://127.0.0.1:1/\"\n"
         "    kpis: [{ id: a, select: $.a }]\n",
         4, 15, "for_each needs a list of items"},
        {"id: \"p-${item}\"\n    for_each: [a, \"b$x\"]\n    url: \"http://127.0.0.1:1/\"\n"
         "    kpis: [{ id: a, select: $.a }]\n",
         4, 19, "must not contain '$'"},
        {"id: \"p-${item}\"\n    for_each: [a, \"\"]\n    url: \"http://127.0.0.1:1/\"\n"
         "    kpis: [{ id: a, select: $.a }]\n",
         4, 19, "must not be empty"},
        {"id: \"p-${item.id}\"\n    for_each: [{ id: a }]\n    name: \"${item.name}\"\n"
         "    url: \"http://127.0.0.1:1/\"\n    kpis: [{ id: a, select: $.a }]\n",
         5, 12, "for_each item 'a' has no key 'name'"},
        {"id: \"p-${item}\"\n    for_each: [{ id: a }]\n"
         "    url: \"http://127.0.0.1:1/\"\n    kpis: [{ id: a, select: $.a }]\n",
         3, 12, "the for_each items are mappings: write ${item.KEY} (e.g. ${item.id})"},
        {"id: \"p-${item.id}\"\n    for_each: [a]\n"
         "    url: \"http://127.0.0.1:1/\"\n    kpis: [{ id: a, select: $.a }]\n",
         3, 12, "the for_each items are not mappings, write ${item}"},
        {"id: \"p-${item}\"\n    for_each: \"${IOC_TEST_UNSET_LIST}\"\n"
         "    url: \"http://127.0.0.1:1/\"\n    kpis: [{ id: a, select: $.a }]\n",
         4, 16, "IOC_TEST_UNSET_LIST"},
        {"id: \"p-${item}\"\n    for_each: [a, [b]]\n    url: \"http://127.0.0.1:1/\"\n"
         "    kpis: [{ id: a, select: $.a }]\n",
         4, 19, "expected a for_each item"},
        {"id: \"p ${item}\"\n    for_each: [a]\n    url: \"http://127.0.0.1:1/\"\n"
         "    kpis: [{ id: a, select: $.a }]\n",
         3, 11,
         "invalid id 'p a': only letters, digits, '_' and '-' are allowed (for_each item 'a')"},
    };
    unsetenv("IOC_TEST_UNSET_LIST");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, HEAD "feeds:\n  - %s", cases[i].feed);
        Diag d;
        Config *c = load(text, &d);
        if (c || !has_error(&d, cases[i].line, cases[i].col, cases[i].msg)) {
            dump(&d);
            fail_msg("case %zu: no error %d:%d '%s'", i, cases[i].line, cases[i].col, cases[i].msg);
        }
        diag_done(&d);
    }
}

/* More than 1000 items, or an expansion past the node budget, is refused. */
static void test_caps(void **state)
{
    (void)state;
    SBuf b = {0};
    sbuf_puts(&b, HEAD "feeds:\n  - id: \"p-${item}\"\n    url: \"http://127.0.0.1:1/\"\n"
                       "    kpis: [{ id: a, select: $.a }]\n    for_each: [");
    for (int i = 0; i < 1001; i++) {
        char it[16];
        snprintf(it, sizeof it, "%sx%d", i ? "," : "", i);
        sbuf_puts(&b, it);
    }
    sbuf_puts(&b, "]\n");
    Diag d;
    Config *c = load(b.s, &d);
    assert_null(c);
    assert_true(has_error(&d, 6, 15, "for_each has 1001 items; at most 1000"));
    diag_done(&d);
    sbuf_free(&b);

    /* 1000 items of a feed of 400 KPIs: over a million nodes */
    sbuf_puts(&b, HEAD "feeds:\n  - id: \"p-${item}\"\n    url: \"http://127.0.0.1:1/\"\n"
                       "    kpis:\n");
    for (int i = 0; i < 400; i++) {
        char k[64];
        snprintf(k, sizeof k, "      - { id: k%d, select: $.a }\n", i);
        sbuf_puts(&b, k);
    }
    sbuf_puts(&b, "    for_each: [");
    for (int i = 0; i < 1000; i++) {
        char it[16];
        snprintf(it, sizeof it, "%sx%d", i ? "," : "", i);
        sbuf_puts(&b, it);
    }
    sbuf_puts(&b, "]\n");
    c = load(b.s, &d);
    assert_null(c);
    assert_true(has_error(&d, 406, 15, "for_each makes the config too large"));
    diag_done(&d);
    sbuf_free(&b);
}

/* A template's error is shown for three items, then counted; its warnings
 * are shown once. */
static void test_repeated_messages(void **state)
{
    (void)state;
    Diag d;
    Config *c = load(HEAD "feeds:\n"
                          "  - id: \"p-${item}\"\n"
                          "    for_each: [a, b, c, d, e, f]\n"
                          "    url: \"http://127.0.0.1:1/\"\n"
                          "    kpis: [{ id: x, select: '$.x', warn: '< 1', crit: '> 9' },\n"
                          "           { id: y, select: '$[' }]\n",
                     &d);
    dump(&d);
    assert_null(c);
    assert_int_equal(d.warnings, 1);
    assert_true(has_warning(&d, 6, "opposite directions"));
    size_t shown = 0;
    for (size_t i = 0; i < d.n; i++)
        if (d.items[i].level == DIAG_ERROR && strstr(d.items[i].msg, "invalid selector")) shown++;
    assert_int_equal(shown, 3);
    assert_true(has_error(&d, 4, 15, "and 3 more errors in the other items of this for_each"));
    diag_done(&d);
}

/* Panels repeat too; the public config carries the copies, not templates. */
static void test_panels_and_public(void **state)
{
    (void)state;
    Diag d;
    Config *c =
        load(HEAD "feeds:\n"
                  "  - id: \"p-${item}\"\n"
                  "    for_each: [a, b]\n"
                  "    url: \"http://127.0.0.1:1/\"\n"
                  "    kpis: [{ id: x, select: $.x, min: 0, max: 100 }]\n"
                  "pages:\n"
                  "  - title: P\n"
                  "    rows:\n"
                  "      - panels:\n"
                  "          - { widget: gauge, kpi: \"p-${item}.x\", title: \"G ${item}\",\n"
                  "              for_each: [a, b] }\n"
                  "          - { widget: table, kpis: [p-a.x, p-b.x] }\n",
             &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(d.errors + d.warnings, 0);
    const CfgRow *r = &c->pages[0].rows[0];
    assert_int_equal(r->n_panels, 3);
    assert_string_equal(r->panels[1].kpis[0], "p-b.x");
    assert_string_equal(r->panels[1].title, "G b");
    SBuf out = {0};
    char err[128];
    assert_int_equal(cfg_public_json(c, &out, err, sizeof err), 0);
    assert_non_null(strstr(out.s, "\"p-b\""));
    assert_non_null(strstr(out.s, "\"G b\""));
    assert_null(strstr(out.s, "for_each"));
    assert_null(strstr(out.s, "${item"));
    sbuf_free(&out);
    cfg_free(c);
    diag_done(&d);
}

/* A gauge whose KPI has no min or max is warned about (ioc check). */
static void test_gauge_range_warning(void **state)
{
    (void)state;
    Diag d;
    Config *c = load(HEAD "feeds:\n"
                          "  - id: f\n"
                          "    url: \"http://127.0.0.1:1/\"\n"
                          "    kpis: [{ id: a, select: $.a },\n"
                          "           { id: b, select: $.b, min: 0 },\n"
                          "           { id: c, select: $.c, min: 0, max: 10 }]\n"
                          "pages:\n"
                          "  - title: P\n"
                          "    rows:\n"
                          "      - panels:\n"
                          "          - { widget: gauge, kpi: f.a }\n"
                          "          - { widget: gauge, kpi: f.b }\n"
                          "          - { widget: gauge, kpi: f.c }\n"
                          "          - { widget: stat, kpi: f.a }\n",
                     &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(d.warnings, 2);
    assert_true(has_warning(&d, 12, "the gauge's KPI 'f.a' has no min/max (line 5)"));
    assert_true(has_warning(&d, 13, "the gauge's KPI 'f.b' has no max"));
    cfg_free(c);
    diag_done(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalar_items),
        cmocka_unit_test(test_map_items_and_env),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_repeated_messages),
        cmocka_unit_test(test_panels_and_public),
        cmocka_unit_test(test_gauge_range_warning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
