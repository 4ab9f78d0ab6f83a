/* test_counter.c - counters between polls (feeds/counter.h): rate and
 * increase, resets handled as Prometheus does, the first reading and a gap. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "feeds/counter.h"

/* Increase and rate between two readings 10 s apart. */
static void test_rate_and_increase(void **state)
{
    (void)state;
    CounterState s = {0};
    double v = -1;
    assert_false(counter_step(&s, COUNTER_RATE, 100, 1000, &v)); /* first: nothing yet */
    assert_true(counter_step(&s, COUNTER_RATE, 150, 11000, &v));
    assert_true(v == 5.0); /* 50 in 10 s */
    CounterState t = {0};
    assert_false(counter_step(&t, COUNTER_INCREASE, 100, 1000, &v));
    assert_true(counter_step(&t, COUNTER_INCREASE, 150, 11000, &v));
    assert_true(v == 50.0);
    assert_true(counter_step(&t, COUNTER_INCREASE, 150, 21000, &v));
    assert_true(v == 0.0); /* no change is an increase of 0 */
}

/* A drop means the counter restarted from 0: the increase is the new value. */
static void test_reset(void **state)
{
    (void)state;
    CounterState s = {0};
    double v;
    counter_step(&s, COUNTER_INCREASE, 1000, 0, &v);
    assert_true(counter_step(&s, COUNTER_INCREASE, 30, 5000, &v));
    assert_true(v == 30.0); /* not -970 */
    assert_true(counter_step(&s, COUNTER_INCREASE, 45, 10000, &v));
    assert_true(v == 15.0); /* counting on from the restart */
    CounterState r = {0};
    counter_step(&r, COUNTER_RATE, 1000, 0, &v);
    assert_true(counter_step(&r, COUNTER_RATE, 0, 2000, &v));
    assert_true(v == 0.0); /* restarted and nothing counted yet */
}

/* A gap (reset), a non-finite reading or no time passing gives no value. */
static void test_gap_and_oddities(void **state)
{
    (void)state;
    CounterState s = {0};
    double v;
    counter_step(&s, COUNTER_RATE, 10, 0, &v);
    counter_reset(&s); /* a failed poll */
    assert_false(counter_step(&s, COUNTER_RATE, 20, 1000, &v));
    assert_true(counter_step(&s, COUNTER_RATE, 30, 2000, &v));
    assert_true(v == 10.0);
    assert_false(counter_step(&s, COUNTER_RATE, NAN, 3000, &v));
    assert_false(counter_step(&s, COUNTER_RATE, 40, 4000, &v)); /* starts over after NaN */
    assert_false(counter_step(&s, COUNTER_RATE, 50, 4000, &v)); /* same instant */
    assert_true(counter_step(&s, COUNTER_RATE, 60, 5000, &v));
    assert_true(v == 10.0);
}

/* counter_apply: pending on the first reading, scale and offset on the rate,
 * a KPI without a value resets its counter. */
static void test_apply(void **state)
{
    (void)state;
    CfgKpi k = {.counter = COUNTER_RATE, .scale = 8, .offset = 0};
    CounterState s = {0};
    KpiValue v = {.has_value = true, .value = 1000};
    counter_apply(&k, &s, &v, 0);
    assert_false(v.has_value);
    assert_true(v.pending);
    assert_string_equal(v.error, "counter: no value until the second poll");
    v = (KpiValue){.has_value = true, .value = 3000};
    counter_apply(&k, &s, &v, 1000);
    assert_true(v.has_value);
    assert_false(v.pending);
    assert_true(v.value == 16000.0); /* 2000 bytes/s as bits/s */
    v = (KpiValue){.has_value = false};
    strcpy(v.error, "0 series matched");
    counter_apply(&k, &s, &v, 2000);
    assert_false(v.pending);
    assert_string_equal(v.error, "0 series matched");
    v = (KpiValue){.has_value = true, .value = 4000};
    counter_apply(&k, &s, &v, 3000);
    assert_true(v.pending); /* the gap restarted it */
    CfgKpi plain = {.counter = COUNTER_NONE, .scale = 1};
    v = (KpiValue){.has_value = true, .value = 7};
    counter_apply(&plain, &s, &v, 4000);
    assert_true(v.has_value && v.value == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_and_increase),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_gap_and_oddities),
        cmocka_unit_test(test_apply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
