/* prom.h - the Prometheus text exposition format, and metric selectors.
 *
 * prom_parse() reads a whole body into a PromDoc (owned, prom_doc_free());
 * prom_selector_compile() reads a selector such as
 *     http_requests_total{code="500",method!="GET",path=~"/api/.*"}
 * into a PromSelector (owned, prom_selector_free()); prom_select() returns the
 * values of the samples that match, in body order. */
#ifndef IOC_PROM_H
#define IOC_PROM_H

#include <stddef.h>
#include <stdint.h>

typedef struct PromDoc PromDoc;
typedef struct PromSelector PromSelector;

typedef struct {
    int line;      /* 1-based line of the body (parse) or 0 (selector) */
    size_t pos;    /* 0-based byte offset in the line or selector */
    char msg[200];
} PromError;

typedef struct {
    const char *name;   /* label name (borrowed from the doc) */
    const char *value;  /* unescaped label value (borrowed from the doc) */
} PromLabel;

typedef struct {
    const char *metric;      /* metric name (borrowed) */
    const PromLabel *labels; /* borrowed */
    size_t n_labels;
    double value;            /* NaN, +Inf, -Inf allowed */
    int64_t ts_ms;           /* sample timestamp, or INT64_MIN when absent */
} PromSample;

/* Parses len bytes of text exposition (comments, HELP/TYPE lines, escapes in
 * label values, optional timestamps). Returns NULL and fills *err on the
 * first malformed line. */
PromDoc *prom_parse(const char *body, size_t len, PromError *err);
void prom_doc_free(PromDoc *d);

/* Number of samples and the i-th sample (borrowed from d). */
size_t prom_doc_count(const PromDoc *d);
const PromSample *prom_doc_sample(const PromDoc *d, size_t i);

/* Compiles a selector: a metric name with optional {label op "value", ...}
 * where op is = != =~ !~ (the regex in RE2 syntax, fully anchored, as
 * Prometheus has it: parse/regex.h). NULL + *err on error. */
PromSelector *prom_selector_compile(const char *expr, PromError *err);
void prom_selector_free(PromSelector *s);

/* Appends to vals (grown with realloc, caller frees *vals) the value of every
 * sample of d matching s. Returns the number appended, -1 on out of memory,
 * or PROM_SELECT_LIMIT when a regex went over its match limits (parse/regex.h). */
#define PROM_SELECT_LIMIT (-2)
long prom_select(const PromDoc *d, const PromSelector *s, double **vals, size_t *n);

#endif
