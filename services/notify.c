/* notify.c - notification targets: queues, attempts, retries and timers
 * (see notify.h; grouping in notify_plan.c, delivery in notify_webhook.c
 * and notify_exec.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/i18n.h"
#include "services/notify_internal.h"

static const NotifyPolicy default_policy = {
    .max_attempts = 5,
    .backoff_ms = 1000,
    .max_backoff_ms = 30 * 1000,
    .max_total_ms = 2 * 60 * 1000,
    .kill_grace_ms = 2000,
};

/* Frees a message's body. */
static void msg_free(NotifyMsg *m)
{
    if (m->body) cJSON_free(m->body);
    *m = (NotifyMsg){0};
}

/* Plan callback: queues a message for the target, dropping the oldest
 * waiting one when the queue is full. */
static void enqueue(void *ud, char *body, size_t len, size_t n_alerts, bool firing)
{
    Target *t = ud;
    Notifier *nf = t->nf;
    if (nf->on_msg) nf->on_msg(nf->on_msg_ud, t->idx, body, n_alerts);
    if (t->qlen == NOTIFY_MAX_QUEUE) {
        NotifyMsg *old = &t->queue[t->qhead];
        NotifyOutcome o = {.result = NOTIFY_DROPPED,
                           .n_alerts = old->n_alerts,
                           .firing = old->firing,
                           .error = _("queue full: the oldest message dropped")};
        t->st.dropped++;
        if (nf->on_outcome) nf->on_outcome(nf->on_outcome_ud, t->idx, &o);
        msg_free(old);
        t->qhead = (t->qhead + 1) % NOTIFY_MAX_QUEUE;
        t->qlen--;
    }
    t->queue[(t->qhead + t->qlen) % NOTIFY_MAX_QUEUE] =
        (NotifyMsg){.body = body, .len = len, .n_alerts = n_alerts, .firing = firing};
    t->qlen++;
}

/* Records a failed attempt's words and time. */
static void note_failure(Target *t, const char *why)
{
    snprintf(t->st.last_error, sizeof(t->st.last_error), "%s", why);
    t->st.last_fail_ms = loop_wall_ms();
}

/* The wait before attempt number `next` (>= 2) of a message. */
static int64_t backoff(const NotifyPolicy *p, int next)
{
    int64_t d = p->backoff_ms;
    for (int i = 2; i < next && d < p->max_backoff_ms; i++)
        d *= 2;
    return d < p->max_backoff_ms ? d : p->max_backoff_ms;
}

/* Brings the stats' gauges (queued, active, busy) up to date. */
static void refresh(Target *t)
{
    t->st.queued = t->qlen;
    t->st.active = plan_active(&t->plan);
    t->st.busy = t->busy;
}

static void on_retry(void *ud, int64_t now);

/* Handles the end of an attempt of t->cur: counts it, then schedules a retry
 * or releases the message. True when a retry is scheduled. */
static bool conclude(Target *t, AttemptResult r, const char *why)
{
    Notifier *nf = t->nf;
    bool retry = false;
    if (r == ATTEMPT_OK) {
        t->st.sent++;
        t->st.last_ok_ms = loop_wall_ms();
    } else {
        note_failure(t, why);
        if (r == ATTEMPT_RETRY && t->attempts < nf->policy.max_attempts) {
            int64_t now = loop_now_ms();
            int64_t at = now + backoff(&nf->policy, t->attempts + 1);
            if (at - t->first <= nf->policy.max_total_ms) {
                t->retry_timer = loop_timer_at(nf->loop, at, on_retry, t);
                retry = t->retry_timer > 0;
                if (!retry) t->retry_timer = 0;
            }
        }
        if (!retry) t->st.failed++;
    }
    if (nf->on_outcome) {
        NotifyOutcome o = {.result = r == ATTEMPT_OK ? NOTIFY_OK
                                     : retry         ? NOTIFY_RETRY
                                                     : NOTIFY_FAILED,
                           .n_alerts = t->cur.n_alerts,
                           .firing = t->cur.firing,
                           .attempt = t->attempts,
                           .error = r == ATTEMPT_OK ? ""
                                    : why           ? why
                                                    : ""};
        refresh(t);
        t->st.busy = retry;
        if (!retry) t->st.queued = t->qlen;
        nf->on_outcome(nf->on_outcome_ud, t->idx, &o);
    }
    if (retry) return true;
    msg_free(&t->cur);
    t->busy = false;
    return false;
}

/* Starts the next attempt of t->cur. True when it runs (or a retry is
 * scheduled), false when the message is done with. */
static bool attempt(Target *t)
{
    AttemptResult r = ATTEMPT_FAIL;
    char why[160] = "";
    if (t->attempts > 0) t->st.retries++;
    t->attempts++;
    int rc = t->cfg->kind == NOTIFY_WEBHOOK ? webhook_start(t, &r, why, sizeof(why))
                                            : exec_start(t, &r, why, sizeof(why));
    if (rc == 0) return true;
    return conclude(t, r, why);
}

/* Starts delivering queued messages while the target is idle. */
static void pump(Target *t)
{
    while (t->nf->loop && !t->busy && t->qlen > 0) {
        t->cur = t->queue[t->qhead];
        t->queue[t->qhead] = (NotifyMsg){0};
        t->qhead = (t->qhead + 1) % NOTIFY_MAX_QUEUE;
        t->qlen--;
        t->busy = true;
        t->attempts = 0;
        t->first = loop_now_ms();
        if (attempt(t)) break;
    }
    refresh(t);
}

/* Timer callback: the wait before a retry is over. */
static void on_retry(void *ud, int64_t now)
{
    Target *t = ud;
    t->retry_timer = 0;
    attempt(t);
    pump(t); /* also refreshes the stats */
}

void notify_attempt_done(Target *t, AttemptResult r, const char *why)
{
    if (!conclude(t, r, why)) pump(t);
}

static void on_plan_timer(void *ud, int64_t now);

/* Arms the notifier's timer at the earliest grouping/repeat deadline. */
static void rearm(Notifier *nf)
{
    if (!nf->loop) return;
    int64_t due = notify_next_due(nf);
    if (nf->plan_timer && due == nf->plan_due) return;
    if (nf->plan_timer) loop_timer_cancel(nf->loop, nf->plan_timer);
    nf->plan_timer = 0;
    if (due == INT64_MAX) return;
    nf->plan_due = due;
    long id = loop_timer_at(nf->loop, due, on_plan_timer, nf);
    nf->plan_timer = id > 0 ? id : 0;
}

/* Timer callback: a group or a repeat is due. */
static void on_plan_timer(void *ud, int64_t now)
{
    Notifier *nf = ud;
    nf->plan_timer = 0;
    notify_tick(nf, now);
}

/* Sets a target's display name: url_shown, or the command's name. */
static void set_name(Target *t)
{
    const CfgNotify *c = t->cfg;
    const char *s = c->kind == NOTIFY_WEBHOOK ? (c->url_shown ? c->url_shown : _("webhook"))
                                              : (c->argv && c->argv[0] ? c->argv[0] : "?");
    snprintf(t->name, sizeof(t->name), "%s", s);
}

Notifier *notify_new(Loop *loop, const CfgNotify *targets, size_t n, char *err, size_t errlen)
{
    Notifier *nf = calloc(1, sizeof(*nf));
    if (!nf) goto oom;
    nf->loop = loop;
    nf->policy = default_policy;
    nf->t = calloc(n ? n : 1, sizeof(Target));
    if (!nf->t) goto oom;
    for (size_t i = 0; i < n; i++) {
        Target *t = &nf->t[i];
        t->nf = nf;
        t->idx = i;
        t->cfg = &targets[i];
        t->in_fd = -1;
        nf->n = i + 1;
        plan_init(&t->plan, t->cfg);
        set_name(t);
        if (t->cfg->kind == NOTIFY_WEBHOOK) {
            if (!t->cfg->url || !*t->cfg->url) {
                snprintf(err, errlen, _("notify target %zu: a webhook needs a url"), i + 1);
                goto fail;
            }
            if (webhook_setup(t, err, errlen) != 0) goto fail;
        } else if (t->cfg->kind == NOTIFY_EXEC) {
            if (!t->cfg->argv || t->cfg->argc == 0 || !t->cfg->argv[0] || !*t->cfg->argv[0]) {
                snprintf(err, errlen, _("notify target %zu: exec needs a command"), i + 1);
                goto fail;
            }
        } else {
            snprintf(err, errlen, _("notify target %zu: expected a webhook or exec target"), i + 1);
            goto fail;
        }
    }
    return nf;
oom:
    snprintf(err, errlen, "%s", _("out of memory"));
fail:
    notify_free(nf);
    return NULL;
}

void notify_free(Notifier *nf)
{
    if (!nf) return;
    for (size_t i = 0; nf->t && i < nf->n; i++) {
        Target *t = &nf->t[i];
        if (t->retry_timer) loop_timer_cancel(nf->loop, t->retry_timer);
        if (t->cfg->kind == NOTIFY_WEBHOOK) {
            webhook_cancel(t);
            webhook_free(t);
        } else {
            exec_cancel(t);
        }
        msg_free(&t->cur);
        for (size_t k = 0; k < t->qlen; k++)
            msg_free(&t->queue[(t->qhead + k) % NOTIFY_MAX_QUEUE]);
        plan_done(&t->plan);
    }
    if (nf->plan_timer) loop_timer_cancel(nf->loop, nf->plan_timer);
    free(nf->t);
    free(nf);
}

void notify_set_policy(Notifier *nf, const NotifyPolicy *p)
{
    if (p->max_attempts > 0) nf->policy.max_attempts = p->max_attempts;
    if (p->backoff_ms > 0) nf->policy.backoff_ms = p->backoff_ms;
    if (p->max_backoff_ms > 0) nf->policy.max_backoff_ms = p->max_backoff_ms;
    if (p->max_total_ms > 0) nf->policy.max_total_ms = p->max_total_ms;
    if (p->kill_grace_ms > 0) nf->policy.kill_grace_ms = p->kill_grace_ms;
}

void notify_on_message(Notifier *nf, NotifyMsgFn fn, void *ud)
{
    nf->on_msg = fn;
    nf->on_msg_ud = ud;
}

void notify_on_outcome(Notifier *nf, NotifyOutcomeFn fn, void *ud)
{
    nf->on_outcome = fn;
    nf->on_outcome_ud = ud;
}

const char *notify_result_name(NotifyResult r)
{
    switch (r) {
    case NOTIFY_OK:
        return "ok";
    case NOTIFY_RETRY:
        return "retry";
    case NOTIFY_FAILED:
        return "failed";
    case NOTIFY_DROPPED:
        return "dropped";
    }
    return "?";
}

void notify_event(Notifier *nf, const NotifyEvent *ev, int64_t now_ms)
{
    for (size_t i = 0; i < nf->n; i++) {
        Target *t = &nf->t[i];
        uint64_t ignored = t->plan.ignored;
        if (!plan_event(&t->plan, ev, now_ms)) {
            char why[96];
            if (t->plan.ignored != ignored)
                snprintf(why, sizeof(why), _("more than %d active alerts: new ones ignored"),
                         NOTIFY_MAX_ALERTS);
            else
                snprintf(why, sizeof(why), "%s", _("out of memory keeping an alert"));
            note_failure(t, why);
        }
        t->st.ignored = t->plan.ignored;
    }
    notify_tick(nf, now_ms);
}

bool notify_sent(const Notifier *nf, const NotifyEvent *ev)
{
    for (size_t i = 0; i < nf->n; i++)
        if (plan_sent(&nf->t[i].plan, ev)) return true;
    return false;
}

void notify_adopt(Notifier *nf, const NotifyEvent *ev, int64_t now_ms)
{
    for (size_t i = 0; i < nf->n; i++) {
        Target *t = &nf->t[i];
        if (!plan_adopt(&t->plan, ev, now_ms)) note_failure(t, _("out of memory keeping an alert"));
        t->st.ignored = t->plan.ignored;
    }
    notify_tick(nf, now_ms); /* re-arms the timer for the repeats */
}

void notify_tick(Notifier *nf, int64_t now_ms)
{
    for (size_t i = 0; i < nf->n; i++) {
        Target *t = &nf->t[i];
        size_t lost = plan_take(&t->plan, now_ms, enqueue, t);
        if (lost) {
            t->st.dropped += lost;
            note_failure(t, _("out of memory building a message"));
        }
        pump(t);
    }
    rearm(nf);
}

void notify_flush(Notifier *nf, int64_t now_ms)
{
    for (size_t i = 0; i < nf->n; i++)
        plan_hurry(&nf->t[i].plan, now_ms);
    notify_tick(nf, now_ms);
}

size_t notify_pending(const Notifier *nf)
{
    size_t n = 0;
    for (size_t i = 0; i < nf->n; i++)
        n += nf->t[i].qlen + (nf->t[i].busy ? 1 : 0);
    return n;
}

int64_t notify_next_due(const Notifier *nf)
{
    int64_t due = INT64_MAX;
    for (size_t i = 0; i < nf->n; i++) {
        int64_t d = plan_next_due(&nf->t[i].plan);
        if (d < due) due = d;
    }
    return due;
}

size_t notify_count(const Notifier *nf)
{
    return nf->n;
}

const NotifyStats *notify_stats(const Notifier *nf, size_t target)
{
    return target < nf->n ? &nf->t[target].st : NULL;
}

void notify_totals(const Notifier *nf, NotifyStats *sum)
{
    memset(sum, 0, sizeof(*sum));
    for (size_t i = 0; i < nf->n; i++) {
        const NotifyStats *st = &nf->t[i].st;
        sum->sent += st->sent;
        sum->failed += st->failed;
        sum->dropped += st->dropped;
        sum->retries += st->retries;
        sum->ignored += st->ignored;
        sum->queued += st->queued + (st->busy ? 1 : 0);
        sum->active += st->active;
        sum->busy = sum->busy || st->busy;
        if (st->last_ok_ms > sum->last_ok_ms) sum->last_ok_ms = st->last_ok_ms;
        if (st->last_error[0] && st->last_fail_ms > st->last_ok_ms &&
            st->last_fail_ms > sum->last_fail_ms) {
            sum->last_fail_ms = st->last_fail_ms;
            snprintf(sum->last_error, sizeof(sum->last_error), "%s", st->last_error);
        }
    }
}

const char *notify_target_name(const Notifier *nf, size_t target)
{
    return target < nf->n ? nf->t[target].name : NULL;
}
