/* main.c - the ioc program: global options and sub-command dispatch. */
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/loop.h"
#include "ioc/cli.h"
#include "ioc/version.h"
#include "base/i18n.h"

static const CliCommand commands[] = {
    {"demo", cmd_demo, N_("the console on the bundled demo province, with its own simulator"),
     "ioc demo [--wall]",
     N_("      --wall          a video wall: read-only, the pages turn every\n"
        "                      ioc.rotate, only q quits\n"
        "Starts ioc-sim on a free loopback port, opens the console on the bundled\n"
        "province and stops the simulator when the console ends. 'ioc' alone in a\n"
        "terminal does the same (or opens $IOC_CONFIG's console when it is set).\n")},
    {"console", cmd_console, N_("the full-screen console on a config"),
     "ioc console [-c FILE | --server URL] [--wall]",
     N_("  -c, --config FILE   the config (default: $IOC_CONFIG, ~/.config/ioc/ioc.yaml\n"
        "                      or /etc/ioc/ioc.yaml: the first that exists)\n"
        "      --server URL    a thin console on the collector (ioc run) at URL,\n"
        "                      e.g. http://127.0.0.1:9464: it polls nothing itself,\n"
        "                      shows the collector's data and alerts, and sends\n"
        "                      acks and silences to it; the token is $IOC_TOKEN\n"
        "      --wall          a video wall: read-only, the pages turn every\n"
        "                      ioc.rotate, only q quits\n"
        "Needs a terminal. Press ? in the console for its keys (docs/console.md).\n"
        "Exit status: 0 after q, 128+N after signal N, 2 usage or config error,\n"
        "1 failure (e.g. not a terminal, the collector unreachable), 4 the\n"
        "collector refused the token (401/403).\n")},
    {"snapshot", cmd_snapshot, N_("poll every feed once and print KPIs, statuses and feed states"),
     "ioc snapshot [-c FILE | --demo | --server URL] [--from-archive] [-f json|csv|prom|text]"
     " [-o FILE] [--fail-on LIST]",
     N_("  -c, --config FILE   the config (default: $IOC_CONFIG, ~/.config/ioc/ioc.yaml\n"
        "                      or /etc/ioc/ioc.yaml: the first that exists)\n"
        "      --demo          the bundled demo province, against a simulator that\n"
        "                      ioc starts and stops itself\n"
        "      --from-archive  print the latest values recorded in the config's archive\n"
        "                      (ioc.archive) without polling\n"
        "      --server URL    take the snapshot from a collector (ioc run with ioc.http)\n"
        "                      with the token in $IOC_TOKEN, without polling\n"
        "  -f, --format FMT    json, csv, prom (Prometheus text) or text (default)\n"
        "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
        "      --fail-on LIST  exit 3 when a KPI is at warn (or worse), at crit, or a\n"
        "                      feed is down or has bad data; LIST is comma-separated\n"
        "Polls all feeds concurrently, each within its own timeout. Exit status:\n"
        "0 taken, 3 a --fail-on condition holds, 2 usage or config error, 1 failure,\n"
        "4 the collector refused the token (--server).\n")},
    {"run", cmd_run, N_("the headless collector: poll, evaluate and log without a terminal"),
     "ioc run [-c FILE]",
     N_("  -c, --config FILE   the config (default: $IOC_CONFIG, ~/.config/ioc/ioc.yaml\n"
        "                      or /etc/ioc/ioc.yaml: the first that exists)\n"
        "Logs one line per event to standard error. SIGTERM or SIGINT stop it;\n"
        "SIGHUP reloads the config (an invalid new config is reported and the\n"
        "running one kept). Exit status: 0 stopped, 2 invalid config, 1 failure.\n")},
    {"report", cmd_report, N_("a supervisor's daily KPI report from the archive"),
     "ioc report [-c FILE] [--date DATE] [-f text|md|csv|json|html] [-o FILE]",
     N_("  -c, --config FILE   the config (default: $IOC_CONFIG, ~/.config/ioc/ioc.yaml\n"
        "                      or /etc/ioc/ioc.yaml: the first that exists); its\n"
        "                      ioc.archive is read\n"
        "  -d, --date DATE     the day, YYYY-MM-DD, today or yesterday (default), in the\n"
        "                      centre's time zone (ioc.timezone)\n"
        "  -f, --format FMT    text (default), md, csv, json or html\n"
        "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
        "For every KPI: last, min, average, max, target and whether it was met,\n"
        "the share of the day in warn and crit, the number of samples; every feed's\n"
        "availability; alerts fired, time to acknowledge, the longest open. Works\n"
        "while ioc console or ioc run writes the archive. Exit status: 0 written,\n"
        "2 usage, config error or no archive, 1 failure.\n")},
    {"check", cmd_check, N_("validate a config file"), "ioc check [-c FILE] [-q] [--online]",
     N_("  -c, --config FILE   the config to check (default: $IOC_CONFIG, ~/.config/ioc/ioc.yaml\n"
        "                      or /etc/ioc/ioc.yaml: the first that exists)\n"
        "  -q, --quiet         print nothing on success\n"
        "      --online        then poll every feed once and print each KPI's value\n"
        "                      or why it has none (a server's own error text too)\n"
        "Prints every error as FILE:LINE:COL: error: MESSAGE and exits 2 when\n"
        "there is any; otherwise prints a one-line summary and exits 0 (with\n"
        "--online: 1 when a feed is not up or a KPI has no value).\n")},
    {"select", cmd_select, N_("try a JSONPath selector (RFC 9535) on a JSON document"),
     "ioc select [--compact] EXPR [FILE]",
     N_("  EXPR            an RFC 9535 JSONPath query, e.g. '$.data.records[?@.rate > 50]'\n"
        "  FILE            the JSON document (default: standard input)\n"
        "  -c, --compact   print the result on one line\n"
        "Prints the selected nodes as a JSON array. Exits 2 for an invalid\n"
        "selector or document.\n")},
    {"help", NULL, N_("show help for a command"), "ioc help [COMMAND]", ""},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Looks up a command by name. */
static const CliCommand *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

/* Prints the program's overview help to out. */
static void print_overview(FILE *out)
{
    fprintf(out, "%s",
            _("Usage: ioc COMMAND [OPTIONS]\n"
              "       ioc --help | --version\n\n"
              "A terminal console for a provincial Intelligent Operations Centre.\n\n"
              "Commands:\n"));
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
    fprintf(out, "%s",
            _("\nWithout a command on a terminal, ioc opens the console on $IOC_CONFIG, or the "
              "demo.\nRun 'ioc help COMMAND' for a command's options. "
              "Exit status: 0 ok, 1 failure, 2 usage or config error.\n"));
}

int cli_help(const char *name)
{
    const CliCommand *c = find_command(name);
    if (!c) {
        fprintf(stderr, _("ioc: unknown command '%s' (see 'ioc --help')\n"), name);
        return IOC_EXIT_USAGE;
    }
    printf(_("Usage: %s\n%s\n"), c->usage, _(c->summary));
    if (c->help[0]) printf("\n%s", _(c->help));
    return IOC_EXIT_OK;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ioc %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    const CliCommand *c = find_command(cmd);
    if (c) fprintf(stderr, _("\nUsage: %s (see 'ioc help %s')\n"), c->usage, cmd);
    return IOC_EXIT_USAGE;
}

/* Binds the "ioc" message domain: to the build tree's locale/ when the binary
 * runs from the build tree (it has ../locale next to it), else to the installed
 * IOC_LOCALEDIR; messages are UTF-8 whatever LC_CTYPE says. */
static void bind_locale_dir(void)
{
    const char *dir = IOC_LOCALEDIR;
    char self[PATH_MAX - 16];
    char tree[PATH_MAX];
    struct stat st;
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len > 0) {
        self[len] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(tree, sizeof(tree), "%s/../locale", self);
            if (stat(tree, &st) == 0 && S_ISDIR(st.st_mode)) dir = tree;
        }
    }
    bindtextdomain("ioc", dir);
    bind_textdomain_codeset("ioc", "UTF-8");
}

int main(int argc, char **argv)
{
    /* Only LC_CTYPE (and messages): numbers are always read and written in C syntax. */
    setlocale(LC_CTYPE, "");
    setlocale(LC_MESSAGES, "");
    bind_locale_dir();
    textdomain("ioc");
    cli_resolve_language(); /* again once a config sets ioc.language */
    loop_raise_fd_limit();  /* a connection kept open per feed (docs/performance.md) */

    if (argc < 2) {
        /* In a terminal: the console on the config found (cli_config_path), else
         * the demo; in a script: usage. */
        if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
            char name[16];
            char *args[] = {name, NULL};
            char found[PATH_MAX];
            const char *from;
            bool cfg = cli_config_path(NULL, found, sizeof(found), &from) != NULL;
            snprintf(name, sizeof(name), "%s", cfg ? "console" : "demo");
            if (!cfg)
                fputs(_("ioc: no config found (-c, IOC_CONFIG, "
                        "~/.config/ioc/ioc.yaml, " IOC_SYSCONF_FILE
                        "): opening the demo province\n"),
                      stderr);
            return cfg ? cmd_console(1, args) : cmd_demo(1, args);
        }
        print_overview(stderr);
        return IOC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        print_overview(stdout);
        return IOC_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        return version_write(stdout, "ioc", IOC_VERSION) == 0 && cli_flush_stdout("--version") == 0
                   ? IOC_EXIT_OK
                   : IOC_EXIT_FAIL;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc > 3) return cli_usage_error("help", "%s", _("takes at most one command"));
        if (argc == 2) {
            print_overview(stdout);
            return IOC_EXIT_OK;
        }
        return cli_help(argv[2]);
    }
    if (cmd[0] == '-') {
        fprintf(stderr,
                _("ioc: unknown option '%s'\nUsage: ioc COMMAND [OPTIONS] (see 'ioc --help')\n"),
                cmd);
        return IOC_EXIT_USAGE;
    }
    const CliCommand *c = find_command(cmd);
    if (!c || !c->run) {
        fprintf(stderr,
                _("ioc: unknown command '%s'\nUsage: ioc COMMAND [OPTIONS] (see 'ioc --help')\n"),
                cmd);
        return IOC_EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
