/* metrics.c - ioc's state as Prometheus metrics (see metrics.h and
 * docs/metrics.md). */
#include "export/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/loop.h"
#include "export/expo.h"

/* Counters of a feed carried over reloads. */
typedef struct {
    char *id;
    FeedStatus counts; /* only the counters are used */
} CarryFeed;

/* Counters of a notify target carried over reloads. */
typedef struct {
    char *name;
    uint64_t sent, failed, dropped;
} CarryTarget;

struct MetricsCarry {
    CarryFeed *feeds;
    size_t n_feeds;
    CarryTarget *targets;
    size_t n_targets;
    ArchiveStats archive; /* only the counters are used */
    uint64_t reloads;
};

/* Adds the counters of from to to (states, times and texts are left alone). */
static void add_counts(FeedStatus *to, const FeedStatus *from)
{
    to->polls += from->polls;
    to->failures += from->failures;
    to->bytes += from->bytes;
    to->samples += from->samples;
    for (size_t e = 0; e < FEED_ERR_COUNT; e++)
        to->errors[e] += from->errors[e];
    for (size_t k = 0; k <= FEEDSTATE_BUCKETS; k++)
        to->duration[k] += from->duration[k];
    to->duration_sum_ms += from->duration_sum_ms;
    for (size_t k = 0; k <= FEEDSTATE_DELAY_BUCKETS; k++)
        to->delay[k] += from->delay[k];
    to->delay_sum_ms += from->delay_sum_ms;
    if (from->delay_max_ms > to->delay_max_ms) to->delay_max_ms = from->delay_max_ms;
}

/* The carried counters of feed id, or NULL. */
static const CarryFeed *carry_feed(const MetricsCarry *c, const char *id)
{
    for (size_t i = 0; c && i < c->n_feeds; i++)
        if (strcmp(c->feeds[i].id, id) == 0) return &c->feeds[i];
    return NULL;
}

/* The carried counters of notify target name, or NULL. */
static const CarryTarget *carry_target(const MetricsCarry *c, const char *name)
{
    for (size_t i = 0; c && i < c->n_targets; i++)
        if (strcmp(c->targets[i].name, name) == 0) return &c->targets[i];
    return NULL;
}

/* The label of notify target i: its name, with " #N" (N = i + 1) when an
 * earlier target has the same name, so that no two series collide. */
static void target_label(const Notifier *nf, size_t i, char *buf, size_t n)
{
    const char *name = notify_target_name(nf, i);
    bool dup = false;
    for (size_t j = 0; j < i && !dup; j++)
        dup = strcmp(notify_target_name(nf, j), name) == 0;
    if (dup)
        snprintf(buf, n, "%s #%zu", name, i + 1);
    else
        snprintf(buf, n, "%s", name);
}

MetricsCarry *metrics_carry_new(void)
{
    return calloc(1, sizeof(MetricsCarry));
}

void metrics_carry_free(MetricsCarry *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n_feeds; i++)
        free(c->feeds[i].id);
    for (size_t i = 0; i < c->n_targets; i++)
        free(c->targets[i].name);
    free(c->feeds);
    free(c->targets);
    free(c);
}

/* Adds feed id's counters st to c (a new entry when c has none). 0 or -1. */
static int carry_add_feed(MetricsCarry *c, const char *id, const FeedStatus *st)
{
    CarryFeed *f = (CarryFeed *)carry_feed(c, id);
    if (!f) {
        CarryFeed *grown = realloc(c->feeds, (c->n_feeds + 1) * sizeof(*grown));
        if (!grown) return -1;
        c->feeds = grown;
        f = &c->feeds[c->n_feeds];
        memset(f, 0, sizeof(*f));
        f->id = strdup(id);
        if (!f->id) return -1;
        c->n_feeds++;
    }
    add_counts(&f->counts, st);
    return 0;
}

/* Adds a notify target's counters to c (a new entry when c has none). 0 or -1. */
static int carry_add_target(MetricsCarry *c, const char *name, const NotifyStats *s)
{
    CarryTarget *t = (CarryTarget *)carry_target(c, name);
    if (!t) {
        CarryTarget *grown = realloc(c->targets, (c->n_targets + 1) * sizeof(*grown));
        if (!grown) return -1;
        c->targets = grown;
        t = &c->targets[c->n_targets];
        memset(t, 0, sizeof(*t));
        t->name = strdup(name);
        if (!t->name) return -1;
        c->n_targets++;
    }
    t->sent += s->sent;
    t->failed += s->failed;
    t->dropped += s->dropped;
    return 0;
}

int metrics_carry_add(MetricsCarry *c, const Monitor *m)
{
    int rc = 0;
    if (!c || !m) return 0;
    c->reloads++;
    const Collector *coll = m->coll;
    for (size_t f = 0; f < coll->cfg->n_feeds; f++)
        if (carry_add_feed(c, coll->cfg->feeds[f].id, &coll->feeds[f]) != 0) rc = -1;
    for (size_t i = 0; m->notifier && i < notify_count(m->notifier); i++) {
        char name[300];
        target_label(m->notifier, i, name, sizeof(name));
        if (carry_add_target(c, name, notify_stats(m->notifier, i)) != 0) rc = -1;
    }
    if (m->archive) {
        ArchiveStats s;
        archive_stats(m->archive, &s);
        c->archive.written += s.written;
        c->archive.dropped += s.dropped;
        c->archive.flushes += s.flushes;
        c->archive.failures += s.failures;
        c->archive.pruned += s.pruned;
        if (s.last_flush_ms > c->archive.last_flush_ms) c->archive.last_flush_ms = s.last_flush_ms;
    }
    return rc;
}

/* Appends ioc_build_info, the process families and ioc_config_reloads_total. */
static void put_process(SBuf *b, const MetricsInfo *info)
{
    expo_family(b, "ioc_build_info", "gauge", "Version and commit of the running ioc; always 1.");
    expo_sample(b, "ioc_build_info", 1, "version", info->version ? info->version : IOC_VERSION,
                "commit", info->commit ? info->commit : "unknown", NULL);
    expo_family(b, "process_start_time_seconds", "gauge",
                "Start time of the process since the Unix epoch in seconds.");
    if (info->start_ms > 0)
        expo_sample(b, "process_start_time_seconds", (double)info->start_ms / 1000.0, NULL);
    struct rusage ru;
    expo_family(b, "process_cpu_seconds_total", "counter",
                "Total user and system CPU time spent in seconds.");
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        expo_sample(b, "process_cpu_seconds_total",
                    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                        (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
                    NULL);
    expo_family(b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size, resident;
    if (f && fscanf(f, "%lu %lu", &size, &resident) == 2)
        expo_sample(b, "process_resident_memory_bytes",
                    (double)resident * (double)sysconf(_SC_PAGESIZE), NULL);
    if (f) fclose(f);
    expo_family(b, "ioc_config_reloads_total", "counter",
                "Configs loaded by SIGHUP since the process started.");
    expo_sample(b, "ioc_config_reloads_total", info->carry ? (double)info->carry->reloads : 0,
                NULL);
}

/* Appends ioc_poll_delay_seconds (a histogram over every feed) and
 * ioc_poll_delay_max_seconds from the n feed totals st. */
static void put_delay(SBuf *b, const FeedStatus *st, size_t n)
{
    uint64_t bucket[FEEDSTATE_DELAY_BUCKETS + 1] = {0}, sum = 0, cum = 0;
    int64_t max = 0;
    for (size_t f = 0; f < n; f++) {
        for (size_t k = 0; k <= FEEDSTATE_DELAY_BUCKETS; k++)
            bucket[k] += st[f].delay[k];
        sum += st[f].delay_sum_ms;
        if (st[f].delay_max_ms > max) max = st[f].delay_max_ms;
    }
    expo_family(b, "ioc_poll_delay_seconds", "histogram",
                "Delay of scheduled polls: from the moment a poll was due to its start.");
    for (size_t k = 0; k <= FEEDSTATE_DELAY_BUCKETS; k++) {
        char le[32];
        cum += bucket[k];
        if (k < FEEDSTATE_DELAY_BUCKETS)
            snprintf(le, sizeof le, "%g", (double)feedstate_delay_bucket_ms(k) / 1000.0);
        else
            snprintf(le, sizeof le, "+Inf");
        expo_sample(b, "ioc_poll_delay_seconds_bucket", (double)cum, "le", le, NULL);
    }
    expo_sample(b, "ioc_poll_delay_seconds_sum", (double)sum / 1000.0, NULL);
    expo_sample(b, "ioc_poll_delay_seconds_count", (double)cum, NULL);
    expo_family(b, "ioc_poll_delay_max_seconds", "gauge",
                "The largest delay of a scheduled poll since the process started.");
    expo_sample(b, "ioc_poll_delay_max_seconds", (double)max / 1000.0, NULL);
}

/* Appends the KPI and feed families (expo.h), counters with the carry added. */
static int put_kpis_feeds(SBuf *b, const Monitor *m, const MetricsInfo *info)
{
    const Collector *coll = m->coll;
    int64_t now = info->now_ms > 0 ? info->now_ms : loop_wall_ms();
    ExpoKpi *kpis = calloc(coll->n_kpis ? coll->n_kpis : 1, sizeof(*kpis));
    ExpoFeed *feeds = calloc(coll->cfg->n_feeds ? coll->cfg->n_feeds : 1, sizeof(*feeds));
    FeedStatus *totals = calloc(coll->cfg->n_feeds ? coll->cfg->n_feeds : 1, sizeof(*totals));
    if (!kpis || !feeds || !totals) {
        free(kpis);
        free(feeds);
        free(totals);
        b->oom = true;
        return -1;
    }
    for (size_t i = 0; i < coll->n_kpis; i++) {
        const CollKpi *k = &coll->kpis[i];
        CollKpiView v;
        coll_kpi_view(coll, i, now, &v);
        kpis[i] = (ExpoKpi){.feed = k->feed->id,
                            .kpi = k->kpi->id,
                            .name = k->kpi->name,
                            .unit = k->kpi->unit,
                            .has_value = v.has_value,
                            .value = v.value,
                            .has_target = k->kpi->has_target,
                            .target = k->kpi->target,
                            .status = v.status};
    }
    for (size_t f = 0; f < coll->cfg->n_feeds; f++) {
        const char *id = coll->cfg->feeds[f].id;
        totals[f] = coll->feeds[f];
        const CarryFeed *cf = carry_feed(info->carry, id);
        if (cf) add_counts(&totals[f], &cf->counts);
        feeds[f] = (ExpoFeed){.id = id, .st = &totals[f]};
    }
    expo_kpis(b, kpis, coll->n_kpis);
    expo_feeds(b, feeds, coll->cfg->n_feeds);
    put_delay(b, totals, coll->cfg->n_feeds);
    free(kpis);
    free(feeds);
    free(totals);
    return 0;
}

/* Appends ioc_alerts: the alerts counted by state and severity. */
static void put_alerts(SBuf *b, const Monitor *m)
{
    enum { N_STATES = ALERT_RESOLVED + 1, N_SEV = SEV_CRITICAL + 1 };
    size_t count[N_STATES][N_SEV] = {{0}};
    for (size_t i = 0; m->alerts && i < alert_count(m->alerts); i++) {
        const Alert *a = alert_get(m->alerts, i);
        if ((unsigned)a->state < N_STATES && (unsigned)a->rule->severity < N_SEV)
            count[a->state][a->rule->severity]++;
    }
    expo_family(b, "ioc_alerts", "gauge", "Alerts by state and severity (one per rule).");
    for (int s = 0; s < N_STATES; s++)
        for (int v = 0; v < N_SEV; v++)
            expo_sample(b, "ioc_alerts", (double)count[s][v], "state",
                        alert_state_name((AlertState)s), "severity", cfg_severity_name((Severity)v),
                        NULL);
}

/* Counter f (0 sent, 1 failed, 2 dropped) of a target: its stats plus the carry. */
static uint64_t target_counter(const NotifyStats *s, const CarryTarget *c, int f)
{
    uint64_t v = f == 0 ? s->sent : f == 1 ? s->failed : s->dropped;
    if (c) v += f == 0 ? c->sent : f == 1 ? c->failed : c->dropped;
    return v;
}

/* Appends the notification families, counters with the carry added. */
static void put_notify(SBuf *b, const Monitor *m, const MetricsCarry *carry)
{
    static const struct {
        const char *name, *help;
    } fams[] = {
        {"ioc_notify_sent_total", "Notification messages delivered, by target."},
        {"ioc_notify_failed_total", "Notification messages given up after their attempts."},
        {"ioc_notify_dropped_total", "Notification messages dropped from a full queue."},
    };
    size_t n = m->notifier ? notify_count(m->notifier) : 0;
    char name[300];
    for (int f = 0; f < 3; f++) {
        expo_family(b, fams[f].name, "counter", fams[f].help);
        for (size_t i = 0; i < n; i++) {
            target_label(m->notifier, i, name, sizeof(name));
            uint64_t v = target_counter(notify_stats(m->notifier, i), carry_target(carry, name), f);
            expo_sample(b, fams[f].name, (double)v, "target", name, NULL);
        }
    }
    expo_family(b, "ioc_notify_queued_messages", "gauge",
                "Notification messages waiting or being delivered, by target.");
    for (size_t i = 0; i < n; i++) {
        target_label(m->notifier, i, name, sizeof(name));
        const NotifyStats *s = notify_stats(m->notifier, i);
        expo_sample(b, "ioc_notify_queued_messages", (double)(s->queued + (s->busy ? 1 : 0)),
                    "target", name, NULL);
    }
}

/* Appends the archive families (samples only with an archive). */
static void put_archive(SBuf *b, const Monitor *m, const MetricsCarry *carry)
{
    ArchiveStats s = {0}, c = {0};
    if (m->archive) archive_stats(m->archive, &s);
    if (carry) c = carry->archive;
    bool on = m->archive != NULL;

    expo_family(b, "ioc_archive_up", "gauge",
                "1 when the archive is written without error, 0 when it is not (docs/archive.md).");
    if (on)
        expo_sample(b, "ioc_archive_up",
                    archive_writer(m->archive) && !m->archive_status[0] ? 1 : 0, NULL);
    const struct {
        const char *name, *type, *help;
        double v;
    } fams[] = {
        {"ioc_archive_samples_written_total", "counter", "Samples written to the archive.",
         (double)(s.written + c.written)},
        {"ioc_archive_samples_dropped_total", "counter",
         "Samples dropped because the archive's buffer was full while writes failed.",
         (double)(s.dropped + c.dropped)},
        {"ioc_archive_flushes_total", "counter", "Successful archive flushes (transactions).",
         (double)(s.flushes + c.flushes)},
        {"ioc_archive_write_errors_total", "counter", "Archive flushes that failed.",
         (double)(s.failures + c.failures)},
        {"ioc_archive_pruned_rows_total", "counter", "Archive rows deleted by retention.",
         (double)(s.pruned + c.pruned)},
        {"ioc_archive_pending_samples", "gauge", "Samples waiting for the next archive flush.",
         (double)s.pending},
    };
    for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++) {
        expo_family(b, fams[i].name, fams[i].type, fams[i].help);
        if (on) expo_sample(b, fams[i].name, fams[i].v, NULL);
    }
    int64_t last = s.last_flush_ms > c.last_flush_ms ? s.last_flush_ms : c.last_flush_ms;
    expo_family(b, "ioc_archive_last_flush_timestamp_seconds", "gauge",
                "When the archive was last flushed successfully, in seconds since the Unix epoch.");
    if (on && last > 0)
        expo_sample(b, "ioc_archive_last_flush_timestamp_seconds", (double)last / 1000.0, NULL);
}

int metrics_write(const Monitor *m, const MetricsInfo *info, SBuf *out)
{
    static const MetricsInfo none = {0};
    if (!info) info = &none;
    sbuf_add(out, "", 0);
    put_process(out, info);
    if (m) {
        put_kpis_feeds(out, m, info);
        put_alerts(out, m);
        put_notify(out, m, info->carry);
        put_archive(out, m, info->carry);
    }
    return out->oom ? -1 : 0;
}
