/* metrics_fixture.h - a small province for the metrics tests
 * (tests/unit/test_metrics.c and tests/tools/metrics_sample.c): a Monitor on
 * three feeds and two notify targets with the same name, never started
 * (nothing is polled); poll results are injected with coll_poll_result()
 * as the poller would deliver them. Static functions: one copy per program. */
#ifndef IOC_TEST_METRICS_FIXTURE_H
#define IOC_TEST_METRICS_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "services/monitor.h"

/* The fixture's config: the ioc: line goes before, with or without an
 * archive. The name of dvc.rate holds a quote, a backslash and a newline;
 * the unit of env.aqi is UTF-8 with a quote. */
static const char mfx_yaml[] =
    "feeds:\n"
    "  - id: dvc\n"
    "    url: http://127.0.0.1:1/x\n"
    "    interval: 10s\n"
    "    kpis:\n"
    "      - { id: rate, name: \"Rate \\\"online\\\" \\\\ x\\ny\", unit: \"%\", select: $.r,\n"
    "          target: 80, warn: '< 60', crit: '< 50' }\n"
    "      - { id: backlog, select: $.n }\n"
    "  - id: soc\n"
    "    url: http://127.0.0.1:1/y\n"
    "    interval: 10s\n"
    "    kpis: [ { id: high, select: $.h, crit: '>= 3' } ]\n"
    "  - id: env\n"
    "    url: http://127.0.0.1:1/z\n"
    "    interval: 10s\n"
    "    kpis: [ { id: aqi, unit: \"\xC2\xB5g/m\xC2\xB3 \\\"avg\\\"\", select: $.a } ]\n"
    "notify:\n"
    "  - webhook: http://127.0.0.1:9/hook\n"
    "  - webhook: http://127.0.0.1:9/hook\n"
    "  - webhook: http://127.0.0.1:9/other\n";

/* Builds the fixture's Monitor, with its archive at archive_path (NULL: none).
 * NULL with a message in err. */
static Monitor *mfx_monitor(const char *archive_path, char *err, size_t errlen)
{
    char line[400], yaml[sizeof(mfx_yaml) + sizeof(line)];
    snprintf(line, sizeof(line), "ioc: { name: \"H\xE1\xBA\xA3i D\xC6\xB0\xC6\xA1ng\"%s%s%s }\n",
             archive_path ? ", archive: \"" : "", archive_path ? archive_path : "",
             archive_path ? "\"" : "");
    snprintf(yaml, sizeof(yaml), "%s%s", line, mfx_yaml);
    Diag d;
    diag_init(&d);
    Config *cfg = cfg_load_string(yaml, strlen(yaml), "metrics.yaml", &d);
    if (!cfg && d.n > 0) diag_format(&d.items[0], err, errlen);
    diag_done(&d);
    if (!cfg) return NULL;
    return monitor_new(cfg, NULL, NULL, err, errlen);
}

/* Delivers one poll of feed f as the poller would: state, duration and
 * error reason, and the values of its KPIs (NaN: no value), at wall_ms. */
static void mfx_poll(Monitor *m, size_t f, FeedStateKind state, int64_t latency_ms, FeedError why,
                     const double *vals, int64_t wall_ms)
{
    Collector *c = m->coll;
    FeedStatus st = c->feeds[f];
    bool up = state == FS_OK || state == FS_SLOW;
    st.state = state;
    st.latency_ms = latency_ms;
    st.last_poll_ms = wall_ms;
    if (up) st.last_ok_ms = wall_ms;
    st.polls++;
    st.failures += up ? 0 : 1;
    snprintf(st.error, sizeof(st.error), "%s", up ? "" : feedstate_error_name(why));
    feedstate_count_poll(&st, latency_ms, up ? FEED_ERR_NONE : why);
    KpiValue kv[8];
    memset(kv, 0, sizeof(kv));
    for (size_t k = 0; k < c->cfg->feeds[f].n_kpis && k < 8; k++) {
        kv[k].has_value = !isnan(vals[k]);
        kv[k].value = vals[k];
        if (!kv[k].has_value) snprintf(kv[k].error, sizeof(kv[k].error), "%s", st.error);
    }
    coll_poll_result(c, f, &st, kv, wall_ms);
}

/* The scene the tests check, ending at now_ms:
 *   dvc: two polls, ok, 120 ms then 40 ms: rate 72.5 then 55 (warn), backlog 1234567 then 1300;
 *   soc: ok in 8 ms (high 1), then a timeout after 4 s: high is stale;
 *   env: bad data in 30 ms, then HTTP 503 in 2 ms: aqi never had a value. */
static void mfx_scene(Monitor *m, int64_t now_ms)
{
    mfx_poll(m, 0, FS_OK, 120, FEED_ERR_NONE, (double[]){72.5, 1234567}, now_ms - 20000);
    mfx_poll(m, 1, FS_OK, 8, FEED_ERR_NONE, (double[]){1}, now_ms - 19000);
    mfx_poll(m, 2, FS_BAD_DATA, 30, FEED_ERR_BAD_DATA, (double[]){NAN}, now_ms - 18000);
    mfx_poll(m, 0, FS_OK, 40, FEED_ERR_NONE, (double[]){55, 1300}, now_ms - 10000);
    mfx_poll(m, 1, FS_DOWN, 4000, FEED_ERR_TIMEOUT, (double[]){NAN}, now_ms - 9000);
    mfx_poll(m, 2, FS_DOWN, 2, FEED_ERR_HTTP, (double[]){NAN}, now_ms - 8000);
}

#endif
