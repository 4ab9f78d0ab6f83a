/* report_build.h - builds the daily Report (ioc/report.h) from the archive.
 *
 * Reads the archive through a read-only connection (it works while ioc
 * console or ioc run writes). The day runs from local midnight to local
 * midnight in the PROCESS time zone: call timefmt_set_zone(cfg->timezone)
 * first. How each figure is computed is written down in docs/archive.md
 * ("The daily report"). */
#ifndef IOC_REPORT_BUILD_H
#define IOC_REPORT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "export/report.h"

/* Points of a KPI's chart: one per 5 minutes (288 on a 24-hour day). */
#define REPORT_POINT_MS 300000

/* Fills *out (freed by report_free(), also after a failure) for date
 * ("YYYY-MM-DD"; NULL: yesterday) from the archive at archive_path, for the
 * feeds and KPIs of cfg. 0, or -1 with a message in err (no archive, not an
 * ioc archive, an invalid date, a read error). */
int report_build(const char *archive_path, const Config *cfg, const char *date, Report *out,
                 char *err, size_t errlen);

/* The same at wall time now_ms (for "yesterday", the report's generation
 * time, and the end of the covered time for today's report). */
int report_build_at(const char *archive_path, const Config *cfg, const char *date, int64_t now_ms,
                    Report *out, char *err, size_t errlen);

/* The local day "YYYY-MM-DD" as [*from, *to) in ms; false when the text is
 * not a valid date. */
bool report_day_bounds(const char *date, int64_t *from, int64_t *to);

#endif
