/* store.h - the in-memory time-series store: one ring of raw samples plus
 * rollup rings (1 minute, 1 hour by default) per series.
 *
 * A Store owns its series. Each series is identified by a key such as
 * "dvc.online_rate" (copied by the store) and, once added, by a small integer
 * id (0, 1, 2, ... in order of addition) that the hot path uses. Memory grows
 * with the history held: store_add() makes small rings (under 1 KiB a
 * series), and store_append() doubles a ring when it fills, up to the
 * spec's capacities (store_series_bytes(), the bound); appends cost O(1)
 * amortised. Time is always passed in by the caller (the store
 * never reads a clock). Values are doubles; NaN records a gap (feed down / no
 * value). Semantics of duplicates, out-of-order samples, gaps and of every
 * query are written down in docs/store.md.
 *
 * Queries never allocate; they read the coarsest resolution that answers
 * them (whole rollup buckets inside the window, finer buckets or raw samples
 * only at its edges). No global state; not thread-safe (one thread owns it). */
#ifndef IOC_STORE_H
#define IOC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One observation. value is NaN for a gap. */
typedef struct {
    int64_t ts_ms; /* milliseconds since the Unix epoch (may be negative) */
    double value;
} Sample;

#define STORE_MAX_LEVELS 4          /* rollup levels per series */
#define STORE_KEY_MAX    127        /* bytes in a series key, NUL excluded */
#define STORE_CAP_MAX    (1u << 24) /* largest raw or bucket capacity */
/* Timestamps (and window ends) are limited to +/- 2^52 ms (~142,000 years),
 * so that no bucket or column arithmetic can overflow. */
#define STORE_TS_LIMIT ((int64_t)1 << 52)

/* One rollup level: buckets of width_ms, the newest `capacity` kept. */
typedef struct {
    int64_t width_ms;  /* 1..INT32_MAX, a multiple of the finer level's width */
    uint32_t capacity; /* 1..STORE_CAP_MAX buckets */
} StoreLevelSpec;

/* Resolutions and capacities of a series. Levels go from fine to coarse; each
 * level must span at least as much time (width * capacity) as the finer one. */
typedef struct {
    uint32_t raw_capacity; /* samples in the raw ring, 2..STORE_CAP_MAX */
    int levels;            /* 0..STORE_MAX_LEVELS */
    StoreLevelSpec level[STORE_MAX_LEVELS];
} StoreSpec;

typedef struct {
    char msg[200];
} StoreError;

/* Result of store_append(). Negative values reject the sample. */
typedef enum {
    STORE_OK = 0,       /* appended */
    STORE_REPLACED = 1, /* same timestamp as the newest sample: it was replaced */
    STORE_EOLD = -1,    /* older than the newest sample: rejected, nothing changed */
    STORE_EINVAL = -2,  /* unknown id, timestamp beyond STORE_TS_LIMIT or infinite value */
    STORE_ENOMEM = -3,  /* a ring could not grow: rejected, nothing changed */
} StoreRc;

typedef struct Store Store;

/* The default spec: 1024 raw samples, 1-minute buckets x 1500 (25 h) and
 * 1-hour buckets x 840 (35 days). */
StoreSpec store_spec_default(void);

/* Checks a spec; returns false and fills *err (may be NULL) when it is invalid. */
bool store_spec_check(const StoreSpec *spec, StoreError *err);

/* The most bytes one series with this spec grows to, when all its rings are
 * full (key excluded); 0 if invalid. */
size_t store_series_bytes(const StoreSpec *spec);

/* Creates an empty store; NULL when out of memory. */
Store *store_new(void);

/* Frees a store and all its series (NULL is fine). */
void store_free(Store *s);

/* Adds a series with a copy of key and the given spec (NULL: the default).
 * Returns its id (>= 0), or -1 and fills *err (may be NULL) when the key is
 * empty, too long or already present, the spec is invalid, or out of memory.
 * Meant for config load time; may reallocate the store's tables. */
int store_add(Store *s, const char *key, const StoreSpec *spec, StoreError *err);

/* Id of the series with this key, or -1. O(1) (hash table). */
int store_find(const Store *s, const char *key);

/* Number of series; ids run from 0 to store_count() - 1. */
size_t store_count(const Store *s);

/* Key of series id (borrowed from the store), or NULL for an unknown id. */
const char *store_key(const Store *s, int id);

/* Total bytes the store has allocated for its series and tables now. */
size_t store_memory(const Store *s);

/* Appends a sample to series id (see StoreRc). NaN records a gap. */
StoreRc store_append(Store *s, int id, int64_t ts_ms, double value);

/* The newest sample (its value is NaN when it is a gap). False when the
 * series is empty or id is unknown. */
bool store_last(const Store *s, int id, Sample *out);

/* The newest sample that is not a gap. False when there is none. */
bool store_last_value(const Store *s, int id, Sample *out);

/* Answer of store_asof(). */
typedef struct {
    bool gap;       /* T falls in a gap: the newest sample at or before T is NaN */
    int64_t ts_ms;  /* timestamp of the sample that answers (the gap's, if gap) */
    double value;   /* NaN when there is no value */
    int64_t res_ms; /* 0: exact; else the width of the bucket that answered
                       (its last value; ts_ms may then be up to one bucket after T) */
} StoreAsOf;

/* Value as of time t: the newest sample with ts <= t, from the raw ring, or
 * from the finest rollup that still holds t when t is older than the ring.
 * Returns true with a value; false when there is no value (out->gap tells a
 * gap from "t is before all data"). */
bool store_asof(const Store *s, int id, int64_t t, StoreAsOf *out);

/* Statistics over the closed window [from, to]. */
typedef struct {
    uint64_t count; /* samples with a value */
    uint64_t gaps;  /* gap samples */
    /* NaN when count == 0 (sum is 0); avg is also NaN when the sum overflowed
     * (values near the double range): an average is never +-Inf */
    double min, max, sum, avg;
    Sample first, last; /* oldest / newest sample with a value */
    /* false when part of the window was only available as whole buckets
     * reaching past an edge (counted whole), or is no longer retained */
    bool exact;
    uint32_t reads; /* buckets + raw samples read (cost; for tests and benchmarks) */
} StoreStats;

/* Fills *out for the window [from, to]; returns true when count > 0. */
bool store_stats(const Store *s, int id, int64_t from, int64_t to, StoreStats *out);

/* Change over a window (gauges: no counter-reset handling). */
typedef struct {
    double delta;      /* last.value - first.value */
    double rate_per_s; /* delta per second between their timestamps */
    Sample first, last;
    bool exact; /* as StoreStats.exact */
} StoreDelta;

/* Fills *out for [from, to]; false when the window has fewer than two
 * samples with a value (no change can be measured). */
bool store_delta(const Store *s, int id, int64_t from, int64_t to, StoreDelta *out);

enum {
    STORE_PT_VALUE = 1, /* the column has at least one value */
    STORE_PT_GAP = 2,   /* the column contains gap samples */
};

/* One chart column. */
typedef struct {
    int64_t ts_ms;   /* start of the column */
    double min, max; /* NaN when the column has no value */
    double last;     /* newest value in the column, NaN when none */
    int64_t last_ts; /* its timestamp (0 when none) */
    unsigned flags;  /* STORE_PT_* ; 0 = no data */
} StorePoint;

#define STORE_CHART_MAX 65536 /* largest number of columns */

/* Splits [from, to] into width equal columns (some 1 ms wider when width
 * does not divide the span) and fills pts[0..width). Columns are built from the
 * coarsest rollup whose buckets are no wider than a column, from raw samples
 * when columns are narrower than every bucket; older parts of the window
 * that a resolution no longer holds come from the next coarser one. Returns
 * the resolution used for the newest part (0 = raw samples, else a bucket
 * width in ms), or -1 for an unknown id, from > to or width outside
 * 1..STORE_CHART_MAX (pts untouched). */
int64_t store_chart(const Store *s, int id, int64_t from, int64_t to, StorePoint *pts,
                    size_t width);

#endif
