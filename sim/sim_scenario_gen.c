/* sim_scenario_gen.c - scalar readers and value generator specs of the
 * scenario loader (see sim_scenario_internal.h and docs/simulator.md). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_render.h"
#include "sim/sim_scenario_internal.h"
#include "sim/sim_time.h"
#include "base/i18n.h"

void sim_ld_err(SimLoader *ld, const YNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(ld->diag, DIAG_ERROR, ld->file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
    va_end(ap);
}

void *sim_ld_calloc(SimLoader *ld, const YNode *n, size_t count, size_t size)
{
    void *p = calloc(count, size);
    if (!p) sim_ld_err(ld, n, "%s", _("out of memory"));
    return p;
}

bool sim_ld_check_keys(SimLoader *ld, const YNode *map, const char *const *allowed,
                       const char *where)
{
    bool ok = true;
    for (size_t i = 0; map && map->kind == YNODE_MAP && i < map->n; i++) {
        const char *k = map->keys[i]->str;
        bool known = false;
        char list[400] = "";
        size_t used = 0;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, k) == 0) known = true;
            int w =
                snprintf(list + used, sizeof(list) - used, "%s%s", a == allowed ? "" : ", ", *a);
            if (w > 0 && (size_t)w < sizeof(list) - used) used += (size_t)w;
        }
        if (!known) {
            sim_ld_err(ld, map->keys[i], _("unknown key '%.60s' in %s (expected one of: %s)"), k,
                       where, list);
            ok = false;
        }
    }
    return ok;
}

/* True when n is a scalar; otherwise reports what was expected. */
static bool want_scalar(SimLoader *ld, const YNode *n, const char *what, const char *expected)
{
    if (n && n->kind == YNODE_SCALAR) return true;
    sim_ld_err(ld, n, _("expected %s for %s, found %s"), expected, what,
               n ? ynode_kind_name(n->kind) : "?");
    return false;
}

bool sim_ld_number(SimLoader *ld, const YNode *n, const char *what, double *out)
{
    if (!want_scalar(ld, n, what, _("a number"))) return false;
    char *end;
    errno = 0;
    double v = strtod(n->str, &end);
    while (end && isspace((unsigned char)*end))
        end++;
    if (n->len == 0 || end == n->str || *end || errno == ERANGE || !isfinite(v) ||
        (n->str[0] == '0' && (n->str[1] == 'x' || n->str[1] == 'X'))) {
        sim_ld_err(ld, n, _("expected a number for %s, found '%.60s'"), what, n->str);
        return false;
    }
    *out = v;
    return true;
}

bool sim_ld_int(SimLoader *ld, const YNode *n, const char *what, int64_t lo, int64_t hi,
                int64_t *out)
{
    if (!want_scalar(ld, n, what, _("a whole number"))) return false;
    char *end;
    errno = 0;
    long long v = strtoll(n->str, &end, 10);
    if (n->len == 0 || *end || errno == ERANGE) {
        sim_ld_err(ld, n, _("expected a whole number for %s, found '%.60s'"), what, n->str);
        return false;
    }
    if (v < lo || v > hi) {
        sim_ld_err(ld, n, _("%s must be between %lld and %lld, found %lld"), what, (long long)lo,
                   (long long)hi, v);
        return false;
    }
    *out = v;
    return true;
}

bool sim_ld_bool(SimLoader *ld, const YNode *n, const char *what, bool *out)
{
    if (!want_scalar(ld, n, what, _("true or false"))) return false;
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "on", NULL};
    static const char *const no[] = {"false", "False", "FALSE", "no", "off", NULL};
    for (const char *const *y = yes; *y; y++) {
        if (strcmp(n->str, *y) == 0) {
            *out = true;
            return true;
        }
    }
    for (const char *const *f = no; *f; f++) {
        if (strcmp(n->str, *f) == 0) {
            *out = false;
            return true;
        }
    }
    sim_ld_err(ld, n, _("expected true or false for %s, found '%.60s'"), what, n->str);
    return false;
}

bool sim_ld_duration(SimLoader *ld, const YNode *n, const char *what, int64_t *out_ms)
{
    if (!want_scalar(ld, n, what, _("a duration"))) return false;
    if (!sim_time_parse_duration(n->str, out_ms)) {
        sim_ld_err(ld, n,
                   _("expected a duration for %s such as 90s, 10m, 1h30m or 500ms, found "
                     "'%.60s'"),
                   what, n->str);
        return false;
    }
    return true;
}

bool sim_ld_when(SimLoader *ld, const YNode *n, const char *what, SimWhen *out)
{
    if (!want_scalar(ld, n, what, _("a time"))) return false;
    if (sim_time_parse_duration(n->str, &out->ms)) {
        out->absolute = false;
        return true;
    }
    if (sim_time_parse_iso(n->str, ld->tz_offset_s, &out->ms)) {
        out->absolute = true;
        return true;
    }
    sim_ld_err(ld, n,
               _("expected a time for %s: a duration after the sim start (90s, 10m) or an ISO "
                 "8601 time (2025-03-26T08:00:00+07:00), found '%.60s'"),
               what, n->str);
    return false;
}

/* Reads an hour of the day: 14, 7.5 or "7:30"; 0 <= h < 24. */
static bool read_hour(SimLoader *ld, const YNode *n, double *out)
{
    if (!want_scalar(ld, n, "a peak hour", _("an hour of the day"))) return false;
    int h, m;
    char extra;
    double v;
    if (sscanf(n->str, "%d:%d%c", &h, &m, &extra) == 2 && m >= 0 && m < 60) {
        v = h + m / 60.0;
    } else if (!sim_ld_number(ld, n, "a peak hour", &v)) {
        return false;
    }
    if (v < 0 || v >= 24) {
        sim_ld_err(ld, n, _("expected an hour of the day from 0 to 23:59, found '%.60s'"), n->str);
        return false;
    }
    *out = v;
    return true;
}

/* Reads daily: {base, amplitude, peak | peaks, width, weekend}. */
static bool read_daily(SimLoader *ld, const YNode *m, SimGen *g)
{
    static const char *const keys[] = {"base",  "amplitude", "peak", "peaks",
                                       "width", "weekend",   NULL};
    bool ok = sim_ld_check_keys(ld, m, keys, "daily");
    const YNode *n;
    g->u.daily.weekend = 1;
    g->u.daily.width_h = 2;
    if ((n = ynode_get(m, "base"))) ok &= sim_ld_number(ld, n, "base", &g->u.daily.base);
    if ((n = ynode_get(m, "amplitude")))
        ok &= sim_ld_number(ld, n, "amplitude", &g->u.daily.amplitude);
    if ((n = ynode_get(m, "weekend"))) ok &= sim_ld_number(ld, n, "weekend", &g->u.daily.weekend);
    if ((n = ynode_get(m, "width"))) {
        ok &= sim_ld_number(ld, n, "width", &g->u.daily.width_h);
        if (g->u.daily.width_h <= 0 || g->u.daily.width_h > 12) {
            sim_ld_err(ld, n, _("width must be more than 0 and at most 12 hours"));
            ok = false;
        }
    }
    const YNode *peak = ynode_get(m, "peak"), *peaks = ynode_get(m, "peaks");
    if (peak && peaks) {
        sim_ld_err(ld, peaks, _("give either peak: (a cosine cycle) or peaks: (bumps), not both"));
        return false;
    }
    if (peak) {
        g->u.daily.cosine = true;
        g->u.daily.npeaks = 1;
        ok &= read_hour(ld, peak, &g->u.daily.peaks[0]);
    } else if (peaks) {
        if (peaks->kind != YNODE_SEQ || peaks->n == 0 || peaks->n > SIM_GEN_MAX_PEAKS) {
            sim_ld_err(ld, peaks, _("expected a list of 1 to %d hours for peaks"),
                       SIM_GEN_MAX_PEAKS);
            return false;
        }
        for (size_t i = 0; i < peaks->n; i++)
            ok &= read_hour(ld, peaks->items[i], &g->u.daily.peaks[i]);
        g->u.daily.npeaks = peaks->n;
    } else {
        sim_ld_err(ld, m, _("daily needs peak: (an hour) or peaks: (a list of hours)"));
        ok = false;
    }
    return ok;
}

/* Reads walk: {mean, step, reversion, interval}. */
static bool read_walk(SimLoader *ld, const YNode *m, SimGen *g)
{
    static const char *const keys[] = {"mean", "step", "reversion", "interval", NULL};
    bool ok = sim_ld_check_keys(ld, m, keys, "walk");
    const YNode *n;
    g->u.walk.step = 1;
    g->u.walk.reversion = 0.05;
    g->u.walk.interval_ms = 60000;
    if ((n = ynode_get(m, "mean"))) ok &= sim_ld_number(ld, n, "mean", &g->u.walk.mean);
    if ((n = ynode_get(m, "step"))) {
        ok &= sim_ld_number(ld, n, "step", &g->u.walk.step);
        if (g->u.walk.step < 0) {
            sim_ld_err(ld, n, _("step must not be negative"));
            ok = false;
        }
    }
    if ((n = ynode_get(m, "reversion"))) {
        ok &= sim_ld_number(ld, n, "reversion", &g->u.walk.reversion);
        if (g->u.walk.reversion < SIM_GEN_WALK_MIN_REVERSION || g->u.walk.reversion > 1) {
            sim_ld_err(ld, n, _("reversion must be between %g and 1"), SIM_GEN_WALK_MIN_REVERSION);
            ok = false;
        }
    }
    if ((n = ynode_get(m, "interval"))) {
        ok &= sim_ld_duration(ld, n, "interval", &g->u.walk.interval_ms);
        if (g->u.walk.interval_ms < 1) {
            sim_ld_err(ld, n, _("interval must be at least 1ms"));
            ok = false;
        }
    }
    return ok;
}

/* Reads step: {from, to, at} or ramp: {from, to, at, for}. */
static bool read_change(SimLoader *ld, const YNode *m, SimGen *g, bool ramp)
{
    static const char *const step_keys[] = {"from", "to", "at", NULL};
    static const char *const ramp_keys[] = {"from", "to", "at", "for", NULL};
    const char *what = ramp ? "ramp" : "step";
    bool ok = sim_ld_check_keys(ld, m, ramp ? ramp_keys : step_keys, what);
    const YNode *n;
    if ((n = ynode_get(m, "from"))) ok &= sim_ld_number(ld, n, "from", &g->u.change.from);
    if ((n = ynode_get(m, "to"))) {
        ok &= sim_ld_number(ld, n, "to", &g->u.change.to);
    } else {
        sim_ld_err(ld, m, _("%s needs to: (the value it changes to)"), what);
        ok = false;
    }
    if ((n = ynode_get(m, "at"))) {
        ok &= sim_ld_when(ld, n, "at", &g->u.change.at);
    } else if (!ramp) {
        sim_ld_err(ld, m, _("step needs at: (when the value changes, e.g. 10m)"));
        ok = false;
    }
    if (ramp) {
        if ((n = ynode_get(m, "for"))) {
            ok &= sim_ld_duration(ld, n, "for", &g->u.change.for_ms);
            if (g->u.change.for_ms <= 0) {
                sim_ld_err(ld, n, _("for must be longer than 0"));
                ok = false;
            }
        } else {
            sim_ld_err(ld, m, _("ramp needs for: (how long the change takes, e.g. 30m)"));
            ok = false;
        }
    }
    return ok;
}

/* Reads sequence: a list of items, or {values: [...], hold, repeat, at}. An
 * item is a number (held for hold) or {value, for}. */
static bool read_sequence(SimLoader *ld, const YNode *spec, SimGen *g)
{
    static const char *const keys[] = {"values", "hold", "repeat", "at", NULL};
    const YNode *list = spec, *n;
    int64_t hold = 60000;
    bool ok = true;
    g->u.seq.repeat = true;
    if (spec->kind == YNODE_MAP) {
        ok = sim_ld_check_keys(ld, spec, keys, "sequence");
        list = ynode_get(spec, "values");
        if ((n = ynode_get(spec, "hold"))) {
            ok &= sim_ld_duration(ld, n, "hold", &hold);
            if (hold <= 0) {
                sim_ld_err(ld, n, _("hold must be longer than 0"));
                ok = false;
            }
        }
        if ((n = ynode_get(spec, "repeat"))) ok &= sim_ld_bool(ld, n, "repeat", &g->u.seq.repeat);
        if ((n = ynode_get(spec, "at"))) ok &= sim_ld_when(ld, n, "at", &g->u.seq.at);
    }
    if (!list || list->kind != YNODE_SEQ || list->n == 0 || list->n > SIM_GEN_MAX_SEQ) {
        sim_ld_err(ld, list ? list : spec, _("sequence needs a list of 1 to %d values"),
                   SIM_GEN_MAX_SEQ);
        return false;
    }
    g->u.seq.values = calloc(list->n, sizeof(double));
    g->u.seq.hold_ms = calloc(list->n, sizeof(int64_t));
    if (!g->u.seq.values || !g->u.seq.hold_ms) {
        sim_ld_err(ld, list, "%s", _("out of memory"));
        return false;
    }
    g->u.seq.n = list->n;
    for (size_t i = 0; i < list->n; i++) {
        const YNode *it = list->items[i];
        g->u.seq.hold_ms[i] = hold;
        if (it->kind != YNODE_MAP) {
            ok &= sim_ld_number(ld, it, "a sequence item", &g->u.seq.values[i]);
            continue;
        }
        static const char *const item_keys[] = {"value", "for", NULL};
        ok &= sim_ld_check_keys(ld, it, item_keys, "a sequence item");
        if ((n = ynode_get(it, "value"))) {
            ok &= sim_ld_number(ld, n, "value", &g->u.seq.values[i]);
        } else {
            sim_ld_err(ld, it, _("a sequence item needs value:"));
            ok = false;
        }
        if ((n = ynode_get(it, "for"))) {
            ok &= sim_ld_duration(ld, n, "for", &g->u.seq.hold_ms[i]);
            if (g->u.seq.hold_ms[i] <= 0) {
                sim_ld_err(ld, n, _("for must be longer than 0"));
                ok = false;
            }
        }
    }
    return ok;
}

/* Reads add: a list of generator specs, summed. */
static bool read_add(SimLoader *ld, const YNode *list, SimGen *g, int depth)
{
    if (depth >= SIM_LD_MAX_ADD_DEPTH) {
        sim_ld_err(ld, list, _("add: is nested too deep (at most %d levels)"),
                   SIM_LD_MAX_ADD_DEPTH);
        return false;
    }
    if (list->kind != YNODE_SEQ || list->n == 0 || list->n > SIM_GEN_MAX_PARTS) {
        sim_ld_err(ld, list, _("add needs a list of 1 to %d generators"), SIM_GEN_MAX_PARTS);
        return false;
    }
    g->u.add.parts = sim_ld_calloc(ld, list, list->n, sizeof(SimGen));
    if (!g->u.add.parts) return false;
    g->u.add.n = list->n;
    bool ok = true;
    for (size_t i = 0; i < list->n; i++) {
        sim_gen_init(&g->u.add.parts[i]);
        ok &= sim_ld_gen(ld, list->items[i], &g->u.add.parts[i], depth + 1);
    }
    return ok;
}

/* Reads the options every generator has: noise, min, max, decimals, integer. */
static bool read_common(SimLoader *ld, const YNode *m, SimGen *g)
{
    bool ok = true;
    const YNode *n;
    if ((n = ynode_get(m, "noise"))) {
        ok &= sim_ld_number(ld, n, "noise", &g->noise);
        if (g->noise < 0) {
            sim_ld_err(ld, n, _("noise must not be negative"));
            ok = false;
        }
    }
    if ((n = ynode_get(m, "min"))) ok &= (g->has_min = sim_ld_number(ld, n, "min", &g->min));
    if ((n = ynode_get(m, "max"))) ok &= (g->has_max = sim_ld_number(ld, n, "max", &g->max));
    if (g->has_min && g->has_max && g->min > g->max) {
        sim_ld_err(ld, ynode_get(m, "max"), _("max (%g) must not be less than min (%g)"), g->max,
                   g->min);
        ok = false;
    }
    if ((n = ynode_get(m, "decimals"))) {
        int64_t d;
        if (sim_ld_int(ld, n, "decimals", 0, SIM_RENDER_MAX_DECIMALS, &d))
            g->decimals = (int)d;
        else
            ok = false;
    }
    if ((n = ynode_get(m, "integer"))) ok &= sim_ld_bool(ld, n, "integer", &g->integer);
    return ok;
}

bool sim_ld_gen(SimLoader *ld, const YNode *spec, SimGen *g, int depth)
{
    static const char *const kinds[] = {"constant", "daily",    "walk", "step",
                                        "ramp",     "sequence", "add"};
    static const char *const keys[] = {"constant", "daily",   "walk",        "step", "ramp",
                                       "sequence", "add",     "noise",       "min",  "max",
                                       "decimals", "integer", "description", NULL};
    if (spec && spec->kind == YNODE_SCALAR) {
        g->kind = SIM_GEN_CONSTANT;
        return sim_ld_number(ld, spec, _("a constant value"), &g->u.constant.value);
    }
    if (!spec || spec->kind != YNODE_MAP) {
        sim_ld_err(ld, spec,
                   _("expected a number or a mapping with one of constant, daily, walk, step, "
                     "ramp, sequence, add"));
        return false;
    }
    bool ok = sim_ld_check_keys(ld, spec, keys, _("a value generator"));
    const YNode *body = NULL;
    size_t kind = 0, found = 0;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        const YNode *n = ynode_get(spec, kinds[i]);
        if (!n) continue;
        if (found++) {
            sim_ld_err(ld, n, _("a value has one generator; found '%s' after '%s'"), kinds[i],
                       kinds[kind]);
            return false;
        }
        kind = i;
        body = n;
    }
    if (!found) {
        sim_ld_err(ld, spec,
                   _("expected one of constant, daily, walk, step, ramp, sequence, add in this "
                     "value"));
        return false;
    }
    bool needs_map = kind >= 1 && kind <= 4;
    if (needs_map && body->kind != YNODE_MAP) {
        sim_ld_err(ld, body, _("expected a mapping of parameters for %s, found %s"), kinds[kind],
                   ynode_kind_name(body->kind));
        return false;
    }
    switch (kind) {
    case 0:
        g->kind = SIM_GEN_CONSTANT;
        ok &= sim_ld_number(ld, body, "constant", &g->u.constant.value);
        break;
    case 1:
        g->kind = SIM_GEN_DAILY;
        ok &= read_daily(ld, body, g);
        break;
    case 2:
        g->kind = SIM_GEN_WALK;
        ok &= read_walk(ld, body, g);
        break;
    case 3:
    case 4:
        g->kind = kind == 3 ? SIM_GEN_STEP : SIM_GEN_RAMP;
        ok &= read_change(ld, body, g, kind == 4);
        break;
    case 5:
        g->kind = SIM_GEN_SEQUENCE;
        if (body->kind == YNODE_SCALAR) {
            sim_ld_err(ld, body, _("expected a list of values or a mapping for sequence"));
            return false;
        }
        ok &= read_sequence(ld, body, g);
        break;
    default:
        g->kind = SIM_GEN_ADD;
        ok &= read_add(ld, body, g, depth);
        break;
    }
    return read_common(ld, spec, g) && ok;
}
