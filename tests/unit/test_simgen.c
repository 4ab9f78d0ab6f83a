/* test_simgen.c - the simulator's value generators: determinism, bounds,
 * daily peaks in local time, step/ramp/sequence timing, options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "sim/sim_gen.h"
#include "sim/sim_time.h"

/* 2025-03-26T00:00:00Z, a Wednesday. */
#define T0   1742947200000LL
#define MIN  60000LL
#define HOUR 3600000LL

static SimGenCtx ctx_at(uint64_t key)
{
    SimGenCtx c = {.key = key, .start_ms = T0, .tz_offset_s = 7 * 3600};
    return c;
}

/* Same seed, endpoint, name and time give the same value, whatever came before. */
static void test_deterministic(void **state)
{
    (void)state;
    SimGen g;
    sim_gen_init(&g);
    g.kind = SIM_GEN_WALK;
    g.u.walk.mean = 50;
    g.u.walk.step = 2;
    g.u.walk.reversion = 0.05;
    g.u.walk.interval_ms = MIN;
    g.noise = 1;
    SimGenCtx c = ctx_at(sim_gen_key(42, "/a", "x"));
    int64_t t = T0 + 5 * HOUR + 1234;
    double first = sim_gen_eval(&g, &c, t);
    for (int i = 0; i < 100; i++)
        sim_gen_eval(&g, &c, T0 + i * 7919); /* unrelated "requests" in between */
    assert_true(sim_gen_eval(&g, &c, t) == first);
    SimGenCtx c2 = ctx_at(sim_gen_key(42, "/a", "x"));
    assert_true(sim_gen_eval(&g, &c2, t) == first);
    /* Another seed, endpoint or name gives another stream. */
    int differ_seed = 0, differ_name = 0, differ_path = 0;
    for (int i = 0; i < 20; i++) {
        int64_t ti = T0 + i * HOUR;
        double v = sim_gen_eval(&g, &c, ti);
        SimGenCtx a = ctx_at(sim_gen_key(43, "/a", "x"));
        SimGenCtx b = ctx_at(sim_gen_key(42, "/a", "y"));
        SimGenCtx d = ctx_at(sim_gen_key(42, "/b", "x"));
        differ_seed += sim_gen_eval(&g, &a, ti) != v;
        differ_name += sim_gen_eval(&g, &b, ti) != v;
        differ_path += sim_gen_eval(&g, &d, ti) != v;
    }
    assert_true(differ_seed > 15 && differ_name > 15 && differ_path > 15);
}

/* A walk stays within mean +- step/reversion, moves, and is clamped by min/max. */
static void test_walk_bounds(void **state)
{
    (void)state;
    SimGen g;
    sim_gen_init(&g);
    g.kind = SIM_GEN_WALK;
    g.u.walk.mean = 100;
    g.u.walk.step = 1;
    g.u.walk.reversion = 0.05;
    g.u.walk.interval_ms = MIN;
    SimGenCtx c = ctx_at(7);
    double lo = 1e9, hi = -1e9, sum = 0, sq = 0;
    int n = 5000;
    for (int i = 0; i < n; i++) {
        double v = sim_gen_eval(&g, &c, T0 + i * MIN);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
        sum += v;
        sq += v * v;
    }
    double mean = sum / n, sd = sqrt(sq / n - mean * mean);
    assert_true(lo >= 80 && hi <= 120);
    assert_true(sd > 0.8 && sd < 4); /* AR(1): about 0.577/sqrt(1-0.95^2) = 1.85 */
    assert_float_equal(mean, 100, 1.5);
    /* Between ticks it moves in a straight line. */
    double a = sim_gen_eval(&g, &c, T0), b = sim_gen_eval(&g, &c, T0 + MIN);
    assert_float_equal(sim_gen_eval(&g, &c, T0 + MIN / 2), (a + b) / 2, 1e-9);
    g.has_min = g.has_max = true;
    g.min = 99;
    g.max = 101;
    for (int i = 0; i < 2000; i++) {
        double v = sim_gen_eval(&g, &c, T0 + i * MIN);
        assert_true(v >= 99 && v <= 101);
    }
}

/* Returns the local hour (scenario timezone +07:00) of g's maximum on one day. */
static double peak_hour(const SimGen *g, int64_t day_start_utc)
{
    SimGenCtx c = ctx_at(1);
    double best = -1e9, at = -1;
    for (int m = 0; m < 24 * 60; m++) {
        int64_t t = day_start_utc + m * MIN;
        double v = sim_gen_eval(g, &c, t);
        if (v > best) {
            best = v;
            at = (double)sim_time_mod(t / MIN + 7 * 60, 24 * 60) / 60.0;
        }
    }
    return at;
}

/* Daily cycles peak at the given local hour, and weekends scale the cycle. */
static void test_daily(void **state)
{
    (void)state;
    SimGen g;
    sim_gen_init(&g);
    g.kind = SIM_GEN_DAILY;
    g.u.daily.base = 10;
    g.u.daily.amplitude = 50;
    g.u.daily.cosine = true;
    g.u.daily.npeaks = 1;
    g.u.daily.peaks[0] = 14;
    g.u.daily.weekend = 1;
    assert_float_equal(peak_hour(&g, T0), 14.0, 1e-9);
    SimGenCtx c = ctx_at(1);
    /* 14:00 local = 07:00 UTC: base + amplitude; 02:00 local: base - amplitude. */
    assert_float_equal(sim_gen_eval(&g, &c, T0 + 7 * HOUR), 60, 1e-9);
    assert_float_equal(sim_gen_eval(&g, &c, T0 + 19 * HOUR), -40, 1e-9);

    /* Two rush-hour bumps: highest at 7:30 or 18:00, low at night. */
    g.u.daily.cosine = false;
    g.u.daily.npeaks = 2;
    g.u.daily.peaks[0] = 7.5;
    g.u.daily.peaks[1] = 18;
    g.u.daily.width_h = 1.5;
    double h = peak_hour(&g, T0);
    assert_true(fabs(h - 7.5) < 1e-9 || fabs(h - 18) < 1e-9);
    int64_t local_7_30 = T0 + 30 * MIN; /* 07:30 local = 00:30 UTC */
    int64_t local_18 = T0 + 11 * HOUR;  /* 18:00 local */
    int64_t local_3 = T0 + 20 * HOUR;   /* 03:00 local next day */
    assert_float_equal(sim_gen_eval(&g, &c, local_7_30), 60, 1e-9);
    assert_float_equal(sim_gen_eval(&g, &c, local_18), 60, 1e-9);
    assert_true(sim_gen_eval(&g, &c, local_3) < 11);

    /* Saturday 2025-03-29: the cycle is scaled by weekend. */
    g.u.daily.weekend = 0.2;
    int64_t sat = T0 + 3 * 24 * HOUR;
    assert_float_equal(sim_gen_eval(&g, &c, sat + 11 * HOUR), 10 + 50 * 0.2, 1e-9);
    assert_float_equal(sim_gen_eval(&g, &c, T0 + 11 * HOUR), 60, 1e-9); /* Wednesday */
    /* The timezone moves the peak: at UTC the bump is at 18:00 UTC. */
    c.tz_offset_s = 0;
    assert_float_equal(sim_gen_eval(&g, &c, T0 + 18 * HOUR), 60, 1e-9);
}

typedef struct {
    int64_t rel_ms;
    double want;
} TimeCase;

/* Step, ramp and sequence change at the right sim times. */
static void test_step_ramp_sequence(void **state)
{
    (void)state;
    SimGenCtx c = ctx_at(1);
    SimGen g;
    sim_gen_init(&g);
    g.kind = SIM_GEN_STEP;
    g.u.change.from = 3;
    g.u.change.to = 12;
    g.u.change.at.ms = 10 * MIN;
    const TimeCase step[] = {{0, 3}, {10 * MIN - 1, 3}, {10 * MIN, 12}, {99 * HOUR, 12}};
    for (size_t i = 0; i < sizeof(step) / sizeof(step[0]); i++)
        assert_float_equal(sim_gen_eval(&g, &c, T0 + step[i].rel_ms), step[i].want, 1e-9);

    g.kind = SIM_GEN_RAMP;
    g.u.change.from = 10;
    g.u.change.to = 20;
    g.u.change.at.ms = MIN;
    g.u.change.for_ms = 10 * MIN;
    const TimeCase ramp[] = {{-HOUR, 10}, {MIN, 10}, {6 * MIN, 15}, {11 * MIN, 20}, {HOUR, 20}};
    for (size_t i = 0; i < sizeof(ramp) / sizeof(ramp[0]); i++)
        assert_float_equal(sim_gen_eval(&g, &c, T0 + ramp[i].rel_ms), ramp[i].want, 1e-9);

    /* An absolute time does not depend on the sim start. */
    g.kind = SIM_GEN_STEP;
    g.u.change.at = (SimWhen){.ms = T0 + HOUR, .absolute = true};
    c.start_ms = T0 + 50 * HOUR;
    assert_float_equal(sim_gen_eval(&g, &c, T0 + HOUR - 1), 10, 1e-9);
    assert_float_equal(sim_gen_eval(&g, &c, T0 + HOUR), 20, 1e-9);
    c.start_ms = T0;

    double values[] = {1, 5, 2};
    int64_t holds[] = {MIN, MIN, 2 * MIN};
    sim_gen_init(&g);
    g.kind = SIM_GEN_SEQUENCE;
    g.u.seq.values = values;
    g.u.seq.hold_ms = holds;
    g.u.seq.n = 3;
    g.u.seq.repeat = true;
    g.u.seq.at.ms = MIN;
    const TimeCase seq[] = {{0, 1},           {MIN, 1},         {2 * MIN - 1, 1}, {2 * MIN, 5},
                            {3 * MIN, 2},     {5 * MIN - 1, 2}, {5 * MIN, 1},     {6 * MIN, 5},
                            {7 * MIN + 1, 2}, {9 * MIN, 1}};
    for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
        assert_float_equal(sim_gen_eval(&g, &c, T0 + seq[i].rel_ms), seq[i].want, 1e-9);
    g.u.seq.repeat = false;
    assert_float_equal(sim_gen_eval(&g, &c, T0 + 5 * MIN), 2, 1e-9);
    assert_float_equal(sim_gen_eval(&g, &c, T0 + 99 * HOUR), 2, 1e-9);
}

/* Noise stays within +-noise, holds for a sim second, and varies across seconds. */
static void test_noise_and_rounding(void **state)
{
    (void)state;
    SimGen g;
    sim_gen_init(&g);
    g.u.constant.value = 50;
    g.noise = 2;
    SimGenCtx c = ctx_at(99);
    int distinct = 0;
    double prev = NAN;
    for (int i = 0; i < 1000; i++) {
        double v = sim_gen_eval(&g, &c, T0 + i * 1000);
        assert_true(v >= 48 && v <= 52);
        assert_true(sim_gen_eval(&g, &c, T0 + i * 1000 + 999) == v);
        distinct += v != prev;
        prev = v;
    }
    assert_true(distinct > 900);

    sim_gen_init(&g);
    g.u.constant.value = 1.23456;
    g.decimals = 2;
    assert_float_equal(sim_gen_eval(&g, &c, T0), 1.23, 1e-12);
    g.integer = true;
    assert_float_equal(sim_gen_eval(&g, &c, T0), 1, 1e-12);
    g.u.constant.value = -0.2; /* rounds to 0, never -0 */
    assert_false(signbit(sim_gen_eval(&g, &c, T0)));
}

/* add: sums its parts; each part has its own options and stream. */
static void test_add(void **state)
{
    (void)state;
    SimGen g;
    sim_gen_init(&g);
    g.kind = SIM_GEN_ADD;
    g.u.add.parts = calloc(3, sizeof(SimGen));
    assert_non_null(g.u.add.parts);
    g.u.add.n = 3;
    for (int i = 0; i < 3; i++)
        sim_gen_init(&g.u.add.parts[i]);
    g.u.add.parts[0].u.constant.value = 40;
    g.u.add.parts[1].kind = SIM_GEN_STEP;
    g.u.add.parts[1].u.change.to = 5;
    g.u.add.parts[1].u.change.at.ms = HOUR;
    g.u.add.parts[2].u.constant.value = 0;
    g.u.add.parts[2].noise = 1;
    g.max = 44;
    g.has_max = true;
    SimGenCtx c = ctx_at(5);
    for (int i = 0; i < 100; i++) {
        double before = sim_gen_eval(&g, &c, T0 + i * 1000);
        assert_true(before >= 39 && before <= 41);
        double after = sim_gen_eval(&g, &c, T0 + HOUR + i * 1000);
        assert_true(after >= 43.999 && after <= 44); /* 45 +- 1, clamped at 44 */
    }
    sim_gen_done(&g);
    assert_int_equal(g.kind, SIM_GEN_CONSTANT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_walk_bounds),
        cmocka_unit_test(test_daily),
        cmocka_unit_test(test_step_ramp_sequence),
        cmocka_unit_test(test_noise_and_rounding),
        cmocka_unit_test(test_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
