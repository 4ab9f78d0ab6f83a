/* archive_block.c - the archive writer's samples: one compressed block per
 * series and minute (parse/tsblock.h) with its minute and hour rollups, the
 * tail of samples whose minute is still open, its replay after a start or a
 * kill, and the conversion of schema-1 archives (raw rows) to blocks.
 *
 * Invariant: the blocks of a series hold exactly its samples up to
 * closed_ts (the newest sample in a closed block); every later sample that
 * was committed is in the tail. A tail chunk is deleted once all its samples
 * are older than every open block. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/archive_internal.h"
#include "base/i18n.h"

#define MINUTE 60000
#define GRACE  2000 /* a minute's block closes this long after it ends */

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

/* Writes the block of w's open samples (merging with a block of the same
 * minute already written: a restart within the minute, or a late sample)
 * and its rollups. SQLite code (DONE ok). */
static int close_block(Archive *a, ArWSeries *w)
{
    if (!w->n_open) return SQLITE_DONE;
    TsbPoint *all = w->open, *merged = NULL;
    size_t n = w->n_open;
    int rc = SQLITE_DONE;
    if (w->has_closed && ar_floor(w->closed_ts, MINUTE) == w->minute) {
        sqlite3_stmt *q = NULL;
        rc = sqlite3_prepare_v2(a->db, "SELECT data FROM block WHERE series=?1 AND ts=?2", -1, &q,
                                NULL);
        if (rc != SQLITE_OK) return rc;
        sqlite3_bind_int64(q, 1, w->id);
        sqlite3_bind_int64(q, 2, w->minute);
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            TsbPoint *old = NULL;
            size_t nold = 0;
            char err[200];
            const void *blob = sqlite3_column_blob(q, 0);
            size_t len = (size_t)sqlite3_column_bytes(q, 0);
            if (tsblock_decode(blob, len, &old, &nold, err, sizeof(err)) == 0) {
                merged = malloc((nold + n) * sizeof(*merged));
                if (merged) {
                    if (nold) memcpy(merged, old, nold * sizeof(*old));
                    memcpy(merged + nold, w->open, n * sizeof(*merged));
                    all = merged;
                    n += nold;
                }
            } /* a damaged block is replaced by the new samples */
            free(old);
            rc = merged || nold == 0 ? SQLITE_DONE : SQLITE_NOMEM;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_DONE;
        }
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) return rc;
    }
    uint8_t *blob;
    size_t len;
    if (tsblock_encode(all, n, &blob, &len) != 0) {
        free(merged);
        return SQLITE_NOMEM;
    }
    sqlite3_stmt *st = a->st[ST_BLOCK];
    sqlite3_bind_int64(st, 1, w->id);
    sqlite3_bind_int64(st, 2, w->minute);
    sqlite3_bind_int64(st, 3, all[n - 1].ts_ms);
    sqlite3_bind_blob(st, 4, blob, (int)len, SQLITE_STATIC);
    rc = ar_run(st);
    free(blob);
    free(merged);
    /* The rollups get the new samples only (the upsert merges). */
    BlockAgg g = aggregate(w->open, w->n_open);
    if (rc == SQLITE_DONE) rc = upsert(a->st[ST_MINUTE], w->id, w->minute, &g);
    if (rc == SQLITE_DONE) rc = upsert(a->st[ST_HOUR], w->id, ar_floor(w->minute, 3600000), &g);
    if (rc != SQLITE_DONE) return rc;
    w->has_closed = true;
    w->closed_ts = w->open[w->n_open - 1].ts_ms;
    w->n_open = 0;
    return SQLITE_DONE;
}

/* Adds one sample to w: skipped when not newer than what w holds; closes
 * the open block first when the sample starts another minute. */
static int add(Archive *a, ArWSeries *w, int64_t ts, double v)
{
    int rc = ensure_loaded(a, w);
    if (rc != SQLITE_DONE) return rc;
    if (w->has_closed && ts <= w->closed_ts) return SQLITE_DONE;
    if (w->n_open && ts <= w->open[w->n_open - 1].ts_ms) return SQLITE_DONE;
    int64_t m = ar_floor(ts, MINUTE);
    if (w->n_open && m != w->minute && (rc = close_block(a, w)) != SQLITE_DONE) return rc;
    if (w->n_open == w->cap_open) {
        size_t nc = w->cap_open ? w->cap_open * 2 : 64;
        TsbPoint *np = realloc(w->open, nc * sizeof(*np));
        if (!np) return SQLITE_NOMEM;
        w->open = np;
        w->cap_open = nc;
    }
    if (!w->n_open) w->minute = m;
    w->open[w->n_open++] = (TsbPoint){ts, v};
    return SQLITE_DONE;
}

/* Closes the blocks that are due at now (all when all), then sets
 * next_due and trims the tail to the oldest open sample. SQLite code. */
static int close_due(Archive *a, int64_t now, bool all)
{
    int64_t oldest = INT64_MAX;
    a->next_due = 0;
    for (size_t i = 0; i < a->n_ws; i++) {
        ArWSeries *w = &a->ws[i];
        if (!w->n_open) continue;
        int64_t due = w->minute + MINUTE + GRACE;
        if (all || now >= due) {
            int rc = close_block(a, w);
            if (rc != SQLITE_DONE) return rc;
            continue;
        }
        if (!a->next_due || due < a->next_due) a->next_due = due;
        if (w->open[0].ts_ms < oldest) oldest = w->open[0].ts_ms;
    }
    sqlite3_stmt *st = a->st[ST_TAIL_TRIM];
    sqlite3_bind_int64(st, 1, oldest);
    return ar_run(st);
}

int aw_write_samples(Archive *a, const ArBatch *b)
{
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < b->s_len && rc == SQLITE_DONE; i++) {
        const ArSample *s = &b->samples[(b->s_head + i) % b->s_cap];
        if ((size_t)s->series >= a->n_smap) continue;
        rc = add(a, &a->ws[a->smap[s->series]], s->ts, s->v);
    }
    if (rc == SQLITE_DONE) rc = close_due(a, b->now_ms, b->last);
    if (rc != SQLITE_DONE || b->last || !b->s_len) return rc;
    /* This batch's samples that are still open go to the tail, once. */
    TsbEntry *e = malloc(b->s_len * sizeof(*e));
    if (!e) return SQLITE_NOMEM;
    size_t n = 0;
    int64_t max_ts = INT64_MIN;
    for (size_t i = 0; i < b->s_len; i++) {
        const ArSample *s = &b->samples[(b->s_head + i) % b->s_cap];
        if ((size_t)s->series >= a->n_smap) continue;
        const ArWSeries *w = &a->ws[a->smap[s->series]];
        if (!w->n_open || s->ts < w->open[0].ts_ms) continue;
        e[n++] = (TsbEntry){(uint64_t)w->id, s->ts, s->v};
        if (s->ts > max_ts) max_ts = s->ts;
    }
    if (n) {
        uint8_t *blob;
        size_t len;
        if (tsblock_tail_encode(e, n, &blob, &len) != 0) {
            free(e);
            return SQLITE_NOMEM;
        }
        sqlite3_stmt *st = a->st[ST_TAIL_ADD];
        sqlite3_bind_int64(st, 1, max_ts);
        sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
        rc = ar_run(st);
        free(blob);
    }
    free(e);
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

int aw_replay(Archive *a)
{
    aw_forget_open(a);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(a->db, "SELECT data FROM tail ORDER BY seq", -1, &q, NULL);
    if (rc != SQLITE_OK) return rc;
    /* Lookups by id: the ids of the series known so far, sorted. */
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        TsbEntry *e = NULL;
        size_t n = 0;
        char err[200];
        if (tsblock_tail_decode(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0), &e,
                                &n, err, sizeof(err)) != 0)
            continue; /* a damaged chunk: its samples are lost, the rest is kept */
        int r = SQLITE_DONE;
        ArWSeries *w = NULL;
        for (size_t i = 0; i < n && r == SQLITE_DONE; i++) {
            if (!w || w->id != (sqlite3_int64)e[i].series)
                w = series_by_id(a, (sqlite3_int64)e[i].series);
            r = w ? add(a, w, e[i].ts_ms, e[i].value) : SQLITE_NOMEM;
        }
        free(e);
        if (r != SQLITE_DONE) {
            sqlite3_finalize(q);
            return r;
        }
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return rc;
    a->replayed = true;
    /* next_due from what was loaded (closing nothing yet). */
    a->next_due = 0;
    for (size_t i = 0; i < a->n_ws; i++) {
        int64_t due = a->ws[i].minute + MINUTE + GRACE;
        if (a->ws[i].n_open && (!a->next_due || due < a->next_due)) a->next_due = due;
    }
    return SQLITE_DONE;
}

void aw_forget_open(Archive *a)
{
    for (size_t i = 0; i < a->n_ws; i++) {
        a->ws[i].n_open = 0;
        a->ws[i].loaded = false;
        a->ws[i].has_closed = false;
    }
    a->replayed = false;
    a->next_due = 0;
}

void aw_free(Archive *a)
{
    for (size_t i = 0; i < a->n_ws; i++) {
        free(a->ws[i].name);
        free(a->ws[i].open);
    }
    for (size_t i = 0; i < a->n_wf; i++)
        free(a->wf[i].name);
    free(a->ws);
    free(a->wf);
    free(a->smap);
    a->ws = NULL;
    a->wf = NULL;
    a->smap = NULL;
    a->n_ws = a->n_wf = a->n_smap = 0;
}

/* Writes the block of p[0..n) of series id at minute m (migration). */
static int migrate_block(sqlite3_stmt *ins, sqlite3_int64 id, int64_t m, const TsbPoint *p,
                         size_t n)
{
    uint8_t *blob;
    size_t len;
    if (tsblock_encode(p, n, &blob, &len) != 0) return SQLITE_NOMEM;
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_int64(ins, 2, m);
    sqlite3_bind_int64(ins, 3, p[n - 1].ts_ms);
    sqlite3_bind_blob(ins, 4, blob, (int)len, SQLITE_STATIC);
    int rc = ar_run(ins);
    free(blob);
    return rc;
}

int aw_migrate(Archive *a)
{
    static const char create[] =
        "CREATE TABLE block(series INTEGER NOT NULL, ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
        " data BLOB NOT NULL, PRIMARY KEY(series, ts)) WITHOUT ROWID;"
        "CREATE TABLE tail(seq INTEGER PRIMARY KEY AUTOINCREMENT, max_ts INTEGER NOT NULL, data "
        "BLOB NOT NULL);";
    int rc = sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(a->db, create, NULL, NULL, NULL);
    sqlite3_stmt *q = NULL, *ins = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(a->db, "SELECT series, ts, value FROM raw ORDER BY series, ts", -1,
                                &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(
            a->db, "INSERT INTO block(series,ts,last_ts,data) VALUES(?1,?2,?3,?4)", -1, &ins, NULL);
    TsbPoint *p = NULL;
    size_t n = 0, cap = 0;
    long long samples = 0, blocks = 0;
    sqlite3_int64 id = 0;
    int64_t m = 0;
    int step = SQLITE_DONE;
    while (rc == SQLITE_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 sid = sqlite3_column_int64(q, 0);
        int64_t ts = sqlite3_column_int64(q, 1);
        double v = sqlite3_column_type(q, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 2);
        if (n && (sid != id || ar_floor(ts, MINUTE) != m)) {
            int r = migrate_block(ins, id, m, p, n);
            if (r != SQLITE_DONE) rc = r;
            blocks++;
            n = 0;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            TsbPoint *np = realloc(p, nc * sizeof(*np));
            if (!np) {
                rc = SQLITE_NOMEM;
                break;
            }
            p = np;
            cap = nc;
        }
        id = sid;
        m = ar_floor(ts, MINUTE);
        p[n++] = (TsbPoint){ts, v};
        samples++;
    }
    if (rc == SQLITE_OK && step != SQLITE_DONE) rc = step;
    if (rc == SQLITE_OK && n) {
        int r = migrate_block(ins, id, m, p, n);
        if (r != SQLITE_DONE) rc = r;
        blocks++;
    }
    free(p);
    sqlite3_finalize(q);
    sqlite3_finalize(ins);
    if (rc == SQLITE_OK) {
        char sql[80];
        snprintf(sql, sizeof(sql), "DROP TABLE raw; PRAGMA user_version=%d; COMMIT",
                 ARCHIVE_SCHEMA);
        rc = sqlite3_exec(a->db, sql, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        if (!sqlite3_get_autocommit(a->db)) sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    snprintf(a->notice, sizeof(a->notice),
             _("archive %s: converted from schema %d to %d (%lld raw samples into %lld blocks)"),
             a->path, a->schema, ARCHIVE_SCHEMA, samples, blocks);
    a->schema = ARCHIVE_SCHEMA;
    return SQLITE_OK;
}
