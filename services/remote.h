/* remote.h - a thin console's client of a collector (`ioc console --server
 * URL`, docs/console.md "Thin consoles"): it polls no upstream system.
 *
 * remote_fetch_config() loads GET /api/v1/config once, blocking, before the
 * Monitor exists (the console has nothing to show until then). Then
 * remote_attach() works on the remote Monitor's loop (monitor_new_remote()),
 * one curl transfer at a time per job: the history of every KPI from GET
 * /api/v1/series (24 h: rollup steps beyond the last hour, a few KPIs at
 * once), then the event stream GET /api/v1/events (one long transfer parsed
 * by parse/sse.h); at each hello, GET /api/v1/alerts and /api/v1/silences
 * set the mirrored alert engine. poll events go through coll_poll_result(),
 * alert and ack events through alert_mirror(), silence and unsilence events
 * through alert_mirror_silences(). Operator actions become POST and DELETE
 * requests; a refusal is put in the Monitor's link.error.
 *
 * A lost stream (an error, the collector gone, or no byte for 30 s, not
 * even a keep-alive) marks the data stale (link.stale_since_ms) and
 * reconnects after 1 s, doubling to 30 s, with jitter; a reconnection
 * fetches the history missed meanwhile. A new generation whose config
 * differs from the one in use makes the client stop the loop with
 * remote_reload_wanted() true: the owner builds a new Monitor on
 * remote_take_config() and attaches again.
 *
 * A Remote owns its transfers, buffers and the token (wiped when freed; it
 * is never printed or logged). It borrows the attached Monitor, which must
 * stay until remote_detach(). One thread. */
#ifndef IOC_REMOTE_H
#define IOC_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "services/monitor.h"

typedef struct Remote Remote;

/* How remote_fetch_config() ended. */
typedef enum {
    REMOTE_OK = 0,
    REMOTE_DENIED,      /* 401 or 403: the token is missing, wrong, or its role too low */
    REMOTE_UNREACHABLE, /* no answer (connection, timeout) */
    REMOTE_BAD,         /* an answer that is not a config (other status, invalid config) */
} RemoteRc;

/* A client of the collector at url ("http://host:port", "https://...", a
 * path prefix allowed) with token (NULL or "": none). NULL with a message
 * in err when url is not an http(s) URL or out of memory. */
Remote *remote_new(const char *url, const char *token, char *err, size_t errlen);

/* Detaches and frees r (NULL is fine); the token is wiped. */
void remote_free(Remote *r);

/* The collector's host[:port] as given. */
const char *remote_host(const Remote *r);

/* Loads the config from GET /api/v1/config (blocking, at most 10 s). On
 * REMOTE_OK *out is the new Config (the caller owns it); otherwise err says
 * why (for REMOTE_DENIED with the collector's own words). */
RemoteRc remote_fetch_config(Remote *r, Config **out, char *err, size_t errlen);

/* Starts following the collector for w (a monitor_new_remote() Monitor on
 * the config last fetched): history, alerts, events. 0, or -1 when out of
 * memory. */
int remote_attach(Remote *r, Monitor *w);

/* Cancels every transfer and timer on the attached Monitor's loop and
 * forgets the Monitor (nothing when none is attached). */
void remote_detach(Remote *r);

/* True when the collector's config changed (a new generation whose
 * /api/v1/config differs): the loop was stopped for the owner to rebuild. */
bool remote_reload_wanted(const Remote *r);

/* The changed config (owned by the caller from now on); NULL when none. */
Config *remote_take_config(Remote *r);

/* The wait before reconnection attempt n (0 = the first after a loss):
 * 1 s doubling up to 30 s, times a jitter factor from u in [0, 1)
 * (0.8 .. 1.2). Pure. */
int64_t remote_backoff_ms(unsigned n, double u);

#endif
