/* draw.h - what every widget draws with: the panel frame, status styles and
 * symbols, number and value formatting, clipped text, sparklines and bars.
 *
 * Nothing here draws outside the window it is given: every string is cut by
 * display width to the columns left before the window's right edge, and rows
 * outside the window are ignored. Strings from the config or a feed go
 * through text_clean() first (sanitised; without UTF-8, made ASCII).
 *
 * Styles: with ctx->color a status gets a colour pair AND an attribute and
 * a symbol; without colour only attributes (status never depends on colour
 * alone). Symbols and number formats are the ones of the text snapshot
 * (ioc/snapshot_text.c): ✓ ! ✗ ~ - (ASCII + ! x ~ -), "1,234,567.5".
 *
 * No allocation except draw_scratch(), which grows a widget's own buffer.
 * No global state: colour pairs are set up once by draw_init_colors(). */
#ifndef IOC_DRAW_H
#define IOC_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "config/config.h"
#include "feeds/feedstate.h"
#include "core/store.h"
#include "base/fmt.h"
#include "base/text.h"
#include "core/kpitext.h"
#include "widgets/widget.h"

/* Colour pairs set up by draw_init_colors(). */
enum {
    DRAW_PAIR_OK = 1,  /* green: within thresholds, "no alerts" */
    DRAW_PAIR_WARN,    /* yellow */
    DRAW_PAIR_CRIT,    /* red */
    DRAW_PAIR_STALE,   /* grey (dim default foreground) */
    DRAW_PAIR_FRAME,   /* the focused panel's border and title */
    DRAW_PAIR_LABEL,   /* axis labels, headers */
    DRAW_PAIR_TARGET,  /* a missed target (magenta; also bold and underlined) */
    DRAW_PAIR_SERIES0, /* first of DRAW_SERIES chart series colours */
    DRAW_PAIR_END = DRAW_PAIR_SERIES0 + 6,
};
#define DRAW_SERIES 6 /* series colours; series i uses DRAW_PAIR_SERIES0 + i % DRAW_SERIES */

/* An attribute and a colour pair (0: the default colours). */
typedef struct {
    attr_t attr;
    short pair;
} DrawStyle;

/* The inside of a panel, in window coordinates. */
typedef struct {
    int y, x, rows, cols;
} DrawRect;

/* Sets up the colour pairs (call after start_color(); uses the terminal's
 * default background when use_default_colors() works). */
void draw_init_colors(void);

/* Same for a theme: the default one, or high-contrast for a wall screen
 * (statuses as white or black on a coloured background, bright labels). */
void draw_init_theme(CfgTheme theme);

/* Clears win, draws the border (ACS lines via box(); bold and coloured when
 * ctx->focused) with title (cleaned here) at the top left and right_note
 * (may be NULL, cleaned here) at the top right; returns the inside. A window
 * with fewer than 3 rows or 4 columns gets no border: the inside is all of
 * it. */
DrawRect draw_frame(WINDOW *win, const ViewCtx *ctx, const char *title, const char *right_note);

/* Same for a panel whose status is st: a crit panel gets its border and
 * title in the crit style (red, bold; reverse without colour). In history
 * mode (ctx->history) the right note starts with the time shown ("14:30").
 * ctx->title, when set, replaces title. */
DrawRect draw_frame_status(WINDOW *win, const ViewCtx *ctx, const char *title,
                           const char *right_note, KpiStatus st);

/* The style of a missed target: bold and underlined, magenta with colour
 * (distinct from ok, warn and crit). */
DrawStyle draw_target_style(const ViewCtx *ctx);

/* The issues at ctx->at_ms as the store saw them (KPIs whose status then was
 * crit or warn, crit first, in config order), for history mode where the
 * live alert engine does not apply: fills out[0..max), returns how many
 * there are in all. */
size_t draw_issues_at(const Collector *coll, int64_t at_ms, CollIssue *out, size_t max);

/* The style of a status: ok normal/green, warn bold/yellow, crit bold+
 * reverse without colour or bold/red with it, stale and none dim/grey. */
DrawStyle draw_status_style(KpiStatus st, const ViewCtx *ctx);

/* A fixed style: pair when ctx->color, attr in any case. */
DrawStyle draw_style(const ViewCtx *ctx, short pair, attr_t attr);

/* Makes s the current attribute and pair of win. */
void draw_set(WINDOW *win, DrawStyle s);

/* Writes the clean UTF-8 string s at (y, x), at most cols columns and never
 * past the right edge of win (a character that does not fit is left out,
 * never split). Returns the columns written. */
int draw_text(WINDOW *win, int y, int x, int cols, const char *s);

/* Same, first cut to cols columns with an ellipsis ("…", or "..." when
 * !utf8) when s is wider. */
int draw_text_fit(WINDOW *win, int y, int x, int cols, const char *s, bool utf8);

/* Writes s right-aligned so that it ends at column x_end (exclusive), not
 * left of x_min; cut with an ellipsis when needed. Returns its start column. */
int draw_text_right(WINDOW *win, int y, int x_min, int x_end, const char *s, bool utf8);

/* Display width of a clean string (text_width). */
int draw_width(const char *s);

/* A horizontal bar of frac (0..1) of cols columns at (y, x): full blocks and
 * a partial eighth block (ASCII '#', rounded); the rest is a track of light
 * shade/'-' when track is true, else left alone. Returns the cells filled. */
int draw_hbar(WINDOW *win, int y, int x, int cols, double frac, bool utf8, bool track);

/* One chart value per column from store_chart() points: the newest value of
 * each column (NaN when none). */
double draw_point_value(const StorePoint *p);

/* A sparkline of the n points pts (one per column) at (y, x): ▁▂▃▄▅▆▇█
 * scaled between the smallest and largest value (ASCII ".,-~=+*#"); columns
 * without a value stay blank. */
void draw_sparkline(WINDOW *win, int y, int x, const StorePoint *pts, size_t n, bool utf8);

/* A column chart of n points over rows rows whose bottom row is y_bottom:
 * each column a bar of eighth blocks (ASCII '#') scaled between lo and hi. */
void draw_columns(WINDOW *win, int y_bottom, int x, int rows, const StorePoint *pts, size_t n,
                  double lo, double hi, bool utf8);

/* A buffer of at least bytes bytes owned by w (grown on demand, kept for
 * the next frames, freed by widget_free()); NULL when out of memory. */
void *draw_scratch(Widget *w, size_t bytes);

/* The title of a panel: its title; else with one KPI the KPI's name, with
 * several KPIs of one feed the feed's name; else fallback (also when ctx is
 * NULL: widgets whose KPIs do not name them). Not cleaned. */
const char *draw_title(const Widget *w, const ViewCtx *ctx, const char *fallback);

/* Handles the list keys of a scrolling list (up/down/page up/page down/
 * home/end): moves w->scroll (and w->selected when select is true) within
 * w->n_rows rows of which w->page_rows are shown. True when the key is a
 * list key and the list has rows to move over. */
bool draw_list_key(Widget *w, int key, bool select);

/* Clamps w->scroll (and w->selected when select) to n rows with page rows
 * shown, keeping the selection visible; records n and page in w. */
void draw_list_clamp(Widget *w, int n, int page, bool select);

/* The widget classes (registered by widget.c). */
extern const WidgetClass w_stat_class;
extern const WidgetClass w_gauge_class;
extern const WidgetClass w_chart_class;
extern const WidgetClass w_bars_class;
extern const WidgetClass w_table_class;
extern const WidgetClass w_alerts_class;
extern const WidgetClass w_health_class;
extern const WidgetClass w_text_class;

#endif
