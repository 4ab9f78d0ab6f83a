/* monitor.c - Collector + alert engine + alert log + notifier (see monitor.h). */
#include "services/monitor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strmap.h"

static void arm(Monitor *w);

/* A notification kept across a reload: a NotifyEvent whose strings it owns. */
struct MonitorNotice {
    NotifyEvent ev;
    bool resolve; /* the alert's rule changed or went away: send "resolved" */
};

/* The notification of alert a (firing or resolved at wall time at); the
 * strings are borrowed from a and the config. */
static NotifyEvent alert_notice(const Monitor *w, const Alert *a, bool firing, int64_t at)
{
    const Collector *coll = w->coll;
    const CfgRule *r = a->rule;
    const CfgKpi *k = a->kpi >= 0 ? coll->kpis[a->kpi].kpi : NULL;
    return (NotifyEvent){
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
}

/* Sends a firing or resolved notification for alert a. */
static void notify_alert(Monitor *w, const Alert *a, bool firing, int64_t at)
{
    NotifyEvent ev = alert_notice(w, a, firing, at);
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
    /* While a reload retires alerts, the next Monitor's notifier sends. */
    if (w->notifier && !w->retiring && ev->kind == AEV_TRANSITION && !ev->alert->silenced) {
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
    alert_eval_due(w->alerts, loop_wall_ms());
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

/* Collector hook: a poll result was stored; archive it and evaluate the
 * alerts of that feed. */
static void on_poll(void *ud, size_t feed)
{
    Monitor *w = ud;
    archive_record_poll(w->archive, feed);
    if (w->on_poll) w->on_poll(w->poll_ud, feed, w->coll->feeds[feed].last_poll_ms);
    alert_eval_feed(w->alerts, feed, loop_wall_ms());
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
        .retention_ms = {c->retention_ms[0], c->retention_ms[1], c->retention_ms[2]},
        .thread = true}; /* SQLite never runs on the loop's thread */
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

/* Re-applies the silences of events ev[0..n) that are still running, so an
 * operator's silence survives a restart. Returns how many were restored. */
static size_t restore_silences(Monitor *w, const ArchiveEvent *ev, size_t n, int64_t now)
{
    size_t restored = 0;
    char err[160];
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
    return restored;
}

/* True for a recorded state name that is not part of an episode. */
static bool idle_name(const char *s)
{
    return !s || strcmp(s, "inactive") == 0 || strcmp(s, "resolved") == 0;
}

/* Hands the engine the acks of the episodes that were going on at the stop:
 * a rule whose last recorded transition went to an active state (pending,
 * firing, suppressed, stale), acknowledged since that episode began. The
 * engine keeps one only if the alert's first known condition holds again
 * (alert_restore_ack()). Returns how many were handed over. */
static size_t restore_acks(Monitor *w, const ArchiveEvent *ev, size_t n)
{
    size_t na = alert_count(w->alerts), handed = 0;
    StrMap m = {0};
    struct Episode {
        bool active;
        long ack; /* index of the episode's last ack event, -1 none */
    } *ep = calloc(na ? na : 1, sizeof(*ep));
    if (!ep) return 0;
    for (size_t i = 0; i < na; i++) {
        const char *id = alert_get(w->alerts, i)->rule->id;
        ep[i].ack = -1;
        if (id && strmap_put(&m, id, strlen(id), (void *)(uintptr_t)(i + 1), NULL) < 0) goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const ArchiveEvent *e = &ev[i];
        uintptr_t k = e->rule && e->event ? (uintptr_t)strmap_get(&m, e->rule, strlen(e->rule)) : 0;
        if (!k) continue;
        struct Episode *p = &ep[k - 1];
        if (strcmp(e->event, "ack") == 0) {
            p->ack = (long)i;
        } else if (strcmp(e->event, "transition") == 0) {
            /* A new episode drops the ack, unless it began acknowledged (an
             * ack restored by an earlier start: the transition says by whom). */
            if (idle_name(e->from) && !idle_name(e->to) && !e->acked_by) p->ack = -1;
            p->active = !idle_name(e->to);
        }
    }
    for (size_t i = 0; i < na; i++) {
        if (!ep[i].active || ep[i].ack < 0) continue;
        const ArchiveEvent *a = &ev[ep[i].ack];
        if (alert_restore_ack(w->alerts, alert_get(w->alerts, i)->rule->id, a->who, a->comment,
                              a->ts_ms) == 0)
            handed++;
    }
done:
    strmap_done(&m);
    free(ep);
    return handed;
}

/* Restores from the archive what operators did: the silences still running
 * and the acks of the episodes going on at the stop. An ack belongs to an
 * alert episode: see restore_acks(). */
static void restore_operators(Monitor *w)
{
    int64_t now = loop_wall_ms();
    ArchiveEvent *ev = NULL;
    size_t n = 0;
    char err[160];
    /* A silence longer than 35 days is not worth a longer scan. */
    if (archive_events(w->archive, now - 35LL * 86400000, now + 1, &ev, &n, err, sizeof(err)) != 0)
        return;
    restore_silences(w, ev, n, now);
    restore_acks(w, ev, n);
    archive_events_free(ev, n);
}

/* Notifier callback: the counters changed (the health panel shows them);
 * then tells the owner. */
static void on_notify(void *ud, size_t target, const NotifyOutcome *o)
{
    Monitor *w = ud;
    w->coll->dirty |= COLL_DIRTY_STATUS;
    if (w->on_notify) w->on_notify(w->notify_ud, target, o);
}

/* Builds the core around cfg (taken); the alerts start from carry when
 * given (a reload), else from what the archive recorded. */
static Monitor *build(Config *cfg, AlertEventFn fn, void *ud, const AlertCarry *carry, bool remote,
                      char *err, size_t errlen)
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
    w->remote = remote;
    if (remote) {
        w->link.state = MONITOR_LINK_CONNECTING;
        w->alerts = alert_new(w->coll, NULL, on_alert, w, err, errlen);
        if (!w->alerts) goto fail;
        alert_set_mirror(w->alerts, true);
        return w; /* no on_poll: the collector evaluated, archived and logged */
    }
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
    if (carry)
        alert_carry_apply(w->alerts, carry);
    else if (w->archive)
        restore_operators(w);
    w->coll->on_poll = on_poll;
    w->coll->on_poll_ud = w;
    return w;
fail:
    monitor_free(w);
    return NULL;
}

Monitor *monitor_new(Config *cfg, AlertEventFn fn, void *ud, char *err, size_t errlen)
{
    return build(cfg, fn, ud, NULL, false, err, errlen);
}

Monitor *monitor_new_remote(Config *cfg, AlertEventFn fn, void *ud, char *err, size_t errlen)
{
    return build(cfg, fn, ud, NULL, true, err, errlen);
}

void monitor_set_act(Monitor *w, MonitorActFn fn, void *ud)
{
    w->act = fn;
    w->act_ud = ud;
}

/* Sends action a through the remote client (remote mode). */
static int remote_act(Monitor *w, const MonitorAction *a, char *err, size_t errlen)
{
    if (!w->act) {
        snprintf(err, errlen, "%s", _("not connected to the collector"));
        return -1;
    }
    return w->act(w->act_ud, a, err, errlen);
}

/* Frees what notice n owns and empties it. */
static void notice_done(struct MonitorNotice *n)
{
    NotifyEvent *e = &n->ev;
    free((char *)e->rule_id);
    free((char *)e->kpi_key);
    free((char *)e->kpi_name);
    free((char *)e->feed_id);
    free((char *)e->summary);
    free((char *)e->unit);
    for (size_t j = 0; j < e->n_labels; j++) {
        free((char *)e->label_keys[j]);
        free((char *)e->label_values[j]);
    }
    free((void *)e->label_keys);
    free((void *)e->label_values);
    memset(n, 0, sizeof(*n));
}

/* Frees the n notices of ns and the array. */
static void notices_free(struct MonitorNotice *ns, size_t n)
{
    for (size_t i = 0; i < n; i++)
        notice_done(&ns[i]);
    free(ns);
}

/* Copies s (NULL stays NULL); sets *oom when it cannot. */
static char *dup_str(const char *s, bool *oom)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d) *oom = true;
    return d;
}

/* Makes dst an owned copy of src. False when out of memory (dst is then
 * still safe to free). */
static bool notice_copy(struct MonitorNotice *dst, const NotifyEvent *src)
{
    bool oom = false;
    NotifyEvent *e = &dst->ev;
    *e = *src;
    e->rule_id = dup_str(src->rule_id, &oom);
    e->kpi_key = dup_str(src->kpi_key, &oom);
    e->kpi_name = dup_str(src->kpi_name, &oom);
    e->feed_id = dup_str(src->feed_id, &oom);
    e->summary = dup_str(src->summary, &oom);
    e->unit = dup_str(src->unit, &oom);
    size_t nl = src->n_labels;
    char **k = calloc(nl ? nl : 1, sizeof(*k)), **v = calloc(nl ? nl : 1, sizeof(*v));
    e->label_keys = (const char *const *)k;
    e->label_values = (const char *const *)v;
    e->n_labels = k && v ? nl : 0;
    for (size_t j = 0; j < e->n_labels; j++) {
        k[j] = dup_str(src->label_keys[j], &oom);
        v[j] = dup_str(src->label_values[j], &oom);
    }
    return !oom && k && v;
}

/* The notifications old's notifier sent for alerts that fire now, copied
 * into *out (the next notifier takes them over). Returns how many. */
static size_t sent_notices(const Monitor *old, struct MonitorNotice **out)
{
    size_t na = alert_count(old->alerts), n = 0;
    *out = NULL;
    if (!old->notifier || !(*out = calloc(na ? na : 1, sizeof(**out)))) return 0;
    for (size_t i = 0; i < na; i++) {
        const Alert *a = alert_get(old->alerts, i);
        bool firing =
            a->state == ALERT_FIRING || (a->state == ALERT_STALE && a->held == ALERT_FIRING);
        if (!firing) continue;
        NotifyEvent ev = alert_notice(old, a, true, a->fired_ms);
        if (!notify_sent(old->notifier, &ev)) continue;
        struct MonitorNotice *d = &(*out)[n];
        if (notice_copy(d, &ev) && d->ev.rule_id)
            n++;
        else
            notice_done(d); /* out of memory: that alert is not taken over */
    }
    return n;
}

Monitor *monitor_reload(Monitor *old, Config *cfg, char *err, size_t errlen)
{
    AlertEventFn fn = old->on_event;
    void *ud = old->ud;
    NotifyOutcomeFn notify_fn = old->on_notify;
    void *notify_ud = old->notify_ud;
    MonitorPollFn poll_fn = old->on_poll;
    void *poll_ud = old->poll_ud;
    int64_t now = loop_wall_ms();
    struct MonitorNotice *ns = NULL;
    size_t nn = sent_notices(old, &ns);
    /* Alerts whose rule changed or went away end here, logged and archived. */
    old->retiring = true;
    alert_retire(old->alerts, cfg, now);
    old->retiring = false;
    for (size_t i = 0; i < nn; i++) {
        const Alert *a = alert_find(old->alerts, ns[i].ev.rule_id);
        ns[i].resolve = !a || a->state == ALERT_RESOLVED;
    }
    AlertCarry *carry = alert_carry_take(old->alerts);
    monitor_free(old); /* closes the archive and gives the signals back */
    Monitor *w = build(cfg, fn, ud, carry, false, err, errlen);
    alert_carry_free(carry);
    if (w) {
        monitor_on_notify(w, notify_fn, notify_ud);
        monitor_on_poll(w, poll_fn, poll_ud);
        for (size_t i = 0; w->notifier && i < nn; i++) {
            NotifyEvent *e = &ns[i].ev;
            notify_adopt(w->notifier, e, loop_now_ms());
            if (!ns[i].resolve) continue;
            e->firing = false;
            e->ends_at_ms = now;
            notify_event(w->notifier, e, loop_now_ms());
        }
    }
    notices_free(ns, nn);
    return w;
}

void monitor_on_notify(Monitor *w, NotifyOutcomeFn fn, void *ud)
{
    w->on_notify = fn;
    w->notify_ud = ud;
}

void monitor_on_poll(Monitor *w, MonitorPollFn fn, void *ud)
{
    w->on_poll = fn;
    w->poll_ud = ud;
}

void monitor_start(Monitor *w)
{
    if (w->remote) return; /* the remote client feeds it */
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
    if (w->remote) {
        MonitorAction a = {.kind = MONITOR_ACT_ACK, .rule_id = rule_id, .comment = comment};
        return remote_act(w, &a, err, errlen);
    }
    int rc = alert_ack(w->alerts, rule_id, who, comment, loop_wall_ms(), err, errlen);
    arm(w);
    return rc;
}

unsigned monitor_silence(Monitor *w, const char *target, int64_t for_ms, const char *who,
                         const char *comment, char *err, size_t errlen)
{
    if (w->remote) {
        MonitorAction a = {
            .kind = MONITOR_ACT_SILENCE, .target = target, .for_ms = for_ms, .comment = comment};
        return remote_act(w, &a, err, errlen) == 0 ? 1 : 0;
    }
    int64_t now = loop_wall_ms();
    unsigned id = alert_silence(w->alerts, target, now + for_ms, who, comment, now, err, errlen);
    arm(w);
    return id;
}

int monitor_unsilence(Monitor *w, unsigned id, const char *who, char *err, size_t errlen)
{
    if (w->remote) {
        MonitorAction a = {.kind = MONITOR_ACT_UNSILENCE, .id = id};
        return remote_act(w, &a, err, errlen);
    }
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
