/* sim_main.c - ioc-sim: command line, signals, and the server's lifetime.
 *
 * Exit status: 0 after SIGINT/SIGTERM (or a scenario that checks clean with
 * --check), 1 when the server cannot start, 2 on bad usage or a bad scenario. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/sim_scenario.h"
#include "sim/sim_server.h"
#include "sim/sim_time.h"
#include "config/bundled.h"
#include "base/diag.h"
#include "base/i18n.h"

typedef struct {
    const char *scenario, *bind, *start;
    long port;
    bool has_seed, has_scale, check, demo;
    unsigned long long seed;
    double scale;
} Args;

/* Prints the usage text to out. */
static void usage(FILE *out)
{
    fprintf(out, "%s",
            _("usage: ioc-sim -s SCENARIO.yaml | --demo [--port N] [--bind ADDR] [--seed N]\n"
              "               [--time-scale X] [--start TIME] [--check]\n"
              "\n"
              "Serves the simulated KPI feeds of a scenario over HTTP.\n"
              "\n"
              "  -s, --scenario FILE  the scenario (YAML, see docs/simulator.md)\n"
              "  -p, --port N         port to listen on (default 0: a free port)\n"
              "  -b, --bind ADDR      address to listen on (default 127.0.0.1)\n"
              "      --seed N         seed of the value generators (default: the scenario's)\n"
              "      --time-scale X   sim seconds per real second (default 1; 0 freezes time)\n"
              "      --start TIME     sim time at startup, ISO 8601 (default: now)\n"
              "      --demo           serve the bundled demo province (instead of -s)\n"
              "      --check          check the scenario, print problems, and exit\n"
              "  -h, --help           show this help\n"
              "  -V, --version        show the version\n"
              "\n"
              "Once listening it prints 'ioc-sim listening on http://HOST:PORT'.\n"
              "SIGINT or SIGTERM stops it. Exit status: 0 stopped, 1 cannot listen,\n"
              "2 bad usage or scenario.\n"));
}

/* Reports a usage error and returns exit status 2. */
static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ioc-sim: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n%s\n", _("try 'ioc-sim --help'"));
    va_end(ap);
    return 2;
}

/* Parses argv into a; returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, Args *a)
{
    enum { OPT_SEED = 256, OPT_SCALE, OPT_START, OPT_CHECK, OPT_DEMO };
    static const struct option opts[] = {
        {"scenario", required_argument, NULL, 's'},
        {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"time-scale", required_argument, NULL, OPT_SCALE},
        {"start", required_argument, NULL, OPT_START},
        {"check", no_argument, NULL, OPT_CHECK},
        {"demo", no_argument, NULL, OPT_DEMO},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int ch;
    char *end;
    while ((ch = getopt_long(argc, argv, ":s:p:b:hV", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            a->scenario = optarg;
            break;
        case 'p':
            errno = 0;
            a->port = strtol(optarg, &end, 10);
            if (!*optarg || *end || errno || a->port < 0 || a->port > 65535)
                return bad_usage(_("expected --port a number from 0 to 65535, found '%s'"), optarg);
            break;
        case 'b':
            a->bind = optarg;
            break;
        case OPT_SEED:
            errno = 0;
            a->seed = strtoull(optarg, &end, 10);
            if (!*optarg || *end || errno || optarg[0] == '-')
                return bad_usage(_("expected --seed a whole number, found '%s'"), optarg);
            a->has_seed = true;
            break;
        case OPT_SCALE:
            errno = 0;
            a->scale = strtod(optarg, &end);
            if (!*optarg || *end || errno || !isfinite(a->scale) || a->scale < 0 || a->scale > 1e6)
                return bad_usage(_("expected --time-scale a number from 0 to 1000000, found "
                                   "'%s'"),
                                 optarg);
            a->has_scale = true;
            break;
        case OPT_START:
            a->start = optarg;
            break;
        case OPT_CHECK:
            a->check = true;
            break;
        case OPT_DEMO:
            a->demo = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("ioc-sim %s\n", IOC_VERSION);
            return 0;
        case ':':
            return bad_usage(_("option '%s' needs a value"), argv[optind - 1]);
        default:
            return bad_usage(_("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (optind < argc) return bad_usage(_("unexpected argument '%s'"), argv[optind]);
    if (a->scenario && a->demo) return bad_usage("%s", _("give either -s SCENARIO.yaml or --demo"));
    if (!a->scenario && !a->demo)
        return bad_usage("%s", _("expected a scenario: -s SCENARIO.yaml (or --demo)"));
    return -1;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C"); /* bodies and scenarios use '.' decimals */
    Args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) return rc;

    Diag diag;
    diag_init(&diag);
    SimScenario *sc;
    if (a.demo) {
        size_t len;
        const char *text = bundled_scenario(&len);
        sc = sim_scenario_parse(text, len, BUNDLED_SCENARIO_NAME, &diag);
    } else {
        sc = sim_scenario_load(a.scenario, &diag);
    }
    diag_sort(&diag);
    diag_print(&diag, stderr);
    diag_done(&diag);
    if (!sc) return 2;
    if (a.check) {
        sim_scenario_free(sc);
        return 0;
    }

    int64_t start_ms;
    if (a.start && strcmp(a.start, "now") != 0) {
        if (!sim_time_parse_iso(a.start, sc->tz_offset_s, &start_ms)) {
            sim_scenario_free(sc);
            return bad_usage(_("expected --start an ISO 8601 time such as "
                               "2025-03-26T08:00:00+07:00, found '%s'"),
                             a.start);
        }
    } else if (sc->has_start && !a.start) {
        start_ms = sc->start_ms;
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        start_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    if (a.has_seed) sim_scenario_set_seed(sc, a.seed);

    /* Block the stop signals in every thread (MHD's inherit the mask) and
     * take them synchronously with sigwait(): no handler, no shared flag. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    SimServerOptions o = {.bind = a.bind,
                          .port = (int)a.port,
                          .start_ms = start_ms,
                          .time_scale = a.has_scale ? a.scale : sc->time_scale};
    char err[300];
    SimServer *srv = sim_server_start(sc, &o, err, sizeof(err));
    if (!srv) {
        fprintf(stderr, "ioc-sim: %s\n", err);
        return 1;
    }
    char url[128];
    sim_server_url(srv, url, sizeof(url));
    printf("ioc-sim listening on %s\n", url);
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    sim_server_stop(srv);
    return 0;
}
