/* config_public.c - the config without secrets, for thin consoles
 * (cfg_public_json(), see config.h): the source text parsed again, its
 * for_each templates expanded, and copied through a whitelist of keys, as
 * JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_internal.h"
#include "base/i18n.h"
#include "parse/ynode.h"

/* A whitelist: the keys of a mapping that are copied, and for each the rule
 * for its value (NULL: copied whole). */
typedef struct Keep Keep;
struct Keep {
    const char *key;
    const Keep *inner; /* the value is a mapping (or a list of mappings) filtered by inner */
};

static const Keep keep_ioc[] = {{"name", NULL}, {"timezone", NULL}, {"rotate", NULL},
                                {"demo", NULL}, {"theme", NULL},    {"language", NULL},
                                {NULL, NULL}};
static const Keep keep_feed[] = {{"id", NULL},
                                 {"name", NULL},
                                 {"name_en", NULL},
                                 {"format", NULL},
                                 {"interval", NULL},
                                 {"timeout", NULL},
                                 {"slow", NULL},
                                 {"number_format", NULL},
                                 {"csv_separator", NULL},
                                 {"kpis", NULL},
                                 {NULL, NULL}};
static const Keep keep_top[] = {{"ioc", keep_ioc}, {"defaults", NULL}, {"feeds", keep_feed},
                                {"rules", NULL},   {"pages", NULL},    {NULL, NULL}};

/* Appends s[0..n) as a JSON string. */
static void put_string(SBuf *b, const char *s, size_t n)
{
    sbuf_add(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\' && ch != 0x7f) continue;
        sbuf_add(b, s + start, i - start);
        char esc[8];
        if (ch == '"' || ch == '\\')
            snprintf(esc, sizeof(esc), "\\%c", ch);
        else
            snprintf(esc, sizeof(esc), "\\u%04x", ch);
        sbuf_puts(b, esc);
        start = i + 1;
    }
    sbuf_add(b, s + start, n - start);
    sbuf_add(b, "\"", 1);
}

/* True when s is a JSON number as written (RFC 8259 grammar). */
static bool json_number(const char *s)
{
    const char *p = s;
    if (*p == '-') p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return false;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* Appends a scalar: a plain null, boolean or JSON number stays bare (the
 * loader reads it the same), anything else becomes a string. */
static void put_scalar(SBuf *b, const YNode *n)
{
    if (n->plain && ynode_is_null(n))
        sbuf_puts(b, "null");
    else if (n->plain &&
             (strcmp(n->str, "true") == 0 || strcmp(n->str, "false") == 0 || json_number(n->str)))
        sbuf_puts(b, n->str);
    else
        put_string(b, n->str, n->len);
}

static void put_node(SBuf *b, const YNode *n, const Keep *keep);

/* Appends a mapping with only the keys of keep (all when keep is NULL). */
static void put_map(SBuf *b, const YNode *n, const Keep *keep)
{
    bool feed = keep == keep_feed;
    sbuf_add(b, "{", 1);
    bool first = true;
    for (size_t i = 0; i < n->n; i++) {
        const YNode *k = n->keys[i];
        const Keep *rule = NULL;
        if (keep) {
            for (rule = keep; rule->key && strcmp(rule->key, k->str) != 0; rule++)
                ;
            if (!rule->key) continue;
        }
        if (strcmp(k->str, "for_each") == 0) continue; /* a copy's label: the copies are written */
        if (!first) sbuf_add(b, ",", 1);
        first = false;
        put_string(b, k->str, k->len);
        sbuf_add(b, ":", 1);
        put_node(b, n->items[i], rule ? rule->inner : NULL);
    }
    if (feed) {
        if (!first) sbuf_add(b, ",", 1);
        sbuf_puts(b, "\"url\":\"" CFG_PUBLIC_URL "\"");
    }
    sbuf_add(b, "}", 1);
}

/* Appends node n; a list applies keep to each of its mappings. */
static void put_node(SBuf *b, const YNode *n, const Keep *keep)
{
    switch (n->kind) {
    case YNODE_SCALAR:
        put_scalar(b, n);
        break;
    case YNODE_MAP:
        put_map(b, n, keep);
        break;
    case YNODE_SEQ:
        sbuf_add(b, "[", 1);
        for (size_t i = 0; i < n->n; i++) {
            if (i) sbuf_add(b, ",", 1);
            put_node(b, n->items[i], keep);
        }
        sbuf_add(b, "]", 1);
        break;
    }
}

int cfg_public_json(const Config *c, SBuf *out, char *err, size_t errlen)
{
    if (!c || !c->source) {
        snprintf(err, errlen, "%s", _("the config's text is not available"));
        return -1;
    }
    Diag d;
    diag_init(&d);
    YNode *root = ynode_parse(c->source, c->source_len, c->file ? c->file : "", &d);
    Ld ld = {.file = c->file, .diag = &d};
    if (root && root->kind == YNODE_MAP)
        cfg_expand_for_each(&ld, root); /* the copies, not ${item} */
    diag_done(&d);
    if (!root || root->kind != YNODE_MAP || ld.errors) {
        ynode_free(root);
        snprintf(err, errlen, "%s", _("the config's text cannot be read again"));
        return -1;
    }
    put_map(out, root, keep_top);
    sbuf_add(out, "\n", 1);
    ynode_free(root);
    if (out->oom) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    return 0;
}
