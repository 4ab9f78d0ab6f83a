/* poller.c - HTTP(S) polling of feeds over curl multi (see poller.h). */
#include "feeds/poller.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feeds/sched.h"
#include "base/i18n.h"

typedef struct {
    struct Poller *p;
    size_t idx;
    const CfgFeed *f;
    CURL *easy;
    struct curl_slist *headers; /* holds expanded secrets */
    char *buf;                  /* response body */
    size_t len, cap;
    size_t max_body;
    bool over_cap;
    bool busy;
    int64_t started; /* monotonic ms */
    int64_t due;     /* monotonic ms of the current/next slot */
    long timer;      /* pending timer id, 0 when none */
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
};

void poller_fmt_duration(int64_t ms, char *buf, size_t n)
{
    if (ms % 1000 == 0)
        snprintf(buf, n, "%lld s", (long long)(ms / 1000));
    else if (ms > 1000)
        snprintf(buf, n, "%.1f s", (double)ms / 1000.0);
    else
        snprintf(buf, n, "%lld ms", (long long)ms);
}

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

/* Appends "name: value" to a header list; false on out of memory. */
static bool add_header(struct curl_slist **list, const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *h = malloc(n);
    if (!h) return false;
    snprintf(h, n, "%s: %s", name, value);
    struct curl_slist *l = curl_slist_append(*list, h);
    free(h);
    if (!l) return false;
    *list = l;
    return true;
}

/* True when the feed's config sets a header named name (any case). */
static bool has_header(const CfgFeed *f, const char *name)
{
    for (size_t i = 0; i < f->n_headers; i++)
        if (strcasecmp(f->headers[i].name, name) == 0) return true;
    return false;
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
        if (!add_header(&fp->headers, f->headers[i].name, f->headers[i].value)) return false;
    if (!has_header(f, "Accept") && !add_header(&fp->headers, "Accept", accept[f->format]))
        return false;
    if (f->auth_bearer && !has_header(f, "Authorization")) {
        size_t n = strlen(f->auth_bearer) + 8;
        char *v = malloc(n);
        if (!v) return false;
        snprintf(v, n, "Bearer %s", f->auth_bearer);
        bool ok = add_header(&fp->headers, "Authorization", v);
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
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)(f->max_redirects > 0 ? f->max_redirects : 3));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, fp);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)fp->max_body);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "ioc/" IOC_VERSION);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, fp->headers);
    if (f->auth_user) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, f->auth_user);
        curl_easy_setopt(e, CURLOPT_PASSWORD, f->auth_password ? f->auth_password : "");
    }
    if (f->ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, f->ca_file);
    if (f->cert_file) curl_easy_setopt(e, CURLOPT_SSLCERT, f->cert_file);
    if (f->key_file) curl_easy_setopt(e, CURLOPT_SSLKEY, f->key_file);
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
        free(fp->buf);
        free(fp->vals);
    }
    free(p->feeds);
    free(p);
}

/* Words for a failed transfer (never the URL: it may hold secrets). */
static void describe_failure(const FeedPoll *fp, CURLcode rc, char *buf, size_t n)
{
    char what[32];
    switch (rc) {
    case CURLE_COULDNT_CONNECT: {
        long os = 0;
        curl_easy_getinfo(fp->easy, CURLINFO_OS_ERRNO, &os);
        if (os == ECONNREFUSED || os == 0)
            snprintf(buf, n, "%s", _("connection refused"));
        else
            snprintf(buf, n, _("cannot connect: %s"), strerror((int)os));
        return;
    }
    case CURLE_OPERATION_TIMEDOUT:
        poller_fmt_duration(fp->f->timeout_ms, what, sizeof(what));
        snprintf(buf, n, _("timeout after %s"), what);
        return;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (fp->over_cap || rc == CURLE_FILESIZE_EXCEEDED) {
            poller_fmt_bytes((int64_t)fp->max_body, what, sizeof(what));
            snprintf(buf, n, _("body over %s"), what);
        } else {
            snprintf(buf, n, "%s", _("out of memory reading the body"));
        }
        return;
    case CURLE_COULDNT_RESOLVE_HOST:
        snprintf(buf, n, "%s", _("cannot resolve the host name"));
        return;
    case CURLE_PARTIAL_FILE:
        snprintf(buf, n, "%s", _("truncated body (connection closed early)"));
        return;
    case CURLE_GOT_NOTHING:
        snprintf(buf, n, "%s", _("empty reply (connection closed)"));
        return;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        snprintf(buf, n, "%s", _("connection reset"));
        return;
    case CURLE_TOO_MANY_REDIRECTS:
        snprintf(buf, n, _("more than %d redirects"),
                 fp->f->max_redirects > 0 ? fp->f->max_redirects : 3);
        return;
    case CURLE_UNSUPPORTED_PROTOCOL:
        snprintf(buf, n, "%s", _("protocol not allowed (http and https only)"));
        return;
    case CURLE_PEER_FAILED_VERIFICATION:
        snprintf(buf, n, "%s", _("TLS: the server's certificate is not trusted"));
        return;
    case CURLE_SSL_CONNECT_ERROR:
        snprintf(buf, n, "%s", _("TLS handshake failed"));
        return;
    case CURLE_SSL_CACERT_BADFILE:
        snprintf(buf, n, "%s", _("TLS: cannot read the CA file"));
        return;
    case CURLE_SSL_CERTPROBLEM:
        snprintf(buf, n, "%s", _("TLS: problem with the client certificate"));
        return;
    default:
        snprintf(buf, n, _("transfer failed: %s"), curl_easy_strerror(rc));
    }
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
    if (rc != CURLE_OK) {
        describe_failure(fp, rc, st->error, sizeof(st->error));
        st->state = FS_DOWN;
    } else if (!transport_ok) {
        snprintf(st->error, sizeof(st->error), "HTTP %ld", code);
        st->state = FS_DOWN;
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
    } else {
        st->consecutive_failures++;
        st->failures++;
    }
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
    start_poll(fp);
}

/* Loop callback: a feed's transfer has ended. */
static void on_done(void *ud, CURL *easy, CURLcode rc)
{
    FeedPoll *fp = ud;
    Poller *p = fp->p;
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
    fp->len = 0;
    fp->over_cap = false;
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
