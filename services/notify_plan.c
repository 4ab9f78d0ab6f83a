/* notify_plan.c - the alerts one notify target knows: grouping, repeats, and
 * "resolved" only for alerts that were sent (see notify_internal.h). Pure:
 * every time is an argument, so it is tested with a fake clock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/notify_internal.h"

static const char *const sev_names[] = {"info", "warning", "critical"};

/* Clamps a severity to the three known ones. */
static Severity sev_clamp(Severity s)
{
    if ((int)s < (int)SEV_INFO) return SEV_INFO;
    if ((int)s > (int)SEV_CRITICAL) return SEV_CRITICAL;
    return s;
}

/* Copies at most NOTIFY_MAX_STR bytes of s (NULL = ""), replacing bytes that
 * are not valid UTF-8 with U+FFFD so the JSON body stays valid UTF-8. */
static char *copy_str(const char *s)
{
    if (!s) s = "";
    size_t n = strnlen(s, NOTIFY_MAX_STR);
    char *d = malloc(3 * n + 1); /* each bad byte may become 3 */
    if (!d) return NULL;
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 0;
        bool ok = len > 0 && i + len <= n && !(len == 2 && c < 0xC2) && !(len == 4 && c > 0xF4);
        for (size_t k = 1; ok && k < len; k++)
            ok = ((unsigned char)s[i + k] & 0xC0) == 0x80;
        if (ok && len == 3) {
            unsigned char c1 = (unsigned char)s[i + 1];
            ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0); /* overlong, surrogate */
        }
        if (ok && len == 4) {
            unsigned char c1 = (unsigned char)s[i + 1];
            ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (!ok) {
            if (i + (len ? len : 1) > n && len > 1) break; /* a character cut by the limit */
            memcpy(d + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(d + o, s + i, len);
        o += len;
        i += len;
    }
    d[o] = '\0';
    return d;
}

/* The identity of an event's alert: rule \x1f kpi \x1f feed. NULL on OOM. */
static char *make_key(const NotifyEvent *ev)
{
    const char *k = ev->kpi_key ? ev->kpi_key : "", *f = ev->feed_id ? ev->feed_id : "";
    size_t n = strnlen(ev->rule_id, NOTIFY_MAX_STR) + strnlen(k, NOTIFY_MAX_STR) +
               strnlen(f, NOTIFY_MAX_STR) + 3;
    char *key = malloc(n);
    if (key)
        snprintf(key, n, "%.*s\x1f%.*s\x1f%.*s", NOTIFY_MAX_STR, ev->rule_id, NOTIFY_MAX_STR, k,
                 NOTIFY_MAX_STR, f);
    return key;
}

/* Frees n key/value pairs and their arrays. */
static void free_pairs(char **k, char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(k ? k[i] : NULL);
        free(v ? v[i] : NULL);
    }
    free(k);
    free(v);
}

/* A growing list of owned pairs, sorted by key once complete. */
typedef struct {
    char **k, **v;
    size_t n;
    bool oom;
} Pairs;

/* True when the list already has key. */
static bool pairs_has(const Pairs *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->k[i], key) == 0) return true;
    return false;
}

/* Adds a copy of key=value (arrays sized by the caller); skips an empty key
 * or one already present (the first wins). */
static void pairs_add(Pairs *p, const char *key, const char *value)
{
    if (p->oom || !key || !*key) return;
    char *k = copy_str(key), *v = copy_str(value);
    if (!k || !v || pairs_has(p, k)) {
        p->oom = p->oom || !k || !v;
        free(k);
        free(v);
        return;
    }
    p->k[p->n] = k;
    p->v[p->n] = v;
    p->n++;
}

/* Sorts pairs by key (insertion sort: a few dozen at most). */
static void pairs_sort(Pairs *p)
{
    for (size_t i = 1; i < p->n; i++) {
        char *k = p->k[i], *v = p->v[i];
        size_t j = i;
        for (; j > 0 && strcmp(p->k[j - 1], k) > 0; j--) {
            p->k[j] = p->k[j - 1];
            p->v[j] = p->v[j - 1];
        }
        p->k[j] = k;
        p->v[j] = v;
    }
}

/* Allocates the arrays of a list of up to cap pairs. */
static bool pairs_alloc(Pairs *p, size_t cap)
{
    *p = (Pairs){0};
    p->k = calloc(cap, sizeof(char *));
    p->v = calloc(cap, sizeof(char *));
    if (p->k && p->v) return true;
    free(p->k);
    free(p->v);
    return false;
}

/* Formats a value for the "value" annotation. */
static void fmt_value(double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "NaN");
    else if (isinf(v))
        snprintf(buf, n, "%s", v > 0 ? "+Inf" : "-Inf");
    else
        snprintf(buf, n, "%.10g", v);
}

/* Replaces a's labels, annotations and severity with the event's. False
 * (and a unchanged) when out of memory. */
static bool alert_fill(PlanAlert *a, const NotifyEvent *ev)
{
    Severity sev = sev_clamp(ev->severity);
    size_t extra = ev->n_labels < NOTIFY_MAX_LABELS ? ev->n_labels : NOTIFY_MAX_LABELS;
    Pairs l, an;
    if (!pairs_alloc(&l, 4 + extra)) return false;
    if (!pairs_alloc(&an, 4)) {
        free_pairs(l.k, l.v, 0);
        return false;
    }
    pairs_add(&l, "alertname", ev->rule_id);
    pairs_add(&l, "severity", sev_names[sev]);
    if (ev->kpi_key && *ev->kpi_key) pairs_add(&l, "kpi", ev->kpi_key);
    if (ev->feed_id && *ev->feed_id) pairs_add(&l, "feed", ev->feed_id);
    for (size_t i = 0; i < extra && ev->label_keys && ev->label_values; i++)
        pairs_add(&l, ev->label_keys[i], ev->label_values[i]);
    pairs_add(&an, "summary", ev->summary ? ev->summary : "");
    if (ev->has_value && !isnan(ev->value)) {
        char v[40];
        fmt_value(ev->value, v, sizeof(v));
        pairs_add(&an, "value", v);
    }
    if (ev->unit && *ev->unit) pairs_add(&an, "unit", ev->unit);
    if (ev->kpi_name && *ev->kpi_name) pairs_add(&an, "kpi_name", ev->kpi_name);
    if (l.oom || an.oom) {
        free_pairs(l.k, l.v, l.n);
        free_pairs(an.k, an.v, an.n);
        return false;
    }
    pairs_sort(&l);
    pairs_sort(&an);
    free_pairs(a->lk, a->lv, a->nl);
    free_pairs(a->ak, a->av, a->na);
    a->lk = l.k;
    a->lv = l.v;
    a->nl = l.n;
    a->ak = an.k;
    a->av = an.v;
    a->na = an.n;
    a->severity = sev;
    return true;
}

/* Frees what an alert owns. */
static void alert_free(PlanAlert *a)
{
    free(a->key);
    free_pairs(a->lk, a->lv, a->nl);
    free_pairs(a->ak, a->av, a->na);
}

void plan_init(Plan *p, const CfgNotify *cfg)
{
    *p = (Plan){0};
    p->min_severity = sev_clamp(cfg->min_severity);
    for (int i = 0; i < 3; i++)
        p->repeat_ms[i] = cfg->repeat_ms[i] > 0 ? cfg->repeat_ms[i] : 0;
    p->group_wait_ms = cfg->group_wait_ms > 0 ? cfg->group_wait_ms : 0;
}

void plan_done(Plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        alert_free(&p->alerts[i]);
    free(p->alerts);
    *p = (Plan){0};
}

/* Index of the alert with key, or -1. */
static long find(const Plan *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->alerts[i].key, key) == 0) return (long)i;
    return -1;
}

/* Removes alert i, keeping arrival order. */
static void remove_at(Plan *p, size_t i)
{
    alert_free(&p->alerts[i]);
    memmove(&p->alerts[i], &p->alerts[i + 1], (p->n - i - 1) * sizeof(PlanAlert));
    p->n--;
}

/* Puts an alert in the open group, opening one (due group_wait from now). */
static void join_group(Plan *p, PlanAlert *a, int64_t now)
{
    a->pending = true;
    if (!p->group_open) {
        p->group_open = true;
        p->group_due = now + p->group_wait_ms;
    }
}

/* Closes the group when no alert waits in it any more. */
static void maybe_close_group(Plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->alerts[i].pending) return;
    p->group_open = false;
}

/* Appends a new, empty alert with key (taken). NULL when out of memory or
 * the table is full (key is then freed). */
static PlanAlert *append(Plan *p, char *key)
{
    if (p->n >= NOTIFY_MAX_ALERTS) {
        p->ignored++;
        free(key);
        return NULL;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        PlanAlert *a = realloc(p->alerts, cap * sizeof(*a));
        if (!a) {
            free(key);
            return NULL;
        }
        p->alerts = a;
        p->cap = cap;
    }
    PlanAlert *a = &p->alerts[p->n++];
    *a = (PlanAlert){.key = key};
    return a;
}

bool plan_event(Plan *p, const NotifyEvent *ev, int64_t now)
{
    if (!ev || !ev->rule_id) return true;
    char *key = make_key(ev);
    if (!key) return false;
    long i = find(p, key);
    if (ev->firing) {
        PlanAlert *a;
        bool fresh = i < 0;
        if (fresh) {
            if (sev_clamp(ev->severity) < p->min_severity) {
                free(key);
                return true;
            }
            a = append(p, key); /* takes key */
            if (!a) return false;
        } else {
            free(key);
            a = &p->alerts[i];
        }
        if (!alert_fill(a, ev)) {
            if (fresh) remove_at(p, p->n - 1);
            return false;
        }
        if (fresh || !a->firing) { /* starts firing (again) */
            a->firing = true;
            a->starts_at = ev->starts_at_ms;
            a->ends_at = 0;
            join_group(p, a, now);
        }
        return true;
    }
    free(key);
    if (i < 0 || !p->alerts[i].firing) return true; /* unknown, or already resolved */
    PlanAlert *a = &p->alerts[i];
    if (!a->sent) { /* never went to this target: nothing to resolve */
        remove_at(p, (size_t)i);
        maybe_close_group(p);
        return true;
    }
    alert_fill(a, ev); /* out of memory: resolve with the labels it had */
    a->firing = false;
    a->ends_at = ev->ends_at_ms;
    a->next_repeat = 0;
    join_group(p, a, now);
    return true;
}

bool plan_sent(const Plan *p, const NotifyEvent *ev)
{
    char *key = ev && ev->rule_id ? make_key(ev) : NULL;
    if (!key) return false;
    long i = find(p, key);
    free(key);
    return i >= 0 && p->alerts[i].firing && p->alerts[i].sent;
}

bool plan_adopt(Plan *p, const NotifyEvent *ev, int64_t now)
{
    if (!ev || !ev->rule_id || !ev->firing || sev_clamp(ev->severity) < p->min_severity)
        return true;
    char *key = make_key(ev);
    if (!key) return false;
    if (find(p, key) >= 0) {
        free(key);
        return true;
    }
    PlanAlert *a = append(p, key); /* takes key */
    if (!a) return false;
    if (!alert_fill(a, ev)) {
        remove_at(p, p->n - 1);
        return false;
    }
    a->firing = true;
    a->sent = true;
    a->starts_at = ev->starts_at_ms;
    a->ends_at = 0;
    int64_t r = p->repeat_ms[a->severity];
    a->next_repeat = r > 0 ? now + r : 0;
    return true;
}

int64_t plan_next_due(const Plan *p)
{
    int64_t due = p->group_open ? p->group_due : INT64_MAX;
    for (size_t i = 0; i < p->n; i++) {
        const PlanAlert *a = &p->alerts[i];
        if (a->firing && a->sent && !a->pending && a->next_repeat > 0 && a->next_repeat < due)
            due = a->next_repeat;
    }
    return due;
}

void plan_hurry(Plan *p, int64_t now)
{
    if (p->group_open && p->group_due > now) p->group_due = now;
}

size_t plan_take(Plan *p, int64_t now, PlanEmitFn emit, void *ud)
{
    for (size_t i = 0; i < p->n; i++) {
        PlanAlert *a = &p->alerts[i];
        if (a->firing && a->sent && !a->pending && a->next_repeat > 0 && a->next_repeat <= now)
            join_group(p, a, now);
    }
    if (!p->group_open || p->group_due > now) return 0;

    size_t lost = 0;
    const PlanAlert *batch[NOTIFY_MAX_GROUP];
    size_t nb = 0;
    bool firing = false;
    for (size_t i = 0; i <= p->n; i++) {
        if (i < p->n && p->alerts[i].pending) {
            batch[nb++] = &p->alerts[i];
            firing = firing || p->alerts[i].firing;
        }
        if (nb > 0 && (nb == NOTIFY_MAX_GROUP || i == p->n)) {
            size_t len = 0;
            char *body = notify_json_body(batch, nb, &len);
            if (body)
                emit(ud, body, len, nb, firing);
            else
                lost++;
            nb = 0;
            firing = false;
        }
    }
    /* The group went out: firing alerts now count as sent and wait for their
     * repeat; resolved ones are forgotten. */
    for (size_t i = p->n; i-- > 0;) {
        PlanAlert *a = &p->alerts[i];
        if (!a->pending) continue;
        a->pending = false;
        if (a->firing) {
            a->sent = true;
            int64_t r = p->repeat_ms[a->severity];
            a->next_repeat = r > 0 ? now + r : 0;
        } else {
            remove_at(p, i);
        }
    }
    p->group_open = false;
    return lost;
}

size_t plan_active(const Plan *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += p->alerts[i].firing;
    return n;
}
