/* fuzz_sim_scenario.c - libFuzzer target for the simulator's scenario loader
 * (feeds/sim/sim_scenario.h): the input is a YAML scenario; when it loads,
 * every endpoint is looked up, rendered at a few sim times and its fault
 * schedule queried, as the server would. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses one scenario; on success renders and queries every endpoint. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d;
    diag_init(&d);
    SimScenario *s = sim_scenario_parse((const char *)data, size, "fuzz.yaml", &d);
    if (!s) {
        if (d.errors == 0) abort(); /* a refusal always says why */
        diag_done(&d);
        return 0;
    }
    if (s->nendpoints > SIM_MAX_ENDPOINTS) abort();
    sim_scenario_set_seed(s, 42);
    static const int64_t times[] = {0, 1000, 86400000, 7 * 86400000LL};
    for (size_t i = 0; i < s->nendpoints; i++) {
        const SimEndpoint *e = &s->endpoints[i];
        if (!e->path || e->path[0] != '/') abort();
        if (sim_scenario_find(s, e->path, strlen(e->path)) == NULL) abort();
        for (size_t t = 0; t < sizeof(times) / sizeof(times[0]); t++) {
            size_t n = 0;
            char *body = sim_scenario_render(s, e, s->start_ms, s->start_ms + times[t], &n);
            free(body);
            int64_t since = 0;
            (void)sim_scenario_fault_at(e, times[t], &since);
        }
    }
    sim_scenario_free(s);
    diag_done(&d);
    return 0;
}
