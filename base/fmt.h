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

/* Formats v with decimals places (-1: automatic, up to 2 without trailing
 * zeros; at most 9) and thousands separators, with a '.' decimal point
 * whatever the locale: "1,234,567", "82.5", "-0.4". */
void fmt_number(double v, int decimals, char *buf, size_t n);

/* A change with its sign and arrow: "▲ +2.1", "▼ −0.4", "= 0" (ASCII
 * "^ +2.1", "v -0.4"). */
void fmt_delta(double d, int decimals, bool utf8, char *buf, size_t n);

/* The age text of a duration: "4m", "12s" (timefmt_age; "" on error). */
void fmt_age(int64_t ms, char *buf, size_t n);

#endif
