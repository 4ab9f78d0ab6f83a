/* http.c - the HTTP API server on libmicrohttpd's external epoll mode (see http.h). */
#include "services/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/i18n.h"
#include "base/sbuf.h"
#include "services/events.h"

#define HTTP_TIMEOUT_S    10          /* an idle connection is closed after this */
#define HTTP_HEADER_MEM   (32 * 1024) /* memory per connection for the request head */
#define HTTP_TLS_FILE_MAX (1 << 20)   /* largest certificate or key file */
#define HTTP_STREAM_BLOCK (16 * 1024) /* bytes MHD asks an event stream for at once */

typedef struct Stream Stream;

struct HttpServer {
    struct MHD_Daemon *d;
    Api *api; /* borrowed */
    HttpLogFn log;
    void *log_ud;
    Loop *loop; /* attached to (borrowed), or NULL */
    int epfd;
    long timer; /* loop timer for MHD's next timeout; 0 none */
    int port;
    /* The settings it was started with. */
    char *listen, *tls_cert, *tls_key;
    int max_connections;
    int64_t max_body;
    char *cert_pem, *key_pem; /* TLS file contents (MHD borrows them) */
    Stream *streams;          /* the open event streams */
    long ka_timer;            /* loop timer of the next keep-alive; 0 none */
    long kick;                /* loop timer that runs MHD after a resume; 0 none */
};

/* One connection streaming /api/v1/events. */
struct Stream {
    Stream *prev, *next;
    HttpServer *s;
    Events *events; /* borrowed; outlives the server (see cmd_run.c) */
    struct MHD_Connection *conn;
    EventsClient *client;
    bool suspended; /* MHD_suspend_connection() was called, not yet resumed */
};

/* One request being received. */
typedef struct {
    char *uri; /* the raw request target */
    SBuf body;
    bool started;
} Req;

/* MHD's URI log callback: the first word about a request; its result becomes
 * the request's context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    Req *r = calloc(1, sizeof(*r));
    if (r) r->uri = strdup(uri ? uri : "");
    if (r && !r->uri) {
        free(r);
        r = NULL;
    }
    return r;
}

/* MHD callback: the request is over (answered, failed or timed out). */
static void on_done(void *cls, struct MHD_Connection *conn, void **ctx,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    Req *r = *ctx;
    if (!r) return;
    free(r->uri);
    sbuf_free(&r->body);
    free(r);
    *ctx = NULL;
}

/* The client's address as text. */
static void peer_of(struct MHD_Connection *conn, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, n, "?");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)n);
}

static void arm_keepalive(HttpServer *s);
static void pump(HttpServer *s);

/* Loop timer: connections were resumed; MHD runs to send their bytes. */
static void on_kick(void *ud, int64_t now_ms)
{
    HttpServer *s = ud;
    (void)now_ms;
    s->kick = 0;
    pump(s);
}

/* Events callback: the stream's client has bytes (or ended) again; MHD
 * gets the connection back (its epoll descriptor wakes the loop). */
static void stream_wake(void *ud, EventsClient *c)
{
    Stream *st = ud;
    (void)c;
    if (!st->suspended) return;
    st->suspended = false;
    MHD_resume_connection(st->conn);
    /* MHD only takes resumed connections back in its next run: one run soon,
     * from the loop (this may be called from inside an MHD callback). */
    HttpServer *s = st->s;
    if (!s->kick && s->loop) {
        long id = loop_timer_at(s->loop, loop_now_ms(), on_kick, s);
        s->kick = id > 0 ? id : 0;
    }
}

/* MHD content reader of an event stream: the bytes waiting, or, when none,
 * the connection is suspended until the client's queue gets some (never a
 * busy wait). An overflowed client is cut off; a reload ends the stream. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    Stream *st = cls;
    (void)pos;
    if (!st->client) return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = events_read(st->client, buf, max);
    if (n > 0) return (ssize_t)n;
    switch (events_state(st->client)) {
    case EVENTS_OVERFLOW:
        return MHD_CONTENT_READER_END_WITH_ERROR;
    case EVENTS_END:
        return MHD_CONTENT_READER_END_OF_STREAM;
    case EVENTS_OPEN:
        break;
    }
    st->suspended = true;
    MHD_suspend_connection(st->conn);
    return 0;
}

/* MHD: the stream's response is freed (the connection is over). */
static void stream_free(void *cls)
{
    Stream *st = cls;
    HttpServer *s = st->s;
    events_unsubscribe(st->events, st->client);
    if (st->prev)
        st->prev->next = st->next;
    else
        s->streams = st->next;
    if (st->next) st->next->prev = st->prev;
    free(st);
}

/* A streaming response for conn subscribed to ev, or NULL. */
static struct MHD_Response *stream_response(HttpServer *s, Events *ev, struct MHD_Connection *conn)
{
    Stream *st = calloc(1, sizeof(*st));
    if (!st) return NULL;
    st->s = s;
    st->events = ev;
    st->conn = conn;
    st->client = events_subscribe(ev, stream_wake, st, loop_wall_ms());
    struct MHD_Response *resp =
        st->client ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, HTTP_STREAM_BLOCK,
                                                       stream_read, st, stream_free)
                   : NULL;
    if (!resp) {
        events_unsubscribe(ev, st->client);
        free(st);
        return NULL;
    }
    st->next = s->streams;
    if (s->streams) s->streams->prev = st;
    s->streams = st;
    /* A quiet stream is not an idle connection: keep-alives, not the timeout. */
    MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, 0);
    if (!s->ka_timer) arm_keepalive(s);
    return resp;
}

/* Queues answer a (taking its body) on conn, and logs it when it changed
 * state or was refused for its token or role. */
static enum MHD_Result send_answer(HttpServer *s, struct MHD_Connection *conn, const char *method,
                                   const char *uri, ApiResponse *a)
{
    struct MHD_Response *resp = NULL;
    Events *ev = s->api->events;
    if (a->stream && ev && strcmp(method, "HEAD") != 0) {
        resp = stream_response(s, ev, conn); /* HEAD: the headers only */
        if (!resp) api_error(a, 503, _("cannot open an event stream (out of memory)"));
    }
    if (resp) {
        /* streaming from ev */
    } else if (a->body.s && !a->body.oom) {
        resp = MHD_create_response_from_buffer(a->body.len, a->body.s, MHD_RESPMEM_MUST_FREE);
        if (resp) a->body = (SBuf){0};
    } else {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!resp) {
        api_response_done(a);
        return MHD_NO;
    }
    if (a->content_type) MHD_add_response_header(resp, "Content-Type", a->content_type);
    MHD_add_response_header(resp, "Cache-Control",
                            a->stream && a->status == 200 ? "no-cache" : "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (a->allow) MHD_add_response_header(resp, "Allow", a->allow);
    if (a->www_authenticate)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"ioc\"");
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)a->status, resp);
    MHD_destroy_response(resp);
    if (s->log && (a->changed || a->status == 401 || a->status == 403 || a->status == 413)) {
        char peer[INET6_ADDRSTRLEN + 1];
        peer_of(conn, peer, sizeof(peer));
        HttpLogEntry e = {.method = method,
                          .uri = uri,
                          .status = a->status,
                          .user = a->user,
                          .what = a->what,
                          .peer = peer};
        s->log(s->log_ud, &e);
    }
    api_response_done(a);
    return rc;
}

/* Answers 413: the body is larger than max_body. */
static enum MHD_Result too_big(HttpServer *s, struct MHD_Connection *conn, const char *method,
                               Req *r)
{
    ApiResponse a;
    char msg[120];
    memset(&a, 0, sizeof(a));
    snprintf(msg, sizeof(msg), _("the body is larger than %lld bytes"), (long long)s->max_body);
    api_error(&a, 413, msg);
    return send_answer(s, conn, method, r->uri, &a);
}

/* MHD access handler: called once with the head, then with body pieces,
 * then once more when the request is complete. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **ctx)
{
    HttpServer *s = cls;
    Req *r = *ctx;
    (void)url;
    (void)version;
    if (!r) return MHD_NO; /* out of memory in on_uri */
    if (!r->started) {
        r->started = true;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end = NULL;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || end == cl || (long long)n > s->max_body || n > (1ULL << 40))
                return too_big(s, conn, method, r);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        /* A body without Content-Length (chunked) that grows past the cap:
         * the connection is closed (an answer cannot be queued mid-body). */
        if (r->body.len + *upload_size > (size_t)s->max_body) return MHD_NO;
        sbuf_add(&r->body, upload_data, *upload_size);
        *upload_size = 0;
        return r->body.oom ? MHD_NO : MHD_YES;
    }
    ApiRequest rq = {
        .method = method,
        .uri = r->uri,
        .authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
        .body = r->body.s,
        .body_len = r->body.len,
    };
    ApiResponse a;
    api_handle(s->api, &rq, &a);
    return send_answer(s, conn, method, r->uri, &a);
}

static void rearm(HttpServer *s);

/* Number of open connections. */
static unsigned connections(const HttpServer *s)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return di ? di->num_connections : 0;
}

/* Lets MHD do what is ready (accept, read, answer, time out), then re-arms
 * the timer. When connections closed, MHD runs once more: at the connection
 * limit it stops watching the listening socket and only starts again at the
 * beginning of its next run, which nothing else would trigger. */
static void pump(HttpServer *s)
{
    unsigned before = connections(s);
    MHD_run(s->d);
    if (connections(s) < before) MHD_run(s->d);
    rearm(s);
}

/* Loop timer: MHD's timeout came. */
static void on_timer(void *ud, int64_t now_ms)
{
    HttpServer *s = ud;
    (void)now_ms;
    s->timer = 0;
    pump(s);
}

/* Loop watch: MHD's epoll descriptor is ready. */
static void on_fd(void *ud, int fd, short revents)
{
    (void)fd;
    (void)revents;
    pump(ud);
}

/* Sets the loop timer to MHD's next timeout (none when MHD has none). */
static void rearm(HttpServer *s)
{
    if (!s->loop) return;
    if (s->timer) loop_timer_cancel(s->loop, s->timer);
    s->timer = 0;
    MHD_UNSIGNED_LONG_LONG to;
    if (MHD_get_timeout(s->d, &to) != MHD_YES) return;
    if (to > 60000) to = 60000;
    long id = loop_timer_at(s->loop, loop_now_ms() + (int64_t)to, on_timer, s);
    s->timer = id > 0 ? id : 0;
}

/* Loop timer: queues keep-alives on quiet streams, then re-arms. */
static void on_keepalive(void *ud, int64_t now_ms)
{
    HttpServer *s = ud;
    s->ka_timer = 0;
    if (s->api->events) events_keepalive(s->api->events, now_ms);
    arm_keepalive(s);
}

/* Arms the keep-alive timer at the next stream's due time (none without
 * streams or loop). */
static void arm_keepalive(HttpServer *s)
{
    if (!s->loop) return;
    if (s->ka_timer) loop_timer_cancel(s->loop, s->ka_timer);
    s->ka_timer = 0;
    if (!s->streams || !s->api->events) return;
    int64_t due = events_keepalive(s->api->events, loop_now_ms());
    if (due == INT64_MAX) return;
    long id = loop_timer_at(s->loop, due, on_keepalive, s);
    s->ka_timer = id > 0 ? id : 0;
}

/* Reads a whole PEM file (at most HTTP_TLS_FILE_MAX bytes) into a new
 * NUL-terminated string; NULL with a message in err. */
static char *read_pem(const char *path, const char *what, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    char *buf = fd >= 0 ? malloc(HTTP_TLS_FILE_MAX + 1) : NULL;
    size_t len = 0;
    ssize_t n = 0;
    while (buf && len < HTTP_TLS_FILE_MAX &&
           ((n = read(fd, buf + len, HTTP_TLS_FILE_MAX - len)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0) len += (size_t)n;
    int e = fd < 0 ? errno : n < 0 ? errno : 0;
    if (fd >= 0) close(fd);
    if (!buf || e || len == 0 || len == HTTP_TLS_FILE_MAX) {
        snprintf(err, errlen, _("cannot read the TLS %s '%s': %s"), what, path,
                 e      ? strerror(e)
                 : !buf ? _("out of memory")
                 : len  ? _("too large")
                        : _("empty"));
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* Opens the listening socket of cfg; -1 with a message in err. */
static int listen_on(const CfgHttp *cfg, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof(ss));
    if (cfg->ipv6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)cfg->port);
        inet_pton(AF_INET6, cfg->host, &a->sin6_addr);
        sl = sizeof(*a);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)cfg->port);
        inet_pton(AF_INET, cfg->host, &a->sin_addr);
        sl = sizeof(*a);
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd >= 0 && cfg->ipv6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 128) != 0) {
        snprintf(err, errlen, _("cannot listen on %s: %s"), cfg->listen, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

/* The port fd is bound to, or -1. */
static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) return -1;
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Frees the settings and TLS material (keys wiped). */
static void settings_free(HttpServer *s)
{
    free(s->listen);
    free(s->tls_cert);
    free(s->tls_key);
    free(s->cert_pem);
    if (s->key_pem) memset(s->key_pem, 0, strlen(s->key_pem));
    free(s->key_pem);
}

HttpServer *http_new(const CfgHttp *cfg, Api *api, HttpLogFn log, void *log_ud, char *err,
                     size_t errlen)
{
    HttpServer *s = calloc(1, sizeof(*s));
    int fd = -1;
    if (!s) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return NULL;
    }
    s->api = api;
    s->log = log;
    s->log_ud = log_ud;
    s->epfd = -1;
    s->max_connections = cfg->max_connections > 0 ? cfg->max_connections : 64;
    s->max_body = cfg->max_body > 0 ? cfg->max_body : 64 * 1024;
    s->listen = strdup(cfg->listen ? cfg->listen : "");
    s->tls_cert = cfg->tls_cert ? strdup(cfg->tls_cert) : NULL;
    s->tls_key = cfg->tls_key ? strdup(cfg->tls_key) : NULL;
    if (!s->listen || (cfg->tls_cert && !s->tls_cert) || (cfg->tls_key && !s->tls_key)) {
        snprintf(err, errlen, "%s", _("out of memory"));
        goto fail;
    }
    unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
    if (cfg->ipv6) flags |= MHD_USE_IPv6;
    if (cfg->tls_cert) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            snprintf(err, errlen, "%s", _("this libmicrohttpd was built without TLS"));
            goto fail;
        }
        s->cert_pem = read_pem(cfg->tls_cert, _("certificate"), err, errlen);
        if (!s->cert_pem) goto fail;
        s->key_pem = read_pem(cfg->tls_key, _("key"), err, errlen);
        if (!s->key_pem) goto fail;
        flags |= MHD_USE_TLS;
    }
    fd = listen_on(cfg, err, errlen);
    if (fd < 0) goto fail;
    s->port = bound_port(fd);
    struct MHD_OptionItem tls[] = {
        {s->cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert_pem},
        {s->key_pem ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, fd,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED,
                            on_done, s, MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->max_connections,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_S,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_HEADER_MEM,
                            MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, _("cannot start the HTTP server on %s"), cfg->listen);
        goto fail;
    }
    fd = -1; /* the daemon's now */
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
    if (!di) {
        snprintf(err, errlen, "%s", _("libmicrohttpd has no epoll descriptor"));
        goto fail;
    }
    s->epfd = di->epoll_fd;
    return s;
fail:
    if (fd >= 0) close(fd);
    http_free(s);
    return NULL;
}

int http_attach(HttpServer *s, Loop *l)
{
    http_detach(s);
    if (loop_watch_fd(l, s->epfd, POLLIN, on_fd, s) != 0) return -1;
    s->loop = l;
    rearm(s);
    arm_keepalive(s);
    if (s->streams) { /* streams resumed while detached (a reload) */
        long id = loop_timer_at(l, loop_now_ms(), on_kick, s);
        s->kick = id > 0 ? id : 0;
    }
    return 0;
}

void http_detach(HttpServer *s)
{
    if (!s || !s->loop) return;
    if (s->timer) loop_timer_cancel(s->loop, s->timer);
    s->timer = 0;
    if (s->ka_timer) loop_timer_cancel(s->loop, s->ka_timer);
    s->ka_timer = 0;
    if (s->kick) loop_timer_cancel(s->loop, s->kick);
    s->kick = 0;
    loop_unwatch_fd(s->loop, s->epfd);
    s->loop = NULL;
}

int http_port(const HttpServer *s)
{
    return s->port;
}

/* True when a and b differ (NULL equals NULL only). */
static bool str_differ(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

bool http_settings_differ(const HttpServer *s, const CfgHttp *cfg)
{
    if (!cfg || !cfg->listen) return true;
    return str_differ(s->listen, cfg->listen) || str_differ(s->tls_cert, cfg->tls_cert) ||
           str_differ(s->tls_key, cfg->tls_key) || s->max_connections != cfg->max_connections ||
           s->max_body != cfg->max_body;
}

void http_free(HttpServer *s)
{
    if (!s) return;
    http_detach(s);
    /* MHD refuses to stop with suspended connections: give them back first. */
    for (Stream *st = s->streams; st; st = st->next)
        stream_wake(st, st->client);
    if (s->d) MHD_stop_daemon(s->d);
    settings_free(s);
    free(s);
}
