/* logfmt.c - one logfmt line (see logfmt.h). */
#include "base/logfmt.h"

#include <stdarg.h>
#include <string.h>

#include "base/text.h"

#define ELLIPSIS "\xE2\x80\xA6"

void logfmt_init(LogFmt *l, char *buf, size_t cap)
{
    l->buf = buf;
    l->cap = cap;
    l->len = 0;
    l->tee = NULL;
    l->tee_ud = NULL;
    if (cap) buf[0] = '\0';
}

void logfmt_tee(LogFmt *l, void (*fn)(void *ud, const char *key, const char *value), void *ud)
{
    l->tee = fn;
    l->tee_ud = ud;
}

/* True when byte c may appear in a key as it is. */
static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/* True when an escaped value must be written in quotes. */
static bool needs_quotes(const char *v)
{
    return !*v || strpbrk(v, " =\"\\") != NULL;
}

/* Appends the n bytes at s when they fit (keeping room for "\n" and NUL). */
static bool put(LogFmt *l, const char *s, size_t n)
{
    if (l->cap < 2 || n > l->cap - 2 - l->len) return false;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    l->buf[l->len] = '\0';
    return true;
}

void logfmt_str(LogFmt *l, const char *key, const char *value)
{
    if (l->tee) l->tee(l->tee_ud, key, value ? value : "");
    /* Room for any one escape past the cap: a value that comes out longer
     * than LOGFMT_VALUE_MAX was cut, one that does not is whole. */
    char v[LOGFMT_VALUE_MAX + 8];
    size_t vlen = value ? strlen(value) : 0;
    size_t n = text_escape_n(value, vlen, TEXT_ESCAPE_QUOTES, v, sizeof v);
    if (n > LOGFMT_VALUE_MAX) {
        n = text_escape_n(value, vlen, TEXT_ESCAPE_QUOTES, v,
                          LOGFMT_VALUE_MAX - (sizeof ELLIPSIS - 1) + 1);
        memcpy(v + n, ELLIPSIS, sizeof ELLIPSIS);
        n += sizeof ELLIPSIS - 1;
    }
    char pair[LOGFMT_VALUE_MAX + 160];
    size_t p = 0;
    if (l->len) pair[p++] = ' ';
    for (const char *k = key && *key ? key : "_"; *k && p < 128; k++)
        pair[p++] = key_char(*k) ? *k : '_';
    pair[p++] = '=';
    bool q = needs_quotes(v);
    if (q) pair[p++] = '"';
    memcpy(pair + p, v, n);
    p += n;
    if (q) pair[p++] = '"';
    put(l, pair, p);
}

void logfmt_strf(LogFmt *l, const char *key, const char *fmt, ...)
{
    char v[LOGFMT_VALUE_MAX * 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    logfmt_str(l, key, v);
}

void logfmt_int(LogFmt *l, const char *key, long long v)
{
    char s[32];
    snprintf(s, sizeof s, "%lld", v);
    logfmt_str(l, key, s);
}

void logfmt_bool(LogFmt *l, const char *key, bool v)
{
    logfmt_str(l, key, v ? "true" : "false");
}

const char *logfmt_line(LogFmt *l)
{
    if (l->cap < 2) return "\n";
    l->buf[l->len] = '\n';
    l->buf[l->len + 1] = '\0';
    return l->buf;
}

int logfmt_write(LogFmt *l, FILE *out)
{
    const char *s = logfmt_line(l);
    size_t n = l->cap < 2 ? 1 : l->len + 1;
    int rc = fwrite(s, 1, n, out) == n ? 0 : -1;
    if (fflush(out) != 0) rc = -1;
    if (l->cap >= 2) l->buf[l->len] = '\0';
    return rc;
}
