/* test_poller.c - the poller against a small in-process HTTP server: periodic
 * polling, backoff while a feed fails, recovery, headers sent, connection reuse. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <microhttpd.h>

#include "feeds/poller.h"

/* The test server: fails the first `fail_first` requests with 503. */
typedef struct {
    atomic_int requests;
    atomic_int fail_first;
    atomic_int saw_auth;    /* requests that carried the expected Authorization */
    atomic_int connections; /* TCP connections opened by clients */
} Server;

/* MHD connection notifier: counts connections as they start. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    Server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) atomic_fetch_add(&s->connections, 1);
}

/* MHD handler: 503 or a small JSON body, counting requests. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    Server *s = cls;
    static int first_call;
    if (*con_cls == NULL) { /* MHD keeps the connection alive only if we answer on the 2nd call */
        *con_cls = &first_call;
        return MHD_YES;
    }
    int n = atomic_fetch_add(&s->requests, 1);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (auth && strcmp(auth, "Bearer t0ken") == 0) atomic_fetch_add(&s->saw_auth, 1);
    bool fail = n < atomic_load(&s->fail_first);
    const char *body = fail ? "unavailable" : "{\"data\": {\"rate\": 72.5}}";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, fail ? 503 : 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* One observed poll result. */
typedef struct {
    int64_t at;
    FeedStateKind state;
    unsigned failures;
    bool has_value;
    double value;
} Seen;

typedef struct {
    Loop *loop;
    Seen seen[32];
    int n;
    int stop_after;
} Rec;

/* Poller callback: records each result; stops the loop when enough. */
static void on_result(void *ud, size_t feed, const FeedStatus *st, const KpiValue *vals,
                      int64_t wall_ms)
{
    Rec *r = ud;
    if (r->n < 32)
        r->seen[r->n++] = (Seen){loop_now_ms(), st->state, st->consecutive_failures,
                                 vals[0].has_value, vals[0].value};
    if (r->n >= r->stop_after) loop_stop(r->loop);
}

/* Builds a one-feed config polling url every interval_ms. */
static Config *make_config(const char *url, int64_t interval_ms)
{
    Config *c = calloc(1, sizeof(*c));
    c->n_feeds = 1;
    c->feeds = calloc(1, sizeof(CfgFeed));
    CfgFeed *f = &c->feeds[0];
    f->id = strdup("t");
    f->url = strdup(url);
    f->format = FEED_JSON;
    f->interval_ms = interval_ms;
    f->timeout_ms = 1000;
    f->slow_ms = 900;
    f->auth_bearer = strdup("t0ken");
    f->n_kpis = 1;
    f->kpis = calloc(1, sizeof(CfgKpi));
    f->kpis[0].id = strdup("rate");
    f->kpis[0].select = strdup("$.data.rate");
    f->kpis[0].scale = 1;
    JpError e;
    f->kpis[0].jp = jp_compile("$.data.rate", &e);
    return c;
}

/* Frees what make_config built. */
static void free_config(Config *c)
{
    CfgFeed *f = &c->feeds[0];
    jp_free(f->kpis[0].jp);
    free(f->kpis[0].id);
    free(f->kpis[0].select);
    free(f->kpis);
    free(f->id);
    free(f->url);
    free(f->auth_bearer);
    free(c->feeds);
    free(c);
}

static void test_backoff_then_recovery(void **state)
{
    (void)state;
    Server srv = {0};
    atomic_store(&srv.fail_first, 3);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle,
                                            &srv, MHD_OPTION_END);
    assert_non_null(d);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/x",
             MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
    Config *cfg = make_config(url, 100);
    Loop *loop = loop_new();
    Rec rec = {.loop = loop, .stop_after = 6};
    char err[128];
    Poller *p = poller_new(loop, cfg, on_result, &rec, err, sizeof(err));
    assert_non_null(p);
    assert_int_equal(poller_status(p, 0)->state, FS_PENDING);
    poller_start(p, 0);
    int64_t t0 = loop_now_ms();
    while (rec.n < rec.stop_after && loop_now_ms() - t0 < 10000)
        loop_once(loop, 200);
    assert_int_equal(rec.n, 6);

    /* Three failures: down, counted, no value (a gap, not a zero). */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rec.seen[i].state, FS_DOWN);
        assert_int_equal(rec.seen[i].failures, (unsigned)i + 1);
        assert_false(rec.seen[i].has_value);
    }
    /* Backoff doubles: gaps after failure 1, 2 are >= 100, 200 ms (plus < 10% jitter). */
    int64_t g1 = rec.seen[1].at - rec.seen[0].at, g2 = rec.seen[2].at - rec.seen[1].at;
    int64_t g3 = rec.seen[3].at - rec.seen[2].at;
    print_message("gaps: %lld %lld %lld ms\n", (long long)g1, (long long)g2, (long long)g3);
    assert_true(g1 >= 95 && g1 < 400); /* upper bounds leave room for a loaded CI machine */
    assert_true(g2 >= 195 && g2 < 600);
    assert_true(g3 >= 395 && g3 < 900);
    /* Then it recovers by itself: ok, counter reset, value present. */
    for (int i = 3; i < 6; i++) {
        assert_int_equal(rec.seen[i].state, FS_OK);
        assert_int_equal(rec.seen[i].failures, 0);
        assert_true(rec.seen[i].has_value);
        assert_float_equal(rec.seen[i].value, 72.5, 0);
    }
    /* And back on its cadence: 100 ms apart again. */
    int64_t g5 = rec.seen[5].at - rec.seen[4].at;
    assert_true(g5 >= 80 && g5 < 400);
    const FeedStatus *st = poller_status(p, 0);
    assert_int_equal(st->polls, 6);
    assert_int_equal(st->failures, 3);
    assert_true(st->last_ok_ms > 0);
    assert_int_equal(atomic_load(&srv.saw_auth), 6); /* the bearer token went with every poll */

    poller_free(p);
    loop_free(loop);
    free_config(cfg);
    MHD_stop_daemon(d);
}

static void test_connection_reused(void **state)
{
    (void)state;
    Server srv = {0};
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, &srv,
                         MHD_OPTION_NOTIFY_CONNECTION, on_connection, &srv, MHD_OPTION_END);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/x",
             MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
    Config *cfg = make_config(url, 50);
    Loop *loop = loop_new();
    Rec rec = {.loop = loop, .stop_after = 4};
    char err[128];
    Poller *p = poller_new(loop, cfg, on_result, &rec, err, sizeof(err));
    poller_start(p, 0);
    int64_t t0 = loop_now_ms();
    while (rec.n < rec.stop_after && loop_now_ms() - t0 < 5000)
        loop_once(loop, 200);
    assert_int_equal(rec.n, 4);
    /* Four polls over one kept-alive connection: the server saw one connection. */
    assert_int_equal(atomic_load(&srv.requests), 4);
    assert_int_equal(atomic_load(&srv.connections), 1);
    poller_free(p);
    loop_free(loop);
    free_config(cfg);
    MHD_stop_daemon(d);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_then_recovery),
        cmocka_unit_test(test_connection_reused),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
