/* sim_scenario.h - a simulator scenario: endpoints, their bodies, value
 * generators, required headers and fault schedules, read from YAML.
 *
 * sim_scenario_parse() checks the whole document and adds every problem to a
 * Diag as file:line:col; it returns a scenario only when there were none. The
 * scenario owns everything in it; sim_scenario_free() frees it. Once loaded a
 * scenario is read-only, so server threads may share it without a lock. */
#ifndef IOC_SIM_SCENARIO_H
#define IOC_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_gen.h"
#include "sim/sim_render.h"
#include "base/diag.h"

#define SIM_MAX_ENDPOINTS      256
#define SIM_MAX_VALUES         256 /* per endpoint */
#define SIM_MAX_FAULTS         64  /* per endpoint */
#define SIM_MAX_REQUIRED       16  /* required headers per endpoint */
#define SIM_MAX_BODY           (1024 * 1024)
#define SIM_MAX_SCENARIO_BYTES (4 * 1024 * 1024)
#define SIM_MAX_FAULT_BYTES    (1024LL * 1024 * 1024)
#define SIM_MAX_FAULT_MS       (3600LL * 1000)
#define SIM_DEFAULT_OVERSIZE   (8LL * 1024 * 1024)

typedef enum { SIM_FMT_JSON, SIM_FMT_PROM, SIM_FMT_CSV } SimFormat;

typedef enum {
    SIM_FAULT_NONE,
    SIM_FAULT_REFUSE,    /* close the connection without a response */
    SIM_FAULT_DROP,      /* same as refuse */
    SIM_FAULT_DELAY,     /* answer normally after ms */
    SIM_FAULT_HANG,      /* never answer (until the client or the server gives up) */
    SIM_FAULT_HTTP,      /* answer with status code */
    SIM_FAULT_MALFORMED, /* 200 with a body that is not valid for the format */
    SIM_FAULT_OVERSIZE,  /* 200 with a body of bytes bytes, streamed */
    SIM_FAULT_TRUNCATED, /* Content-Length larger than what is sent, then close */
    SIM_FAULT_FLAP,      /* alternate ok and status code every requests / period */
} SimFaultMode;

/* One fault and its parameters (unused ones keep their defaults). */
typedef struct {
    SimFaultMode mode;
    int code;          /* http, flap: status code (default 503) */
    int64_t ms;        /* delay: milliseconds (default 1000) */
    int64_t bytes;     /* oversize: body size (default 8 MiB) */
    int64_t requests;  /* flap: requests per phase (default 1 when no period) */
    int64_t period_ms; /* flap: sim time per phase (0: count requests) */
} SimFault;

/* A scheduled fault: active during [at + k*every, at + k*every + for). */
typedef struct {
    SimFault fault;
    int64_t at_ms;    /* after the sim start */
    int64_t for_ms;   /* -1: for ever */
    int64_t every_ms; /* 0: once */
} SimFaultWindow;

typedef struct {
    char *name;  /* owned */
    char *value; /* owned, ${ENV} already expanded */
} SimHeader;

typedef struct {
    char *name;   /* owned */
    SimGen gen;   /* owned */
    uint64_t key; /* sim_gen_key(seed, path, name), see sim_scenario_set_seed() */
} SimValue;

typedef struct {
    char *path; /* owned, starts with '/', no query */
    SimFormat format;
    char *content_type; /* owned; NULL: the format's */
    SimTemplate body;
    SimValue *values; /* owned */
    size_t nvalues;
    SimHeader *require; /* owned */
    size_t nrequire;
    SimFaultWindow *faults; /* owned */
    size_t nfaults;
} SimEndpoint;

typedef struct {
    uint64_t seed;
    int tz_offset_s; /* default +07:00 */
    bool has_start;  /* sim.start was given */
    int64_t start_ms;
    double time_scale;      /* default 1 */
    SimEndpoint *endpoints; /* owned */
    size_t nendpoints;
} SimScenario;

/* Parses a scenario from len bytes of YAML named file (for messages). Returns
 * NULL after adding every problem to diag. */
SimScenario *sim_scenario_parse(const char *text, size_t len, const char *file, Diag *diag);

/* Reads and parses the file at path (at most SIM_MAX_SCENARIO_BYTES). */
SimScenario *sim_scenario_load(const char *path, Diag *diag);

/* Frees a scenario (NULL is fine). */
void sim_scenario_free(SimScenario *s);

/* Sets the seed and recomputes every value's key. */
void sim_scenario_set_seed(SimScenario *s, uint64_t seed);

/* Returns the endpoint whose path equals path (len bytes, query excluded), or NULL. */
const SimEndpoint *sim_scenario_find(const SimScenario *s, const char *path, size_t len);

/* Renders e's body at sim time now_ms, with start_ms as the sim start; the
 * caller frees the result. NULL when out of memory. */
char *sim_scenario_render(const SimScenario *s, const SimEndpoint *e, int64_t start_ms,
                          int64_t now_ms, size_t *out_len);

/* Returns the scheduled fault of e active at rel_ms after the sim start, or
 * NULL; *since_ms receives when its current window began (after the start). */
const SimFaultWindow *sim_scenario_fault_at(const SimEndpoint *e, int64_t rel_ms,
                                            int64_t *since_ms);

/* Sets f to mode with that mode's default parameters. */
void sim_fault_defaults(SimFault *f, SimFaultMode mode);

/* Fault mode names: "refuse" "drop" "delay" "hang" "http" "malformed"
 * "oversize" "truncated" "flap" ("none" for SIM_FAULT_NONE). */
bool sim_fault_mode_from_name(const char *name, SimFaultMode *out);
const char *sim_fault_mode_name(SimFaultMode m);

/* Format names "json" "prometheus" "csv", and their default Content-Type. */
bool sim_format_from_name(const char *name, SimFormat *out);
const char *sim_format_name(SimFormat f);
const char *sim_format_content_type(SimFormat f);

#endif
