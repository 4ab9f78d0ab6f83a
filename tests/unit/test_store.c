/* test_store.c - unit tests of the time-series store (ioc/store.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rawring.h"
#include "core/store.h"

#define MIN_MS  60000LL
#define HOUR_MS 3600000LL
#define T0      1700000000000LL /* an hour boundary: 2023-11-14T22:13:20Z is not, so align */
#define T0H     (T0 - T0 % HOUR_MS)

/* A spec with the given raw capacity and up to two levels. */
static StoreSpec spec2(uint32_t raw, int64_t w0, uint32_t c0, int64_t w1, uint32_t c1)
{
    StoreSpec sp;
    memset(&sp, 0, sizeof(sp));
    sp.raw_capacity = raw;
    sp.levels = w1 ? 2 : w0 ? 1 : 0;
    sp.level[0].width_ms = w0;
    sp.level[0].capacity = c0;
    sp.level[1].width_ms = w1;
    sp.level[1].capacity = c1;
    return sp;
}

/* A store with one series "s" of the given spec; returns it, id is 0. */
static Store *one(const StoreSpec *sp)
{
    Store *s = store_new();
    assert_non_null(s);
    StoreError err;
    assert_int_equal(store_add(s, "s", sp, &err), 0);
    return s;
}

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t rng_next(uint64_t *st)
{
    *st ^= *st >> 12;
    *st ^= *st << 25;
    *st ^= *st >> 27;
    return *st * 2685821657736338717ull;
}

/* Uniform integer in [lo, hi]. */
static int64_t rng_range(uint64_t *st, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(st) % (uint64_t)(hi - lo + 1));
}

/* ---- series creation and lookup ---- */

static void test_add_find(void **state)
{
    (void)state;
    Store *s = store_new();
    StoreError err;
    char key[64];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof(key), "feed%d.kpi%d", i / 10, i % 10);
        assert_int_equal(store_add(s, key, NULL, &err), i);
    }
    assert_int_equal(store_count(s), 1000);
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof(key), "feed%d.kpi%d", i / 10, i % 10);
        assert_int_equal(store_find(s, key), i);
        assert_string_equal(store_key(s, i), key);
    }
    assert_int_equal(store_find(s, "feed1.kpi10"), -1);
    assert_null(store_key(s, 1000));
    assert_null(store_key(s, -1));

    assert_int_equal(store_add(s, "feed0.kpi3", NULL, &err), -1);
    assert_string_equal(err.msg, "duplicate series key 'feed0.kpi3'");
    assert_int_equal(store_add(s, "", NULL, &err), -1);
    assert_string_equal(err.msg, "empty series key: expected feed_id.kpi_id");
    char longkey[STORE_KEY_MAX + 2];
    memset(longkey, 'k', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    assert_int_equal(store_add(s, longkey, NULL, &err), -1);
    assert_string_equal(err.msg, "series key is 128 bytes long: expected at most 127");
    longkey[STORE_KEY_MAX] = '\0';
    assert_int_equal(store_add(s, longkey, NULL, NULL), 1000);

    /* Small rings at first: under 1 KiB a series, far below the bound (plus
     * the store's one cache of decoded raw chunks). */
    StoreSpec def = store_spec_default();
    assert_true(store_memory(s) < 1001 * 1024 + sizeof(RawCache));
    assert_true(store_memory(s) < 1001 * store_series_bytes(&def) / 100 + sizeof(RawCache));
    assert_int_equal(store_append(s, 1001, 0, 1.0), STORE_EINVAL);
    assert_int_equal(store_append(s, -1, 0, 1.0), STORE_EINVAL);
    store_free(s);
    store_free(NULL);
}

static void test_spec_check(void **state)
{
    (void)state;
    static const struct {
        StoreSpec sp;
        const char *msg; /* NULL: valid */
    } cases[] = {
        {{1024, 2, {{60000, 1500}, {3600000, 840}}}, NULL},
        {{2, 0, {{0, 0}}}, NULL},
        {{1, 0, {{0, 0}}}, "raw capacity 1 out of range: expected 2..16777216 samples"},
        {{8, 5, {{0, 0}}}, "5 rollup levels: expected 0..4"},
        {{8, 1, {{0, 10}}}, "rollup level 1: width 0 ms out of range: expected 1..2147483647 ms"},
        {{8, 1, {{2147483648LL, 10}}},
         "rollup level 1: width 2147483648 ms out of range: expected 1..2147483647 ms"},
        {{8, 1, {{1000, 0}}},
         "rollup level 1: capacity 0 out of range: expected 1..16777216 buckets"},
        {{8, 2, {{60000, 10}, {90000, 10}}},
         "rollup level 2: width 90000 ms must be a larger multiple of level 1's 60000 ms"},
        {{8, 2, {{60000, 10}, {60000, 10}}},
         "rollup level 2: width 60000 ms must be a larger multiple of level 1's 60000 ms"},
        {{8, 2, {{60000, 1000}, {3600000, 10}}},
         "rollup level 2 keeps less time than level 1: expected coarser levels to keep at "
         "least as long"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        StoreError err = {{0}};
        bool ok = store_spec_check(&cases[i].sp, &err);
        assert_int_equal(ok, cases[i].msg == NULL);
        if (cases[i].msg) {
            assert_string_equal(err.msg, cases[i].msg);
            assert_int_equal(store_series_bytes(&cases[i].sp), 0);
            Store *s = store_new();
            assert_int_equal(store_add(s, "x", &cases[i].sp, &err), -1);
            assert_string_equal(err.msg, cases[i].msg);
            store_free(s);
        }
    }
    /* the default: 1024 raw samples (at most 16 bytes each, chunks that do not
     * compress kept plain, and their bookkeeping) + 2340 buckets of 64 bytes +
     * header */
    StoreSpec def = store_spec_default();
    size_t b = store_series_bytes(&def);
    assert_true(b >= rawring_bound(1024) + 2340 * 64);
    assert_true(b <= rawring_bound(1024) + 2340 * 64 + 1024);
    assert_true(rawring_bound(1024) <= 1024 * 16 * 5 / 4);
}

/* ---- memory grows with the history held ---- */

/* A default series fed once a second: under 4 KiB after its first minute,
 * growing as its rings fill, never past store_series_bytes(); its answers
 * across every growth step equal those of a series made full-size (one fed
 * the same samples after being grown by a sample far in the past). */
static void test_memory_grows_with_use(void **state)
{
    (void)state;
    Store *s = store_new();
    assert_int_equal(store_add(s, "lazy.kpi", NULL, NULL), 0);
    assert_int_equal(store_add(s, "full.kpi", NULL, NULL), 1);
    size_t empty = store_memory(s);
    StoreSpec def = store_spec_default();
    size_t bound = store_series_bytes(&def);
    /* Series 1 first gets one sample 40 days back and one now: every level
     * wraps, so all its rings are full size from then on. */
    const int64_t t0 = 1764000000000LL;
    assert_int_equal(store_append(s, 1, t0 - 40LL * 24 * HOUR_MS, 1.0), STORE_OK);
    size_t before = store_memory(s);
    for (int i = 0; i < 60; i++)
        assert_int_equal(store_append(s, 0, t0 + i * 1000LL, (double)(i % 7)), STORE_OK);
    size_t minute = store_memory(s) - before;
    assert_true(minute < 4096);
    assert_true(empty < 2 * 1024 + 512 + sizeof(RawCache)); /* two series, the tables, the cache */
    for (int i = 0; i < 60; i++)
        assert_int_equal(store_append(s, 1, t0 + i * 1000LL, (double)(i % 7)), STORE_OK);
    /* Three hours at 1 s, with a silence of 20 minutes in the middle. */
    for (int64_t i = 60; i < 3 * 3600; i++) {
        if (i > 4000 && i < 5200) continue;
        double v = (i % 97 == 0) ? NAN : (double)((i * 31) % 101);
        assert_int_equal(store_append(s, 0, t0 + i * 1000, v), STORE_OK);
        assert_int_equal(store_append(s, 1, t0 + i * 1000, v), STORE_OK);
    }
    size_t lazy = store_memory(s);
    assert_true(lazy - before < 2 * bound);
    for (int64_t from = t0; from < t0 + 3 * HOUR_MS; from += 7 * MIN_MS + 1234) {
        StoreStats a, b;
        bool ha = store_stats(s, 0, from, from + 25 * MIN_MS, &a);
        bool hb = store_stats(s, 1, from, from + 25 * MIN_MS, &b);
        assert_int_equal(ha, hb);
        if (!ha) continue;
        assert_int_equal(a.count, b.count);
        assert_true(a.min == b.min && a.max == b.max && a.sum == b.sum);
        StoreAsOf sa, sb;
        assert_int_equal(store_asof(s, 0, from, &sa), store_asof(s, 1, from, &sb));
        assert_int_equal(sa.ts_ms, sb.ts_ms);
        assert_int_equal(sa.gap, sb.gap);
    }
    store_free(s);
}

/* ---- appends: codes, duplicates, out of order ---- */

static void test_append_codes(void **state)
{
    (void)state;
    StoreSpec sp = spec2(4, MIN_MS, 10, 0, 0);
    Store *s = one(&sp);
    static const struct {
        int64_t ts;
        double v;
        StoreRc rc;
        int64_t last_ts; /* newest sample after the append */
        double last_v;
    } steps[] = {
        {1000, 1.0, STORE_OK, 1000, 1.0},
        {2000, 2.0, STORE_OK, 2000, 2.0},
        {2000, 5.0, STORE_REPLACED, 2000, 5.0},
        {1999, 9.0, STORE_EOLD, 2000, 5.0},
        {1000, 9.0, STORE_EOLD, 2000, 5.0},
        {3000, INFINITY, STORE_EINVAL, 2000, 5.0},
        {3000, -INFINITY, STORE_EINVAL, 2000, 5.0},
        {STORE_TS_LIMIT + 1, 1.0, STORE_EINVAL, 2000, 5.0},
        {3000, 3.0, STORE_OK, 3000, 3.0},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        assert_int_equal(store_append(s, 0, steps[i].ts, steps[i].v), steps[i].rc);
        Sample last;
        assert_true(store_last(s, 0, &last));
        assert_int_equal(last.ts_ms, steps[i].last_ts);
        assert_float_equal(last.value, steps[i].last_v, 0);
    }
    StoreStats st;
    assert_true(store_stats(s, 0, 0, 10000, &st));
    assert_int_equal(st.count, 3);
    assert_float_equal(st.sum, 9.0, 1e-12); /* 1 + 5 (replaced 2) + 3 */
    store_free(s);
}

/* A replaced newest sample must leave every rollup exact, even when the
 * replaced value was the bucket's min or max. */
static void test_duplicate_keeps_rollups_exact(void **state)
{
    (void)state;
    StoreSpec sp = spec2(2, MIN_MS, 10, HOUR_MS, 2);
    Store *s = one(&sp);
    assert_int_equal(store_append(s, 0, 1000, 10.0), STORE_OK);
    assert_int_equal(store_append(s, 0, 2000, -50.0), STORE_OK);
    assert_int_equal(store_append(s, 0, 2000, 20.0), STORE_REPLACED); /* min was -50 */
    assert_int_equal(store_append(s, 0, 2000, NAN), STORE_REPLACED);  /* now a gap */
    assert_int_equal(store_append(s, 0, 2000, 30.0), STORE_REPLACED); /* value again */
    assert_int_equal(store_append(s, 0, 3000, 15.0), STORE_OK);
    assert_int_equal(store_append(s, 0, 4000, 12.0), STORE_OK);
    assert_int_equal(store_append(s, 0, 70000, 1.0), STORE_OK); /* push all into rollups */
    assert_int_equal(store_append(s, 0, 80000, 1.0), STORE_OK);
    StoreStats st;
    assert_true(store_stats(s, 0, 0, MIN_MS - 1, &st)); /* one whole bucket */
    assert_true(st.exact);
    assert_int_equal(st.count, 4);
    assert_int_equal(st.gaps, 0);
    assert_float_equal(st.min, 10.0, 0);
    assert_float_equal(st.max, 30.0, 0);
    assert_float_equal(st.sum, 67.0, 1e-12);
    assert_int_equal(st.last.ts_ms, 4000);
    assert_true(st.reads <= 2);
    store_free(s);
}

static void test_last_value_skips_gaps(void **state)
{
    (void)state;
    StoreSpec sp = spec2(4, MIN_MS, 10, 0, 0);
    Store *s = one(&sp);
    Sample sm;
    assert_false(store_last(s, 0, &sm));
    assert_false(store_last_value(s, 0, &sm));
    store_append(s, 0, 1000, 1.0);
    store_append(s, 0, 2000, 2.0);
    store_append(s, 0, 3000, NAN);
    assert_true(store_last(s, 0, &sm));
    assert_true(isnan(sm.value));
    assert_int_equal(sm.ts_ms, 3000);
    assert_true(store_last_value(s, 0, &sm));
    assert_int_equal(sm.ts_ms, 2000);
    store_append(s, 0, 4000, 4.0);
    store_append(s, 0, 4000, NAN); /* the value at 4000 becomes a gap */
    assert_true(store_last_value(s, 0, &sm));
    assert_int_equal(sm.ts_ms, 2000);
    assert_float_equal(sm.value, 2.0, 0);
    store_append(s, 0, 4000, 7.0);
    assert_true(store_last_value(s, 0, &sm));
    assert_int_equal(sm.ts_ms, 4000);
    store_append(s, 0, 4000, NAN);
    assert_true(store_last_value(s, 0, &sm));
    assert_int_equal(sm.ts_ms, 2000);
    store_free(s);
}

/* ---- ring wrap-around ---- */

static void test_ring_wraparound(void **state)
{
    (void)state;
    StoreSpec sp = spec2(8, MIN_MS, 4, HOUR_MS, 4);
    Store *s = one(&sp);
    /* 1000 samples, one per second: the raw ring keeps 8, minutes keep 4 */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(store_append(s, 0, T0H + i * 1000LL, (double)i), STORE_OK);
    Sample last;
    assert_true(store_last(s, 0, &last));
    assert_int_equal(last.ts_ms, T0H + 999000);
    assert_float_equal(last.value, 999.0, 0);

    StoreAsOf a;
    assert_true(store_asof(s, 0, T0H + 995500, &a)); /* in the raw ring */
    assert_int_equal(a.res_ms, 0);
    assert_float_equal(a.value, 995.0, 0);

    StoreStats st;
    assert_true(store_stats(s, 0, T0H + 993000, T0H + 999000, &st)); /* all raw */
    assert_true(st.exact);
    assert_int_equal(st.count, 7);
    assert_float_equal(st.sum, 993 + 994 + 995 + 996 + 997 + 998 + 999, 1e-9);

    /* the whole hour is still in the hourly ring */
    assert_true(store_stats(s, 0, T0H, T0H + HOUR_MS - 1, &st));
    assert_true(st.exact);
    assert_int_equal(st.count, 1000);
    assert_float_equal(st.sum, 999.0 * 1000 / 2, 1e-6);
    assert_float_equal(st.min, 0, 0);
    assert_float_equal(st.max, 999, 0);

    /* an edge inside an early minute that only the hour level holds */
    assert_true(store_stats(s, 0, T0H + 30000, T0H + HOUR_MS - 1, &st));
    assert_false(st.exact);
    assert_int_equal(st.count, 1000); /* counted as the whole hour bucket */

    /* a minute-aligned edge the minute ring still holds: exact */
    assert_true(store_stats(s, 0, T0H + 780000, T0H + 999000, &st));
    assert_int_equal(st.count, 220);
    assert_true(st.exact);
    assert_float_equal(st.first.value, 780, 0);
    /* an edge 1 ms before a minute's last sample, older than the raw ring */
    assert_true(store_stats(s, 0, T0H + 780000, T0H + 838999, &st));
    assert_false(st.exact);
    assert_int_equal(st.count, 60);
    assert_true(store_stats(s, 0, T0H + 780000, T0H + 839000, &st));
    assert_true(st.exact);
    assert_int_equal(st.count, 60);
    /* inside that minute, older than the raw ring: the whole minute counts */
    assert_true(store_stats(s, 0, T0H + 800000, T0H + 999000, &st));
    assert_int_equal(st.count, 220);
    assert_false(st.exact);
    store_free(s);
}

/* Windows reaching back past what the series keeps say so. */
static void test_retention(void **state)
{
    (void)state;
    StoreSpec sp = spec2(4, MIN_MS, 5, 0, 0); /* 5 minutes of minute buckets */
    Store *s = one(&sp);
    for (int i = 0; i < 60; i++) /* 10 minutes, one sample every 10 s */
        store_append(s, 0, i * 10000LL, (double)i);
    StoreStats st;
    assert_true(store_stats(s, 0, 0, 599999, &st));
    assert_false(st.exact);
    assert_int_equal(st.count, 30); /* only minutes 5..9 are kept */
    assert_float_equal(st.first.value, 30, 0);
    assert_true(store_stats(s, 0, 300000, 599999, &st));
    assert_true(st.exact);
    assert_int_equal(st.count, 30);
    StoreAsOf a;
    assert_false(store_asof(s, 0, 100000, &a)); /* no longer retained */
    assert_false(a.gap);
    /* raw only: what fell out of the ring is gone */
    StoreSpec rawonly = spec2(4, 0, 0, 0, 0);
    Store *r = one(&rawonly);
    for (int i = 0; i < 10; i++)
        store_append(r, 0, i * 1000LL, (double)i);
    assert_true(store_stats(r, 0, 0, 9000, &st));
    assert_false(st.exact);
    assert_int_equal(st.count, 4);
    assert_true(store_stats(r, 0, 5001, 9000, &st));
    assert_true(st.exact);
    assert_int_equal(st.count, 4);
    StorePoint pts[10];
    assert_int_equal(store_chart(r, 0, 0, 9999, pts, 10), 0);
    assert_int_equal(pts[5].flags, 0);
    assert_int_equal(pts[6].flags, STORE_PT_VALUE);
    store_free(r);
    store_free(s);
}

/* A feed silent for 20 days then back: queries over the silence read only
 * buckets that hold data, and see the silence as no data. */
static void test_long_silence(void **state)
{
    (void)state;
    StoreSpec sp = spec2(2, MIN_MS, 1500, HOUR_MS, 840);
    Store *s = one(&sp);
    for (int i = 0; i < 60; i++)
        store_append(s, 0, T0H + i * MIN_MS, 1.0);
    int64_t back = T0H + 20 * 24 * HOUR_MS;
    store_append(s, 0, back, 2.0);
    StoreStats st;
    assert_true(store_stats(s, 0, T0H, back, &st));
    assert_true(st.exact);
    assert_int_equal(st.count, 61);
    assert_true(st.reads < 10);
    StoreAsOf a;
    assert_true(store_asof(s, 0, back - 1, &a)); /* the last sample before the silence */
    assert_int_equal(a.ts_ms, T0H + 59 * MIN_MS);
    store_append(s, 0, back + 1000, 3.0); /* now that sample is only in rollups */
    assert_true(store_asof(s, 0, back - HOUR_MS, &a));
    assert_int_equal(a.ts_ms, T0H + 59 * MIN_MS);
    assert_int_equal(a.res_ms, 0);
    StorePoint pts[20];
    assert_int_equal(store_chart(s, 0, T0H, back + 1000, pts, 20), HOUR_MS);
    assert_int_equal(pts[0].flags, STORE_PT_VALUE);
    for (int c = 1; c < 19; c++)
        assert_int_equal(pts[c].flags, 0);
    assert_float_equal(pts[19].min, 2.0, 0);
    assert_float_equal(pts[19].last, 3.0, 0);
    store_free(s);
}

/* ---- bucket boundaries, negative timestamps ---- */

static void test_bucket_boundaries(void **state)
{
    (void)state;
    StoreSpec sp = spec2(2, MIN_MS, 100, HOUR_MS, 100);
    Store *s = one(&sp);
    static const int64_t ts[] = {
        -HOUR_MS - 1, -HOUR_MS, -MIN_MS - 1,    -MIN_MS,     -1,      0,          1,
        MIN_MS - 1,   MIN_MS,   2 * MIN_MS - 1, HOUR_MS - 1, HOUR_MS, HOUR_MS + 1};
    size_t n = sizeof(ts) / sizeof(ts[0]);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(store_append(s, 0, ts[i], (double)(i + 1)), STORE_OK);
    store_append(s, 0, 10 * HOUR_MS, 0); /* push the rest into the rollups */
    static const struct {
        int64_t from, to;
        uint64_t count;
        double sum;
    } win[] = {
        {-2 * HOUR_MS, -HOUR_MS - 1, 1, 1},  /* hour -2 holds only -HOUR_MS-1 */
        {-HOUR_MS, -1, 4, 2 + 3 + 4 + 5},    /* hour -1 */
        {-MIN_MS, -1, 2, 4 + 5},             /* minute -1 */
        {-2 * MIN_MS, -MIN_MS - 1, 1, 3},    /* minute -2 */
        {0, MIN_MS - 1, 3, 6 + 7 + 8},       /* minute 0 */
        {MIN_MS, 2 * MIN_MS - 1, 2, 9 + 10}, /* minute 1 */
        {0, HOUR_MS - 1, 6, 6 + 7 + 8 + 9 + 10 + 11},
        {HOUR_MS, 2 * HOUR_MS - 1, 2, 12 + 13},
        {-HOUR_MS, HOUR_MS - 1, 10, 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11},
    };
    for (size_t i = 0; i < sizeof(win) / sizeof(win[0]); i++) {
        StoreStats st;
        store_stats(s, 0, win[i].from, win[i].to, &st);
        assert_true(st.exact);
        assert_int_equal(st.count, win[i].count);
        assert_float_equal(st.sum, win[i].sum, 1e-9);
    }
    /* as-of exactly at an edge returns the sample at the edge */
    StoreAsOf a;
    assert_true(store_asof(s, 0, MIN_MS, &a));
    assert_int_equal(a.ts_ms, MIN_MS);
    assert_int_equal(a.res_ms, 0);
    assert_true(store_asof(s, 0, -HOUR_MS - 1, &a));
    assert_float_equal(a.value, 1, 0);
    assert_false(store_asof(s, 0, -HOUR_MS - 2, &a));
    assert_false(a.gap);
    store_free(s);
}

/* ---- gaps ---- */

static void test_gaps(void **state)
{
    (void)state;
    StoreSpec sp = spec2(4, MIN_MS, 100, HOUR_MS, 10);
    Store *s = one(&sp);
    /* minute 0: values; minute 1: only gaps; minute 2: value, gap, value */
    for (int i = 0; i < 6; i++)
        store_append(s, 0, T0H + i * 10000LL, 1.0 + i);
    for (int i = 6; i < 12; i++)
        store_append(s, 0, T0H + i * 10000LL, NAN);
    store_append(s, 0, T0H + 120000, 100.0);
    store_append(s, 0, T0H + 130000, NAN);
    store_append(s, 0, T0H + 140000, 200.0);
    for (int i = 0; i < 4; i++) /* push minute 2 out of the raw ring */
        store_append(s, 0, T0H + 600000 + i * 1000LL, 0.0);

    StoreStats st;
    assert_false(store_stats(s, 0, T0H + MIN_MS, T0H + 2 * MIN_MS - 1, &st));
    assert_int_equal(st.count, 0);
    assert_int_equal(st.gaps, 6);
    assert_true(isnan(st.avg));
    assert_true(store_stats(s, 0, T0H, T0H + 3 * MIN_MS - 1, &st));
    assert_int_equal(st.count, 8);
    assert_int_equal(st.gaps, 7);
    assert_float_equal(st.sum, 21 + 300, 1e-9); /* gaps are not zeros */
    {
        /* An overflowing sum gives no average (NaN), never +-Inf. */
        Store *o = one(&sp);
        store_append(o, 0, T0H, 1.7e308);
        store_append(o, 0, T0H + 1000, 1.7e308);
        StoreStats so;
        assert_true(store_stats(o, 0, T0H, T0H + 1000, &so));
        assert_int_equal(so.count, 2);
        assert_true(isnan(so.avg));
        assert_float_equal(so.max, 1.7e308, 0);
        store_free(o);
    }
    assert_float_equal(st.min, 1, 0);

    /* as-of inside the gap minute: from rollups, exact (its newest is a gap) */
    StoreAsOf a;
    assert_false(store_asof(s, 0, T0H + 119999, &a));
    assert_true(a.gap);
    assert_int_equal(a.ts_ms, T0H + 110000);
    /* inside minute 1, before its newest sample: the bucket holds only gaps */
    assert_false(store_asof(s, 0, T0H + 75000, &a));
    assert_true(a.gap);
    assert_int_equal(a.res_ms, MIN_MS);
    /* in minute 2, after the gap at 130 s but before 140 s: the bucket's last */
    assert_true(store_asof(s, 0, T0H + 135000, &a));
    assert_int_equal(a.res_ms, MIN_MS);
    assert_float_equal(a.value, 200, 0);
    /* at the last value of minute 0 */
    assert_true(store_asof(s, 0, T0H + 59999, &a));
    assert_int_equal(a.res_ms, 0);
    assert_float_equal(a.value, 6, 0);

    /* gap in the raw ring */
    store_append(s, 0, T0H + 700000, NAN);
    store_append(s, 0, T0H + 710000, 5.0);
    assert_false(store_asof(s, 0, T0H + 705000, &a));
    assert_true(a.gap);
    assert_int_equal(a.res_ms, 0);
    assert_int_equal(a.ts_ms, T0H + 700000);

    /* chart: one column per minute from rollups; minute 1 is a gap column */
    StorePoint pts[4];
    assert_int_equal(store_chart(s, 0, T0H, T0H + 4 * MIN_MS - 1, pts, 4), MIN_MS);
    assert_int_equal(pts[0].flags, STORE_PT_VALUE);
    assert_float_equal(pts[0].max, 6, 0);
    assert_int_equal(pts[1].flags, STORE_PT_GAP);
    assert_true(isnan(pts[1].min) && isnan(pts[1].max) && isnan(pts[1].last));
    assert_int_equal(pts[2].flags, STORE_PT_VALUE | STORE_PT_GAP);
    assert_float_equal(pts[2].last, 200, 0);
    assert_int_equal(pts[3].flags, 0); /* no data at all */
    store_free(s);
}

/* ---- window statistics vs brute force ---- */

typedef struct {
    Sample *v;
    size_t n;
} Ref;

/* Brute-force statistics over [from, to]. */
static void ref_stats(const Ref *r, int64_t from, int64_t to, StoreStats *o)
{
    memset(o, 0, sizeof(*o));
    for (size_t i = 0; i < r->n; i++) {
        const Sample *sm = &r->v[i];
        if (sm->ts_ms < from || sm->ts_ms > to) continue;
        if (isnan(sm->value)) {
            o->gaps++;
            continue;
        }
        if (o->count == 0) {
            o->min = o->max = sm->value;
            o->first = *sm;
        }
        if (sm->value < o->min) o->min = sm->value;
        if (sm->value > o->max) o->max = sm->value;
        o->sum += sm->value;
        o->last = *sm;
        o->count++;
    }
}

/* Brute-force as-of: index of the newest sample <= t, or -1. */
static long ref_asof(const Ref *r, int64_t t)
{
    long k = -1;
    for (size_t i = 0; i < r->n && r->v[i].ts_ms <= t; i++)
        k = (long)i;
    return k;
}

static void test_random_vs_brute_force(void **state)
{
    (void)state;
    StoreSpec sp = spec2(256, MIN_MS, 600, HOUR_MS, 200);
    Store *s = one(&sp);
    Ref r = {calloc(5000, sizeof(Sample)), 0};
    assert_non_null(r.v);
    uint64_t rng = 20240601;
    int64_t ts = -5 * HOUR_MS - 12345; /* crosses the epoch */
    int rejected = 0;
    for (int i = 0; i < 5000; i++) {
        int kind = (int)rng_range(&rng, 0, 99);
        double v = (double)rng_range(&rng, -1000, 1000) / 8.0;
        if (kind < 5) v = NAN;
        if (kind >= 95 && r.n > 0) { /* older: rejected */
            assert_int_equal(store_append(s, 0, ts - rng_range(&rng, 1, 5000), v), STORE_EOLD);
            rejected++;
            continue;
        }
        if (kind >= 90 && r.n > 0) { /* same ts: replaces */
            assert_int_equal(store_append(s, 0, ts, v), STORE_REPLACED);
            r.v[r.n - 1].value = v;
            continue;
        }
        ts += rng_range(&rng, 1, 90000);
        assert_int_equal(store_append(s, 0, ts, v), STORE_OK);
        r.v[r.n].ts_ms = ts;
        r.v[r.n].value = v;
        r.n++;
    }
    assert_true(rejected > 100);
    int64_t lo = r.v[0].ts_ms - HOUR_MS, hi = ts + HOUR_MS;
    int exact = 0;
    for (int q = 0; q < 3000; q++) {
        /* half the windows within the last 9 hours, a third minute-aligned */
        int64_t a = rng_range(&rng, q % 2 ? ts - 9 * HOUR_MS : lo, hi);
        int64_t b = rng_range(&rng, q % 2 ? ts - 9 * HOUR_MS : lo, hi);
        if (a > b) {
            int64_t t = a;
            a = b;
            b = t;
        }
        if (q % 3 == 0) {
            a -= a % MIN_MS;
            b = b - b % MIN_MS + MIN_MS - 1;
        }
        StoreStats got, want;
        bool has = store_stats(s, 0, a, b, &got);
        ref_stats(&r, a, b, &want);
        if (got.exact) {
            exact++;
            assert_int_equal(has, want.count > 0);
            assert_int_equal(got.count, want.count);
            assert_int_equal(got.gaps, want.gaps);
            if (want.count) {
                assert_float_equal(got.min, want.min, 0);
                assert_float_equal(got.max, want.max, 0);
                assert_float_equal(got.sum, want.sum, 1e-6);
                assert_float_equal(got.avg, want.sum / (double)want.count, 1e-9);
                assert_int_equal(got.first.ts_ms, want.first.ts_ms);
                assert_int_equal(got.last.ts_ms, want.last.ts_ms);
                assert_float_equal(got.first.value, want.first.value, 0);
                assert_float_equal(got.last.value, want.last.value, 0);
                StoreDelta d;
                bool dok = store_delta(s, 0, a, b, &d);
                assert_int_equal(dok, want.count >= 2);
                if (dok) {
                    assert_float_equal(d.delta, want.last.value - want.first.value, 1e-12);
                    assert_float_equal(
                        d.rate_per_s,
                        d.delta * 1000.0 / (double)(want.last.ts_ms - want.first.ts_ms), 1e-12);
                }
            }
        } else {
            /* inexact only by counting whole edge buckets: a superset */
            assert_true(got.count >= want.count);
            if (want.count) {
                assert_true(got.min <= want.min);
                assert_true(got.max >= want.max);
            }
        }
        /* an edge the raw ring still covers, or minute-aligned edges inside
         * the minute ring, must be exact */
        if (a >= r.v[r.n - 256].ts_ms) assert_true(got.exact);
        if (q % 3 == 0 && a >= ts - 590 * MIN_MS) assert_true(got.exact);
    }
    assert_true(exact > 1000);

    /* as-of against brute force */
    for (int q = 0; q < 3000; q++) {
        int64_t t = rng_range(&rng, lo, hi);
        StoreAsOf a;
        bool has = store_asof(s, 0, t, &a);
        long k = ref_asof(&r, t);
        if (k < 0) {
            assert_false(has);
            assert_false(a.gap);
            continue;
        }
        if (a.res_ms == 0) {
            assert_int_equal(a.ts_ms, r.v[k].ts_ms);
            assert_int_equal(has, !isnan(r.v[k].value));
            assert_int_equal(a.gap, isnan(r.v[k].value));
            if (has) assert_float_equal(a.value, r.v[k].value, 0);
        } else {
            /* the last value of the res_ms bucket holding t */
            int64_t b0 = t - ((t % a.res_ms) + a.res_ms) % a.res_ms;
            long lastv = -1;
            for (size_t i = 0; i < r.n; i++)
                if (r.v[i].ts_ms >= b0 && r.v[i].ts_ms < b0 + a.res_ms && !isnan(r.v[i].value))
                    lastv = (long)i;
            assert_true(t < r.v[r.n - 256].ts_ms); /* only older than the raw ring */
            if (lastv < 0) {
                assert_false(has);
                assert_true(a.gap);
            } else {
                assert_true(has);
                assert_float_equal(a.value, r.v[lastv].value, 0);
                assert_int_equal(a.ts_ms, r.v[lastv].ts_ms);
            }
        }
    }
    free(r.v);
    store_free(s);
}

/* A 24 h window over one sample per second reads buckets, not raw points. */
static void test_long_window_cost(void **state)
{
    (void)state;
    Store *s = one(NULL);
    int64_t n = 25 * 3600;
    for (int64_t i = 0; i < n; i++)
        store_append(s, 0, T0H + i * 1000, (double)(i % 1000));
    int64_t now = T0H + (n - 1) * 1000;
    StoreStats st;
    assert_true(store_stats(s, 0, now - 24 * HOUR_MS + 1, now, &st));
    assert_true(st.reads < 300);
    assert_true(st.count >= 86400 - 60 && st.count <= 86400 + 60);
    /* minute-aligned edges: exact */
    assert_true(store_stats(s, 0, T0H + HOUR_MS + 30 * MIN_MS, now, &st));
    assert_true(st.exact);
    assert_int_equal(st.count, n - 5400);
    assert_true(st.reads < 300);
    StorePoint pts[120];
    assert_int_equal(store_chart(s, 0, now - 24 * HOUR_MS + 1, now, pts, 120), MIN_MS);
    assert_int_equal(store_chart(s, 0, now - 24 * HOUR_MS + 1, now, pts, 80), MIN_MS);
    store_free(s);
}

/* ---- delta and rate ---- */

static void test_delta_rate(void **state)
{
    (void)state;
    Store *s = one(NULL);
    for (int i = 0; i <= 600; i++) /* 2 per second, one sample every 5 s */
        store_append(s, 0, T0H + i * 5000LL, 100.0 + 10.0 * i);
    StoreDelta d;
    assert_true(store_delta(s, 0, T0H, T0H + 600 * 5000LL, &d));
    assert_float_equal(d.delta, 6000, 1e-9);
    assert_float_equal(d.rate_per_s, 2.0, 1e-12);
    assert_true(d.exact);
    /* a window with a single sample has no change to measure */
    assert_false(store_delta(s, 0, T0H + 1, T0H + 5000, &d));
    assert_true(isnan(d.rate_per_s));
    /* a falling series gives a negative rate; gaps do not count */
    Store *s2 = one(NULL);
    store_append(s2, 0, 0, 50.0);
    store_append(s2, 0, 10000, NAN);
    store_append(s2, 0, 20000, 30.0);
    store_append(s2, 0, 30000, NAN);
    assert_true(store_delta(s2, 0, 0, 40000, &d));
    assert_float_equal(d.delta, -20, 0);
    assert_float_equal(d.rate_per_s, -1.0, 1e-12);
    store_free(s2);
    store_free(s);
}

/* ---- as-of falling back to rollups ---- */

static void test_asof_rollup_fallback(void **state)
{
    (void)state;
    StoreAsOf a;
    /* one sample every 10 s for 10 min, value = seconds; raw keeps 4 */
    StoreSpec sp = spec2(4, MIN_MS, 100, HOUR_MS, 100);
    Store *s = one(&sp);
    for (int i = 0; i <= 60; i++)
        store_append(s, 0, i * 10000LL, (double)(i * 10));
    static const struct {
        int64_t t;
        bool has;
        double value;
        int64_t ts, res;
    } cases[] = {
        {600000, true, 600, 600000, 0},      /* newest */
        {575000, true, 570, 570000, 0},      /* raw */
        {565000, true, 560, 560000, 0},      /* the sample just pushed out of the ring */
        {555000, true, 590, 590000, MIN_MS}, /* inside minute 9: its last */
        {59999, true, 50, 50000, 0},         /* after minute 0's newest: exact */
        {0, true, 0, 0, 0},                  /* first sample */
        {-1, false, NAN, 0, 0},              /* before all data */
        {INT64_MIN, false, NAN, 0, 0},
        {INT64_MAX, true, 600, 600000, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(store_asof(s, 0, cases[i].t, &a), cases[i].has);
        assert_false(a.gap);
        if (!cases[i].has) continue;
        assert_float_equal(a.value, cases[i].value, 0);
        assert_int_equal(a.ts_ms, cases[i].ts);
        assert_int_equal(a.res_ms, cases[i].res);
    }
    store_free(s);

    /* sparse: one sample per 5 min over 4 h; minutes keep 30 min */
    sp = spec2(2, MIN_MS, 30, HOUR_MS, 48);
    s = one(&sp);
    for (int k = 0; k <= 48; k++)
        store_append(s, 0, k * 300000LL, (double)k);
    assert_true(store_asof(s, 0, 13120000, &a)); /* empty minute: walk back 3 min */
    assert_float_equal(a.value, 43, 0);
    assert_int_equal(a.ts_ms, 12900000);
    assert_int_equal(a.res_ms, 0);
    assert_true(store_asof(s, 0, 13900000, &a)); /* just after a dropped raw sample */
    assert_float_equal(a.value, 46, 0);
    assert_int_equal(a.res_ms, 0);
    assert_true(store_asof(s, 0, 11000000, &a)); /* only hours hold it: hour 3's last */
    assert_int_equal(a.res_ms, HOUR_MS);
    assert_float_equal(a.value, 47, 0);
    store_free(s);

    /* walk back across an hour boundary to an earlier hour */
    sp = spec2(2, MIN_MS, 200, HOUR_MS, 10);
    s = one(&sp);
    store_append(s, 0, 0, 1.0);
    store_append(s, 0, 1000000, 2.0);
    store_append(s, 0, 7300000, 3.0);
    store_append(s, 0, 7400000, 4.0);
    store_append(s, 0, 7500000, 5.0);
    assert_true(store_asof(s, 0, 7250000, &a));
    assert_float_equal(a.value, 2.0, 0);
    assert_int_equal(a.ts_ms, 1000000);
    assert_int_equal(a.res_ms, 0);
    store_free(s);
}

/* ---- chart points ---- */

static void test_chart_short_window_raw(void **state)
{
    (void)state;
    Store *s = one(NULL);
    for (int i = 0; i < 600; i++) /* 10 min, one per second; 300..319 are gaps */
        store_append(s, 0, T0H + i * 1000LL, (i >= 300 && i < 320) ? NAN : (double)i);
    StorePoint pts[60];
    assert_int_equal(store_chart(s, 0, T0H, T0H + 600000 - 1, pts, 60), 0);
    for (int c = 0; c < 60; c++) {
        assert_int_equal(pts[c].ts_ms, T0H + c * 10000LL);
        if (c == 30 || c == 31) {
            assert_int_equal(pts[c].flags, STORE_PT_GAP);
            assert_true(isnan(pts[c].min) && isnan(pts[c].last));
            continue;
        }
        assert_int_equal(pts[c].flags, STORE_PT_VALUE);
        assert_float_equal(pts[c].min, 10 * c, 0);
        assert_float_equal(pts[c].max, 10 * c + 9, 0);
        assert_float_equal(pts[c].last, 10 * c + 9, 0);
        assert_int_equal(pts[c].last_ts, T0H + (10 * c + 9) * 1000LL);
    }
    /* columns that do not divide evenly still cover the window exactly */
    StorePoint p7[7];
    assert_int_equal(store_chart(s, 0, T0H, T0H + 99, p7, 7), 0);
    assert_int_equal(p7[0].ts_ms, T0H);
    assert_int_equal(p7[0].flags, STORE_PT_VALUE);
    for (int c = 1; c < 7; c++) {
        assert_true(p7[c].ts_ms > p7[c - 1].ts_ms);
        assert_int_equal(p7[c].flags, 0);
    }
    assert_int_equal(store_chart(s, 0, T0H, T0H - 1, pts, 60), -1);
    assert_int_equal(store_chart(s, 0, T0H, T0H + 1000, pts, 0), -1);
    assert_int_equal(store_chart(s, 0, T0H, T0H + 1000, pts, STORE_CHART_MAX + 1), -1);
    assert_int_equal(store_chart(s, 1, T0H, T0H + 1000, pts, 60), -1);
    store_free(s);
}

/* A 1 h chart of 30 s columns when the raw ring holds only the last 17
 * minutes: the older part comes from minute buckets spread over the columns
 * they cover, so the chart has no holes. */
static void test_chart_raw_then_minutes(void **state)
{
    (void)state;
    Store *s = one(NULL);
    for (int i = 0; i < 7200; i++)
        store_append(s, 0, T0H + i * 1000LL, (double)i);
    int64_t now = T0H + 7199000;
    StorePoint pts[120];
    assert_int_equal(store_chart(s, 0, now - HOUR_MS + 1, now, pts, 120), 0);
    for (int c = 0; c < 120; c++)
        assert_int_equal(pts[c].flags, STORE_PT_VALUE);
    assert_float_equal(pts[119].last, 7199, 0);
    assert_float_equal(pts[119].min, 7170, 0); /* raw: exact */
    assert_float_equal(pts[2].min, 3660, 0);   /* from minute 61's bucket */
    assert_float_equal(pts[2].max, 3719, 0);
    store_free(s);
}

/* Value of sample i in the long-window chart test. */
static double long_val(int64_t i)
{
    if (i >= 3600 && i < 3780) return NAN; /* 30 minutes of gaps, 10 h in */
    return (double)((i * 7919) % 1000);
}

static void test_chart_long_window_rollups(void **state)
{
    (void)state;
    Store *s = one(NULL);
    int64_t n = 26 * 360; /* 26 h, one sample every 10 s */
    for (int64_t i = 0; i < n; i++)
        store_append(s, 0, T0H + i * 10000, long_val(i));
    int64_t from = T0H + 2 * HOUR_MS, to = T0H + 26 * HOUR_MS - 1;
    static const size_t widths[] = {80, 120};
    for (size_t w = 0; w < 2; w++) {
        StorePoint pts[120];
        size_t width = widths[w];
        assert_int_equal(store_chart(s, 0, from, to, pts, width), MIN_MS);
        int64_t cw = (to - from + 1) / (int64_t)width; /* 18 or 12 minutes */
        for (size_t c = 0; c < width; c++) {
            double mn = INFINITY, mx = -INFINITY, last = NAN;
            bool gap = false;
            for (int64_t i = 0; i < n; i++) {
                int64_t t = T0H + i * 10000;
                if (t < from + (int64_t)c * cw || t >= from + (int64_t)(c + 1) * cw) continue;
                double v = long_val(i);
                if (isnan(v)) {
                    gap = true;
                    continue;
                }
                mn = fmin(mn, v);
                mx = fmax(mx, v);
                last = v;
            }
            unsigned flags = (isnan(last) ? 0 : STORE_PT_VALUE) | (gap ? STORE_PT_GAP : 0);
            assert_int_equal(pts[c].flags, flags);
            if (isnan(last)) continue;
            assert_float_equal(pts[c].min, mn, 0);
            assert_float_equal(pts[c].max, mx, 0);
            assert_float_equal(pts[c].last, last, 0);
        }
    }
    /* 7 days at 80 columns: hourly buckets; no data before the first sample */
    StorePoint pts[80];
    int64_t wfrom = T0H + 26 * HOUR_MS - 7 * 24 * HOUR_MS;
    assert_int_equal(store_chart(s, 0, wfrom, T0H + 26 * HOUR_MS - 1, pts, 80), HOUR_MS);
    assert_int_equal(pts[0].flags, 0);
    assert_true(isnan(pts[0].min));
    assert_int_equal(pts[79].flags, STORE_PT_VALUE);
    store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find),
        cmocka_unit_test(test_spec_check),
        cmocka_unit_test(test_memory_grows_with_use),
        cmocka_unit_test(test_append_codes),
        cmocka_unit_test(test_duplicate_keeps_rollups_exact),
        cmocka_unit_test(test_last_value_skips_gaps),
        cmocka_unit_test(test_ring_wraparound),
        cmocka_unit_test(test_retention),
        cmocka_unit_test(test_long_silence),
        cmocka_unit_test(test_bucket_boundaries),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_random_vs_brute_force),
        cmocka_unit_test(test_long_window_cost),
        cmocka_unit_test(test_delta_rate),
        cmocka_unit_test(test_asof_rollup_fallback),
        cmocka_unit_test(test_chart_short_window_raw),
        cmocka_unit_test(test_chart_raw_then_minutes),
        cmocka_unit_test(test_chart_long_window_rollups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
