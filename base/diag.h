/* diag.h - diagnostics: a list of "file:line:col: level: message" items.
 *
 * Parsers and the config loader add every problem they find to a Diag, so a
 * user sees all errors at once, not only the first. A Diag owns copies of
 * every string added to it; diag_done() frees them.
 *
 * Messages quote config text, which may hold anything YAML can escape: every
 * message and file name is stored with control characters written as
 * visible escapes (text_escape_n(): "\n", "\u001b", ...), so an item is
 * always one line and never carries a terminal escape sequence. */
#ifndef IOC_DIAG_H
#define IOC_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { DIAG_ERROR, DIAG_WARNING } DiagLevel;

typedef struct {
    DiagLevel level;
    char *file; /* owned; may be NULL */
    int line;   /* 1-based; 0 when unknown */
    int col;    /* 1-based; 0 when unknown */
    char *msg;  /* owned */
} DiagItem;

typedef struct {
    DiagItem *items;
    size_t n, cap;
    size_t errors, warnings;
} Diag;

/* Initialises an empty list. */
void diag_init(Diag *d);

/* Frees every item; the Diag may be reused after diag_init(). */
void diag_done(Diag *d);

/* Adds one item; file may be NULL, line/col 0 when unknown. */
void diag_add(Diag *d, DiagLevel level, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Same as diag_add() with a va_list. */
void diag_vadd(Diag *d, DiagLevel level, const char *file, int line, int col, const char *fmt,
               va_list ap) __attribute__((format(printf, 6, 0)));

/* Sorts items by file, line and column (stable), so output reads top-down. */
void diag_sort(Diag *d);

/* Writes item it as "file:line:col: message" (without the level) into buf. */
void diag_format(const DiagItem *it, char *buf, size_t n);

/* Prints every item as "file:line:col: error: message", one per line. */
void diag_print(const Diag *d, FILE *out);

#endif
