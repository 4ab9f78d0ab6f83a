/* remote.c - a thin console's client of a collector (see remote.h). */
#include "services/remote.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "base/curlerr.h"
#include "base/curlhdr.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "parse/sse.h"
#include "services/apireq.h"

#define HIST_SLOTS     4                 /* series requests at once */
#define HIST_SPAN_MS   (24 * 3600000LL)  /* history loaded: the longest chart window */
#define HIST_FINE_MS   3600000LL         /* the last hour at the feed's own cadence */
#define HIST_COARSE_MS 240000LL          /* older history: one point per 4 minutes */
#define REQ_TIMEOUT_MS 15000L            /* one API request */
#define SILENT_MS      30000             /* no byte on the stream for this long: dead */
#define WATCHDOG_MS    5000              /* how often the stream's silence is checked */
#define MAX_BODY       (8 * 1024 * 1024) /* one API answer */
#define BACKOFF_MAX_MS 30000

typedef enum { RQ_CONFIG, RQ_SERIES, RQ_ALERTS, RQ_SILENCES, RQ_SNAPSHOT, RQ_ACTION } RqKind;

/* One API request on the loop. */
typedef struct Req {
    struct Remote *r;
    CURL *h;
    struct curl_slist *hdrs;
    SBuf body;  /* the answer */
    char *post; /* the request body (owned), or NULL */
    RqKind kind;
    size_t kpi;    /* RQ_SERIES: index into coll->kpis */
    int stage;     /* RQ_SERIES: 0 older history (rollups), 1 the last hour */
    char what[96]; /* RQ_ACTION: what was asked, for an error message */
    char errbuf[CURL_ERROR_SIZE];
    struct Req *next;
} Req;

struct Remote {
    char base[512];    /* the URL without a final '/' */
    char host[128];    /* host[:port] */
    char *token;       /* owned, wiped at free; NULL: none */
    Monitor *w;        /* attached, borrowed */
    Loop *loop;        /* w->coll->loop */
    char *config_text; /* the /api/v1/config answer in use (owned) */
    size_t config_len;
    double generation; /* the collector's generation last seen */
    bool have_generation;
    /* The generation whose config config_text is (the one asked for at the
     * last /api/v1/config that came back): a hello of another generation
     * asks again, so a config request cut off by a reload is not lost. */
    double config_gen, config_req_gen;
    bool have_config_gen;
    bool reload;      /* the config changed: the loop was stopped */
    Config *next_cfg; /* the changed config (owned until taken) */
    Req *reqs;        /* requests on the loop */
    /* History. */
    size_t hist_next; /* next KPI to load */
    unsigned hist_running;
    /* Event stream. */
    CURL *stream;
    struct curl_slist *stream_hdrs;
    SseParser *sse;
    SBuf stream_err; /* the body of a stream refused with an HTTP error */
    long stream_status;
    int64_t last_byte_ms; /* monotonic */
    long watchdog, retry_timer;
    /* Requests asked for from inside the stream's write callback, where curl
     * allows no new transfer: started by a timer right after. */
    bool want_config, want_alerts;
    long defer_timer;
    unsigned attempt; /* reconnections since the last success */
    char stream_errbuf[CURL_ERROR_SIZE];
};

static void start_sync(Remote *r);
static void lost(Remote *r, const char *why);
static void apply_snapshot(Remote *r, const SBuf *body);

int64_t remote_backoff_ms(unsigned n, double u)
{
    int64_t ms = 1000;
    for (unsigned i = 0; i < n && ms < BACKOFF_MAX_MS; i++)
        ms *= 2;
    if (ms > BACKOFF_MAX_MS) ms = BACKOFF_MAX_MS;
    if (u < 0 || u >= 1) u = 0.5;
    return (int64_t)((double)ms * (0.8 + 0.4 * u));
}

Remote *remote_new(const char *url, const char *token, char *err, size_t errlen)
{
    size_t skip = strncmp(url, "http://", 7) == 0 ? 7 : strncmp(url, "https://", 8) == 0 ? 8 : 0;
    size_t len = strlen(url);
    while (len > skip && url[len - 1] == '/')
        len--;
    if (!skip || len == skip || len >= sizeof(((Remote *)0)->base) ||
        strcspn(url, " \t\r\n") < len) {
        snprintf(err, errlen, "%s",
                 _("--server needs the collector's URL, such as http://127.0.0.1:9464"));
        return NULL;
    }
    Remote *r = calloc(1, sizeof(*r));
    if (!r || (token && *token && !(r->token = strdup(token)))) {
        free(r);
        snprintf(err, errlen, "%s", _("out of memory"));
        return NULL;
    }
    memcpy(r->base, url, len);
    size_t hl = strcspn(url + skip, "/");
    if (hl > len - skip) hl = len - skip;
    snprintf(r->host, sizeof(r->host), "%.*s", (int)hl, url + skip);
    return r;
}

const char *remote_host(const Remote *r)
{
    return r->host;
}

/* Frees a request's memory (it is off the loop already). */
static void req_free(Req *q)
{
    if (q->h) curl_easy_cleanup(q->h);
    curl_slist_free_all(q->hdrs);
    sbuf_free(&q->body);
    free(q->post);
    free(q);
}

/* Unlinks q from r's list. */
static void req_unlink(Remote *r, Req *q)
{
    for (Req **p = &r->reqs; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            return;
        }
}

/* Closes the event stream (without calling its done callback). */
static void stream_close(Remote *r)
{
    if (r->stream) {
        if (r->loop) loop_cancel_transfer(r->loop, r->stream);
        curl_easy_cleanup(r->stream);
        r->stream = NULL;
    }
    curl_slist_free_all(r->stream_hdrs);
    r->stream_hdrs = NULL;
    sbuf_free(&r->stream_err);
}

void remote_detach(Remote *r)
{
    if (!r || !r->w) return;
    while (r->reqs) {
        Req *q = r->reqs;
        r->reqs = q->next;
        loop_cancel_transfer(r->loop, q->h);
        req_free(q);
    }
    stream_close(r);
    if (r->watchdog) loop_timer_cancel(r->loop, r->watchdog);
    if (r->retry_timer) loop_timer_cancel(r->loop, r->retry_timer);
    if (r->defer_timer) loop_timer_cancel(r->loop, r->defer_timer);
    r->watchdog = r->retry_timer = r->defer_timer = 0;
    r->want_config = r->want_alerts = false;
    monitor_set_act(r->w, NULL, NULL);
    r->w = NULL;
    r->loop = NULL;
}

void remote_free(Remote *r)
{
    if (!r) return;
    remote_detach(r);
    sse_free(r->sse);
    if (r->token) {
        volatile char *p = r->token;
        while (*p)
            *p++ = 0;
        free(r->token);
    }
    free(r->config_text);
    cfg_free(r->next_cfg);
    free(r);
}

bool remote_reload_wanted(const Remote *r)
{
    return r->reload;
}

Config *remote_take_config(Remote *r)
{
    Config *c = r->next_cfg;
    r->next_cfg = NULL;
    r->reload = false;
    return c;
}

/* curl write callback: appends to an SBuf up to MAX_BODY. */
static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    SBuf *b = ud;
    if (b->len + sz * n > MAX_BODY) return 0;
    sbuf_add(b, p, sz * n);
    return b->oom ? 0 : sz * n;
}

/* A new easy handle for path (below the base URL) with the token; NULL
 * when out of memory. */
static CURL *new_easy(const Remote *r, const char *path, struct curl_slist **hdrs, char *errbuf)
{
    CURL *h = curl_easy_init();
    if (!h) return NULL;
    char url[1024];
    snprintf(url, sizeof(url), "%s%s", r->base, path);
    if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        curl_easy_cleanup(h);
        return NULL;
    }
    if (r->token) {
        size_t n = strlen(r->token) + 8;
        char *v = malloc(n);
        if (!v) goto oom;
        snprintf(v, n, "Bearer %s", r->token);
        bool ok = curlhdr_add(hdrs, "Authorization", v);
        memset(v, 0, n);
        free(v);
        if (!ok) goto oom;
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ioc-console/" IOC_VERSION);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    return h;
oom:
    curl_easy_cleanup(h);
    return NULL;
}

/* The collector's {"error": "..."} text from body, else "HTTP N". */
static void error_text(const SBuf *body, long status, char *buf, size_t n)
{
    cJSON *j = body->s ? cJSON_ParseWithLength(body->s, body->len) : NULL;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    if (cJSON_IsString(e))
        snprintf(buf, n, "%s (HTTP %ld)", e->valuestring, status);
    else
        snprintf(buf, n, "HTTP %ld", status);
    cJSON_Delete(j);
}

/* --- Config ---------------------------------------------------------------- */

/* Loads text as a config (from the collector); NULL with a message in err. */
static Config *parse_config(const char *text, size_t len, char *err, size_t errlen)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(text, len, "/api/v1/config", &d);
    if (!c) {
        char first[300] = "";
        if (d.n) diag_format(&d.items[0], first, sizeof(first));
        snprintf(err, errlen, _("the collector's config is not valid: %s"), first);
    }
    diag_done(&d);
    return c;
}

RemoteRc remote_fetch_config(Remote *r, Config **out, char *err, size_t errlen)
{
    *out = NULL;
    struct curl_slist *hdrs = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    SBuf body = {0};
    CURL *h = new_easy(r, "/api/v1/config", &hdrs, errbuf);
    if (!h) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return REMOTE_BAD;
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    CURLcode rc = curl_easy_perform(h);
    long status = 0, os_errno = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    RemoteRc res = REMOTE_BAD;
    char why[300];
    if (rc != CURLE_OK) {
        curlerr_describe(rc, errbuf, os_errno, 10000, why, sizeof(why));
        snprintf(err, errlen, _("cannot reach the collector at %s: %s"), r->host, why);
        res = REMOTE_UNREACHABLE;
    } else if (status == 401 || status == 403) {
        error_text(&body, status, why, sizeof(why));
        snprintf(err, errlen, _("the collector at %s refused the token: %s"), r->host, why);
        res = REMOTE_DENIED;
    } else if (status != 200) {
        error_text(&body, status, why, sizeof(why));
        snprintf(err, errlen, _("the collector at %s answered %s"), r->host, why);
    } else if ((*out = parse_config(body.s ? body.s : "", body.len, err, errlen))) {
        free(r->config_text);
        r->config_text = body.s;
        r->config_len = body.len;
        body.s = NULL;
        res = REMOTE_OK;
    }
    sbuf_free(&body);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return res;
}

/* --- Requests on the loop ---------------------------------------------------- */

static void on_req_done(void *ud, CURL *easy, CURLcode rc);

/* Starts a request of kind on path (post: its body, or NULL; method NULL
 * for GET or POST). NULL when out of memory or refused by the loop. */
static Req *req_start(Remote *r, RqKind kind, const char *path, const char *method,
                      const char *post)
{
    Req *q = calloc(1, sizeof(*q));
    if (!q) return NULL;
    q->r = r;
    q->kind = kind;
    q->h = new_easy(r, path, &q->hdrs, q->errbuf);
    if (!q->h || (post && !(q->post = strdup(post)))) goto fail;
    curl_easy_setopt(q->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(q->h, CURLOPT_WRITEDATA, &q->body);
    curl_easy_setopt(q->h, CURLOPT_TIMEOUT_MS, REQ_TIMEOUT_MS);
    if (post) {
        struct curl_slist *l = curl_slist_append(q->hdrs, "Content-Type: application/json");
        if (!l) goto fail;
        q->hdrs = l;
        curl_easy_setopt(q->h, CURLOPT_HTTPHEADER, q->hdrs);
        curl_easy_setopt(q->h, CURLOPT_POSTFIELDS, q->post);
    }
    if (method) curl_easy_setopt(q->h, CURLOPT_CUSTOMREQUEST, method);
    if (loop_add_transfer(r->loop, q->h, on_req_done, q) != 0) goto fail;
    q->next = r->reqs;
    r->reqs = q;
    return q;
fail:
    req_free(q);
    return NULL;
}

/* A time from JSON: a number of ms, or an RFC 3339 string; 0 otherwise. */
static int64_t json_time(const cJSON *j)
{
    int64_t ms = 0;
    if (cJSON_IsNumber(j)) return (int64_t)j->valuedouble;
    if (cJSON_IsString(j) && apireq_parse_time(j->valuestring, &ms)) return ms;
    return 0;
}

/* The string of key in o, or NULL. */
static const char *json_str(const cJSON *o, const char *key)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(j) ? j->valuestring : NULL;
}

/* --- History ------------------------------------------------------------------ */

static void hist_pump(Remote *r);
static void stream_open(Remote *r);

/* Appends the points of a /api/v1/series answer to KPI k's series. */
static void hist_apply(Remote *r, size_t k, const SBuf *body)
{
    Collector *c = r->w->coll;
    cJSON *j = body->s ? cJSON_ParseWithLength(body->s, body->len) : NULL;
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(j, "points"), *p;
    cJSON_ArrayForEach(p, pts)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "v");
        int64_t t = json_time(cJSON_GetObjectItemCaseSensitive(p, "t"));
        if (t <= 0) continue;
        double val = cJSON_IsNumber(v) ? v->valuedouble : NAN;
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "gap"))) val = NAN;
        (void)store_append(c->store, c->kpis[k].series, t, val); /* older ones are refused */
    }
    cJSON_Delete(j);
    c->dirty |= COLL_DIRTY_DATA;
}

/* Starts the next history request for KPI k (stage 0 or 1); false when
 * there is nothing (more) to load for it. */
static bool hist_request(Remote *r, size_t k, int stage)
{
    Collector *c = r->w->coll;
    int64_t now = loop_wall_ms(), from = now - HIST_SPAN_MS, to = now, step;
    Sample last;
    if (store_last(c->store, c->kpis[k].series, &last) && last.ts_ms + 1 > from)
        from = last.ts_ms + 1;
    if (stage == 0) {
        to = now - HIST_FINE_MS;
        step = HIST_COARSE_MS;
    } else {
        if (from < now - HIST_FINE_MS) from = now - HIST_FINE_MS;
        step = c->kpis[k].feed->interval_ms;
        if (step < HIST_FINE_MS / 1800) step = HIST_FINE_MS / 1800;
    }
    if (to - from < 1000) return false;
    char *key = curl_easy_escape(NULL, c->kpis[k].kpi->key, 0);
    if (!key) return false;
    char path[512];
    snprintf(path, sizeof(path), "/api/v1/series?kpi=%s&from=%lld&to=%lld&step=%llds", key,
             (long long)(from / 1000), (long long)((to + 999) / 1000),
             (long long)((step + 999) / 1000));
    curl_free(key);
    Req *q = req_start(r, RQ_SERIES, path, NULL, NULL);
    if (!q) return false;
    q->kpi = k;
    q->stage = stage;
    r->hist_running++;
    return true;
}

/* Keeps HIST_SLOTS history requests running; opens the stream when all are done. */
static void hist_pump(Remote *r)
{
    size_t n = r->w->coll->n_kpis;
    while (r->hist_running < HIST_SLOTS && r->hist_next < n) {
        size_t k = r->hist_next++;
        if (!hist_request(r, k, 0)) hist_request(r, k, 1);
    }
    if (r->hist_running == 0) stream_open(r);
}

/* --- Alerts and silences -------------------------------------------------------- */

/* The AlertState named s; false when unknown. */
static bool state_of(const char *s, AlertState *out)
{
    for (int i = ALERT_INACTIVE; s && i <= ALERT_RESOLVED; i++)
        if (strcmp(alert_state_name((AlertState)i), s) == 0) {
            *out = (AlertState)i;
            return true;
        }
    return false;
}

/* Mirrors one alert object of the API (at wall time at). */
static void apply_alert(Remote *r, const cJSON *o, int64_t at)
{
    const char *rule = json_str(o, "rule");
    AlertMirror m = {0};
    if (!rule || !state_of(json_str(o, "state"), &m.state)) return;
    if (m.state == ALERT_STALE && !state_of(json_str(o, "held"), &m.held)) m.held = ALERT_FIRING;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
    m.has_value = cJSON_IsNumber(v);
    m.value = m.has_value ? v->valuedouble : 0;
    m.since_ms = json_time(cJSON_GetObjectItemCaseSensitive(o, "since"));
    m.fired_ms = json_time(cJSON_GetObjectItemCaseSensitive(o, "fired_at"));
    m.resolved_ms = json_time(cJSON_GetObjectItemCaseSensitive(o, "resolved_at"));
    m.active_ms = json_time(cJSON_GetObjectItemCaseSensitive(o, "active_since"));
    if (!m.active_ms && m.state != ALERT_RESOLVED)
        m.active_ms = m.fired_ms ? m.fired_ms : m.since_ms;
    m.summary = json_str(o, "summary");
    const cJSON *ack = cJSON_GetObjectItemCaseSensitive(o, "ack");
    if (cJSON_IsObject(ack) && json_str(ack, "by")) {
        m.acked = true;
        m.ack_by = json_str(ack, "by");
        m.ack_ms = json_time(cJSON_GetObjectItemCaseSensitive(ack, "at"));
        m.ack_comment = json_str(ack, "comment");
    }
    const cJSON *sil = cJSON_GetObjectItemCaseSensitive(o, "silence");
    if (cJSON_IsObject(sil)) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(sil, "id");
        m.silenced = true;
        m.silence_id = cJSON_IsNumber(id) ? (unsigned)id->valuedouble : 0;
        m.silenced_until = json_time(cJSON_GetObjectItemCaseSensitive(sil, "until"));
    }
    alert_mirror(r->w->alerts, rule, &m, at);
}

/* GET /api/v1/alerts: every listed alert mirrored, every other one inactive. */
static void apply_alert_list(Remote *r, const SBuf *body)
{
    cJSON *j = body->s ? cJSON_ParseWithLength(body->s, body->len) : NULL;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "alerts"), *o;
    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(j);
        return;
    }
    AlertEngine *e = r->w->alerts;
    int64_t now = loop_wall_ms();
    for (size_t i = 0; i < alert_count(e); i++) {
        const Alert *a = alert_get(e, i);
        bool listed = false;
        cJSON_ArrayForEach(o, arr)
        {
            const char *rule = json_str(o, "rule");
            if (rule && strcmp(rule, a->rule->id) == 0) listed = true;
        }
        if (!listed && a->state != ALERT_INACTIVE) {
            AlertMirror off = {.state = ALERT_INACTIVE};
            alert_mirror(e, a->rule->id, &off, now);
        }
    }
    cJSON_ArrayForEach(o, arr) apply_alert(r, o, now);
    cJSON_Delete(j);
}

/* Fills s from a silence object of the API; false when it is not one. */
static bool silence_of(const cJSON *o, AlertSilence *s)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    const char *target = json_str(o, "target");
    if (!cJSON_IsNumber(id) || id->valuedouble < 1 || !target) return false;
    memset(s, 0, sizeof(*s));
    s->id = (unsigned)id->valuedouble;
    snprintf(s->target, sizeof(s->target), "%s", target);
    s->start_ms = json_time(cJSON_GetObjectItemCaseSensitive(o, "start"));
    s->until_ms = json_time(cJSON_GetObjectItemCaseSensitive(o, "until"));
    const char *by = json_str(o, "by"), *comment = json_str(o, "comment");
    snprintf(s->who, sizeof(s->who), "%s", by ? by : "");
    snprintf(s->comment, sizeof(s->comment), "%s", comment ? comment : "");
    return true;
}

/* GET /api/v1/silences: the list replaced. */
static void apply_silence_list(Remote *r, const SBuf *body)
{
    cJSON *j = body->s ? cJSON_ParseWithLength(body->s, body->len) : NULL;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "silences"), *o;
    int n = cJSON_GetArraySize(arr);
    AlertSilence *s = calloc(n > 0 ? (size_t)n : 1, sizeof(*s));
    size_t k = 0;
    if (s && cJSON_IsArray(arr)) {
        cJSON_ArrayForEach(o, arr) if (silence_of(o, &s[k])) k++;
        alert_mirror_silences(r->w->alerts, s, k, loop_wall_ms());
    }
    free(s);
    cJSON_Delete(j);
}

/* A silence event: s added to (add) or removed from the mirrored list. */
static void change_silence(Remote *r, const AlertSilence *s, bool add)
{
    const AlertSilence *cur;
    size_t n = alert_silences(r->w->alerts, &cur), k = 0;
    AlertSilence *next = calloc(n + 1, sizeof(*next));
    if (!next) return;
    for (size_t i = 0; i < n; i++)
        if (cur[i].id != s->id) next[k++] = cur[i];
    if (add) next[k++] = *s;
    alert_mirror_silences(r->w->alerts, next, k, loop_wall_ms());
    free(next);
}

/* --- Operator actions ------------------------------------------------------------ */

/* Puts a message in the link's error (the console's status line). */
static void say(Remote *r, const char *msg)
{
    MonitorLink *l = &r->w->link;
    text_sanitize(msg, l->error, sizeof(l->error)); /* server text: no controls, whole characters */
    l->error_seq++;
    r->w->coll->dirty |= COLL_DIRTY_STATUS;
}

/* Monitor callback: sends an ack, silence or unsilence to the collector. */
static int act(void *ud, const MonitorAction *a, char *err, size_t errlen)
{
    Remote *r = ud;
    cJSON *j = cJSON_CreateObject();
    char path[512], *body = NULL, *esc = NULL;
    const char *method = NULL, *what;
    if (!j) goto oom;
    switch (a->kind) {
    case MONITOR_ACT_ACK:
        esc = curl_easy_escape(NULL, a->rule_id, 0);
        if (!esc) goto oom;
        snprintf(path, sizeof(path), "/api/v1/alerts/%s/ack", esc);
        cJSON_AddStringToObject(j, "comment", a->comment ? a->comment : "");
        what = _("acknowledgement");
        break;
    case MONITOR_ACT_SILENCE: {
        char dur[32];
        snprintf(dur, sizeof(dur), "%llds", (long long)((a->for_ms + 999) / 1000));
        snprintf(path, sizeof(path), "/api/v1/silences");
        cJSON_AddStringToObject(j, "target", a->target);
        cJSON_AddStringToObject(j, "duration", dur);
        if (a->comment) cJSON_AddStringToObject(j, "comment", a->comment);
        what = _("silence");
        break;
    }
    default:
        snprintf(path, sizeof(path), "/api/v1/silences/%u", a->id);
        method = "DELETE";
        what = _("unsilence");
        break;
    }
    if (!method && !(body = cJSON_PrintUnformatted(j))) goto oom;
    Req *q = req_start(r, RQ_ACTION, path, method, body);
    if (!q) goto oom;
    snprintf(q->what, sizeof(q->what), "%s", what);
    curl_free(esc);
    cJSON_free(body);
    cJSON_Delete(j);
    return 0;
oom:
    curl_free(esc);
    cJSON_free(body);
    cJSON_Delete(j);
    snprintf(err, errlen, "%s", _("out of memory"));
    return -1;
}

/* --- Completed requests ---------------------------------------------------------- */

/* Loop callback: a request ended. */
static void on_req_done(void *ud, CURL *easy, CURLcode rc)
{
    Req *q = ud;
    Remote *r = q->r;
    long status = 0, os_errno = 0;
    (void)easy;
    curl_easy_getinfo(q->h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(q->h, CURLINFO_OS_ERRNO, &os_errno);
    req_unlink(r, q);
    char why[300] = "";
    if (rc != CURLE_OK)
        curlerr_describe(rc, q->errbuf, os_errno, REQ_TIMEOUT_MS, why, sizeof(why));
    else if (status / 100 != 2)
        error_text(&q->body, status, why, sizeof(why));
    switch (q->kind) {
    case RQ_SERIES:
        r->hist_running--;
        if (why[0]) {
            /* A KPI the collector does not know (404) is skipped; anything else is a lost link. */
            if (rc == CURLE_OK && status == 404) {
                hist_pump(r);
                break;
            }
            lost(r, why); /* cancels the other requests */
            break;
        }
        hist_apply(r, q->kpi, &q->body);
        if (q->stage == 0 && hist_request(r, q->kpi, 1)) break;
        hist_pump(r);
        break;
    case RQ_ALERTS:
        if (!why[0]) apply_alert_list(r, &q->body);
        break;
    case RQ_SILENCES:
        if (!why[0]) apply_silence_list(r, &q->body);
        break;
    case RQ_SNAPSHOT:
        if (!why[0]) apply_snapshot(r, &q->body);
        break;
    case RQ_CONFIG:
        if (why[0]) break; /* the stream will be retried and ask again */
        if (q->body.len == r->config_len && r->config_text &&
            memcmp(q->body.s, r->config_text, r->config_len) == 0) {
            r->config_gen = r->config_req_gen;
            req_start(r, RQ_ALERTS, "/api/v1/alerts", NULL, NULL);
            req_start(r, RQ_SILENCES, "/api/v1/silences", NULL, NULL);
            req_start(r, RQ_SNAPSHOT, "/api/v1/snapshot", NULL, NULL);
            break;
        }
        {
            char err[300];
            Config *c = parse_config(q->body.s ? q->body.s : "", q->body.len, err, sizeof(err));
            if (!c) {
                say(r, err);
                break;
            }
            free(r->config_text);
            r->config_text = q->body.s;
            r->config_len = q->body.len;
            q->body.s = NULL;
            q->body.len = 0;
            cfg_free(r->next_cfg);
            r->next_cfg = c;
            r->config_gen = r->config_req_gen;
            r->reload = true;
            loop_stop(r->loop);
        }
        break;
    case RQ_ACTION:
        if (why[0]) {
            char msg[400];
            snprintf(msg, sizeof(msg), _("the collector refused the %s: %s"), q->what, why);
            say(r, msg);
        }
        break;
    }
    req_free(q);
}

/* --- The event stream --------------------------------------------------------------- */

/* Index of the feed named by o's "key" in c's config; -1 when none. */
static int feed_of(const Collector *c, const cJSON *o, const char *key)
{
    const char *id = json_str(o, key);
    for (size_t f = 0; id && f < c->cfg->n_feeds; f++)
        if (strcmp(c->cfg->feeds[f].id, id) == 0) return (int)f;
    return -1;
}

/* Updates *st from a feed object of the API (a poll event or a snapshot's
 * feed) polled at wall time t: state, error, its reason, latency, HTTP
 * status, last success, failures and counters (what o does not carry stays). */
static void feed_status_of(const cJSON *o, int64_t t, FeedStatus *st)
{
    const char *s = json_str(o, "state"), *reason = json_str(o, "reason"),
               *e = json_str(o, "error");
    for (int k = FS_PENDING; s && k <= FS_BAD_DATA; k++)
        if (strcmp(feedstate_name((FeedStateKind)k), s) == 0) st->state = (FeedStateKind)k;
    st->error_kind = FEED_ERR_NONE;
    for (int k = FEED_ERR_NONE; reason && k < FEED_ERR_COUNT; k++)
        if (strcmp(feedstate_error_name((FeedError)k), reason) == 0) st->error_kind = (FeedError)k;
    snprintf(st->error, sizeof(st->error), "%s", e ? e : "");
    const cJSON *x;
    st->last_poll_ms = t;
    if ((x = cJSON_GetObjectItemCaseSensitive(o, "latency_ms")) && cJSON_IsNumber(x))
        st->latency_ms = (int64_t)x->valuedouble;
    if ((x = cJSON_GetObjectItemCaseSensitive(o, "http_status")) && cJSON_IsNumber(x))
        st->http_status = (int)x->valuedouble;
    int64_t last_ok = json_time(cJSON_GetObjectItemCaseSensitive(o, "last_ok"));
    if (last_ok) st->last_ok_ms = last_ok;
    if ((x = cJSON_GetObjectItemCaseSensitive(o, "consecutive_failures")) && cJSON_IsNumber(x))
        st->consecutive_failures = (unsigned)x->valuedouble;
    if ((x = cJSON_GetObjectItemCaseSensitive(o, "polls")) && cJSON_IsNumber(x))
        st->polls = (uint64_t)x->valuedouble;
    if ((x = cJSON_GetObjectItemCaseSensitive(o, "failures")) && cJSON_IsNumber(x))
        st->failures = (uint64_t)x->valuedouble;
}

/* Seeds, from the collector's snapshot, the state of every feed this
 * console has not yet seen a poll of (a feed polled every 5 minutes would
 * otherwise show "pending" that long) and its KPIs' statuses and errors. */
static void apply_snapshot(Remote *r, const SBuf *body)
{
    Collector *c = r->w->coll;
    cJSON *j = body->s ? cJSON_ParseWithLength(body->s, body->len) : NULL;
    const cJSON *feeds = cJSON_GetObjectItemCaseSensitive(j, "feeds"), *o;
    int64_t taken = json_time(cJSON_GetObjectItemCaseSensitive(j, "taken_at"));
    cJSON_ArrayForEach(o, feeds)
    {
        int f = feed_of(c, o, "id");
        if (f < 0 || c->feeds[f].state != FS_PENDING) continue;
        int64_t t = json_time(cJSON_GetObjectItemCaseSensitive(o, "last_poll"));
        feed_status_of(o, t > 0 ? t : taken > 0 ? taken : loop_wall_ms(), &c->feeds[f]);
        const cJSON *k;
        cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(o, "kpis"))
        {
            const char *kid = json_str(k, "id"), *st = json_str(k, "status"),
                       *err = json_str(k, "error");
            for (size_t i = c->feed_kpis[f]; kid && i < c->feed_kpis[f + 1]; i++) {
                CollKpi *ck = &c->kpis[i];
                if (strcmp(ck->kpi->id, kid) != 0) continue;
                for (int s = 0; st && s <= KST_NONE; s++)
                    if (strcmp(cfg_status_name((KpiStatus)s), st) == 0) ck->status = (KpiStatus)s;
                snprintf(ck->error, sizeof(ck->error), "%s", err ? err : "");
            }
        }
    }
    c->dirty |= COLL_DIRTY_STATUS | COLL_DIRTY_DATA;
    cJSON_Delete(j);
}

/* Reads a poll event into the Collector as if this process had polled. */
static void on_poll_event(Remote *r, const cJSON *o)
{
    Collector *c = r->w->coll;
    int found = feed_of(c, o, "feed");
    if (found < 0) return;
    size_t fi = (size_t)found;
    const CfgFeed *f = &c->cfg->feeds[fi];
    FeedStatus st = c->feeds[fi];
    int64_t t = json_time(cJSON_GetObjectItemCaseSensitive(o, "t"));
    if (t <= 0) t = loop_wall_ms();
    feed_status_of(o, t, &st);
    const cJSON *x;
    KpiValue *vals = calloc(f->n_kpis ? f->n_kpis : 1, sizeof(*vals));
    if (!vals) return;
    for (size_t k = 0; k < f->n_kpis; k++)
        snprintf(vals[k].error, sizeof(vals[k].error), "%s", _("no value from the collector"));
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "values");
    cJSON_ArrayForEach(x, arr)
    {
        const char *kid = json_str(x, "kpi");
        for (size_t k = 0; kid && k < f->n_kpis; k++) {
            if (strcmp(f->kpis[k].id, kid) != 0) continue;
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, "v");
            vals[k].has_value = cJSON_IsNumber(v);
            vals[k].value = vals[k].has_value ? v->valuedouble : NAN;
            const char *ke = json_str(x, "error");
            snprintf(vals[k].error, sizeof(vals[k].error), "%s",
                     vals[k].has_value ? ""
                     : ke              ? ke
                                       : "");
        }
    }
    coll_poll_result(c, fi, &st, vals, t);
    free(vals);
}

/* Loop timer: starts the requests that events asked for. */
static void on_deferred(void *ud, int64_t now)
{
    Remote *r = ud;
    (void)now;
    r->defer_timer = 0;
    if (r->want_config) {
        r->config_req_gen = r->generation;
        req_start(r, RQ_CONFIG, "/api/v1/config", NULL, NULL);
    }
    if (r->want_alerts) {
        req_start(r, RQ_ALERTS, "/api/v1/alerts", NULL, NULL);
        req_start(r, RQ_SILENCES, "/api/v1/silences", NULL, NULL);
        req_start(r, RQ_SNAPSHOT, "/api/v1/snapshot", NULL, NULL);
    }
    r->want_config = r->want_alerts = false;
}

/* A hello or reload event: a new generation reloads what it may have changed. */
static void on_generation(Remote *r, const cJSON *o, bool hello)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(o, "generation");
    if (cJSON_IsNumber(g)) {
        r->generation = g->valuedouble;
        r->have_generation = true;
        if (!r->have_config_gen) { /* the config loaded at the start */
            r->config_gen = r->generation;
            r->have_config_gen = true;
        }
    }
    bool changed = r->have_config_gen && r->generation != r->config_gen;
    if (changed)
        r->want_config = true; /* then alerts and silences, when the config is the same */
    else if (hello)
        r->want_alerts = true;
    if ((r->want_config || r->want_alerts) && !r->defer_timer)
        r->defer_timer = loop_timer_at(r->loop, loop_now_ms(), on_deferred, r);
    if (hello) {
        MonitorLink *l = &r->w->link;
        l->state = MONITOR_LINK_UP;
        l->stale_since_ms = 0;
        r->attempt = 0;
        r->w->coll->dirty |= COLL_DIRTY_STATUS;
    }
}

/* SSE callback: one event from the collector. */
static int on_event(void *ud, const SseEvent *ev)
{
    Remote *r = ud;
    cJSON *o = cJSON_ParseWithLength(ev->data, ev->data_len);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return 0; /* not ours to judge: skipped */
    }
    const char *t = ev->type;
    int64_t at = json_time(cJSON_GetObjectItemCaseSensitive(o, "t"));
    if (!at) at = loop_wall_ms();
    if (strcmp(t, "hello") == 0) {
        on_generation(r, o, true);
    } else if (strcmp(t, "reload") == 0) {
        on_generation(r, o, false);
    } else if (strcmp(t, "poll") == 0) {
        on_poll_event(r, o);
    } else if (strcmp(t, "alert") == 0 || strcmp(t, "ack") == 0) {
        apply_alert(r, o, at);
    } else if (strcmp(t, "silence") == 0) {
        AlertSilence s;
        if (silence_of(o, &s)) change_silence(r, &s, true);
    } else if (strcmp(t, "unsilence") == 0) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
        AlertSilence s = {.id = cJSON_IsNumber(id) ? (unsigned)id->valuedouble : 0};
        if (s.id) change_silence(r, &s, false);
    }
    cJSON_Delete(o);
    return 0;
}

/* curl write callback of the stream: bytes into the SSE parser. */
static size_t on_stream(char *p, size_t sz, size_t n, void *ud)
{
    Remote *r = ud;
    size_t len = sz * n;
    r->last_byte_ms = loop_now_ms();
    if (!r->stream_status) curl_easy_getinfo(r->stream, CURLINFO_RESPONSE_CODE, &r->stream_status);
    if (r->stream_status != 200) { /* an error answer: kept for the message */
        if (r->stream_err.len < 4096) sbuf_add(&r->stream_err, p, len);
        return len;
    }
    return sse_feed(r->sse, p, len) == SSE_OK ? len : 0;
}

/* Loop callback: the stream ended (the collector closed it, or it broke). */
static void on_stream_done(void *ud, CURL *easy, CURLcode rc)
{
    Remote *r = ud;
    long os_errno = 0, status = 0;
    (void)easy;
    curl_easy_getinfo(r->stream, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(r->stream, CURLINFO_OS_ERRNO, &os_errno);
    char why[300];
    if (rc != CURLE_OK && rc != CURLE_WRITE_ERROR)
        curlerr_describe(rc, r->stream_errbuf, os_errno, 0, why, sizeof(why));
    else if (status != 200)
        error_text(&r->stream_err, status, why, sizeof(why));
    else if (rc == CURLE_WRITE_ERROR)
        snprintf(why, sizeof(why), "%s", _("the event stream is malformed"));
    else
        snprintf(why, sizeof(why), "%s", _("the collector closed the event stream"));
    curl_easy_cleanup(r->stream);
    r->stream = NULL;
    lost(r, why);
}

/* Loop timer: a stream that sent nothing for SILENT_MS is dead. */
static void on_watchdog(void *ud, int64_t now)
{
    Remote *r = ud;
    r->watchdog = 0;
    if (!r->stream) return;
    if (now - r->last_byte_ms >= SILENT_MS) {
        stream_close(r);
        lost(r, _("no news from the collector for 30 s"));
        return;
    }
    r->watchdog = loop_timer_at(r->loop, now + WATCHDOG_MS, on_watchdog, r);
}

/* Opens the event stream (once the history is loaded). */
static void stream_open(Remote *r)
{
    stream_close(r);
    if (!r->sse && !(r->sse = sse_new(0, on_event, r))) {
        lost(r, _("out of memory"));
        return;
    }
    sse_reset(r->sse);
    r->stream_status = 0;
    r->stream = new_easy(r, "/api/v1/events", &r->stream_hdrs, r->stream_errbuf);
    struct curl_slist *l =
        r->stream ? curl_slist_append(r->stream_hdrs, "Accept: text/event-stream") : NULL;
    if (!l) {
        lost(r, _("out of memory"));
        return;
    }
    r->stream_hdrs = l;
    curl_easy_setopt(r->stream, CURLOPT_HTTPHEADER, r->stream_hdrs);
    curl_easy_setopt(r->stream, CURLOPT_WRITEFUNCTION, on_stream);
    curl_easy_setopt(r->stream, CURLOPT_WRITEDATA, r);
    if (loop_add_transfer(r->loop, r->stream, on_stream_done, r) != 0) {
        curl_easy_cleanup(r->stream);
        r->stream = NULL;
        lost(r, _("out of memory"));
        return;
    }
    r->last_byte_ms = loop_now_ms();
    if (!r->watchdog)
        r->watchdog = loop_timer_at(r->loop, r->last_byte_ms + WATCHDOG_MS, on_watchdog, r);
}

/* --- Connection ------------------------------------------------------------------ */

/* Loop timer: the next connection attempt. */
static void on_retry(void *ud, int64_t now)
{
    Remote *r = ud;
    (void)now;
    r->retry_timer = 0;
    start_sync(r);
}

/* The link is lost (why: in words): stale data, a retry after the backoff. */
static void lost(Remote *r, const char *why)
{
    MonitorLink *l = &r->w->link;
    int64_t now = loop_wall_ms();
    /* Pending requests of this connection are dropped; actions too (their
     * answer would come from a collector we no longer follow). */
    while (r->reqs) {
        Req *q = r->reqs;
        r->reqs = q->next;
        loop_cancel_transfer(r->loop, q->h);
        req_free(q);
    }
    r->hist_running = 0;
    if (!l->stale_since_ms) l->stale_since_ms = now;
    int64_t wait = remote_backoff_ms(r->attempt++, (double)rand() / ((double)RAND_MAX + 1));
    l->state = MONITOR_LINK_RETRY;
    l->retry_at_ms = now + wait;
    char msg[400];
    snprintf(msg, sizeof(msg), _("lost the collector: %s"), why);
    say(r, msg);
    if (r->retry_timer) loop_timer_cancel(r->loop, r->retry_timer);
    r->retry_timer = loop_timer_at(r->loop, loop_now_ms() + wait, on_retry, r);
}

/* Loads the history missed (all of it at first), then opens the stream. */
static void start_sync(Remote *r)
{
    if (r->w->link.state != MONITOR_LINK_UP) r->w->link.state = MONITOR_LINK_CONNECTING;
    r->w->coll->dirty |= COLL_DIRTY_STATUS;
    r->hist_next = 0;
    r->hist_running = 0;
    hist_pump(r);
}

int remote_attach(Remote *r, Monitor *w)
{
    remote_detach(r);
    r->w = w;
    r->loop = w->coll->loop;
    snprintf(w->link.host, sizeof(w->link.host), "%s", r->host);
    w->link.state = MONITOR_LINK_CONNECTING;
    monitor_set_act(w, act, r);
    srand((unsigned)loop_now_ms());
    start_sync(r);
    return 0;
}
