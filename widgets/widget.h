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
} ViewCtx;

typedef struct Widget Widget;

typedef struct {
    const char *name; /* the config's widget name: "stat", "chart", ... */
    /* Draws the whole panel (border and title included) into win, which the
     * console has sized and positioned; must not draw outside it. */
    void (*draw)(Widget *w, WINDOW *win, const ViewCtx *ctx);
    /* Smallest useful size, border included. */
    void (*min_size)(const Widget *w, int *rows, int *cols);
    /* Handles a key when focused; true when it used it. NULL: takes no keys. */
    bool (*key)(Widget *w, int key, const ViewCtx *ctx);
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

/* The class for a config widget name, or NULL. */
const WidgetClass *widget_class(const char *name);

#endif
