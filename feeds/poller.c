/* poller.c - HTTP(S) polling of feeds over curl multi (see poller.h). */
#include "feeds/poller.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/counter.h"
#include "feeds/sched.h"
#include "base/curlerr.h"
#include "base/curlhdr.h"
#include "base/i18n.h"

struct FeedPoll;

/* One HTTP transfer of a feed's poll: the feed's URL, or (promql) one KPI's
 * query. Each has its own curl easy handle, kept so connections are reused. */
typedef struct {
    struct FeedPoll *fp;
    CURL *easy;
    char *url; /* promql: this poll's query URL (owned; may hold secrets), else NULL */
    char *buf; /* response body */
    size_t len, cap;
    bool over_cap;
    bool busy;
    CURLcode rc; /* how the transfer ended */
    /* Redirects followed in this poll; whether headers and auth are off
     * (another origin). */
    int hops;
    bool stripped;
    /* The current response's header bytes, whether its header block has
     * ended, and whether it passed POLLER_MAX_HEADERS. */
    size_t hdr_bytes;
    bool hdr_done, hdr_over;
    /* Why a redirect was not followed, why an address was not connected to
     * ("" when not), and curl's own words for the last failure. */
    char refused[sizeof(((FeedStatus *)0)->error)];
    char blocked[sizeof(((FeedStatus *)0)->error)];
    char errbuf[CURL_ERROR_SIZE];
} Xfer;

typedef struct FeedPoll {
    struct Poller *p;
    size_t idx;
    const CfgFeed *f;
    struct curl_slist *headers; /* holds expanded secrets */
    struct curl_slist *bare;    /* Accept only: for another origin (follow_redirects: any) */
    Xfer *x;                    /* one transfer, or one per KPI (promql) */
    size_t n_x;
    size_t running; /* transfers of this poll not finished yet */
    size_t max_body;
    bool busy;
    bool queued;     /* waiting for a place (POLLER_MAX_IN_FLIGHT) */
    int64_t started; /* monotonic ms */
    int64_t due;     /* monotonic ms of the current/next slot */
    long timer;      /* pending timer id, 0 when none */
    uint32_t seed;
    FeedStatus st;
    KpiValue *vals;
    CounterState *counters; /* one per KPI (counter:) */
} FeedPoll;

struct Poller {
    Loop *loop;
    const Config *cfg;
    PollerFn fn;
    void *ud;
    FeedPoll *feeds;
    size_t n_feeds;
    size_t busy;
    size_t max_in_flight; /* POLLER_MAX_IN_FLIGHT (tests may lower it) */
    size_t *queue;        /* feeds waiting for a place: a ring of n_feeds */
    size_t q_head, q_len;
    bool repeat;
    bool refuse_all; /* poller_test_refuse_all() */
};

void poller_fmt_bytes(int64_t bytes, char *buf, size_t n)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        snprintf(buf, n, "%lld MiB", (long long)(bytes / (1024 * 1024)));
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(buf, n, "%lld KiB", (long long)(bytes / 1024));
    else
        snprintf(buf, n, "%lld bytes", (long long)bytes);
}

/* curl write callback: appends to the feed's buffer, failing the transfer
 * once the body would pass the cap. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    Xfer *fp = ud;
    size_t n = size * nmemb;
    if (fp->len + n > fp->fp->max_body) {
        fp->over_cap = true;
        return 0;
    }
    if (fp->len + n + 1 > fp->cap) {
        size_t cap = fp->cap ? fp->cap : 16384;
        while (cap < fp->len + n + 1)
            cap *= 2;
        char *b = realloc(fp->buf, cap);
        if (!b) return 0;
        fp->buf = b;
        fp->cap = cap;
    }
    memcpy(fp->buf + fp->len, data, n);
    fp->len += n;
    return n;
}

/* curl header callback: counts the header bytes of each response and fails
 * the transfer once they pass POLLER_MAX_HEADERS. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    Xfer *fp = ud;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) { /* a new response (after 1xx, redirect) */
        fp->hdr_bytes = 0;
        fp->hdr_done = false;
    }
    fp->hdr_bytes += n;
    if ((n == 2 && data[0] == '\r' && data[1] == '\n') || (n == 1 && data[0] == '\n'))
        fp->hdr_done = true;
    if (fp->hdr_bytes > POLLER_MAX_HEADERS) {
        fp->hdr_over = true;
        return 0;
    }
    return n;
}

/* Classifies an IPv4 address given in host byte order. */
static PollerAddrClass class_v4(uint32_t a)
{
    if (a == 0xA9FEA9FEu) return POLLER_ADDR_LINK_LOCAL_METADATA; /* 169.254.169.254 */
    if ((a & 0xFFFF0000u) == 0xA9FE0000u) return POLLER_ADDR_LINK_LOCAL;
    if (a == 0x646464C8u) return POLLER_ADDR_METADATA; /* 100.100.100.200 */
    return POLLER_ADDR_OK;
}

PollerAddrClass poller_addr_class(const struct sockaddr *sa)
{
    if (!sa) return POLLER_ADDR_OK;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return class_v4(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family != AF_INET6) return POLLER_ADDR_OK;
    const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};
    static const unsigned char compat[12] = {0};
    static const unsigned char aws[16] = {0xfd, 0, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54};
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return POLLER_ADDR_LINK_LOCAL;
    if (memcmp(b, aws, 16) == 0) return POLLER_ADDR_METADATA;
    /* IPv4 inside IPv6: mapped, NAT64 well-known prefix, deprecated compatible form. */
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0 || memcmp(b, compat, 12) == 0)
        return class_v4((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
                        b[15]);
    return POLLER_ADDR_OK;
}

bool poller_addr_refused(const struct sockaddr *sa, char *why, size_t n)
{
    PollerAddrClass c = poller_addr_class(sa);
    if (c == POLLER_ADDR_OK) return false;
    char ip[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof(ip));
    else
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof(ip));
    const char *what = c == POLLER_ADDR_LINK_LOCAL            ? _("link-local")
                       : c == POLLER_ADDR_LINK_LOCAL_METADATA ? _("link-local (cloud metadata)")
                                                              : _("a cloud metadata address");
    snprintf(why, n, _("address %s is %s; set allow_link_local: true to allow"), ip, what);
    return true;
}

/* curl open-socket callback: refuses link-local and metadata addresses
 * (unless the feed allows them) before any packet is sent. */
static curl_socket_t on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    Xfer *fp = ud;
    (void)purpose;
    char why[sizeof(fp->blocked)];
    bool refuse = fp->fp->p->refuse_all;
    if (refuse)
        snprintf(why, sizeof(why), "%s", _("address refused (test)"));
    else if (!fp->fp->f->allow_link_local)
        refuse = poller_addr_refused(&a->addr, why, sizeof(why));
    if (refuse) {
        if (!fp->blocked[0]) snprintf(fp->blocked, sizeof(fp->blocked), "%s", why);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

void poller_test_refuse_all(Poller *p, bool on)
{
    p->refuse_all = on;
}

/* One URL's origin: lower-case scheme and host, and the port (default filled in). */
typedef struct {
    char scheme[16];
    char host[256];
    long port;
} Origin;

/* Parses url's origin; false when it is not an absolute URL with a host. */
static bool parse_origin(const char *url, Origin *o)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    bool ok = u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
              strlen(scheme) < sizeof(o->scheme) && strlen(host) < sizeof(o->host);
    if (ok) {
        for (size_t i = 0; scheme[i]; i++)
            o->scheme[i] =
                (char)(scheme[i] >= 'A' && scheme[i] <= 'Z' ? scheme[i] + 32 : scheme[i]);
        o->scheme[strlen(scheme)] = '\0';
        for (size_t i = 0; host[i]; i++)
            o->host[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
        o->host[strlen(host)] = '\0';
        o->port = -1;
        if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
            o->port = strtol(port, NULL, 10);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return ok;
}

/* Writes an origin as scheme://host[:port] (the port only when not the default). */
static void fmt_origin(const Origin *o, char *buf, size_t n)
{
    long def = strcmp(o->scheme, "https") == 0 ? 443 : strcmp(o->scheme, "http") == 0 ? 80 : -1;
    if (o->port < 0 || o->port == def)
        snprintf(buf, n, "%s://%s", o->scheme, o->host);
    else
        snprintf(buf, n, "%s://%s:%ld", o->scheme, o->host, o->port);
}

PollerRedirAction poller_redirect_decide(const char *from, const char *to, FollowRedirects mode,
                                         char *why, size_t n)
{
    Origin a, b;
    char shown[300];
    why[0] = '\0';
    if (!parse_origin(to, &b)) {
        snprintf(why, n, "%s", _("redirect to an invalid URL refused"));
        return POLLER_REDIR_REFUSE;
    }
    fmt_origin(&b, shown, sizeof(shown));
    if (strcmp(b.scheme, "http") != 0 && strcmp(b.scheme, "https") != 0) {
        snprintf(why, n, _("redirect to a %.16s: URL refused (http and https only)"), b.scheme);
        return POLLER_REDIR_REFUSE;
    }
    if (!parse_origin(from, &a)) { /* cannot happen with a URL curl fetched; be safe */
        snprintf(why, n, _("redirect to %.200s refused"), shown);
        return POLLER_REDIR_REFUSE;
    }
    if (strcmp(a.scheme, "https") == 0 && strcmp(b.scheme, "http") == 0) {
        snprintf(why, n, _("redirect from https to plain http %.200s refused"), shown);
        return POLLER_REDIR_REFUSE;
    }
    if (mode == FOLLOW_NONE) {
        snprintf(why, n, _("redirect to %.200s not followed (follow_redirects: none)"), shown);
        return POLLER_REDIR_REFUSE;
    }
    bool same = strcmp(a.scheme, b.scheme) == 0 && strcmp(a.host, b.host) == 0 && a.port == b.port;
    if (same) return POLLER_REDIR_FOLLOW;
    if (mode == FOLLOW_ANY) return POLLER_REDIR_FOLLOW_BARE;
    snprintf(why, n, _("redirect to another origin %.200s refused (follow_redirects: same-origin)"),
             shown);
    return POLLER_REDIR_REFUSE;
}

/* Puts the feed's configured headers, basic auth and client certificate on
 * its handle (on), or takes them all off for another origin (!on). */
static void set_credentials(Xfer *x, bool on)
{
    const CfgFeed *f = x->fp->f;
    CURL *e = x->easy;
    x->stripped = !on;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, on ? x->fp->headers : x->fp->bare);
    if (f->auth_user) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, on ? f->auth_user : NULL);
        curl_easy_setopt(e, CURLOPT_PASSWORD,
                         !on                ? NULL
                         : f->auth_password ? f->auth_password
                                            : "");
    }
    if (f->cert_file) curl_easy_setopt(e, CURLOPT_SSLCERT, on ? f->cert_file : NULL);
    if (f->key_file) curl_easy_setopt(e, CURLOPT_SSLKEY, on ? f->key_file : NULL);
}

/* Builds a feed's request headers (and the bare ones for another origin) once. */
static bool setup_headers(FeedPoll *fp)
{
    const CfgFeed *f = fp->f;
    static const char *accept[] = {
        [FEED_JSON] = "application/json",
        [FEED_PROMETHEUS] = "text/plain;version=0.0.4",
        [FEED_CSV] = "text/csv",
        [FEED_PROMQL] = "application/json",
    };
    for (size_t i = 0; i < f->n_headers; i++)
        if (!curlhdr_add(&fp->headers, f->headers[i].name, f->headers[i].value)) return false;
    if (!cfg_has_header(f->headers, f->n_headers, "Accept") &&
        !curlhdr_add(&fp->headers, "Accept", accept[f->format]))
        return false;
    if (!curlhdr_add(&fp->bare, "Accept", accept[f->format])) return false;
    if (f->auth_bearer && !cfg_has_header(f->headers, f->n_headers, "Authorization")) {
        size_t n = strlen(f->auth_bearer) + 8;
        char *v = malloc(n);
        if (!v) return false;
        snprintf(v, n, "Bearer %s", f->auth_bearer);
        bool ok = curlhdr_add(&fp->headers, "Authorization", v);
        memset(v, 0, n); /* do not leave the token lying around in freed memory */
        free(v);
        if (!ok) return false;
    }
    return true;
}

/* Sets every curl option of one transfer's handle once. */
static bool setup_handle(Xfer *fp)
{
    const CfgFeed *f = fp->fp->f;
    CURL *e = fp->easy;
    int64_t timeout = f->timeout_ms > 0 ? f->timeout_ms : 5000;
    bool ok = curl_easy_setopt(e, CURLOPT_URL, f->url) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR,
                               f->allow_file ? "http,https,file" : "http,https") == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
    if (!ok) return false;
    /* Redirects are followed by on_done(), one hop at a time, so that no
     * configured header or auth ever reaches another origin. */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, fp);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, fp);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, fp->errbuf);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, fp);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)fp->fp->max_body);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "ioc/" IOC_VERSION);
    set_credentials(fp, true);
    if (f->ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, f->ca_file);
    if (f->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return true;
}

Poller *poller_new(Loop *loop, const Config *cfg, PollerFn fn, void *ud, char *err, size_t errlen)
{
    Poller *p = calloc(1, sizeof(*p));
    if (!p) goto oom;
    p->loop = loop;
    p->cfg = cfg;
    p->fn = fn;
    p->ud = ud;
    p->n_feeds = cfg->n_feeds;
    p->feeds = calloc(cfg->n_feeds ? cfg->n_feeds : 1, sizeof(*p->feeds));
    p->queue = calloc(cfg->n_feeds ? cfg->n_feeds : 1, sizeof(*p->queue));
    p->max_in_flight = POLLER_MAX_IN_FLIGHT;
    if (!p->feeds || !p->queue) goto oom;
    size_t handles = 0; /* one kept connection each, so no poll reconnects */
    for (size_t i = 0; i < cfg->n_feeds; i++) {
        FeedPoll *fp = &p->feeds[i];
        fp->p = p;
        fp->idx = i;
        fp->f = &cfg->feeds[i];
        fp->max_body = fp->f->max_body > 0 ? (size_t)fp->f->max_body : POLLER_DEFAULT_MAX_BODY;
        fp->seed = sched_seed(fp->f->id);
        fp->st.state = FS_PENDING;
        fp->st.latency_ms = -1;
        size_t nk = fp->f->n_kpis ? fp->f->n_kpis : 1;
        fp->vals = calloc(nk, sizeof(KpiValue));
        fp->counters = calloc(nk, sizeof(CounterState));
        fp->n_x = fp->f->format == FEED_PROMQL ? fp->f->n_kpis : 1;
        fp->x = calloc(fp->n_x ? fp->n_x : 1, sizeof(Xfer));
        if (!fp->vals || !fp->counters || !fp->x) goto oom;
        bool ok = setup_headers(fp);
        for (size_t k = 0; ok && k < fp->n_x; k++) {
            fp->x[k].fp = fp;
            fp->x[k].easy = curl_easy_init();
            if (!fp->x[k].easy) goto oom;
            ok = setup_handle(&fp->x[k]);
        }
        if (!ok) {
            snprintf(err, errlen, _("feed '%s': cannot set up its HTTP client"), fp->f->id);
            poller_free(p);
            return NULL;
        }
        handles += fp->n_x;
    }
    loop_keep_connections(loop, handles);
    return p;
oom:
    snprintf(err, errlen, "%s", _("out of memory"));
    poller_free(p);
    return NULL;
}

void poller_free(Poller *p)
{
    if (!p) return;
    for (size_t i = 0; p->feeds && i < p->n_feeds; i++) {
        FeedPoll *fp = &p->feeds[i];
        for (size_t k = 0; fp->x && k < fp->n_x; k++) {
            Xfer *x = &fp->x[k];
            if (x->busy) loop_cancel_transfer(p->loop, x->easy);
            if (x->easy) curl_easy_cleanup(x->easy);
            free(x->buf);
            free(x->url);
        }
        if (fp->timer) loop_timer_cancel(p->loop, fp->timer);
        curl_slist_free_all(fp->headers);
        curl_slist_free_all(fp->bare);
        free(fp->x);
        free(fp->vals);
        free(fp->counters);
    }
    free(p->feeds);
    free(p->queue);
    free(p);
}

/* The reason a curlerr kind counts under (ioc_feed_poll_errors_total). */
static FeedError feed_error_of(CurlErrKind k)
{
    switch (k) {
    case CURLERR_TIMEOUT:
        return FEED_ERR_TIMEOUT;
    case CURLERR_CONNECT:
        return FEED_ERR_CONNECT;
    case CURLERR_DNS:
        return FEED_ERR_DNS;
    case CURLERR_TLS:
        return FEED_ERR_TLS;
    case CURLERR_MALFORMED:
        return FEED_ERR_MALFORMED;
    case CURLERR_OTHER:
        break;
    }
    return FEED_ERR_OTHER;
}

/* Words for a failed transfer (never the URL: it may hold secrets): what
 * only the poller knows (its caps, the link-local guard), else curlerr's.
 * Returns the reason it counts under (ioc_feed_poll_errors_total). */
static FeedError describe_failure(const Xfer *fp, CURLcode rc, char *buf, size_t n)
{
    char what[32];
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        if (fp->blocked[0]) { /* the link-local guard refused every address */
            snprintf(buf, n, "%s", fp->blocked);
            return FEED_ERR_CONNECT;
        }
        break;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (fp->hdr_over) {
            poller_fmt_bytes(POLLER_MAX_HEADERS, what, sizeof(what));
            snprintf(buf, n, _("malformed response: headers over %s"), what);
            return FEED_ERR_MALFORMED;
        }
        if (fp->over_cap || rc == CURLE_FILESIZE_EXCEEDED) {
            poller_fmt_bytes((int64_t)fp->fp->max_body, what, sizeof(what));
            snprintf(buf, n, _("body over %s"), what);
            return FEED_ERR_TOO_LARGE;
        }
        snprintf(buf, n, "%s", _("out of memory reading the body"));
        return FEED_ERR_OTHER;
    case CURLE_OUT_OF_MEMORY:
        /* curl 7.x fails a header line over its 100 KiB limit as out of memory. */
        if (fp->hdr_bytes > 0 && !fp->hdr_done) {
            snprintf(buf, n, "%s", _("malformed response: a header line is too long"));
            return FEED_ERR_MALFORMED;
        }
        break;
    default:
        break;
    }
    long os = 0;
    curl_easy_getinfo(fp->easy, CURLINFO_OS_ERRNO, &os);
    return feed_error_of(curlerr_describe(rc, fp->errbuf, os, fp->fp->f->timeout_ms, buf, n));
}

/* The HTTP status of a transfer's last response (0 when none). */
static long response_code(const Xfer *x)
{
    long code = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

/* True when status code is a success (or there is none: file://). */
static bool code_ok(long code)
{
    return code == 0 || (code >= 200 && code < 300);
}

/* Describes a transfer that brought no usable response (transport failure,
 * refused redirect, HTTP error) into st->error; FEED_ERR_NONE when it did. */
static FeedError transport_failure(const Xfer *x, FeedStatus *st)
{
    long code = response_code(x);
    if (x->rc == CURLE_OK && x->refused[0]) { /* a redirect that was not followed */
        snprintf(st->error, sizeof(st->error), "%s", x->refused);
        return FEED_ERR_REDIRECT;
    }
    if (x->rc != CURLE_OK) return describe_failure(x, x->rc, st->error, sizeof(st->error));
    if (!code_ok(code)) {
        snprintf(st->error, sizeof(st->error), "HTTP %ld", code);
        return FEED_ERR_HTTP;
    }
    return FEED_ERR_NONE;
}

/* Extracts a promql feed's KPIs, one answer each. A Prometheus error answer
 * (also on HTTP 400, 422, 503) is its KPI's error; any other failure of a
 * transfer fails the whole poll like a feed's one transfer. FEED_ERR_NONE,
 * or why the poll failed (st->error set). */
static FeedError extract_queries(FeedPoll *fp, FeedStatus *st, int *got)
{
    *got = 0;
    for (size_t i = 0; i < fp->n_x; i++) {
        Xfer *x = &fp->x[i];
        FeedError why = transport_failure(x, st);
        if (why != FEED_ERR_NONE && why != FEED_ERR_HTTP) return why;
        int rc = extract_promql(&fp->f->kpis[i], x->buf ? x->buf : "", x->len, &fp->vals[i]);
        if (rc < 0 && why == FEED_ERR_HTTP) return why; /* "HTTP 404": not a query answer */
        st->error[0] = '\0';
        if (rc > 0) (*got)++;
    }
    return FEED_ERR_NONE;
}

/* Classifies the finished transfers of a poll, extracts values, updates the status. */
static void judge(FeedPoll *fp, int64_t latency)
{
    FeedStatus *st = &fp->st;
    const CfgFeed *f = fp->f;
    st->http_status = (int)response_code(&fp->x[0]);
    st->latency_ms = latency;
    st->polls++;
    for (size_t i = 0; i < fp->n_x; i++) {
        st->bytes += fp->x[i].len;
        if (fp->x[i].rc == CURLE_OK && !code_ok(response_code(&fp->x[i])))
            st->http_status = (int)response_code(&fp->x[i]); /* show a failing one */
    }
    st->error[0] = '\0';
    for (size_t i = 0; i < f->n_kpis; i++) {
        fp->vals[i].has_value = false;
        fp->vals[i].pending = false;
        fp->vals[i].error[0] = '\0';
    }
    int got = 0;
    FeedError why;
    if (f->format == FEED_PROMQL) {
        why = extract_queries(fp, st, &got);
    } else {
        const Xfer *x = &fp->x[0];
        why = transport_failure(x, st);
        if (why == FEED_ERR_NONE) {
            char err[160];
            got = extract_feed(f, x->buf ? x->buf : "", x->len, fp->vals, err, sizeof(err));
            if (got < 0) {
                snprintf(st->error, sizeof(st->error), "%s", err);
                why = FEED_ERR_BAD_DATA;
            }
        }
    }
    if (why == FEED_ERR_BAD_DATA) {
        st->state = FS_BAD_DATA;
    } else if (why != FEED_ERR_NONE) {
        st->state = FS_DOWN;
    } else {
        st->state = latency > (f->slow_ms > 0 ? f->slow_ms : f->timeout_ms / 2) ? FS_SLOW : FS_OK;
    }
    bool delivered = st->state == FS_OK || st->state == FS_SLOW;
    for (size_t i = 0; i < f->n_kpis; i++) {
        if (!delivered) {
            counter_reset(&fp->counters[i]); /* a gap: the next reading starts over */
            continue;
        }
        bool had = fp->vals[i].has_value;
        counter_apply(&f->kpis[i], &fp->counters[i], &fp->vals[i], fp->started);
        if (had && !fp->vals[i].has_value) got--; /* a first reading, or not finite */
    }
    st->samples += got > 0 ? (uint64_t)got : 0;
    for (size_t i = 0; delivered && i < f->n_kpis; i++) {
        if (!fp->vals[i].has_value && !fp->vals[i].pending) {
            snprintf(st->error, sizeof(st->error), "%.32s: %.120s", f->kpis[i].id,
                     fp->vals[i].error);
            st->state = FS_BAD_DATA;
            why = FEED_ERR_BAD_DATA;
            break;
        }
    }
    if (st->state == FS_DOWN) {
        for (size_t i = 0; i < f->n_kpis; i++)
            snprintf(fp->vals[i].error, sizeof(fp->vals[i].error), "%s", st->error);
    }
    if (st->state == FS_OK || st->state == FS_SLOW) {
        st->consecutive_failures = 0;
        why = FEED_ERR_NONE;
    } else {
        st->consecutive_failures++;
        st->failures++;
        if (st->state == FS_BAD_DATA) why = FEED_ERR_BAD_DATA;
        if (why == FEED_ERR_NONE) why = FEED_ERR_OTHER;
    }
    feedstate_count_poll(st, latency, why);
}

static void start_poll(FeedPoll *fp);
static void start_queued(Poller *p);

/* Timer callback: the feed's slot has come. */
static void on_due(void *ud, int64_t now)
{
    FeedPoll *fp = ud;
    fp->timer = 0;
    if (fp->busy) {
        /* Still running (only if the timeout is not below the interval): skip a slot. */
        fp->due = sched_after_success(fp->due, now, fp->f->interval_ms);
        fp->timer = loop_timer_at(fp->p->loop, fp->due, on_due, fp);
        return;
    }
    Poller *p = fp->p;
    if (p->busy >= p->max_in_flight) { /* no place now: wait for one */
        if (!fp->queued) {
            fp->queued = true;
            p->queue[(p->q_head + p->q_len++) % p->n_feeds] = fp->idx;
        }
        return;
    }
    /* How late the loop came to this slot (ioc_poll_delay_seconds). */
    feedstate_count_delay(&fp->st, loop_now_ms() - fp->due);
    start_poll(fp);
}

/* Starts the feeds waiting in the queue while there is a place. */
static void start_queued(Poller *p)
{
    while (p->q_len > 0 && p->busy < p->max_in_flight) {
        FeedPoll *fp = &p->feeds[p->queue[p->q_head]];
        p->q_head = (p->q_head + 1) % p->n_feeds;
        p->q_len--;
        if (!fp->queued || fp->busy) continue; /* polled meanwhile (poller_poll_now) */
        fp->queued = false;
        feedstate_count_delay(&fp->st, loop_now_ms() - fp->due);
        start_poll(fp);
    }
}

void poller_set_max_in_flight(Poller *p, size_t n)
{
    p->max_in_flight = n > 0 ? n : 1;
}

/* Clears what one response left behind, before the next request. */
static void reset_response(Xfer *fp)
{
    fp->len = 0;
    fp->over_cap = false;
    fp->hdr_bytes = 0;
    fp->hdr_done = false;
    fp->hdr_over = false;
    fp->refused[0] = '\0';
    fp->blocked[0] = '\0';
    fp->errbuf[0] = '\0';
}

static void on_done(void *ud, CURL *easy, CURLcode rc);

/* When the finished response is a redirect that the feed's policy allows,
 * re-issues the request to its target on the same handle and returns true;
 * a refused redirect leaves its reason in x->refused. */
static bool follow_redirect(Xfer *fp)
{
    const CfgFeed *f = fp->fp->f;
    long code = 0;
    char *loc = NULL, *cur = NULL;
    curl_easy_getinfo(fp->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) return false;
    if (curl_easy_getinfo(fp->easy, CURLINFO_REDIRECT_URL, &loc) != CURLE_OK || !loc) return false;
    curl_easy_getinfo(fp->easy, CURLINFO_EFFECTIVE_URL, &cur);
    char why[sizeof(fp->refused)];
    PollerRedirAction act =
        poller_redirect_decide(cur ? cur : f->url, loc, f->follow_redirects, why, sizeof(why));
    if (act == POLLER_REDIR_REFUSE) {
        snprintf(fp->refused, sizeof(fp->refused), "%s", why);
        return false;
    }
    if (fp->hops >= f->max_redirects) {
        if (f->max_redirects == 0)
            snprintf(fp->refused, sizeof(fp->refused), "%s",
                     _("redirect not followed (max_redirects: 0)"));
        else
            snprintf(fp->refused, sizeof(fp->refused), _("more than %d redirects"),
                     f->max_redirects);
        return false;
    }
    char *to = strdup(loc); /* loc belongs to the handle's current transfer */
    if (!to || curl_easy_setopt(fp->easy, CURLOPT_URL, to) != CURLE_OK) {
        free(to);
        snprintf(fp->refused, sizeof(fp->refused), "%s", _("out of memory"));
        return false;
    }
    free(to);
    /* Once the origin has changed, nothing configured goes out again in this poll. */
    if (act == POLLER_REDIR_FOLLOW_BARE && !fp->stripped) set_credentials(fp, false);
    fp->hops++;
    reset_response(fp);
    if (loop_add_transfer(fp->fp->p->loop, fp->easy, on_done, fp) != 0) {
        snprintf(fp->refused, sizeof(fp->refused), "%s", _("out of memory"));
        return false;
    }
    return true;
}

/* Ends a feed's poll once all its transfers have finished: judges them,
 * schedules the next poll and reports. */
static void finish_poll(FeedPoll *fp)
{
    Poller *p = fp->p;
    int64_t now = loop_now_ms();
    fp->busy = false;
    p->busy--;
    judge(fp, now - fp->started);
    int64_t wall = loop_wall_ms();
    fp->st.last_poll_ms = wall;
    if (fp->st.state == FS_OK || fp->st.state == FS_SLOW) fp->st.last_ok_ms = wall;
    if (p->repeat && !fp->timer) {
        if (fp->st.consecutive_failures == 0)
            fp->due = sched_after_success(fp->due, now, fp->f->interval_ms);
        else
            fp->due =
                now + sched_backoff(fp->f->interval_ms, fp->st.consecutive_failures, fp->seed);
        fp->timer = loop_timer_at(p->loop, fp->due, on_due, fp);
    }
    start_queued(p); /* before the callback, which may do anything */
    if (p->fn) p->fn(p->ud, fp->idx, &fp->st, fp->vals, wall);
}

/* Loop callback: one transfer of a feed's poll has ended. */
static void on_done(void *ud, CURL *easy, CURLcode rc)
{
    Xfer *x = ud;
    (void)easy;
    if (rc == CURLE_OK && follow_redirect(x)) return; /* still busy: the next hop runs */
    x->busy = false;
    x->rc = rc;
    if (--x->fp->running == 0) finish_poll(x->fp);
}

/* Builds the query URL of KPI k of a promql feed for this poll into x->url:
 * base/api/v1/query?query=...&time=... (the evaluation time, so that every
 * query of the poll sees the same instant). False when out of memory. */
static bool promql_url(Xfer *x, const CfgKpi *k, int64_t wall_ms)
{
    const char *base = x->fp->f->url;
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    char *q = curl_easy_escape(x->easy, k->select, 0);
    if (!q) return false;
    size_t n = blen + strlen(q) + 64;
    char *url = malloc(n);
    if (url)
        snprintf(url, n, "%.*s/api/v1/query?query=%s&time=%lld.%03lld", (int)blen, base, q,
                 (long long)(wall_ms / 1000), (long long)(wall_ms % 1000));
    curl_free(q);
    if (!url) return false;
    free(x->url);
    x->url = url;
    return true;
}

/* Starts one transfer of a poll: 0, or -1 when it could not start. */
static int start_xfer(Xfer *x, size_t i, int64_t wall_ms)
{
    const CfgFeed *f = x->fp->f;
    if (f->format == FEED_PROMQL) {
        if (!promql_url(x, &f->kpis[i], wall_ms)) return -1;
        curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
    } else if (x->hops > 0) { /* the last poll was redirected: back to the configured URL */
        curl_easy_setopt(x->easy, CURLOPT_URL, f->url);
    }
    x->hops = 0;
    if (x->stripped) set_credentials(x, true);
    reset_response(x);
    x->rc = CURLE_OK;
    if (loop_add_transfer(x->fp->p->loop, x->easy, on_done, x) != 0) return -1;
    x->busy = true;
    return 0;
}

/* Starts a feed's poll: its one transfer, or (promql) one per query, all
 * running concurrently on the loop. */
static void start_poll(FeedPoll *fp)
{
    fp->started = loop_now_ms();
    fp->busy = true;
    fp->p->busy++;
    fp->running = fp->n_x;
    int64_t wall = loop_wall_ms();
    size_t failed = 0;
    for (size_t i = 0; i < fp->n_x; i++) {
        if (start_xfer(&fp->x[i], i, wall) != 0) {
            /* Could not even start: counts as a failed transfer. */
            fp->x[i].rc = CURLE_OUT_OF_MEMORY;
            failed++;
        }
    }
    fp->running -= failed;
    if (fp->running == 0) finish_poll(fp);
}

void poller_start(Poller *p, int64_t spread_ms)
{
    int64_t now = loop_now_ms();
    p->repeat = true;
    for (size_t i = 0; i < p->n_feeds; i++) {
        FeedPoll *fp = &p->feeds[i];
        if (fp->timer) loop_timer_cancel(p->loop, fp->timer);
        fp->due = sched_first_due(now, i, p->n_feeds, spread_ms);
        fp->timer = loop_timer_at(p->loop, fp->due, on_due, fp);
    }
}

int poller_poll_now(Poller *p, size_t feed)
{
    if (feed >= p->n_feeds) return -1;
    FeedPoll *fp = &p->feeds[feed];
    if (fp->busy) return 0;
    fp->queued = false; /* its place in the queue is skipped */
    if (fp->timer) {
        loop_timer_cancel(p->loop, fp->timer);
        fp->timer = 0;
    }
    fp->due = loop_now_ms();
    start_poll(fp);
    return 0;
}

size_t poller_busy(const Poller *p)
{
    return p->busy;
}

const FeedStatus *poller_status(const Poller *p, size_t feed)
{
    return feed < p->n_feeds ? &p->feeds[feed].st : NULL;
}
