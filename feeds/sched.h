/* sched.h - when each feed is polled: spread start, steady cadence, bounded backoff.
 *
 * Pure functions of the times given (no clock reads), so scheduling is
 * tested with a fake clock. All times in milliseconds on one clock. */
#ifndef IOC_SCHED_H
#define IOC_SCHED_H

#include <stddef.h>
#include <stdint.h>

/* Longest wait between two polls of a failing feed, unless its own interval
 * is longer. */
#define SCHED_MAX_BACKOFF_MS (5 * 60 * 1000)

/* When feed idx of n first polls: spread evenly over [start, start + spread)
 * so that many feeds never fire in one burst. */
int64_t sched_first_due(int64_t start, size_t idx, size_t n, int64_t spread_ms);

/* The next poll after a success: the next slot of the feed's cadence
 * (due + k * interval) that is after now, so a late poll never bunches up. */
int64_t sched_after_success(int64_t due, int64_t now, int64_t interval);

/* The delay before the next poll after `failures` consecutive failures
 * (>= 1): interval, then doubling, bounded by max(interval,
 * min(8 * interval, SCHED_MAX_BACKOFF_MS)), with up to 10% jitter drawn
 * deterministically from seed so failing feeds do not retry in step. */
int64_t sched_backoff(int64_t interval, unsigned failures, uint32_t seed);

/* A 32-bit seed from a string (FNV-1a), e.g. a feed id. */
uint32_t sched_seed(const char *s);

#endif
