/* fuzz_jsonpath.c - libFuzzer target for feeds/jsonpath.h.
 *
 * The input is "EXPRESSION\nJSON" (or EXPRESSION, a NUL byte, JSON): the
 * expression is compiled and, when the rest parses as JSON, evaluated on it.
 * Build: CC=clang cmake -S . -B fuzz-build -DIOC_FUZZ=ON -DIOC_TESTS=OFF
 * -DIOC_BENCH=OFF && cmake --build fuzz-build --target fuzz_jsonpath; run:
 * ./fuzz-build/tests/fuzz/fuzz_jsonpath -max_total_time=60
 * (add -dict=tests/fixtures/jsonpath/jsonpath.dict to reach filters sooner). */
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/jsonpath.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Selects a UTF-8 character type so that non-ASCII regex paths run too. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setlocale(LC_CTYPE, "C.UTF-8");
    return 0;
}

/* Compiles the expression part of data and evaluates it on the JSON part. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cut = 0;
    while (cut < size && data[cut] != '\n' && data[cut] != '\0')
        cut++;
    char *expr = malloc(cut + 1);
    char *doc = malloc(size - cut + 1);
    if (!expr || !doc) goto done;
    memcpy(expr, data, cut);
    expr[cut] = '\0';
    size_t rest = cut < size ? size - cut - 1 : 0;
    memcpy(doc, data + size - rest, rest);
    doc[rest] = '\0';

    JpError err;
    JpPath *p = jp_compile(expr, &err);
    if (!p) {
        /* The error must point inside the expression (or just past it). */
        if (err.pos > cut || memchr(err.msg, '\0', sizeof err.msg) == NULL) abort();
        goto done;
    }
    cJSON *root = cJSON_Parse(doc);
    if (root) {
        JpNodeList l = {0};
        if (jp_eval(p, root, &l) == 0) {
            for (size_t i = 0; i < l.len; i++) /* every node must be readable */
                if (!l.nodes[i] || (l.nodes[i]->type & 0xFF) == 0) abort();
        }
        jp_nodelist_free(&l);
        cJSON_Delete(root);
    }
    jp_free(p);
done:
    free(expr);
    free(doc);
    return 0;
}
