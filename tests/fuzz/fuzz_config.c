/* fuzz_config.c - libFuzzer target: the config loader on arbitrary input.
 * Seed it with tests/fixtures/config/ (see docs/testing.md). */
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loads one input; on success also walks the lookups a caller would use. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string((const char *)data, size, "fuzz.yaml", &d);
    if (c) {
        for (size_t p = 0; p < c->n_pages; p++)
            for (size_t r = 0; r < c->pages[p].n_rows; r++)
                for (size_t i = 0; i < c->pages[p].rows[r].n_panels; i++) {
                    const CfgPanel *pn = &c->pages[p].rows[r].panels[i];
                    for (size_t k = 0; k < pn->n_kpis; k++) {
                        const CfgKpi *kpi = cfg_find_kpi(c, pn->kpis[k], NULL);
                        if (kpi) (void)cfg_threshold_holds(&kpi->warn, 1.0);
                    }
                }
        (void)cfg_kpi_count(c);
    }
    cfg_free(c);
    diag_done(&d);
    return 0;
}
