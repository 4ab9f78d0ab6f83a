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

/* Writes the words for a transfer that ended with rc (not CURLE_OK) into
 * buf: errbuf is curl's own text (CURLOPT_ERRORBUFFER; NULL or "" when
 * none), os_errno the socket's last error (CURLINFO_OS_ERRNO, 0 when none),
 * timeout_ms the transfer's time limit, named by a timeout. */
void curlerr_describe(CURLcode rc, const char *errbuf, long os_errno, int64_t timeout_ms, char *buf,
                      size_t n);

#endif
