/* cli.h - sub-commands of the ioc program and what they share.
 *
 * Each command is a function taking its own argc/argv (argv[0] is the
 * command name) and returning a process exit status from the list below. */
#ifndef IOC_CLI_H
#define IOC_CLI_H

#include <stddef.h>
#include <stdio.h>

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

/* The config path a command should use: the -c argument, else $IOC_CONFIG,
 * else NULL. */
const char *cli_config_path(const char *arg);

#endif
