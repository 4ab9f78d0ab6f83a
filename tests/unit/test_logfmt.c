/* test_logfmt.c - logfmt lines: quoting, escapes, control characters, UTF-8,
 * capped values, keys, a full buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/logfmt.h"

#define ELLIPSIS "\xE2\x80\xA6"

/* One value and the pair it must give. */
typedef struct {
    const char *key, *value, *want;
} Case;

static const Case cases[] = {
    {"feed", "dvc", "feed=dvc\n"},
    {"n", "42", "n=42\n"},
    {"msg", "", "msg=\"\"\n"},
    {"msg", NULL, "msg=\"\"\n"},
    {"error", "timeout after 4s", "error=\"timeout after 4s\"\n"},
    {"q", "a=b", "q=\"a=b\"\n"},
    {"q", "say \"hi\"", "q=\"say \\\"hi\\\"\"\n"},
    {"q", "C:\\dir", "q=\"C:\\\\dir\"\n"},
    {"q", "two\nlines", "q=\"two\\nlines\"\n"},
    {"q", "cr\rtab\t", "q=\"cr\\rtab\\t\"\n"},
    {"q", "\x1B]0;pwned\x07", "q=\"\\u001b]0;pwned\\u0007\"\n"},
    {"q", "del\x7F", "q=\"del\\u007f\"\n"},
    {"q", "c1\xC2\x9B", "q=\"c1\\u009b\"\n"},
    {"q", "rtl\xE2\x80\xAE", "q=\"rtl\\u202e\"\n"},
    {"name", "H\xE1\xBA\xA3i_D\xC6\xB0\xC6\xA1ng", "name=H\xE1\xBA\xA3i_D\xC6\xB0\xC6\xA1ng\n"},
    {"name", "H\xE1\xBA\xA3i D\xC6\xB0\xC6\xA1ng", "name=\"H\xE1\xBA\xA3i D\xC6\xB0\xC6\xA1ng\"\n"},
    {"q", "bad\xFF", "q=bad\xEF\xBF\xBD\n"},
    {"url", "http://127.0.0.1:1/x?a", "url=http://127.0.0.1:1/x?a\n"},
    {"bad key=x", "v", "bad_key_x=v\n"},
    {"", "v", "_=v\n"},
    {NULL, "v", "_=v\n"},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[LOGFMT_LINE_MAX];
        LogFmt l;
        logfmt_init(&l, buf, sizeof buf);
        logfmt_str(&l, cases[i].key, cases[i].value);
        const char *got = logfmt_line(&l);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu: got [%s], want [%s]", i, got, cases[i].want);
    }
}

/* Pairs are separated by one space; numbers and booleans are plain. */
static void test_line(void **state)
{
    (void)state;
    char buf[LOGFMT_LINE_MAX];
    LogFmt l;
    logfmt_init(&l, buf, sizeof buf);
    assert_string_equal(logfmt_line(&l), "\n");
    logfmt_str(&l, "ts", "2026-11-25T18:30:05+07:00");
    logfmt_str(&l, "level", "warn");
    logfmt_str(&l, "event", "feed");
    logfmt_int(&l, "latency_ms", -1);
    logfmt_bool(&l, "silenced", true);
    logfmt_strf(&l, "msg", "%s:%d:%d: %s", "a b.yaml", 3, 7, "bad\nthing");
    assert_string_equal(logfmt_line(&l), "ts=2026-11-25T18:30:05+07:00 level=warn event=feed "
                                         "latency_ms=-1 silenced=true "
                                         "msg=\"a b.yaml:3:7: bad\\nthing\"\n");
    /* the line can go on after logfmt_line() */
    logfmt_int(&l, "n", 1);
    assert_non_null(strstr(logfmt_line(&l), "thing\" n=1\n"));
}

/* A long value is cut to LOGFMT_VALUE_MAX bytes at a character boundary. */
static void test_long_values(void **state)
{
    (void)state;
    char big[3000];
    /* "ả" is 3 bytes: the cut must not split one */
    for (size_t i = 0; i + 3 < sizeof big; i += 3)
        memcpy(big + i, "\xE1\xBA\xA3", 3);
    big[sizeof big - 3] = '\0';
    char buf[LOGFMT_LINE_MAX];
    LogFmt l;
    logfmt_init(&l, buf, sizeof buf);
    logfmt_str(&l, "v", big);
    const char *s = logfmt_line(&l);
    size_t n = strlen(s);
    assert_true(n <= strlen("v=\n") + LOGFMT_VALUE_MAX);
    assert_memory_equal(s + n - 1 - 3, ELLIPSIS, 3);
    assert_int_equal((n - strlen("v=\n") - 3) % 3, 0); /* whole characters only */

    /* escapes count once escaped and are never cut in half */
    char ctl[1000];
    memset(ctl, '\x1B', sizeof ctl - 1);
    ctl[sizeof ctl - 1] = '\0';
    logfmt_init(&l, buf, sizeof buf);
    logfmt_str(&l, "v", ctl);
    s = logfmt_line(&l);
    n = strlen(s);
    assert_true(n <= strlen("v=\"\"\n") + LOGFMT_VALUE_MAX);
    assert_memory_equal(s + n - 2 - 3, ELLIPSIS, 3);
    assert_int_equal((n - strlen("v=\"\"\n") - 3) % 6, 0);
    assert_null(memchr(s, '\x1B', n));

    /* exactly LOGFMT_VALUE_MAX bytes are kept whole */
    char exact[LOGFMT_VALUE_MAX + 1];
    memset(exact, 'x', LOGFMT_VALUE_MAX);
    exact[LOGFMT_VALUE_MAX] = '\0';
    logfmt_init(&l, buf, sizeof buf);
    logfmt_str(&l, "v", exact);
    assert_int_equal(strlen(logfmt_line(&l)), strlen("v=\n") + LOGFMT_VALUE_MAX);
}

/* A pair that does not fit in the buffer is left out whole; the line stays one line. */
static void test_full_buffer(void **state)
{
    (void)state;
    char buf[16];
    LogFmt l;
    logfmt_init(&l, buf, sizeof buf);
    logfmt_str(&l, "a", "1");
    logfmt_str(&l, "long", "this does not fit");
    logfmt_str(&l, "b", "2");
    assert_string_equal(logfmt_line(&l), "a=1 b=2\n");
    char tiny[2];
    logfmt_init(&l, tiny, sizeof tiny);
    logfmt_str(&l, "a", "1");
    assert_string_equal(logfmt_line(&l), "\n");
}

/* logfmt_write() writes the line with one newline and reports failures. */
static void test_write(void **state)
{
    (void)state;
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    assert_non_null(f);
    char buf[64];
    LogFmt l;
    logfmt_init(&l, buf, sizeof buf);
    logfmt_str(&l, "event", "stop");
    assert_int_equal(logfmt_write(&l, f), 0);
    assert_int_equal(logfmt_write(&l, f), 0);
    fclose(f);
    assert_string_equal(mem, "event=stop\nevent=stop\n");
    free(mem);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        assert_int_equal(logfmt_write(&l, full), -1);
        fclose(full);
    }
}

/* Collects the pairs a tee is handed. */
static void tee_collect(void *ud, const char *key, const char *value)
{
    char *out = ud;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "[%s|%s]", key, value);
}

/* A tee gets every pair as given, before escaping (integers, booleans and
 * printf values included, NULL as ""); the line is as without it. */
static void test_tee(void **state)
{
    (void)state;
    char buf[LOGFMT_LINE_MAX], seen[512] = "";
    LogFmt l;
    logfmt_init(&l, buf, sizeof buf);
    logfmt_tee(&l, tee_collect, seen);
    logfmt_str(&l, "event", "feed");
    logfmt_str(&l, "error", "two\nlines \"q\"");
    logfmt_str(&l, "none", NULL);
    logfmt_int(&l, "n", 42);
    logfmt_bool(&l, "ok", true);
    logfmt_strf(&l, "v", "%.1f", 1.5);
    assert_string_equal(seen, "[event|feed][error|two\nlines \"q\"][none|][n|42][ok|true][v|1.5]");
    assert_string_equal(
        logfmt_line(&l),
        "event=feed error=\"two\\nlines \\\"q\\\"\" none=\"\" n=42 ok=true v=1.5\n");
    logfmt_tee(&l, NULL, NULL);
    logfmt_str(&l, "after", "x");
    assert_string_equal(seen, "[event|feed][error|two\nlines \"q\"][none|][n|42][ok|true][v|1.5]");
    /* logfmt_init() starts without one. */
    logfmt_init(&l, buf, sizeof buf);
    assert_null(l.tee);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),       cmocka_unit_test(test_line),
        cmocka_unit_test(test_long_values), cmocka_unit_test(test_full_buffer),
        cmocka_unit_test(test_write),       cmocka_unit_test(test_tee),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
