/* sim_scenario_internal.h - helpers shared by the scenario loader's files
 * (sim_scenario.c: document, endpoints, faults; sim_scenario_gen.c: values).
 * Not part of the module's contract. */
#ifndef IOC_SIM_SCENARIO_INTERNAL_H
#define IOC_SIM_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "parse/ynode.h"
#include "sim/sim_gen.h"
#include "base/diag.h"

/* Deepest nesting of add: inside add:. */
#define SIM_LD_MAX_ADD_DEPTH 4

typedef struct {
    const char *file;
    Diag *diag;
    int tz_offset_s; /* for absolute times written without an offset */
} SimLoader;

/* Adds an error at node n (or at line 0 when n is NULL). */
void sim_ld_err(SimLoader *ld, const YNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* calloc(count, size), reporting "out of memory" at node n when it fails. */
void *sim_ld_calloc(SimLoader *ld, const YNode *n, size_t count, size_t size);

/* Reports every key of map not in the NULL-terminated allowed list; false if any. */
bool sim_ld_check_keys(SimLoader *ld, const YNode *map, const char *const *allowed,
                       const char *where);

/* Reads a finite number; reports "expected a number for WHAT" otherwise. */
bool sim_ld_number(SimLoader *ld, const YNode *n, const char *what, double *out);

/* Reads an integer within [lo, hi]. */
bool sim_ld_int(SimLoader *ld, const YNode *n, const char *what, int64_t lo, int64_t hi,
                int64_t *out);

/* Reads true/false (also yes/no, on/off). */
bool sim_ld_bool(SimLoader *ld, const YNode *n, const char *what, bool *out);

/* Reads a duration ("90s", "10m", "1h30m", or seconds). */
bool sim_ld_duration(SimLoader *ld, const YNode *n, const char *what, int64_t *out_ms);

/* Reads a point in sim time: a duration after the start, or an ISO 8601 time. */
bool sim_ld_when(SimLoader *ld, const YNode *n, const char *what, SimWhen *out);

/* Reads a generator spec (a number, or a mapping with one generator key and
 * common options) into g, which the caller initialised; depth counts add:. */
bool sim_ld_gen(SimLoader *ld, const YNode *spec, SimGen *g, int depth);

#endif
