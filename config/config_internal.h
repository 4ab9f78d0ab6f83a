/* config_internal.h - private helpers shared by the config loader's files.
 *
 * The loader walks the YNode tree once, filling a Config and adding every
 * problem to the Diag through an Ld (the load state). Each helper reports its
 * own errors and returns false, so callers just carry on with the next key:
 * one run lists every error in the file. Strings returned through out
 * parameters are heap copies owned by the caller (they go into the Config). */
#ifndef IOC_CONFIG_INTERNAL_H
#define IOC_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "parse/ynode.h"
#include "base/diag.h"
#include "base/strmap.h"

/* Largest config accepted, in bytes. */
#define CFG_MAX_FILE (4u << 20)
/* Longest id (feed, KPI). */
#define CFG_MAX_ID 32

/* Id lookups of a loaded Config, so that a config of 40,000 feeds loads in
 * linear time. Keys are borrowed from the Config's own strings. */
struct CfgIndex {
    StrMap feeds; /* feed id -> CfgFeed * */
    StrMap kpis;  /* KPI key "feed.kpi" -> CfgKpi * */
    StrMap rules; /* id of a rule of the rules: section -> CfgRule index + 1 */
};

/* The feed with id (len bytes) in c, or NULL. */
const CfgFeed *cfg_find_feed(const Config *c, const char *id, size_t len);

/* The state of one load. */
typedef struct {
    const char *file; /* name used in messages */
    Diag *diag;
    Config *cfg;   /* being built */
    size_t errors; /* errors added by this load */
    /* While a for_each copy loads (cfg_foreach_begin()): its item's label,
     * added to messages; its template's warnings shown once; errors past a
     * few items counted (muted), not shown. */
    const char *note;
    bool mute_warnings, mute_errors;
    size_t muted;
    bool dropped; /* a for_each template in error was removed */
} Ld;

/* A for_each template group being loaded: the copies that follow each
 * other in a list with the same for_each position. Zero-initialise. */
typedef struct {
    int line, col;    /* the template's for_each, 0 when none */
    size_t err_items; /* copies with errors so far */
    size_t muted;     /* errors not shown */
    size_t errors;    /* ld->errors when the current copy began */
} CfgForEach;

/* Expands the for_each templates of the feeds list and of every row's
 * panels list of tree root in place (config_foreach.c): each template is
 * replaced by its copies, one per item, ${item} and ${item.KEY} replaced in
 * every text value; a template in error is removed after its error. */
void cfg_expand_for_each(Ld *ld, YNode *root);

/* Call before loading list item m (a copy or not) and cfg_foreach_end()
 * after: messages about a copy name its item, its template's warnings are
 * shown for the first copy only, errors for the first three copies that
 * have some; cfg_foreach_done() after the list reports how many more. */
void cfg_foreach_begin(Ld *ld, const YNode *m, CfgForEach *g);
void cfg_foreach_end(Ld *ld, CfgForEach *g);
void cfg_foreach_done(Ld *ld, CfgForEach *g);

/* Adds an error / a warning at line:col. */
void ld_err(Ld *ld, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ld_warn(Ld *ld, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Column of byte offset off inside scalar n (counted in characters, +1 for an
 * opening quote), so that errors point inside the value. */
int ld_col(const YNode *n, size_t off);

/* strdup() that reports out of memory at n; NULL then. */
char *ld_strdup(Ld *ld, const YNode *n, const char *s);

/* What n is, for "got ..." in messages: "a list", "a mapping", "a value", "nothing". */
const char *ld_kind(const YNode *n);

/* Checks that n is of kind k; otherwise "expected <what>, got <kind>". */
bool ld_expect(Ld *ld, const YNode *n, YNodeKind k, const char *what);

/* Reports every key of map that is not in allowed[0..n), with a suggestion.
 * where completes the message: "in feed", "at the top level". */
void ld_check_keys(Ld *ld, const YNode *map, const char *const *allowed, size_t n,
                   const char *where);

/* The value of key in map. NULL when absent or null; a required key that is
 * absent or null is an error. */
const YNode *ld_get(Ld *ld, const YNode *map, const char *key, bool required, const char *where);

/* Reads the scalar text of key into *out (a copy). Leaves *out alone when the
 * key is absent. False after an error. */
bool ld_str(Ld *ld, const YNode *map, const char *key, bool required, const char *where,
            char **out);

/* Checks that scalar v is an id: a letter, then letters, digits, '_' or '-',
 * at most CFG_MAX_ID characters. */
bool ld_id(Ld *ld, const YNode *v);

/* Parses scalar v (the value of key) as a finite number / a whole number in
 * [lo, hi] / a duration. */
bool ld_num(Ld *ld, const YNode *v, const char *key, double *out);

/* Reads scalar v as a boolean (plain true or false) into *out; an error
 * naming key otherwise. */
bool ld_bool(Ld *ld, const YNode *v, const char *key, bool *out);
bool ld_int(Ld *ld, const YNode *v, const char *key, long lo, long hi, int *out);
bool ld_duration(Ld *ld, const YNode *v, const char *key, int64_t *out);

/* Parses a threshold ("< 70", "< 5.5 or > 9") from scalar v. */
bool ld_threshold(Ld *ld, const YNode *v, const char *key, CfgThreshold *t);

/* Matches scalar v against names[0..n) (did-you-mean on failure); expected
 * lists the choices for the message, e.g. "json, prometheus or csv". */
bool ld_choice(Ld *ld, const YNode *v, const char *key, const char *const *names, size_t n,
               const char *expected, size_t *idx);

/* Reads a number format name ("plain" "en" "vi"). */
bool ld_numfmt(Ld *ld, const YNode *v, NumFormat *out);

/* Expands ${VAR}, ${VAR:-default} and $$ in scalar v into *out (a copy).
 * Errors name the variable, never its value. */
bool ld_expand(Ld *ld, const YNode *v, char **out);

/* calloc(n, size), reporting "out of memory" at node at when it fails. */
void *ld_calloc(Ld *ld, const YNode *at, size_t n, size_t size);

/* Loads the interval and timeout keys of mapping m over *interval and
 * *timeout (which hold the inherited values) and checks them: an interval
 * of at least 1s, a timeout of at least 100ms and shorter than the
 * interval. A value in error leaves its variable as it was. */
void ld_timing(Ld *ld, const YNode *m, int64_t *interval, int64_t *timeout);

/* Loads the URL in scalar v (the value of key: "url", "webhook") into *url
 * (${ENV} expanded) and *shown (a user:password@ password masked as ***)
 * and checks it: http:// or https:// (or file:// with allow_file), a host,
 * no spaces or control characters. Messages name key and quote only the
 * shown form. False after reporting a problem. */
bool ld_url(Ld *ld, const YNode *v, const char *key, bool allow_file, char **url, char **shown);

/* Loads a mapping of HTTP headers (names checked, values ${ENV}-expanded,
 * never quoted in messages) into a new array *out of *n entries. */
void ld_headers(Ld *ld, const YNode *h, CfgHeader **out, size_t *n);

/* Reports an unknown KPI key at scalar v, suggesting the closest key. */
void ld_unknown_kpi(Ld *ld, const YNode *v);

/* The closest of cands[0..n) to word (edit distance <= 2, or equal ignoring
 * case), or NULL. */
const char *ld_suggest(const char *word, const char *const *cands, size_t n);

/* Loads a feed's transport keys (auth, tls, max_body, max_redirects,
 * follow_redirects, allow_link_local, slow) into f; interval and timeout
 * must be loaded first. */
void cfg_load_transport(Ld *ld, const YNode *m, CfgFeed *f);

/* Loads allow_file into f and returns it (needed before the url check). */
bool cfg_load_allow_file(Ld *ld, const YNode *m, CfgFeed *f);

/* Loads the feeds list / the pages list into ld->cfg. */
void cfg_load_feeds(Ld *ld, const YNode *seq);
void cfg_load_pages(Ld *ld, const YNode *seq);

/* Loads the rules list (seq may be NULL: no rules: section), then adds the
 * implicit rules of every KPI's warn/crit thresholds; call after the feeds. */
void cfg_load_rules(Ld *ld, const YNode *seq);

/* Reads a size such as 4MiB, 512KiB or 100000 bytes (config_transport.c). */
bool ld_size(Ld *ld, const YNode *v, const char *key, int64_t *out);

/* Loads ioc.http into ld->cfg->http (config_http.c). */
void cfg_load_http(Ld *ld, const YNode *m);

/* Frees an ioc.http section (NULL is fine). */
void cfg_http_free(CfgHttp *h);

/* Loads the notify list into ld->cfg. */
void cfg_load_notify(Ld *ld, const YNode *seq);

/* Frees the rules and notification targets of c (config_rules.c). */
void cfg_rules_free(Config *c);

#endif
