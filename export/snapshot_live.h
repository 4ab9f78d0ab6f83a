/* snapshot_live.h - a Snapshot of a running Collector: what "ioc run" serves
 * at /api/v1/snapshot, in the same shape as "ioc snapshot" writes after
 * polling once (docs/snapshot.md). */
#ifndef IOC_SNAPSHOT_LIVE_H
#define IOC_SNAPSHOT_LIVE_H

#include <stdint.h>

#include "core/collector.h"
#include "export/snapshot.h"

/* Fills s (made by snap_new(coll->cfg)) with the feed states and the live
 * view of every KPI at wall time now_ms: a value the feed failed to refresh
 * since is stale, a KPI without a value says why. */
void snap_fill_live(Snapshot *s, const Collector *coll, int64_t now_ms);

#endif
