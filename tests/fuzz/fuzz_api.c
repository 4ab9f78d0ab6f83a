/* fuzz_api.c - libFuzzer target for the HTTP API's request parsing
 * (services/apireq.c): request targets, ack and silence bodies, times,
 * bearer headers and silence ids.
 *
 * The first byte picks the parser, the rest is its input. Besides looking
 * for crashes it checks what a parsed target promises: no "." or ".."
 * segment, no '/' inside a segment, no control character anywhere. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services/apireq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks a parsed target's promises; aborts when one is broken. */
static void check_target(const ApiTarget *t)
{
    for (size_t i = 0; i < t->n_segs; i++) {
        const char *s = t->seg[i];
        if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strchr(s, '/')) abort();
        if (!apireq_text_ok(s, strlen(s))) abort();
    }
    for (size_t i = 0; i < t->n_params; i++)
        if (!apireq_text_ok(t->key[i], strlen(t->key[i])) ||
            !apireq_text_ok(t->val[i], strlen(t->val[i])) ||
            apireq_param(t, t->key[i]) != t->val[i])
            abort();
}

/* Runs the parser the first byte picks on the rest of the input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    unsigned pick = data[0] % 5;
    const char *body = (const char *)data + 1;
    size_t n = size - 1;
    char *s = malloc(n + 1);
    if (!s) return 0;
    memcpy(s, body, n);
    s[n] = '\0';
    char err[200];
    switch (pick) {
    case 0: {
        ApiTarget *t = malloc(sizeof(*t));
        if (t && apireq_parse_target(s, t, err, sizeof(err)) == APIREQ_OK) check_target(t);
        free(t);
        break;
    }
    case 1: {
        ApiAckReq a;
        if (apireq_parse_ack(body, n, &a, err, sizeof(err)) == 0 &&
            !apireq_text_ok(a.comment, strlen(a.comment)))
            abort();
        break;
    }
    case 2: {
        ApiSilenceReq r;
        if (apireq_parse_silence(body, n, &r, err, sizeof(err)) == 0 &&
            (r.duration_ms <= 0 || r.duration_ms > APIREQ_SILENCE_MAX_MS || !r.target[0]))
            abort();
        break;
    }
    case 3: {
        int64_t ms;
        if (apireq_parse_time(s, &ms) && ms < 0) abort();
        break;
    }
    default: {
        const char *tok;
        size_t len;
        unsigned id;
        if (apireq_bearer(s, &tok, &len) && (len == 0 || tok < s || tok + len > s + n)) abort();
        if (apireq_parse_id(s, &id) && id == 0) abort();
        break;
    }
    }
    free(s);
    return 0;
}
