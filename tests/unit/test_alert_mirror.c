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

#include "alert_fixture.h"

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
