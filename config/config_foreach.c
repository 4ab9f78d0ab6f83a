/* config_foreach.c - for_each templates: a feed (or a panel) with
 * `for_each: [a, b]` (or a comma-separated list from the environment,
 * `for_each: "${PROVINCES}"`) stands for one copy per item, with ${item}
 * (or ${item.KEY} for items that are mappings) replaced in every text value.
 *
 * The expansion works on the YAML tree before the loader reads it: each
 * template is replaced in its list by its copies, whose nodes keep the
 * template's line and column, so that any error in a copy points at the
 * template. A copy keeps a `for_each` key whose value is the item's label
 * at the for_each's position: the loader names the item in messages
 * (cfg_foreach_begin()) and shows the template's warnings once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "base/i18n.h"
#include "base/sbuf.h"

/* Items one for_each may have. */
#define MAX_ITEMS 1000
/* Longest item (or item value), in bytes. */
#define MAX_ITEM_LEN 256
/* Nodes all expansions of one config may create, and their text in bytes:
 * the bounds of a config that a 4 MiB file could otherwise multiply. */
#define MAX_NODES 1000000
#define MAX_BYTES (64u << 20)
/* Items whose errors are shown, per template; the others are counted. */
#define SHOWN_ITEMS 3

/* One item: a scalar (n_keys 0, value) or a mapping of scalars. */
typedef struct {
    const char *value; /* scalar item (borrowed or in owned) */
    const YNode *map;  /* mapping item, or NULL */
    char *owned;       /* an item split from a comma-separated list */
    const char *label; /* for messages */
} Item;

/* What is left of the expansion budget. */
typedef struct {
    size_t nodes, bytes;
} Budget;

/* True when s (len bytes) is a valid item text: not empty, at most
 * MAX_ITEM_LEN bytes, no '$' (it would be read as ${ENV} in urls and
 * headers) and no control character. Else reports why at node at. */
static bool item_ok(Ld *ld, const YNode *at, const char *s, size_t len)
{
    const char *why = NULL;
    if (len == 0)
        why = _("a for_each item must not be empty");
    else if (len > MAX_ITEM_LEN)
        why = _("a for_each item is at most 256 bytes");
    else
        for (size_t i = 0; i < len && !why; i++)
            if (s[i] == '$')
                why = _("a for_each item must not contain '$'");
            else if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                why = _("a for_each item must not contain control characters");
    if (why) ld_err(ld, at->line, at->col, "%s", why);
    return !why;
}

/* True when key is a name ${item.KEY} can use: letters, digits, '_'. */
static bool key_ok(const char *key)
{
    if (!*key) return false;
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return true;
}

/* Reads one list item node into it; false after an error. */
static bool read_item(Ld *ld, const YNode *n, Item *it)
{
    if (n->kind == YNODE_SCALAR && !ynode_is_null(n)) {
        it->value = it->label = n->str;
        return item_ok(ld, n, n->str, n->len);
    }
    if (n->kind != YNODE_MAP || n->n == 0) {
        ld_err(ld, n->line, n->col,
               _("expected a for_each item (a text, or a mapping of texts), got %s"), ld_kind(n));
        return false;
    }
    it->map = n;
    for (size_t i = 0; i < n->n; i++) {
        const YNode *v = n->items[i];
        if (!key_ok(n->keys[i]->str)) {
            ld_err(ld, n->keys[i]->line, n->keys[i]->col,
                   _("a for_each item's key is letters, digits and '_' (got '%.40s')"),
                   n->keys[i]->str);
            return false;
        }
        if (v->kind != YNODE_SCALAR || ynode_is_null(v)) {
            ld_err(ld, v->line, v->col, _("expected a text for '%.40s', got %s"), n->keys[i]->str,
                   ld_kind(v));
            return false;
        }
        if (!item_ok(ld, v, v->str, v->len)) return false;
    }
    const YNode *id = ynode_get(n, "id");
    it->label = id ? id->str : n->items[0]->str;
    return true;
}

/* Frees the items read by read_items(). */
static void free_items(Item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].owned);
    free(items);
}

/* Splits text (a comma-separated list, spaces around items ignored) into
 * items; false after an error at node fe. */
static bool split_items(Ld *ld, const YNode *fe, const char *text, Item **out, size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    if (cap > MAX_ITEMS) {
        ld_err(ld, fe->line, fe->col, _("for_each has %zu items; at most %d"), cap, MAX_ITEMS);
        return false;
    }
    Item *items = ld_calloc(ld, fe, cap, sizeof(*items));
    if (!items) return false;
    const char *p = text;
    for (size_t i = 0; i < cap; i++) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        items[i].owned = malloc((size_t)(b - a) + 1);
        if (!items[i].owned) {
            ld_err(ld, fe->line, fe->col, "%s", _("out of memory"));
            free_items(items, cap);
            return false;
        }
        memcpy(items[i].owned, a, (size_t)(b - a));
        items[i].owned[b - a] = '\0';
        items[i].value = items[i].label = items[i].owned;
        if (!item_ok(ld, fe, a, (size_t)(b - a))) {
            free_items(items, cap);
            return false;
        }
        p = *end ? end + 1 : end;
    }
    *out = items;
    *n = cap;
    return true;
}

/* Reads the items of for_each node fe: a list, or a text (${ENV} expanded)
 * holding a comma-separated list. False after an error. */
static bool read_items(Ld *ld, const YNode *fe, Item **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (fe->kind == YNODE_SCALAR && !ynode_is_null(fe)) {
        char *text = NULL;
        if (!ld_expand(ld, fe, &text)) return false;
        bool ok = split_items(ld, fe, text, out, n);
        free(text);
        return ok;
    }
    if (fe->kind != YNODE_SEQ || fe->n == 0) {
        ld_err(ld, fe->line, fe->col,
               _("for_each needs a list of items ([a, b]) or a text with a comma-separated list "
                 "(\"${PROVINCES}\"), got %s"),
               fe->kind == YNODE_SEQ ? _("an empty list") : ld_kind(fe));
        return false;
    }
    if (fe->n > MAX_ITEMS) {
        ld_err(ld, fe->line, fe->col, _("for_each has %zu items; at most %d"), fe->n, MAX_ITEMS);
        return false;
    }
    Item *items = ld_calloc(ld, fe, fe->n, sizeof(*items));
    if (!items) return false;
    for (size_t i = 0; i < fe->n; i++)
        if (!read_item(ld, fe->items[i], &items[i])) {
            free_items(items, fe->n);
            return false;
        }
    *out = items;
    *n = fe->n;
    return true;
}

/* Appends the text of scalar v with ${item} and ${item.KEY} replaced by
 * it's text ($$ and other ${...} are left for the ${ENV} expansion of urls
 * and headers). False after an error at v, reported (*reported set). */
static bool substitute(Ld *ld, const YNode *v, const Item *it, bool *reported, SBuf *b)
{
    const char *s = v->str;
    size_t i = 0;
    while (i < v->len) {
        if (s[i] == '$' && s[i + 1] == '$') {
            sbuf_add(b, "$$", 2);
            i += 2;
            continue;
        }
        if (strncmp(s + i, "${item}", 7) == 0 || strncmp(s + i, "${item.", 7) == 0) {
            const char *close = strchr(s + i, '}');
            if (!close) { /* not a placeholder: left as written */
                sbuf_add(b, s + i, 1);
                i++;
                continue;
            }
            size_t klen = s[i + 6] == '.' ? (size_t)(close - (s + i + 7)) : 0;
            const char *key = s + i + 7, *val = NULL;
            if (s[i + 6] == '}' && !it->map) {
                val = it->value;
            } else if (s[i + 6] == '}') {
                *reported = true;
                ld_err(ld, v->line, ld_col(v, i),
                       _("the for_each items are mappings: write ${item.KEY} (e.g. "
                         "${item.%s})"),
                       it->map->keys[0]->str);
                return false;
            } else if (!it->map) {
                *reported = true;
                ld_err(ld, v->line, ld_col(v, i),
                       _("'${item.%.*s}': the for_each items are not mappings, write ${item}"),
                       (int)(klen < 40 ? klen : 40), key);
                return false;
            } else {
                for (size_t k = 0; k < it->map->n && !val; k++)
                    if (strlen(it->map->keys[k]->str) == klen &&
                        memcmp(it->map->keys[k]->str, key, klen) == 0)
                        val = it->map->items[k]->str;
                if (!val) {
                    *reported = true;
                    ld_err(ld, v->line, ld_col(v, i), _("for_each item '%s' has no key '%.*s'"),
                           it->label, (int)(klen < 40 ? klen : 40), key);
                    return false;
                }
            }
            sbuf_puts(b, val);
            i = (size_t)(close - s) + 1;
            continue;
        }
        sbuf_add(b, s + i, 1);
        i++;
    }
    return true;
}

/* A deep copy of n with every scalar value (not key) substituted for it;
 * the top-level for_each key's value becomes the item's label. NULL after
 * an error (reported: *reported), over the budget (*over) or out of
 * memory. */
static YNode *copy(Ld *ld, const YNode *n, const Item *it, bool top, bool *reported, Budget *bud,
                   bool *over)
{
    if (bud->nodes == 0) {
        *over = true;
        return NULL;
    }
    bud->nodes--;
    YNode *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->kind = n->kind;
    c->line = n->line;
    c->col = n->col;
    c->plain = n->plain;
    if (n->kind == YNODE_SCALAR) {
        SBuf b = {0};
        sbuf_add(&b, "", 0);
        if (!substitute(ld, n, it, reported, &b) || b.oom) {
            sbuf_free(&b);
            free(c);
            return NULL;
        }
        if (b.len > bud->bytes) {
            sbuf_free(&b);
            free(c);
            *over = true;
            return NULL;
        }
        bud->bytes -= b.len;
        c->str = b.s;
        c->len = b.len;
        return c;
    }
    if (n->n) {
        c->items = calloc(n->n, sizeof(*c->items));
        if (n->kind == YNODE_MAP) c->keys = calloc(n->n, sizeof(*c->keys));
        if (!c->items || (n->kind == YNODE_MAP && !c->keys)) {
            ynode_free(c);
            return NULL;
        }
    }
    for (size_t i = 0; i < n->n; i++) {
        YNode *item;
        if (top && n->kind == YNODE_MAP && strcmp(n->keys[i]->str, "for_each") == 0) {
            item = calloc(1, sizeof(*item));
            if (item) {
                item->kind = YNODE_SCALAR;
                item->line = n->items[i]->line;
                item->col = n->items[i]->col;
                item->str = strdup(it->label);
                item->len = item->str ? strlen(item->str) : 0;
                if (!item->str) {
                    free(item);
                    item = NULL;
                }
            }
        } else {
            item = copy(ld, n->items[i], it, false, reported, bud, over);
        }
        YNode *key = NULL;
        if (item && n->kind == YNODE_MAP) {
            key = calloc(1, sizeof(*key));
            if (key) {
                *key = *n->keys[i];
                key->str = strdup(n->keys[i]->str);
                if (!key->str) {
                    free(key);
                    key = NULL;
                }
            }
        }
        if (!item || (n->kind == YNODE_MAP && !key)) {
            ynode_free(item);
            ynode_free(c);
            return NULL;
        }
        c->items[c->n] = item;
        if (c->keys) c->keys[c->n] = key;
        c->n++;
    }
    return c;
}

/* The for_each value of mapping m (even a null one), or NULL. */
static const YNode *for_each_of(const YNode *m)
{
    for (size_t k = 0; m->kind == YNODE_MAP && k < m->n; k++)
        if (strcmp(m->keys[k]->str, "for_each") == 0) return m->items[k];
    return NULL;
}

/* Checks that the id of feed template m depends on the item. */
static bool id_varies(Ld *ld, const YNode *m)
{
    const YNode *id = ynode_get(m, "id");
    if (!id || id->kind != YNODE_SCALAR || strstr(id->str, "${item")) return true;
    ld_err(ld, id->line, id->col, "%s",
           _("a feed with for_each needs ${item} (or ${item.KEY}) in its id, so that every copy "
             "has its own id"));
    return false;
}

/* Expands the templates of list seq in place (ids: the items are feeds,
 * whose ids must vary); a template in error is removed. */
static void expand_list(Ld *ld, YNode *seq, bool ids, Budget *bud)
{
    if (!seq || seq->kind != YNODE_SEQ) return;
    size_t n_out = 0, cap = seq->n;
    bool any = false;
    for (size_t i = 0; i < seq->n && !any; i++)
        any = for_each_of(seq->items[i]) != NULL;
    if (!any) return;
    YNode **out = malloc(cap * sizeof(*out));
    if (!out) {
        ld_err(ld, seq->line, seq->col, "%s", _("out of memory"));
        return;
    }
    for (size_t i = 0; i < seq->n; i++) {
        YNode *m = seq->items[i];
        const YNode *fe = for_each_of(m);
        if (!fe) {
            out[n_out++] = m;
            continue;
        }
        Item *items = NULL;
        size_t n_items = 0;
        if (!read_items(ld, fe, &items, &n_items) || (ids && !id_varies(ld, m))) {
            free_items(items, n_items);
            ynode_free(m);
            ld->dropped = true;
            continue;
        }
        if (n_items > 1) {
            YNode **grown = realloc(out, (cap + n_items - 1) * sizeof(*out));
            if (!grown) {
                ld_err(ld, fe->line, fe->col, "%s", _("out of memory"));
                free_items(items, n_items);
                ynode_free(m);
                continue;
            }
            out = grown;
            cap += n_items - 1;
        }
        size_t first = n_out;
        bool over = false, failed = false, reported = false;
        for (size_t j = 0; j < n_items && !failed; j++) {
            YNode *c = copy(ld, m, &items[j], true, &reported, bud, &over);
            if (c)
                out[n_out++] = c;
            else
                failed = true;
        }
        if (failed) { /* the template's own error is reported once: no copy stays */
            while (n_out > first)
                ynode_free(out[--n_out]);
            if (over)
                ld_err(ld, fe->line, fe->col,
                       _("for_each makes the config too large (over %d nodes or %u MiB after "
                         "expansion)"),
                       MAX_NODES, MAX_BYTES >> 20);
            else if (!reported)
                ld_err(ld, fe->line, fe->col, "%s", _("out of memory"));
            ld->dropped = true;
        }
        free_items(items, n_items);
        ynode_free(m);
    }
    free(seq->items);
    seq->items = out;
    seq->n = n_out;
}

void cfg_expand_for_each(Ld *ld, YNode *root)
{
    Budget bud = {MAX_NODES, MAX_BYTES};
    if (!root || root->kind != YNODE_MAP) return;
    expand_list(ld, (YNode *)ynode_get(root, "feeds"), true, &bud);
    const YNode *pages = ynode_get(root, "pages");
    for (size_t p = 0; pages && pages->kind == YNODE_SEQ && p < pages->n; p++) {
        const YNode *rows = ynode_get(pages->items[p], "rows");
        for (size_t r = 0; rows && rows->kind == YNODE_SEQ && r < rows->n; r++)
            expand_list(ld, (YNode *)ynode_get(rows->items[r], "panels"), false, &bud);
    }
}

/* Ends the current template group of g: reports the errors of its items
 * that were not shown. */
static void group_end(Ld *ld, CfgForEach *g)
{
    if (g->muted)
        ld_err(ld, g->line, g->col, _("and %zu more errors in the other items of this for_each"),
               g->muted);
    g->line = g->col = 0;
    g->muted = 0;
    g->err_items = 0;
}

void cfg_foreach_begin(Ld *ld, const YNode *m, CfgForEach *g)
{
    const YNode *fe = m && m->kind == YNODE_MAP ? ynode_get(m, "for_each") : NULL;
    if (!fe || fe->kind != YNODE_SCALAR) {
        if (g->line) group_end(ld, g);
        ld->note = NULL;
        ld->mute_warnings = ld->mute_errors = false;
        g->errors = ld->errors;
        return;
    }
    bool first = fe->line != g->line || fe->col != g->col;
    if (first) {
        if (g->line) group_end(ld, g);
        g->line = fe->line;
        g->col = fe->col;
    }
    ld->note = fe->str;
    ld->mute_warnings = !first;
    ld->mute_errors = g->err_items >= SHOWN_ITEMS;
    ld->muted = 0;
    g->errors = ld->errors;
}

void cfg_foreach_end(Ld *ld, CfgForEach *g)
{
    if (ld->note && ld->errors > g->errors) g->err_items++;
    g->muted += ld->muted;
    ld->muted = 0;
    ld->note = NULL;
    ld->mute_warnings = ld->mute_errors = false;
}

void cfg_foreach_done(Ld *ld, CfgForEach *g)
{
    if (g->line) group_end(ld, g);
}
