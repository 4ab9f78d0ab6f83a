/* cmd_run.c - "ioc run": the headless collector (what a systemd unit starts).
 *
 * Polls every feed on its schedule with no terminal, and logs to stderr in
 * one greppable line per event:
 *   2026-11-25T18:30:05+07:00 level=warn event=feed feed=dvc from=ok to=down error="timeout after 4
 * s" SIGTERM/SIGINT stop it cleanly; SIGHUP reloads the config, keeping the old one (and running
 * on) when the new one is invalid. */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "services/watch.h"
#include "ioc/cli.h"
#include "base/i18n.h"
#include "base/timefmt.h"

typedef struct {
    Watch *w;
    App *app; /* w->app */
    const char *path;
    bool quit, reload;
    FeedStateKind *prev; /* last logged state per feed */
    char archive[400];   /* the archive status last logged */
} Run;

/* Writes one log line: time, level, then the formatted fields. */
__attribute__((format(printf, 2, 3))) static void logline(const char *level, const char *fmt, ...)
{
    char ts[40];
    timefmt_iso(loop_wall_ms(), ts, sizeof(ts));
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s level=%s ", ts, level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Copies s into out for a log value: quotes and backslashes escaped, control
 * characters dropped (errors can carry server text). */
static const char *logval(const char *s, char *out, size_t n)
{
    size_t j = 0;
    for (; *s && j + 3 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) continue;
        if (c == '"' || c == '\\') out[j++] = '\\';
        out[j++] = (char)c;
    }
    out[j] = '\0';
    return out;
}

/* Watch callback: one log line per alert transition, ack and silence. */
static void on_alert(void *ud, const AlertEvent *ev)
{
    Run *r = ud;
    char sum[300];
    if (ev->kind == AEV_TRANSITION) {
        const Alert *a = ev->alert;
        const char *lvl = ev->to == ALERT_FIRING && a->rule->severity == SEV_CRITICAL ? "error"
                          : ev->to == ALERT_FIRING                                    ? "warn"
                                                                                      : "info";
        char val[40] = "";
        if (a->has_value) snprintf(val, sizeof(val), " value=%.10g", a->value);
        logline(lvl, "event=alert rule=%s from=%s to=%s severity=%s%s%s summary=\"%s\"",
                a->rule->id, alert_state_name(ev->from), alert_state_name(ev->to),
                alert_severity_name(a->rule->severity), val, a->silenced ? " silenced=true" : "",
                logval(a->summary, sum, sizeof(sum)));
    } else if (ev->kind == AEV_ACK) {
        logline("info", "event=ack rule=%s by=%s", ev->alert->rule->id, ev->who ? ev->who : "?");
    } else {
        logline("info", "event=%s target=%s until_ms=%lld",
                ev->kind == AEV_SILENCE ? "silence" : "unsilence", ev->silence->target,
                (long long)ev->silence->until_ms);
    }
    (void)r;
}

/* Loop signal callback: records what was asked and stops the loop turn. */
static void on_signal(void *ud, int sig)
{
    Run *r = ud;
    if (sig == SIGHUP)
        r->reload = true;
    else
        r->quit = true;
    loop_stop(r->app->loop);
}

/* Before-sleep hook: logs feed state changes and sample episodes (clock
 * stepped back, store refusals) since the last turn. */
static void on_turn(void *ud)
{
    Run *r = ud;
    App *a = r->app;
    if (strcmp(r->w->archive_status, r->archive) != 0) {
        char v[420];
        snprintf(r->archive, sizeof(r->archive), "%s", r->w->archive_status);
        if (r->archive[0])
            logline("warn", "event=archive error=\"%s\"", logval(r->archive, v, sizeof(v)));
        else
            logline("info", "event=archive result=ok path=%s", archive_path(r->w->archive));
    }
    for (size_t i = 0; i < a->n_kpis; i++) { /* the first sample of each episode */
        AppKpi *k = &a->kpis[i];
        if (!k->note) continue;
        logline("warn", "event=sample kpi=%s result=%s behind_ms=%lld retimed=%llu rejected=%llu",
                k->kpi->key, k->note == APP_SAMPLE_RETIMED ? "retimed" : "rejected",
                (long long)k->behind_ms, (unsigned long long)k->retimed,
                (unsigned long long)k->rejected);
        k->note = 0;
    }
    if (!(a->dirty & APP_DIRTY_STATUS)) {
        a->dirty = 0;
        return;
    }
    a->dirty = 0;
    for (size_t f = 0; f < a->cfg->n_feeds; f++) {
        const FeedStatus *st = &a->feeds[f];
        if (st->state == r->prev[f]) continue;
        char err[200];
        bool bad = st->state == FS_DOWN || st->state == FS_BAD_DATA;
        logline(bad ? "warn" : "info", "event=feed feed=%s from=%s to=%s latency_ms=%lld%s%s%s",
                a->cfg->feeds[f].id, feedstate_name(r->prev[f]), feedstate_name(st->state),
                (long long)st->latency_ms, st->error[0] ? " error=\"" : "",
                st->error[0] ? logval(st->error, err, sizeof(err)) : "", st->error[0] ? "\"" : "");
        r->prev[f] = st->state;
    }
}

/* Loads the config at path; prints its problems. NULL when invalid. */
static Config *load(const char *path)
{
    Diag diag;
    diag_init(&diag);
    Config *cfg = cfg_load_file(path, &diag);
    diag_print(&diag, stderr);
    diag_done(&diag);
    return cfg;
}

/* Builds and starts the monitoring core on cfg (taken) with signals routed to r. */
static bool start(Run *r, Config *cfg)
{
    char err[256];
    Watch *w = watch_new(cfg, on_alert, r, err, sizeof(err));
    if (!w) {
        char v[300];
        logline("error", "event=start error=\"%s\"", logval(err, v, sizeof(v)));
        return false;
    }
    FeedStateKind *prev = calloc(w->app->cfg->n_feeds ? w->app->cfg->n_feeds : 1, sizeof(*prev));
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    if (!prev || loop_catch_signals(w->app->loop, sigs, 3, on_signal, r) != 0) {
        logline("error", "event=start error=\"%s\"", _("cannot set up signals"));
        free(prev);
        watch_free(w);
        return false;
    }
    free(r->prev);
    r->prev = prev; /* calloc: every feed starts "pending" */
    r->w = w;
    r->app = w->app;
    loop_before_sleep(w->app->loop, on_turn, r);
    watch_start(w);
    logline("info", "event=start config=%s feeds=%zu kpis=%zu rules=%zu notify=%zu", r->path,
            w->app->cfg->n_feeds, w->app->n_kpis, w->app->cfg->n_rules, w->app->cfg->n_notify);
    if (w->archive)
        logline("info", "event=archive path=%s writer=%s", archive_path(w->archive),
                archive_writer(w->archive) ? "yes" : "no");
    return true;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *path = NULL;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            path = optarg;
            break;
        case 'h':
            return cli_help("run");
        case ':':
            return cli_usage_error("run", _("option '%s' needs a value"), argv[optind - 1]);
        default:
            return cli_usage_error("run", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage_error("run", _("unexpected argument '%s'"), argv[optind]);
    path = cli_config_path(path);
    if (!path)
        return cli_usage_error("run", "%s", _("no config given (use -c FILE or set IOC_CONFIG)"));

    Config *cfg = load(path);
    if (!cfg) return IOC_EXIT_USAGE;
    if (timefmt_set_zone(cfg->timezone) != 0)
        fprintf(stderr, _("ioc run: time zone '%s' not found; using UTC\n"), cfg->timezone);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        cfg_free(cfg);
        fprintf(stderr, "ioc run: %s\n", _("cannot initialise libcurl"));
        return IOC_EXIT_FAIL;
    }
    Run r = {.path = path};
    int rc = IOC_EXIT_OK;
    if (!start(&r, cfg)) {
        rc = IOC_EXIT_FAIL;
        goto out;
    }
    while (!r.quit) {
        if (loop_run(r.app->loop) != 0) {
            logline("error", "event=loop error=\"%s\"", _("the event loop failed"));
            rc = IOC_EXIT_FAIL;
            break;
        }
        if (!r.reload) continue;
        r.reload = false;
        logline("info", "event=reload config=%s", path);
        Config *next = load(path);
        if (!next) {
            logline("warn", "event=reload result=invalid action=\"keeping the running config\"");
            continue;
        }
        watch_free(r.w); /* also gives the signals back, so the new loop can take them */
        r.w = NULL;
        r.app = NULL;
        if (!start(&r, next)) {
            rc = IOC_EXIT_FAIL;
            break;
        }
    }
    if (r.quit) logline("info", "event=stop polls=%llu", (unsigned long long)r.app->polls);
out:
    watch_free(r.w);
    free(r.prev);
    curl_global_cleanup();
    return rc;
}
