/* bench_archive.c - the SQLite archive's figures (docs/performance.md):
 * samples written per second with batching (one transaction per flush),
 * archive bytes per KPI per day at the demo province's poll intervals, and
 * the time report_build() takes for a day of the demo province; and the
 * bytes per sample on disk at poll intervals of 1 s, 15 s, 60 s and 300 s.
 *
 * Usage: bench_archive [--intervals] [DIR]   (a scratch directory; default
 * $TMPDIR or /tmp; --intervals: only the bytes per sample by interval) */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config/bundled.h"
#include "config/config.h"
#include "services/archive.h"
#include "export/report.h"
#include "export/report_build.h"
#include "base/timefmt.h"
#include "parse/tsblock.h"

/* Monotonic seconds. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Removes an archive and its side files. */
static void remove_archive(const char *path)
{
    static const char *const ext[] = {"", "-wal", "-shm", ".lock"};
    char p[600];
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", path, ext[i]);
        unlink(p);
    }
}

/* Bytes of the archive file after a checkpoint (the WAL folded in). */
static long long archive_bytes(Archive *a, const char *path)
{
    sqlite3_exec(archive_handle(a), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Write rate: 200 series, batches of `batch` samples per flush. */
static void bench_write(const char *dir, size_t batch)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/bench-write.db", dir);
    remove_archive(path);
    char err[400];
    Archive *a = archive_open(path, NULL, err, sizeof(err));
    if (!a) {
        fprintf(stderr, "bench_archive: %s\n", err);
        exit(1);
    }
    char keys[200][32];
    for (int i = 0; i < 200; i++)
        snprintf(keys[i], sizeof(keys[i]), "feed%02d.kpi%d", i / 5, i % 5);
    const size_t total = 400000;
    int64_t t0 = 1790000000000LL;
    double start = now_s();
    for (size_t n = 0; n < total;) {
        for (size_t i = 0; i < batch && n < total; i++, n++)
            archive_add_sample(a, keys[n % 200], t0 + (int64_t)(n / 200) * 1000,
                               (double)(n % 1000) / 10);
        if (archive_flush(a, t0 + (int64_t)(n / 200) * 1000) != 0) {
            fprintf(stderr, "bench_archive: %s\n", archive_error(a));
            exit(1);
        }
    }
    double dt = now_s() - start;
    printf("write: batches of %6zu samples: %9.0f samples/s (%.2f us each, %zu flushes)\n", batch,
           (double)total / dt, dt * 1e6 / (double)total, (total + batch - 1) / batch);
    archive_close(a);
    remove_archive(path);
}

/* A day of the demo province: every KPI at its feed's interval, one flush a
 * second as the console does; then the archive size and report time. */
static void bench_day(const char *dir)
{
    size_t len;
    const char *text = bundled_config(&len);
    setenv("IOC_SIM_URL", "http://127.0.0.1:1", 0);
    Diag d;
    diag_init(&d);
    Config *cfg = cfg_load_string(text, len, BUNDLED_CONFIG_NAME, &d);
    diag_done(&d);
    if (!cfg) {
        fprintf(stderr, "bench_archive: the bundled config does not load\n");
        exit(1);
    }
    timefmt_set_zone(cfg->timezone);
    int64_t from, to;
    report_day_bounds("2026-11-24", &from, &to);
    char path[512], err[400];
    snprintf(path, sizeof(path), "%s/bench-day.db", dir);
    remove_archive(path);
    Archive *a = archive_open(path, NULL, err, sizeof(err));
    if (!a) {
        fprintf(stderr, "bench_archive: %s\n", err);
        exit(1);
    }
    size_t nk = cfg_kpi_count(cfg);
    uint64_t samples = 0;
    double start = now_s();
    srand(7);
    for (int64_t t = from; t < to; t += 1000) {
        for (size_t f = 0; f < cfg->n_feeds; f++) {
            const CfgFeed *feed = &cfg->feeds[f];
            if ((t - from) % feed->interval_ms != 0) continue;
            for (size_t k = 0; k < feed->n_kpis; k++) {
                double v = 50 + 40 * sin((double)(t - from) / 3.6e6) + rand() % 100 / 10.0;
                archive_add_sample(a, feed->kpis[k].key, t, v);
                samples++;
            }
            FeedStatus st = {.state = rand() % 100 ? FS_OK : FS_DOWN, .last_poll_ms = t};
            archive_add_poll(a, feed->id, &st);
        }
        archive_flush(a, t);
    }
    double dt = now_s() - start;
    long long bytes = archive_bytes(a, path);
    printf("day of the demo province: %zu feeds, %zu KPIs, %llu samples, %.1f s to write "
           "(86,400 flushes)\n",
           cfg->n_feeds, nk, (unsigned long long)samples, dt);
    printf("archive: %lld bytes, %.0f bytes per KPI per day (%.1f bytes per sample, "
           "blocks + tail + minute + hour rows)\n",
           bytes, (double)bytes / (double)nk, (double)bytes / (double)samples);
    /* Steady state: blocks kept 2 days, minute rows 35 days, hour rows 730 days. */
    sqlite3_stmt *st;
    double steady = 0;
    if (sqlite3_prepare_v2(archive_handle(a),
                           "SELECT name, sum(pgsize) FROM dbstat WHERE name IN"
                           " ('block','tail','minute','hour') GROUP BY name",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            double b = sqlite3_column_double(st, 1);
            double days = strcmp(name, "block") == 0    ? 2
                          : strcmp(name, "tail") == 0   ? 0
                          : strcmp(name, "minute") == 0 ? 35
                                                        : 730;
            printf("  table %-6s %10.0f bytes per KPI per day\n", name, b / (double)nk);
            steady += b * days;
        }
        sqlite3_finalize(st);
        printf("steady state with the default retention (2d/35d/2y): %.0f MB for the province, "
               "%.1f MB per KPI\n",
               steady / 1e6, steady / 1e6 / (double)nk);
    }
    archive_close(a);

    Report r;
    double best = 1e9;
    for (int i = 0; i < 5; i++) {
        start = now_s();
        if (report_build_at(path, cfg, "2026-11-24", to + 3600000, &r, err, sizeof(err)) != 0) {
            fprintf(stderr, "bench_archive: %s\n", err);
            exit(1);
        }
        double t = now_s() - start;
        if (t < best) best = t;
        report_free(&r);
    }
    printf("report_build for the day: %.1f ms (best of 5)\n", best * 1e3);
    remove_archive(path);
    cfg_free(cfg);
}

/* Bytes of table name in the archive: pages (what the file holds for it,
 * free space inside its pages included) and payload (the rows' bytes). */
static void table_bytes(Archive *a, const char *name, double *pages, double *payload)
{
    sqlite3_stmt *st;
    *pages = *payload = 0;
    if (sqlite3_prepare_v2(archive_handle(a),
                           "SELECT coalesce(sum(pgsize),0), coalesce(sum(payload),0) FROM dbstat"
                           " WHERE name=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *pages = sqlite3_column_double(st, 0);
        *payload = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
}

/* Bytes per sample on disk for series polled every interval_s seconds over
 * `days` simulated days, one flush a second: KPI-like values (a level that
 * steps now and then, 1 % gaps), timestamps a few ms off the poll. Counts the
 * pages of each table after the run (dbstat, after a checkpoint): the block
 * table's per sample in a closed block, the others per sample written. */
static void bench_interval(const char *dir, int interval_s, int series, int days)
{
    char path[512], err[400];
    snprintf(path, sizeof(path), "%s/bench-interval.db", dir);
    remove_archive(path);
    Archive *a = archive_open(path, NULL, err, sizeof(err));
    if (!a) {
        fprintf(stderr, "bench_archive: %s\n", err);
        exit(1);
    }
    char(*keys)[32] = malloc((size_t)series * sizeof(*keys));
    for (int k = 0; k < series; k++)
        snprintf(keys[k], sizeof(keys[k]), "feed%03d.kpi%d", k / 5, k % 5);
    int64_t t0 = 1790000000000LL / 86400000 * 86400000;
    unsigned seed = 7;
    uint64_t samples = 0;
    double start = now_s();
    for (int64_t s = 0; s < (int64_t)days * 86400; s++) {
        int64_t now = t0 + s * 1000;
        for (int k = 0; k < series; k++) {
            if ((s + k) % interval_s != 0) continue; /* polls spread over the interval */
            seed = seed * 1103515245u + 12345u;
            int64_t ts = now + (int64_t)(seed >> 16) % 7;
            double v = (seed >> 20) % 97 == 0 ? NAN : (double)(40 + (s / interval_s / 10 + k) % 20);
            archive_add_sample(a, keys[k], ts, v);
            samples++;
        }
        if (archive_flush(a, now + 20) != 0) {
            fprintf(stderr, "bench_archive: %s\n", archive_error(a));
            exit(1);
        }
    }
    double dt = now_s() - start;
    long long bytes = archive_bytes(a, path);
    double pages[4], payload[4];
    static const char *const tables[4] = {"block", "tail", "minute", "hour"};
    for (int i = 0; i < 4; i++)
        table_bytes(a, tables[i], &pages[i], &payload[i]);
    /* The samples in closed blocks (the rest are open, in the tail). */
    sqlite3_stmt *st;
    double blocks = 0, data = 0, in_blocks = 0;
    if (sqlite3_prepare_v2(archive_handle(a), "SELECT data FROM block", -1, &st, NULL) ==
        SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            TsbPoint *p;
            size_t m;
            size_t len = (size_t)sqlite3_column_bytes(st, 0);
            if (tsblock_decode(sqlite3_column_blob(st, 0), len, &p, &m, err, sizeof(err)) == 0) {
                in_blocks += (double)m;
                free(p);
            }
            blocks++;
            data += (double)len;
        }
        sqlite3_finalize(st);
    }
    double n = (double)samples, nb = in_blocks ? in_blocks : 1;
    printf("%4d s: %3d series x %d day(s) = %8llu samples, %7.0f blocks (%5.1f samples each),"
           " %.1f s\n",
           interval_s, series, days, (unsigned long long)samples, blocks,
           blocks ? in_blocks / blocks : 0, dt);
    printf("        blocks: %5.2f B/sample in pages (%5.2f payload, %5.2f of it block data);"
           " tail %.0f B (%.0f open samples)\n",
           pages[0] / nb, payload[0] / nb, data / nb, pages[1], n - in_blocks);
    printf("        rollups: minute %6.2f B/sample, hour %5.2f B/sample (pages);"
           " file %lld B = %6.2f B/sample\n",
           pages[2] / n, pages[3] / n, bytes, (double)bytes / n);
    archive_close(a);
    remove_archive(path);
    free(keys);
}

int main(int argc, char **argv)
{
    bool intervals = argc > 1 && strcmp(argv[1], "--intervals") == 0;
    if (intervals) {
        argc--;
        argv++;
    }
    const char *dir = argc > 1 ? argv[1] : getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    if (intervals) {
        printf("bytes per sample on disk by poll interval (one flush a second, 1 day):\n");
        bench_interval(dir, 1, 10, 1);
        bench_interval(dir, 15, 100, 1);
        bench_interval(dir, 60, 200, 1);
        bench_interval(dir, 300, 500, 1);
        return 0;
    }
    bench_write(dir, 100);
    bench_write(dir, 1000);
    bench_write(dir, 10000);
    bench_day(dir);
    return 0;
}
