/* tsblock.h - compressed blocks of time-series samples, as the archive keeps
 * them on disk (docs/archive.md, "Blocks"):
 *
 * - a block: the samples of one series, Gorilla-style (Pelkonen et al., VLDB
 *   2015): timestamps as delta-of-delta in variable-length bit codes, values
 *   XOR'd with the previous one, leading and trailing zero bits not written.
 *   Every int64 timestamp sequence and every double bit pattern (NaN payloads,
 *   -0, subnormals, infinities) round-trips exactly; a series at a steady
 *   interval with a steady value costs 2 bits per sample.
 * - a tail chunk: (series, time, value) entries of many series, byte-aligned
 *   and self-contained (no state shared between chunks), for the samples a
 *   flush writes before their block closes.
 *
 * Pure functions, no I/O. The decoders read bytes a user could hand them (an
 * archive file is just a file): every malformed input is refused with a
 * message, never read out of bounds, and never makes them allocate more than
 * the input could describe (fuzzed: tests/fuzz/fuzz_tsblock.c).
 *
 * Buffers and arrays returned are the caller's (free()). */
#ifndef IOC_TSBLOCK_H
#define IOC_TSBLOCK_H

#include <stddef.h>
#include <stdint.h>

/* The most samples a block or entries a chunk may hold. */
#define TSBLOCK_MAX_POINTS (1u << 20)

/* One sample: the same layout as the store's Sample. */
typedef struct {
    int64_t ts_ms;
    double value;
} TsbPoint;

/* One sample of a series (tail chunks). */
typedef struct {
    uint64_t series;
    int64_t ts_ms;
    double value;
} TsbEntry;

/* Encodes p[0..n) (any order, any values) as a block into a new buffer *out
 * of *len bytes. 0, or -1 (out of memory, or n > TSBLOCK_MAX_POINTS). */
int tsblock_encode(const TsbPoint *p, size_t n, uint8_t **out, size_t *len);

/* Decodes a block into a new array *out of *n samples (NULL when 0). 0, or -1
 * with a message in err (malformed, or out of memory). */
int tsblock_decode(const uint8_t *buf, size_t len, TsbPoint **out, size_t *n, char *err,
                   size_t errlen);

/* Decodes a block into dst, which has room for cap samples (a block of more
 * is refused as malformed); *n samples. 0, or -1 with a message in err. */
int tsblock_decode_into(const uint8_t *buf, size_t len, TsbPoint *dst, size_t cap, size_t *n,
                        char *err, size_t errlen);

/* Index of the first of p[0..n) (in time order) with ts_ms >= t; n when none. */
size_t tsblock_lower_bound(const TsbPoint *p, size_t n, int64_t t);

/* Encodes e[0..n) as a tail chunk into a new buffer *out of *len bytes. 0 or -1. */
int tsblock_tail_encode(const TsbEntry *e, size_t n, uint8_t **out, size_t *len);

/* Decodes a tail chunk into a new array *out of *n entries (NULL when 0). 0,
 * or -1 with a message in err. */
int tsblock_tail_decode(const uint8_t *buf, size_t len, TsbEntry **out, size_t *n, char *err,
                        size_t errlen);

#endif
