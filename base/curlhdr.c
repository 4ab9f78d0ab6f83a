/* curlhdr.c - HTTP request headers for curl (see curlhdr.h). */
#include "base/curlhdr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool curlhdr_add(struct curl_slist **list, const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *h = malloc(n);
    if (!h) return false;
    snprintf(h, n, "%s: %s", name, value);
    struct curl_slist *l = curl_slist_append(*list, h);
    memset(h, 0, n); /* values may be tokens */
    free(h);
    if (!l) return false;
    *list = l;
    return true;
}
