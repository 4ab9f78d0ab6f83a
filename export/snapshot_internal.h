/* snapshot_internal.h - what the snapshot exporters share (private to
 * ioc/snapshot*.c). */
#ifndef IOC_SNAPSHOT_INTERNAL_H
#define IOC_SNAPSHOT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "export/snapshot.h"

/* Longest text kept of a name, unit or error after sanitising (bytes). */
#define SNAP_STR_MAX 1024

/* Counts over a whole snapshot. */
typedef struct {
    size_t feeds, feeds_up;
    size_t kpis, ok, warn, crit, stale, none;
} SnapSummary;

/* Counts feeds, feeds up and KPIs by status. */
void snap_summarize(const Snapshot *s, SnapSummary *sum);

/* Sanitised copy of s (NULL gives "") in buf of n bytes (text_sanitize):
 * no controls, no bidi overrides, valid UTF-8. Returns buf. */
const char *snap_clean(const char *s, char *buf, size_t n);

/* Shortest text that reads back as v ("82.5", "70", "0.1", "1e+300"),
 * with a '.' decimal point whatever the locale. Non-finite values are
 * written nan, pinf and ninf. Returns buf. */
const char *snap_fmt_double(double v, char *buf, size_t n, const char *nan, const char *pinf,
                            const char *ninf);

/* A threshold as the config writes it: "< 70", "< 5.5 or > 9"; "" when it
 * has no comparison. Returns buf. */
const char *snap_fmt_threshold(const CfgThreshold *t, char *buf, size_t n);

/* Why KPI sk of feed sf has no value, for exports ("" when it has one):
 * its own error, "feed down: ..." when the feed's failure is the reason,
 * "no data yet" before the first poll, "value is not finite". Returns buf. */
const char *snap_kpi_error(const SnapFeed *sf, const SnapKpi *sk, char *buf, size_t n);

/* The value of a KPI as exports write it: rounded to the KPI's decimals
 * when it has them (11.600000000000001 with 1 decimal is 11.6), else v. */
double snap_kpi_value(const SnapKpi *sk);

/* Replaces the locale's decimal point in the number text buf by '.'. */
void snap_c_decimal_point(char *buf);

/* The exporters: return 0, or -1 with errno set (ENOMEM). Output errors are
 * checked by snap_write(). */
int snap_write_json(const Snapshot *s, FILE *out);
int snap_write_csv(const Snapshot *s, FILE *out);
int snap_write_prom(const Snapshot *s, FILE *out);
int snap_write_text(const Snapshot *s, FILE *out);

#endif
