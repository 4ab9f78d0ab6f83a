/* config.h - the centre's configuration: feeds, KPIs, pages (loaded from YAML).
 *
 * cfg_load_file()/cfg_load_string() build a fresh Config or return NULL after
 * adding every problem found to a Diag (file:line:col). A Config owns all its
 * strings, arrays and compiled selectors; cfg_free() frees everything.
 *
 * Secrets: fields holding expanded ${ENV} values (url, header values) may
 * contain tokens and passwords. They are for the poller only; anything shown
 * to a user uses the *_shown twin, which keeps ${NAME} unexpanded and masks
 * URL user:password. Error messages never quote an expanded value. */
#ifndef IOC_CONFIG_H
#define IOC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/jsonpath.h"
#include "parse/prom.h"
#include "parse/value.h"
#include "base/diag.h"
#include "base/sbuf.h"

typedef enum { FEED_JSON, FEED_PROMETHEUS, FEED_CSV, FEED_PROMQL } FeedFormat;

/* What a KPI makes of a counter (counter:): its value as read, or the
 * per-second rate or the increase between two polls (feeds/counter.h). */
typedef enum { COUNTER_NONE, COUNTER_RATE, COUNTER_INCREASE } CounterMode;

/* Longest PromQL query of a promql feed's KPI, in bytes. */
#define CFG_MAX_QUERY 8192

typedef enum { CMP_LT, CMP_LE, CMP_GT, CMP_GE } CmpOp;

/* A threshold such as "< 70", "> 150" or "< 5.5 or > 9": it holds when any
 * of its comparisons holds. n == 0 means no threshold. */
#define CFG_MAX_CMP 4
typedef struct {
    size_t n;
    CmpOp op[CFG_MAX_CMP];
    double v[CFG_MAX_CMP];
} CfgThreshold;

/* What a KPI's value means against its thresholds (cfg_kpi_status()). */
typedef enum {
    KST_OK,    /* value within thresholds */
    KST_WARN,  /* warn threshold holds */
    KST_CRIT,  /* crit threshold holds (wins over warn) */
    KST_STALE, /* a value exists but the feed failed since: shown, not trusted */
    KST_NONE,  /* no value at all */
} KpiStatus;

/* Where a KPI's value stands against its target (cfg_kpi_target()). */
typedef enum {
    CFG_TARGET_NONE,  /* no target, no value, or no way to tell the good side */
    CFG_TARGET_MET,   /* on the good side of the target (or on it) */
    CFG_TARGET_BELOW, /* below a target that higher values meet */
    CFG_TARGET_ABOVE, /* above a target that lower values meet */
} CfgTarget;

/* The console's colour theme (ioc.theme). */
typedef enum { CFG_THEME_DEFAULT, CFG_THEME_HIGH_CONTRAST } CfgTheme;

/* The language of ioc's messages (ioc.language); AUTO follows LC_MESSAGES/LANG. */
typedef enum { CFG_LANG_AUTO, CFG_LANG_VI, CFG_LANG_EN } CfgLanguage;

typedef struct {
    char *column; /* CSV key column */
    char *value;  /* value it must have */
} CfgWhere;

typedef struct {
    char *id;           /* "online_rate" */
    char *key;          /* "dvc.online_rate" (feed id . kpi id) */
    char *name;         /* display name (UTF-8), defaults to id */
    char *name_en;      /* English display name, or NULL */
    char *short_name;   /* short: a short display name for narrow panels, or NULL */
    char *unit;         /* "%", "µg/m³", "" when none */
    char *select;       /* json: JSONPath; prometheus: metric selector; csv: column;
                           promql: the PromQL query (query:) */
    JpPath *jp;         /* compiled JSONPath (json feeds), owned */
    PromSelector *prom; /* compiled selector (prometheus feeds), owned */
    CfgWhere *where;    /* csv row filter (all must match), owned */
    size_t n_where;
    Agg agg;             /* default: first (for every format) */
    bool has_agg;        /* agg: was given (promql: several series are then reduced) */
    CounterMode counter; /* counter: rate or increase; COUNTER_NONE by default */
    NumFormat numfmt;    /* inherited from the feed unless set */
    double scale;        /* value = raw * scale + offset; default 1 */
    double offset;       /* default 0 */
    bool has_target;
    double target;
    CfgThreshold warn, crit;
    int decimals;    /* -1 = automatic */
    double min, max; /* display range hints; NaN when unset */
    int line, col;   /* where the KPI is defined */
} CfgKpi;

typedef struct {
    char *name;        /* header name */
    char *value;       /* expanded value: may be secret, never print */
    char *value_shown; /* as written, ${VAR} unexpanded */
} CfgHeader;

/* Which redirects a feed follows (follow_redirects); the zero value is the default. */
typedef enum {
    FOLLOW_SAME_ORIGIN = 0, /* same scheme, host and port only (default) */
    FOLLOW_NONE,            /* never: a 3xx is a feed error */
    FOLLOW_ANY              /* any origin; headers and auth dropped once the origin changes */
} FollowRedirects;

typedef struct {
    char *id;
    char *name; /* display name, defaults to id */
    char *name_en;
    char *url;       /* expanded: may hold secrets, never print */
    char *url_shown; /* as written, ${VAR} unexpanded, user:password masked */
    FeedFormat format;
    int64_t interval_ms;
    int64_t timeout_ms;
    CfgHeader *headers;
    size_t n_headers;
    NumFormat numfmt;
    char csv_sep; /* ',' ';' or 0 to detect */
    /* Transport (auth values are expanded secrets: never print them). */
    char *auth_bearer;                /* auth.bearer token, or NULL */
    char *auth_user;                  /* auth.user for HTTP basic auth, or NULL */
    char *auth_password;              /* auth.password, or NULL */
    char *ca_file;                    /* tls.ca_file: CA bundle to verify the server, or NULL */
    char *cert_file;                  /* tls.cert: client certificate (PEM), or NULL */
    char *key_file;                   /* tls.key: client key (PEM), or NULL */
    bool insecure;                    /* tls.insecure: no certificate check (explicit only) */
    bool allow_file;                  /* allow_file: file:// URLs permitted */
    int64_t max_body;                 /* max_body bytes; default 4 MiB */
    int max_redirects;                /* default 3 */
    FollowRedirects follow_redirects; /* default same-origin */
    bool allow_link_local;            /* link-local targets (169.254/16, fe80::/10) permitted */
    int64_t slow_ms; /* slow: latency that makes the feed "slow"; default timeout / 2 */
    CfgKpi *kpis;
    size_t n_kpis;
    int line, col;
} CfgFeed;

typedef struct {
    char *widget; /* stat gauge chart bars table alerts health text */
    char *title;  /* NULL = derived from the KPI */
    char **kpis;  /* KPI keys "feed.kpi" (kpi: or kpis:) */
    size_t n_kpis;
    char *text; /* text widget body */
    int width;  /* relative width, default 1 */
    int line, col;
} CfgPanel;

typedef struct {
    int height; /* relative height, default 1 */
    CfgPanel *panels;
    size_t n_panels;
    int line, col;
} CfgRow;

typedef struct {
    char *title;
    CfgRow *rows;
    size_t n_rows;
    int line, col;
} CfgPage;

typedef enum { SEV_INFO, SEV_WARNING, SEV_CRITICAL } Severity;

/* "info" "warning" "critical" (machine names, never translated). */
const char *cfg_severity_name(Severity s);

/* What a rule watches. */
typedef enum {
    RULE_ABOVE,  /* kpi value > above (clears at <= clear) */
    RULE_BELOW,  /* kpi value < below (clears at >= clear) */
    RULE_CHANGE, /* |change over `over`| >= by (clears below clear, default by) */
    RULE_NODATA, /* no value for `nodata` */
    RULE_FEED,   /* feed down / slow / bad data for N polls */
} RuleKind;

/* One alert rule: from the rules: section, or made from a KPI's warn/crit
 * thresholds (implicit: true, id "KPIKEY:warn" / "KPIKEY:crit"). */
typedef struct {
    char *id;
    bool implicit;
    RuleKind kind;
    char *kpi;            /* KPI key "feed.kpi" (kpi rules), else NULL */
    char *feed;           /* feed id (feed rules), else NULL */
    double level;         /* above/below level, or change `by` */
    bool target_relative; /* above: target / below: target (the KPI's target) */
    bool has_clear;
    double clear;           /* hysteresis: the level at which it clears */
    CfgThreshold threshold; /* implicit rules: the KPI's warn or crit threshold */
    int64_t over_ms;        /* change window */
    int64_t nodata_ms;      /* nodata duration */
    int feed_down;          /* feed rules: consecutive failed polls (0 = not watched) */
    int64_t feed_slow_ms;   /* feed rules: latency above this (0 = not watched) */
    int feed_bad_data;      /* feed rules: consecutive bad-data polls (0 = not watched) */
    int64_t for_ms;         /* must hold this long before firing (pending) */
    int64_t keep_firing_ms; /* keeps firing this long after the condition clears */
    Severity severity;
    char *summary; /* template: {{kpi}} {{value}} {{unit}} {{target}} {{feed}} {{rule}} */
    char **label_keys, **label_values; /* labels for routing */
    size_t n_labels;
    int line, col;
} CfgRule;

typedef enum { NOTIFY_WEBHOOK, NOTIFY_EXEC } NotifyKind;

/* One notification target of the notify: section. */
typedef struct {
    NotifyKind kind;
    char *url;          /* webhook: expanded (may hold secrets, never print) */
    char *url_shown;    /* webhook: as written, user:password masked */
    CfgHeader *headers; /* webhook: extra headers (values expanded) */
    size_t n_headers;
    char **argv; /* exec: the command and its arguments, NULL-terminated */
    size_t argc;
    Severity min_severity; /* default warning */
    int64_t timeout_ms;    /* per attempt, default 10 s */
    int64_t
        repeat_ms[3]; /* re-send while firing, per severity (info, warning, critical); 0 = never */
    int64_t group_wait_ms; /* alerts firing within this window go in one message; default 10 s */
    int line, col;
} CfgNotify;

/* What an HTTP API user may do (ioc.http.users[].role); each role includes
 * the ones below it. */
typedef enum { HTTP_ROLE_NONE = 0, HTTP_ROLE_VIEWER, HTTP_ROLE_OPERATOR, HTTP_ROLE_ADMIN } HttpRole;

/* One user of the HTTP API: a name and a bearer token. */
typedef struct {
    char *name; /* the operator recorded on acks and silences */
    HttpRole role;
    char *token;       /* expanded from ${ENV}: secret, never print */
    char *token_shown; /* as written, "${NAME}" */
    int line, col;
} CfgHttpUser;

/* ioc.http: the API server of "ioc run" (docs/api.md). */
typedef struct {
    char *listen;  /* as written ("127.0.0.1:9464", "[::1]:9464"); NULL: no server */
    char host[64]; /* the address to bind: an IPv4 or IPv6 literal ("localhost" is 127.0.0.1) */
    bool ipv6;     /* host is an IPv6 address */
    int port;      /* 0..65535 (0: any free port) */
    CfgHttpUser *users;
    size_t n_users;
    bool metrics_auth;   /* /metrics needs a viewer token (default false) */
    char *tls_cert;      /* tls.cert: PEM file of the certificate chain, or NULL */
    char *tls_key;       /* tls.key: PEM file of the private key, or NULL */
    int max_connections; /* default 64 */
    int64_t max_body;    /* largest request body in bytes; default 64 KiB */
    int line, col;
} CfgHttp;

typedef struct {
    char *file;           /* path it was loaded from (for messages) */
    char *name;           /* ioc.name */
    char *timezone;       /* ioc.timezone, default "UTC" */
    int64_t rotate_ms;    /* ioc.rotate: console page auto-rotation interval, default 30 s */
    bool demo;            /* ioc.demo: simulated data; the console says DEMO at all times */
    CfgTheme theme;       /* ioc.theme: default or high-contrast */
    CfgLanguage language; /* ioc.language: vi or en; AUTO when absent */
    int64_t interval_ms;  /* defaults.interval, default 30 s */
    int64_t timeout_ms;   /* defaults.timeout, default 5 s */
    NumFormat numfmt;     /* defaults.number_format */
    CfgFeed *feeds;
    size_t n_feeds;
    CfgPage *pages;
    size_t n_pages;
    CfgRule *rules; /* rules: section, then one implicit rule per KPI warn/crit */
    size_t n_rules;
    CfgNotify *notify; /* notify: section */
    size_t n_notify;
    char *alert_log; /* ioc.alert_log: JSON-lines file of alert transitions, or NULL */
    /* ioc.archive: the SQLite archive (docs/archive.md), NULL = none. When the
     * key is absent, cfg_load_file() sets the default path
     * ($STATE_DIRECTORY/archive.db, else $XDG_STATE_HOME/ioc/archive.db, else
     * ~/.local/state/ioc/archive.db) and
     * cfg_load_string() (the bundled demo, tests) leaves it NULL. */
    char *archive;
    bool archive_set;        /* ioc.archive was given (a path, or false/off) */
    int64_t retention_ms[3]; /* ioc.retention raw, minute, hour; default 2d, 35d, 730d */
    CfgHttp *http;           /* ioc.http, or NULL: no API server (owned) */
    /* Hash indexes of feed ids, KPI keys and rule ids, built by the loader
     * (private: config_internal.h; owned). NULL in a Config built by hand, and
     * then cfg_find_kpi() scans. */
    struct CfgIndex *index;
    /* The text it was loaded from (owned; NULL in a Config built by hand):
     * cfg_public_json() writes the secret-free copy from it. */
    char *source;
    size_t source_len;
} Config;

/* Loads and validates the YAML file at path. NULL after adding every error to
 * diag (warnings may be added on success too). */
Config *cfg_load_file(const char *path, Diag *diag);

/* Same, from len bytes of text; name is used in messages. */
Config *cfg_load_string(const char *text, size_t len, const char *name, Diag *diag);

/* Frees a config (NULL is fine). */
void cfg_free(Config *c);

/* Finds a KPI by key "feed.kpi"; NULL when absent. Borrowed. */
const CfgKpi *cfg_find_kpi(const Config *c, const char *key, const CfgFeed **feed);

/* Total number of KPIs over all feeds. */
size_t cfg_kpi_count(const Config *c);

/* True when headers[0..n) set one named name (any case). */
bool cfg_has_header(const CfgHeader *headers, size_t n, const char *name);

/* True when value v crosses threshold t. */
bool cfg_threshold_holds(const CfgThreshold *t, double v);

/* The status of a KPI for a value, from its thresholds: no value (or NaN)
 * gives KST_NONE; stale gives KST_STALE when there is a value; crit wins
 * over warn. k may be NULL (no thresholds). */
KpiStatus cfg_kpi_status(const CfgKpi *k, bool has_value, double v, bool stale);

/* The name k is shown with in the human views: its name_en in the English
 * UI (i18n_lang() is I18N_EN) when it has one, else its name, else its id.
 * Machine formats keep name and name_en apart. Borrowed from k. */
const char *cfg_kpi_label(const CfgKpi *k);

/* The name feed f is shown with, as cfg_kpi_label(). Borrowed from f. */
const char *cfg_feed_label(const CfgFeed *f);

/* The good side of k's target: +1 when higher values meet it, -1 when lower
 * values do, 0 when k has no target or its thresholds watch both ways. The
 * good side is the opposite of the way the warn/crit thresholds point
 * ("< 90": higher is better); without thresholds, higher is better. */
int cfg_kpi_target_dir(const CfgKpi *k);

/* Where value v of k stands against its target: met, below or above (a
 * miss), or CFG_TARGET_NONE (no value, no target, no good side). k may be
 * NULL. */
CfgTarget cfg_kpi_target(const CfgKpi *k, bool has_value, double v);

/* "ok" "warn" "crit" "stale" "none" (machine names, never translated). */
const char *cfg_status_name(KpiStatus s);

/* Parses a duration ("500ms" "15s" "5m" "1h" "1d", or a combination such
 * as "1h30m") into milliseconds; false when malformed. */
bool cfg_parse_duration(const char *s, int64_t *ms);

/* Parses a listen address "host:port" ("127.0.0.1:9464", "[::1]:9464",
 * "localhost:9464") into h->host, h->ipv6 and h->port. The host must be an
 * IP literal or localhost (no name lookup). False with a message in err. */
bool cfg_parse_listen(const char *s, CfgHttp *h, char *err, size_t errlen);

/* Appends to out the config as a thin console needs it, as JSON that
 * cfg_load_string() reads back into the same feeds, KPIs, rules and pages,
 * with nothing secret: a whitelist of keys copied as written (ioc: name,
 * timezone, rotate, demo, theme, language; defaults; feeds: id, name,
 * name_en, format, interval, timeout, slow, number_format, csv_separator,
 * kpis; rules; pages), each feed's url replaced by a placeholder (its
 * headers, auth and tls left out), no notify targets, no ioc.http, no
 * archive, retention or alert_log. 0, or -1 with a message in err (no
 * source text, out of memory). */
int cfg_public_json(const Config *c, SBuf *out, char *err, size_t errlen);

/* The url every feed of cfg_public_json() has. */
#define CFG_PUBLIC_URL "http://redacted.invalid/"

/* "viewer" "operator" "admin" ("none" for HTTP_ROLE_NONE). */
const char *cfg_role_name(HttpRole r);

#endif
