/* cmd_check.c - "ioc check": validate a config and report every problem. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "ioc/cli.h"
#include "base/diag.h"
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
        case 'h':
            return cli_help("check");
        case ':':
            return cli_usage_error("check", _("option '%s' needs a value"), argv[optind - 1]);
        default:
            return cli_usage_error("check", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (optind < argc) {
        if (path || optind + 1 < argc)
            return cli_usage_error("check", _("unexpected argument '%s'"), argv[optind]);
        path = argv[optind]; /* "ioc check FILE" is accepted too */
    }
    path = cli_config_path(path);
    if (!path)
        return cli_usage_error("check", "%s", _("no config given (use -c FILE or set IOC_CONFIG)"));

    Diag diag;
    diag_init(&diag);
    Config *cfg = cfg_load_file(path, &diag);
    diag_print(&diag, stderr);
    int rc;
    if (!cfg) {
        fprintf(stderr, _("%s: %zu error(s), %zu warning(s)\n"), path, diag.errors, diag.warnings);
        rc = IOC_EXIT_USAGE;
    } else {
        if (!quiet)
            printf(_("%s: ok: %zu feeds, %zu KPIs, %zu alert rules, %zu notify targets, %zu pages, "
                     "%zu panels, %zu warning(s)\n"),
                   path, cfg->n_feeds, cfg_kpi_count(cfg), cfg->n_rules, cfg->n_notify,
                   cfg->n_pages, count_panels(cfg), diag.warnings);
        rc = IOC_EXIT_OK;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "ioc check: stdout: %s\n", strerror(errno));
            rc = IOC_EXIT_FAIL;
        }
    }
    cfg_free(cfg);
    diag_done(&diag);
    return rc;
}
