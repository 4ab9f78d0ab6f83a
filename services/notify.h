/* notify.h - delivers alert notifications to the notify: targets of a config.
 *
 * The caller (the alert engine) hands over plain events: "alert X fires" and
 * "alert X is resolved". For each target the notifier keeps the alerts it
 * knows, groups alerts that fire close together into one message, re-sends
 * firing alerts on the target's repeat interval for their severity, and never
 * sends "resolved" for an alert it never sent to that target. Each message is
 * an Alertmanager-style webhook JSON body (docs/notify.md), delivered
 *   - to a webhook: HTTP POST through the Loop's curl multi handle, retried
 *     with backoff on 5xx and connection errors (never on 4xx);
 *   - to a command: run without a shell or PATH search (argv from the
 *     config, argv[0] an absolute path), the body on its stdin through a
 *     non-blocking pipe, killed (SIGTERM, then SIGKILL) when it runs past
 *     the timeout, reaped by a timer polling waitpid().
 * Nothing blocks: a dead or hung receiver only fills its own bounded queue
 * (NOTIFY_MAX_QUEUE messages, the oldest dropped and counted).
 *
 * Times: now_ms arguments and every deadline are on the monotonic clock of
 * loop_now_ms(); NotifyEvent's starts_at_ms/ends_at_ms are wall-clock
 * milliseconds since the epoch (they go into the JSON body).
 *
 * Ownership: the Notifier borrows the Loop and the CfgNotify array (both must
 * outlive it) and copies everything it keeps from events. notify_free()
 * cancels transfers and timers and kills running commands.
 *
 * Secrets: webhook URLs and header values may hold tokens; they are never
 * put in messages or stats (url_shown is used instead). */
#ifndef IOC_NOTIFY_H
#define IOC_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "base/loop.h"

/* Messages waiting per target (not counting the one being delivered). */
#define NOTIFY_MAX_QUEUE 256
/* Alerts one target keeps track of; further new alerts are ignored (counted). */
#define NOTIFY_MAX_ALERTS 4096
/* Alerts in one message; a larger group goes out as several messages. */
#define NOTIFY_MAX_GROUP 64

typedef struct Notifier Notifier;

/* One alert transition, as the alert engine sees it. All pointers are
 * borrowed for the call only (NULL = absent); the notifier copies what it
 * needs. An alert is identified by (rule_id, kpi_key, feed_id). */
typedef struct {
    const char *rule_id;  /* required: becomes label "alertname" */
    const char *kpi_key;  /* "feed.kpi", label "kpi" (NULL for feed rules) */
    const char *kpi_name; /* display name, annotation "kpi_name" */
    const char *feed_id;  /* label "feed" */
    const char *summary;  /* rendered summary, annotation "summary" */
    const char *unit;     /* annotation "unit" */
    bool has_value;
    double value; /* annotation "value" when has_value */
    Severity severity;
    bool firing;          /* true: fires (or still fires); false: resolved */
    int64_t starts_at_ms; /* wall ms when it started firing */
    int64_t ends_at_ms;   /* wall ms when it resolved (resolved events) */
    const char *const *label_keys, *const *label_values; /* the rule's labels */
    size_t n_labels;
} NotifyEvent;

/* Delivery counters of one target, for the health panel. */
typedef struct {
    uint64_t sent;        /* messages delivered (HTTP 2xx / exit status 0) */
    uint64_t failed;      /* messages given up (permanent error or attempts used) */
    uint64_t dropped;     /* messages dropped from a full queue (oldest first) */
    uint64_t retries;     /* attempts after the first */
    uint64_t ignored;     /* firing alerts ignored: NOTIFY_MAX_ALERTS reached */
    size_t queued;        /* messages waiting */
    size_t active;        /* firing alerts this target knows of */
    bool busy;            /* a message is being delivered (or waits for a retry) */
    int64_t last_ok_ms;   /* wall ms of the last delivery, 0 = never */
    int64_t last_fail_ms; /* wall ms of the last failed attempt, 0 = never */
    char last_error[160]; /* the last failed attempt in words, "" = none */
} NotifyStats;

/* Retry and kill policy (the same for every target). */
typedef struct {
    int max_attempts;       /* attempts per message; default 5 */
    int64_t backoff_ms;     /* wait before the 2nd attempt, doubling after; default 1 s */
    int64_t max_backoff_ms; /* longest wait between attempts; default 30 s */
    int64_t max_total_ms;   /* no attempt starts later than this after the first; 2 min */
    int64_t kill_grace_ms;  /* exec: SIGKILL this long after SIGTERM; default 2 s */
} NotifyPolicy;

/* Called for every message built, when it is queued (body is the JSON,
 * borrowed for the call). For logs and tests; it must not call back into
 * the notifier. */
typedef void (*NotifyMsgFn)(void *ud, size_t target, const char *body, size_t n_alerts);

/* How a delivery attempt of a message ended, for the owner's log. */
typedef enum {
    NOTIFY_OK,      /* delivered */
    NOTIFY_RETRY,   /* failed; another attempt is scheduled */
    NOTIFY_FAILED,  /* failed; the message is given up */
    NOTIFY_DROPPED, /* never attempted: dropped from a full queue */
} NotifyResult;

/* One attempt's outcome; strings are borrowed for the call. */
typedef struct {
    NotifyResult result;
    size_t n_alerts;   /* alerts in the message */
    bool firing;       /* the message's status: firing (true) or resolved */
    int attempt;       /* 1 for the first attempt (0 for a dropped message) */
    const char *error; /* the failure in words ("" when delivered); never a secret */
} NotifyOutcome;

/* Called after every attempt (and for every message dropped), once the
 * counters are updated. It must not call back into the notifier. */
typedef void (*NotifyOutcomeFn)(void *ud, size_t target, const NotifyOutcome *o);

/* Returns the name of a result: "ok", "retry", "failed" or "dropped". */
const char *notify_result_name(NotifyResult r);

/* Prepares n targets. loop may be NULL: messages are then built and queued
 * but never delivered, and no timers are armed (the caller calls
 * notify_tick() itself: dry runs and fake-clock tests). NULL with a message
 * in err (never quoting a secret) when a target is unusable. */
Notifier *notify_new(Loop *loop, const CfgNotify *targets, size_t n, char *err, size_t errlen);

/* Cancels deliveries and timers, kills running commands, frees everything
 * (NULL is fine). Queued messages are lost. */
void notify_free(Notifier *nf);

/* Replaces the retry policy (fields <= 0 keep their current value). */
void notify_set_policy(Notifier *nf, const NotifyPolicy *p);

/* Sets the callback told about every message queued (NULL to clear). */
void notify_on_message(Notifier *nf, NotifyMsgFn fn, void *ud);

/* Sets the callback told about every attempt's outcome (NULL to clear). */
void notify_on_outcome(Notifier *nf, NotifyOutcomeFn fn, void *ud);

/* Takes one alert transition at monotonic time now_ms. Messages due at
 * now_ms (group_wait_ms 0) are queued and started before it returns. */
void notify_event(Notifier *nf, const NotifyEvent *ev, int64_t now_ms);

/* True when some target has sent ev's alert (rule_id, kpi_key, feed_id) as
 * firing and not yet resolved. */
bool notify_sent(const Notifier *nf, const NotifyEvent *ev);

/* Takes a firing alert that an earlier Notifier already sent (a SIGHUP
 * reload carried it over): no message now, but it is re-sent on its repeat
 * interval from now_ms and its "resolved" will be sent. ev->firing must be
 * true (otherwise nothing happens). */
void notify_adopt(Notifier *nf, const NotifyEvent *ev, int64_t now_ms);

/* Queues the groups and repeats due at now_ms and starts deliveries. The
 * notifier's own timer calls it; call it yourself only when loop is NULL. */
void notify_tick(Notifier *nf, int64_t now_ms);

/* Sends every open group now instead of at its group_wait deadline (before
 * shutting down). */
void notify_flush(Notifier *nf, int64_t now_ms);

/* Messages being delivered or waiting, over all targets (0 = all done). */
size_t notify_pending(const Notifier *nf);

/* The monotonic time of the next grouping or repeat deadline, INT64_MAX
 * when none. */
int64_t notify_next_due(const Notifier *nf);

/* Number of targets. */
size_t notify_count(const Notifier *nf);

/* A target's counters (borrowed; NULL when out of range). */
const NotifyStats *notify_stats(const Notifier *nf, size_t target);

/* The counters of every target added up into *sum (the health panel's
 * footer). busy counts as one queued message; last_error and last_fail_ms
 * are those of the newest failure of a target whose last attempt failed
 * ("" when every target's last attempt went through). */
void notify_totals(const Notifier *nf, NotifyStats *sum);

/* What to call a target in messages: its url_shown or its command name. */
const char *notify_target_name(const Notifier *nf, size_t target);

#endif
