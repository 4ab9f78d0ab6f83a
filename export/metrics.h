/* metrics.h - ioc's state as Prometheus metrics, for GET /metrics of
 * `ioc run`: the text exposition format 0.0.4, every family with # HELP and
 * # TYPE, escaped label values and the stable names of docs/metrics.md
 * (KPIs, feeds, alerts, notifications, the archive, build and process).
 *
 * metrics_write() only reads the Monitor; it appends to an SBuf (the HTTP
 * response body) and changes nothing else, so it can run on every scrape.
 *
 * Counters only grow for the life of the process. A SIGHUP reload builds a
 * new Monitor whose poller, notifier and archive count from 0 again, so the
 * owner keeps one MetricsCarry for the whole process and, just before it
 * frees the old Monitor, adds that Monitor's counters to it
 * (metrics_carry_add). metrics_write() adds the carried counts back: per
 * feed id, per notify target name, and for the archive as a whole. A feed or
 * target removed by a reload loses its series; one that comes back later
 * continues from its carried count.
 *
 * The MetricsCarry is owned by whoever made it (metrics_carry_free); it
 * copies the ids it keeps, so it does not borrow from any Monitor. */
#ifndef IOC_METRICS_H
#define IOC_METRICS_H

#include <stdint.h>

#include "base/sbuf.h"
#include "services/monitor.h"

typedef struct MetricsCarry MetricsCarry;

/* What the Monitor does not know. Every field may be left 0 / NULL. */
typedef struct {
    const char *version;       /* ioc_build_info's version; NULL: IOC_VERSION */
    const char *commit;        /* ioc_build_info's commit; NULL: "unknown" */
    int64_t start_ms;          /* wall ms the process started; 0: no process_start_time_seconds */
    int64_t now_ms;            /* wall ms the KPI values are read at; 0: loop_wall_ms() */
    const MetricsCarry *carry; /* counters of the Monitors replaced by reloads; NULL: none */
} MetricsInfo;

/* Appends the exposition of m's state to out (info may be NULL). Returns 0,
 * or -1 when out ran out of memory (out->oom; the text is then incomplete). */
int metrics_write(const Monitor *m, const MetricsInfo *info, SBuf *out);

/* The Content-Type of what metrics_write() writes. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* A new, empty carry; NULL when out of memory. */
MetricsCarry *metrics_carry_new(void);

/* Frees a carry (NULL is fine). */
void metrics_carry_free(MetricsCarry *c);

/* Adds the counters of m (about to be freed by a reload) to c and counts
 * one reload (ioc_config_reloads_total). 0, or -1 when out of memory (c then
 * holds what it could add). */
int metrics_carry_add(MetricsCarry *c, const Monitor *m);

#endif
