/* watch.h - the monitoring core that the console and "ioc run" share: the
 * App (config, store, loop, poller) plus the alert engine, the alert log and
 * the notifier, wired together.
 *
 * After every poll result the alerts are evaluated; a loop timer wakes the
 * engine at its next deadline (a for: ending, keep_firing_for, nodata,
 * silence expiry) with no poll needed. Each alert event is written to the
 * alert log (when ioc.alert_log is set), turned into a notification when
 * an alert starts firing or resolves (unless silenced), and passed to the
 * owner's callback (the console redraws, "ioc run" logs a line).
 *
 * With ioc.archive, samples, feed states and alert events also go to the
 * SQLite archive (flushed once a second), and watch_new() first fills the
 * store from it so that charts continue across a restart.
 *
 * A Watch owns everything it holds; watch_free() frees it all. */
#ifndef IOC_WATCH_H
#define IOC_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/alert.h"
#include "services/alertlog.h"
#include "services/archive.h"
#include "core/app.h"
#include "services/notify.h"

typedef struct Watch {
    App *app;              /* owned */
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
     * the text changes in place (APP_DIRTY_STATUS is set when it does). */
    const char *archive_status;
    unsigned archive_seq; /* archive_error_seq() last seen */
    bool restoring;       /* re-applying recorded silences (their events are not re-recorded) */
    NotifyOutcomeFn on_notify; /* the owner's delivery callback (may be NULL) */
    void *notify_ud;
} Watch;

/* Builds the core around cfg (taken, also on failure); fn receives every
 * alert event after it was logged and notified. NULL with a message in err. */
Watch *watch_new(Config *cfg, AlertEventFn fn, void *ud, char *err, size_t errlen);

/* Sets the callback told about every notification delivery attempt (and
 * every message dropped), after the counters are updated; "ioc run" logs
 * one line each. Without notify targets it is never called. */
void watch_on_notify(Watch *w, NotifyOutcomeFn fn, void *ud);

/* Starts polling (and so evaluating). */
void watch_start(Watch *w);

/* Sends what notifications are waiting (grouping windows), then frees
 * everything (NULL is fine). */
void watch_free(Watch *w);

/* Operator actions, at the current wall time (see alert_ack / alert_silence).
 * The alert timer is re-armed afterwards. */
int watch_ack(Watch *w, const char *rule_id, const char *who, const char *comment, char *err,
              size_t errlen);
unsigned watch_silence(Watch *w, const char *target, int64_t for_ms, const char *who,
                       const char *comment, char *err, size_t errlen);
int watch_unsilence(Watch *w, unsigned id, const char *who, char *err, size_t errlen);

/* The name an operator acts as: $IOC_OPERATOR, else the login name, else "operator". */
const char *watch_operator(void);

#endif
