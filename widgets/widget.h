/* widget.h - the panels of the console: one small interface, one file per kind.
 *
 * A widget is a struct whose first member points to its class, a table of
 * function pointers (htop's pattern): draw into a curses window, say its
 * minimum size, optionally handle a key. Widgets never poll, never block and
 * never change the Collector or the alert engine: they read them through a ViewCtx,
 * which says which moment to show (live or the history cursor) and how. A
 * Widget borrows its CfgPanel and the Collector; widget_free() frees the Widget
 * and its scratch buffer only. */
#ifndef IOC_WIDGET_H
#define IOC_WIDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "config/config.h"
#include "core/alert.h"
#include "core/collector.h"
#include "services/notify.h"

#define WIDGET_MAX_KPIS 32

/* Everything a widget needs to draw, set by the console for each frame. */
typedef struct {
    const Collector *coll;
    int64_t now_ms;            /* wall clock now */
    int64_t at_ms;             /* the moment shown: now_ms when live, the cursor in history */
    bool history;              /* at_ms is the history cursor */
    int64_t window_ms;         /* time window of charts, sparklines and deltas (15m 1h 6h 24h) */
    bool focused;              /* this panel has the focus (keys go to it) */
    bool zoomed;               /* shown full screen */
    bool utf8;                 /* the terminal takes UTF-8 (braille, block characters, "…") */
    bool color;                /* colours may be used (has_colors() and no NO_COLOR) */
    const char *filter;        /* "/" filter on KPI names (case-insensitive substring), or NULL */
    const AlertEngine *alerts; /* the alert engine (alerts panels list it); NULL: the alerts
                                  panel lists coll_issues() instead */
    const Notifier *notifier;  /* the notify targets (the health panel's footer counts their
                                  deliveries); NULL without any */
    const char *title;         /* the panel's title as the console fits it among its siblings
                                  (clean, distinct); NULL: the widget's own */
    bool high_contrast;        /* ioc.theme: high-contrast (no dim text, bold statuses) */
} ViewCtx;

typedef struct Widget Widget;

/* How a class takes the list keys (arrows, PgUp/PgDn, Home/End). */
typedef enum {
    WIDGET_NO_LIST,     /* not a list */
    WIDGET_LIST_SCROLL, /* the keys scroll the rows */
    WIDGET_LIST_SELECT, /* the keys move a selected row (that a/s/u act on) */
} WidgetList;

typedef struct {
    const char *name; /* the config's widget name: "stat", "chart", ... */
    /* Draws the whole panel (border and title included) into win, which the
     * console has sized and positioned; must not draw outside it. */
    void (*draw)(Widget *w, WINDOW *win, const ViewCtx *ctx);
    /* Handles a key when focused; true when it used it. NULL: the list
     * keys when the class is a list (below), else no keys. */
    bool (*key)(Widget *w, int key, const ViewCtx *ctx);
    /* Smallest useful size, border included: min_rows plus rows_per_kpi
     * for each of the panel's KPIs (at least one), by min_cols. */
    int min_rows, rows_per_kpi, min_cols;
    WidgetList list; /* whether the panel is a list the list keys move */
} WidgetClass;

struct Widget {
    const WidgetClass *cls;
    const CfgPanel *panel;     /* borrowed */
    int kpis[WIDGET_MAX_KPIS]; /* indices into coll->kpis */
    size_t n_kpis;
    int scroll;         /* first row shown, for lists */
    int selected;       /* selected row, for lists (-1 none) */
    int n_rows;         /* rows of the list at the last draw (for keys) */
    int page_rows;      /* rows of it shown at the last draw */
    void *scratch;      /* owned buffer for drawing, grown on demand */
    size_t scratch_cap; /* its size in bytes */
};

/* Creates the widget for a panel (its class chosen by panel->widget; the
 * panel's KPI keys resolved against coll). NULL on out of memory. */
Widget *widget_new(const CfgPanel *panel, const Collector *coll);

/* Frees a widget (NULL is fine). */
void widget_free(Widget *w);

/* The smallest useful size of w, border included (see WidgetClass). */
void widget_min_size(const Widget *w, int *rows, int *cols);

/* Passes a key to the focused widget w: its class's key handler, else the
 * list keys for a list class. True when the widget used the key. */
bool widget_key(Widget *w, int key, const ViewCtx *ctx);

/* The class for a config widget name, or NULL. */
const WidgetClass *widget_class(const char *name);

#endif
