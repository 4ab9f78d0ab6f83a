/* sim_server.c - the simulator's HTTP server: endpoints and their faults (see
 * sim_server.h; the control API is in sim_control.c).
 *
 * This is the one place in ioc where threads are used: MHD runs each
 * connection in its own thread, so a delayed or hung endpoint only holds its
 * own thread. Shared run-time state is guarded by SimServer.mu. */
#include "sim/sim_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sim/sim_server_internal.h"
#include "base/i18n.h"

/* How often a waiting request checks for shutdown and a departed client. */
#define WAIT_SLICE_MS 50
/* Block size of streamed bodies. */
#define STREAM_BLOCK (64 * 1024)

int64_t sim_server_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sim_server_now_locked(const SimServer *s)
{
    double real = (double)(sim_server_mono_ms() - s->anchor_mono_ms);
    return s->anchor_sim_ms + (int64_t)(real * s->scale);
}

/* Wall clock in Unix ms. */
static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum MHD_Result sim_server_reply(struct MHD_Connection *c, unsigned code, const char *ctype,
                                 const char *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    if (ctype) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

/* Queues a response that takes over a malloc'd body. */
static enum MHD_Result reply_owned(struct MHD_Connection *c, unsigned code, const char *ctype,
                                   char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    if (ctype) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

/* True once sim_server_stop() has begun. */
static bool is_stopping(SimServer *s)
{
    pthread_mutex_lock(&s->mu);
    bool stop = s->stopping;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

/* Waits until the monotonic deadline (-1: none). Returns true when it passed,
 * false when the server is stopping or the client closed the connection. */
static bool wait_for(SimServer *s, struct MHD_Connection *c, int64_t deadline)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    int fd = ci ? ci->connect_fd : -1;
    for (;;) {
        if (is_stopping(s)) return false;
        int64_t now = sim_server_mono_ms();
        if (deadline >= 0 && now >= deadline) return true;
        int slice = WAIT_SLICE_MS;
        if (deadline >= 0 && deadline - now < slice) slice = (int)(deadline - now);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = fd >= 0 ? poll(&p, 1, slice) : poll(NULL, 0, slice);
        if (n > 0) {
            char b;
            ssize_t got = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
                return false;                  /* the client gave up */
            if (got > 0) poll(NULL, 0, slice); /* pipelined bytes: do not spin */
        }
    }
}

/* ---- request log ---- */

/* Copies one request header into the log entry (MHD iterator). */
static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    SimReqLog *l = cls;
    if (l->nheaders >= SIM_LOG_HEADERS) return MHD_NO;
    SimKV *kv = &l->headers[l->nheaders];
    kv->name = strdup(key ? key : "");
    kv->value = strndup(value ? value : "", SIM_LOG_VALUE_MAX);
    if (!kv->name || !kv->value) {
        free(kv->name);
        free(kv->value);
        kv->name = kv->value = NULL;
        return MHD_NO;
    }
    l->nheaders++;
    return MHD_YES;
}

/* Frees the headers of a log entry. */
static void log_clear(SimReqLog *l)
{
    for (size_t i = 0; i < l->nheaders; i++) {
        free(l->headers[i].name);
        free(l->headers[i].value);
    }
    l->nheaders = 0;
}

/* Appends a request to an endpoint's log (mu held), overwriting the oldest. */
static void log_request(SimServer *s, SimEpState *st, struct MHD_Connection *c, const char *method,
                        const char *outcome, int status)
{
    SimReqLog *l = &st->log[st->log_next];
    log_clear(l);
    l->sim_ms = sim_server_now_locked(s);
    l->wall_ms = wall_ms();
    snprintf(l->method, sizeof(l->method), "%s", method);
    snprintf(l->outcome, sizeof(l->outcome), "%s", outcome);
    l->status = status;
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, l);
    st->log_next = (st->log_next + 1) % SIM_LOG_REQUESTS;
    if (st->log_n < SIM_LOG_REQUESTS) st->log_n++;
}

/* ---- streamed bodies ---- */

typedef struct {
    char *body;     /* owned */
    size_t len;     /* bytes of body to send */
    uint64_t total; /* oversize: bytes to send in all */
} Stream;

/* Frees a Stream (MHD free callback). */
static void stream_free(void *cls)
{
    Stream *st = cls;
    if (!st) return;
    free(st->body);
    free(st);
}

/* Oversize: the body, then blank padding (a newline every 64 bytes) up to total. */
static ssize_t oversize_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    Stream *st = cls;
    if (pos >= st->total) return MHD_CONTENT_READER_END_OF_STREAM;
    uint64_t left = st->total - pos;
    size_t n = left < max ? (size_t)left : max;
    for (size_t i = 0; i < n; i++) {
        uint64_t p = pos + i;
        buf[i] = p < st->len ? st->body[p] : (p % 64 == 63 ? '\n' : ' ');
    }
    return (ssize_t)n;
}

/* Truncated: the first len bytes, then an error so MHD closes the connection
 * before the declared Content-Length is reached. */
static ssize_t truncated_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    Stream *st = cls;
    if (pos >= st->len) return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = st->len - (size_t)pos < max ? st->len - (size_t)pos : max;
    memcpy(buf, st->body + pos, n);
    return (ssize_t)n;
}

/* Queues a streamed response of declared size (takes over body). */
static enum MHD_Result reply_stream(struct MHD_Connection *c, const char *ctype, char *body,
                                    size_t len, uint64_t declared, bool truncated)
{
    Stream *st = calloc(1, sizeof(*st));
    if (!st) {
        free(body);
        return MHD_NO;
    }
    st->body = body;
    st->len = len;
    st->total = declared;
    struct MHD_Response *r = MHD_create_response_from_callback(
        declared, STREAM_BLOCK, truncated ? truncated_read : oversize_read, st, stream_free);
    if (!r) {
        stream_free(st);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* Turns a rendered body into one that a parser of the format must reject. */
static char *make_malformed(SimFormat f, char *body, size_t *len)
{
    static const char *const tails[] = {
        [SIM_FMT_JSON] = "<!-- upstream error -->\n",
        [SIM_FMT_PROM] = "<html><body>502 Bad Gateway</body></html>\nkpi_broken{job=\"x 1\n",
        [SIM_FMT_CSV] = "\"unterminated field,1\n",
    };
    size_t keep = f == SIM_FMT_JSON ? *len / 2 : *len;
    const char *tail = tails[f];
    bool nl = f == SIM_FMT_CSV && keep > 0 && body[keep - 1] != '\n';
    size_t tlen = strlen(tail);
    char *out = realloc(body, keep + nl + tlen + 1);
    if (!out) {
        free(body);
        return NULL;
    }
    if (nl) out[keep++] = '\n';
    memcpy(out + keep, tail, tlen + 1);
    *len = keep + tlen;
    return out;
}

/* ---- endpoints ---- */

/* True when every required header is present with its exact value. */
static bool authorised(const SimEndpoint *e, struct MHD_Connection *c)
{
    for (size_t i = 0; i < e->nrequire; i++) {
        const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, e->require[i].name);
        if (!v || strcmp(v, e->require[i].value) != 0) return false;
    }
    return true;
}

/* Sends 401, with a WWW-Authenticate challenge when Authorization is required. */
static enum MHD_Result reply_unauthorised(const SimEndpoint *e, struct MHD_Connection *c)
{
    static const char body[] = "{\"error\":\"unauthorized\"}\n";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    for (size_t i = 0; i < e->nrequire; i++) {
        if (strcasecmp(e->require[i].name, "Authorization") != 0) continue;
        /* The challenge names the scheme of the required value ("Bearer", "Basic"). */
        char scheme[64];
        int n = (int)strcspn(e->require[i].value, " ");
        if (n == 0 || n >= 40)
            snprintf(scheme, sizeof(scheme), "Bearer realm=\"ioc-sim\"");
        else
            snprintf(scheme, sizeof(scheme), "%.*s realm=\"ioc-sim\"", n, e->require[i].value);
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, scheme);
    }
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_UNAUTHORIZED, r);
    MHD_destroy_response(r);
    return ret;
}

/* The decision for one request, taken under the lock. */
typedef struct {
    SimFault fault; /* mode NONE: serve normally */
    bool auth_ok;
    int64_t now_ms;
} Plan;

/* Picks the fault for a request to endpoint i and logs it (takes the lock). */
static Plan plan_request(SimServer *s, size_t i, struct MHD_Connection *c, const char *method)
{
    const SimEndpoint *e = &s->sc->endpoints[i];
    SimEpState *st = &s->st[i];
    Plan p = {.auth_ok = authorised(e, c)};
    sim_fault_defaults(&p.fault, SIM_FAULT_NONE);
    pthread_mutex_lock(&s->mu);
    st->requests++;
    p.now_ms = sim_server_now_locked(s);
    int64_t since = 0, rel_since;
    const SimFaultWindow *w;
    if (st->has_override) {
        p.fault = st->override;
        since = st->override_since_ms;
    } else if ((w = sim_scenario_fault_at(e, p.now_ms - s->start_ms, &rel_since))) {
        p.fault = w->fault;
        since = s->start_ms + rel_since;
    }
    if (p.fault.mode == SIM_FAULT_FLAP) {
        bool fail;
        if (p.fault.period_ms > 0)
            fail = (p.now_ms - since) >= 0 && (p.now_ms - since) / p.fault.period_ms % 2 == 1;
        else
            fail = st->flap_count / (uint64_t)p.fault.requests % 2 == 1;
        st->flap_count++;
        if (!fail)
            sim_fault_defaults(&p.fault, SIM_FAULT_NONE);
        else
            p.fault.mode = SIM_FAULT_HTTP;
    } else {
        st->flap_count = 0;
    }
    /* What the client will see, for the request log. */
    const char *outcome = "ok";
    int status = 200;
    switch (p.fault.mode) {
    case SIM_FAULT_NONE:
    case SIM_FAULT_DELAY:
        if (p.fault.mode == SIM_FAULT_DELAY) outcome = "delay";
        if (!p.auth_ok) outcome = "unauthorized", status = 401;
        break;
    case SIM_FAULT_REFUSE:
    case SIM_FAULT_DROP:
    case SIM_FAULT_HANG:
        outcome = sim_fault_mode_name(p.fault.mode);
        status = 0;
        break;
    case SIM_FAULT_HTTP:
        outcome = "http";
        status = p.fault.code;
        break;
    default:
        outcome = p.auth_ok ? sim_fault_mode_name(p.fault.mode) : "unauthorized";
        status = p.auth_ok ? 200 : 401;
        break;
    }
    log_request(s, st, c, method, outcome, status);
    pthread_mutex_unlock(&s->mu);
    return p;
}

/* Serves a request to endpoint i according to its fault. */
static enum MHD_Result serve_endpoint(SimServer *s, size_t i, struct MHD_Connection *c,
                                      const char *method)
{
    const SimEndpoint *e = &s->sc->endpoints[i];
    Plan p = plan_request(s, i, c, method);
    const char *ctype = e->content_type ? e->content_type : sim_format_content_type(e->format);
    switch (p.fault.mode) {
    case SIM_FAULT_REFUSE:
    case SIM_FAULT_DROP:
        return MHD_NO; /* MHD closes the connection without a response */
    case SIM_FAULT_HANG:
        wait_for(s, c, -1);
        return MHD_NO;
    case SIM_FAULT_DELAY:
        if (!wait_for(s, c, sim_server_mono_ms() + p.fault.ms)) return MHD_NO;
        break;
    case SIM_FAULT_HTTP: {
        char body[96];
        int n = snprintf(body, sizeof(body), "simulated fault: HTTP %d\n", p.fault.code);
        return sim_server_reply(c, (unsigned)p.fault.code, "text/plain; charset=utf-8", body,
                                (size_t)n);
    }
    default:
        break;
    }
    if (!p.auth_ok) return reply_unauthorised(e, c);
    size_t len = 0;
    char *body = sim_scenario_render(s->sc, e, s->start_ms, p.now_ms, &len);
    if (!body) return MHD_NO;
    switch (p.fault.mode) {
    case SIM_FAULT_MALFORMED:
        body = make_malformed(e->format, body, &len);
        if (!body) return MHD_NO;
        break;
    case SIM_FAULT_OVERSIZE:
        return reply_stream(c, ctype, body, len, (uint64_t)p.fault.bytes, false);
    case SIM_FAULT_TRUNCATED: {
        size_t sent = len / 2;
        uint64_t declared = len > sent ? len : sent + 1;
        return reply_stream(c, ctype, body, sent, declared, true);
    }
    default:
        break;
    }
    return reply_owned(c, MHD_HTTP_OK, ctype, body, len);
}

/* MHD access handler: control API, endpoints, or 404/405. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **req)
{
    SimServer *s = cls;
    if (!*req) {
        *req = s; /* first call: headers only; answer once the request is complete */
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* request bodies are not used: discard */
        return MHD_YES;
    }
    if (strncmp(url, "/_sim/", 6) == 0 || strcmp(url, "/_sim") == 0)
        return sim_control_handle(s, c, url, method);
    const SimEndpoint *e = sim_scenario_find(s->sc, url, strlen(url));
    if (!e) {
        static const char nf[] = "no such endpoint in this scenario\n";
        return sim_server_reply(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", nf,
                                sizeof(nf) - 1);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        static const char na[] = "only GET and HEAD are served\n";
        struct MHD_Response *r =
            MHD_create_response_from_buffer(sizeof(na) - 1, (void *)na, MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
        MHD_destroy_response(r);
        return ret;
    }
    return serve_endpoint(s, (size_t)(e - s->sc->endpoints), c, method);
}

/* Opens a listening TCP socket on addr:port; -1 with a message in err. */
static int listen_on(const char *addr, int port, char *host, size_t hostcap, int *out_port,
                     char *err, size_t errcap)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t sl;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    bool ipv6 = false;
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        sl = sizeof(*v4);
    } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        ipv6 = true;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        sl = sizeof(*v6);
    } else {
        snprintf(err, errcap, _("'%s' is not an IPv4 or IPv6 address"), addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errcap, _("cannot create a socket: %s"), strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ipv6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 64) != 0) {
        snprintf(err, errcap, _("cannot listen on %s port %d: %s"), addr, port, strerror(errno));
        close(fd);
        return -1;
    }
    sl = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    *out_port = ntohs(ipv6 ? v6->sin6_port : v4->sin_port);
    /* A wildcard address is reached through loopback. */
    if (strcmp(addr, "0.0.0.0") == 0)
        snprintf(host, hostcap, "127.0.0.1");
    else if (strcmp(addr, "::") == 0)
        snprintf(host, hostcap, "[::1]");
    else if (ipv6)
        snprintf(host, hostcap, "[%s]", addr);
    else
        snprintf(host, hostcap, "%s", addr);
    return fd;
}

SimServer *sim_server_start(SimScenario *sc, const SimServerOptions *o, char *err, size_t errcap)
{
    SimServer *s = calloc(1, sizeof(*s));
    if (!s || pthread_mutex_init(&s->mu, NULL) != 0) {
        snprintf(err, errcap, "%s", _("out of memory"));
        free(s);
        sim_scenario_free(sc);
        return NULL;
    }
    s->sc = sc;
    s->st = calloc(sc->nendpoints, sizeof(*s->st));
    if (!s->st) {
        snprintf(err, errcap, "%s", _("out of memory"));
        goto fail;
    }
    s->start_ms = o->start_ms;
    s->anchor_sim_ms = o->start_ms;
    s->anchor_mono_ms = sim_server_mono_ms();
    s->scale = o->time_scale;
    int fd = listen_on(o->bind ? o->bind : "127.0.0.1", o->port, s->host, sizeof(s->host), &s->port,
                       err, errcap);
    if (fd < 0) goto fail;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (o->bind && strchr(o->bind, ':')) flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, fd,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)512, MHD_OPTION_END);
    if (!s->daemon) {
        close(fd);
        snprintf(err, errcap, "%s", _("cannot start the HTTP server (libmicrohttpd)"));
        goto fail;
    }
    return s;
fail:
    sim_server_stop(s);
    return NULL;
}

int sim_server_port(const SimServer *s)
{
    return s->port;
}

void sim_server_url(const SimServer *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "http://%s:%d", s->host, s->port);
}

void sim_server_stop(SimServer *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true; /* waiting requests notice within WAIT_SLICE_MS */
    pthread_mutex_unlock(&s->mu);
    if (s->daemon) MHD_stop_daemon(s->daemon);
    for (size_t i = 0; s->st && i < s->sc->nendpoints; i++)
        for (size_t j = 0; j < SIM_LOG_REQUESTS; j++)
            log_clear(&s->st[i].log[j]);
    free(s->st);
    sim_scenario_free(s->sc);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
