/* snapshot_json.c - a snapshot as a versioned JSON document, built with cJSON
 * (docs/snapshot.md). URLs, headers and credentials are never written. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "export/snapshot_internal.h"
#include "base/timefmt.h"

#define SNAP_JSON_VERSION 1

/* Adds a sanitised string, or null for NULL. False on out of memory. */
static bool add_str(cJSON *o, const char *key, const char *s)
{
    char buf[SNAP_STR_MAX];

    if (!s) return cJSON_AddNullToObject(o, key) != NULL;
    return cJSON_AddStringToObject(o, key, snap_clean(s, buf, sizeof buf)) != NULL;
}

/* Adds a string that is null when empty. */
static bool add_str_or_null(cJSON *o, const char *key, const char *s)
{
    return add_str(o, key, s && *s ? s : NULL);
}

/* Adds a number written exactly (shortest text that reads back as v; cJSON's
 * own printing may round the last digit), or null when it is not finite. */
static bool add_num(cJSON *o, const char *key, double v)
{
    char buf[40];

    if (!isfinite(v)) return cJSON_AddNullToObject(o, key) != NULL;
    return cJSON_AddRawToObject(o, key, snap_fmt_double(v, buf, sizeof buf, "", "", "")) != NULL;
}

/* Adds a counter, exact beyond 2^53. */
static bool add_u64(cJSON *o, const char *key, uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return cJSON_AddRawToObject(o, key, buf) != NULL;
}

/* Adds a local ISO time, or null for 0 (never). */
static bool add_time(cJSON *o, const char *key, int64_t ms)
{
    char buf[TIMEFMT_SIZE];

    if (ms == 0 || timefmt_iso(ms, buf, sizeof buf) < 0)
        return cJSON_AddNullToObject(o, key) != NULL;
    return cJSON_AddStringToObject(o, key, buf) != NULL;
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

    ok = ok && add_str(o, "id", k->id) && add_str(o, "key", k->key) &&
         add_str(o, "name", k->name) && add_str(o, "name_en", k->name_en);
    if (ok && has)
        ok = add_num(o, "value", snap_kpi_value(sk));
    else if (ok)
        ok = cJSON_AddNullToObject(o, "value") != NULL;
    ok = ok && add_str(o, "unit", k->unit ? k->unit : "") &&
         add_str(o, "status", cfg_status_name(sk->status));
    if (ok && k->has_target)
        ok = add_num(o, "target", k->target);
    else if (ok)
        ok = cJSON_AddNullToObject(o, "target") != NULL;
    ok = ok && add_threshold(o, "warn", &k->warn) && add_threshold(o, "crit", &k->crit) &&
         add_time(o, "ts", has ? sk->ts_ms : 0) &&
         add_str_or_null(o, "error", snap_kpi_error(sf, sk, why, sizeof why));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Builds the object of one feed with its KPIs; NULL on out of memory. */
static cJSON *feed_json(const SnapFeed *sf)
{
    const CfgFeed *f = sf->feed;
    const FeedStatus *st = &sf->status;
    cJSON *o = cJSON_CreateObject();
    cJSON *kpis = NULL;
    bool ok = o != NULL;

    ok = ok && add_str(o, "id", f->id) && add_str(o, "name", f->name) &&
         add_str(o, "name_en", f->name_en) && add_str(o, "state", feedstate_name(st->state)) &&
         add_str_or_null(o, "error", st->error);
    if (ok && st->latency_ms >= 0)
        ok = add_num(o, "latency_ms", (double)st->latency_ms);
    else if (ok)
        ok = cJSON_AddNullToObject(o, "latency_ms") != NULL;
    ok = ok && add_num(o, "http_status", st->http_status) &&
         add_time(o, "last_ok", st->last_ok_ms) &&
         add_u64(o, "consecutive_failures", st->consecutive_failures) &&
         add_u64(o, "polls", st->polls) && add_u64(o, "failures", st->failures) &&
         add_u64(o, "bytes", st->bytes);
    ok = ok && (kpis = cJSON_AddArrayToObject(o, "kpis")) != NULL;
    for (size_t i = 0; ok && i < f->n_kpis; i++) {
        cJSON *k = kpi_json(sf, &sf->kpis[i]);
        ok = k != NULL;
        if (ok) cJSON_AddItemToArray(kpis, k);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Builds the whole document; NULL on out of memory. */
static cJSON *snapshot_json(const Snapshot *s)
{
    const Config *c = s->cfg;
    SnapSummary sum;
    cJSON *root = cJSON_CreateObject(), *centre = NULL, *summ = NULL, *feeds = NULL;
    bool ok = root != NULL;

    snap_summarize(s, &sum);
    ok = ok && add_u64(root, "version", SNAP_JSON_VERSION) &&
         add_time(root, "taken_at", s->taken_at_ms);
    ok = ok && (centre = cJSON_AddObjectToObject(root, "centre")) != NULL &&
         add_str(centre, "name", c->name) && add_str(centre, "timezone", c->timezone);
    ok = ok && (summ = cJSON_AddObjectToObject(root, "summary")) != NULL &&
         add_u64(summ, "feeds", sum.feeds) && add_u64(summ, "feeds_up", sum.feeds_up) &&
         add_u64(summ, "kpis", sum.kpis) && add_u64(summ, "ok", sum.ok) &&
         add_u64(summ, "warn", sum.warn) && add_u64(summ, "crit", sum.crit) &&
         add_u64(summ, "stale", sum.stale) && add_u64(summ, "none", sum.none);
    ok = ok && (feeds = cJSON_AddArrayToObject(root, "feeds")) != NULL;
    for (size_t i = 0; ok && i < s->n_feeds; i++) {
        cJSON *f = feed_json(&s->feeds[i]);
        ok = f != NULL;
        if (ok) cJSON_AddItemToArray(feeds, f);
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int snap_write_json(const Snapshot *s, FILE *out)
{
    cJSON *root = snapshot_json(s);
    char *text = NULL;

    if (!root) goto fail;
    text = cJSON_Print(root);
    if (!text) goto fail;
    fputs(text, out);
    fputc('\n', out);
    cJSON_free(text);
    cJSON_Delete(root);
    return 0;
fail:
    cJSON_Delete(root);
    errno = ENOMEM;
    return -1;
}
