/* test_sse.c - Server-Sent Events wire parsing (parse/sse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse/sse.h"

/* What the callback saw: "type|id|data" per event, one per line. */
typedef struct {
    char log[4096];
    int n;
    int stop_after; /* stop after this many events (0: never) */
} Seen;

/* Records one event into the Seen. */
static int on_event(void *ud, const SseEvent *ev)
{
    Seen *s = ud;
    assert_int_equal(strlen(ev->data), ev->data_len);
    size_t len = strlen(s->log);
    snprintf(s->log + len, sizeof(s->log) - len, "%s|%s|%s\n", ev->type, ev->id, ev->data);
    s->n++;
    return s->stop_after && s->n >= s->stop_after;
}

/* Feeds text in chunks of size chunk (0: at once) through heap copies, so
 * ASan sees a read past a chunk. Returns the last rc. */
static SseRc feed(SseParser *p, const char *text, size_t chunk)
{
    size_t len = strlen(text);
    if (!chunk) chunk = len ? len : 1;
    SseRc rc = SSE_OK;
    for (size_t i = 0; i < len && rc == SSE_OK; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;
        char *copy = malloc(n);
        assert_non_null(copy);
        memcpy(copy, text + i, n);
        rc = sse_feed(p, copy, n);
        free(copy);
    }
    return rc;
}

/* Parses text whole and then in every chunk size 1..7; every way must give
 * expect. */
static void check(const char *text, const char *expect)
{
    for (size_t chunk = 0; chunk < 8; chunk++) {
        Seen s = {.n = 0};
        SseParser *p = sse_new(0, on_event, &s);
        assert_non_null(p);
        assert_int_equal(feed(p, text, chunk), SSE_OK);
        if (strcmp(s.log, expect) != 0)
            fail_msg("chunk %zu:\n--- got\n%s--- expected\n%s", chunk, s.log, expect);
        sse_free(p);
    }
}

/* The collector's own events: id, event and one data line. */
static void test_spec_events(void **state)
{
    (void)state;
    check("id: 1\nevent: hello\ndata: {\"generation\":7,\"seq\":1}\n\n"
          ": keepalive\n\n"
          "id: 2\nevent: poll\ndata: {\"feed\":\"dvc\"}\n\n",
          "hello|1|{\"generation\":7,\"seq\":1}\npoll|2|{\"feed\":\"dvc\"}\n");
}

/* Multi-line data, no type (message), the space after the colon only once,
 * a field without a colon, unknown fields, and an event without data. */
static void test_fields(void **state)
{
    (void)state;
    check("data: a\ndata:b\ndata:  c\ndata\n\n", "message||a\nb\n c\n\n");
    check("event: x\nfoo: bar\n\n", "");              /* no data: nothing dispatched */
    check("event: x\n\ndata: y\n\n", "message||y\n"); /* the type does not leak */
    check("data: z", "");                             /* unfinished at the end */
    check("data: z\n", "");
    check("data\n\n", "message||\n"); /* one empty data line is an event */
}

/* The last id persists across events; an id with NUL is ignored. */
static void test_ids(void **state)
{
    (void)state;
    check("id: 5\ndata: a\n\ndata: b\n\nid\ndata: c\n\n", "message|5|a\nmessage|5|b\nmessage||c\n");
    Seen s = {.n = 0};
    SseParser *p = sse_new(0, on_event, &s);
    static const char nul[] = "id: 9\n\nid: 1\0002\ndata: x\n\n";
    assert_int_equal(sse_feed(p, nul, sizeof(nul) - 1), SSE_OK);
    assert_string_equal(s.log, "message|9|x\n");
    sse_free(p);
}

/* CR, LF and CRLF line ends (also CRLF split across chunks), and a BOM. */
static void test_line_ends_bom(void **state)
{
    (void)state;
    check("data: a\r\n\r\ndata: b\r\rdata: c\n\n", "message||a\nmessage||b\nmessage||c\n");
    check("\xEF\xBB\xBF"
          "data: bom\n\n",
          "message||bom\n");
    /* A BOM only at the start; a lone EF is kept as text. */
    check("\xEF"
          "data: x\n\n",
          "");
    check("data: \xEF\xBB\xBF\n\n", "message||\xEF\xBB\xBF\n");
}

/* retry: digits only; comments are counted. */
static void test_retry_comments(void **state)
{
    (void)state;
    Seen s = {.n = 0};
    SseParser *p = sse_new(0, on_event, &s);
    assert_int_equal(sse_retry_ms(p), -1);
    assert_int_equal(feed(p, "retry: 1500\n: one\n:two\nretry: 2x\n", 0), SSE_OK);
    assert_int_equal(sse_retry_ms(p), 1500);
    assert_int_equal(sse_comments(p), 2);
    sse_reset(p);
    assert_int_equal(sse_retry_ms(p), -1);
    assert_int_equal(sse_comments(p), 0);
    sse_free(p);
}

/* A line or an event past the limit is an error; a reset starts over. */
static void test_limits(void **state)
{
    (void)state;
    Seen s = {.n = 0};
    SseParser *p = sse_new(16, on_event, &s);
    assert_int_equal(feed(p, "data: 0123456789abcdef\n\n", 0), SSE_TOO_LONG);
    assert_int_equal(feed(p, "data: x\n\n", 0), SSE_TOO_LONG); /* stays failed */
    sse_reset(p);
    assert_int_equal(feed(p, "data: 0123456789\ndata: 0123456789\n\n", 0), SSE_TOO_LONG);
    sse_reset(p);
    assert_int_equal(feed(p, "id: 1\ndata: ok\n\n", 3), SSE_OK);
    assert_string_equal(s.log, "message|1|ok\n");
    sse_free(p);
}

/* The callback can stop the parser. */
static void test_stop(void **state)
{
    (void)state;
    Seen s = {.stop_after = 1};
    SseParser *p = sse_new(0, on_event, &s);
    assert_int_equal(feed(p, "data: a\n\ndata: b\n\n", 0), SSE_STOPPED);
    assert_string_equal(s.log, "message||a\n");
    sse_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_events),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_line_ends_bom),
        cmocka_unit_test(test_retry_comments),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
