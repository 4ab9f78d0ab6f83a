/* fuzz_sse.c - libFuzzer target for the Server-Sent Events parser: the input
 * is parsed whole, then again in chunks whose sizes come from its first
 * byte; both ways must give the same events. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A running hash of every event (type, id, data). */
static int on_event(void *ud, const SseEvent *ev)
{
    uint64_t *h = ud;
    if (ev->data[ev->data_len] != '\0') abort();
    const char *parts[3] = {ev->type, ev->id, ev->data};
    size_t lens[3] = {strlen(ev->type), strlen(ev->id), ev->data_len};
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < lens[k]; i++)
            *h = (*h ^ (unsigned char)parts[k][i]) * 1099511628211u;
        *h = (*h ^ 0xff) * 1099511628211u;
    }
    return 0;
}

/* Parses data with chunks of size chunk (0: whole); returns the hash, and
 * the rc in *rc. */
static uint64_t run(const uint8_t *data, size_t size, size_t chunk, SseRc *rc)
{
    uint64_t h = 14695981039346656037u;
    SseParser *p = sse_new(4096, on_event, &h);
    if (!p) abort();
    *rc = SSE_OK;
    if (!chunk) chunk = size ? size : 1;
    for (size_t i = 0; i < size && *rc == SSE_OK; i += chunk) {
        size_t n = size - i < chunk ? size - i : chunk;
        *rc = sse_feed(p, (const char *)data + i, n);
    }
    sse_free(p);
    return h;
}

/* Whole and chunked parses must agree (when neither hit the limit). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SseRc a, b;
    size_t chunk = size ? (size_t)(data[0] % 13) + 1 : 1;
    uint64_t h1 = run(data, size, 0, &a), h2 = run(data, size, chunk, &b);
    if (a == SSE_OK && b == SSE_OK && h1 != h2) abort();
    return 0;
}
