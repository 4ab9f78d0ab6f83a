/* cmd_check.c - "ioc check": validate a config and report every problem. */
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"
#include "ioc/cli.h"
#include "base/i18n.h"

/* Counts the panels of every page. */
static size_t count_panels(const Config *c)
{
    size_t n = 0;
    for (size_t p = 0; p < c->n_pages; p++)
        for (size_t r = 0; r < c->pages[p].n_rows; r++)
            n += c->pages[p].rows[r].n_panels;
    return n;
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *path = NULL;
    char found[PATH_MAX]; /* the config found when -c is not given */
    bool quiet = false;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":c:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            path = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        default:
            return cli_other_option("check", ch, argv);
        }
    }
    if (optind < argc) { /* "ioc check FILE" is accepted too */
        if (path || optind + 1 < argc)
            return cli_usage_error("check", _("unexpected argument '%s'"), argv[optind]);
        path = argv[optind];
    }
    int rc = cli_need_config("check", &path, found, sizeof(found), NULL);
    if (rc >= 0) return rc;

    size_t errors, warnings;
    Config *cfg = cli_load_config(&(CliStart){.cmd = "check"}, path, &errors, &warnings);
    if (!cfg) {
        fprintf(stderr, _("%s: %zu error(s), %zu warning(s)\n"), path, errors, warnings);
        return IOC_EXIT_USAGE;
    }
    if (!quiet)
        printf(_("%s: ok: %zu feeds, %zu KPIs, %zu alert rules, %zu notify targets, %zu pages, "
                 "%zu panels, %zu warning(s)\n"),
               path, cfg->n_feeds, cfg_kpi_count(cfg), cfg->n_rules, cfg->n_notify, cfg->n_pages,
               count_panels(cfg), warnings);
    cfg_free(cfg);
    return cli_flush_stdout("check") == 0 ? IOC_EXIT_OK : IOC_EXIT_FAIL;
}
