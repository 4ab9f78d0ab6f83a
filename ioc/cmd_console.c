/* cmd_console.c - "ioc console" (a config's console) and "ioc demo" (the
 * bundled province against a simulator ioc starts and stops itself). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config/bundled.h"
#include "config/config.h"
#include "ioc/cli.h"
#include "console/console.h"
#include "base/i18n.h"
#include "ioc/simproc.h"
#include "base/timefmt.h"
#include "services/monitor.h"

/* Prints "ioc CMD needs a terminal (...)" and returns false when standard
 * output or input is not a terminal. */
static bool need_tty(const char *cmd)
{
    const char *what = !isatty(STDOUT_FILENO) ? "stdout" : !isatty(STDIN_FILENO) ? "stdin" : NULL;
    if (!what) return true;
    fprintf(stderr, _("ioc %s needs a terminal (%s is not a tty)\n"), cmd, what);
    return false;
}

/* Loads the config at path, or the bundled one for NULL; prints problems. */
static Config *load_config(const char *path)
{
    Diag diag;
    diag_init(&diag);
    Config *cfg;
    if (!path) {
        size_t len;
        const char *text = bundled_config(&len);
        cfg = cfg_load_string(text, len, BUNDLED_CONFIG_NAME, &diag);
    } else {
        cfg = cfg_load_file(path, &diag);
    }
    diag_print(&diag, stderr);
    diag_done(&diag);
    return cfg;
}

/* Runs the console on cfg (taken over) and returns the exit status: 0 after
 * 'q', 128 + N after signal N, 1 on failure. */
static int run(const char *cmd, Config *cfg)
{
    if (timefmt_set_zone(cfg->timezone) != 0)
        fprintf(stderr, _("ioc %s: time zone '%s' not found; using UTC\n"), cmd, cfg->timezone);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "ioc %s: %s\n", cmd, _("cannot initialise libcurl"));
        cfg_free(cfg);
        return IOC_EXIT_FAIL;
    }
    char err[256];
    int rc = IOC_EXIT_FAIL;
    ConsoleAlerts events = {0};
    Monitor *w = monitor_new(cfg, console_on_alert, &events, err, sizeof(err));
    if (!w) {
        fprintf(stderr, "ioc %s: %s\n", cmd, err);
    } else {
        ConsoleExit how;
        if (console_run(w, &events, &how, err, sizeof(err)) != 0)
            fprintf(stderr, "ioc %s: %s\n", cmd, err);
        else
            rc = how.signal ? 128 + how.signal : IOC_EXIT_OK;
    }
    monitor_free(w);
    curl_global_cleanup();
    return rc;
}

/* Parses the options shared by both commands (-c only for console). Returns
 * -1 to go on, else an exit status. */
static int parse(const char *cmd, int argc, char **argv, bool with_config, const char **path)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, with_config ? ":c:h" : ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            if (!with_config)
                return cli_usage_error(cmd, "%s", _("takes no config (it uses the bundled one)"));
            *path = optarg;
            break;
        case 'h':
            return cli_help(cmd);
        case ':':
            return cli_usage_error(cmd, _("option '%s' needs a value"), argv[optind - 1]);
        default:
            return cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage_error(cmd, _("unexpected argument '%s'"), argv[optind]);
    return -1;
}

int cmd_console(int argc, char **argv)
{
    const char *path = NULL;
    int rc = parse("console", argc, argv, true, &path);
    if (rc >= 0) return rc;
    path = cli_config_path(path);
    if (!path)
        return cli_usage_error("console", "%s",
                               _("no config given (use -c FILE or set IOC_CONFIG; "
                                 "'ioc demo' shows the bundled province)"));
    if (!need_tty("console")) return IOC_EXIT_FAIL;
    Config *cfg = load_config(path);
    if (!cfg) return IOC_EXIT_USAGE;
    return run("console", cfg);
}

int cmd_demo(int argc, char **argv)
{
    const char *path = NULL;
    int rc = parse("demo", argc, argv, false, &path);
    if (rc >= 0) return rc;
    if (!need_tty("demo")) return IOC_EXIT_FAIL;
    char err[256];
    SimProc *sim = simproc_start(NULL, true, 10000, err, sizeof(err));
    if (!sim) {
        fprintf(stderr, "ioc demo: %s\n", err);
        return IOC_EXIT_FAIL;
    }
    setenv("IOC_SIM_URL", simproc_url(sim), 1);
    Config *cfg = load_config(NULL);
    rc = cfg ? run("demo", cfg) : IOC_EXIT_USAGE;
    simproc_stop(sim);
    return rc;
}
