/* test_rawring.c - the compressed raw ring against a plain reference ring:
 * every read (by index, lower bound, the dropped sample) answers the same
 * after every append and replacement, for capacities around the chunk size,
 * values that compress and values that do not (plain chunks), two rings
 * sharing one cache; memory stays under the bound and far under 16 B per
 * sample for a steady series. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rawring.h"

/* The reference: every sample ever appended, plainly. */
typedef struct {
    Sample *s;
    size_t n, cap;
} Ref;

/* Appends to the reference. */
static void ref_push(Ref *r, int64_t ts, double v)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->s = realloc(r->s, r->cap * sizeof(Sample));
    }
    r->s[r->n++] = (Sample){ts, v};
}

/* True when a and b are the same sample (NaN equals NaN). */
static bool same(Sample a, Sample b)
{
    if (a.ts_ms != b.ts_ms) return false;
    if (isnan(a.value) || isnan(b.value)) return isnan(a.value) && isnan(b.value);
    return memcmp(&a.value, &b.value, sizeof(double)) == 0;
}

/* Checks every read of ring r (keeping cap) against the reference. */
static void check(const RawRing *r, RawCache *c, const Ref *ref, uint32_t cap)
{
    size_t keep = ref->n < cap ? ref->n : cap;
    size_t first = ref->n - keep;
    assert_int_equal(r->n, keep);
    for (size_t i = 0; i < keep; i += 1 + (size_t)(rand() % 3))
        assert_true(same(rawring_get(r, c, (uint32_t)i), ref->s[first + i]));
    Sample d = rawring_dropped(r, c);
    if (first == 0)
        assert_true(d.ts_ms == INT64_MIN);
    else
        assert_true(same(d, ref->s[first - 1]));
    /* Lower bounds at, between, before and after the samples kept. */
    for (int k = 0; k < 8 && keep; k++) {
        size_t i = first + (size_t)rand() % keep;
        int64_t t = ref->s[i].ts_ms - (rand() % 3);
        size_t want = first;
        while (want < ref->n && ref->s[want].ts_ms < t)
            want++;
        assert_int_equal(rawring_lower_bound(r, c, t), want - first);
    }
    if (keep) {
        assert_int_equal(rawring_lower_bound(r, c, ref->s[ref->n - 1].ts_ms + 1), keep);
        assert_int_equal(rawring_lower_bound(r, c, INT64_MIN), 0);
    }
}

/* A value: steady, noisy (does not compress), or a gap. */
static double value_of(int kind, size_t i)
{
    switch (kind) {
    case 0:
        return 42.0;
    case 1:
        return (double)(i % 17) * 0.25;
    case 2: {
        uint64_t u = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
        u &= ~(0x7ffULL << 52);
        u |= (uint64_t)(1023 + rand() % 20) << 52;
        double d;
        memcpy(&d, &u, sizeof(d));
        return d;
    }
    default:
        return (i % 5 == 0) ? NAN : (double)i;
    }
}

static void test_against_reference(void **state)
{
    (void)state;
    static const uint32_t caps[] = {2, 3, 5, 63, 64, 65, 100, 130, 1024};
    srand(7);
    RawCache *cache = calloc(1, sizeof(*cache));
    for (size_t ci = 0; ci < sizeof(caps) / sizeof(caps[0]); ci++) {
        for (int kind = 0; kind < 4; kind++) {
            uint32_t cap = caps[ci];
            RawRing a, b;
            Ref ra = {0}, rb = {0};
            assert_true(rawring_init(&a, cap));
            assert_true(rawring_init(&b, cap));
            int64_t ta = 1764000000000LL, tb = -5000;
            size_t steps = cap * 3 + 200;
            for (size_t i = 0; i < steps; i++) {
                /* Ring a: 1 s apart with jitter; ring b: irregular, with replacements. */
                ta += 1000 + rand() % 7 - 3;
                double va = value_of(kind, i), vb = value_of(kind == 2 ? 2 : 3 - kind, i);
                assert_true(rawring_push(&a, ta, va));
                ref_push(&ra, ta, va);
                /* Kind 2: steps of up to 2^47 ms, so neither times nor values compress. */
                tb += kind == 2 ? 1 + ((int64_t)rand() << 16) : 1 + rand() % 100000;
                assert_true(rawring_push(&b, tb, vb));
                ref_push(&rb, tb, vb);
                if (i % 5 == 0) {
                    double v = value_of(kind, i + 1);
                    rawring_newest(&b)->value = v;
                    rb.s[rb.n - 1].value = v;
                }
                if (i % 17 == 0 || i + 1 == steps) {
                    check(&a, cache, &ra, cap);
                    check(&b, cache, &rb, cap);
                }
                assert_true(a.bytes <= rawring_bound(cap));
                assert_true(b.bytes <= rawring_bound(cap));
            }
            /* Noisy values do not compress: those chunks are kept plain. */
            if (kind == 2 && b.ch_n) assert_true(b.ch[b.ch_start].plain);
            if (kind == 1 && a.ch_n) assert_false(a.ch[a.ch_start].plain);
            rawring_free(&a, cache);
            rawring_free(&b, cache);
            for (int e = 0; e < RAWRING_CACHE; e++)
                assert_true(cache->e[e].ring != &a && cache->e[e].ring != &b);
            free(ra.s);
            free(rb.s);
        }
    }
    free(cache);
}

/* A steady series at 1 s: 1,024 samples in far less than 16 bytes each. */
static void test_steady_series_is_small(void **state)
{
    (void)state;
    RawRing r;
    assert_true(rawring_init(&r, 1024));
    for (int i = 0; i < 5000; i++)
        assert_true(rawring_push(&r, 1764000000000LL + i * 1000LL + (i % 3), 50.0 + (i % 4)));
    assert_int_equal(r.n, 1024);
    assert_true(r.bytes < 1024 * 16 / 4); /* head 1 KiB + chunks */
    rawring_free(&r, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_steady_series_is_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
