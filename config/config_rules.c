/* config_rules.c - the rules: and notify: sections of a config, and the
 * implicit rules made from every KPI's warn/crit thresholds. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "base/fmt.h"
#include "base/i18n.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Longest exec command line accepted (arguments). */
#define CFG_MAX_ARGV 64

static const char *const rule_keys[] = {
    "id",       "kpi",  "feed",  "above", "below",           "change",   "nodata",  "down",
    "bad_data", "slow", "clear", "for",   "keep_firing_for", "severity", "summary", "labels"};
static const char *const change_keys[] = {"over", "by"};
static const char *const notify_keys[] = {"webhook", "exec",       "min_severity", "headers",
                                          "repeat",  "group_wait", "timeout"};
static const char *const severity_names[] = {"info", "warning", "critical"};
static const char *const placeholder_names[] = {"kpi",  "key",  "value",    "unit",  "target",
                                                "feed", "rule", "severity", "change"};

/* KPI conditions and feed conditions, as written. */
static const char *const kpi_conds[] = {"above", "below", "change", "nodata"};
static const char *const feed_conds[] = {"down", "slow", "bad_data"};

/* Frees the strings a rule owns. */
static void rule_done(CfgRule *r)
{
    free(r->id);
    free(r->kpi);
    free(r->feed);
    free(r->summary);
    for (size_t i = 0; i < r->n_labels; i++) {
        if (r->label_keys) free(r->label_keys[i]);
        if (r->label_values) free(r->label_values[i]);
    }
    free(r->label_keys);
    free(r->label_values);
}

/* Frees the strings a notification target owns. */
static void notify_done(CfgNotify *n)
{
    free(n->url);
    free(n->url_shown);
    for (size_t i = 0; i < n->n_headers; i++) {
        free(n->headers[i].name);
        free(n->headers[i].value);
        free(n->headers[i].value_shown);
    }
    free(n->headers);
    for (size_t i = 0; n->argv && i < n->argc; i++)
        free(n->argv[i]);
    free(n->argv);
}

void cfg_rules_free(Config *c)
{
    for (size_t i = 0; i < c->n_rules; i++)
        rule_done(&c->rules[i]);
    free(c->rules);
    c->rules = NULL;
    c->n_rules = 0;
    for (size_t i = 0; i < c->n_notify; i++)
        notify_done(&c->notify[i]);
    free(c->notify);
    c->notify = NULL;
    c->n_notify = 0;
}

/* Reports an unknown feed id at v, suggesting the closest existing id. */
static void unknown_feed(Ld *ld, const YNode *v)
{
    const Config *c = ld->cfg;
    const char **ids = c->n_feeds ? calloc(c->n_feeds, sizeof(*ids)) : NULL;
    for (size_t i = 0; ids && i < c->n_feeds; i++)
        ids[i] = c->feeds[i].id;
    const char *s = ids ? ld_suggest(v->str, ids, c->n_feeds) : NULL;
    if (s)
        ld_err(ld, v->line, v->col, _("unknown feed '%.40s' (did you mean '%s'?)"), v->str, s);
    else
        ld_err(ld, v->line, v->col, _("unknown feed '%.40s'"), v->str);
    free(ids);
}

/* Reads a severity name from v. */
static bool ld_severity(Ld *ld, const YNode *v, const char *key, Severity *out)
{
    size_t idx;
    if (!ld_choice(ld, v, key, severity_names, N_OF(severity_names), _("info, warning or critical"),
                   &idx))
        return false;
    *out = (Severity)idx;
    return true;
}

/* Checks the {{placeholders}} of a summary template (scalar v). */
static void check_template(Ld *ld, const YNode *v)
{
    const char *s = v->str;
    size_t i = 0;
    while (i + 1 < v->len) {
        if (s[i] != '{' || s[i + 1] != '{') {
            i++;
            continue;
        }
        const char *close = strstr(s + i + 2, "}}");
        if (!close) {
            ld_err(ld, v->line, ld_col(v, i), "%s",
                   _("unterminated '{{' in 'summary' (expected '}}')"));
            return;
        }
        size_t a = i + 2, b = (size_t)(close - s);
        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        char name[24];
        bool ok = false;
        if (b - a < sizeof(name)) {
            memcpy(name, s + a, b - a);
            name[b - a] = '\0';
            for (size_t k = 0; k < N_OF(placeholder_names) && !ok; k++)
                ok = strcmp(name, placeholder_names[k]) == 0;
        } else {
            snprintf(name, sizeof(name), "%.20s", s + a);
        }
        if (!ok) {
            const char *sug = ld_suggest(name, placeholder_names, N_OF(placeholder_names));
            if (sug)
                ld_err(ld, v->line, ld_col(v, i),
                       _("unknown placeholder '{{%.*s}}' in 'summary' (did you mean '{{%s}}'?)"),
                       (int)(b - a > 40 ? 40 : b - a), s + a, sug);
            else
                ld_err(ld, v->line, ld_col(v, i),
                       _("unknown placeholder '{{%.*s}}' in 'summary' (expected kpi, key, value, "
                         "unit, target, feed, rule, severity or change)"),
                       (int)(b - a > 40 ? 40 : b - a), s + a);
        }
        i = (size_t)(close - s) + 2;
    }
}

/* Loads labels: { name: text } into r. */
static void load_labels(Ld *ld, const YNode *m, CfgRule *r)
{
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping of label: text"))) return;
    if (m->n == 0) return;
    r->label_keys = calloc(m->n, sizeof(char *));
    r->label_values = calloc(m->n, sizeof(char *));
    if (!r->label_keys || !r->label_values) {
        ld_err(ld, m->line, m->col, "%s", _("out of memory"));
        return;
    }
    r->n_labels = m->n;
    for (size_t i = 0; i < m->n; i++) {
        const YNode *v = m->items[i];
        r->label_keys[i] = ld_strdup(ld, m->keys[i], m->keys[i]->str);
        if (v->kind != YNODE_SCALAR || ynode_is_null(v)) {
            ld_err(ld, v->line, v->col, _("expected text for label '%.40s', got %s"),
                   m->keys[i]->str, ld_kind(v));
            continue;
        }
        r->label_values[i] = ld_strdup(ld, v, v->str);
    }
}

/* Reads above:/below: (a number, or the word target) into r. kpi may be NULL
 * when the rule's KPI is unknown. */
static bool load_level(Ld *ld, const YNode *v, const char *key, const CfgKpi *kpi, CfgRule *r)
{
    if (v->kind == YNODE_SCALAR && strcmp(v->str, "target") == 0) {
        r->target_relative = true;
        if (kpi && !kpi->has_target) {
            ld_err(ld, v->line, v->col,
                   _("'%s: target' needs a target on KPI '%s' (add target: to the KPI)"), key,
                   kpi->key);
            return false;
        }
        if (kpi) r->level = kpi->target;
        return kpi != NULL;
    }
    double d;
    if (v->kind == YNODE_SCALAR && val_parse(v->str, v->len, NUMFMT_PLAIN, &d) && isfinite(d)) {
        r->level = d;
        return true;
    }
    if (v->kind == YNODE_SCALAR)
        ld_err(ld, v->line, v->col, _("expected a number or 'target' for '%s', got '%.40s'"), key,
               v->str);
    else
        ld_err(ld, v->line, v->col, _("expected a number or 'target' for '%s', got %s"), key,
               ld_kind(v));
    return false;
}

/* Loads change: { over, by } into r; false after an error. */
static bool load_change(Ld *ld, const YNode *m, CfgRule *r)
{
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping with over and by, e.g. { over: 1h, by: 50 }")))
        return false;
    ld_check_keys(ld, m, change_keys, N_OF(change_keys), _("in 'change'"));
    const YNode *over = ld_get(ld, m, "over", true, _("in 'change'"));
    const YNode *by = ld_get(ld, m, "by", true, _("in 'change'"));
    bool ok = over && by;
    if (over && ld_duration(ld, over, "over", &r->over_ms)) {
        if (r->over_ms < 1000) {
            ld_err(ld, over->line, over->col, "%s", _("'over' must be at least 1s"));
            ok = false;
        }
    } else {
        ok = false;
    }
    if (by && ld_num(ld, by, "by", &r->level)) {
        if (!(r->level > 0)) {
            ld_err(ld, by->line, by->col,
                   _("'by' must be greater than 0 (a change is measured either way), got %g"),
                   r->level);
            ok = false;
        }
    } else {
        ok = false;
    }
    return ok;
}

/* Loads clear: and checks it lies on the clearing side of the trigger. */
static void load_clear(Ld *ld, const YNode *m, CfgRule *r, bool level_ok)
{
    const YNode *v = ld_get(ld, m, "clear", false, "");
    if (!v) return;
    if (r->kind != RULE_ABOVE && r->kind != RULE_BELOW && r->kind != RULE_CHANGE) {
        ld_err(ld, v->line, v->col, "%s", _("'clear' applies to above, below and change rules"));
        return;
    }
    if (!ld_num(ld, v, "clear", &r->clear)) return;
    r->has_clear = true;
    if (!level_ok) return;
    if (r->kind == RULE_ABOVE && r->clear > r->level)
        ld_err(ld, v->line, v->col,
               _("'clear' (%g) must be at most 'above' (%g): the alert clears when the value falls "
                 "back to 'clear'"),
               r->clear, r->level);
    else if (r->kind == RULE_BELOW && r->clear < r->level)
        ld_err(ld, v->line, v->col,
               _("'clear' (%g) must be at least 'below' (%g): the alert clears when the value "
                 "rises back to 'clear'"),
               r->clear, r->level);
    else if (r->kind == RULE_CHANGE && (r->clear > r->level || !(r->clear > 0)))
        ld_err(ld, v->line, v->col,
               _("'clear' (%g) must be greater than 0 and at most 'by' (%g): the alert clears when "
                 "the change falls below 'clear'"),
               r->clear, r->level);
}

/* The key node of key in mapping m (for errors about the key itself); NULL when absent. */
static const YNode *key_of(const YNode *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->keys[i]->str, key) == 0) return m->keys[i];
    return NULL;
}

/* Index of key in names[0..n), or n. */
static size_t name_index(const char *key, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, names[i]) == 0) return i;
    return n;
}

/* Loads the condition keys of a KPI rule (exactly one of above, below,
 * change, nodata; the first one written counts). */
static void load_kpi_condition(Ld *ld, const YNode *m, const CfgKpi *kpi, CfgRule *r)
{
    const YNode *first = NULL;
    size_t which = 0;
    for (size_t i = 0; i < m->n; i++) {
        const YNode *k = m->keys[i];
        if (name_index(k->str, feed_conds, N_OF(feed_conds)) < N_OF(feed_conds))
            ld_err(ld, k->line, k->col,
                   _("'%s' is a feed condition: use it with 'feed', not 'kpi'"), k->str);
        size_t c = name_index(k->str, kpi_conds, N_OF(kpi_conds));
        if (c == N_OF(kpi_conds)) continue;
        if (first) {
            ld_err(ld, k->line, k->col,
                   _("a rule has one condition: '%s' cannot be combined with '%s' (write two "
                     "rules)"),
                   k->str, kpi_conds[which]);
            return;
        }
        first = m->items[i];
        which = c;
    }
    if (!first) {
        ld_err(ld, m->line, m->col, "%s",
               _("a KPI rule needs one condition: above, below, change or nodata"));
        return;
    }
    if (ynode_is_null(first)) {
        const YNode *k = key_of(m, kpi_conds[which]);
        ld_err(ld, k->line, k->col, _("'%s' in rule has no value"), kpi_conds[which]);
        return;
    }
    bool level_ok = false;
    switch (which) {
    case 0:
        r->kind = RULE_ABOVE;
        level_ok = load_level(ld, first, "above", kpi, r);
        break;
    case 1:
        r->kind = RULE_BELOW;
        level_ok = load_level(ld, first, "below", kpi, r);
        break;
    case 2:
        r->kind = RULE_CHANGE;
        level_ok = load_change(ld, first, r);
        break;
    default:
        r->kind = RULE_NODATA;
        if (ld_duration(ld, first, "nodata", &r->nodata_ms) && r->nodata_ms < 1000)
            ld_err(ld, first->line, first->col, "%s", _("'nodata' must be at least 1s"));
        break;
    }
    load_clear(ld, m, r, level_ok);
}

/* Loads the condition keys of a feed rule (down, slow, bad_data). */
static void load_feed_condition(Ld *ld, const YNode *m, const CfgFeed *f, CfgRule *r)
{
    r->kind = RULE_FEED;
    for (size_t i = 0; i < N_OF(kpi_conds); i++) {
        const YNode *k = key_of(m, kpi_conds[i]);
        if (k)
            ld_err(ld, k->line, k->col,
                   _("'%s' watches a KPI value: use it with 'kpi', not 'feed'"), kpi_conds[i]);
    }
    const YNode *v;
    bool any = false;
    if ((v = ld_get(ld, m, "down", false, ""))) {
        any = true;
        ld_int(ld, v, "down", 1, 10000, &r->feed_down);
    }
    if ((v = ld_get(ld, m, "bad_data", false, ""))) {
        any = true;
        ld_int(ld, v, "bad_data", 1, 10000, &r->feed_bad_data);
    }
    if ((v = ld_get(ld, m, "slow", false, ""))) {
        any = true;
        if (ld_duration(ld, v, "slow", &r->feed_slow_ms)) {
            char a[32], b[32];
            if (r->feed_slow_ms < 1) {
                ld_err(ld, v->line, v->col, "%s", _("'slow' must be more than 0s"));
            } else if (f && r->feed_slow_ms >= f->timeout_ms) {
                fmt_duration(r->feed_slow_ms, a, sizeof(a));
                fmt_duration(f->timeout_ms, b, sizeof(b));
                ld_err(ld, v->line, v->col,
                       _("slow %s must be shorter than the timeout %s of feed '%s' (a slower poll "
                         "fails)"),
                       a, b, f->id);
            }
        }
    }
    if (!any)
        ld_err(ld, m->line, m->col, "%s",
               _("a feed rule needs a condition: down, slow or bad_data"));
    if ((v = ynode_get(m, "clear")))
        ld_err(ld, v->line, v->col, "%s", _("'clear' applies to above, below and change rules"));
}

/* Loads one rule from mapping m into r; ids[0..idx) are the earlier rules. */
static void load_rule(Ld *ld, const YNode *m, CfgRule *r, size_t idx)
{
    Config *c = ld->cfg;
    r->line = m->line;
    r->col = m->col;
    r->severity = SEV_WARNING;
    if (!ld_expect(ld, m, YNODE_MAP, _("a rule (a mapping with id, kpi or feed, and a condition)")))
        return;
    ld_check_keys(ld, m, rule_keys, N_OF(rule_keys), _("in rule"));
    const YNode *id = ld_get(ld, m, "id", true, _("in rule"));
    if (id && ld_id(ld, id)) {
        r->id = ld_strdup(ld, id, id->str);
        void *first = NULL;
        int added = r->id ? strmap_put(&c->index->rules, r->id, strlen(r->id),
                                       (void *)(uintptr_t)(idx + 1), &first)
                          : 1;
        if (added < 0)
            ld_err(ld, id->line, id->col, "%s", _("out of memory"));
        else if (added == 0)
            ld_err(ld, id->line, id->col, _("duplicate rule id '%s' (first defined at line %d)"),
                   r->id, c->rules[(uintptr_t)first - 1].line);
    }
    const YNode *vk = ld_get(ld, m, "kpi", false, "");
    const YNode *vf = ld_get(ld, m, "feed", false, "");
    if (vk && vf) {
        ld_err(ld, vf->line, vf->col, "%s",
               _("a rule watches either a 'kpi' or a 'feed', not both"));
    } else if (vk) {
        const CfgKpi *kpi = NULL;
        if (vk->kind != YNODE_SCALAR)
            ld_err(ld, vk->line, vk->col, _("expected a KPI key such as dvc.online_rate, got %s"),
                   ld_kind(vk));
        else if (!(kpi = cfg_find_kpi(c, vk->str, NULL)))
            ld_unknown_kpi(ld, vk);
        else
            r->kpi = ld_strdup(ld, vk, vk->str);
        load_kpi_condition(ld, m, kpi, r);
    } else if (vf) {
        const CfgFeed *f = NULL;
        if (vf->kind != YNODE_SCALAR)
            ld_err(ld, vf->line, vf->col, _("expected a feed id, got %s"), ld_kind(vf));
        else if (!(f = cfg_find_feed(c, vf->str, strlen(vf->str))))
            unknown_feed(ld, vf);
        else
            r->feed = ld_strdup(ld, vf, vf->str);
        load_feed_condition(ld, m, f, r);
    } else {
        ld_err(ld, m->line, m->col, "%s",
               _("a rule needs 'kpi' (a KPI key such as dvc.online_rate) or 'feed' (a feed id)"));
    }
    const YNode *v;
    if ((v = ld_get(ld, m, "for", false, ""))) ld_duration(ld, v, "for", &r->for_ms);
    if ((v = ld_get(ld, m, "keep_firing_for", false, "")))
        ld_duration(ld, v, "keep_firing_for", &r->keep_firing_ms);
    if ((v = ld_get(ld, m, "severity", false, ""))) ld_severity(ld, v, "severity", &r->severity);
    if (ld_str(ld, m, "summary", false, "", &r->summary) && r->summary)
        check_template(ld, ynode_get(m, "summary"));
    if ((v = ld_get(ld, m, "labels", false, ""))) load_labels(ld, v, r);
}

/* Fills r as the implicit rule of KPI k for threshold t ("warn" or "crit"). */
static bool make_implicit(Ld *ld, const CfgKpi *k, const CfgThreshold *t, const char *which,
                          Severity sev, CfgRule *r)
{
    size_t n = strlen(k->key) + strlen(which) + 2;
    r->id = malloc(n);
    r->kpi = strdup(k->key);
    if (!r->id || !r->kpi) {
        ld_err(ld, k->line, k->col, "%s", _("out of memory"));
        return false;
    }
    snprintf(r->id, n, "%s:%s", k->key, which);
    r->implicit = true;
    r->threshold = *t;
    /* kind and level describe the first comparison (the engine uses threshold). */
    r->kind = (t->op[0] == CMP_LT || t->op[0] == CMP_LE) ? RULE_BELOW : RULE_ABOVE;
    r->level = t->v[0];
    r->severity = sev;
    r->line = k->line;
    r->col = k->col;
    return true;
}

/* Appends the implicit rules (one per KPI warn / crit threshold). */
static void add_implicit(Ld *ld)
{
    Config *c = ld->cfg;
    size_t extra = 0;
    for (size_t f = 0; f < c->n_feeds; f++)
        for (size_t i = 0; i < c->feeds[f].n_kpis; i++) {
            const CfgKpi *k = &c->feeds[f].kpis[i];
            if (!k->key) continue;
            extra += (k->warn.n > 0) + (k->crit.n > 0);
        }
    if (extra == 0) return;
    CfgRule *nr = realloc(c->rules, (c->n_rules + extra) * sizeof(*nr));
    if (!nr) {
        ld_err(ld, 0, 0, "%s", _("out of memory"));
        return;
    }
    c->rules = nr;
    memset(c->rules + c->n_rules, 0, extra * sizeof(*nr));
    for (size_t f = 0; f < c->n_feeds; f++)
        for (size_t i = 0; i < c->feeds[f].n_kpis; i++) {
            const CfgKpi *k = &c->feeds[f].kpis[i];
            if (!k->key) continue;
            if (k->warn.n > 0 &&
                !make_implicit(ld, k, &k->warn, "warn", SEV_WARNING, &c->rules[c->n_rules++]))
                return;
            if (k->crit.n > 0 &&
                !make_implicit(ld, k, &k->crit, "crit", SEV_CRITICAL, &c->rules[c->n_rules++]))
                return;
        }
}

void cfg_load_rules(Ld *ld, const YNode *seq)
{
    Config *c = ld->cfg;
    if (seq && ld_expect(ld, seq, YNODE_SEQ, _("a list of rules")) && seq->n > 0) {
        c->rules = ld_calloc(ld, seq, seq->n, sizeof(*c->rules));
        if (!c->rules) return;
        c->n_rules = seq->n;
        for (size_t i = 0; i < seq->n; i++)
            load_rule(ld, seq->items[i], &c->rules[i], i);
    }
    add_implicit(ld);
}

/* Loads and checks a webhook url (expanded and shown forms). */
static void load_webhook(Ld *ld, const YNode *v, CfgNotify *n)
{
    n->kind = NOTIFY_WEBHOOK;
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected a URL for 'webhook', got %s"), ld_kind(v));
        return;
    }
    ld_url(ld, v, "webhook", false, &n->url, &n->url_shown);
}

/* Loads exec: [command, args...] (not expanded: the command line is not secret). */
static void load_exec(Ld *ld, const YNode *v, CfgNotify *n)
{
    n->kind = NOTIFY_EXEC;
    if (v->kind != YNODE_SEQ) {
        ld_err(ld, v->line, v->col,
               _("expected a list such as [\"/usr/local/bin/notify\", \"--to\", \"ops\"] for "
                 "'exec', got %s"),
               ld_kind(v));
        return;
    }
    if (v->n == 0) {
        ld_err(ld, v->line, v->col, "%s",
               _("'exec' needs at least the command, e.g. [\"/usr/local/bin/notify\"]"));
        return;
    }
    if (v->n > CFG_MAX_ARGV) {
        ld_err(ld, v->line, v->col, _("'exec' takes at most %d arguments"), CFG_MAX_ARGV);
        return;
    }
    n->argv = ld_calloc(ld, v, v->n + 1, sizeof(char *));
    if (!n->argv) return;
    n->argc = v->n;
    for (size_t i = 0; i < v->n; i++) {
        const YNode *a = v->items[i];
        if (a->kind != YNODE_SCALAR || (i == 0 && a->len == 0)) {
            ld_err(ld, a->line, a->col, _("expected text for each item of 'exec', got %s"),
                   a->len == 0 && a->kind == YNODE_SCALAR ? _("an empty value") : ld_kind(a));
            continue;
        }
        if (i == 0 && a->str[0] != '/') {
            const char *base = strrchr(a->str, '/');
            ld_err(ld, a->line, a->col,
                   _("the command '%.80s' must be an absolute path such as /usr/local/bin/%.40s "
                     "(no PATH search)"),
                   a->str, base ? base + 1 : a->str);
        }
        n->argv[i] = ld_strdup(ld, a, a->str);
    }
}

/* Loads repeat: { severity: duration }. */
static void load_repeat(Ld *ld, const YNode *m, CfgNotify *n)
{
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping of severity: duration, e.g. { critical: 30m }")))
        return;
    for (size_t i = 0; i < m->n; i++) {
        const YNode *k = m->keys[i], *v = m->items[i];
        size_t sev = N_OF(severity_names);
        for (size_t j = 0; j < N_OF(severity_names); j++)
            if (strcmp(k->str, severity_names[j]) == 0) sev = j;
        if (sev == N_OF(severity_names)) {
            const char *s = ld_suggest(k->str, severity_names, N_OF(severity_names));
            if (s)
                ld_err(ld, k->line, k->col,
                       _("unknown severity '%.40s' in 'repeat' (did you mean '%s'?)"), k->str, s);
            else
                ld_err(ld, k->line, k->col,
                       _("unknown severity '%.40s' in 'repeat' (expected info, warning or "
                         "critical)"),
                       k->str);
            continue;
        }
        int64_t ms;
        if (!ld_duration(ld, v, k->str, &ms)) continue;
        if (ms < 1000) {
            ld_err(ld, v->line, v->col, _("'repeat' for %s must be at least 1s"), k->str);
            continue;
        }
        n->repeat_ms[sev] = ms;
    }
}

/* Loads one notification target from mapping m into n. */
static void load_notify_entry(Ld *ld, const YNode *m, CfgNotify *n)
{
    n->line = m->line;
    n->col = m->col;
    n->min_severity = SEV_WARNING;
    n->timeout_ms = 10000;
    n->group_wait_ms = 10000;
    if (!ld_expect(ld, m, YNODE_MAP, _("a notify entry (a mapping with webhook or exec)"))) return;
    ld_check_keys(ld, m, notify_keys, N_OF(notify_keys), _("in notify entry"));
    const YNode *wh = ld_get(ld, m, "webhook", false, "");
    const YNode *ex = ld_get(ld, m, "exec", false, "");
    const YNode *v;
    if (wh && ex)
        ld_err(ld, ex->line, ex->col, "%s",
               _("a notify entry has either 'webhook' or 'exec', not both"));
    else if (wh)
        load_webhook(ld, wh, n);
    else if (ex)
        load_exec(ld, ex, n);
    else
        ld_err(ld, m->line, m->col, "%s",
               _("a notify entry needs 'webhook' (a URL) or 'exec' (a command)"));
    if ((v = ld_get(ld, m, "headers", false, ""))) {
        if (wh && !ex)
            ld_headers(ld, v, &n->headers, &n->n_headers);
        else if (ex && !wh)
            ld_err(ld, v->line, v->col, "%s", _("'headers' applies to webhook targets only"));
    }
    if ((v = ld_get(ld, m, "min_severity", false, "")))
        ld_severity(ld, v, "min_severity", &n->min_severity);
    if ((v = ld_get(ld, m, "repeat", false, ""))) load_repeat(ld, v, n);
    if ((v = ld_get(ld, m, "group_wait", false, "")) &&
        ld_duration(ld, v, "group_wait", &n->group_wait_ms) && n->group_wait_ms > 3600000)
        ld_err(ld, v->line, v->col, "%s", _("'group_wait' must be at most 1h"));
    if ((v = ld_get(ld, m, "timeout", false, "")) &&
        ld_duration(ld, v, "timeout", &n->timeout_ms) &&
        (n->timeout_ms < 100 || n->timeout_ms > 300000))
        ld_err(ld, v->line, v->col, "%s", _("'timeout' must be from 100ms to 5m"));
}

void cfg_load_notify(Ld *ld, const YNode *seq)
{
    Config *c = ld->cfg;
    if (!ld_expect(ld, seq, YNODE_SEQ, _("a list of notify entries"))) return;
    if (seq->n == 0) return;
    c->notify = ld_calloc(ld, seq, seq->n, sizeof(*c->notify));
    if (!c->notify) return;
    c->n_notify = seq->n;
    for (size_t i = 0; i < seq->n; i++)
        load_notify_entry(ld, seq->items[i], &c->notify[i]);
}
