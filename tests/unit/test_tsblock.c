/* test_tsblock.c - compressed sample blocks and tail chunks (parse/tsblock.c):
 * random and adversarial series round-trip bit for bit, steady series
 * compress to a few bits, and malformed input is refused. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse/tsblock.h"

/* A deterministic 64-bit generator (splitmix64). */
static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The double with bits u. */
static double dbits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof(d));
    return d;
}

/* The bits of d. */
static uint64_t ubits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    return u;
}

/* Encodes p[0..n), decodes, checks every time and value bit; returns the size. */
static size_t round_trip(const TsbPoint *p, size_t n)
{
    uint8_t *buf;
    size_t len;
    assert_int_equal(tsblock_encode(p, n, &buf, &len), 0);
    TsbPoint *q;
    size_t m;
    char err[200];
    assert_int_equal(tsblock_decode(buf, len, &q, &m, err, sizeof(err)), 0);
    assert_int_equal(m, n);
    for (size_t i = 0; i < n; i++) {
        assert_true(q[i].ts_ms == p[i].ts_ms);
        assert_true(ubits(q[i].value) == ubits(p[i].value));
    }
    /* Every strict prefix of the bytes is refused, never read past. */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, buf, cut);
        TsbPoint *r = NULL;
        size_t k = 0;
        int rc = tsblock_decode(copy, cut, &r, &k, err, sizeof(err));
        assert_int_equal(rc, -1);
        assert_null(r);
        free(copy);
    }
    free(q);
    free(buf);
    return len;
}

/* Zero and one samples, and a steady series: 2 bits a sample. */
static void test_small_and_steady(void **state)
{
    (void)state;
    round_trip(NULL, 0);
    TsbPoint one = {1700000000000, 42.5};
    round_trip(&one, 1);
    enum { N = 3600 };
    TsbPoint *p = malloc(N * sizeof(*p));
    for (size_t i = 0; i < N; i++)
        p[i] = (TsbPoint){1700000000000 + (int64_t)i * 1000, 51.5};
    size_t len = round_trip(p, 600);
    assert_true(len <= 16 + 600 * 2 / 8 + 8); /* the first delta: 16 bits */
    /* Jittered times (a few ms) and integer values that change now and then. */
    uint64_t s = 1;
    int64_t t = 1700000000000;
    for (size_t i = 0; i < N; i++) {
        t += 1000 + (int64_t)(rnd(&s) % 11) - 5;
        p[i] = (TsbPoint){t, (double)(40 + (i / 60) % 20)};
    }
    len = round_trip(p, N);
    assert_true(len < N * 2); /* under 2 bytes a sample */
    free(p);
}

/* Gaps (NaN runs), ±0, subnormals, infinities, NaN payloads, extremes. */
static void test_adversarial_values(void **state)
{
    (void)state;
    const double vals[] = {NAN,
                           NAN,
                           NAN,
                           0.0,
                           -0.0,
                           0.0,
                           4.9406564584124654e-324,
                           -4.9406564584124654e-324,
                           2.2250738585072009e-308,
                           INFINITY,
                           -INFINITY,
                           1.7976931348623157e308,
                           -1.7976931348623157e308,
                           dbits(0x7ff0000000000001ULL), /* a signalling NaN payload */
                           dbits(0xfff8000000000000ULL), /* -NaN */
                           dbits(0x7fffffffffffffffULL),
                           1.0,
                           NAN,
                           1.0,
                           1e-300,
                           1e300,
                           0.1,
                           0.2,
                           0.30000000000000004};
    size_t n = sizeof(vals) / sizeof(vals[0]);
    TsbPoint p[sizeof(vals) / sizeof(vals[0])];
    for (size_t i = 0; i < n; i++)
        p[i] = (TsbPoint){1700000000000 + (int64_t)i * 1000, vals[i]};
    round_trip(p, n);
    /* Every finite and non-finite class in a random mix. */
    uint64_t s = 7;
    TsbPoint q[2000];
    for (size_t i = 0; i < 2000; i++)
        q[i] = (TsbPoint){(int64_t)i, dbits(rnd(&s))};
    round_trip(q, 2000);
}

/* Times: huge jumps, out-of-range deltas, going back, the int64 extremes. */
static void test_adversarial_times(void **state)
{
    (void)state;
    const int64_t ts[] = {INT64_MIN,
                          INT64_MAX,
                          0,
                          -1,
                          1,
                          INT64_MIN + 1,
                          1700000000000,
                          1700000000000,
                          1700000000001,
                          1699999999999,
                          1700000003600,
                          1700000003600 + (1LL << 31),
                          1700000003600 + (1LL << 32),
                          1700000003600 - (1LL << 40),
                          INT64_MAX - 1,
                          INT64_MAX};
    size_t n = sizeof(ts) / sizeof(ts[0]);
    TsbPoint p[sizeof(ts) / sizeof(ts[0])];
    for (size_t i = 0; i < n; i++)
        p[i] = (TsbPoint){ts[i], (double)i};
    round_trip(p, n);
    /* Every boundary of the delta-of-delta classes. */
    const int64_t dods[] = {0,    -63,        64,          -64,           65,          -255,
                            256,  -256,       257,         -2047,         2048,        -2048,
                            2049, 2147483648, -2147483647, -2147483648LL, 2147483649LL};
    size_t m = sizeof(dods) / sizeof(dods[0]);
    TsbPoint q[2 + sizeof(dods) / sizeof(dods[0])];
    int64_t t = 1000000, d = 1000;
    q[0] = (TsbPoint){t, 1};
    for (size_t i = 0; i < m; i++) {
        d += dods[i];
        t += d;
        q[i + 1] = (TsbPoint){t, 1};
    }
    round_trip(q, m + 1);
    /* Random times. */
    uint64_t s = 3;
    TsbPoint r[500];
    for (size_t i = 0; i < 500; i++)
        r[i] = (TsbPoint){(int64_t)rnd(&s), (double)i};
    round_trip(r, 500);
}

/* Decodes bytes that must be refused. */
static void refused(const uint8_t *b, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, b, len);
    TsbPoint *p = NULL;
    size_t n = 0;
    char err[200] = "";
    assert_int_equal(tsblock_decode(copy, len, &p, &n, err, sizeof(err)), -1);
    assert_null(p);
    assert_true(strncmp(err, "malformed sample block: ", 24) == 0);
    free(copy);
}

/* Malformed blocks: version, counts, padding, trailing bytes, windows. */
static void test_malformed(void **state)
{
    (void)state;
    refused((const uint8_t *)"", 0);
    refused((const uint8_t *)"\x02\x00", 2);                                      /* version */
    refused((const uint8_t *)"\x01\x00\x00", 3);                                  /* trailing */
    refused((const uint8_t *)"\x01\xff\xff\xff\xff\x0f", 6);                      /* too many */
    refused((const uint8_t *)"\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", 11); /* > 64 bits */
    /* A million samples announced in 20 bytes: refused before allocating. */
    uint8_t big[24] = {0x01, 0x80, 0x80, 0x40, 0x00};
    refused(big, sizeof(big));
    /* Two samples; the second's value reuses a window before any exists:
     * dod '0', value '10'. */
    uint8_t b[13] = {0x01, 0x02, 0x00};
    b[11] = 0x40; /* bits 0 10 ... */
    refused(b, sizeof(b));
    /* '11' with 63 leading zeros and a length of 64. */
    uint8_t w[14] = {0x01, 0x02, 0x00};
    w[11] = 0x7f; /* 0 11 11111 */
    w[12] = 0xff; /* 1 111111 (len-1 = 63) ... */
    refused(w, sizeof(w));
    /* Non-zero padding: one sample then a stray bit. */
    TsbPoint one = {5, 1.0};
    uint8_t *buf;
    size_t len;
    assert_int_equal(tsblock_encode(&one, 1, &buf, &len), 0);
    uint8_t *more = malloc(len + 1);
    memcpy(more, buf, len);
    more[len] = 0;
    refused(more, len + 1); /* a trailing byte */
    free(more);
    free(buf);
}

/* Tail chunks: round trip, sizes, refusals. */
static void test_tail(void **state)
{
    (void)state;
    uint64_t s = 11;
    TsbEntry e[300];
    for (size_t i = 0; i < 300; i++) {
        double v;
        switch (i % 6) {
        case 0:
            v = NAN;
            break;
        case 1:
            v = -0.0;
            break;
        case 2:
            v = (double)(int64_t)(rnd(&s) % 100000) - 50000;
            break;
        case 3:
            v = 9007199254740993.0 * ((i & 1) ? 1 : -1);
            break;
        case 4:
            v = dbits(rnd(&s));
            break;
        default:
            v = 4.9406564584124654e-324;
            break;
        }
        e[i] = (TsbEntry){i % 7 ? rnd(&s) % 3000 : UINT64_MAX,
                          i % 5 ? 1700000000000 + (int64_t)i : INT64_MIN, v};
    }
    uint8_t *buf;
    size_t len;
    assert_int_equal(tsblock_tail_encode(e, 300, &buf, &len), 0);
    TsbEntry *d;
    size_t n;
    char err[200];
    assert_int_equal(tsblock_tail_decode(buf, len, &d, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 300);
    for (size_t i = 0; i < 300; i++) {
        assert_true(d[i].series == e[i].series);
        assert_true(d[i].ts_ms == e[i].ts_ms);
        assert_true(ubits(d[i].value) == ubits(e[i].value));
    }
    free(d);
    for (size_t cut = 0; cut < len; cut++) {
        TsbEntry *r = NULL;
        assert_int_equal(tsblock_tail_decode(buf, cut, &r, &n, err, sizeof(err)), -1);
        assert_null(r);
    }
    free(buf);
    /* A steady integer series of consecutive ids: about 5 bytes an entry. */
    for (size_t i = 0; i < 300; i++)
        e[i] = (TsbEntry){i + 1, 1700000000000 + (int64_t)i, 40};
    assert_int_equal(tsblock_tail_encode(e, 300, &buf, &len), 0);
    assert_true(len <= 300 * 4 + 12);
    free(buf);
    /* An unknown tag; too many entries for the bytes. */
    TsbEntry *r = NULL;
    assert_int_equal(
        tsblock_tail_decode((const uint8_t *)"\x02\x01\x00\x00\x07", 5, &r, &n, err, sizeof(err)),
        -1);
    assert_string_equal(err, "malformed tail chunk: unknown value tag");
    assert_int_equal(
        tsblock_tail_decode((const uint8_t *)"\x02\x7f\x00\x00\x00", 5, &r, &n, err, sizeof(err)),
        -1);
    assert_null(r);
}

/* The first sample at or after t: at, between, before and after the samples. */
static void test_lower_bound(void **state)
{
    (void)state;
    const TsbPoint p[] = {{-5, 0}, {10, 0}, {20, 0}, {20000, 0}};
    assert_int_equal(tsblock_lower_bound(p, 4, INT64_MIN), 0);
    assert_int_equal(tsblock_lower_bound(p, 4, -5), 0);
    assert_int_equal(tsblock_lower_bound(p, 4, -4), 1);
    assert_int_equal(tsblock_lower_bound(p, 4, 10), 1);
    assert_int_equal(tsblock_lower_bound(p, 4, 11), 2);
    assert_int_equal(tsblock_lower_bound(p, 4, 20000), 3);
    assert_int_equal(tsblock_lower_bound(p, 4, 20001), 4);
    assert_int_equal(tsblock_lower_bound(p, 0, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_bound),        cmocka_unit_test(test_small_and_steady),
        cmocka_unit_test(test_adversarial_values), cmocka_unit_test(test_adversarial_times),
        cmocka_unit_test(test_malformed),          cmocka_unit_test(test_tail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
