/* value.h - numbers as feeds write them, and aggregation of node lists.
 *
 * Feeds write numbers in several ways: "1234.5", "1,234.5", or the Vietnamese
 * "1.234,5" / "48,6". A KPI's node list (several matches of a selector) is
 * reduced to one value by an aggregation. No allocation; no global state. */
#ifndef IOC_VALUE_H
#define IOC_VALUE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    NUMFMT_PLAIN, /* 1234.5, -3, 1e6 (C syntax, no grouping) - the default */
    NUMFMT_EN,    /* 1,234.5: comma groups thousands, dot is decimal */
    NUMFMT_VI,    /* 1.234,5 and 48,6: dot groups thousands, comma is decimal */
} NumFormat;

typedef enum { AGG_FIRST, AGG_LAST, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_COUNT } Agg;

/* Parses the len bytes at s as a number written in fmt. Leading and trailing
 * blanks are allowed; anything else that is not part of the number (units,
 * "%", letters) makes it fail. "NaN", "+Inf", "-Inf" are accepted in any
 * format (case-insensitive). Returns true and sets *out on success. */
bool val_parse(const char *s, size_t len, NumFormat fmt, double *out);

/* Reduces v[0..n) with agg (NaN values are skipped, except by COUNT which
 * counts every element). Returns false, leaving *out alone, when there is no
 * value to report (n == 0 for all but COUNT, or only NaNs). */
bool val_agg(Agg agg, const double *v, size_t n, double *out);

/* Config names: "plain" "en" "vi"; returns false for an unknown name. */
bool val_numfmt_from_name(const char *name, NumFormat *out);
const char *val_numfmt_name(NumFormat f);

/* Config names: "first" "last" "sum" "avg" "min" "max" "count". */
bool val_agg_from_name(const char *name, Agg *out);
const char *val_agg_name(Agg a);

#endif
