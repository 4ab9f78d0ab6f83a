/* kpitext.c - a KPI's status and value as text (see kpitext.h). */
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/unit.h"
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

/* Writes number and unit symbol of v into buf: "22.0 GiB", "72.5 %", "5"
 * (no unit). */
static void value_unit(const char *unit, int decimals, double v, bool utf8, char *buf, size_t n)
{
    char num[FMT_NUM_MAX], sym[TEXT_CLEAN_MAX], clean[TEXT_CLEAN_MAX];
    unit_format(fmt_style(), unit, v, decimals, num, sizeof num, sym, sizeof sym);
    /* a free-text unit is cleaned from its full text, not from a cut copy */
    text_clean(unit_find(unit) ? sym : unit, utf8, clean, sizeof clean);
    snprintf(buf, n, clean[0] ? "%s %s" : "%s%s", num, clean);
}

void kpitext_value(const CfgKpi *k, bool has_value, double v, bool utf8, char *buf, size_t n)
{
    if (n == 0) return;
    if (!has_value) {
        snprintf(buf, n, "%s", utf8 ? "\xE2\x80\x93" : "-"); /* – */
        return;
    }
    value_unit(k ? k->unit : NULL, k ? k->decimals : -1, v, utf8, buf, n);
}

void kpitext_unit_value(const char *unit, int decimals, double v, bool utf8, char *buf, size_t n)
{
    if (n == 0) return;
    value_unit(unit, decimals, v, utf8, buf, n);
}

void kpitext_number_unit(const CfgKpi *k, double v, bool utf8, char *num, size_t nn, char *unit,
                         size_t un)
{
    char sym[UNIT_SYM_MAX];
    const char *u = k ? k->unit : NULL;
    if (unit_format(fmt_style(), u, v, k ? k->decimals : -1, num, nn, sym, sizeof sym))
        text_clean(sym, utf8, unit, un);
    else
        text_clean(u, utf8, unit, un);
}

const char *kpitext_unit_column(const char *unit)
{
    const UnitDef *u = unit_find(unit);
    if (!u) return unit ? unit : "";
    return unit_scales(u) ? "" : u->steps[0].symbol;
}

const char *kpitext_target_symbol(CfgTarget t, bool utf8)
{
    if (t == CFG_TARGET_BELOW) return utf8 ? "\xE2\x96\xBC" : "v"; /* ▼ */
    if (t == CFG_TARGET_ABOVE) return utf8 ? "\xE2\x96\xB2" : "^"; /* ▲ */
    return "";
}

const char *kpitext_target_word(CfgTarget t)
{
    if (t == CFG_TARGET_BELOW) return _("below target");
    if (t == CFG_TARGET_ABOVE) return _("above target");
    return "";
}

/* A number of k for a comparison with its target: with the symbol of a
 * scaling unit ("2.0 GiB"), else the bare number as fmt_number() writes it. */
static void compared(const CfgKpi *k, double v, bool utf8, char *buf, size_t n)
{
    if (unit_scales(unit_find(k->unit)))
        value_unit(k->unit, k->decimals, v, utf8, buf, n);
    else
        fmt_number(v, k->decimals, buf, n);
}

void kpitext_target_number(const CfgKpi *k, bool utf8, char *buf, size_t n)
{
    if (n == 0) return;
    buf[0] = '\0';
    if (k) compared(k, k->target, utf8, buf, n);
}

void kpitext_target_text(const CfgKpi *k, CfgTarget t, bool utf8, char *buf, size_t n)
{
    char num[KPITEXT_VAL_MAX];
    if (n == 0) return;
    buf[0] = '\0';
    if (!k || (t != CFG_TARGET_BELOW && t != CFG_TARGET_ABOVE)) return;
    compared(k, k->target, utf8, num, sizeof num);
    snprintf(buf, n, "%s %s %s", kpitext_target_symbol(t, utf8), kpitext_target_word(t), num);
}

void kpitext_status_target(KpiStatus st, CfgTarget t, bool utf8, char *buf, size_t n)
{
    if (n == 0) return;
    if (t == CFG_TARGET_BELOW || t == CFG_TARGET_ABOVE)
        snprintf(buf, n, "%s %s %s", kpitext_status_word(st), kpitext_target_symbol(t, utf8),
                 kpitext_target_word(t));
    else
        snprintf(buf, n, "%s", kpitext_status_word(st));
}

void kpitext_target_gap(const CfgKpi *k, double v, CfgTarget t, bool utf8, char *buf, size_t n)
{
    char a[KPITEXT_VAL_MAX], b[KPITEXT_VAL_MAX];
    if (n == 0) return;
    buf[0] = '\0';
    if (!k || (t != CFG_TARGET_BELOW && t != CFG_TARGET_ABOVE)) return;
    compared(k, v, utf8, a, sizeof a);
    compared(k, k->target, utf8, b, sizeof b);
    snprintf(buf, n, "%s %s %s %s", kpitext_target_symbol(t, utf8), a,
             t == CFG_TARGET_BELOW ? "<" : ">", b);
}

const char *kpitext_name(const CfgKpi *k, int cols)
{
    if (!k) return "";
    const char *name = cfg_kpi_label(k);
    if (name != k->name_en && k->short_name && k->short_name[0] && text_width(name) > cols)
        return k->short_name; /* short: is written in the config's own language */
    return name;
}

/* Bytes of the UTF-8 character at s (1 for a byte that starts none). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) return 1;
    return n;
}

int kpitext_fit_distinct(const char *s, const char *const *sibs, size_t n, int cols, bool utf8,
                         char *out, size_t outsz)
{
    const char *ell = utf8 ? "\xE2\x80\xA6" : "...";
    int ew = utf8 ? 1 : 3;
    if (outsz == 0) return 0;
    if (!s) s = "";
    if (cols < 0) cols = 0;
    int w = text_width(s);
    if (w <= cols && strlen(s) < outsz) {
        memcpy(out, s, strlen(s) + 1);
        return w;
    }
    if (cols <= ew) { /* no room for text and an ellipsis */
        size_t len = text_fit(s, cols, &w);
        if (len >= outsz) len = outsz - 1;
        memcpy(out, s, len);
        out[len] = '\0';
        return text_width(out);
    }
    /* Where s and its closest sibling part. */
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        const char *o = sibs[i];
        if (!o || o == s || strcmp(o, s) == 0) continue;
        size_t j = 0;
        while (s[j] && s[j] == o[j])
            j++;
        if (j > d) d = j;
    }
    while (d > 0 && ((unsigned char)s[d] & 0xC0) == 0x80)
        d--;
    size_t ws = d, we = d; /* the word in which they part */
    while (ws > 0 && s[ws - 1] != ' ')
        ws--;
    while (s[we] && s[we] != ' ')
        we++;
    int room = cols - ew;
    size_t plen = text_fit(s, room, NULL);
    if (d == 0 || plen >= we) { /* the plain cut keeps what tells them apart */
        if (plen + strlen(ell) >= outsz)
            plen = outsz > strlen(ell) + 1 ? outsz - strlen(ell) - 1 : 0;
        snprintf(out, outsz, "%.*s%s", (int)plen, s, ell);
        return text_width(out);
    }
    const char *tail = s + ws;
    int tw = text_width(tail);
    if (tw <= room) { /* head (maybe none), ellipsis, the distinguishing tail */
        size_t hlen = text_fit(s, room - tw, NULL);
        if (hlen > ws) hlen = ws;
        while (hlen > 0 && s[hlen - 1] == ' ') /* no space before the ellipsis */
            hlen--;
        snprintf(out, outsz, "%.*s%s%s", (int)hlen, s, ell, tail);
        return text_width(out);
    }
    /* The tail alone is too wide: the ellipsis and the end of s. */
    const char *p = tail;
    while (*p && text_width(p) > room) {
        p += char_len(p);
        while (*p && text_width_n(p, char_len(p)) == 0) /* never start on a mark */
            p += char_len(p);
    }
    snprintf(out, outsz, "%s%s", ell, p);
    return text_width(out);
}
