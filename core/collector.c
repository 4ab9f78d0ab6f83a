/* collector.c - the running core: config + store + loop + poller (see collector.h). */
#include "core/collector.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"

/* Appends value v of KPI k polled at wall time wall_ms. The timestamp is
 * forced monotonic per series: when the wall clock is not after the newest
 * sample (it was stepped back), the sample is stored 1 ms after it and
 * counted as retimed, so no poll's value is lost. A sample the store still
 * refuses is counted as rejected. The first sample of each episode sets
 * k->note for the log. Returns true when the sample was stored. */
static bool store_value(Collector *a, CollKpi *k, int64_t wall_ms, double v)
{
    Sample last;
    int64_t ts = wall_ms;
    int how = COLL_SAMPLE_OK;
    if (store_last(a->store, k->series, &last) && wall_ms <= last.ts_ms) {
        ts = last.ts_ms + 1;
        how = COLL_SAMPLE_RETIMED;
    }
    StoreRc rc = store_append(a->store, k->series, ts, v);
    if (rc < 0) how = COLL_SAMPLE_REJECTED;
    if (how == COLL_SAMPLE_RETIMED) k->retimed++;
    if (how == COLL_SAMPLE_REJECTED) k->rejected++;
    if (how != COLL_SAMPLE_OK && how != k->trouble) {
        k->note = how;
        k->behind_ms = how == COLL_SAMPLE_RETIMED ? last.ts_ms - wall_ms : 0;
        a->dirty |= COLL_DIRTY_STATUS | COLL_DIRTY_NOTE;
    }
    k->trouble = how;
    return rc >= 0;
}

void coll_poll_result(Collector *a, size_t feed, const FeedStatus *st, const KpiValue *vals,
                      int64_t wall_ms)
{
    if (a->feeds[feed].state != st->state) a->dirty |= COLL_DIRTY_STATUS;
    a->feeds[feed] = *st;
    a->polls++;
    a->dirty |= COLL_DIRTY_DATA;
    for (size_t i = a->feed_kpis[feed]; i < a->feed_kpis[feed + 1]; i++) {
        CollKpi *k = &a->kpis[i];
        const KpiValue *v = &vals[k->kpi - k->feed->kpis];
        bool stored = store_value(a, k, wall_ms, v->has_value ? v->value : NAN);
        bool has = v->has_value && stored;
        snprintf(k->error, sizeof(k->error), "%s",
                 has       ? ""
                 : !stored ? _("the store rejected the sample")
                           : v->error);
        Sample last;
        KpiStatus s;
        if (has)
            s = cfg_kpi_status(k->kpi, true, v->value, false);
        else
            s = store_last_value(a->store, k->series, &last) ? KST_STALE : KST_NONE;
        if (s != k->status) {
            k->status = s;
            k->status_since = wall_ms;
            a->dirty |= COLL_DIRTY_STATUS;
        }
    }
    if (a->on_poll) a->on_poll(a->on_poll_ud, feed);
}

/* Poller callback: stores the result (coll_poll_result). */
static void on_result(void *ud, size_t feed, const FeedStatus *st, const KpiValue *vals,
                      int64_t wall_ms)
{
    coll_poll_result(ud, feed, st, vals, wall_ms);
}

void coll_sample_counts(const Collector *a, uint64_t *retimed, uint64_t *rejected)
{
    *retimed = *rejected = 0;
    for (size_t i = 0; i < a->n_kpis; i++) {
        *retimed += a->kpis[i].retimed;
        *rejected += a->kpis[i].rejected;
    }
}

Collector *coll_new(Config *cfg, char *err, size_t errlen)
{
    Collector *a = calloc(1, sizeof(*a));
    if (!a) {
        cfg_free(cfg);
        snprintf(err, errlen, "%s", _("out of memory"));
        return NULL;
    }
    a->cfg = cfg;
    a->n_kpis = cfg_kpi_count(cfg);
    a->kpis = calloc(a->n_kpis ? a->n_kpis : 1, sizeof(*a->kpis));
    a->feeds = calloc(cfg->n_feeds ? cfg->n_feeds : 1, sizeof(*a->feeds));
    a->feed_kpis = calloc(cfg->n_feeds + 1, sizeof(*a->feed_kpis));
    a->store = store_new();
    a->loop = loop_new();
    if (!a->kpis || !a->feeds || !a->feed_kpis || !a->store || !a->loop) {
        snprintf(err, errlen, "%s", _("out of memory"));
        goto fail;
    }
    size_t n = 0;
    for (size_t f = 0; f < cfg->n_feeds; f++) {
        a->feed_kpis[f] = n;
        a->feeds[f].state = FS_PENDING;
        a->feeds[f].latency_ms = -1;
        for (size_t k = 0; k < cfg->feeds[f].n_kpis; k++, n++) {
            CollKpi *ak = &a->kpis[n];
            ak->feed = &cfg->feeds[f];
            ak->kpi = &cfg->feeds[f].kpis[k];
            ak->feed_idx = f;
            ak->status = KST_NONE;
            StoreError se;
            ak->series = store_add(a->store, ak->kpi->key, NULL, &se);
            if (ak->series < 0) {
                snprintf(err, errlen, "%s: %s", ak->kpi->key, se.msg);
                goto fail;
            }
        }
    }
    a->feed_kpis[cfg->n_feeds] = n;
    a->poller = poller_new(a->loop, cfg, on_result, a, err, errlen);
    if (!a->poller) goto fail;
    return a;
fail:
    coll_free(a);
    return NULL;
}

void coll_start(Collector *a)
{
    poller_start(a->poller, 2000);
}

void coll_free(Collector *a)
{
    if (!a) return;
    poller_free(a->poller);
    loop_free(a->loop);
    store_free(a->store);
    free(a->kpis);
    free(a->feed_kpis);
    free(a->feeds);
    cfg_free(a->cfg);
    free(a);
}

int coll_find_kpi(const Collector *a, const char *key)
{
    for (size_t i = 0; i < a->n_kpis; i++)
        if (strcmp(a->kpis[i].kpi->key, key) == 0) return (int)i;
    return -1;
}

size_t coll_feeds_up(const Collector *a)
{
    size_t n = 0;
    for (size_t f = 0; f < a->cfg->n_feeds; f++)
        n += feedstate_is_up(a->feeds[f].state) ? 1 : 0;
    return n;
}

bool coll_all_polled(const Collector *a)
{
    for (size_t f = 0; f < a->cfg->n_feeds; f++)
        if (a->feeds[f].polls == 0) return false;
    return true;
}

void coll_kpi_view(const Collector *a, size_t i, int64_t at_ms, CollKpiView *out)
{
    memset(out, 0, sizeof(*out));
    out->status = KST_NONE;
    const CollKpi *k = &a->kpis[i];
    StoreAsOf as;
    bool gap = false;
    if (store_asof(a->store, k->series, at_ms, &as)) {
        out->has_value = true;
        out->value = as.value;
        out->ts_ms = as.ts_ms;
    } else if (as.gap) {
        /* The feed was down at that moment: show the last value before, as stale. */
        gap = true;
        StoreStats st;
        int64_t from = at_ms - 35LL * 24 * 3600 * 1000;
        if (store_stats(a->store, k->series, from, at_ms, &st)) {
            out->has_value = true;
            out->value = st.last.value;
            out->ts_ms = st.last.ts_ms;
        }
    }
    if (!out->has_value) return;
    out->age_ms = at_ms > out->ts_ms ? at_ms - out->ts_ms : 0;
    out->stale = gap || out->age_ms > 3 * k->feed->interval_ms;
    out->status = cfg_kpi_status(k->kpi, true, out->value, out->stale);
}

void coll_feed_view(const Collector *a, size_t f, int64_t at_ms, CollFeedView *out)
{
    out->state = FS_PENDING;
    out->last_ms = 0;
    for (size_t i = 0; i < a->n_kpis; i++) {
        if (a->kpis[i].feed_idx != f) continue;
        CollKpiView v;
        coll_kpi_view(a, i, at_ms, &v);
        if (!v.has_value) continue;
        if (v.ts_ms > out->last_ms) out->last_ms = v.ts_ms;
        if (!v.stale)
            out->state = FS_OK;
        else if (out->state != FS_OK)
            out->state = FS_DOWN;
    }
}

/* Orders issues: critical first, then the oldest first. */
static int issue_cmp(const void *x, const void *y)
{
    const CollIssue *a = x, *b = y;
    if (a->severity != b->severity) return a->severity == KST_CRIT ? -1 : 1;
    if (a->since_ms != b->since_ms) return a->since_ms < b->since_ms ? -1 : 1;
    return a->kpi < b->kpi ? -1 : a->kpi > b->kpi;
}

size_t coll_issues(const Collector *a, CollIssue *out, size_t max)
{
    size_t n = 0;
    for (size_t f = 0; f < a->cfg->n_feeds; f++) {
        FeedStateKind s = a->feeds[f].state;
        if (s != FS_DOWN && s != FS_BAD_DATA) continue;
        if (n < max) {
            int64_t since =
                a->feeds[f].last_ok_ms ? a->feeds[f].last_ok_ms : a->feeds[f].last_poll_ms;
            out[n] = (CollIssue){KST_CRIT, -1, f, since};
        }
        n++;
    }
    for (size_t i = 0; i < a->n_kpis; i++) {
        KpiStatus s = a->kpis[i].status;
        if (s != KST_CRIT && s != KST_WARN) continue;
        if (n < max) out[n] = (CollIssue){s, (int)i, a->kpis[i].feed_idx, a->kpis[i].status_since};
        n++;
    }
    qsort(out, n < max ? n : max, sizeof(*out), issue_cmp);
    return n;
}
