/* test_poller.c - the poller against a small in-process HTTP server: periodic
 * polling, backoff while a feed fails, recovery, headers sent, connection reuse,
 * redirects and where the configured secrets go, the link-local guard, and
 * broken responses from a raw socket server. Everything stays on 127.0.0.1. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <microhttpd.h>

#include "feeds/poller.h"

/* The test server: fails the first `fail_first` requests with 503; answers
 * paths under /r with 302 to `redirect_to` when set. */
typedef struct {
    atomic_int requests;
    atomic_int fail_first;
    atomic_int saw_auth;     /* requests that carried the expected Authorization */
    atomic_int saw_any_auth; /* requests that carried any Authorization */
    atomic_int saw_key;      /* requests that carried any X-Api-Key */
    atomic_int connections;  /* TCP connections opened by clients */
    char redirect_to[128];
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
    if (auth) atomic_fetch_add(&s->saw_any_auth, 1);
    if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Api-Key"))
        atomic_fetch_add(&s->saw_key, 1);
    if (s->redirect_to[0] && strncmp(url, "/r", 2) == 0) {
        struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Location", s->redirect_to);
        enum MHD_Result ret = MHD_queue_response(c, 302, r);
        MHD_destroy_response(r);
        return ret;
    }
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
    f->max_redirects = 3;
    f->n_headers = 1;
    f->headers = calloc(1, sizeof(CfgHeader));
    f->headers[0].name = strdup("X-Api-Key");
    f->headers[0].value = strdup("s3cret");
    f->n_kpis = 1;
    f->kpis = calloc(1, sizeof(CfgKpi));
    f->kpis[0].id = strdup("rate");
    f->kpis[0].select = strdup("$.data.rate");
    f->kpis[0].scale = 1;
    JpError e;
    f->kpis[0].jp = jp_compile("$.data.rate", &e);
    return c;
}

/* Frees what make_config (or make_config_n) built. */
static void free_config(Config *c)
{
    for (size_t i = 0; i < c->n_feeds; i++) {
        CfgFeed *f = &c->feeds[i];
        jp_free(f->kpis[0].jp);
        free(f->kpis[0].id);
        free(f->kpis[0].select);
        free(f->kpis);
        free(f->id);
        free(f->url);
        free(f->auth_bearer);
        free(f->auth_user);
        free(f->auth_password);
        free(f->headers[0].name);
        free(f->headers[0].value);
        free(f->headers);
    }
    free(c->feeds);
    free(c);
}

/* Builds a config of n feeds like make_config's, feed i polling urls[i]. */
static Config *make_config_n(char urls[][64], size_t n, int64_t interval_ms)
{
    Config *c = make_config(urls[0], interval_ms);
    c->feeds = realloc(c->feeds, n * sizeof(CfgFeed));
    for (size_t i = 1; i < n; i++) {
        Config *one = make_config(urls[i], interval_ms);
        c->feeds[i] = one->feeds[0];
        free(one->feeds[0].id);
        char id[32];
        snprintf(id, sizeof(id), "t%zu", i);
        c->feeds[i].id = strdup(id);
        free(one->feeds);
        free(one);
    }
    c->n_feeds = n;
    return c;
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
    /* The failures are counted under their reason (HTTP 503), the last poll
     * under none, and every poll once in the duration histogram. */
    assert_int_equal(st->errors[FEED_ERR_HTTP], 3);
    assert_int_equal(st->error_kind, FEED_ERR_NONE);
    uint64_t in_buckets = 0;
    for (size_t i = 0; i <= FEEDSTATE_BUCKETS; i++)
        in_buckets += st->duration[i];
    assert_int_equal(in_buckets, 6);
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

static struct MHD_Daemon *start_server(Server *srv);
static unsigned port_of(struct MHD_Daemon *d);

/* Feeds on more origins than curl keeps by default (4 idle connections per
 * running transfer), polled one after the other as a schedule spreads them:
 * each origin still sees one connection, every poll reuses it. */
static void test_connection_kept_per_feed(void **state)
{
    (void)state;
    enum { N = 10, ROUNDS = 3 };
    Server srv[N];
    struct MHD_Daemon *d[N];
    char urls[N][64];
    memset(srv, 0, sizeof(srv));
    for (int i = 0; i < N; i++) {
        d[i] = start_server(&srv[i]);
        snprintf(urls[i], sizeof(urls[i]), "http://127.0.0.1:%u/x", port_of(d[i]));
    }
    Config *cfg = make_config_n(urls, N, 3600000);
    Loop *loop = loop_new();
    Rec rec = {.loop = loop, .stop_after = 1 << 30};
    char err[128];
    Poller *p = poller_new(loop, cfg, on_result, &rec, err, sizeof(err));
    assert_non_null(p);
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t f = 0; f < N; f++) {
            int want = rec.n + 1;
            assert_int_equal(poller_poll_now(p, f), 0);
            int64_t t0 = loop_now_ms();
            while (rec.n < want && loop_now_ms() - t0 < 5000)
                loop_once(loop, 200);
            assert_int_equal(rec.n, want);
        }
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(atomic_load(&srv[i].requests), ROUNDS);
        assert_int_equal(atomic_load(&srv[i].connections), 1);
    }
    poller_free(p);
    loop_free(loop);
    free_config(cfg);
    for (int i = 0; i < N; i++)
        MHD_stop_daemon(d[i]);
}

/* Requests being answered now and the most at once (handle_slow). */
static atomic_int slow_now, slow_max;

/* MHD handler: answers after 150 ms, counting requests in flight. */
static enum MHD_Result handle_slow(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload,
                                   size_t *upload_size, void **con_cls)
{
    static int first_call;
    if (*con_cls == NULL) {
        *con_cls = &first_call;
        return MHD_YES;
    }
    int now = atomic_fetch_add(&slow_now, 1) + 1;
    int m = atomic_load(&slow_max);
    while (now > m && !atomic_compare_exchange_weak(&slow_max, &m, now)) {
    }
    usleep(150 * 1000);
    atomic_fetch_sub(&slow_now, 1);
    static const char body[] = "{\"data\": {\"rate\": 1}}";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* Six feeds due at once with two places: never more than two polls in
 * flight, and every feed is polled, the waiting ones late. */
static void test_in_flight_cap(void **state)
{
    (void)state;
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
                         NULL, handle_slow, NULL, MHD_OPTION_END);
    assert_non_null(d);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/x",
             MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
    char urls[6][64];
    for (int i = 0; i < 6; i++)
        memcpy(urls[i], url, sizeof(url));
    Config *cfg = make_config_n(urls, 6, 10000);
    Loop *loop = loop_new();
    Rec rec = {.loop = loop, .stop_after = 6};
    char err[128];
    Poller *p = poller_new(loop, cfg, on_result, &rec, err, sizeof(err));
    assert_non_null(p);
    poller_set_max_in_flight(p, 2);
    poller_start(p, 0);
    int64_t t0 = loop_now_ms();
    while (rec.n < rec.stop_after && loop_now_ms() - t0 < 5000) {
        loop_once(loop, 50);
        assert_true(poller_busy(p) <= 2);
    }
    assert_int_equal(rec.n, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(rec.seen[i].state, FS_OK);
    assert_true(atomic_load(&slow_max) <= 2);
    assert_true(loop_now_ms() - t0 >= 3 * 150); /* three rounds of two */
    /* The waiting feeds started late, and their delay was counted. */
    int late = 0;
    for (size_t i = 0; i < 6; i++)
        late += poller_status(p, i)->delay_max_ms >= 100;
    assert_true(late >= 2);
    poller_free(p);
    loop_free(loop);
    free_config(cfg);
    MHD_stop_daemon(d);
}

/* Starts an MHD test server on an ephemeral loopback port. */
static struct MHD_Daemon *start_server(Server *srv)
{
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, srv,
                         MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_END);
    assert_non_null(d);
    return d;
}

/* The port a test server listens on. */
static unsigned port_of(struct MHD_Daemon *d)
{
    return MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

/* Polls feed 0 of a poller n times, one after the other; *st is the last status. */
static void poll_n(Poller *p, Loop *loop, Rec *rec, int n, FeedStatus *st)
{
    rec->stop_after = 1 << 30; /* loop_once() does nothing once the loop is stopped */
    for (int i = 0; i < n; i++) {
        int want = rec->n + 1;
        assert_int_equal(poller_poll_now(p, 0), 0);
        int64_t t0 = loop_now_ms();
        while (rec->n < want && loop_now_ms() - t0 < 5000)
            loop_once(loop, 200);
        assert_int_equal(rec->n, want);
    }
    *st = *poller_status(p, 0);
}

/* Polls cfg's only feed once with a fresh poller; returns its status. */
static FeedStatus poll_once(Config *cfg)
{
    Loop *loop = loop_new();
    Rec rec = {.loop = loop};
    char err[128];
    Poller *p = poller_new(loop, cfg, on_result, &rec, err, sizeof(err));
    assert_non_null(p);
    FeedStatus st;
    poll_n(p, loop, &rec, 1, &st);
    poller_free(p);
    loop_free(loop);
    print_message("state %d: %s\n", st.state, st.error);
    return st;
}

/* A redirect within the origin is followed, the secret header kept. */
static void test_redirect_same_origin(void **state)
{
    (void)state;
    Server a = {0};
    struct MHD_Daemon *da = start_server(&a);
    char url[64];
    snprintf(a.redirect_to, sizeof(a.redirect_to), "http://127.0.0.1:%u/x", port_of(da));
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/r", port_of(da));
    Config *cfg = make_config(url, 1000);
    FeedStatus st = poll_once(cfg);
    assert_int_equal(st.state, FS_OK);
    assert_int_equal(atomic_load(&a.requests), 2);
    assert_int_equal(atomic_load(&a.saw_key), 2);
    assert_int_equal(atomic_load(&a.saw_auth), 2);

    /* follow_redirects: none refuses even that, naming where it pointed. */
    cfg->feeds[0].follow_redirects = FOLLOW_NONE;
    st = poll_once(cfg);
    assert_int_equal(st.state, FS_DOWN);
    char want[128];
    snprintf(want, sizeof(want),
             "redirect to http://127.0.0.1:%u not followed (follow_redirects: none)", port_of(da));
    assert_string_equal(st.error, want);
    assert_int_equal(st.error_kind, FEED_ERR_REDIRECT);
    assert_int_equal(st.errors[FEED_ERR_REDIRECT], 1);
    assert_int_equal(atomic_load(&a.requests), 3);

    /* A redirect loop stops after max_redirects hops. */
    cfg->feeds[0].follow_redirects = FOLLOW_SAME_ORIGIN;
    snprintf(a.redirect_to, sizeof(a.redirect_to), "http://127.0.0.1:%u/r", port_of(da));
    st = poll_once(cfg);
    assert_int_equal(st.state, FS_DOWN);
    assert_string_equal(st.error, "more than 3 redirects");
    assert_int_equal(st.error_kind, FEED_ERR_REDIRECT);
    assert_int_equal(atomic_load(&a.requests), 3 + 4);
    free_config(cfg);
    MHD_stop_daemon(da);
}

/* A redirect to another port of 127.0.0.1 (another origin): refused by
 * default; with follow_redirects: any, followed without any configured
 * header or auth, which come back for the next poll. */
static void test_redirect_other_origin(void **state)
{
    (void)state;
    Server a = {0}, b = {0};
    struct MHD_Daemon *da = start_server(&a), *db = start_server(&b);
    char url[64], want[160];
    snprintf(a.redirect_to, sizeof(a.redirect_to), "http://127.0.0.1:%u/x", port_of(db));
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/r", port_of(da));
    Config *cfg = make_config(url, 1000);

    FeedStatus st = poll_once(cfg); /* default: same-origin */
    assert_int_equal(st.state, FS_DOWN);
    snprintf(want, sizeof(want),
             "redirect to another origin http://127.0.0.1:%u refused (follow_redirects: "
             "same-origin)",
             port_of(db));
    assert_string_equal(st.error, want);
    assert_int_equal(atomic_load(&a.saw_key), 1);
    assert_int_equal(atomic_load(&b.requests), 0);
    assert_int_equal(atomic_load(&b.connections), 0);

    cfg->feeds[0].follow_redirects = FOLLOW_ANY;
    Loop *loop = loop_new();
    Rec rec = {.loop = loop};
    char err[128];
    Poller *p = poller_new(loop, cfg, on_result, &rec, err, sizeof(err));
    poll_n(p, loop, &rec, 2, &st);
    assert_int_equal(st.state, FS_OK);
    assert_true(rec.seen[1].has_value);
    assert_int_equal(atomic_load(&b.requests), 2);
    assert_int_equal(atomic_load(&b.saw_key), 0);      /* the secret header stayed home */
    assert_int_equal(atomic_load(&b.saw_any_auth), 0); /* and so did the bearer token */
    assert_int_equal(atomic_load(&a.saw_key), 3);      /* each poll starts with them again */
    assert_int_equal(atomic_load(&a.saw_auth), 3);
    poller_free(p);
    loop_free(loop);

    /* Basic auth is dropped too (curl would send it to any URL it is given). */
    free(cfg->feeds[0].auth_bearer);
    cfg->feeds[0].auth_bearer = NULL;
    cfg->feeds[0].auth_user = strdup("ops");
    cfg->feeds[0].auth_password = strdup("pw");
    st = poll_once(cfg);
    assert_int_equal(st.state, FS_OK);
    assert_int_equal(atomic_load(&a.saw_any_auth), 4);
    assert_int_equal(atomic_load(&b.requests), 3);
    assert_int_equal(atomic_load(&b.saw_any_auth), 0);
    assert_int_equal(atomic_load(&b.saw_key), 0);

    /* And so are a user and password written in the URL. */
    free(cfg->feeds[0].auth_user);
    free(cfg->feeds[0].auth_password);
    cfg->feeds[0].auth_user = cfg->feeds[0].auth_password = NULL;
    free(cfg->feeds[0].url);
    snprintf(url, sizeof(url), "http://ops:pw@127.0.0.1:%u/r", port_of(da));
    cfg->feeds[0].url = strdup(url);
    st = poll_once(cfg);
    assert_int_equal(st.state, FS_OK);
    assert_int_equal(atomic_load(&a.saw_any_auth), 5);
    assert_int_equal(atomic_load(&b.requests), 4);
    assert_int_equal(atomic_load(&b.saw_any_auth), 0);
    free_config(cfg);
    MHD_stop_daemon(da);
    MHD_stop_daemon(db);
}

/* The redirect policy as a pure decision (no network). */
static void test_redirect_decide(void **state)
{
    (void)state;
    char why[160];
    static const struct {
        const char *from, *to;
        FollowRedirects mode;
        PollerRedirAction want;
        const char *msg; /* part of why, for a refusal */
    } cases[] = {
        {"http://h/a", "http://h/b", FOLLOW_SAME_ORIGIN, POLLER_REDIR_FOLLOW, NULL},
        {"http://h/a", "http://H:80/b?q", FOLLOW_SAME_ORIGIN, POLLER_REDIR_FOLLOW, NULL},
        {"https://h/a", "https://h:443/b", FOLLOW_SAME_ORIGIN, POLLER_REDIR_FOLLOW, NULL},
        {"http://h:8080/a", "http://h:8081/a", FOLLOW_SAME_ORIGIN, POLLER_REDIR_REFUSE,
         "redirect to another origin http://h:8081 refused (follow_redirects: same-origin)"},
        {"http://h/a", "http://g/a", FOLLOW_SAME_ORIGIN, POLLER_REDIR_REFUSE,
         "another origin http://g refused"},
        {"http://h/a", "https://h/a", FOLLOW_SAME_ORIGIN, POLLER_REDIR_REFUSE,
         "another origin https://h refused"},
        {"http://h/a", "http://g/a", FOLLOW_ANY, POLLER_REDIR_FOLLOW_BARE, NULL},
        {"http://h/a", "https://h/a", FOLLOW_ANY, POLLER_REDIR_FOLLOW_BARE, NULL},
        {"http://h/a", "http://h/b", FOLLOW_ANY, POLLER_REDIR_FOLLOW, NULL},
        {"http://h/a", "http://h/b", FOLLOW_NONE, POLLER_REDIR_REFUSE,
         "redirect to http://h not followed (follow_redirects: none)"},
        /* https -> http never, whatever the mode, same host or not. */
        {"https://h/a", "http://h/a", FOLLOW_ANY, POLLER_REDIR_REFUSE,
         "redirect from https to plain http http://h refused"},
        {"https://h/a", "http://h:443/a", FOLLOW_SAME_ORIGIN, POLLER_REDIR_REFUSE,
         "from https to plain http"},
        {"https://h/a", "http://g/a", FOLLOW_ANY, POLLER_REDIR_REFUSE, "from https to plain http"},
        {"http://h/a", "ftp://h/a", FOLLOW_ANY, POLLER_REDIR_REFUSE,
         "redirect to a ftp: URL refused (http and https only)"},
        {"http://h/a", "file:///etc/passwd", FOLLOW_ANY, POLLER_REDIR_REFUSE, "refused"},
        {"http://h/a", "not a url", FOLLOW_ANY, POLLER_REDIR_REFUSE, "invalid URL"},
        /* The path and query of the target are never quoted (they may hold tokens). */
        {"http://h/a", "http://g:81/x?token=abc", FOLLOW_SAME_ORIGIN, POLLER_REDIR_REFUSE,
         "origin http://g:81 refused"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        PollerRedirAction got =
            poller_redirect_decide(cases[i].from, cases[i].to, cases[i].mode, why, sizeof(why));
        print_message("%s -> %s: %d '%s'\n", cases[i].from, cases[i].to, got, why);
        assert_int_equal(got, cases[i].want);
        if (cases[i].msg) assert_non_null(strstr(why, cases[i].msg));
        assert_null(strstr(why, "token"));
    }
}

/* Fills a sockaddr from a numeric address (no resolution, no packet). */
static const struct sockaddr *addr_of(const char *ip, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1)
        v4->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1)
        v6->sin6_family = AF_INET6;
    else
        fail_msg("bad address %s", ip);
    return (const struct sockaddr *)ss;
}

/* The link-local guard's classification, as a pure function. */
static void test_addr_class(void **state)
{
    (void)state;
    static const struct {
        const char *ip;
        PollerAddrClass want;
    } cases[] = {
        {"169.254.169.254", POLLER_ADDR_LINK_LOCAL_METADATA},
        {"169.254.0.1", POLLER_ADDR_LINK_LOCAL},
        {"169.254.255.255", POLLER_ADDR_LINK_LOCAL},
        {"fe80::1", POLLER_ADDR_LINK_LOCAL},
        {"febf:ffff::1", POLLER_ADDR_LINK_LOCAL},
        {"::ffff:169.254.1.1", POLLER_ADDR_LINK_LOCAL},
        {"::ffff:169.254.169.254", POLLER_ADDR_LINK_LOCAL_METADATA},
        {"64:ff9b::169.254.169.254", POLLER_ADDR_LINK_LOCAL_METADATA},
        {"::169.254.1.1", POLLER_ADDR_LINK_LOCAL},
        {"fd00:ec2::254", POLLER_ADDR_METADATA},
        {"100.100.100.200", POLLER_ADDR_METADATA},
        {"127.0.0.1", POLLER_ADDR_OK},
        {"::1", POLLER_ADDR_OK},
        {"::", POLLER_ADDR_OK},
        {"10.0.0.1", POLLER_ADDR_OK},
        {"192.168.1.1", POLLER_ADDR_OK},
        {"169.253.255.255", POLLER_ADDR_OK},
        {"169.255.0.1", POLLER_ADDR_OK},
        {"fec0::1", POLLER_ADDR_OK},
        {"fe7f::1", POLLER_ADDR_OK},
        {"::ffff:127.0.0.1", POLLER_ADDR_OK},
        {"::ffff:10.0.0.1", POLLER_ADDR_OK},
        {"2001:db8::1", POLLER_ADDR_OK},
    };
    struct sockaddr_storage ss;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        PollerAddrClass got = poller_addr_class(addr_of(cases[i].ip, &ss));
        if (got != cases[i].want)
            fail_msg("%s: class %d, want %d", cases[i].ip, got, cases[i].want);
    }
    char why[160];
    assert_true(poller_addr_refused(addr_of("169.254.169.254", &ss), why, sizeof(why)));
    assert_string_equal(why, "address 169.254.169.254 is link-local (cloud metadata); set "
                             "allow_link_local: true to allow");
    assert_true(poller_addr_refused(addr_of("fe80::1", &ss), why, sizeof(why)));
    assert_string_equal(why, "address fe80::1 is link-local; set allow_link_local: true to allow");
    assert_true(poller_addr_refused(addr_of("::ffff:169.254.1.1", &ss), why, sizeof(why)));
    assert_string_equal(why, "address ::ffff:169.254.1.1 is link-local; set allow_link_local: "
                             "true to allow");
    assert_false(poller_addr_refused(addr_of("127.0.0.1", &ss), why, sizeof(why)));
}

/* The guard runs before every connection: with it told to refuse all
 * addresses, a loopback feed fails and its server sees no connection. */
static void test_addr_guard_wired(void **state)
{
    (void)state;
    Server a = {0};
    struct MHD_Daemon *da = start_server(&a);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", port_of(da));
    Config *cfg = make_config(url, 1000);
    Loop *loop = loop_new();
    Rec rec = {.loop = loop};
    char err[128];
    Poller *p = poller_new(loop, cfg, on_result, &rec, err, sizeof(err));
    poller_test_refuse_all(p, true);
    FeedStatus st;
    poll_n(p, loop, &rec, 1, &st);
    assert_int_equal(st.state, FS_DOWN);
    assert_string_equal(st.error, "address refused (test)");
    assert_int_equal(st.error_kind, FEED_ERR_CONNECT);
    assert_int_equal(atomic_load(&a.connections), 0);
    poller_test_refuse_all(p, false);
    poll_n(p, loop, &rec, 1, &st);
    assert_int_equal(st.state, FS_OK);
    poller_free(p);
    loop_free(loop);
    free_config(cfg);
    MHD_stop_daemon(da);
}

/* A one-connection raw HTTP server: reads the request, sends `reply`
 * (reply_len bytes), waits hang_ms, then closes (with a reset when `reset`). */
typedef struct {
    int fd;
    const char *reply;
    size_t reply_len;
    bool reset;
    int hang_ms;
    pthread_t th;
} RawServer;

/* RawServer thread body. */
static void *raw_serve(void *ud)
{
    RawServer *r = ud;
    int c = accept(r->fd, NULL, NULL);
    if (c < 0) return NULL;
    char req[4096];
    ssize_t got = recv(c, req, sizeof(req), 0);
    (void)got;
    for (size_t off = 0; off < r->reply_len;) {
        ssize_t w = send(c, r->reply + off, r->reply_len - off, MSG_NOSIGNAL);
        if (w <= 0) break;
        off += (size_t)w;
    }
    if (r->hang_ms > 0) usleep((useconds_t)r->hang_ms * 1000);
    if (r->reset) {
        struct linger lg = {1, 0};
        setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    }
    close(c);
    return NULL;
}

/* Starts a RawServer on 127.0.0.1 and writes its URL into url. */
static void raw_start(RawServer *r, char *url, size_t n)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(r->fd >= 0);
    assert_int_equal(bind(r->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(r->fd, 4), 0);
    assert_int_equal(getsockname(r->fd, (struct sockaddr *)&a, &len), 0);
    snprintf(url, n, "http://127.0.0.1:%u/x", (unsigned)ntohs(a.sin_port));
    assert_int_equal(pthread_create(&r->th, NULL, raw_serve, r), 0);
}

/* Polls a RawServer (reply, then hang_ms of silence) once, with the feed's
 * timeout and body cap (0: the default), and returns the feed's status. */
static FeedStatus raw_poll_with(const char *reply, size_t len, int hang_ms, int64_t timeout_ms,
                                int64_t max_body)
{
    RawServer r = {.reply = reply, .reply_len = len, .hang_ms = hang_ms};
    char url[64];
    raw_start(&r, url, sizeof(url));
    Config *cfg = make_config(url, 2000);
    cfg->feeds[0].timeout_ms = timeout_ms;
    cfg->feeds[0].max_body = max_body;
    FeedStatus st = poll_once(cfg);
    free_config(cfg);
    pthread_join(r.th, NULL);
    close(r.fd);
    return st;
}

/* Polls a RawServer sending reply once and returns the feed's error. */
static FeedStatus raw_poll(const char *reply, size_t len, bool reset)
{
    RawServer r = {.reply = reply, .reply_len = len, .reset = reset};
    char url[64];
    raw_start(&r, url, sizeof(url));
    Config *cfg = make_config(url, 2000);
    FeedStatus st = poll_once(cfg);
    free_config(cfg);
    pthread_join(r.th, NULL);
    close(r.fd);
    return st;
}

/* Broken responses are called malformed, not a reset or out of memory. */
static void test_malformed_responses(void **state)
{
    (void)state;
    static const char bad_chunk[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    "zz\r\n{}\r\n0\r\n\r\n";
    FeedStatus st = raw_poll(bad_chunk, strlen(bad_chunk), false);
    assert_int_equal(st.state, FS_DOWN);
    assert_string_equal(st.error, "malformed response: bad chunked encoding");
    assert_int_equal(st.error_kind, FEED_ERR_MALFORMED);
    assert_int_equal(st.errors[FEED_ERR_MALFORMED], 1);

    /* 200 KB of headers, in 200 lines of 1 KB. */
    size_t cap = 256 * 1024, n = 0;
    char *big = malloc(cap);
    n += (size_t)snprintf(big + n, cap - n, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 200; i++) {
        n += (size_t)snprintf(big + n, cap - n, "X-Pad-%d: ", i);
        memset(big + n, 'a', 1000);
        n += 1000;
        n += (size_t)snprintf(big + n, cap - n, "\r\n");
    }
    n += (size_t)snprintf(big + n, cap - n, "Content-Length: 2\r\n\r\n{}");
    st = raw_poll(big, n, false);
    assert_int_equal(st.state, FS_DOWN);
    assert_string_equal(st.error, "malformed response: headers over 100 KiB");
    assert_int_equal(st.error_kind, FEED_ERR_MALFORMED);

    /* 200 KB in one header line. */
    n = (size_t)snprintf(big, cap, "HTTP/1.1 200 OK\r\nX-Pad: ");
    memset(big + n, 'a', 200 * 1000);
    n += 200 * 1000;
    n += (size_t)snprintf(big + n, cap - n, "\r\nContent-Length: 2\r\n\r\n{}");
    st = raw_poll(big, n, false);
    assert_int_equal(st.state, FS_DOWN);
    assert_non_null(strstr(st.error, "malformed response"));
    assert_int_equal(st.error_kind, FEED_ERR_MALFORMED);
    free(big);

    /* Not HTTP at all. */
    static const char junk[] = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
    st = raw_poll(junk, strlen(junk), false);
    assert_int_equal(st.state, FS_DOWN);
    assert_non_null(strstr(st.error, "malformed response"));
    assert_int_equal(st.error_kind, FEED_ERR_MALFORMED);

    /* A real reset is still called one. */
    static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"data\"";
    st = raw_poll(cut, strlen(cut), true);
    assert_int_equal(st.state, FS_DOWN);
    assert_string_equal(st.error, "connection reset");
    assert_int_equal(st.error_kind, FEED_ERR_CONNECT);
    assert_int_equal(st.errors[FEED_ERR_CONNECT], 1);
}

/* The poll counters: durations land in the first bucket whose bound they do
 * not exceed (the bound itself included), beyond the last in +Inf; errors
 * count under their reason; a success counts no error. */
static void test_count_poll(void **state)
{
    (void)state;
    FeedStatus st = {0};
    feedstate_count_poll(&st, 0, FEED_ERR_NONE);
    feedstate_count_poll(&st, 5, FEED_ERR_NONE);
    feedstate_count_poll(&st, 6, FEED_ERR_TIMEOUT);
    feedstate_count_poll(&st, 30000, FEED_ERR_TIMEOUT);
    feedstate_count_poll(&st, 30001, FEED_ERR_BAD_DATA);
    feedstate_count_poll(&st, -3, FEED_ERR_COUNT); /* clock trouble, unknown reason */
    assert_int_equal(st.duration[0], 3);           /* 0, 5 and -3 (as 0) */
    assert_int_equal(st.duration[1], 1);           /* 6 <= 10 */
    assert_int_equal(st.duration[FEEDSTATE_BUCKETS - 1], 1);
    assert_int_equal(st.duration[FEEDSTATE_BUCKETS], 1);
    assert_int_equal(st.duration_sum_ms, 0 + 5 + 6 + 30000 + 30001);
    assert_int_equal(st.errors[FEED_ERR_NONE], 0);
    assert_int_equal(st.errors[FEED_ERR_TIMEOUT], 2);
    assert_int_equal(st.errors[FEED_ERR_BAD_DATA], 1);
    assert_int_equal(st.errors[FEED_ERR_OTHER], 1);
    assert_int_equal(st.error_kind, FEED_ERR_OTHER);
    assert_int_equal(feedstate_bucket_ms(0), 5);
    assert_int_equal(feedstate_bucket_ms(FEEDSTATE_BUCKETS - 1), 30000);
    assert_true(feedstate_bucket_ms(FEEDSTATE_BUCKETS) == INT64_MAX);
    assert_string_equal(feedstate_error_name(FEED_ERR_TOO_LARGE), "too_large");
    assert_string_equal(feedstate_error_name(FEED_ERR_BAD_DATA), "bad_data");
    for (int e = FEED_ERR_TIMEOUT; e < FEED_ERR_COUNT; e++) /* label values, snake_case */
        assert_true(strspn(feedstate_error_name(e), "abcdefghijklmnopqrstuvwxyz_") ==
                    strlen(feedstate_error_name(e)));
}

/* The limits a feed error names are the feed's own, in the config's units:
 * a hanging server is "timeout after 1s" (1s500ms), a body over the cap
 * names the cap (announced by Content-Length, or found while reading). */
static void test_limits_in_words(void **state)
{
    (void)state;
    FeedStatus st = raw_poll_with("", 0, 1500, 1000, 0);
    assert_int_equal(st.state, FS_DOWN);
    assert_string_equal(st.error, "timeout after 1s");
    assert_int_equal(st.error_kind, FEED_ERR_TIMEOUT);
    st = raw_poll_with("", 0, 2000, 1500, 0);
    assert_string_equal(st.error, "timeout after 1s500ms");

    static char big[4096];
    int n = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n");
    memset(big + n, ' ', 2000);
    st = raw_poll_with(big, (size_t)n + 2000, 0, 1000, 1024);
    assert_int_equal(st.state, FS_DOWN);
    assert_string_equal(st.error, "body over 1 KiB");
    assert_int_equal(st.error_kind, FEED_ERR_TOO_LARGE);
    n = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    memset(big + n, ' ', 2000);
    st = raw_poll_with(big, (size_t)n + 2000, 0, 1000, 1500);
    assert_string_equal(st.error, "body over 1500 bytes");
}

/* The fake Prometheus of test_promql: the queries it was sent, and a
 * counter that grows by 10 on every query for it. */
typedef struct {
    atomic_int requests, in_flight, max_in_flight, counter;
    char queries[8][128];
    pthread_mutex_t mu;
} PromServer;

/* MHD handler: /api/v1/query as Prometheus answers it, 200 ms per request. */
static enum MHD_Result prom_handle(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload,
                                   size_t *upload_size, void **con_cls)
{
    PromServer *s = cls;
    (void)method, (void)version, (void)upload, (void)upload_size;
    if (*con_cls == NULL) {
        *con_cls = (void *)1;
        return MHD_YES;
    }
    int now = atomic_fetch_add(&s->in_flight, 1) + 1;
    int max = atomic_load(&s->max_in_flight);
    while (now > max && !atomic_compare_exchange_weak(&s->max_in_flight, &max, now))
        ;
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "query");
    const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "time");
    int n = atomic_fetch_add(&s->requests, 1);
    pthread_mutex_lock(&s->mu);
    if (n < 8) snprintf(s->queries[n], sizeof(s->queries[n]), "%s %s", q ? q : "-", t ? "t" : "-");
    pthread_mutex_unlock(&s->mu);
    usleep(200 * 1000);
    char body[512];
    int code = 200;
    if (strcmp(url, "/api/v1/query") != 0 || !q) {
        code = 404;
        snprintf(body, sizeof(body), "404 page not found");
    } else if (strncmp(q, "rate(", 5) == 0) {
        code = 400;
        snprintf(body, sizeof(body),
                 "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:30: parse "
                 "error: unclosed left parenthesis\"}");
    } else if (strcmp(q, "counter") == 0) {
        snprintf(body, sizeof(body),
                 "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,"
                 "\"%d\"]}}",
                 atomic_fetch_add(&s->counter, 10) + 10);
    } else {
        snprintf(body, sizeof(body),
                 "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{"
                 "\"metric\":{},\"value\":[1,\"%zu\"]}]}}",
                 strlen(q));
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    atomic_fetch_sub(&s->in_flight, 1);
    return ret;
}

/* The KPI values of test_promql's last poll. */
static KpiValue promql_vals[3];

/* Poller callback of test_promql: records as on_result() does, keeps the values. */
static void on_promql(void *ud, size_t feed, const FeedStatus *st, const KpiValue *vals,
                      int64_t wall_ms)
{
    memcpy(promql_vals, vals, sizeof(promql_vals));
    on_result(ud, feed, st, vals, wall_ms);
}

/* A promql feed sends its queries at once (URL-encoded, at one evaluation
 * time), shows Prometheus's own error text, and a counter KPI has no value
 * on the first poll (without failing the feed), then its increase. */
static void test_promql(void **state)
{
    (void)state;
    PromServer srv = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
                         NULL, prom_handle, &srv, MHD_OPTION_END);
    assert_non_null(d);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/", port_of(d));
    Config *cfg = make_config(url, 60000);
    CfgFeed *f = &cfg->feeds[0];
    jp_free(f->kpis[0].jp);
    free(f->kpis[0].id);
    free(f->kpis[0].select);
    free(f->kpis);
    static const char *const queries[] = {
        "sum(rate(x{a=~\"b+\",c!=\"d e\"}[1m])) * 100 / 2 & #",
        "rate(node_cpu_seconds_total[1m]",
        "counter",
    };
    f->format = FEED_PROMQL;
    f->timeout_ms = 3000;
    f->slow_ms = 2900;
    f->n_kpis = 3;
    f->kpis = calloc(3, sizeof(CfgKpi));
    for (size_t i = 0; i < 3; i++) {
        f->kpis[i].id = strdup(i == 0 ? "a" : i == 1 ? "bad" : "c");
        f->kpis[i].select = strdup(queries[i]);
        f->kpis[i].scale = 1;
    }
    f->kpis[2].counter = COUNTER_INCREASE;
    Loop *loop = loop_new();
    Rec rec = {.loop = loop};
    char err[128];
    Poller *p = poller_new(loop, cfg, on_promql, &rec, err, sizeof(err));
    assert_non_null(p);
    FeedStatus st;
    int64_t t0 = loop_now_ms();
    poll_n(p, loop, &rec, 1, &st);
    int64_t took = loop_now_ms() - t0;
    print_message("3 queries in %lld ms, at most %d at once: %s\n", (long long)took,
                  atomic_load(&srv.max_in_flight), st.error);
    assert_int_equal(atomic_load(&srv.requests), 3);
    assert_int_equal(atomic_load(&srv.max_in_flight), 3); /* all at once */
    assert_true(took < 550);
    bool seen[3] = {false, false, false};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            char want[160];
            snprintf(want, sizeof(want), "%s t", queries[k]);
            if (strcmp(srv.queries[i], want) == 0) seen[k] = true;
        }
    assert_true(seen[0] && seen[1] && seen[2]); /* decoded as sent, with a time */
    assert_int_equal(st.state, FS_BAD_DATA);
    assert_string_equal(st.error, "bad: bad_data: 1:30: parse error: unclosed left parenthesis");
    assert_int_equal(st.http_status, 400);
    assert_true(rec.seen[0].has_value); /* kpi a */
    assert_float_equal(rec.seen[0].value, (double)strlen(queries[0]), 0);
    /* Without the bad query the feed is ok, its counter pending, then 10 per poll. */
    free(f->kpis[1].select);
    f->kpis[1].select = strdup("up");
    poller_free(p);
    p = poller_new(loop, cfg, on_promql, &rec, err, sizeof(err));
    assert_non_null(p);
    poll_n(p, loop, &rec, 1, &st);
    assert_int_equal(st.state, FS_OK);
    assert_false(promql_vals[2].has_value);
    assert_true(promql_vals[2].pending);
    poll_n(p, loop, &rec, 1, &st);
    assert_int_equal(st.state, FS_OK);
    assert_true(promql_vals[2].has_value);
    assert_float_equal(promql_vals[2].value, 10, 0);
    poller_free(p);
    loop_free(loop);
    for (size_t i = 1; i < 3; i++) {
        free(f->kpis[i].id);
        free(f->kpis[i].select);
    }
    free_config(cfg);
    MHD_stop_daemon(d);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_then_recovery),
        cmocka_unit_test(test_connection_reused),
        cmocka_unit_test(test_connection_kept_per_feed),
        cmocka_unit_test(test_in_flight_cap),
        cmocka_unit_test(test_redirect_same_origin),
        cmocka_unit_test(test_redirect_other_origin),
        cmocka_unit_test(test_redirect_decide),
        cmocka_unit_test(test_addr_class),
        cmocka_unit_test(test_addr_guard_wired),
        cmocka_unit_test(test_malformed_responses),
        cmocka_unit_test(test_count_poll),
        cmocka_unit_test(test_promql),
        cmocka_unit_test(test_limits_in_words),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
