/* ynode.h - a YAML document as a small tree of nodes that remember their position.
 *
 * Built with libyaml's event parser. Keys of a mapping are scalars; anchors,
 * aliases, tags and multi-document streams are rejected with a clear error, as
 * are duplicate keys. A tree owns all its nodes and strings; ynode_free() frees
 * it. Lookups return borrowed pointers into the tree. */
#ifndef IOC_YNODE_H
#define IOC_YNODE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef enum { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP } YNodeKind;

typedef struct YNode YNode;
struct YNode {
    YNodeKind kind;
    int line, col; /* 1-based position where the node starts */
    char *str;     /* scalar text, NUL-terminated UTF-8 (scalars only) */
    size_t len;    /* length of str in bytes */
    bool plain;    /* scalar written without quotes (null, numbers, booleans apply) */
    size_t n;      /* number of items (seq) or pairs (map) */
    YNode **items; /* seq: the items; map: the values */
    YNode **keys;  /* map: the keys, scalars, keys[i] goes with items[i] */
};

/* Parses one YAML document of len bytes. Returns the root node, or NULL after
 * adding errors (file:line:col) to diag. An empty document is an error. */
YNode *ynode_parse(const char *text, size_t len, const char *file, Diag *diag);

/* Frees a tree (NULL is fine). */
void ynode_free(YNode *n);

/* Returns the value for key in a mapping, or NULL (also when n is not a map). */
const YNode *ynode_get(const YNode *map, const char *key);

/* True for a plain scalar null: empty, "~", "null", "Null", "NULL". */
bool ynode_is_null(const YNode *n);

/* "scalar", "sequence" or "mapping", for messages. */
const char *ynode_kind_name(YNodeKind k);

#endif
