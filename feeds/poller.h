/* poller.h - polls every feed of a config over HTTP(S) through the event loop.
 *
 * One curl easy handle per feed (a promql feed: one per KPI, its queries
 * sent concurrently on every poll, each to /api/v1/query at the same
 * evaluation time), kept for the poller's life so connections are reused;
 * all transfers run concurrently in the Loop's multi handle. Each
 * feed runs on its own interval, first polls spread out, failing feeds back
 * off (feeds/sched.h). After every completed poll (success or failure) the
 * callback receives the feed's status and one KpiValue per KPI (none has a
 * value when the poll failed: a failure is a gap, never a zero). KPIs with
 * counter: get their rate or increase since the previous poll (feeds/counter.h);
 * a failed poll restarts them.
 *
 * The Poller borrows the Loop and the Config (both must outlive it) and owns
 * its handles, buffers and header lists (which hold expanded secrets). */
#ifndef IOC_POLLER_H
#define IOC_POLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config/config.h"
#include "feeds/extract.h"
#include "feeds/feedstate.h"
#include "base/loop.h"

/* Default cap on a response body when a feed sets no max_body. */
#define POLLER_DEFAULT_MAX_BODY (4 * 1024 * 1024)
/* Feeds polled at once at most: a feed whose slot comes while this many are
 * in flight waits in a queue (first come, first served) and starts as soon
 * as one finishes, late (ioc_poll_delay_seconds says by how much). Beyond
 * its capacity the collector then falls behind evenly instead of opening
 * thousands of connections whose polls all time out together. */
#define POLLER_MAX_IN_FLIGHT 256

/* Cap on the header block of one response (status line and all fields). */
#define POLLER_MAX_HEADERS (100 * 1024)

/* What a target address is, for the link-local guard. */
typedef enum {
    POLLER_ADDR_OK,                  /* any other address (loopback and private ranges too) */
    POLLER_ADDR_LINK_LOCAL,          /* 169.254.0.0/16, fe80::/10 (also IPv4-mapped, NAT64) */
    POLLER_ADDR_LINK_LOCAL_METADATA, /* 169.254.169.254: cloud instance metadata */
    POLLER_ADDR_METADATA /* other cloud metadata addresses (fd00:ec2::254, 100.100.100.200) */
} PollerAddrClass;

/* What to do with one redirect. */
typedef enum {
    POLLER_REDIR_FOLLOW,      /* follow with the configured headers and auth */
    POLLER_REDIR_FOLLOW_BARE, /* follow without any configured header or auth */
    POLLER_REDIR_REFUSE       /* do not follow: the poll fails */
} PollerRedirAction;

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

/* Sets how many feeds are polled at once at most (POLLER_MAX_IN_FLIGHT by
 * default; at least 1), for tests. */
void poller_set_max_in_flight(Poller *p, size_t n);

/* The current status of feed `feed` (borrowed). */
const FeedStatus *poller_status(const Poller *p, size_t feed);

/* Describes a size for messages: "4 MiB", "512 KiB", "100 bytes". */
void poller_fmt_bytes(int64_t bytes, char *buf, size_t n);

/* Classifies a socket address (AF_INET or AF_INET6; others are OK) without
 * any network access. */
PollerAddrClass poller_addr_class(const struct sockaddr *sa);

/* True when sa must not be connected to unless the feed sets
 * allow_link_local; then why holds the feed error that names the address. */
bool poller_addr_refused(const struct sockaddr *sa, char *why, size_t n);

/* Decides whether a redirect from URL `from` to absolute URL `to` is followed
 * under mode: same origin (scheme, host, port) is followed, another origin
 * per mode, https to http and non-http(s) targets never. On refusal, why
 * holds the feed error, naming the target's origin only (never its path). */
PollerRedirAction poller_redirect_decide(const char *from, const char *to, FollowRedirects mode,
                                         char *why, size_t n);

/* For tests: makes the pre-connect guard refuse every address, so that its
 * wiring can be checked on loopback without sending anything elsewhere. */
void poller_test_refuse_all(Poller *p, bool on);

#endif
