/* test_csvout.c - spreadsheet-safe CSV cells (base/csvout.h), in a table:
 * formula prefixes, quotes, commas, line ends, empty cells, UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/csvout.h"

typedef struct {
    const char *in, *out;
} CellCase;

static const CellCase cell_cases[] = {
    {NULL, ""},
    {"", ""},
    {"plain", "plain"},
    {"Hải Dương", "Hải Dương"}, /* UTF-8 kept */
    {"µg/m³", "µg/m³"},         /* UTF-8 kept */
    {"=1+2", "'=1+2"},          /* formula prefixes */
    {"+84 912", "'+84 912"},
    {"-3", "'-3"},
    {"@SUM(A1)", "'@SUM(A1)"},
    {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""}, /* guarded and quoted */
    {"=a,b", "\"'=a,b\""},
    {"\t=1", " =1"}, /* TAB becomes a space: no longer a formula */
    {"\r=1", " =1"}, /* CR likewise */
    {"a=b", "a=b"},  /* only a leading sign counts */
    {" =1", " =1"},
    {"a,b", "\"a,b\""},                   /* comma */
    {"say \"hi\"", "\"say \"\"hi\"\"\""}, /* quotes doubled */
    {"\"", "\"\"\"\""},
    {"line\nbreak", "line break"}, /* LF and CR become spaces */
    {"a\r\nb", "a  b"},
    {"esc\x1b[31mred", "esc[31mred"},           /* controls dropped */
    {"bad \xff byte", "bad \xEF\xBF\xBD byte"}, /* invalid UTF-8 is U+FFFD */
    {"rtl \xE2\x80\xAE"
     "evil",
     "rtl evil"}, /* bidi override dropped */
};

/* The cell written for s, in a new allocation. */
static char *cell(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    csvout_text(s, f);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* Every case of the table. */
static void test_cells(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cell_cases / sizeof cell_cases[0]; i++) {
        char *got = cell(cell_cases[i].in);
        if (strcmp(got, cell_cases[i].out) != 0)
            fail_msg("case %zu: got [%s], want [%s]", i, got, cell_cases[i].out);
        free(got);
    }
}

/* A long text is cut to CSVOUT_CELL_MAX - 1 bytes, never inside a character. */
static void test_long_cell(void **state)
{
    (void)state;
    char in[3 * CSVOUT_CELL_MAX];
    for (size_t i = 0; i + 2 < sizeof in; i += 2)
        memcpy(in + i, "\xC3\xA1", 2); /* á */
    in[sizeof in - 2] = '\0';
    char *got = cell(in);
    assert_true(strlen(got) <= CSVOUT_CELL_MAX - 1);
    assert_int_equal(strlen(got) % 2, 0);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_long_cell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
