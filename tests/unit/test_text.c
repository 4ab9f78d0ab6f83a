/* test_text.c - sanitising, display width and fitting of terminal text
 * (widgets/text.c), under C.UTF-8 and under the "C" fallback. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "base/text.h"

#define ELL  "\xE2\x80\xA6" /* … */
#define FFFD "\xEF\xBF\xBD"

/* Vietnamese names, precomposed (NFC) and decomposed (NFD). */
#define HAI_DUONG_NFC "H\xE1\xBA\xA3i D\xC6\xB0\xC6\xA1ng"    /* Hải Dương */
#define HAI_DUONG_NFD "Ha\xCC\x89i Du\xCC\x9Bo\xCC\x9Bng"     /* a+hook, u+horn, o+horn */
#define PHAM_NFC      "Ph\xE1\xBA\xA1m Ng\xC5\xA9 L\xC3\xA3o" /* Phạm Ngũ Lão */
#define PHAM_NFD      "Pha\xCC\xA3m Ngu\xCC\x83 La\xCC\x83o"  /* a+dot, u+tilde, a+tilde */
#define HUE_NFD       "Hue\xCC\x82\xCC\x81"                   /* Huế: e + circumflex + acute */
#define KANJI         "\xE6\xBC\xA2\xE5\xAD\x97"              /* 漢字 */

/* True when s is valid in the current (UTF-8) locale. */
static bool valid_mb(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    const char *p = s;
    return mbsrtowcs(NULL, &p, 0, &st) != (size_t)-1;
}

/* True when the UTF-8 character starting at s is a combining mark of the
 * test strings (U+0300-U+036F, 2 bytes CC xx / CD xx). */
static bool starts_with_mark(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    return c == 0xCC || (c == 0xCD && (unsigned char)s[1] <= 0xAF);
}

typedef struct {
    const char *in;
    size_t len; /* 0: strlen */
    const char *want;
} SanCase;

static const SanCase san_cases[] = {
    {"plain text", 0, "plain text"},
    {HAI_DUONG_NFC " / " PHAM_NFD, 0, HAI_DUONG_NFC " / " PHAM_NFD},
    /* ESC [ 31 m: the ESC goes, so the rest is harmless text */
    {"\x1B[31mred\x1B[0m", 0, "[31mred[0m"},
    {"\x1B]0;title\x07x", 0, "]0;titlex"},
    /* C1 CSI U+009B written as UTF-8, and other C1 controls */
    {"a\xC2\x9B"
     "31mb",
     0, "a31mb"},
    {"\xC2\x80\xC2\x9F"
     "x",
     0, "x"},
    /* a bare 0x9B byte is not UTF-8: replaced, never passed through */
    {"a\x9B"
     "31m",
     0, "a" FFFD "31m"},
    /* bidi embeddings, overrides and isolates */
    {"abc\xE2\x80\xAE"
     "fed",
     0, "abcfed"},
    {"\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD"
     "x",
     0, "x"},
    {"\xE2\x81\xA6"
     "x"
     "\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9",
     0, "x"},
    /* whitespace controls become spaces, others vanish */
    {"a\tb\nc\r\nd", 0, "a b c  d"},
    {"a\vb\fc", 0, "a b c"},
    {"x\xE2\x80\xA8y\xE2\x80\xA9z", 0, "x y z"},
    {"a\x01\x7F"
     "b\x1F",
     0, "ab"},
    {"a\0b", 3, "ab"},
    /* invalid UTF-8: one U+FFFD per maximal ill-formed subpart */
    {"a\xFF"
     "b",
     0, "a" FFFD "b"},
    {"end\xC3", 0, "end" FFFD},
    {"\xE1\x80"
     "a",
     0, FFFD "a"},
    {"\xC0\xAF", 0, FFFD FFFD},                   /* overlong '/' */
    {"\xE0\x80\xAF", 0, FFFD FFFD FFFD},          /* overlong */
    {"\xED\xA0\x80", 0, FFFD FFFD FFFD},          /* surrogate D800 */
    {"\xF4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD}, /* > U+10FFFF */
    {"\xF0\x9F\x98\x80", 0, "\xF0\x9F\x98\x80"},  /* U+1F600 is fine */
    {"\xEF\xBF\xBD", 0, FFFD},
    {"", 0, ""},
};

static void test_sanitize_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof san_cases / sizeof san_cases[0]; i++) {
        const SanCase *c = &san_cases[i];
        size_t len = c->len ? c->len : strlen(c->in);
        char out[128];
        size_t n = text_sanitize_n(c->in, len, out, sizeof out);
        if (strcmp(out, c->want) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, c->want);
        assert_int_equal(n, strlen(c->want));
        assert_true(valid_mb(out));
        if (!c->len) {
            text_sanitize(c->in, out, sizeof out);
            assert_string_equal(out, c->want);
        }
    }
    char out[8];
    assert_int_equal(text_sanitize(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
}

/* Escaping shows every control instead of dropping it; UTF-8 is kept. */
static void test_escape_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        unsigned flags;
        const char *want;
    } cases[] = {
        {"plain", 0, "plain"},
        {"a\nb\rc\td", 0, "a\\nb\\rc\\td"},
        {"\x1B]0;x\x07", 0, "\\u001b]0;x\\u0007"},
        {"del\x7F c1\xC2\x85", 0, "del\\u007f c1\\u0085"},
        {"bidi\xE2\x80\xAE", 0, "bidi\\u202e"},
        {HAI_DUONG_NFC, 0, HAI_DUONG_NFC},
        {"bad\xFF", 0, "bad" FFFD},
        {"q\"b\\", 0, "q\"b\\"},
        {"q\"b\\", TEXT_ESCAPE_QUOTES, "q\\\"b\\\\"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        size_t n = text_escape_n(cases[i].in, strlen(cases[i].in), cases[i].flags, out, sizeof out);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, cases[i].want);
        assert_int_equal(n, strlen(cases[i].want));
    }
    /* an escape that does not fit is left out whole */
    char small[5];
    assert_int_equal(text_escape_n("ab\x1B", 3, 0, small, sizeof small), 2);
    assert_string_equal(small, "ab");
    /* the NUL byte inside the length is a control too */
    char nul[16];
    text_escape_n("a\0b", 3, 0, nul, sizeof nul);
    assert_string_equal(nul, "a\\u0000b");
}

/* A small buffer cuts before a character, never inside one. */
static void test_sanitize_bounded(void **state)
{
    (void)state;
    const char *in = "H\xE1\xBA\xA3i\x1B[0m " KANJI "\xFF!";
    char full[64];
    size_t full_n = text_sanitize(in, full, sizeof full);
    for (size_t sz = 1; sz <= full_n + 1; sz++) {
        char out[64];
        memset(out, 'Z', sizeof out);
        size_t n = text_sanitize(in, out, sz);
        assert_true(n < sz);
        assert_int_equal(strlen(out), n);
        assert_true(valid_mb(out));
        assert_memory_equal(out, full, n); /* a prefix of the full result */
        assert_int_equal(out[sz], 'Z');    /* nothing past the buffer */
    }
    /* "H" fits in 3 bytes, "ả" (3 bytes) does not */
    char three[3];
    assert_int_equal(text_sanitize("H\xE1\xBA\xA3i", three, sizeof three), 1);
    assert_string_equal(three, "H");
    /* outsz 0 writes nothing */
    char z = 'Z';
    assert_int_equal(text_sanitize("abc", &z, 0), 0);
    assert_int_equal(z, 'Z');
}

static void test_sanitize_dup(void **state)
{
    (void)state;
    char *s = text_sanitize_dup("\x1B[2J" HAI_DUONG_NFC "\xFF", 1024);
    assert_non_null(s);
    assert_string_equal(s, "[2J" HAI_DUONG_NFC FFFD);
    free(s);
    s = text_sanitize_dup("\xFF\xFF\xFF", 1024); /* grows 3x */
    assert_non_null(s);
    assert_string_equal(s, FFFD FFFD FFFD);
    free(s);
    s = text_sanitize_dup(HAI_DUONG_NFC, 4); /* "H" + "ả" = 4 bytes */
    assert_non_null(s);
    assert_string_equal(s, "H\xE1\xBA\xA3");
    free(s);
    s = text_sanitize_dup(NULL, 10);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

typedef struct {
    const char *s;
    int width;
} WidthCase;

static const WidthCase width_cases[] = {
    {"", 0},
    {"abc", 3},
    {HAI_DUONG_NFC, 9},
    {HAI_DUONG_NFD, 9},
    {PHAM_NFC, 12},
    {PHAM_NFD, 12},
    {HUE_NFD, 3},
    {"Hu\xE1\xBA\xBF", 3}, /* Huế precomposed */
    {KANJI, 4},
    {"a" KANJI "b", 6},
    {"\xCC\x81", 0}, /* a lone combining acute */
    {"a\x1B"
     "b",
     2},                 /* ESC is not printable: 0 */
    {"\xE2\x80\x8B", 0}, /* zero width space */
    {ELL, 1},
    {"\xFF"
     "a",
     2}, /* an invalid byte counts one column */
};

static void test_width(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof width_cases / sizeof width_cases[0]; i++) {
        int w = text_width(width_cases[i].s);
        if (w != width_cases[i].width)
            fail_msg("case %zu \"%s\": width %d, want %d", i, width_cases[i].s, w,
                     width_cases[i].width);
    }
    assert_int_equal(text_width(NULL), 0);
    assert_int_equal(text_width_n(HAI_DUONG_NFD, 4), 2); /* "Ha" + hook */
    assert_int_equal(text_width_n("a\0b", 3), 2);
}

typedef struct {
    const char *s;
    int cols;
    const char *prefix; /* what text_fit keeps */
    int width;
} FitCase;

static const FitCase fit_cases[] = {
    {"abc", 5, "abc", 3},
    {"abc", 2, "ab", 2},
    {"abc", 0, "", 0},
    {"abc", -3, "", 0},
    {HAI_DUONG_NFD, 2, "Ha\xCC\x89", 2}, /* the hook stays with its a */
    {HAI_DUONG_NFD, 1, "H", 1},
    {HUE_NFD, 3, HUE_NFD, 3}, /* two marks after e */
    {HUE_NFD, 2, "Hu", 2},
    {PHAM_NFD, 3, "Pha\xCC\xA3", 3},
    {KANJI, 3, "\xE6\xBC\xA2", 2}, /* a wide char is not split */
    {KANJI, 1, "", 0},
    {"\xCC\x81"
     "a",
     1,
     "\xCC\x81"
     "a",
     1}, /* a leading mark goes with what follows */
};

static void test_fit(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fit_cases / sizeof fit_cases[0]; i++) {
        const FitCase *c = &fit_cases[i];
        int w = -1;
        size_t n = text_fit(c->s, c->cols, &w);
        if (n != strlen(c->prefix) || memcmp(c->s, c->prefix, n) != 0 || w != c->width)
            fail_msg("case %zu: kept %zu bytes width %d, want \"%s\" width %d", i, n, w, c->prefix,
                     c->width);
    }
    assert_int_equal(text_fit(NULL, 4, NULL), 0);
}

/* Truncating at every width from 0 to past the end: valid UTF-8, within the
 * width, the input itself when it fits, otherwise the longest prefix that
 * does not strand a combining mark, then "…". */
static void test_truncate_every_width(void **state)
{
    (void)state;
    const char *inputs[] = {HAI_DUONG_NFC, HAI_DUONG_NFD,       PHAM_NFC,     PHAM_NFD,
                            HUE_NFD,       "a" KANJI "b" KANJI, "plain ascii"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        const char *in = inputs[i];
        int total = text_width(in);
        for (int cols = 0; cols <= total + 2; cols++) {
            char out[128];
            int w = text_truncate(in, cols, out, sizeof out);
            assert_true(valid_mb(out));
            assert_int_equal(w, text_width(out));
            assert_true(w <= cols);
            if (total <= cols) {
                assert_string_equal(out, in);
                continue;
            }
            if (cols == 0) {
                assert_string_equal(out, "");
                continue;
            }
            size_t len = strlen(out);
            assert_true(len >= 3);
            assert_string_equal(out + len - 3, ELL);
            size_t pre = len - 3;
            assert_memory_equal(out, in, pre);
            assert_false(starts_with_mark(in + pre)); /* no stranded mark */
            /* maximal: the prefix is what text_fit gives for cols - 1 */
            assert_int_equal(text_fit(in, cols - 1, NULL), pre);
        }
    }
}

typedef struct {
    const char *s;
    int cols;
    TextAlign align;
    const char *want;
} PadCase;

static const PadCase pad_cases[] = {
    {"ab", 5, TEXT_LEFT, "ab   "},
    {"ab", 5, TEXT_RIGHT, "   ab"},
    {HAI_DUONG_NFD, 11, TEXT_LEFT, HAI_DUONG_NFD "  "},
    {HAI_DUONG_NFC, 11, TEXT_RIGHT, "  " HAI_DUONG_NFC},
    {HAI_DUONG_NFC, 5, TEXT_LEFT, "H\xE1\xBA\xA3i " ELL}, /* "Hải …" */
    {HAI_DUONG_NFD, 3, TEXT_LEFT, "Ha\xCC\x89" ELL},      /* "Hả…", the hook kept */
    {KANJI, 3, TEXT_LEFT, "\xE6\xBC\xA2" ELL},
    {KANJI, 2, TEXT_LEFT, ELL " "},
    {KANJI, 2, TEXT_RIGHT, " " ELL},
    {"1,234", 8, TEXT_RIGHT, "   1,234"},
    {"", 3, TEXT_LEFT, "   "},
    {"abc", 0, TEXT_LEFT, ""},
};

static void test_pad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pad_cases / sizeof pad_cases[0]; i++) {
        const PadCase *c = &pad_cases[i];
        char out[128];
        int w = text_pad(c->s, c->cols, c->align, out, sizeof out);
        if (strcmp(out, c->want) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, c->want);
        assert_int_equal(w, c->cols);
        assert_int_equal(text_width(out), c->cols);
    }
}

/* Cutting decomposed text keeps every mark with its letter. */
static void test_pad_cut_keeps_marks(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(text_pad(PHAM_NFD, 4, TEXT_LEFT, out, sizeof out), 4);
    assert_string_equal(out, "Pha\xCC\xA3" ELL); /* "Phạ…" */
    assert_int_equal(text_truncate(HUE_NFD, 2, out, sizeof out), 2);
    assert_string_equal(out, "H" ELL);
}

/* A buffer too small for text plus padding cuts the text, keeps the width. */
static void test_pad_small_buffer(void **state)
{
    (void)state;
    for (size_t sz = 1; sz <= 40; sz++) {
        char out[64];
        memset(out, 'Z', sizeof out);
        int w = text_pad(PHAM_NFC, 12, TEXT_RIGHT, out, sz);
        assert_true(strlen(out) < sz);
        assert_int_equal(out[sz], 'Z');
        assert_true(valid_mb(out));
        assert_int_equal(w, text_width(out));
        if (sz > 12) assert_int_equal(w, 12);
    }
    char out[4];
    assert_int_equal(text_truncate(HAI_DUONG_NFC, 20, out, sizeof out), 1);
    assert_string_equal(out, ELL); /* nothing fits beside the ellipsis */
}

/* In a locale that is not UTF-8 the ellipsis is "...". */
static void test_ascii_fallback(void **state)
{
    (void)state;
    assert_true(text_utf8_locale());
    assert_string_equal(text_ellipsis(), ELL);
    assert_non_null(setlocale(LC_CTYPE, "C"));
    assert_false(text_utf8_locale());
    assert_string_equal(text_ellipsis(), "...");
    char out[32];
    assert_int_equal(text_truncate("abcdefgh", 5, out, sizeof out), 5);
    assert_string_equal(out, "ab...");
    assert_int_equal(text_truncate("abcdefgh", 3, out, sizeof out), 3);
    assert_string_equal(out, "...");
    assert_int_equal(text_truncate("abcdefgh", 2, out, sizeof out), 2);
    assert_string_equal(out, "..");
    assert_int_equal(text_truncate("abcdefgh", 0, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_truncate("abcdefgh", 8, out, sizeof out), 8);
    assert_string_equal(out, "abcdefgh");
    assert_int_equal(text_pad("abcdefgh", 6, TEXT_RIGHT, out, sizeof out), 6);
    assert_string_equal(out, "abc...");
    /* sanitising does not depend on the locale */
    text_sanitize("\x1B[1m" HAI_DUONG_NFC, out, sizeof out);
    assert_string_equal(out, "[1m" HAI_DUONG_NFC);
    assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
    assert_true(text_utf8_locale());
}

int main(void)
{
    if (!setlocale(LC_CTYPE, "C.UTF-8")) {
        fprintf(stderr, "test_text: the C.UTF-8 locale is missing\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_table),
        cmocka_unit_test(test_sanitize_bounded),
        cmocka_unit_test(test_sanitize_dup),
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_truncate_every_width),
        cmocka_unit_test(test_pad),
        cmocka_unit_test(test_pad_cut_keeps_marks),
        cmocka_unit_test(test_pad_small_buffer),
        cmocka_unit_test(test_ascii_fallback),
        cmocka_unit_test(test_escape_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
