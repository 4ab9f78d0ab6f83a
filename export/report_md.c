/* report_md.c - a report as GitHub-flavoured Markdown: a title, then tables
 * of KPIs (one per feed), feeds and alerts. Every text from a config or a
 * feed is escaped so that it stays plain text inside a table cell
 * (docs/report.md). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "base/text.h"
#include "export/report_internal.h"

/* Writes s sanitised and inert: < > & as HTML entities (no raw HTML gets
 * through), other Markdown punctuation backslash-escaped (| ends a cell,
 * * _ ` [ ] ~ \ would format or link; ! and # are inert without them). */
static void md_put(const char *s, FILE *out)
{
    char buf[REP_STR_MAX];

    for (const char *p = text_clean(s, true, buf, sizeof buf); *p; p++) {
        if (*p == '<')
            fputs("&lt;", out);
        else if (*p == '>')
            fputs("&gt;", out);
        else if (*p == '&')
            fputs("&amp;", out);
        else {
            if (strchr("\\|*_`[]~", *p)) fputc('\\', out);
            fputc(*p, out);
        }
    }
}

/* Writes a table cell: " text |". */
static void md_cell(const char *s, FILE *out)
{
    fputc(' ', out);
    md_put(s, out);
    fputs(" |", out);
}

/* Writes a header row and its delimiter row; align[i] 'r' right, else left. */
static void md_head(const char *const *cols, const char *align, FILE *out)
{
    size_t n = strlen(align);

    fputc('|', out);
    for (size_t i = 0; i < n; i++)
        md_cell(cols[i], out);
    fputs("\n|", out);
    for (size_t i = 0; i < n; i++)
        fputs(align[i] == 'r' ? " ---: |" : " --- |", out);
    fputc('\n', out);
}

/* Writes the title and the day's facts. */
static void put_title(const Report *r, FILE *out)
{
    char iso[REP_NUM_MAX], day[REP_NUM_MAX];

    fputs("# ", out);
    md_put(r->centre ? r->centre : "ioc", out);
    fprintf(out, " \u2014 %s\n\n", rep_title());
    fprintf(out, "%s: ", _("Date"));
    md_put(rep_fmt_day(r, day, sizeof day), out);
    fprintf(out, " (");
    md_put(r->timezone, out);
    fprintf(out, ")  \n%s: %s\n", _("Generated"), rep_fmt_when(r->generated_ms, iso, sizeof iso));
}

/* Writes the row of one KPI. */
static void kpi_row(const ReportKpi *k, FILE *out)
{
    char v[REP_NUM_MAX], met[128];
    bool data = k->has_value && k->samples > 0;

    fputc('|', out);
    md_cell(rep_kpi_label(k), out);
    if (data) {
        md_cell(rep_fmt_value(k, k->last, v, sizeof v), out);
        md_cell(rep_fmt_value(k, k->min, v, sizeof v), out);
        md_cell(rep_fmt_value(k, k->avg, v, sizeof v), out);
        md_cell(rep_fmt_value(k, k->max, v, sizeof v), out);
    } else {
        md_cell(_("no data"), out);
        fputs("  |  |  |", out);
    }
    md_cell(rep_unit(k), out);
    md_cell(k->has_target ? rep_fmt_value(k, k->target, v, sizeof v) : "", out);
    snprintf(met, sizeof met, "%s %s", rep_met_symbol(k->met), rep_met_word(k));
    md_cell(met, out);
    md_cell(data ? rep_fmt_share(k->warn_share, v, sizeof v) : "", out);
    md_cell(data ? rep_fmt_share(k->crit_share, v, sizeof v) : "", out);
    fprintf(out, " %zu |\n", k->samples);
}

/* Writes the KPI section: one table per feed. */
static void put_kpis(const Report *r, FILE *out)
{
    const char *head[] = {_("KPI"),    _("last"), _("min"),  _("avg"),  _("max"),    _("unit"),
                          _("target"), _("met"),  _("warn"), _("crit"), _("samples")};

    fprintf(out, "\n## %s\n", _("KPIs"));
    if (r->n_kpis == 0) fprintf(out, "\n%s\n", _("No KPIs."));
    for (size_t i = 0; i < r->n_kpis; i++) {
        if (!rep_first_of_feed(r, i)) continue;
        fputs("\n### ", out);
        md_put(rep_kpi_feed_label(&r->kpis[i]), out);
        fputs("\n\n", out);
        md_head(head, "lrrrrlrlrrr", out);
        for (size_t j = i; j < r->n_kpis; j++)
            if (rep_same_feed(&r->kpis[i], &r->kpis[j])) kpi_row(&r->kpis[j], out);
    }
}

/* Writes the feed section: the time ioc was not running, then a table. */
static void put_feeds(const Report *r, FILE *out)
{
    const char *head[] = {_("feed"),  _("name"),     _("availability"),
                          _("polls"), _("failures"), _("longest outage")};

    char nr[REP_STR_MAX];

    fprintf(out, "\n## %s\n\n", _("Feeds"));
    md_put(rep_not_running(r, nr, sizeof nr), out);
    fputs("\n\n", out);
    if (r->n_feeds == 0) {
        fprintf(out, "%s\n", _("No feeds."));
        return;
    }
    md_head(head, "llrrrr", out);
    for (size_t i = 0; i < r->n_feeds; i++) {
        const ReportFeed *f = &r->feeds[i];
        char v[REP_NUM_MAX];
        fputc('|', out);
        md_cell(f->id, out);
        md_cell(rep_feed_label(f), out);
        md_cell(rep_fmt_share(f->availability, v, sizeof v), out);
        fprintf(out, " %llu | %llu |", (unsigned long long)f->polls,
                (unsigned long long)f->failures);
        fmt_span(f->longest_down_ms, v, sizeof v);
        md_cell(v, out);
        fputc('\n', out);
    }
}

/* Writes the alert summary as a list. */
static void put_alert_summary(const Report *r, FILE *out)
{
    char d[REP_NUM_MAX];
    const ReportAlert *lo = rep_longest_open(r);

    fprintf(out, _("- fired: %zu critical, %zu warning, %zu info\n"), r->fired[SEV_CRITICAL],
            r->fired[SEV_WARNING], r->fired[SEV_INFO]);
    fprintf(out, _("- average time to acknowledge: %s\n"), rep_fmt_ack_avg(r, d, sizeof d));
    if (lo) {
        fprintf(out, "- %s: ", _("longest open"));
        md_put(lo->rule, out);
        fmt_span(r->longest_open_ms, d, sizeof d);
        fprintf(out, " (%s)\n", d);
    }
}

/* Writes the alert section: the summary, then a table of the day's alerts. */
static void put_alerts(const Report *r, FILE *out)
{
    const char *head[] = {_("fired"),   _("severity"), _("rule"),      _("KPI"),
                          _("summary"), _("acked by"), _("ack after"), _("resolved")};

    fprintf(out, "\n## %s\n\n", _("Alerts"));
    put_alert_summary(r, out);
    if (r->n_alerts == 0) {
        fprintf(out, "\n%s\n", _("No alerts fired."));
        return;
    }
    fputc('\n', out);
    md_head(head, "llllllrl", out);
    for (size_t i = 0; i < r->n_alerts; i++) {
        const ReportAlert *al = &r->alerts[i];
        char v[REP_NUM_MAX], sev[64];
        fputc('|', out);
        md_cell(rep_fmt_clock(r, al->fired_ms, v, sizeof v), out);
        snprintf(sev, sizeof sev, "%s %s", rep_severity_symbol(al->severity),
                 rep_severity_word(al->severity));
        md_cell(sev, out);
        md_cell(al->rule, out);
        md_cell(al->kpi, out);
        md_cell(al->summary, out);
        md_cell(al->acked_ms ? (al->acked_by ? al->acked_by : "?") : "", out);
        fmt_span(rep_elapsed(al->acked_ms, al->fired_ms), v, sizeof v);
        md_cell(al->acked_ms ? v : "", out);
        md_cell(al->resolved_ms ? rep_fmt_clock(r, al->resolved_ms, v, sizeof v) : _("open"), out);
        fputc('\n', out);
    }
}

int rep_write_md(const void *r, FILE *out)
{
    put_title(r, out);
    put_kpis(r, out);
    put_feeds(r, out);
    put_alerts(r, out);
    return 0;
}
