/* bench_store.c - figures for the time-series store (prints, never fails).
 *
 * Measures append rate (one series; many series round-robin), the cost of a
 * 24 h window-statistics query, a 24 h chart query at 120 columns and an
 * as-of query, and the memory of a default series. See docs/performance.md. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/store.h"

#define HOUR_MS 3600000LL
#define T0      1750000000000LL /* fixed, so every run reads the same data */

/* Monotonic clock in seconds (the benchmark times; the store never reads it). */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A cheap, varying value for sample i. */
static double val(int64_t i)
{
    return (double)((i * 7919) % 1000) * 0.1;
}

/* Appends n samples one second apart to a single series. */
static void bench_append_one(int64_t n)
{
    Store *s = store_new();
    if (!s || store_add(s, "bench.one", NULL, NULL) != 0) {
        fprintf(stderr, "bench_store: out of memory\n");
        store_free(s);
        return;
    }
    double t0 = now_s();
    for (int64_t i = 0; i < n; i++)
        store_append(s, 0, T0 + i * 1000, val(i));
    double dt = now_s() - t0;
    printf("append, 1 series:          %8.1f M samples/s  (%lld samples, %.1f ns each)\n",
           (double)n / dt / 1e6, (long long)n, dt * 1e9 / (double)n);
    store_free(s);
}

/* Appends rounds of one sample to each of nser series (the poller's pattern). */
static void bench_append_many(int nser, int64_t rounds)
{
    Store *s = store_new();
    char key[32];
    for (int k = 0; s && k < nser; k++) {
        snprintf(key, sizeof(key), "feed%d.kpi%d", k / 8, k % 8);
        if (store_add(s, key, NULL, NULL) < 0) {
            fprintf(stderr, "bench_store: cannot add series %s\n", key);
            store_free(s);
            return;
        }
    }
    if (!s) return;
    double t0 = now_s();
    for (int64_t r = 0; r < rounds; r++)
        for (int k = 0; k < nser; k++)
            store_append(s, k, T0 + r * 1000, val(r + k));
    double dt = now_s() - t0;
    double n = (double)rounds * nser;
    printf("append, %d series:       %8.1f M samples/s  (%.0f samples, %.1f ns each, %.0f MB)\n",
           nser, n / dt / 1e6, n, dt * 1e9 / n, (double)store_memory(s) / 1e6);
    store_free(s);
}

/* Queries over a series holding 25 h of one sample per second. */
static void bench_queries(int iters)
{
    Store *s = store_new();
    if (!s || store_add(s, "bench.q", NULL, NULL) != 0) {
        store_free(s);
        return;
    }
    int64_t n = 25 * 3600;
    for (int64_t i = 0; i < n; i++)
        store_append(s, 0, T0 + i * 1000, val(i));
    int64_t now = T0 + (n - 1) * 1000;
    volatile double sink = 0;
    StoreStats st;
    uint64_t reads = 0;

    /* windows ending at "now" minus up to 10 minutes, edges never aligned */
    double t0 = now_s();
    for (int i = 0; i < iters; i++) {
        int64_t to = now - (i % 600) * 1000 - 7;
        store_stats(s, 0, to - 24 * HOUR_MS + 1, to, &st);
        sink += st.sum;
        reads += st.reads;
    }
    double dt = now_s() - t0;
    printf("stats, 24 h window:        %8.0f ns/query   (%.0f buckets+samples read, "
           "%llu samples in window)\n",
           dt * 1e9 / iters, (double)reads / iters, (unsigned long long)st.count);

    StorePoint pts[120];
    int64_t res = 0;
    t0 = now_s();
    for (int i = 0; i < iters; i++) {
        int64_t to = now - (i % 600) * 1000;
        res = store_chart(s, 0, to - 24 * HOUR_MS + 1, to, pts, 120);
        sink += pts[119].last;
    }
    dt = now_s() - t0;
    printf("chart, 24 h x 120 columns: %8.0f ns/query   (resolution %lld s)\n", dt * 1e9 / iters,
           (long long)res / 1000);

    StoreAsOf a;
    t0 = now_s();
    for (int i = 0; i < iters; i++) {
        store_asof(s, 0, now - (int64_t)(i % 1440) * 60000 - 12345, &a);
        sink += a.value;
    }
    dt = now_s() - t0;
    printf("as-of, random in 24 h:     %8.0f ns/query\n", dt * 1e9 / iters);
    (void)sink;
    store_free(s);
}

int main(void)
{
    StoreSpec def = store_spec_default();
    printf("store benchmark (default spec: raw %u, %lld s x %u, %lld s x %u)\n",
           (unsigned)def.raw_capacity, (long long)def.level[0].width_ms / 1000,
           (unsigned)def.level[0].capacity, (long long)def.level[1].width_ms / 1000,
           (unsigned)def.level[1].capacity);
    printf("memory per default series: %zu bytes (+ key)\n", store_series_bytes(&def));
    bench_append_one(50 * 1000 * 1000);
    bench_append_many(200, 200 * 1000);
    bench_queries(20000);
    return 0;
}
