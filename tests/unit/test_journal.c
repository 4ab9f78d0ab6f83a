/* test_journal.c - the native journal protocol: records reach a datagram
 * socket bound in a temp dir with their fields, a multi-line value in the
 * binary form, controls escaped, levels as syslog priorities; names are
 * mapped, values and records capped; a missing socket or a full queue is an
 * error at once, never a wait; JOURNAL_STREAM is matched against a file. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/journal.h"

/* A temp dir with a datagram socket bound in it. */
typedef struct {
    char dir[64];
    char path[128];
    int fd;
} Sock;

/* Makes a temp dir and binds a datagram socket at DIR/socket. */
static void sock_open(Sock *s)
{
    snprintf(s->dir, sizeof(s->dir), "/tmp/ioc-journal.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->path, sizeof(s->path), "%s/socket", s->dir);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
    s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(s->fd >= 0);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

/* Closes the socket and removes the temp dir. */
static void sock_close(Sock *s)
{
    close(s->fd);
    unlink(s->path);
    rmdir(s->dir);
}

/* Receives one datagram without waiting; returns its length. */
static size_t receive(Sock *s, char *buf, size_t n)
{
    ssize_t got = recv(s->fd, buf, n, MSG_DONTWAIT);
    assert_true(got >= 0);
    return (size_t)got;
}

/* Finds field name in the record of n bytes at d, decoding either form as
 * journald does; copies its value to out (NUL-terminated) and returns its
 * length, or -1 when the record lacks it. *binary tells the form. */
static long find_field(const char *d, size_t n, const char *name, char *out, size_t outsz,
                       int *binary)
{
    size_t i = 0;
    while (i < n) {
        const char *line = d + i;
        const char *nl = memchr(line, '\n', n - i);
        assert_non_null(nl);
        const char *eq = memchr(line, '=', (size_t)(nl - line));
        size_t nlen;
        const char *val;
        uint64_t vlen;
        int bin = eq == NULL;
        if (!bin) {
            nlen = (size_t)(eq - line);
            val = eq + 1;
            vlen = (uint64_t)(nl - val);
            i = (size_t)(nl - d) + 1;
        } else {
            nlen = (size_t)(nl - line);
            const unsigned char *le = (const unsigned char *)nl + 1;
            assert_true((size_t)(nl - d) + 9 <= n);
            vlen = 0;
            for (int k = 7; k >= 0; k--)
                vlen = (vlen << 8) | le[k];
            val = nl + 9;
            assert_true((size_t)(val - d) + vlen + 1 <= n);
            assert_int_equal(val[vlen], '\n');
            i = (size_t)(val - d) + vlen + 1;
        }
        if (nlen == strlen(name) && memcmp(line, name, nlen) == 0) {
            assert_true(vlen < outsz);
            memcpy(out, val, vlen);
            out[vlen] = '\0';
            if (binary) *binary = bin;
            return (long)vlen;
        }
    }
    return -1;
}

/* A record arrives as one datagram with PRIORITY, SYSLOG_IDENTIFIER, MESSAGE
 * and the caller's fields, byte for byte. */
static void test_fields(void **state)
{
    (void)state;
    Sock s;
    sock_open(&s);
    Journal j;
    char err[256], buf[16384], rb[JOURNAL_RECORD_MAX];
    assert_int_equal(journal_open(&j, s.path, "ioc", err, sizeof(err)), 0);
    JournalRec r;
    journal_rec_init(&r, rb, sizeof(rb));
    assert_true(journal_field(&r, "IOC_", "event", "feed"));
    assert_true(journal_field(&r, "IOC_", "feed", "dvc"));
    assert_true(journal_field(&r, "IOC_", "latency_ms", "4001"));
    assert_true(journal_field(&r, "IOC_", "error", "timeout after 4s"));
    assert_int_equal(journal_send(&j, journal_priority("warn"),
                                  "level=warn event=feed feed=dvc error=\"timeout after 4s\"", &r,
                                  err, sizeof(err)),
                     0);
    size_t n = receive(&s, buf, sizeof(buf));
    static const char want[] = "PRIORITY=4\n"
                               "SYSLOG_IDENTIFIER=ioc\n"
                               "MESSAGE=level=warn event=feed feed=dvc error=\"timeout after 4s\"\n"
                               "IOC_EVENT=feed\n"
                               "IOC_FEED=dvc\n"
                               "IOC_LATENCY_MS=4001\n"
                               "IOC_ERROR=timeout after 4s\n";
    assert_int_equal(n, sizeof(want) - 1);
    assert_memory_equal(buf, want, n);
    assert_int_equal(j.sent, 1);
    assert_int_equal(j.dropped, 0);
    /* Without fields: the three of every record. */
    assert_int_equal(journal_send(&j, 6, "hello", NULL, err, sizeof(err)), 0);
    n = receive(&s, buf, sizeof(buf));
    static const char bare[] = "PRIORITY=6\nSYSLOG_IDENTIFIER=ioc\nMESSAGE=hello\n";
    assert_int_equal(n, sizeof(bare) - 1);
    assert_memory_equal(buf, bare, n);
    journal_close(&j);
    journal_close(&j); /* twice is fine */
    sock_close(&s);
}

/* A value with newlines goes in the binary form (name, newline, 64-bit
 * little-endian length, bytes, newline) and comes back whole; other
 * controls in it are still escaped. */
static void test_multiline(void **state)
{
    (void)state;
    Sock s;
    sock_open(&s);
    Journal j;
    char err[256], buf[16384], rb[JOURNAL_RECORD_MAX], v[1024];
    assert_int_equal(journal_open(&j, s.path, "ioc", err, sizeof(err)), 0);
    JournalRec r;
    journal_rec_init(&r, rb, sizeof(rb));
    assert_true(journal_field(&r, "IOC_", "error", "line one\nline=two\n\x1b[31mred\n"));
    assert_true(journal_field(&r, "IOC_", "feed", "dvc"));
    assert_int_equal(journal_send(&j, 3, "two\nlines", &r, err, sizeof(err)), 0);
    size_t n = receive(&s, buf, sizeof(buf));
    int bin = -1;
    static const char want[] = "line one\nline=two\n\\u001b[31mred\n";
    assert_int_equal(find_field(buf, n, "IOC_ERROR", v, sizeof(v), &bin), (long)sizeof(want) - 1);
    assert_true(bin);
    assert_string_equal(v, want);
    /* The exact bytes: the length is little-endian. */
    const char *at = NULL;
    for (size_t i = 0; !at && i + 10 <= n; i++)
        if (memcmp(buf + i, "IOC_ERROR\n", 10) == 0) at = buf + i;
    assert_non_null(at);
    static const unsigned char le[8] = {sizeof(want) - 1, 0, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(at + 10, le, 8);
    /* The fields around it are read as before. */
    assert_int_equal(find_field(buf, n, "IOC_FEED", v, sizeof(v), &bin), 3);
    assert_false(bin);
    assert_string_equal(v, "dvc");
    assert_int_equal(find_field(buf, n, "MESSAGE", v, sizeof(v), &bin), 9);
    assert_true(bin);
    assert_string_equal(v, "two\nlines");
    assert_int_equal(find_field(buf, n, "PRIORITY", v, sizeof(v), NULL), 1);
    assert_string_equal(v, "3");
    journal_close(&j);
    sock_close(&s);
}

/* Controls are escaped as in logfmt (text_escape_n): tab, CR, ESC, DEL, a
 * bidi override; invalid UTF-8 becomes U+FFFD; Vietnamese is kept; quotes
 * and '=' stay as they are (no logfmt quoting in a field). */
static void test_escape(void **state)
{
    (void)state;
    char rb[1024], v[1024];
    JournalRec r;
    journal_rec_init(&r, rb, sizeof(rb));
    assert_true(journal_field(&r, "IOC_", "summary",
                              "a\tb\rc\x1b[2Jd\x7f \xE2\x80\xAEx \xff \"q\"=1 Hải Dương"));
    int bin = -1;
    long n = find_field(rb, r.len, "IOC_SUMMARY", v, sizeof(v), &bin);
    assert_false(bin);
    assert_string_equal(v, "a\\tb\\rc\\u001b[2Jd\\u007f \\u202ex \xEF\xBF\xBD \"q\"=1 Hải Dương");
    assert_int_equal(n, (long)strlen(v));
    for (size_t i = 0; i < r.len; i++)
        if (rb[i] != '\n') assert_true((unsigned char)rb[i] >= 0x20 && rb[i] != 0x7f);
}

/* Log levels as syslog priorities. */
static void test_priority(void **state)
{
    (void)state;
    assert_int_equal(journal_priority("error"), 3);
    assert_int_equal(journal_priority("warn"), 4);
    assert_int_equal(journal_priority("info"), 6);
    assert_int_equal(journal_priority("debug"), 7);
    assert_int_equal(journal_priority("crit"), 2);
    assert_int_equal(journal_priority("notice"), 5);
    assert_int_equal(journal_priority("bogus"), 6);
    assert_int_equal(journal_priority(NULL), 6);
}

/* Names: upper case, other bytes '_', at most 64 bytes; an empty one or
 * one starting with '_' or a digit (journald's trusted fields) is refused. */
static void test_names(void **state)
{
    (void)state;
    char rb[1024], v[64], key[200];
    JournalRec r;
    journal_rec_init(&r, rb, sizeof(rb));
    assert_true(journal_field(&r, NULL, "a.b-c", "1"));
    assert_true(journal_field(&r, "IOC_", "until_ms", "2"));
    assert_int_equal(find_field(rb, r.len, "A_B_C", v, sizeof(v), NULL), 1);
    assert_int_equal(find_field(rb, r.len, "IOC_UNTIL_MS", v, sizeof(v), NULL), 1);
    size_t len = r.len;
    assert_false(journal_field(&r, NULL, "_PID", "1"));
    assert_false(journal_field(&r, NULL, "9lives", "1"));
    assert_false(journal_field(&r, NULL, "", "1"));
    assert_false(journal_field(&r, NULL, NULL, "1"));
    assert_int_equal(r.len, len);
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    assert_true(journal_field(&r, "IOC_", key, "x"));
    char want[JOURNAL_NAME_MAX + 1];
    memcpy(want, "IOC_", 4);
    memset(want + 4, 'K', JOURNAL_NAME_MAX - 4);
    want[JOURNAL_NAME_MAX] = '\0';
    assert_int_equal(find_field(rb, r.len, want, v, sizeof(v), NULL), 1);
}

/* A long value is cut at JOURNAL_VALUE_MAX bytes at a character boundary and
 * ends with "…"; MESSAGE may be longer; a field that does not fit the
 * record's buffer is left out whole. */
static void test_caps(void **state)
{
    (void)state;
    static char rb[JOURNAL_RECORD_MAX], big[3000], v[JOURNAL_MESSAGE_MAX + 16];
    JournalRec r;
    journal_rec_init(&r, rb, sizeof(rb));
    memset(big, 'x', sizeof(big) - 1);
    assert_true(journal_field(&r, "IOC_", "msg", big));
    long n = find_field(rb, r.len, "IOC_MSG", v, sizeof(v), NULL);
    assert_int_equal(n, JOURNAL_VALUE_MAX + 3);
    assert_string_equal(v + JOURNAL_VALUE_MAX, "\xE2\x80\xA6");
    /* Vietnamese "ệ" is 3 bytes: never cut inside one. */
    journal_rec_init(&r, rb, sizeof(rb));
    big[0] = '\0';
    for (int i = 0; i < 400; i++)
        strcat(big, "\xE1\xBB\x87");
    assert_true(journal_field(&r, "IOC_", "msg", big));
    n = find_field(rb, r.len, "IOC_MSG", v, sizeof(v), NULL);
    assert_int_equal(n, (JOURNAL_VALUE_MAX / 3) * 3 + 3);
    /* A cut multi-line value: binary form, the length as sent. */
    journal_rec_init(&r, rb, sizeof(rb));
    memset(big, 'y', sizeof(big) - 1);
    big[10] = '\n';
    int bin = 0;
    assert_true(journal_field(&r, "IOC_", "msg", big));
    n = find_field(rb, r.len, "IOC_MSG", v, sizeof(v), &bin);
    assert_true(bin);
    assert_int_equal(n, JOURNAL_VALUE_MAX + 3);
    /* A record buffer too small for the next field: left out, false. */
    char small[40];
    journal_rec_init(&r, small, sizeof(small));
    assert_true(journal_field(&r, "IOC_", "feed", "dvc"));
    size_t len = r.len;
    assert_false(journal_field(&r, "IOC_", "error", "a value too long for the record"));
    assert_int_equal(r.len, len);
    assert_true(journal_field(&r, "IOC_", "to", "ok"));
}

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* No socket at the path: -1 at once with the path in the message, the
 * record counted as dropped; bad paths are refused by journal_open(). */
static void test_missing(void **state)
{
    (void)state;
    Journal j;
    char err[256], longpath[200];
    long long t0 = now_ms();
    assert_int_equal(journal_open(&j, "/nonexistent/ioc/journal.socket", "ioc", err, sizeof(err)),
                     0);
    assert_int_equal(journal_send(&j, 6, "hello", NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/ioc/journal.socket: "));
    assert_int_equal(j.dropped, 1);
    assert_int_equal(j.sent, 0);
    assert_true(now_ms() - t0 < 1000);
    journal_close(&j);
    assert_int_equal(journal_send(&j, 6, "hello", NULL, err, sizeof(err)), -1);
    assert_int_equal(j.dropped, 2);
    memset(longpath, 'x', sizeof(longpath) - 1);
    longpath[0] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    assert_int_equal(journal_open(&j, longpath, "ioc", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than"));
    assert_int_equal(j.fd, -1);
    assert_int_equal(journal_open(&j, "", "ioc", err, sizeof(err)), -1);
    assert_int_equal(j.fd, -1);
}

/* A journal that does not read: once its queue is full, sends fail at once
 * (the socket never blocks) and every record is either sent or dropped. */
static void test_full(void **state)
{
    (void)state;
    Sock s;
    sock_open(&s);
    Journal j;
    char err[256], rb[JOURNAL_RECORD_MAX];
    assert_int_equal(journal_open(&j, s.path, "ioc", err, sizeof(err)), 0);
    JournalRec r;
    journal_rec_init(&r, rb, sizeof(rb));
    static char big[400];
    memset(big, 'z', sizeof(big) - 1);
    assert_true(journal_field(&r, "IOC_", "msg", big));
    long long t0 = now_ms();
    int failed = 0;
    for (int i = 0; i < 5000; i++)
        if (journal_send(&j, 6, "flood", &r, err, sizeof(err)) != 0) failed++;
    assert_true(now_ms() - t0 < 5000);
    assert_true(failed > 0);
    assert_int_equal(j.dropped, (unsigned long long)failed);
    assert_int_equal(j.sent + j.dropped, 5000);
    journal_close(&j);
    sock_close(&s);
}

/* JOURNAL_STREAM "DEVICE:INODE" matches the file open on a descriptor. */
static void test_stream(void **state)
{
    (void)state;
    char path[] = "/tmp/ioc-journal-stream.XXXXXX", env[64];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    assert_true(journal_stream_is(env, fd));
    snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino + 1);
    assert_false(journal_stream_is(env, fd));
    snprintf(env, sizeof(env), "%llu:%llux", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    assert_false(journal_stream_is(env, fd));
    assert_false(journal_stream_is(NULL, fd));
    assert_false(journal_stream_is("", fd));
    assert_false(journal_stream_is("12", fd));
    assert_false(journal_stream_is("12:", fd));
    assert_false(journal_stream_is(":12", fd));
    assert_false(journal_stream_is("a:b", fd));
    close(fd);
    unlink(path);
    snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    assert_false(journal_stream_is(env, fd)); /* closed: no file there */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),  cmocka_unit_test(test_multiline),
        cmocka_unit_test(test_escape),  cmocka_unit_test(test_priority),
        cmocka_unit_test(test_names),   cmocka_unit_test(test_caps),
        cmocka_unit_test(test_missing), cmocka_unit_test(test_full),
        cmocka_unit_test(test_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
