/* fuzz_regex.c - libFuzzer target for parse/regex.h: a dialect byte, then a
 * pattern, a NUL, and a subject. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Compiles the pattern in the chosen dialect and matches the subject; a
 * refusal must say why, an I-Regexp that compiles must be valid, and a
 * match must answer one of the three results. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    RxDialect d = data[0] % 3 == 0   ? RX_RE2
                  : data[0] % 3 == 1 ? RX_IREGEXP_MATCH
                                     : RX_IREGEXP_SEARCH;
    const char *pat = (const char *)data + 1;
    const char *nul = memchr(pat, '\0', size - 1);
    size_t plen = nul ? (size_t)(nul - pat) : size - 1;
    const char *subj = nul ? nul + 1 : "";
    size_t slen = nul ? size - 1 - plen - 1 : 0;
    char err[160];
    bool oom = false;
    Regex *rx = rx_compile(pat, plen, d, err, sizeof(err), &oom);
    if (!rx) {
        if (!err[0] || strnlen(err, sizeof(err)) == sizeof(err)) abort();
        return 0;
    }
    if (d != RX_RE2 && !rx_iregexp_valid(pat, plen)) abort();
    int m = rx_match(rx, subj, slen);
    if (m != RX_MATCH && m != RX_NOMATCH && m != RX_LIMIT) abort();
    rx_free(rx);
    return 0;
}
