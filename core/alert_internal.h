/* alert_internal.h - the alert engine's private state, shared by alert.c
 * (evaluation, deadlines, lists) and alert_ops.c (ack, silences, rendering). */
#ifndef IOC_ALERT_INTERNAL_H
#define IOC_ALERT_INTERNAL_H

#include "core/alert.h"

/* The rule's own machine and bookkeeping behind one Alert. The visible state
 * (Alert.state) is derived from core, stale and the crit sibling. */
typedef struct {
    AlertState core;     /* INACTIVE, PENDING, FIRING or RESOLVED */
    bool stale;          /* core is PENDING/FIRING and the value is not fresh */
    int64_t cond_since;  /* when the condition began to hold (the for: clock) */
    int64_t clear_since; /* FIRING: when it stopped holding (keep_firing_for); 0 = holds */
    int64_t fresh_until; /* KPI rules: when the current value turns stale by age; 0 none */
    int64_t nodata_ref;  /* nodata rules: time of the last value (or the engine's start) */
    int crit_sibling;    /* warn implicit rules: the alert of the KPI's crit threshold, else -1 */
    int warn_first;      /* crit rules: the first warn rule whose crit_sibling it is, else -1 */
    int warn_next;       /* warn rules: the next warn rule with the same crit_sibling, else -1 */
    size_t hpos;         /* its place in the deadline heap; SIZE_MAX when not in it */
    int64_t nodata_base; /* nodata rules: the time without a value counts from here (0: start) */
    /* Carried over from the engine before a reload (alert_carry_apply()): the
     * state is kept as it was until the feed's first poll in this engine
     * decides it (and out of the deadlines meanwhile). */
    bool carried;
    bool due_now; /* alert_eval_due(): its deadline has come */
    /* An ack recorded before a restart (alert_restore_ack()): applied if the
     * first known condition holds (the episode goes on), else forgotten. */
    bool ack_pending;
    int64_t ack_ms;
    const char *ack_by;      /* owned, as Alert's texts */
    const char *ack_comment; /* owned */
} AlertPriv;

struct AlertEngine {
    const Collector *coll; /* borrowed */
    AlertEventFn fn;
    void *ud;
    AlertOptions opt;
    Alert *alerts; /* one per rule, owned */
    AlertPriv *priv;
    size_t n;
    AlertSilence *sil; /* active silences, in order of creation */
    size_t n_sil, cap_sil;
    unsigned next_sil_id;
    bool mirror;      /* mirror mode: alert_mirror() sets the states (alert.h) */
    bool started;     /* alert_eval() has run */
    int64_t start_ms; /* time of the first alert_eval() */
    /* What evaluation needs to touch only what changed (issue 15): */
    int64_t *due; /* n: when alert i next changes without a poll (alert_due) */
    size_t *heap; /* the alerts with a deadline, a binary min-heap on due */
    size_t n_heap;
    size_t *scratch;    /* n: alert_eval_due()'s lists */
    size_t *by_feed;    /* n alert indices, feed by feed, crit before warn */
    size_t *feed_first; /* n_feeds + 2: feed f's alerts are by_feed[feed_first[f] ..
                           feed_first[f + 1]) */
};

/* When alert i next changes without a poll (a for: ending, keep_firing_for,
 * leaving the list, turning stale, nodata); INT64_MAX when never. */
int64_t alert_due(const AlertEngine *e, size_t i);

/* Sets alert i's deadline to d (INT64_MAX: none), keeping the heap. */
void alert_set_due(AlertEngine *e, size_t i, int64_t d);

/* Recomputes every alert's deadline (after a change made outside evaluation:
 * carry, retire). */
void alert_refresh_due(AlertEngine *e);

/* Calls the event callback, if any. */
void alert_emit(const AlertEngine *e, const AlertEvent *ev);

/* Recomputes every alert's silenced flag from the active silences. */
void alert_apply_silences(AlertEngine *e);

/* Removes silences that ended at or before now (an AEV_UNSILENCE each). */
void alert_expire_silences(AlertEngine *e, int64_t now);

/* Copies src into dst[0..n) NUL-terminated, cut at a UTF-8 boundary. */
void alert_copy_text(char *dst, size_t n, const char *src);

/* The empty text every Alert text starts as (never freed). */
extern const char alert_no_text[1];

/* Sets text *t to src cut as alert_copy_text() cuts it into n bytes (NULL
 * src: ""); allocated only when not empty, nothing done when it is the
 * same. Out of memory: "". */
void alert_text_set(const char **t, size_t n, const char *src);

/* Frees text *t (unless it is alert_no_text) and makes it "". */
void alert_text_free(const char **t);

/* Frees the texts of alert i (Alert and AlertPriv) and makes them "". */
void alert_texts_free(AlertEngine *e, size_t i);

/* Renders alert a's summary from its rule's template into a->summary. */
void alert_render_summary(const AlertEngine *e, Alert *a);

#endif
