/* format.h - an exporter's output formats as a table, in the spirit of
 * tmux's cmd_entry: each entry names a format and gives its writer. Looking
 * a name up, dispatching to the writer and checking the output happen here,
 * once, for the snapshot (snapshot.c) and the report (report.c). Tables are
 * static data owned by their exporter; nothing here allocates. */
#ifndef IOC_FORMAT_H
#define IOC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes obj (a Snapshot, a Report) to out. Returns 0, or -1 with errno
 * set (ENOMEM); output errors are checked by format_write(). */
typedef int (*FormatWriteFn)(const void *obj, FILE *out);

/* One output format. */
typedef struct {
    const char *name;    /* as the config and -f write it: "json" */
    FormatWriteFn write; /* its writer */
} FormatEntry;

/* Finds name (case-sensitive) among the n entries of table and stores its
 * index in *index when index is not NULL. False when name is NULL or
 * unknown (*index untouched). */
bool format_find(const FormatEntry *table, size_t n, const char *name, int *index);

/* The names of the n entries of table in order, comma-separated ("json,
 * csv, prom, text"), into buf of size bytes (cut when it does not fit).
 * Returns buf. */
const char *format_names(const FormatEntry *table, size_t n, char *buf, size_t size);

/* Writes obj to out with entry index of table (n entries), then flushes out
 * and checks its error flag. Returns 0, or -1 with errno set: EINVAL for a
 * NULL obj or out or an index out of range, the writer's errno, or the
 * output's (EIO when it sets none). */
int format_write(const FormatEntry *table, size_t n, int index, const void *obj, FILE *out);

#endif
