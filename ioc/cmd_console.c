/* cmd_console.c - "ioc console" (a config's console) and "ioc demo" (the
 * bundled province against a simulator ioc starts and stops itself). */
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config/config.h"
#include "ioc/cli.h"
#include "console/console.h"
#include "base/i18n.h"
#include "ioc/simproc.h"
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

/* Parses the options shared by both commands (-c only for console) into
 * *path and *copts. Returns -1 to go on, else an exit status. */
static int parse(const char *cmd, int argc, char **argv, bool with_config, const char **path,
                 ConsoleOptions *copts)
{
    enum { OPT_WALL = 256 };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"wall", no_argument, NULL, OPT_WALL},
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
        default:
            return cli_other_option(cmd, ch, argv);
        }
    }
    return cli_no_operands(cmd, argc, argv);
}

int cmd_console(int argc, char **argv)
{
    const char *path = NULL;
    ConsoleOptions copts = {0};
    char found[PATH_MAX]; /* the config found when -c is not given */
    int rc = parse("console", argc, argv, true, &path, &copts);
    if (rc >= 0) return rc;
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
    int rc = parse("demo", argc, argv, false, &path, &copts);
    if (rc >= 0) return rc;
    if (!need_tty("demo")) return IOC_EXIT_FAIL;
    SimProc *sim = cli_demo_sim("demo", true);
    if (!sim) return IOC_EXIT_FAIL;
    rc = run("demo", NULL, &copts);
    simproc_stop(sim);
    return rc;
}
