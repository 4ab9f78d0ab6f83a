/* jsonpath_eval.c - jp_eval(): runs a compiled path over a cJSON document.
 *
 * Segments are applied breadth-first as RFC 9535 describes them; descendant
 * segments walk the document with an explicit stack, so document depth never
 * costs C stack. Recursion only follows the expression's own nesting, which
 * the parser bounds (JP_MAX_DEPTH). */
#include <stdlib.h>
#include <string.h>

#include "parse/jsonpath_internal.h"

/* Regexes compiled during one jp_eval() for patterns taken from the document. */
#define RE_CACHE 8

typedef struct {
    char *pat;
    bool whole;
    int state; /* 0 compiled, 1 unusable pattern */
    Regex *re; /* owned when state is 0 */
} ReEntry;

typedef struct {
    const cJSON *root;
    ReEntry cache[RE_CACHE];
    size_t ncache, next;
    size_t budget; /* node visits left in this evaluation */
    bool over;     /* the budget ran out: every caller unwinds with -1 */
} Ctx;

/* A comparable value: Nothing, a node (document or literal), or a number
 * computed by a function. */
typedef enum { JV_NOTHING, JV_NODE, JV_NUM } JvKind;

typedef struct {
    JvKind kind;
    const cJSON *node;
    double num;
} JVal;

static int eval_logical(Ctx *c, const JpExpr *e, const cJSON *cur);
static int eval_query(Ctx *c, const JpQuery *q, const cJSON *cur, JpNodeList *out, size_t limit);

/* Appends n to l; -1 on ENOMEM or when l would pass JP_MAX_NODES. */
static int nl_push(JpNodeList *l, const cJSON *n)
{
    if (l->len == l->cap) {
        if (l->cap >= JP_MAX_NODES) return -1;
        size_t cap = l->cap ? l->cap * 2 : 8;
        if (cap > JP_MAX_NODES) cap = JP_MAX_NODES;
        const cJSON **nn = realloc(l->nodes, cap * sizeof *nn);
        if (!nn) return -1;
        l->nodes = nn;
        l->cap = cap;
    }
    l->nodes[l->len++] = n;
    return 0;
}

/* Charges n node visits to the evaluation; false (and c->over set) once the
 * budget is spent, and the caller then fails with -1. */
static bool spend(Ctx *c, size_t n)
{
    if (c->over || n > c->budget) {
        c->over = true;
        c->budget = 0;
        return false;
    }
    c->budget -= n;
    return true;
}

/* True for a JSON array or object node. */
static bool is_container(const cJSON *n)
{
    return cJSON_IsArray(n) || cJSON_IsObject(n);
}

/* Returns the first member of object n named name (len bytes), or NULL. */
static const cJSON *find_member(const cJSON *n, const JpSel *s)
{
    if (!cJSON_IsObject(n) || s->name_has_nul) return NULL;
    for (const cJSON *ch = n->child; ch; ch = ch->next)
        if (ch->string && !strncmp(ch->string, s->name, s->name_len) &&
            ch->string[s->name_len] == '\0')
            return ch;
    return NULL;
}

/* Returns element idx of array n (negative counts from the end), or NULL. */
static const cJSON *array_at(const cJSON *n, int64_t idx)
{
    if (!cJSON_IsArray(n)) return NULL;
    if (idx < 0) {
        int64_t size = 0;
        for (const cJSON *ch = n->child; ch; ch = ch->next)
            size++;
        idx += size;
        if (idx < 0) return NULL;
    }
    const cJSON *ch = n->child;
    while (ch && idx-- > 0)
        ch = ch->next;
    return ch;
}

/* Appends the elements of array n that slice selector s picks (RFC 9535 2.3.4.2). */
static int apply_slice(Ctx *c, const JpSel *s, const cJSON *n, JpNodeList *out, size_t limit)
{
    if (!cJSON_IsArray(n) || s->step == 0) return 0;
    int64_t len = 0;
    for (const cJSON *ch = n->child; ch; ch = ch->next)
        len++;
    if (len == 0) return 0;
    if (!spend(c, (size_t)len)) return -1;
    int64_t step = s->step;
    int64_t start = s->has_start ? s->start : (step > 0 ? 0 : len - 1);
    int64_t end = s->has_end ? s->end : (step > 0 ? len : -len - 1);
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (step > 0) {
        int64_t lo = start < 0 ? 0 : (start > len ? len : start);
        int64_t hi = end < 0 ? 0 : (end > len ? len : end);
        const cJSON *ch = n->child;
        for (int64_t i = 0; ch && i < hi; i++, ch = ch->next) {
            if (i >= lo && (i - lo) % step == 0) {
                if (out->len >= limit) return 0;
                if (nl_push(out, ch) < 0) return -1;
            }
        }
        return 0;
    }
    int64_t hi = start < -1 ? -1 : (start > len - 1 ? len - 1 : start);
    int64_t lo = end < -1 ? -1 : (end > len - 1 ? len - 1 : end);
    if (hi <= lo) return 0;
    const cJSON **v = malloc((size_t)len * sizeof *v);
    if (!v) return -1;
    int64_t k = 0;
    for (const cJSON *ch = n->child; ch; ch = ch->next)
        v[k++] = ch;
    int rc = 0;
    for (int64_t i = hi; i > lo && out->len < limit; i += step) {
        if (nl_push(out, v[i]) < 0) {
            rc = -1;
            break;
        }
    }
    free(v);
    return rc;
}

/* Appends the nodes that selector s picks from node n, stopping at limit. */
static int apply_sel(Ctx *c, const JpSel *s, const cJSON *n, JpNodeList *out, size_t limit)
{
    if (out->len >= limit) return 0;
    switch (s->kind) {
    case JP_SEL_NAME: {
        const cJSON *m = find_member(n, s);
        return m ? nl_push(out, m) : 0;
    }
    case JP_SEL_INDEX: {
        const cJSON *m = array_at(n, s->index);
        return m ? nl_push(out, m) : 0;
    }
    case JP_SEL_WILD:
        if (!is_container(n)) return 0;
        for (const cJSON *ch = n->child; ch && out->len < limit; ch = ch->next)
            if (!spend(c, 1) || nl_push(out, ch) < 0) return -1;
        return 0;
    case JP_SEL_SLICE:
        return apply_slice(c, s, n, out, limit);
    case JP_SEL_FILTER:
        if (!is_container(n)) return 0;
        for (const cJSON *ch = n->child; ch && out->len < limit; ch = ch->next) {
            if (!spend(c, 1)) return -1;
            int r = eval_logical(c, s->filter, ch);
            if (r < 0 || (r > 0 && nl_push(out, ch) < 0)) return -1;
        }
        return 0;
    }
    return 0;
}

/* Appends the results of every selector of g applied to node n. */
static int apply_sels(Ctx *c, const JpSeg *g, const cJSON *n, JpNodeList *out, size_t limit)
{
    if (!spend(c, 1)) return -1;
    for (size_t i = 0; i < g->nsels && out->len < limit; i++)
        if (apply_sel(c, &g->sels[i], n, out, limit) < 0) return -1;
    return 0;
}

/* Appends the results of segment g applied to node n: for a descendant
 * segment, to n and each of its descendants in document order. */
static int apply_seg(Ctx *c, const JpSeg *g, const cJSON *n, JpNodeList *out, size_t limit)
{
    if (!g->descendant) return apply_sels(c, g, n, out, limit);
    if (apply_sels(c, g, n, out, limit) < 0) return -1;
    if (!is_container(n) || !n->child) return 0;
    /* Pre-order walk; stack[i] is the next node to visit at depth i. */
    JpNodeList stack = {0};
    int rc = nl_push(&stack, n->child);
    while (rc == 0 && stack.len > 0 && out->len < limit) {
        const cJSON *cur = stack.nodes[stack.len - 1];
        if (!cur) {
            stack.len--;
            continue;
        }
        stack.nodes[stack.len - 1] = cur->next;
        rc = apply_sels(c, g, cur, out, limit);
        if (rc == 0 && is_container(cur) && cur->child) rc = nl_push(&stack, cur->child);
    }
    jp_nodelist_free(&stack);
    return rc;
}

/* Returns the one node a singular query selects from cur, or NULL. */
static const cJSON *eval_singular(const Ctx *c, const JpQuery *q, const cJSON *cur)
{
    const cJSON *n = q->absolute ? c->root : cur;
    for (size_t i = 0; n && i < q->nsegs; i++) {
        const JpSel *s = &q->segs[i].sels[0];
        n = s->kind == JP_SEL_NAME ? find_member(n, s) : array_at(n, s->index);
    }
    return n;
}

/* Appends the nodes query q selects (from cur, or the root for $) to out,
 * stopping once out holds limit nodes. */
static int eval_query(Ctx *c, const JpQuery *q, const cJSON *cur, JpNodeList *out, size_t limit)
{
    const cJSON *start = q->absolute ? c->root : cur;
    if (out->len >= limit) return 0;
    if (q->singular) {
        const cJSON *n = eval_singular(c, q, cur);
        return n ? nl_push(out, n) : 0;
    }
    const cJSON *one[1] = {start};
    JpNodeList in = {.nodes = one, .len = 1, .cap = 1};
    bool own = false;
    int rc = 0;
    for (size_t i = 0; i < q->nsegs && rc == 0; i++) {
        bool last = i + 1 == q->nsegs;
        JpNodeList next = {0};
        JpNodeList *dst = last ? out : &next;
        size_t lim = last ? limit : SIZE_MAX;
        for (size_t k = 0; k < in.len && rc == 0 && dst->len < lim; k++)
            rc = apply_seg(c, &q->segs[i], in.nodes[k], dst, lim);
        if (own) jp_nodelist_free(&in);
        in = next;
        own = true;
    }
    if (own) jp_nodelist_free(&in);
    return rc;
}

/* Compares two JSON values for RFC 9535 equality (numbers by value, arrays
 * in order, objects regardless of member order). Returns 1, 0, or -1 on ENOMEM. */
static int json_equal(Ctx *c, const cJSON *a, const cJSON *b, int depth);

/* Orders object members by name for qsort. */
static int member_cmp(const void *x, const void *y)
{
    const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
    return strcmp(a->string ? a->string : "", b->string ? b->string : "");
}

/* Compares two objects of n members each, member by member. */
static int object_equal(Ctx *c, const cJSON *a, const cJSON *b, size_t n, int depth)
{
    if (n <= 16) {
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = b->child;
            while (y && strcmp(x->string ? x->string : "", y->string ? y->string : ""))
                y = y->next;
            if (!y) return 0;
            int r = json_equal(c, x, y, depth + 1);
            if (r != 1) return r;
        }
        return 1;
    }
    /* Large objects: sort both member lists by name, then walk them together. */
    const cJSON **va = malloc(2 * n * sizeof *va);
    if (!va) return -1;
    const cJSON **vb = va + n;
    size_t k = 0;
    for (const cJSON *x = a->child, *y = b->child; x && y; x = x->next, y = y->next, k++) {
        va[k] = x;
        vb[k] = y;
    }
    qsort(va, n, sizeof *va, member_cmp);
    qsort(vb, n, sizeof *vb, member_cmp);
    int r = 1;
    for (k = 0; k < n && r == 1; k++) {
        if (member_cmp(&va[k], &vb[k]) != 0)
            r = 0;
        else
            r = json_equal(c, va[k], vb[k], depth + 1);
    }
    free(va);
    return r;
}

/* Compares two JSON values for equality (see the declaration above). */
static int json_equal(Ctx *c, const cJSON *a, const cJSON *b, int depth)
{
    int ta = a->type & 0xFF, tb = b->type & 0xFF;
    if (ta != tb) return 0;
    if (depth > 4 * CJSON_NESTING_LIMIT)
        return 0; /* deeper than any parsed document: give up rather than overflow */
    switch (ta) {
    case cJSON_Number:
        return a->valuedouble == b->valuedouble;
    case cJSON_String:
    case cJSON_Raw:
        return !strcmp(a->valuestring ? a->valuestring : "", b->valuestring ? b->valuestring : "");
    case cJSON_Array: {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next) {
            if (!spend(c, 1)) return -1;
            int r = json_equal(c, x, y, depth + 1);
            if (r != 1) return r;
        }
        return !x && !y;
    }
    case cJSON_Object: {
        size_t na = 0, nb = 0;
        for (const cJSON *x = a->child; x; x = x->next)
            na++;
        for (const cJSON *y = b->child; y; y = y->next)
            nb++;
        if (!spend(c, na + nb)) return -1;
        if (na != nb) return 0;
        return object_equal(c, a, b, na, depth);
    }
    default: /* true, false, null: the type says it all */
        return 1;
    }
}

/* True for a string node with its text (nodes built in code could lack it). */
static bool is_text(const cJSON *n)
{
    return cJSON_IsString(n) && n->valuestring;
}

/* Gives the number a value holds, if it is a number. */
static bool jv_number(const JVal *v, double *d)
{
    if (v->kind == JV_NUM) {
        *d = v->num;
        return true;
    }
    if (v->kind == JV_NODE && cJSON_IsNumber(v->node)) {
        *d = v->node->valuedouble;
        return true;
    }
    return false;
}

/* RFC 9535 "==" on two comparables: 1, 0, or -1 on ENOMEM. */
static int jv_equal(Ctx *c, const JVal *a, const JVal *b)
{
    if (a->kind == JV_NOTHING || b->kind == JV_NOTHING) return a->kind == b->kind;
    double x, y;
    if (a->kind == JV_NUM || b->kind == JV_NUM) {
        if (!jv_number(a, &x) || !jv_number(b, &y)) return 0;
        return x == y;
    }
    return json_equal(c, a->node, b->node, 0);
}

/* RFC 9535 "<": numbers by value, strings by code points, else false. */
static bool jv_less(const JVal *a, const JVal *b)
{
    double x, y;
    if (jv_number(a, &x) && jv_number(b, &y)) return x < y;
    if (a->kind == JV_NODE && b->kind == JV_NODE && is_text(a->node) && is_text(b->node))
        return strcmp(a->node->valuestring, b->node->valuestring) < 0; /* UTF-8 keeps order */
    return false;
}

/* Counts the Unicode scalar values of a UTF-8 string. */
static double utf8_length(const char *s)
{
    double n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* Evaluates a ValueType expression (literal, singular query, function). */
static int eval_value(Ctx *c, const JpExpr *e, const cJSON *cur, JVal *v)
{
    v->kind = JV_NOTHING;
    v->node = NULL;
    if (e->kind == JP_EX_LIT) {
        v->kind = JV_NODE;
        v->node = e->lit;
        return 0;
    }
    if (e->kind == JP_EX_QUERY) {
        v->node = eval_singular(c, e->query, cur);
        v->kind = v->node ? JV_NODE : JV_NOTHING;
        return 0;
    }
    if (e->kind != JP_EX_FUNC) return 0;
    if (e->fn == JP_FN_LENGTH) {
        JVal a;
        if (eval_value(c, e->args[0], cur, &a) < 0) return -1;
        if (a.kind != JV_NODE) return 0;
        if (is_text(a.node)) {
            v->num = utf8_length(a.node->valuestring);
        } else if (is_container(a.node)) {
            v->num = 0;
            for (const cJSON *ch = a.node->child; ch; ch = ch->next)
                v->num++;
            if (!spend(c, (size_t)v->num)) return -1;
        } else {
            return 0;
        }
        v->kind = JV_NUM;
        return 0;
    }
    /* count() and value() take a nodes argument: a query. */
    const JpExpr *arg = e->args[0];
    if (arg->kind != JP_EX_QUERY) return 0;
    JpNodeList l = {0};
    if (eval_query(c, arg->query, cur, &l, e->fn == JP_FN_VALUE ? 2 : SIZE_MAX) < 0) {
        jp_nodelist_free(&l);
        return -1;
    }
    if (e->fn == JP_FN_COUNT) {
        v->kind = JV_NUM;
        v->num = (double)l.len;
    } else if (l.len == 1) {
        v->kind = JV_NODE;
        v->node = l.nodes[0];
    }
    jp_nodelist_free(&l);
    return 0;
}

/* Finds or compiles the regex for pattern pat in the per-evaluation cache;
 * returns it, or NULL when pat is unusable (*oom set on ENOMEM). */
static Regex *cached_regex(Ctx *c, const char *pat, bool whole, bool *oom)
{
    for (size_t i = 0; i < c->ncache; i++)
        if (c->cache[i].whole == whole && !strcmp(c->cache[i].pat, pat))
            return c->cache[i].state == 0 ? c->cache[i].re : NULL;
    char *copy = strdup(pat);
    if (!copy) {
        *oom = true;
        return NULL;
    }
    ReEntry *slot;
    if (c->ncache < RE_CACHE) {
        slot = &c->cache[c->ncache++];
    } else {
        slot = &c->cache[c->next];
        c->next = (c->next + 1) % RE_CACHE;
        free(slot->pat);
        rx_free(slot->re);
        slot->re = NULL;
    }
    slot->pat = copy;
    slot->whole = whole;
    int rc = jp_regex_compile(&slot->re, pat, whole);
    slot->state = rc == 0 ? 0 : 1;
    if (rc < 0) *oom = true;
    return rc == 0 ? slot->re : NULL;
}

/* Evaluates match() or search(): 1, 0, or -1 on ENOMEM. */
static int eval_regex(Ctx *c, const JpExpr *e, const cJSON *cur)
{
    JVal s, pat;
    if (eval_value(c, e->args[0], cur, &s) < 0 || eval_value(c, e->args[1], cur, &pat) < 0)
        return -1;
    if (s.kind != JV_NODE || !is_text(s.node)) return 0;
    Regex *re;
    if (e->re_state == JP_RE_OK) {
        re = e->re;
    } else if (e->re_state == JP_RE_INVALID) {
        return 0;
    } else {
        if (pat.kind != JV_NODE || !is_text(pat.node)) return 0;
        bool oom = false;
        re = cached_regex(c, pat.node->valuestring, e->fn == JP_FN_MATCH, &oom);
        if (oom) return -1;
        if (!re) return 0;
    }
    int m = rx_match(re, s.node->valuestring, strlen(s.node->valuestring));
    if (m == RX_LIMIT) { /* a pattern that backtracks without end costs the budget */
        c->over = true;
        return -1;
    }
    return m == RX_MATCH;
}

/* Evaluates a logical expression for current node cur: 1, 0, or -1 on error. */
static int eval_logical(Ctx *c, const JpExpr *e, const cJSON *cur)
{
    switch (e->kind) {
    case JP_EX_OR:
    case JP_EX_AND: {
        bool want = e->kind == JP_EX_OR;
        for (size_t i = 0; i < e->nitems; i++) {
            int r = eval_logical(c, e->items[i], cur);
            if (r < 0) return -1;
            if ((r == 1) == want) return want;
        }
        return !want;
    }
    case JP_EX_NOT: {
        int r = eval_logical(c, e->a, cur);
        return r < 0 ? -1 : !r;
    }
    case JP_EX_CMP: {
        JVal a, b;
        if (eval_value(c, e->a, cur, &a) < 0 || eval_value(c, e->b, cur, &b) < 0) return -1;
        int eq;
        switch (e->op) {
        case JP_OP_EQ:
            return jv_equal(c, &a, &b);
        case JP_OP_NE:
            eq = jv_equal(c, &a, &b);
            return eq < 0 ? -1 : !eq;
        case JP_OP_LT:
            return jv_less(&a, &b);
        case JP_OP_GT:
            return jv_less(&b, &a);
        case JP_OP_LE:
            return jv_less(&a, &b) ? 1 : jv_equal(c, &a, &b);
        case JP_OP_GE:
            return jv_less(&b, &a) ? 1 : jv_equal(c, &a, &b);
        }
        return 0;
    }
    case JP_EX_QUERY: {
        if (e->query->singular) return eval_singular(c, e->query, cur) != NULL;
        JpNodeList l = {0};
        int rc = eval_query(c, e->query, cur, &l, 1);
        bool any = l.len > 0;
        jp_nodelist_free(&l);
        return rc < 0 ? -1 : any;
    }
    case JP_EX_FUNC:
        if (e->fn == JP_FN_MATCH || e->fn == JP_FN_SEARCH) return eval_regex(c, e, cur);
        return 0; /* value-returning functions never reach here (type-checked) */
    case JP_EX_LIT:
        return 0;
    }
    return 0;
}

/* Appends the nodes p selects from root to out, within budget node visits
 * (see jsonpath.h). */
int jp_eval_budget(const JpPath *p, const cJSON *root, JpNodeList *out, size_t budget)
{
    if (!p || !root || !out) return JP_ERR_NOMEM;
    Ctx c = {.root = root, .budget = budget};
    size_t before = out->len;
    int rc = eval_query(&c, p->query, root, out, SIZE_MAX);
    if (rc < 0) {
        out->len = before; /* no partial results */
        rc = c.over ? JP_ERR_BUDGET : JP_ERR_NOMEM;
    }
    for (size_t i = 0; i < c.ncache; i++) {
        free(c.cache[i].pat);
        rx_free(c.cache[i].re);
    }
    return rc;
}

/* Appends the nodes p selects from root to out within the default budget. */
int jp_eval(const JpPath *p, const cJSON *root, JpNodeList *out)
{
    return jp_eval_budget(p, root, out, JP_DEFAULT_BUDGET);
}
