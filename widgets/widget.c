/* widget.c - the registry of widget classes and the widget lifecycle (see
 * widget.h). */
#include "widgets/widget.h"

#include <stdlib.h>
#include <string.h>

#include "widgets/draw.h"

/* Every class, by config name. */
static const WidgetClass *const classes[] = {
    &w_stat_class,  &w_gauge_class,  &w_chart_class,  &w_bars_class,
    &w_table_class, &w_alerts_class, &w_health_class, &w_text_class,
};

const WidgetClass *widget_class(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strcmp(classes[i]->name, name) == 0) return classes[i];
    return NULL;
}

Widget *widget_new(const CfgPanel *panel, const Collector *coll)
{
    Widget *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->panel = panel;
    w->selected = -1;
    /* The config loader rejects unknown names; should one get here anyway,
     * the text class shows the panel (its text or nothing) rather than fail. */
    w->cls = widget_class(panel ? panel->widget : NULL);
    if (!w->cls) w->cls = &w_text_class;
    if (panel && coll) {
        for (size_t i = 0; i < panel->n_kpis && w->n_kpis < WIDGET_MAX_KPIS; i++) {
            int k = panel->kpis[i] ? coll_find_kpi(coll, panel->kpis[i]) : -1;
            if (k >= 0) w->kpis[w->n_kpis++] = k;
        }
    }
    return w;
}

void widget_min_size(const Widget *w, int *rows, int *cols)
{
    const WidgetClass *c = w->cls;
    *rows = c->min_rows + c->rows_per_kpi * (w->n_kpis > 0 ? (int)w->n_kpis : 1);
    *cols = c->min_cols;
}

bool widget_key(Widget *w, int key, const ViewCtx *ctx)
{
    if (w->cls->key) return w->cls->key(w, key, ctx);
    if (w->cls->list == WIDGET_NO_LIST) return false;
    return draw_list_key(w, key, w->cls->list == WIDGET_LIST_SELECT);
}

void widget_free(Widget *w)
{
    if (!w) return;
    free(w->scratch);
    free(w);
}
