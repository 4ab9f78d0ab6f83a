/* sim_scenario.c - scenario document, endpoints and fault schedules (see
 * sim_scenario.h; value generators are read in sim_scenario_gen.c). */
#include "sim/sim_scenario.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse/ynode.h"
#include "sim/sim_scenario_internal.h"
#include "sim/sim_time.h"
#include "base/i18n.h"

static const char *const fault_names[] = {
    [SIM_FAULT_NONE] = "none",           [SIM_FAULT_REFUSE] = "refuse",
    [SIM_FAULT_DROP] = "drop",           [SIM_FAULT_DELAY] = "delay",
    [SIM_FAULT_HANG] = "hang",           [SIM_FAULT_HTTP] = "http",
    [SIM_FAULT_MALFORMED] = "malformed", [SIM_FAULT_OVERSIZE] = "oversize",
    [SIM_FAULT_TRUNCATED] = "truncated", [SIM_FAULT_FLAP] = "flap",
};

bool sim_fault_mode_from_name(const char *name, SimFaultMode *out)
{
    for (size_t i = 1; i < sizeof(fault_names) / sizeof(fault_names[0]); i++) {
        if (name && strcmp(name, fault_names[i]) == 0) {
            *out = (SimFaultMode)i;
            return true;
        }
    }
    return false;
}

const char *sim_fault_mode_name(SimFaultMode m)
{
    return (size_t)m < sizeof(fault_names) / sizeof(fault_names[0]) ? fault_names[m] : "?";
}

void sim_fault_defaults(SimFault *f, SimFaultMode mode)
{
    memset(f, 0, sizeof(*f));
    f->mode = mode;
    f->code = 503;
    f->ms = 1000;
    f->bytes = SIM_DEFAULT_OVERSIZE;
    f->requests = 1;
}

bool sim_format_from_name(const char *name, SimFormat *out)
{
    if (!name) return false;
    if (strcmp(name, "json") == 0) {
        *out = SIM_FMT_JSON;
    } else if (strcmp(name, "prometheus") == 0 || strcmp(name, "prom") == 0) {
        *out = SIM_FMT_PROM;
    } else if (strcmp(name, "csv") == 0) {
        *out = SIM_FMT_CSV;
    } else {
        return false;
    }
    return true;
}

const char *sim_format_name(SimFormat f)
{
    return f == SIM_FMT_JSON ? "json" : f == SIM_FMT_PROM ? "prometheus" : "csv";
}

const char *sim_format_content_type(SimFormat f)
{
    switch (f) {
    case SIM_FMT_JSON:
        return "application/json; charset=utf-8";
    case SIM_FMT_PROM:
        return "text/plain; version=0.0.4; charset=utf-8";
    case SIM_FMT_CSV:
        return "text/csv; charset=utf-8";
    }
    return "application/octet-stream";
}

/* Frees what an endpoint owns. */
static void endpoint_done(SimEndpoint *e)
{
    free(e->path);
    free(e->content_type);
    sim_render_done(&e->body);
    for (size_t i = 0; i < e->nvalues; i++) {
        free(e->values[i].name);
        sim_gen_done(&e->values[i].gen);
    }
    free(e->values);
    for (size_t i = 0; i < e->nrequire; i++) {
        free(e->require[i].name);
        free(e->require[i].value);
    }
    free(e->require);
    free(e->faults);
}

void sim_scenario_free(SimScenario *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nendpoints; i++)
        endpoint_done(&s->endpoints[i]);
    free(s->endpoints);
    free(s);
}

void sim_scenario_set_seed(SimScenario *s, uint64_t seed)
{
    s->seed = seed;
    for (size_t i = 0; i < s->nendpoints; i++) {
        SimEndpoint *e = &s->endpoints[i];
        for (size_t j = 0; j < e->nvalues; j++)
            e->values[j].key = sim_gen_key(seed, e->path, e->values[j].name);
    }
}

const SimEndpoint *sim_scenario_find(const SimScenario *s, const char *path, size_t len)
{
    for (size_t i = 0; i < s->nendpoints; i++) {
        const char *p = s->endpoints[i].path;
        if (strlen(p) == len && memcmp(p, path, len) == 0) return &s->endpoints[i];
    }
    return NULL;
}

char *sim_scenario_render(const SimScenario *s, const SimEndpoint *e, int64_t start_ms,
                          int64_t now_ms, size_t *out_len)
{
    double values[SIM_MAX_VALUES];
    int decimals[SIM_MAX_VALUES];
    size_t n = e->nvalues < SIM_MAX_VALUES ? e->nvalues : SIM_MAX_VALUES;
    for (size_t i = 0; i < n; i++) {
        const SimGen *g = &e->values[i].gen;
        SimGenCtx ctx = {
            .key = e->values[i].key, .start_ms = start_ms, .tz_offset_s = s->tz_offset_s};
        values[i] = sim_gen_eval(g, &ctx, now_ms);
        decimals[i] = g->integer ? 0 : g->decimals >= 0 ? g->decimals : 2;
    }
    SimRenderArgs a = {.values = values,
                       .decimals = decimals,
                       .n = n,
                       .now_ms = now_ms,
                       .tz_offset_s = s->tz_offset_s};
    return sim_render(&e->body, &a, out_len);
}

const SimFaultWindow *sim_scenario_fault_at(const SimEndpoint *e, int64_t rel_ms, int64_t *since_ms)
{
    for (size_t i = 0; i < e->nfaults; i++) {
        const SimFaultWindow *w = &e->faults[i];
        if (rel_ms < w->at_ms) continue;
        int64_t start = w->at_ms;
        if (w->every_ms > 0) start += (rel_ms - w->at_ms) / w->every_ms * w->every_ms;
        if (w->for_ms < 0 || rel_ms - start < w->for_ms) {
            if (since_ms) *since_ms = start;
            return w;
        }
    }
    return NULL;
}

/* ---- loading ---- */

/* What the template parser's callbacks need to resolve names and positions. */
typedef struct {
    SimLoader *ld;
    const char *src; /* the whole scenario text */
    size_t srclen;
    const YNode *node; /* the body scalar */
    const SimEndpoint *ep;
} TplCtx;

/* Looks a placeholder name up among the endpoint's values. */
static long tpl_lookup(void *ud, const char *name)
{
    const TplCtx *c = ud;
    for (size_t i = 0; i < c->ep->nvalues; i++)
        if (c->ep->values[i].name && strcmp(c->ep->values[i].name, name) == 0) return (long)i;
    return -1;
}

/* True when a placeholder starts at s[i] (the parser's rule: "{{" not followed by '{'). */
static bool opens_at(const char *s, size_t len, size_t i)
{
    return i + 1 < len && s[i] == '{' && s[i + 1] == '{' && !(i + 2 < len && s[i + 2] == '{');
}

/* Byte offset in src of 1-based (line, col), col counted in characters as libyaml does. */
static size_t src_offset(const char *src, size_t len, int line, int col)
{
    size_t o = 0;
    for (int l = 1; l < line && o < len; o++)
        if (src[o] == '\n') l++;
    for (int c = 1; c < col && o < len && src[o] != '\n'; c++) {
        o++;
        while (o < len && ((unsigned char)src[o] & 0xC0) == 0x80)
            o++;
    }
    return o;
}

/* Reports a template problem at the placeholder's own line and column: the
 * k-th placeholder of the body is the k-th "{{" in the source after the node. */
static void tpl_error(void *ud, size_t offset, const char *msg)
{
    TplCtx *c = ud;
    const char *body = c->node->str;
    size_t k = 0;
    for (size_t i = 0; i < offset && i < c->node->len; i++)
        if (opens_at(body, c->node->len, i)) k++;
    int line = c->node->line, col = c->node->col;
    for (size_t o = src_offset(c->src, c->srclen, line, col); o < c->srclen; o++) {
        if (!opens_at(c->src, c->srclen, o)) continue;
        if (k-- > 0) continue;
        line = 1;
        size_t bol = 0;
        for (size_t i = 0; i < o; i++) {
            if (c->src[i] == '\n') {
                line++;
                bol = i + 1;
            }
        }
        col = 1;
        for (size_t i = bol; i < o; i++)
            if (((unsigned char)c->src[i] & 0xC0) != 0x80) col++;
        break;
    }
    diag_add(c->ld->diag, DIAG_ERROR, c->ld->file, line, col, "%s", msg);
}

/* Returns a copy of n's text with every ${NAME} replaced by the environment
 * variable's value, or ${NAME:-default} by the default when the variable is
 * unset; reports unset variables without a default at n. NULL on error. */
static char *expand_env(SimLoader *ld, const YNode *n)
{
    const char *s = n->str;
    size_t cap = n->len + 1, len = 0;
    char *out = malloc(cap);
    if (!out) goto oom;
    while (*s) {
        const char *piece = s;
        size_t plen = 1;
        if (s[0] == '$' && s[1] == '{') {
            const char *end = strchr(s + 2, '}');
            const char *dflt = end ? strstr(s + 2, ":-") : NULL;
            if (dflt && dflt > end) dflt = NULL;
            size_t nlen = end ? (size_t)((dflt ? dflt : end) - s - 2) : 0;
            bool valid = end && nlen > 0 && nlen < 128 && !isdigit((unsigned char)s[2]);
            for (size_t i = 0; valid && i < nlen; i++)
                valid = isalnum((unsigned char)s[2 + i]) || s[2 + i] == '_';
            if (!valid) {
                sim_ld_err(ld, n,
                           _("expected ${NAME} or ${NAME:-default} with NAME made of letters, "
                             "digits and '_'"));
                goto fail;
            }
            char name[128];
            memcpy(name, s + 2, nlen);
            name[nlen] = '\0';
            piece = getenv(name);
            if (piece) {
                plen = strlen(piece);
            } else if (dflt) {
                piece = dflt + 2; /* unset: the default written after ":-" */
                plen = (size_t)(end - piece);
            } else {
                sim_ld_err(ld, n, _("environment variable %s is not set"), name);
                goto fail;
            }
            s = end + 1;
        } else {
            s++;
        }
        if (len + plen + 1 > cap) {
            while (len + plen + 1 > cap)
                cap *= 2;
            char *p = realloc(out, cap);
            if (!p) goto oom;
            out = p;
        }
        memcpy(out + len, piece, plen);
        len += plen;
    }
    out[len] = '\0';
    return out;
oom:
    sim_ld_err(ld, n, "%s", _("out of memory"));
fail:
    free(out);
    return NULL;
}

/* True for an HTTP header name (RFC 9110 token). */
static bool header_name_ok(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("!#$%&'*+-.^_`|~", *s))) return false;
    return true;
}

/* Reads the value of key into *out as a copy of a scalar string. */
static bool read_string(SimLoader *ld, const YNode *n, const char *what, char **out)
{
    if (!n || n->kind != YNODE_SCALAR) {
        sim_ld_err(ld, n, _("expected text for %s, found %s"), what,
                   n ? ynode_kind_name(n->kind) : "?");
        return false;
    }
    *out = strdup(n->str);
    if (!*out) {
        sim_ld_err(ld, n, "%s", _("out of memory"));
        return false;
    }
    return true;
}

/* Reads one fault window of a faults: list. */
static bool read_fault(SimLoader *ld, const YNode *m, SimFaultWindow *w)
{
    static const char *const keys[] = {"mode", "at",    "for",      "every",  "code",
                                       "ms",   "bytes", "requests", "period", NULL};
    if (m->kind != YNODE_MAP) {
        sim_ld_err(ld, m, _("expected a mapping with mode:, at:, for: for a fault"));
        return false;
    }
    bool ok = sim_ld_check_keys(ld, m, keys, _("a fault"));
    const YNode *n = ynode_get(m, "mode");
    SimFaultMode mode;
    if (!n || n->kind != YNODE_SCALAR || !sim_fault_mode_from_name(n->str, &mode)) {
        sim_ld_err(ld, n ? n : m,
                   _("expected mode: refuse, drop, delay, hang, http, malformed, oversize, "
                     "truncated or flap"));
        return false;
    }
    sim_fault_defaults(&w->fault, mode);
    w->at_ms = 0;
    w->for_ms = -1;
    w->every_ms = 0;
    if ((n = ynode_get(m, "at"))) ok &= sim_ld_duration(ld, n, "at", &w->at_ms);
    if ((n = ynode_get(m, "for"))) {
        ok &= sim_ld_duration(ld, n, "for", &w->for_ms);
        if (ok && w->for_ms <= 0) {
            sim_ld_err(ld, n, _("for must be longer than 0"));
            ok = false;
        }
    }
    if ((n = ynode_get(m, "every"))) {
        ok &= sim_ld_duration(ld, n, "every", &w->every_ms);
        if (ok && (w->for_ms < 0 || w->every_ms <= w->for_ms)) {
            sim_ld_err(ld, n, _("every must be longer than for (and for must be given)"));
            ok = false;
        }
    }
    /* Each parameter belongs to some modes only; others are reported, not ignored. */
    static const struct {
        const char *key;
        unsigned modes;
    } params[] = {
        {"code", 1u << SIM_FAULT_HTTP | 1u << SIM_FAULT_FLAP},
        {"ms", 1u << SIM_FAULT_DELAY},
        {"bytes", 1u << SIM_FAULT_OVERSIZE},
        {"requests", 1u << SIM_FAULT_FLAP},
        {"period", 1u << SIM_FAULT_FLAP},
    };
    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
        n = ynode_get(m, params[i].key);
        if (n && !(params[i].modes & (1u << mode))) {
            sim_ld_err(ld, n, _("%s does not apply to mode %s"), params[i].key,
                       sim_fault_mode_name(mode));
            ok = false;
        }
    }
    int64_t v;
    if ((n = ynode_get(m, "code")) && (mode == SIM_FAULT_HTTP || mode == SIM_FAULT_FLAP)) {
        if (sim_ld_int(ld, n, "code", 100, 599, &v))
            w->fault.code = (int)v;
        else
            ok = false;
    }
    if ((n = ynode_get(m, "ms")) && mode == SIM_FAULT_DELAY)
        ok &= sim_ld_int(ld, n, "ms", 0, SIM_MAX_FAULT_MS, &w->fault.ms);
    if ((n = ynode_get(m, "bytes")) && mode == SIM_FAULT_OVERSIZE)
        ok &= sim_ld_int(ld, n, "bytes", 1, SIM_MAX_FAULT_BYTES, &w->fault.bytes);
    if (mode == SIM_FAULT_FLAP) {
        if ((n = ynode_get(m, "requests")))
            ok &= sim_ld_int(ld, n, "requests", 1, 1000000, &w->fault.requests);
        if ((n = ynode_get(m, "period"))) {
            ok &= sim_ld_duration(ld, n, "period", &w->fault.period_ms);
            if (ok && w->fault.period_ms <= 0) {
                sim_ld_err(ld, n, _("period must be longer than 0"));
                ok = false;
            }
        }
        if (ynode_get(m, "requests") && ynode_get(m, "period")) {
            sim_ld_err(ld, m, _("a flap alternates by requests: or by period:, not both"));
            ok = false;
        }
    }
    return ok;
}

/* True for a value name usable in {{name}}. */
static bool value_name_ok(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.')) return false;
    return true;
}

/* Reads values: into e. */
static bool read_values(SimLoader *ld, const YNode *m, SimEndpoint *e)
{
    if (m->kind != YNODE_MAP) {
        sim_ld_err(ld, m, _("expected a mapping of name: generator for values, found %s"),
                   ynode_kind_name(m->kind));
        return false;
    }
    if (m->n > SIM_MAX_VALUES) {
        sim_ld_err(ld, m, _("too many values (at most %d per endpoint)"), SIM_MAX_VALUES);
        return false;
    }
    e->values = sim_ld_calloc(ld, m, m->n ? m->n : 1, sizeof(*e->values));
    if (!e->values) return false;
    bool ok = true;
    for (size_t i = 0; i < m->n; i++) {
        SimValue *v = &e->values[e->nvalues++];
        sim_gen_init(&v->gen);
        const char *name = m->keys[i]->str;
        if (!value_name_ok(name)) {
            sim_ld_err(ld, m->keys[i],
                       _("a value name may only have letters, digits, '_', '-' and '.'"));
            ok = false;
        } else if (strcmp(name, "now_iso") == 0 || strcmp(name, "now_ms") == 0 ||
                   strcmp(name, "now_unix") == 0) {
            sim_ld_err(ld, m->keys[i], _("'%s' is a built-in placeholder; pick another name"),
                       name);
            ok = false;
        }
        v->name = strdup(name);
        if (!v->name) {
            sim_ld_err(ld, m, "%s", _("out of memory"));
            return false;
        }
        ok &= sim_ld_gen(ld, m->items[i], &v->gen, 0);
    }
    return ok;
}

/* Reads require_headers: into e. */
static bool read_required(SimLoader *ld, const YNode *m, SimEndpoint *e)
{
    if (m->kind != YNODE_MAP || m->n > SIM_MAX_REQUIRED) {
        sim_ld_err(ld, m, _("expected a mapping of up to %d header: value pairs"),
                   SIM_MAX_REQUIRED);
        return false;
    }
    e->require = sim_ld_calloc(ld, m, m->n ? m->n : 1, sizeof(*e->require));
    if (!e->require) return false;
    bool ok = true;
    for (size_t i = 0; i < m->n; i++) {
        if (!header_name_ok(m->keys[i]->str)) {
            sim_ld_err(ld, m->keys[i], _("'%.60s' is not a valid HTTP header name"),
                       m->keys[i]->str);
            ok = false;
            continue;
        }
        if (m->items[i]->kind != YNODE_SCALAR) {
            sim_ld_err(ld, m->items[i], _("expected the header's required value as text"));
            ok = false;
            continue;
        }
        SimHeader *h = &e->require[e->nrequire];
        h->value = expand_env(ld, m->items[i]);
        if (!h->value) {
            ok = false;
            continue;
        }
        h->name = strdup(m->keys[i]->str);
        if (!h->name) {
            free(h->value);
            sim_ld_err(ld, m, "%s", _("out of memory"));
            return false;
        }
        e->nrequire++;
    }
    return ok;
}

/* Reads faults: into e. */
static bool read_faults(SimLoader *ld, const YNode *l, SimEndpoint *e)
{
    if (l->kind != YNODE_SEQ || l->n > SIM_MAX_FAULTS) {
        sim_ld_err(ld, l, _("expected a list of up to %d faults"), SIM_MAX_FAULTS);
        return false;
    }
    e->faults = sim_ld_calloc(ld, l, l->n ? l->n : 1, sizeof(*e->faults));
    if (!e->faults) return false;
    bool ok = true;
    for (size_t i = 0; i < l->n; i++)
        ok &= read_fault(ld, l->items[i], &e->faults[e->nfaults++]);
    return ok;
}

/* Checks an endpoint path: starts with '/', no query, blanks or control API prefix. */
static bool check_path(SimLoader *ld, const YNode *n)
{
    const char *p = n->str;
    bool bad = p[0] != '/';
    for (const char *c = p; *c && !bad; c++)
        bad = (unsigned char)*c <= ' ' || *c == '?' || *c == '#' || *c == 0x7f;
    if (bad) {
        sim_ld_err(ld, n,
                   _("expected a path starting with '/' without blanks, '?' or '#', found "
                     "'%.60s'"),
                   p);
        return false;
    }
    if (strncmp(p, "/_sim/", 6) == 0 || strcmp(p, "/_sim") == 0) {
        sim_ld_err(ld, n, _("paths under /_sim/ are the simulator's control API"));
        return false;
    }
    return true;
}

/* Reads one endpoint; src/srclen locate placeholders for messages. */
static bool read_endpoint(SimLoader *ld, const YNode *m, SimEndpoint *e, SimFormat deffmt,
                          const char *src, size_t srclen)
{
    static const char *const keys[] = {"path",   "format",      "content_type",
                                       "body",   "values",      "require_headers",
                                       "faults", "description", NULL};
    if (m->kind != YNODE_MAP) {
        sim_ld_err(ld, m, _("expected a mapping with path:, format:, body: for an endpoint"));
        return false;
    }
    bool ok = sim_ld_check_keys(ld, m, keys, _("an endpoint"));
    const YNode *n;
    e->format = deffmt;
    if (!(n = ynode_get(m, "path"))) {
        sim_ld_err(ld, m, _("an endpoint needs path: (e.g. /api/kpi)"));
        ok = false;
    } else if (read_string(ld, n, "path", &e->path)) {
        ok &= check_path(ld, n);
    } else {
        ok = false;
    }
    if ((n = ynode_get(m, "format"))) {
        if (n->kind != YNODE_SCALAR || !sim_format_from_name(n->str, &e->format)) {
            sim_ld_err(ld, n, _("expected format: json, prometheus or csv"));
            ok = false;
        }
    }
    if ((n = ynode_get(m, "content_type"))) {
        if (read_string(ld, n, "content_type", &e->content_type)) {
            if (strpbrk(e->content_type, "\r\n") || !*e->content_type) {
                sim_ld_err(ld, n, _("content_type must be one line of text"));
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    if ((n = ynode_get(m, "values"))) ok &= read_values(ld, n, e);
    if ((n = ynode_get(m, "require_headers"))) ok &= read_required(ld, n, e);
    if ((n = ynode_get(m, "faults"))) ok &= read_faults(ld, n, e);
    if (!(n = ynode_get(m, "body"))) {
        sim_ld_err(ld, m,
                   _("an endpoint needs body: (the response text with {{name}} "
                     "placeholders)"));
        ok = false;
    } else if (n->kind != YNODE_SCALAR) {
        sim_ld_err(ld, n, _("expected text for body, found %s (write it as a block: body: |)"),
                   ynode_kind_name(n->kind));
        ok = false;
    } else if (n->len > SIM_MAX_BODY) {
        sim_ld_err(ld, n, _("body is too long (at most %d bytes)"), SIM_MAX_BODY);
        ok = false;
    } else {
        TplCtx c = {.ld = ld, .src = src, .srclen = srclen, .node = n, .ep = e};
        if (sim_render_parse(&e->body, n->str, n->len, tpl_lookup, tpl_error, &c) > 0) ok = false;
    }
    return ok;
}

/* Reads the sim: section into s (and the loader's timezone). */
static bool read_sim(SimLoader *ld, const YNode *m, SimScenario *s, SimFormat *deffmt)
{
    static const char *const keys[] = {"seed",   "timezone", "start",       "time_scale",
                                       "format", "name",     "description", NULL};
    if (m->kind != YNODE_MAP) {
        sim_ld_err(ld, m, _("expected a mapping for sim (seed:, timezone:, start:)"));
        return false;
    }
    bool ok = sim_ld_check_keys(ld, m, keys, "sim");
    const YNode *n;
    if ((n = ynode_get(m, "seed"))) {
        int64_t seed;
        if (sim_ld_int(ld, n, "seed", 0, INT64_MAX, &seed))
            s->seed = (uint64_t)seed;
        else
            ok = false;
    }
    if ((n = ynode_get(m, "timezone"))) {
        if (n->kind != YNODE_SCALAR || !sim_time_parse_tz(n->str, &s->tz_offset_s)) {
            sim_ld_err(
                ld, n,
                _("expected a UTC offset for timezone such as +07:00, UTC or Asia/Ho_Chi_Minh"));
            ok = false;
        }
        ld->tz_offset_s = s->tz_offset_s;
    }
    if ((n = ynode_get(m, "start"))) {
        if (n->kind == YNODE_SCALAR && strcmp(n->str, "now") == 0) {
            s->has_start = false;
        } else if (n->kind == YNODE_SCALAR &&
                   sim_time_parse_iso(n->str, s->tz_offset_s, &s->start_ms)) {
            s->has_start = true;
        } else {
            sim_ld_err(ld, n,
                       _("expected start: now or an ISO 8601 time such as "
                         "2025-03-26T08:00:00+07:00"));
            ok = false;
        }
    }
    if ((n = ynode_get(m, "time_scale"))) {
        if (sim_ld_number(ld, n, "time_scale", &s->time_scale)) {
            if (s->time_scale < 0 || s->time_scale > 1e6) {
                sim_ld_err(ld, n, _("time_scale must be between 0 and 1000000"));
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    if ((n = ynode_get(m, "format"))) {
        if (n->kind != YNODE_SCALAR || !sim_format_from_name(n->str, deffmt)) {
            sim_ld_err(ld, n, _("expected format: json, prometheus or csv"));
            ok = false;
        }
    }
    return ok;
}

SimScenario *sim_scenario_parse(const char *text, size_t len, const char *file, Diag *diag)
{
    static const char *const keys[] = {"sim", "endpoints", "name", "description", NULL};
    size_t errors_before = diag->errors;
    SimLoader ld = {.file = file, .diag = diag, .tz_offset_s = 7 * 3600};
    SimScenario *s = NULL;
    YNode *root = ynode_parse(text, len, file, diag);
    if (!root) goto fail;
    if (root->kind != YNODE_MAP) {
        sim_ld_err(&ld, root, _("expected a mapping with sim: and endpoints: at the top"));
        goto fail;
    }
    s = calloc(1, sizeof(*s));
    if (!s) goto oom;
    s->seed = 1;
    s->tz_offset_s = 7 * 3600;
    s->time_scale = 1;
    sim_ld_check_keys(&ld, root, keys, _("the scenario"));
    SimFormat deffmt = SIM_FMT_JSON;
    const YNode *n;
    if ((n = ynode_get(root, "sim"))) read_sim(&ld, n, s, &deffmt);
    n = ynode_get(root, "endpoints");
    if (!n || n->kind != YNODE_SEQ || n->n == 0 || n->n > SIM_MAX_ENDPOINTS) {
        sim_ld_err(&ld, n ? n : root, _("expected endpoints: a list of 1 to %d endpoints"),
                   SIM_MAX_ENDPOINTS);
        goto fail;
    }
    s->endpoints = calloc(n->n, sizeof(*s->endpoints));
    if (!s->endpoints) goto oom;
    for (size_t i = 0; i < n->n; i++) {
        SimEndpoint *e = &s->endpoints[s->nendpoints++];
        read_endpoint(&ld, n->items[i], e, deffmt, text, len);
        for (size_t j = 0; e->path && j < i; j++) {
            if (s->endpoints[j].path && strcmp(s->endpoints[j].path, e->path) == 0) {
                const YNode *p = ynode_get(n->items[i], "path");
                sim_ld_err(&ld, p, _("duplicate path '%.60s' (first given at line %d)"), e->path,
                           ynode_get(n->items[j], "path")->line);
                break;
            }
        }
    }
    if (diag->errors > errors_before) goto fail;
    sim_scenario_set_seed(s, s->seed);
    ynode_free(root);
    return s;
oom:
    diag_add(diag, DIAG_ERROR, file, 0, 0, "%s", _("out of memory"));
fail:
    sim_scenario_free(s);
    ynode_free(root);
    return NULL;
}

SimScenario *sim_scenario_load(const char *path, Diag *diag)
{
    /* O_NONBLOCK and a regular file only: a FIFO would block the open forever. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        diag_add(diag, DIAG_ERROR, path, 0, 0, _("cannot open the scenario: %s"), strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_add(diag, DIAG_ERROR, path, 0, 0, "%s", _("not a regular file"));
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        diag_add(diag, DIAG_ERROR, path, 0, 0, _("cannot open the scenario: %s"), strerror(errno));
        close(fd);
        return NULL;
    }
    char *buf = malloc(SIM_MAX_SCENARIO_BYTES + 1);
    if (!buf) {
        fclose(f);
        diag_add(diag, DIAG_ERROR, path, 0, 0, "%s", _("out of memory"));
        return NULL;
    }
    size_t n = fread(buf, 1, SIM_MAX_SCENARIO_BYTES + 1, f);
    bool err = ferror(f);
    fclose(f);
    SimScenario *s = NULL;
    if (err) {
        diag_add(diag, DIAG_ERROR, path, 0, 0, "%s", _("cannot read the scenario"));
    } else if (n > SIM_MAX_SCENARIO_BYTES) {
        diag_add(diag, DIAG_ERROR, path, 0, 0, _("the scenario is larger than %d bytes"),
                 SIM_MAX_SCENARIO_BYTES);
    } else {
        s = sim_scenario_parse(buf, n, path, diag);
    }
    free(buf);
    return s;
}
