/* test_notify.c - the notifier: Alertmanager-shaped bodies, grouping, repeat,
 * min_severity, resolved only after firing, bounded queues (all on a fake
 * clock), then real delivery: webhooks against an in-process HTTP server
 * (500 then 200, 400, a hung receiver) and commands (stdin JSON, exit
 * status, timeout kill). */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "services/notify.h"

/* Wall time of the test alerts: 2026-11-25T11:30:05.123Z. */
#define T_START INT64_C(1795606205123)

/* ---- building blocks ---------------------------------------------------- */

/* A notify target with the defaults a test starts from (no grouping wait,
 * no repeat, everything from info up). */
static CfgNotify target(NotifyKind kind)
{
    CfgNotify c = {0};
    c.kind = kind;
    c.min_severity = SEV_INFO;
    c.timeout_ms = 2000;
    return c;
}

static const char *const team_keys[] = {"team", "alertname"};
static const char *const team_values[] = {"dvc-ops", "spoofed"};

/* A firing (or resolved) event of rule `rule` on the online-rate KPI. */
static NotifyEvent event(const char *rule, Severity sev, bool firing)
{
    return (NotifyEvent){
        .rule_id = rule,
        .kpi_key = "dvc.online_rate",
        .kpi_name = "Tỷ lệ hồ sơ trực tuyến",
        .feed_id = "dvc",
        .summary = "online rate 61.5% below 70%",
        .unit = "%",
        .has_value = true,
        .value = 61.5,
        .severity = sev,
        .firing = firing,
        .starts_at_ms = T_START,
        .ends_at_ms = firing ? 0 : T_START + 60000,
        .label_keys = team_keys,
        .label_values = team_values,
        .n_labels = 2,
    };
}

/* Messages seen by the notify_on_message callback, parsed. */
typedef struct {
    cJSON *msg[512];
    size_t target[512];
    size_t n;
} Seen;

/* Message callback: parses and keeps each body. */
static void on_message(void *ud, size_t target, const char *body, size_t n_alerts)
{
    Seen *s = ud;
    cJSON *j = cJSON_Parse(body);
    assert_non_null(j);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alerts")), (int)n_alerts);
    if (s->n < 512) {
        s->target[s->n] = target;
        s->msg[s->n++] = j;
    } else {
        cJSON_Delete(j);
    }
}

/* Frees the parsed messages. */
static void seen_clear(Seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        cJSON_Delete(s->msg[i]);
    s->n = 0;
}

/* String member `key` of object o (NULL when absent or not a string). */
static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Alert i of a message. */
static const cJSON *alert(const cJSON *msg, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(msg, "alerts"), i);
}

/* Number of alerts in a message. */
static int n_alerts(const cJSON *msg)
{
    return cJSON_GetArraySize(cJSON_GetObjectItem(msg, "alerts"));
}

/* A notifier without a loop (fake clock: the test calls notify_tick). */
static Notifier *dry(const CfgNotify *t, size_t n, Seen *seen)
{
    char err[160] = "";
    Notifier *nf = notify_new(NULL, t, n, err, sizeof(err));
    assert_non_null(nf);
    notify_on_message(nf, on_message, seen);
    return nf;
}

/* ---- the body ----------------------------------------------------------- */

static void test_body_is_alertmanager_webhook(void **state)
{
    (void)state;
    CfgNotify t = target(NOTIFY_EXEC);
    char *argv[] = {"/bin/true", NULL};
    t.argv = argv;
    t.argc = 1;
    Seen seen = {0};
    Notifier *nf = dry(&t, 1, &seen);
    NotifyEvent e = event("dvc_low", SEV_CRITICAL, true);
    notify_event(nf, &e, 1000);
    assert_int_equal(seen.n, 1);
    const cJSON *m = seen.msg[0];
    assert_string_equal(str(m, "version"), "4");
    assert_string_equal(str(m, "status"), "firing");
    assert_string_equal(str(m, "receiver"), "ioc");
    assert_non_null(str(m, "groupKey"));
    assert_true(cJSON_IsObject(cJSON_GetObjectItem(m, "groupLabels")));
    assert_string_equal(str(m, "externalURL"), "");
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(m, "truncatedAlerts")));
    assert_int_equal(cJSON_GetObjectItem(m, "truncatedAlerts")->valueint, 0);
    assert_int_equal(n_alerts(m), 1);

    const cJSON *a = alert(m, 0);
    assert_string_equal(str(a, "status"), "firing");
    const cJSON *l = cJSON_GetObjectItem(a, "labels");
    assert_string_equal(str(l, "alertname"), "dvc_low"); /* a rule label cannot override it */
    assert_string_equal(str(l, "severity"), "critical");
    assert_string_equal(str(l, "kpi"), "dvc.online_rate");
    assert_string_equal(str(l, "feed"), "dvc");
    assert_string_equal(str(l, "team"), "dvc-ops");
    assert_int_equal(cJSON_GetArraySize(l), 5);
    const cJSON *an = cJSON_GetObjectItem(a, "annotations");
    assert_string_equal(str(an, "summary"), "online rate 61.5% below 70%");
    assert_string_equal(str(an, "value"), "61.5");
    assert_string_equal(str(an, "unit"), "%");
    assert_string_equal(str(an, "kpi_name"), "Tỷ lệ hồ sơ trực tuyến");
    assert_string_equal(str(a, "startsAt"), "2026-11-25T11:30:05.123Z");
    assert_string_equal(str(a, "endsAt"), "0001-01-01T00:00:00Z");
    assert_string_equal(str(a, "generatorURL"), "");
    const char *fp = str(a, "fingerprint");
    assert_non_null(fp);
    assert_int_equal(strlen(fp), 16);
    assert_int_equal(strspn(fp, "0123456789abcdef"), 16);
    /* One alert: everything is common. */
    assert_string_equal(str(cJSON_GetObjectItem(m, "commonLabels"), "alertname"), "dvc_low");
    assert_string_equal(str(cJSON_GetObjectItem(m, "commonAnnotations"), "value"), "61.5");

    /* Resolved: same fingerprint, an end time, status resolved. */
    char fp1[17];
    snprintf(fp1, sizeof(fp1), "%s", fp);
    e = event("dvc_low", SEV_CRITICAL, false);
    notify_event(nf, &e, 2000);
    assert_int_equal(seen.n, 2);
    m = seen.msg[1];
    assert_string_equal(str(m, "status"), "resolved");
    a = alert(m, 0);
    assert_string_equal(str(a, "status"), "resolved");
    assert_string_equal(str(a, "startsAt"), "2026-11-25T11:30:05.123Z");
    assert_string_equal(str(a, "endsAt"), "2026-11-25T11:31:05.123Z");
    assert_string_equal(str(a, "fingerprint"), fp1);
    assert_int_equal(notify_stats(nf, 0)->active, 0);
    seen_clear(&seen);
    notify_free(nf);
}

static void test_body_times_values_and_text(void **state)
{
    (void)state;
    static const struct {
        int64_t starts;
        bool has_value;
        double value;
        const char *summary;
        const char *want_start, *want_value, *want_summary;
    } cases[] = {
        {T_START - 123, true, 72.5, "ok", "2026-11-25T11:30:05Z", "72.5", "ok"},
        {T_START - 3, true, 1e-7, "x", "2026-11-25T11:30:05.12Z", "1e-07", "x"},
        {0, false, 0, NULL, "0001-01-01T00:00:00Z", NULL, ""},
        {T_START, true, 0.1 + 0.2, "bad \xff utf8", "2026-11-25T11:30:05.123Z", "0.3",
         "bad \xEF\xBF\xBD utf8"},
        {T_START, true, -1.0 / 0.0, "\"quoted\"\n", "2026-11-25T11:30:05.123Z", "-Inf",
         "\"quoted\"\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CfgNotify t = target(NOTIFY_EXEC);
        char *argv[] = {"/bin/true", NULL};
        t.argv = argv;
        t.argc = 1;
        Seen seen = {0};
        Notifier *nf = dry(&t, 1, &seen);
        NotifyEvent e = event("r", SEV_WARNING, true);
        e.starts_at_ms = cases[i].starts;
        e.has_value = cases[i].has_value;
        e.value = cases[i].value;
        e.summary = cases[i].summary;
        notify_event(nf, &e, 0);
        assert_int_equal(seen.n, 1);
        const cJSON *a = alert(seen.msg[0], 0);
        assert_string_equal(str(a, "startsAt"), cases[i].want_start);
        const cJSON *an = cJSON_GetObjectItem(a, "annotations");
        if (cases[i].want_value)
            assert_string_equal(str(an, "value"), cases[i].want_value);
        else
            assert_null(str(an, "value"));
        assert_string_equal(str(an, "summary"), cases[i].want_summary);
        seen_clear(&seen);
        notify_free(nf);
    }

    /* A long summary is cut at 1024 bytes, never inside a character. */
    char longs[1 + 2 * 600 + 1] = "a";
    for (int i = 0; i < 600; i++)
        memcpy(longs + 1 + 2 * i, "\xC3\xA9", 2); /* é */
    longs[sizeof(longs) - 1] = '\0';
    CfgNotify t = target(NOTIFY_EXEC);
    char *argv[] = {"/bin/true", NULL};
    t.argv = argv;
    t.argc = 1;
    Seen seen = {0};
    Notifier *nf = dry(&t, 1, &seen);
    NotifyEvent e = event("r", SEV_WARNING, true);
    e.summary = longs;
    notify_event(nf, &e, 0);
    const char *got = str(cJSON_GetObjectItem(alert(seen.msg[0], 0), "annotations"), "summary");
    assert_int_equal(strlen(got), 1023);
    assert_memory_equal(got, longs, 1023);
    seen_clear(&seen);
    notify_free(nf);
}

/* ---- grouping, repeat, filtering (fake clock) -------------------------- */

static void test_grouping_within_group_wait(void **state)
{
    (void)state;
    CfgNotify t = target(NOTIFY_EXEC);
    char *argv[] = {"/bin/true", NULL};
    t.argv = argv;
    t.argc = 1;
    t.group_wait_ms = 1000;
    Seen seen = {0};
    Notifier *nf = dry(&t, 1, &seen);
    NotifyEvent a = event("a", SEV_WARNING, true), b = event("b", SEV_CRITICAL, true);
    notify_event(nf, &a, 10000);
    assert_int_equal(notify_next_due(nf), 11000);
    notify_event(nf, &b, 10500);
    notify_tick(nf, 10999);
    assert_int_equal(seen.n, 0); /* still waiting for more */
    notify_tick(nf, 11000);
    assert_int_equal(seen.n, 1); /* one message, two alerts */
    const cJSON *m = seen.msg[0];
    assert_int_equal(n_alerts(m), 2);
    assert_string_equal(str(cJSON_GetObjectItem(alert(m, 0), "labels"), "alertname"), "a");
    assert_string_equal(str(cJSON_GetObjectItem(alert(m, 1), "labels"), "alertname"), "b");
    assert_string_not_equal(str(alert(m, 0), "fingerprint"), str(alert(m, 1), "fingerprint"));
    /* Common labels: the shared ones only. */
    const cJSON *cl = cJSON_GetObjectItem(m, "commonLabels");
    assert_string_equal(str(cl, "kpi"), "dvc.online_rate");
    assert_string_equal(str(cl, "team"), "dvc-ops");
    assert_null(str(cl, "alertname"));
    assert_null(str(cl, "severity"));
    assert_int_equal(notify_stats(nf, 0)->queued, 1);

    /* A later alert opens a new group. */
    NotifyEvent c = event("c", SEV_WARNING, true);
    notify_event(nf, &c, 13000);
    notify_tick(nf, 14000);
    assert_int_equal(seen.n, 2);
    assert_int_equal(n_alerts(seen.msg[1]), 1);
    /* The same alert firing again (a new value) is not a new message. */
    c.value = 50;
    notify_event(nf, &c, 15000);
    notify_tick(nf, 20000);
    assert_int_equal(seen.n, 2);
    assert_int_equal(notify_next_due(nf), INT64_MAX);

    /* A large group goes out in messages of at most NOTIFY_MAX_GROUP alerts. */
    char names[70][8];
    for (int i = 0; i < 70; i++) {
        snprintf(names[i], sizeof(names[i]), "g%d", i);
        NotifyEvent g = event(names[i], SEV_WARNING, true);
        notify_event(nf, &g, 30000 + i);
    }
    notify_tick(nf, 31000);
    assert_int_equal(seen.n, 4);
    assert_int_equal(n_alerts(seen.msg[2]), NOTIFY_MAX_GROUP);
    assert_int_equal(n_alerts(seen.msg[3]), 70 - NOTIFY_MAX_GROUP);
    assert_int_equal(notify_stats(nf, 0)->active, 73);
    seen_clear(&seen);
    notify_free(nf);
}

static void test_repeat_per_severity(void **state)
{
    (void)state;
    CfgNotify t = target(NOTIFY_EXEC);
    char *argv[] = {"/bin/true", NULL};
    t.argv = argv;
    t.argc = 1;
    t.repeat_ms[SEV_INFO] = 0; /* never */
    t.repeat_ms[SEV_WARNING] = 60000;
    t.repeat_ms[SEV_CRITICAL] = 10000;
    Seen seen = {0};
    Notifier *nf = dry(&t, 1, &seen);
    NotifyEvent crit = event("crit", SEV_CRITICAL, true);
    NotifyEvent warn = event("warn", SEV_WARNING, true);
    NotifyEvent info = event("info", SEV_INFO, true);
    notify_event(nf, &crit, 0);
    notify_event(nf, &warn, 0);
    notify_event(nf, &info, 0);
    assert_int_equal(seen.n, 3); /* group_wait 0: each at once */
    assert_int_equal(notify_next_due(nf), 10000);

    static const struct {
        int64_t now;
        size_t total;     /* messages so far */
        const char *last; /* alertname of the last message's alert */
    } steps[] = {
        {9999, 3, NULL},    {10000, 4, "crit"}, {19999, 4, NULL},  {20000, 5, "crit"},
        {59999, 6, "crit"}, {60000, 7, "warn"}, {120000, 8, NULL},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        notify_tick(nf, steps[i].now);
        assert_int_equal(seen.n, steps[i].total);
        if (steps[i].last) {
            const cJSON *a = alert(seen.msg[seen.n - 1], 0);
            assert_string_equal(str(cJSON_GetObjectItem(a, "labels"), "alertname"), steps[i].last);
            assert_string_equal(str(a, "status"), "firing");
        }
    }
    /* Ticks at 30, 40, 50 s were skipped: one catch-up per alert, not a burst;
     * crit and warn both due at 120 s: one message with both. */
    assert_int_equal(n_alerts(seen.msg[seen.n - 1]), 2);
    /* Resolved: one "resolved" message, then no more repeats for it. */
    NotifyEvent done = event("crit", SEV_CRITICAL, false);
    notify_event(nf, &done, 125000);
    assert_string_equal(str(seen.msg[seen.n - 1], "status"), "resolved");
    size_t before = seen.n;
    notify_tick(nf, 179999);
    assert_int_equal(seen.n, before); /* crit stopped; warn is due at 180000 */
    notify_tick(nf, 180000);
    assert_int_equal(seen.n, before + 1);
    assert_string_equal(
        str(cJSON_GetObjectItem(alert(seen.msg[seen.n - 1], 0), "labels"), "alertname"), "warn");
    seen_clear(&seen);
    notify_free(nf);
}

static void test_min_severity_per_target(void **state)
{
    (void)state;
    CfgNotify t[3] = {target(NOTIFY_EXEC), target(NOTIFY_EXEC), target(NOTIFY_EXEC)};
    char *argv[] = {"/bin/true", NULL};
    for (int i = 0; i < 3; i++) {
        t[i].argv = argv;
        t[i].argc = 1;
        t[i].min_severity = (Severity)i;
    }
    Seen seen = {0};
    Notifier *nf = dry(t, 3, &seen);
    static const struct {
        Severity sev;
        int per_target[3]; /* messages each target gets */
    } cases[] = {
        {SEV_INFO, {1, 0, 0}},
        {SEV_WARNING, {1, 1, 0}},
        {SEV_CRITICAL, {1, 1, 1}},
    };
    for (size_t i = 0; i < 3; i++) {
        seen_clear(&seen);
        char name[16];
        snprintf(name, sizeof(name), "rule%zu", i);
        NotifyEvent e = event(name, cases[i].sev, true);
        notify_event(nf, &e, (int64_t)i * 1000);
        int got[3] = {0};
        for (size_t k = 0; k < seen.n; k++)
            got[seen.target[k]]++;
        for (int k = 0; k < 3; k++)
            assert_int_equal(got[k], cases[i].per_target[k]);
    }
    seen_clear(&seen);
    notify_free(nf);
}

static void test_resolved_only_after_sent(void **state)
{
    (void)state;
    CfgNotify t[2] = {target(NOTIFY_EXEC), target(NOTIFY_EXEC)};
    char *argv[] = {"/bin/true", NULL};
    for (int i = 0; i < 2; i++) {
        t[i].argv = argv;
        t[i].argc = 1;
    }
    t[0].min_severity = SEV_CRITICAL; /* never saw the warning */
    t[1].group_wait_ms = 5000;
    Seen seen = {0};
    Notifier *nf = dry(t, 2, &seen);

    /* A resolved alert never heard of: nothing. */
    NotifyEvent r = event("ghost", SEV_WARNING, false);
    notify_event(nf, &r, 0);
    notify_tick(nf, 10000);
    assert_int_equal(seen.n, 0);

    /* Fires and resolves within group_wait: target 1 never sent it, so it
     * sends neither; target 0 filtered it out: nothing either. */
    NotifyEvent f = event("blip", SEV_WARNING, true);
    notify_event(nf, &f, 20000);
    f.firing = false;
    notify_event(nf, &f, 21000);
    notify_tick(nf, 30000);
    assert_int_equal(seen.n, 0);
    assert_int_equal(notify_next_due(nf), INT64_MAX);

    /* Fires, goes out to target 1 only, resolves: the resolved goes to target 1 only. */
    NotifyEvent w = event("warn", SEV_WARNING, true);
    notify_event(nf, &w, 40000);
    notify_tick(nf, 45000);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.target[0], 1);
    w.firing = false;
    notify_event(nf, &w, 50000);
    notify_tick(nf, 55000);
    assert_int_equal(seen.n, 2);
    assert_int_equal(seen.target[1], 1);
    assert_string_equal(str(seen.msg[1], "status"), "resolved");
    /* A second resolved for the same alert: nothing more. */
    notify_event(nf, &w, 56000);
    notify_tick(nf, 70000);
    assert_int_equal(seen.n, 2);
    seen_clear(&seen);
    notify_free(nf);
}

static void test_queue_bound_drops_oldest(void **state)
{
    (void)state;
    CfgNotify t = target(NOTIFY_EXEC);
    char *argv[] = {"/bin/true", NULL};
    t.argv = argv;
    t.argc = 1;
    Seen seen = {0};
    Notifier *nf = dry(&t, 1, &seen); /* no loop: nothing is delivered */
    char names[300][8];
    for (int i = 0; i < 300; i++) {
        snprintf(names[i], sizeof(names[i]), "q%d", i);
        NotifyEvent e = event(names[i], SEV_WARNING, true);
        notify_event(nf, &e, i);
    }
    assert_int_equal(seen.n, 300);
    const NotifyStats *st = notify_stats(nf, 0);
    assert_int_equal(st->queued, NOTIFY_MAX_QUEUE);
    assert_int_equal(st->dropped, 300 - NOTIFY_MAX_QUEUE);
    assert_int_equal(st->sent, 0);
    assert_int_equal(notify_pending(nf), NOTIFY_MAX_QUEUE);
    seen_clear(&seen);
    notify_free(nf); /* frees the queued bodies (ASan checks) */
}

static void test_new_rejects_bad_targets(void **state)
{
    (void)state;
    char err[160];
    CfgNotify hook = target(NOTIFY_WEBHOOK);
    assert_null(notify_new(NULL, &hook, 1, err, sizeof(err)));
    assert_non_null(strstr(err, "needs a url"));
    CfgNotify ex = target(NOTIFY_EXEC);
    assert_null(notify_new(NULL, &ex, 1, err, sizeof(err)));
    assert_non_null(strstr(err, "exec needs a command"));
    Notifier *nf = notify_new(NULL, NULL, 0, err, sizeof(err));
    assert_non_null(nf);
    assert_int_equal(notify_count(nf), 0);
    assert_null(notify_stats(nf, 0));
    notify_free(nf);
}

/* ---- webhooks against a real server ------------------------------------- */

/* The test receiver: answers request i with codes[i] (200 after the list). */
typedef struct {
    pthread_mutex_t mu;
    int codes[8];
    int n_codes;
    int requests;
    char *bodies[16];
    int64_t at[16];
    char ctype[64];
    char token[64];
} Server;

/* One request's upload being received. */
typedef struct {
    char *buf;
    size_t len;
} Upload;

/* MHD handler: collects the POST body, then records it and answers. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    Server *s = cls;
    Upload *u = *con_cls;
    if (!u) { /* first call: headers only (answering later keeps the connection alive) */
        u = calloc(1, sizeof(*u));
        *con_cls = u;
        return u ? MHD_YES : MHD_NO;
    }
    if (*upload_size > 0) {
        char *b = realloc(u->buf, u->len + *upload_size + 1);
        if (!b) return MHD_NO;
        memcpy(b + u->len, upload, *upload_size);
        u->len += *upload_size;
        b[u->len] = '\0';
        u->buf = b;
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->mu);
    int i = s->requests++;
    int code = i < s->n_codes ? s->codes[i] : 200;
    if (i < 16) {
        s->bodies[i] = u->buf;
        u->buf = NULL;
        s->at[i] = loop_now_ms();
    }
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Token");
    snprintf(s->ctype, sizeof(s->ctype), "%s", ct ? ct : "");
    snprintf(s->token, sizeof(s->token), "%s", tok ? tok : "");
    pthread_mutex_unlock(&s->mu);
    static const char reply[] = "ok";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(2, (void *)reply, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return ret;
}

/* MHD completion callback: frees the request's upload. */
static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    Upload *u = *con_cls;
    if (u) {
        free(u->buf);
        free(u);
        *con_cls = NULL;
    }
}

/* Starts the receiver; its URL goes into url. */
static struct MHD_Daemon *server_start(Server *s, char *url, size_t n)
{
    pthread_mutex_init(&s->mu, NULL);
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, s,
                         MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
    assert_non_null(d);
    snprintf(url, n, "http://127.0.0.1:%u/hook?token=SECRET",
             MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
    return d;
}

/* Stops the receiver and frees what it recorded. */
static void server_stop(struct MHD_Daemon *d, Server *s)
{
    MHD_stop_daemon(d);
    for (int i = 0; i < 16; i++)
        free(s->bodies[i]);
    pthread_mutex_destroy(&s->mu);
}

/* Requests the server has answered so far. */
static int server_requests(Server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* A TCP socket that listens and never accepts: a hung receiver. Its URL
 * goes into url. */
static int hung_start(char *url, size_t n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 16), 0);
    socklen_t len = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    snprintf(url, n, "http://127.0.0.1:%u/hook", ntohs(a.sin_port));
    return fd;
}

/* A webhook target (url is borrowed). */
static CfgNotify webhook(char *url, int64_t timeout_ms)
{
    CfgNotify c = target(NOTIFY_WEBHOOK);
    c.url = url;
    c.url_shown = "http://127.0.0.1/hook?token=${TOKEN}";
    c.timeout_ms = timeout_ms;
    return c;
}

/* Runs the loop until cond(nf) holds or ms have passed; true if it held. */
static bool run_until(Loop *loop, Notifier *nf, bool (*cond)(Notifier *), int64_t ms)
{
    int64_t end = loop_now_ms() + ms;
    while (!cond(nf) && loop_now_ms() < end)
        loop_once(loop, 20);
    return cond(nf);
}

/* True when target 0 has delivered or given up its messages. */
static bool idle0(Notifier *nf)
{
    const NotifyStats *st = notify_stats(nf, 0);
    return !st->busy && st->queued == 0;
}

/* True when target 0 has settled a message (sent or given up) and is idle:
 * unlike idle0, not fooled by a group still waiting to go out. */
static bool settled0(Notifier *nf)
{
    const NotifyStats *st = notify_stats(nf, 0);
    return st->sent + st->failed > 0 && idle0(nf);
}

static const NotifyPolicy fast = {
    .max_attempts = 3,
    .backoff_ms = 50,
    .max_backoff_ms = 200,
    .max_total_ms = 10000,
    .kill_grace_ms = 300,
};

/* The outcomes told to the owner, as "result:attempt:alerts:error". */
typedef struct {
    char log[8][64];
    int n;
} Outcomes;

/* notify_on_outcome callback: records each outcome. */
static void on_outcome(void *ud, size_t target, const NotifyOutcome *o)
{
    Outcomes *oc = ud;
    assert_int_equal(target, 0);
    if (oc->n < 8)
        snprintf(oc->log[oc->n++], sizeof(oc->log[0]), "%s:%d:%zu:%s",
                 notify_result_name(o->result), o->attempt, o->n_alerts, o->error);
}

static void test_webhook_retries_5xx_then_delivers_once(void **state)
{
    (void)state;
    Server s = {.codes = {500, 503}, .n_codes = 2};
    char url[128];
    struct MHD_Daemon *d = server_start(&s, url, sizeof(url));
    CfgNotify t = webhook(url, 2000);
    CfgHeader h = {.name = "X-Token", .value = "t0ken", .value_shown = "${TOKEN}"};
    t.headers = &h;
    t.n_headers = 1;
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
    assert_non_null(nf);
    notify_set_policy(nf, &fast);
    Outcomes oc = {0};
    notify_on_outcome(nf, on_outcome, &oc);
    NotifyEvent e = event("dvc_low", SEV_CRITICAL, true);
    notify_event(nf, &e, loop_now_ms());
    assert_true(notify_stats(nf, 0)->busy);
    assert_true(run_until(loop, nf, idle0, 5000));
    assert_int_equal(oc.n, 3); /* every attempt is told, in order */
    assert_string_equal(oc.log[0], "retry:1:1:HTTP 500");
    assert_string_equal(oc.log[1], "retry:2:1:HTTP 503");
    assert_string_equal(oc.log[2], "ok:3:1:");
    const NotifyStats *st = notify_stats(nf, 0);
    assert_int_equal(st->sent, 1);
    assert_int_equal(st->failed, 0);
    assert_int_equal(st->retries, 2);
    assert_string_equal(st->last_error, "HTTP 503"); /* the last failed attempt */
    assert_true(st->last_ok_ms > 0);
    assert_int_equal(server_requests(&s), 3); /* 500, 503, 200: delivered once */
    /* The same body every attempt, with our headers. */
    assert_string_equal(s.bodies[0], s.bodies[2]);
    assert_string_equal(s.ctype, "application/json");
    assert_string_equal(s.token, "t0ken");
    cJSON *m = cJSON_Parse(s.bodies[2]);
    assert_non_null(m);
    assert_string_equal(str(m, "status"), "firing");
    assert_string_equal(str(cJSON_GetObjectItem(alert(m, 0), "labels"), "alertname"), "dvc_low");
    cJSON_Delete(m);
    /* Backoff: the retries waited (50 ms, then 100 ms). */
    assert_true(s.at[1] - s.at[0] >= 45);
    assert_true(s.at[2] - s.at[1] >= 95);
    notify_free(nf);
    loop_free(loop);
    server_stop(d, &s);
}

static void test_webhook_4xx_not_retried(void **state)
{
    (void)state;
    static const int codes[] = {400, 404, 301};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        Server s = {.codes = {codes[i]}, .n_codes = 1};
        char url[128];
        struct MHD_Daemon *d = server_start(&s, url, sizeof(url));
        CfgNotify t = webhook(url, 2000);
        Loop *loop = loop_new();
        char err[160];
        Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
        notify_set_policy(nf, &fast);
        Outcomes oc = {0};
        notify_on_outcome(nf, on_outcome, &oc);
        NotifyEvent e = event("r", SEV_WARNING, true);
        notify_event(nf, &e, loop_now_ms());
        assert_true(run_until(loop, nf, idle0, 5000));
        loop_once(loop, 200); /* a retry would have started by now */
        assert_int_equal(oc.n, 1);
        assert_true(strncmp(oc.log[0], "failed:1:1:HTTP ", 16) == 0);
        const NotifyStats *st = notify_stats(nf, 0);
        assert_int_equal(st->sent, 0);
        assert_int_equal(st->failed, 1);
        assert_int_equal(st->retries, 0);
        char want[32];
        snprintf(want, sizeof(want), "HTTP %d", codes[i]);
        assert_string_equal(st->last_error, want);
        assert_int_equal(server_requests(&s), 1);
        notify_free(nf);
        loop_free(loop);
        server_stop(d, &s);
    }
}

/* A receiver that answers every POST (up to 3) with a broken chunked body. */
typedef struct {
    int fd;
    pthread_t th;
} BadChunkServer;

/* BadChunkServer thread: reads each request whole, then sends the reply. */
static void *bad_chunk_serve(void *ud)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "zz\r\n{}\r\n0\r\n\r\n";
    BadChunkServer *b = ud;
    for (int i = 0; i < 3; i++) {
        int c = accept(b->fd, NULL, NULL);
        if (c < 0) break;
        struct timeval tv = {.tv_usec = 200 * 1000}; /* the request has come by then */
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        char buf[4096];
        while (recv(c, buf, sizeof(buf), 0) > 0)
            ;
        ssize_t w = send(c, reply, sizeof(reply) - 1, MSG_NOSIGNAL);
        (void)w;
        close(c);
    }
    return NULL;
}

/* A broken reply is called malformed, as a feed's is, not a reset. */
static void test_webhook_malformed_reply(void **state)
{
    (void)state;
    char url[128];
    BadChunkServer b = {.fd = hung_start(url, sizeof(url))};
    assert_int_equal(pthread_create(&b.th, NULL, bad_chunk_serve, &b), 0);
    CfgNotify t = webhook(url, 2000);
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
    notify_set_policy(nf, &fast); /* 3 attempts */
    NotifyEvent e = event("r", SEV_WARNING, true);
    notify_event(nf, &e, loop_now_ms());
    assert_true(run_until(loop, nf, idle0, 5000));
    const NotifyStats *st = notify_stats(nf, 0);
    assert_int_equal(st->failed, 1);
    assert_int_equal(st->retries, 2);
    assert_string_equal(st->last_error, "malformed response: bad chunked encoding");
    notify_free(nf);
    loop_free(loop);
    shutdown(b.fd, SHUT_RDWR); /* wakes accept() if an attempt did not come */
    pthread_join(b.th, NULL);
    close(b.fd);
}

static void test_webhook_hung_times_out_within_bounds(void **state)
{
    (void)state;
    char url[128];
    int fd = hung_start(url, sizeof(url));
    CfgNotify t = webhook(url, 200);
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
    notify_set_policy(nf, &fast); /* 3 attempts */
    NotifyEvent e = event("r", SEV_WARNING, true);
    int64_t t0 = loop_now_ms();
    notify_event(nf, &e, t0);
    assert_true(run_until(loop, nf, idle0, 5000));
    int64_t took = loop_now_ms() - t0;
    const NotifyStats *st = notify_stats(nf, 0);
    assert_int_equal(st->failed, 1);
    assert_int_equal(st->retries, 2);
    assert_string_equal(st->last_error, "timeout after 200ms");
    assert_true(took >= 3 * 200 + 50 + 100 - 10);
    assert_true(took < 3000);

    /* A bound on total time: no attempt starts 500 ms after the first. */
    NotifyPolicy bounded = fast;
    bounded.max_attempts = 10;
    bounded.max_total_ms = 500;
    notify_set_policy(nf, &bounded);
    NotifyEvent e2 = event("r2", SEV_WARNING, true);
    notify_event(nf, &e2, loop_now_ms());
    assert_true(run_until(loop, nf, idle0, 5000));
    assert_int_equal(st->failed, 2);
    assert_int_equal(st->retries, 2 + 1); /* 0 ms and 250 ms; 550 ms is past the bound */
    notify_free(nf);
    loop_free(loop);
    close(fd);
}

/* True when target 1 has delivered a message. */
static bool sent1(Notifier *nf)
{
    return notify_stats(nf, 1)->sent >= 1;
}

static void test_hung_webhook_does_not_delay_others(void **state)
{
    (void)state;
    char hung_url[128], url[128];
    int fd = hung_start(hung_url, sizeof(hung_url));
    Server s = {0};
    struct MHD_Daemon *d = server_start(&s, url, sizeof(url));
    CfgNotify t[2] = {webhook(hung_url, 3000), webhook(url, 3000)};
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, t, 2, err, sizeof(err));
    int64_t t0 = loop_now_ms();
    NotifyEvent e = event("r", SEV_CRITICAL, true);
    notify_event(nf, &e, t0);
    /* More alerts pile up behind the hung one, in its own queue only. */
    NotifyEvent e2 = event("r2", SEV_CRITICAL, true);
    notify_event(nf, &e2, t0);
    assert_true(run_until(loop, nf, sent1, 2000));
    assert_true(loop_now_ms() - t0 < 1000); /* well before the hung one's 3 s timeout */
    while (notify_stats(nf, 1)->sent < 2 && loop_now_ms() - t0 < 2000)
        loop_once(loop, 20);
    assert_int_equal(notify_stats(nf, 1)->sent, 2);
    assert_true(notify_stats(nf, 0)->busy);
    assert_int_equal(notify_stats(nf, 0)->queued, 1);
    assert_int_equal(notify_pending(nf), 2);
    /* Freeing cancels the hung transfer at once. */
    notify_free(nf);
    loop_free(loop);
    server_stop(d, &s);
    close(fd);
}

static void test_webhook_errors_hide_secrets(void **state)
{
    (void)state;
    /* Port 1 on loopback: connection refused. */
    CfgNotify t = webhook("http://user:pw-SECRET@127.0.0.1:1/hook?token=SECRET", 1000);
    t.url_shown = "http://user:***@127.0.0.1:1/hook?token=${TOKEN}";
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
    NotifyPolicy once = fast;
    once.max_attempts = 1;
    notify_set_policy(nf, &once);
    NotifyEvent e = event("r", SEV_WARNING, true);
    notify_event(nf, &e, loop_now_ms());
    assert_true(run_until(loop, nf, idle0, 5000));
    const NotifyStats *st = notify_stats(nf, 0);
    assert_int_equal(st->failed, 1);
    assert_string_equal(st->last_error, "connection refused");
    assert_string_equal(notify_target_name(nf, 0), t.url_shown);
    assert_null(strstr(notify_target_name(nf, 0), "SECRET"));
    notify_free(nf);
    loop_free(loop);
}

/* ---- commands ------------------------------------------------------------ */

/* Reads a whole small file into a new string (NULL when absent). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_exec_gets_json_on_stdin(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_notify.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[128], env[160];
    snprintf(out, sizeof(out), "%s/body.json", dir);
    snprintf(env, sizeof(env), "%s.env", out);
    char *argv[] = {"/bin/sh", "-c",
                    "cat > \"$0\" && printf '%s %s' \"$IOC_NOTIFY_STATUS\" \"$IOC_NOTIFY_ALERTS\" "
                    "> \"$0.env\"",
                    out, NULL};
    CfgNotify t = target(NOTIFY_EXEC);
    t.argv = argv;
    t.argc = 4;
    t.group_wait_ms = 100;
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
    assert_non_null(nf);
    assert_string_equal(notify_target_name(nf, 0), "/bin/sh");
    /* 64 alerts with long summaries: a body larger than a pipe's buffer. */
    char names[NOTIFY_MAX_GROUP][8];
    char summary[1001];
    memset(summary, 'x', 1000);
    summary[1000] = '\0';
    int64_t now = loop_now_ms();
    for (int i = 0; i < NOTIFY_MAX_GROUP; i++) {
        snprintf(names[i], sizeof(names[i]), "e%d", i);
        NotifyEvent e = event(names[i], SEV_WARNING, true);
        e.summary = summary;
        notify_event(nf, &e, now);
    }
    assert_int_equal(notify_stats(nf, 0)->busy, false); /* waiting for group_wait */
    assert_true(run_until(loop, nf, settled0, 5000));
    assert_int_equal(notify_stats(nf, 0)->sent, 1);
    char *body = slurp(out);
    assert_non_null(body);
    assert_true(strlen(body) > 65536);
    cJSON *m = cJSON_Parse(body);
    assert_non_null(m);
    assert_string_equal(str(m, "version"), "4");
    assert_int_equal(n_alerts(m), NOTIFY_MAX_GROUP);
    assert_string_equal(str(cJSON_GetObjectItem(alert(m, 63), "annotations"), "summary"), summary);
    cJSON_Delete(m);
    free(body);
    char *envs = slurp(env);
    assert_non_null(envs);
    assert_string_equal(envs, "firing 64");
    free(envs);
    notify_free(nf);
    loop_free(loop);
    unlink(out);
    unlink(env);
    rmdir(dir);
}

static void test_exec_stops_reading_no_sigpipe(void **state)
{
    (void)state;
    /* Reads 10 bytes of a body larger than the pipe, then exits 0: our
     * writes hit EPIPE, which must neither kill us (SIGPIPE) nor fail it. */
    char *argv[] = {"/bin/sh", "-c", "head -c 10 >/dev/null; exit 0", NULL};
    CfgNotify t = target(NOTIFY_EXEC);
    t.argv = argv;
    t.argc = 3;
    t.group_wait_ms = 50;
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
    char names[NOTIFY_MAX_GROUP][8];
    char summary[2001];
    memset(summary, 'y', 2000);
    summary[2000] = '\0';
    int64_t now = loop_now_ms();
    for (int i = 0; i < NOTIFY_MAX_GROUP; i++) {
        snprintf(names[i], sizeof(names[i]), "p%d", i);
        NotifyEvent e = event(names[i], SEV_WARNING, true);
        e.summary = summary;
        notify_event(nf, &e, now);
    }
    assert_true(run_until(loop, nf, settled0, 5000));
    assert_int_equal(notify_stats(nf, 0)->sent, 1);
    assert_int_equal(notify_stats(nf, 0)->failed, 0);
    notify_free(nf);
    loop_free(loop);
}

static void test_exec_exit_status(void **state)
{
    (void)state;
    static const struct {
        const char *script;
        uint64_t sent, failed, retries;
        const char *error;
    } cases[] = {
        {"cat >/dev/null; exit 0", 1, 0, 0, ""},
        {"exit 0", 1, 0, 0, ""}, /* did not read stdin: fine, no SIGPIPE for us */
        {"exit 3", 0, 1, 0, "exit status 3"},
        {"exit 75", 0, 1, 2, "exit status 75 (temporary failure)"},
        {"kill -9 $$", 0, 1, 0, "command killed by signal 9"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *argv[] = {"/bin/sh", "-c", (char *)cases[i].script, NULL};
        CfgNotify t = target(NOTIFY_EXEC);
        t.argv = argv;
        t.argc = 3;
        Loop *loop = loop_new();
        char err[160];
        Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
        notify_set_policy(nf, &fast);
        NotifyEvent e = event("r", SEV_WARNING, true);
        notify_event(nf, &e, loop_now_ms());
        assert_true(run_until(loop, nf, idle0, 5000));
        const NotifyStats *st = notify_stats(nf, 0);
        assert_int_equal(st->sent, cases[i].sent);
        assert_int_equal(st->failed, cases[i].failed);
        assert_int_equal(st->retries, cases[i].retries);
        assert_string_equal(st->last_error, cases[i].error);
        notify_free(nf);
        loop_free(loop);
    }
}

static void test_exec_command_not_found(void **state)
{
    (void)state;
    char *argv[] = {"/nonexistent/ioc-notify-cmd", "--token", "SECRET", NULL};
    CfgNotify t = target(NOTIFY_EXEC);
    t.argv = argv;
    t.argc = 3;
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
    notify_set_policy(nf, &fast);
    NotifyEvent e = event("r", SEV_WARNING, true);
    notify_event(nf, &e, loop_now_ms());
    const NotifyStats *st = notify_stats(nf, 0);
    assert_int_equal(st->failed, 1); /* at once, and not retried */
    assert_int_equal(st->retries, 0);
    assert_string_equal(st->last_error,
                        "cannot run '/nonexistent/ioc-notify-cmd': No such file or directory");
    notify_free(nf);
    loop_free(loop);
}

/* True when process pid is gone (or a zombie nobody reaped yet). */
static bool process_gone(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    char *s = slurp(path);
    if (!s) return true;
    const char *p = strrchr(s, ')');
    bool zombie = p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
    free(s);
    return zombie;
}

static void test_exec_timeout_kills(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_notify.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char pidfile[128];
    snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
    static const struct {
        const char *what;
        int64_t min_ms; /* it cannot end sooner: timeout (+ grace when SIGTERM is ignored) */
    } cases[] = {
        {"/bin/sleep", 200},
        {"/bin/sh", 200 + 300},
    };
    for (size_t i = 0; i < 2; i++) {
        char *sleep_argv[] = {"/bin/sleep", "60", NULL};
        /* Ignores SIGTERM; its background child (same process group) too. */
        char *sh_argv[] = {"/bin/sh", "-c", "trap '' TERM; sleep 60 & echo $! > \"$0\"; wait",
                           pidfile, NULL};
        CfgNotify t = target(NOTIFY_EXEC);
        t.argv = i == 0 ? sleep_argv : sh_argv;
        t.argc = i == 0 ? 2 : 4;
        t.timeout_ms = 200;
        Loop *loop = loop_new();
        char err[160];
        Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
        NotifyPolicy once = fast;
        once.max_attempts = 1;
        notify_set_policy(nf, &once);
        NotifyEvent e = event("r", SEV_WARNING, true);
        int64_t t0 = loop_now_ms();
        notify_event(nf, &e, t0);
        assert_true(run_until(loop, nf, idle0, 5000));
        int64_t took = loop_now_ms() - t0;
        print_message("%s: ended after %lld ms\n", cases[i].what, (long long)took);
        assert_true(took >= cases[i].min_ms);
        assert_true(took < 3000);
        const NotifyStats *st = notify_stats(nf, 0);
        assert_int_equal(st->failed, 1);
        assert_string_equal(st->last_error, "timeout after 200ms: command killed");
        if (i == 1) { /* the grandchild went with its process group */
            char *p = slurp(pidfile);
            assert_non_null(p);
            pid_t pid = (pid_t)atoi(p);
            free(p);
            assert_true(pid > 0);
            int64_t end = loop_now_ms() + 1000;
            while (!process_gone(pid) && loop_now_ms() < end)
                usleep(10000);
            assert_true(process_gone(pid));
            unlink(pidfile);
        }
        notify_free(nf);
        loop_free(loop);
    }
    rmdir(dir);
}

static void test_free_kills_running_command(void **state)
{
    (void)state;
    char *argv[] = {"/bin/sleep", "60", NULL};
    CfgNotify t = target(NOTIFY_EXEC);
    t.argv = argv;
    t.argc = 2;
    t.timeout_ms = 60000;
    Loop *loop = loop_new();
    char err[160];
    Notifier *nf = notify_new(loop, &t, 1, err, sizeof(err));
    NotifyEvent e = event("r", SEV_WARNING, true);
    notify_event(nf, &e, loop_now_ms());
    for (int i = 0; i < 5; i++)
        loop_once(loop, 10);
    assert_true(notify_stats(nf, 0)->busy);
    int64_t t0 = loop_now_ms();
    notify_free(nf); /* kills and reaps: returns at once */
    assert_true(loop_now_ms() - t0 < 1000);
    loop_free(loop);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_is_alertmanager_webhook),
        cmocka_unit_test(test_body_times_values_and_text),
        cmocka_unit_test(test_grouping_within_group_wait),
        cmocka_unit_test(test_repeat_per_severity),
        cmocka_unit_test(test_min_severity_per_target),
        cmocka_unit_test(test_resolved_only_after_sent),
        cmocka_unit_test(test_queue_bound_drops_oldest),
        cmocka_unit_test(test_new_rejects_bad_targets),
        cmocka_unit_test(test_webhook_retries_5xx_then_delivers_once),
        cmocka_unit_test(test_webhook_4xx_not_retried),
        cmocka_unit_test(test_webhook_hung_times_out_within_bounds),
        cmocka_unit_test(test_webhook_malformed_reply),
        cmocka_unit_test(test_hung_webhook_does_not_delay_others),
        cmocka_unit_test(test_webhook_errors_hide_secrets),
        cmocka_unit_test(test_exec_gets_json_on_stdin),
        cmocka_unit_test(test_exec_stops_reading_no_sigpipe),
        cmocka_unit_test(test_exec_exit_status),
        cmocka_unit_test(test_exec_command_not_found),
        cmocka_unit_test(test_exec_timeout_kills),
        cmocka_unit_test(test_free_kills_running_command),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
