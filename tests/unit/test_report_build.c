/* test_report_build.c - the daily report's figures against a scripted day in
 * Asia/Ho_Chi_Minh (UTC+7) whose right answers are worked out by hand: last,
 * min, average, max and sample counts; time-weighted warn/crit shares (a
 * value holds until the next sample, a gap, or 3 intervals); whether the
 * target was met; minute rollups where raw samples were pruned; feed
 * availability and the longest failure from recorded states; alerts fired,
 * time to acknowledge and the longest open; a kill -9 and a restart kept
 * apart from the feed's outage. The archive's writer stays open while the
 * report reads it. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "services/archive.h"
#include "export/report.h"
#include "export/report_build.h"
#include "base/timefmt.h"

#define MIN 60000LL
/* 2026-11-24T00:00:00+07:00 */
#define DAY0 1795453200000LL
#define M(m) (DAY0 + (int64_t)(m)*MIN)

static char tmpdir[256], path[300];

static const char yaml[] =
    "ioc: { name: \"Trung tâm IOC\", timezone: Asia/Ho_Chi_Minh }\n"
    "feeds:\n"
    "  - id: dvc\n"
    "    name: Dịch vụ công\n"
    "    url: http://127.0.0.1:1/\n"
    "    interval: 1m\n"
    "    kpis:\n"
    "      - { id: rate, select: $.r, unit: \"%\", target: 90, warn: \"< 80\", crit: \"< 60\","
    " decimals: 1 }\n"
    "      - { id: backlog, select: $.b, target: 10, warn: \"> 20\" }\n"
    "      - { id: plain, select: $.p, target: 5 }\n"
    "      - { id: both, select: $.x, target: 7, warn: \"< 5.5 or > 9\" }\n"
    "      - { id: empty, select: $.e, target: 1 }\n"
    "      - { id: old, select: $.o }\n"
    "  - id: gone\n"
    "    url: http://127.0.0.1:1/\n"
    "    interval: 1m\n"
    "    kpis: [ { id: k, select: $.k } ]\n";

/* A rule and its alert, as the engine hands them over. */
typedef struct {
    CfgRule rule;
    Alert alert;
    char summary[ALERT_SUMMARY_MAX];
} Fake;

/* Records a transition of f at minute m (fired_ms as the engine would keep it). */
static void transition(Archive *a, Fake *f, const char *from, AlertState to_state, double m,
                       double fired_m)
{
    static const struct {
        const char *name;
        AlertState s;
    } names[] = {{"pending", ALERT_PENDING},
                 {"firing", ALERT_FIRING},
                 {"stale", ALERT_STALE},
                 {"resolved", ALERT_RESOLVED}};
    AlertState fs = ALERT_INACTIVE;
    for (size_t i = 0; i < 4; i++)
        if (strcmp(names[i].name, from) == 0) fs = names[i].s;
    f->alert.fired_ms = (int64_t)(DAY0 + fired_m * MIN);
    AlertEvent ev = {.kind = AEV_TRANSITION,
                     .alert = &f->alert,
                     .from = fs,
                     .to = to_state,
                     .at_ms = (int64_t)(DAY0 + m * MIN)};
    archive_record_alert(a, &ev);
}

/* Records an acknowledgement of f by who at minute m. */
static void ack(Archive *a, Fake *f, const char *who, double m)
{
    AlertEvent ev = {.kind = AEV_ACK,
                     .alert = &f->alert,
                     .from = ALERT_FIRING,
                     .to = ALERT_FIRING,
                     .at_ms = (int64_t)(DAY0 + m * MIN),
                     .who = who};
    archive_record_alert(a, &ev);
}

/* Makes a fake alert of rule id on kpi (NULL: a feed rule). */
static void fake(Fake *f, const char *id, const char *kpi, Severity sev)
{
    memset(f, 0, sizeof(*f));
    f->rule.id = (char *)id;
    f->rule.kpi = (char *)kpi;
    f->rule.feed = kpi ? NULL : "gone";
    f->rule.severity = sev;
    f->alert.rule = &f->rule;
    snprintf(f->summary, sizeof(f->summary), "%s fired", id);
    f->alert.summary = f->summary;
    f->alert.ack_by = f->alert.ack_comment = "";
}

/* Records a poll of feed at minute m. */
static void poll(Archive *a, const char *feed, FeedStateKind k, double m)
{
    FeedStatus st = {.state = k, .last_poll_ms = (int64_t)(DAY0 + m * MIN), .latency_ms = 20};
    if (k == FS_DOWN) snprintf(st.error, sizeof(st.error), "timeout");
    archive_add_poll(a, feed, &st);
}

/* Writes the scripted day. The writer is returned open. */
static Archive *script_day(void)
{
    char err[400];
    Archive *a = archive_open(path, NULL, err, sizeof(err));
    assert_non_null(a);
    /* rate: one sample a minute; 95 until 6:00, 70 (warn) until 8:00, 50
     * (crit) until 9:00, then 100; nothing from minute 1000 to 1099 (ioc
     * down); a gap sample at minute 1200; one sample before and one after
     * the day, which do not count. */
    archive_add_sample(a, "dvc.rate", M(-1), 0);
    for (int m = 0; m < 1440; m++) {
        if (m >= 1000 && m < 1100) continue;
        double v = m < 360 ? 95 : m < 480 ? 70 : m < 540 ? 50 : 100;
        if (m == 1200) v = NAN;
        archive_add_sample(a, "dvc.rate", M(m), v);
    }
    archive_add_sample(a, "dvc.rate", M(1440), 0);
    /* backlog: 5 at 0:00 (ok), 25 at 12:00 (warn). */
    archive_add_sample(a, "dvc.backlog", M(0), 5);
    archive_add_sample(a, "dvc.backlog", M(720), 25);
    archive_add_sample(a, "dvc.plain", M(0), 4);
    archive_add_sample(a, "dvc.plain", M(60), 7);
    archive_add_sample(a, "dvc.both", M(0), 6);
    archive_add_sample(a, "gone.k", M(10), 1.7e308); /* the sum overflows */
    archive_add_sample(a, "gone.k", M(11), 1.7e308);
    /* old: every 30 s for 2 h, 10 then 20; its raw samples are pruned below. */
    for (int i = 0; i < 240; i++)
        archive_add_sample(a, "dvc.old", M(0) + i * 30000LL, i % 2 ? 20 : 10);
    /* dvc: ok before the day; down 1:40-2:10 (30 min); down at 16:40 until
     * ioc stopped at 17:30 (50 min), ok from 18:20. 100 polls in the day, 10
     * failed; polls before the day do not count. */
    poll(a, "dvc", FS_OK, -60);
    poll(a, "dvc", FS_DOWN, -30);
    poll(a, "dvc", FS_OK, -20);
    for (int i = 0; i < 100; i++) {
        FeedStateKind k = FS_OK;
        double m = 200 + i;
        if (i < 5) m = 100 + i * 5;                    /* 100..120: down */
        if (i == 5) m = 130;                           /* ok again */
        if (i >= 6 && i < 11) m = 1000 + (i - 6) * 10; /* 1000..1040: down */
        if (i < 5 || (i >= 6 && i < 11)) k = FS_DOWN;
        if (i >= 11) m = 1100 + (i - 11);
        poll(a, "dvc", k, m);
    }
    /* gone: down since before the day, never back. */
    poll(a, "gone", FS_DOWN, -5);
    assert_int_equal(archive_flush(a, M(1500)), 0);
    /* ioc stopped at 17:30 (what archive_record_stop() writes, for dvc only). */
    char sql[200];
    snprintf(sql, sizeof(sql),
             "INSERT INTO feed_state VALUES((SELECT id FROM feed WHERE name='dvc'), %lld,"
             " 'stopped', NULL, 0, 0)",
             (long long)M(1050));
    assert_int_equal(sqlite3_exec(archive_handle(a), sql, NULL, NULL, NULL), SQLITE_OK);

    Fake warn, crit, feed, before;
    fake(&warn, "dvc.rate:warn", "dvc.rate", SEV_WARNING);
    fake(&crit, "dvc.rate:crit", "dvc.rate", SEV_CRITICAL);
    fake(&feed, "gone_down", NULL, SEV_CRITICAL);
    fake(&before, "dvc.backlog:warn", "dvc.backlog", SEV_WARNING);
    transition(a, &before, "firing", ALERT_RESOLVED, 30, -100); /* fired yesterday */
    transition(a, &warn, "pending", ALERT_FIRING, 360, 360);
    ack(a, &warn, "lan", 370);
    transition(a, &crit, "pending", ALERT_FIRING, 480, 480);
    transition(a, &crit, "firing", ALERT_STALE, 490, 480);
    transition(a, &crit, "stale", ALERT_FIRING, 500, 480); /* not a new firing */
    ack(a, &crit, "minh", 510);
    transition(a, &crit, "firing", ALERT_RESOLVED, 540, 480);
    transition(a, &warn, "firing", ALERT_RESOLVED, 540, 360);
    transition(a, &feed, "pending", ALERT_FIRING, 1300, 1300); /* open at the day's end */
    assert_int_equal(archive_flush(a, M(1500)), 0);
    /* dvc.old: keep only its minute rollups. */
    assert_int_equal(sqlite3_exec(archive_handle(a),
                                  "DELETE FROM block WHERE series=(SELECT id FROM series"
                                  " WHERE key='dvc.old')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return a;
}

static int setup(void **state)
{
    const char *dir = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/ioc-report-XXXXXX", dir && *dir ? dir : "/tmp");
    assert_non_null(mkdtemp(tmpdir));
    snprintf(path, sizeof(path), "%s/archive.db", tmpdir);
    return timefmt_set_zone("Asia/Ho_Chi_Minh");
}

static int teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The config of the scripted day. */
static Config *config(void)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(yaml, strlen(yaml), "test.yaml", &d);
    if (!c) diag_print(&d, stderr);
    diag_done(&d);
    assert_non_null(c);
    return c;
}

/* The KPI of key in r. */
static const ReportKpi *kpi(const Report *r, const char *key)
{
    for (size_t i = 0; i < r->n_kpis; i++)
        if (strcmp(r->kpis[i].key, key) == 0) return &r->kpis[i];
    fail_msg("no KPI %s", key);
    return NULL;
}

static void test_scripted_day(void **state)
{
    Archive *writer = script_day();
    Config *cfg = config();
    Report r;
    char err[400];
    int rc = report_build_at(path, cfg, "2026-11-24", M(1440 + 120), &r, err, sizeof(err));
    if (rc != 0) fail_msg("report_build: %s", err);
    assert_string_equal(r.centre, "Trung tâm IOC");
    assert_string_equal(r.timezone, "Asia/Ho_Chi_Minh");
    assert_string_equal(r.date, "2026-11-24");
    assert_true(r.from_ms == DAY0 && r.to_ms == M(1440));
    assert_int_equal(r.n_kpis, 7);

    /* rate: 1339 samples (1440 - 100 missing - 1 gap). */
    const ReportKpi *k = kpi(&r, "dvc.rate");
    assert_string_equal(k->name, "rate");
    assert_string_equal(k->unit, "%");
    assert_string_equal(k->feed_name, "Dịch vụ công");
    assert_string_equal(k->warn, "< 80");
    assert_string_equal(k->crit, "< 60");
    assert_int_equal(k->decimals, 1);
    assert_int_equal(k->samples, 1339);
    assert_true(k->has_value);
    assert_float_equal(k->min, 50, 0);
    assert_float_equal(k->max, 100, 0);
    assert_float_equal(k->last, 100, 0);
    assert_true(k->last_ts == M(1439));
    assert_float_equal(k->avg, (360 * 95 + 120 * 70 + 60 * 50 + 799 * 100.0) / 1339, 1e-9);
    assert_int_equal(k->met, REPORT_MET_YES);
    /* Covered: 1339 values of 1 min each, but minute 999 holds 3 intervals
     * (3 min) = 1341 min; warn 120 min, crit 60 min. */
    assert_float_equal(k->warn_share, 120.0 / 1341, 1e-9);
    assert_float_equal(k->crit_share, 60.0 / 1341, 1e-9);
    assert_int_equal(k->n_points, 288);
    assert_true(k->pt_ts[0] == DAY0 && k->pt_ts[287] == M(1435));
    assert_float_equal(k->pt_v[0], 95, 0);
    assert_float_equal(k->pt_v[72], 70, 0);
    assert_float_equal(k->pt_v[100], 50, 0);
    assert_true(isnan(k->pt_v[200]));         /* minute 1000: ioc was down */
    assert_float_equal(k->pt_v[240], 100, 0); /* minutes 1200-1204: the gap does not count */

    k = kpi(&r, "dvc.backlog"); /* higher is worse: met when avg <= target */
    assert_float_equal(k->avg, 15, 0);
    assert_int_equal(k->met, REPORT_MET_NO);
    assert_float_equal(k->warn_share, 0.5, 1e-9); /* 3 min ok, 3 min warn */
    assert_float_equal(k->crit_share, 0, 0);
    assert_null(k->crit);
    k = kpi(&r, "dvc.plain"); /* no thresholds: met when avg >= target */
    assert_float_equal(k->avg, 5.5, 0);
    assert_int_equal(k->met, REPORT_MET_YES);
    assert_int_equal(kpi(&r, "dvc.both")->met, REPORT_MET_UNKNOWN);
    k = kpi(&r, "gone.k"); /* an overflowing sum: no average ("–"), never Inf or NaN */
    assert_int_equal(k->samples, 2);
    assert_float_equal(k->max, 1.7e308, 0);
    assert_true(isnan(k->avg));
    k = kpi(&r, "dvc.empty");
    assert_false(k->has_value);
    assert_int_equal(k->samples, 0);
    assert_int_equal(k->met, REPORT_MET_UNKNOWN);
    assert_int_equal(k->n_points, 288);
    assert_true(isnan(k->pt_v[0]));
    k = kpi(&r, "dvc.old"); /* from the minute rollups */
    assert_int_equal(k->samples, 240);
    assert_float_equal(k->min, 10, 0);
    assert_float_equal(k->max, 20, 0);
    assert_float_equal(k->avg, 15, 0);
    assert_float_equal(k->last, 20, 0);
    assert_float_equal(k->pt_v[0], 15, 0);
    assert_int_equal(k->met, REPORT_MET_UNKNOWN); /* no target */

    assert_int_equal(r.n_feeds, 2);
    assert_string_equal(r.feeds[0].id, "dvc");
    assert_int_equal(r.feeds[0].polls, 100);
    assert_int_equal(r.feeds[0].failures, 10);
    assert_float_equal(r.feeds[0].availability, 0.9, 1e-12);
    /* Down 100-130 (30 min) and 1000-1050 (50 min, ended by the stop). */
    assert_true(r.feeds[0].longest_down_ms == 50 * MIN);
    assert_int_equal(r.feeds[1].polls, 0);
    assert_true(isnan(r.feeds[1].availability));
    assert_true(r.feeds[1].longest_down_ms == 1440 * MIN); /* down all day */

    assert_int_equal(r.n_alerts, 3);
    assert_string_equal(r.alerts[0].rule, "dvc.rate:warn");
    assert_true(r.alerts[0].fired_ms == M(360));
    assert_true(r.alerts[0].acked_ms == M(370));
    assert_string_equal(r.alerts[0].acked_by, "lan");
    assert_true(r.alerts[0].resolved_ms == M(540));
    assert_string_equal(r.alerts[1].rule, "dvc.rate:crit");
    assert_true(r.alerts[1].acked_ms == M(510));
    assert_string_equal(r.alerts[1].summary, "dvc.rate:crit fired");
    assert_string_equal(r.alerts[2].rule, "gone_down");
    assert_null(r.alerts[2].kpi);
    assert_true(r.alerts[2].resolved_ms == 0);
    assert_null(r.alerts[2].acked_by);
    assert_int_equal(r.fired[SEV_WARNING], 1);
    assert_int_equal(r.fired[SEV_CRITICAL], 2);
    assert_int_equal(r.fired[SEV_INFO], 0);
    assert_float_equal(r.ack_avg_ms, 20 * MIN, 0); /* (10 + 30) / 2 minutes */
    assert_true(r.longest_open_ms == 180 * MIN);
    assert_int_equal(r.longest_open_idx, 0);
    report_free(&r);

    /* Today's report: covered time ends now (12:00), the open alert too. */
    rc = report_build_at(path, cfg, "2026-11-24", M(1320), &r, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_true(r.alerts[2].resolved_ms == 0);
    assert_true(r.longest_open_ms == 180 * MIN);
    assert_true(r.feeds[1].longest_down_ms == 1320 * MIN);
    report_free(&r);
    cfg_free(cfg);
    archive_close(writer);
}

/* Without a date: yesterday in the centre's time zone (at 00:30 local on the
 * 26th, still the 25th in UTC, yesterday is the 25th). */
static void test_default_date(void **state)
{
    archive_close(script_day());
    Config *cfg = config();
    Report r;
    char err[400];
    assert_int_equal(report_build_at(path, cfg, NULL, M(1440 + 1440 + 30), &r, err, sizeof(err)),
                     0);
    assert_string_equal(r.date, "2026-11-25");
    report_free(&r);
    assert_int_equal(report_build_at(path, cfg, NULL, M(1440 + 30), &r, err, sizeof(err)), 0);
    assert_string_equal(r.date, "2026-11-24");
    assert_int_equal(kpi(&r, "dvc.rate")->samples, 1339);
    report_free(&r);
    /* 2026-12-01 00:10 local: yesterday is the 30th of November. */
    int64_t dec1;
    int64_t dec2;
    assert_true(report_day_bounds("2026-12-01", &dec1, &dec2));
    assert_true(dec2 - dec1 == 1440 * MIN);
    assert_int_equal(report_build_at(path, cfg, NULL, dec1 + 10 * MIN, &r, err, sizeof(err)), 0);
    assert_string_equal(r.date, "2026-11-30");
    report_free(&r);
    cfg_free(cfg);
}

/* ioc killed while dvc was down (minute 600), restarted 30 minutes later
 * (630), stopped cleanly at 700 and started again at 760: the outage ends
 * when ioc died, and the two periods ioc was not running (30 + 60 minutes,
 * one after an unclean stop) are reported apart. */
static void test_kill_and_restart(void **state)
{
    char err[400];
    Archive *a = archive_open(path, NULL, err, sizeof(err));
    assert_non_null(a);
    archive_record_start(a, M(0));
    for (int m = 0; m < 590; m += 10)
        poll(a, "dvc", FS_OK, m);
    poll(a, "dvc", FS_DOWN, 590);
    poll(a, "dvc", FS_DOWN, 595);
    archive_add_sample(a, "dvc.rate", M(600), 90); /* the last thing committed */
    assert_int_equal(archive_flush(a, M(600)), 0);
    archive_close(a); /* kill -9: nothing more, no "stopped" */

    a = archive_open(path, NULL, err, sizeof(err));
    assert_non_null(a);
    archive_record_start(a, M(630));
    poll(a, "dvc", FS_DOWN, 630); /* still down after the restart */
    poll(a, "dvc", FS_OK, 640);
    poll(a, "dvc", FS_OK, 690);
    archive_record_stop(a, M(700));
    archive_close(a); /* a clean stop */

    a = archive_open(path, NULL, err, sizeof(err));
    assert_non_null(a);
    archive_record_start(a, M(760));
    poll(a, "dvc", FS_OK, 760);
    assert_int_equal(archive_flush(a, M(761)), 0);

    Config *cfg = config();
    Report r;
    int rc = report_build_at(path, cfg, "2026-11-24", M(1440 + 60), &r, err, sizeof(err));
    if (rc != 0) fail_msg("report_build: %s", err);
    /* Down 590-600 (then ioc died) and 630-640: not 590-640. */
    assert_true(r.feeds[0].longest_down_ms == 10 * MIN);
    assert_int_equal(r.feeds[0].polls, 65);
    assert_int_equal(r.feeds[0].failures, 3);
    assert_int_equal(r.n_stops, 2);
    assert_true(r.stops[0].from_ms == M(600) && r.stops[0].to_ms == M(630));
    assert_false(r.stops[0].clean);
    assert_true(r.stops[1].from_ms == M(700) && r.stops[1].to_ms == M(760));
    assert_true(r.stops[1].clean);
    assert_true(r.not_running_ms == 90 * MIN);
    report_free(&r);

    /* Today's report at 12:40 clips the second period to now. */
    rc = report_build_at(path, cfg, "2026-11-24", M(740), &r, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_int_equal(r.n_stops, 2);
    assert_true(r.not_running_ms == 70 * MIN);
    report_free(&r);
    cfg_free(cfg);
    archive_close(a);
}

/* Bad dates and a missing archive are errors with a message. */
static void test_errors(void **state)
{
    static const char *const bad[] = {"2026-02-30", "2026-13-01",  "yesterday",
                                      "2026-1-5",   "2026-11-24x", ""};
    Config *cfg = config();
    Report r;
    char err[400];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(report_build_at(path, cfg, bad[i], DAY0, &r, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "expected YYYY-MM-DD"));
        report_free(&r);
    }
    assert_int_equal(report_build_at(path, cfg, "2026-11-24", DAY0, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no archive at"));
    report_free(&r);
    cfg_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scripted_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_and_restart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
