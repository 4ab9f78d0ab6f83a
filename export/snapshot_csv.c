/* snapshot_csv.c - a snapshot as CSV, one row per KPI (RFC 4180, CRLF line
 * ends, spreadsheet-safe text cells; docs/snapshot.md). */
#include <stdbool.h>
#include <string.h>

#include "export/snapshot_internal.h"
#include "base/timefmt.h"

/* Writes one text cell: sanitised, prefixed with ' when a spreadsheet would
 * read it as a formula (= + - @ TAB CR), quoted when it holds , " CR or LF. */
static void put_text(FILE *out, const char *s)
{
    char buf[SNAP_STR_MAX];
    const char *t = snap_clean(s, buf, sizeof buf);
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

/* Writes one number cell (empty when absent). */
static void put_num(FILE *out, bool has, double v)
{
    char buf[40];

    if (has) fputs(snap_fmt_double(v, buf, sizeof buf, "NaN", "Inf", "-Inf"), out);
}

/* Writes the row of one KPI of a feed; sk NULL for a feed without KPIs. */
static void put_row(FILE *out, const SnapFeed *sf, const SnapKpi *sk)
{
    const CfgFeed *f = sf->feed;
    char ts[TIMEFMT_SIZE] = "";

    put_text(out, f->id);
    fputc(',', out);
    put_text(out, f->name);
    fputc(',', out);
    put_text(out, feedstate_name(sf->status.state));
    fputc(',', out);
    if (sk) {
        const CfgKpi *k = sk->kpi;
        put_text(out, k->id);
        fputc(',', out);
        put_text(out, k->name);
        fputc(',', out);
        put_num(out, sk->has_value, snap_kpi_value(sk));
        fputc(',', out);
        put_text(out, k->unit);
        fputc(',', out);
        put_text(out, cfg_status_name(sk->status));
        fputc(',', out);
        put_num(out, k->has_target, k->target);
        fputc(',', out);
        if (sk->has_value && sk->ts_ms != 0) timefmt_iso(sk->ts_ms, ts, sizeof ts);
        put_text(out, ts);
        fputc(',', out);
        put_text(out, sk->error[0] ? sk->error : sf->status.error);
    } else {
        fputs(",,,,,,,", out);
        put_text(out, sf->status.error);
    }
    fputs("\r\n", out);
}

int snap_write_csv(const Snapshot *s, FILE *out)
{
    fputs("feed,feed_name,feed_state,kpi,kpi_name,value,unit,status,target,ts,error\r\n", out);
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        if (sf->feed->n_kpis == 0) put_row(out, sf, NULL);
        for (size_t k = 0; k < sf->feed->n_kpis; k++)
            put_row(out, sf, &sf->kpis[k]);
    }
    return 0;
}
