/* test_diag.c - diagnostics list: formatting, counting, ordering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/diag.h"

/* Prints d into a string (caller frees). */
static char *print_to_string(const Diag *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    diag_print(d, f);
    fclose(f);
    return buf;
}

static void test_format_and_counts(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    diag_add(&d, DIAG_ERROR, "ioc.yaml", 12, 5, "unknown key '%s'", "intervall");
    diag_add(&d, DIAG_WARNING, "ioc.yaml", 3, 1, "insecure: true");
    diag_add(&d, DIAG_ERROR, "ioc.yaml", 0, 0, "cannot read");
    diag_add(&d, DIAG_ERROR, NULL, 0, 0, "no file");
    assert_int_equal(d.n, 4);
    assert_int_equal(d.errors, 3);
    assert_int_equal(d.warnings, 1);
    char *s = print_to_string(&d);
    assert_string_equal(s, "ioc.yaml:12:5: error: unknown key 'intervall'\n"
                           "ioc.yaml:3:1: warning: insecure: true\n"
                           "ioc.yaml: error: cannot read\n"
                           "error: no file\n");
    free(s);
    diag_done(&d);
    assert_int_equal(d.n, 0);
}

static void test_sort_is_stable_by_position(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    diag_add(&d, DIAG_ERROR, "b.yaml", 1, 1, "b1");
    diag_add(&d, DIAG_ERROR, "a.yaml", 9, 2, "a9");
    diag_add(&d, DIAG_ERROR, "a.yaml", 2, 7, "a2-7");
    diag_add(&d, DIAG_ERROR, "a.yaml", 2, 3, "a2-3 first");
    diag_add(&d, DIAG_ERROR, "a.yaml", 2, 3, "a2-3 second");
    diag_sort(&d);
    const char *want[] = {"a2-3 first", "a2-3 second", "a2-7", "a9", "b1"};
    for (size_t i = 0; i < 5; i++) assert_string_equal(d.items[i].msg, want[i]);
    diag_done(&d);
}

static void test_long_message_truncated_not_overflowing(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    char big[4000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    for (int i = 0; i < 100; i++) diag_add(&d, DIAG_ERROR, "f", i + 1, 1, "%s", big);
    assert_int_equal(d.n, 100);
    assert_true(strlen(d.items[99].msg) < sizeof(big));
    assert_true(strlen(d.items[99].msg) > 500);
    diag_done(&d);
}

/* Config text quoted in a message (YAML can escape anything) never puts a
 * control character on the terminal: escapes stay visible, UTF-8 is kept. */
static void test_controls_escaped(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    diag_add(&d, DIAG_ERROR, "a\x1b[2J.yaml", 2, 3, "unknown key '%s'", "x\x1b]0;pwned\x07y");
    diag_add(&d, DIAG_ERROR, "a.yaml", 4, 1, "duplicate id '%s'", "a\nb\rc\td\x7f");
    diag_add(&d, DIAG_WARNING, "a.yaml", 5, 1, "name '%s'", "H\xe1\xba\xa3i D\xc6\xb0\xc6\xa1ng");
    char *s = print_to_string(&d);
    assert_string_equal(s, "a\\u001b[2J.yaml:2:3: error: unknown key 'x\\u001b]0;pwned\\u0007y'\n"
                           "a.yaml:4:1: error: duplicate id 'a\\nb\\rc\\td\\u007f'\n"
                           "a.yaml:5:1: warning: name 'H\xe1\xba\xa3i D\xc6\xb0\xc6\xa1ng'\n");
    free(s);
    char line[256];
    diag_format(&d.items[1], line, sizeof(line));
    assert_string_equal(line, "a.yaml:4:1: duplicate id 'a\\nb\\rc\\td\\u007f'");
    diag_done(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_and_counts),
        cmocka_unit_test(test_sort_is_stable_by_position),
        cmocka_unit_test(test_long_message_truncated_not_overflowing),
        cmocka_unit_test(test_controls_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
