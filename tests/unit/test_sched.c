/* test_sched.c - poll scheduling with a fake clock: spread, cadence, backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "feeds/sched.h"

static void test_first_polls_are_spread(void **state)
{
    (void)state;
    /* 20 feeds over 2 s: 100 ms apart, none outside the window, no two together. */
    for (size_t i = 0; i < 20; i++) {
        int64_t due = sched_first_due(1000, i, 20, 2000);
        assert_int_equal(due, 1000 + (int64_t)i * 100);
    }
    assert_int_equal(sched_first_due(5, 0, 0, 2000), 5);
    assert_int_equal(sched_first_due(5, 3, 4, 0), 5);
}

static void test_cadence_keeps_slots(void **state)
{
    (void)state;
    /* A poll due at 0 that finished at 120 ms: next slot at 15 s, not 15.12 s. */
    assert_int_equal(sched_after_success(0, 120, 15000), 15000);
    /* A late poll (the loop was stalled past two slots) skips to the next slot after now. */
    assert_int_equal(sched_after_success(0, 31000, 15000), 45000);
    /* Exactly on a slot boundary moves to the following one. */
    assert_int_equal(sched_after_success(0, 15000, 15000), 30000);
    /* Over an hour of simulated polls the cadence never drifts. */
    int64_t due = 0;
    for (int i = 0; i < 240; i++) due = sched_after_success(due, due + 37, 15000);
    assert_int_equal(due, 240 * 15000);
}

static void test_backoff_doubles_and_is_bounded(void **state)
{
    (void)state;
    uint32_t seed = sched_seed("camera");
    int64_t prev = 0;
    for (unsigned f = 1; f <= 40; f++) {
        int64_t d = sched_backoff(10000, f, seed);
        int64_t base = 10000;
        for (unsigned i = 1; i < f && base < 80000; i++) base *= 2;
        if (base > 80000) base = 80000; /* 8 x interval, below 5 min */
        assert_true(d >= base);
        assert_true(d < base + base / 10 + 1);
        if (f > 1) assert_true(d >= prev * 9 / 10);
        prev = d;
    }
    /* Short intervals are bounded by 8 x interval, long ones by 5 min, and
     * an interval longer than 5 min is never shortened. */
    assert_true(sched_backoff(1000, 30, 1) <= 8800);
    assert_true(sched_backoff(60000, 30, 1) <= SCHED_MAX_BACKOFF_MS * 11 / 10);
    assert_true(sched_backoff(60000, 30, 1) >= SCHED_MAX_BACKOFF_MS);
    assert_true(sched_backoff(30 * 60000, 30, 1) >= 30 * 60000);
}

static void test_jitter_differs_between_feeds(void **state)
{
    (void)state;
    int64_t a = sched_backoff(10000, 3, sched_seed("dvc"));
    int64_t b = sched_backoff(10000, 3, sched_seed("soc"));
    int64_t c = sched_backoff(10000, 3, sched_seed("dvc"));
    assert_int_equal(a, c); /* deterministic */
    assert_true(a != b);    /* two failing feeds do not retry in step */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_polls_are_spread),
        cmocka_unit_test(test_cadence_keeps_slots),
        cmocka_unit_test(test_backoff_doubles_and_is_bounded),
        cmocka_unit_test(test_jitter_differs_between_feeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
