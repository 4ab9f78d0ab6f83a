/* curlerr.h - a failed curl transfer in words, for feed and webhook errors.
 *
 * One description for every HTTP client in ioc (the feed poller and the
 * webhook notifier): what curl's result code, its error buffer and the
 * socket's errno say, in words an operator can act on ("connection
 * refused", "timeout after 4s", "malformed response (...)"), never the URL
 * (it may hold secrets). What only a caller knows (a body over its cap, an
 * address it refused) it says itself before asking here. Pure: no I/O, no
 * allocation; the caller's buffer is always NUL-terminated. */
#ifndef IOC_CURLERR_H
#define IOC_CURLERR_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

/* What kind of failure the words describe, for counting failures by reason. */
typedef enum {
    CURLERR_OTHER,     /* anything else (out of memory, protocol not allowed...) */
    CURLERR_TIMEOUT,   /* no complete answer within the time limit */
    CURLERR_CONNECT,   /* cannot connect, or the connection broke (refused, reset, closed) */
    CURLERR_DNS,       /* the host name does not resolve */
    CURLERR_TLS,       /* handshake or certificate problem */
    CURLERR_MALFORMED, /* the reply is not valid HTTP (chunking, encoding, no HTTP at all) */
} CurlErrKind;

/* Writes the words for a transfer that ended with rc (not CURLE_OK) into
 * buf and returns their kind: errbuf is curl's own text
 * (CURLOPT_ERRORBUFFER; NULL or "" when none), os_errno the socket's last
 * error (CURLINFO_OS_ERRNO, 0 when none), timeout_ms the transfer's time
 * limit, named by a timeout. */
CurlErrKind curlerr_describe(CURLcode rc, const char *errbuf, long os_errno, int64_t timeout_ms,
                             char *buf, size_t n);

#endif
