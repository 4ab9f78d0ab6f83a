/* expo.c - the Prometheus text exposition format (see expo.h). */
#include "export/expo.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "base/text.h"

/* Longest label value kept after sanitising (bytes), as the snapshot's strings. */
#define EXPO_STR_MAX 1024

void expo_family(SBuf *b, const char *name, const char *type, const char *help)
{
    sbuf_puts(b, "# HELP ");
    sbuf_puts(b, name);
    sbuf_puts(b, " ");
    sbuf_puts(b, help);
    sbuf_puts(b, "\n# TYPE ");
    sbuf_puts(b, name);
    sbuf_puts(b, " ");
    sbuf_puts(b, type);
    sbuf_puts(b, "\n");
}

void expo_label_value(SBuf *b, const char *v)
{
    char buf[EXPO_STR_MAX];
    text_sanitize(v, buf, sizeof buf);
    const char *run = buf;
    for (const char *p = buf;; p++) {
        if (*p != '\\' && *p != '"' && *p != '\n' && *p) continue;
        sbuf_add(b, run, (size_t)(p - run));
        if (!*p) break;
        sbuf_puts(b, *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : "\\n");
        run = p + 1;
    }
}

void expo_sample(SBuf *b, const char *name, double v, ...)
{
    va_list ap;
    char num[FMT_NUM_MAX];
    bool first = true;

    sbuf_puts(b, name);
    va_start(ap, v);
    for (const char *label; (label = va_arg(ap, const char *));) {
        const char *value = va_arg(ap, const char *);
        sbuf_puts(b, first ? "{" : ",");
        sbuf_puts(b, label);
        sbuf_puts(b, "=\"");
        expo_label_value(b, value);
        sbuf_puts(b, "\"");
        first = false;
    }
    va_end(ap);
    fmt_shortest(v, num, sizeof num);
    sbuf_puts(b, first ? " " : "} ");
    sbuf_puts(b, num);
    sbuf_puts(b, "\n");
}

void expo_kpis(SBuf *b, const ExpoKpi *k, size_t n)
{
    static const KpiStatus all[] = {KST_OK, KST_WARN, KST_CRIT, KST_STALE, KST_NONE};

    expo_family(b, "ioc_kpi_value", "gauge",
                "Current value of a KPI (after scale and offset); absent when it has none.");
    for (size_t i = 0; i < n; i++) {
        if (!k[i].has_value || k[i].status == KST_STALE || isnan(k[i].value)) continue;
        expo_sample(b, "ioc_kpi_value", k[i].value, "feed", k[i].feed, "kpi", k[i].kpi, NULL);
    }
    expo_family(b, "ioc_kpi_target", "gauge", "Target value of a KPI.");
    for (size_t i = 0; i < n; i++)
        if (k[i].has_target)
            expo_sample(b, "ioc_kpi_target", k[i].target, "feed", k[i].feed, "kpi", k[i].kpi, NULL);
    expo_family(b, "ioc_kpi_status", "gauge",
                "Status of a KPI: 1 for the current status (ok warn crit stale none), 0 for "
                "the others.");
    for (size_t i = 0; i < n; i++)
        for (size_t s = 0; s < sizeof all / sizeof all[0]; s++)
            expo_sample(b, "ioc_kpi_status", k[i].status == all[s] ? 1 : 0, "feed", k[i].feed,
                        "kpi", k[i].kpi, "status", cfg_status_name(all[s]), NULL);
    expo_family(b, "ioc_kpi_info", "gauge", "Display name and unit of a KPI; always 1.");
    for (size_t i = 0; i < n; i++)
        expo_sample(b, "ioc_kpi_info", 1, "feed", k[i].feed, "kpi", k[i].kpi, "name",
                    k[i].name ? k[i].name : k[i].kpi, "unit", k[i].unit ? k[i].unit : "", NULL);
}

/* Appends the ioc_feed_poll_duration_seconds histogram of every feed. */
static void put_durations(SBuf *b, const ExpoFeed *f, size_t n)
{
    static const char *const name = "ioc_feed_poll_duration_seconds";

    expo_family(b, name, "histogram",
                "Duration of the completed polls of a feed, failed ones too.");
    for (size_t i = 0; i < n; i++) {
        const FeedStatus *st = f[i].st;
        uint64_t cum = 0;
        char le[FMT_NUM_MAX];
        for (size_t k = 0; k <= FEEDSTATE_BUCKETS; k++) {
            cum += st->duration[k];
            if (k < FEEDSTATE_BUCKETS)
                fmt_shortest((double)feedstate_bucket_ms(k) / 1000.0, le, sizeof le);
            else
                snprintf(le, sizeof le, "+Inf");
            expo_sample(b, "ioc_feed_poll_duration_seconds_bucket", (double)cum, "feed", f[i].id,
                        "le", le, NULL);
        }
        expo_sample(b, "ioc_feed_poll_duration_seconds_sum", (double)st->duration_sum_ms / 1000.0,
                    "feed", f[i].id, NULL);
        expo_sample(b, "ioc_feed_poll_duration_seconds_count", (double)cum, "feed", f[i].id, NULL);
    }
}

void expo_feeds(SBuf *b, const ExpoFeed *f, size_t n)
{
    static const FeedStateKind states[] = {FS_PENDING, FS_OK, FS_SLOW, FS_DOWN, FS_BAD_DATA};

    expo_family(b, "ioc_feed_up", "gauge", "1 when the last poll of the feed delivered data.");
    for (size_t i = 0; i < n; i++)
        expo_sample(b, "ioc_feed_up", feedstate_is_up(f[i].st->state) ? 1 : 0, "feed", f[i].id,
                    NULL);
    expo_family(b, "ioc_feed_state", "gauge",
                "State of the feed: 1 for the current state, 0 for the others.");
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof states / sizeof states[0]; k++)
            expo_sample(b, "ioc_feed_state", f[i].st->state == states[k] ? 1 : 0, "feed", f[i].id,
                        "state", feedstate_name(states[k]), NULL);
    expo_family(b, "ioc_feed_latency_seconds", "gauge",
                "Duration of the last completed poll of the feed.");
    for (size_t i = 0; i < n; i++)
        if (f[i].st->latency_ms >= 0)
            expo_sample(b, "ioc_feed_latency_seconds", (double)f[i].st->latency_ms / 1000.0, "feed",
                        f[i].id, NULL);
    expo_family(b, "ioc_feed_last_success_timestamp_seconds", "gauge",
                "When the feed last delivered data, in seconds since the Unix epoch.");
    for (size_t i = 0; i < n; i++)
        if (f[i].st->last_ok_ms > 0)
            expo_sample(b, "ioc_feed_last_success_timestamp_seconds",
                        (double)f[i].st->last_ok_ms / 1000.0, "feed", f[i].id, NULL);
    expo_family(b, "ioc_feed_polls_total", "counter", "Completed polls of the feed.");
    for (size_t i = 0; i < n; i++)
        expo_sample(b, "ioc_feed_polls_total", (double)f[i].st->polls, "feed", f[i].id, NULL);
    expo_family(b, "ioc_feed_poll_errors_total", "counter",
                "Failed polls of the feed, by reason (docs/metrics.md).");
    for (size_t i = 0; i < n; i++)
        for (int e = FEED_ERR_NONE + 1; e < FEED_ERR_COUNT; e++)
            expo_sample(b, "ioc_feed_poll_errors_total", (double)f[i].st->errors[e], "feed",
                        f[i].id, "reason", feedstate_error_name((FeedError)e), NULL);
    put_durations(b, f, n);
}
