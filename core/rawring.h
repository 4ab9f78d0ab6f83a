/* rawring.h - the raw samples of one store series, compressed: a ring that
 * keeps the newest `cap` samples, the older ones in sealed chunks of
 * RAWRING_CHUNK samples encoded like the archive's blocks (parse/tsblock.h:
 * delta-of-delta timestamps, XOR'd values; a series at a steady interval
 * costs a few bits per sample instead of 16 bytes), the newest ones plain in
 * a small head buffer. So the store's raw history (1,024 samples by default)
 * costs about 1 KiB of head plus 1-4 bytes per older sample.
 *
 * Samples go in strictly increasing time order (the store checks); the
 * newest one is always in the head, so it can be replaced in place. Reads
 * by logical index (0 = the oldest kept) decode a chunk into a RawCache, a
 * few decoded chunks shared by every ring of a store, so reading a window
 * in order decodes each chunk once. A chunk whose encoding would be larger
 * than its plain samples is kept plain, so a ring never costs more than
 * 16 bytes per sample plus its bookkeeping (rawring_bound()).
 *
 * Ownership: a RawRing owns its head and chunks (rawring_free()); a RawCache
 * is owned by its store and borrowed by every read. Not thread-safe. */
#ifndef IOC_RAWRING_H
#define IOC_RAWRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"
#include "parse/tsblock.h"

/* Samples per sealed chunk (a ring of fewer than this uses cap instead). */
#define RAWRING_CHUNK 64
/* The head's first size in samples (it doubles up to the chunk size). */
#define RAWRING_HEAD_FIRST 8
/* Decoded chunks a RawCache holds (about 1 KiB each): enough for a console
 * frame's charts of a province (74 KPIs, 1-3 chunks each) to decode each
 * chunk once, not once per frame. */
#define RAWRING_CACHE 256

/* One sealed chunk: `size` samples, encoded (or plain). */
typedef struct {
    int64_t first_ts; /* its oldest sample's time */
    Sample last;      /* its newest sample (the ring's "dropped" once freed) */
    uint8_t *data;    /* owned */
    uint32_t len;     /* bytes of data */
    bool plain;       /* data is `size` Samples, not an encoded block */
} RawChunk;

typedef struct {
    uint32_t cap;  /* samples kept: the newest cap */
    uint32_t size; /* samples per chunk: min(RAWRING_CHUNK, cap) */
    uint32_t n;    /* samples kept now (<= cap) */
    uint32_t skip; /* samples of the oldest chunk older than the kept ones */
    Sample *head;  /* the newest samples, head_n of head_alloc (owned) */
    uint32_t head_n, head_alloc;
    RawChunk *ch; /* ring of ch_n sealed chunks from ch_start, ch_alloc slots (owned) */
    uint32_t ch_n, ch_start, ch_alloc;
    uint64_t seq; /* number of the chunk at ch_start (chunks are numbered as sealed) */
    Sample freed; /* newest sample of the newest freed chunk; ts INT64_MIN when none */
    size_t bytes; /* bytes allocated (head, chunk slots, chunk data) */
} RawRing;

/* Decoded chunks, keyed by ring and chunk number. */
typedef struct {
    struct {
        const RawRing *ring; /* NULL: empty entry */
        uint64_t seq;
        TsbPoint s[RAWRING_CHUNK]; /* the chunk's `size` samples */
    } e[RAWRING_CACHE];
} RawCache;

/* Makes an empty ring keeping cap (>= 2) samples; false when out of memory. */
bool rawring_init(RawRing *r, uint32_t cap);

/* Frees r's memory and forgets its chunks in cache c (NULL is fine). */
void rawring_free(RawRing *r, RawCache *c);

/* Most bytes a ring of cap samples can hold (head, chunk slots, data). */
size_t rawring_bound(uint32_t cap);

/* Appends a sample newer than every kept one (the oldest is dropped when cap
 * are kept). False when out of memory: then nothing changed. */
bool rawring_push(RawRing *r, int64_t ts, double value);

/* The newest sample, to read or replace in place; the ring must not be empty. */
static inline Sample *rawring_newest(RawRing *r)
{
    return &r->head[r->head_n - 1];
}

/* The sample at logical index i < r->n (0 = the oldest kept). */
Sample rawring_get(const RawRing *r, RawCache *c, uint32_t i);

/* Logical index of the first kept sample with ts >= t (r->n when none). */
uint32_t rawring_lower_bound(const RawRing *r, RawCache *c, int64_t t);

/* The newest sample older than every kept one (its ts is INT64_MIN when none
 * was ever dropped). */
Sample rawring_dropped(const RawRing *r, RawCache *c);

#endif
