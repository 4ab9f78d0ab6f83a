/* test_strmap.c - the string-keyed hash map: inserts, duplicates, lookups by
 * a prefix of a longer string, growth to many keys, and the empty map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/strmap.h"

/* An empty map finds nothing and frees cleanly. */
static void test_empty(void **state)
{
    (void)state;
    StrMap m = {0};
    assert_null(strmap_get(&m, "a", 1));
    assert_false(strmap_has(&m, "", 0));
    strmap_done(&m);
    strmap_done(&m); /* twice is fine */
}

/* A key is added once; a second put keeps the first value and reports it. */
static void test_put_get_duplicate(void **state)
{
    (void)state;
    StrMap m = {0};
    int one = 1, two = 2;
    assert_int_equal(strmap_put(&m, "dvc", 3, &one, NULL), 1);
    assert_int_equal(strmap_put(&m, "dvc2", 4, &two, NULL), 1);
    void *old = NULL;
    assert_int_equal(strmap_put(&m, "dvc", 3, &two, &old), 0);
    assert_ptr_equal(old, &one);
    assert_ptr_equal(strmap_get(&m, "dvc", 3), &one);
    assert_ptr_equal(strmap_get(&m, "dvc2", 4), &two);
    assert_null(strmap_get(&m, "dv", 2));
    assert_int_equal(m.len, 2);
    /* The empty key and a NULL value are ordinary entries. */
    assert_int_equal(strmap_put(&m, "", 0, NULL, NULL), 1);
    assert_true(strmap_has(&m, "", 0));
    assert_null(strmap_get(&m, "", 0));
    strmap_done(&m);
}

/* Keys are byte ranges: a feed id is looked up as the part of "feed.kpi"
 * before the dot, and keys may hold NUL bytes. */
static void test_lengths(void **state)
{
    (void)state;
    StrMap m = {0};
    int v = 7;
    assert_int_equal(strmap_put(&m, "dvc", 3, &v, NULL), 1);
    const char *key = "dvc.online_rate";
    assert_ptr_equal(strmap_get(&m, key, (size_t)(strchr(key, '.') - key)), &v);
    assert_null(strmap_get(&m, key, strlen(key)));
    assert_int_equal(strmap_put(&m, "a\0b", 3, &v, NULL), 1);
    assert_false(strmap_has(&m, "a\0c", 3));
    assert_true(strmap_has(&m, "a\0b", 3));
    strmap_done(&m);
}

/* 100,000 keys: all found with their values after the table grew. */
static void test_many(void **state)
{
    (void)state;
    enum { N = 100000 };
    char(*keys)[16] = malloc(N * sizeof *keys);
    assert_non_null(keys);
    StrMap m = {0};
    for (size_t i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "f%zu", i);
        assert_int_equal(strmap_put(&m, keys[i], strlen(keys[i]), keys[i], NULL), 1);
    }
    assert_int_equal(m.len, N);
    assert_true(m.cap >= 2 * N);
    for (size_t i = 0; i < N; i++)
        assert_ptr_equal(strmap_get(&m, keys[i], strlen(keys[i])), keys[i]);
    assert_null(strmap_get(&m, "f100000", 7));
    assert_int_equal(strmap_put(&m, "f99999", 6, NULL, NULL), 0);
    strmap_done(&m);
    free(keys);
}

/* Runs the strmap tests. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_put_get_duplicate),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
