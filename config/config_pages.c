/* config_pages.c - the pages list of a config: pages, rows, panels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "base/i18n.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const page_keys[] = {"title", "rows"};
static const char *const row_keys[] = {"height", "panels"};
static const char *const panel_keys[] = {"widget", "kpi",  "kpis",    "title",
                                         "width",  "text", "for_each"};

/* Widgets and how many KPIs each takes. */
enum { W_STAT, W_GAUGE, W_CHART, W_BARS, W_TABLE, W_ALERTS, W_HEALTH, W_TEXT };
static const char *const widget_names[] = {"stat",  "gauge",  "chart",  "bars",
                                           "table", "alerts", "health", "text"};

/* Adds the KPI key in scalar v to panel p (checking that it exists). */
static void add_kpi_ref(Ld *ld, const YNode *v, CfgPanel *p)
{
    if (v->kind != YNODE_SCALAR || ynode_is_null(v)) {
        ld_err(ld, v->line, v->col, _("expected a KPI key such as 'dvc.online_rate', got %s"),
               ld_kind(v));
        return;
    }
    if (!cfg_find_kpi(ld->cfg, v->str, NULL)) ld_unknown_kpi(ld, v);
    p->kpis[p->n_kpis] = ld_strdup(ld, v, v->str);
    if (p->kpis[p->n_kpis]) p->n_kpis++;
}

/* Loads the kpi / kpis keys of a panel; returns the node to blame for a
 * wrong KPI count (NULL when neither is given). */
static const YNode *load_panel_kpis(Ld *ld, const YNode *m, CfgPanel *p)
{
    const YNode *one = ld_get(ld, m, "kpi", false, "");
    const YNode *many = ld_get(ld, m, "kpis", false, "");
    if (one && many) {
        ld_err(ld, many->line, many->col, "%s", _("use either 'kpi' or 'kpis', not both"));
        return many;
    }
    if (many && !ld_expect(ld, many, YNODE_SEQ, _("a list of KPI keys"))) return many;
    size_t n = one ? 1 : many ? many->n : 0;
    if (n == 0) return many;
    p->kpis = ld_calloc(ld, m, n, sizeof(*p->kpis));
    if (!p->kpis) return NULL;
    if (one) {
        add_kpi_ref(ld, one, p);
        return one;
    }
    for (size_t i = 0; i < many->n; i++)
        add_kpi_ref(ld, many->items[i], p);
    return many;
}

/* Warns when the KPI key of a gauge (written at scalar kn) has no min or no
 * max: its scale would then follow the value and the target. */
static void check_gauge_range(Ld *ld, const YNode *kn, const char *key)
{
    const CfgKpi *k = cfg_find_kpi(ld->cfg, key, NULL);
    if (!k || (!isnan(k->min) && !isnan(k->max))) return;
    const char *missing = isnan(k->min) && isnan(k->max) ? "min/max"
                          : isnan(k->min)                ? "min"
                                                         : "max";
    ld_warn(ld, kn->line, kn->col,
            _("the gauge's KPI '%s' has no %s (line %d): its bar's scale then follows the value "
              "and the target; set min and max on the KPI"),
            key, missing, k->line);
}

/* Checks the widget's rules on KPIs and text. */
static void check_panel(Ld *ld, const YNode *m, size_t w, const YNode *kn, const CfgPanel *p)
{
    const char *name = widget_names[w];
    const YNode *text = ynode_get(m, "text");
    /* Count the KPIs as written (even ones that failed), for the rule. */
    size_t n = kn ? (kn->kind == YNODE_SEQ ? kn->n : 1) : 0;
    switch (w) {
    case W_STAT:
    case W_GAUGE:
        if (n == 0)
            ld_err(ld, m->line, m->col,
                   _("the %s widget needs exactly one KPI: add 'kpi: feed.kpi'"), name);
        else if (n > 1)
            ld_err(ld, kn->line, kn->col, _("the %s widget shows exactly one KPI, got %zu"), name,
                   n);
        else if (w == W_GAUGE && p->n_kpis == 1)
            check_gauge_range(ld, kn, p->kpis[0]);
        break;
    case W_CHART:
    case W_BARS:
    case W_TABLE:
        if (n == 0)
            ld_err(ld, kn ? kn->line : m->line, kn ? kn->col : m->col,
                   _("the %s widget needs at least one KPI: add 'kpi:' or 'kpis:'"), name);
        break;
    default:
        if (n > 0 || kn) ld_err(ld, kn->line, kn->col, _("the %s widget takes no KPI"), name);
        break;
    }
    if (w == W_TEXT && !p->text && !text)
        ld_err(ld, m->line, m->col, "%s", _("the text widget needs 'text'"));
    if (w != W_TEXT && text)
        ld_err(ld, text->line, text->col, _("'text' is only for the text widget, not %s"), name);
}

/* Loads one panel from mapping m into p. */
static void load_panel(Ld *ld, const YNode *m, CfgPanel *p)
{
    p->line = m->line;
    p->col = m->col;
    p->width = 1;
    if (!ld_expect(ld, m, YNODE_MAP, _("a panel (a mapping with widget and kpi)"))) return;
    ld_check_keys(ld, m, panel_keys, N_OF(panel_keys), _("in panel"));
    const YNode *wv = ld_get(ld, m, "widget", true, _("in panel"));
    size_t w = 0;
    bool w_ok = wv && ld_choice(ld, wv, "widget", widget_names, N_OF(widget_names),
                                _("stat, gauge, chart, bars, table, alerts, health or text"), &w);
    if (w_ok) p->widget = ld_strdup(ld, wv, widget_names[w]);
    const YNode *kn = load_panel_kpis(ld, m, p);
    ld_str(ld, m, "title", false, "", &p->title);
    ld_str(ld, m, "text", false, "", &p->text);
    const YNode *v = ld_get(ld, m, "width", false, "");
    if (v) ld_int(ld, v, "width", 1, 100, &p->width);
    if (w_ok) check_panel(ld, m, w, kn, p);
}

/* Loads one row from mapping m into r. */
static void load_row(Ld *ld, const YNode *m, CfgRow *r)
{
    r->line = m->line;
    r->col = m->col;
    r->height = 1;
    if (!ld_expect(ld, m, YNODE_MAP, _("a row (a mapping with panels)"))) return;
    ld_check_keys(ld, m, row_keys, N_OF(row_keys), _("in row"));
    const YNode *v = ld_get(ld, m, "height", false, "");
    if (v) ld_int(ld, v, "height", 1, 100, &r->height);
    const YNode *ps = ld_get(ld, m, "panels", true, _("in row"));
    if (!ps || !ld_expect(ld, ps, YNODE_SEQ, _("a list of panels"))) return;
    if (ps->n == 0) {
        ld_err(ld, ps->line, ps->col, "%s", _("a row needs at least one panel"));
        return;
    }
    r->panels = ld_calloc(ld, ps, ps->n, sizeof(*r->panels));
    if (!r->panels) return;
    r->n_panels = ps->n;
    CfgForEach g = {0};
    for (size_t i = 0; i < ps->n; i++) {
        cfg_foreach_begin(ld, ps->items[i], &g);
        load_panel(ld, ps->items[i], &r->panels[i]);
        cfg_foreach_end(ld, &g);
    }
    cfg_foreach_done(ld, &g);
}

/* Loads one page from mapping m into pg. */
static void load_page(Ld *ld, const YNode *m, CfgPage *pg)
{
    pg->line = m->line;
    pg->col = m->col;
    if (!ld_expect(ld, m, YNODE_MAP, _("a page (a mapping with title and rows)"))) return;
    ld_check_keys(ld, m, page_keys, N_OF(page_keys), _("in page"));
    ld_str(ld, m, "title", true, _("in page"), &pg->title);
    const YNode *rs = ld_get(ld, m, "rows", false, "");
    if (!rs || !ld_expect(ld, rs, YNODE_SEQ, _("a list of rows")) || rs->n == 0) return;
    pg->rows = ld_calloc(ld, rs, rs->n, sizeof(*pg->rows));
    if (!pg->rows) return;
    pg->n_rows = rs->n;
    for (size_t i = 0; i < rs->n; i++)
        load_row(ld, rs->items[i], &pg->rows[i]);
}

void cfg_load_pages(Ld *ld, const YNode *seq)
{
    if (!ld_expect(ld, seq, YNODE_SEQ, _("a list of pages")) || seq->n == 0) return;
    Config *c = ld->cfg;
    c->pages = ld_calloc(ld, seq, seq->n, sizeof(*c->pages));
    if (!c->pages) return;
    c->n_pages = seq->n;
    for (size_t i = 0; i < seq->n; i++)
        load_page(ld, seq->items[i], &c->pages[i]);
}
