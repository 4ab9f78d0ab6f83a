/* test_prom.c - Prometheus text exposition parser and selectors (feeds/prom.c). */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse/prom.h"

/* Parses a C string body through a heap copy without a NUL terminator, so
 * that ASan catches any read past len. */
static PromDoc *parse_str(const char *body, PromError *err)
{
    size_t len = strlen(body);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, body, len);
    PromDoc *d = prom_parse(copy, len, err);
    free(copy);
    return d;
}

/* Value of label name in sample s, or NULL when absent. */
static const char *label(const PromSample *s, const char *name)
{
    for (size_t i = 0; i < s->n_labels; i++)
        if (strcmp(s->labels[i].name, name) == 0) return s->labels[i].value;
    return NULL;
}

static const char node_body[] =
    "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
    "# TYPE node_cpu_seconds_total counter\n"
    "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 2.14746384e+06\n"
    "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 98765.43\n"
    "node_cpu_seconds_total{cpu=\"1\",mode=\"idle\"} 2.1e+06\n"
    "# HELP node_load1 1m load average.\n"
    "# TYPE node_load1 gauge\n"
    "node_load1 0.42\n"
    "# A free comment line\n"
    "\n"
    "# HELP http_request_duration_seconds A histogram of the request duration.\n"
    "# TYPE http_request_duration_seconds histogram\n"
    "http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n"
    "http_request_duration_seconds_bucket{le=\"0.1\"} 33444\n"
    "http_request_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
    "http_request_duration_seconds_sum 53423\n"
    "http_request_duration_seconds_count 144320\n"
    "# TYPE rpc_duration_seconds summary\n"
    "rpc_duration_seconds{quantile=\"0.5\"} 4773\n"
    "rpc_duration_seconds{quantile=\"0.99\"} NaN\n"
    "rpc_duration_seconds_sum 1.7560473e+07\n"
    "rpc_duration_seconds_count 2693\n"
    "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
    "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
    "metric_without_timestamp_and_labels 12.47\n"
    "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
    "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
    "  indented_metric\t{ a = \"x\" , b=\"y\", }\t-Inf\n"
    "tram_passengers{tram=\"Phạm Ngũ Lão\",unknown_escape=\"a\\tb\\\\\"} 48.6\n"
    "empty_labels{} 3\n"
    "colon:metric:rate5m 7\n";

/* A real node_exporter-style body parses into the expected samples. */
static void test_parse_node_body(void **state)
{
    (void)state;
    PromError err;
    PromDoc *d = parse_str(node_body, &err);
    if (!d) fail_msg("line %d pos %zu: %s", err.line, err.pos, err.msg);
    assert_int_equal(prom_doc_count(d), 21);

    const PromSample *s = prom_doc_sample(d, 0);
    assert_string_equal(s->metric, "node_cpu_seconds_total");
    assert_int_equal(s->n_labels, 2);
    assert_string_equal(s->labels[0].name, "cpu");
    assert_string_equal(s->labels[0].value, "0");
    assert_string_equal(s->labels[1].name, "mode");
    assert_string_equal(s->labels[1].value, "idle");
    assert_true(s->value == 2.14746384e+06);
    assert_true(s->ts_ms == INT64_MIN);

    s = prom_doc_sample(d, 3);
    assert_string_equal(s->metric, "node_load1");
    assert_int_equal(s->n_labels, 0);
    assert_true(s->value == 0.42);

    s = prom_doc_sample(d, 6);
    assert_string_equal(label(s, "le"), "+Inf");
    assert_true(s->value == 144320);

    s = prom_doc_sample(d, 10);
    assert_string_equal(label(s, "quantile"), "0.99");
    assert_true(isnan(s->value));

    s = prom_doc_sample(d, 13);
    assert_string_equal(label(s, "path"), "C:\\DIR\\FILE.TXT");
    assert_string_equal(label(s, "error"), "Cannot find file:\n\"FILE.TXT\"");
    assert_true(s->value == 1.458255915e9);

    s = prom_doc_sample(d, 15);
    assert_true(isinf(s->value) && s->value > 0);
    assert_true(s->ts_ms == -3982045);

    s = prom_doc_sample(d, 16);
    assert_string_equal(label(s, "method"), "post");
    assert_true(s->ts_ms == 1395066363000LL);

    s = prom_doc_sample(d, 17);
    assert_string_equal(s->metric, "indented_metric");
    assert_string_equal(label(s, "a"), "x");
    assert_string_equal(label(s, "b"), "y");
    assert_true(isinf(s->value) && s->value < 0);

    s = prom_doc_sample(d, 18);
    assert_string_equal(label(s, "tram"), "Phạm Ngũ Lão");
    assert_string_equal(label(s, "unknown_escape"), "a\\tb\\"); /* \t kept literally */
    assert_true(s->value == 48.6);

    s = prom_doc_sample(d, 19);
    assert_string_equal(s->metric, "empty_labels");
    assert_int_equal(s->n_labels, 0);
    assert_string_equal(prom_doc_sample(d, 20)->metric, "colon:metric:rate5m");
    assert_null(prom_doc_sample(d, 21));
    prom_doc_free(d);
}

/* CRLF line ends, a body without a final newline, "# EOF", empty bodies. */
static void test_parse_line_ends(void **state)
{
    (void)state;
    PromError err;
    PromDoc *d =
        parse_str("# TYPE up gauge\r\nup{job=\"dvc\"} 1\r\nup{job=\"soc\"} 0 1700000000000", &err);
    assert_non_null(d);
    assert_int_equal(prom_doc_count(d), 2);
    assert_string_equal(label(prom_doc_sample(d, 0), "job"), "dvc");
    assert_true(prom_doc_sample(d, 0)->value == 1);
    assert_true(prom_doc_sample(d, 1)->ts_ms == 1700000000000LL);
    prom_doc_free(d);

    d = parse_str("a 1\n# EOF\nthis is not parsed {{{\n", &err);
    assert_non_null(d);
    assert_int_equal(prom_doc_count(d), 1);
    prom_doc_free(d);

    d = parse_str("", &err);
    assert_non_null(d);
    assert_int_equal(prom_doc_count(d), 0);
    prom_doc_free(d);

    d = parse_str("\n\n   \n# only comments\n", &err);
    assert_non_null(d);
    assert_int_equal(prom_doc_count(d), 0);
    prom_doc_free(d);

    d = prom_parse(NULL, 0, &err);
    assert_non_null(d);
    prom_doc_free(d);
}

typedef struct {
    const char *body;
    int line;
    size_t pos;
    const char *msg; /* expected message (exact) */
} BadCase;

static const BadCase bad_cases[] = {
    {"a{b\"c\"} 1\n", 1, 3, "expected '=' after label name"},
    {"ok 1\na{b=\"c} 1\n", 2, 4, "unterminated label value"},
    {"a{b=\"c\\\"} 1\n", 1, 4, "unterminated label value"},
    {"a{b=c} 1\n", 1, 4, "expected '\"' to start the label value"},
    {"a{b=\"c\" d=\"e\"} 1\n", 1, 8, "expected ',' or '}' after label value"},
    {"a{b=\"c\"\n", 1, 7, "expected ',' or '}' after label value"},
    {"a{1b=\"c\"} 1\n", 1, 2, "expected a label name or '}'"},
    {"a{b=\"1\",b=\"2\"} 1\n", 1, 8, "duplicate label name 'b'"},
    {"a{,} 1\n", 1, 2, "expected a label name or '}'"},
    {"a{b=\"c\"}\n", 1, 8, "expected a sample value"},
    {"a\n", 1, 1, "expected a sample value"},
    {"a 12abc\n", 1, 2, "invalid sample value (expected a number, NaN, +Inf or -Inf)"},
    {"a 1,5\n", 1, 2, "invalid sample value (expected a number, NaN, +Inf or -Inf)"},
    {"a 0x10\n", 1, 2, "invalid sample value (expected a number, NaN, +Inf or -Inf)"},
    {"a 1 12.5\n", 1, 4, "invalid timestamp (expected integer milliseconds)"},
    {"a 1 99999999999999999999\n", 1, 4, "invalid timestamp (expected integer milliseconds)"},
    {"a 1 2 3\n", 1, 6, "unexpected text after the timestamp"},
    {"1a 1\n", 1, 0, "expected a metric name"},
    {"\n\n  {a=\"b\"} 1\n", 3, 2, "expected a metric name"},
    {"a-b 1\n", 1, 1, "invalid character in metric name"},
    {"a.b 1\n", 1, 1, "invalid character in metric name"},
    {"# TYPE a gauge\n# TYPE b countr\n", 2, 9,
     "expected a metric type (counter, gauge, histogram, summary or untyped)"},
    {"# TYPE\n", 1, 6, "expected a metric name after # TYPE"},
    {"# HELP 9lives text\n", 1, 7, "expected a metric name after # HELP"},
    {"# TYPE a gauge extra\n", 1, 15, "unexpected text after the metric type"},
    {"a 1\r\nb{x=\"y\"} 2\r\nc{x=\"y\"=} 3\r\n", 3, 7, "expected ',' or '}' after label value"},
};

/* Every malformed line is reported with its line, offset and message. */
static void test_parse_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const BadCase *c = &bad_cases[i];
        PromError err;
        PromDoc *d = parse_str(c->body, &err);
        if (d) {
            prom_doc_free(d);
            fail_msg("case %zu: parsed, want error \"%s\"", i, c->msg);
        }
        if (err.line != c->line || err.pos != c->pos || strcmp(err.msg, c->msg) != 0)
            fail_msg("case %zu: got %d:%zu \"%s\", want %d:%zu \"%s\"", i, err.line, err.pos,
                     err.msg, c->line, c->pos, c->msg);
    }
}

/* A NUL byte in a label value is refused (it would truncate the value). */
static void test_parse_nul_byte(void **state)
{
    (void)state;
    static const char body[] = "a{b=\"x\0y\"} 1\n";
    PromError err;
    assert_null(prom_parse(body, sizeof(body) - 1, &err));
    assert_int_equal(err.line, 1);
    assert_string_equal(err.msg, "NUL byte in label value");
}

/* A body cut in the middle of a token fails cleanly (no read past len). */
static void test_parse_truncated(void **state)
{
    (void)state;
    const char *full = "x{a=\"1\",b=\"2\"} 3.5 1700000000000\n";
    for (size_t len = 0; len < strlen(full); len++) {
        char *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, full, len);
        PromError err;
        PromDoc *d = prom_parse(copy, len, &err);
        free(copy);
        /* Only cuts after a complete value (or nothing at all) parse. */
        bool complete = len == 0 || len >= 16; /* "... 3" is complete */
        if ((d != NULL) != complete) fail_msg("len %zu: parsed=%d", len, d != NULL);
        if (d && len > 0) assert_true(prom_doc_sample(d, 0)->value == (len < 18 ? 3.0 : 3.5));
        prom_doc_free(d);
    }
}

/* At most 128 labels per sample and 1,000,000 samples per body. */
static void test_parse_limits(void **state)
{
    (void)state;
    char *buf = malloc(8 * 1024 * 1024);
    assert_non_null(buf);
    for (int nl = 128; nl <= 129; nl++) {
        size_t p = (size_t)sprintf(buf, "m{");
        for (int k = 0; k < nl; k++)
            p += (size_t)sprintf(buf + p, "l%d=\"v\",", k);
        p += (size_t)sprintf(buf + p, "} 1\n");
        PromError err;
        PromDoc *d = prom_parse(buf, p, &err);
        if (nl == 128) {
            assert_non_null(d);
            assert_int_equal(prom_doc_sample(d, 0)->n_labels, 128);
            assert_string_equal(prom_doc_sample(d, 0)->labels[127].name, "l127");
        } else {
            assert_null(d);
            assert_string_equal(err.msg, "too many labels in one sample (at most 128)");
        }
        prom_doc_free(d);
    }
    size_t p = 0;
    for (int k = 0; k < 1000000; k++) {
        memcpy(buf + p, "a 1\n", 4);
        p += 4;
    }
    PromError err;
    PromDoc *d = prom_parse(buf, p, &err);
    assert_non_null(d);
    assert_int_equal(prom_doc_count(d), 1000000);
    assert_string_equal(prom_doc_sample(d, 999999)->metric, "a");
    prom_doc_free(d);
    memcpy(buf + p, "b 2\n", 4);
    d = prom_parse(buf, p + 4, &err);
    assert_null(d);
    assert_int_equal(err.line, 1000001);
    assert_string_equal(err.msg, "too many samples (at most 1000000)");
    free(buf);
}

static const char select_body[] =
    "http_requests_total{method=\"GET\",code=\"200\",path=\"/api/v1/dossiers\"} 100\n"
    "http_requests_total{method=\"POST\",code=\"200\",path=\"/api/v1/dossiers\"} 20\n"
    "http_requests_total{method=\"GET\",code=\"500\",path=\"/api/v1/payments\"} 3\n"
    "http_requests_total{method=\"GET\",code=\"404\",path=\"/static/logo.png\"} 7\n"
    "http_requests_total{code=\"200\"} 1\n"
    "up{job=\"dvc\",instance=\"cổng-dvc:9100\"} 1\n"
    "up{job=\"soc\"} 0\n"
    "tram{name=\"Phạm Ngũ Lão\",note=\"say \\\"hi\\\"\"} 5\n"
    "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1000\n"
    "node_cpu_seconds_total{cpu=\"12\",mode=\"IDLE\"} 2000\n"
    "node_cpu_seconds_total{cpu=\"x1\",mode=\"user\"} 30\n";

typedef struct {
    const char *sel;
    size_t n;   /* (size_t)-1: the selector is refused */
    double sum; /* sum of the selected values */
} SelCase;

static const SelCase sel_cases[] = {
    {"http_requests_total", 5, 131},
    {"http_requests_total{}", 5, 131},
    {"http_requests_total{code=\"200\"}", 3, 121},
    {"http_requests_total{code!=\"200\"}", 2, 10},
    {"http_requests_total{code=~\"5..\"}", 1, 3},
    {"http_requests_total{code=~\"2|4\"}", 0, 0}, /* anchored: "2" does not match "200" */
    {"http_requests_total{code!~\"[45]..\"}", 3, 121},
    {"http_requests_total{path=~\"/api/.*\"}", 3, 123},
    {"http_requests_total{method=\"GET\",code!=\"200\",path!~\"/static/.*\"}", 1, 3},
    {"http_requests_total{method=\"\"}", 1, 1}, /* absent label reads as "" */
    {"http_requests_total{method!=\"\"}", 4, 130},
    {"http_requests_total{method=~\"\"}", 1, 1},
    {"http_requests_total{method=~\".+\"}", 4, 130},
    {"{__name__=\"up\"}", 2, 1},
    {"{__name__=~\"up|tram\"}", 3, 6},
    {"{job=\"soc\"}", 1, 0},
    {"up{job=~\"dvc|soc\",}", 2, 1},
    {"  up { job = \"dvc\" }  ", 1, 1},
    {"up{instance=\"cổng-dvc:9100\"}", 1, 1},
    {"tram{name=\"Phạm Ngũ Lão\"}", 1, 5},
    {"tram{note=\"say \\\"hi\\\"\"}", 1, 5},
    {"tram{name=~\"Phạm.*\"}", 1, 5},
    {"nothing", 0, 0},
    {"up{__name__=\"tram\"}", 0, 0},
    /* RE2 syntax, as Prometheus has it (issue 14): \d, (?i), Unicode classes,
     * lazy quantifiers; anchored at both ends, even around an alternation. */
    {"node_cpu_seconds_total{cpu=~\"\\\\d+\"}", 2, 3000},
    {"node_cpu_seconds_total{cpu=~\"\\d+\"}", 2, 3000}, /* "\d" read as it is written */
    {"node_cpu_seconds_total{cpu!~\"\\\\d+\"}", 1, 30},
    {"node_cpu_seconds_total{mode=~\"(?i)idle\"}", 2, 3000},
    {"node_cpu_seconds_total{mode=~\"idle\"}", 1, 1000},
    {"node_cpu_seconds_total{cpu=~\"1|x\"}", 0, 0},
    {"node_cpu_seconds_total{cpu=~\"x|1)|(2\"}", -1, 0}, /* a ')' cannot escape the anchors */
    {"tram{name=~\"\\\\p{Lu}\\\\p{Ll}+ .*\"}", 1, 5},
    {"tram{name=~\"(?i)phạm ngũ lão\"}", 1, 5},
    {"tram{name=~\"PHẠM.*\"}", 0, 0},
    {"tram{name=~\"(?i)PHẠM.*\"}", 1, 5},
    {"up{job=~\".*?\"}", 2, 1},
    {"up{job=~\"(?P<j>d)vc\"}", 1, 1},
    {"up{job=~\"[[:alpha:]]{3}\"}", 2, 1},
};

/* Selectors with all four operators pick the expected samples. */
static void test_select(void **state)
{
    (void)state;
    PromError err;
    PromDoc *d = parse_str(select_body, &err);
    if (!d) fail_msg("line %d pos %zu: %s", err.line, err.pos, err.msg);
    for (size_t i = 0; i < sizeof(sel_cases) / sizeof(sel_cases[0]); i++) {
        const SelCase *c = &sel_cases[i];
        PromSelector *s = prom_selector_compile(c->sel, &err);
        if (c->n == (size_t)-1) { /* refused */
            if (s) fail_msg("case %zu \"%s\": compiled, want an error", i, c->sel);
            continue;
        }
        if (!s) fail_msg("case %zu \"%s\": %zu: %s", i, c->sel, err.pos, err.msg);
        double *vals = NULL;
        size_t n = 0;
        long got = prom_select(d, s, &vals, &n);
        double sum = 0;
        for (size_t k = 0; k < n; k++)
            sum += vals[k];
        if (got != (long)c->n || n != c->n || sum != c->sum)
            fail_msg("case %zu \"%s\": %ld values (sum %g), want %zu (sum %g)", i, c->sel, got, sum,
                     c->n, c->sum);
        free(vals);
        prom_selector_free(s);
    }
    prom_doc_free(d);
}

/* prom_select appends in body order to an existing array. */
static void test_select_appends(void **state)
{
    (void)state;
    PromError err;
    PromDoc *d = parse_str(select_body, &err);
    assert_non_null(d);
    PromSelector *s = prom_selector_compile("http_requests_total{method=~\"GET|POST\"}", &err);
    assert_non_null(s);
    double *vals = malloc(sizeof(double));
    assert_non_null(vals);
    vals[0] = -1;
    size_t n = 1;
    assert_int_equal(prom_select(d, s, &vals, &n), 4);
    assert_int_equal(n, 5);
    assert_true(vals[0] == -1 && vals[1] == 100 && vals[2] == 20 && vals[3] == 3 && vals[4] == 7);
    assert_int_equal(prom_select(d, s, &vals, &n), 4); /* again: now 9 values */
    assert_int_equal(n, 9);
    assert_true(vals[8] == 7);
    free(vals);
    prom_selector_free(s);
    prom_doc_free(d);
}

/* Values selected by sel from body, as "v v v" in the order returned. */
static void selected(const char *body, const char *sel, char *out, size_t outsz)
{
    PromError err;
    PromDoc *d = parse_str(body, &err);
    assert_non_null(d);
    PromSelector *s = prom_selector_compile(sel, &err);
    assert_non_null(s);
    double *vals = NULL;
    size_t n = 0;
    assert_true(prom_select(d, s, &vals, &n) >= 0);
    out[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        size_t used = strlen(out);
        snprintf(out + used, outsz - used, "%s%g", k ? " " : "", vals[k]);
    }
    free(vals);
    prom_selector_free(s);
    prom_doc_free(d);
}

/* A selector with a metric name reads that name's samples through the
 * index, in the document's order, wherever they are in the body (names
 * interleaved, first and last in sort order, absent); without a name every
 * sample is read. */
static void test_select_by_name(void **state)
{
    (void)state;
    static const char body[] = "m_b{x=\"1\"} 1\n"
                               "m_a{x=\"1\"} 2\n"
                               "m_c{x=\"2\"} 3\n"
                               "m_a{x=\"2\"} 4\n"
                               "m_b{x=\"2\"} 5\n"
                               "m_a{x=\"1\"} 6\n"
                               "z 7\n"
                               "a 8\n";
    char got[128];
    selected(body, "m_a", got, sizeof got);
    assert_string_equal(got, "2 4 6");
    selected(body, "m_a{x=\"1\"}", got, sizeof got);
    assert_string_equal(got, "2 6");
    selected(body, "m_b", got, sizeof got);
    assert_string_equal(got, "1 5");
    selected(body, "a", got, sizeof got);
    assert_string_equal(got, "8");
    selected(body, "z", got, sizeof got);
    assert_string_equal(got, "7");
    selected(body, "m", got, sizeof got);
    assert_string_equal(got, "");
    selected(body, "zz", got, sizeof got);
    assert_string_equal(got, "");
    selected(body, "{x=\"2\"}", got, sizeof got);
    assert_string_equal(got, "3 4 5");
    selected(body, "{__name__=~\"m_.\",x=\"1\"}", got, sizeof got);
    assert_string_equal(got, "1 2 6");
}

/* The label index answers label="v" exactly as a full scan does: on a
 * pseudo-random document (names, labels and values from small alphabets, so
 * that they repeat, some samples without a label), each = selector gives the
 * same values in the same order as the same selector written with =~ (a
 * regex of plain letters matches the same, and takes no index). */
static void test_select_by_label(void **state)
{
    (void)state;
    char *body = malloc(1 << 16);
    assert_non_null(body);
    size_t len = 0;
    unsigned x = 7;
    for (int i = 0; i < 400; i++) {
        x = x * 1103515245u + 12345u;
        len += (size_t)sprintf(body + len, "m%u{", (x >> 8) % 3);
        if ((x >> 12) % 4) len += (size_t)sprintf(body + len, "a=\"v%u\",", (x >> 14) % 5);
        if ((x >> 17) % 3) len += (size_t)sprintf(body + len, "b=\"v%u\",", (x >> 19) % 4);
        len += (size_t)sprintf(body + len, "c=\"%d\"} %d\n", i, i);
    }
    body[len] = '\0';
    char sel_eq[64], sel_re[64], got_eq[8192], got_re[8192];
    int nonempty = 0;
    for (int m = -1; m < 3; m++)
        for (int a = 0; a < 6; a++)
            for (int b = -1; b < 5; b++) {
                char name[8] = "", bm[16] = "";
                if (m >= 0) snprintf(name, sizeof name, "m%d", m);
                if (b >= 0) snprintf(bm, sizeof bm, ",b=\"v%d\"", b);
                snprintf(sel_eq, sizeof sel_eq, "%s{a=\"v%d\"%s}", name, a, bm);
                snprintf(sel_re, sizeof sel_re, "%s{a=~\"v%d\"%s}", name, a, bm);
                selected(body, sel_eq, got_eq, sizeof got_eq);
                selected(body, sel_re, got_re, sizeof got_re);
                if (strcmp(got_eq, got_re) != 0)
                    fail_msg("%s gives \"%.60s\", %s gives \"%.60s\"", sel_eq, got_eq, sel_re,
                             got_re);
                nonempty += got_eq[0] != '\0';
            }
    assert_true(nonempty > 50);
    free(body);
}

typedef struct {
    const char *sel;
    size_t pos;
    const char *msg; /* expected message prefix */
} SelBad;

static const SelBad sel_bad[] = {
    {"", 0, "expected a metric name or '{'"},
    {"   ", 3, "expected a metric name or '{'"},
    {"9up", 0, "expected a metric name or '{'"},
    {"{}", 0, "empty selector: expected a metric name or a label matcher"},
    {"up{job}", 6, "expected one of =, !=, =~, !~ after label name"},
    {"up{job==\"a\"}", 7, "expected '\"' to start the label value"},
    {"up{job=dvc}", 7, "expected '\"' to start the label value"},
    {"up{job=\"dvc}", 7, "unterminated label value"},
    {"up{job=\"dvc\" x=\"1\"}", 13, "expected ',' or '}' after label value"},
    {"up{job=\"dvc\"", 12, "expected ',' or '}' after label value"},
    {"up{job=~\"(\"}", 8, "invalid regular expression: "},
    {"up{a=\"1\",b!~\"[z-a]\"}", 12, "invalid regular expression: "},
    /* Nested repetitions: RE2 refuses them (fuzz_extract found glibc's regcomp
     * growing without bound on them). A lazy "*?" is RE2's too (above). */
    {"up{job=~\"tp-.*++++++++\"}", 8,
     "invalid regular expression: invalid nested repetition operator"},
    {"up{job=~\"a**\"}", 8, "invalid regular expression: invalid nested repetition operator"},
    {"up{job=~\"a{2}+\"}", 8, "invalid regular expression: invalid nested repetition operator"},
    {"up{job=~\"a*??\"}", 8, "invalid regular expression: invalid nested repetition operator"},
    {"up{job=~\"a{1001}\"}", 8, "invalid regular expression: invalid repeat count"},
    /* What PCRE2 has and RE2 (Prometheus) has not. */
    {"up{job=~\"(a)\\\\1\"}", 8, "invalid regular expression: invalid escape sequence"},
    {"up{job=~\"a(?=b)\"}", 8, "invalid regular expression: invalid or unsupported Perl syntax"},
    {"up{job=~\"(?<!a)b\"}", 8, "invalid regular expression: invalid or unsupported Perl syntax"},
    {"up{job=~\"(?>a+)b\"}", 8, "invalid regular expression: invalid or unsupported Perl syntax"},
    {"up{job=~\"(?R)\"}", 8, "invalid regular expression: invalid or unsupported Perl syntax"},
    {"up{job=~\"(*ACCEPT)\"}", 8, "invalid regular expression: missing argument"},
    {"up{job=~\"a\\\\Kb\"}", 8, "invalid regular expression: invalid escape sequence"},
    {"up{1=\"x\"}", 3, "expected a label name or '}'"},
    {"up x", 3, "unexpected text after the selector"},
    {"up{} {}", 5, "unexpected text after the selector"},
    {"up{job=\"a\"}}", 11, "unexpected text after the selector"},
    {"up{job='a'}", 7, "expected '\"' to start the label value"},
};

/* Selector syntax errors are reported with their byte position. */
static void test_selector_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(sel_bad) / sizeof(sel_bad[0]); i++) {
        const SelBad *c = &sel_bad[i];
        PromError err;
        PromSelector *s = prom_selector_compile(c->sel, &err);
        if (s) {
            prom_selector_free(s);
            fail_msg("case %zu \"%s\": compiled, want error", i, c->sel);
        }
        if (err.line != 0 || err.pos != c->pos || strncmp(err.msg, c->msg, strlen(c->msg)) != 0)
            fail_msg("case %zu \"%s\": got %zu \"%s\", want %zu \"%s\"", i, c->sel, err.pos,
                     err.msg, c->pos, c->msg);
    }
    /* Quantifiers inside brackets or after an escape are not nested repetitions. */
    PromError err;
    PromSelector *ok = prom_selector_compile("up{a=~\"[*+]+x\\\\++\"}", &err);
    assert_non_null(ok);
    prom_selector_free(ok);
    assert_null(prom_selector_compile(NULL, &err));
    /* 128 matchers (counting the name) are fine, 129 are not. */
    char buf[4096];
    for (int nm = 127; nm <= 128; nm++) {
        size_t p = (size_t)sprintf(buf, "m{");
        for (int k = 0; k < nm; k++)
            p += (size_t)sprintf(buf + p, "l%d=~\"v.*\",", k);
        sprintf(buf + p, "}");
        PromSelector *s = prom_selector_compile(buf, &err);
        if (nm == 127) {
            assert_non_null(s);
        } else {
            assert_null(s);
            assert_string_equal(err.msg, "too many label matchers (at most 128)");
        }
        prom_selector_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_node_body), cmocka_unit_test(test_parse_line_ends),
        cmocka_unit_test(test_parse_errors),    cmocka_unit_test(test_parse_nul_byte),
        cmocka_unit_test(test_parse_truncated), cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_select),          cmocka_unit_test(test_select_appends),
        cmocka_unit_test(test_select_by_name),  cmocka_unit_test(test_select_by_label),
        cmocka_unit_test(test_selector_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
