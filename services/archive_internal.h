/* archive_internal.h - the Archive's state, shared by archive.c (open,
 * buffers, flush, prune) and archive_read.c (queries, restore). */
#ifndef IOC_ARCHIVE_INTERNAL_H
#define IOC_ARCHIVE_INTERNAL_H

#include <sqlite3.h>

#include "services/archive.h"

/* A series or feed name known to the writer, with its row id once resolved. */
typedef struct {
    char *name;
    sqlite3_int64 id; /* 0 until resolved in the database */
    int64_t last_ts;  /* newest sample buffered (series) */
    bool has_last;
    int last_state; /* feeds: the state last recorded; -2 none yet */
} ArName;

/* A buffered sample. */
typedef struct {
    int series; /* index into Archive.series */
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

/* Statements the writer prepares once. */
enum {
    ST_RAW,
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
    ST_COUNT,
};

struct Archive {
    char *path;
    sqlite3 *db;
    bool reader;     /* opened with archive_open_reader() */
    bool locked_out; /* another ioc writes: read-only, nothing buffered */
    int lock_fd;
    ArchiveOptions opt;
    char error[400];
    unsigned error_seq;
    sqlite3_stmt *st[ST_COUNT];
    /* names */
    ArName *series, *feeds;
    size_t n_series, cap_series, n_feeds, cap_feeds;
    /* the attached Collector: its KPIs map to series[kpi_series[i]] */
    const Collector *coll;
    int *kpi_series, *feed_idx;
    /* buffers (rings) */
    ArSample *samples;
    size_t s_head, s_len, s_cap;
    ArPoll *polls;
    size_t p_head, p_len, p_cap;
    ArchiveEvent *events;
    size_t e_head, e_len, e_cap;
    /* archive_record_start(): the run's start, written by the next flush */
    int64_t start_ms;
    bool start_pending;
    /* pruning cursor: table, key id */
    int prune_table;
    sqlite3_int64 prune_id;
    int64_t prune_next; /* no new pass before this time (a pass just ended) */
    ArchiveStats stats;
};

/* Sets the error text (printf-style; "" clears it), bumping error_seq on change. */
void ar_set_error(Archive *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Frees the strings of an event and zeroes it. */
void ar_event_done(ArchiveEvent *e);

/* Row id of name in table ("series" or "feed"), 0 when absent or on error. */
sqlite3_int64 ar_lookup(Archive *a, const char *table, const char *name);

#endif
