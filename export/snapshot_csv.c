/* snapshot_csv.c - a snapshot as CSV, one row per KPI (RFC 4180, CRLF line
 * ends, spreadsheet-safe text cells by base/csvout.h; docs/snapshot.md). */
#include <math.h>
#include <stdbool.h>

#include "base/csvout.h"
#include "base/fmt.h"
#include "base/timefmt.h"
#include "export/snapshot_internal.h"

/* Writes one number cell (empty when absent): fmt_shortest(), but +Inf is
 * written "Inf" as spreadsheets read it. */
static void put_num(FILE *out, bool has, double v)
{
    char buf[FMT_NUM_MAX];

    if (!has) return;
    if (isinf(v) && v > 0)
        fputs("Inf", out);
    else {
        fmt_shortest(v, buf, sizeof buf);
        fputs(buf, out);
    }
}

/* Writes the row of one KPI of a feed; sk NULL for a feed without KPIs. */
static void put_row(FILE *out, const SnapFeed *sf, const SnapKpi *sk)
{
    const CfgFeed *f = sf->feed;
    char ts[TIMEFMT_SIZE] = "";

    csvout_text(f->id, out);
    fputc(',', out);
    csvout_text(f->name, out);
    fputc(',', out);
    csvout_text(feedstate_name(sf->status.state), out);
    fputc(',', out);
    if (sk) {
        const CfgKpi *k = sk->kpi;
        csvout_text(k->id, out);
        fputc(',', out);
        csvout_text(k->name, out);
        fputc(',', out);
        put_num(out, sk->has_value, snap_kpi_value(sk));
        fputc(',', out);
        csvout_text(k->unit, out);
        fputc(',', out);
        csvout_text(cfg_status_name(sk->status), out);
        fputc(',', out);
        put_num(out, k->has_target, k->target);
        fputc(',', out);
        if (sk->has_value && sk->ts_ms != 0) timefmt_iso(sk->ts_ms, ts, sizeof ts);
        csvout_text(ts, out);
        fputc(',', out);
        csvout_text(sk->error[0] ? sk->error : sf->status.error, out);
    } else {
        fputs(",,,,,,,", out);
        csvout_text(sf->status.error, out);
    }
    fputs("\r\n", out);
}

int snap_write_csv(const void *obj, FILE *out)
{
    const Snapshot *s = obj;

    fputs("feed,feed_name,feed_state,kpi,kpi_name,value,unit,status,target,ts,error\r\n", out);
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        if (sf->feed->n_kpis == 0) put_row(out, sf, NULL);
        for (size_t k = 0; k < sf->feed->n_kpis; k++)
            put_row(out, sf, &sf->kpis[k]);
    }
    return 0;
}
