/* test_alert_mirror.c - the alert engine's mirror mode (core/alert_mirror.c):
 * a thin console's alerts set from the collector's data, with the events a
 * local engine would emit, and never evaluated locally. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

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
static void on_event(void *ud, const AlertEvent *ev)
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
static void fx_init(Fx *f, const char *yaml)
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

static void fx_done(Fx *f)
{
    alert_free(f->e);
    coll_free(f->coll);
}

/* Appends a sample of KPI key at t (NAN: a gap, the feed failed). */
static void put(Fx *f, const char *key, int64_t t, double v)
{
    int k = coll_find_kpi(f->coll, key);
    assert_true(k >= 0);
    assert_true(store_append(f->coll->store, f->coll->kpis[k].series, t, v) >= 0);
}

/* Appends a sample and evaluates at the same time. */
static void put_eval(Fx *f, const char *key, int64_t t, double v)
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

static const char *yaml = "ioc: { name: T }\n"
                          "feeds:\n"
                          "  - id: dvc\n"
                          "    url: http://127.0.0.1:1/\n"
                          "    kpis: [ { id: rate, select: $.r, crit: \"< 80\" } ]\n"
                          "rules:\n"
                          "  - { id: low, kpi: dvc.rate, below: 90, severity: critical }\n";

/* The server's data sets state, clocks, value, summary and ack, with the
 * matching events; alert_eval changes nothing in mirror mode. */
static void test_mirror_alert(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, yaml);
    alert_set_mirror(f.e, true);
    assert_true(alert_is_mirror(f.e));
    AlertMirror m = {.state = ALERT_PENDING,
                     .since_ms = T0,
                     .active_ms = T0,
                     .has_value = true,
                     .value = 85,
                     .summary = "rate low: 85"};
    assert_int_equal(alert_mirror(f.e, "low", &m, T0), 0);
    EVENTS(&f, "low inactive>pending");
    m.state = ALERT_FIRING;
    m.since_ms = m.fired_ms = T0 + 60 * SEC;
    assert_int_equal(alert_mirror(f.e, "low", &m, T0 + 60 * SEC), 0);
    EVENTS(&f, "low pending>firing");
    const Alert *a = alert_find(f.e, "low");
    assert_int_equal(a->state, ALERT_FIRING);
    assert_int_equal(a->fired_ms, T0 + 60 * SEC);
    assert_string_equal(a->summary, "rate low: 85");
    /* The same state again: no event. An ack: one AEV_ACK with the server's user. */
    m.acked = true;
    m.ack_by = "lan";
    m.ack_ms = T0 + 90 * SEC;
    m.ack_comment = "on it";
    assert_int_equal(alert_mirror(f.e, "low", &m, T0 + 90 * SEC), 0);
    EVENTS(&f, "ack low by lan");
    assert_true(a->acked);
    assert_string_equal(a->ack_by, "lan");
    assert_string_equal(a->ack_comment, "on it");
    assert_int_equal(alert_mirror(f.e, "low", &m, T0 + 91 * SEC), 0);
    EVENTS(&f, "");
    /* A local evaluation with a clear value changes nothing. */
    put(&f, "dvc.rate", T0 + 100 * SEC, 99);
    alert_eval(f.e, T0 + 100 * SEC);
    EVENTS(&f, "");
    assert_int_equal(a->state, ALERT_FIRING);
    assert_int_equal(alert_next_deadline(f.e), INT64_MAX);
    /* Stale keeps what it holds; the counts follow. */
    m.state = ALERT_STALE;
    m.held = ALERT_FIRING;
    assert_int_equal(alert_mirror(f.e, "low", &m, T0 + 120 * SEC), 0);
    EVENTS(&f, "low firing>stale");
    assert_int_equal(a->held, ALERT_FIRING);
    /* Unknown rule. */
    assert_int_equal(alert_mirror(f.e, "nope", &m, T0), -1);
    /* Back to inactive (gone from the server's list); no summary: rendered here. */
    AlertMirror off = {.state = ALERT_INACTIVE};
    assert_int_equal(alert_mirror(f.e, "low", &off, T0 + 200 * SEC), 0);
    EVENTS(&f, "low stale>inactive");
    assert_false(a->acked);
    assert_true(a->summary[0] != '\0');
    fx_done(&f);
}

/* Without mirror mode the same engine evaluates (the check above is not vacuous). */
static void test_local_evaluates(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, yaml);
    put_eval(&f, "dvc.rate", T0, 70);
    assert_true(f.rec.n > 0);
    fx_done(&f);
}

/* A new critical firing looks to the console exactly like a local one. */
static void test_bell_event(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, yaml);
    alert_set_mirror(f.e, true);
    AlertMirror m = {.state = ALERT_FIRING, .since_ms = T0, .fired_ms = T0, .active_ms = T0};
    assert_int_equal(alert_mirror(f.e, "low", &m, T0), 0);
    const Alert *a = alert_find(f.e, "low");
    assert_int_equal(a->fired_ms, T0); /* the console's test for a new firing */
    EVENTS(&f, "low inactive>firing");
    AlertCounts n;
    alert_counts(f.e, &n);
    assert_int_equal(n.firing[SEV_CRITICAL], 1);
    assert_int_equal(n.unacked[SEV_CRITICAL], 1);
    fx_done(&f);
}

/* Silences are replaced as a whole: events for new and gone ids, flags recomputed. */
static void test_mirror_silences(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, yaml);
    alert_set_mirror(f.e, true);
    AlertMirror m = {.state = ALERT_FIRING, .since_ms = T0, .fired_ms = T0};
    alert_mirror(f.e, "low", &m, T0);
    EVENTS(&f, "low inactive>firing");
    AlertSilence s[2] = {
        {.id = 3, .target = "dvc.rate", .start_ms = T0, .until_ms = T0 + 3600 * SEC, .who = "lan"},
        {.id = 7, .target = "dvc", .start_ms = T0, .until_ms = T0 + 60 * SEC, .who = "wall"}};
    assert_int_equal(alert_mirror_silences(f.e, s, 2, T0), 0);
    EVENTS(&f, "silence #3 dvc.rate; silence #7 dvc");
    const Alert *a = alert_find(f.e, "low");
    assert_true(a->silenced);
    assert_int_equal(a->silence_id, 3); /* the latest end */
    const AlertSilence *got;
    assert_int_equal(alert_silences(f.e, &got), 2);
    assert_string_equal(got[1].who, "wall");
    /* Expiry is the server's business in mirror mode. */
    alert_eval(f.e, T0 + 7200 * SEC);
    EVENTS(&f, "");
    assert_int_equal(alert_silences(f.e, &got), 2);
    assert_int_equal(alert_mirror_silences(f.e, &s[1], 1, T0 + 10 * SEC), 0);
    EVENTS(&f, "unsilence #3 (expired)");
    assert_true(a->silenced);
    assert_int_equal(a->silence_id, 7);
    assert_int_equal(alert_mirror_silences(f.e, NULL, 0, T0 + 20 * SEC), 0);
    EVENTS(&f, "unsilence #7 (expired)");
    assert_false(a->silenced);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mirror_alert),
        cmocka_unit_test(test_local_evaluates),
        cmocka_unit_test(test_bell_event),
        cmocka_unit_test(test_mirror_silences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
