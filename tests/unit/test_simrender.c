/* test_simrender.c - body templates of the simulator: number styles,
 * placeholders, and errors for unknown placeholders with their offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_render.h"

typedef struct {
    double v;
    int decimals;
    SimFilter f;
    const char *want;
} NumCase;

/* Numbers in plain, Vietnamese and JSON-string style. */
static void test_numbers(void **state)
{
    (void)state;
    const NumCase cases[] = {
        {48.6, 1, SIM_FILTER_PLAIN, "48.6"},
        {48.6, 1, SIM_FILTER_VI, "48,6"},
        {7995.5, 1, SIM_FILTER_VI, "7.995,5"},
        {1234567, 0, SIM_FILTER_VI, "1.234.567"},
        {-1234.5, 1, SIM_FILTER_VI, "-1.234,5"},
        {999, 0, SIM_FILTER_VI, "999"},
        {1000, 0, SIM_FILTER_VI, "1.000"},
        {0.5, 2, SIM_FILTER_VI, "0,50"},
        {48.6, 1, SIM_FILTER_STR, "\"48.6\""},
        {91.256, 2, SIM_FILTER_STR, "\"91.26\""},
        {-0.04, 1, SIM_FILTER_PLAIN, "0.0"},
        {-0.04, 1, SIM_FILTER_VI, "0,0"},
        {2.5, 0, SIM_FILTER_PLAIN, "2"}, /* printf rounds half to even */
        {NAN, 1, SIM_FILTER_PLAIN, "NaN"},
        {INFINITY, 1, SIM_FILTER_VI, "+Inf"},
        {-INFINITY, 1, SIM_FILTER_STR, "\"-Inf\""},
        {1e6, 12, SIM_FILTER_PLAIN, "1000000.000000000"}, /* decimals capped at 9 */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        size_t n = sim_render_number(buf, sizeof(buf), cases[i].v, cases[i].decimals, cases[i].f);
        assert_string_equal(buf, cases[i].want);
        assert_int_equal(n, strlen(cases[i].want));
    }
    char small[4];
    assert_int_equal(sim_render_number(small, sizeof(small), 7995.5, 1, SIM_FILTER_VI), 7);
    assert_string_equal(small, "7.9");
}

/* Knows the value names "x" (0) and "y.z" (1). */
static long lookup(void *ud, const char *name)
{
    (void)ud;
    if (strcmp(name, "x") == 0) return 0;
    if (strcmp(name, "y.z") == 0) return 1;
    return -1;
}

typedef struct {
    size_t n;
    size_t off[8];
    char msg[8][256];
} Errors;

/* Records a template error. */
static void on_err(void *ud, size_t off, const char *msg)
{
    Errors *e = ud;
    if (e->n < 8) {
        e->off[e->n] = off;
        strncpy(e->msg[e->n], msg, sizeof(e->msg[0]) - 1);
    }
    e->n++;
}

/* Placeholders are filled with values, styles and the sim time. */
static void test_render(void **state)
{
    (void)state;
    const char *body = "{\"v\": {{x}}, \"vi\": \"{{ x | vi }}\", \"s\": {{x|str}}, "
                       "\"y\": {{y.z}}, \"iso\": \"{{now_iso}}\", \"u\": {{now_unix}}, "
                       "\"ms\": {{now_ms}}, \"obj\": {{{x}}}}";
    SimTemplate t;
    Errors e = {0};
    assert_int_equal(sim_render_parse(&t, body, strlen(body), lookup, on_err, &e), 0);
    double values[] = {7995.46, 3};
    int decimals[] = {1, 0};
    SimRenderArgs a = {.values = values,
                       .decimals = decimals,
                       .n = 2,
                       .now_ms = 1742950800123LL,
                       .tz_offset_s = 7 * 3600};
    size_t len;
    char *out = sim_render(&t, &a, &len);
    assert_non_null(out);
    assert_string_equal(out, "{\"v\": 7995.5, \"vi\": \"7.995,5\", \"s\": \"7995.5\", \"y\": 3, "
                             "\"iso\": \"2025-03-26T08:00:00+07:00\", \"u\": 1742950800, "
                             "\"ms\": 1742950800123, \"obj\": {7995.5}}");
    assert_int_equal(len, strlen(out));
    free(out);
    sim_render_done(&t);

    /* Text without placeholders, and an empty body, come back unchanged. */
    const char *plain = "a,b\n1,2\n";
    assert_int_equal(sim_render_parse(&t, plain, strlen(plain), lookup, on_err, &e), 0);
    out = sim_render(&t, &a, &len);
    assert_string_equal(out, plain);
    free(out);
    sim_render_done(&t);
    assert_int_equal(sim_render_parse(&t, "", 0, lookup, on_err, &e), 0);
    out = sim_render(&t, &a, &len);
    assert_string_equal(out, "");
    assert_int_equal(len, 0);
    free(out);
    sim_render_done(&t);
}

typedef struct {
    const char *body;
    size_t off;
    const char *msg_part;
} ErrCase;

/* Every bad placeholder is reported with its byte offset. */
static void test_errors(void **state)
{
    (void)state;
    const ErrCase cases[] = {
        {"a {{nope}} b", 2, "unknown placeholder '{{nope}}'"},
        {"{{x|zz}}", 0, "unknown filter 'zz'"},
        {"{\"t\": {{now_ms|vi}}}", 6, "'now_ms' takes no filter"},
        {"x {{ }}", 2, "expected a value name"},
        {"x {{x|}}", 2, "expected a filter after '|'"},
        {"ok {{x}} then {{x", 14, "expected '}}'"},
        {"{{x\n}}", 0, "expected '}}'"},
        {"{{a b}}", 0, "expected a value name"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        SimTemplate t;
        Errors e = {0};
        size_t n = sim_render_parse(&t, cases[i].body, strlen(cases[i].body), lookup, on_err, &e);
        if (n != 1 || e.n != 1) fail_msg("'%s': %zu errors, expected 1", cases[i].body, n);
        assert_int_equal(e.off[0], cases[i].off);
        if (!strstr(e.msg[0], cases[i].msg_part))
            fail_msg("'%s': message '%s' lacks '%s'", cases[i].body, e.msg[0], cases[i].msg_part);
        sim_render_done(&t);
    }
    /* Several problems are all reported, in order. */
    const char *body = "{{a}} {{x}} {{b|vi}} {{x|bad}}";
    SimTemplate t;
    Errors e = {0};
    assert_int_equal(sim_render_parse(&t, body, strlen(body), lookup, on_err, &e), 3);
    assert_int_equal(e.off[0], 0);
    assert_int_equal(e.off[1], 12);
    assert_int_equal(e.off[2], 21);
    sim_render_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
