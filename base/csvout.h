/* csvout.h - spreadsheet-safe CSV cells (RFC 4180): the one place that
 * guards the CSV exports (snapshot, report) against formula injection.
 * No allocation, no global state; the caller owns the FILE. */
#ifndef IOC_CSVOUT_H
#define IOC_CSVOUT_H

#include <stdio.h>

/* Longest text kept of a cell after sanitising, NUL included (bytes). */
#define CSVOUT_CELL_MAX 1024

/* Writes the text cell s (NULL gives an empty cell) to out: sanitised
 * (text_sanitize: no controls, valid UTF-8, cut to CSVOUT_CELL_MAX - 1
 * bytes), prefixed with ' when a spreadsheet would read it as a formula
 * (it starts with = + - @ TAB or CR), and quoted with each " doubled when it
 * holds , " CR or LF. Output errors are left in out's error flag. */
void csvout_text(const char *s, FILE *out);

#endif
