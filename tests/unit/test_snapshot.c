/* test_snapshot.c - snapshots and their exporters (ioc/snapshot*.c): a
 * hand-built config and snapshot (ok, slow, down and pending feeds, KPIs
 * with and without values, Vietnamese names, CSV injection, label escapes)
 * written as JSON, CSV, Prometheus text and a text table, and read back. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "parse/prom.h"
#include "export/snapshot.h"
#include "base/timefmt.h"
#include "base/text.h"

/* 2026-11-25T18:30:05+07:00 */
#define T0 INT64_C(1795606205000)

#define PM_UNIT "\xC2\xB5g/m\xC2\xB3 \"avg\" \\ 1h" /* µg/m³ "avg" \ 1h */
#define INJECT  "=HYPERLINK(\"http://x\",\"a\")"
#define SECRET  "TOPSECRET"

/* The config and snapshot every test uses. */
typedef struct {
    Config cfg;
    CfgFeed feeds[4];
    CfgKpi kpis[7];
    CfgHeader header;
    Snapshot *snap;
} Fixture;

/* A threshold with one comparison. */
static CfgThreshold thr1(CmpOp op, double v)
{
    CfgThreshold t = {.n = 1};
    t.op[0] = op;
    t.v[0] = v;
    return t;
}

/* A KPI with defaults (decimals automatic, no target, no thresholds). */
static CfgKpi kpi(const char *feed_key, const char *id, const char *name, const char *unit)
{
    CfgKpi k;
    memset(&k, 0, sizeof k);
    k.id = (char *)id;
    k.key = (char *)feed_key;
    k.name = (char *)name;
    k.unit = (char *)unit;
    k.scale = 1;
    k.decimals = -1;
    k.min = k.max = NAN;
    return k;
}

/* A feed with a secret URL and header that no exporter may print. */
static CfgFeed feed(Fixture *fx, const char *id, const char *name, CfgKpi *kpis, size_t n)
{
    CfgFeed f;
    memset(&f, 0, sizeof f);
    f.id = (char *)id;
    f.name = (char *)name;
    f.url = (char *)"https://admin:" SECRET "@portal.example/api?token=" SECRET;
    f.url_shown = (char *)"https://***@portal.example/api?token=${TOKEN}";
    f.headers = &fx->header;
    f.n_headers = 1;
    f.auth_bearer = (char *)SECRET;
    f.kpis = kpis;
    f.n_kpis = n;
    return f;
}

/* Sets a KPI's value and status as a poller would. */
static void set_value(SnapKpi *k, double v, int64_t ts, bool stale)
{
    k->has_value = true;
    k->value = v;
    k->ts_ms = ts;
    k->status = cfg_kpi_status(k->kpi, true, v, stale);
}

static int setup(void **state)
{
    Fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->header.name = (char *)"Authorization";
    fx->header.value = (char *)"Bearer " SECRET;
    fx->header.value_shown = (char *)"Bearer ${TOKEN}";

    CfgKpi *k = fx->kpis;
    /* dvc: an ok feed */
    k[0] = kpi("dvc.online_rate", "online_rate",
               "T\xE1\xBB\xB7 l\xE1\xBB\x87 h\xE1\xBB\x93 s\xC6\xA1 tr\xE1\xBB\xB1"
               "c tuy\xE1\xBA\xBFn",
               "%"); /* Tỷ lệ hồ sơ trực tuyến, precomposed */
    k[0].name_en = (char *)"Online application rate";
    k[0].has_target = true;
    k[0].target = 80;
    k[0].warn = thr1(CMP_LT, 70);
    k[0].crit = thr1(CMP_LT, 50);
    k[1] = kpi("dvc.backlog", "backlog", "Ho\xCC\x82\xCC\x80 so\xCC\x9B to\xCC\x82\xCC\x80n",
               "h\xE1\xBB\x93 s\xC6\xA1"); /* Hồ sơ tồn, decomposed; unit hồ sơ */
    k[1].crit = thr1(CMP_GT, 1000000);
    k[1].decimals = 0;
    k[2] = kpi("dvc.injected", "injected", INJECT, "");
    /* env: a down feed */
    k[3] = kpi("env.pm25", "pm25", "B\xE1\xBB\xA5i PM2.5", PM_UNIT); /* Bụi PM2.5 */
    k[3].warn = thr1(CMP_GT, 50);
    k[3].crit = thr1(CMP_GT, 100);
    k[4] = kpi("env.aqi", "aqi", "Ch\xE1\xBB\x89 s\xE1\xBB\x91 AQI", "@idx"); /* Chỉ số AQI */
    /* gt: a slow feed */
    k[5] = kpi("gt.speed", "speed",
               "T\xE1\xBB\x91"
               "c \xC4\x91\xE1\xBB\x99 trung b\xC3\xACnh",
               "km/h"); /* Tốc độ trung bình */
    k[5].has_target = true;
    k[5].target = 40;
    k[5].warn.n = 2;
    k[5].warn.op[0] = CMP_LT;
    k[5].warn.v[0] = 20;
    k[5].warn.op[1] = CMP_GT;
    k[5].warn.v[1] = 80;
    k[5].decimals = 1;
    k[6] = kpi("gt.delta", "delta", "Bi\xE1\xBA\xBFn \xC4\x91\xE1\xBB\x99ng", ""); /* Biến động */

    fx->feeds[0] = feed(fx, "dvc",
                        "C\xE1\xBB\x95ng d\xE1\xBB\x8B"
                        "ch v\xE1\xBB\xA5 c\xC3\xB4ng",
                        &k[0], 3); /* Cổng dịch vụ công */
    fx->feeds[0].name_en = (char *)"Public service portal";
    fx->feeds[1] = feed(fx, "env",
                        "Quan tr\xE1\xBA\xAF"
                        "c m\xC3\xB4i tr\xC6\xB0\xE1\xBB\x9Dng",
                        &k[3], 2); /* Quan trắc môi trường */
    fx->feeds[2] = feed(fx, "gt", "Giao th\xC3\xB4ng \xE6\xBC\xA2\xE5\xAD\x97", &k[5],
                        2); /* Giao thông 漢字 */
    fx->feeds[3] = feed(fx, "cam", "Camera", NULL, 0);

    fx->cfg.name = (char *)"IOC H\xE1\xBA\xA3i D\xC6\xB0\xC6\xA1ng"; /* IOC Hải Dương */
    fx->cfg.timezone = (char *)"Asia/Ho_Chi_Minh";
    fx->cfg.feeds = fx->feeds;
    fx->cfg.n_feeds = 4;

    Snapshot *s = snap_new(&fx->cfg);
    if (!s) {
        free(fx);
        return -1;
    }
    s->taken_at_ms = T0;
    SnapFeed *f = s->feeds;
    f[0].status = (FeedStatus){.state = FS_OK,
                               .latency_ms = 120,
                               .last_poll_ms = T0 - 5000,
                               .last_ok_ms = T0 - 5000,
                               .http_status = 200,
                               .polls = 10,
                               .failures = 1,
                               .errors = {[FEED_ERR_HTTP] = 1},
                               .bytes = 5120,
                               .samples = 20};
    set_value(&f[0].kpis[0], 82.5, T0 - 5000, false);
    set_value(&f[0].kpis[1], 1234567, T0 - 5000, false);
    snprintf(f[0].kpis[2].error, sizeof f[0].kpis[2].error, "selector matched nothing");

    f[1].status = (FeedStatus){.state = FS_DOWN,
                               .latency_ms = 5000,
                               .last_poll_ms = T0,
                               .last_ok_ms = T0 - 245000,
                               .consecutive_failures = 3,
                               .polls = 12,
                               .failures = 3,
                               .error_kind = FEED_ERR_TIMEOUT,
                               .errors = {[FEED_ERR_TIMEOUT] = 3},
                               .duration = {[10] = 2, [11] = 1},
                               .duration_sum_ms = 15000,
                               .bytes = 900};
    snprintf(f[1].status.error, sizeof f[1].status.error, "timeout after 5000 ms\x1B[31m");
    set_value(&f[1].kpis[0], 48.6, T0 - 300000, true);
    snprintf(f[1].kpis[1].error, sizeof f[1].kpis[1].error, "+CMD not a number");

    f[2].status = (FeedStatus){.state = FS_SLOW,
                               .latency_ms = 2600,
                               .last_ok_ms = T0 - 5000,
                               .http_status = 200,
                               .polls = 7,
                               .bytes = 2048};
    set_value(&f[2].kpis[0], 0.1 + 0.2, T0 - 5000, false);
    set_value(&f[2].kpis[1], -3.5, T0 - 5000, false);
    fx->snap = s;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fixture *fx = *state;
    snap_free(fx->snap);
    free(fx);
    return 0;
}

/* Writes the snapshot in format f into a new string (caller frees). */
static char *render(const Snapshot *s, SnapFormat f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(snap_write(s, f, out), 0);
    assert_int_equal(fclose(out), 0);
    assert_null(strstr(buf, SECRET)); /* never a URL, header or token */
    assert_null(strstr(buf, "portal.example"));
    assert_null(strchr(buf, '\x1B')); /* never an escape sequence */
    return buf;
}

typedef struct {
    CfgThreshold warn, crit;
    bool has_value;
    double v;
    bool stale;
    KpiStatus want;
} StatusCase;

static void test_kpi_status(void **state)
{
    (void)state;
    const CfgThreshold lt70 = thr1(CMP_LT, 70), lt50 = thr1(CMP_LT, 50), none = {0};
    const CfgThreshold ge90 = thr1(CMP_GE, 90), le90 = thr1(CMP_LE, 90);
    const StatusCase cases[] = {
        {lt70, lt50, false, 10, false, KST_NONE},
        {lt70, lt50, false, 10, true, KST_NONE},
        {lt70, lt50, true, NAN, false, KST_NONE},
        {lt70, lt50, true, 10, true, KST_STALE},
        {lt70, lt50, true, 80, false, KST_OK},
        {lt70, lt50, true, 70, false, KST_OK},
        {lt70, lt50, true, 69.9, false, KST_WARN},
        {lt70, lt50, true, 49, false, KST_CRIT}, /* crit wins over warn */
        {none, none, true, -1e300, false, KST_OK},
        {none, ge90, true, 90, false, KST_CRIT},
        {le90, none, true, 90, false, KST_WARN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CfgKpi k = kpi("f.k", "k", "k", "");
        k.warn = cases[i].warn;
        k.crit = cases[i].crit;
        KpiStatus got = cfg_kpi_status(&k, cases[i].has_value, cases[i].v, cases[i].stale);
        if (got != cases[i].want)
            fail_msg("case %zu: %s, want %s", i, cfg_status_name(got),
                     cfg_status_name(cases[i].want));
    }
}

static void test_names(void **state)
{
    (void)state;
    const char *names[] = {"json", "csv", "prom", "text"};
    const SnapFormat fmts[] = {SNAP_JSON, SNAP_CSV, SNAP_PROM, SNAP_TEXT};
    for (size_t i = 0; i < 4; i++) {
        SnapFormat f = SNAP_TEXT;
        assert_true(snap_format_from_name(names[i], &f));
        assert_int_equal(f, fmts[i]);
    }
    SnapFormat f;
    assert_false(snap_format_from_name("yaml", &f));
    assert_false(snap_format_from_name("JSON", &f));
    assert_false(snap_format_from_name(NULL, &f));
    char list[64];
    assert_string_equal(snap_format_names(list, sizeof list), "json, csv, prom, text");
    assert_string_equal(snap_format_names(list, 10), "json, csv"); /* cut between names */
    assert_string_equal(cfg_status_name(KST_OK), "ok");
    assert_string_equal(cfg_status_name(KST_WARN), "warn");
    assert_string_equal(cfg_status_name(KST_CRIT), "crit");
    assert_string_equal(cfg_status_name(KST_STALE), "stale");
    assert_string_equal(cfg_status_name(KST_NONE), "none");
}

/* A new snapshot has every feed pending and every KPI without a value. */
static void test_new_defaults(void **state)
{
    Fixture *fx = *state;
    Snapshot *s = snap_new(&fx->cfg);
    assert_non_null(s);
    assert_ptr_equal(s->cfg, &fx->cfg);
    assert_int_equal(s->n_feeds, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_ptr_equal(s->feeds[i].feed, &fx->feeds[i]);
        assert_int_equal(s->feeds[i].status.state, FS_PENDING);
        assert_int_equal(s->feeds[i].status.latency_ms, -1);
        for (size_t k = 0; k < fx->feeds[i].n_kpis; k++) {
            assert_ptr_equal(s->feeds[i].kpis[k].kpi, &fx->feeds[i].kpis[k]);
            assert_false(s->feeds[i].kpis[k].has_value);
            assert_int_equal(s->feeds[i].kpis[k].status, KST_NONE);
            assert_string_equal(s->feeds[i].kpis[k].error, "");
        }
    }
    snap_free(s);
    snap_free(NULL);
    assert_null(snap_new(NULL));
    Config empty = {.name = (char *)"x", .timezone = (char *)"UTC"};
    s = snap_new(&empty);
    assert_non_null(s);
    char *csv = render(s, SNAP_CSV);
    assert_string_equal(csv, "feed,feed_name,feed_state,kpi,kpi_name,value,unit,status,target,"
                             "ts,error\r\n");
    free(csv);
    snap_free(s);
}

/* Returns o[key] after checking it exists. */
static cJSON *get(const cJSON *o, const char *key)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) fail_msg("missing key \"%s\"", key);
    return v;
}

/* Checks o[key] is the string want, or null when want is NULL. */
static void expect_str(const cJSON *o, const char *key, const char *want)
{
    cJSON *v = get(o, key);
    if (!want) {
        if (!cJSON_IsNull(v)) fail_msg("\"%s\" should be null", key);
        return;
    }
    assert_true(cJSON_IsString(v));
    assert_string_equal(v->valuestring, want);
}

/* Checks o[key] is exactly the number want. */
static void expect_num(const cJSON *o, const char *key, double want)
{
    cJSON *v = get(o, key);
    assert_true(cJSON_IsNumber(v));
    if (v->valuedouble != want) fail_msg("\"%s\" is %.17g, want %.17g", key, v->valuedouble, want);
}

static void test_json(void **state)
{
    Fixture *fx = *state;
    char *text = render(fx->snap, SNAP_JSON);
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    assert_null(strstr(text, "\"url\""));
    assert_null(strstr(text, "headers"));

    expect_num(root, "version", 1);
    expect_str(root, "taken_at", "2026-11-25T18:30:05+07:00");
    cJSON *centre = get(root, "centre");
    expect_str(centre, "name", fx->cfg.name);
    expect_str(centre, "timezone", "Asia/Ho_Chi_Minh");
    cJSON *sum = get(root, "summary");
    const char *keys[] = {"feeds", "feeds_up", "kpis", "ok", "warn", "crit", "stale", "none"};
    const double want[] = {4, 2, 7, 2, 1, 1, 1, 2};
    for (size_t i = 0; i < 8; i++)
        expect_num(sum, keys[i], want[i]);

    cJSON *feeds = get(root, "feeds");
    assert_int_equal(cJSON_GetArraySize(feeds), 4);
    cJSON *dvc = cJSON_GetArrayItem(feeds, 0);
    expect_str(dvc, "id", "dvc");
    expect_str(dvc, "name", fx->feeds[0].name);
    expect_str(dvc, "name_en", "Public service portal");
    expect_str(dvc, "state", "ok");
    expect_str(dvc, "error", NULL);
    expect_num(dvc, "latency_ms", 120);
    expect_num(dvc, "http_status", 200);
    expect_str(dvc, "last_ok", "2026-11-25T18:30:00+07:00");
    expect_num(dvc, "consecutive_failures", 0);
    expect_num(dvc, "polls", 10);
    expect_num(dvc, "failures", 1);
    expect_num(dvc, "bytes", 5120);
    cJSON *kpis = get(dvc, "kpis");
    assert_int_equal(cJSON_GetArraySize(kpis), 3);
    cJSON *k = cJSON_GetArrayItem(kpis, 0);
    expect_str(k, "id", "online_rate");
    expect_str(k, "key", "dvc.online_rate");
    expect_str(k, "name", fx->kpis[0].name);
    expect_str(k, "name_en", "Online application rate");
    expect_num(k, "value", 82.5);
    expect_str(k, "unit", "%");
    expect_str(k, "status", "ok");
    expect_num(k, "target", 80);
    expect_str(k, "warn", "< 70");
    expect_str(k, "crit", "< 50");
    expect_str(k, "ts", "2026-11-25T18:30:00+07:00");
    expect_str(k, "error", NULL);
    k = cJSON_GetArrayItem(kpis, 1);
    expect_num(k, "value", 1234567);
    expect_str(k, "status", "crit");
    expect_str(k, "name_en", NULL);
    expect_str(k, "target", NULL);
    expect_str(k, "warn", NULL);
    expect_str(k, "crit", "> 1000000");
    k = cJSON_GetArrayItem(kpis, 2);
    expect_str(k, "name", INJECT); /* JSON needs no formula guard, only escaping */
    expect_str(k, "value", NULL);
    expect_str(k, "status", "none");
    expect_str(k, "ts", NULL);
    expect_str(k, "error", "selector matched nothing");

    cJSON *env = cJSON_GetArrayItem(feeds, 1);
    expect_str(env, "state", "down");
    expect_str(env, "error", "timeout after 5000 ms[31m"); /* ESC removed */
    expect_num(env, "latency_ms", 5000);
    expect_num(env, "http_status", 0);
    expect_num(env, "consecutive_failures", 3);
    k = cJSON_GetArrayItem(get(env, "kpis"), 0);
    expect_num(k, "value", 48.6);
    expect_str(k, "unit", PM_UNIT);
    expect_str(k, "status", "stale");
    expect_str(k, "ts", "2026-11-25T18:25:05+07:00");
    k = cJSON_GetArrayItem(get(env, "kpis"), 1);
    expect_str(k, "error", "+CMD not a number");

    cJSON *gt = cJSON_GetArrayItem(feeds, 2);
    expect_str(gt, "state", "slow");
    k = cJSON_GetArrayItem(get(gt, "kpis"), 0);
    expect_num(k, "value", 0.3); /* 0.1 + 0.2 rounded to the KPI's 1 decimal */
    expect_str(k, "warn", "< 20 or > 80");
    expect_str(k, "status", "warn");

    cJSON *cam = cJSON_GetArrayItem(feeds, 3);
    expect_str(cam, "state", "pending");
    expect_str(cam, "latency_ms", NULL);
    expect_str(cam, "last_ok", NULL);
    assert_int_equal(cJSON_GetArraySize(get(cam, "kpis")), 0);
    cJSON_Delete(root);
    free(text);
}

/* JSON values: rounded to the KPI's decimals when it has them (no float
 * noise), else the shortest text that reads back; every null value comes
 * with an error saying why. */
static void test_json_values_and_reasons(void **state)
{
    Fixture *fx = *state;
    SnapFeed *f = fx->snap->feeds;
    f[0].kpis[0].value = 99.75714285714285;  /* automatic decimals: exact */
    f[0].kpis[1].value = 1234567.4;          /* 0 decimals */
    f[2].kpis[0].value = 11.600000000000001; /* 1 decimal */
    f[1].kpis[0].has_value = false;          /* the down feed is the reason */
    f[2].kpis[1].value = INFINITY;           /* from an old archive, say */
    char *text = render(fx->snap, SNAP_JSON);
    assert_non_null(strstr(text, "99.75714285714285,"));
    assert_non_null(strstr(text, "\"value\":\t1234567,"));
    assert_non_null(strstr(text, "\"value\":\t11.6,"));
    assert_null(strstr(text, "11.600000000000001"));
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    cJSON *feeds = get(root, "feeds");
    expect_str(cJSON_GetArrayItem(get(cJSON_GetArrayItem(feeds, 1), "kpis"), 0), "error",
               "feed down: timeout after 5000 ms[31m");
    expect_str(cJSON_GetArrayItem(get(cJSON_GetArrayItem(feeds, 1), "kpis"), 1), "error",
               "+CMD not a number"); /* its own error wins */
    cJSON *k = cJSON_GetArrayItem(get(cJSON_GetArrayItem(feeds, 2), "kpis"), 1);
    expect_str(k, "value", NULL);
    expect_str(k, "error", "value is not finite");
    expect_str(k, "ts", NULL);
    size_t nulls = 0;
    for (int i = 0; i < cJSON_GetArraySize(feeds); i++) {
        cJSON *ks = get(cJSON_GetArrayItem(feeds, i), "kpis");
        for (int j = 0; j < cJSON_GetArraySize(ks); j++) {
            cJSON *kj = cJSON_GetArrayItem(ks, j);
            if (!cJSON_IsNull(get(kj, "value"))) continue;
            nulls++;
            assert_true(cJSON_IsString(get(kj, "error")));
        }
    }
    assert_int_equal(nulls, 4);
    cJSON_Delete(root);
    free(text);

    /* Nothing polled yet: every KPI says so. */
    Snapshot *fresh = snap_new(&fx->cfg);
    text = render(fresh, SNAP_JSON);
    root = cJSON_Parse(text);
    k = cJSON_GetArrayItem(get(cJSON_GetArrayItem(get(root, "feeds"), 0), "kpis"), 0);
    expect_str(k, "value", NULL);
    expect_str(k, "error", "no data yet");
    cJSON_Delete(root);
    free(text);
    snap_free(fresh);
}

static void test_csv(void **state)
{
    Fixture *fx = *state;
    char *text = render(fx->snap, SNAP_CSV);
    const char *want =
        "feed,feed_name,feed_state,kpi,kpi_name,value,unit,status,target,ts,error\r\n"
        "dvc,C\xE1\xBB\x95ng d\xE1\xBB\x8B"
        "ch v\xE1\xBB\xA5 c\xC3\xB4ng,ok,online_rate,"
        "T\xE1\xBB\xB7 l\xE1\xBB\x87 h\xE1\xBB\x93 s\xC6\xA1 tr\xE1\xBB\xB1"
        "c tuy\xE1\xBA\xBFn,"
        "82.5,%,ok,80,2026-11-25T18:30:00+07:00,\r\n"
        "dvc,C\xE1\xBB\x95ng d\xE1\xBB\x8B"
        "ch v\xE1\xBB\xA5 c\xC3\xB4ng,ok,backlog,"
        "Ho\xCC\x82\xCC\x80 so\xCC\x9B to\xCC\x82\xCC\x80n,1234567,h\xE1\xBB\x93 s\xC6\xA1,crit,,"
        "2026-11-25T18:30:00+07:00,\r\n"
        "dvc,C\xE1\xBB\x95ng d\xE1\xBB\x8B"
        "ch v\xE1\xBB\xA5 c\xC3\xB4ng,ok,injected,"
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\",,,none,,,selector matched nothing\r\n"
        "env,Quan tr\xE1\xBA\xAF"
        "c m\xC3\xB4i tr\xC6\xB0\xE1\xBB\x9Dng,down,pm25,"
        "B\xE1\xBB\xA5i PM2.5,48.6,\"\xC2\xB5g/m\xC2\xB3 \"\"avg\"\" \\ 1h\",stale,,"
        "2026-11-25T18:25:05+07:00,timeout after 5000 ms[31m\r\n"
        "env,Quan tr\xE1\xBA\xAF"
        "c m\xC3\xB4i tr\xC6\xB0\xE1\xBB\x9Dng,down,aqi,"
        "Ch\xE1\xBB\x89 s\xE1\xBB\x91 AQI,,'@idx,none,,,'+CMD not a number\r\n"
        "gt,Giao th\xC3\xB4ng \xE6\xBC\xA2\xE5\xAD\x97,slow,speed,"
        "T\xE1\xBB\x91"
        "c \xC4\x91\xE1\xBB\x99 trung b\xC3\xACnh,0.3,km/h,warn,40,"
        "2026-11-25T18:30:00+07:00,\r\n"
        "gt,Giao th\xC3\xB4ng \xE6\xBC\xA2\xE5\xAD\x97,slow,delta,"
        "Bi\xE1\xBA\xBFn \xC4\x91\xE1\xBB\x99ng,-3.5,,ok,,2026-11-25T18:30:00+07:00,\r\n"
        "cam,Camera,pending,,,,,,,,\r\n";
    /* compare line by line for a readable failure */
    const char *g = text, *w = want;
    for (int line = 1; *g || *w; line++) {
        const char *ge = strstr(g, "\r\n"), *we = strstr(w, "\r\n");
        assert_non_null(ge);
        assert_non_null(we);
        if ((ge - g) != (we - w) || memcmp(g, w, (size_t)(ge - g)) != 0)
            fail_msg("line %d:\n got  %.*s\n want %.*s", line, (int)(ge - g), g, (int)(we - w), w);
        g = ge + 2;
        w = we + 2;
    }
    free(text);
}

/* The sample of d named metric whose labels include every (name, value)
 * pair of the NULL-terminated list ap; NULL when none, fails when two. */
static const PromSample *vfind(const PromDoc *d, const char *metric, va_list ap)
{
    const char *want[16];
    size_t n = 0;
    for (const char *w; n < 16 && (w = va_arg(ap, const char *));)
        want[n++] = w;
    assert_true(n % 2 == 0);
    const PromSample *found = NULL;
    for (size_t i = 0; i < prom_doc_count(d); i++) {
        const PromSample *s = prom_doc_sample(d, i);
        bool match = strcmp(s->metric, metric) == 0;
        for (size_t p = 0; match && p < n; p += 2) {
            bool has = false;
            for (size_t l = 0; l < s->n_labels; l++)
                has = has || (strcmp(s->labels[l].name, want[p]) == 0 &&
                              strcmp(s->labels[l].value, want[p + 1]) == 0);
            match = has;
        }
        if (match && found) fail_msg("two samples of %s match", metric);
        if (match) found = s;
    }
    return found;
}

/* vfind() with the pairs as arguments, NULL-terminated. */
static const PromSample *find_sample(const PromDoc *d, const char *metric, ...)
{
    va_list ap;
    va_start(ap, metric);
    const PromSample *s = vfind(d, metric, ap);
    va_end(ap);
    return s;
}

/* The value of the only sample of metric with the given label pairs
 * (NULL-terminated); fails when there is none. */
static double prom_value(const PromDoc *d, const char *metric, ...)
{
    va_list ap;
    va_start(ap, metric);
    const PromSample *s = vfind(d, metric, ap);
    va_end(ap);
    if (!s) fail_msg("no sample of %s with these labels", metric);
    return s->value;
}

#define PROM_VALUE(d, metric, ...) prom_value(d, metric, __VA_ARGS__, (const char *)NULL)

/* True when the text has "# HELP name " and "# TYPE name type" lines. */
static bool has_family(const char *text, const char *name, const char *type)
{
    char help[128], typeline[128];
    snprintf(help, sizeof help, "\n# HELP %s ", name);
    snprintf(typeline, sizeof typeline, "\n# TYPE %s %s\n", name, type);
    char *withnl = NULL;
    size_t n = strlen(text) + 2;
    withnl = malloc(n);
    assert_non_null(withnl);
    snprintf(withnl, n, "\n%s", text);
    bool ok = strstr(withnl, help) && strstr(withnl, typeline);
    free(withnl);
    return ok;
}

static void test_prom(void **state)
{
    Fixture *fx = *state;
    char *text = render(fx->snap, SNAP_PROM);
    PromError err;
    PromDoc *d = prom_parse(text, strlen(text), &err);
    if (!d) fail_msg("prom_parse: line %d: %s", err.line, err.msg);

    const char *gauges[] = {"ioc_kpi_value",
                            "ioc_kpi_target",
                            "ioc_kpi_status",
                            "ioc_kpi_info",
                            "ioc_feed_up",
                            "ioc_feed_state",
                            "ioc_feed_latency_seconds",
                            "ioc_feed_last_success_timestamp_seconds",
                            "ioc_snapshot_timestamp_seconds"};
    for (size_t i = 0; i < sizeof gauges / sizeof gauges[0]; i++)
        assert_true(has_family(text, gauges[i], "gauge"));
    assert_true(has_family(text, "ioc_feed_polls_total", "counter"));
    assert_true(has_family(text, "ioc_feed_poll_errors_total", "counter"));
    assert_true(has_family(text, "ioc_feed_poll_duration_seconds", "histogram"));
    /* every sample belongs to a declared family (a histogram's by its base name) */
    for (size_t i = 0; i < prom_doc_count(d); i++) {
        const char *m = prom_doc_sample(d, i)->metric;
        char typeline[128];
        int len = (int)strlen(m);
        for (const char *suf = "_bucket\0_sum\0_count\0"; *suf; suf += strlen(suf) + 1)
            if (strstr(m, "_duration_") && len > (int)strlen(suf) &&
                strcmp(m + len - (int)strlen(suf), suf) == 0)
                len -= (int)strlen(suf);
        snprintf(typeline, sizeof typeline, "# TYPE %.*s ", len, m);
        assert_non_null(strstr(text, typeline));
    }

    assert_true(PROM_VALUE(d, "ioc_kpi_value", "feed", "dvc", "kpi", "online_rate") == 82.5);
    assert_true(PROM_VALUE(d, "ioc_kpi_value", "feed", "dvc", "kpi", "backlog") == 1234567);
    assert_null(find_sample(d, "ioc_kpi_value", "unit", "%", (const char *)NULL)); /* in info */
    /* a stale value is no current value: no sample (the JSON and CSV keep it) */
    assert_null(find_sample(d, "ioc_kpi_value", "kpi", "pm25", (const char *)NULL));
    /* the unit label with " and \ reads back unchanged */
    assert_true(PROM_VALUE(d, "ioc_kpi_info", "feed", "env", "kpi", "pm25", "unit", PM_UNIT) == 1);
    assert_true(PROM_VALUE(d, "ioc_kpi_info", "feed", "dvc", "kpi", "online_rate", "unit", "%") ==
                1);
    assert_non_null(strstr(text, "unit=\"\xC2\xB5g/m\xC2\xB3 \\\"avg\\\" \\\\ 1h\""));
    assert_true(PROM_VALUE(d, "ioc_kpi_value", "feed", "gt", "kpi", "speed") == 0.1 + 0.2);
    assert_true(PROM_VALUE(d, "ioc_kpi_value", "feed", "gt", "kpi", "delta") == -3.5);
    /* no value, no sample */
    assert_null(find_sample(d, "ioc_kpi_value", "kpi", "injected", (const char *)NULL));
    assert_null(find_sample(d, "ioc_kpi_value", "kpi", "aqi", (const char *)NULL));

    assert_true(PROM_VALUE(d, "ioc_kpi_target", "feed", "dvc", "kpi", "online_rate") == 80);
    assert_true(PROM_VALUE(d, "ioc_kpi_target", "feed", "gt", "kpi", "speed") == 40);
    assert_null(find_sample(d, "ioc_kpi_target", "kpi", "backlog", (const char *)NULL));

    const struct {
        const char *feed, *kpi, *status;
    } st[] = {{"dvc", "online_rate", "ok"}, {"dvc", "backlog", "crit"}, {"dvc", "injected", "none"},
              {"env", "pm25", "stale"},     {"env", "aqi", "none"},     {"gt", "speed", "warn"},
              {"gt", "delta", "ok"}};
    const char *statuses[] = {"ok", "warn", "crit", "stale", "none"};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++)
        for (size_t k = 0; k < 5; k++) /* a state set: one-hot */
            assert_true(PROM_VALUE(d, "ioc_kpi_status", "feed", st[i].feed, "kpi", st[i].kpi,
                                   "status", statuses[k]) ==
                        (strcmp(statuses[k], st[i].status) == 0 ? 1 : 0));

    const char *feeds[] = {"dvc", "env", "gt", "cam"};
    const char *states[] = {"ok", "down", "slow", "pending"};
    const double up[] = {1, 0, 1, 0};
    const char *all[] = {"pending", "ok", "slow", "down", "bad-data"};
    for (size_t i = 0; i < 4; i++) {
        assert_true(PROM_VALUE(d, "ioc_feed_up", "feed", feeds[i]) == up[i]);
        for (size_t k = 0; k < 5; k++) /* one-hot */
            assert_true(PROM_VALUE(d, "ioc_feed_state", "feed", feeds[i], "state", all[k]) ==
                        (strcmp(all[k], states[i]) == 0 ? 1 : 0));
    }
    assert_true(PROM_VALUE(d, "ioc_feed_latency_seconds", "feed", "dvc") == 0.12);
    assert_true(PROM_VALUE(d, "ioc_feed_latency_seconds", "feed", "gt") == 2.6);
    assert_null(find_sample(d, "ioc_feed_latency_seconds", "feed", "cam", (const char *)NULL));
    assert_true(PROM_VALUE(d, "ioc_feed_polls_total", "feed", "env") == 12);
    assert_true(PROM_VALUE(d, "ioc_feed_poll_errors_total", "feed", "env", "reason", "timeout") ==
                3);
    assert_true(PROM_VALUE(d, "ioc_feed_poll_errors_total", "feed", "dvc", "reason", "http") == 1);
    assert_true(PROM_VALUE(d, "ioc_feed_poll_duration_seconds_bucket", "feed", "env", "le", "10") ==
                2);
    assert_true(
        PROM_VALUE(d, "ioc_feed_poll_duration_seconds_bucket", "feed", "env", "le", "+Inf") == 3);
    assert_true(PROM_VALUE(d, "ioc_feed_poll_duration_seconds_sum", "feed", "env") == 15);
    const PromSample *ts = prom_doc_sample(d, prom_doc_count(d) - 1);
    assert_string_equal(ts->metric, "ioc_snapshot_timestamp_seconds");
    assert_int_equal(ts->n_labels, 0);
    assert_true(ts->value == 1795606205.0);
    prom_doc_free(d);
    free(text);
}

/* Infinite values are spelled +Inf, -Inf and read back; a NaN value is no
 * value, so it has no sample (as in GET /metrics). */
static void test_prom_special_values(void **state)
{
    Fixture *fx = *state;
    SnapKpi *k = fx->snap->feeds[0].kpis;
    const double vals[] = {INFINITY, -INFINITY, NAN};
    const char *spelled[] = {"online_rate\"} +Inf\n", "online_rate\"} -Inf\n", NULL};
    for (size_t i = 0; i < 3; i++) {
        k[0].value = vals[i];
        char *text = render(fx->snap, SNAP_PROM);
        if (spelled[i]) assert_non_null(strstr(text, spelled[i]));
        PromError err;
        PromDoc *d = prom_parse(text, strlen(text), &err);
        if (!d) fail_msg("prom_parse: line %d: %s", err.line, err.msg);
        if (isnan(vals[i]))
            assert_null(find_sample(d, "ioc_kpi_value", "kpi", "online_rate", (const char *)NULL));
        else
            assert_true(PROM_VALUE(d, "ioc_kpi_value", "kpi", "online_rate") == vals[i]);
        prom_doc_free(d);
        free(text);
    }
    k[0].value = 82.5;
}

/* In CSV, non-finite values are spelled NaN, Inf, -Inf: no "+Inf", which a
 * spreadsheet would read as a formula. */
static void test_csv_special_values(void **state)
{
    Fixture *fx = *state;
    SnapKpi *k = fx->snap->feeds[0].kpis;
    const double vals[] = {INFINITY, -INFINITY, NAN};
    const char *spelled[] = {",Inf,%,", ",-Inf,%,", ",NaN,%,"};
    for (size_t i = 0; i < 3; i++) {
        k[0].value = vals[i];
        char *text = render(fx->snap, SNAP_CSV);
        if (!strstr(text, spelled[i])) fail_msg("\"%s\" not in:\n%s", spelled[i], text);
        free(text);
    }
    k[0].value = 82.5;
}

/* Splits text into lines (modifies it); returns the count. */
static size_t split_lines(char *text, char **lines, size_t max)
{
    size_t n = 0;
    for (char *p = text; *p && n < max;) {
        char *nl = strchr(p, '\n');
        lines[n++] = p;
        if (!nl) break;
        *nl = '\0';
        p = nl + 1;
    }
    return n;
}

/* Display column of the first needle in line at or after *from (fails when
 * absent); moves *from past it. */
static int column_after(const char *line, const char **from, const char *needle)
{
    const char *p = strstr(*from, needle);
    if (!p) fail_msg("\"%s\" not in \"%s\"", needle, *from);
    *from = p + strlen(needle);
    return text_width_n(line, (size_t)(p - line));
}

/* The text table: title, feed lines, KPI rows with aligned columns. */
static void test_text(void **state)
{
    Fixture *fx = *state;
    char *text = render(fx->snap, SNAP_TEXT);
    char *lines[32];
    size_t n = split_lines(text, lines, 32);
    assert_int_equal(n, 2 + 4 + 7 + 2); /* title, blank, feeds, KPIs, blank, summary */
    assert_string_equal(lines[0], "IOC H\xE1\xBA\xA3i D\xC6\xB0\xC6\xA1ng  2026-11-25 18:30:05 "
                                  "+07:00  Asia/Ho_Chi_Minh");
    assert_string_equal(lines[1], "");
    assert_string_equal(lines[13], "");
    assert_string_equal(lines[14], "4 feeds (2 up), 7 KPIs: 2 ok, 1 warn, 1 crit, 1 stale, 2 none");

    /* feed lines: id, name, state, latency (right-aligned), error */
    const int feed_line[] = {2, 6, 9, 12};
    const char *latency[] = {"120 ms", "5,000 ms", "2,600 ms", "-"};
    int latency_end = -1;
    for (size_t i = 0; i < 4; i++) {
        const char *line = lines[feed_line[i]], *from = line;
        assert_int_equal(column_after(line, &from, fx->feeds[i].id), 0);
        assert_int_equal(column_after(line, &from, fx->feeds[i].name), 5);
        /* widest feed name: "Quan trắc môi trường", 20 columns */
        assert_int_equal(column_after(line, &from, feedstate_name(fx->snap->feeds[i].status.state)),
                         5 + 20 + 2);
        int end = column_after(line, &from, latency[i]) + text_width(latency[i]);
        if (latency_end < 0) latency_end = end;
        assert_int_equal(end, latency_end);
    }
    assert_non_null(strstr(lines[6], "  timeout after 5000 ms[31m; last ok 4m ago"));
    assert_int_equal(lines[2][strlen(lines[2]) - 1], 's'); /* no trailing blanks */

    /* KPI rows: symbol, name, value (right-aligned), unit, target, status */
    const struct {
        int line;
        const char *sym, *value, *unit, *target, *status;
        size_t kpi;
    } rows[] = {
        {3, "\xE2\x9C\x93", "82.5", "%", "target 80", "ok", 0},
        {4, "\xE2\x9C\x97", "1,234,567", "h\xE1\xBB\x93 s\xC6\xA1", NULL, "crit", 1},
        {5, "-", "-", NULL, NULL, "none", 2},
        {7, "~", "48.6", "\xC2\xB5g/m\xC2\xB3 \"avg\"\xE2\x80\xA6", NULL, "stale",
         3}, /* cut unit */
        {8, "-", "-", "@idx", NULL, "none", 4},
        {10, "!", "0.3", "km/h", "target 40.0", "warn", 5},
        {11, "\xE2\x9C\x93", "-3.5", NULL, NULL, "ok", 6},
    };
    int value_end = -1, target_col = -1, status_col = -1;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *line = lines[rows[i].line], *from = line;
        assert_int_equal(column_after(line, &from, rows[i].sym), 2);
        assert_int_equal(column_after(line, &from, fx->kpis[rows[i].kpi].name), 4);
        int end = column_after(line, &from, rows[i].value) + text_width(rows[i].value);
        if (value_end < 0) value_end = end;
        assert_int_equal(end, value_end);
        if (rows[i].unit) assert_int_equal(column_after(line, &from, rows[i].unit), value_end + 1);
        if (rows[i].target) {
            int col = column_after(line, &from, rows[i].target);
            if (target_col < 0) target_col = col;
            assert_int_equal(col, target_col);
        }
        int col = column_after(line, &from, rows[i].status);
        if (status_col < 0) status_col = col;
        assert_int_equal(col, status_col);
    }
    /* the widest KPI name ends the name column */
    assert_int_equal(value_end, 4 + text_width(INJECT) + 2 + (int)strlen("1,234,567"));
    assert_true(target_col > value_end);
    /* 82.5 meets its target 80; 0.3 against 40 with thresholds both ways: no good side */
    assert_null(strstr(text, "target \xE2\x96"));
    assert_null(strstr(text, "below target"));
    assert_non_null(strstr(lines[5], "none   selector matched nothing"));
    assert_non_null(strstr(lines[8], "none   +CMD not a number"));
    free(text);
}

/* A KPI below its target says so after its status word, as a symbol and
 * words, not a bare "✓ ok" (issue 13). */
static void test_text_below_target(void **state)
{
    Fixture *fx = *state;
    SnapKpi *sk = &fx->snap->feeds[0].kpis[0]; /* target 80 */
    double keep = sk->value;
    sk->value = 79.5;
    char *text = render(fx->snap, SNAP_TEXT);
    sk->value = keep;
    char *lines[32];
    split_lines(text, lines, 32);
    assert_true(strncmp(lines[3], "  \xE2\x9C\x93 ", 6) == 0); /* still ok by its thresholds */
    assert_non_null(strstr(lines[3], "79.5"));
    assert_non_null(strstr(lines[3], "  ok \xE2\x96\xBC below target"));
    free(text);
}

/* Without a UTF-8 locale the symbols are ASCII. */
static void test_text_ascii(void **state)
{
    Fixture *fx = *state;
    assert_non_null(setlocale(LC_CTYPE, "C"));
    char *text = render(fx->snap, SNAP_TEXT);
    assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
    char *lines[32];
    size_t n = split_lines(text, lines, 32);
    assert_int_equal(n, 15);
    assert_true(strncmp(lines[3], "  + ", 4) == 0);
    assert_true(strncmp(lines[4], "  x ", 4) == 0);
    assert_true(strncmp(lines[10], "  ! ", 4) == 0);
    assert_null(strstr(text, "\xE2\x9C"));
    free(text);
}

/* An output error is reported, an unknown format refused. */
static void test_write_errors(void **state)
{
    Fixture *fx = *state;
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IOFBF, 64);
        for (int f = SNAP_JSON; f <= SNAP_TEXT; f++) {
            errno = 0;
            assert_int_equal(snap_write(fx->snap, (SnapFormat)f, full), -1);
            assert_int_not_equal(errno, 0);
            clearerr(full);
        }
        fclose(full);
    }
    errno = 0;
    assert_int_equal(snap_write(fx->snap, (SnapFormat)42, stdout), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(snap_write(NULL, SNAP_JSON, stdout), -1);
}

int main(void)
{
    if (!setlocale(LC_CTYPE, "C.UTF-8") || timefmt_set_zone("Asia/Ho_Chi_Minh") != 0) {
        fprintf(stderr, "test_snapshot: needs the C.UTF-8 locale and tzdata\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kpi_status),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_new_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_values_and_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prom_special_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_special_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_below_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_ascii, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
