/* cmd_console.c - "ioc console" (a config's console) and "ioc demo" (the
 * bundled province against a simulator ioc starts and stops itself). */
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config/config.h"
#include "ioc/cli.h"
#include "console/console.h"
#include "base/i18n.h"
#include "ioc/simproc.h"
#include "services/monitor.h"
#include "services/remote.h"

/* Prints "ioc CMD needs a terminal (...)" and returns false when standard
 * output or input is not a terminal. */
static bool need_tty(const char *cmd)
{
    const char *what = !isatty(STDOUT_FILENO) ? "stdout" : !isatty(STDIN_FILENO) ? "stdin" : NULL;
    if (!what) return true;
    fprintf(stderr, _("ioc %s needs a terminal (%s is not a tty)\n"), cmd, what);
    return false;
}

/* Runs the console on the config at path (NULL: the bundled one) and
 * returns the exit status: 0 after 'q', 128 + N after signal N, 2 for an
 * invalid config, 1 on failure. */
static int run(const char *cmd, const char *path, const ConsoleOptions *opts)
{
    int rc;
    Config *cfg = cli_start(&(CliStart){.cmd = cmd}, path, &rc);
    if (!cfg) return rc;
    char err[256];
    rc = IOC_EXIT_FAIL;
    ConsoleAlerts events = {0};
    Monitor *w = monitor_new(cfg, console_on_alert, &events, err, sizeof(err));
    if (!w) {
        fprintf(stderr, "ioc %s: %s\n", cmd, err);
    } else {
        ConsoleExit how;
        if (console_run(w, opts, &events, &how, err, sizeof(err)) != 0)
            fprintf(stderr, "ioc %s: %s\n", cmd, err);
        else
            rc = how.signal ? 128 + how.signal : IOC_EXIT_OK;
    }
    monitor_free(w);
    curl_global_cleanup();
    return rc;
}

/* Runs a thin console on the collector at url (token from $IOC_TOKEN) and
 * returns the exit status: as run(), plus 4 when the collector refuses the
 * token at the start, and 1 when it cannot be reached or answers no config. */
static int run_thin(const char *url, const ConsoleOptions *opts)
{
    char err[512];
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "ioc console: %s\n", _("cannot initialise libcurl"));
        return IOC_EXIT_FAIL;
    }
    int rc = IOC_EXIT_FAIL;
    Config *cfg = NULL;
    Remote *r = remote_new(url, getenv("IOC_TOKEN"), err, sizeof(err));
    if (!r) {
        rc = cli_usage_error("console", "%s", err);
        goto done;
    }
    RemoteRc got = remote_fetch_config(r, &cfg, err, sizeof(err));
    if (got != REMOTE_OK) {
        fprintf(stderr, "ioc console: %s\n", err);
        if (got == REMOTE_DENIED)
            fprintf(stderr, "ioc console: %s\n",
                    _("set IOC_TOKEN to a token of ioc.http.users on the collector "
                      "(role viewer or higher; operator to acknowledge and silence)"));
        rc = got == REMOTE_DENIED ? IOC_EXIT_DENIED : IOC_EXIT_FAIL;
        goto done;
    }
    /* A new config from the collector (a reload there) builds a new Monitor. */
    while (cfg) {
        cli_set_language(cfg->language);
        cli_set_zone(&(CliStart){.cmd = "console"}, cfg);
        ConsoleAlerts events = {0};
        Monitor *w = monitor_new_remote(cfg, console_on_alert, &events, err, sizeof(err));
        cfg = NULL;
        if (!w) {
            fprintf(stderr, "ioc console: %s\n", err);
            rc = IOC_EXIT_FAIL;
            break;
        }
        remote_attach(r, w);
        ConsoleExit how;
        int crc = console_run(w, opts, &events, &how, err, sizeof(err));
        remote_detach(r);
        monitor_free(w);
        if (crc != 0) {
            fprintf(stderr, "ioc console: %s\n", err);
            rc = IOC_EXIT_FAIL;
            break;
        }
        rc = how.signal ? 128 + how.signal : IOC_EXIT_OK;
        if (!how.signal && remote_reload_wanted(r)) cfg = remote_take_config(r);
    }
done:
    remote_free(r);
    curl_global_cleanup();
    return rc;
}

/* Parses the options shared by both commands (-c only for console) into
 * *path and *copts. Returns -1 to go on, else an exit status. */
static int parse(const char *cmd, int argc, char **argv, bool with_config, const char **path,
                 ConsoleOptions *copts, const char **server)
{
    enum { OPT_WALL = 256, OPT_SERVER };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"wall", no_argument, NULL, OPT_WALL},
        {"server", required_argument, NULL, OPT_SERVER},
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
        case OPT_WALL:
            copts->wall = true;
            break;
        case OPT_SERVER:
            if (!with_config) return cli_other_option(cmd, '?', argv);
            *server = optarg;
            break;
        default:
            return cli_other_option(cmd, ch, argv);
        }
    }
    return cli_no_operands(cmd, argc, argv);
}

int cmd_console(int argc, char **argv)
{
    const char *path = NULL;
    const char *server = NULL;
    ConsoleOptions copts = {0};
    char found[PATH_MAX]; /* the config found when -c is not given */
    int rc = parse("console", argc, argv, true, &path, &copts, &server);
    if (rc >= 0) return rc;
    if (server) {
        if (path) return cli_usage_error("console", "%s", _("use either -c FILE or --server URL"));
        if (!need_tty("console")) return IOC_EXIT_FAIL;
        return run_thin(server, &copts);
    }
    rc = cli_need_config("console", &path, found, sizeof(found),
                         _("no config given (use -c FILE or set IOC_CONFIG; "
                           "'ioc demo' shows the bundled province)"));
    if (rc >= 0) return rc;
    if (!need_tty("console")) return IOC_EXIT_FAIL;
    return run("console", path, &copts);
}

int cmd_demo(int argc, char **argv)
{
    const char *path = NULL;
    ConsoleOptions copts = {0};
    const char *server = NULL;
    int rc = parse("demo", argc, argv, false, &path, &copts, &server);
    if (rc >= 0) return rc;
    if (!need_tty("demo")) return IOC_EXIT_FAIL;
    SimProc *sim = cli_demo_sim("demo", true);
    if (!sim) return IOC_EXIT_FAIL;
    rc = run("demo", NULL, &copts);
    simproc_stop(sim);
    return rc;
}
