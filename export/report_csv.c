/* report_csv.c - a report as CSV: one row per KPI, the shape spreadsheets
 * want (RFC 4180, CRLF line ends, base/csvout.h's spreadsheet-safe text
 * cells); the day's time ioc was not running is repeated on each row, like
 * the date. Feeds and alerts are in the other formats (docs/report.md). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/csvout.h"
#include "base/fmt.h"
#include "export/report_internal.h"

/* Writes ",v" with v exact (empty when absent or not finite). */
static void put_num(bool has, double v, FILE *out)
{
    char buf[FMT_NUM_MAX];

    fputc(',', out);
    if (!has || !isfinite(v)) return;
    fmt_shortest(v, buf, sizeof buf);
    fputs(buf, out);
}

/* Writes ",p" with p the share as a percentage, 2 decimals at most. */
static void put_pct(bool has, double share, FILE *out)
{
    char buf[FMT_NUM_MAX];

    fputc(',', out);
    if (!has) return;
    fmt_fixed(FMT_PLAIN, share * 100.0, 2, buf, sizeof buf);
    fputs(buf, out);
}

/* Writes the row of one KPI. */
static void put_row(const Report *r, const ReportKpi *k, FILE *out)
{
    char id[REP_STR_MAX], iso[REP_NUM_MAX];
    bool data = k->has_value && k->samples > 0;

    csvout_text(r->date, out);
    fputc(',', out);
    csvout_text(rep_feed_id(k, id, sizeof id), out);
    fputc(',', out);
    csvout_text(k->feed_name, out);
    fputc(',', out);
    csvout_text(k->key, out);
    fputc(',', out);
    csvout_text(k->name, out);
    fputc(',', out);
    csvout_text(k->unit, out);
    fprintf(out, ",%zu", k->samples);
    put_num(data, k->last, out);
    fputc(',', out);
    csvout_text(data ? rep_fmt_iso(k->last_ts, iso, sizeof iso) : "", out);
    put_num(data, k->min, out);
    put_num(data, k->avg, out);
    put_num(data, k->max, out);
    put_num(k->has_target, k->target, out);
    fputc(',', out);
    csvout_text(rep_met_name(k->met), out);
    put_pct(data, k->warn_share, out);
    put_pct(data, k->crit_share, out);
    fputc(',', out);
    csvout_text(data ? "" : "no data", out);
    put_num(true, (double)r->not_running_ms / 1000.0, out);
    fprintf(out, ",%zu\r\n", r->n_stops);
}

int rep_write_csv(const void *obj, FILE *out)
{
    const Report *r = obj;

    fputs("date,feed,feed_name,kpi,kpi_name,unit,samples,last,last_ts,min,avg,max,target,met,"
          "warn_pct,crit_pct,note,ioc_not_running_s,ioc_not_running_periods\r\n",
          out);
    for (size_t i = 0; i < r->n_kpis; i++) {
        if (!rep_first_of_feed(r, i)) continue;
        for (size_t j = i; j < r->n_kpis; j++)
            if (rep_same_feed(&r->kpis[i], &r->kpis[j])) put_row(r, &r->kpis[j], out);
    }
    return 0;
}
