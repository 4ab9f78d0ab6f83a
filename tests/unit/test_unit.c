/* test_unit.c - named units and their scaling (base/unit.h), in a table:
 * boundaries (1023 B, 1.0 KiB), rounding up to the next step, 0, negatives,
 * NaN and infinities, huge values, decimals, the number styles; free text
 * untouched. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/unit.h"

typedef struct {
    const char *unit;
    double v;
    int decimals;
    const char *num, *sym;
} Case;

static const Case cases[] = {
    /* bytes: IEC steps */
    {"bytes", 0, -1, "0", "B"},
    {"bytes", 1, -1, "1", "B"},
    {"bytes", 1023, -1, "1,023", "B"},
    {"bytes", 1024, -1, "1.0", "KiB"},
    {"bytes", 1536, -1, "1.5", "KiB"},
    {"bytes", 1023.999, -1, "1.0", "KiB"}, /* would read "1,024 B" */
    {"bytes", 1048575, -1, "1.0", "MiB"},  /* would read "1,024.0 KiB" */
    {"bytes", 102400, -1, "100", "KiB"},
    {"bytes", 99.9 * 1024, -1, "99.9", "KiB"},
    {"bytes", 23570415616.0, -1, "22.0", "GiB"},
    {"bytes", 23570415616.0, 2, "21.95", "GiB"},
    {"bytes", 23570415616.0, 0, "22", "GiB"},
    {"bytes", 1099511627776.0, -1, "1.0", "TiB"},
    {"bytes", -2048, -1, "-2.0", "KiB"},
    {"bytes", -1023, -1, "-1,023", "B"},
    {"bytes", 0.5, -1, "0.5", "B"},
    {"bytes", 1e30, -1, "867,361,737,988", "EiB"}, /* past the last step */
    {"bytes", 1e300, -1, "8.673617379884036e+281", "EiB"},
    {"bytes", NAN, -1, "-", "B"},
    {"bytes", INFINITY, -1, "Inf", "B"},
    {"bytes", -INFINITY, -1, "-Inf", "B"},
    {"bytes/s", 125e6, -1, "119", "MiB/s"},
    /* bits: SI steps */
    {"bits", 999, -1, "999", "b"},
    {"bits", 1000, -1, "1.0", "kb"},
    {"bits/s", 999999, -1, "1.0", "Mb/s"},
    {"bits/s", 1e9, -1, "1.0", "Gb/s"},
    {"bits/s", 2.5e12, 2, "2.50", "Tb/s"},
    /* durations */
    {"seconds", 0, -1, "0", "s"},
    {"seconds", 0.25, -1, "250", "ms"},
    {"seconds", 0.0125, -1, "12.5", "ms"},
    {"seconds", 0.9996, -1, "1", "s"},
    {"seconds", 45.5, -1, "45.5", "s"},
    {"seconds", 59.999, -1, "1.0", "min"},
    {"seconds", 90, -1, "1.5", "min"},
    {"seconds", 7200, -1, "2.0", "h"},
    {"seconds", 172800, -1, "2.0", "d"},
    {"seconds", 400 * 86400.0, -1, "400", "d"},
    {"seconds", -90, -1, "-1.5", "min"},
    {"ms", 250, -1, "250", "ms"},
    {"ms", 0.5, -1, "0.5", "ms"},
    {"ms", 1500, -1, "1.5", "s"},
    {"ms", 3600000, -1, "1.0", "h"},
    /* fixed and SI counts */
    {"percent", 72.5, -1, "72.5", "%"},
    {"percent", 12345, 1, "12,345.0", "%"},
    {"count", 999, -1, "999", ""},
    {"count", 1234567, -1, "1.2", "M"},
    {"count", 12345, -1, "12.3", "k"},
    {"count/s", 3e9, -1, "3.0", "G/s"},
    /* free text: the number as today, the unit as written */
    {"lượt", 1234567, -1, "1,234,567", "lượt"},
    {"tỷ đồng", 1234.5, 1, "1,234.5", "tỷ đồng"},
    {"µg/m³", 35, -1, "35", "µg/m³"},
    {"Bytes", 2048, -1, "2,048", "Bytes"}, /* names are case-sensitive */
    {"%", 99.5, -1, "99.5", "%"},
    {"", 5, -1, "5", ""},
};

/* Every case of the table, in the English style. */
static void test_table(void **state)
{
    (void)state;
    char num[FMT_NUM_MAX], sym[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const Case *c = &cases[i];
        bool known =
            unit_format(FMT_EN, c->unit, c->v, c->decimals, num, sizeof num, sym, sizeof sym);
        if (strcmp(num, c->num) != 0 || strcmp(sym, c->sym) != 0)
            fail_msg("case %zu (%s %g dec %d): got '%s' '%s', want '%s' '%s'", i, c->unit, c->v,
                     c->decimals, num, sym, c->num, c->sym);
        assert_int_equal(known, unit_find(c->unit) != NULL);
    }
}

/* The number keeps the UI's number style. */
static void test_styles(void **state)
{
    (void)state;
    char num[FMT_NUM_MAX], sym[UNIT_SYM_MAX];
    unit_format(FMT_VI, "bytes", 23570415616.0, -1, num, sizeof num, sym, sizeof sym);
    assert_string_equal(num, "22,0");
    assert_string_equal(sym, "GiB");
    unit_format(FMT_VI, "bytes", 1023, -1, num, sizeof num, sym, sizeof sym);
    assert_string_equal(num, "1.023");
    unit_format(FMT_PLAIN, "seconds", 5400, -1, num, sizeof num, sym, sizeof sym);
    assert_string_equal(num, "1.5");
    assert_string_equal(sym, "h");
}

/* Lookups, the list of names, and which units scale. */
static void test_find(void **state)
{
    (void)state;
    assert_null(unit_find(NULL));
    assert_null(unit_find("bit/s"));
    assert_non_null(unit_find("bits/s"));
    assert_true(unit_scales(unit_find("bytes")));
    assert_false(unit_scales(unit_find("percent")));
    assert_false(unit_scales(NULL));
    const char *names = unit_names();
    const char *all[] = {"bytes", "bytes/s", "bits",  "bits/s", "seconds",
                         "ms",    "percent", "count", "count/s"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_non_null(unit_find(all[i]));
        assert_non_null(strstr(names, all[i]));
    }
    double s;
    int dec;
    const UnitStep *st = unit_pick(unit_find("bytes"), 3 * 1048576.0, -1, &s, &dec);
    assert_string_equal(st->symbol, "MiB");
    assert_true(s == 3.0);
    assert_int_equal(dec, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_styles),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
