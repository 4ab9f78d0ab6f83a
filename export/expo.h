/* expo.h - the Prometheus text exposition format 0.0.4, written into a
 * growable string: family headers, samples with escaped label values and
 * numbers that read back exactly; and the KPI and feed families that
 * `ioc snapshot -f prom` and `GET /metrics` share, so that both name, label
 * and fill them the same way (docs/metrics.md).
 *
 * Every function appends to an SBuf (base/sbuf.h); out of memory is sticky
 * in b->oom. Nothing else is allocated; no global state. Label values are
 * sanitised (text_sanitize: valid UTF-8, no controls) and then escaped
 * (\\ \" \n); HELP texts are the callers' constants. */
#ifndef IOC_EXPO_H
#define IOC_EXPO_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sbuf.h"
#include "config/config.h"
#include "feeds/feedstate.h"

/* Appends "# HELP name help\n# TYPE name type\n". */
void expo_family(SBuf *b, const char *name, const char *type, const char *help);

/* Appends one sample line "name{l1="v1",...} value\n". The labels follow v
 * as (name, value) pairs of strings, ended by a NULL name; no pair gives a
 * line without braces. v is written as the shortest text that reads back
 * (fmt_shortest: "82.5", "1e+300", "NaN", "+Inf", "-Inf"). */
void expo_sample(SBuf *b, const char *name, double v, ...) __attribute__((sentinel));

/* Appends label value v escaped for a quoted label value (no quotes). */
void expo_label_value(SBuf *b, const char *v);

/* One KPI as the KPI families show it. Strings are borrowed. */
typedef struct {
    const char *feed, *kpi; /* ids from the config */
    const char *name;       /* display name */
    const char *unit;       /* "" when none */
    bool has_value;
    double value; /* when has_value */
    bool has_target;
    double target;
    KpiStatus status;
} ExpoKpi;

/* Appends the KPI families, in this order: ioc_kpi_value (a sample only for
 * a KPI with a current value: none when it has no value, when its value is
 * stale or NaN), ioc_kpi_target (KPIs with a target), ioc_kpi_status (one
 * sample per status ok warn crit stale none, 1 for the current one) and
 * ioc_kpi_info (name and unit, value 1). */
void expo_kpis(SBuf *b, const ExpoKpi *k, size_t n);

/* One feed as the feed families show it (borrowed). */
typedef struct {
    const char *id;
    const FeedStatus *st; /* counters are those since ioc started */
} ExpoFeed;

/* Appends the feed families: ioc_feed_up, ioc_feed_state (one sample per
 * state), ioc_feed_latency_seconds, ioc_feed_last_success_timestamp_seconds,
 * ioc_feed_polls_total, ioc_feed_poll_errors_total (one sample per reason)
 * and the ioc_feed_poll_duration_seconds histogram. */
void expo_feeds(SBuf *b, const ExpoFeed *f, size_t n);

#endif
