/* report.h - the supervisors' daily KPI report: its data and its formats.
 *
 * A Report is plain data about one day (in the centre's time zone) built from
 * the archive by report_build() (ioc/report_build.c) and written by
 * report_write() (ioc/report_*.c) as text, Markdown, CSV, JSON or a single
 * self-contained HTML page with an inline SVG chart per KPI. A Report owns
 * all its arrays and strings; report_free() frees them. */
#ifndef IOC_REPORT_H
#define IOC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"

/* Whether a KPI met its target over the day. */
typedef enum { REPORT_MET_UNKNOWN = -1, REPORT_MET_NO = 0, REPORT_MET_YES = 1 } ReportMet;

typedef struct {
    char *key, *name, *unit; /* "dvc.online_rate", display name, unit ("" when none) */
    char *feed_name;
    char *label, *feed_label; /* the names in the UI language (name_en in English,
                                 cfg_kpi_label()): what the text, md and html formats show */
    int decimals;             /* as configured; -1 automatic */
    bool has_target;
    double target;
    char *warn, *crit;        /* thresholds as text ("< 70"), NULL when none */
    size_t samples;           /* samples with a value during the day */
    bool has_value;           /* samples > 0 */
    double last, min, avg, max;
    int64_t last_ts;
    ReportMet met;            /* the day's average on the good side of the target */
    double warn_share;        /* share of the day's covered time in warn (0..1) */
    double crit_share;        /* share in crit (0..1) */
    /* Chart: up to n_points (ts, value) pairs across the day, NaN = gap. */
    int64_t *pt_ts;
    double *pt_v;
    size_t n_points;
} ReportKpi;

typedef struct {
    char *id, *name;
    char *label;              /* the name in the UI language (cfg_feed_label()) */
    double availability;      /* share of the day's polls that succeeded (0..1); NaN no polls
                                 (ioc polls only while it runs: not_running_ms never counts) */
    uint64_t polls, failures;
    int64_t longest_down_ms;  /* longest continuous failure during the day */
} ReportFeed;

typedef struct {
    char *rule, *kpi, *summary; /* kpi may be NULL (feed rules) */
    int severity;               /* Severity */
    int64_t fired_ms;           /* when it fired */
    int64_t acked_ms;           /* 0 when never acknowledged */
    char *acked_by;             /* NULL when never acknowledged */
    int64_t resolved_ms;        /* 0 when still open at the end of the day */
} ReportAlert;

/* A period when ioc was not running (so neither polling nor alerting). */
typedef struct {
    int64_t from_ms, to_ms;   /* clipped to the day's covered time */
    bool clean;               /* after a clean stop; false: ioc was killed or crashed */
} ReportStop;

typedef struct {
    char *centre, *timezone;  /* the config's ioc.name and ioc.timezone */
    char *date;               /* "2026-11-24" */
    int64_t from_ms, to_ms;   /* the day's bounds (local midnight to midnight) */
    int64_t generated_ms;
    ReportKpi *kpis;
    size_t n_kpis;
    ReportFeed *feeds;
    size_t n_feeds;
    ReportAlert *alerts;      /* alerts that fired during the day, in time order */
    size_t n_alerts;
    size_t fired[3];          /* by severity */
    double ack_avg_ms;        /* average time to acknowledge; NaN when none acked */
    int64_t longest_open_ms;  /* the longest fired-to-resolved (or to day end) */
    size_t longest_open_idx;  /* index into alerts of that one */
    int64_t not_running_ms;   /* time of the day (until now, for today) ioc was not running */
    ReportStop *stops;        /* those periods, in time order */
    size_t n_stops;
} Report;

typedef enum { REPORT_TEXT, REPORT_MD, REPORT_CSV, REPORT_JSON, REPORT_HTML } ReportFormat;

/* Frees a report's contents (the Report itself is the caller's). */
void report_free(Report *r);

/* Config names "text" "md" "csv" "json" "html"; false when unknown. */
bool report_format_from_name(const char *name, ReportFormat *out);

/* The format names as a list for messages: "text, md, csv, json, html" in
 * buf of n bytes. Returns buf. */
const char *report_format_names(char *buf, size_t n);

/* Writes r to out in format f. 0, or -1 on an output error. */
int report_write(const Report *r, ReportFormat f, FILE *out);

#endif
