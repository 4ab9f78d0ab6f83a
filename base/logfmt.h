/* logfmt.h - writing one logfmt line: key=value pairs separated by spaces,
 *   ts=2026-11-25T18:30:05+07:00 level=warn event=feed feed=dvc error="timeout after 4s"
 * as Loki/promtail, lnav and hl parse it. One event is always exactly one
 * line:
 *   - a value that is empty or holds a space, '=', '"' or '\' is written in
 *     double quotes, with '"' as \" and '\' as \\;
 *   - control characters (newline, CR, tab, ESC, DEL, C1, bidi controls) are
 *     never written raw: \n, \r, \t, else \u and 4 hex digits (and the value
 *     is quoted); invalid UTF-8 becomes U+FFFD, other UTF-8 is kept
 *     (text_escape_n() from widgets/text.h does this);
 *   - a value longer than LOGFMT_VALUE_MAX bytes (once escaped) is cut at a
 *     character boundary and ends with "…";
 *   - a key keeps only [A-Za-z0-9_.-] (anything else becomes '_').
 * A pair that would not fit in the line's buffer is left out whole.
 *
 * Ownership: a LogFmt writes into a buffer its caller owns; nothing here
 * allocates or keeps global state. */
#ifndef IOC_LOGFMT_H
#define IOC_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Longest value, in bytes once escaped (the quotes not counted). */
#define LOGFMT_VALUE_MAX 512
/* A buffer this size holds any line ioc writes. */
#define LOGFMT_LINE_MAX 4096

typedef struct {
    char *buf;  /* the caller's buffer */
    size_t cap; /* its size (>= 2: room for "\n" and the NUL) */
    size_t len; /* bytes of the line so far, without the final newline */
    /* Called with each pair as appended, before escaping (logfmt_tee()), or NULL. */
    void (*tee)(void *ud, const char *key, const char *value);
    void *tee_ud;
} LogFmt;

/* Starts an empty line in buf (cap bytes, at least 2). */
void logfmt_init(LogFmt *l, char *buf, size_t cap);

/* Also hands every pair appended from now on, key and value as given (not
 * escaped, NULL value as ""), to fn(ud, ...): e.g. to build the same event
 * as journal fields. fn NULL stops it. */
void logfmt_tee(LogFmt *l, void (*fn)(void *ud, const char *key, const char *value), void *ud);

/* Appends key=value, quoting and escaping value as above (NULL is ""). */
void logfmt_str(LogFmt *l, const char *key, const char *value);

/* Appends key=value for a printf-formatted value (quoted as needed). */
void logfmt_strf(LogFmt *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends key=N for an integer. */
void logfmt_int(LogFmt *l, const char *key, long long v);

/* Appends key=true or key=false. */
void logfmt_bool(LogFmt *l, const char *key, bool v);

/* The line so far with a final newline (valid until the next call on l). */
const char *logfmt_line(LogFmt *l);

/* Writes the line and its newline to out with one fwrite, then flushes.
 * 0, or -1 when writing failed. */
int logfmt_write(LogFmt *l, FILE *out);

#endif
