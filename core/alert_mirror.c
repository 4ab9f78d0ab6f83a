/* alert_mirror.c - mirror mode of the alert engine: a thin console's alerts
 * are set from the collector's data, never evaluated here (see alert.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alert_internal.h"

void alert_set_mirror(AlertEngine *e, bool on)
{
    e->mirror = on;
}

bool alert_is_mirror(const AlertEngine *e)
{
    return e->mirror;
}

/* The engine's own state behind a visible one (AlertPriv.core and stale). */
static void set_core(AlertPriv *p, AlertState state, AlertState held)
{
    p->stale = state == ALERT_STALE;
    AlertState s = p->stale ? held : state;
    p->core = s == ALERT_SUPPRESSED ? ALERT_FIRING : s;
    p->carried = false;
    p->ack_pending = false;
}

int alert_mirror(AlertEngine *e, const char *rule_id, const AlertMirror *m, int64_t at_ms)
{
    const Alert *ca = alert_find(e, rule_id);
    if (!ca) return -1;
    size_t i = (size_t)(ca - e->alerts);
    Alert *a = &e->alerts[i];
    AlertState from = a->state;
    bool was_acked = a->acked;
    int64_t was_ack_ms = a->ack_ms;
    a->state = m->state;
    a->held = m->state == ALERT_STALE ? m->held : ALERT_INACTIVE;
    set_core(&e->priv[i], m->state, m->held);
    a->since_ms = m->since_ms ? m->since_ms : (from != m->state ? at_ms : a->since_ms);
    a->active_ms = m->active_ms;
    a->fired_ms = m->fired_ms;
    a->resolved_ms = m->resolved_ms;
    a->has_value = m->has_value;
    a->value = m->value;
    if (m->summary)
        alert_text_set(&a->summary, ALERT_SUMMARY_MAX, m->summary);
    else
        alert_render_summary(e, a);
    a->acked = m->acked && m->ack_by;
    if (a->acked) {
        alert_text_set(&a->ack_by, ALERT_WHO_MAX, m->ack_by);
        alert_text_set(&a->ack_comment, ALERT_COMMENT_MAX, m->ack_comment);
        a->ack_ms = m->ack_ms;
    } else {
        alert_text_free(&a->ack_by);
        alert_text_free(&a->ack_comment);
        a->ack_ms = 0;
    }
    a->silenced = m->silenced;
    a->silence_id = m->silenced ? m->silence_id : 0;
    a->silenced_until = m->silenced ? m->silenced_until : 0;
    if (from != a->state) {
        AlertEvent ev = {
            .kind = AEV_TRANSITION, .alert = a, .from = from, .to = a->state, .at_ms = at_ms};
        /* A new firing happened when the collector says (the console's bell
         * compares fired_ms with the event's time); one back from stale did not. */
        if (a->state == ALERT_FIRING && from != ALERT_STALE && a->fired_ms) ev.at_ms = a->fired_ms;
        alert_emit(e, &ev);
    }
    if (a->acked && (!was_acked || was_ack_ms != a->ack_ms)) {
        AlertEvent ev = {.kind = AEV_ACK,
                         .alert = a,
                         .from = a->state,
                         .to = a->state,
                         .at_ms = a->ack_ms ? a->ack_ms : at_ms,
                         .who = a->ack_by,
                         .comment = a->ack_comment[0] ? a->ack_comment : NULL};
        alert_emit(e, &ev);
    }
    return 0;
}

/* True when silence id is in s[0..n). */
static bool has_id(const AlertSilence *s, size_t n, unsigned id)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].id == id) return true;
    return false;
}

int alert_mirror_silences(AlertEngine *e, const AlertSilence *s, size_t n, int64_t at_ms)
{
    AlertSilence *next = malloc((n ? n : 1) * sizeof(*next));
    if (!next) return -1;
    if (n) memcpy(next, s, n * sizeof(*next));
    AlertSilence *old = e->sil;
    size_t n_old = e->n_sil;
    e->sil = next;
    e->n_sil = e->cap_sil = n;
    for (size_t i = 0; i < n; i++)
        if (next[i].id >= e->next_sil_id) e->next_sil_id = next[i].id + 1;
    alert_apply_silences(e);
    for (size_t i = 0; i < n_old; i++) {
        if (has_id(next, n, old[i].id)) continue;
        AlertEvent ev = {.kind = AEV_UNSILENCE, .silence = &old[i], .at_ms = at_ms};
        alert_emit(e, &ev);
    }
    for (size_t i = 0; i < n; i++) {
        if (has_id(old, n_old, next[i].id)) continue;
        AlertEvent ev = {
            .kind = AEV_SILENCE, .silence = &e->sil[i], .at_ms = at_ms, .who = e->sil[i].who};
        alert_emit(e, &ev);
    }
    free(old);
    return 0;
}
