/* sim_server.h - the simulator's HTTP server (libmicrohttpd).
 *
 * Serves a scenario's endpoints with their faults, and the control API under
 * /_sim/ (loopback clients only). Requests run in MHD's threads, one per
 * connection, so a slow or hung endpoint never blocks another one. The server
 * owns the scenario it was given; sim_server_stop() stops it, waking any
 * delayed or hung request, and frees everything. */
#ifndef IOC_SIM_SERVER_H
#define IOC_SIM_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim_scenario.h"

typedef struct SimServer SimServer;

typedef struct {
    const char *bind;  /* IPv4 or IPv6 address to listen on; NULL: 127.0.0.1 */
    int port;          /* 0: any free port */
    int64_t start_ms;  /* sim time at startup (Unix ms): also the origin of fault schedules */
    double time_scale; /* sim seconds per real second, >= 0 (0 freezes sim time) */
} SimServerOptions;

/* Starts serving sc (taken over in every case: freed on failure). Returns
 * NULL with a message in err (errcap bytes) when it cannot listen. */
SimServer *sim_server_start(SimScenario *sc, const SimServerOptions *o, char *err, size_t errcap);

/* The port the server listens on. */
int sim_server_port(const SimServer *s);

/* Writes the server's base URL ("http://127.0.0.1:PORT") into buf. */
void sim_server_url(const SimServer *s, char *buf, size_t cap);

/* Stops the server and frees it with its scenario (NULL is fine). */
void sim_server_stop(SimServer *s);

#endif
