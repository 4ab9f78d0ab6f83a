/* test_alert.c - the alert engine with a fake clock: for/pending,
 * keep_firing_for, hysteresis, critical over warning, stale never resolving,
 * nodata, change, feed rules, ack, silences, summaries, the list and the
 * exact sequence of events a caller (log, notifier) receives; state carried
 * over a reload, rule fingerprints, acks restored after a restart. */
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

#define FEED_A                                                                                     \
    "ioc: { name: T }\n"                                                                           \
    "feeds:\n"                                                                                     \
    "  - id: kk\n"                                                                                 \
    "    name: \"Không khí\"\n"                                                                  \
    "    url: http://127.0.0.1:1/a\n"                                                              \
    "    interval: 10s\n"                                                                          \
    "    kpis:\n"                                                                                  \
    "      - { id: aqi, name: \"Chỉ số AQI\", select: $.a, target: 50, decimals: 1 }\n"        \
    "      - { id: pm25, name: PM2.5, select: $.p, unit: \"µg/m³\" }\n"                          \
    "  - id: dvc\n"                                                                                \
    "    url: http://127.0.0.1:1/b\n"                                                              \
    "    interval: 10s\n"                                                                          \
    "    timeout: 4s\n"                                                                            \
    "    kpis: [{ id: rate, name: \"Tỷ lệ\", select: $.r, unit: \"%\", target: 80 }]\n"

static void test_for_pending(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n  - { id: hi, kpi: kk.aqi, above: 200, clear: 180, for: 20s }\n");
    assert_int_equal(alert_next_deadline(f.e), INT64_MAX); /* nothing yet */
    put_eval(&f, "kk.aqi", T0, 150);
    assert_int_equal(st(&f, "hi"), ALERT_INACTIVE);
    EVENTS(&f, "");

    put_eval(&f, "kk.aqi", T0 + 10 * SEC, 210);
    assert_int_equal(st(&f, "hi"), ALERT_PENDING);
    EVENTS(&f, "hi inactive>pending");
    assert_int_equal(alert_next_deadline(f.e), T0 + 30 * SEC); /* when for: ends */
    put_eval(&f, "kk.aqi", T0 + 20 * SEC, 190); /* below the level, above clear: still holds */
    assert_int_equal(st(&f, "hi"), ALERT_PENDING);
    alert_eval(f.e, T0 + 30 * SEC - 1);
    assert_int_equal(st(&f, "hi"), ALERT_PENDING);
    alert_eval(f.e, T0 + 30 * SEC); /* the deadline, no new poll */
    assert_int_equal(st(&f, "hi"), ALERT_FIRING);
    EVENTS(&f, "hi pending>firing");
    const Alert *a = alert_find(f.e, "hi");
    assert_int_equal(a->fired_ms, T0 + 30 * SEC);
    assert_int_equal(a->active_ms, T0 + 10 * SEC); /* the episode began when pending */

    /* Pending that stops holding goes back to inactive without firing. */
    put_eval(&f, "kk.aqi", T0 + 40 * SEC, 100);
    EVENTS(&f, "hi firing>resolved");
    put_eval(&f, "kk.aqi", T0 + 50 * SEC, 205);
    put_eval(&f, "kk.aqi", T0 + 60 * SEC, 170);
    EVENTS(&f, "hi resolved>pending; hi pending>inactive");
    fx_done(&f);
}

static void test_keep_firing_for(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n  - { id: hi, kpi: kk.aqi, above: 200, keep_firing_for: 30s }\n");
    put_eval(&f, "kk.aqi", T0, 210);
    EVENTS(&f, "hi inactive>firing"); /* no for: fires at once */
    put_eval(&f, "kk.aqi", T0 + 10 * SEC, 150);
    assert_int_equal(st(&f, "hi"), ALERT_FIRING); /* kept firing */
    assert_int_equal(alert_next_deadline(f.e), T0 + 40 * SEC);
    put_eval(&f, "kk.aqi", T0 + 20 * SEC, 220); /* holds again: the clock restarts */
    put_eval(&f, "kk.aqi", T0 + 30 * SEC, 150);
    put_eval(&f, "kk.aqi", T0 + 40 * SEC, 150);
    put_eval(&f, "kk.aqi", T0 + 50 * SEC, 150);
    alert_eval(f.e, T0 + 60 * SEC - 1);
    assert_int_equal(st(&f, "hi"), ALERT_FIRING);
    alert_eval(f.e, T0 + 60 * SEC);
    assert_int_equal(st(&f, "hi"), ALERT_RESOLVED);
    EVENTS(&f, "hi firing>resolved");
    assert_int_equal(alert_find(f.e, "hi")->resolved_ms, T0 + 60 * SEC);
    /* A resolved alert leaves the list after resolved_keep_ms (15 min). */
    assert_int_equal(alert_next_deadline(f.e), T0 + 60 * SEC + 15 * 60 * SEC);
    put_eval(&f, "kk.aqi", T0 + 15 * 60 * SEC, 150);
    assert_int_equal(st(&f, "hi"), ALERT_RESOLVED);
    put_eval(&f, "kk.aqi", T0 + 16 * 60 * SEC, 150);
    assert_int_equal(st(&f, "hi"), ALERT_INACTIVE);
    EVENTS(&f, "hi resolved>inactive");
    fx_done(&f);
}

static void test_hysteresis(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n"
                       "  - { id: hi, kpi: kk.aqi, above: 200, clear: 180 }\n"
                       "  - { id: low, kpi: dvc.rate, below: target, clear: 85 }\n");
    /* above 200 fires; it clears only at or below 180 */
    static const struct {
        double v;
        AlertState want;
    } hi[] = {
        {200, ALERT_INACTIVE}, {200.5, ALERT_FIRING}, {190, ALERT_FIRING}, {180.1, ALERT_FIRING},
        {180, ALERT_RESOLVED}, {195, ALERT_RESOLVED}, {201, ALERT_FIRING}, {150, ALERT_RESOLVED},
    };
    for (size_t i = 0; i < sizeof(hi) / sizeof(hi[0]); i++) {
        put_eval(&f, "kk.aqi", T0 + (int64_t)i * 10 * SEC, hi[i].v);
        if (st(&f, "hi") != hi[i].want)
            fail_msg("step %zu (value %g): state %s, want %s", i, hi[i].v,
                     alert_state_name(st(&f, "hi")), alert_state_name(hi[i].want));
    }
    EVENTS(&f, "hi inactive>firing; hi firing>resolved; hi resolved>firing; hi firing>resolved");

    /* below: target (80) fires under 80; clears at 85 and above */
    static const struct {
        double v;
        AlertState want;
    } low[] = {
        {80, ALERT_INACTIVE},
        {79, ALERT_FIRING},
        {84.9, ALERT_FIRING},
        {85, ALERT_RESOLVED},
    };
    for (size_t i = 0; i < sizeof(low) / sizeof(low[0]); i++) {
        put_eval(&f, "dvc.rate", T0 + 100 * SEC + (int64_t)i * 10 * SEC, low[i].v);
        if (st(&f, "low") != low[i].want)
            fail_msg("low step %zu (value %g): state %s, want %s", i, low[i].v,
                     alert_state_name(st(&f, "low")), alert_state_name(low[i].want));
    }
    fx_done(&f);
}

#define IMPLICIT                                                                                   \
    "ioc: { name: T }\n"                                                                           \
    "feeds:\n"                                                                                     \
    "  - id: kk\n"                                                                                 \
    "    url: http://127.0.0.1:1/a\n"                                                              \
    "    interval: 10s\n"                                                                          \
    "    kpis:\n"                                                                                  \
    "      - { id: aqi, name: AQI, select: $.a, warn: '> 100', crit: '> 150' }\n"

static void test_critical_over_warning(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, IMPLICIT);
    int64_t t = T0;
    put_eval(&f, "kk.aqi", t, 120);
    EVENTS(&f, "kk.aqi:warn inactive>firing");

    /* escalation: critical fires, the warning is suppressed (not resolved) */
    put_eval(&f, "kk.aqi", t += 10 * SEC, 160);
    EVENTS(&f, "kk.aqi:crit inactive>firing; kk.aqi:warn firing>suppressed");
    AlertCounts n;
    alert_counts(f.e, &n);
    assert_int_equal(n.firing[SEV_CRITICAL], 1);
    assert_int_equal(n.firing[SEV_WARNING], 0);
    assert_int_equal(n.suppressed, 1);
    const Alert *list[4];
    assert_int_equal(alert_list(f.e, list, 4), 2);
    assert_string_equal(list[0]->rule->id, "kk.aqi:crit");
    assert_int_equal(list[1]->state, ALERT_SUPPRESSED);

    /* de-escalation: critical clears while the warning holds: warning fires again */
    put_eval(&f, "kk.aqi", t += 10 * SEC, 130);
    EVENTS(&f, "kk.aqi:crit firing>resolved; kk.aqi:warn suppressed>firing");
    assert_int_equal(alert_find(f.e, "kk.aqi:warn")->fired_ms, t);

    /* straight into critical: the warning is suppressed without firing */
    put_eval(&f, "kk.aqi", t += 10 * SEC, 90);
    EVENTS(&f, "kk.aqi:warn firing>resolved");
    put_eval(&f, "kk.aqi", t += 10 * SEC, 170);
    EVENTS(&f, "kk.aqi:crit resolved>firing; kk.aqi:warn resolved>suppressed");

    /* and straight back below both: the suppressed warning goes inactive, never
     * shown as resolved (the critical's resolution closes the episode) */
    put_eval(&f, "kk.aqi", t += 10 * SEC, 90);
    EVENTS(&f, "kk.aqi:crit firing>resolved; kk.aqi:warn suppressed>inactive");
    fx_done(&f);
}

static void test_stale_never_resolves(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, IMPLICIT "rules:\n  - { id: hi, kpi: kk.aqi, above: 200, for: 1m }\n");
    int64_t t = T0;
    put_eval(&f, "kk.aqi", t, 160);
    EVENTS(&f, "kk.aqi:crit inactive>firing; kk.aqi:warn inactive>suppressed");

    /* the feed fails: a gap (NaN) in the store; nothing resolves */
    f.coll->feeds[0].state = FS_DOWN;
    f.coll->feeds[0].consecutive_failures = 1;
    put_eval(&f, "kk.aqi", t += 10 * SEC, NAN);
    EVENTS(&f, "kk.aqi:crit firing>stale; kk.aqi:warn suppressed>stale");
    const Alert *c = alert_find(f.e, "kk.aqi:crit");
    assert_int_equal(c->held, ALERT_FIRING);
    assert_int_equal(alert_find(f.e, "kk.aqi:warn")->held, ALERT_SUPPRESSED);
    assert_float_equal(c->value, 160, 0);           /* the last value, never a zero */
    assert_int_equal(st(&f, "hi"), ALERT_INACTIVE); /* an idle rule stays idle */
    for (int i = 0; i < 5; i++)
        put_eval(&f, "kk.aqi", t += 10 * SEC, NAN);
    alert_eval(f.e, t += 10 * 60 * SEC);
    assert_int_equal(c->state, ALERT_STALE);
    EVENTS(&f, "");
    AlertCounts n;
    alert_counts(f.e, &n);
    assert_int_equal(n.stale, 2);
    assert_int_equal(n.firing[SEV_CRITICAL], 0);

    /* back, still critical: firing again (same episode: not a new firing) */
    f.coll->feeds[0].state = FS_OK;
    int64_t fired = c->fired_ms;
    put_eval(&f, "kk.aqi", t += 10 * SEC, 155);
    EVENTS(&f, "kk.aqi:crit stale>firing; kk.aqi:warn stale>suppressed");
    assert_int_equal(c->fired_ms, fired);

    /* an old value (no poll for more than 3 intervals) is stale too */
    alert_eval(f.e, t + 31 * SEC);
    EVENTS(&f, "kk.aqi:crit firing>stale; kk.aqi:warn suppressed>stale");
    put_eval(&f, "kk.aqi", t += 40 * SEC, 120); /* fresh again, below crit */
    EVENTS(&f, "kk.aqi:crit stale>resolved; kk.aqi:warn stale>firing");

    /* pending keeps its for: clock through a stale spell */
    put_eval(&f, "kk.aqi", t += 10 * SEC, 210);
    int64_t pend = t;
    EVENTS(&f, "hi inactive>pending; kk.aqi:crit resolved>firing; kk.aqi:warn firing>suppressed");
    put_eval(&f, "kk.aqi", t += 10 * SEC, NAN);
    assert_int_equal(st(&f, "hi"), ALERT_STALE);
    assert_int_equal(alert_find(f.e, "hi")->held, ALERT_PENDING);
    assert_int_equal(alert_next_deadline(f.e), INT64_MAX); /* no deadline while stale */
    f.rec.text[0] = '\0';
    put_eval(&f, "kk.aqi", pend + 60 * SEC, 215);
    assert_int_equal(st(&f, "hi"), ALERT_FIRING);
    fx_done(&f);
}

static void test_nodata(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n  - { id: nd, kpi: kk.pm25, nodata: 1m, severity: info }\n");
    alert_eval(f.e, T0); /* the engine starts: never a value yet */
    assert_int_equal(st(&f, "nd"), ALERT_INACTIVE);
    assert_int_equal(alert_next_deadline(f.e), T0 + 60 * SEC);
    alert_eval(f.e, T0 + 60 * SEC);
    EVENTS(&f, "nd inactive>firing");
    assert_string_equal(alert_find(f.e, "nd")->summary, "PM2.5: no data for 1m");
    put_eval(&f, "kk.pm25", T0 + 70 * SEC, 35);
    EVENTS(&f, "nd firing>resolved");
    /* gaps are no data: it fires a minute after the last value */
    put_eval(&f, "kk.pm25", T0 + 80 * SEC, NAN);
    put_eval(&f, "kk.pm25", T0 + 120 * SEC, NAN);
    assert_int_equal(st(&f, "nd"), ALERT_RESOLVED);
    assert_int_equal(alert_next_deadline(f.e), T0 + 130 * SEC);
    alert_eval(f.e, T0 + 130 * SEC);
    EVENTS(&f, "nd resolved>firing");
    fx_done(&f);
}

static void test_change(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n"
                       "  - { id: jump, kpi: kk.pm25, change: { over: 1m, by: 50 }, clear: 20,\n"
                       "      summary: \"{{kpi}} {{change}} {{unit}} ({{value}})\" }\n");
    /* value, time (s); change over the last minute */
    static const struct {
        int s;
        double v;
        AlertState want;
    } steps[] = {
        {0, 10, ALERT_INACTIVE},   /* one sample: no change can be measured yet */
        {20, 30, ALERT_INACTIVE},  /* +20 */
        {40, 70, ALERT_FIRING},    /* +60 */
        {60, 75, ALERT_FIRING},    /* +65 */
        {80, 80, ALERT_FIRING},    /* 30 -> 80 = +50 */
        {100, 85, ALERT_RESOLVED}, /* 70 -> 85 = +15 < clear 20 */
        {120, 20, ALERT_FIRING},   /* 75 -> 20 = -55: a drop counts too */
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        put_eval(&f, "kk.pm25", T0 + steps[i].s * SEC, steps[i].v);
        if (st(&f, "jump") != steps[i].want)
            fail_msg("step %zu: state %s, want %s", i, alert_state_name(st(&f, "jump")),
                     alert_state_name(steps[i].want));
    }
    const Alert *a = alert_find(f.e, "jump");
    assert_float_equal(a->change, -55, 1e-9);
    assert_string_equal(a->summary, "PM2.5 -55 µg/m³ (20)");
    put_eval(&f, "kk.pm25", T0 + 140 * SEC, 20);
    assert_string_equal(a->summary, "PM2.5 -60 µg/m³ (20)"); /* 80 -> 20 over the last minute */
    fx_done(&f);
}

static void test_feed_rules(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n"
                       "  - { id: down, feed: dvc, down: 3, severity: critical }\n"
                       "  - { id: slow, feed: dvc, slow: 2s }\n"
                       "  - { id: bad, feed: dvc, bad_data: 2 }\n");
    FeedStatus *fs = &f.coll->feeds[1];
    int64_t t = T0;
    alert_eval(f.e, t); /* never polled: nothing known */
    EVENTS(&f, "");
    /* down: 3 consecutive failed polls */
    fs->latency_ms = 100;
    fs->state = FS_OK;
    alert_eval(f.e, t += 10 * SEC);
    fs->state = FS_DOWN;
    fs->latency_ms = 4000;
    for (unsigned i = 1; i <= 2; i++) {
        fs->consecutive_failures = i;
        alert_eval(f.e, t += 10 * SEC);
    }
    EVENTS(&f, "");
    fs->consecutive_failures = 3;
    alert_eval(f.e, t += 10 * SEC);
    EVENTS(&f, "down inactive>firing");
    assert_string_equal(alert_find(f.e, "down")->summary, "dvc: down for 3 polls");
    assert_float_equal(alert_find(f.e, "down")->value, 3, 0);

    /* slow: latency above 2s on a poll that got an answer */
    fs->state = FS_SLOW;
    fs->consecutive_failures = 0;
    fs->latency_ms = 2500;
    alert_eval(f.e, t += 10 * SEC);
    EVENTS(&f, "down firing>resolved; slow inactive>firing");
    assert_string_equal(alert_find(f.e, "slow")->summary, "dvc: slow (a poll took 2s500ms)");
    /* a failed connection says nothing about latency: stale, not resolved */
    fs->state = FS_DOWN;
    fs->consecutive_failures = 1;
    alert_eval(f.e, t += 10 * SEC);
    EVENTS(&f, "slow firing>stale");
    fs->state = FS_OK;
    fs->consecutive_failures = 0;
    fs->latency_ms = 300;
    alert_eval(f.e, t += 10 * SEC);
    EVENTS(&f, "slow stale>resolved");

    /* bad data: the server answers but the body is wrong, twice */
    fs->state = FS_BAD_DATA;
    fs->consecutive_failures = 1;
    alert_eval(f.e, t += 10 * SEC);
    EVENTS(&f, "");
    fs->consecutive_failures = 2;
    alert_eval(f.e, t += 10 * SEC);
    EVENTS(&f, "bad inactive>firing");
    assert_string_equal(alert_find(f.e, "bad")->summary, "dvc: bad data for 2 polls");
    fx_done(&f);
}

static void test_feed_down_makes_kpi_alerts_stale(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n"
                       "  - { id: low, kpi: dvc.rate, below: 70 }\n"
                       "  - { id: down, feed: dvc, down: 1 }\n");
    put(&f, "dvc.rate", T0, 60);
    f.coll->feeds[1].state = FS_OK;
    alert_eval(f.e, T0);
    EVENTS(&f, "low inactive>firing");
    /* what the Collector does on a failed poll: feed state + a gap in the store */
    f.coll->feeds[1].state = FS_DOWN;
    f.coll->feeds[1].consecutive_failures = 1;
    put_eval(&f, "dvc.rate", T0 + 10 * SEC, NAN);
    EVENTS(&f, "low firing>stale; down inactive>firing");
    fx_done(&f);
}

static void test_ack(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n  - { id: hi, kpi: kk.aqi, above: 200 }\n");
    char err[160];
    put_eval(&f, "kk.aqi", T0, 100);
    assert_int_equal(alert_ack(f.e, "hi", "lan", NULL, T0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not active"));
    assert_int_equal(alert_ack(f.e, "nope", "lan", NULL, T0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no alert rule 'nope'"));

    put_eval(&f, "kk.aqi", T0 + 10 * SEC, 250);
    assert_int_equal(alert_ack(f.e, "hi", "", NULL, T0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "operator's name"));
    assert_int_equal(
        alert_ack(f.e, "hi", "lan", "đã gọi trạm quan trắc", T0 + 15 * SEC, err, sizeof(err)), 0);
    EVENTS(&f, "hi inactive>firing; ack hi by lan");
    const Alert *a = alert_find(f.e, "hi");
    assert_true(a->acked);
    assert_string_equal(a->ack_by, "lan");
    assert_string_equal(a->ack_comment, "đã gọi trạm quan trắc");
    assert_int_equal(a->ack_ms, T0 + 15 * SEC);
    AlertCounts n;
    alert_counts(f.e, &n);
    assert_int_equal(n.firing[SEV_WARNING], 1);
    assert_int_equal(n.unacked[SEV_WARNING], 0);

    /* stays acked while firing and once resolved ... */
    put_eval(&f, "kk.aqi", T0 + 20 * SEC, 260);
    assert_true(a->acked);
    put_eval(&f, "kk.aqi", T0 + 30 * SEC, 100);
    assert_int_equal(a->state, ALERT_RESOLVED);
    assert_true(a->acked);
    /* ... but a new firing after the resolve is not acked */
    put_eval(&f, "kk.aqi", T0 + 40 * SEC, 230);
    assert_int_equal(a->state, ALERT_FIRING);
    assert_false(a->acked);
    assert_string_equal(a->ack_by, "");
    alert_counts(f.e, &n);
    assert_int_equal(n.unacked[SEV_WARNING], 1);
    fx_done(&f);
}

static void test_silence(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n"
                       "  - { id: hi, kpi: kk.aqi, above: 200 }\n"
                       "  - { id: hi2, kpi: kk.aqi, above: 300, severity: critical }\n"
                       "  - { id: low, kpi: dvc.rate, below: 50 }\n");
    char err[160];
    assert_int_equal(
        alert_silence(f.e, "kk.nope", T0 + 60 * SEC, "lan", NULL, T0, err, sizeof(err)), 0);
    assert_non_null(strstr(err, "no rule, KPI or feed 'kk.nope'"));
    assert_int_equal(alert_silence(f.e, "kk.aqi", T0, "lan", NULL, T0, err, sizeof(err)), 0);
    assert_non_null(strstr(err, "must end in the future"));
    assert_int_equal(alert_silence(f.e, "kk.aqi", T0 + 1, NULL, NULL, T0, err, sizeof(err)), 0);

    /* by KPI key: both rules on kk.aqi */
    unsigned s1 =
        alert_silence(f.e, "kk.aqi", T0 + 60 * SEC, "lan", "bảo trì trạm", T0, err, sizeof(err));
    assert_true(s1 > 0);
    /* by rule id: only that rule */
    unsigned s2 = alert_silence(f.e, "low", T0 + 600 * SEC, "minh", NULL, T0, err, sizeof(err));
    assert_true(s2 > s1);
    EVENTS(&f, "silence #1 kk.aqi; silence #2 low");
    const AlertSilence *sl;
    assert_int_equal(alert_silences(f.e, &sl), 2);
    assert_string_equal(sl[0].target, "kk.aqi");
    assert_string_equal(sl[0].who, "lan");
    assert_string_equal(sl[0].comment, "bảo trì trạm");
    assert_int_equal(sl[0].until_ms, T0 + 60 * SEC);

    /* silenced alerts still change state, flagged silenced */
    put_eval(&f, "kk.aqi", T0 + 10 * SEC, 350);
    EVENTS(&f, "hi inactive>firing; hi2 inactive>firing");
    assert_true(f.rec.last_silenced);
    const Alert *hi = alert_find(f.e, "hi");
    assert_true(hi->silenced);
    assert_int_equal(hi->silence_id, s1);
    assert_int_equal(hi->silenced_until, T0 + 60 * SEC);
    assert_true(alert_find(f.e, "low")->silenced);
    AlertCounts n;
    alert_counts(f.e, &n);
    assert_int_equal(n.silenced, 2);

    /* expiry is a deadline, and is reported */
    put_eval(&f, "kk.aqi", T0 + 40 * SEC, 350); /* (keeps the value fresh past the expiry) */
    assert_int_equal(alert_next_deadline(f.e), T0 + 60 * SEC);
    put_eval(&f, "kk.aqi", T0 + 60 * SEC, 350);
    EVENTS(&f, "unsilence #1 (expired)");
    assert_false(hi->silenced);
    assert_int_equal(alert_silences(f.e, &sl), 1);

    /* removal by an operator */
    assert_int_equal(alert_unsilence(f.e, 99, "lan", T0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no silence #99"));
    assert_int_equal(alert_unsilence(f.e, s2, "lan", T0 + 70 * SEC, err, sizeof(err)), 0);
    EVENTS(&f, "unsilence #2 lan");
    assert_false(alert_find(f.e, "low")->silenced);
    assert_int_equal(alert_silences(f.e, &sl), 0);

    /* a feed id silences the feed's KPI rules */
    assert_true(alert_silence(f.e, "dvc", T0 + 900 * SEC, "lan", NULL, T0 + 70 * SEC, err,
                              sizeof(err)) > 0);
    assert_true(alert_find(f.e, "low")->silenced);
    assert_false(hi->silenced);
    fx_done(&f);
}

static void test_summaries(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "  - id: nuoc\n"
                       "    url: http://127.0.0.1:1/c\n"
                       "    kpis: [{ id: ph, select: $.ph, crit: '< 5.5 or > 9' }]\n"
                       "rules:\n"
                       "  - { id: t, kpi: kk.aqi, above: 100, severity: critical,\n"
                       "      summary: \"AQI {{value}} tại {{kpi}} [{{key}} {{feed}} {{rule}} "
                       "{{severity}} {{target}}]{{ unit }}\" }\n"
                       "  - { id: d1, kpi: kk.aqi, above: 100 }\n"
                       "  - { id: d2, kpi: dvc.rate, below: target }\n"
                       "  - { id: d3, kpi: kk.pm25, above: 40 }\n");
    put(&f, "kk.aqi", T0, 162.34);
    put(&f, "dvc.rate", T0, 71.456);
    put(&f, "kk.pm25", T0, 41);
    put(&f, "nuoc.ph", T0, 9.5);
    alert_eval(f.e, T0);
    static const struct {
        const char *rule, *want;
    } cases[] = {
        /* the KPI's decimals (1) apply to the value and the target */
        {"t", "AQI 162.3 tại Chỉ số AQI [kk.aqi Không khí t critical 50.0]"},
        {"d1", "Chỉ số AQI 162.3 (above 100.0)"},
        {"d2", "Tỷ lệ 71.46% (below the target 80)"}, /* automatic: up to 2 decimals */
        {"d3", "PM2.5 41 µg/m³ (above 40)"},
        {"nuoc.ph:crit", "ph 9.5 (crit < 5.5 or > 9)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const Alert *a = alert_find(f.e, cases[i].rule);
        assert_non_null(a);
        assert_int_equal(a->state, ALERT_FIRING);
        assert_string_equal(a->summary, cases[i].want);
    }
    const Alert *t = alert_find(f.e, "t");
    char buf[64];
    /* unknown placeholders (the loader rejects them) stay as written */
    alert_render(f.e, t, "{{x}} {{value", buf, sizeof(buf));
    assert_string_equal(buf, "{{x}} {{value");
    /* rendering into a small buffer cuts at a character boundary */
    char b13[13], b12[12];
    alert_render(f.e, t, "Chỉ số {{value}}", b13, sizeof(b13));
    assert_string_equal(b13, "Chỉ số 1"); /* "Chỉ số " is 11 bytes */
    alert_render(f.e, t, "ỉỉỉỉ", b12, sizeof(b12));
    assert_string_equal(b12, "ỉỉỉ"); /* 9 bytes: a 4th would not fit whole */
    fx_done(&f);
}

static void test_list_and_counts(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n"
                       "  - { id: w_old, kpi: kk.aqi, above: 10 }\n"
                       "  - { id: pend, kpi: kk.aqi, above: 10, for: 1h, severity: critical }\n"
                       "  - { id: c_new, kpi: dvc.rate, above: 10, severity: critical }\n"
                       "  - { id: w_new, kpi: dvc.rate, above: 10 }\n"
                       "  - { id: i_old, kpi: kk.pm25, above: 10, severity: info }\n"
                       "  - { id: gone, kpi: kk.pm25, above: 100 }\n"
                       "  - { id: idle, kpi: kk.pm25, above: 1000 }\n");
    put_eval(&f, "kk.aqi", T0, 20);
    put_eval(&f, "kk.pm25", T0 + 1, 200);
    put_eval(&f, "dvc.rate", T0 + 2, 20);
    put_eval(&f, "kk.pm25", T0 + 3, 20); /* "gone" resolves */
    const Alert *l[8];
    size_t n = alert_list(f.e, l, 8);
    assert_int_equal(n, 6);
    /* firing by severity then age, then pending, then resolved */
    static const char *const want[] = {"c_new", "w_old", "w_new", "i_old", "pend", "gone"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(l[i]->rule->id, want[i]);
    /* a short list keeps the first ones */
    const Alert *two[2];
    assert_int_equal(alert_list(f.e, two, 2), 6);
    assert_string_equal(two[0]->rule->id, "c_new");
    assert_string_equal(two[1]->rule->id, "w_old");
    AlertCounts c;
    alert_counts(f.e, &c);
    assert_int_equal(c.firing[SEV_CRITICAL], 1);
    assert_int_equal(c.firing[SEV_WARNING], 2);
    assert_int_equal(c.firing[SEV_INFO], 1);
    assert_int_equal(c.pending, 1);
    assert_int_equal(c.resolved, 1);
    assert_int_equal(alert_count(f.e), 7);
    assert_null(alert_get(f.e, 7));
    assert_null(alert_find(f.e, "nope"));
    fx_done(&f);
}

static void test_callback_sequence(void **state)
{
    (void)state;
    /* A whole incident as a caller sees it, in order. */
    Fx f;
    fx_init(&f, IMPLICIT "rules:\n"
                         "  - { id: aqi_high, kpi: kk.aqi, above: 150, clear: 140, for: 20s,\n"
                         "      keep_firing_for: 20s, severity: critical }\n");
    char err[128];
    int64_t t = T0;
    put_eval(&f, "kk.aqi", t, 110);
    put_eval(&f, "kk.aqi", t += 10 * SEC, 155);
    alert_ack(f.e, "kk.aqi:crit", "lan", NULL, t, err, sizeof(err));
    put_eval(&f, "kk.aqi", t += 10 * SEC, 158);
    alert_eval(f.e, t += 10 * SEC);
    put_eval(&f, "kk.aqi", t += 5 * SEC, 145); /* between clear and level: holds */
    put_eval(&f, "kk.aqi", t += 5 * SEC, 130); /* cleared: kept firing 20s */
    alert_eval(f.e, alert_next_deadline(f.e));
    EVENTS(&f, "kk.aqi:warn inactive>firing; "
               "aqi_high inactive>pending; kk.aqi:crit inactive>firing; "
               "kk.aqi:warn firing>suppressed; "
               "ack kk.aqi:crit by lan; "
               "aqi_high pending>firing; "
               "kk.aqi:crit firing>resolved; kk.aqi:warn suppressed>firing; "
               "aqi_high firing>resolved");
    fx_done(&f);
}

/* The rules of the reload tests, before (OLD) and after (NEW): hi unchanged
 * (pending), fire unchanged (firing, acked, silenced), chg with another
 * threshold, gone removed, down a feed rule unchanged. */
#define RELOAD_OLD                                                                                 \
    FEED_A "rules:\n"                                                                              \
           "  - { id: hi, kpi: kk.aqi, above: 200, for: 20s }\n"                                   \
           "  - { id: fire, kpi: kk.aqi, above: 100, labels: { team: env, room: a } }\n"           \
           "  - { id: chg, kpi: kk.aqi, above: 150 }\n"                                            \
           "  - { id: gone, kpi: kk.aqi, above: 50 }\n"                                            \
           "  - { id: down, feed: dvc, down: 3 }\n"
#define RELOAD_NEW                                                                                 \
    FEED_A "rules:\n"                                                                              \
           "  - { id: down, feed: dvc, down: 3 }\n"                                                \
           "  - { id: chg, kpi: kk.aqi, above: 160 }\n"                                            \
           "  - { id: fire, kpi: kk.aqi, above: 100, labels: { room: a, team: env } }\n"           \
           "  - { id: hi, kpi: kk.aqi, above: 200, for: 20s }\n"

/* A reload: unchanged rules keep their state, for: clock, ack and silence
 * with no event and no new "firing"; a changed rule ends (resolved) and
 * starts again as new; a removed rule's alert ends and is gone. */
static void test_reload_carries_state(void **state)
{
    (void)state;
    Fx a, b;
    char err[160];
    fx_init(&a, RELOAD_OLD);
    put_eval(&a, "kk.aqi", T0, 250);
    EVENTS(&a, "hi inactive>pending; fire inactive>firing; chg inactive>firing; "
               "gone inactive>firing");
    assert_int_equal(alert_ack(a.e, "fire", "lan", "đã gọi", T0 + SEC, err, sizeof(err)), 0);
    unsigned sid =
        alert_silence(a.e, "fire", T0 + 3600 * SEC, "minh", "bảo trì", T0 + SEC, err, sizeof(err));
    assert_true(sid > 0);
    a.coll->feeds[1].state = FS_DOWN;
    a.coll->feeds[1].consecutive_failures = 3;
    put_eval(&a, "kk.aqi", T0 + 10 * SEC, 250);
    EVENTS(&a, "ack fire by lan; silence #1 fire; down inactive>firing");

    /* SIGHUP at T0 + 15 s */
    fx_init(&b, RELOAD_NEW);
    assert_int_equal(alert_retire(a.e, b.coll->cfg, T0 + 15 * SEC), 2);
    EVENTS(&a, "chg firing>resolved; gone firing>resolved");
    AlertCarry *c = alert_carry_take(a.e);
    assert_non_null(c);
    fx_done(&a);
    assert_int_equal(alert_carry_apply(b.e, c), 3);
    alert_carry_free(c);
    EVENTS(&b, "");
    assert_int_equal(st(&b, "hi"), ALERT_PENDING);
    assert_int_equal(st(&b, "fire"), ALERT_FIRING);
    assert_int_equal(st(&b, "down"), ALERT_FIRING);
    assert_int_equal(st(&b, "chg"), ALERT_INACTIVE); /* starts again as new */
    assert_null(alert_find(b.e, "gone"));
    const Alert *fire = alert_find(b.e, "fire");
    assert_int_equal(fire->fired_ms, T0);
    assert_true(fire->acked);
    assert_string_equal(fire->ack_by, "lan");
    assert_string_equal(fire->ack_comment, "đã gọi");
    assert_int_equal(fire->ack_ms, T0 + SEC);
    assert_true(fire->silenced);
    const AlertSilence *sl;
    assert_int_equal(alert_silences(b.e, &sl), 1);
    assert_int_equal(sl[0].id, sid);
    assert_string_equal(sl[0].who, "minh");
    /* no deadline of a carried alert before its feed's first poll (only the silence) */
    assert_int_equal(alert_next_deadline(b.e), T0 + 3600 * SEC);

    /* Before the first poll of the new collector, nothing is decided. */
    alert_eval(b.e, T0 + 16 * SEC);
    EVENTS(&b, "");
    assert_int_equal(st(&b, "hi"), ALERT_PENDING);
    /* The first polls: the value still holds; the feed fails once (its count
     * restarted with the reload: down keeps firing). */
    b.coll->feeds[0].state = FS_OK;
    b.coll->feeds[1].state = FS_DOWN;
    b.coll->feeds[1].consecutive_failures = 1;
    put_eval(&b, "kk.aqi", T0 + 20 * SEC, 250);
    /* hi's for: clock began at T0 before the reload: it fires at T0 + 20 s */
    EVENTS(&b, "chg inactive>firing; hi pending>firing");
    assert_int_equal(st(&b, "down"), ALERT_FIRING);
    assert_int_equal(st(&b, "hi"), ALERT_FIRING);
    assert_int_equal(alert_find(b.e, "hi")->active_ms, T0);
    /* once the feed answers, down resolves as usual */
    b.coll->feeds[1].state = FS_OK;
    b.coll->feeds[1].consecutive_failures = 0;
    put_eval(&b, "kk.aqi", T0 + 30 * SEC, 250);
    EVENTS(&b, "down firing>resolved");
    fx_done(&b);
}

/* A pending alert carried over a reload fires when its for: ends, counted
 * from before the reload; a carried firing alert that cleared meanwhile
 * resolves at the first poll. */
static void test_reload_for_timer(void **state)
{
    (void)state;
    Fx a, b;
    const char *yaml = FEED_A "rules:\n"
                              "  - { id: hi, kpi: kk.aqi, above: 200, for: 60s }\n"
                              "  - { id: lo, kpi: dvc.rate, below: 50 }\n";
    fx_init(&a, yaml);
    put(&a, "dvc.rate", T0, 40);
    put_eval(&a, "kk.aqi", T0, 250);
    EVENTS(&a, "hi inactive>pending; lo inactive>firing");
    fx_init(&b, yaml);
    assert_int_equal(alert_retire(a.e, b.coll->cfg, T0 + 10 * SEC), 0);
    AlertCarry *c = alert_carry_take(a.e);
    fx_done(&a);
    assert_int_equal(alert_carry_apply(b.e, c), 2);
    alert_carry_free(c);
    b.coll->feeds[0].state = b.coll->feeds[1].state = FS_OK;
    put(&b, "dvc.rate", T0 + 20 * SEC, 90);
    put_eval(&b, "kk.aqi", T0 + 20 * SEC, 250);
    EVENTS(&b, "lo firing>resolved");
    put(&b, "dvc.rate", T0 + 50 * SEC, 90);
    put_eval(&b, "kk.aqi", T0 + 50 * SEC, 250);
    assert_int_equal(alert_next_deadline(b.e), T0 + 60 * SEC); /* not T0 + 80 s */
    alert_eval(b.e, T0 + 60 * SEC - 1);
    assert_int_equal(st(&b, "hi"), ALERT_PENDING);
    alert_eval(b.e, T0 + 60 * SEC);
    EVENTS(&b, "hi pending>firing");
    fx_done(&b);
}

/* The fingerprint changes with what decides the alert, not with the order
 * of labels or the rule's place in the file. */
static void test_rule_fingerprint(void **state)
{
    (void)state;
    static const char *const same[] = {
        "  - { id: r, kpi: kk.aqi, above: 200, for: 20s, labels: { a: x, b: y } }\n",
        "  - { id: z, kpi: kk.pm25, above: 1 }\n"
        "  - { id: r, kpi: kk.aqi, above: 200.0, for: 20000ms, labels: { b: y, a: x } }\n",
    };
    static const char *const other[] = {
        "  - { id: r, kpi: kk.aqi, above: 201, for: 20s, labels: { a: x, b: y } }\n",
        "  - { id: r, kpi: kk.aqi, above: 200, for: 30s, labels: { a: x, b: y } }\n",
        "  - { id: r, kpi: kk.aqi, above: 200, for: 20s, labels: { a: x, b: z } }\n",
        "  - { id: r, kpi: kk.aqi, above: 200, for: 20s, labels: { a: x } }\n",
        "  - { id: r, kpi: kk.aqi, above: 200, for: 20s, labels: { a: x, b: y },"
        " severity: critical }\n",
        "  - { id: r, kpi: kk.aqi, above: 200, for: 20s, labels: { a: x, b: y }, clear: 190 }\n",
        "  - { id: r, kpi: kk.aqi, above: 200, for: 20s, labels: { a: x, b: y },"
        " keep_firing_for: 1m }\n",
        "  - { id: r, kpi: kk.aqi, above: 200, for: 20s, labels: { a: x, b: y },"
        " summary: \"{{value}}\" }\n",
        "  - { id: r, kpi: kk.pm25, above: 200, for: 20s, labels: { a: x, b: y } }\n",
        "  - { id: r, kpi: kk.aqi, below: 200, for: 20s, labels: { a: x, b: y } }\n",
    };
    uint64_t want = 0;
    for (size_t i = 0; i < 2 + sizeof(other) / sizeof(other[0]); i++) {
        char yaml[2048];
        snprintf(yaml, sizeof(yaml), "%srules:\n%s", FEED_A, i < 2 ? same[i] : other[i - 2]);
        Fx f;
        fx_init(&f, yaml);
        const Alert *a = alert_find(f.e, "r");
        uint64_t fp = alert_rule_fingerprint(f.coll->cfg, a->rule);
        if (i == 0) want = fp;
        if (i < 2)
            assert_true(fp == want);
        else if (fp == want)
            fail_msg("the fingerprint does not see: %s", other[i - 2]);
        fx_done(&f);
    }
    /* a rule relative to the KPI's target changes with the target */
    uint64_t fps[2];
    for (int i = 0; i < 2; i++) {
        Fx f;
        fx_init(&f, i ? "ioc: { name: T }\nfeeds:\n  - id: kk\n    url: http://127.0.0.1:1/a\n"
                        "    kpis: [{ id: aqi, select: $.a, target: 60 }]\n"
                        "rules:\n  - { id: r, kpi: kk.aqi, above: target }\n"
                      : "ioc: { name: T }\nfeeds:\n  - id: kk\n    url: http://127.0.0.1:1/a\n"
                        "    kpis: [{ id: aqi, select: $.a, target: 50 }]\n"
                        "rules:\n  - { id: r, kpi: kk.aqi, above: target }\n");
        fps[i] = alert_rule_fingerprint(f.coll->cfg, alert_find(f.e, "r")->rule);
        fx_done(&f);
    }
    assert_true(fps[0] != fps[1]);
}

/* An ack recorded before a restart comes back when the alert's first known
 * condition holds (the episode goes on), with no AEV_ACK; it is forgotten
 * when the condition is clear (the episode ended while ioc was stopped). */
static void test_restored_ack(void **state)
{
    (void)state;
    Fx f;
    fx_init(&f, FEED_A "rules:\n"
                       "  - { id: hi, kpi: kk.aqi, above: 200 }\n"
                       "  - { id: lo, kpi: dvc.rate, below: 50 }\n");
    assert_int_equal(alert_restore_ack(f.e, "nope", "lan", NULL, T0), -1);
    assert_int_equal(alert_restore_ack(f.e, "hi", "", NULL, T0), -1);
    assert_int_equal(alert_restore_ack(f.e, "hi", "lan", "đã gọi", T0 - 60 * SEC), 0);
    assert_int_equal(alert_restore_ack(f.e, "lo", "minh", NULL, T0 - 60 * SEC), 0);
    alert_eval(f.e, T0);                    /* nothing known yet: both wait */
    put(&f, "dvc.rate", T0 + 10 * SEC, 90); /* lo is clear: its ack is forgotten */
    put_eval(&f, "kk.aqi", T0 + 10 * SEC, 250);
    EVENTS(&f, "hi inactive>firing");
    const Alert *hi = alert_find(f.e, "hi");
    assert_true(hi->acked);
    assert_string_equal(hi->ack_by, "lan");
    assert_string_equal(hi->ack_comment, "đã gọi");
    assert_int_equal(hi->ack_ms, T0 - 60 * SEC);
    put_eval(&f, "dvc.rate", T0 + 20 * SEC, 30);
    EVENTS(&f, "lo inactive>firing");
    assert_false(alert_find(f.e, "lo")->acked);
    /* a later episode of hi is not acked */
    put_eval(&f, "kk.aqi", T0 + 30 * SEC, 100);
    put_eval(&f, "kk.aqi", T0 + 40 * SEC, 250);
    EVENTS(&f, "hi firing>resolved; hi resolved>firing");
    assert_false(hi->acked);
    fx_done(&f);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_for_pending),
        cmocka_unit_test(test_keep_firing_for),
        cmocka_unit_test(test_hysteresis),
        cmocka_unit_test(test_critical_over_warning),
        cmocka_unit_test(test_stale_never_resolves),
        cmocka_unit_test(test_nodata),
        cmocka_unit_test(test_change),
        cmocka_unit_test(test_feed_rules),
        cmocka_unit_test(test_feed_down_makes_kpi_alerts_stale),
        cmocka_unit_test(test_ack),
        cmocka_unit_test(test_silence),
        cmocka_unit_test(test_summaries),
        cmocka_unit_test(test_list_and_counts),
        cmocka_unit_test(test_callback_sequence),
        cmocka_unit_test(test_reload_carries_state),
        cmocka_unit_test(test_reload_for_timer),
        cmocka_unit_test(test_rule_fingerprint),
        cmocka_unit_test(test_restored_ack),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
