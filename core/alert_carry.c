/* alert_carry.c - alert state that outlives an engine: rule fingerprints, the
 * end of alerts whose rule a reload changed or removed, the copy of the other
 * alerts' state into the next engine, and acks restored after a restart (see
 * alert.h and docs/alerts.md). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "core/alert.h"
#include "core/alert_internal.h"

/* One alert as it was: its rule's identity and its state. */
typedef struct {
    char *rule_id; /* owned */
    uint64_t fp;
    Alert a; /* a.rule, a.kpi, a.feed are not used */
    AlertPriv p;
} CarryAlert;

struct AlertCarry {
    CarryAlert *alerts;
    size_t n;
    AlertSilence *sil;
    size_t n_sil;
    unsigned next_sil_id;
};

/* FNV-1a 64 over len bytes of s, continuing from h. */
static uint64_t fnv(uint64_t h, const void *s, size_t len)
{
    const unsigned char *b = s;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Hashes a string; NULL differs from "". */
static uint64_t fp_str(uint64_t h, const char *s)
{
    unsigned char tag = s ? 1 : 0;
    h = fnv(h, &tag, 1);
    return s ? fnv(h, s, strlen(s) + 1) : h;
}

/* Hashes an integer. */
static uint64_t fp_int(uint64_t h, int64_t v)
{
    return fnv(h, &v, sizeof(v));
}

/* Hashes a number (-0 as 0, every NaN alike). */
static uint64_t fp_num(uint64_t h, double v)
{
    if (v == 0) v = 0;
    if (isnan(v)) v = NAN;
    return fnv(h, &v, sizeof(v));
}

uint64_t alert_rule_fingerprint(const Config *cfg, const CfgRule *r)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fp_int(h, r->implicit);
    h = fp_int(h, r->kind);
    h = fp_str(h, r->kpi);
    h = fp_str(h, r->feed);
    h = fp_num(h, r->level);
    h = fp_int(h, r->target_relative);
    if (r->target_relative && r->kpi) {
        const CfgKpi *k = cfg_find_kpi(cfg, r->kpi, NULL);
        h = fp_int(h, k && k->has_target);
        if (k && k->has_target) h = fp_num(h, k->target);
    }
    h = fp_int(h, r->has_clear);
    if (r->has_clear) h = fp_num(h, r->clear);
    h = fp_int(h, (int64_t)r->threshold.n);
    for (size_t i = 0; i < r->threshold.n && i < CFG_MAX_CMP; i++) {
        h = fp_int(h, r->threshold.op[i]);
        h = fp_num(h, r->threshold.v[i]);
    }
    h = fp_int(h, r->over_ms);
    h = fp_int(h, r->nodata_ms);
    h = fp_int(h, r->feed_down);
    h = fp_int(h, r->feed_slow_ms);
    h = fp_int(h, r->feed_bad_data);
    h = fp_int(h, r->for_ms);
    h = fp_int(h, r->keep_firing_ms);
    h = fp_int(h, r->severity);
    h = fp_str(h, r->summary);
    /* Labels in any order: the sum of each pair's own hash. */
    uint64_t labels = 0;
    for (size_t i = 0; i < r->n_labels; i++)
        labels += fp_str(fp_str(0xcbf29ce484222325ULL, r->label_keys[i]), r->label_values[i]);
    h = fp_int(h, (int64_t)r->n_labels);
    return fnv(h, &labels, sizeof(labels));
}

/* Indexes rule ids: id -> position + 1 (as a pointer). -1 when out of memory. */
static int index_ids(StrMap *m, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] && strmap_put(m, ids[i], strlen(ids[i]), (void *)(uintptr_t)(i + 1), NULL) < 0)
            return -1;
    return 0;
}

/* The position of id in m, or -1. */
static long find_id(const StrMap *m, const char *id)
{
    if (!id) return -1;
    uintptr_t v = (uintptr_t)strmap_get(m, id, strlen(id));
    return v ? (long)v - 1 : -1;
}

size_t alert_retire(AlertEngine *e, const Config *next, int64_t now)
{
    const char **ids = malloc((next->n_rules ? next->n_rules : 1) * sizeof(*ids));
    StrMap m = {0};
    bool indexed = false;
    if (ids) {
        for (size_t i = 0; i < next->n_rules; i++)
            ids[i] = next->rules[i].id;
        indexed = index_ids(&m, ids, next->n_rules) == 0;
    }
    /* Out of memory: every alert counts as changed (ended, never carried wrongly). */
    size_t ended = 0;
    for (size_t i = 0; i < e->n; i++) {
        Alert *a = &e->alerts[i];
        AlertPriv *p = &e->priv[i];
        if (a->state == ALERT_INACTIVE) continue;
        long j = indexed ? find_id(&m, a->rule->id) : -1;
        if (j >= 0 && alert_rule_fingerprint(next, &next->rules[j]) ==
                          alert_rule_fingerprint(e->coll->cfg, a->rule))
            continue;
        AlertState old = a->state;
        bool firing = old == ALERT_FIRING || (old == ALERT_STALE && a->held == ALERT_FIRING);
        AlertState to = firing ? ALERT_RESOLVED : ALERT_INACTIVE;
        p->core = to;
        p->stale = false;
        p->clear_since = 0;
        a->held = ALERT_INACTIVE;
        a->state = to;
        a->since_ms = now;
        if (firing) a->resolved_ms = now;
        if (to == ALERT_INACTIVE) a->active_ms = 0;
        AlertEvent ev = {.kind = AEV_TRANSITION, .alert = a, .from = old, .to = to, .at_ms = now};
        alert_emit(e, &ev);
        ended++;
    }
    alert_refresh_due(e);
    strmap_done(&m);
    free(ids);
    return ended;
}

void alert_carry_free(AlertCarry *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        CarryAlert *ca = &c->alerts[i];
        free(ca->rule_id);
        alert_text_free(&ca->a.ack_by);
        alert_text_free(&ca->a.ack_comment);
        alert_text_free(&ca->a.summary);
        alert_text_free(&ca->p.ack_by);
        alert_text_free(&ca->p.ack_comment);
    }
    free(c->alerts);
    free(c->sil);
    free(c);
}

AlertCarry *alert_carry_take(const AlertEngine *e)
{
    AlertCarry *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->alerts = calloc(e->n ? e->n : 1, sizeof(*c->alerts));
    c->sil = malloc((e->n_sil ? e->n_sil : 1) * sizeof(*c->sil));
    if (!c->alerts || !c->sil) goto oom;
    for (size_t i = 0; i < e->n; i++) {
        const Alert *a = &e->alerts[i];
        if (!a->rule->id) continue;
        CarryAlert *ca = &c->alerts[c->n];
        ca->rule_id = strdup(a->rule->id);
        if (!ca->rule_id) goto oom;
        c->n++;
        ca->fp = alert_rule_fingerprint(e->coll->cfg, a->rule);
        ca->a = *a;
        ca->a.rule = NULL;
        ca->p = e->priv[i];
        /* The texts are copies: the engine frees its own. */
        ca->a.ack_by = ca->a.ack_comment = ca->a.summary = alert_no_text;
        ca->p.ack_by = ca->p.ack_comment = alert_no_text;
        alert_text_set(&ca->a.ack_by, ALERT_WHO_MAX, a->ack_by);
        alert_text_set(&ca->a.ack_comment, ALERT_COMMENT_MAX, a->ack_comment);
        alert_text_set(&ca->a.summary, ALERT_SUMMARY_MAX, a->summary);
        alert_text_set(&ca->p.ack_by, ALERT_WHO_MAX, e->priv[i].ack_by);
        alert_text_set(&ca->p.ack_comment, ALERT_COMMENT_MAX, e->priv[i].ack_comment);
    }
    if (e->n_sil) memcpy(c->sil, e->sil, e->n_sil * sizeof(*c->sil));
    c->n_sil = e->n_sil;
    c->next_sil_id = e->next_sil_id;
    return c;
oom:
    alert_carry_free(c);
    return NULL;
}

/* Copies the silences of c into e (same ids). False when out of memory. */
static bool carry_silences(AlertEngine *e, const AlertCarry *c)
{
    if (c->n_sil == 0) return true;
    AlertSilence *s = realloc(e->sil, c->n_sil * sizeof(*s));
    if (!s) return false;
    memcpy(s, c->sil, c->n_sil * sizeof(*s));
    e->sil = s;
    e->n_sil = e->cap_sil = c->n_sil;
    e->next_sil_id = c->next_sil_id;
    return true;
}

size_t alert_carry_apply(AlertEngine *e, const AlertCarry *c)
{
    const char **ids = malloc((e->n ? e->n : 1) * sizeof(*ids));
    StrMap m = {0};
    size_t carried = 0;
    if (!ids) return 0;
    for (size_t i = 0; i < e->n; i++)
        ids[i] = e->alerts[i].rule->id;
    if (index_ids(&m, ids, e->n) != 0) goto done;
    for (size_t k = 0; k < c->n; k++) {
        const CarryAlert *ca = &c->alerts[k];
        long i = find_id(&m, ca->rule_id);
        if (i < 0 || ca->fp != alert_rule_fingerprint(e->coll->cfg, e->alerts[i].rule)) continue;
        Alert *a = &e->alerts[i];
        AlertPriv *p = &e->priv[i];
        Alert keep = *a; /* the new config's rule, KPI and feed, and its texts */
        *a = ca->a;
        a->rule = keep.rule;
        a->kpi = keep.kpi;
        a->feed = keep.feed;
        a->ack_by = keep.ack_by;
        a->ack_comment = keep.ack_comment;
        a->summary = keep.summary;
        alert_text_set(&a->ack_by, ALERT_WHO_MAX, ca->a.ack_by);
        alert_text_set(&a->ack_comment, ALERT_COMMENT_MAX, ca->a.ack_comment);
        alert_text_set(&a->summary, ALERT_SUMMARY_MAX, ca->a.summary);
        AlertPriv links = *p; /* the new engine's siblings, heap place and texts */
        *p = ca->p;
        p->ack_by = links.ack_by;
        p->ack_comment = links.ack_comment;
        alert_text_set(&p->ack_by, ALERT_WHO_MAX, ca->p.ack_by);
        alert_text_set(&p->ack_comment, ALERT_COMMENT_MAX, ca->p.ack_comment);
        p->crit_sibling = links.crit_sibling;
        p->warn_first = links.warn_first;
        p->warn_next = links.warn_next;
        p->hpos = links.hpos;
        p->fresh_until = 0;
        p->ack_pending = false;
        /* The time without a value goes on from where it was. */
        if (a->rule->kind == RULE_NODATA && ca->p.nodata_ref) p->nodata_base = ca->p.nodata_ref;
        p->carried = a->state != ALERT_INACTIVE;
        carried++;
    }
    carry_silences(e, c);
    alert_apply_silences(e);
done:
    strmap_done(&m);
    free(ids);
    return carried;
}

int alert_restore_ack(AlertEngine *e, const char *rule_id, const char *who, const char *comment,
                      int64_t ack_ms)
{
    const Alert *a = alert_find(e, rule_id);
    if (!a || !who || !who[strspn(who, " \t")]) return -1;
    AlertPriv *p = &e->priv[a - e->alerts];
    p->ack_pending = true;
    p->ack_ms = ack_ms;
    alert_text_set(&p->ack_by, ALERT_WHO_MAX, who);
    alert_text_set(&p->ack_comment, ALERT_COMMENT_MAX, comment);
    return 0;
}
