/* sim_time.c - durations, UTC offsets and ISO 8601 times (see sim_time.h). */
#include "sim/sim_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int64_t sim_time_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

int64_t sim_time_mod(int64_t a, int64_t b)
{
    return a - sim_time_floor_div(a, b) * b;
}

int64_t sim_time_days_from_civil(int64_t y, int m, int d)
{
    /* Shift the year to start in March so the leap day is the last day. */
    y -= m <= 2;
    int64_t era = sim_time_floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Converts days since 1970-01-01 back to a civil date. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = sim_time_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits at *p into *out and advances; false otherwise. */
static bool read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Reads a non-negative decimal number ("12", "1.5", ".5") as a double. */
static bool read_number(const char **p, double *out)
{
    const char *s = *p;
    double v = 0;
    bool any = false;
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (*s++ - '0');
        any = true;
        if (v > 1e15) return false;
    }
    if (*s == '.') {
        s++;
        double scale = 0.1;
        while (isdigit((unsigned char)*s)) {
            v += (*s++ - '0') * scale;
            scale /= 10;
            any = true;
        }
    }
    if (!any) return false;
    *p = s;
    *out = v;
    return true;
}

bool sim_time_parse_duration(const char *s, int64_t *out_ms)
{
    if (!s) return false;
    while (isspace((unsigned char)*s))
        s++;
    double total = 0;
    int parts = 0;
    while (*s && !isspace((unsigned char)*s)) {
        double v;
        if (!read_number(&s, &v)) return false;
        double unit;
        if (strncmp(s, "ms", 2) == 0) {
            unit = 1;
            s += 2;
        } else if (*s == 's') {
            unit = 1000;
            s++;
        } else if (*s == 'm') {
            unit = 60000;
            s++;
        } else if (*s == 'h') {
            unit = 3600000;
            s++;
        } else if (*s == 'd') {
            unit = 86400000;
            s++;
        } else if (*s == '\0' || isspace((unsigned char)*s)) {
            if (parts > 0) return false; /* "1h30" is ambiguous */
            unit = 1000;
        } else {
            return false;
        }
        total += v * unit;
        parts++;
        if (total > (double)SIM_TIME_MAX_DURATION_MS) return false;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s || parts == 0) return false;
    *out_ms = (int64_t)(total + 0.5);
    return true;
}

/* Parses "+HH:MM", "+HHMM" or "+H"/"+HH" at *p (sign required); advances *p. */
static bool read_offset(const char **p, int *out_s)
{
    const char *s = *p;
    int sign = *s == '+' ? 1 : *s == '-' ? -1 : 0;
    if (!sign) return false;
    s++;
    int h = 0, m = 0;
    if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1])) {
        read_digits(&s, 2, &h);
    } else if (isdigit((unsigned char)s[0])) {
        read_digits(&s, 1, &h);
    } else {
        return false;
    }
    if (*s == ':') {
        s++;
        if (!read_digits(&s, 2, &m)) return false;
    } else if (isdigit((unsigned char)*s)) {
        if (!read_digits(&s, 2, &m)) return false;
    }
    if (h > 14 || m > 59 || h * 60 + m > 14 * 60) return false;
    *out_s = sign * (h * 3600 + m * 60);
    *p = s;
    return true;
}

bool sim_time_parse_tz(const char *s, int *out_offset_s)
{
    if (!s) return false;
    if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0 || strcmp(s, "utc") == 0) {
        *out_offset_s = 0;
        return true;
    }
    /* Vietnam's zone names, as ioc's own config writes them: +07:00, no DST. */
    if (strcmp(s, "Asia/Ho_Chi_Minh") == 0 || strcmp(s, "Asia/Saigon") == 0) {
        *out_offset_s = 7 * 3600;
        return true;
    }
    int off;
    if (!read_offset(&s, &off) || *s) return false;
    *out_offset_s = off;
    return true;
}

/* Days in month m of year y. */
static int month_days(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

bool sim_time_parse_iso(const char *s, int default_tz_s, int64_t *out_ms)
{
    if (!s) return false;
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    if (!read_digits(&s, 4, &y) || *s++ != '-' || !read_digits(&s, 2, &mo) || *s++ != '-' ||
        !read_digits(&s, 2, &d))
        return false;
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo)) return false;
    int tz = default_tz_s;
    if (*s == 'T' || *s == 't' || *s == ' ') {
        s++;
        if (!read_digits(&s, 2, &h) || *s++ != ':' || !read_digits(&s, 2, &mi)) return false;
        if (*s == ':') {
            s++;
            if (!read_digits(&s, 2, &sec)) return false;
            if (*s == '.' || *s == ',') {
                s++;
                int scale = 100, any = 0;
                while (isdigit((unsigned char)*s)) {
                    ms += (*s++ - '0') * scale;
                    scale /= 10;
                    any = 1;
                }
                if (!any) return false;
            }
        }
        if (h > 23 || mi > 59 || sec > 60) return false;
        if (*s == 'Z' || *s == 'z') {
            tz = 0;
            s++;
        } else if (*s == '+' || *s == '-') {
            if (!read_offset(&s, &tz)) return false;
        }
    }
    if (*s) return false;
    int64_t days = sim_time_days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - tz;
    *out_ms = secs * 1000 + ms;
    return true;
}

char *sim_time_format_iso(int64_t ms, int tz_s, char *buf, size_t cap)
{
    int64_t local = sim_time_floor_div(ms, 1000) + tz_s;
    int64_t days = sim_time_floor_div(local, 86400);
    int64_t rem = local - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int h = (int)(rem / 3600), mi = (int)(rem / 60 % 60), s = (int)(rem % 60);
    if (tz_s == 0) {
        snprintf(buf, cap, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d, h, mi, s);
    } else {
        int a = tz_s < 0 ? -tz_s : tz_s;
        snprintf(buf, cap, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (long long)y, m, d, h, mi,
                 s, tz_s < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    }
    return buf;
}
