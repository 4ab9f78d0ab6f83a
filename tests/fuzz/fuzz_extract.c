/* fuzz_extract.c - libFuzzer target for feeds/extract.h: a body, the KPI
 * selectors and the number format together, as a poll delivers them.
 *
 * The input is three parts separated by newlines:
 *   HEADER      up to 4 characters: format (j json, p prometheus, c csv),
 *               number format (p plain, e en, v vi), agg (f first, l last,
 *               s sum, a avg, m min, M max, c count), CSV separator (',' or
 *               ';', anything else detects); other bytes pick by value.
 *   SELECTORS   one to four selectors separated by TAB (JSONPath, metric
 *               selector, or CSV column, optionally "column?wcol=wval");
 *   BODY        the rest, as the server sent it.
 * Checks: the return value counts the KPIs that got a value, a KPI without
 * a value always says why, and no error message carries a control byte
 * unless the selectors (trusted config) did. */
#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/extract.h"

#define MAX_KPIS 4

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Selects a UTF-8 character type, as ioc does at start. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setlocale(LC_CTYPE, "C.UTF-8");
    return 0;
}

/* Returns the index of c in names (n entries), or c modulo n. */
static int pick(unsigned char c, const char *names, int n)
{
    const char *p = memchr(names, c, (size_t)n);
    return p ? (int)(p - names) : c % n;
}

/* True when the n bytes at s hold a C0 control byte, ESC or DEL. */
static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return true;
    return false;
}

/* Sets up KPI k with selector sel for format fmt; false when it does not compile. */
static bool kpi_init(CfgKpi *k, FeedFormat fmt, char *sel, Agg agg, NumFormat nf)
{
    k->id = "k";
    k->key = "f.k";
    k->agg = agg;
    k->numfmt = nf;
    k->scale = 1;
    k->select = sel;
    if (fmt == FEED_JSON) {
        JpError e;
        k->jp = jp_compile(sel, &e);
        return k->jp != NULL;
    }
    if (fmt == FEED_PROMETHEUS) {
        PromError e;
        k->prom = prom_selector_compile(sel, &e);
        return k->prom != NULL;
    }
    char *q = strchr(sel, '?');
    if (q) {
        *q = '\0';
        char *eq = strchr(q + 1, '=');
        if (!eq) return false;
        *eq = '\0';
        k->where = calloc(1, sizeof(CfgWhere));
        if (!k->where) return false;
        k->where[0].column = q + 1;
        k->where[0].value = eq + 1;
        k->n_where = 1;
    }
    return true;
}

/* Decodes one input, extracts, and checks the results. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nl1 = memchr(in, '\n', size);
    if (!nl1) return 0;
    size_t hlen = (size_t)(nl1 - in);
    const char *sels = nl1 + 1;
    const char *nl2 = memchr(sels, '\n', size - hlen - 1);
    if (!nl2) return 0;
    size_t slen = (size_t)(nl2 - sels);
    const char *body = nl2 + 1;
    size_t blen = size - (size_t)(body - in);

    FeedFormat fmt = (FeedFormat)pick(hlen > 0 ? (unsigned char)in[0] : 'j', "jpc", 3);
    NumFormat nf = (NumFormat)pick(hlen > 1 ? (unsigned char)in[1] : 'p', "pev", 3);
    Agg agg = (Agg)pick(hlen > 2 ? (unsigned char)in[2] : 'f', "flsamMc", 7);
    char sep = hlen > 3 && (in[3] == ',' || in[3] == ';') ? in[3] : 0;

    char *selbuf = malloc(slen + 1);
    CfgKpi kpis[MAX_KPIS];
    memset(kpis, 0, sizeof(kpis));
    CfgFeed f = {.id = "f", .format = fmt, .numfmt = nf, .csv_sep = sep, .kpis = kpis};
    if (!selbuf) return 0;
    memcpy(selbuf, sels, slen);
    selbuf[slen] = '\0';
    bool trusted = !has_control(selbuf, slen) && memchr(sels, '\0', slen) == NULL;
    char *save = NULL;
    for (char *s = strtok_r(selbuf, "\t", &save); s && f.n_kpis < MAX_KPIS;
         s = strtok_r(NULL, "\t", &save)) {
        if (!kpi_init(&kpis[f.n_kpis], fmt, s, agg, nf)) goto done; /* config refuses it */
        f.n_kpis++;
    }
    if (f.n_kpis == 0) goto done;

    KpiValue out[MAX_KPIS];
    char err[200];
    int got = extract_feed(&f, body, blen, out, err, sizeof(err));
    if (got < -1 || got > (int)f.n_kpis) abort();
    if (memchr(err, '\0', sizeof(err)) == NULL) abort();
    if (got == -1 && err[0] == '\0') abort(); /* a refused body says why */
    int with_value = 0;
    for (size_t i = 0; i < f.n_kpis; i++) {
        if (memchr(out[i].error, '\0', sizeof(out[i].error)) == NULL) abort();
        if (out[i].has_value) {
            with_value++;
            if (out[i].error[0] != '\0') abort();
        } else if (out[i].error[0] == '\0') {
            abort(); /* no value, no reason */
        }
        if (trusted && has_control(out[i].error, strlen(out[i].error))) abort();
    }
    if (trusted && has_control(err, strlen(err))) abort();
    if (got >= 0 && got != with_value) abort();
done:
    for (size_t i = 0; i < MAX_KPIS; i++) {
        jp_free(kpis[i].jp);
        prom_selector_free(kpis[i].prom);
        free(kpis[i].where);
    }
    free(selbuf);
    return 0;
}
