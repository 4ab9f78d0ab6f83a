/* poller.h - polls every feed of a config over HTTP(S) through the event loop.
 *
 * One curl easy handle per feed, kept for the poller's life so connections
 * are reused; all transfers run concurrently in the Loop's multi handle. Each
 * feed runs on its own interval, first polls spread out, failing feeds back
 * off (feeds/sched.h). After every completed poll (success or failure) the
 * callback receives the feed's status and one KpiValue per KPI (none has a
 * value when the poll failed: a failure is a gap, never a zero).
 *
 * The Poller borrows the Loop and the Config (both must outlive it) and owns
 * its handles, buffers and header lists (which hold expanded secrets). */
#ifndef IOC_POLLER_H
#define IOC_POLLER_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "feeds/extract.h"
#include "feeds/feedstate.h"
#include "base/loop.h"

/* Default cap on a response body when a feed sets no max_body. */
#define POLLER_DEFAULT_MAX_BODY (4 * 1024 * 1024)

typedef struct Poller Poller;

/* Called after each completed poll of feed index `feed`: st is its updated
 * status, vals has cfg->feeds[feed].n_kpis entries, wall_ms is when the poll
 * completed. Pointers are valid during the call only. */
typedef void (*PollerFn)(void *ud, size_t feed, const FeedStatus *st, const KpiValue *vals,
                         int64_t wall_ms);

/* Prepares handles for every feed. NULL with a message in err on failure. */
Poller *poller_new(Loop *loop, const Config *cfg, PollerFn fn, void *ud, char *err, size_t errlen);

/* Cancels running transfers and timers and frees everything (NULL is fine). */
void poller_free(Poller *p);

/* Starts periodic polling: first polls spread over spread_ms from now, then
 * each feed on its interval (with backoff while it fails). */
void poller_start(Poller *p, int64_t spread_ms);

/* Polls feed `feed` now, once (no-op if it is already being polled). 0 or -1. */
int poller_poll_now(Poller *p, size_t feed);

/* Number of polls in flight. */
size_t poller_busy(const Poller *p);

/* The current status of feed `feed` (borrowed). */
const FeedStatus *poller_status(const Poller *p, size_t feed);

/* Describes a duration for messages: "5 s", "1.5 s", "500 ms". */
void poller_fmt_duration(int64_t ms, char *buf, size_t n);

/* Describes a size for messages: "4 MiB", "512 KiB", "100 bytes". */
void poller_fmt_bytes(int64_t bytes, char *buf, size_t n);

#endif
