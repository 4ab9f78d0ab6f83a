/* config_helpers.h - what the config tests share: load a YAML string, print
 * the diagnostics on failure, find an error at a position. Include after
 * <cmocka.h> in a test file (static functions; one copy per test binary). */
#ifndef IOC_TEST_CONFIG_HELPERS_H
#define IOC_TEST_CONFIG_HELPERS_H

#include <stdbool.h>
#include <string.h>

#include "config/config.h"

/* Loads text as "t.yaml" into a fresh Diag. */
static Config *load(const char *text, Diag *d)
{
    diag_init(d);
    return cfg_load_string(text, strlen(text), "t.yaml", d);
}

/* Prints every diag item (shown by cmocka when an assertion fails). */
static void dump(const Diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        print_message("  %d:%d: %s: %s\n", d->items[i].line, d->items[i].col,
                      d->items[i].level == DIAG_ERROR ? "error" : "warning", d->items[i].msg);
}

/* True when d holds an error at line:col whose message contains part. */
static bool has_error(const Diag *d, int line, int col, const char *part)
{
    for (size_t i = 0; i < d->n; i++) {
        const DiagItem *it = &d->items[i];
        if (it->level == DIAG_ERROR && it->line == line && it->col == col && strstr(it->msg, part))
            return true;
    }
    return false;
}

#endif
