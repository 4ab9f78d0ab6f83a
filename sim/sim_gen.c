/* sim_gen.c - value generators (see sim_gen.h). */
#include "sim/sim_gen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_time.h"

/* Salts that keep the noise and walk streams of one key independent. */
#define SALT_NOISE 0x6e6f697365ULL
#define SALT_WALK  0x77616c6bULL
#define SALT_PART  0x70617274ULL

/* Mixes 64 bits (the SplitMix64 finaliser). */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* FNV-1a hash of a NUL-terminated string. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void sim_gen_init(SimGen *g)
{
    memset(g, 0, sizeof(*g));
    g->kind = SIM_GEN_CONSTANT;
    g->decimals = -1;
}

void sim_gen_done(SimGen *g)
{
    if (!g) return;
    if (g->kind == SIM_GEN_SEQUENCE) {
        free(g->u.seq.values);
        free(g->u.seq.hold_ms);
    } else if (g->kind == SIM_GEN_ADD) {
        for (size_t i = 0; i < g->u.add.n; i++)
            sim_gen_done(&g->u.add.parts[i]);
        free(g->u.add.parts);
    }
    sim_gen_init(g);
}

uint64_t sim_gen_key(uint64_t seed, const char *endpoint, const char *name)
{
    uint64_t k = mix64(seed);
    k = mix64(k ^ hash_str(endpoint));
    return mix64(k ^ mix64(hash_str(name)));
}

double sim_gen_uniform(uint64_t key, int64_t n)
{
    uint64_t x = mix64(key ^ mix64((uint64_t)n));
    return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

/* Resolves a SimWhen to Unix ms. */
static int64_t when_ms(SimWhen w, const SimGenCtx *ctx)
{
    return w.absolute ? w.ms : ctx->start_ms + w.ms;
}

/* Daily cycle: cosine around one peak, or the highest of gaussian bumps. */
static double eval_daily(const SimGen *g, const SimGenCtx *ctx, int64_t t_ms)
{
    int64_t local_ms = t_ms + (int64_t)ctx->tz_offset_s * 1000;
    int64_t day = sim_time_floor_div(local_ms, 86400000);
    double hour = (double)(local_ms - day * 86400000) / 3600000.0;
    double cycle = 0;
    if (g->u.daily.cosine) {
        cycle = cos(2 * M_PI * (hour - g->u.daily.peaks[0]) / 24.0);
    } else {
        double w = g->u.daily.width_h > 0 ? g->u.daily.width_h : 1;
        for (size_t i = 0; i < g->u.daily.npeaks; i++) {
            double d = fabs(hour - g->u.daily.peaks[i]);
            if (d > 12) d = 24 - d;
            double bump = exp(-0.5 * (d / w) * (d / w));
            if (bump > cycle) cycle = bump;
        }
    }
    int dow = (int)sim_time_mod(day + 4, 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
    if (dow == 0 || dow == 6) cycle *= g->u.daily.weekend;
    return g->u.daily.base + g->u.daily.amplitude * cycle;
}

/* The walk's deviation from its mean at tick k: a decaying sum of hashed steps,
 * i.e. an AR(1) process, so it needs no history. */
static double walk_at(const SimGen *g, uint64_t key, int64_t k, size_t terms)
{
    double c = 1.0 - g->u.walk.reversion, w = 1.0, sum = 0;
    for (size_t j = 0; j < terms; j++) {
        sum += w * (2.0 * sim_gen_uniform(key, k - (int64_t)j) - 1.0);
        w *= c;
    }
    return sum * g->u.walk.step;
}

/* Random walk, linearly interpolated between ticks so it moves smoothly. */
static double eval_walk(const SimGen *g, const SimGenCtx *ctx, int64_t t_ms)
{
    int64_t iv = g->u.walk.interval_ms > 0 ? g->u.walk.interval_ms : 60000;
    double r = g->u.walk.reversion;
    if (r < SIM_GEN_WALK_MIN_REVERSION) r = SIM_GEN_WALK_MIN_REVERSION;
    size_t terms = 1;
    if (r < 1) {
        double n = ceil(log(1e-4) / log(1 - r));
        terms = n > SIM_GEN_WALK_MAX_TERMS ? SIM_GEN_WALK_MAX_TERMS : (size_t)n;
    }
    uint64_t key = mix64(ctx->key ^ SALT_WALK);
    int64_t k = sim_time_floor_div(t_ms, iv);
    double frac = (double)(t_ms - k * iv) / (double)iv;
    double a = walk_at(g, key, k, terms), b = walk_at(g, key, k + 1, terms);
    return g->u.walk.mean + a + (b - a) * frac;
}

/* Ramp: from before at, to after at+for, a straight line in between. */
static double eval_ramp(const SimGen *g, const SimGenCtx *ctx, int64_t t_ms)
{
    int64_t at = when_ms(g->u.change.at, ctx);
    if (t_ms <= at) return g->u.change.from;
    if (g->u.change.for_ms <= 0 || t_ms >= at + g->u.change.for_ms) return g->u.change.to;
    double f = (double)(t_ms - at) / (double)g->u.change.for_ms;
    return g->u.change.from + (g->u.change.to - g->u.change.from) * f;
}

/* Sequence: the item whose hold window contains t. */
static double eval_sequence(const SimGen *g, const SimGenCtx *ctx, int64_t t_ms)
{
    size_t n = g->u.seq.n;
    if (n == 0) return 0;
    int64_t rel = t_ms - when_ms(g->u.seq.at, ctx);
    if (rel < 0) return g->u.seq.values[0];
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += g->u.seq.hold_ms[i];
    if (total <= 0) return g->u.seq.values[0];
    if (rel >= total) {
        if (!g->u.seq.repeat) return g->u.seq.values[n - 1];
        rel %= total;
    }
    for (size_t i = 0; i < n; i++) {
        if (rel < g->u.seq.hold_ms[i]) return g->u.seq.values[i];
        rel -= g->u.seq.hold_ms[i];
    }
    return g->u.seq.values[n - 1];
}

/* The generator's value before its common options. */
static double eval_base(const SimGen *g, const SimGenCtx *ctx, int64_t t_ms)
{
    switch (g->kind) {
    case SIM_GEN_CONSTANT:
        return g->u.constant.value;
    case SIM_GEN_DAILY:
        return eval_daily(g, ctx, t_ms);
    case SIM_GEN_WALK:
        return eval_walk(g, ctx, t_ms);
    case SIM_GEN_STEP:
        return t_ms < when_ms(g->u.change.at, ctx) ? g->u.change.from : g->u.change.to;
    case SIM_GEN_RAMP:
        return eval_ramp(g, ctx, t_ms);
    case SIM_GEN_SEQUENCE:
        return eval_sequence(g, ctx, t_ms);
    case SIM_GEN_ADD: {
        double sum = 0;
        for (size_t i = 0; i < g->u.add.n; i++) {
            SimGenCtx part = *ctx;
            part.key = mix64(ctx->key ^ (SALT_PART + i));
            sum += sim_gen_eval(&g->u.add.parts[i], &part, t_ms);
        }
        return sum;
    }
    }
    return 0;
}

double sim_gen_eval(const SimGen *g, const SimGenCtx *ctx, int64_t t_ms)
{
    double v = eval_base(g, ctx, t_ms);
    if (g->noise > 0) {
        uint64_t nk = mix64(ctx->key ^ SALT_NOISE);
        int64_t sec = sim_time_floor_div(t_ms, 1000);
        double tri = sim_gen_uniform(nk, 2 * sec) + sim_gen_uniform(nk, 2 * sec + 1) - 1.0;
        v += tri * g->noise;
    }
    if (g->has_min && v < g->min) v = g->min;
    if (g->has_max && v > g->max) v = g->max;
    int dec = g->integer ? 0 : g->decimals;
    if (dec >= 0) {
        double p = pow(10, dec);
        double r = round(v * p) / p;
        if (isfinite(r)) v = r;
    }
    if (v == 0) v = 0; /* no negative zero */
    return v;
}
