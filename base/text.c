/* text.c - terminal text: sanitising, display width, fitting (see text.h). */
#include "base/text.h"

#include <langinfo.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

#include <utf8proc.h>

#define REPLACEMENT_CHAR 0xFFFDu

bool text_utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0);
}

const char *text_ellipsis(void)
{
    return text_utf8_locale() ? "\xE2\x80\xA6" : "...";
}

/* Decodes one UTF-8 character from the n > 0 bytes at s into *cp. Returns
 * the bytes consumed; an ill-formed sequence gives U+FFFD and consumes its
 * maximal ill-formed subpart (at least one byte). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0Fu;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07u;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        *cp = REPLACEMENT_CHAR;
        return 1;
    }
    for (size_t i = 1; i <= need; i++) {
        unsigned char b = i < n ? s[i] : 0;
        unsigned char blo = i == 1 ? lo : 0x80, bhi = i == 1 ? hi : 0xBF;
        if (i >= n || b < blo || b > bhi) {
            *cp = REPLACEMENT_CHAR;
            return i;
        }
        v = (v << 6) | (b & 0x3Fu);
    }
    *cp = v;
    return need + 1;
}

/* Encodes cp (a valid scalar value) as UTF-8 into buf; returns its length. */
static size_t utf8_encode(uint32_t cp, char *buf)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* What sanitising does with code point cp: 0 keep, 1 make a space, 2 drop. */
static int sanitize_action(uint32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0x2028 ||
        cp == 0x2029)
        return 1;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return 2;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return 2;
    return 0;
}

/* Writes in the visible form of code point cp, which sanitising would turn
 * into a space or drop: "\n", "\r", "\t", else "\u" and 4 hex digits
 * (every such code point is below U+10000). Returns the length. */
static size_t escape_control(uint32_t cp, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    if (cp == '\n' || cp == '\r' || cp == '\t') {
        buf[0] = '\\';
        buf[1] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
        return 2;
    }
    buf[0] = '\\';
    buf[1] = 'u';
    for (int i = 0; i < 4; i++)
        buf[2 + i] = hex[(cp >> (12 - 4 * i)) & 0xF];
    return 6;
}

/* The one sanitising loop behind text_sanitize_n() and text_escape_n():
 * escape false drops or blanks controls, true writes them as escapes (and,
 * with quotes, escapes '"' and '\\' too). */
static size_t clean_n(const char *in, size_t len, bool escape, bool quotes, char *out, size_t outsz)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;

    if (outsz == 0) return 0;
    if (!in) len = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        char enc[6];
        size_t k;

        i += utf8_decode(s + i, len - i, &cp);
        int act = sanitize_action(cp);
        if (act != 0 && escape) {
            k = escape_control(cp, enc);
        } else if (act == 1) {
            enc[0] = ' ';
            k = 1;
        } else if (act == 2) {
            continue;
        } else if (quotes && (cp == '"' || cp == '\\')) {
            enc[0] = '\\';
            enc[1] = (char)cp;
            k = 2;
        } else {
            k = utf8_encode(cp, enc);
        }
        if (k > outsz - 1 - o) break;
        memcpy(out + o, enc, k);
        o += k;
    }
    out[o] = '\0';
    return o;
}

size_t text_sanitize_n(const char *in, size_t len, char *out, size_t outsz)
{
    return clean_n(in, len, false, false, out, outsz);
}

size_t text_escape_n(const char *in, size_t len, unsigned flags, char *out, size_t outsz)
{
    return clean_n(in, len, true, (flags & TEXT_ESCAPE_QUOTES) != 0, out, outsz);
}

size_t text_sanitize(const char *in, char *out, size_t outsz)
{
    return text_sanitize_n(in, in ? strlen(in) : 0, out, outsz);
}

char *text_sanitize_dup(const char *in, size_t max_bytes)
{
    size_t len = in ? strlen(in) : 0;
    size_t cap = max_bytes;

    /* An ill-formed byte grows to 3 bytes; nothing else grows. */
    if (len <= (SIZE_MAX - 1) / 3 && len * 3 < cap) cap = len * 3;
    if (cap == SIZE_MAX) cap--;
    char *out = malloc(cap + 1);
    if (!out) return NULL;
    text_sanitize_n(in, len, out, cap + 1);
    return out;
}

/* Reads one character from the n > 0 bytes at s with the locale's decoder:
 * returns the bytes consumed and stores its display width in *w (invalid
 * bytes: one column each; non-printable characters: 0). */
static size_t next_char(const char *s, size_t n, mbstate_t *st, int *w)
{
    unsigned char b = (unsigned char)*s;
    if (b < 0x80 && mbsinit(st)) { /* ASCII, the same in every locale: no decoder */
        *w = b >= 0x20 && b < 0x7f ? 1 : 0;
        return 1;
    }
    wchar_t wc;
    size_t k = mbrtowc(&wc, s, n, st);

    if (k == (size_t)-1 || k == (size_t)-2) {
        memset(st, 0, sizeof *st);
        *w = 1;
        return 1;
    }
    if (k == 0) { /* an embedded NUL */
        *w = 0;
        return 1;
    }
    int cw = wcwidth(wc);
    *w = cw < 0 ? 0 : cw;
    return k;
}

/* Reads one cluster (a character and the zero-width characters after it).
 * Returns its bytes and stores its width in *w. */
static size_t next_cluster(const char *s, size_t n, mbstate_t *st, int *w)
{
    size_t i = next_char(s, n, st, w);
    while (i < n) {
        mbstate_t save = *st;
        int cw;
        size_t k = next_char(s + i, n - i, st, &cw);
        if (cw != 0) {
            *st = save;
            break;
        }
        i += k;
    }
    return i;
}

int text_width_n(const char *s, size_t len)
{
    mbstate_t st;
    long total = 0;

    if (!s) return 0;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < len;) {
        int w;
        i += next_char(s + i, len - i, &st, &w);
        total += w;
        if (total >= INT_MAX) return INT_MAX;
    }
    return (int)total;
}

int text_width(const char *s)
{
    return s ? text_width_n(s, strlen(s)) : 0;
}

/* The longest prefix of the len bytes at s made of whole clusters, at most
 * cols columns and max_bytes bytes. Returns its bytes; *width its width. */
static size_t fit_prefix(const char *s, size_t len, int cols, size_t max_bytes, int *width)
{
    mbstate_t st;
    size_t i = 0;
    int used = 0;

    memset(&st, 0, sizeof st);
    while (i < len) {
        int w;
        size_t k = next_cluster(s + i, len - i, &st, &w);
        if (w > cols - used || k > max_bytes - i) break;
        i += k;
        used += w;
    }
    *width = used;
    return i;
}

size_t text_fit(const char *s, int cols, int *width)
{
    int w = 0;
    size_t n = 0;

    if (s) n = fit_prefix(s, strlen(s), cols < 0 ? 0 : cols, SIZE_MAX, &w);
    if (width) *width = w;
    return n;
}

/* text_truncate() writing at most max_text bytes of text (max_text <
 * outsz). Returns the width written. */
static int truncate_to(const char *s, int cols, char *out, size_t max_text)
{
    size_t len = s ? strlen(s) : 0;
    const char *ell = text_ellipsis();
    size_t eb = strlen(ell);
    int ew = text_width(ell);
    int w;
    size_t n = fit_prefix(s ? s : "", len, cols, max_text, &w);

    if (n == len) { /* it all fits */
        memcpy(out, s ? s : "", n);
        out[n] = '\0';
        return w;
    }
    if (cols < ew || max_text < eb) {
        /* No room for the whole ellipsis: as much of "..." as fits; "…" is
         * one character, so nothing. */
        size_t k = 0;
        if (eb == (size_t)ew) {
            k = (size_t)cols < max_text ? (size_t)cols : max_text;
            if (k > eb) k = eb;
        }
        memcpy(out, ell, k);
        out[k] = '\0';
        return (int)k;
    }
    n = fit_prefix(s, len, cols - ew, max_text - eb, &w);
    memcpy(out, s, n);
    memcpy(out + n, ell, eb + 1);
    return w + ew;
}

int text_truncate(const char *s, int cols, char *out, size_t outsz)
{
    if (outsz == 0) return 0;
    return truncate_to(s, cols < 0 ? 0 : cols, out, outsz - 1);
}

int text_pad(const char *s, int cols, TextAlign align, char *out, size_t outsz)
{
    size_t budget, len;
    int w;

    if (outsz == 0) return 0;
    if (cols < 0) cols = 0;
    budget = outsz - 1;
    for (;;) {
        w = truncate_to(s, cols, out, budget);
        len = strlen(out);
        size_t need = len + (size_t)(cols - w);
        if (need <= outsz - 1 || len == 0) break;
        size_t over = need - (outsz - 1);
        budget = len > over ? len - over : 0;
    }
    size_t pad = (size_t)(cols - w);
    if (pad > outsz - 1 - len) pad = outsz - 1 - len;
    if (align == TEXT_RIGHT) {
        memmove(out + pad, out, len + 1);
        memset(out, ' ', pad);
    } else {
        memset(out + len, ' ', pad);
        out[len + pad] = '\0';
    }
    return w + (int)pad;
}

/* The ASCII letter of a Latin letter with marks (0: none known). */
static char latin_base(uint32_t cp)
{
    static const char latin1[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
    static const char ext_a[] =
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLl"
        "NnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    if (cp >= 0xC0 && cp <= 0xFF) return latin1[cp - 0xC0];
    if (cp >= 0x100 && cp <= 0x17F) return ext_a[cp - 0x100];
    if (cp == 0x1A0 || cp == 0x1A1) return cp == 0x1A0 ? 'O' : 'o'; /* Ơ ơ */
    if (cp == 0x1AF || cp == 0x1B0) return cp == 0x1AF ? 'U' : 'u'; /* Ư ư */
    if (cp >= 0x1EA0 && cp <= 0x1EF9) {                             /* Vietnamese: Ạ ... ỹ */
        unsigned i = cp - 0x1EA0;
        char base = i < 24 ? 'A' : i < 40 ? 'E' : i < 44 ? 'I' : i < 68 ? 'O' : i < 82 ? 'U' : 'Y';
        return (i & 1u) ? (char)(base - 'A' + 'a') : base;
    }
    return 0;
}

/* The ASCII text standing for code point cp ("" for marks and zero-width
 * characters, "?" when there is none). */
static const char *ascii_of(uint32_t cp, char buf[2])
{
    char c = latin_base(cp);
    if (!c) {
        switch (cp) {
        case 0xA0:
            c = ' ';
            break;
        case 0xB0:
            c = 'o';
            break;
        case 0xB2:
            c = '2';
            break;
        case 0xB3:
            c = '3';
            break;
        case 0xB5:
            c = 'u';
            break;
        case 0xB7:
            c = '.';
            break;
        case 0xB9:
            c = '1';
            break;
        case 0x2010:
        case 0x2011:
        case 0x2012:
        case 0x2013:
        case 0x2014:
        case 0x2212:
            c = '-';
            break;
        case 0x2018:
        case 0x2019:
            c = '\'';
            break;
        case 0x201C:
        case 0x201D:
            c = '"';
            break;
        case 0x2022:
            c = '*';
            break;
        case 0x2026:
            return "...";
        default:
            if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200F) ||
                (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF)
                return "";
            c = '?';
        }
    }
    buf[0] = c;
    buf[1] = '\0';
    return buf;
}

/* Rewrites the valid UTF-8 string s in place as ASCII (never longer). */
static void asciify(char *s)
{
    const unsigned char *r = (const unsigned char *)s;
    char *w = s;
    while (*r) {
        uint32_t cp = *r;
        size_t len = 1;
        if (cp >= 0xF0) {
            cp &= 0x07u;
            len = 4;
        } else if (cp >= 0xE0) {
            cp &= 0x0Fu;
            len = 3;
        } else if (cp >= 0xC0) {
            cp &= 0x1Fu;
            len = 2;
        }
        for (size_t i = 1; i < len; i++) {
            if ((r[i] & 0xC0u) != 0x80u) { /* not valid after all: one '?' per byte */
                len = 1;
                cp = 0xFFFD;
                break;
            }
            cp = (cp << 6) | (r[i] & 0x3Fu);
        }
        char one[2];
        const char *a = cp < 0x80 ? NULL : ascii_of(cp, one);
        if (!a) {
            *w++ = (char)cp;
        } else {
            size_t n = strlen(a); /* <= len: never overtakes the reader */
            memcpy(w, a, n);
            w += n;
        }
        r += len;
    }
    *w = '\0';
}

const char *text_clean(const char *s, bool utf8, char *out, size_t n)
{
    if (n == 0) return out;
    text_sanitize(s, out, n);
    if (!utf8) asciify(out);
    return out;
}

/* The code points of s folded for matching into out (cap of them): case
 * folded, decomposed and without marks, so that "Nhiệt", "NHIET" and "nhiet"
 * (composed or not) fold alike; đ and Đ fold to d (they do not decompose).
 * Ill-formed bytes fold to U+FFFD. Returns how many were written. */
static size_t fold(const char *s, int32_t *out, size_t cap)
{
    const utf8proc_option_t opt = UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s);
    size_t n = 0;
    int boundclass = UTF8PROC_BOUNDCLASS_START;
    while (len > 0 && n < cap) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate(p, len, &cp);
        if (r <= 0) {
            cp = 0xFFFD;
            r = 1;
        }
        p += r;
        len -= r;
        if (cp == 0x0110 || cp == 0x0111) {
            out[n++] = 'd';
            continue;
        }
        utf8proc_int32_t dec[8];
        utf8proc_ssize_t k = utf8proc_decompose_char(cp, dec, 8, opt, &boundclass);
        for (utf8proc_ssize_t i = 0; i < k && i < 8 && n < cap; i++)
            out[n++] = dec[i];
    }
    return n;
}

bool text_match(const char *s, const char *filter)
{
    int32_t hay[256], needle[64];
    if (!filter || !filter[0]) return true;
    if (!s) return false;
    size_t nh = fold(s, hay, 256), nn = fold(filter, needle, 64);
    if (nn == 0) return true;
    for (size_t i = 0; i + nn <= nh; i++)
        if (memcmp(hay + i, needle, nn * sizeof needle[0]) == 0) return true;
    return false;
}
