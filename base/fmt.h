/* fmt.h - numbers and durations as people read them, free of curses and of
 * the C library's locale: the console, the text snapshot and the report all
 * format through here, so a value reads the same everywhere.
 * No allocation. One process-wide setting, the number style of the UI
 * language (fmt_set_style(), set once at start like the time zone), which
 * fmt_number() and fmt_delta() follow; machine formats pass FMT_PLAIN or use
 * the functions that never change (fmt_shortest, fmt_round). Every function
 * writes into the caller's buffer (FMT_NUM_MAX bytes suffice) and always
 * NUL-terminates it. */
#ifndef IOC_FMT_H
#define IOC_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Size of a buffer that holds any formatted number. */
#define FMT_NUM_MAX 64

/* How numbers (and, in base/timefmt.h, dates) are written: the separators
 * come from ioc's UI language, never from the C library's LC_NUMERIC. */
typedef enum {
    FMT_PLAIN, /* 1234567.5, 2026-11-25: machine formats (JSON, CSV, Prometheus, logs) */
    FMT_EN,    /* 1,234,567.5, 2026-11-25: the English UI */
    FMT_VI,    /* 1.234.567,5, 25/11/2026: the Vietnamese UI */
} FmtStyle;

/* Makes st the style of the human formats (the console, the text snapshot,
 * the text/md/html report): call once at start, after the UI language is
 * resolved, before any formatting. FMT_EN until then. */
void fmt_set_style(FmtStyle st);

/* The style of the human formats (fmt_set_style()). */
FmtStyle fmt_style(void);

/* The shortest text that reads back as exactly v ("0.1", "99.757142857142847",
 * "1e+300"), '.' whatever the locale; non-finite: "NaN", "+Inf", "-Inf". */
void fmt_shortest(double v, char *buf, size_t n);

/* v with at most max_decimals places (0..9), trailing zeros dropped, in
 * style st: FMT_PLAIN "82.5", "3", "-0.25", "1234.5" (machine-readable
 * cells); FMT_EN "1,234.5"; FMT_VI "82,5", "1.234,5" (report cells). ""
 * when v is not finite. */
void fmt_fixed(FmtStyle st, double v, int max_decimals, char *buf, size_t n);

/* The double nearest to v written with decimals places (0..9), i.e. the
 * number fmt_number() shows, for exports that print numbers exactly (JSON):
 * 11.600000000000001 with 1 decimal is 11.6. v itself when decimals < 0
 * (automatic) or v is not finite. */
double fmt_round(double v, int decimals);

/* Reads a decimal number written with '.' from the len bytes at s, whatever
 * the locale (strtod syntax otherwise). *used is the bytes read: 0 when
 * there is no number (the result is then 0). */
double fmt_parse_double(const char *s, size_t len, size_t *used);

/* Formats v in style st with decimals places (-1: automatic, up to 2
 * without trailing zeros; at most 9) and the style's separators, whatever
 * the locale: FMT_EN "1,234,567", "82.5", "-0.4"; FMT_VI "1.234.567",
 * "82,5"; FMT_PLAIN "1234567". NaN (no value, e.g. the average of an empty
 * window) is "-". */
void fmt_number_in(FmtStyle st, double v, int decimals, char *buf, size_t n);

/* fmt_number_in() in the UI's style (fmt_style()): what people read. */
void fmt_number(double v, int decimals, char *buf, size_t n);

/* A change with its sign and arrow, in the UI's style: "▲ +2.1", "▼ −0.4",
 * "= 0" (ASCII "^ +2.1", "v -0.4"; Vietnamese "▲ +2,1"). */
void fmt_delta(double d, int decimals, bool utf8, char *buf, size_t n);

/* Durations come in three styles, one function each; a negative duration
 * (clock skew) counts as zero.
 * An age, in its largest whole unit, rounded down: "12s", "4m", "3h", "2d". */
void fmt_age(int64_t ms, char *buf, size_t n);

/* A span in two units, rounded down to the second: "45s", "1m 05s",
 * "2h 03m", "1d 04h" (report tables). */
void fmt_span(int64_t ms, char *buf, size_t n);

/* A duration exactly, in the config's own syntax: "0s", "500ms", "4s",
 * "1m30s", "1h30m", "2d"; what a config error or a feed error echoes. */
void fmt_duration(int64_t ms, char *buf, size_t n);

#endif
