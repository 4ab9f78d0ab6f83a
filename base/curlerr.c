/* curlerr.c - a failed curl transfer in words (see curlerr.h). */
#include "base/curlerr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"

/* Writes "malformed response", with curl's words for what was wrong when it
 * gave some (control characters replaced). */
static CurlErrKind malformed(const char *errbuf, char *buf, size_t n)
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
    return CURLERR_MALFORMED;
}

/* Writes words into buf and returns kind. */
static CurlErrKind say(CurlErrKind kind, const char *words, char *buf, size_t n)
{
    snprintf(buf, n, "%s", words);
    return kind;
}

CurlErrKind curlerr_describe(CURLcode rc, const char *errbuf, long os_errno, int64_t timeout_ms,
                             char *buf, size_t n)
{
    char what[32];
    if (n == 0) return CURLERR_OTHER;
    if (!errbuf) errbuf = "";
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED || os_errno == 0)
            return say(CURLERR_CONNECT, _("connection refused"), buf, n);
        snprintf(buf, n, _("cannot connect: %s"), strerror((int)os_errno));
        return CURLERR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        fmt_duration(timeout_ms, what, sizeof(what));
        snprintf(buf, n, _("timeout after %s"), what);
        return CURLERR_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
        return say(CURLERR_DNS, _("cannot resolve the host name"), buf, n);
    case CURLE_PARTIAL_FILE:
        return say(CURLERR_CONNECT, _("truncated body (connection closed early)"), buf, n);
    case CURLE_GOT_NOTHING:
        return say(CURLERR_CONNECT, _("empty reply (connection closed)"), buf, n);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        /* curl reports a broken response (bad chunk size...) as a receive
         * error too: only an error from the socket itself is a reset. */
        if (strstr(errbuf, "chunked-encoding"))
            return say(CURLERR_MALFORMED, _("malformed response: bad chunked encoding"), buf, n);
        if (os_errno == ECONNRESET || os_errno == EPIPE)
            return say(CURLERR_CONNECT, _("connection reset"), buf, n);
        if (os_errno == 0) return malformed(errbuf, buf, n);
        snprintf(buf, n, rc == CURLE_RECV_ERROR ? _("receive failed: %s") : _("send failed: %s"),
                 strerror((int)os_errno));
        return CURLERR_CONNECT;
    case CURLE_WEIRD_SERVER_REPLY:
        return malformed(errbuf, buf, n);
    case CURLE_BAD_CONTENT_ENCODING:
        return say(CURLERR_MALFORMED, _("malformed response: bad content encoding"), buf, n);
    case CURLE_UNSUPPORTED_PROTOCOL:
        if (strstr(errbuf, "HTTP/")) /* a reply in no HTTP version ("HTTP/0.9") */
            return malformed(errbuf, buf, n);
        return say(CURLERR_OTHER, _("protocol not allowed (http and https only)"), buf, n);
    case CURLE_URL_MALFORMAT:
        return say(CURLERR_OTHER, _("malformed url"), buf, n);
    case CURLE_PEER_FAILED_VERIFICATION:
        return say(CURLERR_TLS, _("TLS: the server's certificate is not trusted"), buf, n);
    case CURLE_SSL_CONNECT_ERROR:
        return say(CURLERR_TLS, _("TLS handshake failed"), buf, n);
    case CURLE_SSL_CACERT_BADFILE:
        return say(CURLERR_TLS, _("TLS: cannot read the CA file"), buf, n);
    case CURLE_SSL_CERTPROBLEM:
        return say(CURLERR_TLS, _("TLS: problem with the client certificate"), buf, n);
    default:
        snprintf(buf, n, _("transfer failed: %s"), curl_easy_strerror(rc));
        return CURLERR_OTHER;
    }
}
