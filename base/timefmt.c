/* timefmt.c - ISO 8601 times, clock times and dates for people (see timefmt.h). */
#include "base/timefmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_TZDIR "/usr/share/zoneinfo"
#define MAX_ZONE_NAME 255

/* True when name is a relative path of plain components (no "", ".", ".."),
 * made of the characters IANA zone names use. */
static bool zone_name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > MAX_ZONE_NAME || name[0] == '/') return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '+' || c == '.' || c == '/'))
            return false;
    }
    const char *comp = name;
    for (;;) {
        const char *end = strchr(comp, '/');
        size_t n = end ? (size_t)(end - comp) : strlen(comp);
        if (n == 0 || (n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
            return false;
        if (!end) return true;
        comp = end + 1;
    }
}

/* True when path is a regular file starting with the TZif magic. */
static bool is_zone_file(const char *path)
{
    struct stat st;
    char magic[4];
    bool ok = false;

    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    ok = fread(magic, 1, sizeof magic, f) == sizeof magic && memcmp(magic, "TZif", 4) == 0;
    fclose(f);
    return ok;
}

int timefmt_set_zone(const char *tz)
{
    if (!tz || !zone_name_ok(tz)) {
        errno = EINVAL;
        return -1;
    }
    if (strcmp(tz, "UTC") != 0 && strcmp(tz, "Etc/UTC") != 0 && strcmp(tz, "GMT") != 0) {
        const char *dir = getenv("TZDIR");
        char path[4096];
        if (!dir || !*dir) dir = DEFAULT_TZDIR;
        int r = snprintf(path, sizeof path, "%s/%s", dir, tz);
        if (r < 0 || (size_t)r >= sizeof path) {
            errno = EINVAL;
            return -1;
        }
        if (!is_zone_file(path)) {
            errno = ENOENT;
            return -1;
        }
    }
    if (setenv("TZ", tz, 1) != 0) return -1;
    tzset();
    return 0;
}

/* Splits ms into whole seconds (rounded down) and converts them to broken
 * down time, local or UTC. Returns false when the time cannot be shown. */
static bool broken_down(int64_t ms, bool utc, struct tm *tm)
{
    int64_t sec = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
    time_t t = (time_t)sec;

    if ((int64_t)t != sec) return false;
    if (!(utc ? gmtime_r(&t, tm) : localtime_r(&t, tm))) return false;
    return tm->tm_year >= -1900 && tm->tm_year <= 9999 - 1900;
}

/* Finishes a formatting call: r is snprintf's result for a buffer of n. */
static int finish(int r, char *buf, size_t n)
{
    if (r < 0 || (size_t)r >= n) {
        if (n > 0) buf[0] = '\0';
        errno = ERANGE;
        return -1;
    }
    return r;
}

/* Reports a time that cannot be shown. */
static int overflow(char *buf, size_t n)
{
    if (n > 0) buf[0] = '\0';
    errno = EOVERFLOW;
    return -1;
}

int timefmt_iso(int64_t ms, char *buf, size_t n)
{
    struct tm tm;

    if (!broken_down(ms, false, &tm)) return overflow(buf, n);
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    return finish(snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
                           off / 3600, off % 3600 / 60),
                  buf, n);
}

int timefmt_iso_utc(int64_t ms, char *buf, size_t n)
{
    struct tm tm;

    if (!broken_down(ms, true, &tm)) return overflow(buf, n);
    return finish(snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec),
                  buf, n);
}

int timefmt_hms(int64_t ms, char *buf, size_t n)
{
    struct tm tm;

    if (!broken_down(ms, false, &tm)) return overflow(buf, n);
    return finish(snprintf(buf, n, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec), buf, n);
}

/* Writes the date of tm in style st ("2026-11-25", "25/11/2026"; "11-25",
 * "25/11" without the year) into buf; snprintf's result. */
static int put_date(FmtStyle st, const struct tm *tm, bool year, char *buf, size_t n)
{
    int y = tm->tm_year + 1900, m = tm->tm_mon + 1, d = tm->tm_mday;
    if (st == FMT_VI)
        return year ? snprintf(buf, n, "%02d/%02d/%04d", d, m, y)
                    : snprintf(buf, n, "%02d/%02d", d, m);
    return year ? snprintf(buf, n, "%04d-%02d-%02d", y, m, d) : snprintf(buf, n, "%02d-%02d", m, d);
}

int timefmt_date(FmtStyle st, int64_t ms, char *buf, size_t n)
{
    struct tm tm;

    if (!broken_down(ms, false, &tm)) return overflow(buf, n);
    return finish(put_date(st, &tm, true, buf, n), buf, n);
}

int timefmt_datetime(FmtStyle st, int64_t ms, bool offset, char *buf, size_t n)
{
    struct tm tm;
    char date[TIMEFMT_SIZE];

    if (!broken_down(ms, false, &tm)) return overflow(buf, n);
    put_date(st, &tm, true, date, sizeof date);
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    if (!offset)
        return finish(snprintf(buf, n, "%s %02d:%02d:%02d", date, tm.tm_hour, tm.tm_min, tm.tm_sec),
                      buf, n);
    return finish(snprintf(buf, n, "%s %02d:%02d:%02d %c%02ld:%02ld", date, tm.tm_hour, tm.tm_min,
                           tm.tm_sec, sign, off / 3600, off % 3600 / 60),
                  buf, n);
}

int timefmt_near(FmtStyle st, int64_t ms, int64_t now_ms, bool year, char *buf, size_t n)
{
    struct tm tm, now;
    char date[TIMEFMT_SIZE];

    if (!broken_down(ms, false, &tm) || !broken_down(now_ms, false, &now)) return overflow(buf, n);
    if (tm.tm_year == now.tm_year && tm.tm_yday == now.tm_yday)
        return finish(snprintf(buf, n, "%02d:%02d", tm.tm_hour, tm.tm_min), buf, n);
    put_date(st, &tm, year, date, sizeof date);
    return finish(snprintf(buf, n, "%s %02d:%02d", date, tm.tm_hour, tm.tm_min), buf, n);
}
