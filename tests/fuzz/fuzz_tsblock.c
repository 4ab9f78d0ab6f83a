/* fuzz_tsblock.c - libFuzzer target for the archive's sample blocks and tail
 * chunks (parse/tsblock.c): the input is decoded as both, also with the
 * version byte of the other; whatever decodes
 * must encode and decode again to the same bits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/tsblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes a block; when it is valid, checks that it round-trips. */
static void block(const uint8_t *data, size_t size)
{
    TsbPoint *p = NULL, *q = NULL;
    size_t n = 0, m = 0, len = 0;
    uint8_t *buf = NULL;
    char err[200];
    if (tsblock_decode(data, size, &p, &n, err, sizeof(err)) != 0) {
        if (p || !err[0]) abort();
        return;
    }
    if (tsblock_encode(p, n, &buf, &len) != 0) abort();
    if (tsblock_decode(buf, len, &q, &m, err, sizeof(err)) != 0 || m != n) abort();
    if (n && memcmp(p, q, n * sizeof(*p)) != 0) abort();
    free(p);
    free(q);
    free(buf);
}

/* Decodes a tail chunk; when it is valid, checks that it round-trips. */
static void tail(const uint8_t *data, size_t size)
{
    TsbEntry *p = NULL, *q = NULL;
    size_t n = 0, m = 0, len = 0;
    uint8_t *buf = NULL;
    char err[200];
    if (tsblock_tail_decode(data, size, &p, &n, err, sizeof(err)) != 0) {
        if (p || !err[0]) abort();
        return;
    }
    if (tsblock_tail_encode(p, n, &buf, &len) != 0) abort();
    if (tsblock_tail_decode(buf, len, &q, &m, err, sizeof(err)) != 0 || m != n) abort();
    for (size_t i = 0; i < n; i++)
        if (p[i].series != q[i].series || p[i].ts_ms != q[i].ts_ms ||
            memcmp(&p[i].value, &q[i].value, sizeof(double)) != 0)
            abort();
    free(p);
    free(q);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes, so ASan sees any read past the end. */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    block(copy, size);
    tail(copy, size);
    if (size) copy[0] ^= 0x03; /* the same bytes as the other format's version */
    block(copy, size);
    tail(copy, size);
    free(copy);
    return 0;
}
