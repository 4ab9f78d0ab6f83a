/* snapshot_prom.c - a snapshot in the Prometheus text exposition format
 * 0.0.4, every family with # HELP and # TYPE (docs/snapshot.md). The KPI and
 * feed families are export/expo.c's, the same as GET /metrics writes. */
#include <errno.h>
#include <stdlib.h>

#include "base/sbuf.h"
#include "export/expo.h"
#include "export/snapshot_internal.h"

int snap_write_prom(const Snapshot *s, FILE *out)
{
    SBuf b = {0};
    size_t n_kpis = 0;

    for (size_t i = 0; i < s->n_feeds; i++)
        n_kpis += s->feeds[i].feed->n_kpis;
    ExpoKpi *kpis = calloc(n_kpis ? n_kpis : 1, sizeof *kpis);
    ExpoFeed *feeds = calloc(s->n_feeds ? s->n_feeds : 1, sizeof *feeds);
    if (!kpis || !feeds) goto oom;
    size_t k = 0;
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        feeds[i] = (ExpoFeed){.id = sf->feed->id, .st = &sf->status};
        for (size_t j = 0; j < sf->feed->n_kpis; j++, k++) {
            const SnapKpi *sk = &sf->kpis[j];
            kpis[k] = (ExpoKpi){.feed = sf->feed->id,
                                .kpi = sk->kpi->id,
                                .name = sk->kpi->name,
                                .unit = sk->kpi->unit,
                                .has_value = sk->has_value,
                                .value = sk->value,
                                .has_target = sk->kpi->has_target,
                                .target = sk->kpi->target,
                                .status = sk->status};
        }
    }
    expo_kpis(&b, kpis, n_kpis);
    expo_feeds(&b, feeds, s->n_feeds);
    expo_family(&b, "ioc_snapshot_timestamp_seconds", "gauge",
                "Wall time the snapshot was taken, in seconds since the Unix epoch.");
    expo_sample(&b, "ioc_snapshot_timestamp_seconds", (double)s->taken_at_ms / 1000.0, NULL);
    if (b.oom) goto oom;
    if (b.len) fwrite(b.s, 1, b.len, out);
    sbuf_free(&b);
    free(kpis);
    free(feeds);
    return 0;
oom:
    sbuf_free(&b);
    free(kpis);
    free(feeds);
    errno = ENOMEM;
    return -1;
}
