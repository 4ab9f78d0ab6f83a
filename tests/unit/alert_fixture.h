/* alert_fixture.h - what the alert engine's tests share: a fake clock (T0,
 * SEC), the events of an engine recorded as text, and a Collector built from
 * a YAML config with its engine. Include after <cmocka.h> in a test file
 * (static inline functions, so a test may leave some unused). */
#ifndef IOC_TEST_ALERT_FIXTURE_H
#define IOC_TEST_ALERT_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alert.h"

#define T0  1700000000000LL
#define SEC 1000LL

/* Events seen by the callback, as text: "rule from>to" ... */
typedef struct {
    char text[4096];
    size_t n;
    bool last_silenced; /* alert->silenced at the last transition */
    char last_who[64];
} Rec;

/* Records one event as a short line appended to rec->text. */
static inline void on_event(void *ud, const AlertEvent *ev)
{
    Rec *r = ud;
    char line[200];
    switch (ev->kind) {
    case AEV_TRANSITION:
        snprintf(line, sizeof(line), "%s %s>%s", ev->alert->rule->id, alert_state_name(ev->from),
                 alert_state_name(ev->to));
        r->last_silenced = ev->alert->silenced;
        break;
    case AEV_ACK:
        snprintf(line, sizeof(line), "ack %s by %s", ev->alert->rule->id, ev->who);
        break;
    case AEV_SILENCE:
        snprintf(line, sizeof(line), "silence #%u %s", ev->silence->id, ev->silence->target);
        break;
    case AEV_UNSILENCE:
        snprintf(line, sizeof(line), "unsilence #%u %s", ev->silence->id,
                 ev->who ? ev->who : "(expired)");
        break;
    }
    snprintf(r->last_who, sizeof(r->last_who), "%s", ev->who ? ev->who : "");
    size_t used = strlen(r->text);
    snprintf(r->text + used, sizeof(r->text) - used, "%s%s", used ? "; " : "", line);
    r->n++;
}

/* A Collector built from a config, its engine and the recorded events. */
typedef struct {
    Collector *coll;
    AlertEngine *e;
    Rec rec;
} Fx;

/* Builds the Collector (not started: nothing is polled) and the engine. */
static inline void fx_init(Fx *f, const char *yaml)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(yaml, strlen(yaml), "t.yaml", &d);
    for (size_t i = 0; i < d.n; i++)
        print_message("%d:%d: %s\n", d.items[i].line, d.items[i].col, d.items[i].msg);
    diag_done(&d);
    assert_non_null(c);
    char err[160];
    memset(f, 0, sizeof(*f));
    f->coll = coll_new(c, err, sizeof(err));
    assert_non_null(f->coll);
    f->e = alert_new(f->coll, NULL, on_event, &f->rec, err, sizeof(err));
    assert_non_null(f->e);
}

static inline void fx_done(Fx *f)
{
    alert_free(f->e);
    coll_free(f->coll);
}

/* Appends a sample of KPI key at t (NAN: a gap, the feed failed). */
static inline void put(Fx *f, const char *key, int64_t t, double v)
{
    int k = coll_find_kpi(f->coll, key);
    assert_true(k >= 0);
    assert_true(store_append(f->coll->store, f->coll->kpis[k].series, t, v) >= 0);
}

/* Appends a sample and evaluates at the same time. */
static inline void put_eval(Fx *f, const char *key, int64_t t, double v)
{
    put(f, key, t, v);
    alert_eval(f->e, t);
}

/* Checks and clears the recorded events. */
#define EVENTS(f, want)                                                                            \
    do {                                                                                           \
        assert_string_equal((f)->rec.text, (want));                                                \
        (f)->rec.text[0] = '\0';                                                                   \
        (f)->rec.n = 0;                                                                            \
    } while (0)

/* The state of rule id. */
static inline AlertState st(const Fx *f, const char *id)
{
    const Alert *a = alert_find(f->e, id);
    assert_non_null(a);
    return a->state;
}

#endif
