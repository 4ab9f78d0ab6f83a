/* promapi.h - the answer of Prometheus's instant query API (/api/v1/query).
 *
 * The same JSON comes from Prometheus, VictoriaMetrics and Thanos Query:
 *   {"status":"success","data":{"resultType":"vector","result":[
 *       {"metric":{...},"value":[1700000000.123,"42"]}, ...]}}
 *   {"status":"error","errorType":"bad_data","error":"1:5: parse error: ..."}
 * promapi_parse() reads either into a PromApiAnswer: the values of a scalar
 * or of every series of a vector, or the server's error text. Texts copied
 * from the answer are sanitised (no control characters) and cut to fit. */
#ifndef IOC_PROMAPI_H
#define IOC_PROMAPI_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    PROMAPI_SCALAR, /* one value */
    PROMAPI_VECTOR, /* one value per series (maybe none) */
    PROMAPI_MATRIX, /* a range vector: not one value per series (values not read) */
    PROMAPI_STRING, /* a string (not read) */
    PROMAPI_ERROR   /* status "error": error_type and error say why */
} PromApiKind;

/* Most series of a vector that are read (more is an error). */
#define PROMAPI_MAX_SERIES 100000

typedef struct {
    PromApiKind kind;
    double *values; /* scalar: 1, vector: n values in answer order (owned) */
    size_t n;
    char error_type[32]; /* errorType ("bad_data", "timeout", ...); "" when none */
    char error[200];     /* error text from the server; "" when none */
} PromApiAnswer;

/* Parses len bytes of body (not NUL-terminated). 0 with *a filled (a server
 * error is a successful parse, kind PROMAPI_ERROR), or -1 when the body is
 * not a query answer (err says why, safe to print; *a is empty). Free *a
 * with promapi_free() in both cases. */
int promapi_parse(const char *body, size_t len, PromApiAnswer *a, char *err, size_t errlen);

/* Frees the values of an answer and empties it. */
void promapi_free(PromApiAnswer *a);

#endif
