/* apireq.c - pure parsing for the HTTP API (see apireq.h). */
#include "services/apireq.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/i18n.h"

/* Value of hex digit c, or -1. */
static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long apireq_pct_decode(const char *s, size_t n, bool plus, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n) return -1;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0) return -1;
            out[o++] = (char)(h * 16 + l);
            i += 2;
        } else if (plus && s[i] == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return (long)o;
}

bool apireq_text_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t k;
        unsigned min;
        if (c < 0x20 || c == 0x7f) return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            k = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, min = 0x10000, c &= 0x07;
        } else {
            return false;
        }
        if (n - i <= k) return false;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80) return false;
            c = (c << 6) | (p[i + j] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || (c >= 0x80 && c < 0xA0))
            return false;
        i += k + 1;
    }
    return true;
}

/* Decodes s[0..n) into *pos (advanced past the NUL); NULL with err set when
 * the escape or the text is bad. */
static const char *decode_part(const char *s, size_t n, bool plus, char **pos, const char *what,
                               char *err, size_t errlen)
{
    char *out = *pos;
    long m = apireq_pct_decode(s, n, plus, out);
    if (m < 0) {
        snprintf(err, errlen, _("bad %%-escape in the %s"), what);
        return NULL;
    }
    if (!apireq_text_ok(out, (size_t)m)) {
        snprintf(err, errlen, _("control characters or invalid UTF-8 in the %s"), what);
        return NULL;
    }
    *pos = out + m + 1;
    return out;
}

ApiReqRc apireq_parse_target(const char *uri, ApiTarget *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof(*t));
    size_t len = strlen(uri);
    if (len > APIREQ_URI_MAX) {
        snprintf(err, errlen, _("the request target is longer than %d bytes"), APIREQ_URI_MAX);
        return APIREQ_TOO_LONG;
    }
    if (uri[0] != '/') {
        snprintf(err, errlen, "%s", _("the request target must start with '/'"));
        return APIREQ_BAD;
    }
    if (strchr(uri, '#')) {
        snprintf(err, errlen, "%s", _("a '#' in the request target"));
        return APIREQ_BAD;
    }
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : len;
    char *pos = t->buf;
    /* Path: segments between slashes; "/" alone has none. */
    size_t i = 1;
    while (plen > 1 && i <= plen) {
        size_t j = i;
        while (j < plen && uri[j] != '/')
            j++;
        if (t->n_segs == APIREQ_MAX_SEGS) {
            snprintf(err, errlen, _("more than %d path segments"), APIREQ_MAX_SEGS);
            return APIREQ_TOO_LONG;
        }
        const char *seg = decode_part(uri + i, j - i, false, &pos, _("path"), err, errlen);
        if (!seg) return APIREQ_BAD;
        if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0) {
            snprintf(err, errlen, "%s", _("'.' and '..' path segments are refused"));
            return APIREQ_BAD;
        }
        if (strchr(seg, '/')) {
            snprintf(err, errlen, "%s", _("an escaped '/' in a path segment is refused"));
            return APIREQ_BAD;
        }
        t->seg[t->n_segs++] = seg;
        i = j + 1;
    }
    if (!q) return APIREQ_OK;
    /* Query: k=v pairs separated by '&'; empty pairs are skipped. */
    const char *s = q + 1;
    while (*s) {
        size_t n = strcspn(s, "&");
        if (n > 0) {
            if (t->n_params == APIREQ_MAX_PARAMS) {
                snprintf(err, errlen, _("more than %d query parameters"), APIREQ_MAX_PARAMS);
                return APIREQ_TOO_LONG;
            }
            const char *eq = memchr(s, '=', n);
            size_t kn = eq ? (size_t)(eq - s) : n;
            const char *k = decode_part(s, kn, true, &pos, _("query"), err, errlen);
            if (!k) return APIREQ_BAD;
            const char *v =
                eq ? decode_part(eq + 1, n - kn - 1, true, &pos, _("query"), err, errlen)
                   : decode_part("", 0, true, &pos, _("query"), err, errlen);
            if (!v) return APIREQ_BAD;
            if (apireq_param(t, k)) {
                snprintf(err, errlen, _("query parameter '%.40s' is given twice"), k);
                return APIREQ_BAD;
            }
            t->key[t->n_params] = k;
            t->val[t->n_params++] = v;
        }
        s += n;
        if (*s == '&') s++;
    }
    return APIREQ_OK;
}

const char *apireq_param(const ApiTarget *t, const char *key)
{
    for (size_t i = 0; i < t->n_params; i++)
        if (strcmp(t->key[i], key) == 0) return t->val[i];
    return NULL;
}

/* Parses body[0..len) as one JSON object whose keys are all in allowed[0..n)
 * and whose values are strings; NULL with a message otherwise. */
static cJSON *parse_object(const char *body, size_t len, const char *const *allowed, size_t n,
                           char *err, size_t errlen)
{
    const char *end = NULL;
    /* cJSON would cut a string at an escaped NUL: refuse it instead (also
     * after an escaped backslash, where it is harmless: a rare false alarm). */
    for (size_t i = 0; i + 6 <= len; i++) {
        if (memcmp(body + i, "\\u0000", 6) == 0) {
            snprintf(err, errlen, "%s", _("a NUL character (\\u0000) in the body"));
            return NULL;
        }
    }
    cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, false);
    if (!root) {
        snprintf(err, errlen, "%s", _("the body is not valid JSON"));
        return NULL;
    }
    while (end && (size_t)(end - body) < len &&
           (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
        end++;
    if (!end || (size_t)(end - body) != len) {
        snprintf(err, errlen, "%s", _("the body has text after the JSON value"));
        goto fail;
    }
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "%s", _("the body must be a JSON object"));
        goto fail;
    }
    for (const cJSON *c = root->child; c; c = c->next) {
        bool ok = false;
        for (size_t i = 0; i < n && !ok; i++)
            ok = c->string && strcmp(c->string, allowed[i]) == 0;
        if (!ok) {
            char key[48];
            size_t kl = c->string ? strlen(c->string) : 0;
            if (!c->string || !apireq_text_ok(c->string, kl)) kl = 0;
            snprintf(key, sizeof(key), "%.*s", (int)(kl < 40 ? kl : 40), kl ? c->string : "?");
            snprintf(err, errlen, _("unknown key '%s' in the body"), key);
            goto fail;
        }
        if (!cJSON_IsString(c)) {
            snprintf(err, errlen, _("'%s' must be a string"), c->string);
            goto fail;
        }
        for (const cJSON *d = root->child; d != c; d = d->next) {
            if (strcmp(d->string, c->string) == 0) {
                snprintf(err, errlen, _("'%s' is given twice"), c->string);
                goto fail;
            }
        }
    }
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

/* Copies string member key of o into out[0..n) (empty when absent); false
 * with a message when it is too long or holds control characters. */
static bool get_str(const cJSON *o, const char *key, bool required, char *out, size_t n, char *err,
                    size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    out[0] = '\0';
    if (!v || !v->valuestring || !v->valuestring[0]) {
        if (!required) return true;
        snprintf(err, errlen, _("'%s' is required"), key);
        return false;
    }
    size_t len = strlen(v->valuestring);
    if (len >= n) {
        snprintf(err, errlen, _("'%s' is longer than %zu bytes"), key, n - 1);
        return false;
    }
    if (!apireq_text_ok(v->valuestring, len)) {
        snprintf(err, errlen, _("'%s' holds control characters or invalid UTF-8"), key);
        return false;
    }
    memcpy(out, v->valuestring, len + 1);
    return true;
}

/* True when body[0..len) is only white space. */
static bool blank(const char *body, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", body[i])) return false;
    return true;
}

int apireq_parse_ack(const char *body, size_t len, ApiAckReq *out, char *err, size_t errlen)
{
    static const char *const keys[] = {"comment"};
    out->comment[0] = '\0';
    if (!body || blank(body, len)) return 0;
    cJSON *o = parse_object(body, len, keys, 1, err, errlen);
    if (!o) return -1;
    bool ok = get_str(o, "comment", false, out->comment, sizeof(out->comment), err, errlen);
    cJSON_Delete(o);
    return ok ? 0 : -1;
}

int apireq_parse_silence(const char *body, size_t len, ApiSilenceReq *out, char *err, size_t errlen)
{
    static const char *const keys[] = {"target", "duration", "comment"};
    memset(out, 0, sizeof(*out));
    if (!body || blank(body, len)) {
        snprintf(err, errlen, "%s", _("the body must be a JSON object with target and duration"));
        return -1;
    }
    cJSON *o = parse_object(body, len, keys, 3, err, errlen);
    if (!o) return -1;
    char dur[32];
    bool ok = get_str(o, "target", true, out->target, sizeof(out->target), err, errlen) &&
              get_str(o, "duration", true, dur, sizeof(dur), err, errlen) &&
              get_str(o, "comment", false, out->comment, sizeof(out->comment), err, errlen);
    cJSON_Delete(o);
    if (!ok) return -1;
    if (!cfg_parse_duration(dur, &out->duration_ms) || out->duration_ms <= 0 ||
        out->duration_ms > APIREQ_SILENCE_MAX_MS) {
        snprintf(err, errlen, "%s",
                 _("'duration' must be a duration from 1s to 30d, such as \"2h\" or \"1h30m\""));
        return -1;
    }
    return 0;
}

/* Reads exactly n digits at *p into *v, advancing *p. */
static bool digits(const char **p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return false;
        *v = *v * 10 + (c - '0');
    }
    *p += n;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Reads an optional fraction ".123..." at *p as milliseconds. */
static bool fraction_ms(const char **p, int64_t *ms)
{
    *ms = 0;
    if (**p != '.') return true;
    (*p)++;
    int n = 0;
    while (**p >= '0' && **p <= '9') {
        if (n < 3) *ms = *ms * 10 + (**p - '0');
        n++;
        (*p)++;
    }
    if (n == 0 || n > 9) return false;
    for (int i = n; i < 3; i++)
        *ms *= 10;
    return true;
}

bool apireq_parse_time(const char *s, int64_t *ms)
{
    const char *p = s;
    int64_t frac;
    if (!s || !*s) return false;
    if (strlen(s) <= 20 && strspn(s, "0123456789") >= 1 &&
        (s[strspn(s, "0123456789")] == '\0' || s[strspn(s, "0123456789")] == '.')) {
        int64_t sec = 0;
        size_t nd = strspn(s, "0123456789");
        if (nd > 11) return false; /* beyond year 5000 */
        for (size_t i = 0; i < nd; i++)
            sec = sec * 10 + (s[i] - '0');
        p = s + nd;
        if (!fraction_ms(&p, &frac) || *p) return false;
        *ms = sec * 1000 + frac;
        return true;
    }
    int y, mo, d, h, mi, se, oh = 0, om = 0;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d))
        return false;
    if (*p != 'T' && *p != 't' && *p != ' ') return false;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
        !digits(&p, 2, &se) || !fraction_ms(&p, &frac))
        return false;
    int sign = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '+' ? 1 : -1;
        if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om)) return false;
    } else {
        return false;
    }
    if (*p || y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60 || oh > 23 ||
        om > 59)
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap)) return false;
    if (se == 60) se = 59; /* a leap second reads as the second before */
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    t -= sign * (oh * 3600 + om * 60);
    if (t < 0) return false;
    *ms = t * 1000 + frac;
    return true;
}

bool apireq_parse_id(const char *s, unsigned *id)
{
    unsigned long long v = 0;
    if (!s || !*s || strlen(s) > 10) return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v == 0 || v > UINT_MAX) return false;
    *id = (unsigned)v;
    return true;
}

bool apireq_bearer(const char *header, const char **tok, size_t *len)
{
    if (!header) return false;
    const char *p = header;
    while (*p == ' ' || *p == '\t')
        p++;
    static const char scheme[] = "bearer";
    for (size_t i = 0; i < sizeof(scheme) - 1; i++, p++)
        if ((*p | 0x20) != scheme[i]) return false;
    if (*p != ' ' && *p != '\t') return false;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = 0;
    /* token68 (RFC 9110): ALPHA DIGIT - . _ ~ + / then '=' padding */
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
           (p[n] >= '0' && p[n] <= '9') || (p[n] && strchr("-._~+/", p[n])))
        n++;
    size_t m = n;
    while (p[m] == '=')
        m++;
    size_t e = m;
    while (p[e] == ' ' || p[e] == '\t')
        e++;
    if (n == 0 || p[e]) return false;
    *tok = p;
    *len = m;
    return true;
}

bool apireq_token_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    volatile unsigned char d = (unsigned char)(alen != blen);
    for (size_t i = 0; i < blen; i++) {
        unsigned char x = i < alen ? (unsigned char)a[i] : 0;
        d |= (unsigned char)(x ^ (unsigned char)b[i]);
    }
    return d == 0;
}

const CfgHttpUser *apireq_find_user(const CfgHttpUser *users, size_t n, const char *tok, size_t len)
{
    const CfgHttpUser *found = NULL;
    for (size_t i = 0; i < n; i++) {
        const CfgHttpUser *u = &users[i];
        if (!u->token) continue;
        bool eq = apireq_token_eq(tok, len, u->token, strlen(u->token));
        if (eq && !found) found = u;
    }
    return found;
}
