/* curlerr.c - a failed curl transfer in words (see curlerr.h). */
#include "base/curlerr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"

/* Writes "malformed response", with curl's words for what was wrong when it
 * gave some (control characters replaced). */
static void malformed(const char *errbuf, char *buf, size_t n)
{
    char detail[96];
    size_t j = 0;
    for (const char *c = errbuf; *c && j + 1 < sizeof(detail); c++)
        detail[j++] = (unsigned char)*c < ' ' || *c == 0x7f ? '?' : *c;
    while (j > 0 && detail[j - 1] == '?')
        j--; /* curl ends some messages with a newline */
    detail[j] = '\0';
    if (j)
        snprintf(buf, n, _("malformed response (%s)"), detail);
    else
        snprintf(buf, n, "%s", _("malformed response"));
}

/* The words for a result code that need nothing but the code; NULL for the
 * others. */
static const char *plain_words(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
        return _("cannot resolve the host name");
    case CURLE_PARTIAL_FILE:
        return _("truncated body (connection closed early)");
    case CURLE_GOT_NOTHING:
        return _("empty reply (connection closed)");
    case CURLE_BAD_CONTENT_ENCODING:
        return _("malformed response: bad content encoding");
    case CURLE_URL_MALFORMAT:
        return _("malformed url");
    case CURLE_PEER_FAILED_VERIFICATION:
        return _("TLS: the server's certificate is not trusted");
    case CURLE_SSL_CONNECT_ERROR:
        return _("TLS handshake failed");
    case CURLE_SSL_CACERT_BADFILE:
        return _("TLS: cannot read the CA file");
    case CURLE_SSL_CERTPROBLEM:
        return _("TLS: problem with the client certificate");
    default:
        return NULL;
    }
}

void curlerr_describe(CURLcode rc, const char *errbuf, long os_errno, int64_t timeout_ms, char *buf,
                      size_t n)
{
    if (n == 0) return;
    if (!errbuf) errbuf = "";
    const char *words = plain_words(rc);
    if (words) {
        snprintf(buf, n, "%s", words);
        return;
    }
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED || os_errno == 0)
            snprintf(buf, n, "%s", _("connection refused"));
        else
            snprintf(buf, n, _("cannot connect: %s"), strerror((int)os_errno));
        return;
    case CURLE_OPERATION_TIMEDOUT: {
        char what[32];
        fmt_duration(timeout_ms, what, sizeof(what));
        snprintf(buf, n, _("timeout after %s"), what);
        return;
    }
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        /* curl reports a broken response (bad chunk size...) as a receive
         * error too: only an error from the socket itself is a reset. */
        if (strstr(errbuf, "chunked-encoding"))
            snprintf(buf, n, "%s", _("malformed response: bad chunked encoding"));
        else if (os_errno == ECONNRESET || os_errno == EPIPE)
            snprintf(buf, n, "%s", _("connection reset"));
        else if (os_errno != 0)
            snprintf(buf, n,
                     rc == CURLE_RECV_ERROR ? _("receive failed: %s") : _("send failed: %s"),
                     strerror((int)os_errno));
        else
            malformed(errbuf, buf, n);
        return;
    case CURLE_WEIRD_SERVER_REPLY:
        malformed(errbuf, buf, n);
        return;
    case CURLE_UNSUPPORTED_PROTOCOL:
        if (strstr(errbuf, "HTTP/")) /* a reply in no HTTP version ("HTTP/0.9") */
            malformed(errbuf, buf, n);
        else
            snprintf(buf, n, "%s", _("protocol not allowed (http and https only)"));
        return;
    default:
        snprintf(buf, n, _("transfer failed: %s"), curl_easy_strerror(rc));
    }
}
