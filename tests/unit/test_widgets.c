/* test_widgets.c - the console's widgets drawn into headless ncurses windows
 * and read back cell by cell: what an operator would see (values, symbols,
 * alignment of Vietnamese names, braille charts with gaps, bars, wrapping),
 * ASCII and colourless modes, and tiny windows that must not be overrun. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <cmocka.h>

#include "core/alert.h"
#include "core/collector.h"
#include "core/kpitext.h"
#include "export/snapshot.h"
#include "widgets/draw.h"
#include "widgets/widget.h"

#define NOW INT64_C(1700000000000) /* 2023-11-14 22:13:20 UTC */
#define MIN INT64_C(60000)

/* Vietnamese names: "Hải Dương" precomposed and decomposed (same 9 columns). */
#define HAI_NFC "H\xE1\xBA\xA3i D\xC6\xB0\xC6\xA1ng"
#define HAI_NFD "Ha\xCC\x89i Du\xCC\x9Bo\xCC\x9Bng"

static const char *yaml =
    "ioc: { name: T }\n"
    "feeds:\n"
    "  - id: dvc\n"
    "    name: \"C\xE1\xBB\x95ng d\xE1\xBB\x8B\x63h v\xE1\xBB\xA5 c\xC3\xB4ng\"\n" /* Cổng dịch vụ
                                                                                      công */
    "    url: http://127.0.0.1:1/dvc\n"
    "    interval: 30s\n"
    "    kpis:\n"
    "      - { id: rate, name: \"T\xE1\xBB\xB7 l\xE1\xBB\x87 tr\xE1\xBB\xB1\x63 "
    "tuy\xE1\xBA\xBFn\", "
    "select: $.r, unit: '%', target: 80, warn: '< 75', crit: '< 50', decimals: 1, min: 0, "
    "max: 100 }\n"
    "      - { id: overdue, name: \"H\xE1\xBB\x93 s\xC6\xA1 qu\xC3\xA1 h\xE1\xBA\xA1n\", select: "
    "$.o, crit: '> 20' }\n"
    "      - { id: nfc, name: \"" HAI_NFC "\", select: $.a }\n"
    "      - { id: nfd, name: \"" HAI_NFD "\", select: $.b }\n"
    "      - { id: money, name: Thu, select: $.m, unit: \"t\xE1\xBB\xB7 \xC4\x91\xE1\xBB\x93ng\" "
    "}\n"
    "  - id: env\n"
    "    name: \"Quan tr\xE1\xBA\xAF\x63 m\xC3\xB4i tr\xC6\xB0\xE1\xBB\x9Dng\"\n"
    "    url: http://127.0.0.1:1/env\n"
    "    kpis:\n"
    "      - { id: pm25, name: PM2.5, select: $.p, unit: \"\xC2\xB5g/m\xC2\xB3\", target: 50 }\n";

/* ---- screen and coll fixtures ---------------------------------------- */

static SCREEN *scr;
static FILE *scr_out;

/* Opens a headless terminal (output to /dev/null) with colours. */
static int group_setup(void **state)
{
    (void)state;
    setenv("TERM", "xterm-256color", 1);
    setenv("LINES", "60", 1);
    setenv("COLUMNS", "200", 1);
    setenv("TZ", "UTC", 1);
    tzset();
    if (!setlocale(LC_CTYPE, "C.UTF-8")) return -1;
    scr_out = fopen("/dev/null", "w");
    if (!scr_out) return -1;
    scr = newterm(NULL, scr_out, stdin);
    if (!scr) return -1;
    start_color();
    draw_init_colors();
    return 0;
}

/* Closes the terminal. */
static int group_teardown(void **state)
{
    (void)state;
    endwin();
    delscreen(scr);
    fclose(scr_out);
    return 0;
}

/* Builds the Collector of the YAML above (not started). */
static Collector *make_app(void)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(yaml, strlen(yaml), "t.yaml", &d);
    diag_done(&d);
    assert_non_null(c);
    char err[128];
    Collector *a = coll_new(c, err, sizeof err);
    assert_non_null(a);
    return a;
}

/* Index of KPI key in a. */
static int kpi(const Collector *a, const char *key)
{
    int i = coll_find_kpi(a, key);
    assert_true(i >= 0);
    return i;
}

/* Appends value v of KPI key at time t. */
static void put(Collector *a, const char *key, int64_t t, double v)
{
    assert_true(store_append(a->store, a->kpis[kpi(a, key)].series, t, v) >= 0);
}

/* A live view context: UTF-8, colours, 1 h window. */
static ViewCtx live(const Collector *a)
{
    return (ViewCtx){
        .coll = a, .now_ms = NOW, .at_ms = NOW, .window_ms = 60 * MIN, .utf8 = true, .color = true};
}

/* A panel of a widget kind over some KPI keys (NULL-terminated). */
typedef struct {
    CfgPanel p;
    char *keys[8];
} Panel;

/* Fills pn for widget kind with the given KPI keys (at most 7). */
static const CfgPanel *panel(Panel *pn, const char *kind, const char *k0, const char *k1,
                             const char *k2, const char *k3)
{
    memset(pn, 0, sizeof *pn);
    const char *ks[] = {k0, k1, k2, k3};
    for (size_t i = 0; i < 4 && ks[i]; i++)
        pn->keys[pn->p.n_kpis++] = (char *)ks[i];
    pn->p.widget = (char *)kind;
    pn->p.kpis = pn->keys;
    pn->p.width = 1;
    return &pn->p;
}

/* Creates a widget and draws it into a new rows x cols window. */
static WINDOW *draw_new(Widget **out, const CfgPanel *p, const ViewCtx *ctx, int rows, int cols)
{
    Widget *w = widget_new(p, ctx->coll);
    assert_non_null(w);
    WINDOW *win = newwin(rows, cols, 0, 0);
    assert_non_null(win);
    w->cls->draw(w, win, ctx);
    *out = w;
    return win;
}

/* ---- reading the screen back ------------------------------------------ */

/* The cell at (y, x): its text (character and marks) in UTF-8, attributes
 * and colour pair. */
static wchar_t cell(WINDOW *win, int y, int x, char *out, size_t n, attr_t *attr, short *pair)
{
    cchar_t cc;
    wchar_t wch[CCHARW_MAX + 1] = {0};
    attr_t a = 0;
    short p = 0;
    assert_int_equal(mvwin_wch(win, y, x, &cc), OK);
    getcchar(&cc, wch, &a, &p, NULL);
    if (out) {
        size_t len = wcstombs(out, wch, n);
        if (len == (size_t)-1) out[0] = '\0';
    }
    if (attr) *attr = a;
    if (pair) *pair = p;
    return wch[0];
}

/* Row y as UTF-8, from column x0 to column x1 (exclusive). */
static const char *row_span(WINDOW *win, int y, int x0, int x1, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int x = x0; x < x1; x++) {
        char c[32];
        cell(win, y, x, c, sizeof c, NULL, NULL);
        size_t cl = strlen(c);
        if (len + cl + 1 > n) break;
        memcpy(buf + len, c, cl + 1);
        len += cl;
    }
    return buf;
}

/* Row y as UTF-8, from column x0 to the right edge. */
static const char *row_from(WINDOW *win, int y, int x0, char *buf, size_t n)
{
    return row_span(win, y, x0, getmaxx(win), buf, n);
}

/* Row y as UTF-8. */
static const char *row(WINDOW *win, int y, char *buf, size_t n)
{
    return row_from(win, y, 0, buf, n);
}

/* Prints win to stderr (for a failing test's log). */
static void dump(WINDOW *win)
{
    char buf[4096];
    for (int y = 0; y < getmaxy(win); y++)
        fprintf(stderr, "|%s|\n", row(win, y, buf, sizeof buf));
}

/* First row containing needle, or -1. */
static int find_row(WINDOW *win, const char *needle);

/* Fails (showing the window) unless needle is first found on row y. */
static void expect_row(WINDOW *win, const char *needle, int y)
{
    int got = find_row(win, needle);
    if (got == y) return;
    dump(win);
    fail_msg("'%s' found on row %d, expected on row %d", needle, got, y);
}

/* Column where needle starts on row y, or -1. */
static int find_col(WINDOW *win, int y, const char *needle)
{
    char buf[4096];
    for (int x = 0; x < getmaxx(win); x++)
        if (strncmp(row_from(win, y, x, buf, sizeof buf), needle, strlen(needle)) == 0) return x;
    return -1;
}

/* First row containing needle, or -1. */
static int find_row(WINDOW *win, const char *needle)
{
    char buf[4096];
    for (int y = 0; y < getmaxy(win); y++)
        if (strstr(row(win, y, buf, sizeof buf), needle)) return y;
    return -1;
}

/* Number of cells of row y whose text is s. */
static int count_cells(WINDOW *win, int y, const char *s)
{
    int n = 0;
    for (int x = 0; x < getmaxx(win); x++) {
        char c[32];
        cell(win, y, x, c, sizeof c, NULL, NULL);
        n += strcmp(c, s) == 0;
    }
    return n;
}

/* ---- registry ----------------------------------------------------------- */

static void test_registry(void **state)
{
    (void)state;
    static const char *const names[] = {"stat",  "gauge",  "chart",  "bars",
                                        "table", "alerts", "health", "text"};
    for (size_t i = 0; i < 8; i++) {
        const WidgetClass *c = widget_class(names[i]);
        assert_non_null(c);
        assert_string_equal(c->name, names[i]);
        assert_non_null(c->draw);
        assert_true(c->min_rows + c->rows_per_kpi >= 3 && c->min_cols >= 10);
    }
    assert_null(widget_class("pie"));
    assert_null(widget_class(NULL));
    assert_int_equal(widget_class("table")->list, WIDGET_LIST_SCROLL);
    assert_int_equal(widget_class("alerts")->list, WIDGET_LIST_SELECT);
    assert_int_equal(widget_class("stat")->list, WIDGET_NO_LIST);

    Collector *a = make_app();
    Panel pn;
    Widget *w = widget_new(panel(&pn, "table", "env.pm25", "dvc.nope", "dvc.rate", NULL), a);
    assert_non_null(w);
    assert_int_equal(w->n_kpis, 2); /* the unknown key is left out */
    assert_int_equal(w->kpis[0], kpi(a, "env.pm25"));
    assert_int_equal(w->kpis[1], kpi(a, "dvc.rate"));
    assert_int_equal(w->selected, -1);
    int rows, cols;
    widget_min_size(w, &rows, &cols);
    assert_int_equal(rows, 5);
    assert_int_equal(cols, 24);
    widget_free(w);
    w = widget_new(panel(&pn, "bars", "env.pm25", "dvc.rate", NULL, NULL), a);
    widget_min_size(w, &rows, &cols); /* a row per bar inside the border */
    assert_int_equal(rows, 4);
    ViewCtx none = {0};
    assert_false(widget_key(w, KEY_DOWN, &none)); /* bars take no keys */
    widget_free(w);
    w = widget_new(panel(&pn, "pie", NULL, NULL, NULL, NULL), a); /* shown as (empty) text */
    assert_ptr_equal(w->cls, widget_class("text"));
    widget_free(w);
    widget_free(NULL);
    coll_free(a);
}

/* ---- formatting --------------------------------------------------------- */

typedef struct {
    double v;
    int decimals;
    const char *want;
} NumCase;

static void test_numbers(void **state)
{
    (void)state;
    static const NumCase cases[] = {
        {1234567, -1, "1,234,567"},
        {82.5, -1, "82.5"},
        {72.456, 1, "72.5"},
        {70, -1, "70"},
        {0.1, -1, "0.1"},
        {-1234.5, 2, "-1,234.50"},
        {-0.04, 1, "0.0"},
        {999.999, -1, "1,000"},
        {100, 0, "100"},
        {1e15, -1, "1e+15"},
        {-12345678.9, 0, "-12,345,679"},
        {NAN, 1, "-"}, /* no value, never "NaN" */
        {INFINITY, -1, "Inf"},
    };
    char buf[FMT_NUM_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fmt_number(cases[i].v, cases[i].decimals, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
    }
}

/* The console formats a KPI value as the text snapshot does. */
static void test_numbers_like_snapshot(void **state)
{
    (void)state;
    static const double values[] = {1234567.891, 72.5, 0.125, -4000, 1e16};
    Collector *a = make_app();
    Snapshot *s = snap_new(a->cfg);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        SnapKpi *sk = &s->feeds[0].kpis[4]; /* dvc.money: decimals automatic */
        sk->has_value = true;
        sk->value = values[i];
        sk->status = KST_OK;
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        assert_int_equal(snap_write(s, SNAP_TEXT, f), 0);
        fclose(f);
        char num[FMT_NUM_MAX], want[FMT_NUM_MAX + 8];
        fmt_number(values[i], -1, num, sizeof num);
        snprintf(want, sizeof want, " %s ", num);
        assert_non_null(strstr(text, want));
        free(text);
    }
    snap_free(s);
    coll_free(a);
}

/* A named unit is scaled wherever a KPI's value is shown with its unit; free
 * text and percent are as before. */
static void test_value_units(void **state)
{
    (void)state;
    char bytes[] = "bytes", secs[] = "seconds", pct[] = "percent";
    CfgKpi k = {.unit = bytes, .decimals = -1, .target = 25769803776.0, .has_target = true};
    char buf[KPITEXT_VAL_MAX], num[FMT_NUM_MAX], unit[64];
    kpitext_value(&k, true, 23570415616.0, true, buf, sizeof buf);
    assert_string_equal(buf, "22.0 GiB");
    kpitext_value(&k, true, 1023, true, buf, sizeof buf);
    assert_string_equal(buf, "1,023 B");
    kpitext_number_unit(&k, 1024, true, num, sizeof num, unit, sizeof unit);
    assert_string_equal(num, "1.0");
    assert_string_equal(unit, "KiB");
    kpitext_target_number(&k, true, buf, sizeof buf);
    assert_string_equal(buf, "24.0 GiB");
    kpitext_target_gap(&k, 23570415616.0, CFG_TARGET_BELOW, false, buf, sizeof buf);
    assert_string_equal(buf, "v 22.0 GiB < 24.0 GiB");
    kpitext_target_text(&k, CFG_TARGET_BELOW, true, buf, sizeof buf);
    assert_non_null(strstr(buf, "24.0 GiB"));
    assert_string_equal(kpitext_unit_column("bytes"), "");
    assert_string_equal(kpitext_unit_column("percent"), "%");
    assert_string_equal(kpitext_unit_column("l\xC6\xB0\xE1\xBB\xA3t"), "l\xC6\xB0\xE1\xBB\xA3t");
    kpitext_unit_value("seconds", -1, 0.25, true, buf, sizeof buf);
    assert_string_equal(buf, "250 ms");
    k.unit = secs;
    k.decimals = 1;
    kpitext_value(&k, true, 5400, true, buf, sizeof buf);
    assert_string_equal(buf, "1.5 h");
    k.unit = pct;
    kpitext_value(&k, true, 72.5, true, buf, sizeof buf);
    assert_string_equal(buf, "72.5 %");
    kpitext_target_number(&k, true, buf, sizeof buf); /* a fixed unit is left out */
    assert_string_equal(buf, "25,769,803,776.0");
    fmt_set_style(FMT_VI);
    k.unit = bytes;
    k.decimals = -1;
    kpitext_value(&k, true, 23570415616.0, true, buf, sizeof buf);
    fmt_set_style(FMT_EN);
    assert_string_equal(buf, "22,0 GiB");
}

static void test_values_and_symbols(void **state)
{
    (void)state;
    Collector *a = make_app();
    const CfgKpi *rate = a->kpis[kpi(a, "dvc.rate")].kpi, *money = a->kpis[kpi(a, "dvc.money")].kpi,
                 *pm = a->kpis[kpi(a, "env.pm25")].kpi;
    char buf[KPITEXT_VAL_MAX];
    kpitext_value(rate, true, 72.5, true, buf, sizeof buf);
    assert_string_equal(buf, "72.5 %");
    kpitext_value(money, true, 1234.5, true, buf, sizeof buf);
    assert_string_equal(buf, "1,234.5 t\xE1\xBB\xB7 \xC4\x91\xE1\xBB\x93ng");
    kpitext_value(money, true, 1234.5, false, buf, sizeof buf);
    assert_string_equal(buf, "1,234.5 ty dong");
    kpitext_value(pm, true, 35, false, buf, sizeof buf);
    assert_string_equal(buf, "35 ug/m3");
    kpitext_value(rate, false, 0, true, buf, sizeof buf);
    assert_string_equal(buf, "\xE2\x80\x93");
    kpitext_value(rate, false, 0, false, buf, sizeof buf);
    assert_string_equal(buf, "-");

    fmt_delta(2.1, 1, true, buf, sizeof buf);
    assert_string_equal(buf, "\xE2\x96\xB2 +2.1");
    fmt_delta(-0.4, -1, true, buf, sizeof buf);
    assert_string_equal(buf, "\xE2\x96\xBC \xE2\x88\x92"
                             "0.4");
    fmt_delta(-0.4, -1, false, buf, sizeof buf);
    assert_string_equal(buf, "v -0.4");
    fmt_delta(0.01, 1, true, buf, sizeof buf);
    assert_string_equal(buf, "= 0.0");

    /* The symbols of the text snapshot. */
    static const char *const sym_utf8[] = {"\xE2\x9C\x93", "!", "\xE2\x9C\x97", "~", "-"};
    static const char *const sym_ascii[] = {"+", "!", "x", "~", "-"};
    for (int st = KST_OK; st <= KST_NONE; st++) {
        assert_string_equal(kpitext_status_symbol((KpiStatus)st, true), sym_utf8[st]);
        assert_string_equal(kpitext_status_symbol((KpiStatus)st, false), sym_ascii[st]);
        assert_string_equal(kpitext_status_word((KpiStatus)st), cfg_status_name((KpiStatus)st));
    }
    coll_free(a);
}

typedef struct {
    const char *in;
    const char *want;
} CleanCase;

static void test_clean_ascii(void **state)
{
    (void)state;
    static const CleanCase cases[] = {
        {HAI_NFC, "Hai Duong"},
        {HAI_NFD, "Hai Duong"},
        {"\xC4\x90\xE1\xBB\x93ng Th\xC3\xA1p", "Dong Thap"}, /* Đồng Tháp */
        {"Hu\xE1\xBA\xBF \xE2\x80\x93 \xE2\x80\x9C\x61\xE2\x80\x9D\xE2\x80\xA6", "Hue - \"a\"..."},
        {"\x1B[31mred\x1B[0m", "[31mred[0m"},
        {"\xE6\xBC\xA2 x", "? x"},
        {NULL, ""},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(text_clean(cases[i].in, false, buf, sizeof buf), cases[i].want);
    assert_string_equal(text_clean("a\x1B]0;t\x07" HAI_NFD, true, buf, sizeof buf),
                        "a]0;t" HAI_NFD);
    assert_true(text_match(HAI_NFC, "h\xE1\xBA\xA3i"));
    assert_true(text_match(HAI_NFD, "h\xE1\xBA\xA3i")); /* NFD text, NFC filter */
    assert_true(text_match(HAI_NFC, "duong"));           /* no marks, no đ */
    assert_true(text_match(HAI_NFC, "HAI D"));
    assert_true(text_match("Nhi\xE1\xBB\x87t \xC4\x91\xE1\xBB\x99", "nhiet do"));
    assert_true(text_match("\xC4\x90i\xE1\xBB\x87n", "dien")); /* Điện */
    assert_true(text_match("X\xE1\xBB\xAD l\xC3\xBD", "xu ly"));   /* Xử lý: ư has a horn */
    assert_false(text_match("Nhi\xE1\xBB\x87t", "nhieu"));
    assert_true(text_match("bad \xFF byte", "byte"));
    assert_true(text_match("PM2.5", "pm2"));
    assert_false(text_match("PM2.5", "pm3"));
    assert_true(text_match("x", NULL));
}

/* ---- stat ----------------------------------------------------------------- */

typedef struct {
    double v;
    const char *line; /* symbol and value as shown */
    short pair;
} StatCase;

static void test_stat_value(void **state)
{
    (void)state;
    static const StatCase cases[] = {
        {72.5, "! 72.5 %", DRAW_PAIR_WARN},
        {90, "\xE2\x9C\x93 90.0 %", DRAW_PAIR_OK},
        {40.26, "\xE2\x9C\x97 40.3 %", DRAW_PAIR_CRIT},
    };
    char buf[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Collector *a = make_app();
        put(a, "dvc.rate", NOW - 30 * MIN, cases[i].v - 2.1);
        put(a, "dvc.rate", NOW - 10 * MIN, cases[i].v - 1);
        put(a, "dvc.rate", NOW - 1000, cases[i].v);
        ViewCtx ctx = live(a);
        Panel pn;
        Widget *w;
        WINDOW *win = draw_new(&w, panel(&pn, "stat", "dvc.rate", 0, 0, 0), &ctx, 5, 34);
        expect_row(win, cases[i].line, 1);
        int x = find_col(win, 1, cases[i].line);
        attr_t at;
        short pair;
        cell(win, 1, x, NULL, 0, &at, &pair); /* the symbol: colour and shape */
        assert_int_equal(pair, cases[i].pair);
        cell(win, 1, x + 2, NULL, 0, &at, &pair); /* the value: bold */
        assert_true(at & A_BOLD);
        /* change over the window and target; below the target (80): the
         * miss first, marked after the value too; the sparkline at the bottom */
        if (cases[i].v < 80) {
            expect_row(win, "\xE2\x96\xBC below target 80.0", 2);
            assert_int_equal(find_col(win, 1, "\xE2\x96\xBC"), x + 9); /* "! 72.5 % ▼" */
            cell(win, 2, find_col(win, 2, "\xE2\x96\xBC"), NULL, 0, &at, &pair);
            assert_int_equal(pair, DRAW_PAIR_TARGET); /* distinct from ok/warn/crit */
            assert_true(at & A_UNDERLINE);
        } else {
            expect_row(win, "\xE2\x96\xB2 +2.1 over 1h  target 80.0", 2);
            assert_int_equal(find_row(win, "\xE2\x96\xBC"), -1);
        }
        expect_row(win, "T\xE1\xBB\xB7 l\xE1\xBB\x87", 0); /* title: the name */
        row(win, 3, buf, sizeof buf);
        assert_non_null(strstr(buf, "\xE2\x96\x81")); /* ▁ the oldest, lowest */
        assert_non_null(strstr(buf, "\xE2\x96\x88")); /* █ the newest, highest */
        delwin(win);
        widget_free(w);
        coll_free(a);
    }
}

static void test_stat_big_stale_none(void **state)
{
    (void)state;
    Collector *a = make_app();
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    /* No value at all: a dash, dim, and in zoomed view the reason. */
    a->kpis[kpi(a, "dvc.rate")].error[0] = '\0';
    strcpy(a->kpis[kpi(a, "dvc.rate")].error, "selector matched nothing");
    WINDOW *win = draw_new(&w, panel(&pn, "stat", "dvc.rate", 0, 0, 0), &ctx, 5, 34);
    expect_row(win, "- \xE2\x80\x93", 1);
    expect_row(win, "selector matched nothing", -1);
    ctx.zoomed = true;
    w->cls->draw(w, win, &ctx);
    expect_row(win, "selector matched nothing", 3);
    ctx.zoomed = false;

    /* Stale (older than 3 intervals): "~", dim, with its age. */
    put(a, "dvc.rate", NOW - 10 * MIN, 88);
    w->cls->draw(w, win, &ctx);
    int y = find_row(win, "~ 88.0 % 10m ago");
    assert_int_equal(y, 1);
    attr_t at;
    cell(win, y, find_col(win, y, "88.0"), NULL, 0, &at, NULL);
    assert_true(at & A_DIM);
    delwin(win);

    /* Large digits with 7 rows or more; zoomed adds min/avg/max. */
    put(a, "dvc.rate", NOW - 5000, 72.6);
    win = newwin(12, 40, 0, 0);
    w->cls->draw(w, win, &ctx);
    expect_row(win, "72.6", -1); /* not as small text */
    int yu = find_row(win, "%"); /* the unit on the digits' last row, centred */
    assert_int_equal(yu, 5);
    assert_true(
        count_cells(win, yu - 2, "\xE2\x96\x88") + count_cells(win, yu - 1, "\xE2\x96\x88") >= 6);
    expect_row(win, "over 1h", yu + 1);
    ctx.zoomed = true;
    w->cls->draw(w, win, &ctx);
    expect_row(win, "min 72.6  avg 80.3  max 88.0", 5);
    ctx.utf8 = false;
    w->cls->draw(w, win, &ctx);
    assert_true(find_row(win, "|_|") >= 1); /* ASCII large digits */
    /* Values near the double range overflow the sum: the average is "-". */
    ctx.utf8 = true;
    put(a, "dvc.rate", NOW - 4000, 1.7e308);
    put(a, "dvc.rate", NOW - 3000, 1.7e308);
    w->cls->draw(w, win, &ctx);
    assert_true(find_row(win, "avg -  max") >= 0);
    assert_int_equal(find_row(win, "NaN"), -1);
    assert_int_equal(find_row(win, "avg Inf"), -1);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

/* ---- gauge and bars --------------------------------------------------------- */

typedef struct {
    double v;
    int full;         /* full blocks (UTF-8) */
    const char *part; /* partial block, or NULL */
    int hashes;       /* '#' in ASCII */
} GaugeCase;

static void test_gauge(void **state)
{
    (void)state;
    /* 42 columns inside, scale 0..100: 50% is 21 columns. */
    static const GaugeCase cases[] = {
        {50, 21, NULL, 21},  {25, 10, "\xE2\x96\x8C", 11}, /* 10.5 columns: ▌ */
        {100, 41, NULL, 41},                      /* the target marker takes one cell of the bar */
        {0, 0, NULL, 0},     {150, 41, NULL, 41}, /* beyond max: full, not past the edge */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Collector *a = make_app();
        put(a, "dvc.rate", NOW - 1000, cases[i].v);
        ViewCtx ctx = live(a);
        Panel pn;
        Widget *w;
        WINDOW *win = draw_new(&w, panel(&pn, "gauge", "dvc.rate", 0, 0, 0), &ctx, 5, 44);
        assert_int_equal(count_cells(win, 2, "\xE2\x96\x88"), cases[i].full);
        if (cases[i].part) assert_int_equal(count_cells(win, 2, cases[i].part), 1);
        assert_int_equal(find_col(win, 2, "\xE2\x94\x82"), 1 + 33); /* target 80 of 0..100 */
        assert_int_equal(find_col(win, 3, "0.0 "), 1);              /* the scale's ends */
        assert_int_equal(find_col(win, 3, "100.0"), 43 - 5);
        expect_row(win, "target 80.0", 1);
        ctx.utf8 = false;
        w->cls->draw(w, win, &ctx);
        assert_int_equal(count_cells(win, 2, "#"), cases[i].hashes);
        delwin(win);
        widget_free(w);
        coll_free(a);
    }
    /* Without min/max: 0 .. max(target, value) * 1.25 = 62.5 for pm25 = 25. */
    Collector *a = make_app();
    put(a, "env.pm25", NOW - 1000, 25);
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "gauge", "env.pm25", 0, 0, 0), &ctx, 5, 44);
    assert_int_equal(count_cells(win, 2, "\xE2\x96\x88"), 16); /* 42 * 0.4 = 16.8 */
    expect_row(win, "25 \xC2\xB5g/m\xC2\xB3", 1);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

static void test_bars(void **state)
{
    (void)state;
    Collector *a = make_app();
    put(a, "dvc.rate", NOW - 1000, 80);
    put(a, "env.pm25", NOW - 1000, 40);
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "bars", "dvc.rate", "env.pm25", 0, 0), &ctx, 6, 50);
    /* one scale for both (0..100): the second bar is half the first */
    int full0 = count_cells(win, 1, "\xE2\x96\x88"), full1 = count_cells(win, 3, "\xE2\x96\x88");
    assert_true(full0 > 0);
    assert_true(abs(full0 - 2 * full1) <= 1);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x93"), 1);
    assert_true(find_col(win, 1, "T\xE1\xBB\xB7") > 1);
    assert_true(find_col(win, 3, "PM2.5") == find_col(win, 1, "T\xE1\xBB\xB7"));
    assert_true(find_row(win, "80.0 %") == 1 && find_row(win, "40 \xC2\xB5g") == 3);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

/* ---- table ---------------------------------------------------------------- */

static void test_table_alignment(void **state)
{
    (void)state;
    Collector *a = make_app();
    put(a, "dvc.rate", NOW - 20 * MIN, 70);
    put(a, "dvc.rate", NOW - 1000, 72.5);
    put(a, "dvc.nfc", NOW - 1000, 1234567);
    put(a, "dvc.nfd", NOW - 1000, 3);
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "table", "dvc.rate", "dvc.nfc", "dvc.nfd", "dvc.overdue"),
                           &ctx, 8, 70);
    /* 72.5 misses its target (80): a column of target marks after the
     * status symbols, and the word says it. */
    assert_int_equal(find_col(win, 1, "KPI"), 5);
    assert_int_equal(find_col(win, 2, "\xE2\x96\xBC"), 3);
    if (find_col(win, 2, "warn \xE2\x96\xBC below target") <= 0) dump(win);
    assert_true(find_col(win, 2, "warn \xE2\x96\xBC below target") > 0);
    assert_int_equal(find_row(win, "below target"), 2);
    /* Names start in one column; numbers end in one column, units follow. */
    /* The NFD name was read as NFC from the config. */
    static const char *const names[] = {"T\xE1\xBB\xB7 l\xE1\xBB\x87", HAI_NFC, HAI_NFC,
                                        "H\xE1\xBB\x93 s\xC6\xA1"};
    static const char *const vals[] = {"72.5", "1,234,567", "3", "\xE2\x80\x93"};
    static const char *const words[] = {"! warn", "\xE2\x9C\x93 ok", "\xE2\x9C\x93 ok", "- none"};
    int vend = -1, wcol = -1;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(find_col(win, 2 + i, names[i]), 5);
        int vx = find_col(win, 2 + i, vals[i]);
        assert_true(vx > 5);
        int end = vx + (int)(i == 0 ? 4 : i == 1 ? 9 : 1);
        if (vend < 0) vend = end;
        assert_int_equal(end, vend);
        char sym[8];
        cell(win, 2 + i, 1, sym, sizeof sym, NULL, NULL);
        assert_int_equal(strncmp(sym, words[i], strlen(sym)), 0); /* symbol first */
        const char *word = strchr(words[i], ' ') + 1;
        int wx = find_col(win, 2 + i, word);
        if (wcol < 0) wcol = wx;
        assert_int_equal(wx, wcol);
    }
    assert_int_equal(find_col(win, 2, "72.5 %"), vend - 4);
    assert_int_equal(find_col(win, 5, "%"), -1);  /* no unit after a dash */
    assert_true(find_col(win, 2, "80.0") > vend); /* target */
    delwin(win);
    /* Zoomed: why a KPI has no value. */
    strcpy(a->kpis[kpi(a, "dvc.overdue")].error, "selector matched nothing");
    ctx.zoomed = true;
    win = newwin(8, 100, 0, 0);
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 5, "selector matched nothing") > vend);
    assert_int_equal(find_row(win, "selector"), 5);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

static void test_table_filter_scroll(void **state)
{
    (void)state;
    Collector *a = make_app();
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    const CfgPanel *p = panel(&pn, "table", "dvc.rate", "dvc.overdue", "dvc.nfc", "env.pm25");
    ctx.filter = "h\xE1\xBB\x93 S"; /* "hồ S": case-insensitive */
    WINDOW *win = draw_new(&w, p, &ctx, 8, 60);
    expect_row(win, "H\xE1\xBB\x93 s\xC6\xA1", 2);
    expect_row(win, "PM2.5", -1);
    ctx.filter = "zzz";
    w->cls->draw(w, win, &ctx);
    expect_row(win, "no KPI matches the filter", 1);
    delwin(win);

    /* 5 rows: header + 2 rows shown of 4; keys scroll. */
    ctx.filter = NULL;
    ctx.focused = true;
    win = newwin(5, 60, 0, 0);
    w->cls->draw(w, win, &ctx);
    expect_row(win, "1-2/4", 0);
    assert_true(find_col(win, 2, "T\xE1\xBB\xB7") == 3);
    assert_true(widget_key(w, KEY_DOWN, &ctx));
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 2, "H\xE1\xBB\x93") == 3);
    assert_true(widget_key(w, KEY_END, &ctx));
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 3, "PM2.5") == 3);
    expect_row(win, "3-4/4", 0);
    assert_false(widget_key(w, 'x', &ctx));
    delwin(win);
    win = newwin(10, 60, 0, 0); /* everything fits: the keys are not used */
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 2, "T\xE1\xBB\xB7") == 3);
    assert_false(widget_key(w, KEY_DOWN, &ctx));
    delwin(win);
    widget_free(w);
    coll_free(a);
}

/* ---- chart ------------------------------------------------------------- */

/* True when the cell text is a braille pattern U+2800..U+28FF. */
static bool is_braille(wchar_t c)
{
    return c >= 0x2800 && c <= 0x28FF;
}

static void test_chart_gap(void **state)
{
    (void)state;
    Collector *a = make_app();
    /* 8 x 39 window: legend, 4 plot rows, time axis; the flat line at 50
     * (a KPI without thresholds or range) gets the axis 49.5 .. 50.5, whose
     * labels take 4 columns + 1, so the plot is 32 cells = 64 dot columns
     * from x = 6. A window of 640 s makes each dot column exactly 10 s. */
    int64_t win_ms = 640000 - 1, from = NOW - win_ms;
    for (int i = 0; i < 64; i++)
        put(a, "dvc.nfc", from + i * 10000 + 5000, i >= 20 && i < 28 ? NAN : 50);
    ViewCtx ctx = live(a);
    ctx.window_ms = win_ms;
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "chart", "dvc.nfc", 0, 0, 0), &ctx, 8, 39);
    assert_true(find_col(win, 1, "H") > 0); /* legend: name and value */
    expect_row(win, " 50", 1);
    assert_int_equal(find_col(win, 2, "50.5"), 1); /* y labels: the data, padded */
    assert_int_equal(find_col(win, 5, "49.5"), 1);
    for (int c = 0; c < 32; c++) {
        int braille = 0;
        for (int y = 2; y < 6; y++) {
            wchar_t ch = cell(win, y, 6 + c, NULL, 0, NULL, NULL);
            assert_true(ch == L' ' || is_braille(ch));
            braille += is_braille(ch);
        }
        /* columns 10..13 hold only the gap: nothing drawn, nothing bridged */
        assert_int_equal(braille, c >= 10 && c <= 13 ? 0 : 1);
    }
    /* the time axis: local HH:MM */
    char buf[256];
    row(win, 6, buf, sizeof buf);
    assert_non_null(strstr(buf, "22:"));

    /* ASCII: '*' and '.', nothing above U+007F, the same gap. */
    ctx.utf8 = false;
    w->cls->draw(w, win, &ctx);
    for (int c = 0; c < 32; c++) {
        int marks = 0;
        for (int y = 2; y < 6; y++) {
            wchar_t ch = cell(win, y, 6 + c, NULL, 0, NULL, NULL);
            marks += ch == L'*' || ch == L'.';
        }
        assert_int_equal(marks, c >= 10 && c <= 13 ? 0 : 1);
    }
    delwin(win);
    widget_free(w);
    coll_free(a);
}

static void test_chart_series_history(void **state)
{
    (void)state;
    Collector *a = make_app();
    for (int i = 0; i <= 60; i++) {
        put(a, "dvc.rate", NOW - (60 - i) * MIN, 60 + i % 7);
        put(a, "dvc.overdue", NOW - (60 - i) * MIN, i < 30 ? 5 : 25);
    }
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "chart", "dvc.rate", "dvc.overdue", 0, 0), &ctx, 12, 60);
    /* one colour per series, both present in the plot */
    bool seen[2] = {false, false};
    for (int y = 2; y < 10; y++)
        for (int x = 1; x < 59; x++) {
            short pair;
            if (is_braille(cell(win, y, x, NULL, 0, NULL, &pair))) {
                assert_true(pair == DRAW_PAIR_SERIES0 || pair == DRAW_PAIR_SERIES0 + 1);
                seen[pair - DRAW_PAIR_SERIES0] = true;
            }
        }
    assert_true(seen[0] && seen[1]);
    assert_true(find_col(win, 1, "H\xE1\xBB\x93 s\xC6\xA1 qu\xC3\xA1 h\xE1\xBA\xA1n 25") > 0);
    /* history: the window ends at the cursor, drawn reversed in the last column */
    ctx.history = true;
    ctx.at_ms = NOW - 30 * MIN - 1000;
    w->cls->draw(w, win, &ctx);
    attr_t at;
    cell(win, 5, 58, NULL, 0, &at, NULL);
    assert_true(at & A_REVERSE);
    assert_true(find_col(win, 1, "H\xE1\xBB\x93 s\xC6\xA1 qu\xC3\xA1 h\xE1\xBA\xA1n 5") > 0);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

/* ---- health and alerts ------------------------------------------------------ */

static void test_health(void **state)
{
    (void)state;
    Collector *a = make_app();
    FeedStatus *dvc = &a->feeds[0], *env = &a->feeds[1];
    dvc->state = FS_DOWN;
    strcpy(dvc->error, "connect failed \x1B[31mrefused\x1B[0m");
    dvc->last_ok_ms = NOW - 12 * MIN;
    dvc->latency_ms = 3000;
    env->state = FS_OK;
    env->last_ok_ms = NOW - 4000;
    env->latency_ms = 1234;
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "health", 0, 0, 0, 0), &ctx, 5, 100);
    assert_true(find_col(win, 0, "Feeds") > 0);
    assert_true(find_col(win, 0, "1/2 up") > 0);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x97 down"), 1);
    assert_true(find_col(win, 1, "C\xE1\xBB\x95ng") > 0);
    assert_true(find_col(win, 1, "12m") > 0);
    assert_true(find_col(win, 1, "3,000 ms") > 0);
    assert_true(find_col(win, 1, "connect failed [31mrefused[0m") > 0);
    assert_int_equal(find_col(win, 2, "\xE2\x9C\x93 ok"), 1);
    assert_true(find_col(win, 2, "1,234 ms") > 0 && find_col(win, 2, "4s") > 0);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 100; x++) {
            wchar_t c = cell(win, y, x, NULL, 0, NULL, NULL);
            assert_true(c >= 0x20 && c != 0x7F && (c < 0x80 || c > 0x9F));
        }
    assert_int_equal(find_col(win, 3, "samples:"), -1); /* no line without such samples */
    /* Samples retimed after a wall-clock step back are counted on the last line. */
    a->kpis[0].retimed = 720;
    a->kpis[1].rejected = 2;
    w->cls->draw(w, win, &ctx);
    assert_int_equal(find_col(win, 3, "samples: 720 re-timed (clock went back), 2 rejected"), 1);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x97 down"), 1);
    a->kpis[0].retimed = a->kpis[1].rejected = 0;
    /* A narrow panel cuts the error with an ellipsis. */
    delwin(win);
    win = newwin(5, 60, 0, 0);
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 1, "connect") > 0);
    assert_true(find_col(win, 1, "\xE2\x80\xA6") > find_col(win, 1, "connect"));
    delwin(win);
    widget_free(w);
    coll_free(a);
}

/* In history the health panel shows each feed as of the moment shown, like
 * the other panels: up when its KPIs had fresh values then, with the age of
 * its data then; no latency or error (polls are not stored). Numbers follow
 * the UI's style. */
static void test_health_history(void **state)
{
    (void)state;
    Collector *a = make_app();
    FeedStatus *dvc = &a->feeds[0], *env = &a->feeds[1];
    dvc->state = FS_DOWN; /* now: down, with an error */
    strcpy(dvc->error, "connection refused");
    dvc->last_ok_ms = NOW - 30 * MIN;
    dvc->latency_ms = 3000;
    env->state = FS_OK;
    env->last_ok_ms = NOW - 4000;
    env->latency_ms = 1234;
    put(a, "dvc.rate", NOW - 61 * MIN, 82.5); /* an hour ago dvc was up (interval 30s) */
    put(a, "dvc.rate", NOW - 60 * MIN - 20000, 83.5);
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    fmt_set_style(FMT_VI);
    WINDOW *win = draw_new(&w, panel(&pn, "health", 0, 0, 0, 0), &ctx, 5, 100);
    assert_true(find_col(win, 1, "3.000 ms") > 0); /* live, Vietnamese numbers */
    assert_true(find_col(win, 2, "1.234 ms") > 0);
    fmt_set_style(FMT_EN);
    ctx.history = true;
    ctx.at_ms = NOW - 60 * MIN;
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 0, "1/2 up") > 0);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x93 ok"), 1); /* dvc then */
    assert_true(find_col(win, 1, "20s") > 0);
    assert_int_equal(find_col(win, 1, "3,000 ms"), -1);
    assert_int_equal(find_col(win, 1, "connection refused"), -1);
    assert_int_equal(find_col(win, 2, "- pending"), 1); /* env had no data then */
    ctx.at_ms = NOW - 50 * MIN; /* ten minutes later dvc's value was old: down */
    w->cls->draw(w, win, &ctx);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x97 down"), 1);
    assert_true(find_col(win, 1, "10m") > 0);
    assert_true(find_col(win, 0, "0/2 up") > 0);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

/* With notify targets, the health panel's last row counts their deliveries
 * (docs/notify.md, "Health counters"). */
static void test_health_notify_footer(void **state)
{
    (void)state;
    Collector *a = make_app();
    char *argv[] = {(char *)"/bin/true", NULL};
    CfgNotify t[2] = {
        {.kind = NOTIFY_EXEC, .argv = argv, .argc = 1, .min_severity = SEV_WARNING},
        {.kind = NOTIFY_EXEC, .argv = argv, .argc = 1, .min_severity = SEV_WARNING},
    };
    char err[160];
    Notifier *nf = notify_new(NULL, t, 2, err, sizeof err); /* no loop: nothing is delivered */
    assert_non_null(nf);
    /* The counters as deliveries would have left them. */
    NotifyStats *s0 = (NotifyStats *)notify_stats(nf, 0), *s1 = (NotifyStats *)notify_stats(nf, 1);
    s0->sent = 10;
    s0->failed = 1;
    s0->last_fail_ms = NOW - 60000;
    s0->last_ok_ms = NOW - 1000; /* recovered: its old error is not shown */
    strcpy(s0->last_error, "HTTP 404");
    s1->sent = 2;
    s1->failed = 2;
    s1->queued = 0;
    s1->busy = true;
    s1->last_fail_ms = NOW - 2000;
    strcpy(s1->last_error, "HTTP 500 \x1B[2J");
    ViewCtx ctx = live(a);
    ctx.notifier = nf;
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "health", 0, 0, 0, 0), &ctx, 6, 100);
    assert_int_equal(
        find_col(win, 4, "notify: 12 sent, 3 failed, 1 queued \xE2\x80\x93 HTTP 500 [2J"), 1);
    assert_true(find_col(win, 4, "HTTP 404") < 0);
    assert_true(find_col(win, 3, "notify") < 0); /* the footer is the last row only */
    /* Without a notifier there is no footer. */
    ctx.notifier = NULL;
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 4, "notify") < 0);
    delwin(win);
    widget_free(w);
    notify_free(nf);
    coll_free(a);
}

static void test_alerts(void **state)
{
    (void)state;
    Collector *a = make_app();
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "alerts", 0, 0, 0, 0), &ctx, 6, 70);
    int y = find_row(win, "\xE2\x9C\x93 no alerts");
    assert_int_equal(y, 1);
    short pair;
    cell(win, 1, 1, NULL, 0, NULL, &pair);
    assert_int_equal(pair, DRAW_PAIR_OK);

    /* A warn (oldest), a crit KPI and a down feed: crit first, then warn. */
    put(a, "dvc.rate", NOW - 1000, 72.5);
    put(a, "dvc.overdue", NOW - 1000, 31);
    a->kpis[kpi(a, "dvc.rate")].status = KST_WARN;
    a->kpis[kpi(a, "dvc.rate")].status_since = NOW - 40 * MIN;
    a->kpis[kpi(a, "dvc.overdue")].status = KST_CRIT;
    a->kpis[kpi(a, "dvc.overdue")].status_since = NOW - 12 * MIN;
    a->feeds[1].state = FS_DOWN;
    a->feeds[1].last_ok_ms = NOW - 5 * MIN;
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 0, "3") > 0);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x97 crit"), 1);
    assert_true(find_col(win, 1, "H\xE1\xBB\x93 s\xC6\xA1") > 0 && find_col(win, 1, "31") > 0);
    assert_true(find_col(win, 1, "12m") > 0);
    assert_int_equal(find_col(win, 2, "\xE2\x9C\x97 crit"), 1);
    assert_true(find_col(win, 2, "Quan tr") > 0 && find_col(win, 2, "down") > 0);
    assert_int_equal(find_col(win, 3, "! warn"), 1);
    assert_true(find_col(win, 3, "72.5 %") > 0 && find_col(win, 3, "40m") > 0);

    /* Focused: the keys select a row, shown reversed. */
    ctx.focused = true;
    assert_true(widget_key(w, KEY_DOWN, &ctx));
    assert_true(widget_key(w, KEY_DOWN, &ctx));
    assert_int_equal(w->selected, 1);
    w->cls->draw(w, win, &ctx);
    attr_t at;
    cell(win, 2, 30, NULL, 0, &at, NULL);
    assert_true(at & A_REVERSE);
    cell(win, 1, 30, NULL, 0, &at, NULL);
    assert_false(at & A_REVERSE);
    assert_true(widget_key(w, KEY_END, &ctx));
    assert_int_equal(w->selected, 2);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

/* An alert engine over a's rules (no callback). */
static AlertEngine *make_engine(const Collector *a)
{
    char err[160];
    AlertEngine *e = alert_new(a, NULL, NULL, NULL, err, sizeof err);
    if (!e) fail_msg("alert_new: %s", err);
    return e;
}

/* Stores both KPIs of the dvc feed at time t and evaluates the alerts then. */
static void step(Collector *a, AlertEngine *e, int64_t t, double rate, double overdue)
{
    put(a, "dvc.rate", t, rate);
    put(a, "dvc.overdue", t, overdue);
    alert_eval(e, t);
}

/* Fails unless every cell of row y from column x0 for n columns has attribute bit. */
static void expect_attr(WINDOW *win, int y, int x0, int n, attr_t bit, bool want)
{
    for (int x = x0; x < x0 + n; x++) {
        attr_t at;
        cell(win, y, x, NULL, 0, &at, NULL);
        if (((at & bit) != 0) != want) {
            dump(win);
            fail_msg("cell %d,%d: attribute %#lx %s", y, x, (unsigned long)bit,
                     want ? "missing" : "unexpected");
        }
    }
}

static void test_alerts_engine(void **state)
{
    (void)state;
    Collector *a = make_app();
    AlertEngine *e = make_engine(a);
    char err[160];
    /* dvc.rate (warn < 75, crit < 50): warning, then critical, then back to
     * warning (its critical alert resolved); dvc.overdue (crit > 20) fires
     * 12 minutes ago. */
    step(a, e, NOW - 40 * MIN, 72.5, 10);
    step(a, e, NOW - 20 * MIN, 45, 10);
    step(a, e, NOW - 12 * MIN, 72.5, 31);
    step(a, e, NOW - 1000, 72.5, 31);
    alert_eval(e, NOW);
    assert_int_equal(alert_find(e, "dvc.overdue:crit")->state, ALERT_FIRING);
    assert_int_equal(alert_find(e, "dvc.rate:warn")->state, ALERT_FIRING);
    assert_int_equal(alert_find(e, "dvc.rate:crit")->state, ALERT_RESOLVED);
    assert_int_equal(alert_ack(e, "dvc.overdue:crit", "lan", "\xC4\x91\xC3\xA3 g\xE1\xBB\x8Di", NOW,
                               err, sizeof err),
                     0);
    assert_true(
        alert_silence(e, "dvc.rate:warn", NOW + 30 * MIN, "minh", NULL, NOW, err, sizeof err) > 0);

    ViewCtx ctx = live(a);
    ctx.alerts = e;
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "alerts", 0, 0, 0, 0), &ctx, 6, 100);
    assert_true(find_col(win, 0, "3") > 0); /* three listed */
    /* The firing critical first: symbol and word in the critical colour, its
     * summary, who acknowledged it and its age. */
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x97 crit firing"), 1);
    short pair;
    cell(win, 1, 1, NULL, 0, NULL, &pair);
    assert_int_equal(pair, DRAW_PAIR_CRIT);
    assert_true(find_col(win, 1, "H\xE1\xBB\x93 s\xC6\xA1 qu\xC3\xA1 h\xE1\xBA\xA1n 31") > 0);
    assert_true(find_col(win, 1, "\xE2\x9C\x93 acked by lan") > 0);
    assert_true(find_col(win, 1, "12m") > 0);
    /* (the comment is shown zoomed only) */
    assert_int_equal(find_col(win, 1, "\xC4\x91\xC3\xA3 g\xE1\xBB\x8Di"), -1);
    /* Then the firing warning, silenced until 22:43 (NOW is 22:13:20 UTC). */
    assert_int_equal(find_col(win, 2, "! warn firing"), 1);
    assert_true(find_col(win, 2, "silenced until 22:43") > 0);
    assert_true(find_col(win, 2, "40m") > 0); /* its episode began as a warning */
    assert_int_equal(find_col(win, 2, "acked"), -1);
    /* The resolved critical last, dimmed. */
    int x = find_col(win, 3, "resolved");
    assert_true(x > 0);
    assert_int_equal(find_col(win, 3, "\xE2\x9C\x97 crit"), 1);
    expect_attr(win, 3, 1, 1, A_DIM, true); /* the symbol */
    expect_attr(win, 3, 3, 4, A_DIM, true); /* "crit" */
    expect_attr(win, 3, x, 8, A_DIM, true);
    expect_attr(win, 1, 1, 6, A_DIM, false);

    /* Zoomed: the acknowledgement's comment too. */
    ctx.zoomed = true;
    w->cls->draw(w, win, &ctx);
    assert_true(find_col(win, 1, "\xE2\x9C\x93 acked by lan: \xC4\x91\xC3\xA3 g\xE1\xBB\x8Di") > 0);
    ctx.zoomed = false;

    /* Focused: the first row is selected (what the console's a/s/u act on);
     * the list keys move the selection. */
    ctx.focused = true;
    w->cls->draw(w, win, &ctx);
    assert_int_equal(w->selected, 0);
    expect_attr(win, 1, 40, 5, A_REVERSE, true);
    expect_attr(win, 2, 40, 5, A_REVERSE, false);
    assert_true(widget_key(w, KEY_DOWN, &ctx));
    w->cls->draw(w, win, &ctx);
    assert_int_equal(w->selected, 1);
    expect_attr(win, 2, 40, 5, A_REVERSE, true);
    expect_attr(win, 1, 40, 5, A_REVERSE, false);

    /* ASCII: the symbols and marks have ASCII forms. */
    ctx.utf8 = false;
    ctx.focused = false;
    w->cls->draw(w, win, &ctx);
    assert_int_equal(find_col(win, 1, "x crit firing"), 1);
    assert_true(find_col(win, 1, "+ acked by lan") > 0);
    assert_true(find_col(win, 1, "Ho so qua han 31") > 0);

    /* A narrow panel keeps the summary and cuts the marks; nothing is
     * written outside the window. */
    ctx.utf8 = true;
    delwin(win);
    win = newwin(6, 40, 0, 0);
    w->cls->draw(w, win, &ctx);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x97 crit"), 1);
    assert_true(find_col(win, 1, "H\xE1\xBB\x93 s\xC6\xA1") > 0);

    /* Without an engine the panel falls back to coll_issues(): the live KPI
     * statuses (none set here) rather than the engine's alerts. */
    ctx.alerts = NULL;
    w->cls->draw(w, win, &ctx);
    assert_int_equal(find_row(win, "\xE2\x9C\x93 no alerts"), 1);
    a->kpis[kpi(a, "dvc.overdue")].status = KST_CRIT;
    a->kpis[kpi(a, "dvc.overdue")].status_since = NOW - 5 * MIN;
    w->cls->draw(w, win, &ctx);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x97 crit"), 1);
    assert_int_equal(find_col(win, 1, "\xE2\x9C\x97 crit firing"), -1);
    assert_true(find_col(win, 1, "5m") > 0);

    /* An engine with nothing active says so. */
    AlertEngine *quiet = make_engine(a);
    ctx.alerts = quiet;
    w->cls->draw(w, win, &ctx);
    assert_int_equal(find_row(win, "\xE2\x9C\x93 no alerts"), 1);
    alert_free(quiet);

    delwin(win);
    widget_free(w);
    alert_free(e);
    coll_free(a);
}

/* ---- text ------------------------------------------------------------------- */

static void test_text_wrap(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want[6];
    } cases[] = {
        {"Quy tr\xC3\xACnh x\xE1\xBB\xAD l\xC3\xBD s\xE1\xBB\xB1 c\xE1\xBB\x91: g\xE1\xBB\x8Di "
         "tr\xE1\xBB\xB1\x63 ban 113\nD\xC3\xB2ng hai",
         {"Quy tr\xC3\xACnh x\xE1\xBB\xAD", "l\xC3\xBD s\xE1\xBB\xB1 c\xE1\xBB\x91:",
          "g\xE1\xBB\x8Di tr\xE1\xBB\xB1\x63 ban", "113", "D\xC3\xB2ng hai", ""}},
        /* decomposed: the same columns */
        {"Quy tri\xCC\x80nh xu\xCC\x9B\xCC\x89 ly\xCC\x81",
         {"Quy tri\xCC\x80nh xu\xCC\x9B\xCC\x89", "ly\xCC\x81", "", "", "", ""}},
        {"abcdefghijklmnopqrstuvwxyz end", {"abcdefghijkl", "mnopqrstuvwx", "yz end", "", "", ""}},
        {"a\n\nb\tc\x1B[0m", {"a", "", "b c[0m", "", "", ""}},
    };
    Collector *a = make_app();
    ViewCtx ctx = live(a);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CfgPanel p = {.widget = "text", .text = (char *)cases[i].text, .title = "Note"};
        Widget *w;
        WINDOW *win = draw_new(&w, &p, &ctx, 8, 14);
        assert_true(find_col(win, 0, "Note") > 0);
        for (int y = 0; y < 6; y++) {
            char buf[256];
            row_span(win, 1 + y, 1, 13, buf, sizeof buf); /* inside the border */
            size_t len = strlen(buf);
            while (len > 0 && buf[len - 1] == ' ')
                buf[--len] = '\0';
            assert_string_equal(buf, cases[i].want[y]);
        }
        delwin(win);
        widget_free(w);
    }
    coll_free(a);
}

/* ---- every widget: tiny windows, ASCII, no colour ------------------------------ */

/* A Collector with data for every widget, and a panel of each kind. */
static Collector *full_app(Panel pn[8])
{
    Collector *a = make_app();
    for (int i = 0; i <= 30; i++) {
        put(a, "dvc.rate", NOW - (30 - i) * MIN, 40 + i);
        put(a, "dvc.nfd", NOW - (30 - i) * MIN, i);
        put(a, "env.pm25", NOW - (30 - i) * MIN, 80);
    }
    a->kpis[kpi(a, "dvc.rate")].status = KST_CRIT;
    a->feeds[0].state = FS_BAD_DATA;
    strcpy(a->feeds[0].error, "expected a number at $.r, got \"\xE1\xBA\xA1\"");
    static const char *const kinds[] = {"stat",  "gauge",  "chart",  "bars",
                                        "table", "alerts", "health", "text"};
    for (int k = 0; k < 8; k++)
        panel(&pn[k], kinds[k], "dvc.nfd", "dvc.rate", "env.pm25", "dvc.money");
    pn[7].p.text = "Quy tr\xC3\xACnh " HAI_NFD " \xE2\x80\x9Cok\xE2\x80\x9D";
    return a;
}

/* An alert engine over full_app()'s Collector at NOW: dvc.rate's warning fires,
 * acknowledged with a long comment and silenced (every mark drawn). */
static AlertEngine *full_engine(const Collector *a)
{
    AlertEngine *e = make_engine(a);
    alert_eval(e, NOW);
    char err[160];
    assert_int_equal(alert_find(e, "dvc.rate:warn")->state, ALERT_FIRING);
    assert_int_equal(alert_ack(e, "dvc.rate:warn", "Nguy\xE1\xBB\x85n V\xC4\x83n A",
                               "\xC4\x91\xC3\xA3 g\xE1\xBB\x8Di tr\xE1\xBA\xA1m, ch\xE1\xBB\x9D "
                               "ph\xE1\xBA\xA3n h\xE1\xBB\x93i \x1B[31m",
                               NOW, err, sizeof err),
                     0);
    assert_true(alert_silence(e, "dvc", NOW + 26 * 60 * MIN, "minh", NULL, NOW, err, sizeof err) >
                0);
    return e;
}

static void test_tiny_windows(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1, 1}, {1, 6}, {2, 3},  {2, 40}, {3, 10},
                                   {3, 4}, {4, 7}, {6, 12}, {20, 2}, {9, 30}};
    Panel pn[8];
    Collector *a = full_app(pn);
    AlertEngine *e = full_engine(a);
    ViewCtx ctx = live(a);
    WINDOW *big = newwin(30, 60, 0, 0);
    assert_non_null(big);
    for (int mode = 0; mode < 8; mode++) { /* with and without the alert engine */
        ctx.utf8 = mode % 2 == 0;
        ctx.zoomed = mode % 4 >= 2;
        ctx.focused = mode % 4 == 1;
        ctx.alerts = mode >= 4 ? e : NULL;
        for (int k = 0; k < 8; k++) {
            Widget *w = widget_new(&pn[k].p, a);
            assert_non_null(w);
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                int rows = sizes[s][0], cols = sizes[s][1];
                wbkgdset(big, 'Z');
                werase(big);
                WINDOW *sub = derwin(big, rows, cols, 5, 50 - cols + 9); /* at the right edge */
                assert_non_null(sub);
                wbkgdset(sub, ' ');
                w->cls->draw(w, sub, &ctx);
                (void)widget_key(w, KEY_DOWN, &ctx);
                delwin(sub);
                for (int y = 0; y < 30; y++)
                    for (int x = 0; x < 60; x++) {
                        bool inside = y >= 5 && y < 5 + rows && x >= 59 - cols && x < 59;
                        if (inside) continue;
                        wchar_t c = cell(big, y, x, NULL, 0, NULL, NULL);
                        if (c != L'Z')
                            fail_msg("%s %dx%d wrote at %d,%d", pn[k].p.widget, rows, cols, y, x);
                    }
            }
            widget_free(w);
        }
    }
    delwin(big);
    alert_free(e);
    coll_free(a);
}

static void test_ascii_and_mono(void **state)
{
    (void)state;
    Panel pn[8];
    Collector *a = full_app(pn);
    AlertEngine *e = full_engine(a);
    ViewCtx ctx = live(a);
    ctx.utf8 = false;
    ctx.color = false;
    for (int mode = 0; mode < 4; mode++) { /* with and without the alert engine */
        ctx.zoomed = mode % 2;
        ctx.focused = mode % 2;
        ctx.alerts = mode >= 2 ? e : NULL;
        for (int k = 0; k < 8; k++) {
            Widget *w;
            WINDOW *win = draw_new(&w, &pn[k].p, &ctx, 12, 64);
            for (int y = 0; y < 12; y++)
                for (int x = 0; x < 64; x++) {
                    short pair;
                    wchar_t c = cell(win, y, x, NULL, 0, NULL, &pair);
                    if (c > 0x7E || c < 0x20)
                        fail_msg("%s: U+%04X at %d,%d", pn[k].p.widget, (unsigned)c, y, x);
                    assert_int_equal(pair, 0); /* no colour */
                }
            if (ctx.alerts && k == 5) { /* the engine's alert, its marks in ASCII */
                assert_int_equal(find_col(win, 1, "! warn firing"), 1);
                assert_true(find_col(win, 1, "+ acked by Nguyen Van A") > 0);
            }
            delwin(win);
            widget_free(w);
        }
    }
    /* Without colour, status is still told apart by attributes and symbols. */
    Widget *w;
    Panel p;
    WINDOW *win = draw_new(&w, panel(&p, "stat", "dvc.rate", 0, 0, 0), &ctx, 5, 30); /* warn */
    int x = find_col(win, 1, "! 70.0 %");
    assert_true(x > 0);
    attr_t at;
    cell(win, 1, x, NULL, 0, &at, NULL);
    assert_true(at & A_BOLD);
    delwin(win);
    widget_free(w);
    alert_free(e);
    coll_free(a);
}

/* ---- issue 13: targets, sibling names, crit tiles, charts, history ---------- */

/* KPIs for the tests below: three siblings that start alike, a long name
 * with a short one, a lower-is-better target, a target at the top of the
 * range. */
static const char *yaml13 =
    "ioc: { name: T }\n"
    "feeds:\n"
    "  - id: hs\n"
    "    url: http://127.0.0.1:1/hs\n"
    "    kpis:\n"
    "      - { id: t, name: \"X\xE1\xBB\xAD l\xC3\xBD tr\xC3\xAAn m\xE1\xBA\xA1ng "
    "(t\xE1\xBB\x89nh)\", "
    "select: $.t, unit: '%', target: 90, min: 0, max: 100 }\n"
    "      - { id: h, name: \"X\xE1\xBB\xAD l\xC3\xBD tr\xC3\xAAn m\xE1\xBA\xA1ng "
    "(huy\xE1\xBB\x87n)\", "
    "select: $.h, unit: '%', target: 80, min: 0, max: 100 }\n"
    "      - { id: x, name: \"X\xE1\xBB\xAD l\xC3\xBD tr\xC3\xAAn m\xE1\xBA\xA1ng (x\xC3\xA3)\", "
    "select: $.x, unit: '%', target: 70, min: 0, max: 100 }\n"
    "      - { id: long, name: \"H\xE1\xBB\x93 s\xC6\xA1 gi\xE1\xBA\xA3i quy\xE1\xBA\xBFt "
    "\xC4\x91\xC3\xBAng "
    "h\xE1\xBA\xA1n trong th\xC3\xA1ng\", short: \"\xC4\x90\xC3\xBAng h\xE1\xBA\xA1n\", select: "
    "$.l, "
    "target: 98, decimals: 1 }\n"
    "      - { id: aqi, name: AQI, select: $.a, target: 50, warn: '> 100', crit: '> 150', min: 0, "
    "max: 300 }\n"
    "      - { id: full, name: Full, select: $.f, unit: '%', target: 100, decimals: 1, min: 0, "
    "max: 100 }\n";

/* The Collector of yaml13 (not started). */
static Collector *make_app13(void)
{
    Diag d;
    diag_init(&d);
    Config *c = cfg_load_string(yaml13, strlen(yaml13), "t13.yaml", &d);
    diag_done(&d);
    assert_non_null(c);
    char err[128];
    Collector *a = coll_new(c, err, sizeof err);
    assert_non_null(a);
    return a;
}

static void test_target_marks(void **state)
{
    (void)state;
    Collector *a = make_app13();
    const CfgKpi *hs = a->kpis[kpi(a, "hs.long")].kpi, *aqi = a->kpis[kpi(a, "hs.aqi")].kpi;
    const CfgKpi *dvc_like = a->kpis[kpi(a, "hs.t")].kpi;
    /* the good side: thresholds pointing up make lower values good */
    assert_int_equal(cfg_kpi_target_dir(hs), 1);
    assert_int_equal(cfg_kpi_target_dir(aqi), -1);
    assert_int_equal(cfg_kpi_target(hs, true, 97.0), CFG_TARGET_BELOW);
    assert_int_equal(cfg_kpi_target(hs, true, 98.0), CFG_TARGET_MET);
    assert_int_equal(cfg_kpi_target(aqi, true, 60), CFG_TARGET_ABOVE);
    assert_int_equal(cfg_kpi_target(aqi, true, 40), CFG_TARGET_MET);
    assert_int_equal(cfg_kpi_target(hs, false, 0), CFG_TARGET_NONE);
    assert_int_equal(cfg_kpi_target(hs, true, NAN), CFG_TARGET_NONE);
    assert_int_equal(cfg_kpi_target(NULL, true, 1), CFG_TARGET_NONE);
    CfgKpi both = *dvc_like; /* "< 5.5 or > 9": no good side */
    both.warn = (CfgThreshold){2, {CMP_LT, CMP_GT}, {5.5, 9}};
    assert_int_equal(cfg_kpi_target(&both, true, 1), CFG_TARGET_NONE);
    /* "✓ ok" alone no more: a symbol and words, and the gap */
    char buf[128];
    kpitext_target_text(hs, CFG_TARGET_BELOW, true, buf, sizeof buf);
    assert_string_equal(buf, "\xE2\x96\xBC below target 98.0");
    kpitext_target_gap(hs, 97, CFG_TARGET_BELOW, true, buf, sizeof buf);
    assert_string_equal(buf, "\xE2\x96\xBC 97.0 < 98.0");
    kpitext_target_text(aqi, CFG_TARGET_ABOVE, false, buf, sizeof buf);
    assert_string_equal(buf, "^ above target 50");
    kpitext_target_text(hs, CFG_TARGET_MET, true, buf, sizeof buf);
    assert_string_equal(buf, "");
    assert_string_equal(kpitext_target_symbol(CFG_TARGET_BELOW, false), "v");
    assert_string_equal(kpitext_target_symbol(CFG_TARGET_MET, true), "");
    /* short: is what a narrow panel shows */
    assert_string_equal(kpitext_name(hs, 40), hs->name);
    assert_string_equal(kpitext_name(hs, 12), "\xC4\x90\xC3\xBAng h\xE1\xBA\xA1n");
    assert_string_equal(kpitext_name(aqi, 1), "AQI"); /* no short name */
    coll_free(a);
    /* ioc.theme: default or high-contrast, nothing else */
    static const char *const themes[] = {"", ", theme: high-contrast", ", theme: loud"};
    for (int i = 0; i < 3; i++) {
        char y[256];
        snprintf(y, sizeof y,
                 "ioc: { name: T%s }\nfeeds:\n  - { id: f, url: http://127.0.0.1:1/f, kpis: "
                 "[{ id: k, select: $.k }] }\n",
                 themes[i]);
        Diag d;
        diag_init(&d);
        Config *c = cfg_load_string(y, strlen(y), "theme.yaml", &d);
        diag_done(&d);
        if (i == 2) {
            assert_null(c);
            continue;
        }
        assert_non_null(c);
        assert_int_equal(c->theme, i == 1 ? CFG_THEME_HIGH_CONTRAST : CFG_THEME_DEFAULT);
        cfg_free(c);
    }
}

static void test_fit_distinct(void **state)
{
    (void)state;
    static const char *const sib[] = {
        "X\xE1\xBB\xAD l\xC3\xBD tr\xC3\xAAn m\xE1\xBA\xA1ng (t\xE1\xBB\x89nh)",
        "X\xE1\xBB\xAD l\xC3\xBD tr\xC3\xAAn m\xE1\xBA\xA1ng (huy\xE1\xBB\x87n)",
        "X\xE1\xBB\xAD l\xC3\xBD tr\xC3\xAAn m\xE1\xBA\xA1ng (x\xC3\xA3)"};
    char out[3][128];
    for (int i = 0; i < 3; i++) {
        int w = kpitext_fit_distinct(sib[i], sib, 3, 12, true, out[i], sizeof out[i]);
        assert_true(w <= 12);
        assert_int_equal(w, text_width(out[i]));
    }
    /* the distinguishing tails stay: "Xử lý…(xã)" */
    assert_string_equal(out[2], "X\xE1\xBB\xAD l\xC3\xBD t\xE2\x80\xA6(x\xC3\xA3)");
    assert_non_null(strstr(out[0], "(t\xE1\xBB\x89nh)"));
    assert_non_null(strstr(out[1], "(huy\xE1\xBB\x87n)"));
    assert_true(strcmp(out[0], out[1]) && strcmp(out[1], out[2]) && strcmp(out[0], out[2]));
    /* a plain cut would make "Cảnh báo 2…" and "Cảnh báo n…" */
    static const char *const cb[] = {"C\xE1\xBA\xA3nh b\xC3\xA1o 24 gi\xE1\xBB\x9D",
                                     "C\xE1\xBA\xA3nh b\xC3\xA1o nghi\xC3\xAAm tr\xE1\xBB\x8Dng"};
    kpitext_fit_distinct(cb[0], cb, 2, 11, true, out[0], sizeof out[0]);
    kpitext_fit_distinct(cb[1], cb, 2, 11, true, out[1], sizeof out[1]);
    assert_non_null(strstr(out[0], "24 gi\xE1\xBB\x9D"));
    assert_non_null(strstr(out[1], "tr\xE1\xBB\x8Dng"));
    /* without siblings alike: cut at the end; fits: unchanged; ASCII "..." */
    kpitext_fit_distinct("Camera tr\xE1\xBB\xB1\x63 tuy\xE1\xBA\xBFn", NULL, 0, 8, true, out[0],
                         sizeof out[0]);
    assert_string_equal(out[0], "Camera \xE2\x80\xA6");
    kpitext_fit_distinct("AQI", sib, 3, 8, true, out[0], sizeof out[0]);
    assert_string_equal(out[0], "AQI");
    static const char *const asc[] = {"Xu ly tren mang (tinh)", "Xu ly tren mang (xa)"};
    kpitext_fit_distinct(asc[1], asc, 2, 12, false, out[0], sizeof out[0]);
    assert_string_equal(out[0], "Xu ly...(xa)");
}

static void test_sibling_names_short(void **state)
{
    (void)state;
    Collector *a = make_app13();
    put(a, "hs.t", NOW - 1000, 93.7);
    put(a, "hs.h", NOW - 1000, 84);
    put(a, "hs.x", NOW - 1000, 63.3);
    put(a, "hs.long", NOW - 1000, 97);
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    /* bars 36 wide: the names get 11 columns */
    WINDOW *win = draw_new(&w, panel(&pn, "bars", "hs.t", "hs.h", "hs.x", 0), &ctx, 8, 36);
    char b[3][1024];
    for (int i = 0; i < 3; i++)
        row(win, 1 + 2 * i, b[i], sizeof b[i]);
    assert_non_null(strstr(b[0], "\xE2\x80\xA6(t\xE1\xBB\x89nh)"));
    assert_non_null(strstr(b[1], "\xE2\x80\xA6(huy\xE1\xBB\x87n)"));
    assert_non_null(strstr(b[2], "\xE2\x80\xA6(x\xC3\xA3)"));
    /* the one below its target (63.3 < 70) is marked, the others not */
    assert_non_null(strstr(b[2], "63.3 % \xE2\x96\xBC"));
    assert_null(strstr(b[0], "\xE2\x96\xBC"));
    assert_null(strstr(b[1], "\xE2\x96\xBC"));
    delwin(win);
    widget_free(w);
    /* a narrow table shows the short name; a wide one the name */
    win = draw_new(&w, panel(&pn, "table", "hs.long", "hs.t", 0, 0), &ctx, 6, 40);
    assert_true(find_row(win, "\xC4\x90\xC3\xBAng h\xE1\xBA\xA1n") == 2);
    delwin(win);
    win = newwin(6, 120, 0, 0);
    w->cls->draw(w, win, &ctx);
    assert_true(find_row(win, "trong th\xC3\xA1ng") == 2);
    assert_true(find_row(win, "ok \xE2\x96\xBC below target") == 2); /* 97 < 98 */
    delwin(win);
    widget_free(w);
    coll_free(a);
}

static void test_crit_tile_border(void **state)
{
    (void)state;
    Collector *a = make_app();
    Panel pn;
    Widget *w;
    short pair;
    attr_t at;
    put(a, "dvc.rate", NOW - 1000, 40); /* crit < 50 */
    ViewCtx ctx = live(a);
    WINDOW *win = draw_new(&w, panel(&pn, "stat", "dvc.rate", 0, 0, 0), &ctx, 5, 30);
    cell(win, 0, 0, NULL, 0, &at, &pair); /* the corner */
    assert_int_equal(pair, DRAW_PAIR_CRIT);
    cell(win, 4, 10, NULL, 0, &at, &pair); /* the bottom line */
    assert_int_equal(pair, DRAW_PAIR_CRIT);
    cell(win, 0, 2, NULL, 0, &at, &pair); /* the title */
    assert_int_equal(pair, DRAW_PAIR_CRIT);
    assert_true(at & A_BOLD);
    ctx.color = false; /* without colour: reverse */
    w->cls->draw(w, win, &ctx);
    cell(win, 0, 0, NULL, 0, &at, NULL);
    assert_true(at & A_REVERSE);
    delwin(win);
    widget_free(w);
    coll_free(a);
    a = make_app();
    put(a, "dvc.rate", NOW - 1000, 90); /* ok: a plain border */
    ctx = live(a);
    win = draw_new(&w, panel(&pn, "stat", "dvc.rate", 0, 0, 0), &ctx, 5, 30);
    cell(win, 0, 0, NULL, 0, &at, &pair);
    assert_int_equal(pair, 0);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

static void test_gauge_marker_labels(void **state)
{
    (void)state;
    Collector *a = make_app13();
    put(a, "hs.full", NOW - 1000, 97);
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    /* target 100 at the end of 0..100: the marker and "100.0" side by side */
    WINDOW *win = draw_new(&w, panel(&pn, "gauge", "hs.full", 0, 0, 0), &ctx, 5, 44);
    char buf[1024];
    row(win, 3, buf, sizeof buf);
    assert_non_null(strstr(buf, "100.0\xE2\x96\xB2")); /* "100.0▲", never "▲00.0" */
    assert_non_null(strstr(buf, "0.0 "));
    assert_true(find_row(win, "\xE2\x96\xBC below target 100.0") == 1);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

static void test_chart_range_lines(void **state)
{
    (void)state;
    Collector *a = make_app();
    for (int i = 0; i <= 60; i++) /* 70 .. 78 % on a 0..100 KPI; warn < 75, target 80 */
        put(a, "dvc.rate", NOW - (60 - i) * MIN, 70 + i % 9);
    ViewCtx ctx = live(a);
    Panel pn;
    Widget *w;
    WINDOW *win = draw_new(&w, panel(&pn, "chart", "dvc.rate", 0, 0, 0), &ctx, 16, 60);
    /* auto-range with padding: not 0..100; more labels on more rows */
    assert_int_equal(find_row(win, "100.0"), -1);
    assert_int_equal(find_row(win, " 0.0"), -1);
    int labels = 0;
    char buf[1024];
    for (int y = 2; y < 14; y++) { /* the plot rows, above the time axis */
        row(win, y, buf, sizeof buf);
        double v;
        if (sscanf(buf + 1, "%lf", &v) == 1) {
            if (!(v > 60 && v < 90)) dump(win);
            labels++;
            assert_true(v > 60 && v < 90);
        }
    }
    assert_true(labels >= 4);
    /* the warn line (75, !) and the target line (80, ◆) in their styles */
    bool warn = false, target = false;
    for (int y = 2; y < 15; y++)
        for (int x = 1; x < 59; x++) {
            short pair;
            char c[16];
            cell(win, y, x, c, sizeof c, NULL, &pair);
            if (strcmp(c, "\xE2\x95\x8C") == 0 && pair == DRAW_PAIR_WARN) warn = true;
            if (strcmp(c, "\xE2\x97\x86") == 0 && pair == DRAW_PAIR_TARGET) target = true;
        }
    assert_true(warn);
    assert_true(target);
    delwin(win);
    widget_free(w);
    coll_free(a);
}

static void test_alerts_narrow_history(void **state)
{
    (void)state;
    Collector *a = make_app();
    AlertEngine *e = make_engine(a);
    step(a, e, NOW - 40 * MIN, 72.5, 10);
    step(a, e, NOW - 20 * MIN, 45, 10);
    step(a, e, NOW - 1000, 72.5, 31);
    alert_eval(e, NOW);
    ViewCtx ctx = live(a);
    ctx.alerts = e;
    Panel pn;
    Widget *w;
    /* 46 columns, as on an 80x24 overview: state, value and age stay; no
     * silence column without a silence */
    WINDOW *win = draw_new(&w, panel(&pn, "alerts", 0, 0, 0, 0), &ctx, 6, 48);
    int y = find_row(win, "crit firing");
    assert_true(y > 0);
    char buf[1024];
    row(win, y, buf, sizeof buf);
    assert_non_null(strstr(buf, "firing       31 ")); /* the value in its column */
    assert_non_null(strstr(buf, " 1sx"));             /* the age at the right edge */
    assert_int_equal(find_row(win, "silenced"), -1);
    delwin(win);
    /* history: the time in the frame, and the KPIs at crit or warn then */
    ctx.history = true;
    ctx.at_ms = NOW - 20 * MIN + 1000; /* 21:53:21 UTC: dvc.rate 45 was crit */
    win = newwin(6, 60, 0, 0);
    w->cls->draw(w, win, &ctx);
    row(win, 0, buf, sizeof buf);
    assert_non_null(strstr(buf, " 21:53 "));
    assert_true(find_row(win, "T\xE1\xBB\xB7 l\xE1\xBB\x87") == 1);
    assert_true(find_row(win, "45.0 %") == 1);
    assert_int_equal(find_row(win, "firing"), -1); /* not the live engine's list */
    delwin(win);
    widget_free(w);
    /* every panel shows the time in history */
    win = draw_new(&w, panel(&pn, "stat", "dvc.rate", 0, 0, 0), &ctx, 5, 40);
    row(win, 0, buf, sizeof buf);
    assert_non_null(strstr(buf, " 21:53 "));
    delwin(win);
    widget_free(w);
    alert_free(e);
    coll_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_numbers_like_snapshot),
        cmocka_unit_test(test_values_and_symbols),
        cmocka_unit_test(test_value_units),
        cmocka_unit_test(test_clean_ascii),
        cmocka_unit_test(test_stat_value),
        cmocka_unit_test(test_stat_big_stale_none),
        cmocka_unit_test(test_gauge),
        cmocka_unit_test(test_bars),
        cmocka_unit_test(test_table_alignment),
        cmocka_unit_test(test_table_filter_scroll),
        cmocka_unit_test(test_chart_gap),
        cmocka_unit_test(test_chart_series_history),
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_health_notify_footer),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_alerts_engine),
        cmocka_unit_test(test_text_wrap),
        cmocka_unit_test(test_tiny_windows),
        cmocka_unit_test(test_ascii_and_mono),
        cmocka_unit_test(test_target_marks),
        cmocka_unit_test(test_fit_distinct),
        cmocka_unit_test(test_sibling_names_short),
        cmocka_unit_test(test_crit_tile_border),
        cmocka_unit_test(test_gauge_marker_labels),
        cmocka_unit_test(test_chart_range_lines),
        cmocka_unit_test(test_alerts_narrow_history),
        cmocka_unit_test(test_health_history),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
