/* unit.c - named units and their scaling ladders (see unit.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/unit.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const UnitStep bytes[] = {
    {1, "B"},
    {1024.0, "KiB"},
    {1048576.0, "MiB"},
    {1073741824.0, "GiB"},
    {1099511627776.0, "TiB"},
    {1125899906842624.0, "PiB"},
    {1152921504606846976.0, "EiB"},
};
static const UnitStep bytes_s[] = {
    {1, "B/s"},
    {1024.0, "KiB/s"},
    {1048576.0, "MiB/s"},
    {1073741824.0, "GiB/s"},
    {1099511627776.0, "TiB/s"},
    {1125899906842624.0, "PiB/s"},
    {1152921504606846976.0, "EiB/s"},
};
static const UnitStep bits[] = {
    {1, "b"}, {1e3, "kb"}, {1e6, "Mb"}, {1e9, "Gb"}, {1e12, "Tb"}, {1e15, "Pb"},
};
static const UnitStep bits_s[] = {
    {1, "b/s"}, {1e3, "kb/s"}, {1e6, "Mb/s"}, {1e9, "Gb/s"}, {1e12, "Tb/s"}, {1e15, "Pb/s"},
};
static const UnitStep seconds[] = {
    {0.001, "ms"}, {1, "s"}, {60, "min"}, {3600, "h"}, {86400, "d"},
};
static const UnitStep millis[] = {
    {1, "ms"}, {1000, "s"}, {60000, "min"}, {3600000, "h"}, {86400000, "d"},
};
static const UnitStep percent[] = {{1, "%"}};
static const UnitStep count[] = {
    {1, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "G"}, {1e12, "T"}, {1e15, "P"},
};
static const UnitStep count_s[] = {
    {1, "/s"}, {1e3, "k/s"}, {1e6, "M/s"}, {1e9, "G/s"}, {1e12, "T/s"}, {1e15, "P/s"},
};

/* The known units; unit_names() lists them in this order. */
static const UnitDef units[] = {
    {"bytes", bytes, N_OF(bytes)},       {"bytes/s", bytes_s, N_OF(bytes_s)},
    {"bits", bits, N_OF(bits)},          {"bits/s", bits_s, N_OF(bits_s)},
    {"seconds", seconds, N_OF(seconds)}, {"ms", millis, N_OF(millis)},
    {"percent", percent, N_OF(percent)}, {"count", count, N_OF(count)},
    {"count/s", count_s, N_OF(count_s)},
};

const UnitDef *unit_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < N_OF(units); i++)
        if (strcmp(units[i].name, name) == 0) return &units[i];
    return NULL;
}

bool unit_scales(const UnitDef *u)
{
    return u && u->n_steps > 1;
}

const char *unit_names(void)
{
    return "bytes, bytes/s, bits, bits/s, seconds, ms, percent, count, count/s";
}

/* The index of the step of u with factor 1 (the configured unit itself). */
static size_t base_step(const UnitDef *u)
{
    for (size_t i = 0; i < u->n_steps; i++)
        if (u->steps[i].factor == 1) return i;
    return 0;
}

/* The decimals of the value s shown on step i of u: dec when given; else -1
 * (fmt_number()'s automatic) on the base step, 1 below 100, 0 from 100. */
static int step_decimals(const UnitDef *u, size_t i, double s, int dec)
{
    if (dec >= 0) return dec;
    if (i == base_step(u)) return -1;
    return fabs(s) < 100 ? 1 : 0;
}

/* |s| rounded as it will be shown with dec decimals (-1: up to 2). */
static double shown(double s, int dec)
{
    double p = pow(10, dec < 0 ? 2 : dec);
    return round(fabs(s) * p) / p;
}

const UnitStep *unit_pick(const UnitDef *u, double v, int decimals, double *scaled, int *dec)
{
    size_t i = base_step(u);
    if (isfinite(v) && v != 0) {
        double a = fabs(v);
        i = 0;
        while (i + 1 < u->n_steps && a >= u->steps[i + 1].factor)
            i++;
        /* A value that rounds up to the next step's size is shown on it. */
        while (i + 1 < u->n_steps) {
            double s = v / u->steps[i].factor;
            double next = u->steps[i + 1].factor / u->steps[i].factor;
            if (shown(s, step_decimals(u, i, s, decimals)) < next) break;
            i++;
        }
    }
    *scaled = isfinite(v) ? v / u->steps[i].factor : v;
    *dec = step_decimals(u, i, *scaled, decimals);
    return &u->steps[i];
}

bool unit_format(FmtStyle st, const char *unit, double v, int decimals, char *num, size_t nn,
                 char *sym, size_t sn)
{
    const UnitDef *u = unit_find(unit);
    if (!u) {
        fmt_number_in(st, v, decimals, num, nn);
        if (sn) snprintf(sym, sn, "%s", unit ? unit : "");
        return false;
    }
    double s;
    int dec;
    const UnitStep *step = unit_pick(u, v, decimals, &s, &dec);
    fmt_number_in(st, s, dec, num, nn);
    if (sn) snprintf(sym, sn, "%s", step->symbol);
    return true;
}
