/* kpitext.h - a KPI's status and value as text, the same on the console, in
 * the text snapshot and in the report: status symbols and words (never colour
 * alone), feed states, and a value with its unit. Curses-free; no
 * allocation, no global state. */
#ifndef IOC_KPITEXT_H
#define IOC_KPITEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "feeds/feedstate.h"

/* Size of a buffer for a value with its unit. */
#define KPITEXT_VAL_MAX 192

/* The symbol of a status: ✓ ! ✗ ~ - (ASCII when !utf8: + ! x ~ -). Static
 * string. */
const char *kpitext_status_symbol(KpiStatus st, bool utf8);

/* The status word ("ok" "warn" "crit" "stale" "none"), translated. */
const char *kpitext_status_word(KpiStatus st);

/* The status a feed state is shown with: ok ok, slow warn, down and
 * bad-data crit, pending none. */
KpiStatus kpitext_feed_status(FeedStateKind k);

/* The feed state word ("ok" "slow" "down" "bad-data" "pending"), translated. */
const char *kpitext_feed_word(FeedStateKind k);

/* A KPI's value with its unit: "72.5 %", "1,234 tỷ đồng" (unit cleaned;
 * ASCII when !utf8); without a value "–" (ASCII "-"). */
void kpitext_value(const CfgKpi *k, bool has_value, double v, bool utf8, char *buf, size_t n);

#endif
