/* archive.h - the SQLite archive: samples, rollups, feed states and alert
 * events kept on disk, so that charts continue across a restart and daily
 * reports can be made (docs/archive.md).
 *
 * Samples are kept as compressed blocks, one per series and minute
 * (parse/tsblock.h), with the minute and hour rollups as plain rows; the
 * samples of the minutes not yet closed are in a small "tail" table, written
 * at every flush, so a kill loses no more than the last flush.
 *
 * One writer per archive file, any number of readers (WAL mode). The writer
 * buffers what it is given in memory (bounded: beyond the limit the oldest
 * entries are dropped and counted) and writes everything in ONE transaction
 * per archive_flush(), which the owner calls about once a second; a flush
 * also prunes a bounded number of rows past their retention. With
 * ArchiveOptions.thread, archive_flush() only hands the buffer to a writer
 * thread (its own SQLite connection; the owner never waits for SQLite), and
 * archive_close() hands over the rest, then joins it. A write error
 * (disk full, read-only file, I/O) never loses the buffer: it is kept, the
 * error is kept as text for display (archive_error()) and the next flush
 * retries. A file that is not an ioc archive (not SQLite, another
 * application's database, a newer schema) is refused with a clear message
 * and never modified.
 *
 * The writer holds an advisory lock (flock on "<path>.lock"); a second writer
 * on the same file gets an Archive that only reads, with the message "archive
 * X is in use by another ioc (pid N); running without archive writes".
 *
 * An Archive owns its connection, buffers and strings; archive_close() frees
 * everything. Arrays returned by the query functions are the caller's.
 * One thread owns an Archive (the writer thread is internal). */
#ifndef IOC_ARCHIVE_H
#define IOC_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feeds/feedstate.h"
#include "core/alert.h"
#include "core/collector.h"
#include "core/store.h"

/* PRAGMA application_id of an ioc archive ("ioc" + 1) and its schema version
 * (PRAGMA user_version). */
#define ARCHIVE_APP_ID 0x696f6301
#define ARCHIVE_SCHEMA 3

/* Rollup levels kept on disk. */
enum { ARCHIVE_RAW = 0, ARCHIVE_MINUTE = 1, ARCHIVE_HOUR = 2 };

typedef struct {
    int64_t retention_ms[3]; /* raw, minute, hour; <= 0: 2 days, 35 days, 730 days */
    size_t max_buffer;       /* samples kept while writes fail; 0: 100,000 */
    size_t prune_rows;       /* rows deleted per flush at most; 0: 2,000 */
    bool thread;             /* write in a writer thread (ioc run, the console) */
} ArchiveOptions;

typedef struct Archive Archive;

/* Opens (or creates, with its parent directories) the archive at path as the
 * writer (o NULL: defaults). NULL with a message in err when the file is not
 * an ioc archive, is damaged, has a newer schema, or out of memory. Other
 * problems (a directory that cannot be created, a read-only file, a full
 * disk, the lock held by another ioc) give an Archive whose archive_error()
 * says so; writes are retried at each flush (not when the lock is held). */
Archive *archive_open(const char *path, const ArchiveOptions *o, char *err, size_t errlen);

/* Opens an existing archive for reading only (no lock; works while a writer
 * runs). NULL with a message in err (missing file, not an ioc archive...). */
Archive *archive_open_reader(const char *path, char *err, size_t errlen);

/* Flushes what is buffered (one last try), then closes and frees (NULL is fine). */
void archive_close(Archive *a);

/* The path given at open (borrowed). */
const char *archive_path(const Archive *a);

/* True when this Archive writes (it holds the lock). */
bool archive_writer(const Archive *a);

/* The current problem in words ("" when fine). The pointer stays valid until
 * archive_close(); the text changes in place. */
const char *archive_error(const Archive *a);

/* Increases each time archive_error()'s text changes (to redraw a header). */
unsigned archive_error_seq(const Archive *a);

/* What opening did that is worth a log line ("" nothing): the conversion of
 * an archive written by an older ioc. */
const char *archive_notice(const Archive *a);

/* Registers the KPIs and feeds of coll (which must outlive the archive's use
 * of it); archive_record_poll() then reads their newest samples. 0 or -1
 * (out of memory). */
int archive_attach(Archive *a, const Collector *coll);

/* Buffers the result of a poll of feed (an index into coll->cfg->feeds): the
 * newest sample of each of its KPIs and the feed's poll status (a state
 * change is recorded as such). No-op for NULL or a reader. */
void archive_record_poll(Archive *a, size_t feed);

/* Buffers an alert event (the fields of the JSON alert log). */
void archive_record_alert(Archive *a, const AlertEvent *ev);

/* Buffers "stopped" as the state of every attached feed at ts_ms (so that a
 * feed's downtime ends when ioc stops). */
void archive_record_stop(Archive *a, int64_t ts_ms);

/* Buffers the start of a run at ts_ms (call once, before the first poll).
 * The next flush records the time from the archive's newest committed entry
 * (a poll, sample, feed state, alert event or earlier start) to ts_ms as a
 * period when ioc was not running; and when the run before did not stop
 * cleanly (kill -9, a crash, a power cut), "stopped" as the state of every
 * feed whose last recorded state is another, at that newest time, so that a
 * feed's outage ends when ioc died instead of running on until the restart.
 * No-op for NULL, a reader, or a locked-out writer. */
void archive_record_start(Archive *a, int64_t ts_ms);

/* Buffers one sample of series key (ts_ms increasing per series; NaN a gap).
 * For tests and benchmarks; the console and "ioc run" use archive_record_poll(). */
void archive_add_sample(Archive *a, const char *key, int64_t ts_ms, double value);

/* Buffers one poll of feed id with status st (st->last_poll_ms is its time). */
void archive_add_poll(Archive *a, const char *feed_id, const FeedStatus *st);

/* Writes everything buffered in one transaction (closing the blocks of the
 * minutes that ended before now_ms, less a grace of 2 s), then prunes a
 * bounded number of rows older than their retention at now_ms. 0, or -1 with
 * archive_error() set (the buffer is kept for the next flush). With a writer
 * thread it only hands the buffer over: -1 when the thread's queue is full
 * (the buffer is kept, its oldest samples dropped beyond the bound) or its
 * last write failed. */
int archive_flush(Archive *a, int64_t now_ms);

/* Waits until the writer thread has written what was handed over, or has
 * failed a try (tests and benchmarks; no-op without a thread). */
void archive_wait(Archive *a);

typedef struct {
    uint64_t written;      /* samples written since open */
    uint64_t dropped;      /* samples dropped because the buffer was full */
    size_t pending;        /* samples waiting for the next flush */
    uint64_t flushes;      /* successful flushes */
    uint64_t failures;     /* failed flushes */
    uint64_t pruned;       /* rows deleted by retention */
    int64_t last_flush_ms; /* the now_ms of the last successful archive_flush(); 0 never */
} ArchiveStats;

/* The archive's counters since it was opened (ioc_archive_* metrics). */
void archive_stats(const Archive *a, ArchiveStats *out);

/* Fills store s from the archive so that charts continue across a restart:
 * for every series of s whose key the archive knows, the newest raw samples
 * (as many as the raw ring holds), before them one-minute buckets, before
 * those one-hour buckets, back as far as spec (NULL: store_spec_default())
 * spans before now_ms. Rollup buckets come back as their first, min, max and
 * last values (exact min/max/last; averages of restored spans are
 * approximate). Call on empty series, before polling. Returns the number of
 * samples appended, or -1 with a message in err. */
long archive_restore(Archive *a, Store *s, const StoreSpec *spec, int64_t now_ms, char *err,
                     size_t errlen);

/* One rollup bucket. */
typedef struct {
    int64_t ts_ms; /* bucket start */
    uint64_t count, gaps;
    double min, max, sum; /* NaN when count == 0 */
    int64_t first_ts, last_ts;
    double first, last;
} ArchiveBucket;

/* Samples of series key with from <= ts < to, oldest first, into *out (caller
 * frees). -1 with a message on error; an unknown key gives 0 samples. */
int archive_raw(Archive *a, const char *key, int64_t from, int64_t to, Sample **out, size_t *n,
                char *err, size_t errlen);

/* Buckets (ARCHIVE_MINUTE or ARCHIVE_HOUR) starting in [from, to), oldest first. */
int archive_buckets(Archive *a, const char *key, int level, int64_t from, int64_t to,
                    ArchiveBucket **out, size_t *n, char *err, size_t errlen);

/* The oldest raw sample time of key (INT64_MAX when none). */
int64_t archive_raw_oldest(Archive *a, const char *key);

/* The newest sample of key with a value (false when none). */
bool archive_latest(Archive *a, const char *key, Sample *out);

/* Polls and failed polls of feed id in minutes starting in [from, to). */
int archive_polls(Archive *a, const char *feed_id, int64_t from, int64_t to, uint64_t *polls,
                  uint64_t *failures, char *err, size_t errlen);

/* A recorded feed state change. */
typedef struct {
    int64_t ts_ms;
    int state; /* FeedStateKind, or -1 for "stopped" (ioc stopped) */
    char error[160];
    int64_t latency_ms;
    int http_status;
} ArchiveState;

/* State changes of feed id with from <= ts < to, oldest first, preceded by
 * the last change before from (when there is one). */
int archive_states(Archive *a, const char *feed_id, int64_t from, int64_t to, ArchiveState **out,
                   size_t *n, char *err, size_t errlen);

/* The newest recorded state of feed id other than "stopped", with the time of
 * its newest poll in st->last_poll_ms; false when none. */
bool archive_feed_state(Archive *a, const char *feed_id, FeedStatus *st);

/* A period when ioc was not running. */
typedef struct {
    int64_t from_ms; /* the stop, or the newest committed entry before a kill */
    int64_t to_ms;   /* the next start */
    bool clean;      /* the run before stopped cleanly (it recorded "stopped") */
} ArchivePeriod;

/* Periods when ioc was not running that overlap [from, to), oldest first, not
 * clipped, into *out (caller frees). An archive written by an ioc that did not
 * record them gives 0 periods. -1 with a message on error. */
int archive_not_running(Archive *a, int64_t from, int64_t to, ArchivePeriod **out, size_t *n,
                        char *err, size_t errlen);

/* A recorded alert event (the alert log's fields); strings owned, NULL when absent. */
typedef struct {
    int64_t ts_ms;
    char *event; /* "transition" "ack" "silence" "unsilence" */
    char *rule, *kpi, *feed;
    int severity; /* Severity, -1 when none */
    bool has_value;
    double value;
    char *from, *to, *state; /* alert state names */
    char *who, *comment, *acked_by, *summary, *target;
    int64_t fired_ms; /* the alert's fired time at the event; 0 never */
    bool has_change;
    double change;
    bool silenced;       /* the alert was silenced */
    unsigned silence_id; /* silence events: its id */
    int64_t until_ms;    /* silence and unsilence events: the silence's end; 0 none */
    bool expired;        /* unsilence: the silence expired (no operator) */
} ArchiveEvent;

/* Alert events with from <= ts < to, in time order. */
int archive_events(Archive *a, int64_t from, int64_t to, ArchiveEvent **out, size_t *n, char *err,
                   size_t errlen);

/* Frees n events and the array. */
void archive_events_free(ArchiveEvent *ev, size_t n);

/* The SQLite connection (for tests and benchmarks; NULL while closed). */
struct sqlite3 *archive_handle(Archive *a);

#endif
