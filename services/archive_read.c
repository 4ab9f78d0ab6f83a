/* archive_read.c - queries on the archive and the restore of a Store from it
 * (see archive.h). Works on a reader's and on a writer's connection. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/archive_internal.h"
#include "base/i18n.h"

/* A growable array of elem-sized entries. */
typedef struct {
    void *data;
    size_t n, cap, elem;
} Vec;

/* A pointer to a new zeroed entry at the end of v, or NULL (out of memory). */
static void *vec_push(Vec *v)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 64;
        void *nd = realloc(v->data, nc * v->elem);
        if (!nd) return NULL;
        v->data = nd;
        v->cap = nc;
    }
    void *p = (char *)v->data + v->n++ * v->elem;
    memset(p, 0, v->elem);
    return p;
}

/* Prepares sql on a's reading connection; NULL with a message in err. */
static sqlite3_stmt *prepare(Archive *a, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    sqlite3 *db = ar_rdb(a);
    if (!db) {
        snprintf(err, errlen, _("archive %s is not open"), a->path);
        return NULL;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, _("archive %s: cannot read: %s"), a->path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Reports a failed step in err; returns -1. */
static int step_failed(Archive *a, sqlite3_stmt *st, char *err, size_t errlen)
{
    snprintf(err, errlen, _("archive %s: cannot read: %s"), a->path, sqlite3_errmsg(ar_rdb(a)));
    sqlite3_finalize(st);
    return -1;
}

/* A column as a double, NaN when NULL. */
static double col_num(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* A column as a new string, NULL when NULL; *oom set when out of memory. */
static char *col_str(sqlite3_stmt *st, int i, bool *oom)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (!s) return NULL;
    char *d = strdup((const char *)s);
    if (!d) *oom = true;
    return d;
}

/* Appends (ts, v) to *out (*n of *cap); false when out of memory. */
static bool push(Sample **out, size_t *n, size_t *cap, int64_t ts, double v)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        Sample *ns = realloc(*out, nc * sizeof(*ns));
        if (!ns) return false;
        *out = ns;
        *cap = nc;
    }
    (*out)[(*n)++] = (Sample){ts, v};
    return true;
}

/* Orders tail entries by series, then time. */
static int entry_cmp(const void *x, const void *y)
{
    const TsbEntry *a = x, *b = y;
    if (a->series != b->series) return a->series < b->series ? -1 : 1;
    return a->ts_ms < b->ts_ms ? -1 : a->ts_ms > b->ts_ms;
}

void ar_tail_free(ArTailCache *t)
{
    free(t->e);
    memset(t, 0, sizeof(*t));
    t->seq = -1;
}

/* Reads the tail into a's cache unless it is unchanged. 0 or -1 (err set). */
static int tail_load(Archive *a, char *err, size_t errlen)
{
    sqlite3_stmt *st = prepare(a, "SELECT coalesce(max(seq),-1), count(*) FROM tail", err, errlen);
    if (!st) return -1;
    if (sqlite3_step(st) != SQLITE_ROW) return step_failed(a, st, err, errlen);
    sqlite3_int64 seq = sqlite3_column_int64(st, 0);
    long long chunks = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    if (a->tail.e && seq == a->tail.seq && chunks == a->tail.chunks) return 0;
    if (!a->tail.e && seq == -1) return 0; /* empty, and nothing cached */
    ar_tail_free(&a->tail);
    st = prepare(a, "SELECT data FROM tail ORDER BY seq", err, errlen);
    if (!st) return -1;
    TsbEntry *all = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        TsbEntry *e;
        size_t m;
        if (tsblock_tail_decode(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), &e,
                                &m, err, errlen) != 0) {
            char why[200];
            snprintf(why, sizeof(why), "%s", err);
            snprintf(err, errlen, _("archive %s: cannot read: %s"), a->path, why);
            free(all);
            sqlite3_finalize(st);
            return -1;
        }
        TsbEntry *na = m ? realloc(all, (n + m) * sizeof(*na)) : all;
        if (m && !na) {
            free(e);
            free(all);
            sqlite3_finalize(st);
            snprintf(err, errlen, "%s", _("out of memory"));
            return -1;
        }
        all = na;
        if (m) memcpy(all + n, e, m * sizeof(*e));
        n += m;
        free(e);
    }
    if (rc != SQLITE_DONE) {
        free(all);
        return step_failed(a, st, err, errlen);
    }
    sqlite3_finalize(st);
    if (n) qsort(all, n, sizeof(*all), entry_cmp);
    a->tail.e = all ? all : malloc(1);
    a->tail.n = n;
    a->tail.seq = seq;
    a->tail.chunks = chunks;
    return a->tail.e ? 0 : -1;
}

/* The newest sample time in a closed block of series id (INT64_MIN none). */
static int64_t closed_ts(Archive *a, sqlite3_int64 id)
{
    char err[8];
    sqlite3_stmt *st = prepare(
        a, "SELECT last_ts FROM block WHERE series=?1 ORDER BY ts DESC LIMIT 1", err, sizeof(err));
    int64_t t = INT64_MIN;
    if (!st) return t;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) t = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return t;
}

/* The tail's samples of series id that no closed block holds: *first and
 * *count in a->tail (loaded). 0 or -1. */
static int tail_of(Archive *a, sqlite3_int64 id, size_t *first, size_t *count, char *err,
                   size_t errlen)
{
    *first = *count = 0;
    if (tail_load(a, err, errlen) != 0) return -1;
    const TsbEntry *e = a->tail.e;
    size_t lo = 0, hi = a->tail.n;
    while (lo < hi) { /* the first entry of series id */
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].series < (uint64_t)id)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < a->tail.n && e[end].series == (uint64_t)id)
        end++;
    if (lo == end) return 0;
    int64_t closed = closed_ts(a, id);
    while (lo < end && e[lo].ts_ms <= closed)
        lo++;
    *first = lo;
    *count = end - lo;
    return 0;
}

int ar_samples(Archive *a, sqlite3 *db, sqlite3_int64 id, int64_t from, int64_t to, Sample **out,
               size_t *n, size_t *cap, char *err, size_t errlen)
{
    (void)db;
    bool v1 = a->schema < 2;
    sqlite3_stmt *st =
        prepare(a,
                v1 ? "SELECT ts, value FROM raw WHERE series=?1 AND ts>=?2 AND ts<?3"
                     " ORDER BY ts"
                   /* The blocks that overlap [from, to): an index range from
                    * the earliest start a block reaching from can have. */
                   : "SELECT ts, data FROM block WHERE series=?1 AND ts>=?2 AND ts<?3"
                     " AND last_ts>=?4 ORDER BY ts",
                err, errlen);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, v1 || from < INT64_MIN + AR_BLOCK_SPAN ? from : from - AR_BLOCK_SPAN);
    sqlite3_bind_int64(st, 3, to);
    if (!v1) sqlite3_bind_int64(st, 4, from);
    int rc;
    bool oom = false;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (v1) {
            oom = !push(out, n, cap, sqlite3_column_int64(st, 0), col_num(st, 1));
            continue;
        }
        TsbPoint *p;
        size_t m;
        char why[200];
        if (tsblock_decode(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &p, &m,
                           why, sizeof(why)) != 0) {
            snprintf(err, errlen, _("archive %s: cannot read: %s"), a->path, why);
            sqlite3_finalize(st);
            return -1;
        }
        for (size_t i = 0; i < m && !oom; i++)
            if (p[i].ts_ms >= from && p[i].ts_ms < to && (!*n || p[i].ts_ms > (*out)[*n - 1].ts_ms))
                oom = !push(out, n, cap, p[i].ts_ms, p[i].value);
        free(p);
    }
    if (oom) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    if (rc != SQLITE_DONE) return step_failed(a, st, err, errlen);
    sqlite3_finalize(st);
    if (v1) return 0;
    size_t first, count;
    if (tail_of(a, id, &first, &count, err, errlen) != 0) return -1;
    for (size_t i = first; i < first + count; i++) {
        const TsbEntry *e = &a->tail.e[i];
        if (e->ts_ms < from || e->ts_ms >= to || (*n && e->ts_ms <= (*out)[*n - 1].ts_ms)) continue;
        if (!push(out, n, cap, e->ts_ms, e->value)) {
            snprintf(err, errlen, "%s", _("out of memory"));
            return -1;
        }
    }
    return 0;
}

int archive_raw(Archive *a, const char *key, int64_t from, int64_t to, Sample **out, size_t *n,
                char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    sqlite3_int64 id = ar_lookup(ar_rdb(a), "series", key);
    if (!id) return 0;
    size_t cap = 0;
    if (ar_samples(a, ar_rdb(a), id, from, to, out, n, &cap, err, errlen) != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Reads a bucket row (columns ts, n, gaps, vmin, vmax, vsum, first_ts, vfirst,
 * last_ts, vlast). */
static void read_bucket(sqlite3_stmt *st, ArchiveBucket *b)
{
    b->ts_ms = sqlite3_column_int64(st, 0);
    b->count = (uint64_t)sqlite3_column_int64(st, 1);
    b->gaps = (uint64_t)sqlite3_column_int64(st, 2);
    b->min = col_num(st, 3);
    b->max = col_num(st, 4);
    b->sum = col_num(st, 5);
    b->first_ts = sqlite3_column_int64(st, 6);
    b->first = col_num(st, 7);
    b->last_ts = sqlite3_column_int64(st, 8);
    b->last = col_num(st, 9);
}

int archive_buckets(Archive *a, const char *key, int level, int64_t from, int64_t to,
                    ArchiveBucket **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    if (level != ARCHIVE_MINUTE && level != ARCHIVE_HOUR) {
        snprintf(err, errlen, "%s", _("unknown archive level"));
        return -1;
    }
    sqlite3_int64 id = ar_lookup(ar_rdb(a), "series", key);
    if (!id) return 0;
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT ts,n,gaps,vmin,vmax,vsum,first_ts,vfirst,last_ts,vlast FROM %s"
             " WHERE series=?1 AND ts>=?2 AND ts<?3 ORDER BY ts",
             level == ARCHIVE_MINUTE ? "minute" : "hour");
    sqlite3_stmt *st = prepare(a, sql, err, errlen);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    Vec v = {.elem = sizeof(ArchiveBucket)};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ArchiveBucket *b = vec_push(&v);
        if (!b) {
            snprintf(err, errlen, "%s", _("out of memory"));
            sqlite3_finalize(st);
            free(v.data);
            return -1;
        }
        read_bucket(st, b);
    }
    if (rc != SQLITE_DONE) {
        free(v.data);
        return step_failed(a, st, err, errlen);
    }
    sqlite3_finalize(st);
    *out = v.data;
    *n = v.n;
    return 0;
}

/* Runs a one-row query binding id (and optionally x); true with the row's
 * first two columns as int64 / double. */
static bool one_row(Archive *a, const char *sql, sqlite3_int64 id, int64_t *c0, double *c1)
{
    char err[8];
    sqlite3_stmt *st = prepare(a, sql, err, sizeof(err));
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    bool ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (ok) {
        *c0 = sqlite3_column_int64(st, 0);
        if (c1) *c1 = col_num(st, 1);
    }
    sqlite3_finalize(st);
    return ok;
}

int64_t archive_raw_oldest(Archive *a, const char *key)
{
    sqlite3_int64 id = ar_lookup(ar_rdb(a), "series", key);
    int64_t ts;
    if (!id) return INT64_MAX;
    if (one_row(a,
                a->schema < 2 ? "SELECT min(ts) FROM raw WHERE series=?1"
                              : "SELECT min(ts) FROM block WHERE series=?1",
                id, &ts, NULL))
        return ts; /* blocks: the oldest one's first sample (schema 2: its minute) */
    char err[200];
    size_t first, count;
    if (a->schema < 2 || tail_of(a, id, &first, &count, err, sizeof(err)) != 0 || !count)
        return INT64_MAX;
    return a->tail.e[first].ts_ms;
}

bool archive_latest(Archive *a, const char *key, Sample *out)
{
    sqlite3_int64 id = ar_lookup(ar_rdb(a), "series", key);
    if (!id) return false;
    static const char *const q[] = {
        "SELECT ts, value FROM raw WHERE series=?1 AND value IS NOT NULL ORDER BY ts DESC LIMIT 1",
        "SELECT last_ts, vlast FROM minute WHERE series=?1 AND n>0 ORDER BY ts DESC LIMIT 1",
        "SELECT last_ts, vlast FROM hour WHERE series=?1 AND n>0 ORDER BY ts DESC LIMIT 1",
    };
    if (a->schema >= 2) { /* the tail first: newer than every block */
        char err[200];
        size_t first, count;
        if (tail_of(a, id, &first, &count, err, sizeof(err)) == 0)
            for (size_t i = first + count; i-- > first;)
                if (!isnan(a->tail.e[i].value)) {
                    *out = (Sample){a->tail.e[i].ts_ms, a->tail.e[i].value};
                    return true;
                }
    }
    for (size_t i = a->schema >= 2 ? 1 : 0; i < 3; i++)
        if (one_row(a, q[i], id, &out->ts_ms, &out->value)) return true;
    return false;
}

int archive_polls(Archive *a, const char *feed_id, int64_t from, int64_t to, uint64_t *polls,
                  uint64_t *failures, char *err, size_t errlen)
{
    *polls = *failures = 0;
    sqlite3_int64 id = ar_lookup(ar_rdb(a), "feed", feed_id);
    if (!id) return 0;
    sqlite3_stmt *st = prepare(a,
                               "SELECT coalesce(sum(polls),0), coalesce(sum(failures),0) FROM"
                               " feed_poll WHERE feed=?1 AND ts>=?2 AND ts<?3",
                               err, errlen);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    if (sqlite3_step(st) != SQLITE_ROW) return step_failed(a, st, err, errlen);
    *polls = (uint64_t)sqlite3_column_int64(st, 0);
    *failures = (uint64_t)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    return 0;
}

/* FeedStateKind of a recorded state name; -1 for "stopped" (or unknown). */
static int state_of(const char *name)
{
    static const FeedStateKind kinds[] = {FS_PENDING, FS_OK, FS_SLOW, FS_DOWN, FS_BAD_DATA};
    for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(name, feedstate_name(kinds[i])) == 0) return (int)kinds[i];
    return -1;
}

/* Reads a feed_state row (ts, state, error, latency_ms, http_status). */
static void read_state(sqlite3_stmt *st, ArchiveState *s)
{
    s->ts_ms = sqlite3_column_int64(st, 0);
    s->state = state_of((const char *)sqlite3_column_text(st, 1));
    const unsigned char *e = sqlite3_column_text(st, 2);
    snprintf(s->error, sizeof(s->error), "%s", e ? (const char *)e : "");
    s->latency_ms = sqlite3_column_int64(st, 3);
    s->http_status = sqlite3_column_int(st, 4);
}

int archive_states(Archive *a, const char *feed_id, int64_t from, int64_t to, ArchiveState **out,
                   size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    sqlite3_int64 id = ar_lookup(ar_rdb(a), "feed", feed_id);
    if (!id) return 0;
    static const char *const q[] = {
        "SELECT ts,state,error,latency_ms,http_status FROM feed_state WHERE feed=?1 AND ts<?2"
        " ORDER BY ts DESC LIMIT 1",
        "SELECT ts,state,error,latency_ms,http_status FROM feed_state WHERE feed=?1 AND ts>=?2"
        " AND ts<?3 ORDER BY ts",
    };
    Vec v = {.elem = sizeof(ArchiveState)};
    for (size_t i = 0; i < 2; i++) {
        sqlite3_stmt *st = prepare(a, q[i], err, errlen);
        if (!st) goto fail;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, from);
        if (i == 1) sqlite3_bind_int64(st, 3, to);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            ArchiveState *s = vec_push(&v);
            if (!s) {
                snprintf(err, errlen, "%s", _("out of memory"));
                sqlite3_finalize(st);
                goto fail;
            }
            read_state(st, s);
        }
        if (rc != SQLITE_DONE) {
            step_failed(a, st, err, errlen);
            goto fail;
        }
        sqlite3_finalize(st);
    }
    *out = v.data;
    *n = v.n;
    return 0;
fail:
    free(v.data);
    return -1;
}

bool archive_feed_state(Archive *a, const char *feed_id, FeedStatus *out)
{
    sqlite3_int64 id = ar_lookup(ar_rdb(a), "feed", feed_id);
    if (!id) return false;
    char err[8];
    sqlite3_stmt *st = prepare(a,
                               "SELECT ts,state,error,latency_ms,http_status FROM feed_state"
                               " WHERE feed=?1 AND state<>'stopped' ORDER BY ts DESC LIMIT 1",
                               err, sizeof(err));
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    ArchiveState s = {0};
    if (ok) read_state(st, &s);
    sqlite3_finalize(st);
    if (!ok || s.state < 0) return false;
    memset(out, 0, sizeof(*out));
    out->state = (FeedStateKind)s.state;
    snprintf(out->error, sizeof(out->error), "%s", s.error);
    out->latency_ms = s.latency_ms;
    out->http_status = s.http_status;
    int64_t last = s.ts_ms;
    one_row(a, "SELECT last_ts FROM feed_poll WHERE feed=?1 ORDER BY ts DESC LIMIT 1", id, &last,
            NULL);
    out->last_poll_ms = last;
    if (feedstate_is_up(out->state)) out->last_ok_ms = last;
    return true;
}

int archive_events(Archive *a, int64_t from, int64_t to, ArchiveEvent **out, size_t *n, char *err,
                   size_t errlen)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prepare(a,
                               "SELECT ts,event,rule,kpi,feed,severity,value,change,from_state,"
                               "to_state,state,silence,target,until_ts,expired,operator,comment,"
                               "silenced,acked_by,summary,fired_ts FROM alert_event"
                               " WHERE ts>=?1 AND ts<?2 ORDER BY ts, id",
                               err, errlen);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    Vec v = {.elem = sizeof(ArchiveEvent)};
    bool oom = false;
    int rc;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ArchiveEvent *e = vec_push(&v);
        if (!e) {
            oom = true;
            break;
        }
        e->ts_ms = sqlite3_column_int64(st, 0);
        e->event = col_str(st, 1, &oom);
        e->rule = col_str(st, 2, &oom);
        e->kpi = col_str(st, 3, &oom);
        e->feed = col_str(st, 4, &oom);
        const unsigned char *sev = sqlite3_column_text(st, 5);
        e->severity = -1;
        for (int s = SEV_INFO; sev && s <= SEV_CRITICAL; s++)
            if (strcmp((const char *)sev, cfg_severity_name((Severity)s)) == 0) e->severity = s;
        e->has_value = sqlite3_column_type(st, 6) != SQLITE_NULL;
        e->value = col_num(st, 6);
        e->has_change = sqlite3_column_type(st, 7) != SQLITE_NULL;
        e->change = col_num(st, 7);
        e->from = col_str(st, 8, &oom);
        e->to = col_str(st, 9, &oom);
        e->state = col_str(st, 10, &oom);
        e->silence_id = (unsigned)sqlite3_column_int64(st, 11);
        e->target = col_str(st, 12, &oom);
        e->until_ms = sqlite3_column_int64(st, 13);
        e->expired = sqlite3_column_int(st, 14) != 0;
        e->who = col_str(st, 15, &oom);
        e->comment = col_str(st, 16, &oom);
        e->silenced = sqlite3_column_int(st, 17) != 0;
        e->acked_by = col_str(st, 18, &oom);
        e->summary = col_str(st, 19, &oom);
        e->fired_ms = sqlite3_column_int64(st, 20);
    }
    if (oom) {
        snprintf(err, errlen, "%s", _("out of memory"));
        sqlite3_finalize(st);
        archive_events_free(v.data, v.n);
        return -1;
    }
    if (rc != SQLITE_DONE) {
        archive_events_free(v.data, v.n);
        return step_failed(a, st, err, errlen);
    }
    sqlite3_finalize(st);
    *out = v.data;
    *n = v.n;
    return 0;
}

/* Floor of ts to a multiple of w. */
static int64_t floor_to(int64_t ts, int64_t w)
{
    int64_t b = ts / w * w;
    return b > ts ? b - w : b;
}

/* Appends the samples that stand for bucket b (of width w) to series id:
 * first, min, max, last in time order (equal neighbours once), or a gap for
 * a bucket with gaps only. Returns the number appended. */
static long append_bucket(Store *s, int id, const ArchiveBucket *b, int64_t w)
{
    if (b->count == 0) {
        if (b->gaps == 0) return 0;
        return store_append(s, id, b->ts_ms + w - 1, NAN) >= 0 ? 1 : 0;
    }
    Sample pts[4];
    size_t n = 0;
    pts[n++] = (Sample){b->first_ts, b->first};
    if (b->count > 2 && b->last_ts - b->first_ts >= 3) {
        if (b->min != b->first && b->min != b->last) pts[n++] = (Sample){b->first_ts + 1, b->min};
        if (b->max != b->first && b->max != b->last) pts[n++] = (Sample){b->first_ts + 2, b->max};
    }
    if (b->count > 1 && b->last_ts > pts[n - 1].ts_ms) pts[n++] = (Sample){b->last_ts, b->last};
    long added = 0;
    for (size_t i = 0; i < n; i++)
        added += store_append(s, id, pts[i].ts_ms, pts[i].value) >= 0 ? 1 : 0;
    return added;
}

/* Appends buckets of one level in [from, to) to series id; -1 on error. */
static long restore_level(Archive *a, Store *s, int id, const char *key, int level, int64_t from,
                          int64_t to, int64_t *first_ts, char *err, size_t errlen)
{
    ArchiveBucket *b;
    size_t n;
    if (from >= to) return 0;
    if (archive_buckets(a, key, level, from, to, &b, &n, err, errlen) != 0) return -1;
    long added = 0;
    int64_t w = level == ARCHIVE_MINUTE ? 60000 : 3600000;
    for (size_t i = 0; i < n; i++)
        added += append_bucket(s, id, &b[i], w);
    if (n && first_ts) *first_ts = b[0].ts_ms;
    free(b);
    return added;
}

/* The newest samples (at most max, time <= now) of series id into raw[],
 * newest first, in *n. 0 or -1 (err set). */
static int newest_raw(Archive *a, sqlite3_int64 id, int64_t now, size_t max, Sample *raw, size_t *n,
                      char *err, size_t errlen)
{
    *n = 0;
    if (a->schema < 2) {
        sqlite3_stmt *st = prepare(
            a, "SELECT ts, value FROM raw WHERE series=?1 AND ts<=?2 ORDER BY ts DESC LIMIT ?3",
            err, errlen);
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
        int rc = SQLITE_DONE;
        while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            raw[*n] = (Sample){sqlite3_column_int64(st, 0), col_num(st, 1)};
            (*n)++;
        }
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) return step_failed(a, st, err, errlen);
        sqlite3_finalize(st);
        return 0;
    }
    size_t first, count;
    if (tail_of(a, id, &first, &count, err, errlen) != 0) return -1;
    for (size_t i = first + count; i-- > first && *n < max;)
        if (a->tail.e[i].ts_ms <= now)
            raw[(*n)++] = (Sample){a->tail.e[i].ts_ms, a->tail.e[i].value};
    sqlite3_stmt *st = prepare(
        a, "SELECT data FROM block WHERE series=?1 AND ts<=?2 ORDER BY ts DESC", err, errlen);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    int rc = SQLITE_DONE;
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        TsbPoint *p;
        size_t m;
        char why[200];
        if (tsblock_decode(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), &p, &m,
                           why, sizeof(why)) != 0) {
            snprintf(err, errlen, _("archive %s: cannot read: %s"), a->path, why);
            sqlite3_finalize(st);
            return -1;
        }
        for (size_t i = m; i-- > 0 && *n < max;)
            if (p[i].ts_ms <= now && (!*n || p[i].ts_ms < raw[*n - 1].ts_ms))
                raw[(*n)++] = (Sample){p[i].ts_ms, p[i].value};
        free(p);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return step_failed(a, st, err, errlen);
    sqlite3_finalize(st);
    return 0;
}

/* Restores one series; the number of samples appended or -1. */
static long restore_series(Archive *a, Store *s, int id, const StoreSpec *spec, int64_t now,
                           char *err, size_t errlen)
{
    const char *key = store_key(s, id);
    sqlite3_int64 sid = ar_lookup(ar_rdb(a), "series", key);
    if (!sid) return 0;
    /* The newest raw samples, as many as the raw ring holds, newest first. */
    Sample *raw = malloc((spec->raw_capacity ? spec->raw_capacity : 1) * sizeof(*raw));
    size_t nraw = 0;
    if (!raw) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    if (newest_raw(a, sid, now, spec->raw_capacity, raw, &nraw, err, errlen) != 0) {
        free(raw);
        return -1;
    }
    /* Older spans: minute buckets before the raw samples, hour buckets before those. */
    int64_t span_min = 0, span_hour = 0;
    if (spec->levels >= 1) span_min = spec->level[0].width_ms * (int64_t)spec->level[0].capacity;
    if (spec->levels >= 1)
        span_hour = spec->level[spec->levels - 1].width_ms *
                    (int64_t)spec->level[spec->levels - 1].capacity;
    int64_t raw_from = nraw ? raw[nraw - 1].ts_ms : now + 1;
    int64_t min_to = floor_to(raw_from, 60000);
    int64_t min_first = min_to;
    long added = 0, r;
    /* Find where minute buckets begin first: the hour part must end before them. */
    ArchiveBucket *probe;
    size_t np;
    if (span_min > 0 && archive_buckets(a, key, ARCHIVE_MINUTE, now - span_min, min_to, &probe, &np,
                                        err, errlen) == 0) {
        if (np) min_first = probe[0].ts_ms;
        free(probe);
    }
    r = restore_level(a, s, id, key, ARCHIVE_HOUR, now - span_hour, floor_to(min_first, 3600000),
                      NULL, err, errlen);
    if (r < 0) goto fail;
    added += r;
    if (span_min > 0) {
        r = restore_level(a, s, id, key, ARCHIVE_MINUTE, now - span_min, min_to, NULL, err, errlen);
        if (r < 0) goto fail;
        added += r;
    }
    for (size_t i = nraw; i-- > 0;)
        added += store_append(s, id, raw[i].ts_ms, raw[i].value) >= 0 ? 1 : 0;
    free(raw);
    return added;
fail:
    free(raw);
    return -1;
}

long archive_restore(Archive *a, Store *s, const StoreSpec *spec, int64_t now_ms, char *err,
                     size_t errlen)
{
    StoreSpec def = store_spec_default();
    if (!spec) spec = &def;
    if (!a || !ar_rdb(a)) return 0; /* nothing to read (yet) */
    long total = 0;
    for (size_t id = 0; id < store_count(s); id++) {
        long r = restore_series(a, s, (int)id, spec, now_ms, err, errlen);
        if (r < 0) {
            ar_set_error(a, _("cannot restore the charts from the archive: %s"), err);
            return -1;
        }
        total += r;
    }
    return total;
}

int archive_not_running(Archive *a, int64_t from, int64_t to, ArchivePeriod **out, size_t *n,
                        char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prepare(
        a, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='not_running'", err, errlen);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return step_failed(a, st, err, errlen);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0; /* written by an ioc that did not record them */
    st = prepare(a,
                 "SELECT ts, until_ts, clean FROM not_running"
                 " WHERE ts<?2 AND until_ts>?1 ORDER BY ts",
                 err, errlen);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    Vec v = {.elem = sizeof(ArchivePeriod)};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ArchivePeriod *p = vec_push(&v);
        if (!p) {
            snprintf(err, errlen, "%s", _("out of memory"));
            sqlite3_finalize(st);
            free(v.data);
            return -1;
        }
        p->from_ms = sqlite3_column_int64(st, 0);
        p->to_ms = sqlite3_column_int64(st, 1);
        p->clean = sqlite3_column_int(st, 2) != 0;
    }
    if (rc != SQLITE_DONE) {
        free(v.data);
        return step_failed(a, st, err, errlen);
    }
    sqlite3_finalize(st);
    *out = v.data;
    *n = v.n;
    return 0;
}
