/* snapshot_internal.h - what the snapshot exporters share (private to
 * export/snapshot*.c). Names and errors are sanitised with text_clean()
 * (base/text.h), numbers written with base/fmt.h. */
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

/* The exporters, FormatWriteFn of snapshot.c's format table: obj is a
 * const Snapshot *. They return 0, or -1 with errno set (ENOMEM); output
 * errors are checked by snap_write(). */
int snap_write_json(const void *obj, FILE *out);
int snap_write_csv(const void *obj, FILE *out);
int snap_write_prom(const void *obj, FILE *out);
int snap_write_text(const void *obj, FILE *out);

#endif
