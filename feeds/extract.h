/* extract.h - from a response body to one value per KPI of a feed.
 *
 * The body is parsed once in the feed's format (JSON, Prometheus text, CSV);
 * each KPI's selector picks its nodes, strings are read as numbers in the
 * KPI's number format, booleans are 1/0, null or no match is "no value"
 * (never zero), then the KPI's agg, scale and offset apply. A result that
 * is not finite (Inf in the feed, or an overflow) is no value with the error
 * "value is not finite", so every mode (snapshot, run, console) agrees.
 * A Prometheus selector that matches no series is no value with the error
 * "0 series matched", whatever the agg (count too: a typo in a label is not
 * a count of 0). A KPI with counter: gets its reading without scale and
 * offset: feeds/counter.h turns it into a rate or increase and applies them.
 *
 * promql feeds get one answer per KPI: extract_promql() reads it. */
#ifndef IOC_EXTRACT_H
#define IOC_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

typedef struct {
    bool has_value;
    bool pending;    /* no value and no error yet: a counter's first reading */
    double value;    /* valid when has_value */
    char error[160]; /* why there is no value ("" when has_value); safe to print */
} KpiValue;

/* Fills out[0..f->n_kpis) from len bytes of body (not NUL-terminated).
 * Returns the number of KPIs that got a value, or -1 when the body itself
 * could not be parsed (then err says why, and every out[i] has no value). */
int extract_feed(const CfgFeed *f, const char *body, size_t len, KpiValue *out, char *err,
                 size_t errlen);

/* Fills *out for KPI k of a promql feed from len bytes of its query answer
 * (parse/promapi.h). Returns 1 with a value; 0 when the answer says why
 * there is none (the server's error text, "0 series matched", several
 * series and no agg, a range vector...); -1 when the body is not a query
 * answer at all. out->error says why in both cases. */
int extract_promql(const CfgKpi *k, const char *body, size_t len, KpiValue *out);

/* Sets the work budget of each KPI's JSONPath evaluation, in node visits
 * (0 = JP_DEFAULT_BUDGET, the start-up value); returns the previous one. A
 * selector over budget leaves its KPI without a value and the error
 * "selector exceeded its work budget (N nodes)", so the feed turns bad-data
 * instead of stalling the loop. Process-wide: for tests and benchmarks. */
size_t extract_set_budget(size_t nodes);

#endif
