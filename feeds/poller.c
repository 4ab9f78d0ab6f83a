/* poller.c - HTTP(S) polling of feeds over curl multi (see poller.h). */
#include "feeds/poller.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/sched.h"
#include "base/curlerr.h"
#include "base/curlhdr.h"
#include "base/i18n.h"

typedef struct {
    struct Poller *p;
    size_t idx;
    const CfgFeed *f;
    CURL *easy;
    struct curl_slist *headers; /* holds expanded secrets */
    struct curl_slist *bare;    /* Accept only: for another origin (follow_redirects: any) */
    char *buf;                  /* response body */
    size_t len, cap;
    size_t max_body;
    bool over_cap;
    bool busy;
    int64_t started; /* monotonic ms */
    int64_t due;     /* monotonic ms of the current/next slot */
    long timer;      /* pending timer id, 0 when none */
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
    uint32_t seed;
    FeedStatus st;
    KpiValue *vals;
} FeedPoll;

struct Poller {
    Loop *loop;
    const Config *cfg;
    PollerFn fn;
    void *ud;
    FeedPoll *feeds;
    size_t n_feeds;
    size_t busy;
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
    FeedPoll *fp = ud;
    size_t n = size * nmemb;
    if (fp->len + n > fp->max_body) {
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
    FeedPoll *fp = ud;
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
    FeedPoll *fp = ud;
    (void)purpose;
    char why[sizeof(fp->blocked)];
    bool refuse = fp->p->refuse_all;
    if (refuse)
        snprintf(why, sizeof(why), "%s", _("address refused (test)"));
    else if (!fp->f->allow_link_local)
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
static void set_credentials(FeedPoll *fp, bool on)
{
    const CfgFeed *f = fp->f;
    CURL *e = fp->easy;
    fp->stripped = !on;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, on ? fp->headers : fp->bare);
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

/* Sets every curl option of a feed's handle once. */
static bool setup_handle(FeedPoll *fp)
{
    const CfgFeed *f = fp->f;
    CURL *e = fp->easy;
    static const char *accept[] = {
        [FEED_JSON] = "application/json",
        [FEED_PROMETHEUS] = "text/plain;version=0.0.4",
        [FEED_CSV] = "text/csv",
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
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)fp->max_body);
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
    if (!p->feeds) goto oom;
    for (size_t i = 0; i < cfg->n_feeds; i++) {
        FeedPoll *fp = &p->feeds[i];
        fp->p = p;
        fp->idx = i;
        fp->f = &cfg->feeds[i];
        fp->max_body = fp->f->max_body > 0 ? (size_t)fp->f->max_body : POLLER_DEFAULT_MAX_BODY;
        fp->seed = sched_seed(fp->f->id);
        fp->st.state = FS_PENDING;
        fp->st.latency_ms = -1;
        fp->vals = calloc(fp->f->n_kpis ? fp->f->n_kpis : 1, sizeof(KpiValue));
        fp->easy = curl_easy_init();
        if (!fp->vals || !fp->easy) goto oom;
        if (!setup_handle(fp)) {
            snprintf(err, errlen, _("feed '%s': cannot set up its HTTP client"), fp->f->id);
            poller_free(p);
            return NULL;
        }
    }
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
        if (fp->busy) loop_cancel_transfer(p->loop, fp->easy);
        if (fp->timer) loop_timer_cancel(p->loop, fp->timer);
        if (fp->easy) curl_easy_cleanup(fp->easy);
        curl_slist_free_all(fp->headers);
        curl_slist_free_all(fp->bare);
        free(fp->buf);
        free(fp->vals);
    }
    free(p->feeds);
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
static FeedError describe_failure(const FeedPoll *fp, CURLcode rc, char *buf, size_t n)
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
            poller_fmt_bytes((int64_t)fp->max_body, what, sizeof(what));
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
    return feed_error_of(curlerr_describe(rc, fp->errbuf, os, fp->f->timeout_ms, buf, n));
}

/* Classifies a finished transfer, extracts values, updates the status. */
static void judge(FeedPoll *fp, CURLcode rc, int64_t latency)
{
    FeedStatus *st = &fp->st;
    long code = 0;
    curl_easy_getinfo(fp->easy, CURLINFO_RESPONSE_CODE, &code);
    st->http_status = (int)code;
    st->latency_ms = latency;
    st->polls++;
    st->bytes += fp->len;
    st->error[0] = '\0';
    for (size_t i = 0; i < fp->f->n_kpis; i++) {
        fp->vals[i].has_value = false;
        fp->vals[i].error[0] = '\0';
    }
    bool transport_ok = rc == CURLE_OK && (code == 0 || (code >= 200 && code < 300));
    FeedError why = FEED_ERR_NONE;
    if (rc == CURLE_OK && fp->refused[0]) { /* a redirect that was not followed */
        snprintf(st->error, sizeof(st->error), "%s", fp->refused);
        st->state = FS_DOWN;
        why = FEED_ERR_REDIRECT;
    } else if (rc != CURLE_OK) {
        why = describe_failure(fp, rc, st->error, sizeof(st->error));
        st->state = FS_DOWN;
    } else if (!transport_ok) {
        snprintf(st->error, sizeof(st->error), "HTTP %ld", code);
        st->state = FS_DOWN;
        why = FEED_ERR_HTTP;
    } else {
        char err[160];
        int got = extract_feed(fp->f, fp->buf ? fp->buf : "", fp->len, fp->vals, err, sizeof(err));
        st->samples += got > 0 ? (uint64_t)got : 0;
        if (got < 0) {
            snprintf(st->error, sizeof(st->error), "%s", err);
            st->state = FS_BAD_DATA;
        } else {
            st->state = latency > (fp->f->slow_ms > 0 ? fp->f->slow_ms : fp->f->timeout_ms / 2)
                            ? FS_SLOW
                            : FS_OK;
            for (size_t i = 0; i < fp->f->n_kpis; i++) {
                if (!fp->vals[i].has_value) {
                    snprintf(st->error, sizeof(st->error), "%.32s: %.120s", fp->f->kpis[i].id,
                             fp->vals[i].error);
                    st->state = FS_BAD_DATA;
                    break;
                }
            }
        }
    }
    if (st->state == FS_DOWN) {
        for (size_t i = 0; i < fp->f->n_kpis; i++)
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
    /* How late the loop came to this slot (ioc_poll_delay_seconds). */
    feedstate_count_delay(&fp->st, loop_now_ms() - fp->due);
    start_poll(fp);
}

/* Clears what one response left behind, before the next request. */
static void reset_response(FeedPoll *fp)
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
 * a refused redirect leaves its reason in fp->refused. */
static bool follow_redirect(FeedPoll *fp)
{
    long code = 0;
    char *loc = NULL, *cur = NULL;
    curl_easy_getinfo(fp->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) return false;
    if (curl_easy_getinfo(fp->easy, CURLINFO_REDIRECT_URL, &loc) != CURLE_OK || !loc) return false;
    curl_easy_getinfo(fp->easy, CURLINFO_EFFECTIVE_URL, &cur);
    char why[sizeof(fp->refused)];
    PollerRedirAction act = poller_redirect_decide(cur ? cur : fp->f->url, loc,
                                                   fp->f->follow_redirects, why, sizeof(why));
    if (act == POLLER_REDIR_REFUSE) {
        snprintf(fp->refused, sizeof(fp->refused), "%s", why);
        return false;
    }
    if (fp->hops >= fp->f->max_redirects) {
        if (fp->f->max_redirects == 0)
            snprintf(fp->refused, sizeof(fp->refused), "%s",
                     _("redirect not followed (max_redirects: 0)"));
        else
            snprintf(fp->refused, sizeof(fp->refused), _("more than %d redirects"),
                     fp->f->max_redirects);
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
    if (loop_add_transfer(fp->p->loop, fp->easy, on_done, fp) != 0) {
        snprintf(fp->refused, sizeof(fp->refused), "%s", _("out of memory"));
        return false;
    }
    return true;
}

/* Loop callback: a feed's transfer has ended. */
static void on_done(void *ud, CURL *easy, CURLcode rc)
{
    FeedPoll *fp = ud;
    Poller *p = fp->p;
    if (rc == CURLE_OK && follow_redirect(fp)) return; /* still busy: the next hop runs */
    int64_t now = loop_now_ms();
    fp->busy = false;
    p->busy--;
    judge(fp, rc, now - fp->started);
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
    if (p->fn) p->fn(p->ud, fp->idx, &fp->st, fp->vals, wall);
}

/* Starts one transfer for a feed. */
static void start_poll(FeedPoll *fp)
{
    if (fp->hops > 0) { /* the last poll was redirected: back to the configured URL */
        curl_easy_setopt(fp->easy, CURLOPT_URL, fp->f->url);
        fp->hops = 0;
    }
    if (fp->stripped) set_credentials(fp, true);
    reset_response(fp);
    fp->started = loop_now_ms();
    if (loop_add_transfer(fp->p->loop, fp->easy, on_done, fp) != 0) {
        /* Could not even start: count it as a failed poll and retry later. */
        fp->busy = true;
        fp->p->busy++;
        on_done(fp, fp->easy, CURLE_OUT_OF_MEMORY);
        return;
    }
    fp->busy = true;
    fp->p->busy++;
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
