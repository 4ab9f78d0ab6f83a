/* snapshot_json.c - a snapshot as a versioned JSON document, built with cJSON
 * (docs/snapshot.md). URLs, headers and credentials are never written. */
#include <math.h>
#include <stdbool.h>

#include "export/jsonout.h"
#include "export/snapshot_internal.h"

#define SNAP_JSON_VERSION 1

/* Adds a string that is null when empty. */
static bool add_str_or_null(cJSON *o, const char *key, const char *s)
{
    return jsonout_str(o, key, s && *s ? s : NULL);
}

/* Adds a threshold as text ("< 70"), or null when there is none. */
static bool add_threshold(cJSON *o, const char *key, const CfgThreshold *t)
{
    char buf[256];

    if (t->n == 0) return cJSON_AddNullToObject(o, key) != NULL;
    return cJSON_AddStringToObject(o, key, snap_fmt_threshold(t, buf, sizeof buf)) != NULL;
}

/* Builds the object of one KPI of feed sf; NULL on out of memory. A null
 * value always comes with an error saying why. */
static cJSON *kpi_json(const SnapFeed *sf, const SnapKpi *sk)
{
    const CfgKpi *k = sk->kpi;
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL;
    bool has = sk->has_value && isfinite(sk->value);
    char why[sizeof sk->error + 64];

    ok = ok && jsonout_str(o, "id", k->id) && jsonout_str(o, "key", k->key) &&
         jsonout_str(o, "name", k->name) && jsonout_str(o, "name_en", k->name_en);
    ok = ok && jsonout_num(o, "value", has, snap_kpi_value(sk)) &&
         jsonout_str(o, "unit", k->unit ? k->unit : "") &&
         jsonout_str(o, "status", cfg_status_name(sk->status)) &&
         jsonout_num(o, "target", k->has_target, k->target) && add_threshold(o, "warn", &k->warn) &&
         add_threshold(o, "crit", &k->crit) && jsonout_time(o, "ts", has ? sk->ts_ms : 0) &&
         add_str_or_null(o, "error", snap_kpi_error(sf, sk, why, sizeof why));
    return jsonout_done(o, ok);
}

/* Builds the object of one feed with its KPIs; NULL on out of memory. */
static cJSON *feed_json(const SnapFeed *sf)
{
    const CfgFeed *f = sf->feed;
    const FeedStatus *st = &sf->status;
    cJSON *o = cJSON_CreateObject();
    cJSON *kpis = NULL;
    bool ok = o != NULL;

    ok = ok && jsonout_str(o, "id", f->id) && jsonout_str(o, "name", f->name) &&
         jsonout_str(o, "name_en", f->name_en) &&
         jsonout_str(o, "state", feedstate_name(st->state)) &&
         add_str_or_null(o, "error", st->error);
    ok = ok && jsonout_num(o, "latency_ms", st->latency_ms >= 0, (double)st->latency_ms) &&
         jsonout_num(o, "http_status", true, st->http_status) &&
         jsonout_time(o, "last_ok", st->last_ok_ms) &&
         jsonout_u64(o, "consecutive_failures", st->consecutive_failures) &&
         jsonout_u64(o, "polls", st->polls) && jsonout_u64(o, "failures", st->failures) &&
         jsonout_u64(o, "bytes", st->bytes);
    ok = ok && (kpis = cJSON_AddArrayToObject(o, "kpis")) != NULL;
    for (size_t i = 0; ok && i < f->n_kpis; i++) {
        cJSON *k = kpi_json(sf, &sf->kpis[i]);
        ok = k != NULL;
        if (ok) cJSON_AddItemToArray(kpis, k);
    }
    return jsonout_done(o, ok);
}

/* Builds the whole document; NULL on out of memory. */
static cJSON *snapshot_json(const Snapshot *s)
{
    const Config *c = s->cfg;
    SnapSummary sum;
    cJSON *root = cJSON_CreateObject(), *centre = NULL, *summ = NULL, *feeds = NULL;
    bool ok = root != NULL;

    snap_summarize(s, &sum);
    ok = ok && jsonout_u64(root, "version", SNAP_JSON_VERSION) &&
         jsonout_time(root, "taken_at", s->taken_at_ms);
    ok = ok && (centre = cJSON_AddObjectToObject(root, "centre")) != NULL &&
         jsonout_str(centre, "name", c->name) && jsonout_str(centre, "timezone", c->timezone);
    ok = ok && (summ = cJSON_AddObjectToObject(root, "summary")) != NULL &&
         jsonout_u64(summ, "feeds", sum.feeds) && jsonout_u64(summ, "feeds_up", sum.feeds_up) &&
         jsonout_u64(summ, "kpis", sum.kpis) && jsonout_u64(summ, "ok", sum.ok) &&
         jsonout_u64(summ, "warn", sum.warn) && jsonout_u64(summ, "crit", sum.crit) &&
         jsonout_u64(summ, "stale", sum.stale) && jsonout_u64(summ, "none", sum.none);
    ok = ok && (feeds = cJSON_AddArrayToObject(root, "feeds")) != NULL;
    for (size_t i = 0; ok && i < s->n_feeds; i++) {
        cJSON *f = feed_json(&s->feeds[i]);
        ok = f != NULL;
        if (ok) cJSON_AddItemToArray(feeds, f);
    }
    return jsonout_done(root, ok);
}

int snap_write_json(const void *obj, FILE *out)
{
    return jsonout_print(snapshot_json(obj), out);
}
