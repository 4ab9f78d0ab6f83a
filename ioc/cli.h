/* cli.h - sub-commands of the ioc program and what they share.
 *
 * Each command is a function taking its own argc/argv (argv[0] is the
 * command name) and returning a process exit status from the list below. */
#ifndef IOC_CLI_H
#define IOC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config/config.h"
#include "ioc/simproc.h"

/* Exit statuses (documented in docs/cli.md and ioc(1)). */
enum {
    IOC_EXIT_OK = 0,    /* success */
    IOC_EXIT_FAIL = 1,  /* the command could not do its work (I/O, network, internal) */
    IOC_EXIT_USAGE = 2, /* bad usage, invalid config, selector or input document */
    IOC_EXIT_ALERT = 3, /* --fail-on condition holds (snapshot) */
};

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; /* one line for "ioc --help" */
    const char *usage;   /* "ioc check -c FILE" */
    const char *help;    /* the options, for "ioc help CMD" */
} CliCommand;

/* ioc check: validate a config file. */
int cmd_check(int argc, char **argv);

/* ioc snapshot: poll every feed once and print the state of the province. */
int cmd_snapshot(int argc, char **argv);

/* ioc run: the headless collector. */
int cmd_run(int argc, char **argv);

/* ioc report: the daily KPI report from the archive. */
int cmd_report(int argc, char **argv);

/* ioc select: evaluate a JSONPath selector on a JSON document. */
int cmd_select(int argc, char **argv);

/* ioc console: the full-screen console on a config. */
int cmd_console(int argc, char **argv);

/* ioc demo: the console on the bundled province against a simulator it starts. */
int cmd_demo(int argc, char **argv);

/* Prints "ioc CMD: usage..." for a command to stderr and returns IOC_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the full help of a command to stdout. Returns IOC_EXIT_OK, or
 * IOC_EXIT_USAGE for an unknown command. */
int cli_help(const char *cmd);

/* Reads a whole file ("-" = stdin) into a NUL-terminated buffer of at most
 * max bytes. Returns the buffer (caller frees) and its length in *len, or
 * NULL with a message in err. */
char *cli_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* Writes an object through fn (e.g. a snapshot or report writer with its
 * format) to stdout for NULL or "-", else to path: a regular file (or a new
 * one) is replaced atomically (temp file in its directory + rename, mode
 * kept), a symlink's target likewise (the link stays), and a FIFO or device
 * is written into in place. Errors, write errors included, are printed as
 * "ioc CMD: FILE: reason". 0 or -1. */
typedef int (*CliWriteFn)(const void *obj, int fmt, FILE *out);
int cli_write_output(const char *cmd, const char *path, CliWriteFn fn, const void *obj, int fmt);

/* The system config, where the Debian package installs it. */
#ifndef IOC_SYSCONF_FILE
#define IOC_SYSCONF_FILE "/etc/ioc/ioc.yaml"
#endif

/* The config path a command should use: arg (-c), else $IOC_CONFIG, else
 * $XDG_CONFIG_HOME/ioc/ioc.yaml (~/.config/ioc/ioc.yaml) when it exists,
 * else /etc/ioc/ioc.yaml when it exists, else NULL. A path it builds goes
 * to buf (n bytes). *from names where it came from ("-c", "$IOC_CONFIG",
 * "$XDG_CONFIG_HOME", "the system config"; NULL with no path). */
const char *cli_config_path(const char *arg, char *buf, size_t n, const char **from);

/* Options. A command parses its own with getopt_long() (optind = 1,
 * opterr = 0, optstring starting with ':') and hands every other result to
 * cli_other_option(). The functions returning an exit status or -1 return
 * -1 when the command goes on. */

/* The exit status for a getopt_long() result ch that none of a command's
 * own options took: its help for 'h', else a usage error (a missing value
 * for ':', an unknown option otherwise). */
int cli_other_option(const char *cmd, int ch, char **argv);

/* A usage error naming argv[optind] when an operand is left after the
 * options, else -1. */
int cli_no_operands(const char *cmd, int argc, char **argv);

/* Sets *path (the -c argument or NULL) to cli_config_path()'s answer (buf,
 * n bytes, holds a path it builds), saying on stderr which config is used
 * when it was not given with -c; when there is none, a usage error saying
 * missing (NULL: where a config is looked for), else -1. */
int cli_need_config(const char *cmd, const char **path, char *buf, size_t n, const char *missing);

/* Start-up on a config. How a command reports it: on stderr, "ioc CMD:
 * message" (a config's problems as FILE:LINE:COL: level: message); or,
 * when log is set, each message through it (ioc run logs one logfmt line
 * each) with level "error" or "warn" and key "msg" (a config problem, a
 * warning) or "error" (a failure). */
typedef struct {
    const char *cmd;
    void (*log)(void *ud, const char *level, const char *key, const char *msg);
    void *ud;
} CliStart;

/* Loads the config at path (NULL: the bundled province) and reports every
 * problem in it; its counts of errors and warnings go to *errors and
 * *warnings when not NULL. Returns the config (free with cfg_free()), NULL
 * when it is invalid. */
Config *cli_load_config(const CliStart *st, const char *path, size_t *errors, size_t *warnings);

/* Makes ioc's messages follow lang (ioc.language): sets LANGUAGE, and
 * LC_MESSAGES to C.UTF-8 when it is "C" (where gettext ignores LANGUAGE);
 * CFG_LANG_AUTO changes nothing: LC_MESSAGES/LANG decide. Then
 * cli_resolve_language(). */
void cli_set_language(CfgLanguage lang);

/* Takes the UI language from the messages as they now come out
 * (i18n_resolve()) and the human formats' number style from it: 485.628 and
 * 25/11/2026 in Vietnamese, 485,628 and 2026-11-25 in English. */
void cli_resolve_language(void);

/* Sets the process time zone to cfg's ioc.timezone; an unknown one is
 * reported ("time zone 'X' not found; using UTC") and UTC used. */
void cli_set_zone(const CliStart *st, const Config *cfg);

/* The start of a command that polls: cli_load_config(), cli_set_zone(),
 * then curl_global_init(). Returns the config (the caller frees it and
 * calls curl_global_cleanup()), or NULL with *status IOC_EXIT_USAGE (an
 * invalid config) or IOC_EXIT_FAIL (libcurl could not start, reported). */
Config *cli_start(const CliStart *st, const char *path, int *status);

/* Starts the demo simulator (quiet: its stderr to /dev/null) and points
 * $IOC_SIM_URL, which the bundled config reads, at it. NULL after printing
 * "ioc CMD: why". The caller stops it with simproc_stop(). */
SimProc *cli_demo_sim(const char *cmd, bool quiet);

/* Flushes stdout; 0, or -1 after printing "ioc CMD: stdout: reason". */
int cli_flush_stdout(const char *cmd);

#endif
