/* clang-format off */
/* cmd_run.c - "ioc run": the headless collector (what a systemd unit starts).
 *
 * Polls every feed on its schedule with no terminal, and logs to stderr in
 * logfmt, exactly one line per event (docs/logging.md lists every event and
 * its keys); values with spaces are quoted, control characters escaped:
 *   ts=2026-11-25T18:30:05+07:00 level=warn event=feed feed=dvc from=ok to=down latency_ms=4001 error="timeout after 4s"
 *   ts=2026-11-25T18:31:40+07:00 level=error event=reload msg="/etc/ioc/ioc.yaml:3:7: unknown key 'intervall' in feed"
 *   ts=2026-11-25T18:32:10+07:00 level=warn event=notify target=http://127.0.0.1:9/hook alerts=1 status=firing attempt=1 result=retry error="HTTP 500"
 * Under systemd with stderr going to the journal ($JOURNAL_STREAM names it),
 * each event goes instead as one native journal record with IOC_* fields
 * (base/journal.h; a record the journal does not take is written to stderr).
 * SIGTERM/SIGINT stop it cleanly; SIGHUP reloads the config, keeping the old
 * one (and running on) when the new one is invalid. */
/* clang-format on */
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "export/snapshot_live.h"
#include "services/api.h"
#include "services/http.h"
#include "services/events.h"
#include "export/metrics.h"
#include "services/monitor.h"
#include "ioc/cli.h"
#include "base/i18n.h"
#include "base/timefmt.h"
#include "base/logfmt.h"
#include "base/sdnotify.h"
#include "base/journal.h"

typedef struct {
    Monitor *w;
    Collector *coll; /* w->coll */
    const char *path;
    bool quit, reload;
    FeedStateKind *prev;    /* last logged state per feed */
    char archive[400];      /* the archive status last logged */
    bool archive_noted;     /* archive_notice() logged */
    Api api;                /* the HTTP API's routes (api.mon follows reloads) */
    HttpServer *http;       /* ioc.http.listen's server, or NULL */
    MetricsCarry *carry;    /* counters of the Monitors that reloads replaced (owned) */
    bool ready_sent;        /* READY=1 went to the service manager (first round done) */
    int64_t start_ms;       /* when the process started (process_start_time_seconds) */
    Events *events;         /* /api/v1/events' fan-out (with the server), or NULL */
    FeedStateKind *ev_prev; /* per feed: the state the last "poll" event showed */
} Run;

/* The journal the log goes to (log_setup()), when log_to_journal. */
static Journal log_journal = {.fd = -1};
static bool log_to_journal;

/* A log line being built: ts, level and event come first. With the journal,
 * the same pairs are also built as a record's fields. */
typedef struct {
    LogFmt l;
    char buf[LOGFMT_LINE_MAX];
    JournalRec rec; /* the pairs but ts and level as IOC_* fields */
    int priority;   /* the level as a syslog priority */
    char jbuf[JOURNAL_RECORD_MAX];
} Line;

/* LogFmt tee: a pair of the line as a journal field, "feed" as IOC_FEED (ts
 * and level are the journal's own timestamp and PRIORITY). */
static void log_tee(void *ud, const char *key, const char *value)
{
    Line *ln = ud;
    if (strcmp(key, "ts") != 0 && strcmp(key, "level") != 0)
        journal_field(&ln->rec, "IOC_", key, value);
}

/* Starts line ln with the time, the level and the event. */
static LogFmt *log_begin(Line *ln, const char *level, const char *event)
{
    char ts[40];
    timefmt_iso(loop_wall_ms(), ts, sizeof(ts));
    logfmt_init(&ln->l, ln->buf, sizeof(ln->buf));
    if (log_to_journal) {
        journal_rec_init(&ln->rec, ln->jbuf, sizeof(ln->jbuf));
        ln->priority = journal_priority(level);
        logfmt_tee(&ln->l, log_tee, ln);
    }
    logfmt_str(&ln->l, "ts", ts);
    logfmt_str(&ln->l, "level", level);
    logfmt_str(&ln->l, "event", event);
    return &ln->l;
}

/* Sends line ln to the journal as one record (its MESSAGE the line without
 * ts) or, without the journal or when the record was dropped, writes it to
 * stderr in one write. */
static void log_end(Line *ln)
{
    if (log_to_journal) {
        const char *msg = ln->buf, *sp = strchr(msg, ' ');
        char err[300];
        if (strncmp(msg, "ts=", 3) == 0 && sp) msg = sp + 1;
        if (journal_send(&log_journal, ln->priority, msg, &ln->rec, err, sizeof(err)) == 0) return;
    }
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
    Run *r = ud;
    events_alert(r->events, r->w, ev); /* r->w is the Monitor whose engine speaks */
    if (ev->kind == AEV_TRANSITION) {
        const Alert *a = ev->alert;
        const char *lvl = ev->to == ALERT_FIRING && a->rule->severity == SEV_CRITICAL ? "error"
                          : ev->to == ALERT_FIRING                                    ? "warn"
                                                                                      : "info";
        l = log_begin(&ln, lvl, "alert");
        logfmt_str(l, "rule", a->rule->id);
        logfmt_str(l, "from", alert_state_name(ev->from));
        logfmt_str(l, "to", alert_state_name(ev->to));
        logfmt_str(l, "severity", cfg_severity_name(a->rule->severity));
        if (a->has_value) logfmt_strf(l, "value", "%.10g", a->value);
        if (a->silenced) logfmt_bool(l, "silenced", true);
        logfmt_str(l, "summary", a->summary);
    } else if (ev->kind == AEV_ACK) {
        l = log_begin(&ln, "info", "ack");
        logfmt_str(l, "rule", ev->alert->rule->id);
        logfmt_str(l, "by", ev->who ? ev->who : "?");
        if (ev->comment && ev->comment[0]) logfmt_str(l, "comment", ev->comment);
    } else {
        l = log_begin(&ln, "info", ev->kind == AEV_SILENCE ? "silence" : "unsilence");
        logfmt_int(l, "id", (long long)ev->silence->id);
        logfmt_str(l, "target", ev->silence->target);
        logfmt_int(l, "until_ms", (long long)ev->silence->until_ms);
        if (ev->who) logfmt_str(l, "by", ev->who);
    }
    log_end(&ln);
}

/* Monitor callback: a poll result was stored; streams "poll", then "feed"
 * when the feed's state changed. */
static void on_poll(void *ud, size_t feed, int64_t wall_ms)
{
    Run *r = ud;
    if (!r->events || !r->w) return;
    events_poll(r->events, r->w, feed, wall_ms);
    FeedStateKind now = r->w->coll->feeds[feed].state;
    if (now != r->ev_prev[feed]) events_feed(r->events, r->w, feed, r->ev_prev[feed], wall_ms);
    r->ev_prev[feed] = now;
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

/* HTTP server callback: one line per API request that changed state or was
 * refused for its token or role (the token itself is never logged). */
static void on_http(void *ud, const HttpLogEntry *e)
{
    Line ln;
    (void)ud;
    LogFmt *l = log_begin(&ln, e->status < 400 ? "info" : "warn", "api");
    logfmt_str(l, "method", e->method);
    logfmt_str(l, "uri", e->uri);
    logfmt_int(l, "status", e->status);
    if (e->user[0]) logfmt_str(l, "user", e->user);
    if (e->what[0]) logfmt_str(l, "action", e->what);
    logfmt_str(l, "peer", e->peer);
    log_end(&ln);
}

/* The API's snapshot writer: the collector's live state as the document of
 * "ioc snapshot -f FORMAT" (the same writers and names). */
static int write_snapshot(void *ud, const Monitor *m, const char *format, SBuf *out,
                          const char **type, char *err, size_t errlen)
{
    static const char *const types[] = {
        [SNAP_JSON] = "application/json",
        [SNAP_CSV] = "text/csv; charset=utf-8",
        [SNAP_PROM] = "text/plain; version=0.0.4; charset=utf-8",
        [SNAP_TEXT] = "text/plain; charset=utf-8",
    };
    (void)ud;
    SnapFormat fmt;
    if (!snap_format_from_name(format, &fmt)) {
        char names[64];
        snprintf(err, errlen, _("unknown format '%s' (%s)"), format,
                 snap_format_names(names, sizeof names));
        return -2;
    }
    *type = types[fmt];
    Snapshot *s = snap_new(m->coll->cfg);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = s ? open_memstream(&buf, &len) : NULL;
    int rc = -1;
    if (f) {
        snap_fill_live(s, m->coll, loop_wall_ms());
        rc = snap_write(s, fmt, f);
        if (fclose(f) != 0) rc = -1;
        if (rc == 0) sbuf_add(out, buf, len);
    }
    free(buf);
    snap_free(s);
    return rc;
}

/* Api writer: the Prometheus exposition of m, with the counters carried
 * over reloads. */
static int write_metrics(void *ud, const Monitor *m, SBuf *out)
{
    const Run *r = ud;
    const MetricsInfo info = {.start_ms = r->start_ms, .carry = r->carry};
    return metrics_write(m, &info, out);
}

/* Starts the API server of cfg's ioc.http.listen on the running loop; logs
 * where it listens. False after logging why it cannot. */
static bool start_http(Run *r, const CfgHttp *h)
{
    char err[300];
    r->api.snapshot = write_snapshot;
    r->api.metrics = write_metrics;
    r->api.ud = r;
    /* The generation changes on every start and reload: the start time, then +1 or later. */
    r->events = events_new(0, loop_wall_ms());
    if (!r->events) {
        log_one("error", "http", "error", _("out of memory"));
        return false;
    }
    r->api.events = r->events;
    r->http = http_new(h, &r->api, on_http, r, err, sizeof(err));
    if (!r->http || http_attach(r->http, r->coll->loop) != 0) {
        log_one("error", "http", "error", r->http ? _("cannot watch the server's socket") : err);
        return false;
    }
    Line ln;
    LogFmt *l = log_begin(&ln, "info", "http");
    logfmt_strf(l, "listen", h->ipv6 ? "[%s]:%d" : "%s:%d", h->host, http_port(r->http));
    logfmt_str(l, "tls", h->tls_cert ? "yes" : "no");
    logfmt_int(l, "users", (long long)h->n_users);
    log_end(&ln);
    return true;
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
    const char *note = archive_notice(ar);
    if (note[0] && !r->archive_noted) logfmt_str(l, "note", note); /* once: a conversion */
    r->archive_noted = true;
    log_end(&ln);
    snprintf(r->archive, sizeof(r->archive), "%s", err);
}

/* Tells the service manager (Type=notify, $NOTIFY_SOCKET) that the first
 * poll round is done, and logs it; once per process. */
static void notify_ready(Run *r)
{
    char err[200], status[80];
    snprintf(status, sizeof(status), "READY=1\nSTATUS=polling %zu feeds", r->coll->cfg->n_feeds);
    r->ready_sent = true;
    int rc = sdnotify_send(status, err, sizeof(err));
    Line ln;
    LogFmt *l = log_begin(&ln, rc < 0 ? "warn" : "info", "ready");
    logfmt_int(l, "feeds", (long long)r->coll->cfg->n_feeds);
    logfmt_str(l, "sd_notify", rc > 0 ? "sent" : rc == 0 ? "no" : "failed");
    if (rc < 0) logfmt_str(l, "error", err);
    log_end(&ln);
}

/* Before-sleep hook: logs the archive state, sample episodes (clock
 * stepped back, store refusals) and feed state changes since the last turn. */
static void on_turn(void *ud)
{
    Run *r = ud;
    Collector *a = r->coll;
    if (!r->ready_sent && coll_all_polled(a)) notify_ready(r);
    if (r->w->archive && strcmp(r->w->archive_status, r->archive) != 0) log_archive(r);
    /* The first sample of each episode; the KPIs are scanned only when one was noted. */
    for (size_t i = 0; (a->dirty & COLL_DIRTY_NOTE) && i < a->n_kpis; i++) {
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

/* Chooses where the log goes: native journal records when stderr is the
 * journal (JOURNAL_STREAM matches it) unless IOC_LOG_JOURNAL is 0, off, no
 * or false; the socket is IOC_JOURNAL_SOCKET's (for tests) or journald's. */
static void log_setup(void)
{
    static const char *const off[] = {"0", "off", "no", "false"};
    const char *mode = getenv("IOC_LOG_JOURNAL");
    for (size_t i = 0; mode && i < sizeof(off) / sizeof(off[0]); i++)
        if (strcmp(mode, off[i]) == 0) return;
    if (!journal_stream_is(getenv("JOURNAL_STREAM"), STDERR_FILENO)) return;
    const char *path = getenv("IOC_JOURNAL_SOCKET");
    char err[300];
    if (journal_open(&log_journal, path && path[0] ? path : NULL, "ioc", err, sizeof(err)) == 0)
        log_to_journal = true;
    else
        log_one("warn", "start", "error", err);
}

/* Closes the journal's socket: the log goes to stderr again. */
static void log_close(void)
{
    journal_close(&log_journal);
    log_to_journal = false;
}

/* CliStart log: a start-up message as one line of event ud ("start" or
 * "reload"), e.g. each problem of the config. */
static void log_start(void *ud, const char *level, const char *key, const char *msg)
{
    log_one(level, ud, key, msg);
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
    size_t nf = w->coll->cfg->n_feeds ? w->coll->cfg->n_feeds : 1;
    FeedStateKind *prev = calloc(nf, sizeof(*prev)), *ev_prev = calloc(nf, sizeof(*ev_prev));
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    if (!prev || !ev_prev || loop_catch_signals(w->coll->loop, sigs, 3, on_signal, r) != 0) {
        log_one("error", "start", "error", _("cannot set up signals"));
        free(prev);
        free(ev_prev);
        monitor_free(w);
        return false;
    }
    free(r->prev);
    r->prev = prev; /* calloc: every feed starts "pending" */
    free(r->ev_prev);
    r->ev_prev = ev_prev;
    r->w = w;
    r->coll = w->coll;
    r->api.mon = w;
    monitor_on_notify(w, on_notify, r);
    monitor_on_poll(w, on_poll, r);
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
    char found[PATH_MAX]; /* the config found when -c is not given */
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            path = optarg;
            break;
        default:
            return cli_other_option("run", ch, argv);
        }
    }
    int rc = cli_no_operands("run", argc, argv);
    if (rc < 0) rc = cli_need_config("run", &path, found, sizeof(found), NULL);
    if (rc >= 0) return rc;

    log_setup();
    static char start_event[] = "start", reload_event[] = "reload";
    const CliStart at_start = {.cmd = "run", .log = log_start, .ud = start_event};
    const CliStart at_reload = {.cmd = "run", .log = log_start, .ud = reload_event};
    Config *cfg = cli_start(&at_start, path, &rc);
    if (!cfg) {
        log_close();
        return rc;
    }
    Run r = {.path = path, .carry = metrics_carry_new(), .start_ms = loop_wall_ms()};
    rc = IOC_EXIT_OK;
    if (!r.carry) {
        log_one("error", "start", "error", _("out of memory"));
        rc = IOC_EXIT_FAIL;
        goto out;
    }
    if (!start(&r, cfg)) {
        rc = IOC_EXIT_FAIL;
        goto out;
    }
    const CfgHttp *h = r.coll->cfg->http;
    if (h && h->listen && !start_http(&r, h)) {
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
        Config *next = cli_load_config(&at_reload, path, NULL, NULL);
        if (!next) {
            Line ln;
            LogFmt *l = log_begin(&ln, "warn", "reload");
            logfmt_str(l, "result", "invalid");
            logfmt_str(l, "action", _("keeping the running config"));
            log_end(&ln);
            continue;
        }
        http_detach(r.http);             /* the server outlives the reload; the old loop does not */
        metrics_carry_add(r.carry, r.w); /* counters only grow, across reloads too */
        if (!start(&r, next)) {          /* alerts whose rule did not change keep their state */
            rc = IOC_EXIT_FAIL;
            break;
        }
        if (r.events) { /* clients re-read the config: a new generation, streams closed */
            int64_t gen = events_generation(r.events) + 1, now = loop_wall_ms();
            events_reload(r.events, now > gen ? now : gen);
        }
        if (r.http && http_attach(r.http, r.coll->loop) != 0) {
            log_one("error", "http", "error", _("cannot watch the server's socket"));
            rc = IOC_EXIT_FAIL;
            break;
        }
        h = r.coll->cfg->http;
        if ((r.http && http_settings_differ(r.http, h)) || (!r.http && h && h->listen))
            log_one("warn", "http", "msg",
                    _("changes to ioc.http listen, tls, max_connections and max_body take effect "
                      "at the next restart; users and metrics_auth are reloaded"));
    }
    if (r.quit) {
        char err[200];
        (void)sdnotify_send("STOPPING=1", err, sizeof(err)); /* best effort */
        Line ln;
        LogFmt *l = log_begin(&ln, "info", "stop");
        logfmt_int(l, "polls", (long long)r.coll->polls);
        if (log_journal.dropped) logfmt_int(l, "journal_dropped", (long long)log_journal.dropped);
        log_end(&ln);
    }
out:
    http_free(r.http); /* before the events its streams read */
    events_free(r.events);
    r.events = NULL;
    monitor_free(r.w);
    metrics_carry_free(r.carry);
    free(r.prev);
    free(r.ev_prev);
    curl_global_cleanup();
    log_close();
    return rc;
}
