/* feedstate.c - names of feed states and poll errors, and the poll counters
 * (see feedstate.h). */
#include "feeds/feedstate.h"

const char *feedstate_name(FeedStateKind k)
{
    switch (k) {
    case FS_PENDING:
        return "pending";
    case FS_OK:
        return "ok";
    case FS_SLOW:
        return "slow";
    case FS_DOWN:
        return "down";
    case FS_BAD_DATA:
        return "bad-data";
    }
    return "?";
}

int feedstate_is_up(FeedStateKind k)
{
    return k == FS_OK || k == FS_SLOW;
}

const char *feedstate_error_name(FeedError e)
{
    static const char *const names[FEED_ERR_COUNT] = {
        [FEED_ERR_NONE] = "none",
        [FEED_ERR_TIMEOUT] = "timeout",
        [FEED_ERR_CONNECT] = "connect",
        [FEED_ERR_DNS] = "dns",
        [FEED_ERR_TLS] = "tls",
        [FEED_ERR_HTTP] = "http",
        [FEED_ERR_REDIRECT] = "redirect",
        [FEED_ERR_TOO_LARGE] = "too_large",
        [FEED_ERR_MALFORMED] = "malformed",
        [FEED_ERR_BAD_DATA] = "bad_data",
        [FEED_ERR_OTHER] = "other",
    };
    return (unsigned)e < FEED_ERR_COUNT ? names[e] : "other";
}

int64_t feedstate_bucket_ms(size_t i)
{
    static const int64_t bounds[FEEDSTATE_BUCKETS] = {5,   10,   25,   50,   100,   250,
                                                      500, 1000, 2500, 5000, 10000, 30000};
    return i < FEEDSTATE_BUCKETS ? bounds[i] : INT64_MAX;
}

int64_t feedstate_delay_bucket_ms(size_t i)
{
    static const int64_t bounds[FEEDSTATE_DELAY_BUCKETS] = {1,   2,   5,   10,   25,   50,
                                                            100, 250, 500, 1000, 2500, 10000};
    return i < FEEDSTATE_DELAY_BUCKETS ? bounds[i] : INT64_MAX;
}

void feedstate_count_delay(FeedStatus *st, int64_t delay_ms)
{
    if (delay_ms < 0) delay_ms = 0;
    size_t i = 0;
    while (i < FEEDSTATE_DELAY_BUCKETS && delay_ms > feedstate_delay_bucket_ms(i))
        i++;
    st->delay[i]++;
    st->delay_sum_ms += (uint64_t)delay_ms;
    if (delay_ms > st->delay_max_ms) st->delay_max_ms = delay_ms;
}

void feedstate_count_poll(FeedStatus *st, int64_t latency_ms, FeedError e)
{
    if (latency_ms < 0) latency_ms = 0;
    size_t i = 0;
    while (i < FEEDSTATE_BUCKETS && latency_ms > feedstate_bucket_ms(i))
        i++;
    st->duration[i]++;
    st->duration_sum_ms += (uint64_t)latency_ms;
    st->error_kind = (unsigned)e < FEED_ERR_COUNT ? e : FEED_ERR_OTHER;
    if (st->error_kind != FEED_ERR_NONE) st->errors[st->error_kind]++;
}
