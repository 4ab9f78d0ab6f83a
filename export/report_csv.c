/* report_csv.c - a report as CSV: one row per KPI, the shape spreadsheets
 * want (RFC 4180, CRLF line ends, spreadsheet-safe text cells); the day's
 * time ioc was not running is repeated on each row, like the date. Feeds and
 * alerts are in the other formats (docs/report.md). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "export/report_internal.h"

/* Writes one text cell: sanitised, prefixed with ' when a spreadsheet would
 * read it as a formula (= + - @ TAB CR), quoted when it holds , " CR or LF. */
static void put_text(const char *s, FILE *out)
{
    char buf[REP_STR_MAX];
    const char *t = rep_clean(s, buf, sizeof buf);
    bool formula = t[0] != '\0' && strchr("=+-@\t\r", t[0]) != NULL;
    bool quote = strpbrk(t, ",\"\r\n") != NULL;

    if (quote) fputc('"', out);
    if (formula) fputc('\'', out);
    for (const char *p = t; *p; p++) {
        if (*p == '"') fputc('"', out);
        fputc(*p, out);
    }
    if (quote) fputc('"', out);
}

/* Writes ",v" with v exact (empty when absent or not finite). */
static void put_num(bool has, double v, FILE *out)
{
    char buf[REP_NUM_MAX];

    fputc(',', out);
    if (has) fputs(rep_fmt_double(v, buf, sizeof buf), out);
}

/* Writes ",p" with p the share as a percentage, 2 decimals at most. */
static void put_pct(bool has, double share, FILE *out)
{
    char buf[REP_NUM_MAX];

    fputc(',', out);
    if (has) fputs(rep_fmt_fixed(share * 100.0, 2, buf, sizeof buf), out);
}

/* Writes the row of one KPI. */
static void put_row(const Report *r, const ReportKpi *k, FILE *out)
{
    char id[REP_STR_MAX], iso[REP_NUM_MAX];
    bool data = k->has_value && k->samples > 0;

    put_text(r->date, out);
    fputc(',', out);
    put_text(rep_feed_id(k, id, sizeof id), out);
    fputc(',', out);
    put_text(k->feed_name, out);
    fputc(',', out);
    put_text(k->key, out);
    fputc(',', out);
    put_text(k->name, out);
    fputc(',', out);
    put_text(k->unit, out);
    fprintf(out, ",%zu", k->samples);
    put_num(data, k->last, out);
    fputc(',', out);
    put_text(data ? rep_fmt_iso(k->last_ts, iso, sizeof iso) : "", out);
    put_num(data, k->min, out);
    put_num(data, k->avg, out);
    put_num(data, k->max, out);
    put_num(k->has_target, k->target, out);
    fputc(',', out);
    put_text(rep_met_name(k->met), out);
    put_pct(data, k->warn_share, out);
    put_pct(data, k->crit_share, out);
    fputc(',', out);
    put_text(data ? "" : "no data", out);
    put_num(true, (double)r->not_running_ms / 1000.0, out);
    fprintf(out, ",%zu\r\n", r->n_stops);
}

int rep_write_csv(const Report *r, FILE *out)
{
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
