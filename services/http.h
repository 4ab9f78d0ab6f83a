/* http.h - the HTTP API server of "ioc run" on libmicrohttpd, driven from the
 * event loop (docs/api.md).
 *
 * MHD runs in its external epoll mode: one thread, no locks. The server
 * watches MHD's epoll descriptor with loop_watch_fd() and calls MHD_run()
 * when it is ready and when MHD's timeout comes (a loop timer). Answers are
 * built from memory (api.h) as soon as a request is complete, so polling
 * never waits for a client: bodies are capped (413), header memory is capped
 * (MHD answers 431), idle connections time out, and connections beyond the
 * limit are closed at once.
 *
 * The server outlives a config reload: http_detach() before the old Loop is
 * freed, http_attach() to the new one. An HttpServer owns the MHD daemon, its
 * listening socket and a copy of the settings it was started with; it borrows
 * the Api (which must outlive it). */
#ifndef IOC_HTTP_H
#define IOC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/loop.h"
#include "config/config.h"
#include "services/api.h"

typedef struct HttpServer HttpServer;

/* What the server tells its owner about a request worth logging (one that
 * changed state, or was refused for its token or role). Pointers are valid
 * during the call only; uri is the raw request target. */
typedef struct {
    const char *method, *uri;
    int status;
    const char *user; /* "" when none */
    const char *what; /* "ack rule=x" ... or "" */
    const char *peer; /* the client's address */
} HttpLogEntry;

typedef void (*HttpLogFn)(void *ud, const HttpLogEntry *e);

/* Binds cfg's listen address and starts the daemon (not yet attached to a
 * loop). TLS files are read now. NULL with a message in err (an address in
 * use, a missing certificate...). */
HttpServer *http_new(const CfgHttp *cfg, Api *api, HttpLogFn log, void *log_ud, char *err,
                     size_t errlen);

/* Serves from loop l (watch + timer). 0, or -1 when l refuses the watch. */
int http_attach(HttpServer *s, Loop *l);

/* Stops serving from the loop it is attached to (connections wait). */
void http_detach(HttpServer *s);

/* The port actually bound (useful with port 0). */
int http_port(const HttpServer *s);

/* True when the listen address, TLS files or limits of cfg differ from the
 * ones the server was started with (those need a restart). */
bool http_settings_differ(const HttpServer *s, const CfgHttp *cfg);

/* Detaches, stops the daemon, closes every connection (NULL is fine). */
void http_free(HttpServer *s);

#endif
