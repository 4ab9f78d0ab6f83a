/* test_alertlog.c - the JSON-lines alert log: exact lines, escaping that keeps
 * every line valid JSON, O_APPEND writers that never interleave, reopen after
 * a rotation, and failures that are reported, never fatal. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "services/alertlog.h"
#include "base/timefmt.h"

/* 2023-11-14T22:13:20.123Z */
#define T0 1700000000123LL

/* A rule and an alert as the engine would hand them to the callback. */
typedef struct {
    CfgRule rule;
    Alert alert;
} Fake;

/* Fills f with a firing critical alert on KPI khongkhi.vn_aqi. */
static void fake(Fake *f)
{
    memset(f, 0, sizeof(*f));
    f->rule.id = "aqi_high";
    f->rule.kpi = "khongkhi.vn_aqi";
    f->rule.kind = RULE_ABOVE;
    f->rule.severity = SEV_CRITICAL;
    f->alert.rule = &f->rule;
    f->alert.kpi = 0;
    f->alert.state = ALERT_FIRING;
    f->alert.has_value = true;
    f->alert.value = 162.5;
    f->alert.summary = "AQI 162.5 tại Phạm Ngũ Lão";
    f->alert.ack_by = f->alert.ack_comment = "";
}

/* A fresh path in the temporary directory (the file does not exist). */
static void temp_path(char *buf, size_t n, const char *name)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, n, "%s/ioc-alertlog-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(), name);
    unlink(buf);
}

/* Reads the whole file into buf (NUL-terminated); returns its length. */
static size_t slurp(const char *path, char *buf, size_t n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t len = fread(buf, 1, n - 1, fp);
    buf[len] = '\0';
    fclose(fp);
    return len;
}

static void test_transition_line(void **state)
{
    (void)state;
    Fake f;
    fake(&f);
    f.alert.silenced = true;
    AlertEvent ev = {.kind = AEV_TRANSITION,
                     .alert = &f.alert,
                     .from = ALERT_PENDING,
                     .to = ALERT_FIRING,
                     .at_ms = T0};
    char line[ALERTLOG_LINE_MAX];
    int n = alertlog_format(&ev, line, sizeof(line));
    assert_string_equal(line, "{\"ts\":\"2023-11-14T22:13:20.123+00:00\",\"event\":\"transition\","
                              "\"rule\":\"aqi_high\",\"kpi\":\"khongkhi.vn_aqi\","
                              "\"severity\":\"critical\",\"value\":162.5,\"from\":\"pending\","
                              "\"to\":\"firing\",\"silenced\":true,"
                              "\"summary\":\"AQI 162.5 tại Phạm Ngũ Lão\"}\n");
    assert_int_equal(n, (int)strlen(line));
    /* too small a buffer: -1, nothing half-written is claimed */
    char small[40];
    assert_int_equal(alertlog_format(&ev, small, sizeof(small)), -1);

    /* the local time zone shows in the offset; milliseconds before 1970 round down */
    assert_int_equal(timefmt_set_zone("Asia/Ho_Chi_Minh"), 0);
    ev.at_ms = T0;
    alertlog_format(&ev, line, sizeof(line));
    assert_non_null(strstr(line, "\"ts\":\"2023-11-15T05:13:20.123+07:00\""));
    assert_int_equal(timefmt_set_zone("UTC"), 0);
    ev.at_ms = -1;
    alertlog_format(&ev, line, sizeof(line));
    assert_non_null(strstr(line, "\"ts\":\"1969-12-31T23:59:59.999+00:00\""));
}

static void test_other_events(void **state)
{
    (void)state;
    Fake f;
    fake(&f);
    char line[ALERTLOG_LINE_MAX];
    /* an ack: who and comment, the state it was acked in */
    AlertEvent ack = {.kind = AEV_ACK,
                      .alert = &f.alert,
                      .from = ALERT_FIRING,
                      .to = ALERT_FIRING,
                      .at_ms = T0,
                      .who = "lan",
                      .comment = "đã gọi trạm"};
    alertlog_format(&ack, line, sizeof(line));
    assert_non_null(strstr(line, "\"event\":\"ack\",\"rule\":\"aqi_high\""));
    assert_non_null(strstr(line, "\"state\":\"firing\",\"operator\":\"lan\","
                                 "\"comment\":\"đã gọi trạm\""));
    assert_null(strstr(line, "\"from\""));

    /* a feed rule: feed instead of kpi; a NaN value is null */
    CfgRule fr = {.id = "dvc_down", .feed = "dvc", .kind = RULE_FEED, .severity = SEV_WARNING};
    Alert fa = {.rule = &fr, .kpi = -1, .has_value = true, .value = NAN};
    AlertEvent t = {
        .kind = AEV_TRANSITION, .alert = &fa, .from = ALERT_FIRING, .to = ALERT_STALE, .at_ms = T0};
    alertlog_format(&t, line, sizeof(line));
    assert_non_null(strstr(line, "\"rule\":\"dvc_down\",\"feed\":\"dvc\",\"severity\":\"warning\","
                                 "\"value\":null,\"from\":\"firing\",\"to\":\"stale\""));
    assert_null(strstr(line, "\"kpi\""));

    /* a silence and its end (expired: no operator) */
    AlertSilence s = {
        .id = 7, .target = "khongkhi.vn_aqi", .start_ms = T0, .until_ms = T0 + 3600000};
    AlertEvent sil = {
        .kind = AEV_SILENCE, .silence = &s, .at_ms = T0, .who = "minh", .comment = "bảo trì"};
    alertlog_format(&sil, line, sizeof(line));
    assert_string_equal(line, "{\"ts\":\"2023-11-14T22:13:20.123+00:00\",\"event\":\"silence\","
                              "\"silence\":7,\"target\":\"khongkhi.vn_aqi\","
                              "\"until\":\"2023-11-14T23:13:20.123+00:00\",\"operator\":\"minh\","
                              "\"comment\":\"bảo trì\"}\n");
    AlertEvent uns = {.kind = AEV_UNSILENCE, .silence = &s, .at_ms = T0 + 3600000};
    alertlog_format(&uns, line, sizeof(line));
    assert_string_equal(line, "{\"ts\":\"2023-11-14T23:13:20.123+00:00\",\"event\":\"unsilence\","
                              "\"silence\":7,\"target\":\"khongkhi.vn_aqi\",\"expired\":true}\n");
    uns.who = "lan";
    alertlog_format(&uns, line, sizeof(line));
    assert_non_null(strstr(line, "\"target\":\"khongkhi.vn_aqi\",\"operator\":\"lan\"}"));
}

static void test_escaping_keeps_json_valid(void **state)
{
    (void)state;
    Fake f;
    fake(&f);
    /* quotes, backslash, newline, control characters, DEL, invalid UTF-8 */
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"say \"hi\" \\ bye", "say \"hi\" \\ bye"},
        {"two\nlines\r\tx", "two\nlines\r\tx"},
        {"bell\x07 esc\x1b[31m del\x7f", "bell\x07 esc\x1b[31m del\x7f"},
        {"bad \xff\xfe utf8 \xc3", "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8 \xEF\xBF\xBD"},
        {"overlong \xc0\xaf surrogate \xed\xa0\x80",
         "overlong \xEF\xBF\xBD\xEF\xBF\xBD surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"Việt ✓ 😀", "Việt ✓ 😀"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        AlertEvent ev = {
            .kind = AEV_ACK, .alert = &f.alert, .at_ms = T0, .who = "lan", .comment = cases[i].in};
        char line[ALERTLOG_LINE_MAX];
        int n = alertlog_format(&ev, line, sizeof(line));
        assert_true(n > 0);
        /* one line: the only newline is the last byte */
        assert_ptr_equal(strchr(line, '\n'), line + n - 1);
        cJSON *j = cJSON_Parse(line);
        if (!j) fail_msg("case %zu: not JSON: %s", i, line);
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "comment");
        assert_true(cJSON_IsString(c));
        assert_string_equal(c->valuestring, cases[i].out);
        cJSON_Delete(j);
    }
}

static void test_append_whole_lines(void **state)
{
    (void)state;
    char path[512], err[256], buf[16384];
    temp_path(path, sizeof(path), "a.jsonl");
    /* existing content is kept: the log only appends */
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"old\":1}\n", fp);
    fclose(fp);

    AlertLog *a = alertlog_open(path, err, sizeof(err));
    AlertLog *b = alertlog_open(path, err, sizeof(err)); /* a second writer */
    assert_non_null(a);
    assert_non_null(b);
    Fake f;
    fake(&f);
    AlertEvent ev = {.kind = AEV_TRANSITION,
                     .alert = &f.alert,
                     .from = ALERT_INACTIVE,
                     .to = ALERT_FIRING,
                     .at_ms = T0};
    for (int i = 0; i < 20; i++) {
        ev.at_ms = T0 + i;
        assert_int_equal(alertlog_write(i % 2 ? b : a, &ev, err, sizeof(err)), 0);
    }
    alertlog_close(a);
    alertlog_close(b);
    slurp(path, buf, sizeof(buf));
    /* 21 whole lines, in order, each valid JSON */
    char *save = NULL;
    int lines = 0;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save), lines++) {
        cJSON *j = cJSON_Parse(l);
        assert_non_null(j);
        if (lines > 0) {
            char want[40];
            snprintf(want, sizeof(want), "2023-11-14T22:13:20.%03d+00:00", 123 + lines - 1);
            assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "ts")->valuestring, want);
        }
        cJSON_Delete(j);
    }
    assert_int_equal(lines, 21);
    unlink(path);
}

static void test_reopen_after_rotation(void **state)
{
    (void)state;
    char path[512], rotated[520], err[256], buf[8192];
    temp_path(path, sizeof(path), "r.jsonl");
    snprintf(rotated, sizeof(rotated), "%s.1", path);
    AlertLog *l = alertlog_open(path, err, sizeof(err));
    assert_non_null(l);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640); /* created 0640 (umask 022) */
    Fake f;
    fake(&f);
    AlertEvent ev = {.kind = AEV_TRANSITION, .alert = &f.alert, .to = ALERT_FIRING, .at_ms = T0};
    assert_int_equal(alertlog_write(l, &ev, err, sizeof(err)), 0);
    assert_int_equal(rename(path, rotated), 0); /* what logrotate does */
    assert_int_equal(alertlog_reopen(l, err, sizeof(err)), 0);
    ev.to = ALERT_RESOLVED;
    assert_int_equal(alertlog_write(l, &ev, err, sizeof(err)), 0);
    alertlog_close(l);
    slurp(rotated, buf, sizeof(buf));
    assert_non_null(strstr(buf, "\"to\":\"firing\""));
    assert_null(strstr(buf, "\"to\":\"resolved\""));
    slurp(path, buf, sizeof(buf));
    assert_non_null(strstr(buf, "\"to\":\"resolved\""));
    unlink(path);
    unlink(rotated);
}

static void test_failures_are_reported(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(alertlog_open("/nonexistent-dir-ioc/alerts.jsonl", err, sizeof(err)));
    assert_non_null(strstr(err, "cannot open the alert log '/nonexistent-dir-ioc/alerts.jsonl'"));
    assert_null(alertlog_open("", err, sizeof(err)));

    /* a full disk: the write fails with a message; the next one is tried again */
    assert_int_equal(access("/dev/full", W_OK), 0); /* Linux always has it */
    AlertLog *l = alertlog_open("/dev/full", err, sizeof(err));
    assert_non_null(l);
    Fake f;
    fake(&f);
    AlertEvent ev = {.kind = AEV_TRANSITION, .alert = &f.alert, .to = ALERT_FIRING, .at_ms = T0};
    for (int i = 0; i < 2; i++) {
        err[0] = '\0';
        assert_int_equal(alertlog_write(l, &ev, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "cannot write the alert log '/dev/full'"));
        assert_non_null(strstr(err, strerror(ENOSPC)));
    }
    alertlog_close(l);
}

/* Runs every test in UTC (timestamps are local times). */
static int setup(void **state)
{
    (void)state;
    umask(022);
    return timefmt_set_zone("UTC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transition_line),
        cmocka_unit_test(test_other_events),
        cmocka_unit_test(test_escaping_keeps_json_valid),
        cmocka_unit_test(test_append_whole_lines),
        cmocka_unit_test(test_reopen_after_rotation),
        cmocka_unit_test(test_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
