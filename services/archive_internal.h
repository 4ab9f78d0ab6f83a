/* archive_internal.h - the Archive's state, shared by archive.c (open,
 * flush, the writer thread, prune), archive_buffer.c (what the owner's
 * thread buffers), archive_block.c (blocks, the tail, migration) and
 * archive_read.c (queries, restore).
 *
 * Two sides: the FRONT (the owner's thread: the buffer being filled, the
 * names, error text and counters shown) and the WRITER (the connection,
 * statements, open blocks, prune cursor). Without a writer thread both run
 * on the owner's thread; with one (ArchiveOptions.thread), only the writer
 * thread touches the writer side after it starts, and the two meet under
 * `mu`: the queue of batches, and the status the writer publishes. */
#ifndef IOC_ARCHIVE_INTERNAL_H
#define IOC_ARCHIVE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "services/archive.h"
#include "parse/tsblock.h"

/* A series or feed name known to the front, and the state it tracks. */
typedef struct {
    char *name;
    int64_t last_ts; /* newest sample buffered (series) */
    bool has_last;
    int last_state; /* feeds: the state last recorded; -2 none yet */
} ArName;

/* A buffered sample. */
typedef struct {
    int series; /* index into the front's series */
    int64_t ts;
    double v;
} ArSample;

/* A buffered poll (and state change when changed). */
typedef struct {
    int feed;
    int64_t ts;
    int state; /* FeedStateKind, -1 stopped */
    bool up, changed, counted;
    int64_t latency_ms;
    int http_status;
    char error[160];
} ArPoll;

/* What one flush hands to the writer: samples, polls and events (rings),
 * the names added since the last batch, and the flush's time. */
typedef struct ArBatch {
    ArSample *samples;
    size_t s_head, s_len, s_cap;
    ArPoll *polls;
    size_t p_head, p_len, p_cap;
    ArchiveEvent *events;
    size_t e_head, e_len, e_cap;
    char **snames, **fnames; /* new series / feed names, owned */
    size_t sname_base, n_snames, fname_base, n_fnames;
    bool start_pending; /* archive_record_start() */
    int64_t start_ms;
    int64_t now_ms;
    bool last; /* the final batch: close every open block, no prune */
    struct ArBatch *next;
} ArBatch;

/* How long a minute is, and how long after its end its rollups are written. */
#define AR_MINUTE 60000
#define AR_GRACE  2000
/* A block is closed at a minute boundary once it holds this many samples
 * (a series polled every second: a block a minute; the writer holds the open
 * ones plain, 16 bytes a sample, so more would cost its memory more than
 * it saves on disk)... */
#define AR_BLOCK_SAMPLES 60
/* ...or before it would span this long: every block's last sample is less
 * than AR_BLOCK_SPAN after its first (readers look back this far). */
#define AR_BLOCK_SPAN (2 * 3600000LL)

/* A run of a series' open samples written to tail chunks of one tag. */
typedef struct {
    int64_t tag; /* the chunks' open_ts */
    size_t n;
} ArTagRun;

/* A tag of tail chunks and the runs that still hold open samples in them. */
typedef struct {
    int64_t tag;
    size_t refs;
} ArTagRef;

/* A series on the writer side: its row id and its open block. */
typedef struct {
    char *name;
    sqlite3_int64 id;  /* 0 until resolved */
    bool loaded;       /* closed_ts read from the database */
    bool has_closed;   /* some sample is in a closed block */
    int64_t closed_ts; /* the newest sample in a closed block */
    TsbPoint *open;    /* the open block's samples, oldest first */
    size_t n_open, cap_open;
    size_t n_rolled; /* open[0..n_rolled) are in the minute and hour rollups */
    size_t n_tailed; /* open[0..n_tailed) are in the tail, in these runs: */
    ArTagRun *runs;
    size_t n_runs, cap_runs;
} ArWSeries;

/* A feed on the writer side. */
typedef struct {
    char *name;
    sqlite3_int64 id;
} ArWFeed;

/* Statements the writer prepares once. */
enum {
    ST_BLOCK,
    ST_MINUTE,
    ST_HOUR,
    ST_POLL,
    ST_STATE,
    ST_EVENT,
    ST_PRUNE_RAW, /* then minute, hour, feed_poll, feed_state, alert_event */
    ST_PRUNE_EVENT = ST_PRUNE_RAW + 5,
    ST_NEXT_SERIES,
    ST_NEXT_FEED,
    ST_PRUNE_STOPS, /* not_running periods past retention */
    ST_TAIL_ADD,
    ST_TAIL_TRIM,
    ST_CLOSED_TS,
    ST_MARK,
    ST_COUNT,
};

/* The reader's copy of the tail: entries of series with samples after their
 * newest closed block, sorted by series then time. */
typedef struct {
    TsbEntry *e;
    size_t n;
    sqlite3_int64 seq; /* the newest chunk read, -1 none loaded */
    long long chunks;
} ArTailCache;

struct Archive {
    char *path;
    bool reader;     /* opened with archive_open_reader() */
    bool locked_out; /* another ioc writes: read-only, nothing buffered */
    int lock_fd;
    ArchiveOptions opt;
    int schema; /* of the open file: 1 (raw rows), 2 (minute blocks) or 3 (blocks) */
    char notice[300];
    /* --- front --- */
    char error[400];
    unsigned error_seq;
    ArName *series, *feeds;
    size_t n_series, cap_series, n_feeds, cap_feeds;
    const Collector *coll; /* its KPIs map to series[kpi_series[i]] */
    int *kpi_series, *feed_idx;
    ArBatch buf;      /* being filled */
    uint64_t dropped; /* samples dropped because the buffer was full */
    bool behind;      /* the writer thread's queue was full at the last flush */
    sqlite3 *rdb;     /* the front's reading connection once the thread runs */
    ArTailCache tail; /* of the reading connection */
    /* --- writer --- */
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    ArWSeries *ws;
    size_t n_ws, cap_ws;
    int *smap; /* front series index -> ws index */
    size_t n_smap;
    ArWFeed *wf;
    size_t n_wf, cap_wf;
    bool replayed;     /* open blocks loaded from the tail */
    int64_t next_due;  /* the earliest time a rollup or a block is due */
    int64_t rolled_ts; /* open samples before it are in the rollups (INT64_MIN none) */
    ArTagRef *tags;    /* the live tags of tail chunks, sorted */
    size_t n_tags, cap_tags;
    char werror[400];    /* the writer's problem ("" fine) */
    ArchiveStats wstats; /* written, flushes, failures, pruned, last_flush_ms */
    int prune_table;     /* pruning cursor: table, key id */
    sqlite3_int64 prune_id;
    int64_t prune_next; /* no new pass before this time (a pass just ended) */
    /* --- shared, under mu (thread mode) --- */
    bool threaded; /* opt.thread and a writer */
    bool thread_running;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ArBatch *q_head, *q_tail;
    size_t q_len, q_samples;
    bool stop;
    unsigned long tries; /* write attempts of the writer thread */
    int last_rc;         /* of the last one: 0 or -1 */
    char pub_error[400];
    ArchiveStats pub_stats;
};

/* Sets the front's error text (printf-style; "" clears it), bumping
 * error_seq on change. */
void ar_set_error(Archive *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets the writer's error text (printf-style; "" clears it). */
void aw_error(Archive *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Frees the strings of an event and zeroes it. */
void ar_event_done(ArchiveEvent *e);

/* Frees what a batch holds (not the struct) and zeroes it. */
void ar_batch_done(ArBatch *b);

/* Samples in a batch. */
size_t ar_batch_samples(const ArBatch *b);

/* The connection reads go through: the reading one once the writer thread
 * runs (opened on first use), else the archive's own. NULL when none. */
sqlite3 *ar_rdb(Archive *a);

/* Row id of name in table ("series" or "feed") on db, 0 when absent or on error. */
sqlite3_int64 ar_lookup(sqlite3 *db, const char *table, const char *name);

/* Runs a prepared statement to completion; returns the SQLite code (DONE ok). */
int ar_run(sqlite3_stmt *st);

/* Floor of ts to a multiple of w. */
int64_t ar_floor(int64_t ts, int64_t w);

/* --- archive_block.c: the writer's blocks and tail --- */

/* Applies a batch's samples (by front index, mapped through smap) to the
 * open blocks, writes the rollups of the minutes that are over (all when
 * last), closes the blocks that are full, writes the open samples not yet in
 * the tail as tail chunks and deletes the chunks no open sample needs. Runs
 * inside the flush's transaction. SQLite code (DONE ok). */
int aw_write_samples(Archive *a, const ArBatch *b);

/* Loads the open blocks from the tail (after a start, a kill or a failed
 * transaction); inside the flush's transaction. SQLite code (DONE ok). */
int aw_replay(Archive *a);

/* Forgets every open block (after a rollback: aw_replay() reloads them). */
void aw_forget_open(Archive *a);

/* Frees the writer's series and feeds. */
void aw_free(Archive *a);

/* Converts a schema-1 (raw rows) or schema-2 (minute blocks) archive to
 * schema 3 in one transaction; the notice says what was done. SQLite code
 * (OK on success). */
int aw_migrate(Archive *a);

/* --- archive_read.c --- */

/* Samples of series id (row id) with from <= ts < to, oldest first, from the
 * blocks (or raw rows) and the tail, appended to *out / *n / *cap. 0 or -1. */
int ar_samples(Archive *a, sqlite3 *db, sqlite3_int64 id, int64_t from, int64_t to, Sample **out,
               size_t *n, size_t *cap, char *err, size_t errlen);

/* Frees the reader's copy of the tail. */
void ar_tail_free(ArTailCache *t);

#endif
