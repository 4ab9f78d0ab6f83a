/* fmt.c - numbers for people (see fmt.h): fixed decimals with thousands
 * separators whatever the locale, signed changes, ages. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/timefmt.h"

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

void fmt_number(double v, int decimals, char *buf, size_t n)
{
    if (n == 0) return;
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf");
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

void fmt_delta(double d, int decimals, bool utf8, char *buf, size_t n)
{
    char num[FMT_NUM_MAX];
    fmt_number(fabs(d), decimals, num, sizeof num);
    bool zero = strspn(num, "0.,") == strlen(num);
    if (zero || isnan(d))
        snprintf(buf, n, "= %s", num);
    else if (d > 0)
        snprintf(buf, n, "%s +%s", utf8 ? "\xE2\x96\xB2" : "^", num); /* ▲ */
    else
        snprintf(buf, n, "%s %s%s", utf8 ? "\xE2\x96\xBC" : "v", utf8 ? "\xE2\x88\x92" : "-",
                 num); /* ▼ − */
}

void fmt_age(int64_t ms, char *buf, size_t n)
{
    if (timefmt_age(ms, buf, n) < 0 && n > 0) buf[0] = '\0';
}
