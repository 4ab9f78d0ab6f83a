/* report_json.c - a report as a versioned JSON document built with cJSON
 * (docs/report.md describes version 1). Numbers are exact; values that are
 * absent or not finite are null. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/fmt.h"
#include "export/jsonout.h"
#include "export/report_internal.h"

#define REP_JSON_VERSION 1

/* Adds the chart points as [[ts_ms, value or null], ...]. */
static bool add_points(cJSON *o, const ReportKpi *k)
{
    cJSON *arr = cJSON_AddArrayToObject(o, "points");

    if (!arr) return false;
    for (size_t i = 0; i < k->n_points && k->pt_ts && k->pt_v; i++) {
        char ts[24];
        cJSON *pt = cJSON_CreateArray(), *t = NULL, *v = NULL;
        if (!pt) return false;
        cJSON_AddItemToArray(arr, pt);
        snprintf(ts, sizeof ts, "%" PRId64, k->pt_ts[i]);
        if (!(t = cJSON_CreateRaw(ts))) return false;
        cJSON_AddItemToArray(pt, t);
        if (!(v = jsonout_num_item(fmt_round(k->pt_v[i], k->decimals)))) return false;
        cJSON_AddItemToArray(pt, v);
    }
    return true;
}

/* Adds a value of KPI k rounded to its decimals when it has them (no float
 * noise such as 11.600000000000001), null when !has or not finite. */
static bool add_val(cJSON *o, const char *key, bool has, const ReportKpi *k, double v)
{
    return jsonout_num(o, key, has, fmt_round(v, k->decimals));
}

/* Builds the object of one KPI; NULL on out of memory. */
static cJSON *kpi_json(const ReportKpi *k)
{
    char id[REP_STR_MAX];
    bool data = k->has_value && k->samples > 0;
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL;

    ok = ok && jsonout_str(o, "key", k->key) &&
         jsonout_str(o, "feed", rep_feed_id(k, id, sizeof id)) &&
         jsonout_str(o, "feed_name", k->feed_name) && jsonout_str(o, "name", k->name) &&
         jsonout_str(o, "unit", k->unit ? k->unit : "") &&
         jsonout_int(o, "decimals", k->decimals) &&
         jsonout_int(o, "samples", (int64_t)k->samples) && add_val(o, "last", data, k, k->last) &&
         jsonout_time(o, "last_ts", data ? k->last_ts : 0) && add_val(o, "min", data, k, k->min) &&
         add_val(o, "avg", data, k, k->avg) && add_val(o, "max", data, k, k->max) &&
         jsonout_num(o, "target", k->has_target, k->target) &&
         jsonout_str(o, "met", rep_met_name(k->met)) && jsonout_str(o, "warn", k->warn) &&
         jsonout_str(o, "crit", k->crit) && jsonout_num(o, "warn_share", data, k->warn_share) &&
         jsonout_num(o, "crit_share", data, k->crit_share) && add_points(o, k);
    return jsonout_done(o, ok);
}

/* Builds the object of one feed; NULL on out of memory. */
static cJSON *feed_json(const ReportFeed *f)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL;

    ok = ok && jsonout_str(o, "id", f->id) && jsonout_str(o, "name", f->name) &&
         jsonout_num(o, "availability", true, f->availability) &&
         jsonout_int(o, "polls", (int64_t)f->polls) &&
         jsonout_int(o, "failures", (int64_t)f->failures) &&
         jsonout_int(o, "longest_down_ms", f->longest_down_ms);
    return jsonout_done(o, ok);
}

/* Builds the object of one alert; NULL on out of memory. */
static cJSON *alert_json(const ReportAlert *a)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL;

    ok = ok && jsonout_str(o, "rule", a->rule) && jsonout_str(o, "kpi", a->kpi) &&
         jsonout_str(o, "severity", cfg_severity_name((Severity)a->severity)) &&
         jsonout_str(o, "summary", a->summary) && jsonout_time(o, "fired", a->fired_ms) &&
         jsonout_time(o, "acked", a->acked_ms) &&
         jsonout_str(o, "acked_by", a->acked_ms ? a->acked_by : NULL) &&
         jsonout_num(o, "ack_after_ms", a->acked_ms != 0,
                     (double)rep_elapsed(a->acked_ms, a->fired_ms)) &&
         jsonout_time(o, "resolved", a->resolved_ms);
    return jsonout_done(o, ok);
}

/* Builds the alerts object: counts, time to ack, longest open, list. */
static bool add_alerts(cJSON *root, const Report *r)
{
    const ReportAlert *lo = rep_longest_open(r);
    cJSON *al = cJSON_AddObjectToObject(root, "alerts"), *fired = NULL, *list = NULL;
    bool ok = al != NULL;

    ok = ok && (fired = cJSON_AddObjectToObject(al, "fired")) != NULL &&
         jsonout_int(fired, "info", (int64_t)r->fired[SEV_INFO]) &&
         jsonout_int(fired, "warning", (int64_t)r->fired[SEV_WARNING]) &&
         jsonout_int(fired, "critical", (int64_t)r->fired[SEV_CRITICAL]);
    ok = ok && jsonout_num(al, "ack_avg_ms", true, r->ack_avg_ms);
    if (ok && lo) {
        cJSON *o = cJSON_AddObjectToObject(al, "longest_open");
        ok = o != NULL && jsonout_str(o, "rule", lo->rule) &&
             jsonout_int(o, "index", (int64_t)r->longest_open_idx) &&
             jsonout_int(o, "duration_ms", r->longest_open_ms);
    } else if (ok) {
        ok = cJSON_AddNullToObject(al, "longest_open") != NULL;
    }
    ok = ok && (list = cJSON_AddArrayToObject(al, "list")) != NULL;
    for (size_t i = 0; ok && i < r->n_alerts; i++) {
        cJSON *a = alert_json(&r->alerts[i]);
        ok = a != NULL;
        if (ok) cJSON_AddItemToArray(list, a);
    }
    return ok;
}

/* Builds the ioc_not_running object: the total and each period. */
static bool add_not_running(cJSON *root, const Report *r)
{
    cJSON *o = cJSON_AddObjectToObject(root, "ioc_not_running"), *list = NULL;
    bool ok = o != NULL && jsonout_int(o, "duration_ms", r->not_running_ms) &&
              (list = cJSON_AddArrayToObject(o, "periods")) != NULL;

    for (size_t i = 0; ok && i < r->n_stops; i++) {
        const ReportStop *s = &r->stops[i];
        cJSON *p = cJSON_CreateObject();
        ok = p != NULL;
        if (ok) cJSON_AddItemToArray(list, p);
        ok = ok && jsonout_time(p, "from", s->from_ms) && jsonout_time(p, "to", s->to_ms) &&
             jsonout_int(p, "duration_ms", s->to_ms - s->from_ms) &&
             cJSON_AddBoolToObject(p, "clean", s->clean) != NULL;
    }
    return ok;
}

/* Builds the whole document; NULL on out of memory. */
static cJSON *report_json(const Report *r)
{
    cJSON *root = cJSON_CreateObject(), *centre = NULL, *kpis = NULL, *feeds = NULL;
    bool ok = root != NULL;

    ok = ok && jsonout_int(root, "version", REP_JSON_VERSION) &&
         (centre = cJSON_AddObjectToObject(root, "centre")) != NULL &&
         jsonout_str(centre, "name", r->centre) && jsonout_str(centre, "timezone", r->timezone) &&
         jsonout_str(root, "date", r->date) && jsonout_time(root, "from", r->from_ms) &&
         jsonout_time(root, "to", r->to_ms) && jsonout_time(root, "generated_at", r->generated_ms);
    ok = ok && (kpis = cJSON_AddArrayToObject(root, "kpis")) != NULL;
    for (size_t i = 0; ok && i < r->n_kpis; i++) {
        if (!rep_first_of_feed(r, i)) continue;
        for (size_t j = i; ok && j < r->n_kpis; j++) {
            if (!rep_same_feed(&r->kpis[i], &r->kpis[j])) continue;
            cJSON *k = kpi_json(&r->kpis[j]);
            ok = k != NULL;
            if (ok) cJSON_AddItemToArray(kpis, k);
        }
    }
    ok = ok && (feeds = cJSON_AddArrayToObject(root, "feeds")) != NULL;
    for (size_t i = 0; ok && i < r->n_feeds; i++) {
        cJSON *f = feed_json(&r->feeds[i]);
        ok = f != NULL;
        if (ok) cJSON_AddItemToArray(feeds, f);
    }
    ok = ok && add_not_running(root, r) && add_alerts(root, r);
    return jsonout_done(root, ok);
}

int rep_write_json(const void *obj, FILE *out)
{
    return jsonout_print(report_json(obj), out);
}
