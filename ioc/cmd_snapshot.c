/* cmd_snapshot.c - "ioc snapshot": poll every feed once, print the province's state. */
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "base/curlerr.h"
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

/* What the collector answered (--server). */
typedef struct {
    char *body;
    size_t len;
    bool over; /* the body went past SERVER_BODY_MAX */
    char *type;
} ServerReply;

#define SERVER_BODY_MAX   (64L * 1024 * 1024)
#define SERVER_TIMEOUT_MS 30000
#define SERVER_HOPS_MAX   5

/* curl write callback: appends to the reply, within SERVER_BODY_MAX. */
static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    ServerReply *r = ud;
    size_t k = size * n;
    if (r->len + k > SERVER_BODY_MAX) {
        r->over = true;
        return 0;
    }
    char *grown = realloc(r->body, r->len + k + 1);
    if (!grown) return 0;
    memcpy(grown + r->len, p, k);
    r->body = grown;
    r->len += k;
    r->body[r->len] = '\0';
    return k;
}

/* The "error" text of a JSON error answer {"error": "..."}, into buf; false
 * when the body is not one. */
static bool error_text(const ServerReply *r, char *buf, size_t n)
{
    cJSON *j = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    bool ok = cJSON_IsString(e);
    if (ok) snprintf(buf, n, "%s", e->valuestring);
    cJSON_Delete(j);
    return ok;
}

/* True when the reply to a request for format is what an ioc collector
 * sends: the format's Content-Type, and for json a snapshot document. */
static bool reply_fits(const ServerReply *r, SnapFormat fmt)
{
    static const char *const types[] = {
        [SNAP_JSON] = "application/json",
        [SNAP_CSV] = "text/csv",
        [SNAP_PROM] = "text/plain",
        [SNAP_TEXT] = "text/plain",
    };
    if (!r->type || strncmp(r->type, types[fmt], strlen(types[fmt])) != 0) return false;
    if (fmt != SNAP_JSON) return true;
    cJSON *j = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    bool ok = cJSON_IsObject(j) && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "version")) &&
              cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "feeds"));
    cJSON_Delete(j);
    return ok;
}

/* GETs url into r with token (never printed), following redirects within
 * the same origin only. 0 with *status set, or an exit status after
 * printing why the collector could not be asked. */
static int server_get(const char *url, const char *token, ServerReply *r, long *status)
{
    char err[CURL_ERROR_SIZE], why[300];
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char *auth = NULL, *cur = strdup(url);
    int rc = IOC_EXIT_FAIL;
    size_t an = strlen(token) + 32;
    auth = malloc(an);
    if (!c || !cur || !auth) {
        fprintf(stderr, "ioc snapshot: %s\n", _("out of memory"));
        goto done;
    }
    snprintf(auth, an, "Authorization: Bearer %s", token);
    h = curl_slist_append(NULL, auth);
    memset(auth, 0, strlen(auth));
    if (!h) {
        fprintf(stderr, "ioc snapshot: %s\n", _("out of memory"));
        goto done;
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* by hand: the token stays with its origin */
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)SERVER_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ioc/" IOC_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    for (int hop = 0;; hop++) {
        err[0] = '\0';
        free(r->body);
        r->body = NULL;
        r->len = 0;
        if (curl_easy_setopt(c, CURLOPT_URL, cur) != CURLE_OK) {
            fprintf(stderr, "ioc snapshot: %s\n", _("--server needs an http:// or https:// URL"));
            rc = IOC_EXIT_USAGE;
            goto done;
        }
        CURLcode cc = curl_easy_perform(c);
        if (cc != CURLE_OK) {
            long os = 0;
            curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os);
            if (r->over)
                snprintf(why, sizeof(why), _("the answer is larger than %ld MiB"),
                         SERVER_BODY_MAX >> 20);
            else
                curlerr_describe(cc, err, os, SERVER_TIMEOUT_MS, why, sizeof(why));
            fprintf(stderr, _("ioc snapshot: cannot get the snapshot from the collector: %s\n"),
                    why);
            rc = cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT ? IOC_EXIT_USAGE
                                                                               : IOC_EXIT_FAIL;
            goto done;
        }
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
        char *loc = NULL, *type = NULL;
        curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
        free(r->type);
        r->type = type ? strdup(type) : NULL;
        if (*status < 300 || *status >= 400) break;
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
        if (!loc) break;
        if (hop >= SERVER_HOPS_MAX || poller_redirect_decide(cur, loc, FOLLOW_SAME_ORIGIN, why,
                                                             sizeof(why)) != POLLER_REDIR_FOLLOW) {
            if (hop >= SERVER_HOPS_MAX)
                snprintf(why, sizeof(why), _("more than %d redirects"), SERVER_HOPS_MAX);
            fprintf(stderr, _("ioc snapshot: the collector redirected the request: %s\n"), why);
            goto done;
        }
        char *next = strdup(loc);
        if (!next) goto done;
        free(cur);
        cur = next;
    }
    rc = IOC_EXIT_OK;
done:
    curl_slist_free_all(h); /* the header's copy of the token */
    free(auth);
    free(cur);
    if (c) curl_easy_cleanup(c);
    return rc;
}

/* Writes a reply's body (for cli_write_output). */
static int write_reply(const void *obj, int fmt, FILE *out)
{
    const ServerReply *r = obj;
    (void)fmt;
    return r->len && fwrite(r->body, 1, r->len, out) != r->len ? -1 : 0;
}

/* "ioc snapshot --server URL": the collector's snapshot in fmt, written to
 * out (the -o handling of the local snapshot). Returns the exit status. */
static int snapshot_from_server(const char *base, SnapFormat fmt, const char *out)
{
    static const char *const names[] = {
        [SNAP_JSON] = "json", [SNAP_CSV] = "csv", [SNAP_PROM] = "prom", [SNAP_TEXT] = "text"};
    const char *token = getenv("IOC_TOKEN");
    if (!token || !*token) {
        fprintf(stderr, "ioc snapshot: %s\n",
                _("--server needs a bearer token in $IOC_TOKEN (a viewer's token of the "
                  "collector's ioc.http.users)"));
        return IOC_EXIT_USAGE;
    }
    if (strpbrk(token, "\r\n")) {
        fprintf(stderr, "ioc snapshot: %s\n", _("$IOC_TOKEN holds a line break"));
        return IOC_EXIT_USAGE;
    }
    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
        fprintf(stderr, "ioc snapshot: %s\n", _("--server needs an http:// or https:// URL"));
        return IOC_EXIT_USAGE;
    }
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    size_t n = bl + 64;
    char *url = malloc(n);
    if (!url) return IOC_EXIT_FAIL;
    snprintf(url, n, "%.*s/api/v1/snapshot?format=%s", (int)bl, base, names[fmt]);
    ServerReply r = {0};
    long status = 0;
    char msg[300];
    int rc = server_get(url, token, &r, &status);
    if (rc != IOC_EXIT_OK) {
        /* said */
    } else if (status == 401 || status == 403) {
        fprintf(stderr, "ioc snapshot: %s (HTTP %ld%s%s)\n",
                status == 401 ? _("the collector refused the token in $IOC_TOKEN: it is missing or "
                                  "wrong")
                              : _("the token in $IOC_TOKEN is known but its role may not read the "
                                  "snapshot"),
                status, error_text(&r, msg, sizeof(msg)) ? ": " : "",
                error_text(&r, msg, sizeof(msg)) ? msg : "");
        rc = IOC_EXIT_DENIED;
    } else if (status != 200) {
        if (error_text(&r, msg, sizeof(msg)))
            fprintf(stderr, _("ioc snapshot: the collector answered HTTP %ld: %s\n"), status, msg);
        else
            fprintf(stderr,
                    _("ioc snapshot: HTTP %ld, and not the answer of an ioc collector "
                      "(is --server the address of ioc run's ioc.http?)\n"),
                    status);
        rc = status >= 400 && status < 500 && error_text(&r, msg, sizeof(msg)) ? IOC_EXIT_USAGE
                                                                               : IOC_EXIT_FAIL;
    } else if (!reply_fits(&r, fmt)) {
        fprintf(stderr,
                _("ioc snapshot: the answer is not a snapshot (Content-Type %s); is "
                  "--server the address of ioc run's ioc.http?\n"),
                r.type ? r.type : "none");
        rc = IOC_EXIT_FAIL;
    } else if (cli_write_output("snapshot", out, write_reply, &r, (int)fmt) != 0) {
        rc = IOC_EXIT_FAIL;
    }
    free(r.body);
    free(r.type);
    free(url);
    return rc;
}

/* snap_write() in the shape cli_write_output() takes. */
static int write_any(const void *obj, int fmt, FILE *out)
{
    return snap_write((const Snapshot *)obj, (SnapFormat)fmt, out);
}

int cmd_snapshot(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"fail-on", required_argument, NULL, 'F'},
        {"demo", no_argument, NULL, 'D'},
        {"from-archive", no_argument, NULL, 'A'},
        {"server", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *path = NULL, *out = NULL, *server = NULL;
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
        case 'S':
            server = optarg;
            break;
        default:
            return cli_other_option("snapshot", ch, argv);
        }
    }
    int rc = cli_no_operands("snapshot", argc, argv);
    if (rc >= 0) return rc;
    if (server) {
        if (path || demo || from_archive)
            return cli_usage_error("snapshot", "%s",
                                   _("--server takes the snapshot from a collector: not with -c, "
                                     "--demo or --from-archive"));
        if (fail.warn || fail.crit || fail.down)
            return cli_usage_error("snapshot", "%s", _("--fail-on is not available with --server"));
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
            fprintf(stderr, "ioc snapshot: %s\n", _("cannot initialise libcurl"));
            return IOC_EXIT_FAIL;
        }
        rc = snapshot_from_server(server, fmt, out);
        curl_global_cleanup();
        return rc;
    }
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
