/* events.c - the fan-out of the Server-Sent Events stream (see events.h). */
#include "services/events.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/loop.h"
#include "base/sbuf.h"
#include "services/api.h"

struct EventsClient {
    struct EventsClient *prev, *next;
    char *buf; /* pending bytes are buf[head..len) */
    size_t head, len, cap;
    EventsState state;
    bool waiting; /* the last read found nothing: wake on the next bytes */
    int64_t last; /* monotonic ms of the last bytes queued */
    EventsWakeFn wake;
    void *wake_ud;
};

struct Events {
    EventsClient *first;
    size_t n, queue_max;
    uint64_t seq, overflows;
    int64_t generation;
};

Events *events_new(size_t queue_max, int64_t generation)
{
    Events *ev = calloc(1, sizeof(*ev));
    if (!ev) return NULL;
    ev->queue_max = queue_max ? queue_max : EVENTS_QUEUE_MAX;
    ev->generation = generation;
    return ev;
}

void events_free(Events *ev)
{
    if (!ev) return;
    while (ev->first)
        events_unsubscribe(ev, ev->first);
    free(ev);
}

/* Calls c's wake callback when its reader is waiting. */
static void wake(EventsClient *c)
{
    if (!c->waiting) return;
    c->waiting = false;
    if (c->wake) c->wake(c->wake_ud, c);
}

/* Marks c overflowed: its queue is dropped and its reader told. */
static void overflow(Events *ev, EventsClient *c)
{
    free(c->buf);
    c->buf = NULL;
    c->head = c->len = c->cap = 0;
    c->state = EVENTS_OVERFLOW;
    ev->overflows++;
    wake(c);
}

/* Appends n bytes to c's queue (within the cap, else overflow) and wakes it. */
static void queue(Events *ev, EventsClient *c, const char *s, size_t n)
{
    if (c->state != EVENTS_OPEN) return;
    if (c->len - c->head + n > ev->queue_max) {
        overflow(ev, c);
        return;
    }
    if (c->head > 0 && c->len + n > c->cap) { /* reuse the bytes already sent */
        memmove(c->buf, c->buf + c->head, c->len - c->head);
        c->len -= c->head;
        c->head = 0;
    }
    if (c->len + n > c->cap) {
        size_t cap = c->cap ? c->cap : 1024;
        while (cap < c->len + n)
            cap *= 2;
        char *grown = realloc(c->buf, cap);
        if (!grown) {
            overflow(ev, c); /* out of memory: that client resyncs */
            return;
        }
        c->buf = grown;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
    c->last = loop_now_ms();
    wake(c);
}

/* The text of one event: "id: N\nevent: NAME\ndata: DATA\n\n" (NULL: OOM). */
static char *frame(uint64_t id, const char *name, const char *data, size_t *n)
{
    SBuf b = {0};
    char head[64];
    snprintf(head, sizeof(head), "id: %llu\nevent: ", (unsigned long long)id);
    sbuf_puts(&b, head);
    sbuf_puts(&b, name);
    sbuf_puts(&b, "\ndata: ");
    sbuf_puts(&b, data);
    sbuf_puts(&b, "\n\n");
    if (b.oom) {
        sbuf_free(&b);
        return NULL;
    }
    *n = b.len;
    return b.s;
}

EventsClient *events_subscribe(Events *ev, EventsWakeFn wakefn, void *wake_ud, int64_t now_wall)
{
    EventsClient *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->wake = wakefn;
    c->wake_ud = wake_ud;
    c->next = ev->first;
    if (ev->first) ev->first->prev = c;
    ev->first = c;
    ev->n++;
    char data[120];
    snprintf(data, sizeof(data), "{\"generation\":%lld,\"seq\":%llu,\"time\":%lld}",
             (long long)ev->generation, (unsigned long long)ev->seq, (long long)now_wall);
    size_t n;
    char *f = frame(ev->seq, "hello", data, &n);
    if (f) queue(ev, c, f, n);
    free(f);
    if (!f || c->state != EVENTS_OPEN) {
        events_unsubscribe(ev, c);
        return NULL;
    }
    return c;
}

void events_unsubscribe(Events *ev, EventsClient *c)
{
    if (!c) return;
    if (c->prev)
        c->prev->next = c->next;
    else
        ev->first = c->next;
    if (c->next) c->next->prev = c->prev;
    ev->n--;
    free(c->buf);
    free(c);
}

size_t events_read(EventsClient *c, char *buf, size_t max)
{
    size_t n = c->len - c->head;
    if (n > max) n = max;
    if (n == 0) {
        c->waiting = true;
        return 0;
    }
    memcpy(buf, c->buf + c->head, n);
    c->head += n;
    if (c->head == c->len) c->head = c->len = 0;
    return n;
}

EventsState events_state(const EventsClient *c)
{
    return c->state;
}

size_t events_pending(const EventsClient *c)
{
    return c->len - c->head;
}

uint64_t events_seq(const Events *ev)
{
    return ev->seq;
}

int64_t events_generation(const Events *ev)
{
    return ev->generation;
}

size_t events_clients(const Events *ev)
{
    return ev->n;
}

uint64_t events_overflows(const Events *ev)
{
    return ev->overflows;
}

void events_send(Events *ev, const char *name, const char *data)
{
    if (!ev) return;
    ev->seq++; /* numbered even without clients: the same N for everyone */
    if (!ev->first) return;
    size_t n;
    char *f = frame(ev->seq, name, data, &n);
    for (EventsClient *c = ev->first; c; c = c->next) {
        if (f)
            queue(ev, c, f, n);
        else if (c->state == EVENTS_OPEN)
            overflow(ev, c); /* out of memory: a gap; the client must resync */
    }
    free(f);
}

/* True when no client listens: the event is only numbered (the same N for
 * everyone who connects later) and not serialised at all. */
static bool unheard(Events *ev)
{
    if (ev->first) return false;
    ev->seq++;
    return true;
}

/* Sends name with the unformatted text of j (freed). */
static void send_json(Events *ev, const char *name, cJSON *j)
{
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    if (text) {
        events_send(ev, name, text);
        cJSON_free(text);
    } else {
        events_send(ev, name, "null"); /* out of memory: keep the numbering */
    }
}

/* Adds integer v (milliseconds, counts) or null when v is `none`. */
static void add_int(cJSON *o, const char *key, int64_t v, int64_t none)
{
    if (v == none)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddNumberToObject(o, key, (double)v);
}

void events_poll(Events *ev, const Monitor *m, size_t feed, int64_t t)
{
    if (!ev || !m || unheard(ev)) return;
    const Collector *c = m->coll;
    const FeedStatus *st = &c->feeds[feed];
    cJSON *o = cJSON_CreateObject();
    if (o) {
        cJSON_AddStringToObject(o, "feed", c->cfg->feeds[feed].id);
        cJSON_AddNumberToObject(o, "t", (double)t);
        cJSON_AddStringToObject(o, "state", feedstate_name(st->state));
        cJSON_AddStringToObject(o, "error", st->error);
        cJSON_AddStringToObject(o, "reason", feedstate_error_name(st->error_kind));
        add_int(o, "latency_ms", st->latency_ms, -1);
        add_int(o, "http_status", st->http_status, 0);
        add_int(o, "last_ok", st->last_ok_ms, 0);
        cJSON_AddNumberToObject(o, "consecutive_failures", st->consecutive_failures);
        cJSON_AddNumberToObject(o, "polls", (double)st->polls);
        cJSON_AddNumberToObject(o, "failures", (double)st->failures);
        cJSON *vals = cJSON_AddArrayToObject(o, "values");
        for (size_t i = c->feed_kpis[feed]; vals && i < c->feed_kpis[feed + 1]; i++) {
            const CollKpi *k = &c->kpis[i];
            cJSON *v = cJSON_CreateObject();
            if (!v) break;
            cJSON_AddStringToObject(v, "kpi", k->kpi->id);
            Sample last;
            if (!k->error[0] && store_last(c->store, k->series, &last) && isfinite(last.value)) {
                cJSON_AddNumberToObject(v, "v", last.value);
            } else {
                cJSON_AddNullToObject(v, "v");
                if (k->error[0]) cJSON_AddStringToObject(v, "error", k->error);
            }
            cJSON_AddItemToArray(vals, v);
        }
    }
    send_json(ev, "poll", o);
}

void events_feed(Events *ev, const Monitor *m, size_t feed, FeedStateKind from, int64_t t)
{
    if (!ev || !m || unheard(ev)) return;
    const FeedStatus *st = &m->coll->feeds[feed];
    cJSON *o = cJSON_CreateObject();
    if (o) {
        cJSON_AddStringToObject(o, "feed", m->coll->cfg->feeds[feed].id);
        cJSON_AddStringToObject(o, "from", feedstate_name(from));
        cJSON_AddStringToObject(o, "to", feedstate_name(st->state));
        cJSON_AddStringToObject(o, "error", st->error);
        cJSON_AddNumberToObject(o, "t", (double)t);
    }
    send_json(ev, "feed", o);
}

void events_alert(Events *ev, const Monitor *m, const AlertEvent *e)
{
    if (!ev || !m || unheard(ev)) return;
    cJSON *o = NULL;
    const char *name = "alert";
    switch (e->kind) {
    case AEV_TRANSITION:
        o = api_alert_json(m, e->alert);
        if (o) cJSON_AddStringToObject(o, "from", alert_state_name(e->from));
        break;
    case AEV_ACK:
        name = "ack";
        o = api_alert_json(m, e->alert);
        break;
    case AEV_SILENCE:
        name = "silence";
        o = api_silence_json(e->silence);
        break;
    case AEV_UNSILENCE:
        name = "unsilence";
        o = cJSON_CreateObject();
        if (o) {
            cJSON_AddNumberToObject(o, "id", e->silence->id);
            if (e->who)
                cJSON_AddStringToObject(o, "by", e->who);
            else
                cJSON_AddNullToObject(o, "by");
        }
        break;
    }
    if (o) cJSON_AddNumberToObject(o, "t", (double)e->at_ms);
    send_json(ev, name, o);
}

void events_reload(Events *ev, int64_t gen)
{
    if (!ev) return;
    ev->generation = gen;
    char data[64];
    snprintf(data, sizeof(data), "{\"generation\":%lld}", (long long)gen);
    events_send(ev, "reload", data);
    for (EventsClient *c = ev->first; c; c = c->next) {
        if (c->state != EVENTS_OPEN) continue;
        c->state = EVENTS_END;
        wake(c);
    }
}

int64_t events_keepalive(Events *ev, int64_t now)
{
    static const char ka[] = ": keepalive\n\n";
    int64_t next = INT64_MAX;
    for (EventsClient *c = ev->first; c; c = c->next) {
        if (c->state != EVENTS_OPEN) continue;
        if (now - c->last >= EVENTS_KEEPALIVE_MS) queue(ev, c, ka, sizeof(ka) - 1);
        if (c->state == EVENTS_OPEN && c->last + EVENTS_KEEPALIVE_MS < next)
            next = c->last + EVENTS_KEEPALIVE_MS;
    }
    return next;
}
