/* ynode.c - YAML to position-aware node tree (see ynode.h). */
#include "parse/ynode.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <yaml.h>

#include "base/i18n.h"

/* Deeper nesting than this is rejected: no config needs it, and it bounds recursion. */
#define YNODE_MAX_DEPTH 64

typedef struct {
    const char *file;
    Diag *diag;
    YNode *stack[YNODE_MAX_DEPTH];
    YNode *pending_key[YNODE_MAX_DEPTH]; /* map: key read, value not yet */
    int depth;
    YNode *root;
    bool failed;
} Builder;

/* Adds an error at a libyaml mark. */
static void err_at(Builder *b, yaml_mark_t m, const char *msg)
{
    diag_add(b->diag, DIAG_ERROR, b->file, (int)m.line + 1, (int)m.column + 1, "%s", msg);
    b->failed = true;
}

/* Allocates a node of kind k at mark m. */
static YNode *node_new(YNodeKind k, yaml_mark_t m)
{
    YNode *n = calloc(1, sizeof(*n));
    if (!n) return NULL;
    n->kind = k;
    n->line = (int)m.line + 1;
    n->col = (int)m.column + 1;
    return n;
}

void ynode_free(YNode *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->n; i++) {
        ynode_free(n->items[i]);
        if (n->keys) ynode_free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->str);
    free(n);
}

/* Appends child (and key, for maps) to parent; false on out of memory. The
 * arrays grow by doubling (their capacity is n rounded up to a power of two),
 * so a list of 40,000 feeds is not copied 40,000 times. */
static bool node_push(YNode *parent, YNode *key, YNode *child)
{
    size_t n = parent->n;
    if ((n & (n - 1)) == 0) { /* n is 0 or a power of two: the arrays are full */
        size_t cap = n ? n * 2 : 1;
        YNode **items = realloc(parent->items, cap * sizeof(*items));
        if (!items) return false;
        parent->items = items;
        if (parent->kind == YNODE_MAP) {
            YNode **keys = realloc(parent->keys, cap * sizeof(*keys));
            if (!keys) return false;
            parent->keys = keys;
        }
    }
    if (parent->kind == YNODE_MAP) parent->keys[parent->n] = key;
    parent->items[parent->n++] = child;
    return true;
}

/* Places a finished node into its parent (or as the root). Takes ownership. */
static void attach(Builder *b, YNode *n, yaml_mark_t m)
{
    if (b->depth == 0) {
        b->root = n;
        return;
    }
    int top = b->depth - 1;
    YNode *parent = b->stack[top];
    if (parent->kind == YNODE_SEQ) {
        if (!node_push(parent, NULL, n)) {
            ynode_free(n);
            err_at(b, m, _("out of memory"));
        }
        return;
    }
    if (!b->pending_key[top]) {
        if (n->kind != YNODE_SCALAR) {
            diag_add(b->diag, DIAG_ERROR, b->file, n->line, n->col, "%s",
                     _("a mapping key must be a plain value, not a sequence or mapping"));
            b->failed = true;
            ynode_free(n);
            return;
        }
        if (n->plain && strcmp(n->str, "<<") == 0) {
            err_at(b, m,
                   _("YAML merge keys (<<) are not supported: to repeat a feed or a panel for "
                     "several items, give it a for_each list (docs/config.md, Templating)"));
            ynode_free(n);
            return;
        }
        for (size_t i = 0; i < parent->n; i++) {
            if (strcmp(parent->keys[i]->str, n->str) == 0) {
                char msg[256];
                snprintf(msg, sizeof(msg), _("duplicate key '%.100s' (first given at line %d)"),
                         n->str, parent->keys[i]->line);
                err_at(b, m, msg);
                break;
            }
        }
        b->pending_key[top] = n;
        return;
    }
    YNode *key = b->pending_key[top];
    b->pending_key[top] = NULL;
    if (!node_push(parent, key, n)) {
        ynode_free(key);
        ynode_free(n);
        err_at(b, m, _("out of memory"));
    }
}

/* Opens a collection node: pushes it on the builder stack. */
static void open_node(Builder *b, YNodeKind k, yaml_mark_t m)
{
    if (b->depth >= YNODE_MAX_DEPTH) {
        err_at(b, m, _("nesting is too deep"));
        return;
    }
    YNode *n = node_new(k, m);
    if (!n) {
        err_at(b, m, _("out of memory"));
        return;
    }
    b->stack[b->depth] = n;
    b->pending_key[b->depth] = NULL;
    b->depth++;
}

/* Closes the innermost collection and attaches it to its parent. */
static void close_node(Builder *b, yaml_mark_t m)
{
    YNode *n = b->stack[--b->depth];
    ynode_free(b->pending_key[b->depth]);
    b->pending_key[b->depth] = NULL;
    attach(b, n, m);
}

/* The 1-based line and column (in characters) of byte offset off in text;
 * a line ends at LF, CR LF or a lone CR. */
static void offset_pos(const char *text, size_t len, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    if (off > len) off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= len || text[i + 1] != '\n'))) {
            (*line)++;
            *col = 1;
        } else if (c != '\r' && (c & 0xC0) != 0x80) {
            (*col)++; /* UTF-8 continuation bytes belong to the previous character */
        }
    }
}

/* Rejects an explicit tag (!!binary, !!python/object, !x) on a node: ioc
 * gives values no types beyond what its schema says. False when there was one. */
static bool no_tag(Builder *b, const yaml_event_t *ev, const unsigned char *tag)
{
    if (!tag) return true;
    char msg[200];
    snprintf(msg, sizeof(msg), _("YAML tags ('%.60s') are not supported"), (const char *)tag);
    err_at(b, ev->start_mark, msg);
    return false;
}

/* Rewrites scalar n's text in Unicode NFC, so that names typed with
 * combining marks (NFD) show, measure and match as composed ones. Text with
 * a NUL byte or that is not UTF-8 is left as it is (the loader reports it). */
static void nfc(YNode *n)
{
    if (strlen(n->str) != n->len) return;
    char *c = (char *)utf8proc_NFC((const utf8proc_uint8_t *)n->str);
    if (!c) return;
    free(n->str);
    n->str = c;
    n->len = strlen(c);
}

/* Handles one parser event; false to stop. */
static bool on_event(Builder *b, yaml_event_t *ev, int *docs)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*docs > 1) {
            err_at(b, ev->start_mark, _("only one YAML document is allowed (found '---')"));
            return false;
        }
        return true;
    case YAML_ALIAS_EVENT:
        if (!b->failed) /* after a merge key, its error says it all */
            err_at(b, ev->start_mark,
                   _("YAML aliases (*name) are not supported: to repeat a feed or a panel for "
                     "several items, give it a for_each list (docs/config.md, Templating)"));
        return false;
    case YAML_SCALAR_EVENT: {
        if (ev->data.scalar.anchor) {
            err_at(b, ev->start_mark,
                   _("YAML anchors (&name) are not supported: to repeat a feed or a panel for "
                     "several items, give it a for_each list (docs/config.md, Templating)"));
            return false;
        }
        if (!no_tag(b, ev, ev->data.scalar.tag)) return false;
        YNode *n = node_new(YNODE_SCALAR, ev->start_mark);
        if (n) n->str = malloc(ev->data.scalar.length + 1);
        if (!n || !n->str) {
            ynode_free(n);
            err_at(b, ev->start_mark, _("out of memory"));
            return false;
        }
        memcpy(n->str, ev->data.scalar.value, ev->data.scalar.length);
        n->str[ev->data.scalar.length] = '\0';
        n->len = ev->data.scalar.length;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        nfc(n);
        attach(b, n, ev->start_mark);
        return true;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        unsigned char *anchor = ev->type == YAML_SEQUENCE_START_EVENT
                                    ? ev->data.sequence_start.anchor
                                    : ev->data.mapping_start.anchor;
        if (anchor) {
            err_at(b, ev->start_mark,
                   _("YAML anchors (&name) are not supported: to repeat a feed or a panel for "
                     "several items, give it a for_each list (docs/config.md, Templating)"));
            return false;
        }
        if (!no_tag(b, ev,
                    ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.tag
                                                          : ev->data.mapping_start.tag))
            return false;
        open_node(b, ev->type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQ : YNODE_MAP, ev->start_mark);
        return !b->failed;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        close_node(b, ev->start_mark);
        return true;
    default:
        return true;
    }
}

YNode *ynode_parse(const char *text, size_t len, const char *file, Diag *diag)
{
    Builder b = {.file = file, .diag = diag};
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        diag_add(diag, DIAG_ERROR, file, 0, 0, "%s", _("out of memory"));
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int docs = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            yaml_mark_t m = p.problem_mark;
            char msg[300];
            if (p.error == YAML_READER_ERROR) {
                /* The reader gives a byte offset, not a mark: point at the byte. */
                int line, col;
                offset_pos(text, len, p.problem_offset, &line, &col);
                m.line = (size_t)(line - 1);
                m.column = (size_t)(col - 1);
            }
            if (p.error == YAML_READER_ERROR && p.problem_value >= 0 && p.problem_value < 0x100 &&
                p.problem_offset < len)
                snprintf(msg, sizeof(msg), "%s (byte 0x%02x)",
                         p.problem ? p.problem : "invalid character",
                         (unsigned)(unsigned char)text[p.problem_offset]);
            else if (m.index < len && text[m.index] == '\t')
                snprintf(msg, sizeof(msg), "%s",
                         _("a tab cannot be used for indentation in YAML (use spaces)"));
            else if (p.context)
                snprintf(msg, sizeof(msg), "%s %s", p.problem ? p.problem : "syntax error",
                         p.context);
            else
                snprintf(msg, sizeof(msg), "%s", p.problem ? p.problem : "syntax error");
            err_at(&b, m, msg);
            break;
        }
        bool done = ev.type == YAML_STREAM_END_EVENT;
        bool go = on_event(&b, &ev, &docs);
        yaml_event_delete(&ev);
        if (done || !go) break;
    }
    yaml_parser_delete(&p);
    while (b.depth > 0) {
        b.depth--;
        ynode_free(b.pending_key[b.depth]);
        ynode_free(b.stack[b.depth]);
    }
    if (b.failed) {
        ynode_free(b.root);
        return NULL;
    }
    if (!b.root) {
        diag_add(diag, DIAG_ERROR, file, 1, 1, "%s", _("the document is empty"));
        return NULL;
    }
    return b.root;
}

const YNode *ynode_get(const YNode *map, const char *key)
{
    if (!map || map->kind != YNODE_MAP) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->str, key) == 0) return map->items[i];
    return NULL;
}

bool ynode_is_null(const YNode *n)
{
    if (!n || n->kind != YNODE_SCALAR || !n->plain) return false;
    return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
           strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

const char *ynode_kind_name(YNodeKind k)
{
    switch (k) {
    case YNODE_SCALAR:
        return _("a value");
    case YNODE_SEQ:
        return _("a list");
    case YNODE_MAP:
        return _("a mapping");
    }
    return "?";
}
