/* test_config_public.c - the config without secrets that GET /api/v1/config
 * serves to thin consoles (config/config_public.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config_helpers.h"
#include "config/bundled.h"

/* Every secret below is one of these bytes strings; none may be served. */
static const char *const secrets[] = {"url-pass-1111",
                                      "hdr-token-2222",
                                      "bearer-3333",
                                      "basic-pass-4444",
                                      "hook-pw-5555",
                                      "hook-tok-6666",
                                      "tok-lan-7777",
                                      "tok-wall-8888",
                                      "sms-gateway",
                                      "/etc/ioc/tls.key",
                                      "/var/lib/ioc/alerts.jsonl",
                                      "/srv/ioc/archive.db",
                                      "chat.example",
                                      "Authorization",
                                      "X-Api-Key",
                                      "insecure",
                                      "upstream.example",
                                      "ops-user"};

static const char *secret_yaml =
    "ioc:\n"
    "  name: \"Trung tâm \\\"IOC\\\"\"\n"
    "  timezone: Asia/Ho_Chi_Minh\n"
    "  rotate: 20s\n"
    "  demo: true\n"
    "  theme: high-contrast\n"
    "  language: vi\n"
    "  alert_log: /var/lib/ioc/alerts.jsonl\n"
    "  archive: /srv/ioc/archive.db\n"
    "  retention: { raw: 3d }\n"
    "  http:\n"
    "    listen: \"127.0.0.1:9464\"\n"
    "    users:\n"
    "      - { name: lan, role: operator, token: \"${IOC_T_TOK_LAN}\" }\n"
    "      - { name: wall, role: viewer, token: \"${IOC_T_TOK_WALL}\" }\n"
    "    tls: { cert: /etc/ioc/tls.crt, key: /etc/ioc/tls.key }\n"
    "defaults: { interval: 15s, timeout: 4s, number_format: vi }\n"
    "feeds:\n"
    "  - id: dvc\n"
    "    name: Dịch vụ công\n"
    "    name_en: Public services\n"
    "    url: \"https://ops-user:${IOC_T_URLPW}@upstream.example/api?x=1\"\n"
    "    headers: { X-Api-Key: \"${IOC_T_HDR}\" }\n"
    "    auth: { bearer: \"${IOC_T_BEARER}\" }\n"
    "    tls: { ca_file: /dev/null, insecure: true }\n"
    "    slow: 2s\n"
    "    interval: 10s\n"
    "    kpis:\n"
    "      - { id: rate, name: \"Tỉ lệ\", select: $.rate, unit: \"%\", target: 95,\n"
    "          warn: \"< 90\", crit: \"< 80\", decimals: 1, min: 0, max: 100, scale: 0.5,\n"
    "          offset: -1e1, agg: avg }\n"
    "      - { id: n, select: \"$.items[?@.ok == true].n\", short: N }\n"
    "  - id: csvf\n"
    "    format: csv\n"
    "    csv_separator: \";\"\n"
    "    url: \"http://upstream.example/x.csv\"\n"
    "    auth: { user: u, password: \"${IOC_T_BASIC}\" }\n"
    "    kpis:\n"
    "      - { id: c, column: total, where: { huyen: \"Gia Lộc\" }, number_format: en }\n"
    "rules:\n"
    "  - { id: low, kpi: dvc.rate, below: target, clear: 97, for: 1m, severity: critical,\n"
    "      summary: \"{{kpi}} thấp: {{value}}\", labels: { team: a } }\n"
    "  - { id: feed_dvc, feed: dvc, down: 3, slow: 2s }\n"
    "  - { id: jump, kpi: dvc.n, change: { over: 1h, by: 5 } }\n"
    "notify:\n"
    "  - webhook: \"https://bot:${IOC_T_HOOK_PW}@chat.example/hooks/ioc\"\n"
    "    headers: { Authorization: \"Bearer ${IOC_T_HOOK_TOK}\" }\n"
    "  - exec: [\"/usr/local/bin/sms-gateway\", \"--to\", \"ops\"]\n"
    "pages:\n"
    "  - title: Tổng quan\n"
    "    rows:\n"
    "      - height: 2\n"
    "        panels:\n"
    "          - { widget: stat, kpi: dvc.rate, width: 2, title: ~ }\n"
    "          - { widget: chart, kpis: [dvc.rate, dvc.n] }\n"
    "      - panels: [ { widget: text, text: \"a\\tb\\nc\" }, { widget: alerts } ]\n";

/* Sets the variables the config expands. */
static void set_env(void)
{
    setenv("IOC_T_TOK_LAN", "tok-lan-7777", 1);
    setenv("IOC_T_TOK_WALL", "tok-wall-8888", 1);
    setenv("IOC_T_URLPW", "url-pass-1111", 1);
    setenv("IOC_T_HDR", "hdr-token-2222", 1);
    setenv("IOC_T_BEARER", "bearer-3333", 1);
    setenv("IOC_T_BASIC", "basic-pass-4444", 1);
    setenv("IOC_T_HOOK_PW", "hook-pw-5555", 1);
    setenv("IOC_T_HOOK_TOK", "hook-tok-6666", 1);
}

/* True when thresholds a and b are the same. */
static bool same_threshold(const CfgThreshold *a, const CfgThreshold *b)
{
    if (a->n != b->n) return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->op[i] != b->op[i] || a->v[i] != b->v[i]) return false;
    return true;
}

/* True when doubles are equal (NaN equals NaN). */
static bool same_num(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* True when strings are equal (NULL equals NULL). */
static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Checks that b (loaded from a's public JSON) has a's feeds, KPIs, rules,
 * pages and display settings. */
static void assert_same(const Config *a, const Config *b)
{
    assert_true(same_str(a->name, b->name));
    assert_string_equal(a->timezone, b->timezone);
    assert_int_equal(a->rotate_ms, b->rotate_ms);
    assert_int_equal(a->demo, b->demo);
    assert_int_equal(a->theme, b->theme);
    assert_int_equal(a->language, b->language);
    assert_int_equal(a->n_feeds, b->n_feeds);
    for (size_t i = 0; i < a->n_feeds; i++) {
        const CfgFeed *f = &a->feeds[i], *g = &b->feeds[i];
        assert_string_equal(f->id, g->id);
        assert_true(same_str(f->name, g->name));
        assert_true(same_str(f->name_en, g->name_en));
        assert_int_equal(f->format, g->format);
        assert_int_equal(f->interval_ms, g->interval_ms);
        assert_int_equal(f->timeout_ms, g->timeout_ms);
        assert_int_equal(f->slow_ms, g->slow_ms);
        assert_int_equal(f->numfmt, g->numfmt);
        assert_int_equal(f->csv_sep, g->csv_sep);
        assert_string_equal(g->url, CFG_PUBLIC_URL);
        assert_int_equal(g->n_headers, 0);
        assert_null(g->auth_bearer);
        assert_null(g->auth_user);
        assert_null(g->auth_password);
        assert_int_equal(f->n_kpis, g->n_kpis);
        for (size_t j = 0; j < f->n_kpis; j++) {
            const CfgKpi *k = &f->kpis[j], *l = &g->kpis[j];
            assert_string_equal(k->key, l->key);
            assert_true(same_str(k->name, l->name));
            assert_true(same_str(k->name_en, l->name_en));
            assert_true(same_str(k->short_name, l->short_name));
            assert_true(same_str(k->unit, l->unit));
            assert_true(same_str(k->select, l->select));
            assert_int_equal(k->n_where, l->n_where);
            assert_int_equal(k->agg, l->agg);
            assert_int_equal(k->numfmt, l->numfmt);
            assert_true(same_num(k->scale, l->scale) && same_num(k->offset, l->offset));
            assert_int_equal(k->has_target, l->has_target);
            assert_true(same_num(k->target, l->target));
            assert_true(same_threshold(&k->warn, &l->warn));
            assert_true(same_threshold(&k->crit, &l->crit));
            assert_int_equal(k->decimals, l->decimals);
            assert_true(same_num(k->min, l->min) && same_num(k->max, l->max));
        }
    }
    assert_int_equal(a->n_rules, b->n_rules);
    for (size_t i = 0; i < a->n_rules; i++) {
        const CfgRule *r = &a->rules[i], *s = &b->rules[i];
        assert_string_equal(r->id, s->id);
        assert_int_equal(r->kind, s->kind);
        assert_true(same_str(r->kpi, s->kpi) && same_str(r->feed, s->feed));
        assert_true(same_num(r->level, s->level));
        assert_int_equal(r->target_relative, s->target_relative);
        assert_true(same_num(r->clear, s->clear));
        assert_int_equal(r->for_ms, s->for_ms);
        assert_int_equal(r->over_ms, s->over_ms);
        assert_int_equal(r->feed_down, s->feed_down);
        assert_int_equal(r->feed_slow_ms, s->feed_slow_ms);
        assert_int_equal(r->severity, s->severity);
        assert_true(same_str(r->summary, s->summary));
        assert_int_equal(r->n_labels, s->n_labels);
    }
    assert_int_equal(a->n_pages, b->n_pages);
    for (size_t i = 0; i < a->n_pages; i++) {
        const CfgPage *p = &a->pages[i], *q = &b->pages[i];
        assert_true(same_str(p->title, q->title));
        assert_int_equal(p->n_rows, q->n_rows);
        for (size_t r = 0; r < p->n_rows; r++) {
            assert_int_equal(p->rows[r].height, q->rows[r].height);
            assert_int_equal(p->rows[r].n_panels, q->rows[r].n_panels);
            for (size_t k = 0; k < p->rows[r].n_panels; k++) {
                const CfgPanel *x = &p->rows[r].panels[k], *y = &q->rows[r].panels[k];
                assert_string_equal(x->widget, y->widget);
                assert_true(same_str(x->title, y->title) && same_str(x->text, y->text));
                assert_int_equal(x->width, y->width);
                assert_int_equal(x->n_kpis, y->n_kpis);
            }
        }
    }
    /* Nothing of the collector's own duties. */
    assert_int_equal(b->n_notify, 0);
    assert_null(b->http);
    assert_null(b->alert_log);
    assert_null(b->archive);
}

/* Exports c and loads the result back (checked against c). */
static Config *round_trip(const Config *c, SBuf *out)
{
    char err[200];
    assert_int_equal(cfg_public_json(c, out, err, sizeof(err)), 0);
    Diag d;
    diag_init(&d);
    Config *back = cfg_load_string(out->s, out->len, "public.json", &d);
    if (!back) {
        dump(&d);
        print_message("%s", out->s);
    }
    assert_non_null(back);
    diag_done(&d);
    assert_same(c, back);
    return back;
}

/* No secret byte of the config is served; the rest loads back the same. */
static void test_redaction(void **state)
{
    (void)state;
    set_env();
    Diag d;
    Config *c = load(secret_yaml, &d);
    if (!c) dump(&d);
    assert_non_null(c);
    diag_done(&d);
    SBuf out = {0};
    Config *back = round_trip(c, &out);
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        if (strstr(out.s, secrets[i])) fail_msg("'%s' is in the output:\n%s", secrets[i], out.s);
    /* Not even a ${NAME} or a key that holds secrets. */
    static const char *const keys[] = {"IOC_T_",     "\"headers\"", "\"auth\"",  "\"tls\"",
                                       "\"notify\"", "\"http\"",    "\"users\"", "\"token\""};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strstr(out.s, keys[i])) fail_msg("'%s' is in the output:\n%s", keys[i], out.s);
    cfg_free(back);
    cfg_free(c);
    sbuf_free(&out);
}

/* The bundled province round-trips too. */
static void test_bundled(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    size_t len;
    const char *text = bundled_config(&len);
    Config *c = cfg_load_string(text, len, BUNDLED_CONFIG_NAME, &d);
    if (!c) dump(&d);
    assert_non_null(c);
    diag_done(&d);
    SBuf out = {0};
    cfg_free(round_trip(c, &out));
    cfg_free(c);
    sbuf_free(&out);
}

/* A Config built by hand has no text to serve. */
static void test_no_source(void **state)
{
    (void)state;
    Config c = {0};
    SBuf out = {0};
    char err[200];
    assert_int_equal(cfg_public_json(&c, &out, err, sizeof(err)), -1);
    assert_string_equal(err, "the config's text is not available");
    sbuf_free(&out);
}

int main(void)
{
    (void)has_error;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redaction),
        cmocka_unit_test(test_bundled),
        cmocka_unit_test(test_no_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
