/* snapshot.h - the state of the province at one moment, and its exporters.
 *
 * A Snapshot is plain data built by whoever polled (ioc snapshot, later the
 * console's export and the archive): for each feed of a Config, its status and
 * the value and status of each KPI. It borrows the Config (which must outlive
 * it) and owns its arrays; snap_free() frees them. Exporters write a snapshot
 * as JSON, CSV, Prometheus text or a text table (docs/snapshot.md). */
#ifndef IOC_SNAPSHOT_H
#define IOC_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "feeds/feedstate.h"

typedef struct {
    const CfgKpi *kpi; /* borrowed from the Config */
    bool has_value;
    double value;  /* after scale/offset; valid when has_value */
    int64_t ts_ms; /* wall time of the value; 0 when none */
    KpiStatus status;
    char error[160]; /* why there is no value ("selector matched nothing"); "" otherwise */
} SnapKpi;

typedef struct {
    const CfgFeed *feed; /* borrowed from the Config */
    FeedStatus status;
    SnapKpi *kpis; /* feed->n_kpis entries, owned */
} SnapFeed;

typedef struct {
    const Config *cfg;   /* borrowed */
    int64_t taken_at_ms; /* wall time the snapshot was completed */
    SnapFeed *feeds;     /* cfg->n_feeds entries, owned */
    size_t n_feeds;
} Snapshot;

typedef enum { SNAP_JSON, SNAP_CSV, SNAP_PROM, SNAP_TEXT } SnapFormat;

/* Allocates a snapshot for cfg with every feed pending and every KPI without
 * a value. Returns NULL on out of memory. */
Snapshot *snap_new(const Config *cfg);

/* Frees a snapshot (NULL is fine). */
void snap_free(Snapshot *s);

/* Config names "json" "csv" "prom" "text"; false when unknown. */
bool snap_format_from_name(const char *name, SnapFormat *out);

/* The format names as a list for messages: "json, csv, prom, text" in buf
 * of n bytes. Returns buf. */
const char *snap_format_names(char *buf, size_t n);

/* Writes s to out in format f. Returns 0, or -1 on an output error
 * (errno set). */
int snap_write(const Snapshot *s, SnapFormat f, FILE *out);

#endif
