/* sched.c - poll scheduling arithmetic (see sched.h). */
#include "feeds/sched.h"

int64_t sched_first_due(int64_t start, size_t idx, size_t n, int64_t spread_ms)
{
    if (n == 0 || spread_ms <= 0) return start;
    return start + (int64_t)((double)spread_ms * (double)idx / (double)n);
}

int64_t sched_after_success(int64_t due, int64_t now, int64_t interval)
{
    if (interval <= 0) return now;
    int64_t next = due + interval;
    if (next <= now) next += ((now - next) / interval + 1) * interval;
    return next;
}

int64_t sched_backoff(int64_t interval, unsigned failures, uint32_t seed)
{
    if (interval <= 0) interval = 1000;
    int64_t cap = 8 * interval < SCHED_MAX_BACKOFF_MS ? 8 * interval : SCHED_MAX_BACKOFF_MS;
    if (cap < interval) cap = interval;
    int64_t d = interval;
    for (unsigned i = 1; i < failures && d < cap; i++)
        d *= 2;
    if (d > cap) d = cap;
    /* Jitter in [0, 10%) from an integer hash of (seed, failures). */
    uint32_t h = seed ^ (failures * 0x9e3779b9u);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return d + (int64_t)((double)d * 0.1 * (double)(h % 1000) / 1000.0);
}

uint32_t sched_seed(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}
