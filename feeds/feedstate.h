/* feedstate.h - what a user can see of a feed's health.
 *
 * Plain data kept by the poller for each feed and copied into snapshots; no
 * pointers, so it can be copied freely. Error texts are made by ioc itself
 * (never raw server text, never a URL with secrets). */
#ifndef IOC_FEEDSTATE_H
#define IOC_FEEDSTATE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    FS_PENDING,  /* not polled yet */
    FS_OK,       /* last poll succeeded */
    FS_SLOW,     /* last poll succeeded but took longer than the feed's slow limit */
    FS_DOWN,     /* last poll failed: connection, timeout, HTTP error, size cap */
    FS_BAD_DATA, /* the server answered, but the body or a selector failed */
} FeedStateKind;

/* Why a poll failed, in a small fixed set (the reason label of
 * ioc_feed_poll_errors_total, docs/metrics.md). */
typedef enum {
    FEED_ERR_NONE,      /* the poll succeeded */
    FEED_ERR_TIMEOUT,   /* no complete answer within the feed's timeout */
    FEED_ERR_CONNECT,   /* cannot connect, or the connection broke (refused, reset, closed) */
    FEED_ERR_DNS,       /* the host name does not resolve */
    FEED_ERR_TLS,       /* handshake or certificate problem */
    FEED_ERR_HTTP,      /* an HTTP status other than 2xx */
    FEED_ERR_REDIRECT,  /* a redirect that is not followed */
    FEED_ERR_TOO_LARGE, /* the body is over the feed's max_body */
    FEED_ERR_MALFORMED, /* the reply is not valid HTTP (headers, chunking, encoding) */
    FEED_ERR_BAD_DATA,  /* the body or a KPI's selector failed (state bad-data) */
    FEED_ERR_OTHER,     /* anything else (out of memory, protocol not allowed...) */
    FEED_ERR_COUNT
} FeedError;

/* Upper bounds of the poll duration histogram (ms), the last one excluded:
 * 5 10 25 50 100 250 500 1000 2500 5000 10000 30000 ms, then +Inf. */
#define FEEDSTATE_BUCKETS 12

/* Upper bounds of the poll delay histogram (ms), the last one excluded:
 * 1 2 5 10 25 50 100 250 500 1000 2500 10000 ms, then +Inf. */
#define FEEDSTATE_DELAY_BUCKETS 12

typedef struct {
    FeedStateKind state;
    char error[160];      /* last error in words ("" when none) */
    int64_t latency_ms;   /* duration of the last completed poll; -1 when none */
    int64_t last_poll_ms; /* wall time (ms since epoch) of the last completed poll; 0 never */
    int64_t last_ok_ms;   /* wall time of the last successful poll; 0 never */
    int http_status;      /* of the last response; 0 when none */
    unsigned consecutive_failures;
    uint64_t polls, failures, bytes, samples; /* counters since start */
    FeedError error_kind;                     /* why the last poll failed; FEED_ERR_NONE */
    uint64_t errors[FEED_ERR_COUNT];          /* failed polls by reason ([0] unused) */
    /* Completed polls by duration: [i] those within feedstate_bucket_ms(i) and
     * above the bucket before; [FEEDSTATE_BUCKETS] those above the last bound. */
    uint64_t duration[FEEDSTATE_BUCKETS + 1];
    uint64_t duration_sum_ms; /* total duration of the completed polls */
    /* Scheduled polls by delay (from the moment the schedule set to the
     * moment the poll started), like duration; the sum and the largest. */
    uint64_t delay[FEEDSTATE_DELAY_BUCKETS + 1];
    uint64_t delay_sum_ms;
    int64_t delay_max_ms;
} FeedStatus;

/* "pending" "ok" "slow" "down" "bad-data". */
const char *feedstate_name(FeedStateKind k);

/* The reason label of a poll error: "timeout" "connect" "dns" "tls" "http"
 * "redirect" "too_large" "malformed" "bad_data" "other" ("none" for
 * FEED_ERR_NONE). */
const char *feedstate_error_name(FeedError e);

/* Upper bound (ms) of duration bucket i < FEEDSTATE_BUCKETS; INT64_MAX beyond. */
int64_t feedstate_bucket_ms(size_t i);

/* Counts one completed poll that took latency_ms (negative counts as 0) in
 * st's duration histogram, and when e is not FEED_ERR_NONE in st->errors;
 * sets st->error_kind to e. */
void feedstate_count_poll(FeedStatus *st, int64_t latency_ms, FeedError e);

/* Upper bound (ms) of delay bucket i < FEEDSTATE_DELAY_BUCKETS; INT64_MAX beyond. */
int64_t feedstate_delay_bucket_ms(size_t i);

/* Counts one scheduled poll that started delay_ms (negative counts as 0)
 * after its slot in st's delay histogram, sum and maximum. */
void feedstate_count_delay(FeedStatus *st, int64_t delay_ms);

/* True for the states in which the feed delivered data on its last poll. */
int feedstate_is_up(FeedStateKind k);

#endif
