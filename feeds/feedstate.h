/* feedstate.h - what a user can see of a feed's health.
 *
 * Plain data kept by the poller for each feed and copied into snapshots; no
 * pointers, so it can be copied freely. Error texts are made by ioc itself
 * (never raw server text, never a URL with secrets). */
#ifndef IOC_FEEDSTATE_H
#define IOC_FEEDSTATE_H

#include <stdint.h>

typedef enum {
    FS_PENDING,  /* not polled yet */
    FS_OK,       /* last poll succeeded */
    FS_SLOW,     /* last poll succeeded but took longer than the feed's slow limit */
    FS_DOWN,     /* last poll failed: connection, timeout, HTTP error, size cap */
    FS_BAD_DATA, /* the server answered, but the body or a selector failed */
} FeedStateKind;

typedef struct {
    FeedStateKind state;
    char error[160];        /* last error in words ("" when none) */
    int64_t latency_ms;     /* duration of the last completed poll; -1 when none */
    int64_t last_poll_ms;   /* wall time (ms since epoch) of the last completed poll; 0 never */
    int64_t last_ok_ms;     /* wall time of the last successful poll; 0 never */
    int http_status;        /* of the last response; 0 when none */
    unsigned consecutive_failures;
    uint64_t polls, failures, bytes, samples; /* counters since start */
} FeedStatus;

/* "pending" "ok" "slow" "down" "bad-data". */
const char *feedstate_name(FeedStateKind k);

/* True for the states in which the feed delivered data on its last poll. */
int feedstate_is_up(FeedStateKind k);

#endif
