/* api.c - the routes of the HTTP API (see api.h and docs/api.md). */
#include "services/api.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/i18n.h"
#include "base/loop.h"
#include "base/timefmt.h"
#include "services/apireq.h"

#define JSON_TYPE    "application/json"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define GET_ONLY     "GET, HEAD"
#define EVENTS_TYPE  "text/event-stream; charset=utf-8"

/* The routes. */
typedef enum {
    R_NONE,
    R_HEALTHY,
    R_READY,
    R_METRICS,
    R_SNAPSHOT,
    R_SERIES,
    R_ALERTS,
    R_ACK,
    R_SILENCES,
    R_SILENCE,
    R_EVENTS,
    R_CONFIG
} Route;

/* Which route the path segments name; *arg is the {rule} or {id} segment. */
static Route route_of(const ApiTarget *t, const char **arg)
{
    const char *const *s = t->seg;
    size_t n = t->n_segs;
    *arg = NULL;
    if (n == 2 && strcmp(s[0], "-") == 0) {
        if (strcmp(s[1], "healthy") == 0) return R_HEALTHY;
        if (strcmp(s[1], "ready") == 0) return R_READY;
        return R_NONE;
    }
    if (n == 1 && strcmp(s[0], "metrics") == 0) return R_METRICS;
    if (n < 3 || strcmp(s[0], "api") != 0 || strcmp(s[1], "v1") != 0) return R_NONE;
    if (n == 3) {
        static const struct {
            const char *name;
            Route r;
        } names[] = {{"snapshot", R_SNAPSHOT}, {"series", R_SERIES}, {"alerts", R_ALERTS},
                     {"silences", R_SILENCES}, {"events", R_EVENTS}, {"config", R_CONFIG}};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strcmp(s[2], names[i].name) == 0) return names[i].r;
        return R_NONE;
    }
    if (n == 5 && strcmp(s[2], "alerts") == 0 && strcmp(s[4], "ack") == 0 && s[3][0]) {
        *arg = s[3];
        return R_ACK;
    }
    if (n == 4 && strcmp(s[2], "silences") == 0 && s[3][0]) {
        *arg = s[3];
        return R_SILENCE;
    }
    return R_NONE;
}

/* The methods route r answers (the Allow header). */
static const char *allowed(Route r)
{
    switch (r) {
    case R_ACK:
        return "POST";
    case R_SILENCES:
        return "GET, HEAD, POST";
    case R_SILENCE:
        return "DELETE";
    default:
        return GET_ONLY;
    }
}

/* True when method is in the Allow list allow. */
static bool method_ok(const char *allow, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = allow; (p = strstr(p, method)) != NULL; p += n)
        if ((p == allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0')) return true;
    return false;
}

/* The role route r needs for method (HTTP_ROLE_NONE: open). */
static HttpRole role_needed(Route r, const char *method, const CfgHttp *h)
{
    switch (r) {
    case R_HEALTHY:
    case R_READY:
        return HTTP_ROLE_NONE;
    case R_METRICS:
        return h && h->metrics_auth ? HTTP_ROLE_VIEWER : HTTP_ROLE_NONE;
    case R_ACK:
    case R_SILENCE:
        return HTTP_ROLE_OPERATOR;
    case R_SILENCES:
        return strcmp(method, "POST") == 0 ? HTTP_ROLE_OPERATOR : HTTP_ROLE_VIEWER;
    default:
        return HTTP_ROLE_VIEWER;
    }
}

/* Replaces the body of out with the unformatted text of j (freed); 500 on
 * out of memory. */
static void answer_json(ApiResponse *out, int status, cJSON *j)
{
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    sbuf_free(&out->body);
    if (!text) {
        out->status = 500;
        out->content_type = JSON_TYPE;
        sbuf_puts(&out->body, "{\"error\":\"out of memory\"}\n");
        return;
    }
    out->status = status;
    out->content_type = JSON_TYPE;
    sbuf_puts(&out->body, text);
    sbuf_puts(&out->body, "\n");
    cJSON_free(text);
}

void api_error(ApiResponse *out, int status, const char *msg)
{
    cJSON *j = cJSON_CreateObject();
    if (j && !cJSON_AddStringToObject(j, "error", msg)) {
        cJSON_Delete(j);
        j = NULL;
    }
    answer_json(out, status, j);
}

void api_response_done(ApiResponse *out)
{
    sbuf_free(&out->body);
}

/* Adds an RFC 3339 local time, or null for 0. */
static void add_time(cJSON *o, const char *key, int64_t ms)
{
    char buf[TIMEFMT_SIZE];
    if (ms == 0 || timefmt_iso(ms, buf, sizeof(buf)) < 0)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddStringToObject(o, key, buf);
}

/* Adds a number, or null when it is not finite. */
static void add_num(cJSON *o, const char *key, bool has, double v)
{
    if (has && isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* GET /api/v1/snapshot?format=NAME: the document of "ioc snapshot -f NAME"
 * (json when absent). */
static void do_snapshot(Api *api, const ApiTarget *t, ApiResponse *out)
{
    char err[200];
    for (size_t i = 0; i < t->n_params; i++) {
        if (strcmp(t->key[i], "format") != 0) {
            snprintf(err, sizeof(err), _("unknown parameter '%.40s' (format)"), t->key[i]);
            api_error(out, 400, err);
            return;
        }
    }
    const char *format = apireq_param(t, "format");
    const char *type = JSON_TYPE;
    sbuf_free(&out->body);
    err[0] = '\0';
    int rc = api->snapshot ? api->snapshot(api->ud, api->mon, format ? format : "json", &out->body,
                                           &type, err, sizeof(err))
                           : -1;
    if (rc == -2) {
        api_error(out, 400, err);
        return;
    }
    if (rc != 0 || out->body.oom) {
        api_error(out, 500, _("cannot build the document"));
        return;
    }
    sbuf_add(&out->body, "", 0);
    out->status = 200;
    out->content_type = type;
}

/* GET /-/ready: 200 once every feed was polled (latched), else 503. */
static void do_ready(Api *api, ApiResponse *out)
{
    if (!api->ready) api->ready = coll_all_polled(api->mon->coll);
    cJSON *j = cJSON_CreateObject();
    if (j) cJSON_AddStringToObject(j, "status", api->ready ? "ready" : "starting");
    answer_json(out, api->ready ? 200 : 503, j);
}

/* A document from one of the owner's writers (snapshot, metrics). */
static void do_writer(Api *api, ApiWriteFn fn, const char *type, ApiResponse *out)
{
    sbuf_free(&out->body);
    if (!fn || fn(api->ud, api->mon, &out->body) != 0 || out->body.oom) {
        api_error(out, 500, _("cannot build the document"));
        return;
    }
    sbuf_add(&out->body, "", 0);
    out->status = 200;
    out->content_type = type;
}

/* GET /api/v1/config: the config without secrets (cfg_public_json()). */
static void do_config(Api *api, ApiResponse *out)
{
    char err[200];
    sbuf_free(&out->body);
    if (cfg_public_json(api->mon->coll->cfg, &out->body, err, sizeof(err)) != 0) {
        api_error(out, 500, err);
        return;
    }
    out->status = 200;
    out->content_type = JSON_TYPE;
}

cJSON *api_alert_json(const Monitor *m, const Alert *a)
{
    const Collector *c = m->coll;
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "rule", a->rule->id);
    cJSON_AddStringToObject(o, "state", alert_state_name(a->state));
    if (a->state == ALERT_STALE) cJSON_AddStringToObject(o, "held", alert_state_name(a->held));
    cJSON_AddStringToObject(o, "severity", cfg_severity_name(a->rule->severity));
    cJSON_AddStringToObject(o, "summary", a->summary);
    if (a->kpi >= 0)
        cJSON_AddStringToObject(o, "kpi", c->kpis[a->kpi].kpi->key);
    else
        cJSON_AddNullToObject(o, "kpi");
    if (a->feed >= 0)
        cJSON_AddStringToObject(o, "feed", c->cfg->feeds[a->feed].id);
    else
        cJSON_AddNullToObject(o, "feed");
    add_num(o, "value", a->has_value, a->value);
    add_time(o, "since", a->since_ms);
    add_time(o, "fired_at", a->fired_ms);
    add_time(o, "resolved_at", a->resolved_ms);
    add_time(o, "active_since", a->active_ms);
    if (a->acked) {
        cJSON *k = cJSON_AddObjectToObject(o, "ack");
        if (k) {
            cJSON_AddStringToObject(k, "by", a->ack_by);
            add_time(k, "at", a->ack_ms);
            cJSON_AddStringToObject(k, "comment", a->ack_comment);
        }
    } else {
        cJSON_AddNullToObject(o, "ack");
    }
    if (a->silenced) {
        cJSON *s = cJSON_AddObjectToObject(o, "silence");
        if (s) {
            cJSON_AddNumberToObject(s, "id", a->silence_id);
            add_time(s, "until", a->silenced_until);
        }
    } else {
        cJSON_AddNullToObject(o, "silence");
    }
    return o;
}

/* GET /api/v1/alerts: every alert that is not inactive, in display order. */
static void do_alerts(Api *api, ApiResponse *out)
{
    const Monitor *m = api->mon;
    size_t n = alert_count(m->alerts);
    const Alert **list = calloc(n ? n : 1, sizeof(*list));
    cJSON *j = list ? cJSON_CreateObject() : NULL;
    cJSON *arr = j ? cJSON_AddArrayToObject(j, "alerts") : NULL;
    if (arr) {
        size_t k = alert_list(m->alerts, list, n);
        for (size_t i = 0; i < k && i < n; i++) {
            cJSON *a = api_alert_json(m, list[i]);
            if (a) cJSON_AddItemToArray(arr, a);
        }
    }
    free(list);
    answer_json(out, 200, arr ? j : (cJSON_Delete(j), NULL));
}

cJSON *api_silence_json(const AlertSilence *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "id", s->id);
    cJSON_AddStringToObject(o, "target", s->target);
    add_time(o, "start", s->start_ms);
    add_time(o, "until", s->until_ms);
    cJSON_AddStringToObject(o, "by", s->who);
    cJSON_AddStringToObject(o, "comment", s->comment);
    return o;
}

/* GET /api/v1/silences: the active silences. */
static void do_silences(Api *api, ApiResponse *out)
{
    const AlertSilence *s;
    size_t n = alert_silences(api->mon->alerts, &s);
    cJSON *j = cJSON_CreateObject();
    cJSON *arr = j ? cJSON_AddArrayToObject(j, "silences") : NULL;
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *o = api_silence_json(&s[i]);
        if (!o) break;
        cJSON_AddItemToArray(arr, o);
    }
    answer_json(out, 200, arr ? j : (cJSON_Delete(j), NULL));
}

/* True when some alert's rule id, KPI key or feed id is target. */
static bool silence_target_known(const Monitor *m, const char *target)
{
    const Collector *c = m->coll;
    for (size_t i = 0; i < alert_count(m->alerts); i++) {
        const Alert *a = alert_get(m->alerts, i);
        if (strcmp(a->rule->id, target) == 0 ||
            (a->kpi >= 0 && strcmp(c->kpis[a->kpi].kpi->key, target) == 0) ||
            (a->feed >= 0 && strcmp(c->cfg->feeds[a->feed].id, target) == 0))
            return true;
    }
    return false;
}

/* POST /api/v1/silences as user: {"target", "duration", "comment"} -> {"id"}. */
static void do_silence(Api *api, const ApiRequest *rq, ApiResponse *out)
{
    ApiSilenceReq s;
    char err[200];
    if (apireq_parse_silence(rq->body, rq->body_len, &s, err, sizeof(err)) != 0) {
        api_error(out, 400, err);
        return;
    }
    if (!silence_target_known(api->mon, s.target)) {
        snprintf(err, sizeof(err), _("no rule, KPI or feed '%.80s' has alerts to silence"),
                 s.target);
        api_error(out, 404, err);
        return;
    }
    unsigned id =
        monitor_silence(api->mon, s.target, s.duration_ms, out->user, s.comment, err, sizeof(err));
    if (id == 0) {
        api_error(out, 409, err);
        return;
    }
    out->changed = true;
    snprintf(out->what, sizeof(out->what), "silence id=%u target=%.80s", id, s.target);
    cJSON *j = cJSON_CreateObject();
    if (j) cJSON_AddNumberToObject(j, "id", id);
    answer_json(out, 201, j);
}

/* DELETE /api/v1/silences/{id}. */
static void do_unsilence(Api *api, const char *arg, ApiResponse *out)
{
    unsigned id;
    char err[200];
    if (!apireq_parse_id(arg, &id)) {
        api_error(out, 400, _("a silence id is a positive number"));
        return;
    }
    if (monitor_unsilence(api->mon, id, out->user, err, sizeof(err)) != 0) {
        api_error(out, 404, err);
        return;
    }
    out->changed = true;
    snprintf(out->what, sizeof(out->what), "unsilence id=%u", id);
    cJSON *j = cJSON_CreateObject();
    if (j) cJSON_AddNumberToObject(j, "id", id);
    answer_json(out, 200, j);
}

/* POST /api/v1/alerts/{rule}/ack as user. */
static void do_ack(Api *api, const ApiRequest *rq, const char *rule, ApiResponse *out)
{
    ApiAckReq a;
    char err[200];
    if (apireq_parse_ack(rq->body, rq->body_len, &a, err, sizeof(err)) != 0) {
        api_error(out, 400, err);
        return;
    }
    if (!alert_find(api->mon->alerts, rule)) {
        snprintf(err, sizeof(err), _("no alert rule '%.80s'"), rule);
        api_error(out, 404, err);
        return;
    }
    if (monitor_ack(api->mon, rule, out->user, a.comment[0] ? a.comment : NULL, err, sizeof(err)) !=
        0) {
        api_error(out, 409, err);
        return;
    }
    out->changed = true;
    snprintf(out->what, sizeof(out->what), "ack rule=%.80s", rule);
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "rule", rule);
        cJSON_AddStringToObject(j, "by", out->user);
    }
    answer_json(out, 200, j);
}

/* GET /api/v1/series?kpi=&from=&to=&step=: a KPI's values in columns. */
static void do_series(Api *api, const ApiTarget *t, ApiResponse *out)
{
    const Collector *c = api->mon->coll;
    const char *key = apireq_param(t, "kpi");
    const char *from_s = apireq_param(t, "from"), *to_s = apireq_param(t, "to");
    const char *step_s = apireq_param(t, "step");
    char err[200];
    for (size_t i = 0; i < t->n_params; i++) {
        if (strcmp(t->key[i], "kpi") && strcmp(t->key[i], "from") && strcmp(t->key[i], "to") &&
            strcmp(t->key[i], "step")) {
            snprintf(err, sizeof(err), _("unknown parameter '%.40s' (kpi, from, to, step)"),
                     t->key[i]);
            api_error(out, 400, err);
            return;
        }
    }
    if (!key || !*key) {
        api_error(out, 400, _("kpi=KEY is required (a key such as dvc.online_rate)"));
        return;
    }
    int k = coll_find_kpi(c, key);
    if (k < 0) {
        snprintf(err, sizeof(err), _("no KPI '%.80s'"), key);
        api_error(out, 404, err);
        return;
    }
    int64_t to = loop_wall_ms(), from;
    if (to_s && !apireq_parse_time(to_s, &to)) {
        api_error(out, 400, _("'to' must be an RFC 3339 time or unix seconds"));
        return;
    }
    from = to - 3600000;
    if (from_s && !apireq_parse_time(from_s, &from)) {
        api_error(out, 400, _("'from' must be an RFC 3339 time or unix seconds"));
        return;
    }
    if (from >= to) {
        api_error(out, 400, _("'from' must be before 'to'"));
        return;
    }
    int64_t max_points = api->max_points > 0 ? api->max_points : 2000;
    int64_t span = to - from, step;
    if (step_s) {
        if (!cfg_parse_duration(step_s, &step) || step < 1000) {
            api_error(out, 400, _("'step' must be a duration of at least 1s, such as 1m or 1h"));
            return;
        }
    } else {
        step = (span + 359) / 360;
        if (step < 1000) step = 1000;
    }
    int64_t width = (span + step - 1) / step;
    if (width > max_points) {
        snprintf(err, sizeof(err), _("%lld points asked for; at most %lld: use a larger step"),
                 (long long)width, (long long)max_points);
        api_error(out, 400, err);
        return;
    }
    StorePoint *pts = calloc((size_t)width, sizeof(*pts));
    if (!pts) {
        api_error(out, 500, _("out of memory"));
        return;
    }
    int64_t res =
        store_chart(c->store, c->kpis[k].series, from, from + width * step - 1, pts, (size_t)width);
    cJSON *j = res >= 0 ? cJSON_CreateObject() : NULL;
    cJSON *arr = NULL;
    if (j) {
        cJSON_AddStringToObject(j, "kpi", key);
        add_time(j, "from", from);
        add_time(j, "to", to);
        cJSON_AddNumberToObject(j, "step_ms", (double)step);
        cJSON_AddNumberToObject(j, "resolution_ms", (double)res);
        arr = cJSON_AddArrayToObject(j, "points");
    }
    for (int64_t i = 0; arr && i < width; i++) {
        const StorePoint *p = &pts[i];
        if (!p->flags) continue;
        cJSON *o = cJSON_CreateObject();
        if (!o) break;
        bool v = p->flags & STORE_PT_VALUE;
        cJSON_AddNumberToObject(o, "t", (double)(v && p->last_ts ? p->last_ts : p->ts_ms));
        add_num(o, "v", v, p->last);
        add_num(o, "min", v, p->min);
        add_num(o, "max", v, p->max);
        if (p->flags & STORE_PT_GAP) cJSON_AddTrueToObject(o, "gap");
        cJSON_AddItemToArray(arr, o);
    }
    free(pts);
    if (!arr) {
        cJSON_Delete(j);
        j = NULL;
    }
    answer_json(out, 200, j);
}

/* Checks the bearer token against the current users; fills out->user.
 * False after filling a 401 or 403 answer. */
static bool authorize(const Monitor *m, const ApiRequest *rq, HttpRole need, ApiResponse *out)
{
    const CfgHttp *h = m->coll->cfg->http;
    const char *tok;
    size_t len;
    if (!apireq_bearer(rq->authorization, &tok, &len)) {
        out->www_authenticate = true;
        api_error(out, 401, _("a bearer token is required (Authorization: Bearer TOKEN)"));
        return false;
    }
    const CfgHttpUser *u = h ? apireq_find_user(h->users, h->n_users, tok, len) : NULL;
    if (!u) {
        out->www_authenticate = true;
        api_error(out, 401, _("the token is not valid"));
        return false;
    }
    snprintf(out->user, sizeof(out->user), "%s", u->name);
    if (u->role < need) {
        char err[200];
        snprintf(err, sizeof(err), _("user '%s' has the %s role; this needs %s"), u->name,
                 cfg_role_name(u->role), cfg_role_name(need));
        api_error(out, 403, err);
        return false;
    }
    return true;
}

void api_handle(Api *api, const ApiRequest *rq, ApiResponse *out)
{
    memset(out, 0, sizeof(*out));
    ApiTarget *t = malloc(sizeof(*t));
    char err[200];
    if (!t) {
        api_error(out, 500, _("out of memory"));
        return;
    }
    ApiReqRc rc = apireq_parse_target(rq->uri, t, err, sizeof(err));
    if (rc != APIREQ_OK) {
        api_error(out, rc == APIREQ_TOO_LONG ? 414 : 400, err);
        free(t);
        return;
    }
    const char *arg;
    Route r = route_of(t, &arg);
    if (r == R_NONE) {
        api_error(out, 404, _("no such endpoint (see docs/api.md)"));
        goto done;
    }
    if (!method_ok(allowed(r), rq->method)) {
        out->allow = allowed(r);
        snprintf(err, sizeof(err), _("method %.16s is not allowed here (allowed: %s)"), rq->method,
                 out->allow);
        api_error(out, 405, err);
        goto done;
    }
    HttpRole need = role_needed(r, rq->method, api->mon->coll->cfg->http);
    if (need != HTTP_ROLE_NONE && !authorize(api->mon, rq, need, out)) goto done;
    if (t->n_params && r != R_SERIES && r != R_SNAPSHOT) {
        api_error(out, 400, _("this endpoint takes no query parameters"));
        goto done;
    }
    switch (r) {
    case R_HEALTHY: {
        cJSON *j = cJSON_CreateObject();
        if (j) cJSON_AddStringToObject(j, "status", "healthy");
        answer_json(out, 200, j);
        break;
    }
    case R_READY:
        do_ready(api, out);
        break;
    case R_METRICS:
        do_writer(api, api->metrics, METRICS_TYPE, out);
        break;
    case R_SNAPSHOT:
        do_snapshot(api, t, out);
        break;
    case R_SERIES:
        do_series(api, t, out);
        break;
    case R_CONFIG:
        do_config(api, out);
        break;
    case R_ALERTS:
        do_alerts(api, out);
        break;
    case R_ACK:
        do_ack(api, rq, arg, out);
        break;
    case R_SILENCES:
        if (strcmp(rq->method, "POST") == 0)
            do_silence(api, rq, out);
        else
            do_silences(api, out);
        break;
    case R_SILENCE:
        do_unsilence(api, arg, out);
        break;
    case R_EVENTS:
        if (!api->events) {
            api_error(out, 501, _("/api/v1/events is not served by this process"));
            break;
        }
        out->status = 200;
        out->content_type = EVENTS_TYPE;
        out->stream = true; /* the server subscribes the connection to api->events */
        break;
    case R_NONE:
        break;
    }
done:
    free(t);
}
