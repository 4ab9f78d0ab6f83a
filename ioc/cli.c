/* cli.c - what the sub-commands share (see cli.h): their options' common
 * cases, the start-up on a config (load, diagnostics, time zone, libcurl),
 * the demo simulator, and reading and writing files. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base/diag.h"
#include "base/fmt.h"
#include "base/i18n.h"
#include "base/timefmt.h"
#include "config/bundled.h"
#include "ioc/cli.h"

int cli_other_option(const char *cmd, int ch, char **argv)
{
    if (ch == 'h') return cli_help(cmd);
    if (ch == ':') return cli_usage_error(cmd, _("option '%s' needs a value"), argv[optind - 1]);
    return cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
}

int cli_no_operands(const char *cmd, int argc, char **argv)
{
    if (optind < argc) return cli_usage_error(cmd, _("unexpected argument '%s'"), argv[optind]);
    return -1;
}

/* True when a file exists at path (whatever it is: the loader says what is
 * wrong with it). */
static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

const char *cli_config_path(const char *arg, char *buf, size_t n, const char **from)
{
    *from = "-c";
    if (arg) return arg;
    const char *env = getenv("IOC_CONFIG");
    *from = "$IOC_CONFIG";
    if (env && env[0]) return env;
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int w = -1;
    if (xdg && xdg[0] == '/')
        w = snprintf(buf, n, "%s/ioc/ioc.yaml", xdg);
    else if (home && home[0] == '/')
        w = snprintf(buf, n, "%s/.config/ioc/ioc.yaml", home);
    *from = "$XDG_CONFIG_HOME";
    if (w > 0 && (size_t)w < n && exists(buf)) return buf;
    *from = "the system config";
    if (exists(IOC_SYSCONF_FILE)) return IOC_SYSCONF_FILE;
    *from = NULL;
    return NULL;
}

int cli_need_config(const char *cmd, const char **path, char *buf, size_t n, const char *missing)
{
    const char *from;
    bool given = *path != NULL;
    *path = cli_config_path(*path, buf, n, &from);
    if (*path) {
        if (!given) fprintf(stderr, _("ioc %s: using %s (%s)\n"), cmd, *path, from);
        return -1;
    }
    return cli_usage_error(cmd, "%s",
                           missing ? missing
                                   : _("no config given (use -c FILE, set IOC_CONFIG, or write "
                                       "~/.config/ioc/ioc.yaml or " IOC_SYSCONF_FILE ")"));
}

/* Reports one start-up message: through st->log when set, else on stderr
 * as "ioc CMD: msg". */
static void say(const CliStart *st, const char *level, const char *key, const char *msg)
{
    if (st->log)
        st->log(st->ud, level, key, msg);
    else
        fprintf(stderr, "ioc %s: %s\n", st->cmd, msg);
}

Config *cli_load_config(const CliStart *st, const char *path, size_t *errors, size_t *warnings)
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
    if (!st->log) {
        diag_print(&diag, stderr);
    } else {
        for (size_t i = 0; i < diag.n; i++) {
            char msg[2400];
            diag_format(&diag.items[i], msg, sizeof(msg));
            st->log(st->ud, diag.items[i].level == DIAG_ERROR ? "error" : "warn", "msg", msg);
        }
    }
    if (errors) *errors = diag.errors;
    if (warnings) *warnings = diag.warnings;
    diag_done(&diag);
    if (cfg) cli_set_language(cfg->language);
    return cfg;
}

void cli_set_language(CfgLanguage lang)
{
    if (lang != CFG_LANG_AUTO) {
        /* gettext ignores LANGUAGE while LC_MESSAGES is "C": use C.UTF-8 then. */
        const char *cur = setlocale(LC_MESSAGES, NULL);
        if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
            setlocale(LC_MESSAGES, "C.UTF-8");
        setenv("LANGUAGE", lang == CFG_LANG_VI ? "vi" : "en", 1);
        char again[64];
        snprintf(again, sizeof(again), "%s", setlocale(LC_MESSAGES, NULL));
        setlocale(LC_MESSAGES, again);
        /* glibc keeps a message looked up before under the same locale name
         * (such as the catalogue header that cli_resolve_language() read):
         * setting the domain again drops that cache. */
        textdomain(textdomain(NULL));
    }
    cli_resolve_language();
}

void cli_resolve_language(void)
{
    fmt_set_style(i18n_resolve() == I18N_VI ? FMT_VI : FMT_EN);
}

void cli_set_zone(const CliStart *st, const Config *cfg)
{
    if (timefmt_set_zone(cfg->timezone) == 0) return;
    char msg[300];
    snprintf(msg, sizeof(msg), _("time zone '%s' not found; using UTC"), cfg->timezone);
    say(st, "warn", "msg", msg);
}

Config *cli_start(const CliStart *st, const char *path, int *status)
{
    Config *cfg = cli_load_config(st, path, NULL, NULL);
    if (!cfg) {
        *status = IOC_EXIT_USAGE;
        return NULL;
    }
    cli_set_zone(st, cfg);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        say(st, "error", "error", _("cannot initialise libcurl"));
        cfg_free(cfg);
        *status = IOC_EXIT_FAIL;
        return NULL;
    }
    return cfg;
}

SimProc *cli_demo_sim(const char *cmd, bool quiet)
{
    char err[256];
    SimProc *sim = simproc_start(NULL, quiet, 10000, err, sizeof(err));
    if (!sim) {
        fprintf(stderr, "ioc %s: %s\n", cmd, err);
        return NULL;
    }
    setenv("IOC_SIM_URL", simproc_url(sim), 1);
    return sim;
}

int cli_flush_stdout(const char *cmd)
{
    if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
    fprintf(stderr, "ioc %s: stdout: %s\n", cmd, strerror(errno));
    return -1;
}

char *cli_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            snprintf(err, errlen, _("%s: larger than %zu bytes"), path, max);
            goto fail;
        }
        if (got == 0) break;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) break;
            buf = nb;
            cap *= 2;
        }
    }
    if (!buf) {
        snprintf(err, errlen, _("%s: out of memory"), path);
        goto fail;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (f != stdin) fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    free(buf);
    if (f != stdin) fclose(f);
    return NULL;
}

/* Writes through fn to f and closes f; 0, or the errno of the first failure
 * (the writer's, a write's or the final flush's). */
static int write_and_close(CliWriteFn fn, const void *obj, int fmt, FILE *f)
{
    errno = 0;
    int e = fn(obj, fmt, f) == 0 && !ferror(f) ? 0 : (errno ? errno : EIO);
    if (fclose(f) != 0 && e == 0) e = errno ? errno : EIO;
    return e;
}

/* Writes to path in place, opened with flags added to O_WRONLY: for targets
 * that are not regular files (a FIFO, /dev/stdout, a device), which a rename
 * would replace by a regular file. 0 or -1 (message printed). */
static int write_in_place(const char *cmd, const char *path, int flags, CliWriteFn fn,
                          const void *obj, int fmt)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | flags, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int e = f ? write_and_close(fn, obj, fmt, f) : errno;
    if (!f && fd >= 0) close(fd);
    if (e == 0) return 0;
    fprintf(stderr, "ioc %s: %s: %s\n", cmd, path, strerror(e));
    return -1;
}

/* Replaces the regular file dst (or creates it) atomically: a temp file in
 * the same directory, renamed over it; keeps the mode of an existing dst. */
static int write_atomic(const char *cmd, const char *dst, const struct stat *old, CliWriteFn fn,
                        const void *obj, int fmt)
{
    size_t n = strlen(dst) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        fprintf(stderr, "ioc %s: %s: %s\n", cmd, dst, strerror(ENOMEM));
        return -1;
    }
    snprintf(tmp, n, "%s.tmp.%ld", dst, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = -1;
    if (!f) {
        fprintf(stderr, "ioc %s: %s: %s\n", cmd, tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
    } else {
        if (old) (void)fchmod(fd, old->st_mode & 07777); /* best effort */
        int e = write_and_close(fn, obj, fmt, f);
        if (e == 0 && rename(tmp, dst) != 0) e = errno;
        if (e == 0) {
            rc = 0;
        } else {
            fprintf(stderr, "ioc %s: %s: %s\n", cmd, dst, strerror(e));
            unlink(tmp);
        }
    }
    free(tmp);
    return rc;
}

int cli_write_output(const char *cmd, const char *path, CliWriteFn fn, const void *obj, int fmt)
{
    if (!path || strcmp(path, "-") == 0) {
        if (fn(obj, fmt, stdout) != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "ioc %s: stdout: %s\n", cmd, strerror(errno));
            return -1;
        }
        return 0;
    }
    struct stat st, lst;
    bool exists = stat(path, &st) == 0; /* follows symlinks */
    if (exists && !S_ISREG(st.st_mode)) /* FIFO, device, /dev/stdout: write into it */
        return write_in_place(cmd, path, 0, fn, obj, fmt);
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        /* A symlink stays a symlink: replace the file it points to, in its directory. */
        char *real = realpath(path, NULL);
        if (!real) /* a dangling link: create its target through it */
            return write_in_place(cmd, path, O_CREAT | O_TRUNC, fn, obj, fmt);
        int rc = write_atomic(cmd, real, exists ? &st : NULL, fn, obj, fmt);
        free(real);
        return rc;
    }
    return write_atomic(cmd, path, exists ? &st : NULL, fn, obj, fmt);
}
