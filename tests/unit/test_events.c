/* test_events.c - the fan-out of GET /api/v1/events (services/events.c):
 * the SSE framing and sequence numbers, the order of events, the 1 MiB cap
 * per client (an overflowed client is cut off, the others go on), the wake
 * callback that resumes a suspended stream, keep-alives, reload, and the
 * JSON of the poll, feed, alert, ack, silence and unsilence events (the
 * alert object being the one of GET /api/v1/alerts). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "base/loop.h"
#include "services/api.h"
#include "services/events.h"
#include "tests/tools/metrics_fixture.h"

/* The fixture's whole scene is not needed here. */
static void (*const unused_scene)(Monitor *, int64_t) __attribute__((unused)) = mfx_scene;

/* Everything pending for c, as a new string (caller frees). */
static char *drain(EventsClient *c)
{
    size_t cap = events_pending(c) + 1, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    char buf[7]; /* small reads: the queue hands out pieces in order */
    size_t n;
    while ((n = events_read(c, buf, sizeof(buf))) > 0) {
        assert_true(len + n < cap);
        memcpy(s + len, buf, n);
        len += n;
    }
    s[len] = '\0';
    return s;
}

/* The data of the first event named name in text, parsed (caller frees). */
static cJSON *data_of(const char *text, const char *name)
{
    char want[64];
    snprintf(want, sizeof(want), "\nevent: %s\ndata: ", name);
    const char *p = strstr(text, want);
    if (!p) fail_msg("no '%s' event in:\n%s", name, text);
    p += strlen(want);
    const char *end = strstr(p, "\n\n");
    assert_non_null(end);
    assert_null(memchr(p, '\n', (size_t)(end - p))); /* data is one line */
    cJSON *j = cJSON_ParseWithLength(p, (size_t)(end - p));
    if (!j) fail_msg("not JSON: %.*s", (int)(end - p), p);
    return j;
}

static int wakes;

/* Wake callback: counts. */
static void on_wake(void *ud, EventsClient *c)
{
    (void)ud;
    (void)c;
    wakes++;
}

/* hello first, then events numbered one by one, each framed as SSE. */
static void test_framing_and_order(void **state)
{
    (void)state;
    Events *ev = events_new(0, 42);
    events_send(ev, "x", "{\"n\":0}"); /* before any client: numbered all the same */
    EventsClient *c = events_subscribe(ev, NULL, NULL, 1000);
    assert_non_null(c);
    events_send(ev, "a", "{\"n\":1}");
    events_send(ev, "b", "{\"n\":2}");
    char *s = drain(c);
    assert_string_equal(s,
                        "id: 1\nevent: hello\ndata: {\"generation\":42,\"seq\":1,\"time\":1000}\n\n"
                        "id: 2\nevent: a\ndata: {\"n\":1}\n\n"
                        "id: 3\nevent: b\ndata: {\"n\":2}\n\n");
    free(s);
    assert_int_equal(events_seq(ev), 3);
    /* A second client gets the same numbers. */
    EventsClient *d = events_subscribe(ev, NULL, NULL, 2000);
    events_send(ev, "c", "{}");
    s = drain(c);
    assert_string_equal(s, "id: 4\nevent: c\ndata: {}\n\n");
    free(s);
    s = drain(d);
    assert_non_null(strstr(s, "\"seq\":3"));
    assert_non_null(strstr(s, "id: 4\nevent: c\n"));
    free(s);
    assert_int_equal(events_clients(ev), 2);
    events_unsubscribe(ev, c);
    assert_int_equal(events_clients(ev), 1);
    events_free(ev); /* frees d */
}

/* A client that does not read is cut off at the cap; one that reads is not. */
static void test_queue_cap(void **state)
{
    (void)state;
    char data[301];
    memset(data, 'x', 300);
    data[300] = '\0';
    Events *ev = events_new(2000, 1);
    wakes = 0;
    EventsClient *slow = events_subscribe(ev, on_wake, NULL, 0);
    EventsClient *fast = events_subscribe(ev, NULL, NULL, 0);
    char buf[8];
    while (events_read(slow, buf, sizeof(buf)) > 0) /* reads hello, then waits */
        ;
    int sent = 0;
    while (events_state(slow) == EVENTS_OPEN && sent < 100) {
        events_send(ev, "big", data);
        free(drain(fast));
        sent++;
        assert_true(events_pending(slow) <= 2000);
    }
    assert_int_equal(events_state(slow), EVENTS_OVERFLOW);
    assert_int_equal(sent, 7); /* 6 frames of 324 bytes fit in 2000, the 7th does not */
    assert_int_equal(events_pending(slow), 0);
    assert_int_equal(events_overflows(ev), 1);
    assert_int_equal(wakes, 1); /* woken once by the first bytes; not again */
    assert_int_equal(events_state(fast), EVENTS_OPEN);
    events_send(ev, "after", "{}");
    assert_int_equal(events_pending(slow), 0); /* nothing more for it */
    char *s = drain(fast);
    assert_non_null(strstr(s, "event: after"));
    free(s);
    events_free(ev);
}

/* The wake callback: only after a read found nothing, once per wait. */
static void test_wake(void **state)
{
    (void)state;
    Events *ev = events_new(0, 1);
    wakes = 0;
    EventsClient *c = events_subscribe(ev, on_wake, NULL, 0);
    assert_int_equal(wakes, 0); /* hello is there before anyone waits */
    free(drain(c));             /* ends with a read of 0: waiting */
    events_send(ev, "a", "{}");
    events_send(ev, "b", "{}");
    assert_int_equal(wakes, 1);
    free(drain(c));
    events_reload(ev, 7); /* "reload", then the end: one wake */
    assert_int_equal(wakes, 2);
    char *s = drain(c);
    assert_non_null(strstr(s, "event: reload\ndata: {\"generation\":7}\n\n"));
    free(s);
    assert_int_equal(events_state(c), EVENTS_END);
    events_send(ev, "late", "{}");
    assert_int_equal(events_pending(c), 0);
    EventsClient *d = events_subscribe(ev, NULL, NULL, 0);
    s = drain(d);
    assert_non_null(strstr(s, "\"generation\":7"));
    free(s);
    events_free(ev);
}

/* A keep-alive comment after 15 s without an event, not before. */
static void test_keepalive(void **state)
{
    (void)state;
    Events *ev = events_new(0, 1);
    EventsClient *c = events_subscribe(ev, NULL, NULL, 0);
    free(drain(c));
    int64_t now = loop_now_ms();
    int64_t due = events_keepalive(ev, now);
    assert_true(due >= now + EVENTS_KEEPALIVE_MS - 1000 && due <= now + EVENTS_KEEPALIVE_MS);
    assert_int_equal(events_pending(c), 0);
    events_keepalive(ev, now + EVENTS_KEEPALIVE_MS + 1);
    char *s = drain(c);
    assert_string_equal(s, ": keepalive\n\n");
    free(s);
    events_unsubscribe(ev, c);
    assert_true(events_keepalive(ev, now) == INT64_MAX); /* no client, no keep-alive */
    events_free(ev);
}

static Events *hook_ev;

/* Monitor hook as in "ioc run": a poll was stored. */
static void on_poll(void *ud, size_t feed, int64_t wall_ms)
{
    events_poll(hook_ev, ud, feed, wall_ms);
}

/* Monitor alert callback as in "ioc run". */
static void on_alert(void *ud, const AlertEvent *e)
{
    events_alert(hook_ev, ud, e);
}

/* The poll event: the feed's state and counters, every KPI's value in the
 * feed's order, null with an error when there is none. The feed event. */
static void test_poll_json(void **state)
{
    (void)state;
    char err[400];
    Monitor *m = mfx_monitor(NULL, err, sizeof(err));
    if (!m) fail_msg("%s", err);
    hook_ev = events_new(0, 5);
    monitor_on_poll(m, on_poll, m);
    EventsClient *c = events_subscribe(hook_ev, NULL, NULL, 0);
    free(drain(c));
    int64_t t = 1764070205000;
    mfx_poll(m, 0, FS_OK, 120, FEED_ERR_NONE, (double[]){97.25, NAN}, t);
    char *s = drain(c);
    cJSON *j = data_of(s, "poll");
    assert_string_equal(cJSON_GetObjectItem(j, "feed")->valuestring, "dvc");
    assert_true(cJSON_GetObjectItem(j, "t")->valuedouble == (double)t);
    assert_string_equal(cJSON_GetObjectItem(j, "state")->valuestring, "ok");
    assert_string_equal(cJSON_GetObjectItem(j, "reason")->valuestring, "none");
    assert_string_equal(cJSON_GetObjectItem(j, "error")->valuestring, "");
    assert_int_equal(cJSON_GetObjectItem(j, "latency_ms")->valueint, 120);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "http_status")));
    assert_true(cJSON_GetObjectItem(j, "last_ok")->valuedouble == (double)t);
    assert_int_equal(cJSON_GetObjectItem(j, "polls")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(j, "failures")->valueint, 0);
    assert_int_equal(cJSON_GetObjectItem(j, "consecutive_failures")->valueint, 0);
    cJSON *vals = cJSON_GetObjectItem(j, "values");
    assert_int_equal(cJSON_GetArraySize(vals), 2);
    cJSON *v0 = cJSON_GetArrayItem(vals, 0), *v1 = cJSON_GetArrayItem(vals, 1);
    assert_string_equal(cJSON_GetObjectItem(v0, "kpi")->valuestring, "rate");
    assert_true(cJSON_GetObjectItem(v0, "v")->valuedouble == 97.25);
    assert_null(cJSON_GetObjectItem(v0, "error"));
    assert_string_equal(cJSON_GetObjectItem(v1, "kpi")->valuestring, "backlog");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(v1, "v")));
    cJSON_Delete(j);
    free(s);

    /* A failed poll: every value null with the feed's error. */
    mfx_poll(m, 1, FS_DOWN, 4000, FEED_ERR_TIMEOUT, (double[]){NAN}, t + 1000);
    s = drain(c);
    j = data_of(s, "poll");
    assert_string_equal(cJSON_GetObjectItem(j, "state")->valuestring, "down");
    assert_string_equal(cJSON_GetObjectItem(j, "reason")->valuestring, "timeout");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "last_ok")));
    v0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "values"), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(v0, "v")));
    assert_string_equal(cJSON_GetObjectItem(v0, "error")->valuestring, "timeout");
    cJSON_Delete(j);
    free(s);

    events_feed(hook_ev, m, 1, FS_OK, t + 1000);
    s = drain(c);
    j = data_of(s, "feed");
    assert_string_equal(cJSON_GetObjectItem(j, "feed")->valuestring, "soc");
    assert_string_equal(cJSON_GetObjectItem(j, "from")->valuestring, "ok");
    assert_string_equal(cJSON_GetObjectItem(j, "to")->valuestring, "down");
    assert_string_equal(cJSON_GetObjectItem(j, "error")->valuestring, "timeout");
    cJSON_Delete(j);
    free(s);
    events_free(hook_ev);
    monitor_free(m);
}

/* alert, ack, silence and unsilence: the alert object is the element of
 * GET /api/v1/alerts (with from and t added). */
static void test_alert_json(void **state)
{
    (void)state;
    char err[400];
    Monitor *m = mfx_monitor(NULL, err, sizeof(err));
    if (!m) fail_msg("%s", err);
    m->on_event = on_alert;
    m->ud = m;
    hook_ev = events_new(0, 5);
    EventsClient *c = events_subscribe(hook_ev, NULL, NULL, 0);
    free(drain(c));
    int64_t now = loop_wall_ms();
    mfx_poll(m, 1, FS_OK, 8, FEED_ERR_NONE, (double[]){5}, now); /* soc.high >= 3: crit */
    char *s = drain(c);
    cJSON *j = data_of(s, "alert");
    free(s);
    const char *rule = cJSON_GetObjectItem(j, "rule")->valuestring;
    const Alert *a = alert_find(m->alerts, rule);
    assert_non_null(a);
    cJSON *want = api_alert_json(m, a);
    cJSON_AddStringToObject(want, "from", "inactive");
    cJSON_AddNumberToObject(want, "t", (double)now);
    assert_true(cJSON_Compare(j, want, true));
    assert_non_null(cJSON_GetObjectItem(j, "resolved_at"));
    assert_non_null(cJSON_GetObjectItem(j, "active_since"));
    assert_false(cJSON_IsNull(cJSON_GetObjectItem(j, "active_since")));
    cJSON_Delete(want);

    char id[80];
    snprintf(id, sizeof(id), "%s", rule);
    cJSON_Delete(j);
    assert_int_equal(monitor_ack(m, id, "lan", "on it", err, sizeof(err)), 0);
    s = drain(c);
    j = data_of(s, "ack");
    free(s);
    cJSON *ack = cJSON_GetObjectItem(j, "ack");
    assert_string_equal(cJSON_GetObjectItem(ack, "by")->valuestring, "lan");
    assert_string_equal(cJSON_GetObjectItem(ack, "comment")->valuestring, "on it");
    assert_non_null(cJSON_GetObjectItem(j, "t"));
    cJSON_Delete(j);

    unsigned sid = monitor_silence(m, "soc", 3600000, "lan", "works", err, sizeof(err));
    assert_true(sid > 0);
    s = drain(c);
    j = data_of(s, "silence");
    free(s);
    const AlertSilence *sil;
    assert_int_equal(alert_silences(m->alerts, &sil), 1);
    want = api_silence_json(&sil[0]);
    cJSON_AddNumberToObject(want, "t", cJSON_GetObjectItem(j, "t")->valuedouble);
    assert_true(cJSON_Compare(j, want, true));
    cJSON_Delete(want);
    cJSON_Delete(j);

    assert_int_equal(monitor_unsilence(m, sid, "wall", err, sizeof(err)), 0);
    s = drain(c);
    j = data_of(s, "unsilence");
    free(s);
    assert_int_equal(cJSON_GetObjectItem(j, "id")->valueint, (int)sid);
    assert_string_equal(cJSON_GetObjectItem(j, "by")->valuestring, "wall");
    cJSON_Delete(j);
    events_free(hook_ev);
    monitor_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framing_and_order),
        cmocka_unit_test(test_queue_cap),
        cmocka_unit_test(test_wake),
        cmocka_unit_test(test_keepalive),
        cmocka_unit_test(test_poll_json),
        cmocka_unit_test(test_alert_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
