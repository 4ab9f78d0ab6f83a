/* sse.h - the Server-Sent Events wire format (WHATWG HTML, "server-sent
 * events"), parsed incrementally: bytes in, whole events out.
 *
 * An SseParser is fed the stream in chunks of any size (sse_feed()); lines
 * end with CRLF, LF or CR (also split across chunks); a leading UTF-8 BOM is
 * skipped; ':' lines are comments; "field: value" lines set the event's type
 * (event), append a line to its data (data, joined with "\n"), set the last
 * event id (id; one containing NUL is ignored) or the reconnection time
 * (retry, digits only); other fields are ignored; a blank line dispatches the
 * event when it has data. An unfinished event at the end is never
 * dispatched. A line or an event's data longer than the parser's limit is an
 * error (a hostile or broken server must not grow memory without bound).
 *
 * The parser owns its buffers (sse_free()); the strings of an SseEvent are
 * borrowed for the callback only. Pure: no I/O, no clock. */
#ifndef IOC_SSE_H
#define IOC_SSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One dispatched event. */
typedef struct {
    const char *type; /* the event field, or "message" when none was given */
    const char *data; /* the data lines joined with "\n" (no final "\n"); NUL-terminated */
    size_t data_len;
    const char *id; /* the last event id seen on the stream ("" when none) */
} SseEvent;

/* Receives one event; returns 0 to go on, non-zero to stop the parser
 * (sse_feed() then returns SSE_STOPPED and ignores the rest of the chunk). */
typedef int (*SseEventFn)(void *ud, const SseEvent *ev);

typedef enum {
    SSE_OK = 0,
    SSE_TOO_LONG = -1, /* a line or an event's data passed the limit */
    SSE_STOPPED = -2,  /* the callback asked to stop */
    SSE_NOMEM = -3,    /* out of memory */
} SseRc;

typedef struct SseParser SseParser;

/* A parser calling fn for each event; max_event caps a line and an event's
 * data in bytes (0: 1 MiB). NULL when out of memory. */
SseParser *sse_new(size_t max_event, SseEventFn fn, void *ud);

/* Frees the parser (NULL is fine). */
void sse_free(SseParser *p);

/* Forgets everything of the stream so far (a new connection): the partial
 * line and event, the last event id and the BOM state. */
void sse_reset(SseParser *p);

/* Parses n more bytes of the stream, calling the callback for each event
 * completed. After an error the parser must be reset before reuse. */
SseRc sse_feed(SseParser *p, const char *buf, size_t n);

/* The last retry: value in ms, or -1 when the stream gave none. */
int64_t sse_retry_ms(const SseParser *p);

/* Comment lines seen since the last reset (keep-alives). */
uint64_t sse_comments(const SseParser *p);

#endif
