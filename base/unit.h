/* unit.h - the units ioc knows by name (unit: bytes, bits/s, seconds, ...)
 * and their automatic scaling for people: 23570415616 bytes reads
 * "22.0 GiB", 0.25 seconds "250 ms", 1234567 count "1.2 M". A pure table:
 * no allocation, no global state except the number style fmt_number_in()
 * is given. Any other unit text ("%", "lượt", "µg/m³") is free text, shown
 * as written after the unscaled number. Machine formats never scale: they
 * keep the raw value and the unit as configured. */
#ifndef IOC_UNIT_H
#define IOC_UNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/fmt.h"

/* Size of a buffer for a unit's symbol ("KiB/s", "min"). */
#define UNIT_SYM_MAX 16

/* One step of a unit's ladder: values of at least factor (in the configured
 * unit) are divided by it and shown with symbol. */
typedef struct {
    double factor;
    const char *symbol;
} UnitStep;

/* A named unit: its ladder of steps, smallest first; one step means a fixed
 * symbol without scaling (percent). */
typedef struct {
    const char *name; /* as written in the config: "bytes" */
    const UnitStep *steps;
    size_t n_steps;
} UnitDef;

/* The named unit called name (exact, case-sensitive), or NULL for free text
 * (also for NULL). */
const UnitDef *unit_find(const char *name);

/* True when u has more than one step (its symbol depends on the value). */
bool unit_scales(const UnitDef *u);

/* The names of the known units for messages and docs: "bytes, bytes/s,
 * bits, ..." (static string). */
const char *unit_names(void);

/* Picks the step of u for v shown with decimals places (-1: automatic):
 * the largest step whose factor is at most |v|, the one with factor 1 for 0
 * and for non-finite v, the smallest for values below it; a value that
 * would round up to the next step's size ("1024.0 KiB") goes to the next
 * ("1.0 MiB"). *scaled is v divided by the step's factor, *dec the decimals
 * to show it with: decimals when given; automatic: those of fmt_number() on
 * the unscaled step, else 1 below 100 and 0 from 100. Returns the step. */
const UnitStep *unit_pick(const UnitDef *u, double v, int decimals, double *scaled, int *dec);

/* Formats v with unit (a configured unit text, NULL or "" for none) in
 * style st: num gets the number ("22.0", Vietnamese "22,0"; "-" for NaN)
 * and sym the symbol ("GiB"; for free text the unit as written, not
 * cleaned). Returns true when unit is a known name. */
bool unit_format(FmtStyle st, const char *unit, double v, int decimals, char *num, size_t nn,
                 char *sym, size_t sn);

#endif
