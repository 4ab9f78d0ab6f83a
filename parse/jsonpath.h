/* jsonpath.h - RFC 9535 JSONPath queries over cJSON documents.
 *
 * jp_compile() parses an expression once into a JpPath (owned by the caller,
 * freed with jp_free()); jp_eval() runs it against a document and fills a
 * node list whose entries point into that document (borrowed: valid while
 * the document lives). Supported: root $, child and descendant segments,
 * name, wildcard, index, slice and filter selectors, comparisons, && || !,
 * and the functions length(), count(), match(), search(), value(). */
#ifndef IOC_JSONPATH_H
#define IOC_JSONPATH_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct JpPath JpPath;

typedef struct {
    size_t pos;    /* 0-based byte offset in the expression where it went wrong */
    char msg[200]; /* what was expected, e.g. "expected ']' after index" */
} JpError;

typedef struct {
    const cJSON **nodes; /* borrowed from the document */
    size_t len, cap;
} JpNodeList;

/* Compiles expr (NUL-terminated UTF-8). Returns NULL and fills *err when the
 * expression is not a valid RFC 9535 query (or on out of memory). */
JpPath *jp_compile(const char *expr, JpError *err);

/* Frees a compiled path (NULL is fine). */
void jp_free(JpPath *p);

/* Work allowed to one jp_eval(), in node visits (a node a segment is applied
 * to, a child a wildcard or filter looks at, a node compared by ==): enough
 * for any sane selector on a body of megabytes, and about 30 ms at most in a
 * Release build on the development machine. */
#define JP_DEFAULT_BUDGET ((size_t)1000000)

/* Errors of jp_eval() and jp_eval_budget(). */
enum {
    JP_ERR_NOMEM = -1,  /* out of memory, or a node list would pass 4,194,304 nodes */
    JP_ERR_BUDGET = -2, /* the evaluation needed more node visits than its budget */
};

/* Appends to out the nodes that p selects from root, in document order as
 * RFC 9535 defines it (duplicates kept), visiting at most JP_DEFAULT_BUDGET
 * nodes. Returns 0, JP_ERR_NOMEM (e.g. "$..*..*..*" on a large document) or
 * JP_ERR_BUDGET (e.g. nested descendant filters on a deep document); on an
 * error, out keeps the length it had before the call. */
int jp_eval(const JpPath *p, const cJSON *root, JpNodeList *out);

/* jp_eval() with a budget of budget node visits instead of the default. */
int jp_eval_budget(const JpPath *p, const cJSON *root, JpNodeList *out, size_t budget);

/* True when p has a descendant segment ("..") inside a filter of a
 * descendant segment or of a segment after one, e.g. "$..[?@..x]" or
 * "$..a[?@..x]" (at any nesting): its work grows with the square of
 * the document's depth (cubed and worse when nested again), so it may pass
 * the work budget on deep documents. *pos (when not NULL) gets the offset of
 * that filter's expression. */
bool jp_nested_descendant(const JpPath *p, size_t *pos);

/* Empties a node list and frees its array. */
void jp_nodelist_free(JpNodeList *l);

#endif
