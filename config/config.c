/* config.c - config loader entry points, the ioc/defaults sections, freeing
 * and lookups (see config.h). Feeds and pages are in config_feeds.c and
 * config_pages.c, shared checks in config_util.c. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_internal.h"
#include "base/i18n.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Where timezone names are checked, when the directory exists. */
#define ZONEINFO_DIR "/usr/share/zoneinfo"

static const char *const top_keys[] = {"ioc", "defaults", "feeds", "pages", "rules", "notify"};
static const char *const ioc_keys[] = {"name",      "timezone", "rotate", "alert_log", "archive",
                                       "retention", "demo",     "http",   "theme",     "language"};
static const char *const theme_names[] = {"default", "high-contrast"};
static const char *const language_names[] = {"vi", "en"};
static const char *const retention_keys[] = {"raw", "minute", "hour"};
static const char *const default_keys[] = {"interval", "timeout", "number_format"};

/* Frees the strings and compiled selector of a KPI. */
static void kpi_done(CfgKpi *k)
{
    free(k->id);
    free(k->key);
    free(k->name);
    free(k->name_en);
    free(k->short_name);
    free(k->unit);
    free(k->select);
    jp_free(k->jp);
    prom_selector_free(k->prom);
    for (size_t i = 0; i < k->n_where; i++) {
        free(k->where[i].column);
        free(k->where[i].value);
    }
    free(k->where);
}

/* Frees everything a feed owns. */
static void feed_done(CfgFeed *f)
{
    free(f->id);
    free(f->name);
    free(f->name_en);
    free(f->url);
    free(f->url_shown);
    for (size_t i = 0; i < f->n_headers; i++) {
        free(f->headers[i].name);
        free(f->headers[i].value);
        free(f->headers[i].value_shown);
    }
    free(f->headers);
    free(f->auth_bearer);
    free(f->auth_user);
    free(f->auth_password);
    free(f->ca_file);
    free(f->cert_file);
    free(f->key_file);
    for (size_t i = 0; i < f->n_kpis; i++)
        kpi_done(&f->kpis[i]);
    free(f->kpis);
}

/* Frees everything a page owns. */
static void page_done(CfgPage *pg)
{
    free(pg->title);
    for (size_t r = 0; r < pg->n_rows; r++) {
        CfgRow *row = &pg->rows[r];
        for (size_t p = 0; p < row->n_panels; p++) {
            CfgPanel *pn = &row->panels[p];
            free(pn->widget);
            free(pn->title);
            for (size_t i = 0; i < pn->n_kpis; i++)
                free(pn->kpis[i]);
            free(pn->kpis);
            free(pn->text);
        }
        free(row->panels);
    }
    free(pg->rows);
}

void cfg_free(Config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n_feeds; i++)
        feed_done(&c->feeds[i]);
    free(c->feeds);
    for (size_t i = 0; i < c->n_pages; i++)
        page_done(&c->pages[i]);
    free(c->pages);
    free(c->file);
    free(c->source);
    free(c->name);
    free(c->timezone);
    free(c->alert_log);
    free(c->archive);
    cfg_http_free(c->http);
    cfg_rules_free(c);
    if (c->index) {
        strmap_done(&c->index->feeds);
        strmap_done(&c->index->kpis);
        strmap_done(&c->index->rules);
        free(c->index);
    }
    free(c);
}

const CfgFeed *cfg_find_feed(const Config *c, const char *id, size_t len)
{
    if (c->index) return strmap_get(&c->index->feeds, id, len);
    for (size_t i = 0; i < c->n_feeds; i++) {
        const CfgFeed *f = &c->feeds[i];
        if (f->id && strlen(f->id) == len && memcmp(f->id, id, len) == 0) return f;
    }
    return NULL;
}

const CfgKpi *cfg_find_kpi(const Config *c, const char *key, const CfgFeed **feed)
{
    if (!c || !key) return NULL;
    const char *dot = strchr(key, '.');
    if (!dot) return NULL;
    const CfgFeed *f = cfg_find_feed(c, key, (size_t)(dot - key));
    if (!f) return NULL;
    const CfgKpi *k = NULL;
    if (c->index) {
        k = strmap_get(&c->index->kpis, key, strlen(key));
    } else {
        for (size_t j = 0; j < f->n_kpis && !k; j++)
            if (f->kpis[j].id && strcmp(f->kpis[j].id, dot + 1) == 0) k = &f->kpis[j];
    }
    if (k && feed) *feed = f;
    return k;
}

size_t cfg_kpi_count(const Config *c)
{
    size_t n = 0;
    for (size_t i = 0; c && i < c->n_feeds; i++)
        n += c->feeds[i].n_kpis;
    return n;
}

bool cfg_has_header(const CfgHeader *headers, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (headers[i].name && strcasecmp(headers[i].name, name) == 0) return true;
    return false;
}

bool cfg_threshold_holds(const CfgThreshold *t, double v)
{
    if (!t || v != v) return false; /* NaN never crosses */
    for (size_t i = 0; i < t->n && i < CFG_MAX_CMP; i++) {
        switch (t->op[i]) {
        case CMP_LT:
            if (v < t->v[i]) return true;
            break;
        case CMP_LE:
            if (v <= t->v[i]) return true;
            break;
        case CMP_GT:
            if (v > t->v[i]) return true;
            break;
        case CMP_GE:
            if (v >= t->v[i]) return true;
            break;
        }
    }
    return false;
}

KpiStatus cfg_kpi_status(const CfgKpi *k, bool has_value, double v, bool stale)
{
    if (!has_value || isnan(v)) return KST_NONE;
    if (stale) return KST_STALE;
    if (k && cfg_threshold_holds(&k->crit, v)) return KST_CRIT;
    if (k && cfg_threshold_holds(&k->warn, v)) return KST_WARN;
    return KST_OK;
}

const char *cfg_kpi_label(const CfgKpi *k)
{
    if (k->name_en && k->name_en[0] && i18n_lang() == I18N_EN) return k->name_en;
    return k->name ? k->name : k->id ? k->id : "";
}

const char *cfg_feed_label(const CfgFeed *f)
{
    if (f->name_en && f->name_en[0] && i18n_lang() == I18N_EN) return f->name_en;
    return f->name ? f->name : f->id ? f->id : "";
}

int cfg_kpi_target_dir(const CfgKpi *k)
{
    if (!k || !k->has_target) return 0;
    bool low_bad = false, high_bad = false;
    const CfgThreshold *ts[2] = {&k->warn, &k->crit};
    for (int j = 0; j < 2; j++)
        for (size_t i = 0; i < ts[j]->n && i < CFG_MAX_CMP; i++) {
            if (ts[j]->op[i] == CMP_LT || ts[j]->op[i] == CMP_LE)
                low_bad = true;
            else
                high_bad = true;
        }
    if (low_bad && high_bad) return 0;
    return high_bad ? -1 : 1;
}

CfgTarget cfg_kpi_target(const CfgKpi *k, bool has_value, double v)
{
    int dir = cfg_kpi_target_dir(k);
    if (!has_value || !isfinite(v) || dir == 0) return CFG_TARGET_NONE;
    if (dir > 0) return v >= k->target ? CFG_TARGET_MET : CFG_TARGET_BELOW;
    return v <= k->target ? CFG_TARGET_MET : CFG_TARGET_ABOVE;
}

const char *cfg_severity_name(Severity s)
{
    switch (s) {
    case SEV_INFO:
        return "info";
    case SEV_WARNING:
        return "warning";
    case SEV_CRITICAL:
        return "critical";
    }
    return "?";
}

const char *cfg_status_name(KpiStatus s)
{
    switch (s) {
    case KST_OK:
        return "ok";
    case KST_WARN:
        return "warn";
    case KST_CRIT:
        return "crit";
    case KST_STALE:
        return "stale";
    case KST_NONE:
        return "none";
    }
    return "none";
}

/* True when tz looks like a zone name: "UTC", "Asia/Ho_Chi_Minh", "Etc/GMT+7". */
static bool tz_syntax_ok(const char *tz)
{
    size_t len = strlen(tz);
    if (len == 0 || len > 64 || tz[0] == '/' || strstr(tz, "..") || tz[len - 1] == '/')
        return false;
    for (const char *p = tz; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '+' || c == '/'))
            return false;
    }
    return true;
}

/* True when tz names a zone file (or, without a zoneinfo directory, looks like one). */
static bool tz_known(const char *tz)
{
    if (!tz_syntax_ok(tz)) return false;
    struct stat st;
    if (stat(ZONEINFO_DIR, &st) != 0 || !S_ISDIR(st.st_mode)) return true;
    char path[sizeof(ZONEINFO_DIR) + 80];
    snprintf(path, sizeof(path), "%s/%s", ZONEINFO_DIR, tz);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Reads a retention such as "35d" or "2y" (a year is 365 days) from scalar v. */
static bool retention_duration(Ld *ld, const YNode *v, const char *key, int64_t *out)
{
    if (v->kind == YNODE_SCALAR && v->len >= 2 && v->len <= 5 && v->str[v->len - 1] == 'y') {
        int64_t years = 0;
        for (size_t i = 0; i + 1 < v->len; i++) {
            if (v->str[i] < '0' || v->str[i] > '9') goto duration;
            years = years * 10 + (v->str[i] - '0');
        }
        *out = years * 365 * 86400000LL;
        return true;
    }
duration:
    return ld_duration(ld, v, key, out);
}

/* Loads ioc.retention: { raw, minute, hour } (each at least 1h, and each at
 * least as long as the finer one). */
static void load_retention(Ld *ld, const YNode *m)
{
    Config *c = ld->cfg;
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping with raw, minute and hour"))) return;
    ld_check_keys(ld, m, retention_keys, N_OF(retention_keys), _("in 'retention'"));
    for (size_t i = 0; i < N_OF(retention_keys); i++) {
        const YNode *v = ld_get(ld, m, retention_keys[i], false, "");
        int64_t ms;
        if (!v || !retention_duration(ld, v, retention_keys[i], &ms)) continue;
        if (ms < 3600000) {
            ld_err(ld, v->line, v->col, _("retention '%s' must be at least 1h"), retention_keys[i]);
            continue;
        }
        c->retention_ms[i] = ms;
    }
    for (size_t i = 1; i < N_OF(retention_keys); i++) {
        const YNode *v = ynode_get(m, retention_keys[i]);
        if (v && c->retention_ms[i] < c->retention_ms[i - 1])
            ld_err(ld, v->line, v->col, _("retention '%s' must be at least as long as '%s'"),
                   retention_keys[i], retention_keys[i - 1]);
    }
}

/* Loads ioc.archive: a file path ("~/" is the home directory), or false/off
 * for no archive. */
static void load_archive(Ld *ld, const YNode *v)
{
    Config *c = ld->cfg;
    c->archive_set = true;
    if (v->kind != YNODE_SCALAR || v->len == 0) {
        ld_err(ld, v->line, v->col, _("expected a file path or false for 'archive', got %s"),
               v->kind == YNODE_SCALAR ? _("an empty value") : ld_kind(v));
        return;
    }
    if (v->plain &&
        (strcmp(v->str, "false") == 0 || strcmp(v->str, "off") == 0 || strcmp(v->str, "no") == 0))
        return;
    const char *home = getenv("HOME");
    if (strncmp(v->str, "~/", 2) == 0 && home && home[0]) {
        size_t n = strlen(home) + v->len + 1;
        char *p = malloc(n);
        if (!p) {
            ld_err(ld, v->line, v->col, "%s", _("out of memory"));
            return;
        }
        snprintf(p, n, "%s%s", home, v->str + 1);
        c->archive = p;
    } else {
        c->archive = ld_strdup(ld, v, v->str);
    }
}

/* The default archive path: $STATE_DIRECTORY/archive.db (the first of its
 * colon-separated directories: systemd's StateDirectory=), else
 * $XDG_STATE_HOME/ioc/archive.db, else ~/.local/state/ioc/archive.db; NULL
 * without any (or out of memory). Relative directories are ignored. */
static char *default_archive(void)
{
    const char *state = getenv("STATE_DIRECTORY");
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    const char *base, *sub;
    size_t blen;
    if (state && state[0] == '/') {
        base = state;
        blen = strcspn(state, ":");
        sub = "/archive.db";
    } else if (xdg && xdg[0] == '/') {
        base = xdg;
        blen = strlen(xdg);
        sub = "/ioc/archive.db";
    } else if (home && home[0]) {
        base = home;
        blen = strlen(home);
        sub = "/.local/state/ioc/archive.db";
    } else {
        return NULL;
    }
    size_t n = blen + strlen(sub) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%.*s%s", (int)blen, base, sub);
    return p;
}

/* Loads the ioc: section (name, timezone, rotate, theme, language, alert_log, archive, retention,
 * demo, http). */
static void load_ioc(Ld *ld, const YNode *m)
{
    Config *c = ld->cfg;
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping with name and timezone"))) return;
    ld_check_keys(ld, m, ioc_keys, N_OF(ioc_keys), _("in 'ioc'"));
    ld_str(ld, m, "name", true, _("in 'ioc'"), &c->name);
    const YNode *ar = ld_get(ld, m, "archive", false, "");
    if (ar) load_archive(ld, ar);
    const YNode *ret = ld_get(ld, m, "retention", false, "");
    if (ret) load_retention(ld, ret);
    if (ld_str(ld, m, "alert_log", false, "", &c->alert_log) && c->alert_log && !*c->alert_log) {
        const YNode *al = ynode_get(m, "alert_log");
        ld_err(ld, al->line, al->col, "%s", _("'alert_log' must be a file path"));
    }
    const YNode *demo = ld_get(ld, m, "demo", false, "");
    if (demo) ld_bool(ld, demo, "demo", &c->demo);
    const YNode *http = ld_get(ld, m, "http", false, "");
    if (http) cfg_load_http(ld, http);
    const YNode *th = ld_get(ld, m, "theme", false, "");
    size_t idx;
    if (th && ld_choice(ld, th, "theme", theme_names, N_OF(theme_names),
                        _("default or high-contrast"), &idx))
        c->theme = idx == 1 ? CFG_THEME_HIGH_CONTRAST : CFG_THEME_DEFAULT;
    const YNode *lang = ld_get(ld, m, "language", false, "");
    if (lang &&
        ld_choice(ld, lang, "language", language_names, N_OF(language_names), _("vi or en"), &idx))
        c->language = idx == 0 ? CFG_LANG_VI : CFG_LANG_EN;
    const YNode *rot = ld_get(ld, m, "rotate", false, "");
    int64_t rms;
    if (rot && ld_duration(ld, rot, "rotate", &rms)) {
        if (rms < 1000)
            ld_err(ld, rot->line, rot->col, "%s", _("rotate must be at least 1s"));
        else
            c->rotate_ms = rms;
    }
    const YNode *tz = ld_get(ld, m, "timezone", false, "");
    if (!tz) return;
    if (tz->kind != YNODE_SCALAR) {
        ld_err(ld, tz->line, tz->col, _("expected a timezone such as Asia/Ho_Chi_Minh, got %s"),
               ld_kind(tz));
    } else if (!tz_known(tz->str)) {
        ld_err(ld, tz->line, tz->col,
               _("unknown timezone '%.64s' (expected a name such as Asia/Ho_Chi_Minh or UTC)"),
               tz->str);
    } else {
        char *s = ld_strdup(ld, tz, tz->str);
        if (s) {
            free(c->timezone);
            c->timezone = s;
        }
    }
}

/* Loads the defaults: section (interval, timeout, number_format). */
static void load_defaults(Ld *ld, const YNode *m)
{
    Config *c = ld->cfg;
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping with interval, timeout and number_format")))
        return;
    ld_check_keys(ld, m, default_keys, N_OF(default_keys), _("in 'defaults'"));
    ld_timing(ld, m, &c->interval_ms, &c->timeout_ms);
    const YNode *vf = ld_get(ld, m, "number_format", false, "");
    if (vf) ld_numfmt(ld, vf, &c->numfmt);
}

/* Finds the first byte of text that is not valid UTF-8 (overlong forms,
 * surrogates and code points past U+10FFFF included) or a NUL; len if none. */
static size_t utf8_bad_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned min;
        if (c == 0) return i;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            min = 0x80;
            c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            min = 0x800;
            c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            min = 0x10000;
            c &= 0x07;
        } else {
            return i;
        }
        if (len - i <= n) return i;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return i;
        i += n + 1;
    }
    return len;
}

/* Checks size and encoding of the text before YAML parsing; false after an error. */
static bool check_text(Ld *ld, const char *text, size_t len)
{
    if (len > CFG_MAX_FILE) {
        ld_err(ld, 0, 0, _("the file is too large (%zu bytes; the limit is 4 MiB)"), len);
        return false;
    }
    size_t bad = utf8_bad_at((const unsigned char *)text, len);
    if (bad == len) return true;
    int line = 1, col = 1;
    for (size_t i = 0; i < bad; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    if (text[bad] == '\0')
        ld_err(ld, line, col, "%s", _("the file contains a NUL byte"));
    else
        ld_err(ld, line, col, _("the file is not valid UTF-8 (byte 0x%02x)"),
               (unsigned char)text[bad]);
    return false;
}

/* Fills c with the defaults used when a key is not given. */
static bool set_defaults(Config *c, const char *name)
{
    c->interval_ms = 30000;
    c->timeout_ms = 5000;
    c->rotate_ms = 30000;
    c->numfmt = NUMFMT_PLAIN;
    c->retention_ms[0] = 2 * 86400000LL;
    c->retention_ms[1] = 35 * 86400000LL;
    c->retention_ms[2] = 730 * 86400000LL;
    c->timezone = strdup("UTC");
    c->file = strdup(name ? name : "");
    return c->timezone && c->file;
}

Config *cfg_load_string(const char *text, size_t len, const char *name, Diag *diag)
{
    Ld ld = {.file = name, .diag = diag};
    YNode *root = NULL;
    Config *c = NULL;
    if (!text) len = 0;
    if (!check_text(&ld, text ? text : "", len)) goto done;
    root = ynode_parse(text ? text : "", len, name, diag);
    if (!root) {
        ld.errors++;
        goto done;
    }
    c = calloc(1, sizeof(*c));
    if (c) c->index = calloc(1, sizeof(*c->index));
    if (!c || !c->index || !set_defaults(c, name)) {
        ld_err(&ld, 0, 0, "%s", _("out of memory"));
        goto done;
    }
    c->source = malloc(len + 1);
    if (!c->source) {
        ld_err(&ld, 0, 0, "%s", _("out of memory"));
        goto done;
    }
    if (len) memcpy(c->source, text, len);
    c->source[len] = '\0';
    c->source_len = len;
    ld.cfg = c;
    if (!ld_expect(&ld, root, YNODE_MAP, _("a mapping with ioc, feeds and pages"))) goto done;
    cfg_expand_for_each(&ld, root);
    ld_check_keys(&ld, root, top_keys, N_OF(top_keys), _("at the top level"));
    const YNode *v;
    if ((v = ld_get(&ld, root, "ioc", true, _("at the top level")))) load_ioc(&ld, v);
    if ((v = ld_get(&ld, root, "defaults", false, ""))) load_defaults(&ld, v);
    if ((v = ld_get(&ld, root, "feeds", true, _("at the top level")))) cfg_load_feeds(&ld, v);
    if ((v = ld_get(&ld, root, "pages", false, ""))) cfg_load_pages(&ld, v);
    cfg_load_rules(&ld, ld_get(&ld, root, "rules", false, ""));
    if ((v = ld_get(&ld, root, "notify", false, ""))) cfg_load_notify(&ld, v);
done:
    ynode_free(root);
    diag_sort(diag);
    if (ld.errors) {
        cfg_free(c);
        return NULL;
    }
    return c;
}

Config *cfg_load_file(const char *path, Diag *diag)
{
    char *buf = NULL;
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer, forever, and a reload must never stall the loop. Anything but a
     * regular file (FIFO, device, directory, /dev/stdin) is refused. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        diag_add(diag, DIAG_ERROR, path, 0, 0, _("cannot open the file: %s"), strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_add(diag, DIAG_ERROR, path, 0, 0, "%s", _("not a regular file"));
        goto fail;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if (st.st_size > (off_t)CFG_MAX_FILE) {
        diag_add(diag, DIAG_ERROR, path, 0, 0,
                 _("the file is too large (%lld bytes; the limit is 4 MiB)"),
                 (long long)st.st_size);
        goto fail;
    }
    /* Read up to one byte past the limit: the file may grow after fstat(). */
    buf = malloc(CFG_MAX_FILE + 2);
    if (!buf) {
        diag_add(diag, DIAG_ERROR, path, 0, 0, "%s", _("out of memory"));
        goto fail;
    }
    size_t len = 0;
    while (len < CFG_MAX_FILE + 1) {
        ssize_t r = read(fd, buf + len, CFG_MAX_FILE + 1 - len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            diag_add(diag, DIAG_ERROR, path, 0, 0, _("cannot read the file: %s"), strerror(errno));
            goto fail;
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    close(fd);
    fd = -1;
    buf[len] = '\0';
    Config *c = cfg_load_string(buf, len, path, diag);
    free(buf);
    if (c && !c->archive_set) c->archive = default_archive();
    return c;
fail:
    if (fd >= 0) close(fd);
    free(buf);
    diag_sort(diag);
    return NULL;
}
