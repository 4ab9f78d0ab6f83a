/* test_curlerr.c - a failed curl transfer in words (base/curlerr.h), in a
 * table: result code, curl's error buffer and the socket's errno in, the
 * words an operator reads out and the kind they are counted under. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/curlerr.h"

typedef struct {
    CURLcode rc;
    const char *errbuf;
    long os;
    int64_t timeout_ms;
    const char *want;
    CurlErrKind kind;
} Case;

static const Case cases[] = {
    {CURLE_COULDNT_CONNECT, "", 0, 0, "connection refused", CURLERR_CONNECT},
    {CURLE_COULDNT_CONNECT, "", ECONNREFUSED, 0, "connection refused", CURLERR_CONNECT},
    {CURLE_COULDNT_CONNECT, "", EHOSTUNREACH, 0, "cannot connect: No route to host",
     CURLERR_CONNECT},
    /* The time limit in the config's own syntax. */
    {CURLE_OPERATION_TIMEDOUT, "", 0, 4000, "timeout after 4s", CURLERR_TIMEOUT},
    {CURLE_OPERATION_TIMEDOUT, "", 0, 1500, "timeout after 1s500ms", CURLERR_TIMEOUT},
    {CURLE_OPERATION_TIMEDOUT, "", 0, 200, "timeout after 200ms", CURLERR_TIMEOUT},
    {CURLE_OPERATION_TIMEDOUT, "", 0, 90000, "timeout after 1m30s", CURLERR_TIMEOUT},
    {CURLE_OPERATION_TIMEDOUT, "", 0, 0, "timeout after 0s", CURLERR_TIMEOUT},
    {CURLE_COULDNT_RESOLVE_HOST, "", 0, 0, "cannot resolve the host name", CURLERR_DNS},
    {CURLE_PARTIAL_FILE, "", 0, 0, "truncated body (connection closed early)", CURLERR_CONNECT},
    {CURLE_GOT_NOTHING, "", 0, 0, "empty reply (connection closed)", CURLERR_CONNECT},
    /* Only an error from the socket itself is a reset. */
    {CURLE_RECV_ERROR, "", ECONNRESET, 0, "connection reset", CURLERR_CONNECT},
    {CURLE_SEND_ERROR, "", EPIPE, 0, "connection reset", CURLERR_CONNECT},
    {CURLE_RECV_ERROR, "", ETIMEDOUT, 0, "receive failed: Connection timed out", CURLERR_CONNECT},
    {CURLE_SEND_ERROR, "", ENOBUFS, 0, "send failed: No buffer space available", CURLERR_CONNECT},
    {CURLE_RECV_ERROR, "invalid chunked-encoding\n", ECONNRESET, 0,
     "malformed response: bad chunked encoding", CURLERR_MALFORMED},
    {CURLE_RECV_ERROR, "Invalid status line\n", 0, 0, "malformed response (Invalid status line)",
     CURLERR_MALFORMED},
    {CURLE_RECV_ERROR, "", 0, 0, "malformed response", CURLERR_MALFORMED},
    {CURLE_RECV_ERROR, NULL, 0, 0, "malformed response", CURLERR_MALFORMED},
    /* curl's words are shown with control characters replaced. */
    {CURLE_WEIRD_SERVER_REPLY, "bad\x1b[31mline\n", 0, 0, "malformed response (bad?[31mline)",
     CURLERR_MALFORMED},
    {CURLE_UNSUPPORTED_PROTOCOL, "Received HTTP/0.9 when not allowed", 0, 0,
     "malformed response (Received HTTP/0.9 when not allowed)", CURLERR_MALFORMED},
    {CURLE_UNSUPPORTED_PROTOCOL, "Protocol \"ftp\" not supported", 0, 0,
     "protocol not allowed (http and https only)", CURLERR_OTHER},
    {CURLE_BAD_CONTENT_ENCODING, "", 0, 0, "malformed response: bad content encoding",
     CURLERR_MALFORMED},
    {CURLE_URL_MALFORMAT, "", 0, 0, "malformed url", CURLERR_OTHER},
    {CURLE_PEER_FAILED_VERIFICATION, "", 0, 0, "TLS: the server's certificate is not trusted",
     CURLERR_TLS},
    {CURLE_SSL_CONNECT_ERROR, "", 0, 0, "TLS handshake failed", CURLERR_TLS},
    {CURLE_SSL_CACERT_BADFILE, "", 0, 0, "TLS: cannot read the CA file", CURLERR_TLS},
    {CURLE_SSL_CERTPROBLEM, "", 0, 0, "TLS: problem with the client certificate", CURLERR_TLS},
    {CURLE_TOO_MANY_REDIRECTS, "", 0, 0, "transfer failed: Number of redirects hit maximum amount",
     CURLERR_OTHER},
};

/* Every row of the table (words and kind), and a buffer too small is cut, never overrun. */
static void test_table(void **state)
{
    (void)state;
    char buf[160];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const Case *c = &cases[i];
        memset(buf, 'x', sizeof buf);
        CurlErrKind kind =
            curlerr_describe(c->rc, c->errbuf, c->os, c->timeout_ms, buf, sizeof buf);
        print_message("%zu: %s\n", i, buf);
        assert_string_equal(buf, c->want);
        assert_int_equal(kind, c->kind);
    }
    char small[8];
    curlerr_describe(CURLE_COULDNT_CONNECT, "", 0, 0, small, sizeof small);
    assert_string_equal(small, "connect");
    curlerr_describe(CURLE_COULDNT_CONNECT, "", 0, 0, small, 0); /* writes nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
