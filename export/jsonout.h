/* jsonout.h - what the JSON exports (snapshot_json.c, report_json.c) share
 * to build a cJSON document and print it: sanitised strings, numbers written
 * exactly, integers exact beyond 2^53, local ISO times, and the printing.
 * The add functions return false on out of memory (the object keeps what
 * was added; the caller deletes the whole tree). */
#ifndef IOC_JSONOUT_H
#define IOC_JSONOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

/* Adds s sanitised (text_sanitize, cut to 1023 bytes), or null for NULL. */
bool jsonout_str(cJSON *o, const char *key, const char *s);

/* A new number item written exactly (the shortest text that reads back as
 * v; cJSON's own printing may round the last digit), or a null item when v
 * is not finite. NULL on out of memory; the caller owns the item. */
cJSON *jsonout_num_item(double v);

/* Adds v as jsonout_num_item() writes it; null when !has. */
bool jsonout_num(cJSON *o, const char *key, bool has, double v);

/* Adds an integer, exact beyond 2^53. */
bool jsonout_int(cJSON *o, const char *key, int64_t v);

/* Adds a counter, exact beyond 2^53. */
bool jsonout_u64(cJSON *o, const char *key, uint64_t v);

/* Adds ms as a local ISO time ("2026-11-25T18:30:05+07:00"), or null for 0
 * (never) or a time that cannot be written. */
bool jsonout_time(cJSON *o, const char *key, int64_t ms);

/* Ends building the object o: o when ok, else deletes o (NULL is fine)
 * and returns NULL. */
cJSON *jsonout_done(cJSON *o, bool ok);

/* Prints the document root to out, indented, with a final newline, and
 * deletes root (NULL, a document that failed to build, is fine). Returns 0,
 * or -1 with errno ENOMEM when root is NULL or cannot be printed; output
 * errors are left in out's error flag. */
int jsonout_print(cJSON *root, FILE *out);

#endif
