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
 * ASCII when !utf8); a named unit scaled (base/unit.h: bytes "22.0 GiB",
 * seconds "250 ms"); without a value "–" (ASCII "-"). */
void kpitext_value(const CfgKpi *k, bool has_value, double v, bool utf8, char *buf, size_t n);

/* Value v with unit (as configured; NULL: none) and decimals, as
 * kpitext_value() writes it: "22.0 GiB", "72.5 %", "1,234 lượt". */
void kpitext_unit_value(const char *unit, int decimals, double v, bool utf8, char *buf, size_t n);

/* kpitext_value()'s two halves for panels and tables that put them in
 * columns: num gets the number of v in k's unit ("22.0"), unit the cleaned
 * symbol ("GiB"; a free-text unit as written, cleaned). */
void kpitext_number_unit(const CfgKpi *k, double v, bool utf8, char *num, size_t nn, char *unit,
                         size_t un);

/* The unit column of a table whose value cells come from
 * kpitext_unit_value(): "" for a scaling named unit (each cell has its own
 * symbol), the symbol of a fixed one ("percent": "%"), else unit as
 * configured. Static or borrowed string, not cleaned. */
const char *kpitext_unit_column(const char *unit);

/* The mark of a missed target: ▼ below, ▲ above (ASCII v ^); "" when the
 * target is met or there is none. Static string. */
const char *kpitext_target_symbol(CfgTarget t, bool utf8);

/* k's target as a number for people: with k's decimals, and the symbol of a
 * scaling unit ("24.0 GiB"; a fixed or free-text unit is left out: "98.0"). */
void kpitext_target_number(const CfgKpi *k, bool utf8, char *buf, size_t n);

/* "below target" / "above target", translated; "" when met or none. */
const char *kpitext_target_word(CfgTarget t);

/* A missed target in words: "▼ below target 98.0" (the target with k's
 * decimals, and the symbol of a scaling unit: "2.0 GiB"); "" when t is not
 * a miss. */
void kpitext_target_text(const CfgKpi *k, CfgTarget t, bool utf8, char *buf, size_t n);

/* The status word followed by a missed target's mark and words, as the
 * text snapshot and the table show it: "ok ▼ below target" ("ok" alone when
 * the target is met or there is none). */
void kpitext_status_target(KpiStatus st, CfgTarget t, bool utf8, char *buf, size_t n);

/* A missed target as a comparison: "▼ 97.0 < 98.0", "▲ 61.0 > 50.0"
 * ("▼ 1.5 GiB < 2.0 GiB" for a scaling unit); "" when t is not a miss. */
void kpitext_target_gap(const CfgKpi *k, double v, CfgTarget t, bool utf8, char *buf, size_t n);

/* The name to show for k in cols columns (not cleaned): its name in the UI
 * language (cfg_kpi_label(): name_en in English when it has one); else, when
 * the name does not fit, its short name (short:) when it has one. */
const char *kpitext_name(const CfgKpi *k, int cols);

/* Copies the clean string s into out cut to cols columns so that it stays
 * distinct from its siblings sibs[0..n) (clean strings; s may be among them,
 * NULL entries are skipped): when s does not fit and a sibling starts the same
 * way, the word where they differ and what follows is kept after an ellipsis
 * ("Xử lý…(xã)", or "…" and the end of s when that tail alone is too wide);
 * otherwise s is cut at the end. The ellipsis is "…", "..." when !utf8.
 * Returns the width written. */
int kpitext_fit_distinct(const char *s, const char *const *sibs, size_t n, int cols, bool utf8,
                         char *out, size_t outsz);

#endif
