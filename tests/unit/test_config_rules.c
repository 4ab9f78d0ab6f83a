/* test_config_rules.c - the rules:, notify: and ioc.alert_log sections: valid
 * forms, implicit rules from KPI thresholds, and every error with its
 * position, message and suggestion (secrets never in messages). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "config_helpers.h"

/* Finds rule id in c; NULL when absent. */
static const CfgRule *rule(const Config *c, const char *id)
{
    for (size_t i = 0; i < c->n_rules; i++)
        if (strcmp(c->rules[i].id, id) == 0) return &c->rules[i];
    return NULL;
}

static const char *full_yaml =
    "ioc: { name: T, alert_log: /var/lib/ioc/alerts.jsonl }\n"
    "feeds:\n"
    "  - id: khongkhi\n"
    "    url: http://h/a\n"
    "    timeout: 3s\n"
    "    kpis:\n"
    "      - { id: vn_aqi, select: $.aqi, warn: \"> 100\", crit: \"> 150\" }\n"
    "      - { id: pm25, select: $.pm }\n"
    "  - id: dvc\n"
    "    url: http://h/b\n"
    "    kpis: [{ id: rate, select: $.r, target: 80, crit: \"< 50 or > 101\" }]\n"
    "rules:\n"
    "  - id: aqi_high\n"
    "    kpi: khongkhi.vn_aqi\n"
    "    above: 150\n"
    "    clear: 140\n"
    "    for: 2m\n"
    "    keep_firing_for: 5m\n"
    "    severity: critical\n"
    "    summary: \"AQI {{value}} tại {{ kpi }}\"\n"
    "    labels: { team: moitruong, shift: dem }\n"
    "  - { id: rate_low, kpi: dvc.rate, below: target, clear: 85 }\n"
    "  - { id: aqi_jump, kpi: khongkhi.vn_aqi, change: { over: 1h, by: 50 }, clear: 30 }\n"
    "  - { id: pm_nodata, kpi: khongkhi.pm25, nodata: 10m, severity: info }\n"
    "  - { id: dvc_feed, feed: dvc, down: 3, slow: 2s, bad_data: 2 }\n"
    "notify:\n"
    "  - webhook: \"https://bot:${IOC_T_HOOK_PW}@chat.example/hooks/ioc\"\n"
    "    min_severity: critical\n"
    "    headers: { Authorization: \"Bearer ${IOC_T_HOOK_TOKEN}\" }\n"
    "    repeat: { critical: 30m, warning: 2h }\n"
    "    group_wait: 5s\n"
    "    timeout: 3s\n"
    "  - exec: [\"/usr/local/bin/sms-gateway\", \"--to\", \"ops\"]\n";

static void test_valid_rules(void **state)
{
    (void)state;
    setenv("IOC_T_HOOK_PW", "pw-secret", 1);
    setenv("IOC_T_HOOK_TOKEN", "tok-secret", 1);
    Diag d;
    Config *c = load(full_yaml, &d);
    dump(&d);
    assert_non_null(c);
    assert_int_equal(d.errors, 0);
    assert_string_equal(c->alert_log, "/var/lib/ioc/alerts.jsonl");
    /* 5 explicit rules, then the implicit ones in KPI order. */
    assert_int_equal(c->n_rules, 8);

    const CfgRule *r = &c->rules[0];
    assert_string_equal(r->id, "aqi_high");
    assert_false(r->implicit);
    assert_int_equal(r->kind, RULE_ABOVE);
    assert_string_equal(r->kpi, "khongkhi.vn_aqi");
    assert_null(r->feed);
    assert_float_equal(r->level, 150, 0);
    assert_true(r->has_clear);
    assert_float_equal(r->clear, 140, 0);
    assert_int_equal(r->for_ms, 120000);
    assert_int_equal(r->keep_firing_ms, 300000);
    assert_int_equal(r->severity, SEV_CRITICAL);
    assert_string_equal(r->summary, "AQI {{value}} tại {{ kpi }}");
    assert_int_equal(r->n_labels, 2);
    assert_string_equal(r->label_keys[1], "shift");
    assert_string_equal(r->label_values[1], "dem");
    assert_int_equal(r->line, 13);
    assert_int_equal(r->col, 5);

    r = rule(c, "rate_low");
    assert_int_equal(r->kind, RULE_BELOW);
    assert_true(r->target_relative);
    assert_float_equal(r->level, 80, 0); /* the KPI's target */
    assert_float_equal(r->clear, 85, 0);
    assert_int_equal(r->severity, SEV_WARNING); /* the default */
    assert_int_equal(r->for_ms, 0);
    assert_null(r->summary);

    r = rule(c, "aqi_jump");
    assert_int_equal(r->kind, RULE_CHANGE);
    assert_int_equal(r->over_ms, 3600000);
    assert_float_equal(r->level, 50, 0);
    assert_float_equal(r->clear, 30, 0);

    r = rule(c, "pm_nodata");
    assert_int_equal(r->kind, RULE_NODATA);
    assert_int_equal(r->nodata_ms, 600000);
    assert_int_equal(r->severity, SEV_INFO);

    r = rule(c, "dvc_feed");
    assert_int_equal(r->kind, RULE_FEED);
    assert_string_equal(r->feed, "dvc");
    assert_null(r->kpi);
    assert_int_equal(r->feed_down, 3);
    assert_int_equal(r->feed_slow_ms, 2000);
    assert_int_equal(r->feed_bad_data, 2);

    assert_int_equal(c->n_notify, 2);
    const CfgNotify *n = &c->notify[0];
    assert_int_equal(n->kind, NOTIFY_WEBHOOK);
    assert_string_equal(n->url, "https://bot:pw-secret@chat.example/hooks/ioc");
    assert_string_equal(n->url_shown, "https://bot:***@chat.example/hooks/ioc");
    assert_int_equal(n->n_headers, 1);
    assert_string_equal(n->headers[0].name, "Authorization");
    assert_string_equal(n->headers[0].value, "Bearer tok-secret");
    assert_string_equal(n->headers[0].value_shown, "Bearer ${IOC_T_HOOK_TOKEN}");
    assert_int_equal(n->min_severity, SEV_CRITICAL);
    assert_int_equal(n->repeat_ms[SEV_CRITICAL], 1800000);
    assert_int_equal(n->repeat_ms[SEV_WARNING], 7200000);
    assert_int_equal(n->repeat_ms[SEV_INFO], 0); /* info never repeats unless given */
    assert_int_equal(n->group_wait_ms, 5000);
    assert_int_equal(n->timeout_ms, 3000);
    assert_int_equal(n->line, 27);

    n = &c->notify[1];
    assert_int_equal(n->kind, NOTIFY_EXEC);
    assert_int_equal(n->argc, 3);
    assert_string_equal(n->argv[0], "/usr/local/bin/sms-gateway");
    assert_string_equal(n->argv[2], "ops");
    assert_null(n->argv[3]); /* NULL-terminated for execv */
    assert_null(n->url);
    /* defaults */
    assert_int_equal(n->min_severity, SEV_WARNING);
    assert_int_equal(n->timeout_ms, 10000);
    assert_int_equal(n->group_wait_ms, 10000);
    assert_int_equal(n->repeat_ms[SEV_CRITICAL], 0);
    cfg_free(c);
    diag_done(&d);
}

static void test_implicit_rules(void **state)
{
    (void)state;
    setenv("IOC_T_HOOK_PW", "pw-secret", 1);
    setenv("IOC_T_HOOK_TOKEN", "tok-secret", 1);
    Diag d;
    Config *c = load(full_yaml, &d);
    assert_non_null(c);
    /* An explicit rule on khongkhi.vn_aqi does not remove its implicit rules. */
    const CfgRule *w = &c->rules[5], *cr = &c->rules[6], *rc = &c->rules[7];
    assert_string_equal(w->id, "khongkhi.vn_aqi:warn");
    assert_true(w->implicit);
    assert_string_equal(w->kpi, "khongkhi.vn_aqi");
    assert_int_equal(w->severity, SEV_WARNING);
    assert_int_equal(w->threshold.n, 1);
    assert_int_equal(w->threshold.op[0], CMP_GT);
    assert_float_equal(w->threshold.v[0], 100, 0);
    assert_int_equal(w->kind, RULE_ABOVE);
    assert_int_equal(w->for_ms, 0);
    assert_null(w->summary);
    assert_int_equal(w->line, 7); /* where the KPI is */

    assert_string_equal(cr->id, "khongkhi.vn_aqi:crit");
    assert_int_equal(cr->severity, SEV_CRITICAL);
    assert_float_equal(cr->threshold.v[0], 150, 0);

    assert_string_equal(rc->id, "dvc.rate:crit");
    assert_int_equal(rc->threshold.n, 2); /* "< 50 or > 101" copied whole */
    assert_int_equal(rc->threshold.op[1], CMP_GT);
    assert_int_equal(rc->kind, RULE_BELOW);
    assert_null(rule(c, "dvc.rate:warn")); /* no warn threshold, no rule */
    assert_null(rule(c, "khongkhi.pm25:warn"));
    cfg_free(c);
    diag_done(&d);

    /* Without a rules: section there are still implicit rules; no notify. */
    c = load("ioc: { name: T }\nfeeds:\n  - id: a\n    url: http://h/a\n"
             "    kpis: [{ id: x, select: $.x, crit: '>= 3' }]\n",
             &d);
    assert_non_null(c);
    assert_int_equal(c->n_rules, 1);
    assert_string_equal(c->rules[0].id, "a.x:crit");
    assert_int_equal(c->n_notify, 0);
    assert_null(c->alert_log);
    cfg_free(c);
    diag_done(&d);
}

typedef struct {
    const char *text;
    int line, col;
    const char *msg;
} BadCase;

/* Lines 1-5: one feed "a" with KPIs a.x (target 50, warn, crit) and a.y. */
#define HEAD                                                                                       \
    "ioc: { name: T }\nfeeds:\n  - id: a\n    url: http://h/a\n"                                   \
    "    kpis: [{ id: x, select: $.x, target: 50, warn: '> 60', crit: '> 80' }, "                  \
    "{ id: y, select: $.y }]\n"
#define RULES  HEAD "rules:\n"
#define NOTIFY HEAD "notify:\n"

/* Loads every case and checks that it fails with its error. */
static void check_cases(const BadCase *cases, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        Diag d;
        Config *c = load(cases[i].text, &d);
        bool ok = !c && has_error(&d, cases[i].line, cases[i].col, cases[i].msg);
        if (!ok) {
            print_message("case %zu: want %d:%d '%s'; got:\n", i, cases[i].line, cases[i].col,
                          cases[i].msg);
            dump(&d);
            failed++;
        }
        cfg_free(c);
        diag_done(&d);
    }
    assert_int_equal(failed, 0);
}

static void test_rule_errors(void **state)
{
    (void)state;
    static const BadCase cases[] = {
        /* keys */
        {RULES "  - { id: r, kpi: a.x, above: 10, sevrity: info }\n", 7, 35,
         "unknown key 'sevrity' in rule (did you mean 'severity'?)"},
        {RULES "  - { id: r, kpi: a.x, above: 10, colour: red }\n", 7, 35,
         "unknown key 'colour' in rule (expected one of: id, kpi, feed, above"},
        {HEAD "rule:\n  - { id: r, kpi: a.x, above: 1 }\n", 6, 1,
         "unknown key 'rule' at the top level (did you mean 'rules'?)"},
        {RULES "  - { kpi: a.x, above: 1 }\n", 7, 5, "missing required key 'id' in rule"},
        {RULES "  - { id: \"a:b\", kpi: a.x, above: 1 }\n", 7, 13,
         "invalid id 'a:b': only letters, digits, '_' and '-' are allowed"},
        {HEAD "rules: { id: r }\n", 6, 8, "expected a list of rules, got a mapping"},
        {RULES "  - aqi_high\n", 7, 5, "expected a rule (a mapping with id, kpi or feed"},
        {RULES "  - { id: r, kpi: a.x, above: 1 }\n  - { id: r, kpi: a.y, nodata: 1m }\n", 8, 11,
         "duplicate rule id 'r' (first defined at line 7)"},
        /* what it watches */
        {RULES "  - { id: r, kpi: a.z, above: 10 }\n", 7, 19,
         "unknown KPI 'a.z' (did you mean 'a.x'?)"},
        {RULES "  - { id: r, kpi: aqi, above: 10 }\n", 7, 19, "unknown KPI 'aqi' (write feed.kpi"},
        {RULES "  - { id: r, feed: ab, down: 3 }\n", 7, 20,
         "unknown feed 'ab' (did you mean 'a'?)"},
        {RULES "  - { id: r, kpi: a.x, feed: a, above: 1 }\n", 7, 30,
         "a rule watches either a 'kpi' or a 'feed', not both"},
        {RULES "  - { id: r, above: 1 }\n", 7, 5,
         "a rule needs 'kpi' (a KPI key such as dvc.online_rate) or 'feed'"},
        /* conditions: zero or two */
        {RULES "  - { id: r, kpi: a.x }\n", 7, 5,
         "a KPI rule needs one condition: above, below, change or nodata"},
        {RULES "  - { id: r, kpi: a.x, above: 10, below: 5 }\n", 7, 35,
         "a rule has one condition: 'below' cannot be combined with 'above' (write two rules)"},
        {RULES "  - { id: r, kpi: a.x, nodata: 5m, change: { over: 1m, by: 2 } }\n", 7, 36,
         "'change' cannot be combined with 'nodata'"},
        {RULES "  - { id: r, feed: a }\n", 7, 5,
         "a feed rule needs a condition: down, slow or bad_data"},
        {RULES "  - { id: r, kpi: a.x, down: 3 }\n", 7, 24,
         "'down' is a feed condition: use it with 'feed', not 'kpi'"},
        {RULES "  - { id: r, feed: a, above: 3 }\n", 7, 23,
         "'above' watches a KPI value: use it with 'kpi', not 'feed'"},
        /* above / below */
        {RULES "  - { id: r, kpi: a.x, above: high }\n", 7, 31,
         "expected a number or 'target' for 'above', got 'high'"},
        {RULES "  - { id: r, kpi: a.y, above: target }\n", 7, 31,
         "'above: target' needs a target on KPI 'a.y' (add target: to the KPI)"},
        {RULES "  - { id: r, kpi: a.x, above: }\n", 7, 24, "'above' in rule has no value"},
        /* hysteresis: clear on the wrong side */
        {RULES "  - { id: r, kpi: a.x, above: 150, clear: 160 }\n", 7, 43,
         "'clear' (160) must be at most 'above' (150)"},
        {RULES "  - { id: r, kpi: a.x, below: 50, clear: 40 }\n", 7, 42,
         "'clear' (40) must be at least 'below' (50)"},
        {RULES "  - { id: r, kpi: a.x, above: target, clear: 60 }\n", 7, 46,
         "'clear' (60) must be at most 'above' (50)"},
        {RULES "  - { id: r, kpi: a.x, change: { over: 1h, by: 5 }, clear: 6 }\n", 7, 60,
         "'clear' (6) must be greater than 0 and at most 'by' (5)"},
        {RULES "  - { id: r, kpi: a.x, nodata: 5m, clear: 1 }\n", 7, 43,
         "'clear' applies to above, below and change rules"},
        {RULES "  - { id: r, feed: a, down: 2, clear: 1 }\n", 7, 39,
         "'clear' applies to above, below and change rules"},
        {RULES "  - { id: r, kpi: a.x, above: 1, clear: lots }\n", 7, 41,
         "expected a number for 'clear', got 'lots'"},
        /* change */
        {RULES "  - { id: r, kpi: a.x, change: { over: 1h } }\n", 7, 32,
         "missing required key 'by' in 'change'"},
        {RULES "  - { id: r, kpi: a.x, change: { by: 5 } }\n", 7, 32,
         "missing required key 'over' in 'change'"},
        {RULES "  - { id: r, kpi: a.x, change: 50 }\n", 7, 32,
         "expected a mapping with over and by, e.g. { over: 1h, by: 50 }, got a value"},
        {RULES "  - { id: r, kpi: a.x, change: { over: 1h, by: 0 } }\n", 7, 48,
         "'by' must be greater than 0"},
        {RULES "  - { id: r, kpi: a.x, change: { over: 500ms, by: 3 } }\n", 7, 40,
         "'over' must be at least 1s"},
        {RULES "  - { id: r, kpi: a.x, change: { ovr: 1h, by: 3 } }\n", 7, 34,
         "unknown key 'ovr' in 'change' (did you mean 'over'?)"},
        /* nodata, durations */
        {RULES "  - { id: r, kpi: a.x, nodata: 5 }\n", 7, 32, "durations need a unit: 5s"},
        {RULES "  - { id: r, kpi: a.x, nodata: 0s }\n", 7, 32, "'nodata' must be at least 1s"},
        {RULES "  - { id: r, kpi: a.x, above: 1, for: 2 }\n", 7, 39, "durations need a unit: 2s"},
        {RULES "  - { id: r, kpi: a.x, above: 1, keep_firing_for: soon }\n", 7, 51,
         "invalid duration 'soon' for 'keep_firing_for'"},
        /* feed conditions */
        {RULES "  - { id: r, feed: a, down: 0 }\n", 7, 29,
         "expected a whole number from 1 to 10000 for 'down', got '0'"},
        {RULES "  - { id: r, feed: a, slow: 5s }\n", 7, 29,
         "slow 5s must be shorter than the timeout 5s of feed 'a'"},
        {RULES "  - { id: r, feed: a, bad_data: many }\n", 7, 33,
         "expected a whole number from 1 to 10000 for 'bad_data'"},
        /* severity, summary, labels */
        {RULES "  - { id: r, kpi: a.x, above: 1, severity: critcal }\n", 7, 44,
         "unknown severity 'critcal' (did you mean 'critical'?)"},
        {RULES "  - { id: r, kpi: a.x, above: 1, severity: urgent }\n", 7, 44,
         "unknown severity 'urgent' (expected info, warning or critical)"},
        {RULES "  - { id: r, kpi: a.x, above: 1, summary: \"AQI {{valeu}}\" }\n", 7, 48,
         "unknown placeholder '{{valeu}}' in 'summary' (did you mean '{{value}}'?)"},
        {RULES "  - { id: r, kpi: a.x, above: 1, summary: \"{{colour}} x\" }\n", 7, 44,
         "unknown placeholder '{{colour}}' in 'summary' (expected kpi, key, value"},
        {RULES "  - { id: r, kpi: a.x, above: 1, summary: \"AQI {{value\" }\n", 7, 48,
         "unterminated '{{' in 'summary' (expected '}}')"},
        {RULES "  - { id: r, kpi: a.x, above: 1, labels: [a] }\n", 7, 42,
         "expected a mapping of label: text, got a list"},
        {RULES "  - { id: r, kpi: a.x, above: 1, labels: { team: [a] } }\n", 7, 50,
         "expected text for label 'team', got a list"},
        /* ioc.alert_log */
        {"ioc: { name: T, alert_log: \"\" }\nfeeds: []\n", 1, 28,
         "'alert_log' must be a file path"},
        {"ioc: { name: T, alert_lg: /tmp/a }\nfeeds: []\n", 1, 17,
         "unknown key 'alert_lg' in 'ioc' (did you mean 'alert_log'?)"},
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_notify_errors(void **state)
{
    (void)state;
    static const BadCase cases[] = {
        {HEAD "notify: { webhook: x }\n", 6, 9, "expected a list of notify entries, got a mapping"},
        {NOTIFY "  - { min_severity: info }\n", 7, 5,
         "a notify entry needs 'webhook' (a URL) or 'exec' (a command)"},
        {NOTIFY "  - { webhook: \"http://h/x\", exec: [/bin/true] }\n", 7, 36,
         "a notify entry has either 'webhook' or 'exec', not both"},
        {NOTIFY "  - { webhok: \"http://h/x\" }\n", 7, 7,
         "unknown key 'webhok' in notify entry (did you mean 'webhook'?)"},
        /* webhook */
        {NOTIFY "  - { webhook: \"ftp://h/x\" }\n", 7, 16,
         "webhook must start with http:// or https:// (got 'ftp://h/x')"},
        {NOTIFY "  - { webhook: \"https:///x\" }\n", 7, 16, "webhook has no host"},
        {NOTIFY "  - { webhook: \"http://h/a b\" }\n", 7, 16,
         "webhook must not contain spaces or control characters"},
        {NOTIFY "  - { webhook: [a] }\n", 7, 16, "expected a URL for 'webhook', got a list"},
        {NOTIFY "  - { webhook: \"http://h/${IOC_T_UNSET_VAR}\" }\n", 7, 26,
         "environment variable 'IOC_T_UNSET_VAR' is not set"},
        {NOTIFY "  - { webhook: \"http://h/x\", headers: { \"Bad Name\": x } }\n", 7, 41,
         "invalid header name 'Bad Name'"},
        {NOTIFY "  - { webhook: \"http://h/x\", headers: [a] }\n", 7, 39,
         "expected a mapping of header: value, got a list"},
        /* exec */
        {NOTIFY "  - { exec: [] }\n", 7, 13, "'exec' needs at least the command"},
        {NOTIFY "  - { exec: [sms-gateway, --to, ops] }\n", 7, 14,
         "the command 'sms-gateway' must be an absolute path such as /usr/local/bin/sms-gateway"},
        {NOTIFY "  - { exec: /bin/true }\n", 7, 13,
         "expected a list such as [\"/usr/local/bin/notify\", \"--to\", \"ops\"] for 'exec'"},
        {NOTIFY "  - { exec: [/bin/echo, { a: b }] }\n", 7, 25,
         "expected text for each item of 'exec', got a mapping"},
        {NOTIFY "  - { exec: [/bin/true], headers: { A: b } }\n", 7, 35,
         "'headers' applies to webhook targets only"},
        /* severities and timings */
        {NOTIFY "  - { webhook: \"http://h/x\", repeat: { critcal: 30m } }\n", 7, 40,
         "unknown severity 'critcal' in 'repeat' (did you mean 'critical'?)"},
        {NOTIFY "  - { webhook: \"http://h/x\", repeat: { urgent: 30m } }\n", 7, 40,
         "unknown severity 'urgent' in 'repeat' (expected info, warning or critical)"},
        {NOTIFY "  - { webhook: \"http://h/x\", repeat: { info: 30 } }\n", 7, 46,
         "durations need a unit: 30s"},
        {NOTIFY "  - { webhook: \"http://h/x\", repeat: { info: 500ms } }\n", 7, 46,
         "'repeat' for info must be at least 1s"},
        {NOTIFY "  - { webhook: \"http://h/x\", repeat: 30m }\n", 7, 38,
         "expected a mapping of severity: duration"},
        {NOTIFY "  - { webhook: \"http://h/x\", min_severity: high }\n", 7, 44,
         "unknown min_severity 'high' (expected info, warning or critical)"},
        {NOTIFY "  - { webhook: \"http://h/x\", timeout: 10m }\n", 7, 39,
         "'timeout' must be from 100ms to 5m"},
        {NOTIFY "  - { webhook: \"http://h/x\", group_wait: 2h }\n", 7, 42,
         "'group_wait' must be at most 1h"},
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* True when no message in d contains secret. */
static bool no_secret(const Diag *d, const char *secret)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->items[i].msg, secret)) return false;
    return true;
}

static void test_secrets_not_in_messages(void **state)
{
    (void)state;
    setenv("IOC_T_HOOK_PW", "pw-s3cret", 1);
    setenv("IOC_T_HOOK_TOKEN", "tok\r\nX-Evil: s3cret", 1);
    Diag d;
    Config *c = load(NOTIFY "  - webhook: \"https://u:${IOC_T_HOOK_PW}@h/a b\"\n"
                            "    headers: { Authorization: \"Bearer ${IOC_T_HOOK_TOKEN}\" }\n"
                            "  - webhook: \"ftp://u:${IOC_T_HOOK_PW}@h/\"\n",
                     &d);
    dump(&d);
    assert_null(c);
    /* The shown form is quoted, with the password masked. */
    assert_true(has_error(&d, 7, 14, "(got 'https://u:***@h/a b')"));
    assert_true(has_error(&d, 8, 31, "header 'Authorization' must not contain line breaks"));
    assert_true(has_error(&d, 9, 14, "(got 'ftp://u:***@h/')"));
    assert_true(no_secret(&d, "pw-s3cret"));
    assert_true(no_secret(&d, "s3cret"));
    diag_done(&d);
}

static void test_all_errors_at_once(void **state)
{
    (void)state;
    Diag d;
    Config *c = load(RULES "  - { id: r1, kpi: a.z, above: 1 }\n"
                           "  - { id: r2, kpi: a.x, above: 1, below: 2 }\n"
                           "  - { id: r1, feed: a, down: 2 }\n"
                           "notify:\n"
                           "  - { exec: [bin/x] }\n",
                     &d);
    dump(&d);
    assert_null(c);
    assert_int_equal(d.errors, 4);
    assert_true(has_error(&d, 7, 20, "unknown KPI 'a.z'"));
    assert_true(has_error(&d, 8, 35, "'below' cannot be combined with 'above'"));
    assert_true(has_error(&d, 9, 11, "duplicate rule id 'r1' (first defined at line 7)"));
    assert_true(has_error(&d, 11, 14, "the command 'bin/x' must be an absolute path"));
    diag_done(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_rules),
        cmocka_unit_test(test_implicit_rules),
        cmocka_unit_test(test_rule_errors),
        cmocka_unit_test(test_notify_errors),
        cmocka_unit_test(test_secrets_not_in_messages),
        cmocka_unit_test(test_all_errors_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
