/* test_apireq.c - the HTTP API's pure parsing (services/apireq.c) and the
 * ioc.http config section (config/config_http.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "services/apireq.h"
#include "config_helpers.h"

/* Parses uri, expecting rc. */
static ApiReqRc target(const char *uri, ApiTarget *t)
{
    char err[200];
    return apireq_parse_target(uri, t, err, sizeof(err));
}

static void test_paths(void **state)
{
    (void)state;
    ApiTarget t;
    assert_int_equal(target("/", &t), APIREQ_OK);
    assert_int_equal(t.n_segs, 0);
    assert_int_equal(target("/api/v1/alerts/dvc.rate%3Awarn/ack", &t), APIREQ_OK);
    assert_int_equal(t.n_segs, 5);
    assert_string_equal(t.seg[3], "dvc.rate:warn");
    assert_int_equal(target("/api/v1/alerts/", &t), APIREQ_OK);
    assert_int_equal(t.n_segs, 4);
    assert_string_equal(t.seg[3], "");
    /* Path tricks, written or escaped. */
    assert_int_equal(target("/api/v1/../x", &t), APIREQ_BAD);
    assert_int_equal(target("/api/./v1", &t), APIREQ_BAD);
    assert_int_equal(target("/api/v1/%2e%2e/x", &t), APIREQ_BAD);
    assert_int_equal(target("/api/v1/%2E/x", &t), APIREQ_BAD);
    assert_int_equal(target("/api/v1/a%2Fb", &t), APIREQ_BAD);
    assert_int_equal(target("/api/v1/a%00b", &t), APIREQ_BAD);
    assert_int_equal(target("/api/v1/a%0ab", &t), APIREQ_BAD);
    assert_int_equal(target("/api/v1/a%zz", &t), APIREQ_BAD);
    assert_int_equal(target("/api/v1/a%4", &t), APIREQ_BAD);
    assert_int_equal(target("/api/v1/%ff", &t), APIREQ_BAD);
    assert_int_equal(target("api/v1", &t), APIREQ_BAD);
    assert_int_equal(target("http://x/api", &t), APIREQ_BAD);
    assert_int_equal(target("/a#b", &t), APIREQ_BAD);
    assert_int_equal(target("/1/2/3/4/5/6/7/8/9", &t), APIREQ_TOO_LONG);
    char *long_uri = malloc(APIREQ_URI_MAX + 10);
    memset(long_uri, 'a', APIREQ_URI_MAX + 9);
    long_uri[0] = '/';
    long_uri[APIREQ_URI_MAX + 9] = '\0';
    assert_int_equal(target(long_uri, &t), APIREQ_TOO_LONG);
    free(long_uri);
    /* UTF-8 in a segment is fine. */
    assert_int_equal(target("/x/H%E1%BA%A3i", &t), APIREQ_OK);
    assert_string_equal(t.seg[1], "H\xe1\xba\xa3i");
}

static void test_query(void **state)
{
    (void)state;
    ApiTarget t;
    assert_int_equal(
        target("/api/v1/series?kpi=dvc.rate&from=2026-11-25T10%3A00%3A00Z&x&&y=a+b", &t),
        APIREQ_OK);
    assert_int_equal(t.n_params, 4);
    assert_string_equal(apireq_param(&t, "kpi"), "dvc.rate");
    assert_string_equal(apireq_param(&t, "from"), "2026-11-25T10:00:00Z");
    assert_string_equal(apireq_param(&t, "x"), "");
    assert_string_equal(apireq_param(&t, "y"), "a b");
    assert_null(apireq_param(&t, "to"));
    assert_int_equal(target("/s?kpi=a&kpi=b", &t), APIREQ_BAD);
    assert_int_equal(target("/s?kpi=%", &t), APIREQ_BAD);
    assert_int_equal(target("/s?kpi=%1b", &t), APIREQ_BAD);
    assert_int_equal(target("/s?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&"
                            "o=15&p=16&q=17",
                            &t),
                     APIREQ_TOO_LONG);
}

static void test_bodies(void **state)
{
    (void)state;
    char err[200];
    ApiAckReq a;
    ApiSilenceReq s;
    assert_int_equal(apireq_parse_ack("", 0, &a, err, sizeof(err)), 0);
    assert_string_equal(a.comment, "");
    const char *ok = "{\"comment\": \"đang xử lý\"}";
    assert_int_equal(apireq_parse_ack(ok, strlen(ok), &a, err, sizeof(err)), 0);
    assert_string_equal(a.comment, "đang xử lý");
    const char *bad[] = {"{",
                         "[]",
                         "{\"comment\": 1}",
                         "{\"by\": \"x\"}",
                         "{\"comment\":\"a\"} x",
                         "{\"comment\":\"a\",\"comment\":\"b\"}",
                         "{\"comment\":\"a\\u0000b\"}",
                         "{\"comment\":\"\\u001b[31m\"}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("ack body %s\n", bad[i]);
        assert_int_equal(apireq_parse_ack(bad[i], strlen(bad[i]), &a, err, sizeof(err)), -1);
    }
    char big[600];
    snprintf(big, sizeof(big), "{\"comment\": \"%0300d\"}", 0);
    assert_int_equal(apireq_parse_ack(big, strlen(big), &a, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer"));

    const char *sil = "{\"target\": \"dvc\", \"duration\": \"2h\", \"comment\": \"maint\"}";
    assert_int_equal(apireq_parse_silence(sil, strlen(sil), &s, err, sizeof(err)), 0);
    assert_string_equal(s.target, "dvc");
    assert_int_equal(s.duration_ms, 7200000);
    assert_string_equal(s.comment, "maint");
    const char *sbad[] = {"",
                          "{}",
                          "{\"target\": \"dvc\"}",
                          "{\"duration\": \"2h\"}",
                          "{\"target\": \"dvc\", \"duration\": \"2x\"}",
                          "{\"target\": \"dvc\", \"duration\": \"31d\"}",
                          "{\"target\": \"dvc\", \"duration\": 7200}"};
    for (size_t i = 0; i < sizeof(sbad) / sizeof(sbad[0]); i++)
        assert_int_equal(apireq_parse_silence(sbad[i], strlen(sbad[i]), &s, err, sizeof(err)), -1);
}

static void test_times(void **state)
{
    (void)state;
    int64_t ms;
    assert_true(apireq_parse_time("1764070205", &ms));
    assert_int_equal(ms, 1764070205000LL);
    assert_true(apireq_parse_time("1764070205.25", &ms));
    assert_int_equal(ms, 1764070205250LL);
    assert_true(apireq_parse_time("2025-11-25T11:30:05Z", &ms));
    assert_int_equal(ms, 1764070205000LL);
    assert_true(apireq_parse_time("2025-11-25T18:30:05.5+07:00", &ms));
    assert_int_equal(ms, 1764070205500LL);
    assert_true(apireq_parse_time("2024-02-29T00:00:00Z", &ms));
    const char *bad[] = {"",
                         "x",
                         "2025-11-25",
                         "2025-11-25T11:30:05",
                         "2025-02-29T00:00:00Z",
                         "2025-13-01T00:00:00Z",
                         "2025-11-25T24:00:00Z",
                         "1969-12-31T23:59:59Z",
                         "-5",
                         "1e9",
                         "123456789012",
                         "2025-11-25T11:30:05+0700",
                         "1.",
                         "1.x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(apireq_parse_time(bad[i], &ms));
}

static void test_tokens(void **state)
{
    (void)state;
    const char *tok;
    size_t len;
    assert_true(apireq_bearer("Bearer abc.DEF-_~+/==", &tok, &len));
    assert_int_equal(len, strlen("abc.DEF-_~+/=="));
    assert_true(apireq_bearer("  bearer   abc  ", &tok, &len));
    assert_int_equal(len, 3);
    assert_memory_equal(tok, "abc", 3);
    assert_false(apireq_bearer(NULL, &tok, &len));
    assert_false(apireq_bearer("Basic abc", &tok, &len));
    assert_false(apireq_bearer("Bearer", &tok, &len));
    assert_false(apireq_bearer("Bearer ", &tok, &len));
    assert_false(apireq_bearer("Bearerabc", &tok, &len));
    assert_false(apireq_bearer("Bearer a b", &tok, &len));
    assert_true(apireq_token_eq("secret", 6, "secret", 6));
    assert_false(apireq_token_eq("secreT", 6, "secret", 6));
    assert_false(apireq_token_eq("secret1", 7, "secret", 6));
    assert_false(apireq_token_eq("secre", 5, "secret", 6));
    assert_false(apireq_token_eq("", 0, "secret", 6));
    CfgHttpUser users[] = {{.name = "a", .token = "tok-a"}, {.name = "b", .token = "tok-b"}};
    assert_ptr_equal(apireq_find_user(users, 2, "tok-b", 5), &users[1]);
    assert_null(apireq_find_user(users, 2, "tok-", 4));
    unsigned id;
    assert_true(apireq_parse_id("42", &id));
    assert_int_equal(id, 42);
    assert_false(apireq_parse_id("0", &id));
    assert_false(apireq_parse_id("4294967296", &id));
    assert_false(apireq_parse_id("1a", &id));
    assert_false(apireq_parse_id("", &id));
}

static void test_listen(void **state)
{
    (void)state;
    CfgHttp h;
    char err[160];
    memset(&h, 0, sizeof(h));
    assert_true(cfg_parse_listen("127.0.0.1:9464", &h, err, sizeof(err)));
    assert_string_equal(h.host, "127.0.0.1");
    assert_int_equal(h.port, 9464);
    assert_false(h.ipv6);
    assert_true(cfg_parse_listen("[::1]:0", &h, err, sizeof(err)));
    assert_string_equal(h.host, "::1");
    assert_true(h.ipv6);
    assert_true(cfg_parse_listen("localhost:80", &h, err, sizeof(err)));
    assert_string_equal(h.host, "127.0.0.1");
    const char *bad[] = {"9464",          ":9464",          "127.0.0.1:", "127.0.0.1:65536",
                         "127.0.0.1:x",   "::1:9464",       "[::1]9464",  "[]:1",
                         "example.vn:80", "[127.0.0.1]:80", "1.2.3:80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(cfg_parse_listen(bad[i], &h, err, sizeof(err)));
}

static void test_config(void **state)
{
    (void)state;
    Diag d;
    setenv("IOC_T_TOK1", "token-one-1234", 1);
    setenv("IOC_T_TOK2", "token-two-5678", 1);
    setenv("IOC_T_EMPTY", "", 1);
    unsetenv("IOC_T_UNSET");
    const char *ok =
        "ioc:\n"
        "  name: x\n"
        "  http:\n"
        "    listen: \"[::1]:9464\"\n"
        "    users:\n"
        "      - { name: lan, role: operator, token: \"${IOC_T_TOK1}\" }\n"
        "      - { name: wall, role: viewer, token: \"${IOC_T_TOK2}\" }\n"
        "    metrics_auth: true\n"
        "    max_body: 1KiB\n"
        "feeds: [ { id: f, url: \"http://127.0.0.1:1/\", kpis: [ { id: k, select: $.k } ] } ]\n";
    Config *c = load(ok, &d);
    if (!c) dump(&d);
    assert_non_null(c);
    assert_non_null(c->http);
    assert_string_equal(c->http->listen, "[::1]:9464");
    assert_int_equal(c->http->n_users, 2);
    assert_int_equal(c->http->users[0].role, HTTP_ROLE_OPERATOR);
    assert_string_equal(c->http->users[1].token, "token-two-5678");
    assert_string_equal(c->http->users[1].token_shown, "${IOC_T_TOK2}");
    assert_true(c->http->metrics_auth);
    assert_int_equal(c->http->max_body, 1024);
    assert_int_equal(c->http->max_connections, 64);
    cfg_free(c);
    diag_done(&d);

    /* Each mistake at its line:col, and never the token's value. */
    const char *bad =
        "ioc:\n"
        "  name: x\n"
        "  http:\n"
        "    listen: \"example.vn:80\"\n"
        "    users:\n"
        "      - { name: a, role: operater, token: \"${IOC_T_TOK1}\" }\n"
        "      - { name: b, role: viewer, token: \"token-literal\" }\n"
        "      - { name: c, role: viewer, token: \"${IOC_T_UNSET}\" }\n"
        "      - { name: d, role: viewer, token: \"${IOC_T_EMPTY}\" }\n"
        "      - { name: e, role: viewer, token: \"x${IOC_T_TOK2}\" }\n"
        "    metric_auth: true\n"
        "feeds: [ { id: f, url: \"http://127.0.0.1:1/\", kpis: [ { id: k, select: $.k } ] } ]\n";
    c = load(bad, &d);
    assert_null(c);
    assert_true(has_error(&d, 4, 13, "IPv4"));
    assert_true(has_error(&d, 6, 26, "did you mean 'operator'"));
    assert_true(has_error(&d, 7, 41, "refused"));
    assert_true(has_error(&d, 8, 41, "not set"));
    assert_true(has_error(&d, 9, 41, "is empty"));
    assert_true(has_error(&d, 10, 41, "refused"));
    assert_true(has_error(&d, 11, 5, "did you mean 'metrics_auth'"));
    for (size_t i = 0; i < d.n; i++) {
        assert_null(strstr(d.items[i].msg, "token-one"));
        assert_null(strstr(d.items[i].msg, "token-two"));
    }
    diag_done(&d);

    const char *dup =
        "ioc:\n"
        "  name: x\n"
        "  http:\n"
        "    listen: 127.0.0.1:1\n"
        "    users:\n"
        "      - { name: a, role: viewer, token: \"${IOC_T_TOK1}\" }\n"
        "      - { name: b, role: viewer, token: \"${IOC_T_TOK1}\" }\n"
        "feeds: [ { id: f, url: \"http://127.0.0.1:1/\", kpis: [ { id: k, select: $.k } ] } ]\n";
    c = load(dup, &d);
    assert_null(c);
    assert_true(has_error(&d, 7, 9, "same token"));
    diag_done(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),  cmocka_unit_test(test_query),  cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_times),  cmocka_unit_test(test_tokens), cmocka_unit_test(test_listen),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
