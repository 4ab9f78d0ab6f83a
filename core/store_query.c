/* store_query.c - queries over a series: as-of, window statistics, delta and
 * chart columns (see store.h, docs/store.md).
 *
 * Sources of a series, fine to coarse: the raw ring, then each rollup level.
 * A source "covers" time t when it still holds every sample with ts >= t;
 * raw_cov() and level_cov() return the earliest such t. Queries read whole buckets of the
 * coarsest level and only descend to finer sources at the window edges. */
#include "core/store.h"

#include <math.h>
#include <string.h>

#include "core/store_internal.h"

/* A query's view of one series: the newest (pending) sample and its bucket
 * index at every level, computed once per query. */
typedef struct {
    const StoreSeries *s;
    Sample nw;
    int64_t nwb[STORE_MAX_LEVELS];
} View;

/* Fills a view of a non-empty series. */
static void view_init(View *v, const StoreSeries *s)
{
    v->s = s;
    v->nw = store_raw_newest(s);
    for (int i = 0; i < s->nlevels; i++)
        v->nwb[i] = store_fdiv(v->nw.ts_ms, s->lv[i].width);
}

/* Clamps a caller's time into the range the store accepts. */
static int64_t clamp_ts(int64_t t)
{
    if (t < -STORE_TS_LIMIT) return -STORE_TS_LIMIT;
    if (t > STORE_TS_LIMIT) return STORE_TS_LIMIT;
    return t;
}

/* Earliest time from which the raw ring holds every sample. */
static int64_t raw_cov(const StoreSeries *s)
{
    int64_t d = store_raw_dropped(s).ts_ms;
    return d == INT64_MIN ? INT64_MIN : d + 1;
}

/* Earliest time from which level L holds every sample (INT64_MIN: all). */
static int64_t level_cov(const StoreSeries *s, int L)
{
    const StoreLevel *l = &s->lv[L];
    if (!l->used) return INT64_MIN;
    int64_t lowest = l->head - (int64_t)l->cap + 1;
    return lowest <= l->first ? INT64_MIN : lowest * l->width;
}

/* Oldest bucket index of level L worth reading (older ones are empty or gone). */
static int64_t level_lowest(const View *v, int L)
{
    const StoreLevel *l = &v->s->lv[L];
    if (!l->used) return v->nwb[L];
    int64_t lowest = l->head - (int64_t)l->cap + 1;
    return lowest > l->first ? lowest : l->first;
}

/* b, or the pending sample's bucket when b lies in the empty stretch between
 * the ring head and it (a series that was silent for a while): loops over
 * buckets skip that stretch instead of reading it. */
static int64_t skip_up(const View *v, int L, int64_t b)
{
    const StoreLevel *l = &v->s->lv[L];
    return (!l->used || b > l->head) && b < v->nwb[L] ? v->nwb[L] : b;
}

/* The bucket before b worth reading, skipping the same stretch downwards. */
static int64_t skip_down(const View *v, int L, int64_t b)
{
    const StoreLevel *l = &v->s->lv[L];
    b--;
    if (l->used && b > l->head && b < v->nwb[L]) return l->head;
    if (!l->used && b < v->nwb[L]) return INT64_MIN; /* nothing before it */
    return b;
}

/* Copies bucket b of level L into *k, with the pending sample folded in.
 * Returns false when the bucket has been evicted from the ring. */
static bool bucket_get(const View *v, int L, int64_t b, StoreBucket *k)
{
    const StoreLevel *l = &v->s->lv[L];
    int64_t d = l->head - b;
    if (l->used && d >= 0 && d < (int64_t)l->cap) {
        uint32_t slot =
            l->head_slot >= d ? l->head_slot - (uint32_t)d : l->head_slot + l->cap - (uint32_t)d;
        *k = l->b[slot];
    } else if (l->used && d >= (int64_t)l->cap && b >= l->first) {
        return false;
    } else {
        memset(k, 0, sizeof(*k));
    }
    if (b == v->nwb[L]) store_bucket_add(k, (int32_t)(v->nw.ts_ms - b * l->width), v->nw.value);
    return true;
}

/* Offsets of the oldest and newest sample (value or gap) in a non-empty bucket. */
static void bucket_span(const StoreBucket *k, int32_t *oldest, int32_t *newest)
{
    if (k->count == 0) {
        *oldest = k->gfirst_off;
        *newest = k->glast_off;
    } else if (k->gaps == 0) {
        *oldest = k->first_off;
        *newest = k->last_off;
    } else {
        *oldest = k->first_off < k->gfirst_off ? k->first_off : k->gfirst_off;
        *newest = k->last_off > k->glast_off ? k->last_off : k->glast_off;
    }
}

/* Logical index of the first raw sample with ts >= t (raw.n if none). */
static uint32_t raw_lower_bound(const StoreSeries *s, int64_t t)
{
    return rawring_lower_bound(&s->raw, s->cache, t);
}

/* ---- as-of ---- */

/* Answers exactly with one sample (a gap when value is NaN). */
static bool asof_sample(int64_t ts, double value, StoreAsOf *out)
{
    out->res_ms = 0;
    out->ts_ms = ts;
    if (isnan(value)) {
        out->gap = true;
        return false;
    }
    out->value = value;
    return true;
}

/* Answers from the newest sample of bucket k (exact: it is at or before t). */
static bool asof_newest(const StoreBucket *k, int64_t start, StoreAsOf *out)
{
    if (k->count == 0 || (k->gaps > 0 && k->glast_off > k->last_off))
        return asof_sample(start + k->glast_off, NAN, out);
    return asof_sample(start + k->last_off, k->last, out);
}

/* As-of t from level L and, when it holds nothing at or before t, coarser
 * levels. Reads at most one coarser bucket's worth of buckets per level. */
static bool asof_level(const View *v, int L, int64_t t, StoreAsOf *out)
{
    const StoreLevel *l = &v->s->lv[L];
    int64_t w = l->width;
    int64_t b = store_fdiv(t, w);
    int64_t lowest = level_lowest(v, L);
    StoreBucket k;
    int32_t oo, no;
    if (b > v->nwb[L]) b = v->nwb[L];
    if (b >= lowest && bucket_get(v, L, b, &k) && (k.count || k.gaps)) {
        bucket_span(&k, &oo, &no);
        if (b * w + no <= t) return asof_newest(&k, b * w, out);
        if (b * w + oo == t) { /* exactly the bucket's oldest sample */
            if (k.count > 0 && k.first_off == oo) return asof_sample(t, k.first, out);
            return asof_sample(t, NAN, out);
        }
        if (b * w + oo < t) { /* t falls inside the bucket: its last value */
            out->res_ms = w;
            if (k.count == 0) {
                out->gap = true;
                out->ts_ms = b * w + k.glast_off;
                return false;
            }
            out->ts_ms = b * w + k.last_off;
            out->value = k.last;
            return true;
        }
    }
    /* Nothing at or before t in bucket b: walk back, but only to the start of
     * the enclosing coarser bucket; that level then walks back in bigger steps. */
    int64_t stop = lowest;
    if (L + 1 < v->s->nlevels) {
        int64_t pw = v->s->lv[L + 1].width;
        int64_t pb = store_fdiv(b * w, pw) * (pw / w);
        if (pb > stop) stop = pb;
    }
    for (int64_t bb = skip_down(v, L, b); bb >= stop; bb = skip_down(v, L, bb)) {
        if (bucket_get(v, L, bb, &k) && (k.count || k.gaps)) return asof_newest(&k, bb * w, out);
    }
    /* The coarser bucket holding t has nothing at or before t that this
     * level still holds, so it either answers from older samples only this
     * level lost (inside the bucket: its last value) or walks back further. */
    if (L + 1 >= v->s->nlevels) return false;
    return asof_level(v, L + 1, t, out);
}

bool store_asof(const Store *st, int id, int64_t t, StoreAsOf *out)
{
    out->gap = false;
    out->ts_ms = 0;
    out->value = NAN;
    out->res_ms = 0;
    const StoreSeries *s = store_series(st, id);
    if (!s || s->raw.n == 0) return false;
    t = clamp_ts(t);
    if (t >= store_raw_at(s, 0).ts_ms) {
        Sample sm = store_raw_at(s, raw_lower_bound(s, t + 1) - 1); /* newest <= t */
        return asof_sample(sm.ts_ms, sm.value, out);
    }
    Sample dropped = store_raw_dropped(s);
    if (dropped.ts_ms == INT64_MIN) return false; /* t is before all data */
    /* Nothing lies between the last dropped sample and the ring. */
    if (t >= dropped.ts_ms) return asof_sample(dropped.ts_ms, dropped.value, out);
    View v;
    view_init(&v, s);
    for (int L = 0; L < s->nlevels; L++) {
        if (level_cov(s, L) <= t) return asof_level(&v, L, t, out);
    }
    return false; /* no longer retained */
}

/* ---- window statistics ---- */

typedef struct {
    StoreStats *st;
    double min, max, sum;
} Acc;

/* Adds one value (samples arrive in time order). */
static void acc_value(Acc *a, int64_t ts, double x)
{
    StoreStats *st = a->st;
    if (st->count == 0) {
        a->min = a->max = x;
        st->first.ts_ms = ts;
        st->first.value = x;
    } else {
        if (x < a->min) a->min = x;
        if (x > a->max) a->max = x;
    }
    a->sum += x;
    st->last.ts_ms = ts;
    st->last.value = x;
    st->count++;
}

/* Adds a whole bucket that starts at start. */
static void acc_bucket(Acc *a, const StoreBucket *k, int64_t start)
{
    StoreStats *st = a->st;
    st->gaps += k->gaps;
    if (k->count == 0) return;
    if (st->count == 0) {
        a->min = k->min;
        a->max = k->max;
        st->first.ts_ms = start + k->first_off;
        st->first.value = k->first;
    } else {
        if (k->min < a->min) a->min = k->min;
        if (k->max > a->max) a->max = k->max;
    }
    a->sum += k->sum;
    st->last.ts_ms = start + k->last_off;
    st->last.value = k->last;
    st->count += k->count;
}

/* Adds the raw samples with ts in [from, to]. */
static void acc_raw(const StoreSeries *s, Acc *a, int64_t from, int64_t to)
{
    for (uint32_t i = raw_lower_bound(s, from); i < s->raw.n; i++) {
        Sample sm = store_raw_at(s, i);
        if (sm.ts_ms > to) break;
        a->st->reads++;
        if (isnan(sm.value))
            a->st->gaps++;
        else
            acc_value(a, sm.ts_ms, sm.value);
    }
}

/* Adds the samples with ts in [from, to] using level L's whole buckets, and
 * the finest source that still covers an edge bucket's part of the window. */
static void acc_level(const View *v, Acc *a, int L, int64_t from, int64_t to)
{
    const StoreSeries *s = v->s;
    int64_t w = s->lv[L].width;
    int64_t b0 = store_fdiv(from, w), b1 = store_fdiv(to, w);
    int64_t lowest = level_lowest(v, L);
    if (b0 < lowest) b0 = lowest;
    if (b1 > v->nwb[L]) b1 = v->nwb[L];
    for (int64_t b = skip_up(v, L, b0); b <= b1; b = skip_up(v, L, b + 1)) {
        StoreBucket k;
        int32_t oo, no;
        a->st->reads++;
        if (!bucket_get(v, L, b, &k)) {
            a->st->exact = false;
            continue;
        }
        if (k.count == 0 && k.gaps == 0) continue;
        int64_t start = b * w;
        bucket_span(&k, &oo, &no);
        if (start + oo >= from && start + no <= to) {
            acc_bucket(a, &k, start);
            continue;
        }
        if (start + no < from || start + oo > to) continue;
        /* The bucket straddles an edge: read its part from a finer source. */
        int64_t x = from > start ? from : start;
        int64_t y = to < start + w - 1 ? to : start + w - 1;
        int F = L - 1;
        while (F >= 0 && level_cov(s, F) > x)
            F--;
        if (F >= 0) {
            acc_level(v, a, F, x, y);
        } else if (raw_cov(s) <= x) {
            acc_raw(s, a, x, y);
        } else {
            acc_bucket(a, &k, start);
            a->st->exact = false;
        }
    }
}

bool store_stats(const Store *st, int id, int64_t from, int64_t to, StoreStats *out)
{
    memset(out, 0, sizeof(*out));
    out->min = out->max = out->avg = NAN;
    out->first.value = out->last.value = NAN;
    out->exact = true;
    const StoreSeries *s = store_series(st, id);
    from = clamp_ts(from);
    to = clamp_ts(to);
    if (!s || s->raw.n == 0 || from > to) return false;
    Acc a = {.st = out};
    if (s->nlevels == 0) {
        if (store_raw_dropped(s).ts_ms >= from) out->exact = false;
        acc_raw(s, &a, from, to);
    } else {
        View v;
        view_init(&v, s);
        int top = s->nlevels - 1;
        int64_t c = level_cov(s, top);
        if (from < c) {
            /* Older than the coarsest level keeps: only the raw ring may
             * still hold some of it (sparse series). */
            int64_t end = to < c - 1 ? to : c - 1;
            int64_t rc = raw_cov(s);
            if (rc > from) out->exact = false;
            acc_raw(s, &a, rc > from ? rc : from, end);
            from = c;
        }
        if (from <= to) acc_level(&v, &a, top, from, to);
    }
    if (out->count > 0) {
        out->min = a.min;
        out->max = a.max;
        out->sum = a.sum;
        out->avg = a.sum / (double)out->count;
        if (!isfinite(out->avg)) out->avg = NAN; /* the sum overflowed: unknown, not Inf */
    }
    return out->count > 0;
}

bool store_delta(const Store *st, int id, int64_t from, int64_t to, StoreDelta *out)
{
    StoreStats ss;
    store_stats(st, id, from, to, &ss);
    out->first = ss.first;
    out->last = ss.last;
    out->exact = ss.exact;
    out->delta = out->rate_per_s = NAN;
    if (ss.count < 2) return false;
    out->delta = ss.last.value - ss.first.value;
    out->rate_per_s = out->delta * 1000.0 / (double)(ss.last.ts_ms - ss.first.ts_ms);
    return true;
}

/* ---- chart columns ---- */

typedef struct {
    StorePoint *pts; /* pts[i].ts_ms is the start of column i */
    size_t width;
    int64_t from, q, r; /* column i starts at from + i*q + i*r/width */
    double scale;       /* width / span: estimates a column from a time */
} Cols;

/* Start of column i (computed once into pts[i].ts_ms). */
static int64_t col_start(const Cols *c, size_t i)
{
    return c->from + (int64_t)i * c->q + (int64_t)i * c->r / (int64_t)c->width;
}

/* Column holding time t (t within the window): an estimate, then corrected
 * against the exact column starts. */
static size_t col_of(const Cols *c, int64_t t)
{
    double est = (double)(t - c->from) * c->scale;
    size_t i = est < 0 ? 0 : est >= (double)c->width ? c->width - 1 : (size_t)est;
    while (i > 0 && c->pts[i].ts_ms > t)
        i--;
    while (i + 1 < c->width && c->pts[i + 1].ts_ms <= t)
        i++;
    return i;
}

/* Merges values (min, max and a last value at lts) into a column. */
static void pt_merge(StorePoint *p, double mn, double mx, int64_t lts, double lv)
{
    if (!(p->flags & STORE_PT_VALUE)) {
        p->min = mn;
        p->max = mx;
        p->last = lv;
        p->last_ts = lts;
        p->flags |= STORE_PT_VALUE;
        return;
    }
    if (mn < p->min) p->min = mn;
    if (mx > p->max) p->max = mx;
    if (lts >= p->last_ts) {
        p->last = lv;
        p->last_ts = lts;
    }
}

/* Fills columns from the raw samples with ts in [lo, hi]. */
static void fill_raw(const StoreSeries *s, Cols *c, int64_t lo, int64_t hi)
{
    uint32_t i = raw_lower_bound(s, lo);
    if (i >= s->raw.n) return;
    size_t col = col_of(c, store_raw_at(s, i).ts_ms);
    for (; i < s->raw.n; i++) {
        Sample sm = store_raw_at(s, i);
        if (sm.ts_ms > hi) break;
        while (col + 1 < c->width && c->pts[col + 1].ts_ms <= sm.ts_ms)
            col++;
        if (isnan(sm.value))
            c->pts[col].flags |= STORE_PT_GAP;
        else
            pt_merge(&c->pts[col], sm.value, sm.value, sm.ts_ms, sm.value);
    }
}

/* Clamps t into [lo, hi]. */
static int64_t clamp_in(int64_t t, int64_t lo, int64_t hi)
{
    return t < lo ? lo : t > hi ? hi : t;
}

/* Fills columns from level L's buckets that overlap [lo, hi]. A bucket no
 * wider than a column goes to the column of its last sample; a wider one is
 * spread over every column its samples span. */
static void fill_level(const View *v, Cols *c, int L, int64_t lo, int64_t hi)
{
    int64_t w = v->s->lv[L].width;
    int64_t b0 = store_fdiv(lo, w), b1 = store_fdiv(hi, w);
    int64_t lowest = level_lowest(v, L);
    bool spread = w > c->q;
    if (b0 < lowest) b0 = lowest;
    if (b1 > v->nwb[L]) b1 = v->nwb[L];
    for (int64_t b = skip_up(v, L, b0); b <= b1; b = skip_up(v, L, b + 1)) {
        StoreBucket k;
        if (!bucket_get(v, L, b, &k)) continue;
        int64_t start = b * w;
        if (k.count > 0 && start + k.last_off >= lo && start + k.first_off <= hi) {
            int64_t vn = clamp_in(start + k.last_off, lo, hi);
            size_t c1 = col_of(c, vn);
            size_t c0 = spread ? col_of(c, clamp_in(start + k.first_off, lo, hi)) : c1;
            for (size_t i = c0; i <= c1; i++)
                pt_merge(&c->pts[i], k.min, k.max, start + k.last_off, k.last);
        }
        if (k.gaps > 0 && start + k.glast_off >= lo && start + k.gfirst_off <= hi) {
            size_t c1 = col_of(c, clamp_in(start + k.glast_off, lo, hi));
            size_t c0 = spread ? col_of(c, clamp_in(start + k.gfirst_off, lo, hi)) : c1;
            for (size_t i = c0; i <= c1; i++)
                c->pts[i].flags |= STORE_PT_GAP;
        }
    }
}

int64_t store_chart(const Store *st, int id, int64_t from, int64_t to, StorePoint *pts,
                    size_t width)
{
    const StoreSeries *s = store_series(st, id);
    if (!s || !pts || width < 1 || width > STORE_CHART_MAX) return -1;
    from = clamp_ts(from);
    to = clamp_ts(to);
    if (from > to) return -1;
    int64_t span = to - from + 1;
    Cols c = {.pts = pts, .width = width, .from = from};
    c.q = span / (int64_t)width;
    c.r = span % (int64_t)width;
    c.scale = (double)width / (double)span;
    for (size_t i = 0; i < width; i++) {
        pts[i].ts_ms = col_start(&c, i);
        pts[i].min = pts[i].max = pts[i].last = NAN;
        pts[i].last_ts = 0;
        pts[i].flags = 0;
    }
    /* The coarsest level whose buckets fit in a column; raw if none does. */
    int src = -1;
    for (int L = s->nlevels - 1; L >= 0; L--) {
        if (s->lv[L].width <= c.q) {
            src = L;
            break;
        }
    }
    int64_t res = src < 0 ? 0 : s->lv[src].width;
    if (s->raw.n == 0) return res;
    View v;
    view_init(&v, s);
    int64_t hi = to;
    for (;; src++) {
        int64_t cov = src < 0 ? raw_cov(s) : level_cov(s, src);
        int64_t lo = from > cov ? from : cov;
        if (lo <= hi) {
            if (src < 0)
                fill_raw(s, &c, lo, hi);
            else
                fill_level(&v, &c, src, lo, hi);
        }
        if (cov <= from || src + 1 >= s->nlevels) break;
        hi = cov - 1;
    }
    return res;
}
