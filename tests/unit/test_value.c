/* test_value.c - number formats and aggregation (feeds/value.c). */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse/value.h"

typedef struct {
    const char *in;
    NumFormat fmt;
    bool ok;
    double want; /* compared exactly (bit for bit except NaN) */
} ParseCase;

static const ParseCase parse_cases[] = {
    /* plain */
    {"0", NUMFMT_PLAIN, true, 0.0},
    {"42", NUMFMT_PLAIN, true, 42.0},
    {"-3", NUMFMT_PLAIN, true, -3.0},
    {"+7", NUMFMT_PLAIN, true, 7.0},
    {"1234.5", NUMFMT_PLAIN, true, 1234.5},
    {"0.1", NUMFMT_PLAIN, true, 0.1},
    {".5", NUMFMT_PLAIN, true, 0.5},
    {"5.", NUMFMT_PLAIN, true, 5.0},
    {"1e6", NUMFMT_PLAIN, true, 1e6},
    {"1E+6", NUMFMT_PLAIN, true, 1e6},
    {"2.5e-3", NUMFMT_PLAIN, true, 2.5e-3},
    {"007", NUMFMT_PLAIN, true, 7.0},
    {"  98.72 ", NUMFMT_PLAIN, true, 98.72},
    {"\t48\r\n", NUMFMT_PLAIN, true, 48.0},
    {"1.7976931348623157e308", NUMFMT_PLAIN, true, DBL_MAX},
    {"4.9406564584124654e-324", NUMFMT_PLAIN, true, 4.9406564584124654e-324},
    {"1e999", NUMFMT_PLAIN, true, HUGE_VAL},
    {"-1e999", NUMFMT_PLAIN, true, -HUGE_VAL},
    {"1e-99999999999999999999", NUMFMT_PLAIN, true, 0.0},
    {"0.000001e6", NUMFMT_PLAIN, true, 1.0},
    {"123456789012345678901234567890", NUMFMT_PLAIN, true, 123456789012345678901234567890.0},
    {"0.30000000000000004", NUMFMT_PLAIN, true, 0.30000000000000004},
    {"1,234", NUMFMT_PLAIN, false, 0},
    {"1.234,5", NUMFMT_PLAIN, false, 0},
    {"", NUMFMT_PLAIN, false, 0},
    {"   ", NUMFMT_PLAIN, false, 0},
    {"-", NUMFMT_PLAIN, false, 0},
    {"+", NUMFMT_PLAIN, false, 0},
    {".", NUMFMT_PLAIN, false, 0},
    {"12abc", NUMFMT_PLAIN, false, 0},
    {"85%", NUMFMT_PLAIN, false, 0},
    {"0x1A", NUMFMT_PLAIN, false, 0},
    {"0x1p3", NUMFMT_PLAIN, false, 0},
    {"1 000", NUMFMT_PLAIN, false, 0},
    {"- 5", NUMFMT_PLAIN, false, 0},
    {"1e", NUMFMT_PLAIN, false, 0},
    {"1e+", NUMFMT_PLAIN, false, 0},
    {"e5", NUMFMT_PLAIN, false, 0},
    {"--1", NUMFMT_PLAIN, false, 0},
    {"1.2.3", NUMFMT_PLAIN, false, 0},
    {"infinite", NUMFMT_PLAIN, false, 0},
    {"-nan", NUMFMT_PLAIN, false, 0},
    {"1_000", NUMFMT_PLAIN, false, 0},
    /* special values in every format */
    {"NaN", NUMFMT_PLAIN, true, NAN},
    {"nan", NUMFMT_VI, true, NAN},
    {" NAN ", NUMFMT_EN, true, NAN},
    {"+Inf", NUMFMT_PLAIN, true, INFINITY},
    {"-Inf", NUMFMT_EN, true, -INFINITY},
    {"Inf", NUMFMT_VI, true, INFINITY},
    {"infinity", NUMFMT_PLAIN, true, INFINITY},
    {"-INFINITY", NUMFMT_VI, true, -INFINITY},
    /* en */
    {"1,234,567.89", NUMFMT_EN, true, 1234567.89},
    {"1234.5", NUMFMT_EN, true, 1234.5},
    {"2,947,000", NUMFMT_EN, true, 2947000.0},
    {"-12,345.5", NUMFMT_EN, true, -12345.5},
    {"999", NUMFMT_EN, true, 999.0},
    {"1,000e3", NUMFMT_EN, true, 1e6},
    {"1,23,4", NUMFMT_EN, false, 0},
    {"12,34,567", NUMFMT_EN, false, 0},
    {"1234,567", NUMFMT_EN, false, 0},
    {"1,2345", NUMFMT_EN, false, 0},
    {"48,6", NUMFMT_EN, false, 0},
    {"1,", NUMFMT_EN, false, 0},
    {",123", NUMFMT_EN, false, 0},
    {"0,123", NUMFMT_EN, false, 0},
    {"1,234,", NUMFMT_EN, false, 0},
    {"1.234.567", NUMFMT_EN, false, 0},
    {"1,234.5.6", NUMFMT_EN, false, 0},
    /* vi */
    {"7.995,5", NUMFMT_VI, true, 7995.5},
    {"48,6", NUMFMT_VI, true, 48.6},
    {"1.234.567", NUMFMT_VI, true, 1234567.0},
    {"1234,5", NUMFMT_VI, true, 1234.5},
    {"0,4843", NUMFMT_VI, true, 0.4843},
    {",5", NUMFMT_VI, true, 0.5},
    {"-2.920.000", NUMFMT_VI, true, -2920000.0},
    {"98,72", NUMFMT_VI, true, 98.72},
    {"1.2.3", NUMFMT_VI, false, 0},
    {"1.5", NUMFMT_VI, false, 0},
    {"12.34", NUMFMT_VI, false, 0},
    {"1.234.56", NUMFMT_VI, false, 0},
    {"1,234,5", NUMFMT_VI, false, 0},
    {"0.123", NUMFMT_VI, false, 0},
    {"1.234,5,6", NUMFMT_VI, false, 0},
    {"48,6 %", NUMFMT_VI, false, 0},
    {"1.234.567,", NUMFMT_VI, true, 1234567.0},
};

/* Every case of the table parses (or fails) as expected, to the exact double. */
static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const ParseCase *c = &parse_cases[i];
        double got = -12345.678;
        bool ok = val_parse(c->in, strlen(c->in), c->fmt, &got);
        if (ok != c->ok)
            fail_msg("case %zu \"%s\" (%s): ok=%d, want %d", i, c->in, val_numfmt_name(c->fmt), ok,
                     c->ok);
        if (!ok) {
            if (got != -12345.678) fail_msg("case %zu \"%s\": *out changed on failure", i, c->in);
            continue;
        }
        if (isnan(c->want)) {
            if (!isnan(got)) fail_msg("case %zu \"%s\": got %g, want NaN", i, c->in, got);
        } else if (memcmp(&got, &c->want, sizeof(got)) != 0) {
            fail_msg("case %zu \"%s\": got %.17g, want %.17g", i, c->in, got, c->want);
        }
    }
}

/* The input is len bytes, not a C string: bytes after len are never read. */
static void test_parse_not_nul_terminated(void **state)
{
    (void)state;
    double v = 0;
    assert_true(val_parse("12.5xyz", 4, NUMFMT_PLAIN, &v));
    assert_true(v == 12.5);
    assert_true(val_parse("48,6|7", 4, NUMFMT_VI, &v));
    assert_true(v == 48.6);
    char *heap = malloc(3);
    assert_non_null(heap);
    memcpy(heap, "123", 3); /* no NUL: ASan would catch an over-read */
    assert_true(val_parse(heap, 3, NUMFMT_EN, &v));
    assert_true(v == 123.0);
    free(heap);
    assert_false(val_parse(NULL, 0, NUMFMT_PLAIN, &v));
    assert_false(val_parse("1", 1, (NumFormat)42, &v));
}

/* Results match strtod's correctly rounded value for the same digits. */
static void test_parse_matches_strtod(void **state)
{
    (void)state;
    static const char *const digits[] = {
        "9007199254740993", /* 2^53 + 1: halfway, rounds to even */
        "9007199254740993.0000000001",
        "0.1",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "7.9955e3",
        "123456.789e-10",
        "3.141592653589793238462643383279502884197",
    };
    for (size_t i = 0; i < sizeof(digits) / sizeof(digits[0]); i++) {
        double v = 0;
        assert_true(val_parse(digits[i], strlen(digits[i]), NUMFMT_PLAIN, &v));
        double want = strtod(digits[i], NULL);
        if (memcmp(&v, &want, sizeof(v)) != 0)
            fail_msg("\"%s\": got %.17g, want %.17g", digits[i], v, want);
    }
    /* The same value written three ways. */
    double a = 0, b = 0, c = 0;
    assert_true(val_parse("1234567.8912345678", 18, NUMFMT_PLAIN, &a));
    assert_true(val_parse("1,234,567.8912345678", 20, NUMFMT_EN, &b));
    assert_true(val_parse("1.234.567,8912345678", 20, NUMFMT_VI, &c));
    assert_true(a == b && b == c);
    assert_true(a == 1234567.8912345678);
}

/* A very long but valid number still parses; absurdly long ones are refused. */
static void test_parse_long_input(void **state)
{
    (void)state;
    char buf[2100];
    memset(buf, '0', sizeof(buf));
    buf[1000] = '1'; /* 1000 leading zeros then "1" */
    double v = 0;
    assert_true(val_parse(buf, 1001, NUMFMT_PLAIN, &v));
    assert_true(v == 1.0);
    buf[0] = '0';
    buf[1] = '.';
    assert_true(val_parse(buf, 1001, NUMFMT_PLAIN, &v)); /* 0.000...01 */
    assert_true(v == 0.0);                               /* 1e-999 underflows to 0 */
    assert_false(val_parse(buf, sizeof(buf), NUMFMT_PLAIN, &v));
}

/* Parsing does not depend on LC_NUMERIC (a locale with a decimal comma). */
static void test_parse_locale_independent(void **state)
{
    (void)state;
    static const char *const locs[] = {"vi_VN.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8",
                                       "de_DE",       "fr_FR",       "ru_RU.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof(locs) / sizeof(locs[0]) && !set; i++)
        set = setlocale(LC_NUMERIC, locs[i]);
    if (!set) fail_msg("no decimal-comma locale: run scripts/deps.sh --test");
    assert_string_equal(localeconv()->decimal_point, ",");
    double v = 0;
    assert_true(val_parse("1234.5", 6, NUMFMT_PLAIN, &v));
    assert_true(v == 1234.5);
    assert_true(val_parse("7.995,5", 7, NUMFMT_VI, &v));
    assert_true(v == 7995.5);
    assert_true(val_parse("1,234.5", 7, NUMFMT_EN, &v));
    assert_true(v == 1234.5);
    setlocale(LC_NUMERIC, "C");
}

typedef struct {
    Agg agg;
    size_t n;
    double v[6];
    bool ok;
    double want;
} AggCase;

static const AggCase agg_cases[] = {
    {AGG_FIRST, 3, {1, 2, 3}, true, 1},
    {AGG_LAST, 3, {1, 2, 3}, true, 3},
    {AGG_SUM, 3, {1, 2, 3.5}, true, 6.5},
    {AGG_AVG, 4, {1, 2, 3, 4}, true, 2.5},
    {AGG_MIN, 4, {5, -2, 7, 0}, true, -2},
    {AGG_MAX, 4, {5, -2, 7, 0}, true, 7},
    {AGG_COUNT, 3, {1, 2, 3}, true, 3},
    /* NaN is skipped by all but COUNT */
    {AGG_FIRST, 3, {NAN, 2, 3}, true, 2},
    {AGG_LAST, 3, {1, 2, NAN}, true, 2},
    {AGG_SUM, 3, {1, NAN, 3}, true, 4},
    {AGG_AVG, 3, {1, NAN, 3}, true, 2},
    {AGG_MIN, 3, {NAN, 4, 3}, true, 3},
    {AGG_MAX, 3, {4, NAN, 9}, true, 9},
    {AGG_COUNT, 3, {NAN, NAN, 1}, true, 3},
    /* nothing to report */
    {AGG_FIRST, 0, {0}, false, 0},
    {AGG_SUM, 0, {0}, false, 0},
    {AGG_AVG, 0, {0}, false, 0},
    {AGG_MIN, 2, {NAN, NAN}, false, 0},
    {AGG_AVG, 2, {NAN, NAN}, false, 0},
    {AGG_COUNT, 0, {0}, true, 0},
    {AGG_COUNT, 2, {NAN, NAN}, true, 2},
    /* big values and infinities */
    {AGG_AVG, 2, {DBL_MAX, DBL_MAX}, true, DBL_MAX},
    {AGG_AVG, 3, {1e308, 1e308, -1e308}, true, 1e308 / 3},
    {AGG_SUM, 3, {1e308, 1e308, -1e308}, true, 1e308},
    {AGG_SUM, 2, {DBL_MAX, DBL_MAX}, true, INFINITY},
    {AGG_AVG, 2, {INFINITY, 1}, true, INFINITY},
    {AGG_MAX, 2, {INFINITY, 1}, true, INFINITY},
    {AGG_MIN, 2, {-INFINITY, 1}, true, -INFINITY},
};

/* Every aggregation case gives the expected value (or reports nothing). */
static void test_agg_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(agg_cases) / sizeof(agg_cases[0]); i++) {
        const AggCase *c = &agg_cases[i];
        double got = -777;
        bool ok = val_agg(c->agg, c->v, c->n, &got);
        if (ok != c->ok)
            fail_msg("case %zu (%s): ok=%d, want %d", i, val_agg_name(c->agg), ok, c->ok);
        if (!ok) {
            if (got != -777) fail_msg("case %zu: *out changed when nothing to report", i);
            continue;
        }
        bool same = isinf(c->want) ? got == c->want : fabs(got - c->want) <= fabs(c->want) * 1e-15;
        if (!same)
            fail_msg("case %zu (%s): got %.17g, want %.17g", i, val_agg_name(c->agg), got, c->want);
    }
}

/* Averaging many large values neither overflows nor drifts. */
static void test_agg_avg_many(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *v = malloc(N * sizeof(*v));
    assert_non_null(v);
    for (size_t i = 0; i < N; i++)
        v[i] = (i % 2) ? 1.5e307 : 0.5e307;
    double got = 0;
    assert_true(val_agg(AGG_AVG, v, N, &got));
    assert_float_equal(got / 1e307, 1.0, 1e-9);
    assert_true(val_agg(AGG_SUM, v, N, &got));
    assert_true(isinf(got) && got > 0); /* the sum itself really overflows */
    free(v);
}

/* Config names map both ways; unknown names are refused. */
static void test_names(void **state)
{
    (void)state;
    static const char *const fmts[] = {"plain", "en", "vi"};
    for (int i = 0; i < 3; i++) {
        NumFormat f;
        assert_true(val_numfmt_from_name(fmts[i], &f));
        assert_int_equal(f, i);
        assert_string_equal(val_numfmt_name(f), fmts[i]);
    }
    static const char *const aggs[] = {"first", "last", "sum", "avg", "min", "max", "count"};
    static const Agg aggv[] = {AGG_FIRST, AGG_LAST, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_COUNT};
    for (int i = 0; i < 7; i++) {
        Agg a;
        assert_true(val_agg_from_name(aggs[i], &a));
        assert_int_equal(a, aggv[i]);
        assert_string_equal(val_agg_name(a), aggs[i]);
    }
    NumFormat f = NUMFMT_EN;
    Agg a = AGG_MAX;
    assert_false(val_numfmt_from_name("de", &f));
    assert_false(val_numfmt_from_name("", &f));
    assert_false(val_numfmt_from_name(NULL, &f));
    assert_false(val_agg_from_name("mean", &a));
    assert_false(val_agg_from_name("Sum ", &a));
    assert_int_equal(f, NUMFMT_EN);
    assert_int_equal(a, AGG_MAX);
    assert_string_equal(val_numfmt_name((NumFormat)99), "?");
    assert_string_equal(val_agg_name((Agg)-1), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_not_nul_terminated),
        cmocka_unit_test(test_parse_matches_strtod),
        cmocka_unit_test(test_parse_long_input),
        cmocka_unit_test(test_parse_locale_independent),
        cmocka_unit_test(test_agg_table),
        cmocka_unit_test(test_agg_avg_many),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
