/* alert_ops.c - what operators do to alerts (ack, silences) and how alerts
 * are put into words (summaries, names); see alert.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/alert_internal.h"
#include "base/fmt.h"
#include "base/i18n.h"

const char *alert_state_name(AlertState s)
{
    switch (s) {
    case ALERT_INACTIVE:
        return "inactive";
    case ALERT_PENDING:
        return "pending";
    case ALERT_FIRING:
        return "firing";
    case ALERT_SUPPRESSED:
        return "suppressed";
    case ALERT_STALE:
        return "stale";
    case ALERT_RESOLVED:
        return "resolved";
    }
    return "?";
}

/* The length of src cut to fit n bytes with its NUL, at a UTF-8 boundary. */
static size_t cut_len(const char *src, size_t n)
{
    size_t len = src ? strlen(src) : 0;
    if (len >= n) {
        len = n - 1;
        /* Do not cut a multi-byte character: back up to its first byte. */
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    return len;
}

void alert_copy_text(char *dst, size_t n, const char *src)
{
    if (n == 0) return;
    size_t len = cut_len(src, n);
    if (len) memcpy(dst, src, len);
    dst[len] = '\0';
}

const char alert_no_text[1] = "";

void alert_text_set(const char **t, size_t n, const char *src)
{
    size_t len = n ? cut_len(src, n) : 0;
    const char *old = *t ? *t : alert_no_text;
    if (strlen(old) == len && (len == 0 || memcmp(old, src, len) == 0)) {
        *t = old;
        return;
    }
    char *nt = len ? malloc(len + 1) : NULL;
    if (nt) {
        memcpy(nt, src, len);
        nt[len] = '\0';
    }
    alert_text_free(t);
    *t = nt ? nt : alert_no_text;
}

void alert_text_free(const char **t)
{
    if (*t && *t != alert_no_text) free((char *)*t);
    *t = alert_no_text;
}

void alert_texts_free(AlertEngine *e, size_t i)
{
    alert_text_free(&e->alerts[i].ack_by);
    alert_text_free(&e->alerts[i].ack_comment);
    alert_text_free(&e->alerts[i].summary);
    alert_text_free(&e->priv[i].ack_by);
    alert_text_free(&e->priv[i].ack_comment);
}

void alert_render_summary(const AlertEngine *e, Alert *a)
{
    char buf[ALERT_SUMMARY_MAX];
    alert_render(e, a, a->rule->summary, buf, sizeof(buf));
    alert_text_set(&a->summary, sizeof(buf), buf);
}

/* Output buffer of the renderer: appends are cut at a UTF-8 boundary. */
typedef struct {
    char *buf;
    size_t n, len;
    bool full;
} Out;

/* Appends len bytes of s to o (nothing more once the buffer is full). */
static void out_add(Out *o, const char *s, size_t len)
{
    if (o->full || o->n == 0) return;
    size_t room = o->n - 1 - o->len;
    if (len > room) {
        len = room;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
        o->full = true;
    }
    memcpy(o->buf + o->len, s, len);
    o->len += len;
    o->buf[o->len] = '\0';
}

/* Appends a NUL-terminated string to o. */
static void out_puts(Out *o, const char *s)
{
    out_add(o, s, strlen(s));
}

/* Formats v with decimals places (-1: up to 2, trailing zeros dropped) in
 * the UI's number style, like the words around it (fmt_number(): "1,234.5",
 * Vietnamese "1.234,5"); "?" for NaN. */
static void fmt_num(double v, int decimals, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "?");
        return;
    }
    fmt_number(v, decimals, buf, n);
}

/* Writes a threshold as written in a config: "> 150", "< 5.5 or > 9". */
static void fmt_threshold(const CfgThreshold *t, int decimals, char *buf, size_t n)
{
    static const char *const ops[] = {"<", "<=", ">", ">="};
    Out o = {buf, n, 0, false};
    buf[0] = '\0';
    for (size_t i = 0; i < t->n && i < CFG_MAX_CMP; i++) {
        char num[48];
        fmt_num(t->v[i], decimals, num, sizeof(num));
        if (i) out_puts(&o, _(" or "));
        out_puts(&o, ops[t->op[i]]);
        out_puts(&o, " ");
        out_puts(&o, num);
    }
}

/* What a rule's placeholders stand for. */
typedef struct {
    const char *kpi, *key, *unit, *feed;
    char value[48], target[48], change[48];
} Fields;

/* Fills f for alert a. */
static void fields(const AlertEngine *e, const Alert *a, Fields *f)
{
    const Collector *coll = e->coll;
    const CfgFeed *feed = a->feed >= 0 ? &coll->cfg->feeds[a->feed] : NULL;
    const CfgKpi *k = a->kpi >= 0 ? coll->kpis[a->kpi].kpi : NULL;
    int dec = k ? k->decimals : 0;
    memset(f, 0, sizeof(*f));
    f->feed = feed ? cfg_feed_label(feed) : "";
    f->kpi = k ? cfg_kpi_label(k) : f->feed;
    f->key = k ? k->key : (feed ? feed->id : "");
    f->unit = k && k->unit ? k->unit : "";
    if (a->has_value)
        fmt_num(a->value, dec, f->value, sizeof(f->value));
    else
        snprintf(f->value, sizeof(f->value), "?");
    if (k && k->has_target) fmt_num(k->target, dec, f->target, sizeof(f->target));
    if (a->has_change) {
        char num[40];
        fmt_num(a->change, dec, num, sizeof(num));
        snprintf(f->change, sizeof(f->change), "%s%s",
                 a->change > 0 && strcmp(num, "0") != 0 ? "+" : "", num);
    }
}

/* Appends value and unit ("45.2%", "162 µg/m³"). */
static void put_value(Out *o, const Fields *f)
{
    out_puts(o, f->value);
    if (f->unit[0] && strcmp(f->unit, "%") != 0) out_puts(o, " ");
    out_puts(o, f->unit);
}

/* The default summary of a feed rule, from the feed's last poll. */
static void default_feed(const AlertEngine *e, const Alert *a, const Fields *f, Out *o)
{
    const CfgRule *r = a->rule;
    const FeedStatus *fs = &e->coll->feeds[a->feed];
    char buf[160], d[32];
    if (fs->state == FS_BAD_DATA && r->feed_bad_data)
        snprintf(buf, sizeof(buf), _("%s: bad data for %u polls"), f->feed,
                 fs->consecutive_failures);
    else if (fs->state == FS_DOWN && r->feed_down)
        snprintf(buf, sizeof(buf), _("%s: down for %u polls"), f->feed, fs->consecutive_failures);
    else if (r->feed_slow_ms && fs->latency_ms >= 0) {
        fmt_duration(fs->latency_ms, d, sizeof(d));
        snprintf(buf, sizeof(buf), _("%s: slow (a poll took %s)"), f->feed, d);
    } else
        snprintf(buf, sizeof(buf), _("%s: %s"), f->feed, feedstate_name(fs->state));
    out_puts(o, buf);
}

/* The summary of a rule without a summary template. */
static void default_summary(const AlertEngine *e, const Alert *a, const Fields *f, Out *o)
{
    const CfgRule *r = a->rule;
    const CfgKpi *k = a->kpi >= 0 ? e->coll->kpis[a->kpi].kpi : NULL;
    int dec = k ? k->decimals : -1;
    char buf[128], num[48];
    if (r->kind == RULE_FEED) {
        default_feed(e, a, f, o);
        return;
    }
    if (r->kind == RULE_NODATA) {
        fmt_duration(r->nodata_ms, num, sizeof(num));
        snprintf(buf, sizeof(buf), _("%s: no data for %s"), f->kpi, num);
        out_puts(o, buf);
        return;
    }
    if (r->kind == RULE_CHANGE) {
        char d[32];
        fmt_duration(r->over_ms, d, sizeof(d));
        out_puts(o, f->kpi);
        snprintf(buf, sizeof(buf), _(" changed by %s%s%s in %s"), a->has_change ? f->change : "?",
                 f->unit[0] && strcmp(f->unit, "%") != 0 ? " " : "", f->unit, d);
        out_puts(o, buf);
        return;
    }
    out_puts(o, f->kpi);
    out_puts(o, " ");
    put_value(o, f);
    if (r->implicit) {
        fmt_threshold(&r->threshold, dec, num, sizeof(num));
        snprintf(buf, sizeof(buf), " (%s %s)", r->severity == SEV_CRITICAL ? _("crit") : _("warn"),
                 num);
    } else if (r->target_relative) {
        snprintf(buf, sizeof(buf),
                 r->kind == RULE_ABOVE ? _(" (above the target %s)") : _(" (below the target %s)"),
                 f->target);
    } else {
        fmt_num(r->level, dec, num, sizeof(num));
        snprintf(buf, sizeof(buf), r->kind == RULE_ABOVE ? _(" (above %s)") : _(" (below %s)"),
                 num);
    }
    out_puts(o, buf);
}

/* The value of placeholder name (len bytes), or NULL when unknown. */
static const char *placeholder(const Alert *a, const Fields *f, const char *name, size_t len)
{
    static const char *const names[] = {"kpi",  "key",  "value",    "unit",  "target",
                                        "feed", "rule", "severity", "change"};
    size_t idx = sizeof(names) / sizeof(names[0]);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) idx = i;
    switch (idx) {
    case 0:
        return f->kpi;
    case 1:
        return f->key;
    case 2:
        return f->value;
    case 3:
        return f->unit;
    case 4:
        return f->target;
    case 5:
        return f->feed;
    case 6:
        return a->rule->id ? a->rule->id : "";
    case 7:
        return cfg_severity_name(a->rule->severity);
    case 8:
        return f->change;
    default:
        return NULL;
    }
}

void alert_render(const AlertEngine *e, const Alert *a, const char *tpl, char *buf, size_t n)
{
    Out o = {buf, n, 0, false};
    Fields f;
    if (n == 0) return;
    buf[0] = '\0';
    fields(e, a, &f);
    if (!tpl) {
        default_summary(e, a, &f, &o);
        return;
    }
    const char *s = tpl;
    while (*s && !o.full) {
        const char *open = strstr(s, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) {
            out_puts(&o, s);
            break;
        }
        out_add(&o, s, (size_t)(open - s));
        const char *p = open + 2, *q = close;
        while (p < q && *p == ' ')
            p++;
        while (q > p && q[-1] == ' ')
            q--;
        const char *v = placeholder(a, &f, p, (size_t)(q - p));
        if (v)
            out_puts(&o, v);
        else
            out_add(&o, open, (size_t)(close + 2 - open)); /* unknown: kept as written */
        s = close + 2;
    }
}

/* True when silence s applies to alert a (rule id, KPI key or feed id). */
static bool silence_matches(const AlertEngine *e, const AlertSilence *s, const Alert *a)
{
    const CfgRule *r = a->rule;
    if (r->id && strcmp(r->id, s->target) == 0) return true;
    if (r->kpi && strcmp(r->kpi, s->target) == 0) return true;
    const CfgFeed *f = a->feed >= 0 ? &e->coll->cfg->feeds[a->feed] : NULL;
    return f && f->id && strcmp(f->id, s->target) == 0;
}

void alert_apply_silences(AlertEngine *e)
{
    for (size_t i = 0; i < e->n; i++) {
        Alert *a = &e->alerts[i];
        a->silenced = false;
        a->silence_id = 0;
        a->silenced_until = 0;
        for (size_t j = 0; j < e->n_sil; j++) {
            const AlertSilence *s = &e->sil[j];
            if (!silence_matches(e, s, a) || s->until_ms <= a->silenced_until) continue;
            a->silenced = true;
            a->silence_id = s->id;
            a->silenced_until = s->until_ms;
        }
    }
}

/* Removes silence j and reports it (who NULL: it expired). */
static void remove_silence(AlertEngine *e, size_t j, const char *who, int64_t now)
{
    AlertSilence gone = e->sil[j];
    memmove(e->sil + j, e->sil + j + 1, (e->n_sil - j - 1) * sizeof(*e->sil));
    e->n_sil--;
    alert_apply_silences(e);
    AlertEvent ev = {.kind = AEV_UNSILENCE, .silence = &gone, .at_ms = now, .who = who};
    alert_emit(e, &ev);
}

void alert_expire_silences(AlertEngine *e, int64_t now)
{
    size_t j = 0;
    while (j < e->n_sil) {
        if (e->sil[j].until_ms <= now)
            remove_silence(e, j, NULL, now);
        else
            j++;
    }
}

/* True when who names an operator (not empty or blank). */
static bool who_ok(const char *who)
{
    return who && who[strspn(who, " \t")] != '\0';
}

int alert_ack(AlertEngine *e, const char *rule_id, const char *who, const char *comment,
              int64_t now, char *err, size_t errlen)
{
    const Alert *ca = alert_find(e, rule_id);
    if (!ca) {
        snprintf(err, errlen, _("no alert rule '%.80s'"), rule_id ? rule_id : "");
        return -1;
    }
    if (!who_ok(who)) {
        snprintf(err, errlen, "%s", _("an acknowledgement needs the operator's name"));
        return -1;
    }
    Alert *a = &e->alerts[ca - e->alerts];
    if (a->state == ALERT_INACTIVE) {
        snprintf(err, errlen, _("alert '%.80s' is not active: there is nothing to acknowledge"),
                 rule_id);
        return -1;
    }
    a->acked = true;
    a->ack_ms = now;
    alert_text_set(&a->ack_by, ALERT_WHO_MAX, who);
    alert_text_set(&a->ack_comment, ALERT_COMMENT_MAX, comment);
    AlertEvent ev = {.kind = AEV_ACK,
                     .alert = a,
                     .from = a->state,
                     .to = a->state,
                     .at_ms = now,
                     .who = a->ack_by,
                     .comment = a->ack_comment[0] ? a->ack_comment : NULL};
    alert_emit(e, &ev);
    return 0;
}

unsigned alert_silence(AlertEngine *e, const char *target, int64_t until_ms, const char *who,
                       const char *comment, int64_t now, char *err, size_t errlen)
{
    if (!target || !*target || strlen(target) >= ALERT_TARGET_MAX) {
        snprintf(err, errlen, "%s", _("expected a rule id, KPI key or feed id to silence"));
        return 0;
    }
    AlertSilence s = {0};
    alert_copy_text(s.target, sizeof(s.target), target);
    bool any = false;
    for (size_t i = 0; i < e->n && !any; i++)
        any = silence_matches(e, &s, &e->alerts[i]);
    if (!any) {
        snprintf(err, errlen, _("no rule, KPI or feed '%.80s' has alerts to silence"), target);
        return 0;
    }
    if (!who_ok(who)) {
        snprintf(err, errlen, "%s", _("a silence needs the operator's name"));
        return 0;
    }
    if (until_ms <= now) {
        snprintf(err, errlen, "%s", _("a silence must end in the future"));
        return 0;
    }
    if (e->n_sil >= e->opt.max_silences) {
        snprintf(err, errlen, _("too many silences (at most %zu): remove one first"),
                 e->opt.max_silences);
        return 0;
    }
    if (e->n_sil == e->cap_sil) {
        size_t cap = e->cap_sil ? e->cap_sil * 2 : 8;
        AlertSilence *ns = realloc(e->sil, cap * sizeof(*ns));
        if (!ns) {
            snprintf(err, errlen, "%s", _("out of memory"));
            return 0;
        }
        e->sil = ns;
        e->cap_sil = cap;
    }
    s.id = e->next_sil_id++;
    if (e->next_sil_id == 0) e->next_sil_id = 1;
    s.start_ms = now;
    s.until_ms = until_ms;
    alert_copy_text(s.who, sizeof(s.who), who);
    alert_copy_text(s.comment, sizeof(s.comment), comment ? comment : "");
    e->sil[e->n_sil++] = s;
    alert_apply_silences(e);
    AlertEvent ev = {.kind = AEV_SILENCE,
                     .silence = &e->sil[e->n_sil - 1],
                     .at_ms = now,
                     .who = s.who,
                     .comment = s.comment[0] ? s.comment : NULL};
    alert_emit(e, &ev);
    return s.id;
}

int alert_unsilence(AlertEngine *e, unsigned id, const char *who, int64_t now, char *err,
                    size_t errlen)
{
    for (size_t j = 0; j < e->n_sil; j++) {
        if (e->sil[j].id != id) continue;
        remove_silence(e, j, who_ok(who) ? who : "?", now);
        return 0;
    }
    snprintf(err, errlen, _("no silence #%u (it may have expired)"), id);
    return -1;
}

size_t alert_silences(const AlertEngine *e, const AlertSilence **out)
{
    *out = e->sil;
    return e->n_sil;
}
