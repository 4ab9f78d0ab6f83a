/* sim_control.c - the simulator's control API under /_sim/ (loopback only):
 * status, run-time faults, request logs and sim time (see docs/simulator.md). */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_server_internal.h"
#include "sim/sim_time.h"
#include "base/i18n.h"

/* True when the client connects from a loopback address. */
static bool client_is_loopback(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr) return false;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
        return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a)) return true;
        return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
    }
    return false;
}

/* Sends a cJSON document (and frees it); 500 when it cannot be printed. */
static enum MHD_Result reply_json(struct MHD_Connection *c, unsigned code, cJSON *doc)
{
    char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    if (!text) return MHD_NO;
    size_t len = strlen(text);
    char *body = malloc(len + 2);
    if (!body) {
        cJSON_free(text);
        return MHD_NO;
    }
    memcpy(body, text, len);
    body[len] = '\n';
    body[len + 1] = '\0';
    cJSON_free(text);
    enum MHD_Result r = sim_server_reply(c, code, "application/json", body, len + 1);
    free(body);
    return r;
}

/* Sends {"error": msg} with status code. */
static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned code, const char *msg)
{
    cJSON *doc = cJSON_CreateObject();
    if (doc) cJSON_AddStringToObject(doc, "error", msg);
    return reply_json(c, code, doc);
}

/* Adds an ISO time string under key. */
static void add_iso(cJSON *o, const char *key, int64_t ms, int tz)
{
    char buf[40];
    cJSON_AddStringToObject(o, key, sim_time_format_iso(ms, tz, buf, sizeof(buf)));
}

/* Describes a fault and its relevant parameters. */
static cJSON *fault_json(const SimFault *f, const char *source)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "mode", sim_fault_mode_name(f->mode));
    cJSON_AddStringToObject(o, "source", source);
    switch (f->mode) {
    case SIM_FAULT_HTTP:
        cJSON_AddNumberToObject(o, "code", f->code);
        break;
    case SIM_FAULT_DELAY:
        cJSON_AddNumberToObject(o, "ms", (double)f->ms);
        break;
    case SIM_FAULT_OVERSIZE:
        cJSON_AddNumberToObject(o, "bytes", (double)f->bytes);
        break;
    case SIM_FAULT_FLAP:
        cJSON_AddNumberToObject(o, "code", f->code);
        if (f->period_ms > 0)
            cJSON_AddNumberToObject(o, "period_ms", (double)f->period_ms);
        else
            cJSON_AddNumberToObject(o, "requests", (double)f->requests);
        break;
    default:
        break;
    }
    return o;
}

/* Describes endpoint i: path, format, request count, active fault (mu held). */
static cJSON *endpoint_json(SimServer *s, size_t i, int64_t now)
{
    const SimEndpoint *e = &s->sc->endpoints[i];
    const SimEpState *st = &s->st[i];
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "path", e->path);
    cJSON_AddStringToObject(o, "format", sim_format_name(e->format));
    cJSON_AddNumberToObject(o, "requests", (double)st->requests);
    cJSON_AddNumberToObject(o, "scheduled_faults", (double)e->nfaults);
    const SimFaultWindow *w;
    cJSON *f = NULL;
    if (st->has_override) {
        f = fault_json(&st->override, "control");
    } else if ((w = sim_scenario_fault_at(e, now - s->start_ms, NULL))) {
        f = fault_json(&w->fault, "schedule");
    }
    if (f)
        cJSON_AddItemToObject(o, "fault", f);
    else
        cJSON_AddNullToObject(o, "fault");
    return o;
}

/* Adds the sim clock fields to o (mu held). */
static void add_clock(SimServer *s, cJSON *o, int64_t now)
{
    add_iso(o, "sim_time", now, s->sc->tz_offset_s);
    cJSON_AddNumberToObject(o, "sim_time_ms", (double)now);
    add_iso(o, "start", s->start_ms, s->sc->tz_offset_s);
    cJSON_AddNumberToObject(o, "elapsed_ms", (double)(now - s->start_ms));
    cJSON_AddNumberToObject(o, "time_scale", s->scale);
}

/* GET /_sim/status */
static enum MHD_Result do_status(SimServer *s, struct MHD_Connection *c)
{
    cJSON *doc = cJSON_CreateObject(), *eps = cJSON_CreateArray();
    if (!doc || !eps) {
        cJSON_Delete(doc);
        cJSON_Delete(eps);
        return MHD_NO;
    }
    pthread_mutex_lock(&s->mu);
    int64_t now = sim_server_now_locked(s);
    add_clock(s, doc, now);
    char seed[32];
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)s->sc->seed);
    cJSON_AddRawToObject(doc, "seed", seed);
    for (size_t i = 0; i < s->sc->nendpoints; i++)
        cJSON_AddItemToArray(eps, endpoint_json(s, i, now));
    pthread_mutex_unlock(&s->mu);
    cJSON_AddItemToObject(doc, "endpoints", eps);
    return reply_json(c, MHD_HTTP_OK, doc);
}

/* Returns the endpoint index named by the path= argument, or -1 (reply sent in *r). */
static long endpoint_arg(SimServer *s, struct MHD_Connection *c, enum MHD_Result *r)
{
    const char *path = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "path");
    if (!path || !*path) {
        *r = reply_error(c, MHD_HTTP_BAD_REQUEST, _("expected ?path=/endpoint"));
        return -1;
    }
    const SimEndpoint *e = sim_scenario_find(s->sc, path, strlen(path));
    if (!e) {
        char msg[200];
        snprintf(msg, sizeof(msg), _("no endpoint with path '%.100s'"), path);
        *r = reply_error(c, MHD_HTTP_NOT_FOUND, msg);
        return -1;
    }
    return (long)(e - s->sc->endpoints);
}

/* Reads an integer argument within [lo, hi] into *out; false with msg on error. */
static bool int_arg(struct MHD_Connection *c, const char *name, long long lo, long long hi,
                    int64_t *out, char *msg, size_t cap)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    if (!v) return true;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || n < lo || n > hi) {
        snprintf(msg, cap, _("expected %s= a whole number from %lld to %lld"), name, lo, hi);
        return false;
    }
    *out = n;
    return true;
}

/* POST /_sim/fault?path=&mode=[&code=&ms=&bytes=&requests=&period=] */
static enum MHD_Result do_set_fault(SimServer *s, struct MHD_Connection *c)
{
    enum MHD_Result r = MHD_NO;
    long i = endpoint_arg(s, c, &r);
    if (i < 0) return r;
    const char *mode_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "mode");
    SimFaultMode mode = SIM_FAULT_NONE;
    if (!mode_s || (strcmp(mode_s, "none") != 0 && !sim_fault_mode_from_name(mode_s, &mode)))
        return reply_error(c, MHD_HTTP_BAD_REQUEST,
                           _("expected mode= none, refuse, drop, delay, hang, http, malformed, "
                             "oversize, truncated or flap"));
    SimFault f;
    sim_fault_defaults(&f, mode);
    char msg[160];
    int64_t code = f.code;
    bool ok = int_arg(c, "code", 100, 599, &code, msg, sizeof(msg)) &&
              int_arg(c, "ms", 0, SIM_MAX_FAULT_MS, &f.ms, msg, sizeof(msg)) &&
              int_arg(c, "bytes", 1, SIM_MAX_FAULT_BYTES, &f.bytes, msg, sizeof(msg)) &&
              int_arg(c, "requests", 1, 1000000, &f.requests, msg, sizeof(msg));
    if (!ok) return reply_error(c, MHD_HTTP_BAD_REQUEST, msg);
    f.code = (int)code;
    const char *period = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "period");
    if (period && (!sim_time_parse_duration(period, &f.period_ms) || f.period_ms <= 0))
        return reply_error(c, MHD_HTTP_BAD_REQUEST,
                           _("expected period= a duration such as 10s or 1m"));
    pthread_mutex_lock(&s->mu);
    SimEpState *st = &s->st[i];
    st->has_override = true;
    st->override = f;
    st->override_since_ms = sim_server_now_locked(s);
    st->flap_count = 0;
    cJSON *doc = endpoint_json(s, (size_t)i, st->override_since_ms);
    pthread_mutex_unlock(&s->mu);
    return reply_json(c, MHD_HTTP_OK, doc);
}

/* DELETE /_sim/fault[?path=]: back to the schedule for one or every endpoint. */
static enum MHD_Result do_clear_fault(SimServer *s, struct MHD_Connection *c)
{
    enum MHD_Result r = MHD_NO;
    long only = -1;
    if (MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "path")) {
        only = endpoint_arg(s, c, &r);
        if (only < 0) return r;
    }
    size_t cleared = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->sc->nendpoints; i++) {
        if (only >= 0 && (size_t)only != i) continue;
        cleared += s->st[i].has_override;
        s->st[i].has_override = false;
        s->st[i].flap_count = 0;
    }
    pthread_mutex_unlock(&s->mu);
    cJSON *doc = cJSON_CreateObject();
    if (doc) cJSON_AddNumberToObject(doc, "cleared", (double)cleared);
    return reply_json(c, MHD_HTTP_OK, doc);
}

/* GET /_sim/requests?path=[&limit=]: the endpoint's last requests, oldest first. */
static enum MHD_Result do_requests(SimServer *s, struct MHD_Connection *c)
{
    enum MHD_Result r = MHD_NO;
    long i = endpoint_arg(s, c, &r);
    if (i < 0) return r;
    int64_t limit = SIM_LOG_REQUESTS;
    char msg[160];
    if (!int_arg(c, "limit", 1, SIM_LOG_REQUESTS, &limit, msg, sizeof(msg)))
        return reply_error(c, MHD_HTTP_BAD_REQUEST, msg);
    cJSON *doc = cJSON_CreateObject(), *list = cJSON_CreateArray();
    if (!doc || !list) {
        cJSON_Delete(doc);
        cJSON_Delete(list);
        return MHD_NO;
    }
    pthread_mutex_lock(&s->mu);
    const SimEpState *st = &s->st[i];
    cJSON_AddStringToObject(doc, "path", s->sc->endpoints[i].path);
    cJSON_AddNumberToObject(doc, "requests", (double)st->requests);
    size_t n = st->log_n < (size_t)limit ? st->log_n : (size_t)limit;
    for (size_t k = 0; k < n; k++) {
        size_t idx = (st->log_next + SIM_LOG_REQUESTS - n + k) % SIM_LOG_REQUESTS;
        const SimReqLog *l = &st->log[idx];
        cJSON *o = cJSON_CreateObject(), *h = cJSON_CreateObject();
        if (!o || !h) {
            cJSON_Delete(o);
            cJSON_Delete(h);
            break;
        }
        cJSON_AddStringToObject(o, "method", l->method);
        add_iso(o, "sim_time", l->sim_ms, s->sc->tz_offset_s);
        add_iso(o, "time", l->wall_ms, 0);
        cJSON_AddStringToObject(o, "outcome", l->outcome);
        cJSON_AddNumberToObject(o, "status", l->status);
        for (size_t j = 0; j < l->nheaders; j++)
            cJSON_AddStringToObject(h, l->headers[j].name, l->headers[j].value);
        cJSON_AddItemToObject(o, "headers", h);
        cJSON_AddItemToArray(list, o);
    }
    pthread_mutex_unlock(&s->mu);
    cJSON_AddItemToObject(doc, "log", list);
    return reply_json(c, MHD_HTTP_OK, doc);
}

/* POST /_sim/time?set=ISO or ?advance=DURATION (a leading '-' goes back). */
static enum MHD_Result do_time(SimServer *s, struct MHD_Connection *c)
{
    const char *set = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "set");
    const char *adv = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "advance");
    if ((set != NULL) == (adv != NULL))
        return reply_error(c, MHD_HTTP_BAD_REQUEST,
                           _("expected either ?set=ISO-8601-time or ?advance=duration"));
    int64_t ms = 0;
    if (set) {
        /* An unencoded '+' in a query string arrives as a blank: restore it. */
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", set);
        char *sp = strrchr(buf, ' ');
        if (sp && sp - buf > 10) *sp = '+';
        if (!sim_time_parse_iso(buf, s->sc->tz_offset_s, &ms))
            return reply_error(c, MHD_HTTP_BAD_REQUEST,
                               _("expected set= an ISO 8601 time such as "
                                 "2025-03-26T08:00:00+07:00"));
    } else {
        bool back = adv[0] == '-';
        if (!sim_time_parse_duration(adv + back, &ms))
            return reply_error(c, MHD_HTTP_BAD_REQUEST,
                               _("expected advance= a duration such as 90s, 10m or 1h"));
        if (back) ms = -ms;
    }
    cJSON *doc = cJSON_CreateObject();
    pthread_mutex_lock(&s->mu);
    int64_t now = sim_server_now_locked(s);
    s->anchor_mono_ms = sim_server_mono_ms();
    s->anchor_sim_ms = set ? ms : now + ms;
    if (doc) add_clock(s, doc, s->anchor_sim_ms);
    pthread_mutex_unlock(&s->mu);
    return reply_json(c, MHD_HTTP_OK, doc);
}

enum MHD_Result sim_control_handle(SimServer *s, struct MHD_Connection *c, const char *url,
                                   const char *method)
{
    if (!client_is_loopback(c))
        return reply_error(c, MHD_HTTP_FORBIDDEN,
                           _("the control API answers loopback clients only"));
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0;
    if (strcmp(url, "/_sim/status") == 0) {
        if (get) return do_status(s, c);
    } else if (strcmp(url, "/_sim/requests") == 0) {
        if (get) return do_requests(s, c);
    } else if (strcmp(url, "/_sim/fault") == 0) {
        if (post) return do_set_fault(s, c);
        if (strcmp(method, "DELETE") == 0) return do_clear_fault(s, c);
    } else if (strcmp(url, "/_sim/time") == 0) {
        if (post) return do_time(s, c);
    } else {
        return reply_error(c, MHD_HTTP_NOT_FOUND,
                           _("unknown control path (expected /_sim/status, /_sim/fault, "
                             "/_sim/requests or /_sim/time)"));
    }
    return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                       _("method not allowed here (status and requests: GET; fault: POST or "
                         "DELETE; time: POST)"));
}
