/* timefmt.h - times as the centre shows them: ISO 8601 with offset, clock
 * time, and dates for people in a number style of base/fmt.h (2026-11-25 in
 * English, 25/11/2026 in Vietnamese; durations and ages are in base/fmt.h).
 *
 * Local times use the process time zone, which timefmt_set_zone() sets from
 * the config's ioc.timezone. The time zone is PROCESS-WIDE (the TZ
 * environment variable read by localtime_r): call timefmt_set_zone() once at
 * start, before any formatting and before any thread exists, and not again.
 *
 * Formatting functions write into the caller's buffer (TIMEFMT_SIZE bytes
 * always suffice) and return the length written, or -1 with buf set to ""
 * (when n > 0) and errno ERANGE (buffer too small) or EOVERFLOW (a time that
 * cannot be shown, such as a year past 9999). Times are milliseconds since
 * the Unix epoch, rounded down to the second. */
#ifndef IOC_TIMEFMT_H
#define IOC_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/fmt.h"

#define TIMEFMT_SIZE 32

/* Makes tz (an IANA name such as "Asia/Ho_Chi_Minh") the process time zone.
 * "UTC", "Etc/UTC" and "GMT" are always accepted; any other name must be a
 * zone file (TZif) under $TZDIR or /usr/share/zoneinfo. Returns 0, or -1
 * with errno EINVAL (empty, absolute, ".." or odd characters), ENOENT (no
 * such zone file) or ENOMEM; the zone is then unchanged. */
int timefmt_set_zone(const char *tz);

/* Local time with its offset: "2026-11-25T18:30:05+07:00" (RFC 3339; an
 * offset of zero is written "+00:00"). */
int timefmt_iso(int64_t ms, char *buf, size_t n);

/* UTC: "2026-11-25T11:30:05Z". */
int timefmt_iso_utc(int64_t ms, char *buf, size_t n);

/* Local clock time: "18:30:05". */
int timefmt_hms(int64_t ms, char *buf, size_t n);

/* The local date for people in style st (fmt_style() for the human
 * formats): "2026-11-25" (FMT_PLAIN, FMT_EN), "25/11/2026" (FMT_VI). */
int timefmt_date(FmtStyle st, int64_t ms, char *buf, size_t n);

/* The local date and clock time for people in style st, with the offset
 * when offset: "2026-11-25 18:30:05 +07:00", "25/11/2026 18:30:05". */
int timefmt_datetime(FmtStyle st, int64_t ms, bool offset, char *buf, size_t n);

/* A moment near now_ms, short, in style st: "14:30" on now's local day,
 * else with its date: "2026-11-26 14:30" / "26/11/2026 14:30", or without
 * the year (!year) "11-26 14:30" / "26/11 14:30". */
int timefmt_near(FmtStyle st, int64_t ms, int64_t now_ms, bool year, char *buf, size_t n);

#endif
