/* cmd_snapshot.c - "ioc snapshot": poll every feed once, print the province's state. */
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "feeds/poller.h"
#include "services/archive.h"
#include "ioc/cli.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "ioc/simproc.h"
#include "export/snapshot.h"

/* What --fail-on asks for. */
typedef struct {
    bool warn, crit, down;
} FailOn;

/* Parses a --fail-on list such as "crit,down"; false when a word is unknown
 * or missing (an empty list, or an empty word as in "crit,,down"). */
static bool parse_fail_on(const char *s, FailOn *f)
{
    char buf[128];
    if (!*s || strlen(s) >= sizeof(buf) || s[0] == ',' || s[strlen(s) - 1] == ',' ||
        strstr(s, ",,"))
        return false;
    snprintf(buf, sizeof(buf), "%s", s);
    char *save = NULL;
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "warn") == 0)
            f->warn = true;
        else if (strcmp(w, "crit") == 0)
            f->crit = true;
        else if (strcmp(w, "down") == 0)
            f->down = true;
        else
            return false;
    }
    return true;
}

/* Poller callback: copies a feed's result into the snapshot. */
static void on_result(void *ud, size_t feed, const FeedStatus *st, const KpiValue *vals,
                      int64_t wall_ms)
{
    Snapshot *s = ud;
    SnapFeed *sf = &s->feeds[feed];
    sf->status = *st;
    for (size_t i = 0; i < sf->feed->n_kpis; i++) {
        SnapKpi *k = &sf->kpis[i];
        k->has_value = vals[i].has_value;
        k->value = vals[i].value;
        k->ts_ms = vals[i].has_value ? wall_ms : 0;
        k->status = cfg_kpi_status(k->kpi, k->has_value, k->value, false);
        snprintf(k->error, sizeof(k->error), "%s", vals[i].error);
    }
}

/* Polls every feed of cfg once, concurrently; fills s. 0 or -1 (err set). */
static int take_snapshot(const Config *cfg, Snapshot *s, char *err, size_t errlen)
{
    Loop *loop = loop_new();
    if (!loop) {
        snprintf(err, errlen, "%s", _("cannot create the event loop"));
        return -1;
    }
    Poller *p = poller_new(loop, cfg, on_result, s, err, errlen);
    if (!p) {
        loop_free(loop);
        return -1;
    }
    for (size_t i = 0; i < cfg->n_feeds; i++)
        poller_poll_now(p, i);
    int rc = 0;
    while (poller_busy(p) > 0) {
        if (loop_once(loop, 1000) != 0) {
            snprintf(err, errlen, "%s", _("the event loop failed"));
            rc = -1;
            break;
        }
    }
    s->taken_at_ms = loop_wall_ms();
    poller_free(p);
    loop_free(loop);
    return rc;
}

/* Fills s with the latest values and feed states recorded in cfg's archive
 * (no polling). A KPI whose feed failed after its value is stale.
 * IOC_EXIT_OK, or an exit status after printing the problem. */
static int snapshot_from_archive(const Config *cfg, Snapshot *s)
{
    if (!cfg->archive) {
        fprintf(stderr, "ioc snapshot: %s\n",
                _("the config has no archive (ioc.archive is off); nothing to read"));
        return IOC_EXIT_USAGE;
    }
    char err[512];
    Archive *a = archive_open_reader(cfg->archive, err, sizeof(err));
    if (!a) {
        fprintf(stderr, "ioc snapshot: %s\n", err);
        return strstr(err, "no archive at") ? IOC_EXIT_USAGE : IOC_EXIT_FAIL;
    }
    for (size_t f = 0; f < s->n_feeds; f++) {
        SnapFeed *sf = &s->feeds[f];
        bool known = archive_feed_state(a, sf->feed->id, &sf->status);
        for (size_t i = 0; i < sf->feed->n_kpis; i++) {
            SnapKpi *k = &sf->kpis[i];
            Sample last;
            k->has_value = archive_latest(a, k->kpi->key, &last);
            k->value = k->has_value ? last.value : 0;
            k->ts_ms = k->has_value ? last.ts_ms : 0;
            bool stale = known && k->has_value && !feedstate_is_up(sf->status.state) &&
                         sf->status.last_poll_ms > k->ts_ms;
            k->status = cfg_kpi_status(k->kpi, k->has_value, k->value, stale);
            if (!k->has_value)
                snprintf(k->error, sizeof(k->error), "%s", _("no value in the archive"));
        }
    }
    archive_close(a);
    s->taken_at_ms = loop_wall_ms();
    return IOC_EXIT_OK;
}

/* True when the --fail-on condition holds for s. */
static bool fail_condition(const Snapshot *s, const FailOn *f)
{
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        if (f->down && !feedstate_is_up(sf->status.state)) return true;
        for (size_t k = 0; k < sf->feed->n_kpis; k++) {
            KpiStatus st = sf->kpis[k].status;
            if (f->crit && st == KST_CRIT) return true;
            if (f->warn && (st == KST_WARN || st == KST_CRIT)) return true;
        }
    }
    return false;
}

/* snap_write() in the shape cli_write_output() takes. */
static int write_any(const void *obj, int fmt, FILE *out)
{
    return snap_write((const Snapshot *)obj, (SnapFormat)fmt, out);
}

int cmd_snapshot(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'}, {"fail-on", required_argument, NULL, 'F'},
        {"demo", no_argument, NULL, 'D'},         {"from-archive", no_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0},
    };
    const char *path = NULL, *out = NULL;
    char found[PATH_MAX]; /* the config found when -c is not given */
    SnapFormat fmt = SNAP_TEXT;
    FailOn fail = {0};
    bool demo = false, from_archive = false;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":c:f:o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            path = optarg;
            break;
        case 'f':
            if (!snap_format_from_name(optarg, &fmt)) {
                char names[64];
                return cli_usage_error("snapshot", _("unknown format '%s' (%s)"), optarg,
                                       snap_format_names(names, sizeof names));
            }
            break;
        case 'o':
            out = optarg;
            break;
        case 'F':
            if (!parse_fail_on(optarg, &fail))
                return cli_usage_error(
                    "snapshot", _("--fail-on takes warn, crit or down (comma-separated), not '%s'"),
                    optarg);
            break;
        case 'D':
            demo = true;
            break;
        case 'A':
            from_archive = true;
            break;
        default:
            return cli_other_option("snapshot", ch, argv);
        }
    }
    int rc = cli_no_operands("snapshot", argc, argv);
    if (rc >= 0) return rc;
    if (demo && path)
        return cli_usage_error("snapshot", "%s", _("give either --demo or -c FILE, not both"));
    if (demo && from_archive)
        return cli_usage_error("snapshot", "%s",
                               _("--from-archive reads a config's archive; not with --demo"));
    if (!demo)
        rc = cli_need_config("snapshot", &path, found, sizeof(found),
                             _("no config given (use -c FILE, set IOC_CONFIG, or --demo)"));
    if (rc >= 0) return rc;

    /* --demo: the bundled province (path NULL) against a simulator of our own. */
    SimProc *sim = demo ? cli_demo_sim("snapshot", false) : NULL;
    if (demo && !sim) return IOC_EXIT_FAIL;
    Config *cfg = cli_start(&(CliStart){.cmd = "snapshot"}, path, &rc);
    if (!cfg) {
        simproc_stop(sim);
        return rc;
    }

    rc = IOC_EXIT_FAIL;
    char err[256];
    Snapshot *s = snap_new(cfg);
    if (!s) {
        fprintf(stderr, "ioc snapshot: %s\n", _("out of memory"));
    } else if (from_archive) {
        rc = snapshot_from_archive(cfg, s);
        if (rc == IOC_EXIT_OK && cli_write_output("snapshot", out, write_any, s, (int)fmt) == 0)
            rc = fail_condition(s, &fail) ? IOC_EXIT_ALERT : IOC_EXIT_OK;
        else if (rc == IOC_EXIT_OK)
            rc = IOC_EXIT_FAIL;
    } else if (take_snapshot(cfg, s, err, sizeof(err)) != 0) {
        fprintf(stderr, "ioc snapshot: %s\n", err);
    } else if (cli_write_output("snapshot", out, write_any, s, (int)fmt) == 0) {
        rc = fail_condition(s, &fail) ? IOC_EXIT_ALERT : IOC_EXIT_OK;
    }
    curl_global_cleanup();
    snap_free(s);
    cfg_free(cfg);
    simproc_stop(sim);
    return rc;
}
