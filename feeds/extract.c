/* extract.c - body → KPI values for JSON, Prometheus text and CSV (see extract.h). */
#include "feeds/extract.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "parse/csv.h"
#include "parse/jsonpath.h"
#include "parse/prom.h"
#include "parse/promapi.h"
#include "parse/value.h"
#include "base/i18n.h"

/* Node visits one KPI's JSONPath selector may cost (extract_set_budget()). */
static size_t extract_budget = JP_DEFAULT_BUDGET;

size_t extract_set_budget(size_t nodes)
{
    size_t old = extract_budget;
    extract_budget = nodes ? nodes : JP_DEFAULT_BUDGET;
    return old;
}

/* Sets a KPI's error message (printf-style). */
__attribute__((format(printf, 2, 3))) static void kpi_fail(KpiValue *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    v->has_value = false;
    vsnprintf(v->error, sizeof(v->error), fmt, ap);
    va_end(ap);
}

/* Copies at most 24 bytes of a feed string for an error message, with any
 * byte that is not printable ASCII shown as '?': server text never reaches a
 * terminal raw through an error. */
static void quote_sample(const char *s, size_t len, char *out, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < len && i < 24 && j + 4 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (len > 24 && j + 4 < n) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = '\0';
}

/* Reduces vals with the KPI's agg (count counts nodes) and applies scale
 * and offset (not for a counter: feeds/counter.h does); a result that is not
 * finite is no value ("value is not finite"). n_nodes is the number of
 * matches before dropping nulls. */
static void finish(const CfgKpi *k, const double *vals, size_t n, size_t n_nodes, KpiValue *out)
{
    double v;
    if (k->agg == AGG_COUNT) {
        v = (double)n_nodes;
    } else if (n_nodes == 0) {
        kpi_fail(out, "%s", _("selector matched nothing"));
        return;
    } else if (!val_agg(k->agg, vals, n, &v)) {
        kpi_fail(out, "%s", _("selector matched only empty or null values"));
        return;
    }
    if (k->counter == COUNTER_NONE) v = v * k->scale + k->offset;
    if (!isfinite(v)) { /* Inf from the feed, or an overflow in agg, scale or offset */
        kpi_fail(out, "%s", _("value is not finite"));
        return;
    }
    out->has_value = true;
    out->value = v;
    out->error[0] = '\0';
}

/* Reads one JSON node as a number; false with the KPI error set when it is
 * not one. Nulls are reported through *is_null and are not an error. */
static bool json_number(const CfgKpi *k, const cJSON *node, double *v, bool *is_null, KpiValue *out)
{
    *is_null = false;
    if (cJSON_IsNumber(node)) {
        *v = node->valuedouble;
        return true;
    }
    if (cJSON_IsBool(node)) {
        *v = cJSON_IsTrue(node) ? 1 : 0;
        return true;
    }
    if (cJSON_IsNull(node)) {
        *is_null = true;
        return true;
    }
    if (cJSON_IsString(node)) {
        const char *s = node->valuestring;
        if (val_parse(s, strlen(s), k->numfmt, v)) return true;
        char q[40];
        quote_sample(s, strlen(s), q, sizeof(q));
        kpi_fail(out, _("not a number in the '%s' format: \"%s\""), val_numfmt_name(k->numfmt), q);
        return false;
    }
    kpi_fail(out, "%s",
             cJSON_IsArray(node) ? _("selector matched a list, not a number")
                                 : _("selector matched an object, not a number"));
    return false;
}

/* Extracts every KPI of a JSON feed. */
static int extract_json(const CfgFeed *f, const char *body, size_t len, KpiValue *out, char *err,
                        size_t errlen)
{
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (doc) { /* only blanks may follow the value */
        while (end < body + len && *end && strchr(" \t\r\n", *end))
            end++;
        if (end < body + len) {
            cJSON_Delete(doc);
            doc = NULL;
        }
    }
    if (!doc) {
        size_t off = end && end >= body ? (size_t)(end - body) : 0;
        snprintf(err, errlen, _("invalid JSON near byte %zu"), off);
        return -1;
    }
    int got = 0;
    for (size_t i = 0; i < f->n_kpis; i++) {
        const CfgKpi *k = &f->kpis[i];
        JpNodeList nodes = {0};
        int rc = k->jp ? jp_eval_budget(k->jp, doc, &nodes, extract_budget) : JP_ERR_NOMEM;
        if (rc != 0) {
            if (rc == JP_ERR_BUDGET)
                kpi_fail(&out[i], _("selector exceeded its work budget (%zu nodes)"),
                         extract_budget);
            else
                kpi_fail(&out[i], "%s", _("out of memory"));
            jp_nodelist_free(&nodes);
            continue;
        }
        double *vals = nodes.len ? malloc(nodes.len * sizeof(double)) : NULL;
        size_t n = 0;
        bool ok = nodes.len == 0 || vals;
        for (size_t j = 0; ok && j < nodes.len; j++) {
            bool is_null;
            double v;
            if (k->agg == AGG_COUNT) break; /* counting needs no conversion */
            ok = json_number(k, nodes.nodes[j], &v, &is_null, &out[i]);
            if (ok && !is_null) vals[n++] = v;
        }
        if (ok) finish(k, vals, n, nodes.len, &out[i]);
        if (out[i].has_value) got++;
        free(vals);
        jp_nodelist_free(&nodes);
    }
    cJSON_Delete(doc);
    return got;
}

/* Extracts every KPI of a Prometheus text feed. */
static int extract_prom(const CfgFeed *f, const char *body, size_t len, KpiValue *out, char *err,
                        size_t errlen)
{
    PromError pe;
    PromDoc *doc = prom_parse(body, len, &pe);
    if (!doc) {
        snprintf(err, errlen, _("invalid Prometheus text at line %d: %s"), pe.line, pe.msg);
        return -1;
    }
    int got = 0;
    for (size_t i = 0; i < f->n_kpis; i++) {
        const CfgKpi *k = &f->kpis[i];
        double *vals = NULL;
        size_t n = 0;
        long rc = k->prom ? prom_select(doc, k->prom, &vals, &n) : -1;
        if (rc == PROM_SELECT_LIMIT) {
            kpi_fail(&out[i], "%s",
                     _("a regular expression of the selector went over its match limits"));
        } else if (rc < 0) {
            kpi_fail(&out[i], "%s", _("out of memory"));
        } else if (n == 0) {
            kpi_fail(&out[i], "%s", _("0 series matched"));
        } else {
            finish(k, vals, n, n, &out[i]);
            if (out[i].has_value) got++;
        }
        free(vals);
    }
    prom_doc_free(doc);
    return got;
}

/* True when data row r of t satisfies every where condition of k. */
static bool csv_row_matches(const CsvTable *t, const CfgKpi *k, const long *where_cols, size_t r)
{
    for (size_t w = 0; w < k->n_where; w++)
        if (strcmp(csv_cell(t, r, (size_t)where_cols[w]), k->where[w].value) != 0) return false;
    return true;
}

/* Extracts one KPI from a CSV table. */
static void extract_csv_kpi(const CsvTable *t, const CfgKpi *k, KpiValue *out)
{
    long col = csv_col_index(t, k->select);
    if (col < 0) {
        kpi_fail(out, _("no column '%s' in the CSV header"), k->select);
        return;
    }
    long where_cols[16];
    if (k->n_where > 16) {
        kpi_fail(out, "%s", _("too many where conditions"));
        return;
    }
    for (size_t w = 0; w < k->n_where; w++) {
        where_cols[w] = csv_col_index(t, k->where[w].column);
        if (where_cols[w] < 0) {
            kpi_fail(out, _("no column '%s' in the CSV header"), k->where[w].column);
            return;
        }
    }
    size_t rows = csv_rows(t);
    double *vals = rows ? malloc(rows * sizeof(double)) : NULL;
    if (rows && !vals) {
        kpi_fail(out, "%s", _("out of memory"));
        return;
    }
    size_t n = 0, matched = 0;
    for (size_t r = 0; r < rows; r++) {
        if (!csv_row_matches(t, k, where_cols, r)) continue;
        matched++;
        const char *cell = csv_cell(t, r, (size_t)col);
        if (cell[0] == '\0') continue; /* an empty cell is no value */
        double v;
        if (!val_parse(cell, strlen(cell), k->numfmt, &v)) {
            char q[40];
            quote_sample(cell, strlen(cell), q, sizeof(q));
            kpi_fail(out, _("not a number in the '%s' format at row %zu: \"%s\""),
                     val_numfmt_name(k->numfmt), r + 2, q);
            free(vals);
            return;
        }
        vals[n++] = v;
    }
    if (matched == 0 && k->agg != AGG_COUNT)
        kpi_fail(out, "%s", _("no row matches the where condition"));
    else
        finish(k, vals, n, matched, out);
    free(vals);
}

/* Extracts every KPI of a CSV feed. */
static int extract_csv(const CfgFeed *f, const char *body, size_t len, KpiValue *out, char *err,
                       size_t errlen)
{
    CsvError ce;
    CsvTable *t = csv_parse(body, len, f->csv_sep, &ce);
    if (!t) {
        snprintf(err, errlen, _("invalid CSV at line %d: %s"), ce.line, ce.msg);
        return -1;
    }
    int got = 0;
    for (size_t i = 0; i < f->n_kpis; i++) {
        extract_csv_kpi(t, &f->kpis[i], &out[i]);
        if (out[i].has_value) got++;
    }
    csv_free(t);
    return got;
}

int extract_promql(const CfgKpi *k, const char *body, size_t len, KpiValue *out)
{
    out->has_value = false;
    out->pending = false;
    out->value = NAN;
    out->error[0] = '\0';
    PromApiAnswer a;
    char err[160];
    if (promapi_parse(body, len, &a, err, sizeof(err)) < 0) {
        kpi_fail(out, "%s", err);
        promapi_free(&a);
        return -1;
    }
    switch (a.kind) {
    case PROMAPI_ERROR:
        if (a.error_type[0])
            kpi_fail(out, "%s: %s", a.error_type, a.error[0] ? a.error : _("(no error text)"));
        else
            kpi_fail(out, "%s", a.error[0] ? a.error : _("the query failed (no error text)"));
        break;
    case PROMAPI_MATRIX:
        kpi_fail(out, "%s",
                 _("the query returns a range vector; use an instant query (e.g. "
                   "rate(x[5m]) rather than x[5m])"));
        break;
    case PROMAPI_STRING:
        kpi_fail(out, "%s", _("the query returns a string, not a number"));
        break;
    case PROMAPI_SCALAR:
    case PROMAPI_VECTOR:
        if (a.n == 0)
            kpi_fail(out, "%s", _("0 series matched"));
        else if (a.n > 1 && !k->has_agg)
            kpi_fail(out,
                     _("the query returned %zu series, not one: aggregate them in the query "
                       "(sum, avg, max...) or set agg"),
                     a.n);
        else
            finish(k, a.values, a.n, a.n, out);
        break;
    }
    promapi_free(&a);
    return out->has_value ? 1 : 0;
}

int extract_feed(const CfgFeed *f, const char *body, size_t len, KpiValue *out, char *err,
                 size_t errlen)
{
    for (size_t i = 0; i < f->n_kpis; i++) {
        out[i].has_value = false;
        out[i].pending = false;
        out[i].value = NAN;
        out[i].error[0] = '\0';
    }
    if (errlen) err[0] = '\0';
    int got;
    switch (f->format) {
    case FEED_JSON:
        got = extract_json(f, body, len, out, err, errlen);
        break;
    case FEED_PROMETHEUS:
        got = extract_prom(f, body, len, out, err, errlen);
        break;
    case FEED_CSV:
        got = extract_csv(f, body, len, out, err, errlen);
        break;
    case FEED_PROMQL: /* one body per KPI: extract_promql() */
    default:
        snprintf(err, errlen, "%s", _("unknown feed format"));
        got = -1;
    }
    if (got < 0)
        for (size_t i = 0; i < f->n_kpis; i++)
            snprintf(out[i].error, sizeof(out[i].error), "%s", err);
    return got;
}
