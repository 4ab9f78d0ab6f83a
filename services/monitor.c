/* monitor.c - Collector + alert engine + alert log + notifier (see monitor.h). */
#include "services/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"

static void arm(Monitor *w);

/* Sends a firing or resolved notification for alert a. */
static void notify_alert(Monitor *w, const Alert *a, bool firing, int64_t at)
{
    const Collector *coll = w->coll;
    const CfgRule *r = a->rule;
    const CfgKpi *k = a->kpi >= 0 ? coll->kpis[a->kpi].kpi : NULL;
    NotifyEvent ev = {
        .rule_id = r->id,
        .kpi_key = k ? k->key : NULL,
        .kpi_name = k ? k->name : NULL,
        .feed_id = a->feed >= 0 ? coll->cfg->feeds[a->feed].id : NULL,
        .summary = a->summary,
        .unit = k ? k->unit : NULL,
        .has_value = a->has_value,
        .value = a->value,
        .severity = r->severity,
        .firing = firing,
        .starts_at_ms = a->fired_ms ? a->fired_ms : at,
        .ends_at_ms = firing ? 0 : at,
        .label_keys = (const char *const *)r->label_keys,
        .label_values = (const char *const *)r->label_values,
        .n_labels = r->n_labels,
    };
    notify_event(w->notifier, &ev, loop_now_ms()); /* the notifier runs on the monotonic clock */
}

/* Alert engine callback: log, archive, notify, then tell the owner. */
static void on_alert(void *ud, const AlertEvent *ev)
{
    Monitor *w = ud;
    if (w->restoring) return; /* re-applying recorded silences: already on record */
    archive_record_alert(w->archive, ev);
    if (w->log) {
        char err[160];
        if (alertlog_write(w->log, ev, err, sizeof(err)) != 0)
            snprintf(w->log_error, sizeof(w->log_error), "%s", err);
        else
            w->log_error[0] = '\0';
    }
    /* Notify when an alert starts firing (not when it comes back from stale:
     * it never stopped) and when it resolves; the notifier drops a resolved
     * for an alert it never sent. */
    if (w->notifier && ev->kind == AEV_TRANSITION && !ev->alert->silenced) {
        if (ev->to == ALERT_FIRING && ev->alert->fired_ms == ev->at_ms)
            notify_alert(w, ev->alert, true, ev->at_ms);
        else if (ev->to == ALERT_RESOLVED)
            notify_alert(w, ev->alert, false, ev->at_ms);
    }
    w->coll->dirty |= COLL_DIRTY_STATUS;
    if (w->on_event) w->on_event(w->ud, ev);
}

/* Loop timer: the engine's deadline has come. */
static void on_deadline(void *ud, int64_t now_mono)
{
    Monitor *w = ud;
    w->timer = 0;
    alert_eval(w->alerts, loop_wall_ms());
    arm(w);
}

/* (Re)arms the loop timer at the engine's next deadline. */
static void arm(Monitor *w)
{
    if (w->timer) loop_timer_cancel(w->coll->loop, w->timer);
    w->timer = 0;
    int64_t due = alert_next_deadline(w->alerts);
    if (due == INT64_MAX) return;
    int64_t wait = due - loop_wall_ms();
    if (wait < 0) wait = 0;
    w->timer = loop_timer_at(w->coll->loop, loop_now_ms() + wait, on_deadline, w);
}

/* Collector hook: a poll result was stored; archive it and evaluate the alerts. */
static void on_poll(void *ud, size_t feed)
{
    Monitor *w = ud;
    archive_record_poll(w->archive, feed);
    alert_eval(w->alerts, loop_wall_ms());
    arm(w);
}

/* Loop timer: writes what the archive buffered (once a second). */
static void on_archive_flush(void *ud, int64_t now_mono)
{
    Monitor *w = ud;
    archive_flush(w->archive, loop_wall_ms());
    if (archive_error_seq(w->archive) != w->archive_seq) {
        w->archive_seq = archive_error_seq(w->archive);
        w->coll->dirty |= COLL_DIRTY_STATUS;
    }
    w->archive_timer = loop_timer_at(w->coll->loop, now_mono + 1000, on_archive_flush, w);
}

/* Opens the config's archive and fills the store from it. 0, or -1 with a
 * message (a file that is not an ioc archive). */
static int open_archive(Monitor *w, char *err, size_t errlen)
{
    const Config *c = w->coll->cfg;
    ArchiveOptions o = {
        .retention_ms = {c->retention_ms[0], c->retention_ms[1], c->retention_ms[2]}};
    w->archive = archive_open(c->archive, &o, err, errlen);
    if (!w->archive) return -1;
    if (archive_attach(w->archive, w->coll) != 0) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    /* On a read error the charts start empty (archive_error() says why). */
    char rerr[256];
    archive_restore(w->archive, w->coll->store, NULL, loop_wall_ms(), rerr, sizeof(rerr));
    w->archive_status = archive_error(w->archive);
    w->archive_seq = archive_error_seq(w->archive);
    return 0;
}

/* Re-applies the silences recorded in the archive that are still running, so
 * an operator's silence survives a restart. Acknowledgements are not
 * restored: they belong to an alert episode, and a restarted engine starts
 * new ones. Returns how many were restored. */
static size_t restore_silences(Monitor *w)
{
    int64_t now = loop_wall_ms();
    ArchiveEvent *ev = NULL;
    size_t n = 0, restored = 0;
    char err[160];
    /* A silence longer than 35 days is not worth a longer scan. */
    if (archive_events(w->archive, now - 35LL * 86400000, now + 1, &ev, &n, err, sizeof(err)) != 0)
        return 0;
    w->restoring = true;
    for (size_t i = 0; i < n; i++) {
        const ArchiveEvent *e = &ev[i];
        if (!e->event || strcmp(e->event, "silence") != 0 || !e->target || e->until_ms <= now)
            continue;
        /* Removed or expired later on (perhaps after an earlier restore, where
         * it had another id)? A silence is known by its target and end. */
        bool ended = false;
        for (size_t j = i + 1; j < n && !ended; j++)
            ended = ev[j].event && strcmp(ev[j].event, "unsilence") == 0 && ev[j].target &&
                    strcmp(ev[j].target, e->target) == 0 && ev[j].until_ms == e->until_ms;
        if (ended) continue;
        if (alert_silence(w->alerts, e->target, e->until_ms, e->who ? e->who : "?", e->comment, now,
                          err, sizeof(err)) > 0)
            restored++;
    }
    w->restoring = false;
    archive_events_free(ev, n);
    return restored;
}

/* Notifier callback: the counters changed (the health panel shows them);
 * then tells the owner. */
static void on_notify(void *ud, size_t target, const NotifyOutcome *o)
{
    Monitor *w = ud;
    w->coll->dirty |= COLL_DIRTY_STATUS;
    if (w->on_notify) w->on_notify(w->notify_ud, target, o);
}

Monitor *monitor_new(Config *cfg, AlertEventFn fn, void *ud, char *err, size_t errlen)
{
    Monitor *w = calloc(1, sizeof(*w));
    if (!w) {
        cfg_free(cfg);
        snprintf(err, errlen, "%s", _("out of memory"));
        return NULL;
    }
    w->on_event = fn;
    w->ud = ud;
    w->archive_status = "";
    w->coll = coll_new(cfg, err, errlen);
    if (!w->coll) goto fail;
    const Config *c = w->coll->cfg;
    if (c->archive && open_archive(w, err, errlen) != 0) goto fail;
    if (c->alert_log) {
        w->log = alertlog_open(c->alert_log, err, errlen);
        if (!w->log) goto fail;
    }
    if (c->n_notify) {
        w->notifier = notify_new(w->coll->loop, c->notify, c->n_notify, err, errlen);
        if (!w->notifier) goto fail;
        notify_on_outcome(w->notifier, on_notify, w);
    }
    w->alerts = alert_new(w->coll, NULL, on_alert, w, err, errlen);
    if (!w->alerts) goto fail;
    if (w->archive) restore_silences(w);
    w->coll->on_poll = on_poll;
    w->coll->on_poll_ud = w;
    return w;
fail:
    monitor_free(w);
    return NULL;
}

void monitor_on_notify(Monitor *w, NotifyOutcomeFn fn, void *ud)
{
    w->on_notify = fn;
    w->notify_ud = ud;
}

void monitor_start(Monitor *w)
{
    /* The time since the archive's newest entry is recorded as ioc not running. */
    if (w->archive && !w->archive_timer) archive_record_start(w->archive, loop_wall_ms());
    if (w->archive && !w->archive_timer)
        w->archive_timer = loop_timer_at(w->coll->loop, loop_now_ms() + 1000, on_archive_flush, w);
    coll_start(w->coll);
}

void monitor_free(Monitor *w)
{
    if (!w) return;
    if (w->timer) loop_timer_cancel(w->coll->loop, w->timer);
    if (w->archive_timer) loop_timer_cancel(w->coll->loop, w->archive_timer);
    if (w->notifier) notify_flush(w->notifier, loop_now_ms());
    if (w->archive && w->coll->polls) archive_record_stop(w->archive, loop_wall_ms());
    archive_close(w->archive); /* writes what is buffered */
    alert_free(w->alerts);
    notify_free(w->notifier);
    alertlog_close(w->log);
    coll_free(w->coll);
    free(w);
}

int monitor_ack(Monitor *w, const char *rule_id, const char *who, const char *comment, char *err,
              size_t errlen)
{
    int rc = alert_ack(w->alerts, rule_id, who, comment, loop_wall_ms(), err, errlen);
    arm(w);
    return rc;
}

unsigned monitor_silence(Monitor *w, const char *target, int64_t for_ms, const char *who,
                       const char *comment, char *err, size_t errlen)
{
    int64_t now = loop_wall_ms();
    unsigned id = alert_silence(w->alerts, target, now + for_ms, who, comment, now, err, errlen);
    arm(w);
    return id;
}

int monitor_unsilence(Monitor *w, unsigned id, const char *who, char *err, size_t errlen)
{
    int rc = alert_unsilence(w->alerts, id, who, loop_wall_ms(), err, errlen);
    arm(w);
    return rc;
}

const char *monitor_operator(void)
{
    const char *op = getenv("IOC_OPERATOR");
    if (op && op[0]) return op;
    op = getenv("USER");
    if (op && op[0]) return op;
    op = getlogin();
    return op && op[0] ? op : "operator";
}
