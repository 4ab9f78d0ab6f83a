/* jsonpath_internal.h - private types shared by the jsonpath_*.c files.
 *
 * jp_compile() (jsonpath_parse.c) builds the syntax tree below; jp_eval()
 * (jsonpath_eval.c) walks it; match() and search() run I-Regexp (RFC 9485)
 * patterns through parse/regex.h (PCRE2). Every pointer in the tree
 * is owned by its parent node and freed by jp_free() (jsonpath.c). */
#ifndef IOC_JSONPATH_INTERNAL_H
#define IOC_JSONPATH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/jsonpath.h"
#include "parse/regex.h"
#include "base/sbuf.h"

/* Deepest nesting of parentheses, filters, negations and function calls. */
#define JP_MAX_DEPTH 64
/* Largest node list jp_eval() builds (final or intermediate); past it the
 * evaluation fails as on ENOMEM, so that a query such as $..*..*..* on a deep
 * document cannot take all memory. */
#define JP_MAX_NODES ((size_t)1 << 22)
/* Largest |index| a query may contain (I-JSON exact integers). */
#define JP_MAX_INT ((int64_t)9007199254740991)

typedef struct JpExpr JpExpr;

typedef enum { JP_SEL_NAME, JP_SEL_WILD, JP_SEL_INDEX, JP_SEL_SLICE, JP_SEL_FILTER } JpSelKind;

typedef struct {
    JpSelKind kind;
    char *name; /* JP_SEL_NAME: decoded UTF-8, may hold NUL bytes */
    size_t name_len;
    int64_t index;            /* JP_SEL_INDEX */
    int64_t start, end, step; /* JP_SEL_SLICE */
    bool has_start, has_end;  /* JP_SEL_SLICE: bounds given explicitly */
    bool name_has_nul;        /* JP_SEL_NAME: never matches a cJSON key */
    JpExpr *filter;           /* JP_SEL_FILTER */
} JpSel;

typedef struct {
    bool descendant; /* ".." segment */
    JpSel *sels;
    size_t nsels;
} JpSeg;

typedef struct {
    bool absolute;    /* starts at $ (else at @) */
    bool singular;    /* only name/index child segments: yields at most one node */
    size_t blank_pos; /* offset of blank space inside a bracket that spoils singularity, or 0 */
    JpSeg *segs;
    size_t nsegs;
} JpQuery;

struct JpPath {
    JpQuery *query;
};

/* The three types of RFC 9535 section 2.4.1. */
typedef enum { JP_T_VALUE, JP_T_LOGICAL, JP_T_NODES } JpType;

typedef enum { JP_FN_LENGTH, JP_FN_COUNT, JP_FN_MATCH, JP_FN_SEARCH, JP_FN_VALUE } JpFunc;

typedef enum { JP_OP_EQ, JP_OP_NE, JP_OP_LT, JP_OP_LE, JP_OP_GT, JP_OP_GE } JpCmpOp;

typedef enum {
    JP_EX_OR,    /* a || b */
    JP_EX_AND,   /* a && b */
    JP_EX_NOT,   /* !a */
    JP_EX_CMP,   /* a op b, both comparables */
    JP_EX_QUERY, /* filter query: existence test, nodes argument or singular value */
    JP_EX_FUNC,  /* function call */
    JP_EX_LIT    /* literal value */
} JpExprKind;

/* State of a regex compiled ahead of time for a literal pattern. */
typedef enum { JP_RE_NONE, JP_RE_OK, JP_RE_INVALID } JpReState;

struct JpExpr {
    JpExprKind kind;
    size_t pos;     /* offset in the expression, for error messages */
    JpCmpOp op;     /* JP_EX_CMP */
    JpExpr *a, *b;  /* JP_EX_CMP operands; JP_EX_NOT uses a */
    JpExpr **items; /* JP_EX_OR, JP_EX_AND operands (flat, never nested chains) */
    size_t nitems;
    JpQuery *query;  /* JP_EX_QUERY */
    cJSON *lit;      /* JP_EX_LIT: owned */
    JpFunc fn;       /* JP_EX_FUNC */
    JpExpr *args[2]; /* JP_EX_FUNC */
    size_t nargs;
    JpReState re_state; /* JP_EX_FUNC match/search with a literal pattern */
    Regex *re;          /* compiled when re_state is JP_RE_OK (owned) */
};

/* A growable byte string (ioc/sbuf.h); oom is set and further writes ignored on ENOMEM. */
typedef SBuf JpBuf;

/* Appends n bytes of s to b. */
#define jp_buf_put sbuf_add

/* Appends one byte to b. */
void jp_buf_putc(JpBuf *b, char c);

/* Appends the UTF-8 encoding of code point cp to b. */
void jp_buf_put_cp(JpBuf *b, uint32_t cp);

/* Decodes the UTF-8 scalar value starting at s[*i] (len bytes in all) and
 * advances *i past it. Returns -1 (and leaves *i) for an invalid, overlong or
 * surrogate sequence. */
long jp_utf8_decode(const char *s, size_t len, size_t *i);

/* Parser state shared by jsonpath_parse.c and jsonpath_filter.c. */
typedef struct {
    const char *s; /* the expression */
    size_t len, pos;
    int depth; /* current nesting of logical expressions */
    JpError *err;
    bool failed; /* an error was recorded (only the first one is kept) */
} JpParser;

/* Records the first parse error: where it happened and what was expected. */
__attribute__((format(printf, 3, 4))) void jp_fail(JpParser *p, size_t pos, const char *fmt, ...);

/* Records an out-of-memory failure. */
void jp_fail_oom(JpParser *p);

/* Returns the byte at the cursor, or -1 at the end of the expression. */
static inline int jp_peek(const JpParser *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* Returns the byte k places after the cursor, or -1 past the end. */
static inline int jp_peek_at(const JpParser *p, size_t k)
{
    return p->pos + k < p->len ? (unsigned char)p->s[p->pos + k] : -1;
}

/* True for RFC 9535 blank space: space, tab, line feed, carriage return. */
static inline bool jp_is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True for an ASCII digit. */
static inline bool jp_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Skips blank space; returns true when there was some. */
bool jp_skip_blank(JpParser *p);

/* Parses a single- or double-quoted string literal (cursor on the quote)
 * into out, a new buffer the caller frees. */
int jp_parse_string(JpParser *p, JpBuf *out);

/* Parses "$" or "@" (at the cursor) and the segments after it. */
JpQuery *jp_parse_query(JpParser *p);

/* Parses a logical-expr (or, in a function argument, any expression),
 * bounding the nesting depth; type checks of the context are the caller's. */
JpExpr *jp_parse_logical(JpParser *p);

/* Checks that e may stand as a logical expression (not a bare literal or a
 * value-returning function); records an error and returns -1 if not. */
int jp_check_logical(JpParser *p, const JpExpr *e);

/* Frees a query and everything below it (NULL is fine). */
void jp_query_free(JpQuery *q);

/* Frees an expression and everything below it (NULL is fine). */
void jp_expr_free(JpExpr *e);

/* Compiles pat (I-Regexp) into *re, anchored at both ends when whole is
 * true. Returns 0 on success, 1 when pat is not a usable I-Regexp (the caller
 * then treats every match as false), -1 on ENOMEM. */
int jp_regex_compile(Regex **re, const char *pat, bool whole);

#endif
