/* monitor.h - the monitoring core that the console and "ioc run" share: the
 * Collector (config, store, loop, poller) plus the alert engine, the alert log and
 * the notifier, wired together.
 *
 * After every poll result the alerts of that feed are evaluated
 * (alert_eval_feed); a loop timer wakes the engine at its next deadline (a
 * for: ending, keep_firing_for, nodata, silence expiry) and evaluates what
 * is due (alert_eval_due), with no poll needed. Each alert event is written to the
 * alert log (when ioc.alert_log is set), turned into a notification when
 * an alert starts firing or resolves (unless silenced), and passed to the
 * owner's callback (the console redraws, "ioc run" logs a line).
 *
 * With ioc.archive, samples, feed states and alert events also go to the
 * SQLite archive (flushed once a second), and monitor_new() first fills the
 * store from it so that charts continue across a restart; it also re-applies
 * the silences still running and hands the engine the acks of the alert
 * episodes that were going on at the stop (docs/archive.md).
 *
 * A Monitor owns everything it holds; monitor_free() frees it all. */
#ifndef IOC_MONITOR_H
#define IOC_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/alert.h"
#include "services/alertlog.h"
#include "services/archive.h"
#include "core/collector.h"
#include "services/notify.h"

typedef struct Monitor {
    Collector *coll;       /* owned */
    AlertEngine *alerts;   /* owned */
    AlertLog *log;         /* owned; NULL without ioc.alert_log */
    Notifier *notifier;    /* owned; NULL without notify: targets */
    AlertEventFn on_event; /* the owner's callback (may be NULL) */
    void *ud;
    long timer;          /* loop timer for the engine's next deadline; 0 none */
    char log_error[160]; /* the last alert-log write error ("" when fine), for the header */
    Archive *archive;    /* owned; NULL without ioc.archive (docs/archive.md) */
    long archive_timer;  /* loop timer of the next archive flush; 0 none */
    /* The archive's problem in words ("" when fine or without an archive): a
     * write error being retried, or "in use by another ioc". Always valid;
     * the text changes in place (COLL_DIRTY_STATUS is set when it does). */
    const char *archive_status;
    unsigned archive_seq; /* archive_error_seq() last seen */
    bool restoring;       /* re-applying recorded silences (their events are not re-recorded) */
    NotifyOutcomeFn on_notify; /* the owner's delivery callback (may be NULL) */
    void *notify_ud;
    /* monitor_reload(): the "resolved" of alerts whose rule changed or went
     * away, kept (owned) for the next Monitor's notifier to send. */
    bool retiring;
    struct MonitorNotice *retired;
    size_t n_retired;
} Monitor;

/* Builds the core around cfg (taken, also on failure); fn receives every
 * alert event after it was logged and notified. NULL with a message in err. */
Monitor *monitor_new(Config *cfg, AlertEventFn fn, void *ud, char *err, size_t errlen);

/* Replaces old (freed here, also on failure) with a Monitor on cfg (taken),
 * for a SIGHUP reload; the callbacks of old are kept. Every alert whose rule
 * has the same id and fingerprint (alert_rule_fingerprint()) in cfg keeps
 * its state, clocks, ack and notifications already sent; the others end
 * first in old (a firing one resolves: logged, archived, and its "resolved"
 * notification goes out through the new notifier). Silences are kept as
 * they are (not re-read from the archive). NULL with a message in err. */
Monitor *monitor_reload(Monitor *old, Config *cfg, char *err, size_t errlen);

/* Sets the callback told about every notification delivery attempt (and
 * every message dropped), after the counters are updated; "ioc run" logs
 * one line each. Without notify targets it is never called. */
void monitor_on_notify(Monitor *w, NotifyOutcomeFn fn, void *ud);

/* Starts polling (and so evaluating). */
void monitor_start(Monitor *w);

/* Sends what notifications are waiting (grouping windows), then frees
 * everything (NULL is fine). */
void monitor_free(Monitor *w);

/* Operator actions, at the current wall time (see alert_ack / alert_silence).
 * The alert timer is re-armed afterwards. */
int monitor_ack(Monitor *w, const char *rule_id, const char *who, const char *comment, char *err,
                size_t errlen);
unsigned monitor_silence(Monitor *w, const char *target, int64_t for_ms, const char *who,
                         const char *comment, char *err, size_t errlen);
int monitor_unsilence(Monitor *w, unsigned id, const char *who, char *err, size_t errlen);

/* The name an operator acts as: $IOC_OPERATOR, else the login name, else "operator". */
const char *monitor_operator(void);

#endif
