/* alert.c - the alert engine: rule conditions, state machines, deadlines and
 * the display list (see alert.h and docs/alerts.md). */
#include "core/alert.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert_internal.h"
#include "base/i18n.h"

/* A rule's condition at one moment. */
typedef enum { COND_CLEAR, COND_HOLDS, COND_UNKNOWN } Cond;

/* Finds the feed index of feed id; -1 when absent. */
static int feed_index(const Config *c, const char *id)
{
    for (size_t i = 0; i < c->n_feeds; i++)
        if (c->feeds[i].id && strcmp(c->feeds[i].id, id) == 0) return (int)i;
    return -1;
}

/* True when rule r is the implicit rule of a KPI threshold of severity sev. */
static bool implicit_of(const Alert *a, Severity sev)
{
    return a->rule->implicit && a->rule->severity == sev && a->kpi >= 0;
}

/* Links each warn implicit rule to the crit implicit rule of the same KPI
 * (the first one), through a table by KPI. 0, or -1 when out of memory. */
static int link_siblings(AlertEngine *e)
{
    size_t nk = e->coll->n_kpis;
    int *crit = malloc((nk ? nk : 1) * sizeof(*crit));
    if (!crit) return -1;
    for (size_t k = 0; k < nk; k++)
        crit[k] = -1;
    for (size_t j = e->n; j-- > 0;)
        if (implicit_of(&e->alerts[j], SEV_CRITICAL)) crit[e->alerts[j].kpi] = (int)j;
    for (size_t i = e->n; i-- > 0;)
        if (implicit_of(&e->alerts[i], SEV_WARNING)) {
            int c = crit[e->alerts[i].kpi];
            e->priv[i].crit_sibling = c;
            if (c >= 0) {
                e->priv[i].warn_next = e->priv[c].warn_first;
                e->priv[c].warn_first = (int)i;
            }
        }
    free(crit);
    return 0;
}

/* Builds the index of alerts by feed (by_feed, feed_first): each feed's
 * alerts in config order, those without a crit sibling first, so that a
 * warning is evaluated after its critical. 0, or -1 when out of memory. */
static int index_by_feed(AlertEngine *e)
{
    size_t nf = e->coll->cfg->n_feeds;
    e->feed_first = calloc(nf + 2, sizeof(*e->feed_first));
    e->by_feed = malloc((e->n ? e->n : 1) * sizeof(*e->by_feed));
    if (!e->feed_first || !e->by_feed) return -1;
    for (size_t i = 0; i < e->n; i++)
        e->feed_first[e->alerts[i].feed + 2]++;
    for (size_t f = 2; f < nf + 2; f++)
        e->feed_first[f] += e->feed_first[f - 1];
    /* feed_first[f + 1] is now where feed f's alerts go: fill, crit first. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < e->n; i++)
            if ((e->priv[i].crit_sibling >= 0) == (pass == 1))
                e->by_feed[e->feed_first[e->alerts[i].feed + 1]++] = i;
    return 0;
}

AlertEngine *alert_new(const Collector *coll, const AlertOptions *opts, AlertEventFn fn, void *ud,
                       char *err, size_t errlen)
{
    AlertEngine *e = calloc(1, sizeof(*e));
    if (!e) goto oom;
    e->coll = coll;
    e->fn = fn;
    e->ud = ud;
    e->opt.resolved_keep_ms = 15 * 60 * 1000;
    e->opt.max_silences = 256;
    if (opts) {
        if (opts->resolved_keep_ms >= 0) e->opt.resolved_keep_ms = opts->resolved_keep_ms;
        if (opts->max_silences > 0) e->opt.max_silences = opts->max_silences;
    }
    e->next_sil_id = 1;
    const Config *c = coll->cfg;
    e->n = c->n_rules;
    e->alerts = calloc(e->n ? e->n : 1, sizeof(*e->alerts));
    e->priv = calloc(e->n ? e->n : 1, sizeof(*e->priv));
    if (!e->alerts || !e->priv) goto oom;
    for (size_t i = 0; i < e->n; i++) {
        const CfgRule *r = &c->rules[i];
        Alert *a = &e->alerts[i];
        a->ack_by = a->ack_comment = a->summary = alert_no_text;
        e->priv[i].ack_by = e->priv[i].ack_comment = alert_no_text;
        a->rule = r;
        a->kpi = -1;
        a->feed = -1;
        a->state = ALERT_INACTIVE;
        e->priv[i].core = ALERT_INACTIVE;
        e->priv[i].crit_sibling = -1;
        e->priv[i].warn_first = e->priv[i].warn_next = -1;
        e->priv[i].hpos = SIZE_MAX;
        if (r->kind == RULE_FEED) {
            a->feed = r->feed ? feed_index(c, r->feed) : -1;
        } else if (r->kpi) {
            a->kpi = coll_find_kpi(coll, r->kpi);
            if (a->kpi >= 0) a->feed = (int)coll->kpis[a->kpi].feed_idx;
        }
        if (a->feed < 0) {
            snprintf(err, errlen, _("rule '%s' watches '%s', which the config does not have"),
                     r->id ? r->id : "?",
                     r->kpi    ? r->kpi
                     : r->feed ? r->feed
                               : "?");
            alert_free(e);
            return NULL;
        }
    }
    e->due = malloc((e->n ? e->n : 1) * sizeof(*e->due));
    e->heap = malloc((e->n ? e->n : 1) * sizeof(*e->heap));
    e->scratch = malloc((e->n ? 2 * e->n : 1) * sizeof(*e->scratch));
    if (!e->due || !e->heap || !e->scratch || link_siblings(e) != 0 || index_by_feed(e) != 0)
        goto oom;
    for (size_t i = 0; i < e->n; i++)
        e->due[i] = INT64_MAX;
    return e;
oom:
    snprintf(err, errlen, "%s", _("out of memory"));
    alert_free(e);
    return NULL;
}

void alert_free(AlertEngine *e)
{
    if (!e) return;
    for (size_t i = 0; e->alerts && e->priv && i < e->n; i++)
        alert_texts_free(e, i);
    free(e->due);
    free(e->heap);
    free(e->scratch);
    free(e->by_feed);
    free(e->feed_first);
    free(e->alerts);
    free(e->priv);
    free(e->sil);
    free(e);
}

void alert_emit(const AlertEngine *e, const AlertEvent *ev)
{
    if (e->fn) e->fn(e->ud, ev);
}

/* The condition of a feed rule from the feed's last poll. */
static Cond eval_feed(AlertEngine *e, Alert *a)
{
    const CfgRule *r = a->rule;
    const FeedStatus *fs = &e->coll->feeds[a->feed];
    if (fs->state == FS_PENDING) return COND_UNKNOWN;
    bool holds = false, unknown = false;
    a->has_value = true;
    a->value = fs->consecutive_failures;
    if (r->feed_down > 0 && fs->state == FS_DOWN &&
        fs->consecutive_failures >= (unsigned)r->feed_down)
        holds = true;
    if (r->feed_bad_data > 0 && fs->state == FS_BAD_DATA &&
        fs->consecutive_failures >= (unsigned)r->feed_bad_data)
        holds = true;
    if (r->feed_slow_ms > 0) {
        /* A poll that failed to connect says nothing about latency. */
        if (fs->state == FS_DOWN || fs->latency_ms < 0) {
            unknown = true;
        } else if (fs->latency_ms > r->feed_slow_ms) {
            if (!holds) a->value = (double)fs->latency_ms;
            holds = true;
        } else if (!r->feed_down && !r->feed_bad_data) {
            a->value = (double)fs->latency_ms;
        }
    }
    return holds ? COND_HOLDS : unknown ? COND_UNKNOWN : COND_CLEAR;
}

/* The condition of a nodata rule: no value for nodata_ms. */
static Cond eval_nodata(AlertEngine *e, Alert *a, AlertPriv *p, int64_t now)
{
    const Collector *coll = e->coll;
    Sample last;
    p->nodata_ref = p->nodata_base ? p->nodata_base : e->start_ms;
    if (store_last_value(coll->store, coll->kpis[a->kpi].series, &last) && last.ts_ms <= now) {
        p->nodata_ref = last.ts_ms;
        a->has_value = true;
        a->value = last.value;
    }
    return now - p->nodata_ref >= a->rule->nodata_ms ? COND_HOLDS : COND_CLEAR;
}

/* The condition of a KPI rule; active selects the clear level (hysteresis). */
static Cond eval_kpi(AlertEngine *e, Alert *a, AlertPriv *p, int64_t now, bool active)
{
    const CfgRule *r = a->rule;
    const Collector *coll = e->coll;
    const CollKpi *k = &coll->kpis[a->kpi];
    p->fresh_until = 0;
    if (r->kind == RULE_NODATA) return eval_nodata(e, a, p, now);
    CollKpiView v;
    coll_kpi_view(coll, (size_t)a->kpi, now, &v);
    if (v.has_value) {
        a->has_value = true;
        a->value = v.value;
    }
    /* No value, a gap (feed down) or an old value: never counts as clear. */
    if (!v.has_value || v.stale || isnan(v.value)) return COND_UNKNOWN;
    /* coll_kpi_view() calls a value stale when older than 3 intervals. */
    p->fresh_until = v.ts_ms + 3 * k->feed->interval_ms + 1;
    double x = v.value;
    if (r->implicit) return cfg_threshold_holds(&r->threshold, x) ? COND_HOLDS : COND_CLEAR;
    double level = r->target_relative ? k->kpi->target : r->level;
    double clear = r->has_clear ? r->clear : level;
    switch (r->kind) {
    case RULE_ABOVE:
        return x > (active ? clear : level) ? COND_HOLDS : COND_CLEAR;
    case RULE_BELOW:
        return x < (active ? clear : level) ? COND_HOLDS : COND_CLEAR;
    case RULE_CHANGE: {
        StoreDelta d;
        if (!store_delta(coll->store, k->series, now - r->over_ms, now, &d) || isnan(d.delta)) {
            a->has_change = false;
            return COND_UNKNOWN;
        }
        a->has_change = true;
        a->change = d.delta;
        return fabs(d.delta) >= (active ? clear : level) ? COND_HOLDS : COND_CLEAR;
    }
    default:
        return COND_UNKNOWN;
    }
}

/* Advances the rule's own machine (core) with condition c at now. */
static void step(AlertEngine *e, Alert *a, AlertPriv *p, Cond c, int64_t now)
{
    const CfgRule *r = a->rule;
    bool expired = now - a->resolved_ms >= e->opt.resolved_keep_ms;
    if (c == COND_UNKNOWN) {
        if (p->core == ALERT_PENDING || p->core == ALERT_FIRING) {
            p->stale = true;
            p->clear_since = 0; /* time without a value never counts toward clearing */
        } else if (p->core == ALERT_RESOLVED && expired) {
            p->core = ALERT_INACTIVE;
        }
        return;
    }
    p->stale = false;
    bool holds = c == COND_HOLDS;
    switch (p->core) {
    case ALERT_PENDING:
        if (!holds)
            p->core = ALERT_INACTIVE;
        else if (now - p->cond_since >= r->for_ms)
            p->core = ALERT_FIRING;
        break;
    case ALERT_FIRING:
        if (holds) {
            p->clear_since = 0;
            break;
        }
        if (p->clear_since == 0) p->clear_since = now;
        if (now - p->clear_since >= r->keep_firing_ms) {
            p->core = ALERT_RESOLVED;
            p->clear_since = 0;
        }
        break;
    default: /* inactive or resolved */
        if (holds) {
            p->cond_since = now;
            p->clear_since = 0;
            p->core = r->for_ms > 0 ? ALERT_PENDING : ALERT_FIRING;
        } else if (p->core == ALERT_RESOLVED && expired) {
            p->core = ALERT_INACTIVE;
        }
        break;
    }
}

/* True when alert i is firing as far as an operator can tell (also while stale). */
static bool shown_firing(const AlertEngine *e, int i)
{
    const Alert *a = &e->alerts[i];
    return a->state == ALERT_FIRING || (a->state == ALERT_STALE && a->held == ALERT_FIRING);
}

/* The visible state of alert i from its core, staleness and crit sibling. */
static AlertState visible(const AlertEngine *e, size_t i, AlertState *held)
{
    const AlertPriv *p = &e->priv[i];
    bool active = p->core == ALERT_PENDING || p->core == ALERT_FIRING;
    AlertState s = p->core;
    if (active && p->crit_sibling >= 0 && shown_firing(e, p->crit_sibling)) s = ALERT_SUPPRESSED;
    *held = ALERT_INACTIVE;
    if (active && p->stale) {
        *held = s;
        return ALERT_STALE;
    }
    return s;
}

/* True for the states of an alert that is not part of an episode. */
static bool is_idle(AlertState s)
{
    return s == ALERT_INACTIVE || s == ALERT_RESOLVED;
}

/* True when a carried feed rule's condition is clear only because the reload
 * restarted the feed's count of failed polls: it keeps its carried state. */
static bool recounting(const AlertEngine *e, const Alert *a, const AlertPriv *p, Cond c)
{
    const CfgRule *r = a->rule;
    const FeedStatus *fs = &e->coll->feeds[a->feed];
    if (r->kind != RULE_FEED || c != COND_CLEAR) return false;
    if (p->core != ALERT_PENDING && p->core != ALERT_FIRING) return false;
    if (fs->state == FS_DOWN && r->feed_down > 0)
        return fs->consecutive_failures < (unsigned)r->feed_down;
    if (fs->state == FS_BAD_DATA && r->feed_bad_data > 0)
        return fs->consecutive_failures < (unsigned)r->feed_bad_data;
    return false;
}

/* Evaluates alert i at now and reports a change of its visible state. */
static void eval_one(AlertEngine *e, size_t i, int64_t now)
{
    Alert *a = &e->alerts[i];
    AlertPriv *p = &e->priv[i];
    /* Carried over a reload: kept as it was until the feed's first poll. */
    if (p->carried && e->coll->feeds[a->feed].state == FS_PENDING) return;
    AlertState old = a->state, old_held = a->held;
    AlertState core_before = p->core;
    bool active = p->core == ALERT_PENDING || p->core == ALERT_FIRING;
    Cond c = a->rule->kind == RULE_FEED ? eval_feed(e, a) : eval_kpi(e, a, p, now, active);
    if (p->carried) {
        if (recounting(e, a, p, c)) return;
        p->carried = false;
    }
    /* An ack from before a restart: kept when the episode goes on. */
    bool restore_ack = false;
    if (p->ack_pending && c != COND_UNKNOWN) {
        restore_ack = c == COND_HOLDS;
        p->ack_pending = false;
    }
    step(e, a, p, c, now);
    /* A suppressed warning that clears was never shown firing: the critical
     * alert's resolution closes the episode, so it goes back to inactive. */
    bool was_suppressed =
        old == ALERT_SUPPRESSED || (old == ALERT_STALE && old_held == ALERT_SUPPRESSED);
    if (core_before == ALERT_FIRING && p->core == ALERT_RESOLVED && was_suppressed)
        p->core = ALERT_INACTIVE;
    AlertState held;
    AlertState s = visible(e, i, &held);
    a->held = held;
    if (s == old) {
        alert_set_due(e, i, alert_due(e, i));
        /* The text of a listed alert follows its value; an inactive one is
         * listed nowhere, so it is rendered only when it changes state. */
        if (s != ALERT_INACTIVE) alert_render_summary(e, a);
        return;
    }
    if (is_idle(old) && !is_idle(s)) {
        /* A new episode: a previous ack does not carry over. */
        a->active_ms = now;
        a->acked = false;
        alert_text_free(&a->ack_by);
        alert_text_free(&a->ack_comment);
        a->ack_ms = 0;
        if (restore_ack) {
            a->acked = true;
            a->ack_ms = p->ack_ms;
            alert_text_set(&a->ack_by, ALERT_WHO_MAX, p->ack_by);
            alert_text_set(&a->ack_comment, ALERT_COMMENT_MAX, p->ack_comment);
        }
    }
    bool was_firing = old == ALERT_FIRING || (old == ALERT_STALE && old_held == ALERT_FIRING);
    if (s == ALERT_FIRING && !was_firing) a->fired_ms = now;
    if (s == ALERT_RESOLVED) a->resolved_ms = now;
    if (s == ALERT_INACTIVE) a->active_ms = 0;
    a->state = s;
    a->since_ms = now;
    alert_set_due(e, i, alert_due(e, i));
    alert_render_summary(e, a);
    AlertEvent ev = {.kind = AEV_TRANSITION, .alert = a, .from = old, .to = s, .at_ms = now};
    alert_emit(e, &ev);
}

void alert_eval(AlertEngine *e, int64_t now)
{
    if (e->mirror) return;
    if (!e->started) {
        e->started = true;
        e->start_ms = now;
    }
    alert_expire_silences(e, now);
    /* Crit alerts first, so that a warning sees whether its critical fires. */
    for (size_t i = 0; i < e->n; i++)
        if (e->priv[i].crit_sibling < 0) eval_one(e, i, now);
    for (size_t i = 0; i < e->n; i++)
        if (e->priv[i].crit_sibling >= 0) eval_one(e, i, now);
}

void alert_eval_feed(AlertEngine *e, size_t feed, int64_t now)
{
    if (e->mirror) return;
    if (!e->started || feed >= e->coll->cfg->n_feeds) {
        alert_eval(e, now); /* the first evaluation starts every clock */
        return;
    }
    alert_expire_silences(e, now);
    for (size_t j = e->feed_first[feed]; j < e->feed_first[feed + 1]; j++)
        eval_one(e, e->by_feed[j], now);
}

/* qsort order of alert indices. */
static int cmp_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

void alert_eval_due(AlertEngine *e, int64_t now)
{
    if (e->mirror) return;
    if (!e->started) {
        alert_eval(e, now);
        return;
    }
    alert_expire_silences(e, now);
    /* The alerts due: the heap's nodes with due <= now (a node's children
     * are never earlier than it), then sorted, so that they are evaluated in
     * config order as alert_eval() would. */
    size_t *list = e->scratch, n = 0;
    if (e->n_heap && e->due[e->heap[0]] <= now) list[n++] = e->heap[0];
    for (size_t k = 0; k < n; k++) {
        size_t h = e->priv[list[k]].hpos;
        for (size_t c = 2 * h + 1; c <= 2 * h + 2 && c < e->n_heap; c++)
            if (e->due[e->heap[c]] <= now) list[n++] = e->heap[c];
    }
    qsort(list, n, sizeof(*list), cmp_index);
    for (size_t k = 0; k < n; k++)
        e->priv[list[k]].due_now = true;
    /* A critical evaluated now may change what its warning shows (suppressed
     * or not), so a warning goes with its critical. */
    size_t *warn = e->scratch + e->n, nw = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = list[k];
        if (e->priv[i].crit_sibling >= 0) {
            warn[nw++] = i;
            continue;
        }
        for (int w = e->priv[i].warn_first; w >= 0; w = e->priv[w].warn_next)
            if (!e->priv[w].due_now) warn[nw++] = (size_t)w;
        eval_one(e, i, now);
    }
    qsort(warn, nw, sizeof(*warn), cmp_index);
    for (size_t k = 0; k < nw; k++)
        eval_one(e, warn[k], now);
    for (size_t k = 0; k < n; k++)
        e->priv[list[k]].due_now = false;
}

/* Lowers *d to t. */
static void earliest(int64_t *d, int64_t t)
{
    if (t < *d) *d = t;
}

int64_t alert_due(const AlertEngine *e, size_t i)
{
    const Alert *a = &e->alerts[i];
    const AlertPriv *p = &e->priv[i];
    const CfgRule *r = a->rule;
    int64_t d = INT64_MAX;
    bool active = p->core == ALERT_PENDING || p->core == ALERT_FIRING;
    if (p->carried) return d; /* waits for its feed's next poll */
    if (p->core == ALERT_PENDING && !p->stale) earliest(&d, p->cond_since + r->for_ms);
    if (p->core == ALERT_FIRING && !p->stale && p->clear_since)
        earliest(&d, p->clear_since + r->keep_firing_ms);
    if (p->core == ALERT_RESOLVED) earliest(&d, a->resolved_ms + e->opt.resolved_keep_ms);
    if (active && !p->stale && p->fresh_until) earliest(&d, p->fresh_until);
    if (r->kind == RULE_NODATA && e->started && !active) earliest(&d, p->nodata_ref + r->nodata_ms);
    return d;
}

/* Swaps heap places a and b. */
static void heap_swap(AlertEngine *e, size_t a, size_t b)
{
    size_t t = e->heap[a];
    e->heap[a] = e->heap[b];
    e->heap[b] = t;
    e->priv[e->heap[a]].hpos = a;
    e->priv[e->heap[b]].hpos = b;
}

/* Moves the alert at heap place h up or down to where its deadline belongs. */
static void heap_fix(AlertEngine *e, size_t h)
{
    while (h > 0 && e->due[e->heap[h]] < e->due[e->heap[(h - 1) / 2]]) {
        heap_swap(e, h, (h - 1) / 2);
        h = (h - 1) / 2;
    }
    for (;;) {
        size_t m = h, l = 2 * h + 1, r = l + 1;
        if (l < e->n_heap && e->due[e->heap[l]] < e->due[e->heap[m]]) m = l;
        if (r < e->n_heap && e->due[e->heap[r]] < e->due[e->heap[m]]) m = r;
        if (m == h) return;
        heap_swap(e, h, m);
        h = m;
    }
}

void alert_set_due(AlertEngine *e, size_t i, int64_t d)
{
    e->due[i] = d;
    size_t h = e->priv[i].hpos;
    if (h == SIZE_MAX) {
        if (d == INT64_MAX) return;
        h = e->n_heap++;
        e->heap[h] = i;
        e->priv[i].hpos = h;
    } else if (d == INT64_MAX) {
        size_t last = --e->n_heap;
        e->priv[i].hpos = SIZE_MAX;
        if (h == last) return;
        e->heap[h] = e->heap[last];
        e->priv[e->heap[h]].hpos = h;
    }
    heap_fix(e, h);
}

void alert_refresh_due(AlertEngine *e)
{
    for (size_t i = 0; i < e->n; i++)
        alert_set_due(e, i, alert_due(e, i));
}

int64_t alert_next_deadline(const AlertEngine *e)
{
    int64_t d = INT64_MAX;
    if (e->mirror) return d;
    for (size_t i = 0; i < e->n_sil; i++)
        earliest(&d, e->sil[i].until_ms);
    if (e->n_heap) earliest(&d, e->due[e->heap[0]]);
    return d;
}

size_t alert_count(const AlertEngine *e)
{
    return e->n;
}

const Alert *alert_get(const AlertEngine *e, size_t i)
{
    return i < e->n ? &e->alerts[i] : NULL;
}

const Alert *alert_find(const AlertEngine *e, const char *rule_id)
{
    for (size_t i = 0; rule_id && i < e->n; i++)
        if (e->alerts[i].rule->id && strcmp(e->alerts[i].rule->id, rule_id) == 0)
            return &e->alerts[i];
    return NULL;
}

/* Display rank of a state: firing first, resolved last. */
static int state_rank(AlertState s)
{
    switch (s) {
    case ALERT_FIRING:
        return 0;
    case ALERT_STALE:
        return 1;
    case ALERT_PENDING:
        return 2;
    case ALERT_SUPPRESSED:
        return 3;
    default:
        return 4;
    }
}

/* Orders two alerts for display: rank, severity (critical first), oldest episode. */
static int list_cmp(const Alert *x, const Alert *y)
{
    int rx = state_rank(x->state), ry = state_rank(y->state);
    if (rx != ry) return rx < ry ? -1 : 1;
    if (x->rule->severity != y->rule->severity)
        return x->rule->severity > y->rule->severity ? -1 : 1;
    if (x->active_ms != y->active_ms) return x->active_ms < y->active_ms ? -1 : 1;
    return x < y ? -1 : x > y;
}

size_t alert_list(const AlertEngine *e, const Alert **out, size_t max)
{
    size_t total = 0, cnt = 0;
    for (size_t i = 0; i < e->n; i++) {
        const Alert *a = &e->alerts[i];
        if (a->state == ALERT_INACTIVE) continue;
        total++;
        /* Insertion into the sorted top max (n is a few hundred at most). */
        size_t pos = cnt;
        while (pos > 0 && list_cmp(a, out[pos - 1]) < 0)
            pos--;
        if (pos >= max) continue;
        if (cnt < max) cnt++;
        memmove(out + pos + 1, out + pos, (cnt - 1 - pos) * sizeof(*out));
        out[pos] = a;
    }
    return total;
}

void alert_counts(const AlertEngine *e, AlertCounts *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < e->n; i++) {
        const Alert *a = &e->alerts[i];
        unsigned sev = (unsigned)a->rule->severity;
        if (sev > SEV_CRITICAL) sev = SEV_CRITICAL;
        switch (a->state) {
        case ALERT_FIRING:
            out->firing[sev]++;
            if (!a->acked) out->unacked[sev]++;
            break;
        case ALERT_PENDING:
            out->pending++;
            break;
        case ALERT_STALE:
            out->stale++;
            break;
        case ALERT_SUPPRESSED:
            out->suppressed++;
            break;
        case ALERT_RESOLVED:
            out->resolved++;
            break;
        default:
            break;
        }
        if (a->state != ALERT_INACTIVE && a->silenced) out->silenced++;
    }
}
