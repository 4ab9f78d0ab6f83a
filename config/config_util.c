/* config_util.c - value checks shared by the config loader: types, ids,
 * numbers, durations, thresholds, ${ENV} expansion, did-you-mean. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_internal.h"
#include "base/fmt.h"
#include "base/i18n.h"
#include "base/sbuf.h"

/* Adds a diagnostic of level lv, naming the for_each item being loaded. */
static void ld_vadd(Ld *ld, DiagLevel lv, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static void ld_vadd(Ld *ld, DiagLevel lv, int line, int col, const char *fmt, va_list ap)
{
    if (!ld->note) {
        diag_vadd(ld->diag, lv, ld->file, line, col, fmt, ap);
        return;
    }
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    diag_add(ld->diag, lv, ld->file, line, col, _("%s (for_each item '%s')"), msg, ld->note);
}

void ld_err(Ld *ld, int line, int col, const char *fmt, ...)
{
    ld->errors++;
    if (ld->mute_errors) {
        ld->muted++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    ld_vadd(ld, DIAG_ERROR, line, col, fmt, ap);
    va_end(ap);
}

void ld_warn(Ld *ld, int line, int col, const char *fmt, ...)
{
    if (ld->mute_warnings) return;
    va_list ap;
    va_start(ap, fmt);
    ld_vadd(ld, DIAG_WARNING, line, col, fmt, ap);
    va_end(ap);
}

int ld_col(const YNode *n, size_t off)
{
    int col = n->col + (n->plain ? 0 : 1);
    if (n->kind != YNODE_SCALAR || !n->str) return col;
    if (off > n->len) off = n->len;
    /* libyaml counts columns in characters: skip UTF-8 continuation bytes. */
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)n->str[i] & 0xC0) != 0x80) col++;
    return col;
}

char *ld_strdup(Ld *ld, const YNode *n, const char *s)
{
    char *d = strdup(s);
    if (!d) ld_err(ld, n ? n->line : 0, n ? n->col : 0, "%s", _("out of memory"));
    return d;
}

const char *ld_kind(const YNode *n)
{
    if (ynode_is_null(n)) return _("nothing");
    return ynode_kind_name(n->kind);
}

bool ld_expect(Ld *ld, const YNode *n, YNodeKind k, const char *what)
{
    if (n->kind == k && !(k == YNODE_SCALAR && ynode_is_null(n))) return true;
    ld_err(ld, n->line, n->col, _("expected %s, got %s"), what, ld_kind(n));
    return false;
}

/* Edit distance (with transpositions) between a and b; large when either is
 * longer than 64 bytes. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 1000;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

const char *ld_suggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3;
    size_t wl = strlen(word);
    /* Short words only get one edit: "x" is not a typo of "id". */
    size_t limit = wl <= 3 ? 1 : 2;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i]) continue;
        if (strcasecmp(word, cands[i]) == 0) return cands[i];
        size_t d = edit_distance(word, cands[i]);
        if (d <= limit && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    }
    return best;
}

void ld_check_keys(Ld *ld, const YNode *map, const char *const *allowed, size_t n,
                   const char *where)
{
    for (size_t i = 0; i < map->n; i++) {
        const YNode *k = map->keys[i];
        bool ok = false;
        for (size_t j = 0; j < n && !ok; j++)
            ok = strcmp(k->str, allowed[j]) == 0;
        if (ok) continue;
        const char *s = ld_suggest(k->str, allowed, n);
        if (s) {
            ld_err(ld, k->line, k->col, _("unknown key '%.64s' %s (did you mean '%s'?)"), k->str,
                   where, s);
            continue;
        }
        char list[512] = "";
        size_t used = 0;
        for (size_t j = 0; j < n && used < sizeof(list); j++) {
            int w = snprintf(list + used, sizeof(list) - used, "%s%s", j ? ", " : "", allowed[j]);
            if (w < 0) break;
            used += (size_t)w;
        }
        ld_err(ld, k->line, k->col, _("unknown key '%.64s' %s (expected one of: %s)"), k->str,
               where, list);
    }
}

const YNode *ld_get(Ld *ld, const YNode *map, const char *key, bool required, const char *where)
{
    const YNode *v = ynode_get(map, key);
    if (v && !ynode_is_null(v)) return v;
    if (required) {
        if (v)
            ld_err(ld, v->line, v->col, _("'%s' %s has no value"), key, where);
        else
            ld_err(ld, map->line, map->col, _("missing required key '%s' %s"), key, where);
    }
    return NULL;
}

bool ld_str(Ld *ld, const YNode *map, const char *key, bool required, const char *where, char **out)
{
    const YNode *v = ld_get(ld, map, key, required, where);
    if (!v) return !required;
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected text for '%s', got %s"), key, ld_kind(v));
        return false;
    }
    char *s = ld_strdup(ld, v, v->str);
    if (!s) return false;
    free(*out);
    *out = s;
    return true;
}

/* True for an ASCII letter. */
static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool ld_id(Ld *ld, const YNode *v)
{
    if (!ld_expect(ld, v, YNODE_SCALAR, _("an id such as 'online_rate'"))) return false;
    const char *s = v->str;
    if (!is_alpha(s[0])) {
        ld_err(ld, v->line, ld_col(v, 0), _("invalid id '%.64s': an id starts with a letter"), s);
        return false;
    }
    for (size_t i = 1; i < v->len; i++) {
        char c = s[i];
        if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') {
            ld_err(ld, v->line, ld_col(v, i),
                   _("invalid id '%.64s': only letters, digits, '_' and '-' are allowed"), s);
            return false;
        }
    }
    if (v->len > CFG_MAX_ID) {
        ld_err(ld, v->line, ld_col(v, CFG_MAX_ID),
               _("invalid id '%.64s': at most %d characters are allowed"), s, CFG_MAX_ID);
        return false;
    }
    return true;
}

bool ld_num(Ld *ld, const YNode *v, const char *key, double *out)
{
    double d;
    if (v->kind == YNODE_SCALAR && val_parse(v->str, v->len, NUMFMT_PLAIN, &d)) {
        if (isfinite(d)) {
            *out = d;
            return true;
        }
        ld_err(ld, v->line, v->col, _("'%s' must be a finite number, got '%.40s'"), key, v->str);
        return false;
    }
    if (v->kind == YNODE_SCALAR)
        ld_err(ld, v->line, v->col, _("expected a number for '%s', got '%.40s'"), key, v->str);
    else
        ld_err(ld, v->line, v->col, _("expected a number for '%s', got %s"), key, ld_kind(v));
    return false;
}

bool ld_int(Ld *ld, const YNode *v, const char *key, long lo, long hi, int *out)
{
    if (v->kind == YNODE_SCALAR) {
        const char *s = v->str;
        size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
        bool digits = i < v->len && v->len - i <= 9;
        for (size_t j = i; j < v->len && digits; j++)
            digits = s[j] >= '0' && s[j] <= '9';
        if (digits) {
            long n = strtol(s, NULL, 10);
            if (n >= lo && n <= hi) {
                *out = (int)n;
                return true;
            }
        }
        ld_err(ld, v->line, v->col,
               _("expected a whole number from %ld to %ld for '%s', got '%.40s'"), lo, hi, key, s);
        return false;
    }
    ld_err(ld, v->line, v->col, _("expected a whole number from %ld to %ld for '%s', got %s"), lo,
           hi, key, ld_kind(v));
    return false;
}

bool cfg_parse_duration(const char *s, int64_t *ms)
{
    /* Units in the order they must appear: "1h30m", never "30m1h". */
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
    if (!s || !*s) return false;
    int64_t total = 0;
    int next_unit = 0;
    while (*s) {
        int64_t n = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (++digits > 9) return false; /* bounds the total far below INT64_MAX */
            n = n * 10 + (*s++ - '0');
        }
        if (digits == 0) return false;
        int u = -1;
        if (s[0] == 'm' && s[1] == 's')
            u = 4;
        else if (*s == 'd')
            u = 0;
        else if (*s == 'h')
            u = 1;
        else if (*s == 'm')
            u = 2;
        else if (*s == 's')
            u = 3;
        if (u < next_unit) return false;
        s += strlen(units[u].name);
        total += n * units[u].ms;
        next_unit = u + 1;
    }
    *ms = total;
    return true;
}

bool ld_duration(Ld *ld, const YNode *v, const char *key, int64_t *out)
{
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected a duration such as 30s for '%s', got %s"), key,
               ld_kind(v));
        return false;
    }
    if (cfg_parse_duration(v->str, out)) return true;
    bool bare = v->len > 0 && v->len <= 12;
    for (size_t i = 0; i < v->len && bare; i++)
        bare = v->str[i] >= '0' && v->str[i] <= '9';
    if (bare)
        ld_err(ld, v->line, v->col, _("durations need a unit: %ss, not %s ('%s')"), v->str, v->str,
               key);
    else
        ld_err(ld, v->line, v->col,
               _("invalid duration '%.40s' for '%s' (expected e.g. 500ms, 15s, 5m, 1h30m, 1d)"),
               v->str, key);
    return false;
}

/* Skips blanks from i in s[0..len). */
static size_t skip_blank(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

bool ld_threshold(Ld *ld, const YNode *v, const char *key, CfgThreshold *t)
{
    memset(t, 0, sizeof(*t));
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected a comparison such as '< 70' for '%s', got %s"), key,
               ld_kind(v));
        return false;
    }
    const char *s = v->str;
    size_t len = v->len, i = skip_blank(s, len, 0);
    double num;
    if (val_parse(s, len, NUMFMT_PLAIN, &num)) {
        ld_err(
            ld, v->line, v->col,
            _("'%s' needs a comparison, not just a number: write a comparison such as '> %.20s'"),
            key, s + i);
        return false;
    }
    CfgThreshold th = {0};
    for (;;) {
        if (th.n == CFG_MAX_CMP) {
            ld_err(ld, v->line, ld_col(v, i), _("a threshold has at most %d comparisons"),
                   CFG_MAX_CMP);
            return false;
        }
        CmpOp op;
        size_t op_at = i;
        if (i < len && s[i] == '<')
            op = CMP_LT;
        else if (i < len && s[i] == '>')
            op = CMP_GT;
        else {
            ld_err(ld, v->line, ld_col(v, i), _("expected '<', '<=', '>' or '>=' in '%s'"), key);
            return false;
        }
        i++;
        if (i < len && s[i] == '=') {
            op = op == CMP_LT ? CMP_LE : CMP_GE;
            i++;
        }
        i = skip_blank(s, len, i);
        size_t start = i;
        while (i < len && s[i] != ' ' && s[i] != '\t')
            i++;
        if (i == start) {
            ld_err(ld, v->line, ld_col(v, start), _("expected a number after '%.*s' in '%s'"),
                   (int)(start - op_at), s + op_at, key);
            return false;
        }
        if (!val_parse(s + start, i - start, NUMFMT_PLAIN, &num) || !isfinite(num)) {
            ld_err(ld, v->line, ld_col(v, start), _("invalid number '%.*s' in '%s'"),
                   (int)(i - start > 40 ? 40 : i - start), s + start, key);
            return false;
        }
        th.op[th.n] = op;
        th.v[th.n] = num;
        th.n++;
        i = skip_blank(s, len, i);
        if (i == len) break;
        if (i + 1 < len && s[i] == 'o' && s[i + 1] == 'r' &&
            (i + 2 == len || s[i + 2] == ' ' || s[i + 2] == '<' || s[i + 2] == '>')) {
            i = skip_blank(s, len, i + 2);
            if (i == len) {
                ld_err(ld, v->line, ld_col(v, i), _("expected a comparison after 'or' in '%s'"),
                       key);
                return false;
            }
            continue;
        }
        ld_err(ld, v->line, ld_col(v, i), _("expected 'or' or the end of '%s'"), key);
        return false;
    }
    *t = th;
    return true;
}

bool ld_choice(Ld *ld, const YNode *v, const char *key, const char *const *names, size_t n,
               const char *expected, size_t *idx)
{
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected %s for '%s', got %s"), expected, key, ld_kind(v));
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v->str, names[i]) == 0) {
            *idx = i;
            return true;
        }
    }
    const char *s = ld_suggest(v->str, names, n);
    if (s)
        ld_err(ld, v->line, v->col, _("unknown %s '%.40s' (did you mean '%s'?)"), key, v->str, s);
    else
        ld_err(ld, v->line, v->col, _("unknown %s '%.40s' (expected %s)"), key, v->str, expected);
    return false;
}

bool ld_numfmt(Ld *ld, const YNode *v, NumFormat *out)
{
    static const char *const names[] = {"plain", "en", "vi"};
    size_t i;
    if (!ld_choice(ld, v, "number_format", names, 3, _("plain, en or vi"), &i)) return false;
    return val_numfmt_from_name(names[i], out);
}

/* True for a character of an environment variable name (not first). */
static bool is_var_char(char c)
{
    return is_alpha(c) || c == '_' || (c >= '0' && c <= '9');
}

/* Expands the ${...} at s[i] into b; returns the index after it, or 0 after an error. */
static size_t expand_var(Ld *ld, const YNode *v, size_t i, SBuf *b)
{
    const char *s = v->str;
    size_t len = v->len, j = i + 2;
    if (j >= len || !(is_alpha(s[j]) || s[j] == '_')) {
        ld_err(ld, v->line, ld_col(v, i),
               _("expected a variable name after '${' (write $$ for a literal '$')"));
        return 0;
    }
    while (j < len && is_var_char(s[j]))
        j++;
    size_t name_len = j - i - 2;
    const char *def = NULL;
    size_t def_len = 0;
    if (j + 1 < len && s[j] == ':' && s[j + 1] == '-') {
        def = s + j + 2;
        const char *close = memchr(def, '}', len - (j + 2));
        if (!close) {
            ld_err(ld, v->line, ld_col(v, i), _("unterminated '${' (expected '}')"));
            return 0;
        }
        def_len = (size_t)(close - def);
        j = (size_t)(close - s);
    } else if (j >= len) {
        ld_err(ld, v->line, ld_col(v, i), _("unterminated '${' (expected '}')"));
        return 0;
    } else if (s[j] != '}') {
        ld_err(ld, v->line, ld_col(v, j),
               _("expected '}' or ':-default' after the variable name in '${'"));
        return 0;
    }
    char name[128];
    if (name_len >= sizeof(name)) {
        ld_err(ld, v->line, ld_col(v, i), _("variable name is too long"));
        return 0;
    }
    memcpy(name, s + i + 2, name_len);
    name[name_len] = '\0';
    const char *val = getenv(name);
    if (def && (!val || !*val)) {
        sbuf_add(b, def, def_len);
    } else if (!val) {
        ld_err(ld, v->line, ld_col(v, i),
               _("environment variable '%s' is not set (use ${%s:-default} to give a default)"),
               name, name);
        return 0;
    } else {
        sbuf_add(b, val, strlen(val));
    }
    return j + 1;
}

bool ld_expand(Ld *ld, const YNode *v, char **out)
{
    SBuf b = {0};
    bool ok = true;
    const char *s = v->str;
    size_t i = 0;
    sbuf_add(&b, "", 0);
    while (i < v->len) {
        if (s[i] == '$' && i + 1 < v->len && s[i + 1] == '$') {
            sbuf_add(&b, "$", 1);
            i += 2;
        } else if (s[i] == '$' && i + 1 < v->len && s[i + 1] == '{') {
            size_t next = expand_var(ld, v, i, &b);
            if (next == 0) {
                ok = false;
                i += 2; /* keep scanning: report every bad ${ in the value */
            } else {
                i = next;
            }
        } else {
            size_t j = i + 1;
            while (j < v->len && s[j] != '$')
                j++;
            sbuf_add(&b, s + i, j - i);
            i = j;
        }
    }
    if (b.oom) {
        ld_err(ld, v->line, v->col, "%s", _("out of memory"));
        ok = false;
    }
    if (!ok) {
        sbuf_free(&b);
        return false;
    }
    *out = b.s;
    return true;
}

void *ld_calloc(Ld *ld, const YNode *at, size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) ld_err(ld, at->line, at->col, "%s", _("out of memory"));
    return p;
}

void ld_timing(Ld *ld, const YNode *m, int64_t *interval, int64_t *timeout)
{
    const YNode *vi = ld_get(ld, m, "interval", false, "");
    const YNode *vt = ld_get(ld, m, "timeout", false, "");
    int64_t iv = *interval, to = *timeout;
    char a[32], b[32];
    bool ok_i = !vi || ld_duration(ld, vi, "interval", &iv);
    if (vi && ok_i && iv < 1000) {
        fmt_duration(iv, a, sizeof(a));
        ld_err(ld, vi->line, vi->col, _("interval must be at least 1s (got %s)"), a);
        ok_i = false;
    }
    bool ok_t = !vt || ld_duration(ld, vt, "timeout", &to);
    if (vt && ok_t && to < 100) {
        fmt_duration(to, a, sizeof(a));
        ld_err(ld, vt->line, vt->col, _("timeout must be at least 100ms (got %s)"), a);
        ok_t = false;
    }
    if (ok_i) *interval = iv;
    if (ok_t) *timeout = to;
    /* When both are inherited, they were checked where they were set. */
    if ((vi || vt) && ok_i && ok_t && to >= iv) {
        const YNode *at = vt ? vt : vi;
        fmt_duration(to, a, sizeof(a));
        fmt_duration(iv, b, sizeof(b));
        ld_err(ld, at->line, at->col, _("timeout %s must be shorter than the interval %s"), a, b);
    }
}

/* A copy of url with the password of a user:password@ part replaced by ***. */
static char *mask_url(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p) return strdup(url);
    const char *auth = p + 3;
    const char *end = auth + strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *q = auth; q < end; q++)
        if (*q == '@') at = q;
    if (!at) return strdup(url);
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon) return strdup(url);
    size_t head = (size_t)(colon + 1 - url), tail = strlen(at);
    char *m = malloc(head + 3 + tail + 1);
    if (!m) return NULL;
    memcpy(m, url, head);
    memcpy(m + head, "***", 3);
    memcpy(m + head + 3, at, tail + 1);
    return m;
}

bool ld_url(Ld *ld, const YNode *v, const char *key, bool allow_file, char **url, char **shown)
{
    *shown = mask_url(v->str);
    if (!*shown) {
        ld_err(ld, v->line, v->col, "%s", _("out of memory"));
        return false;
    }
    if (!ld_expand(ld, v, url)) return false;
    const char *u = *url;
    size_t skip = strncasecmp(u, "http://", 7) == 0    ? 7
                  : strncasecmp(u, "https://", 8) == 0 ? 8
                                                       : 0;
    if (!skip && allow_file && strncasecmp(u, "file://", 7) == 0) return true;
    /* Messages quote the shown form only: the expanded url may hold a secret. */
    if (!skip) {
        ld_err(ld, v->line, v->col,
               allow_file ? _("%s must start with http://, https:// or file:// (got '%.100s')")
                          : _("%s must start with http:// or https:// (got '%.100s')"),
               key, *shown);
        return false;
    }
    if (u[skip] == '\0' || u[skip] == '/' || u[skip] == '?' || u[skip] == '#') {
        ld_err(ld, v->line, v->col, _("%s has no host (got '%.100s')"), key, *shown);
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)u; *p; p++) {
        if (*p <= ' ' || *p == 0x7f) {
            ld_err(ld, v->line, v->col,
                   _("%s must not contain spaces or control characters (got '%.100s')"), key,
                   *shown);
            return false;
        }
    }
    return true;
}

/* True for a character allowed in an HTTP header name (RFC 9110 token). */
static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

void ld_headers(Ld *ld, const YNode *h, CfgHeader **out, size_t *n_out)
{
    if (!ld_expect(ld, h, YNODE_MAP, _("a mapping of header: value"))) return;
    if (h->n == 0) return;
    CfgHeader *hs = ld_calloc(ld, h, h->n, sizeof(*hs));
    if (!hs) return;
    *out = hs;
    *n_out = h->n;
    for (size_t i = 0; i < h->n; i++) {
        const YNode *key = h->keys[i], *v = h->items[i];
        CfgHeader *hd = &hs[i];
        bool ok = key->len > 0;
        for (size_t j = 0; j < key->len && ok; j++)
            ok = is_tchar(key->str[j]);
        if (!ok) ld_err(ld, key->line, key->col, _("invalid header name '%.64s'"), key->str);
        for (size_t j = 0; j < i && ok; j++) {
            if (strcasecmp(h->keys[j]->str, key->str) == 0) {
                ld_err(ld, key->line, key->col,
                       _("duplicate header '%.64s' (first given at line %d)"), key->str,
                       h->keys[j]->line);
                break;
            }
        }
        hd->name = ld_strdup(ld, key, key->str);
        if (v->kind != YNODE_SCALAR || ynode_is_null(v)) {
            ld_err(ld, v->line, v->col, _("expected text for header '%.64s', got %s"), key->str,
                   ld_kind(v));
            continue;
        }
        hd->value_shown = ld_strdup(ld, v, v->str);
        if (!ld_expand(ld, v, &hd->value)) continue;
        if (strcspn(hd->value, "\r\n") != strlen(hd->value))
            /* Never quote the value: it may hold a secret. */
            ld_err(ld, v->line, v->col, _("header '%.64s' must not contain line breaks"), key->str);
    }
}

void ld_unknown_kpi(Ld *ld, const YNode *v)
{
    const Config *c = ld->cfg;
    size_t n = cfg_kpi_count(c), i = 0;
    const char **keys = n ? calloc(n, sizeof(*keys)) : NULL;
    for (size_t f = 0; keys && f < c->n_feeds; f++)
        for (size_t k = 0; k < c->feeds[f].n_kpis; k++)
            keys[i++] = c->feeds[f].kpis[k].key;
    const char *s = keys ? ld_suggest(v->str, keys, n) : NULL;
    if (s)
        ld_err(ld, v->line, v->col, _("unknown KPI '%.70s' (did you mean '%s'?)"), v->str, s);
    else if (!strchr(v->str, '.'))
        ld_err(ld, v->line, v->col,
               _("unknown KPI '%.70s' (write feed.kpi, e.g. 'dvc.online_rate')"), v->str);
    else
        ld_err(ld, v->line, v->col, _("unknown KPI '%.70s'"), v->str);
    free(keys);
}

/* Reads scalar v as a boolean (true/false). */
bool ld_bool(Ld *ld, const YNode *v, const char *key, bool *out)
{
    if (v->kind == YNODE_SCALAR && v->plain) {
        if (strcmp(v->str, "true") == 0) return (*out = true), true;
        if (strcmp(v->str, "false") == 0) return (*out = false), true;
    }
    ld_err(ld, v->line, v->col, _("expected true or false for '%s'"), key);
    return false;
}
