/* alert.h - the alert engine: one state machine per rule of the config.
 *
 * An AlertEngine borrows a Collector (which must outlive it) and makes one Alert
 * per CfgRule of coll->cfg (explicit rules first, then the implicit rules made
 * from KPI warn/crit thresholds, in config order). It never reads a clock:
 * the caller runs alert_eval(engine, now) after each poll result and when
 * alert_next_deadline() comes; values are read through coll_kpi_view(at =
 * now) and coll->feeds. Semantics (states, for, keep_firing_for, hysteresis,
 * critical over warning, stale, nodata, feed rules, ack, silence) are written
 * down in docs/alerts.md.
 *
 * Every visible state change, ack, silence and unsilence calls the engine's
 * AlertEventFn synchronously; the callback may read the engine (alert_list,
 * alert_counts...) but must not call a function that changes it (eval, ack,
 * silence, unsilence). Pointers to Alerts stay valid until alert_free();
 * pointers to silences until the next call that changes the engine.
 * No global state; not thread-safe (one thread owns it). */
#ifndef IOC_ALERT_H
#define IOC_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/collector.h"

/* What an operator sees of an alert. */
typedef enum {
    ALERT_INACTIVE,   /* the condition does not hold */
    ALERT_PENDING,    /* holds, for less than the rule's for: */
    ALERT_FIRING,     /* holds (or within keep_firing_for after it stopped) */
    ALERT_SUPPRESSED, /* a warn threshold that holds while the KPI's crit alert fires */
    ALERT_STALE,      /* was pending/firing/suppressed; no fresh value now (held tells which) */
    ALERT_RESOLVED,   /* fired, then cleared; back to inactive after resolved_keep_ms */
} AlertState;

#define ALERT_SUMMARY_MAX 256
#define ALERT_WHO_MAX     64
#define ALERT_COMMENT_MAX 256
#define ALERT_TARGET_MAX  80

/* One alert instance (one per rule). Read-only for callers. */
typedef struct {
    const CfgRule *rule; /* borrowed from the Collector's config */
    int kpi;             /* index into coll->kpis; -1 for feed rules */
    int feed;            /* index into cfg->feeds (the KPI's feed for KPI rules) */
    AlertState state;
    AlertState held;     /* ALERT_STALE: the state it keeps (pending, firing, suppressed) */
    int64_t since_ms;    /* when it entered state */
    int64_t active_ms;   /* when the current episode began (pending or firing); 0 when none */
    int64_t fired_ms;    /* when it last started firing; 0 never */
    int64_t resolved_ms; /* when it last resolved; 0 never */
    bool has_value;      /* value holds the last value seen */
    double value;        /* KPI value; feed rules: failed polls, or latency ms for slow */
    bool has_change;     /* change rules: change holds the change over the window */
    double change;
    bool acked; /* acknowledged (kept until the alert is active again after resolving) */
    /* The texts are the engine's (never NULL, "" when none), at most
     * ALERT_WHO_MAX, ALERT_COMMENT_MAX and ALERT_SUMMARY_MAX bytes with their
     * NUL; they are allocated only when not empty, so that 40,000 quiet rules
     * do not hold 40,000 empty buffers. */
    const char *ack_by;
    int64_t ack_ms;
    const char *ack_comment; /* "" when none */
    bool silenced;           /* an active silence matches: no notification */
    unsigned silence_id;     /* the matching silence with the latest end (when silenced) */
    int64_t silenced_until;
    const char *summary; /* rendered from the rule's template (or the default) */
} Alert;

/* A silence: alerts whose rule id, KPI key or feed id equals target are
 * flagged silenced (they still change state) until until_ms. */
typedef struct {
    unsigned id; /* > 0, unique within the engine */
    char target[ALERT_TARGET_MAX];
    int64_t start_ms, until_ms;
    char who[ALERT_WHO_MAX];
    char comment[ALERT_COMMENT_MAX];
} AlertSilence;

typedef enum {
    AEV_TRANSITION, /* alert went from -> to */
    AEV_ACK,        /* an operator acknowledged alert */
    AEV_SILENCE,    /* silence was added */
    AEV_UNSILENCE,  /* silence was removed (who set) or expired (who NULL) */
} AlertEventKind;

/* What happened; every pointer is valid during the callback only. */
typedef struct {
    AlertEventKind kind;
    const Alert *alert;          /* AEV_TRANSITION, AEV_ACK; NULL otherwise */
    const AlertSilence *silence; /* AEV_SILENCE, AEV_UNSILENCE; NULL otherwise */
    AlertState from, to;         /* AEV_TRANSITION (both the alert's state for AEV_ACK) */
    int64_t at_ms;               /* when (the caller's clock) */
    const char *who;             /* operator; NULL for the engine */
    const char *comment;         /* operator's comment; NULL when none */
} AlertEvent;

typedef void (*AlertEventFn)(void *ud, const AlertEvent *ev);

/* Engine settings (alert_new() with NULL: all defaults). */
typedef struct {
    int64_t resolved_keep_ms; /* how long a resolved alert stays listed: < 0 default (15 min);
                                 0 leaves the list at the next evaluation */
    size_t max_silences;      /* 0: default (256) */
} AlertOptions;

typedef struct AlertEngine AlertEngine;

/* Builds an engine for coll's rules (opts NULL: defaults; fn may be NULL).
 * NULL with a message in err on failure (out of memory, a rule naming a KPI
 * or feed the Collector does not have). */
AlertEngine *alert_new(const Collector *coll, const AlertOptions *opts, AlertEventFn fn, void *ud,
                       char *err, size_t errlen);

/* Frees the engine (NULL is fine). */
void alert_free(AlertEngine *e);

/* Expires silences, then evaluates every rule at time now (ms since the
 * epoch, the caller's clock), calling the event callback for each change. */
void alert_eval(AlertEngine *e, int64_t now);

/* Evaluates only the rules of feed (its KPIs' rules and its feed rules) at
 * now, after a poll result of that feed: the cost follows the poll, not the
 * size of the config. The first evaluation of an engine is a full one. */
void alert_eval_feed(AlertEngine *e, size_t feed, int64_t now);

/* Evaluates only the rules whose deadline (alert_next_deadline) has come by
 * now, with the warnings of criticals among them; expires silences. */
void alert_eval_due(AlertEngine *e, int64_t now);

/* The earliest time at which alert_eval() would change something without a
 * new poll result (a pending for: ending, keep_firing_for ending, a resolved
 * alert leaving the list, a nodata deadline, a value turning stale, a silence
 * expiring); INT64_MAX when nothing is due. */
int64_t alert_next_deadline(const AlertEngine *e);

/* Number of alerts (= rules) and the i-th (config order); NULL past the end. */
size_t alert_count(const AlertEngine *e);
const Alert *alert_get(const AlertEngine *e, size_t i);

/* The alert of rule id (implicit ids: "KPIKEY:warn"); NULL when absent. */
const Alert *alert_find(const AlertEngine *e, const char *rule_id);

/* Fills out[0..max) with the visible alerts (every state but inactive) in
 * display order: firing, stale, pending, suppressed, resolved; within each,
 * critical first, then the oldest episode first. Returns how many there are
 * in all (may exceed max). */
size_t alert_list(const AlertEngine *e, const Alert **out, size_t max);

/* Counts for a header line. */
typedef struct {
    size_t firing[3];  /* by Severity (SEV_INFO..SEV_CRITICAL) */
    size_t unacked[3]; /* firing and not acknowledged, by severity */
    size_t pending, stale, suppressed, resolved, silenced;
} AlertCounts;

void alert_counts(const AlertEngine *e, AlertCounts *out);

/* Acknowledges the alert of rule_id as who (required), with an optional
 * comment. Not possible while it is inactive. 0, or -1 with a message. */
int alert_ack(AlertEngine *e, const char *rule_id, const char *who, const char *comment,
              int64_t now, char *err, size_t errlen);

/* Silences target (a rule id, KPI key or feed id that some rule uses) until
 * until_ms (> now). Returns the silence id (> 0), or 0 with a message. */
unsigned alert_silence(AlertEngine *e, const char *target, int64_t until_ms, const char *who,
                       const char *comment, int64_t now, char *err, size_t errlen);

/* Removes silence id. 0, or -1 with a message when there is no such silence. */
int alert_unsilence(AlertEngine *e, unsigned id, const char *who, int64_t now, char *err,
                    size_t errlen);

/* The active silences (in order of creation); *out borrowed. */
size_t alert_silences(const AlertEngine *e, const AlertSilence **out);

/* "inactive" "pending" "firing" "suppressed" "stale" "resolved" (log names). */
const char *alert_state_name(AlertState s);

/* Renders template tpl (NULL: the rule's default text) for alert a into
 * buf[0..n): {{kpi}} {{key}} {{value}} {{unit}} {{target}} {{feed}} {{rule}}
 * {{severity}} {{change}}. Truncated at a UTF-8 boundary. */
void alert_render(const AlertEngine *e, const Alert *a, const char *tpl, char *buf, size_t n);

/* --- State that outlives an engine: reload and restart (docs/alerts.md) --- */

/* A rule's fingerprint: a hash of everything that decides its alert's state
 * and notifications (kind, KPI or feed, levels, clear, thresholds, windows,
 * for, keep_firing_for, nodata, feed counts, severity, summary template,
 * labels, and the KPI's target for rules relative to it). cfg holds r. */
uint64_t alert_rule_fingerprint(const Config *cfg, const CfgRule *r);

/* Ends every alert of e whose rule next does not have with the same id and
 * fingerprint (removed or changed by a reload): one shown firing resolves,
 * any other active one goes back to inactive, each with an AEV_TRANSITION.
 * Returns how many ended. */
size_t alert_retire(AlertEngine *e, const Config *next, int64_t now);

/* The alerts' states, acks, clocks and the silences of an engine, copied so
 * that they outlive it (owned by the caller: alert_carry_free()). */
typedef struct AlertCarry AlertCarry;

/* Copies what e's alerts and silences are now; NULL when out of memory. */
AlertCarry *alert_carry_take(const AlertEngine *e);

/* Gives engine e (new, before its first alert_eval()) the state of each
 * alert of c whose rule id and fingerprint e has: state, episode and firing
 * times, the for: and keep_firing_for clocks, ack, and the silences of c
 * (same ids). No event is emitted. A carried alert keeps its state until its
 * feed's first poll in e's Collector decides it (for a feed rule: until the
 * feed is polled fine or fails as often as the rule asks). Returns the
 * number of alerts carried. */
size_t alert_carry_apply(AlertEngine *e, const AlertCarry *c);

/* Frees c (NULL is fine). */
void alert_carry_free(AlertCarry *c);

/* Remembers an ack of rule_id recorded before a restart, for engine e before
 * its first alert_eval(): when the alert's first known condition holds (the
 * episode goes on), the alert becomes active already acknowledged by who at
 * ack_ms with comment, with no AEV_ACK; when it is clear, the ack is
 * forgotten. 0, or -1 when e has no such rule or who is empty. */
int alert_restore_ack(AlertEngine *e, const char *rule_id, const char *who, const char *comment,
                      int64_t ack_ms);

/* --- Mirror mode: a thin console shows a collector's alerts (docs/console.md) --- */

/* What the collector says of one alert (GET /api/v1/alerts, alert events). */
typedef struct {
    AlertState state;
    AlertState held;                                    /* ALERT_STALE: the state it keeps */
    int64_t since_ms, active_ms, fired_ms, resolved_ms; /* 0 when unknown or never */
    bool has_value;
    double value;
    const char *summary; /* NULL: rendered here from the rule */
    bool acked;
    const char *ack_by; /* when acked */
    int64_t ack_ms;
    const char *ack_comment; /* NULL or "" when none */
    bool silenced;
    unsigned silence_id;
    int64_t silenced_until;
} AlertMirror;

/* Turns mirror mode on or off. In mirror mode alert_eval() changes nothing
 * (no state, no silence expiry) and alert_next_deadline() is INT64_MAX: the
 * alerts only change through alert_mirror() and alert_mirror_silences(). */
void alert_set_mirror(AlertEngine *e, bool on);

/* True in mirror mode. */
bool alert_is_mirror(const AlertEngine *e);

/* Sets the alert of rule_id to what m says (state, clocks, value, summary,
 * ack, silence) at time at_ms, emitting what a local engine would: an
 * AEV_TRANSITION when the visible state changed, then an AEV_ACK when the
 * alert became acknowledged (who: the ack's operator). 0, or -1 when there
 * is no such rule. */
int alert_mirror(AlertEngine *e, const char *rule_id, const AlertMirror *m, int64_t at_ms);

/* Replaces the silences with s[0..n) (ids as given), emitting AEV_SILENCE
 * for each new id and AEV_UNSILENCE (who: NULL) for each id gone, then
 * recomputes every alert's silenced flag. 0, or -1 when out of memory
 * (nothing changed). */
int alert_mirror_silences(AlertEngine *e, const AlertSilence *s, size_t n, int64_t at_ms);

#endif
