/* jsonpath_parse.c - jp_compile(): a recursive-descent parser for the RFC 9535
 * query grammar (segments, selectors, string literals, integers). Filter
 * expressions are parsed and type-checked in jsonpath_filter.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/jsonpath_internal.h"
#include "base/i18n.h"

/* Records the first error: where it happened and what was expected. */
void jp_fail(JpParser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed) return;
    p->failed = true;
    if (!p->err) return;
    p->err->pos = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
}

/* Records an out-of-memory failure. */
void jp_fail_oom(JpParser *p)
{
    jp_fail(p, p->pos, "%s", _("out of memory"));
}

/* Skips blank space; returns true when there was some. */
bool jp_skip_blank(JpParser *p)
{
    size_t start = p->pos;
    while (jp_is_blank(jp_peek(p)))
        p->pos++;
    return p->pos != start;
}

/* Parses an RFC 9535 int (index or slice bound) into *out. */
static int parse_int(JpParser *p, int64_t *out)
{
    size_t start = p->pos;
    bool neg = false;
    if (jp_peek(p) == '-') {
        neg = true;
        p->pos++;
    }
    if (!jp_is_digit(jp_peek(p))) {
        jp_fail(p, p->pos, "%s", _("expected a digit"));
        return -1;
    }
    if (jp_peek(p) == '0') {
        if (jp_is_digit(jp_peek_at(p, 1))) {
            jp_fail(p, start, "%s", _("leading zeros are not allowed in an integer"));
            return -1;
        }
        if (neg) {
            jp_fail(p, start, "%s", _("-0 is not a valid index; write 0"));
            return -1;
        }
        p->pos++;
        *out = 0;
        return 0;
    }
    int64_t v = 0;
    while (jp_is_digit(jp_peek(p))) {
        v = v * 10 + (jp_peek(p) - '0');
        if (v > JP_MAX_INT) {
            jp_fail(p, start, "%s",
                    _("integer out of range; expected at most 9007199254740991 in magnitude"));
            return -1;
        }
        p->pos++;
    }
    *out = neg ? -v : v;
    return 0;
}

/* Reads four hex digits at the cursor into *out. */
static int parse_hex4(JpParser *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int c = jp_peek(p);
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else {
            jp_fail(p, p->pos, "%s", _("expected four hex digits after \\u"));
            return -1;
        }
        v = v * 16 + (uint32_t)d;
        p->pos++;
    }
    *out = v;
    return 0;
}

/* Parses the escape sequence after a backslash in a string quoted with q. */
static int parse_escape(JpParser *p, char q, JpBuf *out)
{
    size_t start = p->pos - 1;
    int c = jp_peek(p);
    p->pos++;
    switch (c) {
    case 'b':
        jp_buf_putc(out, '\b');
        return 0;
    case 'f':
        jp_buf_putc(out, '\f');
        return 0;
    case 'n':
        jp_buf_putc(out, '\n');
        return 0;
    case 'r':
        jp_buf_putc(out, '\r');
        return 0;
    case 't':
        jp_buf_putc(out, '\t');
        return 0;
    case '/':
        jp_buf_putc(out, '/');
        return 0;
    case '\\':
        jp_buf_putc(out, '\\');
        return 0;
    case '\'':
    case '"':
        if (c != q) break;
        jp_buf_putc(out, (char)c);
        return 0;
    case 'u': {
        uint32_t cp;
        if (parse_hex4(p, &cp) < 0) return -1;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            jp_fail(p, start, "%s", _("a low surrogate \\uDC00-\\uDFFF must follow a high one"));
            return -1;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (jp_peek(p) != '\\' || jp_peek_at(p, 1) != 'u') {
                jp_fail(p, p->pos, "%s",
                        _("expected \\u and a low surrogate after a high surrogate"));
                return -1;
            }
            p->pos += 2;
            if (parse_hex4(p, &lo) < 0) return -1;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                jp_fail(p, p->pos - 6, "%s", _("expected a low surrogate \\uDC00-\\uDFFF"));
                return -1;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        jp_buf_put_cp(out, cp);
        return 0;
    }
    default:
        break;
    }
    jp_fail(p, start,
            _("invalid escape sequence in string; expected one of \\b \\f \\n \\r \\t \\/ "
              "\\\\ \\%c \\uXXXX"),
            q);
    return -1;
}

/* Parses a single- or double-quoted string literal into a new buffer. */
int jp_parse_string(JpParser *p, JpBuf *out)
{
    size_t start = p->pos;
    char q = p->s[p->pos++];
    memset(out, 0, sizeof *out);
    jp_buf_put(out, "", 0);
    for (;;) {
        int c = jp_peek(p);
        if (c < 0) {
            jp_fail(p, p->len, _("expected a closing %c for the string that starts at offset %zu"),
                    q, start);
            goto fail;
        }
        if (c == q) {
            p->pos++;
            break;
        }
        if (c == '\\') {
            p->pos++;
            if (parse_escape(p, q, out) < 0) goto fail;
        } else if (c < 0x20) {
            jp_fail(
                p, p->pos, "%s",
                _("control character in a string; write it as an escape such as \\n or \\u0001"));
            goto fail;
        } else if (c < 0x80) {
            jp_buf_putc(out, (char)c);
            p->pos++;
        } else {
            size_t at = p->pos;
            long cp = jp_utf8_decode(p->s, p->len, &p->pos);
            if (cp < 0) {
                jp_fail(p, at, "%s", _("invalid UTF-8 in a string"));
                goto fail;
            }
            jp_buf_put(out, p->s + at, p->pos - at);
        }
    }
    if (out->oom) {
        jp_fail_oom(p);
        goto fail;
    }
    return 0;
fail:
    free(out->s);
    out->s = NULL;
    return -1;
}

/* True when the code point may start a member-name-shorthand. */
static bool is_name_first(long cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_' || cp >= 0x80;
}

/* Parses a member-name-shorthand at the cursor into a name selector. */
static int parse_shorthand(JpParser *p, JpSel *sel)
{
    size_t start = p->pos;
    for (;;) {
        size_t at = p->pos;
        if (at >= p->len) break;
        long cp = jp_utf8_decode(p->s, p->len, &p->pos);
        if (cp < 0) {
            jp_fail(p, at, "%s", _("invalid UTF-8 in a member name"));
            return -1;
        }
        if (!(is_name_first(cp) || (at > start && cp >= '0' && cp <= '9'))) {
            p->pos = at;
            break;
        }
    }
    if (p->pos == start) return -1; /* caller reports */
    sel->kind = JP_SEL_NAME;
    sel->name_len = p->pos - start;
    sel->name = malloc(sel->name_len + 1);
    if (!sel->name) {
        jp_fail_oom(p);
        return -1;
    }
    memcpy(sel->name, p->s + start, sel->name_len);
    sel->name[sel->name_len] = '\0';
    return 0;
}

/* True when a member-name-shorthand can start at the cursor. */
static bool at_name_first(const JpParser *p)
{
    size_t i = p->pos;
    long cp = jp_utf8_decode(p->s, p->len, &i);
    return cp >= 0 && is_name_first(cp);
}

/* Parses an index or a slice selector (cursor on '-', a digit or ':'). */
static int parse_index_or_slice(JpParser *p, JpSel *sel)
{
    if (jp_peek(p) != ':') {
        if (parse_int(p, &sel->start) < 0) return -1;
        size_t save = p->pos;
        jp_skip_blank(p);
        if (jp_peek(p) != ':') {
            p->pos = save;
            sel->kind = JP_SEL_INDEX;
            sel->index = sel->start;
            return 0;
        }
        sel->has_start = true;
    }
    sel->kind = JP_SEL_SLICE;
    sel->step = 1;
    p->pos++; /* ':' */
    jp_skip_blank(p);
    if (jp_peek(p) == '-' || jp_is_digit(jp_peek(p))) {
        if (parse_int(p, &sel->end) < 0) return -1;
        sel->has_end = true;
        jp_skip_blank(p);
    }
    if (jp_peek(p) == ':') {
        p->pos++;
        jp_skip_blank(p);
        if (jp_peek(p) == '-' || jp_is_digit(jp_peek(p))) {
            if (parse_int(p, &sel->step) < 0) return -1;
        }
    }
    return 0;
}

/* Parses one selector inside brackets into *sel. */
static int parse_selector(JpParser *p, JpSel *sel)
{
    int c = jp_peek(p);
    if (c == '\'' || c == '"') {
        JpBuf b;
        if (jp_parse_string(p, &b) < 0) return -1;
        sel->kind = JP_SEL_NAME;
        sel->name = b.s;
        sel->name_len = b.len;
        sel->name_has_nul = memchr(b.s, '\0', b.len) != NULL;
        return 0;
    }
    if (c == '*') {
        p->pos++;
        sel->kind = JP_SEL_WILD;
        return 0;
    }
    if (c == '?') {
        p->pos++;
        jp_skip_blank(p);
        sel->kind = JP_SEL_FILTER;
        sel->filter = jp_parse_logical(p);
        if (!sel->filter) return -1;
        return jp_check_logical(p, sel->filter);
    }
    if (c == '-' || c == ':' || jp_is_digit(c)) return parse_index_or_slice(p, sel);
    jp_fail(p, p->pos, "%s",
            _("expected a selector: a quoted name, '*', an index, a slice or a '?' filter"));
    return -1;
}

/* Appends an empty selector to g and returns it. */
static JpSel *seg_add_sel(JpParser *p, JpSeg *g)
{
    JpSel *ns = realloc(g->sels, (g->nsels + 1) * sizeof *ns);
    if (!ns) {
        jp_fail_oom(p);
        return NULL;
    }
    g->sels = ns;
    JpSel *s = &g->sels[g->nsels++];
    memset(s, 0, sizeof *s);
    return s;
}

/* Parses a bracketed selection "[ sel, sel ]"; *blank gets the offset of the
 * first blank space inside it (or 0). */
static int parse_bracket(JpParser *p, JpSeg *g, size_t *blank)
{
    size_t open = p->pos;
    *blank = 0;
    p->pos++;
    for (;;) {
        size_t at = p->pos;
        if (jp_skip_blank(p) && !*blank) *blank = at;
        JpSel *s = seg_add_sel(p, g);
        if (!s || parse_selector(p, s) < 0) return -1;
        at = p->pos;
        if (jp_skip_blank(p) && !*blank) *blank = at;
        int c = jp_peek(p);
        if (c == ',') {
            p->pos++;
            continue;
        }
        if (c == ']') {
            p->pos++;
            return 0;
        }
        if (c < 0)
            jp_fail(p, p->pos, _("expected ']' to close the bracket opened at offset %zu"), open);
        else if (s->kind == JP_SEL_FILTER)
            jp_fail(p, p->pos, "%s",
                    _("expected '&&', '||', ',' or ']' after the filter expression"));
        else
            jp_fail(p, p->pos, "%s", _("expected ',' or ']' after the selector"));
        return -1;
    }
}

/* Parses one segment (cursor on '.' or '[') and appends it to q. */
static int parse_segment(JpParser *p, JpQuery *q, size_t *blank)
{
    JpSeg *ns = realloc(q->segs, (q->nsegs + 1) * sizeof *ns);
    if (!ns) {
        jp_fail_oom(p);
        return -1;
    }
    q->segs = ns;
    JpSeg *g = &q->segs[q->nsegs++];
    memset(g, 0, sizeof *g);
    *blank = 0;
    if (jp_peek(p) == '[') return parse_bracket(p, g, blank);
    p->pos++; /* '.' */
    if (jp_peek(p) == '.') {
        p->pos++;
        g->descendant = true;
        if (jp_peek(p) == '[') return parse_bracket(p, g, blank);
    }
    JpSel *s = seg_add_sel(p, g);
    if (!s) return -1;
    if (jp_peek(p) == '*') {
        p->pos++;
        s->kind = JP_SEL_WILD;
        return 0;
    }
    if (at_name_first(p)) return parse_shorthand(p, s);
    if (jp_peek(p) >= 0x80)
        jp_fail(p, p->pos, "%s", _("invalid UTF-8 in a member name"));
    else if (g->descendant)
        jp_fail(p, p->pos, "%s", _("expected a member name, '*' or '[' after '..'"));
    else
        jp_fail(p, p->pos, "%s", _("expected a member name or '*' after '.'"));
    return -1;
}

/* Parses "$" or "@" and the segments after it. */
JpQuery *jp_parse_query(JpParser *p)
{
    JpQuery *q = calloc(1, sizeof *q);
    if (!q) {
        jp_fail_oom(p);
        return NULL;
    }
    q->absolute = p->s[p->pos] == '$';
    p->pos++;
    bool singular = true;
    for (;;) {
        size_t save = p->pos;
        jp_skip_blank(p);
        int c = jp_peek(p);
        if (c != '.' && c != '[') {
            p->pos = save;
            break;
        }
        size_t blank;
        if (parse_segment(p, q, &blank) < 0) goto fail;
        const JpSeg *g = &q->segs[q->nsegs - 1];
        if (g->descendant || g->nsels != 1 ||
            (g->sels[0].kind != JP_SEL_NAME && g->sels[0].kind != JP_SEL_INDEX))
            singular = false;
        else if (blank && !q->blank_pos)
            q->blank_pos = blank;
    }
    q->singular = singular && !q->blank_pos;
    if (!singular) q->blank_pos = 0;
    return q;
fail:
    jp_query_free(q);
    return NULL;
}

/* Compiles expr (NUL-terminated UTF-8) into a path; NULL and *err on failure. */
JpPath *jp_compile(const char *expr, JpError *err)
{
    JpError dummy;
    JpParser p = {.s = expr, .err = err ? err : &dummy};
    memset(p.err, 0, sizeof *p.err);
    if (!expr) {
        jp_fail(&p, 0, "%s", _("no expression given"));
        return NULL;
    }
    p.len = strlen(expr);
    if (jp_peek(&p) != '$') {
        jp_fail(&p, 0, "%s", _("a query must start with '$'"));
        return NULL;
    }
    JpQuery *q = jp_parse_query(&p);
    if (!q) return NULL;
    if (p.pos != p.len) {
        if (jp_is_blank(jp_peek(&p)))
            jp_fail(&p, p.pos, "%s",
                    _("blank space must be followed by a segment ('.', '..' or '['), not end the "
                      "query"));
        else
            jp_fail(&p, p.pos, "%s", _("expected '.', '..' or '[' to start a segment"));
        jp_query_free(q);
        return NULL;
    }
    JpPath *path = malloc(sizeof *path);
    if (!path) {
        jp_fail_oom(&p);
        jp_query_free(q);
        return NULL;
    }
    path->query = q;
    return path;
}
