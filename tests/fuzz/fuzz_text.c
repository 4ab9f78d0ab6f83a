/* fuzz_text.c - libFuzzer target for widgets/text.h: sanitising feed strings,
 * display width, fitting, truncation and padding.
 *
 * The first byte of the input picks a column count (0-63) and the second an
 * output buffer size (1-128 bytes); the rest is the feed string. Checks the
 * promises terminal safety rests on: sanitised text is valid UTF-8 with no
 * C0/C1 control, DEL or bidi control (so no ESC, no escape sequence), fits
 * its buffer, and truncated or fitted text never exceeds its columns. */
#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Selects a UTF-8 character type, as the console does. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setlocale(LC_CTYPE, "C.UTF-8");
    return 0;
}

/* True when the n bytes at s are valid UTF-8 (no overlong form, surrogate or
 * code point above U+10FFFF) with no character that must not reach a terminal. */
static bool safe_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        uint32_t cp;
        size_t len;
        if (c < 0x80) {
            cp = c;
            len = 1;
        } else if (c >= 0xC2 && c <= 0xDF) {
            cp = c & 0x1Fu;
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            cp = c & 0x0Fu;
            len = 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            cp = c & 0x07u;
            len = 4;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF) return false;
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false; /* C0, ESC, DEL, C1 */
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return false;
        if (cp == 0x2028 || cp == 0x2029) return false;
        i += len;
    }
    return true;
}

/* Runs every text function on one input and checks its promises. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    int cols = data[0] & 0x3F;
    size_t outsz = (size_t)(data[1] & 0x7F) + 1;
    const char *in = (const char *)data + 2;
    size_t n = size - 2;

    /* Sanitising: into a small buffer and into one that holds everything. */
    char small[128];
    size_t w = text_sanitize_n(in, n, small, outsz);
    if (w >= outsz || small[w] != '\0' || strlen(small) != w) abort();
    if (!safe_utf8((const unsigned char *)small, w)) abort();
    size_t bigsz = 3 * n + 1; /* U+FFFD (3 bytes) per input byte at most */
    char *big = malloc(bigsz);
    if (!big) return 0;
    size_t bw = text_sanitize_n(in, n, big, bigsz);
    if (bw >= bigsz || strlen(big) != bw || !safe_utf8((const unsigned char *)big, bw)) abort();
    if (w > bw || memcmp(small, big, w) != 0) abort(); /* a short buffer keeps a prefix */
    char *dup = text_sanitize_dup(big, 64);
    if (dup && (strlen(dup) > 64 || !safe_utf8((const unsigned char *)dup, strlen(dup)))) abort();
    free(dup);

    /* Widths of raw bytes never crash and are never negative. */
    if (text_width_n(in, n) < 0) abort();
    int full = text_width(big);
    if (full < 0) abort();

    /* Fitting and truncating sanitised text. */
    int fw = -1;
    size_t fl = text_fit(big, cols, &fw);
    if (fl > bw || fw < 0 || fw > cols || text_width_n(big, fl) != fw) abort();
    char cut[128];
    int tw = text_truncate(big, cols, cut, outsz);
    if (tw < 0 || tw > cols || text_width(cut) != tw || strlen(cut) >= outsz) abort();
    if (!safe_utf8((const unsigned char *)cut, strlen(cut))) abort();
    if (full <= cols && bw < outsz && strcmp(cut, big) != 0) abort(); /* what fits is kept */

    /* Padding: exactly cols columns whenever the buffer allows it. */
    char pad[128];
    int pw = text_pad(big, cols, (data[1] & 0x80) ? TEXT_RIGHT : TEXT_LEFT, pad, outsz);
    if (strlen(pad) >= outsz || text_width(pad) != pw || pw > cols) abort();
    if (outsz > (size_t)cols && pw != cols) abort();
    if (!safe_utf8((const unsigned char *)pad, strlen(pad))) abort();
    free(big);
    return 0;
}
