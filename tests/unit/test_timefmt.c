/* test_timefmt.c - ISO times with offsets and clock times
 * (ioc/timefmt.c), in Asia/Ho_Chi_Minh, UTC and a zone with summer time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/timefmt.h"

/* 2026-11-25T11:30:05Z */
#define T_2026_11_25 INT64_C(1795606205000)
/* 2026-06-21T00:00:00Z (summer in Europe) */
#define T_2026_06_21 INT64_C(1782000000000)

typedef struct {
    const char *zone;
    int64_t ms;
    const char *iso;
    const char *hms;
} ZoneCase;

static const ZoneCase zone_cases[] = {
    {"Asia/Ho_Chi_Minh", T_2026_11_25, "2026-11-25T18:30:05+07:00", "18:30:05"},
    {"Asia/Ho_Chi_Minh", T_2026_11_25 + 999, "2026-11-25T18:30:05+07:00", "18:30:05"},
    {"Asia/Ho_Chi_Minh", T_2026_06_21, "2026-06-21T07:00:00+07:00", "07:00:00"},
    {"Asia/Ho_Chi_Minh", 0, "1970-01-01T08:00:00+08:00", "08:00:00"}, /* +08 until 1975 */
    {"UTC", T_2026_11_25, "2026-11-25T11:30:05+00:00", "11:30:05"},
    {"UTC", -1, "1969-12-31T23:59:59+00:00", "23:59:59"}, /* rounded down */
    {"Etc/UTC", 0, "1970-01-01T00:00:00+00:00", "00:00:00"},
    {"Europe/Berlin", T_2026_11_25, "2026-11-25T12:30:05+01:00", "12:30:05"},
    {"Europe/Berlin", T_2026_06_21, "2026-06-21T02:00:00+02:00", "02:00:00"},
    {"America/St_Johns", T_2026_11_25, "2026-11-25T08:00:05-03:30", "08:00:05"},
};

static void test_local_times(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof zone_cases / sizeof zone_cases[0]; i++) {
        const ZoneCase *c = &zone_cases[i];
        char buf[TIMEFMT_SIZE];
        assert_int_equal(timefmt_set_zone(c->zone), 0);
        assert_int_equal(timefmt_iso(c->ms, buf, sizeof buf), (int)strlen(c->iso));
        if (strcmp(buf, c->iso) != 0)
            fail_msg("case %zu (%s): got %s, want %s", i, c->zone, buf, c->iso);
        assert_int_equal(timefmt_hms(c->ms, buf, sizeof buf), 8);
        assert_string_equal(buf, c->hms);
    }
}

/* UTC output does not depend on the zone. */
static void test_utc(void **state)
{
    (void)state;
    const char *zones[] = {"Asia/Ho_Chi_Minh", "UTC", "America/St_Johns"};
    for (size_t i = 0; i < 3; i++) {
        char buf[TIMEFMT_SIZE];
        assert_int_equal(timefmt_set_zone(zones[i]), 0);
        assert_int_equal(timefmt_iso_utc(T_2026_11_25, buf, sizeof buf), 20);
        assert_string_equal(buf, "2026-11-25T11:30:05Z");
        assert_int_equal(timefmt_iso_utc(-1500, buf, sizeof buf), 20);
        assert_string_equal(buf, "1969-12-31T23:59:58Z");
    }
}

typedef struct {
    const char *zone;
    int err;
} BadZone;

static const BadZone bad_zones[] = {
    {"Nowhere/City", ENOENT},
    {"Asia", ENOENT},     /* a directory */
    {"zone.tab", ENOENT}, /* a file, but not a zone */
    {"", EINVAL},
    {"/etc/localtime", EINVAL},
    {"../zoneinfo/UTC", EINVAL},
    {"Asia/../UTC", EINVAL},
    {"Asia//Ho_Chi_Minh", EINVAL},
    {"Asia/Ho Chi Minh", EINVAL},
    {"UTC\n", EINVAL},
};

/* An unknown zone is an error and leaves the zone as it was. */
static void test_bad_zone(void **state)
{
    (void)state;
    char buf[TIMEFMT_SIZE];
    assert_int_equal(timefmt_set_zone("Asia/Ho_Chi_Minh"), 0);
    for (size_t i = 0; i < sizeof bad_zones / sizeof bad_zones[0]; i++) {
        errno = 0;
        if (timefmt_set_zone(bad_zones[i].zone) != -1)
            fail_msg("case %zu: \"%s\" accepted", i, bad_zones[i].zone);
        assert_int_equal(errno, bad_zones[i].err);
    }
    assert_int_equal(timefmt_set_zone(NULL), -1);
    timefmt_iso(T_2026_11_25, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-25T18:30:05+07:00");
}

/* Short buffers and unshowable times fail cleanly with an empty string. */
static void test_errors(void **state)
{
    (void)state;
    char buf[TIMEFMT_SIZE];
    assert_int_equal(timefmt_set_zone("UTC"), 0);
    memset(buf, 'Z', sizeof buf);
    errno = 0;
    assert_int_equal(timefmt_iso(T_2026_11_25, buf, 25), -1); /* needs 26 */
    assert_int_equal(errno, ERANGE);
    assert_string_equal(buf, "");
    assert_int_equal(timefmt_iso(T_2026_11_25, buf, 26), 25);
    assert_int_equal(timefmt_hms(0, buf, 8), -1);
    assert_string_equal(buf, "");
    assert_int_equal(timefmt_iso_utc(0, buf, 0), -1);
    errno = 0;
    assert_int_equal(timefmt_iso(INT64_MAX, buf, sizeof buf), -1);
    assert_int_equal(errno, EOVERFLOW);
    assert_string_equal(buf, "");
    assert_int_equal(timefmt_iso_utc(INT64_MIN, buf, sizeof buf), -1);
    assert_string_equal(buf, "");
    /* year 9999 is the last one shown */
    assert_int_equal(timefmt_iso_utc(INT64_C(253402300799000), buf, sizeof buf), 20);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
    assert_int_equal(timefmt_iso_utc(INT64_C(253402300800000), buf, sizeof buf), -1);
}

/* Dates for people in each style: ISO order in English (and for machines),
 * dd/mm/yyyy in Vietnamese, as wide in both; "near" times drop the date on
 * the same local day. */
static void test_styles(void **state)
{
    (void)state;
    char buf[TIMEFMT_SIZE], en[TIMEFMT_SIZE];
    assert_int_equal(timefmt_set_zone("Asia/Ho_Chi_Minh"), 0);
    assert_int_equal(timefmt_date(FMT_EN, T_2026_11_25, buf, sizeof buf), 10);
    assert_string_equal(buf, "2026-11-25");
    assert_int_equal(timefmt_date(FMT_PLAIN, T_2026_11_25, buf, sizeof buf), 10);
    assert_string_equal(buf, "2026-11-25");
    assert_int_equal(timefmt_date(FMT_VI, T_2026_11_25, buf, sizeof buf), 10);
    assert_string_equal(buf, "25/11/2026");
    assert_int_equal(timefmt_date(FMT_VI, T_2026_06_21, buf, sizeof buf), 10);
    assert_string_equal(buf, "21/06/2026");
    timefmt_datetime(FMT_EN, T_2026_11_25, true, en, sizeof en);
    assert_string_equal(en, "2026-11-25 18:30:05 +07:00");
    timefmt_datetime(FMT_VI, T_2026_11_25, true, buf, sizeof buf);
    assert_string_equal(buf, "25/11/2026 18:30:05 +07:00");
    assert_int_equal(strlen(buf), strlen(en));
    timefmt_datetime(FMT_VI, T_2026_11_25, false, buf, sizeof buf);
    assert_string_equal(buf, "25/11/2026 18:30:05");
    int64_t day = INT64_C(86400000);
    timefmt_near(FMT_VI, T_2026_11_25, T_2026_11_25 + 3600000, true, buf, sizeof buf);
    assert_string_equal(buf, "18:30");
    timefmt_near(FMT_VI, T_2026_11_25 + day, T_2026_11_25, true, buf, sizeof buf);
    assert_string_equal(buf, "26/11/2026 18:30");
    timefmt_near(FMT_EN, T_2026_11_25 + day, T_2026_11_25, true, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-26 18:30");
    timefmt_near(FMT_VI, T_2026_11_25 + day, T_2026_11_25, false, buf, sizeof buf);
    assert_string_equal(buf, "26/11 18:30");
    timefmt_near(FMT_EN, T_2026_11_25 + day, T_2026_11_25, false, buf, sizeof buf);
    assert_string_equal(buf, "11-26 18:30");
    assert_int_equal(timefmt_date(FMT_VI, T_2026_11_25, buf, 10), -1); /* needs 11 */
    assert_string_equal(buf, "");
    assert_int_equal(timefmt_date(FMT_VI, INT64_MAX, buf, sizeof buf), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_times), cmocka_unit_test(test_utc),
        cmocka_unit_test(test_bad_zone),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_styles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
