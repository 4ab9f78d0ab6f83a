/* fuzz_promapi.c - libFuzzer target for promapi_parse(), the answers of the
 * Prometheus query API. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/promapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses the input; checks that messages are terminated and the values fit. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PromApiAnswer a;
    char err[160];
    int rc = promapi_parse((const char *)data, size, &a, err, sizeof(err));
    if (rc < 0) {
        if (!err[0] || strnlen(err, sizeof(err)) == sizeof(err) || a.values || a.n) abort();
        return 0;
    }
    if (strnlen(a.error, sizeof(a.error)) == sizeof(a.error) ||
        strnlen(a.error_type, sizeof(a.error_type)) == sizeof(a.error_type))
        abort();
    for (size_t i = 0; i < sizeof(a.error) && a.error[i]; i++)
        if ((unsigned char)a.error[i] < 0x20) abort(); /* sanitised */
    if (a.kind == PROMAPI_SCALAR && a.n != 1) abort();
    double sum = 0;
    for (size_t i = 0; i < a.n; i++)
        sum += a.values[i];
    promapi_free(&a);
    return sum == 0.5 ? 0 : 0;
}
