/* prom.c - Prometheus text exposition format 0.0.4 and metric selectors
 * (see prom.h).
 *
 * The parser reads the body line by line and never reads past len (the body
 * is not NUL-terminated). Metric names, label names and unescaped label values
 * are copied into one arena per document, allocated once with len + 1 bytes:
 * every stored string (n bytes + NUL) comes from at least n + 1 bytes of the
 * body (a name is followed by '=', '{' or a blank; a value by its quotes), so
 * the arena never grows and the pointers handed out stay valid. Labels of all
 * samples live in one array; samples point into it once parsing is done. */
#include "parse/prom.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/regex.h"
#include "parse/value.h"
#include "base/i18n.h"
#include "base/text.h"

#define PROM_MAX_SAMPLES  1000000
#define PROM_MAX_LABELS   128
#define PROM_MAX_MATCHERS 128

/* One entry of a document's index by metric name. */
typedef struct {
    const char *metric;
    size_t idx; /* into samples */
} PromByName;

struct PromDoc {
    char *arena; /* all strings of the document */
    size_t arena_used, arena_cap;
    PromSample *samples;
    size_t n, cap;
    PromLabel *labels; /* labels of every sample, in sample order */
    size_t n_labels, labels_cap;
    /* The samples sorted by metric name, then by position: a selector with
     * a metric name reads only that name's samples (n entries, owned). */
    PromByName *by_name;
    /* An index of the labels by (name, value): lab_head[hash & (lab_cap - 1)]
     * is the first label (+ 1; 0 none) of a chain through lab_next, in the
     * order of the document; lab_owner[j] is label j's sample. A selector
     * with label="value" reads only that chain (owned, n_labels entries). */
    size_t *lab_head, *lab_next, *lab_owner;
    size_t lab_cap;
};

typedef enum { MATCH_EQ, MATCH_NE, MATCH_RE, MATCH_NRE } MatchOp;

typedef struct {
    const char *name;  /* label name ("__name__" for the metric name) */
    const char *value; /* unescaped value or regex source */
    MatchOp op;
    Regex *re; /* the anchored RE2 regex of =~ and !~ (owned), else NULL */
} Matcher;

struct PromSelector {
    char *arena; /* names and values */
    size_t arena_used, arena_cap;
    Matcher *m;
    size_t n;
};

/* One line of the body being parsed (CR of a CRLF already removed). */
typedef struct {
    const char *s;
    size_t n;
    size_t i;
    int line;
} PromLine;

static void prom_fail(PromError *err, int line, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fills *err (when not NULL) with a position and a formatted message. */
static void prom_fail(PromError *err, int line, size_t pos, const char *fmt, ...)
{
    if (!err) return;
    err->line = line;
    err->pos = pos;
    va_list ap;
    va_start(ap, fmt);
    char raw[sizeof(err->msg)];
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    text_sanitize(raw, err->msg, sizeof(err->msg)); /* it may quote the body */
}

/* True for the blanks that separate tokens (space and tab). */
static bool prom_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* True for an ASCII letter. */
static bool prom_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* True for a character that may start a metric name ([a-zA-Z_:]). */
static bool prom_metric_start(char c)
{
    return prom_is_alpha(c) || c == '_' || c == ':';
}

/* True for a character that may continue a metric name ([a-zA-Z0-9_:]). */
static bool prom_metric_char(char c)
{
    return prom_metric_start(c) || (c >= '0' && c <= '9');
}

/* True for a character that may start a label name ([a-zA-Z_]). */
static bool prom_label_start(char c)
{
    return prom_is_alpha(c) || c == '_';
}

/* True for a character that may continue a label name ([a-zA-Z0-9_]). */
static bool prom_label_char(char c)
{
    return prom_label_start(c) || (c >= '0' && c <= '9');
}

/* Advances past blanks (space, tab). */
static void prom_skip_blanks(const char *s, size_t n, size_t *i)
{
    while (*i < n && prom_is_blank(s[*i]))
        (*i)++;
}

/* Reads a quoted string whose opening quote is at s[*i], unescaping \\ \" \n
 * (any other escape keeps its backslash) into out, which has room for the
 * raw length. Sets *i past the closing quote and *out_len. Returns 0, or -1
 * when the string is not terminated on this line, -2 on a NUL byte. */
static int prom_read_quoted(const char *s, size_t n, size_t *i, char *out, size_t *out_len)
{
    size_t j = *i + 1, k = 0;
    while (j < n) {
        char c = s[j];
        if (c == '"') {
            *i = j + 1;
            *out_len = k;
            return 0;
        }
        if (c == '\0') return -2;
        if (c == '\\' && j + 1 < n) {
            char e = s[j + 1];
            if (e == '\\' || e == '"' || e == 'n') {
                out[k++] = e == 'n' ? '\n' : e;
                j += 2;
                continue;
            }
        }
        out[k++] = c;
        j++;
    }
    return -1;
}

/* Reserves n + 1 bytes of the document arena; NULL if the bound is broken. */
static char *prom_doc_reserve(PromDoc *d, size_t n)
{
    if (n + 1 > d->arena_cap - d->arena_used) return NULL;
    return d->arena + d->arena_used;
}

/* Copies s[0..n) plus a NUL into the document arena. */
static const char *prom_doc_store(PromDoc *d, const char *s, size_t n)
{
    char *p = prom_doc_reserve(d, n);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    d->arena_used += n + 1;
    return p;
}

/* Parses an optional int64 timestamp token; returns false if malformed. */
static bool prom_parse_ts(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i >= n) return false;
    uint64_t v = 0;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return true;
}

/* Checks a "# ..." line: HELP and TYPE must name a metric (and TYPE a known
 * type); "# EOF" sets *eof; anything else is a comment. */
static bool prom_parse_comment(PromLine *l, bool *eof, PromError *err)
{
    static const char *const types[] = {"counter",        "gauge",    "histogram",
                                        "summary",        "untyped",  "unknown",
                                        "gaugehistogram", "stateset", "info"};
    const char *s = l->s;
    size_t n = l->n, i = l->i + 1;
    prom_skip_blanks(s, n, &i);
    size_t w = i;
    while (i < n && !prom_is_blank(s[i]))
        i++;
    size_t wlen = i - w;
    bool help = wlen == 4 && memcmp(s + w, "HELP", 4) == 0;
    bool type = wlen == 4 && memcmp(s + w, "TYPE", 4) == 0;
    if (wlen == 3 && memcmp(s + w, "EOF", 3) == 0) {
        prom_skip_blanks(s, n, &i);
        if (i == n) *eof = true;
        return true;
    }
    if (!help && !type) return true;
    prom_skip_blanks(s, n, &i);
    if (i >= n || !prom_metric_start(s[i])) {
        prom_fail(err, l->line, i, _("expected a metric name after # %s"), help ? "HELP" : "TYPE");
        return false;
    }
    while (i < n && prom_metric_char(s[i]))
        i++;
    if (i < n && !prom_is_blank(s[i])) {
        prom_fail(err, l->line, i, _("invalid character in metric name"));
        return false;
    }
    if (help) return true; /* the rest is free text */
    prom_skip_blanks(s, n, &i);
    size_t t = i;
    while (i < n && !prom_is_blank(s[i]))
        i++;
    bool known = false;
    for (size_t k = 0; k < sizeof(types) / sizeof(types[0]) && !known; k++)
        known = strlen(types[k]) == i - t && memcmp(types[k], s + t, i - t) == 0;
    if (!known) {
        prom_fail(err, l->line, t,
                  _("expected a metric type (counter, gauge, histogram, summary or untyped)"));
        return false;
    }
    prom_skip_blanks(s, n, &i);
    if (i < n) {
        prom_fail(err, l->line, i, _("unexpected text after the metric type"));
        return false;
    }
    return true;
}

/* Appends a label to the document's label array. */
static bool prom_doc_add_label(PromDoc *d, const char *name, const char *value)
{
    if (d->n_labels == d->labels_cap) {
        size_t cap = d->labels_cap ? d->labels_cap * 2 : 64;
        PromLabel *p = realloc(d->labels, cap * sizeof(*p));
        if (!p) return false;
        d->labels = p;
        d->labels_cap = cap;
    }
    d->labels[d->n_labels].name = name;
    d->labels[d->n_labels].value = value;
    d->n_labels++;
    return true;
}

/* Parses the {name="value",...} part starting at the '{' at l->i; the new
 * labels are appended to d (first at index first). */
static bool prom_parse_labels(PromDoc *d, PromLine *l, size_t first, PromError *err)
{
    const char *s = l->s;
    size_t n = l->n, i = l->i + 1;
    for (;;) {
        prom_skip_blanks(s, n, &i);
        if (i < n && s[i] == '}') {
            i++;
            break;
        }
        if (i >= n || !prom_label_start(s[i])) {
            prom_fail(err, l->line, i, _("expected a label name or '}'"));
            return false;
        }
        size_t name_at = i;
        while (i < n && prom_label_char(s[i]))
            i++;
        size_t name_len = i - name_at;
        prom_skip_blanks(s, n, &i);
        if (i >= n || s[i] != '=') {
            prom_fail(err, l->line, i, _("expected '=' after label name"));
            return false;
        }
        i++;
        prom_skip_blanks(s, n, &i);
        if (i >= n || s[i] != '"') {
            prom_fail(err, l->line, i, _("expected '\"' to start the label value"));
            return false;
        }
        for (size_t k = first; k < d->n_labels; k++) {
            if (strlen(d->labels[k].name) == name_len &&
                memcmp(d->labels[k].name, s + name_at, name_len) == 0) {
                prom_fail(err, l->line, name_at, _("duplicate label name '%.*s'"), (int)name_len,
                          s + name_at);
                return false;
            }
        }
        if (d->n_labels - first >= PROM_MAX_LABELS) {
            prom_fail(err, l->line, name_at, _("too many labels in one sample (at most %d)"),
                      PROM_MAX_LABELS);
            return false;
        }
        const char *name = prom_doc_store(d, s + name_at, name_len);
        size_t quote = i, vlen = 0;
        char *val = name ? prom_doc_reserve(d, n - i) : NULL;
        if (!val) {
            prom_fail(err, l->line, name_at, _("internal error: label storage exhausted"));
            return false;
        }
        int rc = prom_read_quoted(s, n, &i, val, &vlen);
        if (rc == -1) {
            prom_fail(err, l->line, quote, _("unterminated label value"));
            return false;
        }
        if (rc == -2) {
            prom_fail(err, l->line, quote, _("NUL byte in label value"));
            return false;
        }
        val[vlen] = '\0';
        d->arena_used += vlen + 1;
        if (!prom_doc_add_label(d, name, val)) {
            prom_fail(err, l->line, name_at, _("out of memory"));
            return false;
        }
        prom_skip_blanks(s, n, &i);
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == '}') {
            i++;
            break;
        }
        prom_fail(err, l->line, i, _("expected ',' or '}' after label value"));
        return false;
    }
    l->i = i;
    return true;
}

/* Parses one sample line into d. */
static bool prom_parse_sample(PromDoc *d, PromLine *l, PromError *err)
{
    const char *s = l->s;
    size_t n = l->n, i = l->i;
    if (!prom_metric_start(s[i])) {
        prom_fail(err, l->line, i, _("expected a metric name"));
        return false;
    }
    if (d->n >= PROM_MAX_SAMPLES) {
        prom_fail(err, l->line, i, _("too many samples (at most %d)"), PROM_MAX_SAMPLES);
        return false;
    }
    size_t name_at = i;
    while (i < n && prom_metric_char(s[i]))
        i++;
    size_t name_len = i - name_at;
    if (i < n && s[i] != '{' && !prom_is_blank(s[i])) {
        prom_fail(err, l->line, i, _("invalid character in metric name"));
        return false;
    }
    prom_skip_blanks(s, n, &i);
    /* Consecutive samples of one metric (histograms) share the name. */
    const char *metric = NULL;
    if (d->n > 0) {
        const char *prev = d->samples[d->n - 1].metric;
        if (strlen(prev) == name_len && memcmp(prev, s + name_at, name_len) == 0) metric = prev;
    }
    if (!metric) metric = prom_doc_store(d, s + name_at, name_len);
    if (!metric) {
        prom_fail(err, l->line, name_at, _("internal error: label storage exhausted"));
        return false;
    }
    size_t first = d->n_labels;
    if (i < n && s[i] == '{') {
        l->i = i;
        if (!prom_parse_labels(d, l, first, err)) return false;
        i = l->i;
        prom_skip_blanks(s, n, &i);
    }
    size_t v_at = i;
    while (i < n && !prom_is_blank(s[i]))
        i++;
    if (i == v_at) {
        prom_fail(err, l->line, v_at, _("expected a sample value"));
        return false;
    }
    double value;
    if (!val_parse(s + v_at, i - v_at, NUMFMT_PLAIN, &value)) {
        prom_fail(err, l->line, v_at,
                  _("invalid sample value (expected a number, NaN, +Inf or -Inf)"));
        return false;
    }
    prom_skip_blanks(s, n, &i);
    int64_t ts = INT64_MIN;
    if (i < n) {
        size_t t_at = i;
        while (i < n && !prom_is_blank(s[i]))
            i++;
        if (!prom_parse_ts(s + t_at, i - t_at, &ts)) {
            prom_fail(err, l->line, t_at, _("invalid timestamp (expected integer milliseconds)"));
            return false;
        }
        prom_skip_blanks(s, n, &i);
        if (i < n) {
            prom_fail(err, l->line, i, _("unexpected text after the timestamp"));
            return false;
        }
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        PromSample *p = realloc(d->samples, cap * sizeof(*p));
        if (!p) {
            prom_fail(err, l->line, name_at, _("out of memory"));
            return false;
        }
        d->samples = p;
        d->cap = cap;
    }
    PromSample *smp = &d->samples[d->n++];
    smp->metric = metric;
    smp->labels = NULL; /* set once all labels are in place */
    smp->n_labels = d->n_labels - first;
    smp->value = value;
    smp->ts_ms = ts;
    return true;
}

/* Parses a whole body (see prom.h). */
/* FNV-1a of a label's name and value (a NUL between them). */
static uint64_t label_hash(const char *name, const char *value)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    h = (h ^ 0) * 1099511628211ull;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

/* Builds d's index of labels by (name, value) (see PromDoc). False when
 * out of memory. */
static bool index_labels(PromDoc *d)
{
    size_t cap = 16;
    while (cap < 2 * d->n_labels)
        cap *= 2;
    d->lab_cap = cap;
    d->lab_head = calloc(cap, sizeof(*d->lab_head));
    d->lab_next = calloc(d->n_labels ? d->n_labels : 1, sizeof(*d->lab_next));
    d->lab_owner = calloc(d->n_labels ? d->n_labels : 1, sizeof(*d->lab_owner));
    if (!d->lab_head || !d->lab_next || !d->lab_owner) return false;
    size_t j = 0;
    for (size_t k = 0; k < d->n; k++)
        for (size_t i = 0; i < d->samples[k].n_labels; i++, j++)
            d->lab_owner[j] = k;
    /* From the last label to the first, each pushed in front: chains keep
     * the document's order. */
    for (size_t l = d->n_labels; l-- > 0;) {
        size_t b = label_hash(d->labels[l].name, d->labels[l].value) & (cap - 1);
        d->lab_next[l] = d->lab_head[b];
        d->lab_head[b] = l + 1;
    }
    return true;
}

/* qsort order of PromByName: metric name, then position in the document. */
static int by_name_cmp(const void *a, const void *b)
{
    const PromByName *x = a, *y = b;
    int c = strcmp(x->metric, y->metric);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

PromDoc *prom_parse(const char *body, size_t len, PromError *err)
{
    if (err) memset(err, 0, sizeof(*err));
    PromDoc *d = calloc(1, sizeof(*d));
    if (!d) goto oom;
    d->arena_cap = len + 1;
    d->arena = malloc(d->arena_cap);
    if (!d->arena) goto oom;
    if (!body) len = 0;

    size_t p = 0;
    int line = 0;
    while (p < len) {
        line++;
        const char *nl = memchr(body + p, '\n', len - p);
        size_t end = nl ? (size_t)(nl - body) : len;
        PromLine l = {body + p, end - p, 0, line};
        if (l.n > 0 && l.s[l.n - 1] == '\r') l.n--;
        p = nl ? end + 1 : len;
        prom_skip_blanks(l.s, l.n, &l.i);
        if (l.i == l.n) continue;
        if (l.s[l.i] == '#') {
            bool eof = false;
            if (!prom_parse_comment(&l, &eof, err)) goto fail;
            if (eof) break;
            continue;
        }
        if (!prom_parse_sample(d, &l, err)) goto fail;
    }
    size_t off = 0;
    for (size_t k = 0; k < d->n; k++) {
        PromSample *smp = &d->samples[k];
        smp->labels = smp->n_labels ? d->labels + off : NULL;
        off += smp->n_labels;
    }
    if (!(d->by_name = malloc((d->n ? d->n : 1) * sizeof(*d->by_name)))) goto oom;
    for (size_t k = 0; k < d->n; k++)
        d->by_name[k] = (PromByName){d->samples[k].metric, k};
    qsort(d->by_name, d->n, sizeof(*d->by_name), by_name_cmp);
    if (!index_labels(d)) goto oom;
    return d;
oom:
    prom_fail(err, 0, 0, _("out of memory"));
fail:
    prom_doc_free(d);
    return NULL;
}

/* Frees a document (NULL is fine). */
void prom_doc_free(PromDoc *d)
{
    if (!d) return;
    free(d->arena);
    free(d->samples);
    free(d->labels);
    free(d->by_name);
    free(d->lab_head);
    free(d->lab_next);
    free(d->lab_owner);
    free(d);
}

/* Number of samples of d. */
size_t prom_doc_count(const PromDoc *d)
{
    return d ? d->n : 0;
}

/* The i-th sample of d, or NULL when i is out of range. */
const PromSample *prom_doc_sample(const PromDoc *d, size_t i)
{
    if (!d || i >= d->n) return NULL;
    return &d->samples[i];
}

/* True for blanks allowed around selector tokens. */
static bool prom_sel_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Advances past selector blanks. */
static void prom_sel_skip(const char *s, size_t n, size_t *i)
{
    while (*i < n && prom_sel_space(s[*i]))
        (*i)++;
}

/* Copies s[0..n) plus a NUL into the selector arena (sized to always fit). */
static const char *prom_sel_store(PromSelector *sel, const char *s, size_t n)
{
    if (n + 1 > sel->arena_cap - sel->arena_used) return NULL;
    char *p = sel->arena + sel->arena_used;
    memcpy(p, s, n);
    p[n] = '\0';
    sel->arena_used += n + 1;
    return p;
}

/* Adds a matcher; compiles its anchored regex for =~ and !~. */
static bool prom_sel_add(PromSelector *sel, const char *name, const char *value, MatchOp op,
                         size_t pos, PromError *err)
{
    if (sel->n >= PROM_MAX_MATCHERS) {
        prom_fail(err, 0, pos, _("too many label matchers (at most %d)"), PROM_MAX_MATCHERS);
        return false;
    }
    Matcher *m = &sel->m[sel->n];
    m->name = name;
    m->value = value;
    m->op = op;
    m->re = NULL;
    if (op == MATCH_RE || op == MATCH_NRE) {
        char why[160];
        bool oom = false;
        m->re = rx_compile(value, strlen(value), RX_RE2, why, sizeof(why), &oom);
        if (!m->re) {
            if (oom)
                prom_fail(err, 0, pos, "%s", why);
            else
                prom_fail(err, 0, pos, _("invalid regular expression: %s"), why);
            return false;
        }
    }
    sel->n++;
    return true;
}

/* Reads "op" at s[*i]: = != =~ !~. */
static bool prom_sel_op(const char *s, size_t n, size_t *i, MatchOp *op)
{
    if (*i < n && s[*i] == '=') {
        if (*i + 1 < n && s[*i + 1] == '~') {
            *op = MATCH_RE;
            *i += 2;
        } else {
            *op = MATCH_EQ;
            *i += 1;
        }
        return true;
    }
    if (*i + 1 < n && s[*i] == '!' && (s[*i + 1] == '=' || s[*i + 1] == '~')) {
        *op = s[*i + 1] == '=' ? MATCH_NE : MATCH_NRE;
        *i += 2;
        return true;
    }
    return false;
}

/* Parses the {l op "v", ...} part of a selector starting at the '{' at s[*i]. */
static bool prom_sel_matchers(PromSelector *sel, const char *s, size_t n, size_t *pi,
                              PromError *err)
{
    size_t i = *pi + 1;
    for (;;) {
        prom_sel_skip(s, n, &i);
        if (i < n && s[i] == '}') {
            i++;
            break;
        }
        if (i >= n || !prom_label_start(s[i])) {
            prom_fail(err, 0, i, _("expected a label name or '}'"));
            return false;
        }
        size_t name_at = i;
        while (i < n && prom_label_char(s[i]))
            i++;
        const char *name = prom_sel_store(sel, s + name_at, i - name_at);
        prom_sel_skip(s, n, &i);
        MatchOp op;
        if (!prom_sel_op(s, n, &i, &op)) {
            prom_fail(err, 0, i, _("expected one of =, !=, =~, !~ after label name"));
            return false;
        }
        prom_sel_skip(s, n, &i);
        if (i >= n || s[i] != '"') {
            prom_fail(err, 0, i, _("expected '\"' to start the label value"));
            return false;
        }
        size_t quote = i, vlen = 0;
        char *val = sel->arena + sel->arena_used;
        if (!name || n - i > sel->arena_cap - sel->arena_used) {
            prom_fail(err, 0, name_at, _("internal error: selector storage exhausted"));
            return false;
        }
        if (prom_read_quoted(s, n, &i, val, &vlen) != 0) {
            prom_fail(err, 0, quote, _("unterminated label value"));
            return false;
        }
        val[vlen] = '\0';
        sel->arena_used += vlen + 1;
        if (!prom_sel_add(sel, name, val, op, quote, err)) return false;
        prom_sel_skip(s, n, &i);
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == '}') {
            i++;
            break;
        }
        prom_fail(err, 0, i, _("expected ',' or '}' after label value"));
        return false;
    }
    *pi = i;
    return true;
}

/* Compiles a selector (see prom.h). */
PromSelector *prom_selector_compile(const char *expr, PromError *err)
{
    if (err) memset(err, 0, sizeof(*err));
    if (!expr) {
        prom_fail(err, 0, 0, _("expected a metric name or '{'"));
        return NULL;
    }
    size_t n = strlen(expr), i = 0;
    PromSelector *sel = calloc(1, sizeof(*sel));
    if (!sel) goto oom;
    sel->arena_cap = n + 1;
    sel->arena = malloc(sel->arena_cap);
    sel->m = calloc(PROM_MAX_MATCHERS, sizeof(*sel->m));
    if (!sel->arena || !sel->m) goto oom;

    prom_sel_skip(expr, n, &i);
    if (i < n && prom_metric_start(expr[i])) {
        size_t at = i;
        while (i < n && prom_metric_char(expr[i]))
            i++;
        const char *name = prom_sel_store(sel, expr + at, i - at);
        if (!name || !prom_sel_add(sel, "__name__", name, MATCH_EQ, at, err)) goto fail;
        prom_sel_skip(expr, n, &i);
    } else if (i >= n || expr[i] != '{') {
        prom_fail(err, 0, i, _("expected a metric name or '{'"));
        goto fail;
    }
    if (i < n && expr[i] == '{') {
        if (!prom_sel_matchers(sel, expr, n, &i, err)) goto fail;
        prom_sel_skip(expr, n, &i);
    }
    if (i < n) {
        prom_fail(err, 0, i, _("unexpected text after the selector"));
        goto fail;
    }
    if (sel->n == 0) {
        prom_fail(err, 0, 0, _("empty selector: expected a metric name or a label matcher"));
        goto fail;
    }
    /* Kept for the config's life, one per KPI: only the matchers used. */
    Matcher *fit = realloc(sel->m, sel->n * sizeof(*sel->m));
    if (fit) sel->m = fit;
    return sel;
oom:
    prom_fail(err, 0, 0, _("out of memory"));
fail:
    prom_selector_free(sel);
    return NULL;
}

/* Frees a selector and its compiled regexes (NULL is fine). */
void prom_selector_free(PromSelector *s)
{
    if (!s) return;
    for (size_t k = 0; s->m && k < s->n; k++)
        rx_free(s->m[k].re);
    free(s->m);
    free(s->arena);
    free(s);
}

/* Value of label name in sample smp ("" when absent; the metric name for
 * "__name__"). */
static const char *prom_label_value(const PromSample *smp, const char *name)
{
    if (strcmp(name, "__name__") == 0) return smp->metric;
    for (size_t k = 0; k < smp->n_labels; k++)
        if (strcmp(smp->labels[k].name, name) == 0) return smp->labels[k].value;
    return "";
}

/* 1 when every matcher of sel holds for smp, 0 when one does not, -1 when a
 * regex went over its match limits. */
static int prom_matches(const PromSelector *sel, const PromSample *smp)
{
    for (size_t k = 0; k < sel->n; k++) {
        const Matcher *m = &sel->m[k];
        const char *v = prom_label_value(smp, m->name);
        int ok;
        switch (m->op) {
        case MATCH_EQ:
            ok = strcmp(v, m->value) == 0;
            break;
        case MATCH_NE:
            ok = strcmp(v, m->value) != 0;
            break;
        case MATCH_RE:
        case MATCH_NRE:
            ok = rx_match(m->re, v, strlen(v));
            if (ok == RX_LIMIT) return -1;
            if (m->op == MATCH_NRE) ok = !ok;
            break;
        default:
            ok = 0;
            break;
        }
        if (!ok) return 0;
    }
    return 1;
}

/* The metric name that every sample matching s must have (an = matcher on
 * __name__), or NULL when s does not fix one. */
static const char *prom_fixed_name(const PromSelector *s)
{
    for (size_t k = 0; k < s->n; k++)
        if (s->m[k].op == MATCH_EQ && strcmp(s->m[k].name, "__name__") == 0) return s->m[k].value;
    return NULL;
}

/* Appends v to (*vals)[*n], growing the array whose known size is *cap.
 * False when out of memory. */
static bool prom_push(double **vals, size_t *n, size_t *cap, double v)
{
    if (*n == *cap) {
        size_t ncap = *cap < 8 ? 16 : *cap * 2;
        double *p = realloc(*vals, ncap * sizeof(*p));
        if (!p) return false;
        *vals = p;
        *cap = ncap;
    }
    (*vals)[(*n)++] = v;
    return true;
}

/* An = matcher of s on a label other than the metric name with a value
 * that is not empty (label="" also matches the samples without the label,
 * which the index does not list), or NULL. */
static const Matcher *prom_eq_label(const PromSelector *s)
{
    for (size_t k = 0; k < s->n; k++)
        if (s->m[k].op == MATCH_EQ && s->m[k].value[0] && strcmp(s->m[k].name, "__name__") != 0)
            return &s->m[k];
    return NULL;
}

/* Appends the values of the samples matching s (see prom.h). With a
 * label="value" matcher only the samples carrying that label are read (the
 * label index), else with a metric name only that name's samples (the
 * index by name); either way in the document's order. */
long prom_select(const PromDoc *d, const PromSelector *s, double **vals, size_t *n)
{
    if (!d || !s || !vals || !n) return -1;
    size_t cap = *n; /* what the caller's array is known to hold */
    long added = 0;
    const Matcher *eq = prom_eq_label(s);
    if (eq && d->lab_head) {
        size_t b = label_hash(eq->name, eq->value) & (d->lab_cap - 1);
        for (size_t l1 = d->lab_head[b]; l1; l1 = d->lab_next[l1 - 1]) {
            const PromLabel *lab = &d->labels[l1 - 1];
            if (strcmp(lab->name, eq->name) != 0 || strcmp(lab->value, eq->value) != 0) continue;
            const PromSample *smp = &d->samples[d->lab_owner[l1 - 1]];
            int ok = prom_matches(s, smp);
            if (ok < 0) return PROM_SELECT_LIMIT;
            if (!ok) continue;
            if (!prom_push(vals, n, &cap, smp->value)) return -1;
            added++;
        }
        return added;
    }
    size_t lo = 0, hi = d->n;
    const char *name = prom_fixed_name(s);
    if (name) { /* the first entry of name, then the entries up to the next name */
        size_t a = 0, b = d->n;
        while (a < b) {
            size_t mid = a + (b - a) / 2;
            if (strcmp(d->by_name[mid].metric, name) < 0)
                a = mid + 1;
            else
                b = mid;
        }
        lo = a;
        for (hi = lo; hi < d->n && strcmp(d->by_name[hi].metric, name) == 0;)
            hi++;
    }
    for (size_t j = lo; j < hi; j++) {
        size_t k = name ? d->by_name[j].idx : j;
        int ok = prom_matches(s, &d->samples[k]);
        if (ok < 0) return PROM_SELECT_LIMIT;
        if (!ok) continue;
        if (!prom_push(vals, n, &cap, d->samples[k].value)) return -1;
        added++;
    }
    return added;
}
