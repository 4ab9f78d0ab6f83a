/* snapshot_prom.c - a snapshot in the Prometheus text exposition format
 * 0.0.4, every family with # HELP and # TYPE (docs/snapshot.md). */
#include <stdbool.h>

#include "base/fmt.h"
#include "base/text.h"
#include "export/snapshot_internal.h"

/* Writes a label value, sanitised and escaped (\\ \" \n). */
static void put_label(FILE *out, const char *name, const char *value, bool first)
{
    char buf[SNAP_STR_MAX];

    fprintf(out, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = text_clean(value, true, buf, sizeof buf); *p; p++) {
        if (*p == '\\')
            fputs("\\\\", out);
        else if (*p == '"')
            fputs("\\\"", out);
        else if (*p == '\n')
            fputs("\\n", out);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* Writes the # HELP and # TYPE lines of a family. */
static void put_family(FILE *out, const char *name, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Writes " value\n" ending a sample line. */
static void put_value(FILE *out, double v)
{
    char buf[FMT_NUM_MAX];
    fmt_shortest(v, buf, sizeof buf); /* NaN +Inf -Inf as the format spells them */
    fprintf(out, "} %s\n", buf);
}

/* Writes the start of a sample of a feed: "name{feed="id"". */
static void put_feed_sample(FILE *out, const char *metric, const SnapFeed *sf)
{
    fprintf(out, "%s{", metric);
    put_label(out, "feed", sf->feed->id, true);
}

/* The number ioc_kpi_status gives a status. */
static int status_number(KpiStatus st)
{
    switch (st) {
    case KST_OK:
        return 0;
    case KST_WARN:
        return 1;
    case KST_CRIT:
        return 2;
    case KST_STALE:
        return 3;
    case KST_NONE:
        return 4;
    }
    return 4;
}

/* Writes the KPI families. */
static void put_kpis(FILE *out, const Snapshot *s)
{
    put_family(out, "ioc_kpi_value", "gauge", "Value of a KPI (after scale and offset).");
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        for (size_t k = 0; k < sf->feed->n_kpis; k++) {
            const SnapKpi *sk = &sf->kpis[k];
            if (!sk->has_value) continue;
            put_feed_sample(out, "ioc_kpi_value", sf);
            put_label(out, "kpi", sk->kpi->id, false);
            put_label(out, "unit", sk->kpi->unit, false);
            put_value(out, sk->value);
        }
    }
    put_family(out, "ioc_kpi_target", "gauge", "Target value of a KPI.");
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        for (size_t k = 0; k < sf->feed->n_kpis; k++) {
            const CfgKpi *kpi = sf->kpis[k].kpi;
            if (!kpi->has_target) continue;
            put_feed_sample(out, "ioc_kpi_target", sf);
            put_label(out, "kpi", kpi->id, false);
            put_value(out, kpi->target);
        }
    }
    put_family(out, "ioc_kpi_status", "gauge",
               "Status of a KPI: 0 ok, 1 warn, 2 crit, 3 stale, 4 none.");
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        for (size_t k = 0; k < sf->feed->n_kpis; k++) {
            put_feed_sample(out, "ioc_kpi_status", sf);
            put_label(out, "kpi", sf->kpis[k].kpi->id, false);
            put_value(out, status_number(sf->kpis[k].status));
        }
    }
}

/* Writes the feed families. */
static void put_feeds(FILE *out, const Snapshot *s)
{
    static const FeedStateKind states[] = {FS_PENDING, FS_OK, FS_SLOW, FS_DOWN, FS_BAD_DATA};

    put_family(out, "ioc_feed_up", "gauge", "1 when the last poll of the feed delivered data.");
    for (size_t i = 0; i < s->n_feeds; i++) {
        put_feed_sample(out, "ioc_feed_up", &s->feeds[i]);
        put_value(out, feedstate_is_up(s->feeds[i].status.state) ? 1 : 0);
    }
    put_family(out, "ioc_feed_state", "gauge",
               "State of the feed: 1 for the current state, 0 for the others.");
    for (size_t i = 0; i < s->n_feeds; i++) {
        for (size_t k = 0; k < sizeof states / sizeof states[0]; k++) {
            put_feed_sample(out, "ioc_feed_state", &s->feeds[i]);
            put_label(out, "state", feedstate_name(states[k]), false);
            put_value(out, s->feeds[i].status.state == states[k] ? 1 : 0);
        }
    }
    put_family(out, "ioc_feed_latency_seconds", "gauge",
               "Duration of the last completed poll of the feed.");
    for (size_t i = 0; i < s->n_feeds; i++) {
        if (s->feeds[i].status.latency_ms < 0) continue;
        put_feed_sample(out, "ioc_feed_latency_seconds", &s->feeds[i]);
        put_value(out, (double)s->feeds[i].status.latency_ms / 1000.0);
    }
    put_family(out, "ioc_feed_polls_total", "counter", "Polls of the feed since ioc started.");
    for (size_t i = 0; i < s->n_feeds; i++) {
        put_feed_sample(out, "ioc_feed_polls_total", &s->feeds[i]);
        put_value(out, (double)s->feeds[i].status.polls);
    }
    put_family(out, "ioc_feed_failures_total", "counter",
               "Failed polls of the feed since ioc started.");
    for (size_t i = 0; i < s->n_feeds; i++) {
        put_feed_sample(out, "ioc_feed_failures_total", &s->feeds[i]);
        put_value(out, (double)s->feeds[i].status.failures);
    }
}

int snap_write_prom(const void *obj, FILE *out)
{
    const Snapshot *s = obj;
    char buf[FMT_NUM_MAX];

    put_kpis(out, s);
    put_feeds(out, s);
    put_family(out, "ioc_snapshot_timestamp_seconds", "gauge",
               "Wall time the snapshot was taken, in seconds since the Unix epoch.");
    fmt_shortest((double)s->taken_at_ms / 1000.0, buf, sizeof buf);
    fprintf(out, "ioc_snapshot_timestamp_seconds %s\n", buf);
    return 0;
}
