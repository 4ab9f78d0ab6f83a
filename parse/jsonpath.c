/* jsonpath.c - freeing compiled paths and node lists, and the small UTF-8 and
 * string-builder helpers the parser and evaluator share; I-Regexp patterns
 * compiled on PCRE2 (parse/regex.h). */
#include <stdlib.h>
#include <string.h>

#include "parse/jsonpath_internal.h"

/* Frees a query and everything below it (NULL is fine). */
void jp_query_free(JpQuery *q)
{
    if (!q) return;
    for (size_t i = 0; i < q->nsegs; i++) {
        JpSeg *g = &q->segs[i];
        for (size_t j = 0; j < g->nsels; j++) {
            free(g->sels[j].name);
            jp_expr_free(g->sels[j].filter);
        }
        free(g->sels);
    }
    free(q->segs);
    free(q);
}

/* Frees an expression and everything below it (NULL is fine). */
void jp_expr_free(JpExpr *e)
{
    if (!e) return;
    jp_expr_free(e->a);
    jp_expr_free(e->b);
    for (size_t i = 0; i < e->nitems; i++)
        jp_expr_free(e->items[i]);
    free(e->items);
    jp_query_free(e->query);
    if (e->lit) cJSON_Delete(e->lit);
    for (size_t i = 0; i < e->nargs; i++)
        jp_expr_free(e->args[i]);
    rx_free(e->re);
    free(e);
}

/* Frees a compiled path (NULL is fine). */
void jp_free(JpPath *p)
{
    if (!p) return;
    jp_query_free(p->query);
    free(p);
}

static bool query_has_desc(const JpQuery *q);

/* True when expression e holds a query with a descendant segment anywhere. */
static bool expr_has_desc(const JpExpr *e)
{
    if (!e) return false;
    if (expr_has_desc(e->a) || expr_has_desc(e->b)) return true;
    for (size_t i = 0; i < e->nitems; i++)
        if (expr_has_desc(e->items[i])) return true;
    for (size_t i = 0; i < e->nargs; i++)
        if (expr_has_desc(e->args[i])) return true;
    return e->query && query_has_desc(e->query);
}

/* True when query q, or a filter inside it, has a descendant segment. */
static bool query_has_desc(const JpQuery *q)
{
    for (size_t i = 0; i < q->nsegs; i++) {
        if (q->segs[i].descendant) return true;
        for (size_t j = 0; j < q->segs[i].nsels; j++)
            if (expr_has_desc(q->segs[i].sels[j].filter)) return true;
    }
    return false;
}

static bool query_nested(const JpQuery *q, size_t *pos);

/* Offset of the leftmost part of expression e (an operator records its own
 * offset, after its left operand). */
static size_t expr_start(const JpExpr *e)
{
    size_t pos = e->pos;
    const JpExpr *sub[] = {e->a, e->b, e->nargs > 0 ? e->args[0] : NULL,
                           e->nitems > 0 ? e->items[0] : NULL};
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        if (!sub[i]) continue;
        size_t p = expr_start(sub[i]);
        if (p < pos) pos = p;
    }
    return pos;
}

/* Looks for a nested descendant filter in the queries of expression e. */
static bool expr_nested(const JpExpr *e, size_t *pos)
{
    if (!e) return false;
    if (expr_nested(e->a, pos) || expr_nested(e->b, pos)) return true;
    for (size_t i = 0; i < e->nitems; i++)
        if (expr_nested(e->items[i], pos)) return true;
    for (size_t i = 0; i < e->nargs; i++)
        if (expr_nested(e->args[i], pos)) return true;
    return e->query && query_nested(e->query, pos);
}

/* Looks for a filter in a descendant segment of q, or in a segment after
 * one (it runs for each node the descendant segment found), or in a query
 * inside a filter of q, that has a descendant segment itself; sets *pos to it. */
static bool query_nested(const JpQuery *q, size_t *pos)
{
    bool after_desc = false;
    for (size_t i = 0; i < q->nsegs; i++) {
        const JpSeg *g = &q->segs[i];
        after_desc = after_desc || g->descendant;
        for (size_t j = 0; j < g->nsels; j++) {
            const JpExpr *f = g->sels[j].filter;
            if (!f) continue;
            if (after_desc && expr_has_desc(f)) {
                *pos = expr_start(f);
                return true;
            }
            if (expr_nested(f, pos)) return true;
        }
    }
    return false;
}

/* Finds a descendant segment inside a filter of a descendant segment (see jsonpath.h). */
bool jp_nested_descendant(const JpPath *p, size_t *pos)
{
    size_t where = 0;
    bool found = p && p->query && query_nested(p->query, &where);
    if (pos) *pos = found ? where : 0;
    return found;
}

/* Empties a node list and frees its array. */
void jp_nodelist_free(JpNodeList *l)
{
    if (!l) return;
    free(l->nodes);
    l->nodes = NULL;
    l->len = l->cap = 0;
}

/* Appends one byte to b. */
void jp_buf_putc(JpBuf *b, char c)
{
    jp_buf_put(b, &c, 1);
}

/* Appends the UTF-8 encoding of code point cp to b. */
void jp_buf_put_cp(JpBuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    jp_buf_put(b, u, n);
}

/* Decodes the UTF-8 scalar value starting at s[*i] and advances *i past it;
 * returns -1 for an invalid, truncated, overlong or surrogate sequence. */
long jp_utf8_decode(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t left = len - *i;
    if (left == 0) return -1;
    unsigned char c = u[0];
    size_t n;
    long cp, min;
    if (c < 0x80) {
        *i += 1;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (left < n) return -1;
    for (size_t k = 1; k < n; k++) {
        if ((u[k] & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (u[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *i += n;
    return cp;
}

/* Compiles an I-Regexp pattern for match() (whole) or search() (see
 * jsonpath_internal.h). */
int jp_regex_compile(Regex **re, const char *pat, bool whole)
{
    char why[160];
    bool oom = false;
    *re = rx_compile(pat, strlen(pat), whole ? RX_IREGEXP_MATCH : RX_IREGEXP_SEARCH, why,
                     sizeof(why), &oom);
    if (*re) return 0;
    return oom ? -1 : 1;
}
