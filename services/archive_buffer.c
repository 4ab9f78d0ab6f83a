/* archive_buffer.c - the archive writer's in-memory side: names, the Collector it
 * records from, and the bounded buffers of samples, polls and alert events
 * that archive_flush() writes (see archive.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/archive_internal.h"

#define MAX_EVENTS 10000
#define MAX_POLLS  20000

/* Frees the strings of an event. */
void ar_event_done(ArchiveEvent *e)
{
    free(e->event);
    free(e->rule);
    free(e->kpi);
    free(e->feed);
    free(e->from);
    free(e->to);
    free(e->state);
    free(e->who);
    free(e->comment);
    free(e->acked_by);
    free(e->summary);
    free(e->target);
    memset(e, 0, sizeof(*e));
}

void archive_events_free(ArchiveEvent *ev, size_t n)
{
    for (size_t i = 0; ev && i < n; i++)
        ar_event_done(&ev[i]);
    free(ev);
}

/* Index of name in *names (adding it when absent), or -1 (out of memory). */
static int name_index(ArName **names, size_t *n, size_t *cap, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i].name, name) == 0) return (int)i;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        ArName *nn = realloc(*names, nc * sizeof(*nn));
        if (!nn) return -1;
        *names = nn;
        *cap = nc;
    }
    char *copy = strdup(name);
    if (!copy) return -1;
    (*names)[*n] = (ArName){.name = copy, .last_state = -2};
    return (int)(*n)++;
}

int archive_attach(Archive *a, const Collector *coll)
{
    if (!a) return 0;
    free(a->kpi_series);
    free(a->feed_idx);
    a->kpi_series = calloc(coll->n_kpis ? coll->n_kpis : 1, sizeof(int));
    a->feed_idx = calloc(coll->cfg->n_feeds ? coll->cfg->n_feeds : 1, sizeof(int));
    if (!a->kpi_series || !a->feed_idx) return -1;
    for (size_t i = 0; i < coll->n_kpis; i++) {
        a->kpi_series[i] =
            name_index(&a->series, &a->n_series, &a->cap_series, coll->kpis[i].kpi->key);
        if (a->kpi_series[i] < 0) return -1;
    }
    for (size_t f = 0; f < coll->cfg->n_feeds; f++) {
        a->feed_idx[f] = name_index(&a->feeds, &a->n_feeds, &a->cap_feeds, coll->cfg->feeds[f].id);
        if (a->feed_idx[f] < 0) return -1;
    }
    a->coll = coll;
    return 0;
}

/* Makes room for one more entry in a ring of elem-sized entries (growing up
 * to max); false when it is full (the caller drops the oldest). */
static bool ring_room(void **buf, size_t *head, size_t len, size_t *cap, size_t elem, size_t max)
{
    if (len < *cap) return true;
    if (*cap >= max) return false;
    size_t nc = *cap ? *cap * 2 : 256;
    if (nc > max) nc = max;
    char *nb = malloc(nc * elem);
    if (!nb) return false;
    for (size_t i = 0; i < len; i++)
        memcpy(nb + i * elem, (char *)*buf + ((*head + i) % *cap) * elem, elem);
    free(*buf);
    *buf = nb;
    *head = 0;
    *cap = nc;
    return true;
}

/* Buffers a sample of series index si. */
static void push_sample(Archive *a, int si, int64_t ts, double v)
{
    ArName *s = &a->series[si];
    if (s->has_last && ts <= s->last_ts)
        return; /* already buffered (the store kept an older one) */
    s->has_last = true;
    s->last_ts = ts;
    void *buf = a->samples;
    bool room =
        ring_room(&buf, &a->s_head, a->s_len, &a->s_cap, sizeof(ArSample), a->opt.max_buffer);
    a->samples = buf;
    if (!room) {
        if (a->s_cap == 0) {
            a->stats.dropped++;
            return;
        }
        a->s_head = (a->s_head + 1) % a->s_cap; /* drop the oldest */
        a->s_len--;
        a->stats.dropped++;
    }
    a->samples[(a->s_head + a->s_len) % a->s_cap] = (ArSample){si, ts, v};
    a->s_len++;
}

/* Buffers a poll of feed index fi (state -1: stopped, not counted as a poll). */
static void push_poll(Archive *a, int fi, int64_t ts, const FeedStatus *st, int state)
{
    ArName *f = &a->feeds[fi];
    bool changed = state != f->last_state;
    if (state < 0 && !changed) return;
    f->last_state = state;
    void *buf = a->polls;
    bool room = ring_room(&buf, &a->p_head, a->p_len, &a->p_cap, sizeof(ArPoll), MAX_POLLS);
    a->polls = buf;
    if (!room) {
        if (a->p_cap == 0) return;
        a->p_head = (a->p_head + 1) % a->p_cap;
        a->p_len--;
    }
    ArPoll *p = &a->polls[(a->p_head + a->p_len) % a->p_cap];
    memset(p, 0, sizeof(*p));
    p->feed = fi;
    p->ts = ts;
    p->state = state;
    p->changed = changed;
    p->counted = state >= 0;
    p->up = state >= 0 && feedstate_is_up((FeedStateKind)state);
    if (st) {
        p->latency_ms = st->latency_ms;
        p->http_status = st->http_status;
        snprintf(p->error, sizeof(p->error), "%s", st->error);
    }
    a->p_len++;
}

void archive_record_poll(Archive *a, size_t feed)
{
    if (!a || !a->coll || a->reader || a->locked_out) return;
    const Collector *coll = a->coll;
    for (size_t i = coll->feed_kpis[feed]; i < coll->feed_kpis[feed + 1]; i++) {
        Sample s;
        if (store_last(coll->store, coll->kpis[i].series, &s))
            push_sample(a, a->kpi_series[i], s.ts_ms, s.value);
    }
    const FeedStatus *st = &coll->feeds[feed];
    push_poll(a, a->feed_idx[feed], st->last_poll_ms, st, (int)st->state);
}

void archive_record_stop(Archive *a, int64_t ts_ms)
{
    if (!a || a->reader || a->locked_out) return;
    for (size_t f = 0; f < a->n_feeds; f++)
        if (a->feeds[f].last_state >= 0) push_poll(a, (int)f, ts_ms, NULL, -1);
}

void archive_record_start(Archive *a, int64_t ts_ms)
{
    if (!a || a->reader || a->locked_out) return;
    a->start_ms = ts_ms;
    a->start_pending = true;
}

void archive_add_sample(Archive *a, const char *key, int64_t ts_ms, double value)
{
    if (!a || a->reader || a->locked_out) return;
    int si = name_index(&a->series, &a->n_series, &a->cap_series, key);
    if (si < 0) {
        a->stats.dropped++;
        return;
    }
    push_sample(a, si, ts_ms, value);
}

void archive_add_poll(Archive *a, const char *feed_id, const FeedStatus *st)
{
    if (!a || a->reader || a->locked_out) return;
    int fi = name_index(&a->feeds, &a->n_feeds, &a->cap_feeds, feed_id);
    if (fi >= 0) push_poll(a, fi, st->last_poll_ms, st, (int)st->state);
}

/* strdup() of s, NULL for NULL; sets *oom on failure. */
static char *dup_or_null(const char *s, bool *oom)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *oom = true;
    return d;
}

void archive_record_alert(Archive *a, const AlertEvent *ev)
{
    static const char *const kinds[] = {"transition", "ack", "silence", "unsilence"};
    if (!a || a->reader || a->locked_out) return;
    void *buf = a->events;
    bool room = ring_room(&buf, &a->e_head, a->e_len, &a->e_cap, sizeof(ArchiveEvent), MAX_EVENTS);
    a->events = buf;
    if (!room) {
        if (a->e_cap == 0) return;
        ar_event_done(&a->events[a->e_head]);
        a->e_head = (a->e_head + 1) % a->e_cap;
        a->e_len--;
    }
    ArchiveEvent e = {.ts_ms = ev->at_ms, .severity = -1};
    bool oom = false;
    e.event = dup_or_null((unsigned)ev->kind < 4 ? kinds[ev->kind] : "?", &oom);
    const Alert *al = ev->alert;
    if (al) {
        e.rule = dup_or_null(al->rule->id, &oom);
        e.kpi = dup_or_null(al->rule->kpi, &oom);
        e.feed = dup_or_null(al->rule->feed, &oom);
        e.severity = (int)al->rule->severity;
        e.has_value = al->has_value;
        e.value = al->value;
        e.summary = dup_or_null(al->summary, &oom);
        e.fired_ms = al->fired_ms;
        e.has_change = al->has_change;
        e.change = al->change;
        e.silenced = al->silenced;
        if (al->acked && ev->kind == AEV_TRANSITION) e.acked_by = dup_or_null(al->ack_by, &oom);
    }
    if (ev->kind == AEV_TRANSITION) {
        e.from = dup_or_null(alert_state_name(ev->from), &oom);
        e.to = dup_or_null(alert_state_name(ev->to), &oom);
    } else if (ev->kind == AEV_ACK) {
        e.state = dup_or_null(alert_state_name(ev->to), &oom);
    }
    if (ev->silence) {
        e.target = dup_or_null(ev->silence->target, &oom);
        e.silence_id = ev->silence->id;
        e.until_ms = ev->silence->until_ms; /* unsilence too: which silence ended */
        e.expired = ev->kind == AEV_UNSILENCE && !ev->who;
    }
    e.who = dup_or_null(ev->who, &oom);
    e.comment = dup_or_null(ev->comment, &oom);
    if (oom) {
        ar_event_done(&e);
        return;
    }
    a->events[(a->e_head + a->e_len) % a->e_cap] = e;
    a->e_len++;
}
