/* curlhdr.h - HTTP request headers for curl, for the feed poller and the
 * webhook notifier alike. Header values may be secrets (tokens, expanded
 * ${ENV}): no copy of one is left behind in freed memory. */
#ifndef IOC_CURLHDR_H
#define IOC_CURLHDR_H

#include <stdbool.h>

#include <curl/curl.h>

/* Appends "name: value" to *list (curl copies it; the caller frees the list
 * with curl_slist_free_all()). The temporary line is wiped before it is
 * freed. False on out of memory, *list unchanged. */
bool curlhdr_add(struct curl_slist **list, const char *name, const char *value);

#endif
