/* sim_gen.h - value generators of the feed simulator.
 *
 * A generator computes a KPI value as a pure function of (key, sim time): the
 * key hashes the scenario seed, the endpoint path and the value name, so two
 * simulators with the same seed give the same value at the same sim time, and
 * a value never depends on which requests came before. A SimGen is plain data
 * filled by the scenario loader; sim_gen_done() frees what it owns (sequence
 * arrays and add: parts). No global state; no allocation in sim_gen_eval(). */
#ifndef IOC_SIM_GEN_H
#define IOC_SIM_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_GEN_MAX_PEAKS 8
#define SIM_GEN_MAX_PARTS 16
#define SIM_GEN_MAX_SEQ   10000
/* Longest window a mean-reverting walk sums over (bounds the work per value). */
#define SIM_GEN_WALK_MAX_TERMS 4096
/* Smallest walk reversion: below it the window would exceed the limit above. */
#define SIM_GEN_WALK_MIN_REVERSION 0.002

typedef enum {
    SIM_GEN_CONSTANT, /* value */
    SIM_GEN_DAILY,    /* daily cycle in the scenario's timezone */
    SIM_GEN_WALK,     /* mean-reverting random walk, hashed per time tick */
    SIM_GEN_STEP,     /* from, then to after at */
    SIM_GEN_RAMP,     /* from, linear to `to` during [at, at+for), then to */
    SIM_GEN_SEQUENCE, /* scripted values, each held for a while, maybe repeating */
    SIM_GEN_ADD,      /* sum of parts */
} SimGenKind;

/* A point in sim time: ms after the sim start, or an absolute Unix time in ms. */
typedef struct {
    int64_t ms;
    bool absolute;
} SimWhen;

typedef struct SimGen SimGen;
struct SimGen {
    SimGenKind kind;
    union {
        struct {
            double value;
        } constant;
        struct {
            double base, amplitude;
            double peaks[SIM_GEN_MAX_PEAKS]; /* local hours, 0 <= h < 24 */
            size_t npeaks;
            bool cosine;    /* one `peak:` -> cosine with its minimum 12 h away */
            double width_h; /* bumps: standard deviation in hours */
            double weekend; /* factor on the cycle on Saturdays and Sundays */
        } daily;
        struct {
            double mean, step, reversion;
            int64_t interval_ms;
        } walk;
        struct {
            double from, to;
            SimWhen at;
            int64_t for_ms; /* ramp only */
        } change;
        struct {
            double *values;   /* owned */
            int64_t *hold_ms; /* owned, > 0 each */
            size_t n;
            bool repeat;
            SimWhen at;
        } seq;
        struct {
            SimGen *parts; /* owned */
            size_t n;
        } add;
    } u;
    /* Options every generator has, applied in this order after the base value. */
    double noise;          /* triangular noise within +-noise, changes every sim second */
    bool has_min, has_max; /* clamp */
    double min, max;
    int decimals; /* round to this many decimals; -1: no rounding */
    bool integer; /* round to a whole number (decimals 0) */
};

/* What a generator needs besides sim time. */
typedef struct {
    uint64_t key;     /* sim_gen_key() of seed, endpoint and value name */
    int64_t start_ms; /* sim start (Unix ms): origin of relative SimWhen times */
    int tz_offset_s;  /* seconds east of UTC for daily cycles */
} SimGenCtx;

/* Initialises g as a constant 0 with no options (decimals -1). */
void sim_gen_init(SimGen *g);

/* Frees what g owns and re-initialises it (g itself is not freed). */
void sim_gen_done(SimGen *g);

/* Mixes the seed with an endpoint path and a value name into a generator key. */
uint64_t sim_gen_key(uint64_t seed, const char *endpoint, const char *name);

/* Returns g's value at sim time t_ms (Unix ms). Always finite for finite params. */
double sim_gen_eval(const SimGen *g, const SimGenCtx *ctx, int64_t t_ms);

/* A deterministic uniform number in [0, 1) for (key, n): the simulator's only randomness. */
double sim_gen_uniform(uint64_t key, int64_t n);

#endif
