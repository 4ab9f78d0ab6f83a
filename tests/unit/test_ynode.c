/* test_ynode.c - YAML node tree: structure, positions, rejected constructs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse/ynode.h"

/* Parses text; returns the tree (NULL on error) and leaves messages in d. */
static YNode *parse(const char *text, Diag *d)
{
    diag_init(d);
    return ynode_parse(text, strlen(text), "t.yaml", d);
}

static void test_tree_and_positions(void **state)
{
    (void)state;
    Diag d;
    YNode *root = parse("ioc:\n"
                        "  name: \"IOC Hải Dương\"\n"
                        "feeds:\n"
                        "  - id: dvc\n"
                        "    interval: 15s\n"
                        "  - { id: yte, tags: [a, b] }\n"
                        "empty:\n",
                        &d);
    assert_non_null(root);
    assert_int_equal(d.n, 0);
    assert_int_equal(root->kind, YNODE_MAP);
    assert_int_equal(root->n, 3);

    const YNode *name = ynode_get(ynode_get(root, "ioc"), "name");
    assert_non_null(name);
    assert_string_equal(name->str, "IOC Hải Dương");
    assert_false(name->plain);
    assert_int_equal(name->line, 2);
    assert_int_equal(name->col, 9);

    const YNode *feeds = ynode_get(root, "feeds");
    assert_int_equal(feeds->kind, YNODE_SEQ);
    assert_int_equal(feeds->n, 2);
    const YNode *iv = ynode_get(feeds->items[0], "interval");
    assert_string_equal(iv->str, "15s");
    assert_true(iv->plain);
    assert_int_equal(iv->line, 5);
    assert_int_equal(iv->col, 15);
    const YNode *tags = ynode_get(feeds->items[1], "tags");
    assert_int_equal(tags->kind, YNODE_SEQ);
    assert_string_equal(tags->items[1]->str, "b");
    assert_int_equal(feeds->items[1]->line, 6);

    assert_true(ynode_is_null(ynode_get(root, "empty")));
    assert_false(ynode_is_null(name));
    assert_null(ynode_get(root, "missing"));
    assert_null(ynode_get(feeds, "id")); /* not a map */
    ynode_free(root);
    diag_done(&d);
}

/* One rejected document: the expected line, column and message part. */
typedef struct {
    const char *text;
    int line, col;
    const char *msg;
} BadCase;

static void test_rejected_documents(void **state)
{
    (void)state;
    static const BadCase cases[] = {
        {"a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first given at line 1)"},
        {"base: &b {x: 1}\n", 1, 7, "anchors"},
        {"base: &b {x: 1}\n", 1, 7, "give it a for_each list"},
        {"a: [&x 1]\n", 1, 5, "for_each"},
        {"feeds:\n  - <<: {interval: 5s}\n    id: a\n", 2, 5,
         "YAML merge keys (<<) are not supported: to repeat a feed or a panel for several items, "
         "give it a for_each list"},
        {"a: [1, 2\n", 2, 1, "did not find expected"},
        {"a: 1\n---\nb: 2\n", 2, 1, "only one YAML document"},
        {"", 1, 1, "the document is empty"},
        {"? [a, b]\n: 1\n", 1, 3, "mapping key must be a plain value"},
        {"a:\n\t- b\n", 2, 1, "tab"},
        /* the offending byte, not 1:1; columns count characters */
        {"a: 1\nb: x\x01y\n", 2, 5, "control characters are not allowed (byte 0x01)"},
        {"a: 1\r\nb: \"H\xe1\xba\xa3\x1b\"\n", 2, 7,
         "control characters are not allowed (byte 0x1b)"},
        {"a: 1\nb: \x7f\n", 2, 4, "control characters"},
        /* explicit tags */
        {"a: !!binary aGVsbG8=\n", 1, 4,
         "YAML tags ('tag:yaml.org,2002:binary') are not supported"},
        {"a:\n  b: !!python/object:os.system [ls]\n", 2, 6, "YAML tags"},
        {"!foo {a: 1}\n", 1, 1, "YAML tags ('!foo')"},
        {"a: !!str 1\n", 1, 4, "YAML tags"},
        {"a: ! x\n", 1, 4, "YAML tags"},
        {"a: !!map {b: 1}\n", 1, 4, "YAML tags"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Diag d;
        YNode *root = parse(cases[i].text, &d);
        assert_null(root);
        assert_true(d.errors >= 1);
        if (!strstr(d.items[0].msg, cases[i].msg) || d.items[0].line != cases[i].line ||
            d.items[0].col != cases[i].col) {
            fail_msg("case %zu: got %d:%d %s", i, d.items[0].line, d.items[0].col, d.items[0].msg);
        }
        diag_done(&d);
    }
}

static void test_alias_rejected(void **state)
{
    (void)state;
    Diag d;
    YNode *root = parse("a: 1\nb: *x\n", &d);
    assert_null(root);
    assert_true(d.errors >= 1);
    assert_non_null(strstr(d.items[0].msg, "for_each"));
    diag_done(&d);
    root = parse("d: {x: 1}\ne:\n  <<: *d\n", &d); /* one error, at the merge key */
    assert_null(root);
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.items[0].line, 3);
    assert_non_null(strstr(d.items[0].msg, "merge keys"));
    diag_done(&d);
}

static void test_deep_nesting_bounded(void **state)
{
    (void)state;
    char buf[512];
    size_t n = 0;
    for (int i = 0; i < 200; i++)
        buf[n++] = '[';
    buf[n] = '\0';
    Diag d;
    YNode *root = parse(buf, &d);
    assert_null(root);
    assert_non_null(strstr(d.items[0].msg, "nesting is too deep"));
    diag_done(&d);
}

/* Scalars come out in NFC: a name typed with combining marks equals the
 * composed one; a scalar with a NUL byte is kept as it is. */
static void test_scalars_nfc(void **state)
{
    (void)state;
    Diag d;
    diag_init(&d);
    /* "Hải" as H a + combining hook above (U+0309) + i, and as H ả i */
    YNode *root = parse("a: \"Ha\xCC\x89i\"\nb: \"x\\0y\"\n", &d);
    assert_non_null(root);
    const YNode *a = ynode_get(root, "a");
    assert_string_equal(a->str, "H\xE1\xBA\xA3i");
    assert_int_equal(a->len, 5);
    const YNode *b = ynode_get(root, "b");
    assert_int_equal(b->len, 3);
    ynode_free(root);
    diag_done(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_and_positions), cmocka_unit_test(test_rejected_documents),
        cmocka_unit_test(test_alias_rejected),     cmocka_unit_test(test_deep_nesting_bounded),
        cmocka_unit_test(test_scalars_nfc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
