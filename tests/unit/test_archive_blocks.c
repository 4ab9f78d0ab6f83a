/* test_archive_blocks.c - the archive's blocks for slow and fast series
 * (docs/archive.md, "Blocks"): a block spans up to 60 samples (at a minute boundary) or 2 hours,
 * so a series polled every 60 s costs at most 4 bytes a sample in blocks;
 * the readers answer exactly what was written across block edges; the
 * minute and hour rollups are written per minute whatever the blocks; a
 * writer killed with open blocks loses nothing it committed and counts no
 * sample twice in the rollups afterwards; the tail keeps only what open
 * blocks need; a schema-2 archive (one block per minute) is converted. */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "services/archive.h"
#include "parse/tsblock.h"

#define MIN  60000LL
#define HOUR 3600000LL
#define DAY  86400000LL
/* 2023-11-14T00:00:00Z, on a day boundary */
#define T0 (1700000000000LL / DAY * DAY)

#define TMPDIR_FIXTURE_NAME "blocks"
#include "tmpdir_fixture.h"

/* Opens a writer that must succeed. */
static Archive *open_ok(const char *path)
{
    char err[400] = "";
    Archive *a = archive_open(path, NULL, err, sizeof(err));
    if (!a) fail_msg("archive_open: %s", err);
    return a;
}

/* Opens a reader that must succeed. */
static Archive *reader_ok(const char *path)
{
    char err[400] = "";
    Archive *r = archive_open_reader(path, err, sizeof(err));
    if (!r) fail_msg("archive_open_reader: %s", err);
    return r;
}

/* The samples written to one series, in order. */
typedef struct {
    const char *key;
    int64_t every; /* poll interval */
    Sample *s;
    size_t n, cap;
    unsigned seed;
} Ref;

/* The sample of r polled at t (a few ms late, a gap now and then, a level
 * that steps every 10 polls), added to a and to r. */
static void poll_one(Archive *a, Ref *r, int64_t t)
{
    r->seed = r->seed * 1103515245u + 12345u;
    int64_t ts = t + (int64_t)(r->seed >> 16) % 7;
    double v = (r->seed >> 20) % 97 == 0 ? NAN : (double)(40 + (r->n / 10) % 20);
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->s = realloc(r->s, r->cap * sizeof(*r->s));
        assert_non_null(r->s);
    }
    r->s[r->n++] = (Sample){ts, v};
    if (a) archive_add_sample(a, r->key, ts, v);
}

/* Polls each series of refs due in [from, to) (one poll a second at most),
 * flushing every `flush_every` ms of simulated time. */
static void run(Archive *a, Ref *refs, size_t nrefs, int64_t from, int64_t to, int64_t flush_every)
{
    for (int64_t t = from; t < to; t += 1000) {
        for (size_t i = 0; i < nrefs; i++)
            if ((t - T0) % refs[i].every == 0) poll_one(a, &refs[i], t);
        if ((t - from + 1000) % flush_every == 0) assert_int_equal(archive_flush(a, t + 500), 0);
    }
}

/* Asserts that archive_raw(from, to) of r's key is exactly r's samples there. */
static void check_window(Archive *rd, const Ref *r, int64_t from, int64_t to)
{
    char err[400];
    Sample *s;
    size_t n, lo = 0, hi;
    assert_int_equal(archive_raw(rd, r->key, from, to, &s, &n, err, sizeof(err)), 0);
    while (lo < r->n && r->s[lo].ts_ms < from)
        lo++;
    for (hi = lo; hi < r->n && r->s[hi].ts_ms < to; hi++)
        ;
    if (n != hi - lo)
        fail_msg("%s [%lld, %lld): %zu samples, want %zu", r->key, (long long)from, (long long)to,
                 n, hi - lo);
    if (n) assert_memory_equal(s, r->s + lo, n * sizeof(*s));
    free(s);
}

/* Asserts that the buckets of width w (ARCHIVE_MINUTE / _HOUR) of r's key
 * starting before `before` are exactly the aggregates of r's samples. */
static void check_buckets(Archive *rd, const Ref *r, int level, int64_t w, int64_t before)
{
    char err[400];
    ArchiveBucket *b;
    size_t nb, k = 0;
    assert_int_equal(
        archive_buckets(rd, r->key, level, INT64_MIN, before, &b, &nb, err, sizeof(err)), 0);
    for (size_t i = 0; i < r->n && r->s[i].ts_ms < before;) {
        int64_t m = r->s[i].ts_ms / w * w;
        ArchiveBucket want = {.ts_ms = m};
        for (; i < r->n && r->s[i].ts_ms < m + w; i++) {
            double v = r->s[i].value;
            if (isnan(v)) {
                want.gaps++;
                continue;
            }
            if (!want.count || v < want.min) want.min = v;
            if (!want.count || v > want.max) want.max = v;
            want.sum += v;
            want.last = v;
            want.count++;
        }
        if (k >= nb) fail_msg("%s: bucket %lld missing", r->key, (long long)m);
        if (b[k].ts_ms != m || b[k].count != want.count || b[k].gaps != want.gaps ||
            (want.count && (b[k].min != want.min || b[k].max != want.max || b[k].sum != want.sum ||
                            b[k].last != want.last)))
            fail_msg("%s: bucket %lld: n %llu gaps %llu sum %g, want n %llu gaps %llu sum %g",
                     r->key, (long long)m, (unsigned long long)b[k].count,
                     (unsigned long long)b[k].gaps, b[k].sum, (unsigned long long)want.count,
                     (unsigned long long)want.gaps, want.sum);
        k++;
    }
    assert_int_equal(nb, k);
    free(b);
}

/* Blocks of key in the archive at path: their count, and the samples they hold. */
static void block_count(const char *path, const char *key, long long *blocks, long long *samples)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT data FROM block WHERE series=(SELECT id FROM"
                                        " series WHERE key=?1)",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    *blocks = *samples = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        TsbPoint *p;
        size_t m;
        char err[200];
        assert_int_equal(tsblock_decode(sqlite3_column_blob(q, 0),
                                        (size_t)sqlite3_column_bytes(q, 0), &p, &m, err,
                                        sizeof(err)),
                         0);
        free(p);
        (*blocks)++;
        *samples += (long long)m;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* A series polled every 15 s, 60 s or 300 s for a day costs at most 4 bytes
 * a sample in blocks: the block table's pages (free space in them included,
 * from dbstat) over the samples in closed blocks. The minute rollups are not
 * counted: one row per series and minute, whatever the interval. */
static void test_slow_series_bytes(void **state)
{
    static const int64_t every[] = {15000, 60000, 300000};
    for (size_t e = 0; e < 3; e++) {
        char path[300], name[32];
        snprintf(name, sizeof(name), "slow%zu.db", e);
        tpath(path, sizeof(path), name);
        Archive *a = open_ok(path);
        enum { SERIES = 40 };
        static char keys[SERIES][16];
        Ref refs[SERIES];
        for (int k = 0; k < SERIES; k++) {
            snprintf(keys[k], sizeof(keys[k]), "f%d.v", k);
            refs[k] = (Ref){.key = keys[k], .every = every[e], .seed = (unsigned)k + 1};
        }
        /* Polls spread over the interval; one flush a simulated minute. */
        for (int64_t t = T0; t < T0 + DAY; t += 1000) {
            for (int k = 0; k < SERIES; k++)
                if ((t - T0 + k * 1000) % every[e] == 0) poll_one(a, &refs[k], t);
            if ((t - T0) % MIN == 59000) assert_int_equal(archive_flush(a, t + 500), 0);
        }
        long long blocks = 0, in_blocks = 0;
        for (int k = 0; k < SERIES; k++) {
            long long b, s;
            block_count(path, keys[k], &b, &s);
            blocks += b;
            in_blocks += s;
        }
        sqlite3_stmt *q;
        sqlite3 *db = archive_handle(a);
        assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT sum(pgsize) FROM dbstat WHERE name='block'",
                                            -1, &q, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        double pages = sqlite3_column_double(q, 0);
        sqlite3_finalize(q);
        double per = pages / (double)in_blocks;
        print_message("every %lld s: %lld blocks of %.1f samples, %.2f bytes per sample\n",
                      (long long)every[e] / 1000, blocks, (double)in_blocks / (double)blocks, per);
        assert_true(in_blocks > SERIES * (DAY / every[e]) * 8 / 10); /* most are closed */
        assert_true(per <= 4.0);
        archive_close(a);
        for (int k = 0; k < SERIES; k++)
            free(refs[k].s);
    }
}

/* Every reader answers exactly what was written, for a fast (1 s) and a
 * slow (60 s) series: windows at and around each block's edges and across
 * them, minute and hour buckets, the latest value, a restore's statistics;
 * and the tail holds a few minutes of the fast series, not its 2 hours. */
static void test_readers_agree(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "readers.db");
    Archive *a = open_ok(path);
    Ref refs[2] = {{.key = "f.fast", .every = 1000, .seed = 1},
                   {.key = "f.slow", .every = 60000, .seed = 2}};
    int64_t end = T0 + 5 * HOUR;
    run(a, refs, 2, T0, end, 10000);
    archive_close(a);

    Archive *rd = reader_ok(path);
    for (int i = 0; i < 2; i++) {
        const Ref *r = &refs[i];
        check_window(rd, r, INT64_MIN, INT64_MAX);
        /* Each block's edges. */
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_prepare_v2(archive_handle(rd),
                                            "SELECT ts, last_ts FROM block WHERE series=(SELECT"
                                            " id FROM series WHERE key=?1) ORDER BY ts",
                                            -1, &q, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(q, 1, r->key, -1, SQLITE_STATIC);
        int blocks = 0;
        while (sqlite3_step(q) == SQLITE_ROW) {
            int64_t first = sqlite3_column_int64(q, 0), last = sqlite3_column_int64(q, 1);
            check_window(rd, r, first, first + 1);
            check_window(rd, r, first - 1, first);
            check_window(rd, r, last, last + 1);
            check_window(rd, r, last + 1, last + 2 * MIN);
            check_window(rd, r, first - MIN, first + MIN);
            check_window(rd, r, last - MIN, last + MIN);
            check_window(rd, r, first + 1, last);
            blocks++;
        }
        sqlite3_finalize(q);
        assert_true(blocks >= (i == 0 ? 100 : 2));
        /* Windows anywhere. */
        unsigned seed = 9;
        for (int k = 0; k < 200; k++) {
            seed = seed * 1103515245u + 12345u;
            int64_t from = T0 - MIN + (int64_t)(seed % (unsigned)((end - T0) / 1000)) * 1000 +
                           (seed >> 24) % 7;
            int64_t len = (int64_t)((seed >> 8) % 3) == 0 ? 1 : (int64_t)(seed >> 12) % (3 * HOUR);
            check_window(rd, r, from, from + len);
        }
        check_buckets(rd, r, ARCHIVE_MINUTE, MIN, end - MIN);
        check_buckets(rd, r, ARCHIVE_HOUR, HOUR, end - HOUR);
        Sample last;
        assert_true(archive_latest(rd, r->key, &last));
        size_t j = r->n;
        while (isnan(r->s[--j].value))
            ;
        assert_memory_equal(&last, &r->s[j], sizeof(last));
    }
    /* A restore: the store's raw statistics over the last hour (across block
     * edges) match the samples written. */
    Store *s = store_new();
    int ids[2];
    for (int i = 0; i < 2; i++)
        ids[i] = store_add(s, refs[i].key, NULL, NULL);
    char err[400];
    assert_true(archive_restore(rd, s, NULL, end, err, sizeof(err)) > 0);
    for (int i = 0; i < 2; i++) {
        int64_t from = i == 0 ? end - 10 * MIN : end - 3 * HOUR;
        StoreStats st;
        assert_true(store_stats(s, ids[i], from, end, &st));
        uint64_t n = 0;
        double sum = 0;
        for (size_t k = 0; k < refs[i].n; k++)
            if (refs[i].s[k].ts_ms >= from && !isnan(refs[i].s[k].value)) {
                n++;
                sum += refs[i].s[k].value;
            }
        assert_int_equal(st.count, n);
        assert_float_equal(st.sum, sum, 0);
        assert_true(st.exact);
    }
    store_free(s);
    /* The tail: the fast series' entries there are a few minutes' worth. */
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(archive_handle(rd), "SELECT data FROM tail", -1, &q, NULL),
                     SQLITE_OK);
    size_t fast = 0, slow = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        TsbEntry *e;
        size_t m;
        assert_int_equal(tsblock_tail_decode(sqlite3_column_blob(q, 0),
                                             (size_t)sqlite3_column_bytes(q, 0), &e, &m, err,
                                             sizeof(err)),
                         0);
        for (size_t k = 0; k < m; k++)
            *(e[k].series == 1 ? &fast : &slow) += 1;
        free(e);
    }
    sqlite3_finalize(q);
    print_message("tail: %zu entries of the fast series, %zu of the slow one\n", fast, slow);
    assert_true(fast <= 6 * 60);
    assert_true(slow <= 4 * 60);
    archive_close(rd);
    for (int i = 0; i < 2; i++)
        free(refs[i].s);
}

/* A writer killed with open blocks (a slow series' 50 minutes, nothing of it
 * closed) loses no committed sample; the next writer continues, and the
 * rollups count every sample once. */
static void test_killed_with_open_blocks(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "killed.db");
    Ref refs[2] = {{.key = "f.fast", .every = 1000, .seed = 1},
                   {.key = "f.slow", .every = 60000, .seed = 2}};
    int64_t kill_at = T0 + 50 * MIN + 30000; /* 50 slow samples: under a block's 60 */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[400];
        Archive *a = archive_open(path, NULL, err, sizeof(err));
        if (!a) _exit(3);
        run(a, refs, 2, T0, kill_at, 10000);
        archive_add_sample(a, "f.slow", kill_at, 1); /* buffered, never committed */
        kill(getpid(), SIGKILL);
        _exit(5);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    run(NULL, refs, 2, T0, kill_at, 10000); /* the same samples, for reference */
    long long blocks, in_blocks;
    block_count(path, "f.slow", &blocks, &in_blocks);
    assert_int_equal(blocks, 0); /* all of it in the tail */
    Archive *rd = reader_ok(path);
    for (int i = 0; i < 2; i++)
        check_window(rd, &refs[i], INT64_MIN, INT64_MAX);
    check_buckets(rd, &refs[1], ARCHIVE_MINUTE, MIN, kill_at - 2 * MIN);
    archive_close(rd);

    /* A new writer: 3 more hours (the slow block closes), then a clean stop. */
    Archive *a = open_ok(path);
    int64_t end = kill_at + 3 * HOUR;
    run(a, refs, 2, kill_at + 1000, end, 10000);
    archive_close(a);
    block_count(path, "f.slow", &blocks, &in_blocks);
    assert_true(blocks >= 1 && in_blocks >= 60);
    rd = reader_ok(path);
    for (int i = 0; i < 2; i++) {
        check_window(rd, &refs[i], INT64_MIN, INT64_MAX);
        check_buckets(rd, &refs[i], ARCHIVE_MINUTE, MIN, INT64_MAX);
        check_buckets(rd, &refs[i], ARCHIVE_HOUR, HOUR, INT64_MAX);
    }
    archive_close(rd);
    for (int i = 0; i < 2; i++)
        free(refs[i].s);
}

/* The schema-2 tables, as that ioc created them. */
static const char schema2_sql[] =
    "CREATE TABLE series(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);"
    "CREATE TABLE feed(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE block(series INTEGER NOT NULL, ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
    " data BLOB NOT NULL, PRIMARY KEY(series, ts)) WITHOUT ROWID;"
    "CREATE TABLE tail(seq INTEGER PRIMARY KEY AUTOINCREMENT, max_ts INTEGER NOT NULL, data BLOB "
    "NOT NULL);"
    "CREATE TABLE minute(series INTEGER NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL,"
    " gaps INTEGER NOT NULL, vmin REAL, vmax REAL, vsum REAL, first_ts INTEGER, vfirst REAL,"
    " last_ts INTEGER, vlast REAL, PRIMARY KEY(series, ts)) WITHOUT ROWID;"
    "CREATE TABLE hour(series INTEGER NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL,"
    " gaps INTEGER NOT NULL, vmin REAL, vmax REAL, vsum REAL, first_ts INTEGER, vfirst REAL,"
    " last_ts INTEGER, vlast REAL, PRIMARY KEY(series, ts)) WITHOUT ROWID;"
    "CREATE TABLE feed_poll(feed INTEGER NOT NULL, ts INTEGER NOT NULL, polls INTEGER NOT NULL,"
    " failures INTEGER NOT NULL, last_ts INTEGER NOT NULL, PRIMARY KEY(feed, ts)) WITHOUT ROWID;"
    "CREATE TABLE feed_state(feed INTEGER NOT NULL, ts INTEGER NOT NULL, state TEXT NOT NULL,"
    " error TEXT, latency_ms INTEGER, http_status INTEGER, PRIMARY KEY(feed, ts)) WITHOUT ROWID;"
    "CREATE TABLE alert_event(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, event TEXT NOT NULL,"
    " rule TEXT, kpi TEXT, feed TEXT, severity TEXT, value REAL, change REAL, from_state TEXT,"
    " to_state TEXT, state TEXT, silence INTEGER, target TEXT, until_ts INTEGER,"
    " expired INTEGER, operator TEXT, comment TEXT, silenced INTEGER, acked_by TEXT,"
    " summary TEXT, fired_ts INTEGER);"
    "CREATE INDEX alert_event_ts ON alert_event(ts);"
    "CREATE TABLE not_running(ts INTEGER PRIMARY KEY, until_ts INTEGER NOT NULL,"
    " clean INTEGER NOT NULL);"
    "INSERT INTO series(id, key) VALUES(1, 'f.fast'), (2, 'f.slow');"
    "PRAGMA application_id=1768907521; PRAGMA user_version=2;";

/* Writes r's samples [from, to) of series id to db as schema 2 did: one
 * block per minute keyed by the minute, with its minute row. */
static void schema2_blocks(sqlite3 *db, int id, const Ref *r, size_t from, size_t to)
{
    sqlite3_stmt *b, *m;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO block VALUES(?1,?2,?3,?4)", -1, &b, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO minute(series,ts,n,gaps,vsum)"
                                        " VALUES(?1,?2,?3,?4,?5)",
                                        -1, &m, NULL),
                     SQLITE_OK);
    for (size_t i = from; i < to;) {
        int64_t minute = r->s[i].ts_ms / MIN * MIN;
        size_t e = i, n = 0, gaps = 0;
        double sum = 0;
        for (; e < to && r->s[e].ts_ms < minute + MIN; e++)
            isnan(r->s[e].value) ? (void)gaps++ : (void)(n++, sum += r->s[e].value);
        uint8_t *blob;
        size_t len;
        assert_int_equal(tsblock_encode((const TsbPoint *)(r->s + i), e - i, &blob, &len), 0);
        sqlite3_bind_int(b, 1, id);
        sqlite3_bind_int64(b, 2, minute);
        sqlite3_bind_int64(b, 3, r->s[e - 1].ts_ms);
        sqlite3_bind_blob(b, 4, blob, (int)len, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(b), SQLITE_DONE);
        sqlite3_reset(b);
        free(blob);
        sqlite3_bind_int(m, 1, id);
        sqlite3_bind_int64(m, 2, minute);
        sqlite3_bind_int64(m, 3, (sqlite3_int64)n);
        sqlite3_bind_int64(m, 4, (sqlite3_int64)gaps);
        sqlite3_bind_double(m, 5, sum);
        assert_int_equal(sqlite3_step(m), SQLITE_DONE);
        sqlite3_reset(m);
        i = e;
    }
    sqlite3_finalize(b);
    sqlite3_finalize(m);
}

/* An archive of schema 2 (one block per series and minute, a tail of the
 * open minute left by a kill) reads as it is; the first writer converts it
 * in place into blocks of up to 60 samples, the same samples bit for bit,
 * and the tail's samples go to the rollups once their minute is over. */
static void test_schema2_converted(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "v2.db");
    Ref refs[2] = {{.key = "f.fast", .every = 1000, .seed = 1},
                   {.key = "f.slow", .every = 60000, .seed = 2}};
    run(NULL, refs, 2, T0, T0 + 3 * HOUR, 1000); /* fast: 10800 samples; slow: 180 */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, schema2_sql, NULL, NULL, NULL), SQLITE_OK);
    /* fast: blocks up to 3 h - 1 min, then 30 s in the tail (the open minute,
     * with an entry already in a block before it); slow: blocks only. */
    size_t cut = 0;
    while (refs[0].s[cut].ts_ms < T0 + 3 * HOUR - MIN)
        cut++;
    schema2_blocks(db, 1, &refs[0], 0, cut);
    schema2_blocks(db, 2, &refs[1], 0, refs[1].n);
    refs[0].n = cut + 30;
    TsbEntry e[31];
    for (size_t i = 0; i < 31; i++)
        e[i] = (TsbEntry){1, refs[0].s[cut - 1 + i].ts_ms, refs[0].s[cut - 1 + i].value};
    uint8_t *blob;
    size_t len;
    assert_int_equal(tsblock_tail_encode(e, 31, &blob, &len), 0);
    sqlite3_stmt *q;
    assert_int_equal(
        sqlite3_prepare_v2(db, "INSERT INTO tail(max_ts, data) VALUES(?1, ?2)", -1, &q, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(q, 1, e[30].ts_ms);
    sqlite3_bind_blob(q, 2, blob, (int)len, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    free(blob);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    Archive *rd = reader_ok(path); /* schema 2 as it is */
    for (int i = 0; i < 2; i++)
        check_window(rd, &refs[i], INT64_MIN, INT64_MAX);
    check_window(rd, &refs[0], T0 + HOUR - 1, T0 + HOUR + 90000);
    archive_close(rd);

    Archive *a = open_ok(path);
    assert_non_null(strstr(archive_notice(a), "converted from schema 2 to 3 (10920 samples from "
                                              "359 blocks into 182 blocks)"));
    assert_string_equal(archive_error(a), "");
    /* An hour later: nothing new, but the tail's minute is over. */
    assert_int_equal(archive_flush(a, T0 + 4 * HOUR), 0);
    archive_close(a);
    long long blocks, in_blocks;
    block_count(path, "f.slow", &blocks, &in_blocks);
    assert_int_equal(blocks, 3); /* 3 hours at 60 s: three blocks of 60 */
    assert_int_equal(in_blocks, 180);
    rd = reader_ok(path);
    for (int i = 0; i < 2; i++) {
        check_window(rd, &refs[i], INT64_MIN, INT64_MAX);
        check_window(rd, &refs[i], T0 + HOUR - 1, T0 + HOUR + 90000);
        check_window(rd, &refs[i], T0 + 2 * HOUR + 1, T0 + 3 * HOUR);
    }
    char err[400];
    ArchiveBucket *b;
    size_t nb;
    assert_int_equal(archive_buckets(rd, "f.fast", ARCHIVE_MINUTE, T0 + 3 * HOUR - MIN,
                                     T0 + 3 * HOUR, &b, &nb, err, sizeof(err)),
                     0);
    assert_int_equal(nb, 1);
    assert_int_equal(b[0].count + b[0].gaps, 30);
    free(b);
    archive_close(rd);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 3);
    sqlite3_finalize(q);
    sqlite3_close(db);
    for (int i = 0; i < 2; i++)
        free(refs[i].s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slow_series_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readers_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_with_open_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema2_converted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
