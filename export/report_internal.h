/* report_internal.h - what the report writers share (private to
 * export/report*.c): formatting values, times and percentages the same way
 * in every format, and grouping KPIs by feed. Names are sanitised with
 * text_clean() (base/text.h); plain numbers and durations are base/fmt.h's
 * (fmt_shortest, fmt_fixed, fmt_span). */
#ifndef IOC_REPORT_INTERNAL_H
#define IOC_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "export/report.h"

/* Longest text kept of a name, unit, rule or summary after sanitising. */
#define REP_STR_MAX 1024
/* Size of a buffer for one formatted number, time or duration. */
#define REP_NUM_MAX 64

/* A KPI's value for a person: the KPI's decimals, the UI's separators
 * (fmt_number: "485,628", Vietnamese "485.628"), scaled with its symbol for
 * a scaling named unit ("22.0 GiB", base/unit.h); "–" for NaN, "Inf"/"-Inf"
 * for infinities. Returns buf. */
const char *rep_fmt_value(const ReportKpi *k, double v, char *buf, size_t n);

/* The unit column of a KPI's row: "" for a scaling named unit (its cells
 * carry their own symbols, rep_fmt_value()), "%" for percent, else the unit
 * as configured (not cleaned). */
const char *rep_unit(const ReportKpi *k);

/* A share (0..1) as a percentage for a person in the UI's style: "12.5 %"
 * (Vietnamese "12,5 %"), "–" when not finite. Returns buf. */
const char *rep_fmt_share(double share, char *buf, size_t n);

/* The average time to acknowledge for a person ("2m 05s", fmt_span), or
 * "none acknowledged" (translated) when no alert was. Returns buf. */
const char *rep_fmt_ack_avg(const Report *r, char *buf, size_t n);

/* The time from earlier to later in ms: 0 when negative, saturated instead
 * of overflowing (times come from an archive and may be anything). */
int64_t rep_elapsed(int64_t later, int64_t earlier);

/* Local clock time "18:30:05" of ms, or "" when ms is 0 (never). A time
 * on another day than the report's gets its date in the UI's style
 * ("2026-11-25 00:10:00", Vietnamese "25/11/2026 00:10:00"). Returns buf. */
const char *rep_fmt_clock(const Report *r, int64_t ms, char *buf, size_t n);

/* Local ISO time "2026-11-25T18:30:05+07:00", "" when ms is 0: for
 * machines (CSV). Returns buf. */
const char *rep_fmt_iso(int64_t ms, char *buf, size_t n);

/* Local date and time with offset for a person, in the UI's style:
 * "2026-11-25 18:30:05 +07:00" (Vietnamese "25/11/2026 18:30:05 +07:00"),
 * "" when ms is 0. Returns buf. */
const char *rep_fmt_when(int64_t ms, char *buf, size_t n);

/* The names a person reads (in the UI language; the machine names when a
 * report was built without labels): a KPI's, its feed's, a feed row's. */
const char *rep_kpi_label(const ReportKpi *k);
const char *rep_kpi_feed_label(const ReportKpi *k);
const char *rep_feed_label(const ReportFeed *f);

/* The report's day for a person, in the UI's style: "2026-11-24"
 * (Vietnamese "24/11/2026", from from_ms; r->date as it is when from_ms is
 * 0). Returns buf. */
const char *rep_fmt_day(const Report *r, char *buf, size_t n);

/* The summary of the time ioc was not running, for a person (translated):
 * "ioc not running: 32s (1 period, 1 after an unclean stop)", or "ioc not
 * running: none recorded". Returns buf. */
const char *rep_not_running(const Report *r, char *buf, size_t n);

/* "info" "warning" "critical" (untranslated: CSV/JSON keys). */

/* The severity as a person reads it (translated). */
const char *rep_severity_word(int severity);

/* A symbol for a severity, so that colour is never the only cue:
 * "‼" critical, "!" warning, "i" info. */
const char *rep_severity_symbol(int severity);

/* Whether a KPI met its target, for machines: "yes" "no" "–". */
const char *rep_met_name(ReportMet m);

/* The symbol: "✓" "✗" "–". */
const char *rep_met_symbol(ReportMet m);

/* The word a person reads next to the symbol: "met" "not met" "no target"
 * (translated). */
const char *rep_met_word(const ReportKpi *k);

/* The title line: "Daily KPI report" (translated). */
const char *rep_title(void);

/* True when KPI i is the first of its feed (by feed name) in r->kpis: the
 * writers group KPIs by feed in the order feeds first appear. */
bool rep_first_of_feed(const Report *r, size_t i);

/* True when KPIs a and b belong to the same feed. */
bool rep_same_feed(const ReportKpi *a, const ReportKpi *b);

/* The feed part of a KPI key ("dvc" of "dvc.online_rate") in buf. */
const char *rep_feed_id(const ReportKpi *k, char *buf, size_t n);

/* The longest open alert, or NULL when there is none. */
const ReportAlert *rep_longest_open(const Report *r);

/* The writers, FormatWriteFn of report.c's format table: obj is a const
 * Report *. They return 0, or -1 with errno set (ENOMEM); output errors are
 * checked by report_write(). */
int rep_write_text(const void *obj, FILE *out);
int rep_write_md(const void *obj, FILE *out);
int rep_write_csv(const void *obj, FILE *out);
int rep_write_json(const void *obj, FILE *out);
int rep_write_html(const void *obj, FILE *out);

/* Writes the SVG chart of one KPI's day (inline, no scripts, nothing
 * external) sized w x h CSS pixels, or nothing when it has no points with a
 * value. Returns true when a chart was written. */
bool rep_svg_chart(const Report *r, const ReportKpi *k, int w, int h, FILE *out);

/* Writes s sanitised and HTML-escaped (& < > " ') to out. */
void rep_html_put(const char *s, FILE *out);

#endif
