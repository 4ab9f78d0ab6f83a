/* draw_fmt.h - the text side of the widgets' drawing, free of curses:
 * status symbols and words, number and value formatting, cleaning strings
 * for the terminal, filter matching. The text snapshot uses it too, so the
 * console and "ioc snapshot" format values and statuses the same way.
 * No allocation, no global state. */
#ifndef IOC_DRAW_FMT_H
#define IOC_DRAW_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "feeds/feedstate.h"
#include "ioc/snapshot.h"

/* Sizes of the buffers widgets format into. */
#define DRAW_NUM_MAX  64  /* a formatted number */
#define DRAW_VAL_MAX  192 /* a value with its unit */
#define DRAW_NAME_MAX 512 /* a cleaned name, unit or error text */

/* The symbol of a status, as in the text snapshot: ✓ ! ✗ ~ - (ASCII when
 * !utf8: + ! x ~ -). Static string. */
const char *draw_status_symbol(KpiStatus st, bool utf8);

/* The status word ("ok" "warn" "crit" "stale" "none"), translated. */
const char *draw_status_word(KpiStatus st);

/* The status a feed state is shown with: ok ok, slow warn, down and
 * bad-data crit, pending none. */
KpiStatus draw_feed_status(FeedStateKind k);

/* The feed state word ("ok" "slow" "down" "bad-data" "pending"), translated. */
const char *draw_feed_word(FeedStateKind k);

/* Copies s (NULL gives "") sanitised (text_sanitize) into out; when !utf8
 * the result is ASCII only: Vietnamese and other Latin letters lose their
 * marks ("Hải Dương" -> "Hai Duong", "µg/m³" -> "ug/m3"), anything else is
 * '?'. Returns out. */
const char *draw_clean(const char *s, bool utf8, char *out, size_t n);

/* Formats v with decimals places (-1: automatic, up to 2 without trailing
 * zeros; at most 9) and thousands separators, with a '.' decimal point
 * whatever the locale: "1,234,567", "82.5", "-0.4". As the text snapshot.
 * NaN (no value, e.g. the average of an empty window) is "-". */
void draw_fmt_number(double v, int decimals, char *buf, size_t n);

/* The double nearest to v written with decimals places (0..9), i.e. the
 * number draw_fmt_number() shows, for exports that print numbers exactly
 * (JSON): 11.600000000000001 with 1 decimal is 11.6. v itself when decimals
 * < 0 (automatic) or v is not finite. */
double draw_fmt_round(double v, int decimals);

/* A KPI's value with its unit: "72.5 %", "1,234 tỷ đồng" (unit cleaned;
 * ASCII when !utf8); without a value "–" (ASCII "-"). */
void draw_fmt_value(const CfgKpi *k, bool has_value, double v, bool utf8, char *buf, size_t n);

/* A change with its sign and arrow: "▲ +2.1", "▼ −0.4", "= 0" (ASCII
 * "^ +2.1", "v -0.4"). */
void draw_fmt_delta(double d, int decimals, bool utf8, char *buf, size_t n);

/* The age text of a duration: "4m", "12s" (timefmt_age; "" on error). */
void draw_fmt_age(int64_t ms, char *buf, size_t n);

/* True when the clean name s contains filter (case-insensitive, by
 * characters); a NULL or empty filter matches everything. */
bool draw_match(const char *s, const char *filter);

#endif
