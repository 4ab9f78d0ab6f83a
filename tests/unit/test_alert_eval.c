/* test_alert_eval.c - targeted evaluation: after a poll only the rules of the
 * polled feed are evaluated (alert_eval_feed), at a deadline only the rules
 * whose deadline came (alert_eval_due). Two engines on two Collectors get
 * the same pseudo-random polls: one evaluates everything every time (the
 * reference, alert_eval), the other only what was touched; their alerts and
 * events must be the same at every step. Plus the direct cases: another
 * feed's poll leaves an alert alone, a warning follows its critical at a
 * deadline. */
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

/* The events of one engine as text. */
typedef struct {
    char text[1 << 16];
} Rec;

/* Appends "rule from>to@t" (or the ack/silence kind) to the record. */
static void on_event(void *ud, const AlertEvent *ev)
{
    Rec *r = ud;
    size_t used = strlen(r->text);
    if (used > sizeof(r->text) - 200) return;
    if (ev->kind == AEV_TRANSITION)
        snprintf(r->text + used, sizeof(r->text) - used, "%s %s>%s@%lld; ", ev->alert->rule->id,
                 alert_state_name(ev->from), alert_state_name(ev->to),
                 (long long)((ev->at_ms - T0) / SEC));
    else
        snprintf(r->text + used, sizeof(r->text) - used, "kind%d; ", (int)ev->kind);
}

typedef struct {
    Collector *coll;
    AlertEngine *e;
    Rec rec;
} Side;

/* Three feeds: thresholds (warn and crit, so siblings), for:, keep_firing_for,
 * hysteresis, nodata and feed-down rules. (Not change: its window slides
 * with time, and the full evaluation re-reads it at any feed's poll, the
 * targeted one at its own feed's polls: docs/alerts.md.) */
static const char CFG[] = "ioc: { name: T }\n"
                          "feeds:\n"
                          "  - id: a\n"
                          "    url: http://127.0.0.1:1/a\n"
                          "    interval: 10s\n"
                          "    kpis:\n"
                          "      - { id: x, select: $.x, warn: \"> 60\", crit: \"> 80\" }\n"
                          "      - { id: y, select: $.y }\n"
                          "  - id: b\n"
                          "    url: http://127.0.0.1:1/b\n"
                          "    interval: 10s\n"
                          "    kpis:\n"
                          "      - { id: x, select: $.x, warn: \"< 30\", crit: \"< 10\" }\n"
                          "  - id: c\n"
                          "    url: http://127.0.0.1:1/c\n"
                          "    interval: 10s\n"
                          "    kpis: [{ id: x, select: $.x }]\n"
                          "rules:\n"
                          "  - { id: a_for, kpi: a.y, above: 50, for: 25s }\n"
                          "  - { id: a_keep, kpi: a.y, below: 20, keep_firing_for: 35s }\n"
                          "  - { id: b_hys, kpi: b.x, above: 70, clear: 55, severity: critical }\n"
                                                "  - { id: c_nodata, kpi: c.x, nodata: 45s }\n"
                          "  - { id: b_down, feed: b, down: 2 }\n";

/* Builds one side: a Collector (never started) and its engine. */
static void side_init(Side *s)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(CFG, strlen(CFG), "t.yaml", &d);
    for (size_t i = 0; i < d.n; i++)
        print_message("%d:%d: %s\n", d.items[i].line, d.items[i].col, d.items[i].msg);
    diag_done(&d);
    assert_non_null(c);
    char err[160];
    memset(s, 0, sizeof(*s));
    s->coll = coll_new(c, err, sizeof(err));
    assert_non_null(s->coll);
    s->e = alert_new(s->coll, NULL, on_event, &s->rec, err, sizeof(err));
    assert_non_null(s->e);
}

/* Stores one poll result of feed f at t on side s: values, or a failure. */
static void poll(Side *s, size_t f, int64_t t, const double *vals, bool failed)
{
    FeedStatus st = s->coll->feeds[f];
    KpiValue kv[4];
    memset(kv, 0, sizeof(kv));
    st.state = failed ? FS_DOWN : FS_OK;
    st.consecutive_failures = failed ? st.consecutive_failures + 1 : 0;
    st.latency_ms = failed ? -1 : 20;
    st.last_poll_ms = t;
    size_t n = s->coll->cfg->feeds[f].n_kpis;
    for (size_t k = 0; k < n && k < 4; k++) {
        kv[k].has_value = !failed;
        kv[k].value = vals[k];
        if (failed) snprintf(kv[k].error, sizeof(kv[k].error), "down");
    }
    coll_poll_result(s->coll, f, &st, kv, t);
}

/* Fails unless every alert of the two engines looks the same. */
static void same_alerts(const Side *ref, const Side *tgt, int step)
{
    if (strcmp(ref->rec.text, tgt->rec.text) != 0) {
        size_t k = 0;
        while (ref->rec.text[k] == tgt->rec.text[k])
            k++;
        while (k > 0 && ref->rec.text[k - 1] != ' ')
            k--;
        fail_msg("step %d: events differ: full \"%.120s\" targeted \"%.120s\"", step,
                 ref->rec.text + k, tgt->rec.text + k);
    }
    for (size_t i = 0; i < alert_count(ref->e); i++) {
        const Alert *a = alert_get(ref->e, i), *b = alert_get(tgt->e, i);
        if (a->state != b->state || a->held != b->held || a->since_ms != b->since_ms ||
            a->fired_ms != b->fired_ms || a->resolved_ms != b->resolved_ms ||
            (a->state != ALERT_INACTIVE && strcmp(a->summary, b->summary) != 0))
            fail_msg("step %d: alert %s differs: %s/%s since %lld/%lld", step, a->rule->id,
                     alert_state_name(a->state), alert_state_name(b->state), (long long)a->since_ms,
                     (long long)b->since_ms);
    }
    assert_int_equal(alert_next_deadline(ref->e), alert_next_deadline(tgt->e));
}

static void test_targeted_equals_full(void **state)
{
    (void)state;
    static Side ref, tgt;
    side_init(&ref);
    side_init(&tgt);
    unsigned x = 2024;
    int64_t t = T0;
    for (int step = 0; step < 3000; step++) {
        x = x * 1103515245u + 12345u;
        t += 1 + (int64_t)((x >> 8) % 4000); /* 1 ms .. 4 s later */
        int64_t due = alert_next_deadline(tgt.e);
        if (due <= t) { /* a deadline comes first: the loop's timer */
            alert_eval(ref.e, due);
            alert_eval_due(tgt.e, due);
            same_alerts(&ref, &tgt, step);
        }
        size_t f = (x >> 12) % 3;
        if (f == 2 && ((x >> 20) % 7) == 0) continue; /* c goes quiet now and then (nodata) */
        double v[3];
        for (int k = 0; k < 3; k++) {
            x = x * 1103515245u + 12345u;
            v[k] = (double)((x >> 10) % 100);
        }
        bool failed = ((x >> 18) % 11) == 0;
        poll(&ref, f, t, v, failed);
        poll(&tgt, f, t, v, failed);
        alert_eval(ref.e, t);
        alert_eval_feed(tgt.e, f, t);
        same_alerts(&ref, &tgt, step);
    }
    /* The run went through every kind of transition. */
    assert_non_null(strstr(ref.rec.text, "pending>firing"));
    assert_non_null(strstr(ref.rec.text, "firing>resolved"));
    assert_non_null(strstr(ref.rec.text, ">suppressed"));
    assert_non_null(strstr(ref.rec.text, ">stale"));
    assert_non_null(strstr(ref.rec.text, "c_nodata inactive>firing"));
    assert_non_null(strstr(ref.rec.text, "b_down inactive>firing"));
    alert_free(ref.e);
    coll_free(ref.coll);
    alert_free(tgt.e);
    coll_free(tgt.coll);
}

/* Feed b's poll does not evaluate feed a's rule; feed a's poll does. */
static void test_other_feed_leaves_alert_alone(void **state)
{
    (void)state;
    static Side s;
    side_init(&s);
    double hi[2] = {90, 0}, lo[1] = {50};
    alert_eval(s.e, T0); /* the first evaluation is a full one */
    poll(&s, 0, T0 + SEC, hi, false);
    alert_eval_feed(s.e, 1, T0 + SEC);
    assert_int_equal(alert_find(s.e, "a.x:crit")->state, ALERT_INACTIVE);
    poll(&s, 1, T0 + 2 * SEC, lo, false);
    alert_eval_feed(s.e, 1, T0 + 2 * SEC);
    assert_int_equal(alert_find(s.e, "a.x:crit")->state, ALERT_INACTIVE);
    alert_eval_feed(s.e, 0, T0 + 3 * SEC);
    assert_int_equal(alert_find(s.e, "a.x:crit")->state, ALERT_FIRING);
    assert_int_equal(alert_find(s.e, "a.x:warn")->state, ALERT_SUPPRESSED);
    alert_free(s.e);
    coll_free(s.coll);
}

/* At a deadline: a pending rule fires; rules not due are not evaluated. */
static void test_due_evaluates_what_is_due(void **state)
{
    (void)state;
    static Side s;
    side_init(&s);
    double v[2] = {10, 70};
    alert_eval(s.e, T0);
    poll(&s, 0, T0 + SEC, v, false);
    alert_eval_feed(s.e, 0, T0 + SEC);
    assert_int_equal(alert_find(s.e, "a_for")->state, ALERT_PENDING);
    int64_t due = alert_next_deadline(s.e);
    assert_int_equal(due, T0 + 26 * SEC);
    /* Feed b's value crosses its threshold, but b is not polled or due. */
    double lo[1] = {5};
    poll(&s, 1, T0 + 2 * SEC, lo, false);
    alert_eval_due(s.e, due);
    assert_int_equal(alert_find(s.e, "a_for")->state, ALERT_FIRING);
    assert_int_equal(alert_find(s.e, "b.x:crit")->state, ALERT_INACTIVE);
    alert_free(s.e);
    coll_free(s.coll);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targeted_equals_full),
        cmocka_unit_test(test_other_feed_leaves_alert_alone),
        cmocka_unit_test(test_due_evaluates_what_is_due),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
