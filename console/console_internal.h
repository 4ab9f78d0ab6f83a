/* console_internal.h - private state shared by the console's files.
 *
 * console.c        lifecycle, curses setup, loop integration (fds, signals, timers, hook)
 * console_layout.c the grid: page rectangles, windows, geometric focus moves
 * console_draw.c   one frame: header, panels, footer, help overlay, "too small"
 * console_keys.c   key handling and modes (zoom, history, filter, pause, rotate)
 * console_alerts.c the alert keys: acknowledge, silence, unsilence, bell
 *
 * Key handlers and callbacks only change state and set CON_DIRTY_* flags;
 * con_draw() is called from one place (the before-sleep hook). */
#ifndef IOC_CONSOLE_INTERNAL_H
#define IOC_CONSOLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "core/alert.h"
#include "core/collector.h"
#include "console/console.h"
#include "services/monitor.h"
#include "base/text.h"
#include "widgets/widget.h"

#define CON_HEADER_ROWS 2
#define CON_FOOTER_ROWS 1
#define CON_MIN_COLS    80
#define CON_MIN_ROWS    24
#define CON_FRAME_MS    100                       /* at most ~10 frames per second */
#define CON_FILTER_MAX  64                        /* bytes of the "/" filter, NUL included */
#define CON_EDIT_MAX    ALERT_COMMENT_MAX         /* bytes of a prompt's text, NUL included */
#define CON_MSG_MAX     200                       /* bytes of the footer's message */
#define CON_RULE_MAX    160                       /* bytes of a rule id kept for a prompt */
#define CON_N_WINDOWS   4                         /* 15m 1h 6h 24h */
#define CON_HISTORY_MAX (35LL * 24 * 3600 * 1000) /* how far back the cursor goes */

/* What has to be drawn again. */
enum {
    CON_DIRTY_HEADER = 1,
    CON_DIRTY_BODY = 2,
    CON_DIRTY_FOOTER = 4,
    CON_DIRTY_LAYOUT = 8, /* windows must be rebuilt (resize, page, zoom) */
    CON_DIRTY_ALL = 15,
};

/* What the footer's prompt is asking for. */
typedef enum {
    CON_PROMPT_NONE,    /* no prompt */
    CON_PROMPT_FILTER,  /* "/": the KPI name filter */
    CON_PROMPT_ACK,     /* "a": the comment of an acknowledgement */
    CON_PROMPT_SILENCE, /* "s": how long to silence */
    CON_PROMPT_GOTO,    /* "g": the time to show (history) */
} ConPrompt;

/* A rectangle on the screen. */
typedef struct {
    int y, x, h, w;
} ConRect;

/* One panel of a page. */
typedef struct {
    const CfgPanel *cfg; /* borrowed from the config (or the console's default page) */
    Widget *w;           /* owned; NULL when the widget could not be made */
    size_t row;          /* its row in the page */
    ConRect r;           /* where the grid puts it (screen coordinates) */
    WINDOW *win;         /* its window while its page is shown, else NULL */
    char title[TEXT_CLEAN_MAX]; /* fitted among the page's titles (con_layout); "" none */
} ConPanel;

/* One page: its panels in config order (row by row). */
typedef struct {
    const CfgPage *cfg; /* borrowed */
    ConPanel *panels;   /* owned */
    size_t n_panels;
} ConPage;

typedef struct Console {
    Monitor *mon;          /* borrowed */
    Collector *coll;              /* mon->coll */
    ConsoleAlerts *events; /* what the Monitor's callback noted (may be NULL) */
    ConPage *pages;
    size_t n_pages;
    size_t page;  /* shown page */
    size_t focus; /* focused panel of the shown page */

    /* Modes. */
    bool zoomed;                    /* the focused panel fills the body */
    bool help;                      /* the key overlay is shown */
    ConPrompt prompt;               /* the footer prompt being edited, if any */
    bool paused;                    /* the display is frozen at paused_at */
    bool history;                   /* the history cursor is shown */
    bool rotate;                    /* pages turn every rotate_ms */
    bool wall;                      /* read-only video wall (ConsoleOptions) */
    bool bell;                      /* beep once for each new critical alert */
    int64_t paused_at;              /* wall ms */
    int64_t at_ms;                  /* the history cursor, wall ms */
    int window;                     /* index into con_windows_ms */
    char filter[CON_FILTER_MAX];    /* applied filter, "" for none */
    char edit[CON_EDIT_MAX];        /* the prompt's text */
    char prompt_rule[CON_RULE_MAX]; /* the rule an ack / silence prompt acts on */
    char msg[CON_MSG_MAX];          /* a message for the footer until the next key, "" none */
    unsigned link_seq;              /* mon->link.error_seq last shown (thin consoles) */

    /* Header figures, refreshed when data changes (frozen while paused). */
    size_t feeds_up, n_crit, n_warn; /* feeds up; firing critical and warning, not silenced */
    size_t n_silenced;               /* firing alerts that are silenced */
    const Alert **alist;             /* scratch for alert_list(), alert_count() entries */
    size_t alist_cap;

    /* Screen. */
    SCREEN *screen;
    WINDOW *header, *footer;
    int rows, cols;
    bool too_small;
    bool utf8, color;
    int tab_x0[32], tab_x1[32]; /* header columns of the tabs drawn: [x0, x1) of page tab_first+i */
    size_t tab_first, n_tabs;
    unsigned dirty; /* CON_DIRTY_* */
    bool resized;   /* SIGWINCH seen: ask the terminal for its size */

    /* Loop. */
    int64_t last_frame;                          /* monotonic ms of the last frame */
    long frame_timer, clock_timer, rotate_timer; /* pending timer ids, 0 none */
    unsigned empty_reads; /* stdin wake-ups that gave no key (EOF detection) */
    bool quit;
    int quit_signal;
    bool failed;
    char err[160];

    /* The page shown when the config has none: KPI table, alerts, feeds. */
    CfgPage dflt_page;
    CfgRow dflt_rows[2];
    CfgPanel dflt_panels[3];
    char *dflt_keys[WIDGET_MAX_KPIS];
} Console;

/* The time windows of charts and deltas, shortest first. */
extern const int64_t con_windows_ms[CON_N_WINDOWS];

/* --- console_layout.c --- */

/* Builds the pages and their widgets from the config (or the default page).
 * 0, or -1 on out of memory. */
int con_pages_build(Console *c);

/* Frees the pages, widgets and windows (safe on a partly built console). */
void con_pages_free(Console *c);

/* Computes the rectangles of the shown page for the current screen size and
 * (re)creates the panel windows (only the focused one when zoomed). 0 or -1. */
int con_layout(Console *c);

/* Deletes the panel windows of every page. */
void con_windows_free(Console *c);

/* The panel nearest to panel from of page pg in direction (dy, dx), one of
 * them -1 or 1 and the other 0; from itself when there is none. */
size_t con_focus_step(const ConPage *pg, size_t from, int dy, int dx);

/* --- console_draw.c --- */

/* Draws what is dirty (or everything after a layout change) and updates the
 * terminal with one doupdate(). */
void con_draw(Console *c);

/* Fills the view context for panel p of the shown page. */
void con_view_ctx(const Console *c, const ConPanel *p, ViewCtx *ctx);

/* The wall time the panels show: the history cursor, the pause moment, or now. */
int64_t con_shown_ms(const Console *c);

/* The effective chart window (a zoomed panel gets the next longer one). */
int64_t con_window_ms(const Console *c);

/* Writes a duration in its largest whole unit: "15m", "1h", "24h", "30s". */
void con_fmt_window(int64_t ms, char *buf, size_t n);

/* --- console_keys.c --- */

/* Handles one key: code is a curses KEY_* when is_code, else a character. */
void con_key(Console *c, int code, bool is_code);

/* Handles a mouse event (KEY_MOUSE): a click on a tab opens its page, a
 * click on a panel focuses it, the wheel scrolls the panel under it. */
void con_mouse(Console *c, int y, int x, unsigned long bstate);

/* The page tab under column x of the header's tab line, or -1 (set by
 * con_draw: the columns each drawn tab takes). */
int con_tab_at(const Console *c, int x);

/* Parses a typed time for g: "HH:MM" (today, or yesterday when that is in
 * the future), "YYYY-MM-DD HH:MM" or "DD/MM/YYYY HH:MM", in the centre's time zone, relative to
 * now. True with *at (wall ms). */
bool con_parse_time(const char *s, int64_t now, int64_t *at);

/* Shows page i (no-op when out of range); resets focus and zoom. */
void con_show_page(Console *c, size_t i);

/* --- console_alerts.c --- */

/* Handles the alert keys a, s, u and b; false for any other key. */
bool con_alert_key(Console *c, int ch);

/* The ack or silence prompt was answered (Enter: ok) or cancelled (Esc). */
void con_alert_prompt_done(Console *c, bool ok);

/* True when panel p shows alerts (the alerts widget). */
bool con_is_alerts_panel(const ConPanel *p);

/* True when the focused panel of the shown page is an alerts panel. */
bool con_alerts_focused(const Console *c);

/* --- console.c --- */

/* (Re)arms the auto-rotation timer from now (cancels it when rotation is off). */
void con_rotate_arm(Console *c);

/* Re-reads the header figures (feeds up, alert counts) from the Monitor. */
void con_refresh_counts(Console *c);

#endif
