/* test_archive.c - the SQLite archive: what is written comes back (raw,
 * rollups, feed states, alert events), retention pruning in bounded steps,
 * restore into a Store, foreign files refused and left byte-for-byte alone,
 * read-only and full archives keep the buffer and recover, a second writer
 * is locked out with a clear message, a killed writer loses nothing it
 * committed, a restart records the time ioc was not running. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "services/archive.h"
#include "base/loop.h"
#include "services/monitor.h"

#define MIN  60000LL
#define HOUR 3600000LL
#define DAY  86400000LL
/* 2023-11-14T22:00:00Z, on an hour boundary */
#define T0 1700000000000LL / HOUR *HOUR

#define TMPDIR_FIXTURE_NAME "archive"
#include "tmpdir_fixture.h"

/* Opens a writer that must succeed. */
static Archive *open_ok(const char *path, const ArchiveOptions *o)
{
    char err[400] = "";
    Archive *a = archive_open(path, o, err, sizeof(err));
    if (!a) fail_msg("archive_open: %s", err);
    return a;
}

/* Number of raw samples of key in the whole archive (through a reader). */
static size_t raw_count(const char *path, const char *key)
{
    char err[400];
    Archive *r = archive_open_reader(path, err, sizeof(err));
    if (!r) fail_msg("archive_open_reader: %s", err);
    Sample *s;
    size_t n;
    assert_int_equal(archive_raw(r, key, INT64_MIN, INT64_MAX, &s, &n, err, sizeof(err)), 0);
    free(s);
    archive_close(r);
    return n;
}

/* A status as the poller would leave it. */
static FeedStatus status(FeedStateKind k, int64_t at, const char *error)
{
    FeedStatus st = {.state = k, .latency_ms = 40, .last_poll_ms = at, .http_status = 200};
    snprintf(st.error, sizeof(st.error), "%s", error);
    return st;
}

/* Samples, buckets, latest value, feed polls and states come back as written,
 * through a separate reader; the parent directories are created. */
static void test_round_trip(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "a/b/archive.db");
    Archive *a = open_ok(path, NULL);
    assert_true(archive_writer(a));
    assert_string_equal(archive_error(a), "");
    /* Minute 0: 10, 30, gap, 20; minute 1: 5. */
    archive_add_sample(a, "dvc.rate", T0 + 1000, 10);
    archive_add_sample(a, "dvc.rate", T0 + 11000, 30);
    archive_add_sample(a, "dvc.rate", T0 + 21000, NAN);
    archive_add_sample(a, "dvc.rate", T0 + 31000, 20);
    archive_add_sample(a, "dvc.rate", T0 + MIN + 1000, 5);
    archive_add_sample(a, "dvc.other", T0 + 1000, -1.5);
    FeedStatus ok = status(FS_OK, T0 + 1000, "");
    FeedStatus down = status(FS_DOWN, T0 + 21000, "timeout after 5s");
    FeedStatus ok2 = status(FS_OK, T0 + 31000, "");
    archive_add_poll(a, "dvc", &ok);
    archive_add_poll(a, "dvc", &down);
    archive_add_poll(a, "dvc", &ok2);
    assert_int_equal(archive_flush(a, T0 + 2 * MIN), 0);
    ArchiveStats st;
    archive_stats(a, &st);
    assert_int_equal(st.written, 6);
    assert_int_equal(st.pending, 0);
    archive_close(a);

    char err[400];
    Archive *r = archive_open_reader(path, err, sizeof(err));
    assert_non_null(r);
    assert_false(archive_writer(r));
    Sample *s;
    size_t n;
    assert_int_equal(archive_raw(r, "dvc.rate", T0, T0 + MIN, &s, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 4);
    assert_true(s[0].ts_ms == T0 + 1000 && s[0].value == 10);
    assert_true(isnan(s[2].value));
    assert_true(s[3].ts_ms == T0 + 31000 && s[3].value == 20);
    free(s);

    ArchiveBucket *b;
    assert_int_equal(
        archive_buckets(r, "dvc.rate", ARCHIVE_MINUTE, T0, T0 + HOUR, &b, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 2);
    assert_int_equal(b[0].count, 3);
    assert_int_equal(b[0].gaps, 1);
    assert_float_equal(b[0].min, 10, 0);
    assert_float_equal(b[0].max, 30, 0);
    assert_float_equal(b[0].sum, 60, 0);
    assert_float_equal(b[0].first, 10, 0);
    assert_float_equal(b[0].last, 20, 0);
    assert_true(b[0].last_ts == T0 + 31000);
    assert_int_equal(b[1].count, 1);
    free(b);
    assert_int_equal(
        archive_buckets(r, "dvc.rate", ARCHIVE_HOUR, T0, T0 + HOUR, &b, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 1);
    assert_int_equal(b[0].count, 4);
    assert_float_equal(b[0].sum, 65, 0);
    assert_float_equal(b[0].last, 5, 0);
    free(b);

    Sample last;
    assert_true(archive_latest(r, "dvc.rate", &last));
    assert_true(last.ts_ms == T0 + MIN + 1000 && last.value == 5);
    assert_false(archive_latest(r, "nope.k", &last));

    uint64_t polls, fails;
    assert_int_equal(archive_polls(r, "dvc", T0, T0 + DAY, &polls, &fails, err, sizeof(err)), 0);
    assert_int_equal(polls, 3);
    assert_int_equal(fails, 1);
    ArchiveState *sts;
    assert_int_equal(archive_states(r, "dvc", T0, T0 + DAY, &sts, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 3);
    assert_int_equal(sts[1].state, FS_DOWN);
    assert_string_equal(sts[1].error, "timeout after 5s");
    free(sts);
    /* Asking from after the down: the change before the window comes first. */
    assert_int_equal(archive_states(r, "dvc", T0 + 25000, T0 + DAY, &sts, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 2);
    assert_int_equal(sts[0].state, FS_DOWN);
    free(sts);
    FeedStatus fs;
    assert_true(archive_feed_state(r, "dvc", &fs));
    assert_int_equal(fs.state, FS_OK);
    assert_true(fs.last_poll_ms == T0 + 31000);
    archive_close(r);
}

/* Alert events keep the alert log's fields. */
static void test_alert_events(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "archive.db");
    Archive *a = open_ok(path, NULL);
    CfgRule rule = {.id = "aqi_high", .kpi = "khongkhi.aqi", .severity = SEV_CRITICAL};
    Alert al = {.rule = &rule,
                .has_value = true,
                .value = 162.5,
                .fired_ms = T0,
                .summary = "AQI 162.5 tại Phạm Ngũ Lão",
                .ack_by = "",
                .ack_comment = ""};
    AlertEvent ev = {.kind = AEV_TRANSITION,
                     .alert = &al,
                     .from = ALERT_PENDING,
                     .to = ALERT_FIRING,
                     .at_ms = T0};
    archive_record_alert(a, &ev);
    AlertEvent ack = {.kind = AEV_ACK,
                      .alert = &al,
                      .from = ALERT_FIRING,
                      .to = ALERT_FIRING,
                      .at_ms = T0 + 5 * MIN,
                      .who = "lan",
                      .comment = "đang xử lý"};
    archive_record_alert(a, &ack);
    assert_int_equal(archive_flush(a, T0 + 6 * MIN), 0);
    ArchiveEvent *e;
    size_t n;
    char err[400];
    assert_int_equal(archive_events(a, T0, T0 + DAY, &e, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].event, "transition");
    assert_string_equal(e[0].rule, "aqi_high");
    assert_string_equal(e[0].kpi, "khongkhi.aqi");
    assert_null(e[0].feed);
    assert_int_equal(e[0].severity, SEV_CRITICAL);
    assert_string_equal(e[0].from, "pending");
    assert_string_equal(e[0].to, "firing");
    assert_float_equal(e[0].value, 162.5, 0);
    assert_string_equal(e[0].summary, "AQI 162.5 tại Phạm Ngũ Lão");
    assert_true(e[0].fired_ms == T0);
    assert_string_equal(e[1].event, "ack");
    assert_string_equal(e[1].who, "lan");
    assert_string_equal(e[1].comment, "đang xử lý");
    assert_string_equal(e[1].state, "firing");
    archive_events_free(e, n);
    archive_close(a);
}

/* Rows past their retention go, a bounded number per flush (raw samples go
 * a block, i.e. a minute of a series, at a time); rollups outlive raw. */
static void test_retention(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "archive.db");
    ArchiveOptions o = {.retention_ms = {DAY, 3 * DAY, 10 * DAY}, .prune_rows = 10};
    Archive *a = open_ok(path, &o);
    int64_t now = T0 + 20 * DAY;
    /* 25 samples 4 to 6 days old, 2 hours apart (25 blocks past raw and
     * minute retention, within hour), 5 fresh ones (an open block). */
    for (int i = 0; i < 25; i++)
        archive_add_sample(a, "k.v", now - 6 * DAY + i * 2 * HOUR, i);
    for (int i = 0; i < 5; i++)
        archive_add_sample(a, "k.v", now - HOUR + i * 1000, i);
    assert_int_equal(archive_flush(a, now), 0); /* writes, then prunes 10 */
    assert_int_equal(raw_count(path, "k.v"), 20);
    assert_int_equal(archive_flush(a, now), 0);
    assert_int_equal(raw_count(path, "k.v"), 10);
    for (int i = 0; i < 4; i++)
        assert_int_equal(archive_flush(a, now), 0);
    assert_int_equal(raw_count(path, "k.v"), 5);
    /* Rollups have retentions of their own. */
    char err[400];
    ArchiveBucket *b;
    size_t n;
    assert_int_equal(
        archive_buckets(a, "k.v", ARCHIVE_HOUR, 0, INT64_MAX, &b, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 26); /* hour rollups are kept 10 days */
    free(b);
    assert_int_equal(
        archive_buckets(a, "k.v", ARCHIVE_MINUTE, 0, INT64_MAX, &b, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 1); /* the minutes 4 to 6 days old are past 3 days */
    assert_true(b[0].ts_ms >= now - HOUR);
    free(b);
    ArchiveStats st;
    archive_stats(a, &st);
    assert_int_equal(st.pruned, 25 + 25); /* 25 blocks, 25 minute rows */
    archive_close(a);
}

/* Restore: the store gets the newest raw samples, and older spans from
 * rollups, so that last values, recent statistics and old extremes show. */
static void test_restore(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "archive.db");
    Archive *a = open_ok(path, NULL);
    int64_t now = T0 + 10 * HOUR;
    /* 10 h of one sample every 10 s (3600 samples, more than the 1024 raw ring),
     * value = minute of the hour, with a spike of 999 six hours ago. */
    for (int64_t t = T0; t < now; t += 10000) {
        double v = (double)((t / MIN) % 60);
        if (t == now - 6 * HOUR) v = 999;
        archive_add_sample(a, "dvc.rate", t, v);
    }
    archive_add_sample(a, "dvc.gone", now - 1000, 1); /* a series the store does not have */
    assert_int_equal(archive_flush(a, now), 0);

    Store *s = store_new();
    assert_non_null(s);
    int id = store_add(s, "dvc.rate", NULL, NULL);
    int other = store_add(s, "new.kpi", NULL, NULL);
    char err[400];
    long n = archive_restore(a, s, NULL, now, err, sizeof(err));
    assert_true(n > 1024);
    Sample last;
    assert_true(store_last(s, id, &last));
    assert_true(last.ts_ms == now - 10000);
    assert_float_equal(last.value, (double)(((now - 10000) / MIN) % 60), 0);
    assert_false(store_last(s, other, &last));
    /* The last hour is raw: exact statistics. */
    StoreStats st;
    assert_true(store_stats(s, id, now - HOUR, now, &st));
    assert_int_equal(st.count, 360);
    assert_float_equal(st.min, 0, 0);
    assert_float_equal(st.max, 59, 0);
    /* The spike, far older than the raw ring, came back through the minute rollup. */
    assert_true(store_stats(s, id, now - 7 * HOUR, now - 5 * HOUR, &st));
    assert_float_equal(st.max, 999, 0);
    /* A chart over the 10 h has values in every column. */
    StorePoint pts[20];
    assert_true(store_chart(s, id, T0, now - 1, pts, 20) >= 0);
    for (int i = 0; i < 20; i++)
        assert_true(pts[i].flags & STORE_PT_VALUE);
    store_free(s);
    archive_close(a);
}

/* Writes content to path. */
static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Reads up to n bytes of path into buf; returns the length. */
static size_t read_file(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t len = fread(buf, 1, n, f);
    fclose(f);
    return len;
}

/* Makes a SQLite database with sql run in it. */
static void make_db(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* A text file, another application's database and a newer schema are refused
 * by writer and reader alike, with a message, and not modified. */
static void test_foreign_files(void **state)
{
    static const struct {
        const char *name;
        const char *sql; /* NULL: a text file */
        const char *msg;
    } cases[] = {
        {"notes.txt", NULL, "not a SQLite database"},
        {"other.db", "CREATE TABLE t(x); INSERT INTO t VALUES(1);", "another application's"},
        {"newer.db", "PRAGMA application_id=1768907521; PRAGMA user_version=99; CREATE TABLE t(x);",
         "written by a newer ioc"},
        {"appid.db", "PRAGMA application_id=42;", "another application's"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[300], err[400] = "";
        tpath(path, sizeof(path), cases[i].name);
        if (cases[i].sql)
            make_db(path, cases[i].sql);
        else
            write_file(path, "feeds:\n  - id: x\n", 17);
        static char before[1 << 16], after[1 << 16];
        size_t len = read_file(path, before, sizeof(before));
        struct stat st0, st1;
        assert_int_equal(stat(path, &st0), 0);
        Archive *a = archive_open(path, NULL, err, sizeof(err));
        if (a) fail_msg("%s: accepted as an archive", cases[i].name);
        if (!strstr(err, cases[i].msg)) fail_msg("%s: message '%s'", cases[i].name, err);
        assert_non_null(strstr(err, path));
        assert_non_null(strstr(err, "left untouched"));
        a = archive_open_reader(path, err, sizeof(err));
        assert_null(a);
        assert_non_null(strstr(err, cases[i].msg));
        assert_int_equal(read_file(path, after, sizeof(after)), len);
        assert_memory_equal(before, after, len);
        assert_int_equal(stat(path, &st1), 0);
        assert_true(st0.st_mtim.tv_sec == st1.st_mtim.tv_sec &&
                    st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec);
        char wal[320];
        snprintf(wal, sizeof(wal), "%s-wal", path);
        assert_int_equal(access(wal, F_OK), -1);
    }
    /* A missing file is no archive for a reader. */
    char path[300], err[400];
    tpath(path, sizeof(path), "missing.db");
    assert_null(archive_open_reader(path, err, sizeof(err)));
    assert_non_null(strstr(err, "no archive at"));
}

/* A read-only archive: the flush fails with the reason, the samples wait and
 * are written once writing works again. */
static void test_read_only(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "archive.db");
    Archive *a = open_ok(path, NULL);
    assert_int_equal(sqlite3_exec(archive_handle(a), "PRAGMA query_only=1", NULL, NULL, NULL),
                     SQLITE_OK);
    for (int i = 0; i < 10; i++)
        archive_add_sample(a, "k.v", T0 + i * 1000, i);
    assert_int_equal(archive_flush(a, T0 + MIN), -1);
    assert_non_null(strstr(archive_error(a), path));
    assert_non_null(strstr(archive_error(a), "readonly"));
    assert_non_null(strstr(archive_error(a), "retrying"));
    unsigned seq = archive_error_seq(a);
    assert_true(seq > 0);
    ArchiveStats st;
    archive_stats(a, &st);
    assert_int_equal(st.pending, 10);
    assert_int_equal(st.failures, 1);
    assert_int_equal(st.last_flush_ms, 0); /* never flushed */
    /* Still failing: the same text, no new change. */
    assert_int_equal(archive_flush(a, T0 + MIN), -1);
    assert_int_equal(archive_error_seq(a), seq);
    assert_int_equal(sqlite3_exec(archive_handle(a), "PRAGMA query_only=0", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(archive_flush(a, T0 + MIN), 0);
    assert_string_equal(archive_error(a), "");
    assert_int_equal(raw_count(path, "k.v"), 10);
    archive_stats(a, &st);
    assert_int_equal(st.last_flush_ms, T0 + MIN); /* the time of the flush that went through */
    assert_int_equal(st.written, 10);
    archive_close(a);
}

/* The states of feed id in the whole archive, as "state@seconds after T0 "... */
static void states_text(Archive *a, const char *id, char *buf, size_t n)
{
    ArchiveState *st;
    size_t ns;
    char err[400];
    assert_int_equal(archive_states(a, id, INT64_MIN + 1, INT64_MAX, &st, &ns, err, sizeof(err)),
                     0);
    buf[0] = '\0';
    for (size_t i = 0; i < ns; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s@%lld ",
                 st[i].state < 0 ? "stopped" : feedstate_name((FeedStateKind)st[i].state),
                 (long long)(st[i].ts_ms - T0) / 1000);
    }
    free(st);
}

/* The periods of ioc not running in the whole archive, as "from-to clean"... */
static void periods_text(Archive *a, char *buf, size_t n)
{
    ArchivePeriod *p;
    size_t np;
    char err[400];
    assert_int_equal(archive_not_running(a, INT64_MIN, INT64_MAX, &p, &np, err, sizeof(err)), 0);
    buf[0] = '\0';
    for (size_t i = 0; i < np; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%lld-%lld%s ", (long long)(p[i].from_ms - T0) / 1000,
                 (long long)(p[i].to_ms - T0) / 1000, p[i].clean ? " clean" : "");
    }
    free(p);
}

/* archive_record_start(): nothing on a new archive; after a kill, the time
 * since the newest entry is a period and every feed not already stopped gets
 * "stopped" then; after a clean stop, a clean period and no new state; a
 * reload's gap under a second is not a period; an archive of an older ioc
 * (no not_running table) reads as no periods and gets the table; periods
 * are pruned like hour buckets. */
static void test_not_running(void **state)
{
    char path[300], buf[400];
    tpath(path, sizeof(path), "archive.db");
    Archive *a = open_ok(path, NULL);
    archive_record_start(a, T0);
    FeedStatus st = status(FS_OK, T0 + 1000, "");
    archive_add_poll(a, "x", &st);
    st = status(FS_DOWN, T0 + 10000, "timeout");
    archive_add_poll(a, "x", &st);
    st = status(FS_OK, T0 + 5000, "");
    archive_add_poll(a, "y", &st);
    archive_add_sample(a, "x.k", T0 + 12000, 1); /* the newest entry */
    assert_int_equal(archive_flush(a, T0 + 13000), 0);
    periods_text(a, buf, sizeof(buf));
    assert_string_equal(buf, ""); /* a new archive */
    archive_close(a);             /* killed: no "stopped" */
    /* The older ioc's archive had no table: reads as none. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE not_running", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    char err[400];
    Archive *r = archive_open_reader(path, err, sizeof(err));
    assert_non_null(r);
    periods_text(r, buf, sizeof(buf));
    assert_string_equal(buf, "");
    archive_close(r);

    a = open_ok(path, NULL);
    archive_record_start(a, T0 + 60000);
    assert_int_equal(archive_flush(a, T0 + 61000), 0);
    periods_text(a, buf, sizeof(buf));
    assert_string_equal(buf, "12-60 ");
    states_text(a, "x", buf, sizeof(buf));
    assert_string_equal(buf, "ok@1 down@10 stopped@12 ");
    states_text(a, "y", buf, sizeof(buf));
    assert_string_equal(buf, "ok@5 stopped@12 ");
    /* A clean stop at 70 s (this run has polled x only), restart at 100 s. */
    st = status(FS_OK, T0 + 65000, "");
    archive_add_poll(a, "x", &st);
    archive_record_stop(a, T0 + 70000);
    archive_close(a);
    a = open_ok(path, NULL);
    archive_record_start(a, T0 + 100000);
    assert_int_equal(archive_flush(a, T0 + 101000), 0);
    periods_text(a, buf, sizeof(buf));
    assert_string_equal(buf, "12-60 70-100 clean ");
    states_text(a, "x", buf, sizeof(buf));
    assert_string_equal(buf, "ok@1 down@10 stopped@12 ok@65 stopped@70 ");
    /* A reload: stopped and started again within a second. */
    st = status(FS_OK, T0 + 110000, "");
    archive_add_poll(a, "x", &st);
    archive_record_stop(a, T0 + 120000);
    archive_close(a);
    a = open_ok(path, NULL);
    archive_record_start(a, T0 + 120400);
    assert_int_equal(archive_flush(a, T0 + 121000), 0);
    periods_text(a, buf, sizeof(buf));
    assert_string_equal(buf, "12-60 70-100 clean ");
    /* Only periods that overlap the asked span. */
    ArchivePeriod *p;
    size_t np;
    assert_int_equal(archive_not_running(a, T0 + 60000, T0 + 70001, &p, &np, err, sizeof(err)), 0);
    assert_int_equal(np, 1);
    assert_true(p[0].from_ms == T0 + 70000);
    free(p);
    /* Pruned with the hour buckets (2 years by default). */
    for (int i = 0; i < 10; i++)
        assert_int_equal(archive_flush(a, T0 + 731 * DAY + i * 2 * MIN), 0);
    periods_text(a, buf, sizeof(buf));
    assert_string_equal(buf, "");
    /* Readers and locked-out writers record nothing. */
    Archive *second = archive_open(path, NULL, err, sizeof(err));
    assert_non_null(second);
    assert_false(archive_writer(second));
    archive_record_start(second, T0 + 800 * DAY);
    archive_close(second);
    archive_close(a);
    r = archive_open_reader(path, err, sizeof(err));
    archive_record_start(r, T0 + 800 * DAY);
    archive_close(r);
    a = open_ok(path, NULL);
    assert_int_equal(archive_flush(a, T0 + 800 * DAY), 0);
    periods_text(a, buf, sizeof(buf));
    assert_string_equal(buf, "");
    archive_close(a);
}

/* A full disk (max_page_count): error text, the buffer is kept, a later flush
 * writes everything. */
static void test_disk_full(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "archive.db");
    Archive *a = open_ok(path, NULL);
    archive_add_sample(a, "k.v", T0, 0);
    assert_int_equal(archive_flush(a, T0), 0);
    sqlite3 *db = archive_handle(a);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int pages = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%d", pages);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    for (int i = 1; i <= 5000; i++)
        archive_add_sample(a, "k.v", T0 + i * 1000, i);
    assert_int_equal(archive_flush(a, T0 + DAY / 2), -1);
    assert_non_null(strstr(archive_error(a), "full"));
    ArchiveStats st;
    archive_stats(a, &st);
    assert_int_equal(st.pending, 5000);
    assert_int_equal(raw_count(path, "k.v"), 1); /* nothing of the batch is half-written */
    archive_add_sample(a, "k.v", T0 + 6000 * 1000, 6000);
    assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count=1000000", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(archive_flush(a, T0 + DAY / 2), 0);
    assert_string_equal(archive_error(a), "");
    assert_int_equal(raw_count(path, "k.v"), 5002);
    archive_close(a);
}

/* The buffer is bounded: the oldest samples go first, counted. An unusable
 * path is an error to show, not a failure to open. */
static void test_bounded_buffer(void **state)
{
    char path[300], file[300];
    tpath(file, sizeof(file), "plain");
    write_file(file, "x", 1);
    tpath(path, sizeof(path), "plain/sub/archive.db");
    ArchiveOptions o = {.max_buffer = 100};
    Archive *a = open_ok(path, &o);
    assert_non_null(strstr(archive_error(a), "cannot create its directory"));
    for (int i = 0; i < 150; i++)
        archive_add_sample(a, "k.v", T0 + i * 1000, i);
    assert_int_equal(archive_flush(a, T0 + DAY), -1);
    ArchiveStats st;
    archive_stats(a, &st);
    assert_int_equal(st.pending, 100);
    assert_int_equal(st.dropped, 50);
    /* The directory becomes possible: everything kept is written. */
    assert_int_equal(unlink(file), 0);
    assert_int_equal(archive_flush(a, T0 + DAY), 0);
    assert_int_equal(raw_count(path, "k.v"), 100);
    Archive *r = archive_open_reader(path, file, sizeof(file));
    Sample *s;
    size_t n;
    assert_int_equal(archive_raw(r, "k.v", 0, INT64_MAX, &s, &n, file, sizeof(file)), 0);
    assert_float_equal(s[0].value, 50, 0); /* the oldest 50 were dropped */
    free(s);
    archive_close(r);
    archive_close(a);
}

/* A second writer is locked out with the first one's pid, reads still work,
 * and the lock is free again after the first closes. */
static void test_second_writer(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "archive.db");
    Archive *a = open_ok(path, NULL);
    archive_add_sample(a, "k.v", T0, 1);
    assert_int_equal(archive_flush(a, T0), 0);
    Archive *b = open_ok(path, NULL);
    assert_false(archive_writer(b));
    char want[600];
    snprintf(want, sizeof(want),
             "archive %s is in use by another ioc (pid %ld); running without "
             "archive writes",
             path, (long)getpid());
    assert_string_equal(archive_error(b), want);
    archive_add_sample(b, "k.v", T0 + 1000, 2); /* ignored */
    assert_int_equal(archive_flush(b, T0 + 2000), 0);
    Sample last;
    assert_true(archive_latest(b, "k.v", &last)); /* it reads */
    assert_float_equal(last.value, 1, 0);
    archive_close(b);
    archive_close(a);
    Archive *c = open_ok(path, NULL);
    assert_true(archive_writer(c));
    archive_close(c);
    assert_int_equal(raw_count(path, "k.v"), 1);
}

/* A writer killed with SIGKILL after some flushes (with more buffered): the
 * archive opens and holds every committed batch. */
static void test_killed_writer(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "archive.db");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[400];
        Archive *a = archive_open(path, NULL, err, sizeof(err));
        if (!a) _exit(3);
        for (int batch = 0; batch < 30; batch++) {
            for (int i = 0; i < 100; i++)
                archive_add_sample(a, "k.v", T0 + (batch * 100 + i) * 1000LL, i);
            if (archive_flush(a, T0) != 0) _exit(4);
        }
        for (int i = 0; i < 50; i++) /* buffered, never committed */
            archive_add_sample(a, "k.v", T0 + (3000 + i) * 1000LL, i);
        kill(getpid(), SIGKILL);
        _exit(5);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(raw_count(path, "k.v"), 3000);
    /* And a new writer takes over (the lock died with the process). */
    Archive *a = open_ok(path, NULL);
    assert_true(archive_writer(a));
    archive_add_sample(a, "k.v", T0 + 4000 * 1000LL, 1);
    assert_int_equal(archive_flush(a, T0), 0);
    archive_close(a);
    assert_int_equal(raw_count(path, "k.v"), 3001);
}

/* A Monitor on a config with an archive: the store is filled from it before
 * polling (charts and sparklines continue after a restart); a second Monitor
 * on the same archive shows the lock message and still runs. */
static void test_watch_restart(void **state)
{
    char path[300], yaml[600];
    tpath(path, sizeof(path), "archive.db");
    int64_t now = loop_wall_ms();
    Archive *a = open_ok(path, NULL);
    for (int i = 0; i < 120; i++) /* the last 2 hours, one sample a minute */
        archive_add_sample(a, "dvc.rate", now - (120 - i) * MIN, 50 + i % 10);
    assert_int_equal(archive_flush(a, now), 0);
    archive_close(a);
    snprintf(yaml, sizeof(yaml),
             "ioc: { name: t, archive: \"%s\" }\n"
             "feeds:\n"
             "  - id: dvc\n"
             "    url: http://127.0.0.1:1/\n"
             "    kpis: [ { id: rate, select: $.r } ]\n",
             path);
    Diag d;
    diag_init(&d);
    Config *cfg = cfg_load_string(yaml, strlen(yaml), "t.yaml", &d);
    diag_done(&d);
    assert_non_null(cfg);
    assert_string_equal(cfg->archive, path);
    char err[400];
    Monitor *w = monitor_new(cfg, NULL, NULL, err, sizeof(err));
    if (!w) fail_msg("monitor_new: %s", err);
    assert_non_null(w->archive);
    assert_string_equal(w->archive_status, "");
    int id = store_find(w->coll->store, "dvc.rate");
    StorePoint pts[24];
    assert_true(store_chart(w->coll->store, id, now - 2 * HOUR, now, pts, 24) >= 0);
    for (int i = 0; i < 24; i++)
        assert_true(pts[i].flags & STORE_PT_VALUE);
    CollKpiView v;
    coll_kpi_view(w->coll, 0, now - MIN, &v);
    assert_true(v.has_value);
    assert_float_equal(v.value, 50 + 119 % 10, 0);

    Diag d2;
    diag_init(&d2);
    Monitor *w2 = monitor_new(cfg_load_string(yaml, strlen(yaml), "t.yaml", &d2), NULL, NULL, err,
                              sizeof(err));
    diag_done(&d2);
    assert_non_null(w2);
    assert_non_null(strstr(w2->archive_status, "is in use by another ioc"));
    coll_kpi_view(w2->coll, 0, now - MIN, &v); /* it still reads the history */
    assert_true(v.has_value);
    monitor_free(w2);
    monitor_free(w);
}

/* Loads yaml and builds a Monitor on it (fails the test when it cannot). */
static Monitor *monitor_on(const char *yaml)
{
    Diag d;
    diag_init(&d);
    Config *cfg = cfg_load_string(yaml, strlen(yaml), "t.yaml", &d);
    diag_done(&d);
    assert_non_null(cfg);
    char err[400];
    Monitor *w = monitor_new(cfg, NULL, NULL, err, sizeof(err));
    if (!w) fail_msg("monitor_new: %s", err);
    return w;
}

/* An operator's silence survives a restart; a removed one does not come back. */
static void test_silence_survives_restart(void **state)
{
    char path[300], yaml[600];
    tpath(path, sizeof(path), "archive.db");
    snprintf(yaml, sizeof(yaml),
             "ioc: { name: t, archive: \"%s\" }\n"
             "feeds:\n"
             "  - id: dvc\n"
             "    url: http://127.0.0.1:1/\n"
             "    kpis: [ { id: rate, select: $.r, crit: '< 50' } ]\n",
             path);
    char err[200];
    Monitor *w = monitor_on(yaml);
    unsigned id =
        monitor_silence(w, "dvc.rate", 2 * HOUR, "tester", "maintenance", err, sizeof(err));
    if (!id) fail_msg("monitor_silence: %s", err);
    const AlertSilence *sl;
    assert_int_equal(alert_silences(w->alerts, &sl), 1);
    int64_t until = sl[0].until_ms;
    monitor_free(w); /* flushes the archive */

    w = monitor_on(yaml);
    assert_int_equal(alert_silences(w->alerts, &sl), 1);
    assert_string_equal(sl[0].target, "dvc.rate");
    assert_int_equal(sl[0].until_ms, until);
    assert_string_equal(sl[0].who, "tester");
    assert_string_equal(sl[0].comment, "maintenance");
    assert_int_equal(monitor_unsilence(w, sl[0].id, "tester", err, sizeof(err)), 0);
    monitor_free(w);

    w = monitor_on(yaml); /* removed after the restore: stays removed */
    assert_int_equal(alert_silences(w->alerts, &sl), 0);
    monitor_free(w);
}

/* Gives w's feed 0 a poll result at the wall clock: KPI 0 = v (as the
 * poller would; the alerts are evaluated). */
static void poll_value(Monitor *w, double v)
{
    usleep(2000); /* a later millisecond than the last poll's */
    FeedStatus st = {.state = FS_OK, .latency_ms = 5, .last_poll_ms = loop_wall_ms()};
    KpiValue vals[1] = {{.has_value = true, .value = v}};
    coll_poll_result(w->coll, 0, &st, vals, loop_wall_ms());
}

/* The config of the ack tests: dvc.rate, critical below 50. */
static void ack_yaml(char *yaml, size_t n, const char *path)
{
    snprintf(yaml, n,
             "ioc: { name: t, archive: \"%s\" }\n"
             "feeds:\n"
             "  - id: dvc\n"
             "    url: http://127.0.0.1:1/\n"
             "    kpis: [ { id: rate, select: $.r, crit: '< 50' } ]\n",
             path);
}

/* An ack survives a restart while its episode goes on (firing at the stop,
 * firing again at the first poll), as often as ioc restarts; it does not
 * when the episode resolved before the stop or while ioc was stopped. */
static void test_ack_survives_restart(void **state)
{
    char path[300], yaml[600], err[200];
    tpath(path, sizeof(path), "archive.db");
    ack_yaml(yaml, sizeof(yaml), path);
    const char *id = "dvc.rate:crit";
    Monitor *w = monitor_on(yaml);
    poll_value(w, 40);
    assert_int_equal(alert_find(w->alerts, id)->state, ALERT_FIRING);
    if (monitor_ack(w, id, "tester", "đã gọi trung tâm", err, sizeof(err)) != 0)
        fail_msg("monitor_ack: %s", err);
    int64_t ack_ms = alert_find(w->alerts, id)->ack_ms;
    monitor_free(w); /* flushes the archive */

    for (int run = 0; run < 2; run++) { /* and again after a restored ack */
        w = monitor_on(yaml);
        const Alert *a = alert_find(w->alerts, id);
        assert_false(a->acked); /* nothing known before the first poll */
        poll_value(w, 42);
        assert_int_equal(a->state, ALERT_FIRING);
        assert_true(a->acked);
        assert_string_equal(a->ack_by, "tester");
        assert_string_equal(a->ack_comment, "đã gọi trung tâm");
        assert_int_equal(a->ack_ms, ack_ms);
        monitor_free(w);
    }

    /* Resolved while running: the next episode after a restart is not acked. */
    w = monitor_on(yaml);
    poll_value(w, 41);
    assert_true(alert_find(w->alerts, id)->acked);
    poll_value(w, 90);
    assert_int_equal(alert_find(w->alerts, id)->state, ALERT_RESOLVED);
    monitor_free(w);
    w = monitor_on(yaml);
    poll_value(w, 40);
    assert_int_equal(alert_find(w->alerts, id)->state, ALERT_FIRING);
    assert_false(alert_find(w->alerts, id)->acked);
    assert_int_equal(monitor_ack(w, id, "tester", NULL, err, sizeof(err)), 0);
    monitor_free(w);

    /* Resolved while ioc was stopped: the first poll is clear; the ack is gone. */
    w = monitor_on(yaml);
    poll_value(w, 90);
    assert_int_equal(alert_find(w->alerts, id)->state, ALERT_INACTIVE);
    poll_value(w, 40);
    assert_int_equal(alert_find(w->alerts, id)->state, ALERT_FIRING);
    assert_false(alert_find(w->alerts, id)->acked);
    monitor_free(w);
}

/* Counts the messages a notifier builds, by status. */
typedef struct {
    int firing, resolved;
} Msgs;

/* Notifier callback: counts one message. */
static void count_msg(void *ud, size_t target, const char *body, size_t n_alerts)
{
    Msgs *m = ud;
    (void)target;
    (void)n_alerts;
    if (strstr(body, "\"status\":\"firing\""))
        m->firing++;
    else
        m->resolved++;
}

/* Loads yaml into a Config (fails the test when invalid). */
static Config *cfg_of(const char *yaml)
{
    Diag d;
    diag_init(&d);
    Config *cfg = cfg_load_string(yaml, strlen(yaml), "t.yaml", &d);
    diag_done(&d);
    assert_non_null(cfg);
    return cfg;
}

/* monitor_reload(): an unchanged rule keeps firing with no second "firing"
 * message and its ack; a changed rule resolves (a "resolved" message) and
 * fires again as new; the events go to the archive. */
static void test_monitor_reload(void **state)
{
    char path[300], yaml[900], err[200];
    tpath(path, sizeof(path), "archive.db");
#define RELOAD_YAML                                                                                \
    "ioc: { name: t, archive: \"%s\" }\n"                                                          \
    "feeds:\n"                                                                                     \
    "  - id: dvc\n"                                                                                \
    "    url: http://127.0.0.1:1/\n"                                                               \
    "    kpis: [ { id: rate, select: $.r, crit: '< %d' } ]\n"                                      \
    "notify:\n"                                                                                    \
    "  - { webhook: \"http://127.0.0.1:1/hook\", group_wait: 0s }\n"
    snprintf(yaml, sizeof(yaml), RELOAD_YAML, path, 50);
    Msgs m = {0};
    Monitor *w = monitor_on(yaml);
    notify_on_message(w->notifier, count_msg, &m);
    poll_value(w, 40);
    assert_int_equal(m.firing, 1);
    assert_int_equal(monitor_ack(w, "dvc.rate:crit", "tester", NULL, err, sizeof(err)), 0);
    int64_t fired = alert_find(w->alerts, "dvc.rate:crit")->fired_ms;

    w = monitor_reload(w, cfg_of(yaml), err, sizeof(err)); /* unchanged */
    if (!w) fail_msg("monitor_reload: %s", err);
    assert_string_equal(w->archive_status, ""); /* the writer again */
    assert_int_equal(notify_pending(w->notifier), 0);
    notify_on_message(w->notifier, count_msg, &m);
    const Alert *a = alert_find(w->alerts, "dvc.rate:crit");
    assert_int_equal(a->state, ALERT_FIRING);
    poll_value(w, 41);
    assert_int_equal(a->state, ALERT_FIRING);
    assert_int_equal(a->fired_ms, fired);
    assert_true(a->acked);
    assert_int_equal(m.firing, 1); /* no second "firing" */
    assert_int_equal(notify_pending(w->notifier), 0);

    snprintf(yaml, sizeof(yaml), RELOAD_YAML, path, 45); /* the threshold changed */
    w = monitor_reload(w, cfg_of(yaml), err, sizeof(err));
    if (!w) fail_msg("monitor_reload: %s", err);
    assert_int_equal(notify_pending(w->notifier), 1); /* the old alert's "resolved" */
    notify_on_message(w->notifier, count_msg, &m);
    a = alert_find(w->alerts, "dvc.rate:crit");
    assert_int_equal(a->state, ALERT_INACTIVE);
    poll_value(w, 41);
    assert_int_equal(a->state, ALERT_FIRING); /* again, as new */
    assert_false(a->acked);
    assert_int_equal(m.firing, 2);
    monitor_free(w);

    Archive *ar = archive_open_reader(path, err, sizeof(err));
    assert_non_null(ar);
    ArchiveEvent *ev;
    size_t n;
    assert_int_equal(archive_events(ar, 0, INT64_MAX, &ev, &n, err, sizeof(err)), 0);
    char seq[400] = "";
    for (size_t i = 0; i < n; i++)
        if (ev[i].from)
            snprintf(seq + strlen(seq), sizeof(seq) - strlen(seq), "%s>%s ", ev[i].from, ev[i].to);
    assert_string_equal(seq, "inactive>firing firing>resolved inactive>firing ");
    archive_events_free(ev, n);
    archive_close(ar);
}

/* The config keys: ioc.archive (path, ~/, false/off) and ioc.retention,
 * with line:col errors; no default archive for configs loaded from text,
 * the XDG default for files. */
static void test_config_keys(void **state)
{
    static const struct {
        const char *ioc;     /* inside "ioc: { name: t, ... }" */
        const char *archive; /* expected path; NULL none */
        int64_t ret[3];      /* expected retention (0: no check) */
        const char *error;   /* expected "line:col: message" part; NULL valid */
    } cases[] = {
        {"", NULL, {2 * DAY, 35 * DAY, 730 * DAY}, NULL},
        {", archive: /var/lib/ioc/a.db", "/var/lib/ioc/a.db", {0}, NULL},
        {", archive: false", NULL, {0}, NULL},
        {", archive: off", NULL, {0}, NULL},
        {", archive: \"~/a.db\"", "HOME/a.db", {0}, NULL},
        {", retention: { raw: 1d, minute: 30d, hour: 2y }", NULL, {DAY, 30 * DAY, 730 * DAY}, NULL},
        {", retention: { hour: 90d }", NULL, {2 * DAY, 35 * DAY, 90 * DAY}, NULL},
        {", retention: { raw: 10m }",
         NULL,
         {0},
         "1:35: error: retention 'raw' must be at least 1h"},
        {", retention: { raw: 40d, minute: 35d }",
         NULL,
         {0},
         "1:48: error: retention 'minute' must be at least as long as 'raw'"},
        {", retention: { raws: 1d }", NULL, {0}, "unknown key 'raws' in 'retention'"},
        {", retention: { raw: 2x }", NULL, {0}, "invalid duration '2x' for 'raw'"},
        {", archive: \"\"", NULL, {0}, "expected a file path or false for 'archive'"},
        {", archive: [a]", NULL, {0}, "expected a file path or false for 'archive'"},
    };
    setenv("HOME", "/home/op", 1);
    unsetenv("STATE_DIRECTORY");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char yaml[400];
        snprintf(yaml, sizeof(yaml),
                 "ioc: { name: t%s }\nfeeds:\n  - id: f\n    url: http://h/\n"
                 "    kpis: [ { id: k, select: $.k } ]\n",
                 cases[i].ioc);
        Diag d;
        diag_init(&d);
        Config *c = cfg_load_string(yaml, strlen(yaml), "t.yaml", &d);
        if (cases[i].error) {
            if (c) fail_msg("case %zu: accepted", i);
            bool found = false;
            for (size_t j = 0; j < d.n; j++) {
                char line[400];
                snprintf(line, sizeof(line), "%d:%d: error: %s", d.items[j].line, d.items[j].col,
                         d.items[j].msg);
                found = found || strstr(line, cases[i].error) != NULL;
            }
            if (!found) {
                diag_print(&d, stderr);
                fail_msg("case %zu: no error '%s'", i, cases[i].error);
            }
        } else {
            if (!c) {
                diag_print(&d, stderr);
                fail_msg("case %zu: rejected", i);
            }
            if (!cases[i].archive)
                assert_null(c->archive);
            else if (strncmp(cases[i].archive, "HOME", 4) == 0)
                assert_string_equal(c->archive, "/home/op/a.db");
            else
                assert_string_equal(c->archive, cases[i].archive);
            for (int l = 0; l < 3 && cases[i].ret[0]; l++)
                assert_true(c->retention_ms[l] == cases[i].ret[l]);
        }
        cfg_free(c);
        diag_done(&d);
    }
    /* From a file: the default path under $XDG_STATE_HOME, else ~/.local/state. */
    char path[300];
    tpath(path, sizeof(path), "c.yaml");
    const char *yaml = "ioc: { name: t }\nfeeds:\n  - id: f\n    url: http://h/\n"
                       "    kpis: [ { id: k, select: $.k } ]\n";
    write_file(path, yaml, strlen(yaml));
    setenv("XDG_STATE_HOME", "/srv/state", 1);
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_file(path, &d);
    assert_non_null(c);
    assert_string_equal(c->archive, "/srv/state/ioc/archive.db");
    cfg_free(c);
    unsetenv("XDG_STATE_HOME");
    c = cfg_load_file(path, &d);
    assert_non_null(c);
    assert_string_equal(c->archive, "/home/op/.local/state/ioc/archive.db");
    cfg_free(c);
    /* Under systemd (StateDirectory=ioc): $STATE_DIRECTORY, its first directory. */
    static const struct {
        const char *state, *xdg, *archive;
    } sd[] = {
        {"/var/lib/ioc", "/srv/state", "/var/lib/ioc/archive.db"},
        {"/var/lib/ioc:/var/lib/other", NULL, "/var/lib/ioc/archive.db"},
        {"relative/dir", "/srv/state", "/srv/state/ioc/archive.db"},
        {"", NULL, "/home/op/.local/state/ioc/archive.db"},
    };
    for (size_t i = 0; i < sizeof(sd) / sizeof(sd[0]); i++) {
        setenv("STATE_DIRECTORY", sd[i].state, 1);
        if (sd[i].xdg)
            setenv("XDG_STATE_HOME", sd[i].xdg, 1);
        else
            unsetenv("XDG_STATE_HOME");
        c = cfg_load_file(path, &d);
        assert_non_null(c);
        assert_string_equal(c->archive, sd[i].archive);
        cfg_free(c);
    }
    unsetenv("STATE_DIRECTORY");
    unsetenv("XDG_STATE_HOME");
    diag_done(&d);
}

/* Copies file src to dst. */
static void copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/* Every raw sample and minute bucket of key through a new reader. */
static void read_all(const char *path, const char *key, Sample **s, size_t *n, ArchiveBucket **b,
                     size_t *nb)
{
    char err[400];
    Archive *r = archive_open_reader(path, err, sizeof(err));
    if (!r) fail_msg("archive_open_reader: %s", err);
    assert_int_equal(archive_raw(r, key, INT64_MIN, INT64_MAX, s, n, err, sizeof(err)), 0);
    assert_int_equal(
        archive_buckets(r, key, ARCHIVE_MINUTE, INT64_MIN, INT64_MAX, b, nb, err, sizeof(err)), 0);
    archive_close(r);
}

/* An archive written by the ioc before blocks (schema 1, raw rows; the
 * fixture was made by tests/fixtures/archive/mkv1.c with that code) reads as
 * it is, and the first writer converts it in place: the same samples, bit
 * for bit, and the same rollups; then it is written as usual. */
static void test_schema1_converted(void **state)
{
    char path[300], src[600];
    tpath(path, sizeof(path), "old.db");
    snprintf(src, sizeof(src), "%s/tests/fixtures/archive/schema1.db", IOC_SOURCE_DIR);
    copy_file(src, path);
    Sample *s1, *s2;
    ArchiveBucket *b1, *b2;
    size_t n1, n2, nb1, nb2;
    read_all(path, "f.rate", &s1, &n1, &b1, &nb1);
    assert_int_equal(n1, 180);
    assert_true(isnan(s1[100].value));
    assert_int_equal(nb1, 4);

    Archive *a = open_ok(path, NULL);
    assert_non_null(
        strstr(archive_notice(a), "converted from schema 1 to 3 (198 raw samples into 4 blocks)"));
    assert_string_equal(archive_error(a), "");
    archive_close(a);
    read_all(path, "f.rate", &s2, &n2, &b2, &nb2);
    assert_int_equal(n2, n1);
    assert_memory_equal(s1, s2, n1 * sizeof(*s1));
    assert_int_equal(nb2, nb1);
    assert_memory_equal(b1, b2, nb1 * sizeof(*b1));
    free(s1);
    free(s2);
    free(b1);
    free(b2);
    assert_int_equal(raw_count(path, "f.slow"), 18);

    /* Schema 3 now, without the raw table; a second open converts nothing. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT (SELECT user_version FROM pragma_user_version),"
                                        " (SELECT count(*) FROM sqlite_master WHERE name='raw')",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 3);
    assert_int_equal(sqlite3_column_int(q, 1), 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    a = open_ok(path, NULL);
    assert_string_equal(archive_notice(a), "");
    archive_add_sample(a, "f.rate", 1700000000000LL + 3600000, 7);
    assert_int_equal(archive_flush(a, 1700000000000LL + 3600000), 0);
    archive_close(a);
    assert_int_equal(raw_count(path, "f.rate"), 181);
}

/* Size of a file, after folding its write-ahead log in. */
static long long file_bytes(Archive *a, const char *path)
{
    assert_int_equal(
        sqlite3_exec(archive_handle(a), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
        SQLITE_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (long long)st.st_size;
}

/* A series polled every second costs at most 4 bytes a sample on disk,
 * rollups included (timestamps a few ms off the second, values that change
 * now and then, a gap now and then). */
static void test_bytes_per_sample(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "size.db");
    Archive *a = open_ok(path, NULL);
    enum { SERIES = 100, WARM = 300, SECS = 1500 };
    char keys[SERIES][24];
    for (int k = 0; k < SERIES; k++)
        snprintf(keys[k], sizeof(keys[k]), "f%d.v", k);
    unsigned seed = 1;
    long long before = 0;
    for (int t = 0; t < SECS; t++) {
        int64_t now = T0 + t * 1000LL;
        for (int k = 0; k < SERIES; k++) {
            seed = seed * 1103515245u + 12345u;
            int64_t ts = now + (int64_t)(seed >> 16) % 7;
            double v = (seed >> 20) % 97 == 0 ? NAN : (double)(40 + (t / 60 + k) % 20);
            archive_add_sample(a, keys[k], ts, v);
        }
        assert_int_equal(archive_flush(a, now + 20), 0);
        if (t == WARM) before = file_bytes(a, path);
    }
    long long grown = file_bytes(a, path) - before;
    double per = (double)grown / ((double)(SECS - WARM - 1) * SERIES);
    print_message("archive: %.2f bytes per sample\n", per);
    assert_true(per <= 4.0);
    archive_close(a);
    assert_int_equal(raw_count(path, "f7.v"), SECS);
}

/* With a writer thread, a flush only hands the buffer over and never waits
 * for SQLite: while another connection holds the write lock, flushes return
 * at once, a full queue keeps the buffer (its oldest samples dropped and
 * counted), and once the lock is free everything kept is written; closing
 * writes the rest and joins the thread. */
static void test_writer_thread(void **state)
{
    char path[300];
    tpath(path, sizeof(path), "thread.db");
    ArchiveOptions o = {.thread = true, .max_buffer = 100};
    Archive *a = open_ok(path, &o);
    archive_add_sample(a, "k.v", T0, 1);
    assert_int_equal(archive_flush(a, T0), 0);
    archive_wait(a);
    assert_int_equal(raw_count(path, "k.v"), 1);

    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    int64_t ts = T0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 50; i++)
            archive_add_sample(a, "k.v", ts += 1000, round * 100 + i);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        archive_flush(a, ts);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        assert_true(ms < 200); /* the writer's busy wait alone is 250 ms */
    }
    /* Two batches queued (one being tried), then the buffer kept: 100 of 100. */
    ArchiveStats st;
    archive_stats(a, &st);
    assert_int_equal(st.pending, 200);
    assert_int_equal(st.dropped, 0);
    for (int i = 0; i < 50; i++)
        archive_add_sample(a, "k.v", ts += 1000, 1000 + i);
    assert_int_equal(archive_flush(a, ts), -1);
    archive_stats(a, &st);
    assert_int_equal(st.dropped, 50);
    assert_true(archive_error(a)[0] != 0); /* locked, or the writer is behind */
    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    archive_close(a);
    assert_int_equal(raw_count(path, "k.v"), 1 + 250 - 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounded_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silence_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_reload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema1_converted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_per_sample, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_thread, setup, teardown),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
