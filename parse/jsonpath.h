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

/* Appends to out the nodes that p selects from root, in document order as
 * RFC 9535 defines it (duplicates kept). Returns 0, or -1 on out of memory
 * or when a node list would pass 4,194,304 nodes (e.g. "$..*..*..*" on a
 * large document); on -1, out keeps the length it had before the call. */
int jp_eval(const JpPath *p, const cJSON *root, JpNodeList *out);

/* Empties a node list and frees its array. */
void jp_nodelist_free(JpNodeList *l);

#endif
