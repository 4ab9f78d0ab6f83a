/* test_fmt.c - numbers and durations as people read them (base/fmt.h), in
 * tables; and the same texts under a locale whose decimal point is a comma. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/fmt.h"

typedef struct {
    int64_t ms;
    const char *age, *span, *duration;
} DurCase;

static const DurCase dur_cases[] = {
    {0, "0s", "0s", "0s"},
    {1, "0s", "0s", "1ms"},
    {500, "0s", "0s", "500ms"},
    {999, "0s", "0s", "999ms"},
    {1000, "1s", "1s", "1s"},
    {2500, "2s", "2s", "2s500ms"},
    {12000, "12s", "12s", "12s"},
    {59999, "59s", "59s", "59s999ms"},
    {60000, "1m", "1m 00s", "1m"},
    {65000, "1m", "1m 05s", "1m5s"},
    {4 * 60000 + 59000, "4m", "4m 59s", "4m59s"},
    {3599999, "59m", "59m 59s", "59m59s999ms"},
    {3600000, "1h", "1h 00m", "1h"},
    {5400000, "1h", "1h 30m", "1h30m"},
    {3 * 3600000 + 1, "3h", "3h 00m", "3h1ms"},
    {86399999, "23h", "23h 59m", "23h59m59s999ms"},
    {86400000, "1d", "1d 00h", "1d"},
    {2 * 86400000 + 5 * 3600000, "2d", "2d 05h", "2d5h"},
    {INT64_C(400) * 86400000, "400d", "400d 00h", "400d"},
    {-5000, "0s", "0s", "0s"}, /* clock skew */
    {INT64_MIN, "0s", "0s", "0s"},
};

/* Every duration style on the same table of durations. */
static void test_durations(void **state)
{
    (void)state;
    char buf[FMT_NUM_MAX];
    for (size_t i = 0; i < sizeof dur_cases / sizeof dur_cases[0]; i++) {
        const DurCase *c = &dur_cases[i];
        fmt_age(c->ms, buf, sizeof buf);
        assert_string_equal(buf, c->age);
        fmt_span(c->ms, buf, sizeof buf);
        assert_string_equal(buf, c->span);
        fmt_duration(c->ms, buf, sizeof buf);
        assert_string_equal(buf, c->duration);
    }
    fmt_age(INT64_MAX, buf, sizeof buf);
    assert_true(strlen(buf) > 0);
    fmt_age(12000, buf, 3); /* "12s" needs 4: no cut figure */
    assert_string_equal(buf, "");
    fmt_age(12000, buf, 4);
    assert_string_equal(buf, "12s");
}

typedef struct {
    double v;
    int decimals;
    const char *number, *fixed;
} NumCase;

static const NumCase num_cases[] = {
    {0, -1, "0", "0"},
    {1234567, -1, "1,234,567", "1234567"},
    {1234567.5, 1, "1,234,567.5", "1234567.5"},
    {82.5, -1, "82.5", "82.5"},
    {82.456, -1, "82.46", "82.46"},
    {82.0, 2, "82.00", "82"},
    {-0.4, 1, "-0.4", "-0.4"},
    {-0.0001, 2, "0.00", "0"},
    {999.999, 2, "1,000.00", "1000"},
    {63.3, 1, "63.3", "63.3"},
    {1e15, -1, "1e+15", "1000000000000000"},
    {0.123456789, 9, "0.123456789", "0.123456789"},
    {0.5, 12, "0.500000000", "0.5"},
};

/* Fixed decimals with and without grouping. */
static void test_numbers(void **state)
{
    (void)state;
    char buf[FMT_NUM_MAX];
    for (size_t i = 0; i < sizeof num_cases / sizeof num_cases[0]; i++) {
        const NumCase *c = &num_cases[i];
        fmt_number(c->v, c->decimals, buf, sizeof buf);
        assert_string_equal(buf, c->number);
        fmt_fixed(FMT_PLAIN, c->v, c->decimals < 0 ? 2 : c->decimals, buf, sizeof buf);
        assert_string_equal(buf, c->fixed);
    }
    fmt_number(NAN, -1, buf, sizeof buf);
    assert_string_equal(buf, "-");
    assert_true(fmt_round(11.600000000000001, 1) == 11.6);
    assert_true(fmt_round(-0.04, 1) == 0 && !signbit(fmt_round(-0.04, 1)));
    assert_true(fmt_round(2.0 / 3, -1) == 2.0 / 3);
    fmt_number(-INFINITY, -1, buf, sizeof buf);
    assert_string_equal(buf, "-Inf");
    fmt_fixed(FMT_PLAIN, INFINITY, 2, buf, sizeof buf);
    assert_string_equal(buf, "");
}

typedef struct {
    double v;
    int decimals;
    const char *en, *vi, *plain;
} StyleCase;

static const StyleCase style_cases[] = {
    {485628, 0, "485,628", "485.628", "485628"},
    {63.3, 1, "63.3", "63,3", "63.3"},
    {1234567.5, 1, "1,234,567.5", "1.234.567,5", "1234567.5"},
    {-1234.25, 2, "-1,234.25", "-1.234,25", "-1234.25"},
    {999.999, 2, "1,000.00", "1.000,00", "1000.00"},
    {-0.0001, 2, "0.00", "0,00", "0.00"},
    {82.456, -1, "82.46", "82,46", "82.46"},
    {100, -1, "100", "100", "100"},
    {2.5e15, -1, "2.5e+15", "2,5e+15", "2.5e+15"},
};

/* Each number style writes its own separators, whatever LC_NUMERIC says;
 * the same number is as wide in every style (a column measured in one never
 * overflows in another); fmt_number() and fmt_delta() follow the UI style. */
static void test_styles(void **state)
{
    (void)state;
    char buf[FMT_NUM_MAX];
    for (size_t i = 0; i < sizeof style_cases / sizeof style_cases[0]; i++) {
        const StyleCase *c = &style_cases[i];
        fmt_number_in(FMT_EN, c->v, c->decimals, buf, sizeof buf);
        assert_string_equal(buf, c->en);
        fmt_number_in(FMT_VI, c->v, c->decimals, buf, sizeof buf);
        assert_string_equal(buf, c->vi);
        assert_int_equal(strlen(c->en), strlen(c->vi));
        fmt_number_in(FMT_PLAIN, c->v, c->decimals, buf, sizeof buf);
        assert_string_equal(buf, c->plain);
    }
    fmt_number_in(FMT_VI, NAN, 1, buf, sizeof buf);
    assert_string_equal(buf, "-");
    fmt_fixed(FMT_VI, 63.26, 1, buf, sizeof buf);
    assert_string_equal(buf, "63,3");
    fmt_fixed(FMT_VI, 100.0, 1, buf, sizeof buf);
    assert_string_equal(buf, "100");
    fmt_fixed(FMT_VI, 12345.5, 2, buf, sizeof buf);
    assert_string_equal(buf, "12.345,5");
    fmt_fixed(FMT_EN, 12345.5, 2, buf, sizeof buf);
    assert_string_equal(buf, "12,345.5");
    fmt_fixed(FMT_PLAIN, 12345.5, 2, buf, sizeof buf);
    assert_string_equal(buf, "12345.5");

    assert_int_equal(fmt_style(), FMT_EN); /* until the UI language sets it */
    fmt_set_style(FMT_VI);
    assert_int_equal(fmt_style(), FMT_VI);
    fmt_number(485628, 0, buf, sizeof buf);
    assert_string_equal(buf, "485.628");
    fmt_delta(2.1, 1, false, buf, sizeof buf);
    assert_string_equal(buf, "^ +2,1");
    fmt_delta(-1234.5, 1, false, buf, sizeof buf);
    assert_string_equal(buf, "v -1.234,5");
    fmt_delta(-0.01, 1, false, buf, sizeof buf);
    assert_string_equal(buf, "= 0,0");
    fmt_shortest(11.6, buf, sizeof buf); /* machine text never changes */
    assert_string_equal(buf, "11.6");
    fmt_set_style(FMT_EN);
    fmt_number(485628, 0, buf, sizeof buf);
    assert_string_equal(buf, "485,628");
}

/* The shortest text that reads back: no float noise, nothing lost. */
static void test_shortest(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {0.1, "0.1"},
        {11.6, "11.6"},
        {99.75714285714285, "99.75714285714285"},
        {1e300, "1e+300"},
        {-2.5, "-2.5"},
        {5e-324, "4.94065645841247e-324"},
        {100, "100"},
        {0.1 + 0.2, "0.30000000000000004"},
        {NAN, "NaN"},
        {INFINITY, "+Inf"},
        {-INFINITY, "-Inf"},
    };
    char buf[FMT_NUM_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fmt_shortest(cases[i].v, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
    }
}

/* Reading numbers written with '.', and how much was read. */
static void test_parse(void **state)
{
    (void)state;
    size_t used = 0;
    assert_true(fmt_parse_double("12.5 rest", 9, &used) == 12.5);
    assert_int_equal(used, 4);
    assert_true(fmt_parse_double("-1e3,", 5, &used) == -1000.0);
    assert_int_equal(used, 4);
    assert_true(fmt_parse_double("7.25", 3, &used) == 7.2); /* len bounds it */
    assert_int_equal(used, 3);
    fmt_parse_double("abc", 3, &used);
    assert_int_equal(used, 0);
}

/* A decimal-comma locale changes none of the texts (scripts/deps.sh --test
 * installs de_DE.UTF-8; without it this test cannot run and fails loudly). */
static void test_decimal_comma_locale(void **state)
{
    (void)state;
    static const char *const locs[] = {"de_DE.UTF-8", "vi_VN.UTF-8", "fr_FR.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof locs / sizeof locs[0] && !set; i++)
        set = setlocale(LC_NUMERIC, locs[i]);
    if (!set) fail_msg("no decimal-comma locale: run scripts/deps.sh --test");
    assert_string_equal(localeconv()->decimal_point, ",");
    char buf[FMT_NUM_MAX];
    fmt_number(1234567.5, 1, buf, sizeof buf);
    assert_string_equal(buf, "1,234,567.5");
    fmt_number_in(FMT_VI, 1234567.5, 1, buf, sizeof buf);
    assert_string_equal(buf, "1.234.567,5");
    fmt_fixed(FMT_PLAIN, 63.25, 2, buf, sizeof buf);
    assert_string_equal(buf, "63.25");
    fmt_shortest(11.6, buf, sizeof buf);
    assert_string_equal(buf, "11.6");
    fmt_shortest(2e15 + 0.5, buf, sizeof buf);
    assert_string_equal(buf, "2000000000000000.5");
    fmt_number(2.5e15, -1, buf, sizeof buf);
    assert_string_equal(buf, "2.5e+15");
    size_t used = 0;
    assert_true(fmt_parse_double("12.5", 4, &used) == 12.5);
    assert_int_equal(used, 4);
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_styles),
        cmocka_unit_test(test_shortest),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_decimal_comma_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
