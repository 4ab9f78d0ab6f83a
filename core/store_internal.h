/* store_internal.h - private layout of the time-series store, shared by
 * store.c (series, appends) and store_query.c (queries). Not for other modules.
 *
 * Invariants of a series:
 *  - raw ring (core/rawring.h): samples in strictly increasing ts order; it
 *    always holds the newest sample, and every sample with ts >
 *    store_raw_dropped().ts_ms (the newest sample pushed out of the ring,
 *    kept so that an as-of just before the ring is still exact).
 *  - rollups hold every sample EXCEPT the newest one, which stays "pending"
 *    in the raw ring until a newer sample arrives. This is what lets a
 *    same-timestamp append replace the newest sample while min/max/sum stay
 *    exact: queries fold the pending sample into its bucket on the fly.
 *  - a level's ring holds the consecutive bucket indices head-cap+1 .. head
 *    (index = floor(ts / width)); slot of head is head_slot; buckets with no
 *    samples are zeroed when the head moves past them.
 *  - memory grows with use: a ring's array holds its first `alloc` slots
 *    (alloc <= cap, doubled as they fill); the raw ring's head likewise,
 *    its older samples in compressed chunks. Until a level's head passes slot cap-1, its used slots
 * are 0 .. head_slot < alloc. A slot at or past alloc has never held anything (reads as zero). */
#ifndef IOC_STORE_INTERNAL_H
#define IOC_STORE_INTERNAL_H

#include "core/rawring.h"
#include "core/store.h"

/* The first sizes of a series' rings (at most their capacities): a series
 * that never gets a sample costs under 1 KiB. */
#define STORE_RAW_FIRST   RAWRING_HEAD_FIRST /* samples */
#define STORE_LEVEL_FIRST 2                  /* buckets */

/* One rollup bucket: 64 bytes. Offsets are ms from the bucket start. */
typedef struct {
    double min, max, sum; /* over values (gaps excluded) */
    double first, last;   /* oldest / newest value */
    int32_t first_off;    /* offset of first (valid when count > 0) */
    int32_t last_off;     /* offset of last */
    int32_t gfirst_off;   /* offset of the oldest gap (valid when gaps > 0) */
    int32_t glast_off;    /* offset of the newest gap */
    uint32_t count;       /* samples with a value */
    uint32_t gaps;        /* gap samples */
} StoreBucket;

typedef struct {
    int64_t width; /* bucket width, ms */
    uint32_t cap;  /* buckets in the ring */
    uint32_t head_slot;
    int64_t head;     /* bucket index of the newest committed sample */
    int64_t head_end; /* (head + 1) * width: first ts past the head bucket */
    int64_t first;    /* bucket index of the oldest committed sample */
    bool used;        /* something was committed */
    uint32_t alloc;   /* buckets allocated in b (1..cap) */
    StoreBucket *b;   /* alloc buckets, owned */
} StoreLevel;

typedef struct {
    char *key;
    StoreSpec spec;
    size_t bytes;           /* bytes allocated for the series (struct, key, rings) */
    RawRing raw;            /* the raw samples (owned), compressed: core/rawring.h */
    RawCache *cache;        /* the store's decoded chunks (borrowed) */
    Sample good, prev_good; /* newest value, newest value before good.ts */
    bool has_good, has_prev_good;
    int nlevels;
    StoreLevel lv[STORE_MAX_LEVELS];
} StoreSeries;

struct Store {
    StoreSeries **v; /* owned */
    size_t n, cap;
    int32_t *hash; /* id + 1 per slot, 0 = empty; hcap slots (a power of two) */
    size_t hcap;
    RawCache cache; /* decoded raw chunks, shared by the series */
};

/* Floor division of a by b > 0. */
static inline int64_t store_fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && a < 0) q--;
    return q;
}

/* The raw sample at logical index i (0 = oldest). */
static inline Sample store_raw_at(const StoreSeries *s, uint32_t i)
{
    return rawring_get(&s->raw, s->cache, i);
}

/* The newest sample; the series must not be empty. */
static inline Sample store_raw_newest(const StoreSeries *s)
{
    return s->raw.head[s->raw.head_n - 1];
}

/* The newest sample dropped from the raw ring (ts_ms INT64_MIN when none). */
static inline Sample store_raw_dropped(const StoreSeries *s)
{
    return rawring_dropped(&s->raw, s->cache);
}

/* Series by id, or NULL. */
static inline const StoreSeries *store_series(const Store *st, int id)
{
    if (!st || id < 0 || (size_t)id >= st->n) return NULL;
    return st->v[id];
}

/* Adds one sample at offset off to a bucket. */
static inline void store_bucket_add(StoreBucket *k, int32_t off, double v)
{
    if (v != v) { /* NaN: a gap */
        if (k->gaps == 0) k->gfirst_off = off;
        k->glast_off = off;
        k->gaps++;
        return;
    }
    if (k->count == 0) {
        k->min = k->max = k->first = v;
        k->first_off = off;
    } else {
        if (v < k->min) k->min = v;
        if (v > k->max) k->max = v;
    }
    k->sum += v;
    k->last = v;
    k->last_off = off;
    k->count++;
}

#endif
