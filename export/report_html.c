/* report_html.c - a report as ONE self-contained HTML page a supervisor can
 * open or mail: inline CSS, no script, nothing fetched (a Content Security
 * Policy forbids it too), an inline SVG chart per KPI, status shown by
 * colour AND symbol and word (readable in grey scale and on A4 paper), and
 * every text from a config or a feed HTML-escaped (docs/report.md). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "base/text.h"
#include "export/report_internal.h"

#define CHART_W 168 /* chart size in CSS pixels */
#define CHART_H 44

/* The page's style sheet: screen, then A4 print. */
static const char STYLE[] =
    "*{box-sizing:border-box}"
    "body{font-family:\"Noto Sans\",\"DejaVu Sans\",\"Segoe UI\",Arial,sans-serif;"
    "font-size:14px;color:#1a1a1a;background:#fff;margin:24px;line-height:1.35}"
    "h1{font-size:22px;margin:0 0 4px}"
    "h2{font-size:17px;margin:22px 0 6px;border-bottom:2px solid #333;padding-bottom:2px}"
    "h3{font-size:14px;margin:14px 0 4px}"
    ".sub,.legend,footer{color:#444;font-size:12px;margin:0 0 6px}"
    "table{border-collapse:collapse;width:100%;margin:4px 0 10px}"
    "th,td{border:1px solid #bbb;padding:3px 6px;vertical-align:middle;text-align:left}"
    "th{background:#eee;font-weight:600;font-size:12px}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "td.name{max-width:22em;overflow-wrap:anywhere}"
    "td.wrap{overflow-wrap:anywhere}"
    "td.chart{padding:1px 2px}"
    "table.kpis{table-layout:fixed}"
    "table.kpis th:nth-child(1){width:22%}"
    "table.kpis th:nth-child(2){width:176px}"
    "table.kpis th:nth-child(8){width:9em}"
    "td.nodata{color:#555;font-style:italic;text-align:center}"
    ".unit{color:#555;font-size:12px}"
    ".st{white-space:nowrap;font-weight:600}"
    ".st.yes{color:#176f2c}"
    ".st.no{color:#b42318;font-weight:700}"
    ".st.na{color:#555;font-weight:400}"
    ".sev{white-space:nowrap;font-weight:600}"
    ".sev.critical{color:#b42318;font-weight:700}"
    ".sev.warning{color:#8a5a00}"
    ".sev.info{color:#1f4e8c;font-weight:400}"
    ".open{font-weight:700}"
    "svg.chart{display:block}"
    "svg .bg{fill:#fafafa;stroke:#ccc;stroke-width:1}"
    "svg .warn{fill:#f6d36b;fill-opacity:.28}"
    "svg .crit{fill:#e5533d;fill-opacity:.22}"
    "svg .tick{stroke:#ddd;stroke-width:1}"
    "svg .target{stroke:#444;stroke-width:1.2}"
    "ul.summary{margin:4px 0 8px;padding-left:20px}"
    "@page{size:A4 portrait;margin:12mm}"
    "@media print{body{margin:0;font-size:9pt}"
    "h2{break-after:avoid}h3{break-after:avoid}"
    "tr,svg{break-inside:avoid}thead{display:table-header-group}"
    "th,td{padding:2px 4px}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

void rep_html_put(const char *s, FILE *out)
{
    char buf[REP_STR_MAX];

    for (const char *p = text_clean(s, true, buf, sizeof buf); *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*p, out);
        }
    }
}

/* Writes <tag class="cls">text</tag> with text escaped (cls may be NULL). */
static void put_el(const char *tag, const char *cls, const char *text, FILE *out)
{
    fprintf(out, "<%s", tag);
    if (cls) fprintf(out, " class=\"%s\"", cls);
    fputc('>', out);
    rep_html_put(text, out);
    fprintf(out, "</%s>", tag);
}

/* Writes the head: charset, CSP, title, style. */
static void put_head(const Report *r, FILE *out)
{
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n", i18n_lang() == I18N_EN ? "en" : "vi");
    fputs("<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"generator\" content=\"ioc " IOC_VERSION "\">\n<title>",
          out);
    rep_html_put(r->centre ? r->centre : "ioc", out);
    fputs(" \u2014 ", out);
    char day[REP_NUM_MAX];
    rep_html_put(rep_title(), out);
    fputc(' ', out);
    rep_html_put(rep_fmt_day(r, day, sizeof day), out);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", STYLE);
}

/* Writes the page header: centre, report name, date, zone, generated. */
static void put_title(const Report *r, FILE *out)
{
    char iso[REP_NUM_MAX], day[REP_NUM_MAX];

    fputs("<header>\n", out);
    put_el("h1", NULL, r->centre ? r->centre : "ioc", out);
    fputs("\n<p class=\"sub\">", out);
    rep_html_put(rep_title(), out);
    fputs(" \u00B7 <strong>", out);
    rep_html_put(rep_fmt_day(r, day, sizeof day), out);
    fputs("</strong> \u00B7 ", out);
    rep_html_put(r->timezone, out);
    fputs(" \u00B7 ", out);
    fprintf(out, _("generated %s"), rep_fmt_when(r->generated_ms, iso, sizeof iso));
    fputs("</p>\n</header>\n", out);
}

/* The CSS class of a met state: yes, no or na. */
static const char *met_class(ReportMet m)
{
    return m == REPORT_MET_YES ? "yes" : m == REPORT_MET_NO ? "no" : "na";
}

/* Writes a number cell. */
static void num_cell(const char *text, FILE *out)
{
    put_el("td", "num", text, out);
}

/* Writes the row of one KPI: name and unit, chart, stats, target, met,
 * shares, samples. */
static void kpi_row(const Report *r, const ReportKpi *k, FILE *out)
{
    char v[REP_NUM_MAX], met[128];
    bool data = k->has_value && k->samples > 0;

    fprintf(out, "<tr class=\"kpi met-%s\"><td class=\"name\">", met_class(k->met));
    rep_html_put(rep_kpi_label(k), out);
    if (rep_unit(k)[0]) {
        fputs(" <span class=\"unit\">(", out);
        rep_html_put(rep_unit(k), out);
        fputs(")</span>", out);
    }
    fputs("</td><td class=\"chart\">", out);
    if (!rep_svg_chart(r, k, CHART_W, CHART_H, out)) put_el("span", "unit", _("no chart"), out);
    fputs("</td>", out);
    if (data) {
        num_cell(rep_fmt_value(k, k->last, v, sizeof v), out);
        num_cell(rep_fmt_value(k, k->min, v, sizeof v), out);
        num_cell(rep_fmt_value(k, k->avg, v, sizeof v), out);
        num_cell(rep_fmt_value(k, k->max, v, sizeof v), out);
    } else {
        fputs("<td class=\"nodata\" colspan=\"4\">", out);
        rep_html_put(_("no data"), out);
        fputs("</td>", out);
    }
    num_cell(k->has_target ? rep_fmt_value(k, k->target, v, sizeof v) : "", out);
    snprintf(met, sizeof met, "%s %s", rep_met_symbol(k->met), rep_met_word(k));
    fprintf(out, "<td><span class=\"st %s\">", met_class(k->met));
    rep_html_put(met, out);
    fputs("</span></td>", out);
    num_cell(data ? rep_fmt_share(k->warn_share, v, sizeof v) : "", out);
    num_cell(data ? rep_fmt_share(k->crit_share, v, sizeof v) : "", out);
    fprintf(out, "<td class=\"num\">%zu</td></tr>\n", k->samples);
}

/* Writes a header row: cells whose name starts with '#' are numeric. */
static void put_thead(const char *const *cols, size_t n, FILE *out)
{
    fputs("<thead><tr>", out);
    for (size_t i = 0; i < n; i++) {
        bool num = cols[i][0] == '#';
        put_el("th", num ? "num" : NULL, cols[i] + (num ? 1 : 0), out);
    }
    fputs("</tr></thead>\n", out);
}

/* Writes the KPI section: a legend, then one table per feed. */
static void put_kpis(const Report *r, FILE *out)
{
    char h[11][64];
    const char *names[] = {_("KPI"),    _("day"), _("last"), _("min"),  _("avg"),    _("max"),
                           _("target"), _("met"), _("warn"), _("crit"), _("samples")};
    const char *cols[11];

    for (size_t i = 0; i < 11; i++) {
        bool num = (i >= 2 && i <= 6) || i >= 8;
        snprintf(h[i], sizeof h[i], "%s%s", num ? "#" : "", names[i]);
        cols[i] = h[i];
    }
    fputs("<section>\n", out);
    put_el("h2", NULL, _("KPIs"), out);
    fputs("\n<p class=\"legend\">", out);
    rep_html_put(_("\u2713 met: the day's average is on the good side of the target; \u2717 not "
                   "met; \u2013 no target or no data. Chart: the day's values from 00:00 to "
                   "24:00, dashed line the target, shaded bands the warn and crit zones; warn "
                   "and crit: share of the day spent there."),
                 out);
    fputs("</p>\n", out);
    if (r->n_kpis == 0) put_el("p", NULL, _("No KPIs."), out);
    for (size_t i = 0; i < r->n_kpis; i++) {
        if (!rep_first_of_feed(r, i)) continue;
        put_el("h3", NULL, rep_kpi_feed_label(&r->kpis[i]), out);
        fputs("\n<table class=\"kpis\">\n", out);
        put_thead(cols, 11, out);
        fputs("<tbody>\n", out);
        for (size_t j = i; j < r->n_kpis; j++)
            if (rep_same_feed(&r->kpis[i], &r->kpis[j])) kpi_row(r, &r->kpis[j], out);
        fputs("</tbody></table>\n", out);
    }
    fputs("</section>\n", out);
}

/* Writes the feed section: the time ioc was not running, then a table. */
static void put_feeds(const Report *r, FILE *out)
{
    char h[6][64];
    const char *names[] = {_("feed"),  _("name"),     _("availability"),
                           _("polls"), _("failures"), _("longest outage")};
    const char *cols[6];

    for (size_t i = 0; i < 6; i++) {
        snprintf(h[i], sizeof h[i], "%s%s", i >= 2 ? "#" : "", names[i]);
        cols[i] = h[i];
    }
    fputs("<section>\n", out);
    char nr[REP_STR_MAX];

    put_el("h2", NULL, _("Feeds"), out);
    fputc('\n', out);
    put_el("p", "not-running", rep_not_running(r, nr, sizeof nr), out);
    fputc('\n', out);
    if (r->n_feeds == 0) {
        put_el("p", NULL, _("No feeds."), out);
        fputs("\n</section>\n", out);
        return;
    }
    fputs("<table class=\"feeds\">\n", out);
    put_thead(cols, 6, out);
    fputs("<tbody>\n", out);
    for (size_t i = 0; i < r->n_feeds; i++) {
        const ReportFeed *f = &r->feeds[i];
        char v[REP_NUM_MAX];
        fputs("<tr>", out);
        put_el("td", "wrap", f->id, out);
        put_el("td", "name", rep_feed_label(f), out);
        num_cell(rep_fmt_share(f->availability, v, sizeof v), out);
        fprintf(out, "<td class=\"num\">%llu</td><td class=\"num\">%llu</td>",
                (unsigned long long)f->polls, (unsigned long long)f->failures);
        fmt_span(f->longest_down_ms, v, sizeof v);
        num_cell(f->longest_down_ms > 0 ? v : "", out);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n</section>\n", out);
}

/* Writes the alert summary as a list. */
static void put_alert_summary(const Report *r, FILE *out)
{
    char d[REP_NUM_MAX], line[256];
    const ReportAlert *lo = rep_longest_open(r);

    fputs("<ul class=\"summary\">\n<li>", out);
    snprintf(line, sizeof line, _("fired: %zu critical, %zu warning, %zu info"),
             r->fired[SEV_CRITICAL], r->fired[SEV_WARNING], r->fired[SEV_INFO]);
    rep_html_put(line, out);
    fputs("</li>\n<li>", out);
    snprintf(line, sizeof line, _("average time to acknowledge: %s"),
             rep_fmt_ack_avg(r, d, sizeof d));
    rep_html_put(line, out);
    fputs("</li>\n", out);
    if (lo) {
        fputs("<li>", out);
        rep_html_put(_("longest open"), out);
        fputs(": <strong>", out);
        rep_html_put(lo->rule, out);
        fmt_span(r->longest_open_ms, d, sizeof d);
        fprintf(out, "</strong> (%s)</li>\n", d);
    }
    fputs("</ul>\n", out);
}

/* Writes the alert section: the summary, then a table of the day's alerts. */
static void put_alerts(const Report *r, FILE *out)
{
    const char *cols[] = {_("fired"),   _("severity"), _("rule"),      _("KPI"),
                          _("summary"), _("acked by"), _("ack after"), _("resolved")};

    fputs("<section>\n", out);
    put_el("h2", NULL, _("Alerts"), out);
    fputc('\n', out);
    put_alert_summary(r, out);
    if (r->n_alerts == 0) {
        put_el("p", NULL, _("No alerts fired."), out);
        fputs("\n</section>\n", out);
        return;
    }
    fputs("<table class=\"alerts\">\n", out);
    put_thead(cols, 8, out);
    fputs("<tbody>\n", out);
    for (size_t i = 0; i < r->n_alerts; i++) {
        const ReportAlert *al = &r->alerts[i];
        const char *sev = cfg_severity_name((Severity)al->severity);
        char v[REP_NUM_MAX], word[64];
        fputs("<tr>", out);
        put_el("td", "num", rep_fmt_clock(r, al->fired_ms, v, sizeof v), out);
        snprintf(word, sizeof word, "%s %s", rep_severity_symbol(al->severity),
                 rep_severity_word(al->severity));
        fprintf(out, "<td><span class=\"sev %s\">", sev);
        rep_html_put(word, out);
        fputs("</span></td>", out);
        put_el("td", "wrap", al->rule, out);
        put_el("td", "wrap", al->kpi ? al->kpi : "", out);
        put_el("td", "wrap", al->summary, out);
        put_el("td", NULL, al->acked_ms ? (al->acked_by ? al->acked_by : "?") : "", out);
        fmt_span(rep_elapsed(al->acked_ms, al->fired_ms), v, sizeof v);
        num_cell(al->acked_ms ? v : "", out);
        if (al->resolved_ms)
            num_cell(rep_fmt_clock(r, al->resolved_ms, v, sizeof v), out);
        else
            put_el("td", "open", _("open"), out);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n</section>\n", out);
}

int rep_write_html(const void *r, FILE *out)
{
    put_head(r, out);
    put_title(r, out);
    put_kpis(r, out);
    put_feeds(r, out);
    put_alerts(r, out);
    fputs("<footer>", out);
    rep_html_put("ioc " IOC_VERSION, out);
    fputs("</footer>\n</body>\n</html>\n", out);
    return 0;
}
