/* cmd_check.c - "ioc check": validate a config and report every problem. */
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "feeds/poller.h"
#include "ioc/cli.h"
#include "base/i18n.h"
#include "base/loop.h"

/* Counts the panels of every page. */
static size_t count_panels(const Config *c)
{
    size_t n = 0;
    for (size_t p = 0; p < c->n_pages; p++)
        for (size_t r = 0; r < c->pages[p].n_rows; r++)
            n += c->pages[p].rows[r].n_panels;
    return n;
}

/* What --online found: the number of feeds and KPIs with a problem. */
typedef struct {
    const Config *cfg;
    size_t bad_feeds, bad_kpis;
} Online;

/* Poller callback: prints one feed's result: its state, then each KPI's
 * value, or why it has none. */
static void on_online(void *ud, size_t feed, const FeedStatus *st, const KpiValue *vals,
                      int64_t wall_ms)
{
    Online *o = ud;
    const CfgFeed *f = &o->cfg->feeds[feed];
    (void)wall_ms;
    bool up = feedstate_is_up(st->state);
    if (!up) o->bad_feeds++;
    if (st->state == FS_DOWN)
        printf(_("feed %s: %s: %s\n"), f->id, feedstate_name(st->state), st->error);
    else
        printf(_("feed %s: %s, %lld ms\n"), f->id, feedstate_name(st->state),
               (long long)st->latency_ms);
    if (st->state == FS_DOWN) return;
    for (size_t i = 0; i < f->n_kpis; i++) {
        const KpiValue *v = &vals[i];
        if (v->has_value)
            printf("  %s: %.10g%s%s\n", f->kpis[i].id, v->value, f->kpis[i].unit[0] ? " " : "",
                   f->kpis[i].unit);
        else if (v->pending)
            printf(_("  %s: (%s)\n"), f->kpis[i].id, v->error);
        else {
            printf(_("  %s: error: %s\n"), f->kpis[i].id, v->error);
            o->bad_kpis++;
        }
    }
}

/* Polls every feed of cfg once, concurrently, printing what each gives.
 * IOC_EXIT_OK when every feed is up and every KPI has a value (a counter's
 * first reading is fine), else IOC_EXIT_FAIL. */
static int check_online(const Config *cfg)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "ioc check: %s\n", _("libcurl could not start"));
        return IOC_EXIT_FAIL;
    }
    char err[256];
    Online o = {.cfg = cfg};
    Loop *loop = loop_new();
    Poller *p = loop ? poller_new(loop, cfg, on_online, &o, err, sizeof(err)) : NULL;
    if (!p) {
        fprintf(stderr, "ioc check: %s\n", loop ? err : _("cannot create the event loop"));
        loop_free(loop);
        curl_global_cleanup();
        return IOC_EXIT_FAIL;
    }
    for (size_t i = 0; i < cfg->n_feeds; i++)
        poller_poll_now(p, i);
    int rc = IOC_EXIT_OK;
    while (poller_busy(p) > 0) {
        if (loop_once(loop, 1000) != 0) {
            fprintf(stderr, "ioc check: %s\n", _("the event loop failed"));
            rc = IOC_EXIT_FAIL;
            break;
        }
    }
    poller_free(p);
    loop_free(loop);
    curl_global_cleanup();
    if (o.bad_feeds || o.bad_kpis) {
        printf(_("%zu feed(s) not up, %zu KPI(s) without a value\n"), o.bad_feeds, o.bad_kpis);
        rc = IOC_EXIT_FAIL;
    }
    return rc;
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'},
        {"online", no_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *path = NULL;
    char found[PATH_MAX]; /* the config found when -c is not given */
    bool quiet = false, online = false;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":c:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            path = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'O':
            online = true;
            break;
        default:
            return cli_other_option("check", ch, argv);
        }
    }
    if (optind < argc) { /* "ioc check FILE" is accepted too */
        if (path || optind + 1 < argc)
            return cli_usage_error("check", _("unexpected argument '%s'"), argv[optind]);
        path = argv[optind];
    }
    int rc = cli_need_config("check", &path, found, sizeof(found), NULL);
    if (rc >= 0) return rc;

    size_t errors, warnings;
    Config *cfg = cli_load_config(&(CliStart){.cmd = "check"}, path, &errors, &warnings);
    if (!cfg) {
        fprintf(stderr, _("%s: %zu error(s), %zu warning(s)\n"), path, errors, warnings);
        return IOC_EXIT_USAGE;
    }
    if (!quiet)
        printf(_("%s: ok: %zu feeds, %zu KPIs, %zu alert rules, %zu notify targets, %zu pages, "
                 "%zu panels, %zu warning(s)\n"),
               path, cfg->n_feeds, cfg_kpi_count(cfg), cfg->n_rules, cfg->n_notify, cfg->n_pages,
               count_panels(cfg), warnings);
    int status = IOC_EXIT_OK;
    if (online) {
        cli_set_zone(&(CliStart){.cmd = "check"}, cfg);
        fflush(stdout);
        status = check_online(cfg);
    }
    cfg_free(cfg);
    if (cli_flush_stdout("check") != 0) return IOC_EXIT_FAIL;
    return status;
}
