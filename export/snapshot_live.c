/* snapshot_live.c - a Snapshot of a running Collector (see snapshot_live.h). */
#include "export/snapshot_live.h"

#include <stdio.h>

void snap_fill_live(Snapshot *s, const Collector *coll, int64_t now_ms)
{
    for (size_t f = 0; f < s->n_feeds && f < coll->cfg->n_feeds; f++)
        s->feeds[f].status = coll->feeds[f];
    for (size_t i = 0; i < coll->n_kpis; i++) {
        const CollKpi *ck = &coll->kpis[i];
        SnapFeed *sf = &s->feeds[ck->feed_idx];
        size_t j = (size_t)(ck->kpi - ck->feed->kpis);
        if (ck->feed_idx >= s->n_feeds || j >= sf->feed->n_kpis) continue;
        SnapKpi *k = &sf->kpis[j];
        CollKpiView v;
        coll_kpi_view(coll, i, now_ms, &v);
        k->has_value = v.has_value;
        k->value = v.has_value ? v.value : 0;
        k->ts_ms = v.has_value ? v.ts_ms : 0;
        k->status = v.status;
        snprintf(k->error, sizeof(k->error), "%s", ck->error);
    }
    s->taken_at_ms = now_ms;
}
