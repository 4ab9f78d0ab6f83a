/* test_simtime.c - durations, UTC offsets and ISO 8601 times of the simulator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sim/sim_time.h"

typedef struct {
    const char *in;
    bool ok;
    int64_t ms;
} DurCase;

/* Durations as written in scenarios and control requests. */
static void test_duration(void **state)
{
    (void)state;
    const DurCase cases[] = {
        {"90s", true, 90000},   {"10m", true, 600000},   {"2h", true, 7200000},
        {"1d", true, 86400000}, {"500ms", true, 500},    {"1h30m", true, 5400000},
        {"45", true, 45000},    {"1.5", true, 1500},     {"0.5s", true, 500},
        {" 5m ", true, 300000}, {"", false, 0},          {"m", false, 0},
        {"5x", false, 0},       {"-5s", false, 0},       {"1h30", false, 0},
        {"10 m", false, 0},     {"99999999d", false, 0}, {"1e3s", false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms = -1;
        bool ok = sim_time_parse_duration(cases[i].in, &ms);
        if (ok != cases[i].ok)
            fail_msg("'%s': expected %s", cases[i].in, cases[i].ok ? "ok" : "error");
        if (ok) assert_int_equal(ms, cases[i].ms);
    }
}

typedef struct {
    const char *in;
    bool ok;
    int off;
} TzCase;

/* Fixed UTC offsets. */
static void test_tz(void **state)
{
    (void)state;
    const TzCase cases[] = {
        {"+07:00", true, 25200},           {"+0700", true, 25200}, {"+7", true, 25200},
        {"-05:30", true, -19800},          {"UTC", true, 0},       {"Z", true, 0},
        {"Asia/Ho_Chi_Minh", true, 25200}, {"07:00", false, 0},    {"+15:00", false, 0},
        {"Europe/Paris", false, 0},        {"+07:60", false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int off = 12345;
        bool ok = sim_time_parse_tz(cases[i].in, &off);
        if (ok != cases[i].ok)
            fail_msg("'%s': expected %s", cases[i].in, cases[i].ok ? "ok" : "error");
        if (ok) assert_int_equal(off, cases[i].off);
    }
}

typedef struct {
    const char *in;
    bool ok;
    int64_t ms;
} IsoCase;

/* ISO 8601 times, with and without an offset (default +07:00). */
static void test_iso(void **state)
{
    (void)state;
    const int64_t t = 1742954400000LL; /* 2025-03-26T09:00:00+07:00 */
    const IsoCase cases[] = {
        {"2025-03-26T09:00:00+07:00", true, t},
        {"2025-03-26T02:00:00Z", true, t},
        {"2025-03-26T09:00:00", true, t},
        {"2025-03-26 09:00", true, t},
        {"2025-03-26T09:00:00.250+07:00", true, t + 250},
        {"2025-03-26T04:00:00+0200", true, t},
        {"2025-03-26", true, t - 9 * 3600000LL},
        {"1969-12-31T23:59:59Z", true, -1000},
        {"2024-02-29T00:00:00Z", true, 1709164800000LL},
        {"2025-02-29T00:00:00Z", false, 0},
        {"2025-13-01", false, 0},
        {"2025-03-26T25:00", false, 0},
        {"2025-03-26T09:00:00+07:00 junk", false, 0},
        {"26/03/2025", false, 0},
        {"", false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms = 0;
        bool ok = sim_time_parse_iso(cases[i].in, 7 * 3600, &ms);
        if (ok != cases[i].ok)
            fail_msg("'%s': expected %s", cases[i].in, cases[i].ok ? "ok" : "error");
        if (ok) assert_int_equal(ms, cases[i].ms);
    }
    char buf[40];
    assert_string_equal(sim_time_format_iso(t, 7 * 3600, buf, sizeof(buf)),
                        "2025-03-26T09:00:00+07:00");
    assert_string_equal(sim_time_format_iso(t, 0, buf, sizeof(buf)), "2025-03-26T02:00:00Z");
    assert_string_equal(sim_time_format_iso(-1000, 0, buf, sizeof(buf)), "1969-12-31T23:59:59Z");
    assert_string_equal(sim_time_format_iso(t, -5 * 3600 - 1800, buf, sizeof(buf)),
                        "2025-03-25T20:30:00-05:30");
    /* Formatting and parsing round-trip over many days. */
    for (int64_t d = -1000; d < 30000; d += 37) {
        int64_t ms = d * 86400000LL + 12345000;
        int64_t back;
        sim_time_format_iso(ms, 7 * 3600, buf, sizeof(buf));
        assert_true(sim_time_parse_iso(buf, 0, &back));
        assert_int_equal(back, ms);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_tz),
        cmocka_unit_test(test_iso),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
