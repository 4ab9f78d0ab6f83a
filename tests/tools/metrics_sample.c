/* metrics_sample.c - prints what GET /metrics or `ioc snapshot -f prom`
 * writes for the metrics fixture (tests/tools/metrics_fixture.h: three
 * feeds, one of them down, one with bad data, alerts, two notify targets
 * with the same name, an archive), for tests/e2e/metrics.sh to hand to
 * promtool and for looking at by eye.
 * Usage: metrics_sample metrics|snapshot DIR [NOW_MS]
 * DIR: where the archive goes; NOW_MS: the wall time the scene ends at (ms
 * since the epoch; default now), so that two runs print the same times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "export/metrics.h"
#include "export/snapshot.h"
#include "tests/tools/metrics_fixture.h"

/* Writes the snapshot of m's state at now in the Prometheus format. */
static int write_snapshot(const Monitor *m, int64_t now)
{
    const Collector *c = m->coll;
    Snapshot *s = snap_new(c->cfg);
    if (!s) return 1;
    s->taken_at_ms = now;
    size_t i = 0;
    for (size_t f = 0; f < s->n_feeds; f++) {
        s->feeds[f].status = c->feeds[f];
        for (size_t k = 0; k < s->feeds[f].feed->n_kpis; k++, i++) {
            CollKpiView v;
            coll_kpi_view(c, i, now, &v);
            s->feeds[f].kpis[k].has_value = v.has_value;
            s->feeds[f].kpis[k].value = v.value;
            s->feeds[f].kpis[k].status = v.status;
        }
    }
    int rc = snap_write(s, SNAP_PROM, stdout) == 0 ? 0 : 1;
    snap_free(s);
    return rc;
}

int main(int argc, char **argv)
{
    if ((argc != 3 && argc != 4) ||
        (strcmp(argv[1], "metrics") != 0 && strcmp(argv[1], "snapshot") != 0)) {
        fprintf(stderr, "usage: metrics_sample metrics|snapshot DIR [NOW_MS]\n");
        return 2;
    }
    char path[4096], err[400];
    snprintf(path, sizeof(path), "%s/archive.db", argv[2]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    MetricsCarry *carry = metrics_carry_new();
    int64_t now = argc == 4 ? strtoll(argv[3], NULL, 10) : loop_wall_ms();
    /* A first run, then a reload: the counters carry over. */
    Monitor *m = mfx_monitor(path, err, sizeof(err));
    if (!m || !carry) {
        fprintf(stderr, "metrics_sample: %s\n", m ? "out of memory" : err);
        return 1;
    }
    mfx_scene(m, now - 60000);
    archive_flush(m->archive, now - 30000);
    archive_wait(m->archive); /* the writer thread */
    metrics_carry_add(carry, m);
    monitor_free(m);
    m = mfx_monitor(path, err, sizeof(err));
    if (!m) {
        fprintf(stderr, "metrics_sample: %s\n", err);
        return 1;
    }
    mfx_scene(m, now);
    archive_flush(m->archive, now);
    archive_wait(m->archive); /* the writer thread */
    int rc;
    if (strcmp(argv[1], "snapshot") == 0) {
        rc = write_snapshot(m, now);
    } else {
        SBuf b = {0};
        MetricsInfo info = {
            .commit = "0123abc", .start_ms = now - 120000, .now_ms = now, .carry = carry};
        rc = metrics_write(m, &info, &b) == 0 ? 0 : 1;
        if (b.len) fwrite(b.s, 1, b.len, stdout);
        sbuf_free(&b);
    }
    monitor_free(m);
    metrics_carry_free(carry);
    curl_global_cleanup();
    return rc;
}
