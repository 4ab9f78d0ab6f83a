/* draw_fmt.c - the text side of the widgets' drawing (see draw_fmt.h): status
 * symbols and words, number and value formatting, cleaning strings for the
 * terminal (ASCII transliteration without UTF-8), filter matching. Nothing
 * here touches curses. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "ioc/i18n.h"
#include "ioc/timefmt.h"
#include "widgets/draw_fmt.h"
#include "widgets/text.h"

const char *draw_status_symbol(KpiStatus st, bool utf8)
{
    switch (st) {
    case KST_OK:
        return utf8 ? "\xE2\x9C\x93" : "+"; /* ✓ */
    case KST_WARN:
        return "!";
    case KST_CRIT:
        return utf8 ? "\xE2\x9C\x97" : "x"; /* ✗ */
    case KST_STALE:
        return "~";
    case KST_NONE:
        break;
    }
    return "-";
}

const char *draw_status_word(KpiStatus st)
{
    static const char *const words[] = {N_("ok"), N_("warn"), N_("crit"), N_("stale"), N_("none")};
    return st <= KST_NONE ? _(words[st]) : _(words[KST_NONE]);
}

KpiStatus draw_feed_status(FeedStateKind k)
{
    switch (k) {
    case FS_OK:
        return KST_OK;
    case FS_SLOW:
        return KST_WARN;
    case FS_DOWN:
    case FS_BAD_DATA:
        return KST_CRIT;
    case FS_PENDING:
        break;
    }
    return KST_NONE;
}

const char *draw_feed_word(FeedStateKind k)
{
    static const char *const words[] = {N_("pending"), N_("ok"), N_("slow"), N_("down"),
                                        N_("bad-data")};
    return k <= FS_BAD_DATA ? _(words[k]) : _(words[FS_PENDING]);
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

const char *draw_clean(const char *s, bool utf8, char *out, size_t n)
{
    if (n == 0) return out;
    text_sanitize(s, out, n);
    if (!utf8) asciify(out);
    return out;
}

/* Replaces the locale's decimal point in the number text buf by '.'. */
static void c_decimal_point(char *buf)
{
    const char *dp = localeconv()->decimal_point;
    if (!dp || !dp[0] || strcmp(dp, ".") == 0) return;
    char *p = strstr(buf, dp);
    if (!p) return;
    size_t dl = strlen(dp);
    *p = '.';
    memmove(p + 1, p + dl, strlen(p + dl) + 1);
}

/* Puts ',' between groups of three digits of the integer part of the plain
 * decimal number in buf (n bytes). */
static void group_thousands(char *buf, size_t n)
{
    char *p = buf + (buf[0] == '-');
    size_t digits = strspn(p, "0123456789");
    size_t commas = digits > 0 ? (digits - 1) / 3 : 0;
    if (commas == 0 || strlen(buf) + commas >= n) return;
    char *src = p + digits;
    memmove(src + commas, src, strlen(src) + 1);
    char *dst = src + commas;
    for (size_t i = 0; i < digits; i++) {
        *--dst = *--src;
        if (i % 3 == 2 && i + 1 < digits) *--dst = ',';
    }
}

void draw_fmt_number(double v, int decimals, char *buf, size_t n)
{
    if (n == 0) return;
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "-" : v > 0 ? "Inf" : "-Inf"); /* NaN: no value */
        return;
    }
    if (v >= 1e15 || v <= -1e15) { /* shortest text that reads back, no grouping */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, n, "%.*g", prec, v);
            if (strtod(buf, NULL) == v) break;
        }
        c_decimal_point(buf);
        return;
    }
    bool automatic = decimals < 0;
    if (automatic) decimals = 2;
    if (decimals > 9) decimals = 9;
    snprintf(buf, n, "%.*f", decimals, v);
    c_decimal_point(buf);
    char *dot = strchr(buf, '.');
    if (automatic && dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1) *dot = '\0';
    }
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf)); /* "-0" is "0" */
    group_thousands(buf, n);
}

double draw_fmt_round(double v, int decimals)
{
    if (decimals < 0 || !isfinite(v)) return v;
    char buf[400]; /* 309 integer digits, a point, 9 decimals */
    snprintf(buf, sizeof buf, "%.*f", decimals > 9 ? 9 : decimals, v);
    double r = strtod(buf, NULL); /* the same locale writes and reads the point */
    return r == 0 ? 0 : r;        /* no "-0" */
}

void draw_fmt_value(const CfgKpi *k, bool has_value, double v, bool utf8, char *buf, size_t n)
{
    char num[DRAW_NUM_MAX], unit[DRAW_NAME_MAX];
    if (n == 0) return;
    if (!has_value) {
        snprintf(buf, n, "%s", utf8 ? "\xE2\x80\x93" : "-"); /* – */
        return;
    }
    draw_fmt_number(v, k ? k->decimals : -1, num, sizeof num);
    draw_clean(k ? k->unit : NULL, utf8, unit, sizeof unit);
    snprintf(buf, n, unit[0] ? "%s %s" : "%s%s", num, unit);
}

void draw_fmt_delta(double d, int decimals, bool utf8, char *buf, size_t n)
{
    char num[DRAW_NUM_MAX];
    draw_fmt_number(fabs(d), decimals, num, sizeof num);
    bool zero = strspn(num, "0.,") == strlen(num);
    if (zero || isnan(d))
        snprintf(buf, n, "= %s", num);
    else if (d > 0)
        snprintf(buf, n, "%s +%s", utf8 ? "\xE2\x96\xB2" : "^", num); /* ▲ */
    else
        snprintf(buf, n, "%s %s%s", utf8 ? "\xE2\x96\xBC" : "v", utf8 ? "\xE2\x88\x92" : "-",
                 num); /* ▼ − */
}

void draw_fmt_age(int64_t ms, char *buf, size_t n)
{
    if (timefmt_age(ms, buf, n) < 0 && n > 0) buf[0] = '\0';
}

/* Lower-case wide copy of s into out (cap characters); its length. */
static size_t lower_wide(const char *s, wchar_t *out, size_t cap)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = 0, len = strlen(s);
    while (len > 0 && n < cap) {
        wchar_t wc;
        size_t r = mbrtowc(&wc, s, len, &st);
        if (r == 0) break;
        if (r == (size_t)-1 || r == (size_t)-2) {
            memset(&st, 0, sizeof st);
            wc = (unsigned char)*s;
            r = 1;
        }
        out[n++] = (wchar_t)towlower((wint_t)wc);
        s += r;
        len -= r;
    }
    return n;
}

bool draw_match(const char *s, const char *filter)
{
    wchar_t hay[256], needle[64];
    if (!filter || !filter[0]) return true;
    if (!s) return false;
    size_t nh = lower_wide(s, hay, 256), nn = lower_wide(filter, needle, 64);
    if (nn == 0) return true;
    for (size_t i = 0; i + nn <= nh; i++)
        if (wmemcmp(hay + i, needle, nn) == 0) return true;
    return false;
}
