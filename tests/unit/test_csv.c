/* test_csv.c - CSV bodies (feeds/csv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse/csv.h"

/* Parses len bytes through a heap copy without a NUL terminator, so that
 * ASan catches any read past len. */
static CsvTable *parse_n(const char *body, size_t len, char sep, CsvError *err)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, body, len);
    CsvTable *t = csv_parse(copy, len, sep, err);
    free(copy);
    return t;
}

/* Same for a C string body. */
static CsvTable *parse_str(const char *body, char sep, CsvError *err)
{
    return parse_n(body, strlen(body), sep, err);
}

/* Parses or fails the test with the error position and message. */
static CsvTable *parse_ok(const char *body, char sep)
{
    CsvError err;
    CsvTable *t = parse_str(body, sep, &err);
    if (!t) fail_msg("%d:%d: %s", err.line, err.col, err.msg);
    return t;
}

/* A CKAN-style export: quoted header, numbers as text, Vietnamese names. */
static void test_ckan_export(void **state)
{
    (void)state;
    CsvTable *t = parse_ok("\"_id\",\"ma_don_vi\",\"ten_don_vi\",\"ty_le_dung_han\",\"so_ho_so\"\n"
                           "1,\"H01\",\"UBND huyện Cẩm Giàng\",\"98.5\",\"1,234\"\n"
                           "2,\"H02\",\"UBND TP Hải Dương\",\"91.25\",\"12\"\n"
                           "3,\"H03\",\"Phường Phạm Ngũ Lão\",,\n",
                           0);
    assert_int_equal(csv_sep(t), ',');
    assert_int_equal(csv_cols(t), 5);
    assert_int_equal(csv_rows(t), 3);
    assert_string_equal(csv_header(t, 0), "_id");
    assert_string_equal(csv_header(t, 3), "ty_le_dung_han");
    assert_null(csv_header(t, 5));
    assert_int_equal(csv_col_index(t, "ten_don_vi"), 2);
    assert_int_equal(csv_col_index(t, "missing"), -1);
    assert_int_equal(csv_col_index(t, NULL), -1);
    assert_string_equal(csv_cell(t, 0, 2), "UBND huyện Cẩm Giàng");
    assert_string_equal(csv_cell(t, 0, 4), "1,234");
    assert_string_equal(csv_cell(t, 1, 3), "91.25");
    assert_string_equal(csv_cell(t, 2, 2), "Phường Phạm Ngũ Lão");
    assert_string_equal(csv_cell(t, 2, 3), "");
    assert_string_equal(csv_cell(t, 2, 4), "");
    assert_null(csv_cell(t, 3, 0));
    assert_null(csv_cell(t, 0, 5));
    csv_free(t);
}

/* Quoted fields hold separators, line breaks and doubled quotes. */
static void test_quoted_fields(void **state)
{
    (void)state;
    CsvTable *t = parse_ok("id,note,value\n"
                           "1,\"a, b; c\",10\n"
                           "2,\"line one\nline two\r\nline three\",20\n"
                           "3,\"she said \"\"xin chào\"\"\",30\n"
                           "4,\"\",40\n"
                           "5,\"\"\"\",50\n"
                           "6,\"x\"  ,60\n",
                           0);
    assert_int_equal(csv_rows(t), 6);
    assert_string_equal(csv_cell(t, 0, 1), "a, b; c");
    assert_string_equal(csv_cell(t, 1, 1), "line one\nline two\r\nline three");
    assert_string_equal(csv_cell(t, 1, 2), "20");
    assert_string_equal(csv_cell(t, 2, 1), "she said \"xin chào\"");
    assert_string_equal(csv_cell(t, 3, 1), "");
    assert_string_equal(csv_cell(t, 4, 1), "\"");
    assert_string_equal(csv_cell(t, 5, 1), "x"); /* blanks after a closing quote are allowed */
    assert_string_equal(csv_cell(t, 5, 2), "60");
    csv_free(t);
}

/* A ';'-separated European export with decimal commas, BOM and CRLF. */
static void test_semicolon_bom_crlf(void **state)
{
    (void)state;
    CsvTable *t = parse_ok("\xEF\xBB\xBF"
                           "Trạm;PM2,5;AQI\r\n"
                           "Phạm Ngũ Lão;48,6;112\r\n"
                           "\"Nguyễn Trãi; Hải Dương\";7.995,5;95\r\n",
                           0);
    assert_int_equal(csv_sep(t), ';');
    assert_int_equal(csv_cols(t), 3);
    assert_int_equal(csv_rows(t), 2);
    assert_string_equal(csv_header(t, 0), "Trạm"); /* BOM is not part of the name */
    assert_string_equal(csv_header(t, 1), "PM2,5");
    assert_string_equal(csv_header(t, 2), "AQI"); /* no trailing CR */
    assert_string_equal(csv_cell(t, 0, 1), "48,6");
    assert_string_equal(csv_cell(t, 0, 2), "112");
    assert_string_equal(csv_cell(t, 1, 0), "Nguyễn Trãi; Hải Dương");
    assert_string_equal(csv_cell(t, 1, 1), "7.995,5");
    csv_free(t);
}

typedef struct {
    const char *header;
    char want;
} SepCase;

/* Separator detection counts ',' and ';' outside quotes on the header line. */
static void test_detect_sep(void **state)
{
    (void)state;
    static const SepCase cases[] = {
        {"a,b,c\n1,2,3\n", ','},
        {"a;b;c\n1;2;3\n", ';'},
        {"a\n1\n", ','},
        {"a;b,c\n", ','},                  /* tie: ',' */
        {"\"x,y,z\";b;c\n", ';'},          /* commas inside quotes do not count */
        {"\"a;b;c\",d\n", ','},            /* semicolons inside quotes do not count */
        {"a,b\n1;2;3;4;5\n", ','},         /* only the header line counts */
        {"\"multi\nline;;;\",b,c\n", ','}, /* a quoted header field may span lines */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CsvError err;
        CsvTable *t = parse_str(cases[i].header, 0, &err);
        if (!t) fail_msg("case %zu: %d:%d: %s", i, err.line, err.col, err.msg);
        if (csv_sep(t) != cases[i].want)
            fail_msg("case %zu: sep '%c', want '%c'", i, csv_sep(t), cases[i].want);
        csv_free(t);
    }
    /* An explicit separator wins over detection. */
    CsvTable *t = parse_ok("a;b,c\n1;2,3\n", ';');
    assert_int_equal(csv_cols(t), 2);
    assert_string_equal(csv_header(t, 1), "b,c");
    assert_string_equal(csv_cell(t, 0, 1), "2,3");
    csv_free(t);
}

/* Header names are trimmed, cells are not; blank lines are skipped; short
 * rows read as ""; no final newline is needed. */
static void test_trimming_blank_lines_short_rows(void **state)
{
    (void)state;
    CsvTable *t = parse_ok("\n  \n id ,\"ten \" ,\tgia\t\n"
                           "\n"
                           " 1 , a ,x\n"
                           "   \t \r\n"
                           "2\n"
                           "3,,\n"
                           "4,5\"6,\"q\"\r\n"
                           "5,b,c",
                           0);
    assert_int_equal(csv_cols(t), 3);
    assert_string_equal(csv_header(t, 0), "id");
    assert_string_equal(csv_header(t, 1), "ten");
    assert_string_equal(csv_header(t, 2), "gia");
    assert_int_equal(csv_col_index(t, "gia"), 2);
    assert_int_equal(csv_rows(t), 5);
    assert_string_equal(csv_cell(t, 0, 0), " 1 ");
    assert_string_equal(csv_cell(t, 0, 1), " a ");
    assert_string_equal(csv_cell(t, 1, 0), "2");
    assert_string_equal(csv_cell(t, 1, 1), "");
    assert_string_equal(csv_cell(t, 1, 2), "");
    assert_string_equal(csv_cell(t, 2, 2), "");
    assert_string_equal(csv_cell(t, 3, 1), "5\"6"); /* a quote inside an unquoted field is data */
    assert_string_equal(csv_cell(t, 3, 2), "q");
    assert_string_equal(csv_cell(t, 4, 2), "c");
    csv_free(t);

    t = parse_ok("only_header", 0);
    assert_int_equal(csv_cols(t), 1);
    assert_int_equal(csv_rows(t), 0);
    csv_free(t);

    t = parse_ok("a,,b,\n1,2,3,4\n", 0); /* empty header names may repeat */
    assert_int_equal(csv_cols(t), 4);
    assert_string_equal(csv_header(t, 1), "");
    assert_string_equal(csv_cell(t, 0, 3), "4");
    csv_free(t);

    t = parse_ok("a,b\n\"1\"\r", 0); /* a final CR after a quoted field */
    assert_string_equal(csv_cell(t, 0, 0), "1");
    csv_free(t);
}

typedef struct {
    const char *body;
    char sep;
    int line, col;
    const char *msg;
} BadCase;

static const BadCase bad_cases[] = {
    {"", 0, 1, 1, "empty body: expected a header line"},
    {"\xEF\xBB\xBF", 0, 1, 1, "empty body: expected a header line"},
    {"\n \n\r\n", 0, 4, 1, "empty body: expected a header line"},
    {"a,b\n1,\"xyz\n2,3\n", 0, 2, 3, "unterminated quoted field (missing closing '\"')"},
    {"\"a,b\n", 0, 1, 1, "unterminated quoted field (missing closing '\"')"},
    {"a,b\n1,\"ab\"c\n", 0, 2, 7,
     "unexpected text after a closing quote (expected ',' or a line end)"},
    {"a;b\n1;\"x\ny\" z;2\n", 0, 3, 4,
     "unexpected text after a closing quote (expected ';' or a line end)"},
    {"a,b\n1,\"ab\"\rc\n", 0, 2, 7,
     "unexpected text after a closing quote (expected ',' or a line end)"},
    {"a,b\n1,2\n3,4,5\n", 0, 3, 5, "row has more fields than the header (2 columns)"},
    {"a,b\r\n1,2,\r\n", 0, 2, 5, "row has more fields than the header (2 columns)"},
    {"a,b,a\n", 0, 1, 5, "duplicate column name 'a'"},
    {"id; ten ;\"ten\"\n", 0, 1, 10, "duplicate column name 'ten'"},
    {"a,b\n", '\t', 1, 1, "separator must be ',' or ';'"},
    {"\"x\ny\",\"x\ny\"\n", 0, 2, 4, "duplicate column name 'x y'"}, /* one line */
    /* A header quoted in the message never carries a control byte (fuzz_extract). */
    {"\x17" "a,\x17" "a\n", 0, 1, 4, "duplicate column name 'a'"},
    {"\x1b[31m\x07,\x1b[31m\x07\n", 0, 1, 8, "duplicate column name '[31m'"},
    {"\"h\n\",\"\nh\"\n1,2,3\n", 0, 4, 5, "row has more fields than the header (2 columns)"},
};

/* Every error is reported with its line, column and message. */
static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const BadCase *c = &bad_cases[i];
        CsvError err;
        CsvTable *t = parse_str(c->body, c->sep, &err);
        if (t) {
            csv_free(t);
            fail_msg("case %zu: parsed, want error \"%s\"", i, c->msg);
        }
        if (err.line != c->line || err.col != c->col || strcmp(err.msg, c->msg) != 0)
            fail_msg("case %zu: got %d:%d \"%s\", want %d:%d \"%s\"", i, err.line, err.col, err.msg,
                     c->line, c->col, c->msg);
    }
    CsvError err;
    assert_null(csv_parse(NULL, 0, 0, &err));
    assert_string_equal(err.msg, "empty body: expected a header line");
    /* A NUL byte would cut a cell short: it is refused, quoted or not. */
    static const char nul1[] = "a,b\n1,x\0y\n";
    assert_null(parse_n(nul1, sizeof(nul1) - 1, 0, &err));
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 4);
    assert_string_equal(err.msg, "unexpected NUL byte in a field");
    static const char nul2[] = "a,b\n1,\"x\n\0\"\n";
    assert_null(parse_n(nul2, sizeof(nul2) - 1, 0, &err));
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 1);
}

/* A body cut anywhere never reads past len and either parses or fails. */
static void test_truncated(void **state)
{
    (void)state;
    const char *full = "\xEF\xBB\xBF"
                       "id;\"tên\";v\r\n1;\"a\"\"b;\nc\";48,6\r\n2;x;y\r\n";
    size_t total = strlen(full);
    for (size_t len = 0; len <= total; len++) {
        CsvError err;
        CsvTable *t = parse_n(full, len, 0, &err);
        if (t) {
            for (size_t r = 0; r < csv_rows(t); r++)
                for (size_t c = 0; c < csv_cols(t); c++)
                    assert_non_null(csv_cell(t, r, c));
        } else {
            assert_true(err.line >= 1 && err.col >= 1);
        }
        csv_free(t);
    }
    CsvError err;
    CsvTable *t = parse_n(full, total, 0, &err);
    assert_non_null(t);
    assert_int_equal(csv_rows(t), 2);
    assert_string_equal(csv_cell(t, 0, 1), "a\"b;\nc");
    csv_free(t);
}

/* At most 1024 columns and 1,000,000 rows. */
static void test_limits(void **state)
{
    (void)state;
    char *buf = malloc(8 * 1024 * 1024);
    assert_non_null(buf);
    for (int nc = 1024; nc <= 1025; nc++) {
        size_t p = 0;
        for (int k = 0; k < nc; k++)
            p += (size_t)sprintf(buf + p, "%sc%d", k ? "," : "", k);
        CsvError err;
        CsvTable *t = parse_n(buf, p, 0, &err);
        if (nc == 1024) {
            assert_non_null(t);
            assert_int_equal(csv_cols(t), 1024);
            assert_string_equal(csv_header(t, 1023), "c1023");
        } else {
            assert_null(t);
            assert_int_equal(err.line, 1);
            assert_string_equal(err.msg, "too many columns (at most 1024)");
        }
        csv_free(t);
    }
    size_t p = (size_t)sprintf(buf, "v\n");
    for (int k = 0; k < 1000000; k++) {
        memcpy(buf + p, "7\n", 2);
        p += 2;
    }
    CsvError err;
    CsvTable *t = parse_n(buf, p, 0, &err);
    assert_non_null(t);
    assert_int_equal(csv_rows(t), 1000000);
    assert_string_equal(csv_cell(t, 999999, 0), "7");
    csv_free(t);
    memcpy(buf + p, "8\n", 2);
    t = parse_n(buf, p + 2, 0, &err);
    assert_null(t);
    assert_int_equal(err.line, 1000002);
    assert_string_equal(err.msg, "too many rows (at most 1000000)");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ckan_export),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_semicolon_bom_crlf),
        cmocka_unit_test(test_detect_sep),
        cmocka_unit_test(test_trimming_blank_lines_short_rows),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
