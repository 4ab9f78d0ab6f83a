/* notify_webhook.c - one webhook attempt: an HTTP POST of the message body
 * through the Loop's curl multi handle (see notify_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/curlerr.h"
#include "base/curlhdr.h"
#include "base/i18n.h"
#include "services/notify_internal.h"

/* Default time allowed for one attempt. */
#define WEBHOOK_DEFAULT_TIMEOUT_MS 10000

/* curl write callback: the receiver's reply is not needed; discard it. */
static size_t discard(char *data, size_t size, size_t nmemb, void *ud)
{
    return size * nmemb;
}

int webhook_setup(Target *t, char *err, size_t errlen)
{
    const CfgNotify *c = t->cfg;
    t->easy = curl_easy_init();
    if (!t->easy) goto fail;
    for (size_t i = 0; i < c->n_headers; i++)
        if (c->headers[i].name && c->headers[i].value &&
            !curlhdr_add(&t->headers, c->headers[i].name, c->headers[i].value))
            goto fail;
    if (!cfg_has_header(c->headers, c->n_headers, "Content-Type") &&
        !curlhdr_add(&t->headers, "Content-Type", "application/json"))
        goto fail;
    /* No "Expect: 100-continue" round trip before larger bodies. */
    struct curl_slist *l = curl_slist_append(t->headers, "Expect:");
    if (!l) goto fail;
    t->headers = l;
    CURL *e = t->easy;
    long timeout = (long)(c->timeout_ms > 0 ? c->timeout_ms : WEBHOOK_DEFAULT_TIMEOUT_MS);
    if (curl_easy_setopt(e, CURLOPT_URL, c->url) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK)
        goto fail;
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* a redirected POST is an error */
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "ioc/" IOC_VERSION);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    return 0;
fail:
    snprintf(err, errlen, _("notify target %zu (%s): cannot set up its HTTP client"), t->idx + 1,
             t->name);
    return -1;
}

/* Words for a failed transfer (never the URL: it may hold secrets), and
 * whether trying again may help: not for a configuration problem, which
 * another attempt would meet the same way. */
static AttemptResult describe(const Target *t, CURLcode rc, char *buf, size_t n)
{
    long os = 0;
    curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO, &os);
    curlerr_describe(rc, t->errbuf, os,
                     t->cfg->timeout_ms > 0 ? t->cfg->timeout_ms : WEBHOOK_DEFAULT_TIMEOUT_MS, buf,
                     n);
    switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_PEER_FAILED_VERIFICATION:
        return ATTEMPT_FAIL;
    default:
        return ATTEMPT_RETRY;
    }
}

/* Loop callback: the POST has ended; 2xx is delivered, 5xx and transport
 * errors may be retried, anything else (4xx, 3xx) is final. */
static void on_done(void *ud, CURL *easy, CURLcode rc)
{
    Target *t = ud;
    t->in_transfer = false;
    char why[160] = "";
    AttemptResult r;
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK) {
        r = describe(t, rc, why, sizeof(why));
    } else if (code >= 200 && code < 300) {
        r = ATTEMPT_OK;
    } else {
        snprintf(why, sizeof(why), "HTTP %ld", code);
        r = code >= 500 ? ATTEMPT_RETRY : ATTEMPT_FAIL;
    }
    notify_attempt_done(t, r, why);
}

int webhook_start(Target *t, AttemptResult *r, char *why, size_t n)
{
    t->errbuf[0] = '\0';
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->cur.len);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->cur.body);
    if (loop_add_transfer(t->nf->loop, t->easy, on_done, t) != 0) {
        snprintf(why, n, "%s", _("cannot start the transfer"));
        *r = ATTEMPT_RETRY;
        return -1;
    }
    t->in_transfer = true;
    return 0;
}

void webhook_cancel(Target *t)
{
    if (t->in_transfer && t->nf->loop) loop_cancel_transfer(t->nf->loop, t->easy);
    t->in_transfer = false;
}

void webhook_free(Target *t)
{
    if (t->easy) curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    t->easy = NULL;
    t->headers = NULL;
}
