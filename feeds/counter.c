/* counter.c - rates and increases of counters between polls (see counter.h). */
#include "feeds/counter.h"

#include <math.h>
#include <stdio.h>

#include "base/i18n.h"

void counter_reset(CounterState *s)
{
    s->has = false;
    s->last = 0;
    s->at_ms = 0;
}

bool counter_step(CounterState *s, CounterMode m, double raw, int64_t at_ms, double *out)
{
    if (!isfinite(raw)) {
        counter_reset(s);
        return false;
    }
    bool had = s->has && at_ms > s->at_ms;
    double prev = s->last;
    int64_t dt = at_ms - s->at_ms;
    s->has = true;
    s->last = raw;
    s->at_ms = at_ms;
    if (!had) return false;
    double inc = raw >= prev ? raw - prev : raw; /* a drop: restarted from 0 */
    *out = m == COUNTER_RATE ? inc / ((double)dt / 1000.0) : inc;
    return true;
}

void counter_apply(const CfgKpi *k, CounterState *s, KpiValue *v, int64_t at_ms)
{
    if (k->counter == COUNTER_NONE) return;
    v->pending = false;
    if (!v->has_value) {
        counter_reset(s);
        return;
    }
    double d;
    if (!counter_step(s, k->counter, v->value, at_ms, &d)) {
        v->has_value = false;
        v->value = NAN;
        v->pending = true;
        snprintf(v->error, sizeof(v->error), "%s", _("counter: no value until the second poll"));
        return;
    }
    d = d * k->scale + k->offset;
    if (!isfinite(d)) {
        v->has_value = false;
        v->value = NAN;
        snprintf(v->error, sizeof(v->error), "%s", _("value is not finite"));
        counter_reset(s);
        return;
    }
    v->value = d;
}
