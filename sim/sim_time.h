/* sim_time.h - durations, UTC offsets and ISO 8601 times for the simulator.
 *
 * Pure functions on strings and millisecond counts (Unix epoch, UTC); no
 * allocation, no global state, no dependence on the process's TZ or locale. */
#ifndef IOC_SIM_TIME_H
#define IOC_SIM_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest duration accepted anywhere: 10 years. */
#define SIM_TIME_MAX_DURATION_MS (10LL * 366 * 86400 * 1000)

/* Parses a duration: "500ms", "90s", "10m", "2h", "1d", combinations such as
 * "1h30m", or a bare number of seconds ("45", "1.5"). Returns false on any
 * other text, a negative value or one above SIM_TIME_MAX_DURATION_MS. */
bool sim_time_parse_duration(const char *s, int64_t *out_ms);

/* Parses a fixed UTC offset: "+07:00", "-0530", "+7", "UTC" or "Z", or one of
 * Vietnam's zone names "Asia/Ho_Chi_Minh", "Asia/Saigon" (+07:00, no DST).
 * Returns false on other text or an offset beyond +-14:00. */
bool sim_time_parse_tz(const char *s, int *out_offset_s);

/* Parses "YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|+HH:MM|-HH:MM]". A time without
 * an offset is local time at default_tz_s seconds east of UTC. */
bool sim_time_parse_iso(const char *s, int default_tz_s, int64_t *out_ms);

/* Writes ms as "YYYY-MM-DDTHH:MM:SS+07:00" (or "...Z" when tz_s is 0) at
 * tz_s seconds east of UTC; buf should hold 32 bytes. Returns buf. */
char *sim_time_format_iso(int64_t ms, int tz_s, char *buf, size_t cap);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t sim_time_days_from_civil(int64_t y, int m, int d);

/* Floor division and non-negative modulo, for times before 1970. */
int64_t sim_time_floor_div(int64_t a, int64_t b);
int64_t sim_time_mod(int64_t a, int64_t b);

#endif
