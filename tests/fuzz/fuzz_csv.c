/* fuzz_csv.c - libFuzzer target for csv_parse() with detected, ',' and ';'
 * separators; every cell of a parsed table is read. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses the input three ways and touches every header name and cell. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char seps[] = {0, ',', ';'};
    size_t total = 0;
    for (size_t k = 0; k < sizeof(seps); k++) {
        CsvError err;
        CsvTable *t = csv_parse((const char *)data, size, seps[k], &err);
        if (!t) {
            if (err.line < 1 || err.col < 1) abort();
            continue;
        }
        size_t cols = csv_cols(t), rows = csv_rows(t);
        if (cols < 1 || cols > 1024) abort();
        for (size_t c = 0; c < cols; c++) {
            const char *h = csv_header(t, c);
            total += strlen(h);
            if (*h && csv_col_index(t, h) != (long)c) abort();
        }
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < cols; c++)
                total += strlen(csv_cell(t, r, c));
        if (csv_cell(t, rows, 0) != NULL) abort();
        csv_free(t);
    }
    return total == (size_t)-1;
}
