/* counter.h - a counter's rate or increase between two polls (counter:).
 *
 * A KPI with counter: rate or increase reads an ever-growing counter (the
 * value after its selector and agg, before scale and offset). Each poll's
 * reading is compared with the previous one: the increase is the difference,
 * the rate that difference per second of the time between the two polls.
 * A reading below the previous one means the counter restarted from 0 (the
 * way Prometheus handles resets): the increase is then the new reading. The
 * first reading, and the first after a failed poll (a gap), has no previous
 * one: it gives no value and no error, only the KPI state "pending".
 *
 * CounterState is plain data, one per KPI, kept by the poller. */
#ifndef IOC_COUNTER_H
#define IOC_COUNTER_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "feeds/extract.h"

typedef struct {
    bool has;      /* a previous reading is known */
    double last;   /* the previous reading */
    int64_t at_ms; /* when it was taken (monotonic ms) */
} CounterState;

/* Forgets the previous reading (a failed poll: the next reading starts over). */
void counter_reset(CounterState *s);

/* Takes reading raw at at_ms. True with *out the rate (per second) or the
 * increase since the previous reading; false when there is none to compare
 * with (first reading, after a reset, or no time has passed). A reading that
 * is not finite resets the state. */
bool counter_step(CounterState *s, CounterMode m, double raw, int64_t at_ms, double *out);

/* Turns a KPI's extracted reading v (no scale or offset applied yet) into its
 * rate or increase with k's scale and offset; a KPI without a value resets s.
 * On the first reading v has no value and v->pending is set. */
void counter_apply(const CfgKpi *k, CounterState *s, KpiValue *v, int64_t at_ms);

#endif
