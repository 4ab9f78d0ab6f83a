/* fuzz_prom.c - libFuzzer target for prom_parse(); when the body parses, its
 * first line is also compiled as a selector and run against the document. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses the input, reads every sample, and selects with its first line. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PromError err;
    PromDoc *d = prom_parse((const char *)data, size, &err);
    if (!d) {
        if (strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg)) abort();
        return 0;
    }
    size_t n = prom_doc_count(d), total = 0;
    for (size_t i = 0; i < n; i++) {
        const PromSample *s = prom_doc_sample(d, i);
        total += strlen(s->metric);
        for (size_t k = 0; k < s->n_labels; k++)
            total += strlen(s->labels[k].name) + strlen(s->labels[k].value);
    }
    const char *nl = memchr(data, '\n', size);
    size_t first = nl ? (size_t)(nl - (const char *)data) : size;
    char *expr = malloc(first + 1);
    if (expr) {
        memcpy(expr, data, first);
        expr[first] = '\0';
        PromSelector *sel = prom_selector_compile(expr, &err);
        if (sel) {
            double *vals = NULL;
            size_t nv = 0;
            long got = prom_select(d, sel, &vals, &nv);
            if (got >= 0 && (size_t)got != nv) abort();
            free(vals);
            prom_selector_free(sel);
        }
        free(expr);
    }
    prom_doc_free(d);
    return total == (size_t)-1;
}
