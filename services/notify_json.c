/* notify_json.c - the notification body: Alertmanager's webhook JSON
 * (version 4), so existing receivers understand it (docs/notify.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "services/notify_internal.h"

#define ZERO_TIME "0001-01-01T00:00:00Z"

void notify_fmt_time(int64_t wall_ms, char *buf, size_t n)
{
    /* Years 1970..9999 only: anything else is not a time an alert has. */
    if (wall_ms <= 0 || wall_ms >= INT64_C(253402300800000)) {
        snprintf(buf, n, "%s", ZERO_TIME);
        return;
    }
    time_t secs = (time_t)(wall_ms / 1000);
    int ms = (int)(wall_ms % 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm)) {
        snprintf(buf, n, "%s", ZERO_TIME);
        return;
    }
    char frac[8] = "";
    if (ms > 0) { /* like Go's RFC3339Nano: the fraction without trailing zeros */
        snprintf(frac, sizeof(frac), ".%03d", ms);
        size_t l = strlen(frac);
        while (l > 1 && frac[l - 1] == '0')
            frac[--l] = '\0';
    }
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void notify_fingerprint(const PlanAlert *a, char out[17])
{
    uint64_t h = UINT64_C(14695981039346656037);
    const uint64_t prime = UINT64_C(1099511628211);
    for (size_t i = 0; i < a->nl; i++) { /* labels are sorted: the order is stable */
        const char *parts[2] = {a->lk[i], a->lv[i]};
        for (int p = 0; p < 2; p++) {
            for (const unsigned char *s = (const unsigned char *)parts[p]; *s; s++) {
                h ^= *s;
                h *= prime;
            }
            h ^= 0xff; /* separator: no byte of UTF-8 text */
            h *= prime;
        }
    }
    snprintf(out, 17, "%016" PRIx64, h);
}

/* Adds an object of n pairs under name; false when out of memory. */
static bool add_pairs(cJSON *parent, const char *name, char **k, char **v, size_t n)
{
    cJSON *o = cJSON_AddObjectToObject(parent, name);
    if (!o) return false;
    for (size_t i = 0; i < n; i++)
        if (!cJSON_AddStringToObject(o, k[i], v[i])) return false;
    return true;
}

/* The value alert a has for key among pairs (k, v, n), or NULL. */
static const char *lookup(char **k, char **v, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(k[i], key) == 0) return v[i];
    return NULL;
}

/* Adds under name the pairs of the first alert that every alert shares
 * (same key, same value); annotations when annot is true. */
static bool add_common(cJSON *parent, const char *name, const PlanAlert *const *al, size_t n,
                       bool annot)
{
    cJSON *o = cJSON_AddObjectToObject(parent, name);
    if (!o) return false;
    const PlanAlert *a0 = al[0];
    size_t m = annot ? a0->na : a0->nl;
    for (size_t i = 0; i < m; i++) {
        const char *k = annot ? a0->ak[i] : a0->lk[i], *v = annot ? a0->av[i] : a0->lv[i];
        bool common = true;
        for (size_t j = 1; j < n && common; j++) {
            const PlanAlert *b = al[j];
            const char *w = annot ? lookup(b->ak, b->av, b->na, k) : lookup(b->lk, b->lv, b->nl, k);
            common = w && strcmp(w, v) == 0;
        }
        if (common && !cJSON_AddStringToObject(o, k, v)) return false;
    }
    return true;
}

/* Appends one alert object to the array; false when out of memory. */
static bool add_alert(cJSON *arr, const PlanAlert *a)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return false;
    if (!cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return false;
    }
    char starts[40], ends[40], fp[17];
    notify_fmt_time(a->starts_at, starts, sizeof(starts));
    if (a->firing)
        snprintf(ends, sizeof(ends), "%s", ZERO_TIME);
    else
        notify_fmt_time(a->ends_at, ends, sizeof(ends));
    notify_fingerprint(a, fp);
    return cJSON_AddStringToObject(o, "status", a->firing ? "firing" : "resolved") &&
           add_pairs(o, "labels", a->lk, a->lv, a->nl) &&
           add_pairs(o, "annotations", a->ak, a->av, a->na) &&
           cJSON_AddStringToObject(o, "startsAt", starts) &&
           cJSON_AddStringToObject(o, "endsAt", ends) &&
           cJSON_AddStringToObject(o, "generatorURL", "") &&
           cJSON_AddStringToObject(o, "fingerprint", fp);
}

char *notify_json_body(const PlanAlert *const *alerts, size_t n, size_t *len)
{
    if (n == 0) return NULL;
    bool firing = false;
    for (size_t i = 0; i < n; i++)
        firing = firing || alerts[i]->firing;
    char *out = NULL;
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    /* Grouping is by time, not by labels: no group labels, one group key. */
    bool ok = cJSON_AddStringToObject(root, "version", "4") &&
              cJSON_AddStringToObject(root, "status", firing ? "firing" : "resolved") &&
              cJSON_AddStringToObject(root, "receiver", "ioc") &&
              cJSON_AddStringToObject(root, "groupKey", "{}:{}") &&
              cJSON_AddObjectToObject(root, "groupLabels") &&
              add_common(root, "commonLabels", alerts, n, false) &&
              add_common(root, "commonAnnotations", alerts, n, true) &&
              cJSON_AddStringToObject(root, "externalURL", "") &&
              cJSON_AddNumberToObject(root, "truncatedAlerts", 0);
    cJSON *arr = ok ? cJSON_AddArrayToObject(root, "alerts") : NULL;
    for (size_t i = 0; arr && i < n; i++)
        if (!add_alert(arr, alerts[i])) arr = NULL;
    if (arr) out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (out && len) *len = strlen(out);
    return out;
}
