/* archive_block.c - the archive writer's samples: compressed blocks of a
 * series' samples (parse/tsblock.h), the minute and hour rollups written
 * when a minute is over, the tail of samples whose block is still open, its
 * replay after a start or a kill, and the conversion of schema-1 (raw rows)
 * and schema-2 (one block per minute) archives.
 *
 * Invariants: the blocks of a series hold exactly its samples up to
 * closed_ts (the newest sample in a closed block); every later sample that
 * was committed is in the tail. Closed blocks hold only samples that are in
 * the rollups; the open samples before rolled_ts (rollup_mark) are too, the
 * later ones not. A block is closed at a minute boundary (a minute's samples
 * stay together) once it holds AR_BLOCK_SAMPLES samples, or before it would
 * span AR_BLOCK_SPAN. Each open sample is written to the tail once, in a
 * chunk tagged with the minute its block began; a tag's chunks are deleted
 * when no open sample is left in them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/archive_internal.h"
#include "base/i18n.h"

/* The aggregate of samples in one bucket, as the rollup tables keep it. */
typedef struct {
    int64_t n, gaps;
    double min, max, sum, first, last;
    int64_t first_ts, last_ts;
} BlockAgg;

/* The aggregate of p[0..n). */
static BlockAgg aggregate(const TsbPoint *p, size_t n)
{
    BlockAgg g = {0};
    for (size_t i = 0; i < n; i++) {
        double v = p[i].value;
        if (isnan(v)) {
            g.gaps++;
            continue;
        }
        if (g.n == 0) {
            g.min = g.max = g.first = v;
            g.first_ts = p[i].ts_ms;
        }
        if (v < g.min) g.min = v;
        if (v > g.max) g.max = v;
        g.sum += v;
        g.last = v;
        g.last_ts = p[i].ts_ms;
        g.n++;
    }
    return g;
}

/* Merges aggregate g of series id into bucket ts of a rollup table. */
static int upsert(sqlite3_stmt *st, sqlite3_int64 id, int64_t ts, const BlockAgg *g)
{
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, ts);
    sqlite3_bind_int64(st, 3, g->n);
    sqlite3_bind_int64(st, 4, g->gaps);
    if (g->n > 0) {
        sqlite3_bind_double(st, 5, g->min);
        sqlite3_bind_double(st, 6, g->max);
        sqlite3_bind_double(st, 7, g->sum);
        sqlite3_bind_int64(st, 8, g->first_ts);
        sqlite3_bind_double(st, 9, g->first);
        sqlite3_bind_int64(st, 10, g->last_ts);
        sqlite3_bind_double(st, 11, g->last);
    }
    return ar_run(st);
}

/* Reads the newest closed sample time of w once. SQLite code (DONE ok). */
static int ensure_loaded(Archive *a, ArWSeries *w)
{
    if (w->loaded || !w->id) return SQLITE_DONE;
    sqlite3_stmt *st = a->st[ST_CLOSED_TS];
    sqlite3_bind_int64(st, 1, w->id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        w->has_closed = true;
        w->closed_ts = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
    w->loaded = true;
    return SQLITE_DONE;
}

/* Index of tag in a->tags, or where it would go (*found false). */
static size_t tag_find(const Archive *a, int64_t tag, bool *found)
{
    size_t lo = 0, hi = a->n_tags;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->tags[mid].tag < tag)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < a->n_tags && a->tags[lo].tag == tag;
    return lo;
}

/* One more run holds open samples in the chunks of tag. false when out of memory. */
static bool tag_ref(Archive *a, int64_t tag)
{
    bool found;
    size_t i = tag_find(a, tag, &found);
    if (found) {
        a->tags[i].refs++;
        return true;
    }
    if (a->n_tags == a->cap_tags) {
        size_t nc = a->cap_tags ? a->cap_tags * 2 : 16;
        ArTagRef *nt = realloc(a->tags, nc * sizeof(*nt));
        if (!nt) return false;
        a->tags = nt;
        a->cap_tags = nc;
    }
    memmove(a->tags + i + 1, a->tags + i, (a->n_tags - i) * sizeof(*a->tags));
    a->tags[i] = (ArTagRef){tag, 1};
    a->n_tags++;
    return true;
}

/* A run in the chunks of tag is closed; the last one deletes the tag's
 * chunks. SQLite code (DONE ok). */
static int tag_unref(Archive *a, int64_t tag)
{
    bool found;
    size_t i = tag_find(a, tag, &found);
    if (!found || --a->tags[i].refs > 0) return SQLITE_DONE;
    memmove(a->tags + i, a->tags + i + 1, (a->n_tags - i - 1) * sizeof(*a->tags));
    a->n_tags--;
    sqlite3_stmt *st = a->st[ST_TAIL_TRIM];
    sqlite3_bind_int64(st, 1, tag);
    return ar_run(st);
}

/* Records that w's next open sample is written to a chunk of tag. false
 * when out of memory. */
static bool run_push(Archive *a, ArWSeries *w, int64_t tag)
{
    if (w->n_runs && w->runs[w->n_runs - 1].tag == tag) {
        w->runs[w->n_runs - 1].n++;
        w->n_tailed++;
        return true;
    }
    if (w->n_runs == w->cap_runs) {
        size_t nc = w->cap_runs ? w->cap_runs * 2 : 4;
        ArTagRun *nr = realloc(w->runs, nc * sizeof(*nr));
        if (!nr) return false;
        w->runs = nr;
        w->cap_runs = nc;
    }
    if (!tag_ref(a, tag)) return false;
    w->runs[w->n_runs++] = (ArTagRun){tag, 1};
    w->n_tailed++;
    return true;
}

/* Forgets the c oldest open samples of w in its runs (they are in a closed
 * block now). SQLite code (DONE ok). */
static int runs_pop(Archive *a, ArWSeries *w, size_t c)
{
    size_t drop = 0;
    int rc = SQLITE_DONE;
    if (c > w->n_tailed) c = w->n_tailed;
    w->n_tailed -= c;
    while (c && drop < w->n_runs) {
        ArTagRun *r = &w->runs[drop];
        size_t k = c < r->n ? c : r->n;
        r->n -= k;
        c -= k;
        if (r->n) break;
        drop++;
        if (rc == SQLITE_DONE) rc = tag_unref(a, r->tag);
    }
    if (drop) memmove(w->runs, w->runs + drop, (w->n_runs - drop) * sizeof(*w->runs));
    w->n_runs -= drop;
    return rc;
}

/* The number of w's open samples before time t. */
static size_t count_before(const ArWSeries *w, int64_t t)
{
    return tsblock_lower_bound(w->open, w->n_open, t);
}

/* Writes the rollups of w's open samples before rolled_ts not yet in them,
 * one minute and hour upsert per minute. SQLite code (DONE ok). */
static int roll(Archive *a, ArWSeries *w)
{
    while (w->n_rolled < w->n_open && w->open[w->n_rolled].ts_ms < a->rolled_ts) {
        size_t i = w->n_rolled, e = i + 1;
        int64_t m = ar_floor(w->open[i].ts_ms, AR_MINUTE);
        while (e < w->n_open && w->open[e].ts_ms < a->rolled_ts && w->open[e].ts_ms < m + AR_MINUTE)
            e++;
        BlockAgg g = aggregate(w->open + i, e - i);
        int rc = upsert(a->st[ST_MINUTE], w->id, m, &g);
        if (rc == SQLITE_DONE) rc = upsert(a->st[ST_HOUR], w->id, ar_floor(m, 3600000), &g);
        if (rc != SQLITE_DONE) return rc;
        w->n_rolled = e;
    }
    return SQLITE_DONE;
}

/* Writes w's c oldest open samples as a closed block. SQLite code (DONE ok). */
static int close_block(Archive *a, ArWSeries *w, size_t c)
{
    uint8_t *blob;
    size_t len;
    if (tsblock_encode(w->open, c, &blob, &len) != 0) return SQLITE_NOMEM;
    sqlite3_stmt *st = a->st[ST_BLOCK];
    sqlite3_bind_int64(st, 1, w->id);
    sqlite3_bind_int64(st, 2, w->open[0].ts_ms);
    sqlite3_bind_int64(st, 3, w->open[c - 1].ts_ms);
    sqlite3_bind_blob(st, 4, blob, (int)len, SQLITE_STATIC);
    int rc = ar_run(st);
    free(blob);
    if (rc == SQLITE_DONE) rc = runs_pop(a, w, c);
    if (rc != SQLITE_DONE) return rc;
    w->has_closed = true;
    w->closed_ts = w->open[c - 1].ts_ms;
    memmove(w->open, w->open + c, (w->n_open - c) * sizeof(*w->open));
    w->n_open -= c;
    if (w->cap_open > 64 && w->n_open * 4 < w->cap_open) { /* a burst is over: give it back */
        size_t nc = w->n_open * 2 > 64 ? w->n_open * 2 : 64;
        TsbPoint *np = realloc(w->open, nc * sizeof(*np));
        if (np) {
            w->open = np;
            w->cap_open = nc;
        }
    }
    w->n_rolled = w->n_rolled > c ? w->n_rolled - c : 0;
    return SQLITE_DONE;
}

/* Closes w's open samples that make full blocks: those before the minute of
 * rolled_ts (in the rollups, whole minutes) once they are AR_BLOCK_SAMPLES,
 * or once that minute reaches AR_BLOCK_SPAN after the block's first minute.
 * Then the time this is due again, in *due (0 none). SQLite code. */
static int close_full(Archive *a, ArWSeries *w, int64_t *due)
{
    int64_t rm = a->rolled_ts == INT64_MIN ? INT64_MIN : ar_floor(a->rolled_ts, AR_MINUTE);
    *due = 0;
    while (w->n_open) {
        int64_t limit = ar_floor(w->open[0].ts_ms, AR_MINUTE) + AR_BLOCK_SPAN;
        size_t c = count_before(w, rm < limit ? rm : limit);
        if (!c || (c < AR_BLOCK_SAMPLES && rm < limit)) {
            size_t k = count_before(w, rm);
            *due = k < w->n_open ? ar_floor(w->open[k].ts_ms, AR_MINUTE) + AR_MINUTE + AR_GRACE
                                 : limit + AR_GRACE;
            return SQLITE_DONE;
        }
        int rc = close_block(a, w, c);
        if (rc != SQLITE_DONE) return rc;
    }
    return SQLITE_DONE;
}

/* Adds one sample to w's open block; *taken false when it is not newer than
 * what w holds (skipped). */
static int add(Archive *a, ArWSeries *w, int64_t ts, double v, bool *taken)
{
    *taken = false;
    int rc = ensure_loaded(a, w);
    if (rc != SQLITE_DONE) return rc;
    if (w->has_closed && ts <= w->closed_ts) return SQLITE_DONE;
    if (w->n_open && ts <= w->open[w->n_open - 1].ts_ms) return SQLITE_DONE;
    if (w->n_open == w->cap_open) {
        size_t nc = w->cap_open ? w->cap_open * 2 : 16;
        TsbPoint *np = realloc(w->open, nc * sizeof(*np));
        if (!np) return SQLITE_NOMEM;
        w->open = np;
        w->cap_open = nc;
    }
    w->open[w->n_open++] = (TsbPoint){ts, v};
    *taken = true;
    return SQLITE_DONE;
}

/* A tail entry waiting to be written, with its chunk's tag. */
typedef struct {
    int64_t tag;
    size_t order;
    TsbEntry e;
} TagEntry;

/* Orders entries by tag, then as they came. */
static int tag_entry_cmp(const void *x, const void *y)
{
    const TagEntry *a = x, *b = y;
    if (a->tag != b->tag) return a->tag < b->tag ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Writes the open samples not yet in the tail as chunks, one per tag (the
 * minute the series' open block began). SQLite code (DONE ok). */
static int write_tail(Archive *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_ws; i++)
        n += a->ws[i].n_open - a->ws[i].n_tailed;
    if (!n) return SQLITE_DONE;
    TagEntry *t = malloc(n * sizeof(*t));
    TsbEntry *e = malloc(n * sizeof(*e));
    if (!t || !e) {
        free(t);
        free(e);
        return SQLITE_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < a->n_ws; i++) {
        ArWSeries *w = &a->ws[i];
        int64_t tag = w->n_open ? ar_floor(w->open[0].ts_ms, AR_MINUTE) : 0;
        for (size_t j = w->n_tailed; j < w->n_open; j++, k++)
            t[k] = (TagEntry){tag, k, {(uint64_t)w->id, w->open[j].ts_ms, w->open[j].value}};
        while (w->n_tailed < w->n_open) /* run_push() counts it in n_tailed */
            if (!run_push(a, w, tag)) {
                free(t);
                free(e);
                return SQLITE_NOMEM;
            }
    }
    qsort(t, n, sizeof(*t), tag_entry_cmp);
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < n && rc == SQLITE_DONE;) {
        size_t m = 0;
        int64_t max_ts = INT64_MIN, tag = t[i].tag;
        for (; i < n && t[i].tag == tag; i++) {
            e[m++] = t[i].e;
            if (t[i].e.ts_ms > max_ts) max_ts = t[i].e.ts_ms;
        }
        uint8_t *blob;
        size_t len;
        if (tsblock_tail_encode(e, m, &blob, &len) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        sqlite3_stmt *st = a->st[ST_TAIL_ADD];
        sqlite3_bind_int64(st, 1, max_ts);
        sqlite3_bind_int64(st, 2, tag);
        sqlite3_bind_blob(st, 3, blob, (int)len, SQLITE_STATIC);
        rc = ar_run(st);
        free(blob);
    }
    free(t);
    free(e);
    return rc;
}

int aw_write_samples(Archive *a, const ArBatch *b)
{
    int rc = SQLITE_DONE;
    int64_t newest = INT64_MIN;
    for (size_t i = 0; i < b->s_len && rc == SQLITE_DONE; i++) {
        const ArSample *s = &b->samples[(b->s_head + i) % b->s_cap];
        if ((size_t)s->series >= a->n_smap) continue;
        bool taken;
        rc = add(a, &a->ws[a->smap[s->series]], s->ts, s->v, &taken);
    }
    if (rc != SQLITE_DONE) return rc;
    /* The minutes that are over (2 s after their end) go to the rollups;
     * when ioc stops, every open sample does. */
    int64_t r = a->rolled_ts;
    if (b->now_ms > INT64_MIN + AR_GRACE) {
        int64_t m = ar_floor(b->now_ms - AR_GRACE, AR_MINUTE);
        if (m > r) r = m;
    }
    if (b->last)
        for (size_t i = 0; i < a->n_ws; i++)
            if (a->ws[i].n_open && a->ws[i].open[a->ws[i].n_open - 1].ts_ms >= newest)
                newest = a->ws[i].open[a->ws[i].n_open - 1].ts_ms;
    if (newest != INT64_MIN && newest < INT64_MAX && newest + 1 > r) r = newest + 1;
    if (r != a->rolled_ts) {
        a->rolled_ts = r;
        sqlite3_stmt *st = a->st[ST_MARK];
        sqlite3_bind_int64(st, 1, r);
        rc = ar_run(st);
    }
    a->next_due = 0;
    for (size_t i = 0; i < a->n_ws && rc == SQLITE_DONE; i++) {
        ArWSeries *w = &a->ws[i];
        if (!w->n_open) continue;
        int64_t due;
        rc = roll(a, w);
        if (rc == SQLITE_DONE) rc = close_full(a, w, &due);
        if (rc == SQLITE_DONE && due && (!a->next_due || due < a->next_due)) a->next_due = due;
    }
    if (rc == SQLITE_DONE) rc = write_tail(a);
    return rc;
}

/* The writer's series with row id id, or a new one for a series that only
 * the tail knows (a KPI no longer in the config); NULL when out of memory. */
static ArWSeries *series_by_id(Archive *a, sqlite3_int64 id)
{
    for (size_t i = 0; i < a->n_ws; i++)
        if (a->ws[i].id == id) return &a->ws[i];
    if (a->n_ws == a->cap_ws) {
        size_t nc = a->cap_ws ? a->cap_ws * 2 : 64;
        ArWSeries *nw = realloc(a->ws, nc * sizeof(*nw));
        if (!nw) return NULL;
        a->ws = nw;
        a->cap_ws = nc;
    }
    char *name = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(a->db, "SELECT key FROM series WHERE id=?1", -1, &q, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(q, 1, id);
        if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
            name = strdup((const char *)sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    a->ws[a->n_ws] = (ArWSeries){.name = name, .id = id};
    return &a->ws[a->n_ws++];
}

/* Deletes the tail chunks whose tag no open sample needs (after a replay:
 * chunks whose samples all went into blocks, or a damaged chunk's tag). */
static int drop_dead_tags(Archive *a)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(a->db, "SELECT DISTINCT open_ts FROM tail", -1, &q, NULL);
    if (rc != SQLITE_OK) return rc;
    int64_t *dead = NULL;
    size_t n = 0, cap = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        bool found;
        int64_t tag = sqlite3_column_int64(q, 0);
        tag_find(a, tag, &found);
        if (found) continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            int64_t *nd = realloc(dead, nc * sizeof(*nd));
            if (!nd) {
                rc = SQLITE_NOMEM;
                break;
            }
            dead = nd;
            cap = nc;
        }
        dead[n++] = tag;
    }
    sqlite3_finalize(q);
    for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
        sqlite3_stmt *st = a->st[ST_TAIL_TRIM];
        sqlite3_bind_int64(st, 1, dead[i]);
        rc = ar_run(st);
    }
    free(dead);
    return rc;
}

int aw_replay(Archive *a)
{
    aw_forget_open(a);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(a->db, "SELECT ts FROM rollup_mark WHERE id=1", -1, &q, NULL);
    if (rc != SQLITE_OK) return rc;
    if ((rc = sqlite3_step(q)) == SQLITE_ROW) a->rolled_ts = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
    rc = sqlite3_prepare_v2(a->db, "SELECT open_ts, data FROM tail ORDER BY seq", -1, &q, NULL);
    if (rc != SQLITE_OK) return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        TsbEntry *e = NULL;
        size_t n = 0;
        char err[200];
        int64_t tag = sqlite3_column_int64(q, 0);
        if (tsblock_tail_decode(sqlite3_column_blob(q, 1), (size_t)sqlite3_column_bytes(q, 1), &e,
                                &n, err, sizeof(err)) != 0)
            continue; /* a damaged chunk: its samples are lost, the rest is kept */
        int r = SQLITE_DONE;
        ArWSeries *w = NULL;
        for (size_t i = 0; i < n && r == SQLITE_DONE; i++) {
            if (!w || w->id != (sqlite3_int64)e[i].series)
                w = series_by_id(a, (sqlite3_int64)e[i].series);
            bool taken = false;
            r = w ? add(a, w, e[i].ts_ms, e[i].value, &taken) : SQLITE_NOMEM;
            if (r == SQLITE_DONE && taken && !run_push(a, w, tag)) r = SQLITE_NOMEM;
        }
        free(e);
        if (r != SQLITE_DONE) {
            sqlite3_finalize(q);
            return r;
        }
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return rc;
    for (size_t i = 0; i < a->n_ws; i++)
        a->ws[i].n_rolled = count_before(&a->ws[i], a->rolled_ts);
    rc = drop_dead_tags(a);
    if (rc != SQLITE_DONE) return rc;
    a->replayed = true;
    return SQLITE_DONE;
}

void aw_forget_open(Archive *a)
{
    for (size_t i = 0; i < a->n_ws; i++) {
        ArWSeries *w = &a->ws[i];
        w->n_open = w->n_rolled = w->n_tailed = w->n_runs = 0;
        w->loaded = false;
        w->has_closed = false;
    }
    a->n_tags = 0;
    a->rolled_ts = INT64_MIN;
    a->replayed = false;
    a->next_due = 0;
}

void aw_free(Archive *a)
{
    for (size_t i = 0; i < a->n_ws; i++) {
        free(a->ws[i].name);
        free(a->ws[i].open);
        free(a->ws[i].runs);
    }
    for (size_t i = 0; i < a->n_wf; i++)
        free(a->wf[i].name);
    free(a->ws);
    free(a->wf);
    free(a->smap);
    free(a->tags);
    a->tags = NULL;
    a->n_tags = a->cap_tags = 0;
    a->ws = NULL;
    a->wf = NULL;
    a->smap = NULL;
    a->n_ws = a->n_wf = a->n_smap = 0;
}

/* The blocks a conversion builds: samples of one series in time order, cut
 * by the writer's rule (AR_BLOCK_SAMPLES at a minute boundary, or the span). */
typedef struct {
    sqlite3_stmt *ins;
    sqlite3_int64 id;
    TsbPoint *p;
    size_t n, cap;
    long long samples, blocks;
} Regroup;

/* Writes the block being built, if any. SQLite code (DONE ok). */
static int regroup_flush(Regroup *g)
{
    if (!g->n) return SQLITE_DONE;
    uint8_t *blob;
    size_t len;
    if (tsblock_encode(g->p, g->n, &blob, &len) != 0) return SQLITE_NOMEM;
    sqlite3_bind_int64(g->ins, 1, g->id);
    sqlite3_bind_int64(g->ins, 2, g->p[0].ts_ms);
    sqlite3_bind_int64(g->ins, 3, g->p[g->n - 1].ts_ms);
    sqlite3_bind_blob(g->ins, 4, blob, (int)len, SQLITE_STATIC);
    int rc = ar_run(g->ins);
    free(blob);
    g->n = 0;
    g->blocks++;
    return rc;
}

/* Adds sample p of series id (series in order, each in time order; a sample
 * not newer than the one before is skipped). SQLite code (DONE ok). */
static int regroup_add(Regroup *g, sqlite3_int64 id, TsbPoint p)
{
    if (g->n && id == g->id && p.ts_ms <= g->p[g->n - 1].ts_ms) return SQLITE_DONE;
    if (g->n && (id != g->id || p.ts_ms >= ar_floor(g->p[0].ts_ms, AR_MINUTE) + AR_BLOCK_SPAN ||
                 (g->n >= AR_BLOCK_SAMPLES &&
                  ar_floor(p.ts_ms, AR_MINUTE) != ar_floor(g->p[g->n - 1].ts_ms, AR_MINUTE)))) {
        int rc = regroup_flush(g);
        if (rc != SQLITE_DONE) return rc;
    }
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 256;
        TsbPoint *np = realloc(g->p, nc * sizeof(*np));
        if (!np) return SQLITE_NOMEM;
        g->p = np;
        g->cap = nc;
    }
    g->id = id;
    g->p[g->n++] = p;
    g->samples++;
    return SQLITE_DONE;
}

/* Fills g from a schema-1 archive's raw rows. SQLite code (DONE ok). */
static int regroup_raw(Archive *a, Regroup *g)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(a->db, "SELECT series, ts, value FROM raw ORDER BY series, ts", -1,
                                &q, NULL);
    if (rc != SQLITE_OK) return rc;
    int step;
    while (rc == SQLITE_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
        double v = sqlite3_column_type(q, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 2);
        int r =
            regroup_add(g, sqlite3_column_int64(q, 0), (TsbPoint){sqlite3_column_int64(q, 1), v});
        if (r != SQLITE_DONE) rc = r;
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_OK) return rc;
    return step == SQLITE_DONE ? regroup_flush(g) : step;
}

/* Fills g from a schema-2 archive's minute blocks (a damaged one is left
 * out); *old counts them. SQLite code (DONE ok). */
static int regroup_blocks(Archive *a, Regroup *g, long long *old)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(a->db, "SELECT series, data FROM block ORDER BY series, ts", -1, &q,
                                NULL);
    if (rc != SQLITE_OK) return rc;
    int step;
    while (rc == SQLITE_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
        TsbPoint *p = NULL;
        size_t m = 0;
        char err[200];
        (*old)++;
        if (tsblock_decode(sqlite3_column_blob(q, 1), (size_t)sqlite3_column_bytes(q, 1), &p, &m,
                           err, sizeof(err)) != 0)
            continue;
        for (size_t i = 0; i < m && rc == SQLITE_OK; i++) {
            int r = regroup_add(g, sqlite3_column_int64(q, 0), p[i]);
            if (r != SQLITE_DONE) rc = r;
        }
        free(p);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_OK) return rc;
    return step == SQLITE_DONE ? regroup_flush(g) : step;
}

int aw_migrate(Archive *a)
{
    static const char block_sql[] =
        "CREATE TABLE %s(series INTEGER NOT NULL, ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
        " data BLOB NOT NULL, PRIMARY KEY(series, ts)) WITHOUT ROWID;";
    static const char tail_v1[] =
        "CREATE TABLE tail(seq INTEGER PRIMARY KEY AUTOINCREMENT, max_ts INTEGER NOT NULL,"
        " data BLOB NOT NULL, open_ts INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX tail_open ON tail(open_ts);";
    static const char tail_v2[] = "ALTER TABLE tail ADD COLUMN open_ts INTEGER NOT NULL DEFAULT 0;"
                                  "CREATE INDEX tail_open ON tail(open_ts);";
    static const char mark_sql[] =
        "CREATE TABLE rollup_mark(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL);";
    bool v1 = a->schema < 2;
    char sql[300];
    snprintf(sql, sizeof(sql), block_sql, v1 ? "block" : "block_new");
    int rc = sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(a->db, sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(a->db, v1 ? tail_v1 : tail_v2, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(a->db, mark_sql, NULL, NULL, NULL);
    Regroup g = {0};
    long long old = 0;
    if (rc == SQLITE_OK) {
        snprintf(sql, sizeof(sql), "INSERT INTO %s(series,ts,last_ts,data) VALUES(?1,?2,?3,?4)",
                 v1 ? "block" : "block_new");
        rc = sqlite3_prepare_v2(a->db, sql, -1, &g.ins, NULL);
    }
    if (rc == SQLITE_OK) {
        rc = v1 ? regroup_raw(a, &g) : regroup_blocks(a, &g, &old);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    free(g.p);
    sqlite3_finalize(g.ins);
    if (rc == SQLITE_OK) {
        snprintf(sql, sizeof(sql), "%s PRAGMA user_version=%d; COMMIT",
                 v1 ? "DROP TABLE raw;"
                    : "DROP TABLE block; ALTER TABLE block_new RENAME TO block;",
                 ARCHIVE_SCHEMA);
        rc = sqlite3_exec(a->db, sql, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        if (!sqlite3_get_autocommit(a->db)) sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (v1)
        snprintf(a->notice, sizeof(a->notice),
                 _("archive %s: converted from schema %d to %d (%lld raw samples into %lld "
                   "blocks)"),
                 a->path, a->schema, ARCHIVE_SCHEMA, g.samples, g.blocks);
    else
        snprintf(a->notice, sizeof(a->notice),
                 _("archive %s: converted from schema %d to %d (%lld samples from %lld blocks "
                   "into %lld blocks)"),
                 a->path, a->schema, ARCHIVE_SCHEMA, g.samples, old, g.blocks);
    a->schema = ARCHIVE_SCHEMA;
    return SQLITE_OK;
}
