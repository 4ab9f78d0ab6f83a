/* api.h - the routes of the HTTP API (docs/api.md): one request in, one
 * response out, built from the Monitor's in-memory state only (never waits).
 *
 * An Api borrows the Monitor (the owner points it at the new one after a
 * reload) and reads the users and metrics_auth from the Monitor's current
 * config on every request, so a reload changes tokens. The snapshot and
 * metrics documents come from writers the owner passes in (they live in
 * layers above this one). A response owns its body (api_response_done()).
 * Not thread-safe: called from the event loop only. */
#ifndef IOC_API_H
#define IOC_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/sbuf.h"
#include "core/alert.h"
#include "services/monitor.h"

/* Appends a document about m to out; 0, or -1 (500). */
typedef int (*ApiWriteFn)(void *ud, const Monitor *m, SBuf *out);

struct Events;
struct cJSON;

/* Appends the snapshot of m in format (a name of "ioc snapshot -f": json,
 * csv, prom, text) to out and points *type at its Content-Type (static
 * text). 0; -1 (500); -2 when format is unknown, with err naming the formats
 * there are (400). */
typedef int (*ApiSnapshotFn)(void *ud, const Monitor *m, const char *format, SBuf *out,
                             const char **type, char *err, size_t errlen);

typedef struct {
    Monitor *mon;           /* borrowed; may change between requests (reload) */
    ApiSnapshotFn snapshot; /* "ioc snapshot -f FORMAT" of the live state; NULL: 500 */
    ApiWriteFn metrics;     /* Prometheus text (export/metrics.h); NULL: 500 */
    void *ud;
    bool ready;            /* latched once every feed was polled (kept across reloads) */
    int64_t max_points;    /* series: most points in one answer; 0: default (2000) */
    struct Events *events; /* /api/v1/events' fan-out (borrowed); NULL: 501 */
} Api;

/* One request, as the server received it. */
typedef struct {
    const char *method;        /* "GET", "POST", ... */
    const char *uri;           /* the raw request target, query included */
    const char *authorization; /* the Authorization header, or NULL */
    const char *body;          /* the body (NULL when none) */
    size_t body_len;
} ApiRequest;

/* What to answer. */
typedef struct {
    int status;
    SBuf body;                /* owned */
    const char *content_type; /* static text */
    const char *allow;        /* 405: the Allow header (static text); NULL otherwise */
    bool www_authenticate;    /* 401: add WWW-Authenticate: Bearer */
    bool changed;             /* the request changed state (ack, silence, unsilence) */
    bool stream;              /* 200 to GET /api/v1/events: the server streams api->events */
    char user[ALERT_WHO_MAX]; /* the authenticated user, "" when none */
    char what[160];           /* for the log: "ack rule=x", "silence id=3 target=y", ... */
} ApiResponse;

/* Answers rq into out (always filled, also on out of memory: 500). */
void api_handle(Api *api, const ApiRequest *rq, ApiResponse *out);

/* Fills out with an error answer {"error": msg}. */
void api_error(ApiResponse *out, int status, const char *msg);

/* One alert as an element of GET /api/v1/alerts (also the data of the
 * "alert" and "ack" events); a new cJSON object owned by the caller, NULL
 * when out of memory. */
struct cJSON *api_alert_json(const Monitor *m, const Alert *a);

/* One silence as an element of GET /api/v1/silences (also the data of the
 * "silence" event); owned by the caller, NULL when out of memory. */
struct cJSON *api_silence_json(const AlertSilence *s);

/* Frees the body of a response. */
void api_response_done(ApiResponse *out);

#endif
