/* store.c - series creation, key lookup and appends (see store.h, docs/store.md). */
#include "core/store.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "core/store_internal.h"

#define STORE_SERIES_MAX (1u << 20) /* series per store */

/* Formats a message into *err when err is not NULL. */
static void set_err(StoreError *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(StoreError *err, const char *fmt, ...)
{
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

StoreSpec store_spec_default(void)
{
    StoreSpec sp;
    memset(&sp, 0, sizeof(sp));
    sp.raw_capacity = 1024;
    sp.levels = 2;
    sp.level[0].width_ms = 60 * 1000;
    sp.level[0].capacity = 1500;
    sp.level[1].width_ms = 3600 * 1000;
    sp.level[1].capacity = 840;
    return sp;
}

bool store_spec_check(const StoreSpec *spec, StoreError *err)
{
    if (!spec) {
        set_err(err, "%s", _("missing series spec"));
        return false;
    }
    if (spec->raw_capacity < 2 || spec->raw_capacity > STORE_CAP_MAX) {
        set_err(err, _("raw capacity %u out of range: expected 2..%u samples"),
                (unsigned)spec->raw_capacity, (unsigned)STORE_CAP_MAX);
        return false;
    }
    if (spec->levels < 0 || spec->levels > STORE_MAX_LEVELS) {
        set_err(err, _("%d rollup levels: expected 0..%d"), spec->levels, STORE_MAX_LEVELS);
        return false;
    }
    for (int i = 0; i < spec->levels; i++) {
        const StoreLevelSpec *l = &spec->level[i];
        if (l->width_ms < 1 || l->width_ms > INT32_MAX) {
            set_err(err, _("rollup level %d: width %lld ms out of range: expected 1..%ld ms"),
                    i + 1, (long long)l->width_ms, (long)INT32_MAX);
            return false;
        }
        if (l->capacity < 1 || l->capacity > STORE_CAP_MAX) {
            set_err(err, _("rollup level %d: capacity %u out of range: expected 1..%u buckets"),
                    i + 1, (unsigned)l->capacity, (unsigned)STORE_CAP_MAX);
            return false;
        }
        if (i == 0) continue;
        const StoreLevelSpec *f = &spec->level[i - 1];
        if (l->width_ms <= f->width_ms || l->width_ms % f->width_ms != 0) {
            set_err(err,
                    _("rollup level %d: width %lld ms must be a larger multiple of level %d's "
                      "%lld ms"),
                    i + 1, (long long)l->width_ms, i, (long long)f->width_ms);
            return false;
        }
        if (l->width_ms * (int64_t)l->capacity < f->width_ms * (int64_t)f->capacity) {
            set_err(err,
                    _("rollup level %d keeps less time than level %d: expected coarser "
                      "levels to keep at least as long"),
                    i + 1, i);
            return false;
        }
    }
    return true;
}

/* Rounds n up to a multiple of 64 (cache line) */
static size_t round64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

size_t store_series_bytes(const StoreSpec *spec)
{
    if (!store_spec_check(spec, NULL)) return 0;
    size_t n = round64(sizeof(StoreSeries));
    n += round64(rawring_bound(spec->raw_capacity));
    for (int i = 0; i < spec->levels; i++)
        n += round64((size_t)spec->level[i].capacity * sizeof(StoreBucket));
    return n;
}

/* Frees one series and its rings (NULL is fine). */
static void series_free(StoreSeries *s)
{
    if (!s) return;
    for (int i = 0; i < s->nlevels; i++)
        free(s->lv[i].b);
    rawring_free(&s->raw, s->cache);
    free(s);
}

/* Allocates one series with the key after the struct and its rings at their
 * first, small sizes (they grow as they fill: ring_grow). */
static StoreSeries *series_new(const char *key, const StoreSpec *spec, RawCache *cache)
{
    size_t klen = strlen(key);
    StoreSeries *s = calloc(1, sizeof(StoreSeries) + klen + 1);
    if (!s) return NULL;
    s->key = (char *)(s + 1);
    memcpy(s->key, key, klen + 1);
    s->spec = *spec;
    s->cache = cache;
    bool raw = rawring_init(&s->raw, spec->raw_capacity);
    s->bytes = sizeof(StoreSeries) + klen + 1;
    for (int i = 0; raw && i < spec->levels; i++) {
        StoreLevel *l = &s->lv[i];
        l->width = spec->level[i].width_ms;
        l->cap = spec->level[i].capacity;
        l->alloc = l->cap < STORE_LEVEL_FIRST ? l->cap : STORE_LEVEL_FIRST;
        l->b = calloc(l->alloc, sizeof(StoreBucket));
        s->nlevels = i + 1;
        if (!l->b) break;
        s->bytes += (size_t)l->alloc * sizeof(StoreBucket);
    }
    if (!raw || s->nlevels != spec->levels || (s->nlevels && !s->lv[s->nlevels - 1].b)) {
        series_free(s);
        return NULL;
    }
    return s;
}

/* Grows the array *arr of *alloc elements of size elem (zeroing the new
 * ones) to hold at least need of them: doubling, at most cap. Counts the
 * added bytes in *bytes. False when out of memory (nothing changed). */
static bool ring_grow(void **arr, uint32_t *alloc, uint32_t need, uint32_t cap, size_t elem,
                      size_t *bytes)
{
    if (need <= *alloc || *alloc >= cap) return true;
    uint64_t n = *alloc;
    while (n < need)
        n *= 2;
    if (n > cap) n = cap;
    unsigned char *p = realloc(*arr, (size_t)n * elem);
    if (!p) return false;
    memset(p + (size_t)*alloc * elem, 0, (size_t)(n - *alloc) * elem);
    *bytes += (size_t)(n - *alloc) * elem;
    *arr = p;
    *alloc = (uint32_t)n;
    return true;
}

/* Slots of level l that committing a sample at ts will touch: 0 .. the
 * returned count - 1 (see the invariants in store_internal.h). */
static uint32_t level_need(const StoreLevel *l, int64_t ts)
{
    if (!l->used) return 1;
    if (ts < l->head_end) return l->head_slot + 1;
    int64_t k = store_fdiv(ts, l->width) - l->head;
    if (k >= (int64_t)l->cap - (int64_t)l->head_slot) return l->cap; /* wraps */
    return l->head_slot + (uint32_t)k + 1;
}

Store *store_new(void)
{
    return calloc(1, sizeof(Store));
}

void store_free(Store *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++)
        series_free(s->v[i]);
    free(s->v);
    free(s->hash);
    free(s);
}

/* FNV-1a hash of a NUL-terminated key. */
static uint64_t key_hash(const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

/* Puts id into the hash table (there is always a free slot). */
static void hash_put(Store *s, int id)
{
    size_t mask = s->hcap - 1;
    size_t i = (size_t)key_hash(s->v[id]->key) & mask;
    while (s->hash[i])
        i = (i + 1) & mask;
    s->hash[i] = id + 1;
}

/* Makes room for one more series: grows the array and keeps the hash table
 * at most half full. Returns false when out of memory (nothing changed). */
static bool reserve_one(Store *s)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        StoreSeries **v = realloc(s->v, cap * sizeof(*v));
        if (!v) return false;
        s->v = v;
        s->cap = cap;
    }
    if ((s->n + 1) * 2 > s->hcap) {
        size_t hcap = s->hcap ? s->hcap * 2 : 32;
        int32_t *h = calloc(hcap, sizeof(*h));
        if (!h) return false;
        free(s->hash);
        s->hash = h;
        s->hcap = hcap;
        for (size_t i = 0; i < s->n; i++)
            hash_put(s, (int)i);
    }
    return true;
}

int store_find(const Store *s, const char *key)
{
    if (!s || !key || !s->hcap) return -1;
    size_t mask = s->hcap - 1;
    for (size_t i = (size_t)key_hash(key) & mask; s->hash[i]; i = (i + 1) & mask) {
        int id = s->hash[i] - 1;
        if (strcmp(s->v[id]->key, key) == 0) return id;
    }
    return -1;
}

int store_add(Store *s, const char *key, const StoreSpec *spec, StoreError *err)
{
    StoreSpec def = store_spec_default();
    if (!spec) spec = &def;
    if (!s || !key || !*key) {
        set_err(err, "%s", _("empty series key: expected feed_id.kpi_id"));
        return -1;
    }
    size_t klen = strlen(key);
    if (klen > STORE_KEY_MAX) {
        set_err(err, _("series key is %zu bytes long: expected at most %d"), klen, STORE_KEY_MAX);
        return -1;
    }
    if (store_find(s, key) >= 0) {
        set_err(err, _("duplicate series key '%s'"), key);
        return -1;
    }
    if (!store_spec_check(spec, err)) return -1;
    if (s->n >= STORE_SERIES_MAX) {
        set_err(err, _("too many series: at most %u"), (unsigned)STORE_SERIES_MAX);
        return -1;
    }
    StoreSeries *ser = NULL;
    if (!reserve_one(s) || !(ser = series_new(key, spec, &s->cache))) {
        set_err(err, _("out of memory adding series '%s'"), key);
        return -1;
    }
    int id = (int)s->n;
    s->v[s->n++] = ser;
    hash_put(s, id);
    return id;
}

size_t store_count(const Store *s)
{
    return s ? s->n : 0;
}

const char *store_key(const Store *s, int id)
{
    const StoreSeries *ser = store_series(s, id);
    return ser ? ser->key : NULL;
}

size_t store_memory(const Store *s)
{
    if (!s) return 0;
    size_t n = sizeof(*s) + s->cap * sizeof(*s->v) + s->hcap * sizeof(*s->hash);
    for (size_t i = 0; i < s->n; i++)
        n += s->v[i]->bytes + s->v[i]->raw.bytes;
    return n;
}

/* Folds a sample that is no longer the newest into a level, moving the head
 * (and zeroing the buckets it passes) when the sample starts a new bucket. */
static void level_commit(StoreLevel *l, int64_t ts, double v)
{
    if (!l->used || ts >= l->head_end) {
        int64_t b = store_fdiv(ts, l->width);
        if (!l->used) {
            l->used = true;
            l->first = b;
            l->head_slot = 0;
            memset(&l->b[0], 0, sizeof(l->b[0]));
        } else {
            int64_t k = b - l->head;
            if (k >= (int64_t)l->cap) {
                memset(l->b, 0, (size_t)l->cap * sizeof(l->b[0]));
                l->head_slot = (uint32_t)((l->head_slot + (uint64_t)k) % l->cap);
            } else {
                for (int64_t j = 0; j < k; j++) {
                    if (++l->head_slot == l->cap) l->head_slot = 0;
                    memset(&l->b[l->head_slot], 0, sizeof(l->b[0]));
                }
            }
        }
        l->head = b;
        l->head_end = (b + 1) * l->width;
    }
    store_bucket_add(&l->b[l->head_slot], (int32_t)(ts - (l->head_end - l->width)), v);
}

StoreRc store_append(Store *st, int id, int64_t ts, double v)
{
    if (!st || id < 0 || (size_t)id >= st->n) return STORE_EINVAL;
    if (ts < -STORE_TS_LIMIT || ts > STORE_TS_LIMIT || isinf(v)) return STORE_EINVAL;
    StoreSeries *s = st->v[id];
    bool gap = isnan(v);
    if (gap) v = NAN; /* one canonical NaN */
    bool had = s->raw.n > 0;
    Sample prev = {0, 0};
    if (had) {
        Sample *nw = rawring_newest(&s->raw);
        if (ts < nw->ts_ms) return STORE_EOLD;
        if (ts == nw->ts_ms) {
            /* Only the newest sample changes; rollups never saw it. */
            bool was_value = !isnan(nw->value);
            nw->value = v;
            if (was_value && gap) {
                s->good = s->prev_good;
                s->has_good = s->has_prev_good;
                s->has_prev_good = false; /* only needed again after a newer value */
            } else if (!gap) {
                if (!was_value) {
                    s->prev_good = s->good;
                    s->has_prev_good = s->has_good;
                }
                s->good = *nw;
                s->has_good = true;
            }
            return STORE_REPLACED;
        }
        /* Room first, so that running out of memory changes nothing. */
        for (int i = 0; i < s->nlevels; i++) {
            StoreLevel *l = &s->lv[i];
            if (!ring_grow((void **)&l->b, &l->alloc, level_need(l, nw->ts_ms), l->cap,
                           sizeof(StoreBucket), &s->bytes))
                return STORE_ENOMEM;
        }
        prev = *nw;
    }
    if (!rawring_push(&s->raw, ts, v)) return STORE_ENOMEM;
    if (had)
        for (int i = 0; i < s->nlevels; i++)
            level_commit(&s->lv[i], prev.ts_ms, prev.value);
    if (!gap) {
        s->prev_good = s->good;
        s->has_prev_good = s->has_good;
        s->good = (Sample){ts, v};
        s->has_good = true;
    }
    return STORE_OK;
}

bool store_last(const Store *st, int id, Sample *out)
{
    const StoreSeries *s = store_series(st, id);
    if (!s || s->raw.n == 0) return false;
    *out = store_raw_newest(s);
    return true;
}

bool store_last_value(const Store *st, int id, Sample *out)
{
    const StoreSeries *s = store_series(st, id);
    if (!s || !s->has_good) return false;
    *out = s->good;
    return true;
}
