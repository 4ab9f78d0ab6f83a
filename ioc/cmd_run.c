/* clang-format off */
/* cmd_run.c - "ioc run": the headless collector (what a systemd unit starts).
 *
 * Polls every feed on its schedule with no terminal, and logs to stderr in
 * logfmt, exactly one line per event (docs/logging.md lists every event and
 * its keys); values with spaces are quoted, control characters escaped:
 *   ts=2026-11-25T18:30:05+07:00 level=warn event=feed feed=dvc from=ok to=down latency_ms=4001 error="timeout after 4 s"
 *   ts=2026-11-25T18:31:40+07:00 level=error event=reload msg="/etc/ioc/ioc.yaml:3:7: unknown key 'intervall' in feed"
 *   ts=2026-11-25T18:32:10+07:00 level=warn event=notify target=http://127.0.0.1:9/hook alerts=1 status=firing attempt=1 result=retry error="HTTP 500"
 * SIGTERM/SIGINT stop it cleanly; SIGHUP reloads the config, keeping the old
 * one (and running on) when the new one is invalid. */
/* clang-format on */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "services/monitor.h"
#include "ioc/cli.h"
#include "base/i18n.h"
#include "base/timefmt.h"
#include "base/logfmt.h"

typedef struct {
    Monitor *w;
    Collector *coll; /* w->coll */
    const char *path;
    bool quit, reload;
    FeedStateKind *prev; /* last logged state per feed */
    char archive[400];   /* the archive status last logged */
} Run;

/* A log line being built: ts, level and event come first. */
typedef struct {
    LogFmt l;
    char buf[LOGFMT_LINE_MAX];
} Line;

/* Starts line ln with the time, the level and the event. */
static LogFmt *log_begin(Line *ln, const char *level, const char *event)
{
    char ts[40];
    timefmt_iso(loop_wall_ms(), ts, sizeof(ts));
    logfmt_init(&ln->l, ln->buf, sizeof(ln->buf));
    logfmt_str(&ln->l, "ts", ts);
    logfmt_str(&ln->l, "level", level);
    logfmt_str(&ln->l, "event", event);
    return &ln->l;
}

/* Writes line ln to stderr in one write. */
static void log_end(Line *ln)
{
    logfmt_write(&ln->l, stderr);
}

/* Logs one line with a single key=value after the event (msg, error...). */
static void log_one(const char *level, const char *event, const char *key, const char *value)
{
    Line ln;
    logfmt_str(log_begin(&ln, level, event), key, value);
    log_end(&ln);
}

/* Monitor callback: one log line per alert transition, ack and silence. */
static void on_alert(void *ud, const AlertEvent *ev)
{
    Line ln;
    LogFmt *l;
    (void)ud;
    if (ev->kind == AEV_TRANSITION) {
        const Alert *a = ev->alert;
        const char *lvl = ev->to == ALERT_FIRING && a->rule->severity == SEV_CRITICAL ? "error"
                          : ev->to == ALERT_FIRING                                    ? "warn"
                                                                                      : "info";
        l = log_begin(&ln, lvl, "alert");
        logfmt_str(l, "rule", a->rule->id);
        logfmt_str(l, "from", alert_state_name(ev->from));
        logfmt_str(l, "to", alert_state_name(ev->to));
        logfmt_str(l, "severity", alert_severity_name(a->rule->severity));
        if (a->has_value) logfmt_strf(l, "value", "%.10g", a->value);
        if (a->silenced) logfmt_bool(l, "silenced", true);
        logfmt_str(l, "summary", a->summary);
    } else if (ev->kind == AEV_ACK) {
        l = log_begin(&ln, "info", "ack");
        logfmt_str(l, "rule", ev->alert->rule->id);
        logfmt_str(l, "by", ev->who ? ev->who : "?");
    } else {
        l = log_begin(&ln, "info", ev->kind == AEV_SILENCE ? "silence" : "unsilence");
        logfmt_str(l, "target", ev->silence->target);
        logfmt_int(l, "until_ms", (long long)ev->silence->until_ms);
    }
    log_end(&ln);
}

/* Monitor callback: one log line per notification delivery attempt. */
static void on_notify(void *ud, size_t target, const NotifyOutcome *o)
{
    Run *r = ud;
    Line ln;
    const char *lvl = o->result == NOTIFY_OK      ? "info"
                      : o->result == NOTIFY_RETRY ? "warn"
                                                  : "error";
    LogFmt *l = log_begin(&ln, lvl, "notify");
    logfmt_str(l, "target", notify_target_name(r->w->notifier, target));
    logfmt_int(l, "alerts", (long long)o->n_alerts);
    logfmt_str(l, "status", o->firing ? "firing" : "resolved");
    logfmt_int(l, "attempt", o->attempt);
    logfmt_str(l, "result", notify_result_name(o->result));
    if (o->error && o->error[0]) logfmt_str(l, "error", o->error);
    log_end(&ln);
}

/* Loop signal callback: records what was asked and stops the loop turn. */
static void on_signal(void *ud, int sig)
{
    Run *r = ud;
    if (sig == SIGHUP)
        r->reload = true;
    else
        r->quit = true;
    loop_stop(r->coll->loop);
}

/* Logs the archive's state: the writer, or why it does not write. */
static void log_archive(Run *r)
{
    const Archive *ar = r->w->archive;
    const char *err = r->w->archive_status;
    bool writing = archive_writer(ar) && !err[0];
    Line ln;
    LogFmt *l = log_begin(&ln, writing ? "info" : "warn", "archive");
    logfmt_str(l, "path", archive_path(ar));
    logfmt_str(l, "writer", writing ? "yes" : "no");
    if (err[0]) logfmt_str(l, "error", err);
    log_end(&ln);
    snprintf(r->archive, sizeof(r->archive), "%s", err);
}

/* Before-sleep hook: logs the archive state, sample episodes (clock
 * stepped back, store refusals) and feed state changes since the last turn. */
static void on_turn(void *ud)
{
    Run *r = ud;
    Collector *a = r->coll;
    if (r->w->archive && strcmp(r->w->archive_status, r->archive) != 0) log_archive(r);
    for (size_t i = 0; i < a->n_kpis; i++) { /* the first sample of each episode */
        CollKpi *k = &a->kpis[i];
        if (!k->note) continue;
        Line ln;
        LogFmt *l = log_begin(&ln, "warn", "sample");
        logfmt_str(l, "kpi", k->kpi->key);
        logfmt_str(l, "result", k->note == COLL_SAMPLE_RETIMED ? "retimed" : "rejected");
        logfmt_int(l, "behind_ms", (long long)k->behind_ms);
        logfmt_int(l, "retimed", (long long)k->retimed);
        logfmt_int(l, "rejected", (long long)k->rejected);
        log_end(&ln);
        k->note = 0;
    }
    if (!(a->dirty & COLL_DIRTY_STATUS)) {
        a->dirty = 0;
        return;
    }
    a->dirty = 0;
    for (size_t f = 0; f < a->cfg->n_feeds; f++) {
        const FeedStatus *st = &a->feeds[f];
        if (st->state == r->prev[f]) continue;
        bool bad = st->state == FS_DOWN || st->state == FS_BAD_DATA;
        Line ln;
        LogFmt *l = log_begin(&ln, bad ? "warn" : "info", "feed");
        logfmt_str(l, "feed", a->cfg->feeds[f].id);
        logfmt_str(l, "from", feedstate_name(r->prev[f]));
        logfmt_str(l, "to", feedstate_name(st->state));
        logfmt_int(l, "latency_ms", (long long)st->latency_ms);
        if (st->error[0]) logfmt_str(l, "error", st->error);
        log_end(&ln);
        r->prev[f] = st->state;
    }
}

/* Loads the config at path; logs each of its problems as one line of event
 * `event` ("start" or "reload"). NULL when invalid. */
static Config *load(const char *path, const char *event)
{
    Diag diag;
    diag_init(&diag);
    Config *cfg = cfg_load_file(path, &diag);
    for (size_t i = 0; i < diag.n; i++) {
        char msg[2400];
        diag_format(&diag.items[i], msg, sizeof(msg));
        log_one(diag.items[i].level == DIAG_ERROR ? "error" : "warn", event, "msg", msg);
    }
    diag_done(&diag);
    return cfg;
}

/* Builds and starts the monitoring core on cfg (taken) with signals routed
 * to r; on a reload it takes over from the running one (monitor_reload). */
static bool start(Run *r, Config *cfg)
{
    char err[256];
    Monitor *w = r->w ? monitor_reload(r->w, cfg, err, sizeof(err))
                      : monitor_new(cfg, on_alert, r, err, sizeof(err));
    r->w = NULL; /* a reload freed the running one */
    r->coll = NULL;
    if (!w) {
        log_one("error", "start", "error", err);
        return false;
    }
    FeedStateKind *prev = calloc(w->coll->cfg->n_feeds ? w->coll->cfg->n_feeds : 1, sizeof(*prev));
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    if (!prev || loop_catch_signals(w->coll->loop, sigs, 3, on_signal, r) != 0) {
        log_one("error", "start", "error", _("cannot set up signals"));
        free(prev);
        monitor_free(w);
        return false;
    }
    free(r->prev);
    r->prev = prev; /* calloc: every feed starts "pending" */
    r->w = w;
    r->coll = w->coll;
    monitor_on_notify(w, on_notify, r);
    loop_before_sleep(w->coll->loop, on_turn, r);
    monitor_start(w);
    Line ln;
    LogFmt *l = log_begin(&ln, "info", "start");
    logfmt_str(l, "config", r->path);
    logfmt_int(l, "feeds", (long long)w->coll->cfg->n_feeds);
    logfmt_int(l, "kpis", (long long)w->coll->n_kpis);
    logfmt_int(l, "rules", (long long)w->coll->cfg->n_rules);
    logfmt_int(l, "notify", (long long)w->coll->cfg->n_notify);
    log_end(&ln);
    if (w->archive) log_archive(r);
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

    Config *cfg = load(path, "start");
    if (!cfg) return IOC_EXIT_USAGE;
    if (timefmt_set_zone(cfg->timezone) != 0) {
        char msg[300];
        snprintf(msg, sizeof(msg), _("time zone '%s' not found; using UTC"), cfg->timezone);
        log_one("warn", "start", "msg", msg);
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        cfg_free(cfg);
        log_one("error", "start", "error", _("cannot initialise libcurl"));
        return IOC_EXIT_FAIL;
    }
    Run r = {.path = path};
    int rc = IOC_EXIT_OK;
    if (!start(&r, cfg)) {
        rc = IOC_EXIT_FAIL;
        goto out;
    }
    while (!r.quit) {
        if (loop_run(r.coll->loop) != 0) {
            log_one("error", "loop", "error", _("the event loop failed"));
            rc = IOC_EXIT_FAIL;
            break;
        }
        if (!r.reload) continue;
        r.reload = false;
        log_one("info", "reload", "config", path);
        Config *next = load(path, "reload");
        if (!next) {
            Line ln;
            LogFmt *l = log_begin(&ln, "warn", "reload");
            logfmt_str(l, "result", "invalid");
            logfmt_str(l, "action", _("keeping the running config"));
            log_end(&ln);
            continue;
        }
        if (!start(&r, next)) { /* alerts whose rule did not change keep their state */
            rc = IOC_EXIT_FAIL;
            break;
        }
    }
    if (r.quit) {
        Line ln;
        logfmt_int(log_begin(&ln, "info", "stop"), "polls", (long long)r.coll->polls);
        log_end(&ln);
    }
out:
    monitor_free(r.w);
    free(r.prev);
    curl_global_cleanup();
    return rc;
}
