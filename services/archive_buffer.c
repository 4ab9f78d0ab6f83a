/* archive_buffer.c - the archive's front (the owner's thread): names, the
 * Collector it records from, and the bounded buffer of samples, polls and
 * alert events that archive_flush() hands to the writer (see archive.h). */
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

void ar_batch_done(ArBatch *b)
{
    for (size_t i = 0; i < b->e_len; i++)
        ar_event_done(&b->events[(b->e_head + i) % b->e_cap]);
    for (size_t i = 0; i < b->n_snames; i++)
        free(b->snames[i]);
    for (size_t i = 0; i < b->n_fnames; i++)
        free(b->fnames[i]);
    free(b->snames);
    free(b->fnames);
    free(b->samples);
    free(b->polls);
    free(b->events);
    memset(b, 0, sizeof(*b));
}

size_t ar_batch_samples(const ArBatch *b)
{
    return b->s_len;
}

void archive_events_free(ArchiveEvent *ev, size_t n)
{
    for (size_t i = 0; ev && i < n; i++)
        ar_event_done(&ev[i]);
    free(ev);
}

/* Appends a copy of name to the batch's list of new names (*list, *len,
 * starting at front index base). false when out of memory. */
static bool batch_name(char ***list, size_t *len, size_t *base, size_t index, const char *name)
{
    if (*len == 0) *base = index;
    char **nl = realloc(*list, (*len + 1) * sizeof(*nl));
    if (!nl) return false;
    *list = nl;
    if (!(nl[*len] = strdup(name))) return false;
    (*len)++;
    return true;
}

/* Index of name in the front's series (feeds when feed), adding it when
 * absent (and to the batch, for the writer); -1 when out of memory. */
static int name_index(Archive *a, bool feed, const char *name)
{
    ArName **names = feed ? &a->feeds : &a->series;
    size_t *n = feed ? &a->n_feeds : &a->n_series;
    size_t *cap = feed ? &a->cap_feeds : &a->cap_series;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i].name, name) == 0) return (int)i;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        ArName *nn = realloc(*names, nc * sizeof(*nn));
        if (!nn) return -1;
        *names = nn;
        *cap = nc;
    }
    bool ok = feed ? batch_name(&a->buf.fnames, &a->buf.n_fnames, &a->buf.fname_base, *n, name)
                   : batch_name(&a->buf.snames, &a->buf.n_snames, &a->buf.sname_base, *n, name);
    char *copy = ok ? strdup(name) : NULL;
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
        a->kpi_series[i] = name_index(a, false, coll->kpis[i].kpi->key);
        if (a->kpi_series[i] < 0) return -1;
    }
    for (size_t f = 0; f < coll->cfg->n_feeds; f++) {
        a->feed_idx[f] = name_index(a, true, coll->cfg->feeds[f].id);
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
    ArBatch *b = &a->buf;
    void *buf = b->samples;
    bool room =
        ring_room(&buf, &b->s_head, b->s_len, &b->s_cap, sizeof(ArSample), a->opt.max_buffer);
    b->samples = buf;
    if (!room) {
        if (b->s_cap == 0) {
            a->dropped++;
            return;
        }
        b->s_head = (b->s_head + 1) % b->s_cap; /* drop the oldest */
        b->s_len--;
        a->dropped++;
    }
    b->samples[(b->s_head + b->s_len) % b->s_cap] = (ArSample){si, ts, v};
    b->s_len++;
}

/* Buffers a poll of feed index fi (state -1: stopped, not counted as a poll). */
static void push_poll(Archive *a, int fi, int64_t ts, const FeedStatus *st, int state)
{
    ArName *f = &a->feeds[fi];
    bool changed = state != f->last_state;
    if (state < 0 && !changed) return;
    f->last_state = state;
    ArBatch *b = &a->buf;
    void *buf = b->polls;
    bool room = ring_room(&buf, &b->p_head, b->p_len, &b->p_cap, sizeof(ArPoll), MAX_POLLS);
    b->polls = buf;
    if (!room) {
        if (b->p_cap == 0) return;
        b->p_head = (b->p_head + 1) % b->p_cap;
        b->p_len--;
    }
    ArPoll *p = &b->polls[(b->p_head + b->p_len) % b->p_cap];
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
    b->p_len++;
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
    a->buf.start_ms = ts_ms;
    a->buf.start_pending = true;
}

void archive_add_sample(Archive *a, const char *key, int64_t ts_ms, double value)
{
    if (!a || a->reader || a->locked_out) return;
    int si = name_index(a, false, key);
    if (si < 0) {
        a->dropped++;
        return;
    }
    push_sample(a, si, ts_ms, value);
}

void archive_add_poll(Archive *a, const char *feed_id, const FeedStatus *st)
{
    if (!a || a->reader || a->locked_out) return;
    int fi = name_index(a, true, feed_id);
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
    ArBatch *b = &a->buf;
    void *buf = b->events;
    bool room = ring_room(&buf, &b->e_head, b->e_len, &b->e_cap, sizeof(ArchiveEvent), MAX_EVENTS);
    b->events = buf;
    if (!room) {
        if (b->e_cap == 0) return;
        ar_event_done(&b->events[b->e_head]);
        b->e_head = (b->e_head + 1) % b->e_cap;
        b->e_len--;
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
    b->events[(b->e_head + b->e_len) % b->e_cap] = e;
    b->e_len++;
}
