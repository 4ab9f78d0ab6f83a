/* tsblock.c - Gorilla-style blocks and byte-aligned tail chunks of samples
 * (see tsblock.h).
 *
 * Block: byte 0x01; n (LEB128); when n > 0 the first time (zigzag LEB128),
 * then a bit stream, most significant bit first, zero-padded to a byte:
 *   the first value, 64 bits;
 *   per further sample, the delta-of-delta of its time (wrapping int64
 *   arithmetic, so any sequence round-trips):
 *     0                 0
 *     10   + 7 bits     -63 .. 64
 *     110  + 9 bits     -255 .. 256
 *     1110 + 12 bits    -2047 .. 2048
 *     11110 + 32 bits   -(2^31 - 1) .. 2^31
 *     11111 + 64 bits   anything
 *   then its value XOR the previous value (bit patterns):
 *     0                 the same bits
 *     10 + bits         inside the previous window of meaningful bits
 *     11 + 6 bits leading zeros + 6 bits (length - 1) + length bits
 * Tail chunk: byte 0x02; n (LEB128); per entry the series and the time as
 * zigzag LEB128 differences from the previous entry's, then the value: tag 0
 * NaN (the canonical quiet NaN), tag 1 an integer (zigzag LEB128; |i| <=
 * 2^53, not -0), tag 2 its 8 bytes little-endian. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/tsblock.h"
#include "base/i18n.h"

#define BLOCK_VERSION 0x01
#define TAIL_VERSION  0x02

/* A growable output buffer with a bit accumulator. */
typedef struct {
    uint8_t *buf;
    size_t len, cap;
    uint64_t acc;  /* pending bits, right-aligned */
    unsigned nacc; /* how many (< 8 after a put) */
    bool oom;
} Out;

/* Makes room for extra more bytes. */
static bool out_room(Out *o, size_t extra)
{
    if (o->oom) return false;
    if (o->len + extra <= o->cap) return true;
    size_t nc = o->cap ? o->cap * 2 : 64;
    while (nc < o->len + extra)
        nc *= 2;
    uint8_t *nb = realloc(o->buf, nc);
    if (!nb) {
        o->oom = true;
        return false;
    }
    o->buf = nb;
    o->cap = nc;
    return true;
}

/* Appends one byte. */
static void out_byte(Out *o, uint8_t b)
{
    if (out_room(o, 1)) o->buf[o->len++] = b;
}

/* Appends v as unsigned LEB128. */
static void out_uleb(Out *o, uint64_t v)
{
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        out_byte(o, (uint8_t)(b | (v ? 0x80 : 0)));
    } while (v);
}

/* Zigzag of a wrapping int64 difference held in a uint64. */
static uint64_t zigzag(uint64_t v)
{
    return (v << 1) ^ (uint64_t)(-(int64_t)(v >> 63));
}

/* The inverse of zigzag(). */
static uint64_t unzigzag(uint64_t z)
{
    return (z >> 1) ^ (uint64_t)(-(int64_t)(z & 1));
}

/* Appends the low n bits of v (n <= 64), most significant first. */
static void out_bits(Out *o, uint64_t v, unsigned n)
{
    while (n > 0) {
        unsigned take = n > 32 ? 32 : n;
        uint64_t part = (v >> (n - take)) & ((1ULL << take) - 1);
        o->acc = (o->acc << take) | part;
        o->nacc += take;
        n -= take;
        while (o->nacc >= 8) {
            o->nacc -= 8;
            out_byte(o, (uint8_t)(o->acc >> o->nacc));
        }
        o->acc &= (1ULL << o->nacc) - 1;
    }
}

/* Pads the bit stream with zeros to a byte. */
static void out_pad(Out *o)
{
    if (o->nacc) out_bits(o, 0, 8 - o->nacc);
}

/* The bits of a double. */
static uint64_t bits_of(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    return u;
}

/* The double of some bits. */
static double double_of(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof(d));
    return d;
}

/* Hands the buffer over: 0, or -1 (out of memory). */
static int out_done(Out *o, uint8_t **out, size_t *len)
{
    if (o->oom) {
        free(o->buf);
        return -1;
    }
    *out = o->buf;
    *len = o->len;
    return 0;
}

/* Writes a delta-of-delta (a wrapping difference). */
static void put_dod(Out *o, uint64_t dod)
{
    int64_t d = (int64_t)dod;
    if (d == 0) {
        out_bits(o, 0, 1);
    } else if (d >= -63 && d <= 64) {
        out_bits(o, 2, 2);
        out_bits(o, (uint64_t)(d + 63), 7);
    } else if (d >= -255 && d <= 256) {
        out_bits(o, 6, 3);
        out_bits(o, (uint64_t)(d + 255), 9);
    } else if (d >= -2047 && d <= 2048) {
        out_bits(o, 14, 4);
        out_bits(o, (uint64_t)(d + 2047), 12);
    } else if (d >= -2147483647LL && d <= 2147483648LL) {
        out_bits(o, 30, 5);
        out_bits(o, (uint64_t)(d + 2147483647LL), 32);
    } else {
        out_bits(o, 31, 5);
        out_bits(o, dod, 64);
    }
}

int tsblock_encode(const TsbPoint *p, size_t n, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (n > TSBLOCK_MAX_POINTS) return -1;
    Out o = {0};
    out_byte(&o, BLOCK_VERSION);
    out_uleb(&o, n);
    if (n == 0) return out_done(&o, out, len);
    out_uleb(&o, zigzag((uint64_t)p[0].ts_ms));
    uint64_t prev_v = bits_of(p[0].value);
    out_bits(&o, prev_v, 64);
    uint64_t prev_ts = (uint64_t)p[0].ts_ms, prev_delta = 0;
    unsigned lead = 65, trail = 0; /* no window yet */
    for (size_t i = 1; i < n; i++) {
        uint64_t ts = (uint64_t)p[i].ts_ms;
        uint64_t delta = ts - prev_ts;
        put_dod(&o, delta - prev_delta);
        prev_ts = ts;
        prev_delta = delta;
        uint64_t v = bits_of(p[i].value), x = v ^ prev_v;
        prev_v = v;
        if (x == 0) {
            out_bits(&o, 0, 1);
            continue;
        }
        unsigned l = (unsigned)__builtin_clzll(x), t = (unsigned)__builtin_ctzll(x);
        if (lead <= 64 && l >= lead && t >= trail) {
            out_bits(&o, 2, 2);
            out_bits(&o, x >> trail, 64 - lead - trail);
            continue;
        }
        unsigned m = 64 - l - t;
        out_bits(&o, 3, 2);
        out_bits(&o, l, 6);
        out_bits(&o, m - 1, 6);
        out_bits(&o, x >> t, m);
        lead = l;
        trail = t;
    }
    out_pad(&o);
    return out_done(&o, out, len);
}

/* A bounded reader of bytes, then of bits. */
typedef struct {
    const uint8_t *buf;
    size_t len, pos; /* bytes */
    size_t bit;      /* bits consumed after pos (bit reading) */
    bool bad;
} In;

/* Reads an unsigned LEB128 (at most 10 bytes, no overflow). */
static uint64_t in_uleb(In *in)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (in->pos >= in->len) break;
        uint8_t b = in->buf[in->pos++];
        if (shift == 63 && (b & 0x7e)) break; /* more than 64 bits */
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    in->bad = true;
    return 0;
}

/* Bits left to read. */
static size_t in_bits_left(const In *in)
{
    return (in->len - in->pos) * 8 - in->bit;
}

/* Reads n bits (n <= 64), most significant first. */
static uint64_t in_bits(In *in, unsigned n)
{
    if (in->bad || in_bits_left(in) < n) {
        in->bad = true;
        return 0;
    }
    uint64_t v = 0;
    while (n > 0) {
        unsigned avail = 8 - (unsigned)in->bit;
        unsigned take = n < avail ? n : avail;
        unsigned b = in->buf[in->pos];
        v = (v << take) | ((b >> (avail - take)) & ((1u << take) - 1));
        in->bit += take;
        n -= take;
        if (in->bit == 8) {
            in->bit = 0;
            in->pos++;
        }
    }
    return v;
}

/* Reads a delta-of-delta. */
static uint64_t get_dod(In *in)
{
    if (!in_bits(in, 1)) return 0;
    if (!in_bits(in, 1)) return in_bits(in, 7) - 63;
    if (!in_bits(in, 1)) return in_bits(in, 9) - 255;
    if (!in_bits(in, 1)) return in_bits(in, 12) - 2047;
    if (!in_bits(in, 1)) return in_bits(in, 32) - 2147483647ULL;
    return in_bits(in, 64);
}

/* Sets err to a malformed block's message; returns -1. */
static int malformed(char *err, size_t errlen, const char *what, const char *why)
{
    snprintf(err, errlen, _("malformed %s: %s"), what, why);
    return -1;
}

/* Decodes a block into dst (room for cap samples) or, when dst is NULL, into
 * a new array *out; *n samples. 0, or -1 with a message in err. */
static int decode(const uint8_t *buf, size_t len, TsbPoint *dst, size_t cap, TsbPoint **out,
                  size_t *n, char *err, size_t errlen)
{
    const char *what = _("sample block");
    if (out) *out = NULL;
    *n = 0;
    In in = {.buf = buf, .len = len};
    if (len < 2 || buf[0] != BLOCK_VERSION)
        return malformed(err, errlen, what, _("unknown version"));
    in.pos = 1;
    uint64_t count = in_uleb(&in);
    if (in.bad) return malformed(err, errlen, what, _("truncated header"));
    if (count > TSBLOCK_MAX_POINTS) return malformed(err, errlen, what, _("too many samples"));
    if (count == 0) {
        if (in.pos != len) return malformed(err, errlen, what, _("trailing bytes"));
        return 0;
    }
    uint64_t ts = unzigzag(in_uleb(&in));
    if (in.bad) return malformed(err, errlen, what, _("truncated header"));
    /* 64 bits for the first value, then at least 2 bits per sample. */
    size_t left = in_bits_left(&in);
    if (left < 64 || (count - 1) > (left - 64) / 2)
        return malformed(err, errlen, what, _("fewer bits than samples"));
    if (dst && count > cap) return malformed(err, errlen, what, _("too many samples"));
    TsbPoint *p = dst ? dst : malloc((size_t)count * sizeof(*p));
    if (!p) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    uint64_t v = in_bits(&in, 64), delta = 0;
    p[0] = (TsbPoint){(int64_t)ts, double_of(v)};
    unsigned lead = 65, trail = 0;
    for (size_t i = 1; i < count && !in.bad; i++) {
        delta += get_dod(&in);
        ts += delta;
        if (in_bits(&in, 1)) {
            if (!in_bits(&in, 1)) {
                if (lead > 64) {
                    if (!dst) free(p);
                    return malformed(err, errlen, what, _("a value reuses no window"));
                }
                v ^= in_bits(&in, 64 - lead - trail) << trail;
            } else {
                unsigned l = (unsigned)in_bits(&in, 6), m = (unsigned)in_bits(&in, 6) + 1;
                if (l + m > 64) {
                    if (!dst) free(p);
                    return malformed(err, errlen, what, _("a value window past 64 bits"));
                }
                lead = l;
                trail = 64 - l - m;
                v ^= in_bits(&in, m) << trail;
            }
        }
        p[i] = (TsbPoint){(int64_t)ts, double_of(v)};
    }
    if (in.bad) {
        if (!dst) free(p);
        return malformed(err, errlen, what, _("truncated"));
    }
    /* Only zero padding may follow, up to the byte. */
    if (in.bit && in_bits(&in, 8 - (unsigned)in.bit) != 0) {
        if (!dst) free(p);
        return malformed(err, errlen, what, _("padding is not zero"));
    }
    if (in.pos != len) {
        if (!dst) free(p);
        return malformed(err, errlen, what, _("trailing bytes"));
    }
    if (out) *out = p;
    *n = (size_t)count;
    return 0;
}

int tsblock_decode(const uint8_t *buf, size_t len, TsbPoint **out, size_t *n, char *err,
                   size_t errlen)
{
    return decode(buf, len, NULL, 0, out, n, err, errlen);
}

int tsblock_decode_into(const uint8_t *buf, size_t len, TsbPoint *dst, size_t cap, size_t *n,
                        char *err, size_t errlen)
{
    return decode(buf, len, dst, cap, NULL, n, err, errlen);
}

size_t tsblock_lower_bound(const TsbPoint *p, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].ts_ms < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* True when d is an integer that tag 1 holds exactly (|d| <= 2^53, not -0). */
static bool small_int(double d)
{
    if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0)) return false;
    if (d != floor(d)) return false;
    return !(d == 0 && signbit(d));
}

int tsblock_tail_encode(const TsbEntry *e, size_t n, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (n > TSBLOCK_MAX_POINTS) return -1;
    Out o = {0};
    out_byte(&o, TAIL_VERSION);
    out_uleb(&o, n);
    uint64_t ps = 0, pt = 0;
    const uint64_t qnan = 0x7ff8000000000000ULL;
    for (size_t i = 0; i < n; i++) {
        out_uleb(&o, zigzag(e[i].series - ps));
        out_uleb(&o, zigzag((uint64_t)e[i].ts_ms - pt));
        ps = e[i].series;
        pt = (uint64_t)e[i].ts_ms;
        uint64_t b = bits_of(e[i].value);
        if (b == qnan) {
            out_byte(&o, 0);
        } else if (small_int(e[i].value)) {
            out_byte(&o, 1);
            out_uleb(&o, zigzag((uint64_t)(int64_t)e[i].value));
        } else {
            out_byte(&o, 2);
            for (int k = 0; k < 8; k++)
                out_byte(&o, (uint8_t)(b >> (8 * k)));
        }
    }
    return out_done(&o, out, len);
}

int tsblock_tail_decode(const uint8_t *buf, size_t len, TsbEntry **out, size_t *n, char *err,
                        size_t errlen)
{
    const char *what = _("tail chunk");
    *out = NULL;
    *n = 0;
    In in = {.buf = buf, .len = len};
    if (len < 2 || buf[0] != TAIL_VERSION)
        return malformed(err, errlen, what, _("unknown version"));
    in.pos = 1;
    uint64_t count = in_uleb(&in);
    if (in.bad) return malformed(err, errlen, what, _("truncated header"));
    if (count > TSBLOCK_MAX_POINTS || count > (len - in.pos) / 3)
        return malformed(err, errlen, what, _("fewer bytes than entries"));
    if (count == 0) {
        if (in.pos != len) return malformed(err, errlen, what, _("trailing bytes"));
        return 0;
    }
    TsbEntry *e = malloc((size_t)count * sizeof(*e));
    if (!e) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    uint64_t ps = 0, pt = 0;
    for (size_t i = 0; i < count && !in.bad; i++) {
        ps += unzigzag(in_uleb(&in));
        pt += unzigzag(in_uleb(&in));
        double v = 0;
        if (in.bad || in.pos >= len) {
            in.bad = true;
            break;
        }
        uint8_t tag = buf[in.pos++];
        if (tag == 0) {
            v = double_of(0x7ff8000000000000ULL);
        } else if (tag == 1) {
            v = (double)(int64_t)unzigzag(in_uleb(&in));
        } else if (tag == 2 && len - in.pos >= 8) {
            uint64_t b = 0;
            for (int k = 0; k < 8; k++)
                b |= (uint64_t)buf[in.pos++] << (8 * k);
            v = double_of(b);
        } else {
            free(e);
            return malformed(err, errlen, what, tag > 2 ? _("unknown value tag") : _("truncated"));
        }
        e[i] = (TsbEntry){ps, (int64_t)pt, v};
    }
    if (in.bad) {
        free(e);
        return malformed(err, errlen, what, _("truncated"));
    }
    if (in.pos != len) {
        free(e);
        return malformed(err, errlen, what, _("trailing bytes"));
    }
    *out = e;
    *n = (size_t)count;
    return 0;
}
