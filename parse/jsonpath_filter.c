/* jsonpath_filter.c - the filter-expression half of the RFC 9535 parser:
 * logical operators, comparisons, literals and function calls, with the
 * type checks of RFC 9535 section 2.4.3 (well-typedness of function
 * expressions, singular queries for comparisons). */
#include <stdlib.h>
#include <string.h>

#include "parse/jsonpath_internal.h"
#include "base/fmt.h"
#include "base/i18n.h"

/* One function extension: name, parameter types and result type. */
typedef struct {
    const char *name;
    JpFunc fn;
    size_t nparams;
    JpType params[2];
    JpType result;
} FuncDef;

static const FuncDef funcs[] = {
    {"length", JP_FN_LENGTH, 1, {JP_T_VALUE}, JP_T_VALUE},
    {"count", JP_FN_COUNT, 1, {JP_T_NODES}, JP_T_VALUE},
    {"match", JP_FN_MATCH, 2, {JP_T_VALUE, JP_T_VALUE}, JP_T_LOGICAL},
    {"search", JP_FN_SEARCH, 2, {JP_T_VALUE, JP_T_VALUE}, JP_T_LOGICAL},
    {"value", JP_FN_VALUE, 1, {JP_T_NODES}, JP_T_VALUE},
};

/* True for a character that may start a function name (LCALPHA). */
static bool is_lcalpha(int c)
{
    return c >= 'a' && c <= 'z';
}

/* Allocates a zeroed expression node of the given kind at pos. */
static JpExpr *expr_new(JpParser *p, JpExprKind kind, size_t pos)
{
    JpExpr *e = calloc(1, sizeof *e);
    if (!e) {
        jp_fail_oom(p);
        return NULL;
    }
    e->kind = kind;
    e->pos = pos;
    return e;
}

/* Parses a number literal (RFC 9535 "number", "-0" allowed) as a cJSON number. */
static cJSON *parse_number(JpParser *p)
{
    size_t start = p->pos;
    if (jp_peek(p) == '-') p->pos++;
    if (!jp_is_digit(jp_peek(p))) {
        jp_fail(p, p->pos, "%s", _("expected a digit after '-'"));
        return NULL;
    }
    if (jp_peek(p) == '0' && jp_is_digit(jp_peek_at(p, 1))) {
        jp_fail(p, start, "%s", _("leading zeros are not allowed in a number"));
        return NULL;
    }
    while (jp_is_digit(jp_peek(p)))
        p->pos++;
    if (jp_peek(p) == '.') {
        p->pos++;
        if (!jp_is_digit(jp_peek(p))) {
            jp_fail(p, p->pos, "%s", _("expected a digit after the decimal point"));
            return NULL;
        }
        while (jp_is_digit(jp_peek(p)))
            p->pos++;
    }
    if (jp_peek(p) == 'e' || jp_peek(p) == 'E') {
        p->pos++;
        if (jp_peek(p) == '+' || jp_peek(p) == '-') p->pos++;
        if (!jp_is_digit(jp_peek(p))) {
            jp_fail(p, p->pos, "%s", _("expected a digit in the exponent"));
            return NULL;
        }
        while (jp_is_digit(jp_peek(p)))
            p->pos++;
    }
    size_t n = p->pos - start, used = 0;
    double v = fmt_parse_double(p->s + start, n, &used); /* '.' whatever the locale */
    if (used != n) {                                     /* past what fmt_parse_double() reads */
        jp_fail(p, start, "%s", _("number literal too long"));
        return NULL;
    }
    cJSON *lit = cJSON_CreateNumber(v);
    if (!lit) jp_fail_oom(p);
    return lit;
}

/* Reads a function name or keyword [a-z][a-z0-9_]* and returns its length. */
static size_t ident_len(const JpParser *p)
{
    size_t n = 0;
    while (p->pos + n < p->len) {
        int c = (unsigned char)p->s[p->pos + n];
        if (!(is_lcalpha(c) || (n > 0 && (jp_is_digit(c) || c == '_')))) break;
        n++;
    }
    return n;
}

/* Parses a literal (string, number, true, false, null) if one is at the
 * cursor; returns NULL (without failing) when none starts here. */
static JpExpr *parse_literal(JpParser *p, bool *none)
{
    size_t start = p->pos;
    int c = jp_peek(p);
    cJSON *lit = NULL;
    *none = false;
    if (c == '\'' || c == '"') {
        JpBuf b;
        if (jp_parse_string(p, &b) < 0) return NULL;
        lit = cJSON_CreateString(b.s);
        free(b.s);
    } else if (c == '-' || jp_is_digit(c)) {
        lit = parse_number(p);
        if (!lit) return NULL;
    } else {
        size_t n = ident_len(p);
        bool call = p->pos + n < p->len && p->s[p->pos + n] == '(';
        if (!call && n == 4 && !strncmp(p->s + p->pos, "true", 4))
            lit = cJSON_CreateTrue();
        else if (!call && n == 5 && !strncmp(p->s + p->pos, "false", 5))
            lit = cJSON_CreateFalse();
        else if (!call && n == 4 && !strncmp(p->s + p->pos, "null", 4))
            lit = cJSON_CreateNull();
        else {
            *none = true;
            return NULL;
        }
        p->pos += n;
    }
    if (!lit) {
        jp_fail_oom(p);
        return NULL;
    }
    JpExpr *e = expr_new(p, JP_EX_LIT, start);
    if (!e) {
        cJSON_Delete(lit);
        return NULL;
    }
    e->lit = lit;
    return e;
}

/* Returns the declared result type of a function-call expression. */
static JpType func_result(const JpExpr *e)
{
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (funcs[i].fn == e->fn) return funcs[i].result;
    return JP_T_VALUE;
}

/* Returns the name of a function-call expression's function. */
static const char *func_name(const JpExpr *e)
{
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (funcs[i].fn == e->fn) return funcs[i].name;
    return "?";
}

/* Checks that e may be compared (RFC 9535 "comparable"): a literal, a
 * singular query, or a function returning a value. */
static int check_comparable(JpParser *p, const JpExpr *e)
{
    if (e->kind == JP_EX_QUERY && !e->query->singular) {
        if (e->query->blank_pos)
            jp_fail(p, e->query->blank_pos, "%s",
                    _("blank space inside '[...]' is not allowed in a compared query; write "
                      "@['a'] or @[0]"));
        else
            jp_fail(p, e->pos, "%s",
                    _("a query with more than one node cannot be compared (use a singular query "
                      "such as @.a)"));
        return -1;
    }
    if (e->kind == JP_EX_FUNC && func_result(e) != JP_T_VALUE) {
        jp_fail(p, e->pos,
                _("function '%s' returns a logical value and cannot be compared; use it alone as "
                  "a test"),
                func_name(e));
        return -1;
    }
    return 0;
}

/* Checks that e may stand alone as a test: a query or a function returning
 * a logical value or nodes. */
static int check_test(JpParser *p, const JpExpr *e)
{
    if (e->kind == JP_EX_LIT) {
        jp_fail(p, e->pos, "%s",
                _("a literal cannot stand alone in a filter; compare it with ==, !=, <, <=, > or "
                  ">="));
        return -1;
    }
    if (e->kind == JP_EX_FUNC && func_result(e) == JP_T_VALUE) {
        jp_fail(p, e->pos,
                _("function '%s' returns a value, not a test; compare it, e.g. %s(...) > 0"),
                func_name(e), func_name(e));
        return -1;
    }
    return 0;
}

/* Checks that e is a logical expression: an operator node or a valid test. */
int jp_check_logical(JpParser *p, const JpExpr *e)
{
    if (e->kind == JP_EX_OR || e->kind == JP_EX_AND || e->kind == JP_EX_NOT || e->kind == JP_EX_CMP)
        return 0;
    return check_test(p, e);
}

/* Checks argument number argn (1-based) of function f against its declared type. */
static int check_arg(JpParser *p, const FuncDef *f, size_t argn, const JpExpr *a)
{
    JpType t = f->params[argn - 1];
    bool ok;
    if (t == JP_T_VALUE) {
        if (a->kind == JP_EX_QUERY && !a->query->singular && a->query->blank_pos) {
            jp_fail(p, a->query->blank_pos, "%s",
                    _("blank space inside '[...]' is not allowed in a singular query; write "
                      "@['a'] or @[0]"));
            return -1;
        }
        ok = a->kind == JP_EX_LIT || (a->kind == JP_EX_QUERY && a->query->singular) ||
             (a->kind == JP_EX_FUNC && func_result(a) == JP_T_VALUE);
        if (!ok) {
            jp_fail(p, a->pos,
                    _("argument %zu of '%s' must be a single value: a literal, a singular query "
                      "such as @.a, or a function returning a value"),
                    argn, f->name);
            return -1;
        }
    } else if (t == JP_T_NODES) {
        ok = a->kind == JP_EX_QUERY || (a->kind == JP_EX_FUNC && func_result(a) == JP_T_NODES);
        if (!ok) {
            jp_fail(p, a->pos, _("argument %zu of '%s' must be a query such as @.* or @..a"), argn,
                    f->name);
            return -1;
        }
    } else {
        ok = a->kind != JP_EX_LIT && !(a->kind == JP_EX_FUNC && func_result(a) == JP_T_VALUE);
        if (!ok) {
            jp_fail(p, a->pos, _("argument %zu of '%s' must be a logical expression or a query"),
                    argn, f->name);
            return -1;
        }
    }
    return 0;
}

/* Reports a call of f with the wrong number of arguments. */
static void arity_fail(JpParser *p, size_t pos, const FuncDef *f)
{
    if (f->nparams == 1)
        jp_fail(p, pos, _("function '%s' expects 1 argument"), f->name);
    else
        jp_fail(p, pos, _("function '%s' expects %zu arguments"), f->name, f->nparams);
}

/* Parses a function call (cursor on its name, n bytes long). */
static JpExpr *parse_call(JpParser *p, size_t n)
{
    size_t start = p->pos;
    const FuncDef *f = NULL;
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (strlen(funcs[i].name) == n && !strncmp(funcs[i].name, p->s + start, n)) f = &funcs[i];
    if (!f) {
        jp_fail(p, start,
                _("unknown function '%.*s'; expected length, count, match, search or value"),
                (int)n, p->s + start);
        return NULL;
    }
    JpExpr *e = expr_new(p, JP_EX_FUNC, start);
    if (!e) return NULL;
    e->fn = f->fn;
    p->pos += n + 1; /* name and '(' */
    jp_skip_blank(p);
    if (jp_peek(p) == ')') {
        p->pos++;
    } else {
        for (;;) {
            size_t at = p->pos;
            JpExpr *a = jp_parse_logical(p);
            if (!a) goto fail;
            if (e->nargs == f->nparams) {
                jp_expr_free(a);
                arity_fail(p, at, f);
                goto fail;
            }
            e->args[e->nargs++] = a;
            jp_skip_blank(p);
            if (jp_peek(p) == ',') {
                p->pos++;
                jp_skip_blank(p);
                continue;
            }
            if (jp_peek(p) == ')') {
                p->pos++;
                break;
            }
            jp_fail(p, p->pos, _("expected ',' or ')' in the arguments of '%s'"), f->name);
            goto fail;
        }
    }
    if (e->nargs != f->nparams) {
        arity_fail(p, start, f);
        goto fail;
    }
    for (size_t i = 0; i < e->nargs; i++)
        if (check_arg(p, f, i + 1, e->args[i]) < 0) goto fail;
    if ((f->fn == JP_FN_MATCH || f->fn == JP_FN_SEARCH) && e->args[1]->kind == JP_EX_LIT &&
        cJSON_IsString(e->args[1]->lit)) {
        int rc = jp_regex_compile(&e->re, e->args[1]->lit->valuestring, f->fn == JP_FN_MATCH);
        if (rc < 0) {
            jp_fail_oom(p);
            goto fail;
        }
        e->re_state = rc == 0 ? JP_RE_OK : JP_RE_INVALID;
    }
    return e;
fail:
    jp_expr_free(e);
    return NULL;
}

/* Parses a comparable or test operand: a query, a literal or a function call. */
static JpExpr *parse_primary(JpParser *p)
{
    size_t start = p->pos;
    int c = jp_peek(p);
    if (c == '@' || c == '$') {
        JpExpr *e = expr_new(p, JP_EX_QUERY, start);
        if (!e) return NULL;
        e->query = jp_parse_query(p);
        if (!e->query) {
            jp_expr_free(e);
            return NULL;
        }
        return e;
    }
    bool none;
    JpExpr *lit = parse_literal(p, &none);
    if (lit || !none) return lit;
    size_t n = ident_len(p);
    if (n > 0 && jp_peek_at(p, n) == '(') return parse_call(p, n);
    size_t after = n;
    while (n > 0 && jp_is_blank(jp_peek_at(p, after)))
        after++;
    if (n > 0 && after > n && jp_peek_at(p, after) == '(')
        jp_fail(p, start + n, "%s", _("no blank space is allowed between a function name and '('"));
    else if (n > 0)
        jp_fail(p, start,
                _("unknown name '%.*s'; expected true, false, null or a function call such as "
                  "length(@)"),
                (int)n, p->s + start);
    else if (c < 0)
        jp_fail(p, start, "%s", _("expected a filter expression before the end of the query"));
    else
        jp_fail(p, start, "%s", _("expected a query (@ or $), a literal or a function call"));
    return NULL;
}

/* Parses a comparison operator at the cursor; returns false when there is none. */
static bool parse_cmp_op(JpParser *p, JpCmpOp *op)
{
    int c = jp_peek(p), d = jp_peek_at(p, 1);
    if (c == '=' && d == '=')
        *op = JP_OP_EQ;
    else if (c == '!' && d == '=')
        *op = JP_OP_NE;
    else if (c == '<' && d == '=')
        *op = JP_OP_LE;
    else if (c == '>' && d == '=')
        *op = JP_OP_GE;
    else if (c == '<' || c == '>') {
        *op = c == '<' ? JP_OP_LT : JP_OP_GT;
        p->pos++;
        return true;
    } else
        return false;
    p->pos += 2;
    return true;
}

/* Parses "( logical-expr )" (cursor on '('). */
static JpExpr *parse_paren(JpParser *p)
{
    size_t open = p->pos;
    if (p->depth >= JP_MAX_DEPTH) {
        jp_fail(p, open, _("expression nested too deeply (at most %d levels)"), JP_MAX_DEPTH);
        return NULL;
    }
    p->pos++;
    jp_skip_blank(p);
    JpExpr *e = jp_parse_logical(p);
    if (!e) return NULL;
    if (jp_check_logical(p, e) < 0) {
        jp_expr_free(e);
        return NULL;
    }
    jp_skip_blank(p);
    if (jp_peek(p) != ')') {
        jp_fail(p, p->pos, _("expected ')' to close the parenthesis opened at offset %zu"), open);
        jp_expr_free(e);
        return NULL;
    }
    p->pos++;
    return e;
}

/* Parses a basic-expr: a parenthesised or negated expression, a comparison
 * or a test. */
static JpExpr *parse_basic(JpParser *p)
{
    size_t start = p->pos;
    if (jp_peek(p) == '!') {
        p->pos++;
        jp_skip_blank(p);
        if (jp_peek(p) == '!') {
            jp_fail(p, p->pos, "%s",
                    _("'!' must be followed by '(', a query or a function call; write !(!...)"));
            return NULL;
        }
        JpExpr *inner = jp_peek(p) == '(' ? parse_paren(p) : parse_primary(p);
        if (!inner) return NULL;
        if (jp_check_logical(p, inner) < 0) {
            jp_expr_free(inner);
            return NULL;
        }
        size_t save = p->pos;
        JpCmpOp op;
        jp_skip_blank(p);
        if (parse_cmp_op(p, &op)) {
            jp_fail(p, save, "%s",
                    _("a negated test cannot be compared; write !(a == b) or a != b"));
            jp_expr_free(inner);
            return NULL;
        }
        p->pos = save;
        JpExpr *e = expr_new(p, JP_EX_NOT, start);
        if (!e) {
            jp_expr_free(inner);
            return NULL;
        }
        e->a = inner;
        return e;
    }
    if (jp_peek(p) == '(') return parse_paren(p);
    JpExpr *a = parse_primary(p);
    if (!a) return NULL;
    size_t save = p->pos;
    JpCmpOp op;
    jp_skip_blank(p);
    size_t oppos = p->pos;
    if (!parse_cmp_op(p, &op)) {
        if (jp_peek(p) == '=') {
            jp_fail(p, p->pos, "%s",
                    _("expected '==' to compare (a single '=' is not an operator)"));
            jp_expr_free(a);
            return NULL;
        }
        p->pos = save;
        return a; /* a test; jp_check_logical() or check_arg() judges it in context */
    }
    jp_skip_blank(p);
    JpExpr *e = expr_new(p, JP_EX_CMP, oppos);
    if (!e) {
        jp_expr_free(a);
        return NULL;
    }
    e->op = op;
    e->a = a;
    if (jp_peek(p) == '(' || jp_peek(p) == '!') {
        jp_fail(p, p->pos, "%s",
                _("expected a literal, a singular query or a function call after the comparison "
                  "operator"));
        jp_expr_free(e);
        return NULL;
    }
    e->b = parse_primary(p);
    if (!e->b || check_comparable(p, e->a) < 0 || check_comparable(p, e->b) < 0) {
        jp_expr_free(e);
        return NULL;
    }
    return e;
}

/* Parses operands joined by the two-character operator op ("&&" or "||")
 * into one flat node; next parses each operand. */
static JpExpr *parse_chain(JpParser *p, const char *op, JpExprKind kind,
                           JpExpr *(*next)(JpParser *))
{
    size_t start = p->pos;
    JpExpr *first = next(p);
    if (!first) return NULL;
    JpExpr *chain = NULL;
    for (;;) {
        size_t save = p->pos;
        jp_skip_blank(p);
        if (jp_peek(p) != op[0] || jp_peek_at(p, 1) != op[1]) {
            p->pos = save;
            break;
        }
        p->pos += 2;
        jp_skip_blank(p);
        if (!chain) {
            if (jp_check_logical(p, first) < 0) goto fail;
            chain = expr_new(p, kind, start);
            if (!chain) goto fail;
            chain->items = malloc(sizeof *chain->items);
            if (!chain->items) {
                jp_fail_oom(p);
                goto fail;
            }
            chain->items[chain->nitems++] = first;
            first = NULL;
        }
        JpExpr *b = next(p);
        if (!b) goto fail;
        if (jp_check_logical(p, b) < 0) {
            jp_expr_free(b);
            goto fail;
        }
        JpExpr **ni = realloc(chain->items, (chain->nitems + 1) * sizeof *ni);
        if (!ni) {
            jp_expr_free(b);
            jp_fail_oom(p);
            goto fail;
        }
        chain->items = ni;
        chain->items[chain->nitems++] = b;
    }
    return chain ? chain : first;
fail:
    jp_expr_free(first);
    jp_expr_free(chain);
    return NULL;
}

/* Parses a logical-and-expr. */
static JpExpr *parse_and(JpParser *p)
{
    return parse_chain(p, "&&", JP_EX_AND, parse_basic);
}

/* Parses a logical-or-expr (a whole logical-expr), bounding the nesting depth. */
JpExpr *jp_parse_logical(JpParser *p)
{
    if (p->depth >= JP_MAX_DEPTH) {
        jp_fail(p, p->pos, _("expression nested too deeply (at most %d levels)"), JP_MAX_DEPTH);
        return NULL;
    }
    p->depth++;
    JpExpr *e = parse_chain(p, "||", JP_EX_OR, parse_and);
    p->depth--;
    return e;
}
