/* report_build.c - the daily report's figures, computed from the archive
 * (see report_build.h and docs/archive.md). */
#include "export/report_build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "services/archive.h"
#include "base/i18n.h"
#include "export/snapshot.h"

/* One sample, or one minute bucket standing for its samples. */
typedef struct {
    int64_t ts;
    double value; /* the sample, or the bucket's average; NaN a gap */
    double min, max, sum, last;
    uint64_t count;
    int64_t last_ts;
} Pt;

/* What a KPI's figures are computed from. */
typedef struct {
    Pt *p;
    size_t n, cap;
} Pts;

/* Appends a point; false when out of memory. */
static bool pts_push(Pts *v, Pt p)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 512;
        Pt *np = realloc(v->p, nc * sizeof(*np));
        if (!np) return false;
        v->p = np;
        v->cap = nc;
    }
    v->p[v->n++] = p;
    return true;
}

bool report_day_bounds(const char *date, int64_t *from, int64_t *to)
{
    int y, m, d;
    char extra;
    if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
        sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
        return false;
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    time_t t0 = mktime(&tm);
    if (t0 == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != m - 1) return false; /* 2026-02-30 */
    struct tm next = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_isdst = -1};
    time_t t1 = mktime(&next);
    if (t1 == (time_t)-1) return false;
    *from = (int64_t)t0 * 1000;
    *to = (int64_t)t1 * 1000;
    return true;
}

/* Yesterday's local date of wall time now_ms into buf (11 bytes). */
static void yesterday(int64_t now_ms, char *buf, size_t n)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    struct tm y = {.tm_year = tm.tm_year,
                   .tm_mon = tm.tm_mon,
                   .tm_mday = tm.tm_mday - 1,
                   .tm_hour = 12,
                   .tm_isdst = -1};
    mktime(&y); /* normalises the 0th of a month */
    snprintf(buf, n, "%04d-%02d-%02d", y.tm_year + 1900, y.tm_mon + 1, y.tm_mday);
}

/* strdup() that tolerates NULL (giving NULL) and records out of memory. */
static char *sdup(const char *s, bool *oom)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *oom = true;
    return d;
}

/* A threshold as text ("< 70", "< 5.5 or > 9"); NULL when there is none. */
static char *threshold_text(const CfgThreshold *t, bool *oom)
{
    static const char *const ops[] = {"<", "<=", ">", ">="};
    if (t->n == 0) return NULL;
    char buf[200] = "";
    size_t len = 0;
    for (size_t i = 0; i < t->n && i < CFG_MAX_CMP; i++) {
        int w = snprintf(buf + len, sizeof(buf) - len, "%s%s %g", i ? " or " : "", ops[t->op[i]],
                         t->v[i]);
        if (w < 0 || (size_t)w >= sizeof(buf) - len) break;
        len += (size_t)w;
    }
    return sdup(buf, oom);
}

/* Whether the day's average meets the target (cfg_kpi_target(): on the good
 * side, the opposite of the way the warn/crit thresholds point; unknown when
 * they point both ways). */
static ReportMet met_of(const CfgKpi *k, double avg)
{
    switch (cfg_kpi_target(k, true, avg)) {
    case CFG_TARGET_MET:
        return REPORT_MET_YES;
    case CFG_TARGET_BELOW:
    case CFG_TARGET_ABOVE:
        return REPORT_MET_NO;
    case CFG_TARGET_NONE:
        break;
    }
    return REPORT_MET_UNKNOWN;
}

/* Collects the day's points of key: minute buckets where raw samples are no
 * longer kept, raw samples from there on. -1 with a message. */
static int collect(Archive *a, const char *key, int64_t from, int64_t to, Pts *out, char *err,
                   size_t errlen)
{
    int64_t oldest = archive_raw_oldest(a, key);
    int64_t raw_from = from;
    if (oldest > from) {
        raw_from = oldest == INT64_MAX ? to : oldest / 60000 * 60000;
        if (raw_from > to) raw_from = to;
        ArchiveBucket *b;
        size_t n;
        if (archive_buckets(a, key, ARCHIVE_MINUTE, from, raw_from, &b, &n, err, errlen) != 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            Pt p = {.ts = b[i].ts_ms,
                    .count = b[i].count,
                    .value = NAN,
                    .min = b[i].min,
                    .max = b[i].max,
                    .sum = b[i].sum,
                    .last = b[i].last,
                    .last_ts = b[i].last_ts};
            if (b[i].count) p.value = b[i].sum / (double)b[i].count;
            if ((b[i].count || b[i].gaps) && !pts_push(out, p)) {
                free(b);
                snprintf(err, errlen, "%s", _("out of memory"));
                return -1;
            }
        }
        free(b);
    }
    Sample *s;
    size_t n;
    if (archive_raw(a, key, raw_from, to, &s, &n, err, errlen) != 0) return -1;
    for (size_t i = 0; i < n; i++) {
        bool v = !isnan(s[i].value);
        Pt p = {.ts = s[i].ts_ms,
                .value = s[i].value,
                .min = s[i].value,
                .max = s[i].value,
                .sum = v ? s[i].value : 0,
                .last = s[i].value,
                .count = v ? 1 : 0,
                .last_ts = s[i].ts_ms};
        if (!pts_push(out, p)) {
            free(s);
            snprintf(err, errlen, "%s", _("out of memory"));
            return -1;
        }
    }
    free(s);
    return 0;
}

/* Fills the figures of k from its points; end is where the day's covered
 * time ends (the day's end, or now for today), hold the longest a value
 * counts for when no next sample follows (3 feed intervals). */
static bool kpi_figures(ReportKpi *rk, const CfgKpi *k, const Pts *v, int64_t from, int64_t to,
                        int64_t end, int64_t hold)
{
    double sum = 0, mn = INFINITY, mx = -INFINITY;
    uint64_t count = 0;
    int64_t covered = 0, in_warn = 0, in_crit = 0;
    for (size_t i = 0; i < v->n; i++) {
        const Pt *p = &v->p[i];
        if (p->count) {
            count += p->count;
            sum += p->sum;
            if (p->min < mn) mn = p->min;
            if (p->max > mx) mx = p->max;
            rk->last = p->last;
            rk->last_ts = p->last_ts;
        }
        if (isnan(p->value)) continue;
        /* Time-weighted: the value holds until the next point, at most hold. */
        int64_t until = i + 1 < v->n ? v->p[i + 1].ts : end;
        if (until > p->ts + hold) until = p->ts + hold;
        if (until > end) until = end;
        int64_t dur = until > p->ts ? until - p->ts : 0;
        covered += dur;
        KpiStatus st = cfg_kpi_status(k, true, p->value, false);
        if (st == KST_CRIT) in_crit += dur;
        if (st == KST_WARN) in_warn += dur;
    }
    rk->samples = (size_t)count;
    rk->has_value = count > 0;
    rk->min = count ? mn : NAN;
    rk->max = count ? mx : NAN;
    rk->avg = count ? sum / (double)count : NAN;
    if (!isfinite(rk->avg)) rk->avg = NAN; /* an overflowed sum: "–", never "NaN" or "Inf" */
    if (!count) rk->last = NAN;
    rk->warn_share = covered ? (double)in_warn / (double)covered : 0;
    rk->crit_share = covered ? (double)in_crit / (double)covered : 0;
    rk->met = met_of(k, rk->avg);
    /* Chart: the average of each 5-minute column. */
    size_t np = (size_t)((to - from + REPORT_POINT_MS - 1) / REPORT_POINT_MS);
    rk->pt_ts = malloc((np ? np : 1) * sizeof(*rk->pt_ts));
    rk->pt_v = malloc((np ? np : 1) * sizeof(*rk->pt_v));
    double *csum = calloc(np ? np : 1, sizeof(double));
    uint64_t *ccount = calloc(np ? np : 1, sizeof(uint64_t));
    bool ok = rk->pt_ts && rk->pt_v && csum && ccount;
    if (ok) {
        rk->n_points = np;
        for (size_t i = 0; i < v->n; i++) {
            const Pt *p = &v->p[i];
            if (!p->count || p->ts < from || p->ts >= to) continue;
            size_t c = (size_t)((p->ts - from) / REPORT_POINT_MS);
            csum[c] += p->sum;
            ccount[c] += p->count;
        }
        for (size_t c = 0; c < np; c++) {
            rk->pt_ts[c] = from + (int64_t)c * REPORT_POINT_MS;
            rk->pt_v[c] = ccount[c] ? csum[c] / (double)ccount[c] : NAN;
        }
    }
    free(csum);
    free(ccount);
    return ok;
}

/* Fills the KPI part of r. -1 with a message. */
static int build_kpis(Archive *a, const Config *cfg, Report *r, int64_t end, char *err,
                      size_t errlen)
{
    size_t nk = cfg_kpi_count(cfg);
    r->kpis = calloc(nk ? nk : 1, sizeof(*r->kpis));
    if (!r->kpis) goto oom;
    bool oom = false;
    for (size_t f = 0; f < cfg->n_feeds; f++) {
        const CfgFeed *feed = &cfg->feeds[f];
        for (size_t j = 0; j < feed->n_kpis; j++) {
            const CfgKpi *k = &feed->kpis[j];
            ReportKpi *rk = &r->kpis[r->n_kpis++];
            rk->key = sdup(k->key, &oom);
            rk->name = sdup(k->name ? k->name : k->id, &oom);
            rk->unit = sdup(k->unit ? k->unit : "", &oom);
            rk->feed_name = sdup(feed->name ? feed->name : feed->id, &oom);
            rk->label = sdup(cfg_kpi_label(k), &oom);
            rk->feed_label = sdup(cfg_feed_label(feed), &oom);
            rk->decimals = k->decimals;
            rk->has_target = k->has_target;
            rk->target = k->target;
            rk->warn = threshold_text(&k->warn, &oom);
            rk->crit = threshold_text(&k->crit, &oom);
            if (oom) goto oom;
            Pts v = {0};
            if (collect(a, k->key, r->from_ms, r->to_ms, &v, err, errlen) != 0) {
                free(v.p);
                return -1;
            }
            int64_t hold = 3 * feed->interval_ms;
            if (hold < 120000) hold = 120000; /* a minute bucket stands for its minute */
            bool ok = kpi_figures(rk, k, &v, r->from_ms, r->to_ms, end, hold);
            free(v.p);
            if (!ok) goto oom;
        }
    }
    return 0;
oom:
    snprintf(err, errlen, "%s", _("out of memory"));
    return -1;
}

/* Fills the feed part of r: availability from the polls, the longest
 * continuous failure from the recorded states. -1 with a message. */
static int build_feeds(Archive *a, const Config *cfg, Report *r, int64_t end, char *err,
                       size_t errlen)
{
    r->feeds = calloc(cfg->n_feeds ? cfg->n_feeds : 1, sizeof(*r->feeds));
    if (!r->feeds) goto oom;
    bool oom = false;
    for (size_t f = 0; f < cfg->n_feeds; f++) {
        const CfgFeed *feed = &cfg->feeds[f];
        ReportFeed *rf = &r->feeds[r->n_feeds++];
        rf->id = sdup(feed->id, &oom);
        rf->name = sdup(feed->name ? feed->name : feed->id, &oom);
        rf->label = sdup(cfg_feed_label(feed), &oom);
        if (oom) goto oom;
        if (archive_polls(a, feed->id, r->from_ms, r->to_ms, &rf->polls, &rf->failures, err,
                          errlen) != 0)
            return -1;
        rf->availability = rf->polls ? (double)(rf->polls - rf->failures) / (double)rf->polls : NAN;
        ArchiveState *st;
        size_t n;
        if (archive_states(a, feed->id, r->from_ms, r->to_ms, &st, &n, err, errlen) != 0) return -1;
        int64_t down_since = -1;
        for (size_t i = 0; i <= n; i++) {
            bool down = i < n && (st[i].state == FS_DOWN || st[i].state == FS_BAD_DATA);
            int64_t at = i < n ? st[i].ts_ms : end;
            if (at < r->from_ms) at = r->from_ms;
            if (down_since >= 0 && (!down || i == n)) {
                int64_t len = (at < end ? at : end) - down_since;
                if (len > rf->longest_down_ms) rf->longest_down_ms = len;
                down_since = -1;
            }
            if (down && down_since < 0) down_since = at;
        }
        free(st);
    }
    return 0;
oom:
    snprintf(err, errlen, "%s", _("out of memory"));
    return -1;
}

/* True when event e starts a firing episode (not a return from stale). */
static bool starts_firing(const ArchiveEvent *e)
{
    if (strcmp(e->event, "transition") != 0 || !e->to || strcmp(e->to, "firing") != 0) return false;
    if (e->fired_ms) return e->fired_ms == e->ts_ms;
    return !e->from || (strcmp(e->from, "stale") != 0 && strcmp(e->from, "suppressed") != 0);
}

/* The newest alert of rule in r that is still open (not resolved), or NULL. */
static ReportAlert *open_alert(Report *r, const char *rule)
{
    for (size_t i = r->n_alerts; rule && i-- > 0;)
        if (strcmp(r->alerts[i].rule, rule) == 0)
            return r->alerts[i].resolved_ms ? NULL : &r->alerts[i];
    return NULL;
}

/* Fills the alert part of r from the day's alert events. -1 with a message. */
static int build_alerts(Archive *a, Report *r, int64_t end, char *err, size_t errlen)
{
    ArchiveEvent *ev;
    size_t n;
    if (archive_events(a, r->from_ms, r->to_ms, &ev, &n, err, errlen) != 0) return -1;
    size_t cap = 0;
    bool oom = false;
    for (size_t i = 0; i < n && !oom; i++) {
        const ArchiveEvent *e = &ev[i];
        if (!e->event || !e->rule) continue;
        if (starts_firing(e)) {
            if (r->n_alerts == cap) {
                size_t nc = cap ? cap * 2 : 16;
                ReportAlert *na = realloc(r->alerts, nc * sizeof(*na));
                if (!na) {
                    oom = true;
                    break;
                }
                r->alerts = na;
                cap = nc;
            }
            ReportAlert *ra = &r->alerts[r->n_alerts++];
            memset(ra, 0, sizeof(*ra));
            ra->rule = sdup(e->rule, &oom);
            ra->kpi = sdup(e->kpi, &oom);
            ra->summary = sdup(e->summary ? e->summary : "", &oom);
            ra->severity =
                e->severity >= SEV_INFO && e->severity <= SEV_CRITICAL ? e->severity : SEV_WARNING;
            ra->fired_ms = e->ts_ms;
            r->fired[ra->severity]++;
            continue;
        }
        ReportAlert *ra = open_alert(r, e->rule);
        if (!ra) continue;
        if (strcmp(e->event, "ack") == 0 && !ra->acked_ms) {
            ra->acked_ms = e->ts_ms;
            ra->acked_by = sdup(e->who ? e->who : "", &oom);
        } else if (strcmp(e->event, "transition") == 0 && e->to &&
                   (strcmp(e->to, "resolved") == 0 || strcmp(e->to, "inactive") == 0)) {
            ra->resolved_ms = e->ts_ms;
        }
    }
    archive_events_free(ev, n);
    if (oom) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    double ack_sum = 0;
    size_t acked = 0;
    for (size_t i = 0; i < r->n_alerts; i++) {
        const ReportAlert *ra = &r->alerts[i];
        if (ra->acked_ms) {
            ack_sum += (double)(ra->acked_ms - ra->fired_ms);
            acked++;
        }
        int64_t open = (ra->resolved_ms ? ra->resolved_ms : end) - ra->fired_ms;
        if (open > r->longest_open_ms) {
            r->longest_open_ms = open;
            r->longest_open_idx = i;
        }
    }
    r->ack_avg_ms = acked ? ack_sum / (double)acked : NAN;
    return 0;
}

/* Fills the periods of the day's covered time [from, end) when ioc was not
 * running. -1 with a message. */
static int build_stops(Archive *a, Report *r, int64_t end, char *err, size_t errlen)
{
    ArchivePeriod *p;
    size_t n;
    if (archive_not_running(a, r->from_ms, end, &p, &n, err, errlen) != 0) return -1;
    r->stops = calloc(n ? n : 1, sizeof(*r->stops));
    if (!r->stops) {
        free(p);
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t from = p[i].from_ms > r->from_ms ? p[i].from_ms : r->from_ms;
        int64_t to = p[i].to_ms < end ? p[i].to_ms : end;
        if (to <= from) continue;
        r->stops[r->n_stops++] = (ReportStop){from, to, p[i].clean};
        r->not_running_ms += to - from;
    }
    free(p);
    return 0;
}

int report_build_at(const char *archive_path, const Config *cfg, const char *date, int64_t now_ms,
                    Report *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->ack_avg_ms = NAN;
    char day[40];
    if (date)
        snprintf(day, sizeof(day), "%s", date);
    else
        yesterday(now_ms, day, sizeof(day));
    if (!report_day_bounds(day, &out->from_ms, &out->to_ms)) {
        snprintf(err, errlen, _("invalid date '%.40s' (expected YYYY-MM-DD, e.g. 2026-11-24)"),
                 date ? date : day);
        return -1;
    }
    bool oom = false;
    out->centre = sdup(cfg->name ? cfg->name : "", &oom);
    out->timezone = sdup(cfg->timezone ? cfg->timezone : "UTC", &oom);
    out->date = sdup(day, &oom);
    out->generated_ms = now_ms;
    if (oom) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    Archive *a = archive_open_reader(archive_path, err, errlen);
    if (!a) return -1;
    /* Today's covered time ends now, not at midnight. */
    int64_t end = now_ms < out->to_ms ? now_ms : out->to_ms;
    if (end < out->from_ms) end = out->from_ms;
    int rc = -1;
    if (build_kpis(a, cfg, out, end, err, errlen) == 0 &&
        build_feeds(a, cfg, out, end, err, errlen) == 0 &&
        build_alerts(a, out, end, err, errlen) == 0 && build_stops(a, out, end, err, errlen) == 0)
        rc = 0;
    archive_close(a);
    return rc;
}

int report_build(const char *archive_path, const Config *cfg, const char *date, Report *out,
                 char *err, size_t errlen)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    return report_build_at(archive_path, cfg, date, now, out, err, errlen);
}
