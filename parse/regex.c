/* regex.c - RE2 and I-Regexp patterns on PCRE2 (see regex.h).
 *
 * Both dialects are checked by a small scan before PCRE2 sees them: RE2's
 * for what PCRE2 would accept but RE2 refuses (PCRE2 then reports any other
 * syntax error in its own words), I-Regexp's against the RFC 9485 grammar,
 * copying the pattern with '.' spelled [^\n\r] (I-Regexp's dot). Anchoring is
 * done with PCRE2_ANCHORED | PCRE2_ENDANCHORED, never by wrapping the text,
 * so a pattern's own ')' cannot escape the anchors. */
#include "parse/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"

/* Match limits: backtracking steps, nesting depth, and heap in KiB. */
#define RX_MATCH_LIMIT 1000000
#define RX_DEPTH_LIMIT 10000
#define RX_HEAP_LIMIT  16384
/* Deepest group nesting a pattern may have. */
#define RX_MAX_NEST 64

struct Regex {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mc;
};

/* ---- RE2: what PCRE2 has and RE2 has not ---- */

/* Writes msg and the offending text (n bytes of the pattern s of slen
 * bytes from offset at, at most 8, never past its end) into err. */
static void rx_refuse(char *err, size_t errlen, const char *msg, const char *s, size_t slen,
                      size_t at, size_t n)
{
    if (at > slen) at = slen;
    if (n > slen - at) n = slen - at;
    if (n > 8) n = 8;
    const char *p = s + at;
    char shown[9];
    for (size_t i = 0; i < n; i++)
        shown[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
    shown[n] = '\0';
    snprintf(err, errlen, "%s: %s", msg, shown);
}

/* True when s[i..n) starts a {n}, {n,} or {n,m} repetition; sets *end past
 * it and *bad when a count is over RX_MAX_REPEAT or m < n. */
static bool re2_braces(const char *s, size_t n, size_t i, size_t *end, bool *bad)
{
    long lo = 0, hi = -1;
    size_t j = i + 1, d = j;
    while (j < n && s[j] >= '0' && s[j] <= '9' && lo <= RX_MAX_REPEAT)
        lo = lo * 10 + (s[j++] - '0');
    if (j == d || j >= n) return false;
    if (s[j] == ',') {
        j++;
        size_t e = j;
        long m = 0;
        while (j < n && s[j] >= '0' && s[j] <= '9' && m <= RX_MAX_REPEAT)
            m = m * 10 + (s[j++] - '0');
        if (j > e) hi = m;
    } else {
        hi = lo;
    }
    if (j >= n || s[j] != '}') return false;
    *end = j + 1;
    *bad = lo > RX_MAX_REPEAT || hi > RX_MAX_REPEAT || (hi >= 0 && hi < lo);
    return true;
}

/* Checks the escape at s[i] == '\\' (in a class when in_class); sets *next
 * past it. False with err set when RE2 has no such escape. */
static bool re2_escape(const char *s, size_t n, size_t i, bool in_class, size_t *next, char *err,
                       size_t errlen)
{
    if (i + 1 >= n) {
        snprintf(err, errlen, "%s", _("trailing backslash at end of expression"));
        return false;
    }
    unsigned char c = (unsigned char)s[i + 1];
    *next = i + 2;
    if (c >= '1' && c <= '9') {
        /* \1..\7 followed by an octal digit is an octal code in RE2; alone (or
         * \8, \9) it would be a backreference, which RE2 has not got. */
        if (c <= '7' && i + 2 < n && s[i + 2] >= '0' && s[i + 2] <= '7') return true;
        rx_refuse(err, errlen, _("invalid escape sequence (no backreferences)"), s, n, i, 2);
        return false;
    }
    if (c >= 0x80 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '0'))
        return true; /* punctuation (or \0 octal) is itself */
    const char *ok = in_class ? "aftnrvxdDsSwWpP" : "aftnrvxdDsSwWpPAzbBQE";
    if (strchr(ok, c)) return true;
    rx_refuse(err, errlen, _("invalid escape sequence"), s, n, i, 2);
    return false;
}

/* Checks "(?" at s[i]: only (?:, (?P<name>, (?<name> and flag groups of
 * imsU are RE2's. */
static bool re2_group(const char *s, size_t n, size_t i, char *err, size_t errlen)
{
    size_t j = i + 2;
    if (j < n && s[j] == ':') return true;
    if (j + 1 < n && s[j] == 'P' && s[j + 1] == '<') return true;
    if (j + 1 < n && s[j] == '<' && s[j + 1] != '=' && s[j + 1] != '!') return true;
    bool any = false;
    while (j < n && (strchr("imsU-", s[j]) && s[j] != '\0')) {
        any = any || s[j] != '-';
        j++;
    }
    if (any && j < n && (s[j] == ')' || s[j] == ':')) return true;
    rx_refuse(err, errlen, _("invalid or unsupported Perl syntax"), s, n, i, j + 1 - i);
    return false;
}

/* Refuses, with RE2's words, what PCRE2 would accept and RE2 would not. */
static bool re2_check(const char *s, size_t n, char *err, size_t errlen)
{
    bool after_rep = false; /* the last token was a quantifier (and maybe its '?') */
    bool lazy_ok = false;   /* a '?' here makes the last quantifier lazy */
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 < n && s[i + 1] == 'Q') { /* \Q...\E: literal text */
                const char *e = NULL;
                for (size_t k = i + 2; k + 1 < n && !e; k++)
                    if (s[k] == '\\' && s[k + 1] == 'E') e = s + k;
                i = e ? (size_t)(e - s) + 2 : n;
                after_rep = lazy_ok = false;
                continue;
            }
            if (!re2_escape(s, n, i, false, &i, err, errlen)) return false;
            after_rep = lazy_ok = false;
            continue;
        }
        if (c == '[') { /* a class: ']' first is literal; [:name:] inside */
            size_t j = i + 1;
            if (j < n && s[j] == '^') j++;
            if (j < n && s[j] == ']') j++;
            while (j < n && s[j] != ']') {
                if (s[j] == '\\') {
                    if (!re2_escape(s, n, j, true, &j, err, errlen)) return false;
                } else if (s[j] == '[' && j + 1 < n && s[j + 1] == ':') {
                    size_t k = j + 2;
                    while (k + 1 < n && !(s[k] == ':' && s[k + 1] == ']'))
                        k++;
                    j = k + 1 < n ? k + 2 : j + 1;
                } else {
                    j++;
                }
            }
            i = j < n ? j + 1 : n; /* unterminated: PCRE2 says so */
            after_rep = lazy_ok = false;
            continue;
        }
        if (c == '(') {
            if (i + 1 < n && s[i + 1] == '*') {
                rx_refuse(err, errlen, _("missing argument to repetition operator"), s, n, i, 2);
                return false;
            }
            if (i + 1 < n && s[i + 1] == '?') {
                if (!re2_group(s, n, i, err, errlen)) return false;
                i++; /* the '?' is no quantifier */
            }
            i++;
            after_rep = lazy_ok = false;
            continue;
        }
        size_t end = i + 1;
        bool bad = false;
        bool rep =
            c == '*' || c == '+' || c == '?' || (c == '{' && re2_braces(s, n, i, &end, &bad));
        if (rep) {
            if (c == '?' && lazy_ok) { /* "a*?": lazy, as RE2 allows */
                lazy_ok = false;
                i++;
                continue;
            }
            if (after_rep) {
                rx_refuse(err, errlen, _("invalid nested repetition operator"), s, n, i - 1,
                          end - i + 1);
                return false;
            }
            if (bad) {
                rx_refuse(err, errlen, _("invalid repeat count"), s, n, i, end - i);
                return false;
            }
            after_rep = lazy_ok = true;
            i = end;
            continue;
        }
        after_rep = lazy_ok = false;
        i++;
    }
    return true;
}

/* ---- I-Regexp (RFC 9485) ---- */

typedef struct {
    const char *s;
    size_t n, i;
    int depth;
    bool bad;
    char *out; /* the pattern for PCRE2 ('.' spelled out), or NULL to only check */
    size_t olen;
} IrState;

static void ir_alt(IrState *r);

/* Byte at the cursor, or -1 at the end. */
static int ir_peek(const IrState *r)
{
    return r->i < r->n ? (unsigned char)r->s[r->i] : -1;
}

/* Copies s[from..r->i) to the output. */
static void ir_copy(IrState *r, size_t from)
{
    if (!r->out) return;
    memcpy(r->out + r->olen, r->s + from, r->i - from);
    r->olen += r->i - from;
}

/* Decodes one UTF-8 scalar value at the cursor (not a surrogate, not
 * overlong) and advances; -1 when invalid. */
static long ir_char(IrState *r)
{
    const unsigned char *p = (const unsigned char *)r->s + r->i;
    size_t left = r->n - r->i;
    if (left == 0) return -1;
    if (p[0] < 0x80) {
        r->i++;
        return p[0];
    }
    int len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || p[0] > 0xF4 || (size_t)len > left) return -1;
    long cp = p[0] & (0x3F >> (len - 1));
    for (int k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80) return -1;
        cp = cp << 6 | (p[k] & 0x3F);
    }
    static const long min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    r->i += (size_t)len;
    return cp;
}

/* Reads a \p{..} or \P{..} category (cursor after 'p' or 'P'); false when
 * it is not one of RFC 9485's IsCategory names. */
static bool ir_category(IrState *r)
{
    static const char *const cats[] = {"L",  "Ll", "Lm", "Lo", "Lt", "Lu", "M",  "Mc", "Me",
                                       "Mn", "N",  "Nd", "Nl", "No", "P",  "Pc", "Pd", "Pe",
                                       "Pf", "Pi", "Po", "Ps", "Z",  "Zl", "Zp", "Zs", "S",
                                       "Sc", "Sk", "Sm", "So", "C",  "Cc", "Cf", "Cn", "Co"};
    if (ir_peek(r) != '{') return false;
    size_t at = ++r->i, k = 0;
    while (r->i < r->n && r->s[r->i] != '}' && k < 3)
        r->i++, k++;
    if (ir_peek(r) != '}') return false;
    r->i++;
    for (size_t c = 0; c < sizeof cats / sizeof cats[0]; c++)
        if (strlen(cats[c]) == k && memcmp(cats[c], r->s + at, k) == 0) return true;
    return false;
}

/* Reads an escape (cursor after '\\'): SingleCharEsc sets *cp; a category
 * (allowed when cat_ok) sets *cp to -1. False when invalid. */
static bool ir_escape(IrState *r, bool cat_ok, long *cp)
{
    int c = ir_peek(r);
    if (c < 0) return false;
    r->i++;
    if (c == 'n' || c == 'r' || c == 't') {
        *cp = c == 'n' ? '\n' : c == 'r' ? '\r' : '\t';
        return true;
    }
    if (strchr("()*+-.?[\\]^{|}", c) && c != '\0') {
        *cp = c;
        return true;
    }
    *cp = -1;
    return cat_ok && (c == 'p' || c == 'P') && ir_category(r);
}

/* Reads one CCchar at the cursor (a character or a SingleCharEsc). */
static bool ir_class_char(IrState *r, long *cp)
{
    int c = ir_peek(r);
    if (c < 0 || c == '[' || c == ']' || c == '-') return false;
    if (c == '\\') {
        r->i++;
        return ir_escape(r, false, cp);
    }
    return (*cp = ir_char(r)) >= 0;
}

/* Checks a charClassExpr (cursor on '['). */
static void ir_class(IrState *r)
{
    r->i++;
    if (ir_peek(r) == '^') r->i++;
    bool first = true;
    for (;;) {
        int c = ir_peek(r);
        if (c == ']' && !first) {
            r->i++;
            return;
        }
        if (c == '-' && (first || (r->i + 1 < r->n && r->s[r->i + 1] == ']'))) {
            r->i++;
            first = false;
            continue;
        }
        long lo, hi;
        if (c == '\\' && r->i + 1 < r->n && (r->s[r->i + 1] == 'p' || r->s[r->i + 1] == 'P')) {
            r->i++;
            if (!ir_escape(r, true, &lo)) break;
            first = false;
            continue;
        }
        if (!ir_class_char(r, &lo)) break;
        if (ir_peek(r) == '-' && r->i + 1 < r->n && r->s[r->i + 1] != ']') {
            r->i++;
            if (!ir_class_char(r, &hi) || hi < lo) break;
        }
        first = false;
    }
    r->bad = true;
}

/* Checks one atom and copies it to the output. */
static void ir_atom(IrState *r)
{
    size_t from = r->i;
    int c = ir_peek(r);
    long cp;
    if (c == '(') {
        if (++r->depth > RX_MAX_NEST) {
            r->bad = true;
            return;
        }
        r->i++;
        ir_copy(r, from);
        ir_alt(r);
        if (r->bad || ir_peek(r) != ')') {
            r->bad = true;
            return;
        }
        r->depth--;
        from = r->i++;
    } else if (c == '.') {
        r->i++;
        if (r->out) {
            memcpy(r->out + r->olen, "[^\\n\\r]", 7);
            r->olen += 7;
        }
        return;
    } else if (c == '[') {
        ir_class(r);
    } else if (c == '\\') {
        r->i++;
        if (!ir_escape(r, true, &cp)) r->bad = true;
    } else if (c < 0 || strchr("()*+?[]{|}", c)) {
        r->bad = true; /* a quantifier with nothing to repeat, or a stray bracket */
    } else if (ir_char(r) < 0) {
        r->bad = true;
    }
    if (!r->bad) ir_copy(r, from);
}

/* Reads a QuantExact; false when there is none. */
static bool ir_count(IrState *r, long *v)
{
    if (ir_peek(r) < '0' || ir_peek(r) > '9') return false;
    for (*v = 0; ir_peek(r) >= '0' && ir_peek(r) <= '9'; r->i++)
        if ((*v = *v * 10 + (ir_peek(r) - '0')) > RX_MAX_REPEAT) *v = RX_MAX_REPEAT + 1;
    return true;
}

/* Checks an optional quantifier after an atom and copies it. */
static void ir_quant(IrState *r)
{
    size_t from = r->i;
    int c = ir_peek(r);
    if (c == '*' || c == '+' || c == '?') {
        r->i++;
    } else if (c == '{') {
        long lo, hi;
        r->i++;
        if (!ir_count(r, &lo)) goto bad;
        hi = lo;
        if (ir_peek(r) == ',') {
            r->i++;
            if (!ir_count(r, &hi)) hi = -1;
        }
        if (ir_peek(r) != '}' || lo > RX_MAX_REPEAT || hi > RX_MAX_REPEAT || (hi >= 0 && hi < lo))
            goto bad;
        r->i++;
    } else {
        return;
    }
    ir_copy(r, from);
    return;
bad:
    r->bad = true;
}

/* Checks branches separated by '|' up to ')' or the end. */
static void ir_alt(IrState *r)
{
    for (;;) {
        while (!r->bad && ir_peek(r) >= 0 && ir_peek(r) != '|' && ir_peek(r) != ')') {
            ir_atom(r);
            if (!r->bad) ir_quant(r);
        }
        if (r->bad || ir_peek(r) != '|') return;
        size_t from = r->i++;
        ir_copy(r, from);
    }
}

bool rx_iregexp_valid(const char *pat, size_t len)
{
    IrState r = {.s = pat, .n = len};
    ir_alt(&r);
    return !r.bad && r.i == r.n;
}

/* ---- compiling and matching ---- */

Regex *rx_compile(const char *pat, size_t len, RxDialect d, char *err, size_t errlen, bool *oom)
{
    if (oom) *oom = false;
    if (errlen) err[0] = '\0';
    if (len > RX_MAX_PATTERN) {
        snprintf(err, errlen, _("regular expression too long (over %d KiB)"),
                 RX_MAX_PATTERN / 1024);
        return NULL;
    }
    char *src = NULL;
    const char *use = pat;
    size_t use_len = len;
    uint32_t opts =
        PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_AUTO_CAPTURE;
    if (d == RX_RE2) {
        if (!re2_check(pat, len, err, errlen)) return NULL;
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
        opts &= ~(uint32_t)PCRE2_NO_AUTO_CAPTURE; /* named groups keep working */
    } else {
        src = malloc(len * 7 + 1); /* '.' grows to 7 bytes */
        if (!src) goto nomem;
        IrState r = {.s = pat, .n = len, .out = src};
        ir_alt(&r);
        if (r.bad || r.i != r.n) {
            free(src);
            snprintf(err, errlen, "%s", _("not a valid I-Regexp (RFC 9485)"));
            return NULL;
        }
        use = src;
        use_len = r.olen;
        opts |= PCRE2_UCP;
        if (d == RX_IREGEXP_MATCH) opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    }
    Regex *rx = calloc(1, sizeof(*rx));
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (!rx || !cc) {
        pcre2_compile_context_free(cc);
        free(rx);
        free(src);
        goto nomem;
    }
    pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
    pcre2_set_parens_nest_limit(cc, RX_MAX_NEST);
    pcre2_set_max_pattern_length(cc, RX_MAX_PATTERN * 7 + 1);
    int code = 0;
    PCRE2_SIZE off = 0;
    rx->code = pcre2_compile((PCRE2_SPTR)use, use_len, opts, &code, &off, cc);
    pcre2_compile_context_free(cc);
    free(src);
    if (!rx->code) {
        if (code == PCRE2_ERROR_NOMEMORY) {
            free(rx);
            goto nomem;
        }
        PCRE2_UCHAR why[120];
        if (pcre2_get_error_message(code, why, sizeof why) < 0)
            snprintf((char *)why, sizeof why, "error %d", code);
        snprintf(err, errlen, "%s", (const char *)why);
        free(rx);
        return NULL;
    }
    size_t size = 0;
    pcre2_pattern_info(rx->code, PCRE2_INFO_SIZE, &size);
    if (size > RX_MAX_COMPILED) {
        snprintf(err, errlen, _("regular expression too large once compiled (over %d KiB)"),
                 RX_MAX_COMPILED / 1024);
        rx_free(rx);
        return NULL;
    }
    rx->md = pcre2_match_data_create(1, NULL);
    rx->mc = pcre2_match_context_create(NULL);
    if (!rx->md || !rx->mc) {
        rx_free(rx);
        goto nomem;
    }
    pcre2_set_match_limit(rx->mc, RX_MATCH_LIMIT);
    pcre2_set_depth_limit(rx->mc, RX_DEPTH_LIMIT);
    pcre2_set_heap_limit(rx->mc, RX_HEAP_LIMIT);
    return rx;
nomem:
    if (oom) *oom = true;
    snprintf(err, errlen, "%s", _("out of memory"));
    return NULL;
}

void rx_free(Regex *rx)
{
    if (!rx) return;
    pcre2_match_data_free(rx->md);
    pcre2_match_context_free(rx->mc);
    pcre2_code_free(rx->code);
    free(rx);
}

int rx_match(Regex *rx, const char *s, size_t len)
{
    int rc = pcre2_match(rx->code, (PCRE2_SPTR)(s ? s : ""), s ? len : 0, 0, 0, rx->md, rx->mc);
    if (rc >= 0) return RX_MATCH;
    if (rc == PCRE2_ERROR_NOMATCH) return RX_NOMATCH;
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) return RX_NOMATCH;
    return RX_LIMIT; /* match, depth or heap limit, or out of memory */
}
