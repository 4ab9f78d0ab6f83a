/* rawring.c - a store series' raw samples in compressed chunks (see rawring.h). */
#include "core/rawring.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool rawring_init(RawRing *r, uint32_t cap)
{
    memset(r, 0, sizeof(*r));
    r->cap = cap;
    r->size = cap < RAWRING_CHUNK ? cap : RAWRING_CHUNK;
    r->head_alloc = r->size < RAWRING_HEAD_FIRST ? r->size : RAWRING_HEAD_FIRST;
    r->head = malloc((size_t)r->head_alloc * sizeof(Sample));
    r->freed.ts_ms = INT64_MIN;
    r->bytes = (size_t)r->head_alloc * sizeof(Sample);
    return r->head != NULL;
}

/* Most chunks a ring of cap samples holds at once: those covering cap
 * samples, one partly dropped, and one just sealed. */
static uint32_t max_chunks(uint32_t cap, uint32_t size)
{
    return cap / size + 2;
}

size_t rawring_bound(uint32_t cap)
{
    uint32_t size = cap < RAWRING_CHUNK ? cap : RAWRING_CHUNK;
    size_t chunks = max_chunks(cap, size);
    return (size_t)size * sizeof(Sample) + chunks * (sizeof(RawChunk) + size * sizeof(Sample));
}

/* The chunk k places after the oldest. */
static const RawChunk *chunk_at(const RawRing *r, uint32_t k)
{
    uint32_t p = r->ch_start + k;
    if (p >= r->ch_alloc) p -= r->ch_alloc;
    return &r->ch[p];
}

void rawring_free(RawRing *r, RawCache *c)
{
    for (uint32_t k = 0; k < r->ch_n; k++)
        free(chunk_at(r, k)->data);
    free(r->ch);
    free(r->head);
    if (c)
        for (int i = 0; i < RAWRING_CACHE; i++)
            if (c->e[i].ring == r) c->e[i].ring = NULL;
    memset(r, 0, sizeof(*r));
    r->freed.ts_ms = INT64_MIN;
}

/* Seals the full head into a new chunk; false when out of memory (nothing
 * changed). */
static bool seal(RawRing *r)
{
    if (r->ch_n == r->ch_alloc) {
        uint32_t most = max_chunks(r->cap, r->size);
        uint32_t na = r->ch_alloc ? r->ch_alloc * 2 : 2;
        if (na > most) na = most;
        if (na <= r->ch_n) return false; /* cannot happen: see max_chunks() */
        RawChunk *nc = malloc((size_t)na * sizeof(*nc));
        if (!nc) return false;
        for (uint32_t k = 0; k < r->ch_n; k++)
            nc[k] = *chunk_at(r, k);
        free(r->ch);
        r->bytes += (size_t)(na - r->ch_alloc) * sizeof(*nc);
        r->ch = nc;
        r->ch_alloc = na;
        r->ch_start = 0;
    }
    TsbPoint pts[RAWRING_CHUNK];
    for (uint32_t i = 0; i < r->size; i++)
        pts[i] = (TsbPoint){r->head[i].ts_ms, r->head[i].value};
    uint8_t *data = NULL;
    size_t len = 0;
    size_t plain = (size_t)r->size * sizeof(Sample);
    bool is_plain = tsblock_encode(pts, r->size, &data, &len) != 0 || len >= plain;
    if (is_plain) {
        free(data);
        data = malloc(plain);
        if (!data) return false;
        memcpy(data, r->head, plain);
        len = plain;
    }
    uint32_t p = r->ch_start + r->ch_n;
    if (p >= r->ch_alloc) p -= r->ch_alloc;
    r->ch[p] = (RawChunk){r->head[0].ts_ms, r->head[r->size - 1], data, (uint32_t)len, is_plain};
    r->ch_n++;
    r->bytes += len;
    r->head_n = 0;
    return true;
}

bool rawring_push(RawRing *r, int64_t ts, double value)
{
    if (r->head_n == r->size) {
        if (!seal(r)) return false;
    } else if (r->head_n == r->head_alloc) {
        uint32_t na = r->head_alloc * 2 > r->size ? r->size : r->head_alloc * 2;
        Sample *nh = realloc(r->head, (size_t)na * sizeof(Sample));
        if (!nh) return false;
        r->bytes += (size_t)(na - r->head_alloc) * sizeof(Sample);
        r->head = nh;
        r->head_alloc = na;
    }
    r->head[r->head_n++] = (Sample){ts, value};
    if (r->n < r->cap)
        r->n++;
    else
        r->skip++;
    while (r->ch_n > 0 && r->skip >= r->size) {
        RawChunk *old = &r->ch[r->ch_start];
        r->freed = old->last;
        r->bytes -= old->len;
        free(old->data);
        old->data = NULL;
        if (++r->ch_start == r->ch_alloc) r->ch_start = 0;
        r->ch_n--;
        r->seq++;
        r->skip -= r->size;
    }
    return true;
}

/* The decoded samples of chunk k, through cache c. */
static const TsbPoint *decoded(const RawRing *r, RawCache *c, uint32_t k)
{
    uint64_t seq = r->seq + k;
    size_t h = (((uintptr_t)r >> 4) * 31u + (size_t)seq) % RAWRING_CACHE;
    if (c->e[h].ring == r && c->e[h].seq == seq) return c->e[h].s;
    const RawChunk *ch = chunk_at(r, k);
    size_t n = 0;
    if (ch->plain) {
        const Sample *sp = (const Sample *)ch->data;
        for (uint32_t i = 0; i < r->size; i++)
            c->e[h].s[i] = (TsbPoint){sp[i].ts_ms, sp[i].value};
        n = r->size;
    } else {
        char err[8];
        if (tsblock_decode_into(ch->data, ch->len, c->e[h].s, RAWRING_CHUNK, &n, err,
                                sizeof(err)) != 0)
            n = 0;
    }
    /* Our own encoding never fails to decode; if memory were damaged, read gaps. */
    for (size_t i = n; i < r->size; i++)
        c->e[h].s[i] = (TsbPoint){ch->first_ts, NAN};
    c->e[h].ring = r;
    c->e[h].seq = seq;
    return c->e[h].s;
}

/* The sample at physical index j (0 = the oldest sample of the oldest chunk). */
static Sample physical(const RawRing *r, RawCache *c, uint32_t j)
{
    uint32_t in_chunks = r->ch_n * r->size;
    if (j >= in_chunks) return r->head[j - in_chunks];
    const TsbPoint *p = &decoded(r, c, j / r->size)[j % r->size];
    return (Sample){p->ts_ms, p->value};
}

Sample rawring_get(const RawRing *r, RawCache *c, uint32_t i)
{
    return physical(r, c, r->skip + i);
}

Sample rawring_dropped(const RawRing *r, RawCache *c)
{
    return r->skip > 0 ? physical(r, c, r->skip - 1) : r->freed;
}

uint32_t rawring_lower_bound(const RawRing *r, RawCache *c, int64_t t)
{
    uint32_t j;
    if (r->ch_n == 0 || chunk_at(r, r->ch_n - 1)->last.ts_ms < t) {
        uint32_t lo = 0, hi = r->head_n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (r->head[mid].ts_ms < t)
                lo = mid + 1;
            else
                hi = mid;
        }
        j = r->ch_n * r->size + lo;
    } else {
        uint32_t lo = 0, hi = r->ch_n - 1; /* the first chunk whose newest is >= t */
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (chunk_at(r, mid)->last.ts_ms < t)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* p[size - 1] >= t: the bound is inside the chunk. */
        uint32_t a = (uint32_t)tsblock_lower_bound(decoded(r, c, lo), r->size, t);
        j = lo * r->size + a;
    }
    return j < r->skip ? 0 : j - r->skip;
}
