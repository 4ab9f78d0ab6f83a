/* fmt.c - numbers for people (see fmt.h): fixed decimals with thousands
 * separators whatever the locale, the shortest text that reads back, signed
 * changes, and durations in three styles. The one place that knows the C
 * library writes LC_NUMERIC's decimal point. */
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"

/* The style of the human formats: the UI language's (fmt_set_style()). */
static FmtStyle ui_style = FMT_EN;

void fmt_set_style(FmtStyle st)
{
    ui_style = st;
}

FmtStyle fmt_style(void)
{
    return ui_style;
}

/* The thousands separator of st ('\0': none) and its decimal separator. */
static void style_seps(FmtStyle st, char *thousands, char *decimal)
{
    *thousands = st == FMT_VI ? '.' : st == FMT_EN ? ',' : '\0';
    *decimal = st == FMT_VI ? ',' : '.';
}

/* Replaces the locale's decimal point in the number text buf by '.': the C
 * library writes LC_NUMERIC's point, and ioc's texts always use '.'. */
static void c_point(char *buf)
{
    const char *dp = localeconv()->decimal_point;
    if (!dp || !dp[0] || strcmp(dp, ".") == 0) return;
    char *p = strstr(buf, dp);
    if (!p) return;
    size_t dl = strlen(dp);
    *p = '.';
    memmove(p + 1, p + dl, strlen(p + dl) + 1);
}

double fmt_parse_double(const char *s, size_t len, size_t *used)
{
    char buf[80];
    size_t n = 0;
    const char *dp = localeconv()->decimal_point;
    size_t dl = dp && dp[0] ? strlen(dp) : 0;
    bool swap = dl > 0 && strcmp(dp, ".") != 0;

    *used = 0;
    for (size_t i = 0; i < len && s[i] && n + dl + 1 < sizeof buf; i++) {
        if (!strchr("+-0123456789.eEinfatyINFATY", s[i])) break;
        if (s[i] == '.' && swap) {
            memcpy(buf + n, dp, dl);
            n += dl;
        } else {
            buf[n++] = s[i];
        }
    }
    buf[n] = '\0';
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end == buf) return 0.0;
    /* Count the input bytes that strtod took (the point may differ in size). */
    size_t took = (size_t)(end - buf), in = 0;
    for (size_t k = 0; k < took; in++)
        k += s[in] == '.' && swap ? dl : 1;
    *used = in;
    return v;
}

void fmt_shortest(double v, char *buf, size_t n)
{
    if (n == 0) return;
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v) break;
    }
    c_point(buf);
}

/* Fixed decimals (at most 9) with '.' whatever the locale; with trim,
 * trailing zeros and a bare point go; "-0" is "0". */
static void fixed(double v, int decimals, bool trim, char *buf, size_t n)
{
    if (decimals < 0) decimals = 0;
    if (decimals > 9) decimals = 9;
    snprintf(buf, n, "%.*f", decimals, v);
    c_point(buf);
    char *dot = strchr(buf, '.');
    if (trim && dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1) *dot = '\0';
    }
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

double fmt_round(double v, int decimals)
{
    if (decimals < 0 || !isfinite(v)) return v;
    char buf[400]; /* 309 integer digits, a point, 9 decimals */
    snprintf(buf, sizeof buf, "%.*f", decimals > 9 ? 9 : decimals, v);
    double r = strtod(buf, NULL); /* the same locale writes and reads the point */
    return r == 0 ? 0 : r;        /* no "-0" */
}

/* Rewrites the plain number text in buf (n bytes; '.' point, no grouping)
 * in style st: the decimal separator, and the thousands separator between
 * groups of three digits of the integer part when group. */
static void apply_style(FmtStyle st, bool group, char *buf, size_t n)
{
    char sep, point;
    style_seps(st, &sep, &point);
    char *dot = strchr(buf, '.');
    if (dot) *dot = point;
    char *p = buf + (buf[0] == '-');
    size_t digits = strspn(p, "0123456789");
    size_t seps = group && sep && digits > 0 ? (digits - 1) / 3 : 0;
    if (seps == 0 || strlen(buf) + seps >= n) return;
    char *src = p + digits;
    memmove(src + seps, src, strlen(src) + 1);
    char *dst = src + seps;
    for (size_t i = 0; i < digits; i++) {
        *--dst = *--src;
        if (i % 3 == 2 && i + 1 < digits) *--dst = sep;
    }
}

void fmt_fixed(FmtStyle st, double v, int max_decimals, char *buf, size_t n)
{
    if (n == 0) return;
    if (!isfinite(v)) {
        buf[0] = '\0';
        return;
    }
    fixed(v, max_decimals, true, buf, n);
    apply_style(st, true, buf, n);
}

void fmt_number_in(FmtStyle st, double v, int decimals, char *buf, size_t n)
{
    if (n == 0) return;
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "-" : v > 0 ? "Inf" : "-Inf"); /* NaN: no value */
        return;
    }
    if (v >= 1e15 || v <= -1e15) { /* shortest text that reads back, no grouping */
        fmt_shortest(v, buf, n);
        apply_style(st, false, buf, n);
        return;
    }
    bool automatic = decimals < 0;
    fixed(v, automatic ? 2 : decimals, automatic, buf, n);
    apply_style(st, true, buf, n);
}

void fmt_number(double v, int decimals, char *buf, size_t n)
{
    fmt_number_in(ui_style, v, decimals, buf, n);
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
    int64_t s = ms > 0 ? ms / 1000 : 0;
    int w;
    if (n == 0) return;
    if (s < 60)
        w = snprintf(buf, n, "%" PRId64 "s", s);
    else if (s < 3600)
        w = snprintf(buf, n, "%" PRId64 "m", s / 60);
    else if (s < 86400)
        w = snprintf(buf, n, "%" PRId64 "h", s / 3600);
    else
        w = snprintf(buf, n, "%" PRId64 "d", s / 86400);
    if (w < 0 || (size_t)w >= n) buf[0] = '\0'; /* never a cut figure */
}

void fmt_span(int64_t ms, char *buf, size_t n)
{
    int64_t s = ms > 0 ? ms / 1000 : 0;
    if (n == 0) return;
    if (s < 60)
        snprintf(buf, n, "%" PRId64 "s", s);
    else if (s < 3600)
        snprintf(buf, n, "%" PRId64 "m %02" PRId64 "s", s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, n, "%" PRId64 "h %02" PRId64 "m", s / 3600, s % 3600 / 60);
    else
        snprintf(buf, n, "%" PRId64 "d %02" PRId64 "h", s / 86400, s % 86400 / 3600);
}

void fmt_duration(int64_t ms, char *buf, size_t n)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
    size_t used = 0;
    if (n == 0) return;
    buf[0] = '\0';
    if (ms <= 0) {
        snprintf(buf, n, "0s");
        return;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0] && ms > 0; i++) {
        if (ms < units[i].ms) continue;
        int w = snprintf(buf + used, n - used, "%" PRId64 "%s", ms / units[i].ms, units[i].unit);
        if (w < 0 || (size_t)w >= n - used) return;
        used += (size_t)w;
        ms %= units[i].ms;
    }
}
