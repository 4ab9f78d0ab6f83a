/* regex.h - regular expressions on PCRE2, in the two dialects feeds use.
 *
 * RX_RE2 is the syntax of Prometheus label matchers (Go's regexp, RE2): the
 * pattern is fully anchored, UTF-8, with (?i) (?s) (?m) (?U), \d \w \s as
 * ASCII classes and \p{..} as Unicode ones; what RE2 has not got is refused
 * with RE2's words (backreferences, lookaround, atomic groups, possessive or
 * nested quantifiers "a**", repeat counts over 1000, \K \G \R and the like).
 * RX_IREGEXP_MATCH / RX_IREGEXP_SEARCH are I-Regexp (RFC 9485) for the
 * JSONPath functions match() (whole string) and search() (any substring):
 * the pattern is checked against the I-Regexp grammar and run by PCRE2 as
 * is, with '.' matching anything but CR and LF and \p{..} native.
 *
 * Hostile patterns cannot stall the loop: the pattern length, group nesting
 * and compiled size are capped, and every match runs under PCRE2's match,
 * depth and heap limits; a match over them is RX_LIMIT, not a quiet miss.
 *
 * A Regex is owned by its creator (rx_free()); rx_match() uses scratch space
 * inside it, so one Regex serves one thread at a time. */
#ifndef IOC_REGEX_H
#define IOC_REGEX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Regex Regex;

typedef enum { RX_RE2, RX_IREGEXP_MATCH, RX_IREGEXP_SEARCH } RxDialect;

/* rx_match() results. */
enum { RX_NOMATCH = 0, RX_MATCH = 1, RX_LIMIT = -1 };

/* Longest pattern accepted, in bytes. */
#define RX_MAX_PATTERN (64 * 1024)
/* Largest compiled pattern accepted, in bytes. */
#define RX_MAX_COMPILED (256 * 1024)
/* Largest {n,m} bound (RE2's). */
#define RX_MAX_REPEAT 1000

/* Compiles len bytes of pat in dialect d. NULL when the pattern is invalid
 * (err holds why, safe to print) or memory ran out (*oom set when oom is not
 * NULL; err says so too). */
Regex *rx_compile(const char *pat, size_t len, RxDialect d, char *err, size_t errlen, bool *oom);

/* Frees a compiled regex (NULL is fine). */
void rx_free(Regex *rx);

/* Matches len bytes of s: RX_MATCH, RX_NOMATCH (also when s is not valid
 * UTF-8), or RX_LIMIT when a limit was hit (or memory ran out). */
int rx_match(Regex *rx, const char *s, size_t len);

/* Checks pat against the I-Regexp grammar of RFC 9485 (with '^' and '$' as
 * anchors, as the RFC 9535 compliance suite expects); true when it conforms. */
bool rx_iregexp_valid(const char *pat, size_t len);

#endif
