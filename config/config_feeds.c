/* config_feeds.c - the feeds list of a config: feeds, headers and KPIs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "base/i18n.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const feed_keys[] = {"id",
                                        "name",
                                        "name_en",
                                        "url",
                                        "format",
                                        "interval",
                                        "timeout",
                                        "number_format",
                                        "csv_separator",
                                        "headers",
                                        "kpis",
                                        "auth",
                                        "tls",
                                        "max_body",
                                        "max_redirects",
                                        "slow",
                                        "allow_file",
                                        "follow_redirects",
                                        "allow_link_local",
                                        "for_each"};

static const char *const kpi_keys[] = {"id",       "name",   "name_en", "short", "select",
                                       "column",   "where",  "unit",    "agg",   "number_format",
                                       "scale",    "offset", "target",  "warn",  "crit",
                                       "decimals", "min",    "max",     "query", "counter"};

static const char *const format_names[] = {"json", "prometheus", "csv", "promql"};
static const char *const counter_names[] = {"rate", "increase"};
static const char *const agg_names[] = {"first", "last", "sum", "avg", "min", "max", "count"};

/* Which way a threshold points: bit 1 = below (< <=), bit 2 = above (> >=). */
static int threshold_dir(const CfgThreshold *t)
{
    int d = 0;
    for (size_t i = 0; i < t->n; i++)
        d |= (t->op[i] == CMP_LT || t->op[i] == CMP_LE) ? 1 : 2;
    return d;
}

/* Loads the query of a KPI of a promql feed into k->select. */
static void load_query(Ld *ld, const YNode *m, CfgKpi *k)
{
    static const char *const others[] = {"select", "column", "where"};
    for (size_t i = 0; i < N_OF(others); i++) {
        const YNode *v = ld_get(ld, m, others[i], false, "");
        if (v)
            ld_err(ld, v->line, v->col,
                   _("'%s' is not for promql feeds: a promql KPI has a 'query' (e.g. query: "
                     "'sum(rate(node_cpu_seconds_total[5m]))')"),
                   others[i]);
    }
    if (!ld_str(ld, m, "query", true, _("in KPI (a promql feed's KPI has a PromQL query)"),
                &k->select) ||
        !k->select)
        return;
    const YNode *q = ynode_get(m, "query");
    size_t n = strlen(k->select), i = 0;
    while (i < n && strchr(" \t\r\n", k->select[i]))
        i++;
    if (i == n)
        ld_err(ld, q->line, q->col, "%s", _("'query' must not be empty"));
    else if (n > CFG_MAX_QUERY)
        ld_err(ld, q->line, q->col, _("'query' is too long (%zu bytes, at most %d)"), n,
               CFG_MAX_QUERY);
}

/* Loads the KPI's selector: select (json, prometheus), column + where (csv)
 * or query (promql). fmt_ok is false when the feed's format is invalid: then
 * nothing is compiled. */
static void load_selector(Ld *ld, const CfgFeed *f, bool fmt_ok, const YNode *m, CfgKpi *k)
{
    const YNode *query = ld_get(ld, m, "query", false, "");
    if (fmt_ok && f->format == FEED_PROMQL) {
        load_query(ld, m, k);
        return;
    }
    if (query && fmt_ok)
        ld_err(ld, query->line, query->col,
               _("'query' is for promql feeds (format: promql); a %s feed uses '%s'"),
               format_names[f->format], f->format == FEED_CSV ? "column" : "select");
    const YNode *sel = ld_get(ld, m, "select", false, "");
    const YNode *col = ld_get(ld, m, "column", false, "");
    const YNode *where = ld_get(ld, m, "where", false, "");
    bool csv = fmt_ok && f->format == FEED_CSV;
    if (fmt_ok && !csv) {
        if (col)
            ld_err(ld, col->line, col->col,
                   _("'column' is for csv feeds; a %s feed uses 'select' (e.g. %s)"),
                   format_names[f->format],
                   f->format == FEED_JSON ? "select: \"$.data.value\"" : "select: metric_name");
        if (where) ld_err(ld, where->line, where->col, _("'where' is for csv feeds only"));
        if (!ld_str(ld, m, "select", true, _("in KPI"), &k->select)) return;
    } else if (csv) {
        if (sel)
            ld_err(ld, sel->line, sel->col,
                   _("csv feeds select a column: use 'column' (and 'where') instead of 'select'"));
        if (!ld_str(ld, m, "column", true, _("in KPI (csv feeds select a column)"), &k->select))
            return;
    } else {
        if (!ld_str(ld, m, sel ? "select" : "column", false, "", &k->select)) return;
    }
    if (csv && where && ld_expect(ld, where, YNODE_MAP, _("a mapping of column: value"))) {
        k->where = ld_calloc(ld, where, where->n ? where->n : 1, sizeof(*k->where));
        if (!k->where) return;
        k->n_where = where->n;
        for (size_t i = 0; i < where->n; i++) {
            const YNode *v = where->items[i];
            k->where[i].column = ld_strdup(ld, where->keys[i], where->keys[i]->str);
            if (v->kind != YNODE_SCALAR) {
                ld_err(ld, v->line, v->col,
                       _("expected the value column '%.64s' must have, got %s"),
                       where->keys[i]->str, ld_kind(v));
                continue;
            }
            k->where[i].value = ld_strdup(ld, v, v->str);
        }
    }
    sel = ynode_get(m, "select");
    if (!fmt_ok || csv || !k->select || !sel) return;
    if (f->format == FEED_JSON) {
        JpError err = {0};
        k->jp = jp_compile(k->select, &err);
        size_t pos;
        if (!k->jp)
            ld_err(ld, sel->line, ld_col(sel, err.pos), _("invalid selector: %s"), err.msg);
        else if (jp_nested_descendant(k->jp, &pos))
            ld_warn(ld, sel->line, ld_col(sel, pos),
                    _("'..' inside a filter under '..': the work grows with the square of the "
                      "document's depth or worse; past %zu node visits the KPI gets no value"),
                    (size_t)JP_DEFAULT_BUDGET);
    } else {
        PromError err = {0};
        k->prom = prom_selector_compile(k->select, &err);
        if (!k->prom)
            ld_err(ld, sel->line, ld_col(sel, err.pos), _("invalid selector: %s"), err.msg);
    }
}

/* Loads the optional numeric and display keys of a KPI. */
static void load_kpi_values(Ld *ld, const YNode *m, CfgKpi *k)
{
    const YNode *v;
    size_t idx;
    if ((v = ld_get(ld, m, "agg", false, "")) &&
        ld_choice(ld, v, "agg", agg_names, N_OF(agg_names),
                  _("first, last, sum, avg, min, max or count"), &idx)) {
        val_agg_from_name(agg_names[idx], &k->agg);
        k->has_agg = true;
    }
    if ((v = ld_get(ld, m, "counter", false, "")) &&
        ld_choice(ld, v, "counter", counter_names, N_OF(counter_names), _("rate or increase"),
                  &idx))
        k->counter = idx == 0 ? COUNTER_RATE : COUNTER_INCREASE;
    if ((v = ld_get(ld, m, "number_format", false, ""))) ld_numfmt(ld, v, &k->numfmt);
    if ((v = ld_get(ld, m, "scale", false, ""))) ld_num(ld, v, "scale", &k->scale);
    if ((v = ld_get(ld, m, "offset", false, ""))) ld_num(ld, v, "offset", &k->offset);
    if ((v = ld_get(ld, m, "target", false, "")))
        k->has_target = ld_num(ld, v, "target", &k->target);
    if ((v = ld_get(ld, m, "decimals", false, ""))) ld_int(ld, v, "decimals", 0, 6, &k->decimals);
    const YNode *vmin = ld_get(ld, m, "min", false, "");
    const YNode *vmax = ld_get(ld, m, "max", false, "");
    bool ok_min = vmin && ld_num(ld, vmin, "min", &k->min);
    bool ok_max = vmax && ld_num(ld, vmax, "max", &k->max);
    if (ok_min && ok_max && !(k->min < k->max))
        ld_err(ld, vmax->line, vmax->col, _("'max' (%g) must be greater than 'min' (%g)"), k->max,
               k->min);
    const YNode *vw = ld_get(ld, m, "warn", false, "");
    const YNode *vc = ld_get(ld, m, "crit", false, "");
    bool ok_w = vw && ld_threshold(ld, vw, "warn", &k->warn);
    bool ok_c = vc && ld_threshold(ld, vc, "crit", &k->crit);
    int dw = threshold_dir(&k->warn), dc = threshold_dir(&k->crit);
    if (ok_w && ok_c && ((dw == 1 && dc == 2) || (dw == 2 && dc == 1)))
        ld_warn(ld, vc->line, vc->col,
                _("'warn' and 'crit' point in opposite directions ('%.40s' and '%.40s')"), vw->str,
                vc->str);
}

/* Loads one KPI of feed f from mapping m into k. */
static void load_kpi(Ld *ld, const CfgFeed *f, bool fmt_ok, const YNode *m, CfgKpi *k)
{
    k->line = m->line;
    k->col = m->col;
    k->agg = AGG_FIRST;
    k->numfmt = f->numfmt;
    k->scale = 1;
    k->offset = 0;
    k->decimals = -1;
    k->min = NAN;
    k->max = NAN;
    if (!ld_expect(ld, m, YNODE_MAP, _("a KPI (a mapping with id and select)"))) return;
    ld_check_keys(ld, m, kpi_keys, N_OF(kpi_keys), _("in KPI"));
    const YNode *id = ld_get(ld, m, "id", true, _("in KPI"));
    if (id && ld_id(ld, id)) {
        k->id = ld_strdup(ld, id, id->str);
        if (f->id && k->id) {
            size_t n = strlen(f->id) + strlen(k->id) + 2;
            k->key = malloc(n);
            if (k->key)
                snprintf(k->key, n, "%s.%s", f->id, k->id);
            else
                ld_err(ld, id->line, id->col, "%s", _("out of memory"));
        }
    }
    ld_str(ld, m, "name", false, "", &k->name);
    ld_str(ld, m, "name_en", false, "", &k->name_en);
    if (ld_str(ld, m, "short", false, "", &k->short_name) && k->short_name && !*k->short_name) {
        const YNode *sn = ynode_get(m, "short");
        ld_err(ld, sn->line, sn->col, "%s", _("'short' must not be empty"));
    }
    ld_str(ld, m, "unit", false, "", &k->unit);
    if (!k->name && k->id) k->name = ld_strdup(ld, m, k->id);
    if (!k->unit) k->unit = ld_strdup(ld, m, "");
    load_selector(ld, f, fmt_ok, m, k);
    load_kpi_values(ld, m, k);
}

/* Loads and checks the url of a feed (expanded and shown forms). */
static void load_url(Ld *ld, const YNode *m, CfgFeed *f)
{
    const YNode *v = ld_get(ld, m, "url", true, _("in feed"));
    if (!v) return;
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected text for 'url', got %s"), ld_kind(v));
        return;
    }
    ld_url(ld, v, "url", f->allow_file, &f->url, &f->url_shown);
}

/* Loads the KPIs list of feed f. */
static void load_kpis(Ld *ld, const YNode *m, CfgFeed *f, bool fmt_ok)
{
    const YNode *ks = ld_get(ld, m, "kpis", true, _("in feed"));
    if (!ks || !ld_expect(ld, ks, YNODE_SEQ, _("a list of KPIs"))) return;
    if (ks->n == 0) {
        ld_err(ld, ks->line, ks->col, "%s", _("a feed needs at least one KPI"));
        return;
    }
    f->kpis = ld_calloc(ld, ks, ks->n, sizeof(*f->kpis));
    if (!f->kpis) return;
    f->n_kpis = ks->n;
    for (size_t i = 0; i < ks->n; i++) {
        load_kpi(ld, f, fmt_ok, ks->items[i], &f->kpis[i]);
        CfgKpi *k = &f->kpis[i];
        if (!k->key) continue; /* no valid id (reported), or no feed id */
        void *first = NULL;
        const YNode *id = ynode_get(ks->items[i], "id");
        int added = strmap_put(&ld->cfg->index->kpis, k->key, strlen(k->key), k, &first);
        const CfgKpi *fk = first;
        if (added < 0)
            ld_err(ld, id->line, id->col, "%s", _("out of memory"));
        else if (added == 0 && cfg_find_feed(ld->cfg, f->id, strlen(f->id)) == f)
            /* (a KPI of a feed whose id is a duplicate is not reported again) */
            ld_err(ld, id->line, id->col,
                   _("duplicate KPI id '%s' in feed '%s' (first defined at line %d)"), k->id, f->id,
                   fk->line);
    }
}

/* Loads one feed from mapping m into f (the idx-th of the list). */
static void load_feed(Ld *ld, const YNode *m, size_t idx)
{
    Config *c = ld->cfg;
    CfgFeed *f = &c->feeds[idx];
    f->line = m->line;
    f->col = m->col;
    f->format = FEED_JSON;
    f->numfmt = c->numfmt;
    f->interval_ms = c->interval_ms;
    f->timeout_ms = c->timeout_ms;
    if (!ld_expect(ld, m, YNODE_MAP, _("a feed (a mapping with id, url and kpis)"))) return;
    ld_check_keys(ld, m, feed_keys, N_OF(feed_keys), _("in feed"));
    const YNode *id = ld_get(ld, m, "id", true, _("in feed"));
    if (id && ld_id(ld, id)) {
        f->id = ld_strdup(ld, id, id->str);
        void *first = NULL;
        int added = f->id ? strmap_put(&c->index->feeds, f->id, strlen(f->id), f, &first) : 1;
        if (added < 0)
            ld_err(ld, id->line, id->col, "%s", _("out of memory"));
        else if (added == 0)
            ld_err(ld, id->line, id->col, _("duplicate feed id '%s' (first defined at line %d)"),
                   f->id, ((const CfgFeed *)first)->line);
    }
    ld_str(ld, m, "name", false, "", &f->name);
    ld_str(ld, m, "name_en", false, "", &f->name_en);
    if (!f->name && f->id) f->name = ld_strdup(ld, m, f->id);
    const YNode *v;
    bool fmt_ok = true;
    size_t fmt;
    if ((v = ld_get(ld, m, "format", false, ""))) {
        fmt_ok = ld_choice(ld, v, "format", format_names, N_OF(format_names),
                           _("json, prometheus, csv or promql"), &fmt);
        if (fmt_ok) f->format = (FeedFormat)fmt;
    }
    cfg_load_allow_file(ld, m, f);
    load_url(ld, m, f);
    if (fmt_ok && f->format == FEED_PROMQL && f->url_shown &&
        (strchr(f->url_shown, '?') || strchr(f->url_shown, '#') ||
         strncmp(f->url_shown, "file:", 5) == 0)) {
        const YNode *u = ynode_get(m, "url");
        ld_err(ld, u->line, u->col, "%s",
               _("a promql feed's url is the base URL of Prometheus (e.g. http://prometheus:9090), "
                 "without a query or fragment; ioc adds /api/v1/query"));
    }
    f->interval_ms = c->interval_ms;
    f->timeout_ms = c->timeout_ms;
    ld_timing(ld, m, &f->interval_ms, &f->timeout_ms);
    cfg_load_transport(ld, m, f);
    if ((v = ld_get(ld, m, "number_format", false, ""))) ld_numfmt(ld, v, &f->numfmt);
    if ((v = ld_get(ld, m, "csv_separator", false, ""))) {
        if (fmt_ok && f->format != FEED_CSV)
            ld_err(ld, v->line, v->col, "%s", _("'csv_separator' is only for csv feeds"));
        else if (v->kind == YNODE_SCALAR && (strcmp(v->str, ",") == 0 || strcmp(v->str, ";") == 0))
            f->csv_sep = v->str[0];
        else
            ld_err(ld, v->line, v->col, "%s", _("expected \",\" or \";\" for 'csv_separator'"));
    }
    if ((v = ld_get(ld, m, "headers", false, ""))) ld_headers(ld, v, &f->headers, &f->n_headers);
    load_kpis(ld, m, f, fmt_ok);
}

void cfg_load_feeds(Ld *ld, const YNode *seq)
{
    if (!ld_expect(ld, seq, YNODE_SEQ, _("a list of feeds"))) return;
    if (seq->n == 0) {
        if (!ld->dropped) /* not when the only feeds were for_each templates in error */
            ld_err(ld, seq->line, seq->col, "%s", _("expected at least one feed"));
        return;
    }
    Config *c = ld->cfg;
    c->feeds = ld_calloc(ld, seq, seq->n, sizeof(*c->feeds));
    if (!c->feeds) return;
    c->n_feeds = seq->n;
    CfgForEach g = {0};
    for (size_t i = 0; i < seq->n; i++) {
        cfg_foreach_begin(ld, seq->items[i], &g);
        load_feed(ld, seq->items[i], i);
        cfg_foreach_end(ld, &g);
    }
    cfg_foreach_done(ld, &g);
}
