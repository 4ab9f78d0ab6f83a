/* kpitext.c - a KPI's status and value as text (see kpitext.h). */
#include <stdio.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "base/text.h"
#include "core/kpitext.h"

const char *kpitext_status_symbol(KpiStatus st, bool utf8)
{
    switch (st) {
    case KST_OK:
        return utf8 ? "\xE2\x9C\x93" : "+"; /* ✓ */
    case KST_WARN:
        return "!";
    case KST_CRIT:
        return utf8 ? "\xE2\x9C\x97" : "x"; /* ✗ */
    case KST_STALE:
        return "~";
    case KST_NONE:
        break;
    }
    return "-";
}

const char *kpitext_status_word(KpiStatus st)
{
    static const char *const words[] = {N_("ok"), N_("warn"), N_("crit"), N_("stale"), N_("none")};
    return st <= KST_NONE ? _(words[st]) : _(words[KST_NONE]);
}

KpiStatus kpitext_feed_status(FeedStateKind k)
{
    switch (k) {
    case FS_OK:
        return KST_OK;
    case FS_SLOW:
        return KST_WARN;
    case FS_DOWN:
    case FS_BAD_DATA:
        return KST_CRIT;
    case FS_PENDING:
        break;
    }
    return KST_NONE;
}

const char *kpitext_feed_word(FeedStateKind k)
{
    static const char *const words[] = {N_("pending"), N_("ok"), N_("slow"), N_("down"),
                                        N_("bad-data")};
    return k <= FS_BAD_DATA ? _(words[k]) : _(words[FS_PENDING]);
}

void kpitext_value(const CfgKpi *k, bool has_value, double v, bool utf8, char *buf, size_t n)
{
    char num[FMT_NUM_MAX], unit[TEXT_CLEAN_MAX];
    if (n == 0) return;
    if (!has_value) {
        snprintf(buf, n, "%s", utf8 ? "\xE2\x80\x93" : "-"); /* – */
        return;
    }
    fmt_number(v, k ? k->decimals : -1, num, sizeof num);
    text_clean(k ? k->unit : NULL, utf8, unit, sizeof unit);
    snprintf(buf, n, unit[0] ? "%s %s" : "%s%s", num, unit);
}
