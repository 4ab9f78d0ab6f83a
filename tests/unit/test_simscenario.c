/* test_simscenario.c - loading simulator scenarios: every problem reported as
 * line:col, the test fixture, fault schedules, reproducible bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_scenario.h"

#define T0 1742954400000LL /* 2025-03-26T09:00:00+07:00 */

typedef struct {
    const char *name;
    const char *yaml;
    int line, col;
    const char *msg_part;
} ErrCase;

/* A minimal valid endpoint, to build cases from. */
#define EP "endpoints:\n  - path: /x\n    body: '{}'\n"

static const ErrCase err_cases[] = {
    {"unknown top key", "sim: {seed: 1}\nendpont: []\n" EP, 2, 1, "unknown key 'endpont'"},
    {"no endpoints", "sim: {seed: 1}\n", 1, 1, "expected endpoints:"},
    {"missing body", "endpoints:\n  - path: /x\n", 2, 5, "needs body:"},
    {"unknown placeholder in a block body",
     "endpoints:\n  - path: /x\n    values:\n      a: 1\n    body: |\n      {\"a\": {{a}},\n"
     "       \"b\": {{nope}}}\n",
     7, 13, "unknown placeholder '{{nope}}'"},
    {"unknown placeholder in a quoted body",
     "endpoints:\n  - path: /x\n    body: \"{\\\"b\\\": {{ b|vi }}}\"\n", 3, 20,
     "unknown placeholder '{{b}}'"},
    {"bad filter", "endpoints:\n  - path: /x\n    values: {a: 1}\n    body: '{{a|en}}'\n", 4, 12,
     "unknown filter 'en'"},
    {"bad format", "endpoints:\n  - path: /x\n    format: xml\n    body: ''\n", 3, 13,
     "expected format: json, prometheus or csv"},
    {"path without slash", "endpoints:\n  - path: x\n    body: ''\n", 2, 11,
     "expected a path starting with '/'"},
    {"control path", "endpoints:\n  - path: /_sim/status\n    body: ''\n", 2, 11, "control API"},
    {"duplicate path", EP "  - path: /x\n    body: ''\n", 4, 11, "duplicate path '/x'"},
    {"daily without peak",
     "endpoints:\n  - path: /x\n    values:\n      a: {daily: {base: 1}}\n    body: ''\n", 4, 18,
     "daily needs peak:"},
    {"bad hour",
     "endpoints:\n  - path: /x\n    values:\n      a: {daily: {peak: 25}}\n    body: ''\n", 4, 25,
     "hour of the day"},
    {"two generators",
     "endpoints:\n  - path: /x\n    values:\n      a: {constant: 1, walk: {}}\n    body: ''\n", 4,
     30, "a value has one generator"},
    {"min above max",
     "endpoints:\n  - path: /x\n    values:\n      a: {constant: 1, min: 5, max: 2}\n"
     "    body: ''\n",
     4, 37, "max (2) must not be less than min (5)"},
    {"reserved name", "endpoints:\n  - path: /x\n    values:\n      now_ms: 1\n    body: ''\n", 4,
     7, "built-in placeholder"},
    {"not a number", "endpoints:\n  - path: /x\n    values:\n      a: lots\n    body: ''\n", 4, 10,
     "expected a number for a constant value, found 'lots'"},
    {"bad duration",
     "endpoints:\n  - path: /x\n    body: ''\n    faults:\n      - {mode: hang, at: soon}\n", 5, 26,
     "expected a duration for at"},
    {"param for another mode",
     "endpoints:\n  - path: /x\n    body: ''\n    faults:\n      - {mode: hang, code: 503}\n", 5,
     28, "code does not apply to mode hang"},
    {"unknown mode",
     "endpoints:\n  - path: /x\n    body: ''\n    faults:\n      - {mode: explode}\n", 5, 16,
     "expected mode: refuse"},
    {"every not above for",
     "endpoints:\n  - path: /x\n    body: ''\n    faults:\n"
     "      - {mode: drop, at: 1m, for: 5m, every: 5m}\n",
     5, 46, "every must be longer than for"},
    {"unset variable",
     "endpoints:\n  - path: /x\n    body: ''\n    require_headers:\n"
     "      Authorization: Bearer ${IOC_TEST_SURELY_UNSET_VAR}\n",
     5, 22, "environment variable IOC_TEST_SURELY_UNSET_VAR is not set"},
    {"bad header name",
     "endpoints:\n  - path: /x\n    body: ''\n    require_headers:\n      'X Token': a\n", 5, 7,
     "not a valid HTTP header name"},
    {"bad timezone", "sim: {timezone: Asia/Hanoi}\n" EP, 1, 17, "expected a UTC offset"},
    {"bad seed", "sim: {seed: -4}\n" EP, 1, 13, "seed must be between 0"},
    {"bad start", "sim: {start: yesterday}\n" EP, 1, 14, "expected start: now or an ISO"},
    {"yaml syntax", "endpoints: [\n", 2, 1, ""},
    {"unknown endpoint key", "endpoints:\n  - path: /x\n    body: ''\n    bodyy: ''\n", 4, 5,
     "unknown key 'bodyy' in an endpoint"},
    {"sequence item",
     "endpoints:\n  - path: /x\n    values:\n      a: {sequence: [1, x]}\n"
     "    body: ''\n",
     4, 25, "expected a number for a sequence item"},
    {"ramp without for",
     "endpoints:\n  - path: /x\n    values:\n      a: {ramp: {to: 5}}\n    body: ''\n", 4, 17,
     "ramp needs for:"},
    {"add too deep",
     "endpoints:\n  - path: /x\n    values:\n      a: {add: [{add: [{add: [{add: [{add: "
     "[1]}]}]}]}]}\n"
     "    body: ''\n",
     4, 44, "nested too deep"},
};

/* Each broken scenario fails with its first error at the expected line:col. */
static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
        const ErrCase *c = &err_cases[i];
        Diag d;
        diag_init(&d);
        SimScenario *s = sim_scenario_parse(c->yaml, strlen(c->yaml), "t.yaml", &d);
        if (s) fail_msg("%s: loaded, expected an error", c->name);
        if (d.errors == 0) fail_msg("%s: no error reported", c->name);
        diag_sort(&d);
        const DiagItem *it = &d.items[0];
        if (it->line != c->line || it->col != c->col || !strstr(it->msg, c->msg_part))
            fail_msg("%s: got %d:%d: %s; expected %d:%d: ...%s...", c->name, it->line, it->col,
                     it->msg, c->line, c->col, c->msg_part);
        assert_string_equal(it->file, "t.yaml");
        diag_done(&d);
    }
}

/* All problems are reported at once, not only the first. */
static void test_all_errors(void **state)
{
    (void)state;
    const char *yaml = "sim: {seed: x}\n"
                       "endpoints:\n"
                       "  - path: /a\n"
                       "    format: yaml\n"
                       "    body: '{{missing}}'\n"
                       "  - path: b\n"
                       "    body: ''\n"
                       "    faults: [{mode: delay, ms: -1}]\n";
    Diag d;
    diag_init(&d);
    assert_null(sim_scenario_parse(yaml, strlen(yaml), "t.yaml", &d));
    assert_int_equal(d.errors, 5);
    diag_sort(&d);
    const int lines[] = {1, 4, 5, 6, 8};
    for (int i = 0; i < 5; i++)
        assert_int_equal(d.items[i].line, lines[i]);
    diag_done(&d);
}

/* Loads the fixture used by the e2e test. */
static SimScenario *load_fixture(void)
{
    setenv("IOC_SIM_TEST_TOKEN", "s3cret", 1);
    Diag d;
    diag_init(&d);
    SimScenario *s = sim_scenario_load(IOC_SOURCE_DIR "/tests/fixtures/sim/basic.yaml", &d);
    if (!s) diag_print(&d, stderr);
    diag_done(&d);
    assert_non_null(s);
    return s;
}

/* The fixture loads with its settings, formats and required headers. */
static void test_fixture(void **state)
{
    (void)state;
    SimScenario *s = load_fixture();
    assert_int_equal(s->seed, 42);
    assert_int_equal(s->tz_offset_s, 7 * 3600);
    assert_int_equal(s->nendpoints, 6);
    const SimEndpoint *e = sim_scenario_find(s, "/metrics", 8);
    assert_non_null(e);
    assert_int_equal(e->format, SIM_FMT_PROM);
    assert_string_equal(sim_format_content_type(e->format),
                        "text/plain; version=0.0.4; charset=utf-8");
    assert_null(sim_scenario_find(s, "/metric", 7));
    e = sim_scenario_find(s, "/secure", 7);
    assert_int_equal(e->nrequire, 1);
    assert_string_equal(e->require[0].name, "Authorization");
    assert_string_equal(e->require[0].value, "Bearer s3cret");

    size_t len;
    char *body = sim_scenario_render(s, sim_scenario_find(s, "/motcua.csv", 11), T0, T0, &len);
    assert_string_equal(body, "unit;ontime;overdue\n\"Sở Tư pháp\";7.995,5;3\n");
    free(body);
    body =
        sim_scenario_render(s, sim_scenario_find(s, "/motcua.csv", 11), T0, T0 + 10 * 60000, &len);
    assert_string_equal(body, "unit;ontime;overdue\n\"Sở Tư pháp\";7.995,5;12\n");
    free(body);
    body = sim_scenario_render(s, sim_scenario_find(s, "/ckan", 5), T0, T0 + 5 * 60000, &len);
    assert_string_equal(body, "{\"success\": true, \"result\": {\"records\": [{\"rate\": \"15.0\", "
                              "\"at\": 1742954700}]}}");
    free(body);
    sim_scenario_free(s);
}

typedef struct {
    int64_t rel_ms;
    bool active;
    int64_t since;
} FaultCase;

/* A scheduled fault is active during its windows only. */
static void test_schedule(void **state)
{
    (void)state;
    SimScenario *s = load_fixture();
    const SimEndpoint *e = sim_scenario_find(s, "/flaky", 6);
    const FaultCase cases[] = {
        {0, false, 0},          {59999, false, 0},  {60000, true, 60000},
        {89999, true, 60000},   {90000, false, 0},  {180000, true, 180000},
        {209999, true, 180000}, {210000, false, 0}, {-5000, false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t since = -1;
        const SimFaultWindow *w = sim_scenario_fault_at(e, cases[i].rel_ms, &since);
        assert_int_equal(w != NULL, cases[i].active);
        if (w) {
            assert_int_equal(w->fault.mode, SIM_FAULT_HTTP);
            assert_int_equal(w->fault.code, 503);
            assert_int_equal(since, cases[i].since);
        }
    }
    sim_scenario_free(s);
}

/* Same seed and time give the same bodies; another seed gives other values. */
static void test_reproducible(void **state)
{
    (void)state;
    SimScenario *a = load_fixture(), *b = load_fixture();
    int differ = 0;
    for (int k = 0; k < 10; k++) {
        int64_t t = T0 + k * 3600000LL + 17000;
        for (size_t i = 0; i < a->nendpoints; i++) {
            char *x = sim_scenario_render(a, &a->endpoints[i], T0, t, NULL);
            char *y = sim_scenario_render(b, &b->endpoints[i], T0, t, NULL);
            assert_string_equal(x, y);
            free(x);
            free(y);
        }
    }
    sim_scenario_set_seed(b, 43);
    const SimEndpoint *ea = sim_scenario_find(a, "/dvc/kpi.json", 13);
    const SimEndpoint *eb = sim_scenario_find(b, "/dvc/kpi.json", 13);
    for (int k = 0; k < 10; k++) {
        int64_t t = T0 + k * 3600000LL;
        char *x = sim_scenario_render(a, ea, T0, t, NULL);
        char *y = sim_scenario_render(b, eb, T0, t, NULL);
        differ += strcmp(x, y) != 0;
        free(x);
        free(y);
    }
    assert_true(differ >= 8);
    sim_scenario_free(a);
    sim_scenario_free(b);
}

/* Names of modes and formats round-trip; defaults are documented values. */
static void test_names(void **state)
{
    (void)state;
    const char *modes[] = {"refuse",    "drop",     "delay",     "hang", "http",
                           "malformed", "oversize", "truncated", "flap"};
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        SimFaultMode m;
        assert_true(sim_fault_mode_from_name(modes[i], &m));
        assert_string_equal(sim_fault_mode_name(m), modes[i]);
    }
    SimFaultMode m;
    assert_false(sim_fault_mode_from_name("none", &m));
    assert_false(sim_fault_mode_from_name("slow", &m));
    SimFault f;
    sim_fault_defaults(&f, SIM_FAULT_OVERSIZE);
    assert_int_equal(f.bytes, 8 * 1024 * 1024);
    assert_int_equal(f.code, 503);
    assert_int_equal(f.ms, 1000);
    SimFormat fmt;
    assert_true(sim_format_from_name("csv", &fmt));
    assert_int_equal(fmt, SIM_FMT_CSV);
    assert_false(sim_format_from_name("xml", &fmt));
}

/* ${NAME} and ${NAME:-default} in required header values. */
static void test_env(void **state)
{
    (void)state;
    setenv("IOC_SIM_T_KEY", "k1", 1);
    unsetenv("IOC_SIM_T_UNSET");
    const char *yaml = "endpoints:\n"
                       "  - path: /x\n"
                       "    body: ''\n"
                       "    require_headers:\n"
                       "      X-Key: \"${IOC_SIM_T_KEY}-${IOC_SIM_T_UNSET:-dflt}$\"\n"
                       "      X-Other: \"${IOC_SIM_T_KEY:-unused}\"\n";
    Diag d;
    diag_init(&d);
    SimScenario *s = sim_scenario_parse(yaml, strlen(yaml), "t.yaml", &d);
    assert_non_null(s);
    assert_string_equal(s->endpoints[0].require[0].value, "k1-dflt$");
    assert_string_equal(s->endpoints[0].require[1].value, "k1");
    sim_scenario_free(s);
    const char *bad = "endpoints:\n  - path: /x\n    body: ''\n"
                      "    require_headers: {X-Key: \"${1BAD}\"}\n";
    assert_null(sim_scenario_parse(bad, strlen(bad), "t.yaml", &d));
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].msg, "expected ${NAME}"));
    diag_done(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),       cmocka_unit_test(test_all_errors),
        cmocka_unit_test(test_fixture),      cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_reproducible), cmocka_unit_test(test_names),
        cmocka_unit_test(test_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
