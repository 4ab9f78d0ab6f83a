/* sse.c - Server-Sent Events wire parsing (see sse.h). */
#include "parse/sse.h"

#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"

#define SSE_DEFAULT_MAX (1024 * 1024)

struct SseParser {
    SseEventFn fn;
    void *ud;
    size_t max;
    SBuf line; /* the current line, without its end */
    SBuf data; /* the data of the event being built, each line followed by '\n' */
    SBuf type; /* its event field ("" when none) */
    SBuf id;   /* the last event id */
    bool bom;  /* the first bytes are still being checked for a BOM */
    size_t bom_seen;
    bool after_cr;    /* the last byte ended a line with CR: a following LF belongs to it */
    bool failed;      /* an error happened: nothing more is parsed until a reset */
    int64_t retry_ms; /* -1 when none */
    uint64_t comments;
};

SseParser *sse_new(size_t max_event, SseEventFn fn, void *ud)
{
    SseParser *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->fn = fn;
    p->ud = ud;
    p->max = max_event ? max_event : SSE_DEFAULT_MAX;
    sse_reset(p);
    return p;
}

void sse_free(SseParser *p)
{
    if (!p) return;
    sbuf_free(&p->line);
    sbuf_free(&p->data);
    sbuf_free(&p->type);
    sbuf_free(&p->id);
    free(p);
}

/* Empties b but keeps its memory. */
static void clear(SBuf *b)
{
    b->len = 0;
    if (b->s) b->s[0] = '\0';
}

void sse_reset(SseParser *p)
{
    clear(&p->line);
    clear(&p->data);
    clear(&p->type);
    clear(&p->id);
    p->bom = true;
    p->bom_seen = 0;
    p->after_cr = false;
    p->failed = false;
    p->retry_ms = -1;
    p->comments = 0;
}

int64_t sse_retry_ms(const SseParser *p)
{
    return p->retry_ms;
}

uint64_t sse_comments(const SseParser *p)
{
    return p->comments;
}

/* Dispatches the event being built (when it has data) and starts the next. */
static SseRc dispatch(SseParser *p)
{
    SseRc rc = SSE_OK;
    if (p->data.len > 0) {
        p->data.len--; /* the last '\n' */
        p->data.s[p->data.len] = '\0';
        SseEvent ev = {
            .type = p->type.len ? p->type.s : "message",
            .data = p->data.s,
            .data_len = p->data.len,
            .id = p->id.len ? p->id.s : "",
        };
        if (p->fn && p->fn(p->ud, &ev) != 0) rc = SSE_STOPPED;
    }
    clear(&p->data);
    clear(&p->type);
    return rc;
}

/* Copies n bytes of v into b (replacing it). */
static void set(SBuf *b, const char *v, size_t n)
{
    clear(b);
    sbuf_add(b, v, n);
}

/* Handles one complete line (p->line). */
static SseRc line_done(SseParser *p)
{
    const char *s = p->line.s ? p->line.s : "";
    size_t n = p->line.len;
    if (n == 0) return dispatch(p);
    if (s[0] == ':') {
        p->comments++;
        return SSE_OK;
    }
    const char *colon = memchr(s, ':', n);
    size_t flen = colon ? (size_t)(colon - s) : n;
    const char *v = colon ? colon + 1 : s + n;
    size_t vlen = n - (size_t)(v - s);
    if (vlen && v[0] == ' ') {
        v++;
        vlen--;
    }
    if (flen == 5 && memcmp(s, "event", 5) == 0) {
        set(&p->type, v, vlen);
    } else if (flen == 4 && memcmp(s, "data", 4) == 0) {
        if (p->data.len + vlen + 1 > p->max) return SSE_TOO_LONG;
        sbuf_add(&p->data, v, vlen);
        sbuf_add(&p->data, "\n", 1);
    } else if (flen == 2 && memcmp(s, "id", 2) == 0) {
        if (!memchr(v, '\0', vlen)) set(&p->id, v, vlen);
    } else if (flen == 5 && memcmp(s, "retry", 5) == 0) {
        int64_t ms = 0;
        size_t i;
        for (i = 0; i < vlen && v[i] >= '0' && v[i] <= '9'; i++)
            if (ms < INT64_MAX / 100) ms = ms * 10 + (v[i] - '0');
        if (i == vlen && vlen) p->retry_ms = ms;
    }
    if (p->data.oom || p->type.oom || p->id.oom) return SSE_NOMEM;
    return SSE_OK;
}

SseRc sse_feed(SseParser *p, const char *buf, size_t n)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    if (p->failed) return SSE_TOO_LONG;
    size_t i = 0;
    /* A BOM may arrive split over chunks: hold its bytes until it is whole
     * or proves not to be one. */
    while (p->bom && i < n) {
        if ((unsigned char)buf[i] == bom[p->bom_seen]) {
            p->bom_seen++;
            i++;
            if (p->bom_seen == 3) p->bom = false;
            continue;
        }
        p->bom = false;
        if (p->bom_seen) sbuf_add(&p->line, (const char *)bom, p->bom_seen);
    }
    for (; i < n; i++) {
        char ch = buf[i];
        if (ch == '\n' && p->after_cr) {
            p->after_cr = false;
            continue;
        }
        p->after_cr = false;
        if (ch == '\r' || ch == '\n') {
            p->after_cr = ch == '\r';
            SseRc rc = line_done(p);
            clear(&p->line);
            if (rc != SSE_OK) {
                p->failed = rc != SSE_STOPPED;
                return rc;
            }
            continue;
        }
        /* Copy the run of ordinary bytes at once. */
        size_t j = i;
        while (j < n && buf[j] != '\r' && buf[j] != '\n')
            j++;
        if (p->line.len + (j - i) > p->max) {
            p->failed = true;
            return SSE_TOO_LONG;
        }
        sbuf_add(&p->line, buf + i, j - i);
        if (p->line.oom) {
            p->failed = true;
            return SSE_NOMEM;
        }
        i = j - 1;
    }
    return SSE_OK;
}
