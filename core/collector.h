/* collector.h - the running core shared by the console (and later the headless
 * collector): config, time-series store, event loop, poller, and the live
 * state of every feed and KPI.
 *
 * A Collector owns its Config, Store, Loop and Poller. The poller's results are
 * appended to the store (a failed poll appends a gap, never a zero), copied
 * into the feed states, and turn KPI statuses; every change sets a dirty
 * flag that the console reads and clears. Views (coll_kpi_view) answer "what
 * does this KPI show at time T", live or in history. */
#ifndef IOC_COLLECTOR_H
#define IOC_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "feeds/feedstate.h"
#include "feeds/poller.h"
#include "base/loop.h"
#include "core/store.h"

/* One KPI of the config, flattened over all feeds (config order). */
typedef struct {
    const CfgFeed *feed; /* borrowed from the Collector's config */
    const CfgKpi *kpi;
    size_t feed_idx;
    int series;           /* store id */
    KpiStatus status;     /* live status */
    int64_t status_since; /* wall ms when the live status last changed; 0 never */
    char error[160];      /* why the last poll gave no value ("" otherwise) */
    /* Samples whose wall time was not after the series' newest sample (the
     * wall clock went back): stored 1 ms after it instead (docs/store.md). */
    uint64_t retimed;
    uint64_t rejected; /* samples the store refused (StoreRc < 0): counted, never silent */
    int trouble;       /* COLL_SAMPLE_*: how the last sample was stored */
    int note;          /* COLL_SAMPLE_* when an episode started and is not logged yet; 0 */
    int64_t behind_ms; /* how far the wall clock was behind when the episode started */
} CollKpi;

/* How a KPI's sample was stored (CollKpi.trouble and .note). */
enum {
    COLL_SAMPLE_OK = 0,      /* at the poll's wall time */
    COLL_SAMPLE_RETIMED = 1, /* 1 ms after the newest sample: the wall clock went back */
    COLL_SAMPLE_REJECTED = 2 /* not stored: the store refused it */
};

/* What changed since the flags were last cleared. */
enum {
    COLL_DIRTY_DATA = 1,   /* a poll delivered values or a feed changed state */
    COLL_DIRTY_STATUS = 2, /* some KPI or feed changed status */
    COLL_DIRTY_NOTE = 4,   /* some CollKpi.note was set (a sample episode to log) */
};

typedef struct Collector {
    Config *cfg;       /* owned */
    Store *store;      /* owned */
    Loop *loop;        /* owned */
    Poller *poller;    /* owned */
    FeedStatus *feeds; /* cfg->n_feeds, the latest status of each feed */
    CollKpi *kpis;     /* every KPI of every feed, feed by feed */
    size_t n_kpis;
    /* cfg->n_feeds + 1 entries: the KPIs of feed f are kpis[feed_kpis[f] ..
     * feed_kpis[f + 1]) (a poll result touches only those). */
    size_t *feed_kpis;
    unsigned dirty; /* COLL_DIRTY_* */
    uint64_t polls; /* completed polls since start */
    /* Called after each poll result has been stored (NULL: none), e.g. to
     * evaluate alerts; feed is the index of the feed just polled. */
    void (*on_poll)(void *ud, size_t feed);
    void *on_poll_ud;
} Collector;

/* Builds a Collector around cfg (taking ownership, also on failure). NULL with a
 * message in err on failure. Nothing is polled until coll_start(). */
Collector *coll_new(Config *cfg, char *err, size_t errlen);

/* Starts periodic polling (first polls spread over two seconds). */
void coll_start(Collector *a);

/* Frees everything (NULL is fine). */
void coll_free(Collector *a);

/* Stores one poll result of feed as if the poller had delivered it at wall
 * time wall_ms (the poller's callback; tests call it with a fake clock):
 * values or gaps into the store, feed and KPI states, counters, on_poll. */
void coll_poll_result(Collector *a, size_t feed, const FeedStatus *st, const KpiValue *vals,
                      int64_t wall_ms);

/* Sums the retimed and rejected samples of every KPI. */
void coll_sample_counts(const Collector *a, uint64_t *retimed, uint64_t *rejected);

/* Index of the KPI with key "feed.kpi" in a->kpis, or -1. */
int coll_find_kpi(const Collector *a, const char *key);

/* Number of feeds whose last poll delivered data. */
size_t coll_feeds_up(const Collector *a);

/* True once every feed has been polled at least once (the first round is
 * done: /-/ready and the service manager's READY=1). */
bool coll_all_polled(const Collector *a);

/* What a KPI shows at a moment. */
typedef struct {
    bool has_value;
    double value;     /* valid when has_value */
    int64_t ts_ms;    /* time of the value; 0 when none */
    int64_t age_ms;   /* at - ts_ms */
    bool stale;       /* the value is old: the feed failed since, or it is older than 3 intervals */
    KpiStatus status; /* KST_* (KST_STALE when stale, KST_NONE without a value) */
} CollKpiView;

/* The view of KPI i at wall time at_ms: live when at_ms is the current time,
 * history otherwise (the value as of at_ms from the store). */
void coll_kpi_view(const Collector *a, size_t i, int64_t at_ms, CollKpiView *out);

/* What a feed showed at a moment of the past, from its KPIs' stored values
 * (polls themselves are not stored): FS_OK when one of them had a fresh
 * value, FS_DOWN when they had only stale ones (a gap, or too old),
 * FS_PENDING when none had a value yet; last_ms is the time of the newest
 * value (0 when none). */
typedef struct {
    FeedStateKind state;
    int64_t last_ms;
} CollFeedView;

/* The view of feed f at wall time at_ms (history; coll_kpi_view() of its KPIs). */
void coll_feed_view(const Collector *a, size_t f, int64_t at_ms, CollFeedView *out);

/* A KPI or feed that needs attention (until the alert engine exists, the
 * alert list shows these: KPIs in crit or warn, feeds down or with bad data). */
typedef struct {
    KpiStatus severity; /* KST_CRIT or KST_WARN (a down feed is KST_CRIT) */
    int kpi;            /* index into a->kpis, or -1 for a feed */
    size_t feed_idx;
    int64_t since_ms; /* when it started */
} CollIssue;

/* Fills out[0..max) with the current issues, critical first, then by age
 * (oldest first); returns how many there are in all. The order is only
 * complete when max >= n_kpis + n_feeds (the console passes that). */
size_t coll_issues(const Collector *a, CollIssue *out, size_t max);

#endif
