/* fmt.h - numbers and durations as people read them, free of curses and of
 * the C library's locale: the console, the text snapshot and the report all
 * format through here, so a value reads the same everywhere.
 * No allocation, no global state; every function writes into the caller's
 * buffer (FMT_NUM_MAX bytes suffice) and always NUL-terminates it. */
#ifndef IOC_FMT_H
#define IOC_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Size of a buffer that holds any formatted number. */
#define FMT_NUM_MAX 64

/* The shortest text that reads back as exactly v ("0.1", "99.757142857142847",
 * "1e+300"), '.' whatever the locale; non-finite: "NaN", "+Inf", "-Inf". */
void fmt_shortest(double v, char *buf, size_t n);

/* v with at most max_decimals places (0..9), trailing zeros dropped, no
 * grouping, '.' whatever the locale: "82.5", "3", "-0.25"; "" when v is not
 * finite. For machine-readable and report cells. */
void fmt_fixed(double v, int max_decimals, char *buf, size_t n);

/* The double nearest to v written with decimals places (0..9), i.e. the
 * number fmt_number() shows, for exports that print numbers exactly (JSON):
 * 11.600000000000001 with 1 decimal is 11.6. v itself when decimals < 0
 * (automatic) or v is not finite. */
double fmt_round(double v, int decimals);

/* Reads a decimal number written with '.' from the len bytes at s, whatever
 * the locale (strtod syntax otherwise). *used is the bytes read: 0 when
 * there is no number (the result is then 0). */
double fmt_parse_double(const char *s, size_t len, size_t *used);

/* Formats v with decimals places (-1: automatic, up to 2 without trailing
 * zeros; at most 9) and thousands separators, with a '.' decimal point
 * whatever the locale: "1,234,567", "82.5", "-0.4". NaN (no value, e.g.
 * the average of an empty window) is "-". */
void fmt_number(double v, int decimals, char *buf, size_t n);

/* A change with its sign and arrow: "▲ +2.1", "▼ −0.4", "= 0" (ASCII
 * "^ +2.1", "v -0.4"). */
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
