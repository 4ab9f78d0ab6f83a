/* bench_poll.c - poll throughput of ioc's poller on loopback (prints numbers).
 *
 * Usage: bench_poll URL FEEDS SECONDS
 * Builds a config of FEEDS JSON feeds all pointing at URL, then keeps every
 * feed polling back-to-back (a new poll as soon as one completes) for
 * SECONDS, through the real loop, poller and extraction. Prints polls per
 * second and CPU time per poll. bench/poll.sh runs it next to wrk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "config/config.h"
#include "feeds/poller.h"
#include "base/loop.h"

typedef struct {
    Poller *p;
    long polls, failures, values;
    int64_t end;
} Bench;

/* Poller callback: count, then poll the same feed again until time is up. */
static void on_result(void *ud, size_t feed, const FeedStatus *st, const KpiValue *vals,
                      int64_t wall_ms)
{
    Bench *b = ud;
    b->polls++;
    if (!feedstate_is_up(st->state)) b->failures++;
    if (vals[0].has_value) b->values++;
    if (loop_now_ms() < b->end) poller_poll_now(b->p, feed);
}

/* CPU seconds (user + system) used by this process so far. */
static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_poll URL FEEDS SECONDS\n");
        return 2;
    }
    const char *url = argv[1];
    int feeds = atoi(argv[2]);
    int secs = atoi(argv[3]);
    if (feeds < 1 || feeds > 1000 || secs < 1) {
        fprintf(stderr, "bench_poll: FEEDS 1..1000, SECONDS >= 1\n");
        return 2;
    }
    size_t cap = 256 + (size_t)feeds * (strlen(url) + 160);
    char *yaml = malloc(cap);
    size_t n = (size_t)snprintf(yaml, cap, "ioc: { name: bench }\nfeeds:\n");
    for (int i = 0; i < feeds; i++)
        n += (size_t)snprintf(yaml + n, cap - n,
                              "  - { id: f%d, url: \"%s\", interval: 10s, timeout: 5s,\n"
                              "      kpis: [ { id: k, select: \"$.*\", agg: count } ] }\n",
                              i, url);
    Diag d;
    diag_init(&d);
    Config *cfg = cfg_load_string(yaml, n, "bench", &d);
    diag_print(&d, stderr);
    diag_done(&d);
    free(yaml);
    if (!cfg) return 1;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    Loop *loop = loop_new();
    Bench b = {0};
    char err[256];
    b.p = poller_new(loop, cfg, on_result, &b, err, sizeof(err));
    if (!b.p) {
        fprintf(stderr, "bench_poll: %s\n", err);
        return 1;
    }
    double cpu0 = cpu_seconds();
    int64_t t0 = loop_now_ms();
    b.end = t0 + (int64_t)secs * 1000;
    for (int i = 0; i < feeds; i++)
        poller_poll_now(b.p, (size_t)i);
    while (poller_busy(b.p) > 0)
        loop_once(loop, 100);
    double wall = (double)(loop_now_ms() - t0) / 1000.0;
    double cpu = cpu_seconds() - cpu0;

    printf("feeds            %d (concurrent, back-to-back polls)\n", feeds);
    printf("polls            %ld in %.2f s (%ld failed, %ld with a value)\n", b.polls, wall,
           b.failures, b.values);
    printf("polls/s          %.0f\n", (double)b.polls / wall);
    printf("cpu              %.2f s (%.0f%% of one core)\n", cpu, 100.0 * cpu / wall);
    printf("cpu per poll     %.1f us\n", b.polls ? 1e6 * cpu / (double)b.polls : 0.0);
    poller_free(b.p);
    loop_free(loop);
    cfg_free(cfg);
    curl_global_cleanup();
    return b.failures ? 1 : 0;
}
