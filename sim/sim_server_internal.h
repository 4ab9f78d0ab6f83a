/* sim_server_internal.h - state shared by sim_server.c (endpoints, faults)
 * and sim_control.c (the /_sim/ control API). Not part of the contract.
 *
 * Threads: this server is the one place in ioc where threads are used (MHD
 * runs a thread per connection). Everything below that changes after start
 * (counters, fault overrides, request logs, the sim clock) is guarded by
 * SimServer.mu; the scenario is read-only and needs no lock. */
#ifndef IOC_SIM_SERVER_INTERNAL_H
#define IOC_SIM_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_scenario.h"
#include "sim/sim_server.h"

#define SIM_LOG_REQUESTS  16   /* requests remembered per endpoint */
#define SIM_LOG_HEADERS   64   /* headers remembered per request */
#define SIM_LOG_VALUE_MAX 1024 /* longer header values are cut */

typedef struct {
    char *name, *value; /* owned */
} SimKV;

/* One remembered request. */
typedef struct {
    int64_t sim_ms, wall_ms;
    char method[16];
    char outcome[24]; /* "ok", "unauthorized", or the fault mode */
    int status;       /* HTTP status sent, 0 when none */
    SimKV headers[SIM_LOG_HEADERS];
    size_t nheaders;
} SimReqLog;

/* Run-time state of one endpoint (same index as in the scenario). */
typedef struct {
    uint64_t requests;
    bool has_override; /* a fault set through the control API, beats the schedule */
    SimFault override;
    int64_t override_since_ms; /* sim time it was set */
    uint64_t flap_count;       /* requests seen during the current flap */
    SimReqLog log[SIM_LOG_REQUESTS];
    size_t log_next, log_n;
} SimEpState;

struct SimServer {
    SimScenario *sc;
    struct MHD_Daemon *daemon;
    int port;
    char host[64]; /* for the URL */
    pthread_mutex_t mu;
    bool stopping;
    int64_t start_ms;      /* sim start: origin of fault schedules */
    int64_t anchor_sim_ms; /* sim time at anchor_mono_ms */
    int64_t anchor_mono_ms;
    double scale;
    SimEpState *st; /* one per endpoint */
};

/* Monotonic clock in ms. */
int64_t sim_server_mono_ms(void);

/* Current sim time; call with mu held. */
int64_t sim_server_now_locked(const SimServer *s);

/* Queues a response with a copy of body and the given Content-Type. */
enum MHD_Result sim_server_reply(struct MHD_Connection *c, unsigned code, const char *ctype,
                                 const char *body, size_t len);

/* Handles a request under /_sim/ (url is the path, method the HTTP method). */
enum MHD_Result sim_control_handle(SimServer *s, struct MHD_Connection *c, const char *url,
                                   const char *method);

#endif
