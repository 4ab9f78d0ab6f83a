/* fuzz_value.c - libFuzzer target for val_parse() in every number format.
 *
 * Besides looking for crashes, it checks results against strtod(): a PLAIN
 * number that val_parse accepts must read the same through strtod (the fuzzer
 * runs in the "C" locale), and an EN or VI number must equal the PLAIN
 * parse of the same digits with grouping removed. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when a and b are the same double (NaN equals NaN). */
static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof(a)) == 0;
}

/* Rewrites an EN or VI number into PLAIN syntax (drops grouping, '.' decimal). */
static size_t to_plain(const char *s, size_t n, NumFormat fmt, char *out)
{
    char grp = fmt == NUMFMT_EN ? ',' : '.', dec = fmt == NUMFMT_EN ? '.' : ',';
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == grp) continue;
        out[k++] = s[i] == dec ? '.' : s[i];
    }
    return k;
}

/* Parses the input in all formats and cross-checks the results. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    double v = 0, w = 0;
    if (val_parse(s, size, NUMFMT_PLAIN, &v)) {
        char *z = malloc(size + 1);
        if (!z) return 0;
        memcpy(z, s, size);
        z[size] = '\0';
        char *end = NULL;
        w = strtod(z, &end);
        if (!same(v, w)) abort();
        free(z);
    }
    for (NumFormat f = NUMFMT_EN; f <= NUMFMT_VI; f++) {
        if (!val_parse(s, size, f, &v)) continue;
        char *p = malloc(size + 1);
        if (!p) return 0;
        size_t k = to_plain(s, size, f, p);
        if (!val_parse(p, k, NUMFMT_PLAIN, &w) || !same(v, w)) abort();
        free(p);
    }
    return 0;
}
