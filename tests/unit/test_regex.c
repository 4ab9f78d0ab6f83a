/* test_regex.c - regular expressions on PCRE2 (parse/regex.h): RE2 syntax
 * for Prometheus matchers, I-Regexp (RFC 9485) for JSONPath, and the limits
 * that keep a hostile pattern from stalling the loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "parse/regex.h"

typedef struct {
    RxDialect d;
    const char *pat;
    const char *subject;
    int want; /* RX_MATCH, RX_NOMATCH; -2: the pattern is refused */
} RxCase;

static const RxCase cases[] = {
    /* RE2, fully anchored as Prometheus anchors it. */
    {RX_RE2, "\\d+", "12", RX_MATCH},
    {RX_RE2, "\\d+", "12a", RX_NOMATCH},
    {RX_RE2, "\\d+", "١٢", RX_NOMATCH}, /* \d is ASCII in RE2 */
    {RX_RE2, "\\p{Nd}+", "١٢", RX_MATCH},
    {RX_RE2, "(?i)idle", "IDLE", RX_MATCH},
    {RX_RE2, "(?i)đà nẵng", "ĐÀ NẴNG", RX_MATCH},
    {RX_RE2, "(?i:a)b", "Ab", RX_MATCH},
    {RX_RE2, "(?i:a)b", "AB", RX_NOMATCH},
    {RX_RE2, "a|b", "ab", RX_NOMATCH},
    {RX_RE2, "a.c", "a\nc", RX_NOMATCH},
    {RX_RE2, "(?s)a.c", "a\nc", RX_MATCH},
    {RX_RE2, "a$", "a\n", RX_NOMATCH},
    {RX_RE2, "H.N.i", "Hà Nội", RX_NOMATCH},
    {RX_RE2, "H. N.i", "Hà Nội", RX_MATCH}, /* a dot is one character, not one byte */
    {RX_RE2, "x*?", "xx", RX_MATCH},
    {RX_RE2, "\\Qa.b\\E", "a.b", RX_MATCH},
    {RX_RE2, "\\Qa.b\\E", "axb", RX_NOMATCH},
    {RX_RE2, "[[:digit:]]{2,3}", "123", RX_MATCH},
    {RX_RE2, "\\101", "A", RX_MATCH}, /* octal, not a backreference */
    {RX_RE2, "a{2}{3}", "", -2},
    {RX_RE2, "a++", "", -2},
    {RX_RE2, "(a)\\1", "", -2},
    {RX_RE2, "(?=a)", "", -2},
    {RX_RE2, "(?x)a b", "", -2},
    {RX_RE2, "\\g1", "", -2},
    {RX_RE2, "\\Z", "", -2},
    {RX_RE2, "[\\K]", "", -2},
    {RX_RE2, "a{1,1001}", "", -2},
    {RX_RE2, "a)|(b", "", -2},
    {RX_RE2, "(", "", -2},
    /* I-Regexp: match() is anchored, search() is not; '.' is not CR or LF. */
    {RX_IREGEXP_MATCH, "b+", "bb", RX_MATCH},
    {RX_IREGEXP_MATCH, "b+", "abb", RX_NOMATCH},
    {RX_IREGEXP_SEARCH, "b+", "abb", RX_MATCH},
    {RX_IREGEXP_MATCH, "a.b", "a\rb", RX_NOMATCH},
    {RX_IREGEXP_MATCH, "a.b", "a\nb", RX_NOMATCH},
    {RX_IREGEXP_MATCH, "a.b", "aéb", RX_MATCH},
    {RX_IREGEXP_MATCH, "[^a]", "\n", RX_MATCH},
    {RX_IREGEXP_MATCH, "\\p{Lu}\\p{Ll}+", "Đà", RX_MATCH},
    {RX_IREGEXP_MATCH, "\\P{L}+", "12", RX_MATCH},
    {RX_IREGEXP_MATCH, "[\\p{Nd}x]+", "١x2", RX_MATCH},
    {RX_IREGEXP_MATCH, "\\p{Lt}", "ǅ", RX_MATCH},
    {RX_IREGEXP_MATCH, "\\p{Sc}", "₫", RX_MATCH},
    {RX_IREGEXP_MATCH, "[a-]+", "a-", RX_MATCH},
    {RX_IREGEXP_MATCH, "[ά-ώ]+", "έλα", RX_MATCH},
    {RX_IREGEXP_SEARCH, "^a", "ba", RX_NOMATCH},
    {RX_IREGEXP_SEARCH, "a$", "ab", RX_NOMATCH},
    {RX_IREGEXP_MATCH, "x{2,3}", "xxx", RX_MATCH},
    {RX_IREGEXP_MATCH, "\\d", "1", -2}, /* not I-Regexp */
    {RX_IREGEXP_MATCH, "(?i)a", "a", -2},
    {RX_IREGEXP_MATCH, "a{2}{3}", "", -2},
    {RX_IREGEXP_MATCH, "a*?", "", -2},
    {RX_IREGEXP_MATCH, "\\p{Xx}", "", -2},
    {RX_IREGEXP_MATCH, "\\p{IsGreek}", "", -2},
    {RX_IREGEXP_MATCH, "[z-a]", "", -2},
    {RX_IREGEXP_MATCH, "[]", "", -2},
    {RX_IREGEXP_MATCH, "[a-b-c]", "", -2},
    {RX_IREGEXP_MATCH, "\\$", "", -2},
    {RX_IREGEXP_MATCH, "a{3,2}", "", -2},
    {RX_IREGEXP_MATCH, "(a", "", -2},
    {RX_IREGEXP_MATCH, "a)", "", -2},
    {RX_IREGEXP_MATCH, "\xed\xa0\x80", "", -2}, /* a surrogate */
};

/* Every case compiles (or is refused) and matches as listed. */
static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const RxCase *c = &cases[i];
        char err[160];
        bool oom = true;
        Regex *rx = rx_compile(c->pat, strlen(c->pat), c->d, err, sizeof(err), &oom);
        assert_false(oom);
        if (c->want == -2) {
            if (rx) fail_msg("case %zu /%s/: compiled, want refused", i, c->pat);
            if (!err[0]) fail_msg("case %zu /%s/: refused without a reason", i, c->pat);
            continue;
        }
        if (!rx) fail_msg("case %zu /%s/: %s", i, c->pat, err);
        int got = rx_match(rx, c->subject, strlen(c->subject));
        if (got != c->want)
            fail_msg("case %zu /%s/ on \"%s\": %d, want %d", i, c->pat, c->subject, got, c->want);
        if (c->d != RX_RE2) assert_true(rx_iregexp_valid(c->pat, strlen(c->pat)));
        rx_free(rx);
    }
}

/* RE2's own words for what it refuses. */
static void test_re2_messages(void **state)
{
    (void)state;
    char err[160];
    assert_null(rx_compile("a**", 3, RX_RE2, err, sizeof(err), NULL));
    assert_string_equal(err, "invalid nested repetition operator: **");
    assert_null(rx_compile("x(?<=a)", 7, RX_RE2, err, sizeof(err), NULL));
    assert_string_equal(err, "invalid or unsupported Perl syntax: (?<");
    assert_null(rx_compile("a{5000}", 7, RX_RE2, err, sizeof(err), NULL));
    assert_string_equal(err, "invalid repeat count: {5000}");
    /* A refusal at the very end quotes no byte past it (fuzz_regex). */
    char tail[2] = {'(', '?'};
    assert_null(rx_compile(tail, 2, RX_RE2, err, sizeof(err), NULL));
    assert_string_equal(err, "invalid or unsupported Perl syntax: (?");
    assert_null(rx_compile("\\", 1, RX_RE2, err, sizeof(err), NULL));
    assert_string_equal(err, "trailing backslash at end of expression");
}

/* Catastrophic backtracking stops at the match limit, quickly, and says so. */
static void test_match_limit(void **state)
{
    (void)state;
    char err[160];
    const char *pats[] = {"(a|aa)*c", "(a*)*b", "(?:a+)+$x"};
    char subject[64];
    memset(subject, 'a', 60);
    subject[60] = '\0';
    for (size_t i = 0; i < 3; i++) {
        Regex *rx = rx_compile(pats[i], strlen(pats[i]), RX_RE2, err, sizeof(err), NULL);
        if (!rx) fail_msg("/%s/: %s", pats[i], err);
        clock_t t0 = clock();
        int got = rx_match(rx, subject, 60);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        if (got == RX_MATCH) fail_msg("/%s/ matched", pats[i]);
        if (secs > 2.0) fail_msg("/%s/: %.2f s", pats[i], secs);
        rx_free(rx);
    }
    /* These must hit the limit (PCRE2 optimises some of those above). */
    subject[40] = 'c';
    Regex *rx = rx_compile("(a|a?)+", 7, RX_RE2, err, sizeof(err), NULL);
    assert_non_null(rx);
    assert_int_equal(rx_match(rx, subject, 41), RX_LIMIT);
    rx_free(rx);
    rx = rx_compile("(.*a){20}", 9, RX_IREGEXP_SEARCH, err, sizeof(err), NULL);
    assert_non_null(rx);
    assert_int_equal(rx_match(rx, subject, 41), RX_LIMIT);
    rx_free(rx);
}

/* Patterns too long, too deep or too large once compiled are refused. */
static void test_size_caps(void **state)
{
    (void)state;
    char err[160];
    size_t n = RX_MAX_PATTERN + 1;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'a', n);
    big[n] = '\0';
    assert_null(rx_compile(big, n, RX_RE2, err, sizeof(err), NULL));
    assert_string_equal(err, "regular expression too long (over 64 KiB)");
    free(big);
    char deep[300] = "";
    for (int i = 0; i < 100; i++)
        strcat(deep, "(");
    strcat(deep, "a");
    for (int i = 0; i < 100; i++)
        strcat(deep, ")");
    assert_null(rx_compile(deep, strlen(deep), RX_RE2, err, sizeof(err), NULL));
    assert_null(rx_compile(deep, strlen(deep), RX_IREGEXP_MATCH, err, sizeof(err), NULL));
    const char *wide = "((((a{1000}){1000}){1000}){1000})";
    assert_null(rx_compile(wide, strlen(wide), RX_RE2, err, sizeof(err), NULL));
    assert_null(rx_compile(wide, strlen(wide), RX_IREGEXP_MATCH, err, sizeof(err), NULL));
}

/* A subject that is not valid UTF-8 never matches, and is no error. */
static void test_invalid_utf8_subject(void **state)
{
    (void)state;
    char err[160];
    Regex *rx = rx_compile(".*", 2, RX_RE2, err, sizeof(err), NULL);
    assert_non_null(rx);
    assert_int_equal(rx_match(rx, "ab", 2), RX_MATCH);
    assert_int_equal(rx_match(rx, "a\xff", 2), RX_NOMATCH);
    rx_free(rx);
    rx = rx_compile("a", 1, RX_IREGEXP_SEARCH, err, sizeof(err), NULL);
    assert_non_null(rx);
    assert_int_equal(rx_match(rx,
                              "\xff\xfe"
                              "a",
                              3),
                     RX_NOMATCH);
    assert_int_equal(rx_match(rx, "xa", 2), RX_MATCH);
    rx_free(rx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_re2_messages),
        cmocka_unit_test(test_match_limit),
        cmocka_unit_test(test_size_caps),
        cmocka_unit_test(test_invalid_utf8_subject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
