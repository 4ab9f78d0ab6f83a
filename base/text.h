/* text.h - terminal text: sanitising feed strings, display width, fitting.
 *
 * Feed strings (names, error texts quoting a server) must never put control
 * sequences on a terminal, and Vietnamese UTF-8 text must be aligned by the
 * columns it occupies, not by its bytes ("Hải Dương" is 9 columns whether
 * its marks are precomposed or written as combining characters).
 *
 * text_sanitize*() work on UTF-8 bytes whatever the locale. Widths use the
 * C library (mbrtowc + wcwidth) and so follow LC_CTYPE: call
 * setlocale(LC_CTYPE, "") first. In a locale that is not UTF-8 every byte
 * that is not ASCII counts as one column and the ellipsis is "...".
 *
 * Nothing here allocates except text_sanitize_dup(); no global state. Column
 * counts are int (as in curses); a negative count is treated as 0. Output
 * buffers are always NUL-terminated when their size is > 0, and are never cut
 * inside a character or between a character and its combining marks. */
#ifndef IOC_TEXT_H
#define IOC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    TEXT_LEFT,  /* text first, spaces after */
    TEXT_RIGHT, /* spaces first, text after (numbers) */
} TextAlign;

/* True when LC_CTYPE's character set is UTF-8. */
bool text_utf8_locale(void);

/* The ellipsis that ends cut text: "…" in a UTF-8 locale, "..." otherwise
 * (static string). */
const char *text_ellipsis(void);

/* Copies the len bytes at in (NUL bytes included: they are controls) to out,
 * a buffer of outsz bytes, made safe for a terminal:
 *   - TAB, LF, CR, VT, FF, U+2028 and U+2029 become a space;
 *   - other C0 controls (ESC included, so no escape sequence survives), DEL,
 *     C1 controls U+0080-U+009F and the bidi embeddings, overrides and
 *     isolates U+202A-U+202E, U+2066-U+2069 are dropped;
 *   - each invalid UTF-8 sequence (stray or truncated bytes, overlong forms,
 *     surrogates, > U+10FFFF) becomes U+FFFD, one per maximal ill-formed
 *     subpart as Unicode recommends.
 * Stops before a character that would not fit. Returns the number of bytes
 * written (without the NUL). The result is always valid UTF-8. */
size_t text_sanitize_n(const char *in, size_t len, char *out, size_t outsz);

/* Same for a NUL-terminated string (NULL gives ""). */
size_t text_sanitize(const char *in, char *out, size_t outsz);

/* text_escape_n() flag: also write '"' as \" and '\' as \\ (for quoted
 * values, as in logfmt). */
#define TEXT_ESCAPE_QUOTES 1u

/* Like text_sanitize_n(), but every character it would blank or drop is
 * written as a visible escape instead, so that nothing is lost or hidden:
 * "\n", "\r", "\t", others "\u" and 4 hex digits ("\u001b" for ESC,
 * "\u202e"). Invalid UTF-8 still becomes U+FFFD; other UTF-8 is kept. For
 * diagnostics and log lines, which must stay one line. flags: 0 or
 * TEXT_ESCAPE_QUOTES. Stops before an escape or character that would not
 * fit; returns the bytes written (without the NUL). */
size_t text_escape_n(const char *in, size_t len, unsigned flags, char *out, size_t outsz);

/* Same into a new allocation of at most max_bytes bytes plus the NUL
 * (caller frees). NULL in gives "". Returns NULL on out of memory. */
char *text_sanitize_dup(const char *in, size_t max_bytes);

/* Display width in columns of the NUL-terminated UTF-8 string s (NULL is 0):
 * combining marks and other zero-width characters count 0, wide (CJK)
 * characters 2, non-printable characters 0, and each byte that is not valid
 * in the locale 1. */
int text_width(const char *s);

/* Same for the first len bytes of s. */
int text_width_n(const char *s, size_t len);

/* The longest prefix of s that fits in cols columns without separating a
 * character from the zero-width characters (combining marks) that follow
 * it. Returns its length in bytes and, when width is not NULL, stores its
 * width there. */
size_t text_fit(const char *s, int cols, int *width);

/* Copies s into out (outsz bytes), cut to at most cols columns: when s does
 * not fit (in columns or in outsz), the longest prefix that fits followed by
 * text_ellipsis() (or as much of the ellipsis as fits when cols is smaller
 * than it). Returns the width of what was written. */
int text_truncate(const char *s, int cols, char *out, size_t outsz);

/* Writes s into out (outsz bytes) cut as by text_truncate() and padded with
 * spaces to exactly cols columns, aligned by align; for table cells. When
 * multi-byte text and its padding would not fit in outsz, the text is cut
 * earlier so that the padding still fits (4 * cols + 1 bytes are always
 * enough for text without combining marks). Returns the width written:
 * cols, unless outsz <= cols. */
int text_pad(const char *s, int cols, TextAlign align, char *out, size_t outsz);

/* Size of a buffer for a cleaned name, unit or error text. */
#define TEXT_CLEAN_MAX 512

/* Copies s (NULL gives "") sanitised (text_sanitize) into out; when !utf8
 * the result is ASCII only: Vietnamese and other Latin letters lose their
 * marks ("Hải Dương" -> "Hai Duong", "µg/m³" -> "ug/m3"), anything else is
 * '?'. Returns out. */
const char *text_clean(const char *s, bool utf8, char *out, size_t n);

/* True when the name s contains filter, ignoring case and marks: "nhiet"
 * finds "Nhiệt độ", "d" finds "đ", composed (NFC) and decomposed (NFD) text
 * alike (libutf8proc; no allocation, whatever the locale). A NULL or empty
 * filter matches everything. */
bool text_match(const char *s, const char *filter);

#endif
