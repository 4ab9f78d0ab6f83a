/* snapshot.c - snapshots: allocation, KPI status, and format dispatch (see
 * snapshot.h); the exporters live in snapshot_{json,csv,prom,text}.c. */
#include "export/snapshot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "export/format.h"
#include "export/snapshot_internal.h"

Snapshot *snap_new(const Config *cfg)
{
    if (!cfg) return NULL;
    Snapshot *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cfg = cfg;
    s->n_feeds = cfg->n_feeds;
    if (cfg->n_feeds > 0) {
        s->feeds = calloc(cfg->n_feeds, sizeof *s->feeds);
        if (!s->feeds) goto fail;
    }
    for (size_t i = 0; i < cfg->n_feeds; i++) {
        const CfgFeed *f = &cfg->feeds[i];
        SnapFeed *sf = &s->feeds[i];
        sf->feed = f;
        sf->status.state = FS_PENDING;
        sf->status.latency_ms = -1;
        if (f->n_kpis == 0) continue;
        sf->kpis = calloc(f->n_kpis, sizeof *sf->kpis);
        if (!sf->kpis) goto fail;
        for (size_t k = 0; k < f->n_kpis; k++) {
            sf->kpis[k].kpi = &f->kpis[k];
            sf->kpis[k].status = KST_NONE;
        }
    }
    return s;
fail:
    snap_free(s);
    return NULL;
}

void snap_free(Snapshot *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_feeds && s->feeds; i++)
        free(s->feeds[i].kpis);
    free(s->feeds);
    free(s);
}

/* The formats, indexed by SnapFormat. */
static const FormatEntry formats[] = {
    [SNAP_JSON] = {"json", snap_write_json},
    [SNAP_CSV] = {"csv", snap_write_csv},
    [SNAP_PROM] = {"prom", snap_write_prom},
    [SNAP_TEXT] = {"text", snap_write_text},
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

bool snap_format_from_name(const char *name, SnapFormat *out)
{
    int i;

    if (!format_find(formats, N_FORMATS, name, &i)) return false;
    if (out) *out = (SnapFormat)i;
    return true;
}

const char *snap_format_names(char *buf, size_t n)
{
    return format_names(formats, N_FORMATS, buf, n);
}

int snap_write(const Snapshot *s, SnapFormat f, FILE *out)
{
    return format_write(formats, N_FORMATS, (int)f, s, out);
}

void snap_summarize(const Snapshot *s, SnapSummary *sum)
{
    memset(sum, 0, sizeof *sum);
    sum->feeds = s->n_feeds;
    for (size_t i = 0; i < s->n_feeds; i++) {
        const SnapFeed *sf = &s->feeds[i];
        if (feedstate_is_up(sf->status.state)) sum->feeds_up++;
        for (size_t k = 0; k < sf->feed->n_kpis; k++) {
            sum->kpis++;
            switch (sf->kpis[k].status) {
            case KST_OK:
                sum->ok++;
                break;
            case KST_WARN:
                sum->warn++;
                break;
            case KST_CRIT:
                sum->crit++;
                break;
            case KST_STALE:
                sum->stale++;
                break;
            case KST_NONE:
            default:
                sum->none++;
                break;
            }
        }
    }
}

const char *snap_kpi_error(const SnapFeed *sf, const SnapKpi *sk, char *buf, size_t n)
{
    const FeedStatus *st = &sf->status;
    if (n == 0) return buf;
    if (sk->has_value && isfinite(sk->value))
        buf[0] = '\0';
    else if (sk->has_value)
        snprintf(buf, n, "%s", _("value is not finite"));
    else if (st->state == FS_DOWN && (!sk->error[0] || strcmp(sk->error, st->error) == 0))
        snprintf(buf, n, _("feed down: %s"), st->error[0] ? st->error : _("no answer"));
    else if (sk->error[0])
        snprintf(buf, n, "%s", sk->error);
    else if (st->state == FS_PENDING)
        snprintf(buf, n, "%s", _("no data yet"));
    else
        snprintf(buf, n, "%s", _("no value"));
    return buf;
}

double snap_kpi_value(const SnapKpi *sk)
{
    return fmt_round(sk->value, sk->kpi ? sk->kpi->decimals : -1);
}

const char *snap_fmt_threshold(const CfgThreshold *t, char *buf, size_t n)
{
    static const char *const ops[] = {"<", "<=", ">", ">="};
    size_t used = 0;

    if (n == 0) return buf;
    buf[0] = '\0';
    for (size_t i = 0; t && i < t->n && i < CFG_MAX_CMP; i++) {
        char num[FMT_NUM_MAX];
        int op = t->op[i];
        fmt_shortest(t->v[i], num, sizeof num);
        int r = snprintf(buf + used, n - used, "%s%s %s", i ? " or " : "",
                         op >= 0 && op < 4 ? ops[op] : "?", num);
        if (r < 0 || (size_t)r >= n - used) break;
        used += (size_t)r;
    }
    return buf;
}
