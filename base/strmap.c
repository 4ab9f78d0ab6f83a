/* strmap.c - the string-keyed hash map of strmap.h. */
#include "base/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a over len bytes of s, mixed so the low bits spread well. */
static size_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (size_t)h;
}

/* Returns the slot of key in a table of cap slots: where it is, or the empty
 * slot where it would go. */
static StrMapSlot *find_slot(StrMapSlot *slots, size_t cap, const char *key, size_t len,
                             size_t hash)
{
    size_t i = hash & (cap - 1);
    for (;;) {
        StrMapSlot *s = &slots[i];
        if (!s->key ||
            (s->hash == hash && s->len == len && (len == 0 || memcmp(s->key, key, len) == 0)))
            return s;
        i = (i + 1) & (cap - 1);
    }
}

/* Moves every key into a new table of cap slots; -1 on out of memory. */
static int grow(StrMap *m, size_t cap)
{
    StrMapSlot *slots = calloc(cap, sizeof(*slots));
    if (!slots) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        const StrMapSlot *s = &m->slots[i];
        if (s->key) *find_slot(slots, cap, s->key, s->len, s->hash) = *s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int strmap_put(StrMap *m, const char *key, size_t len, void *val, void **old)
{
    size_t hash = hash_bytes(key, len);
    if (m->cap) {
        StrMapSlot *s = find_slot(m->slots, m->cap, key, len, hash);
        if (s->key) {
            if (old) *old = s->val;
            return 0;
        }
    }
    if ((m->len + 1) * 2 > m->cap && grow(m, m->cap ? m->cap * 2 : 16) != 0) return -1;
    StrMapSlot *s = find_slot(m->slots, m->cap, key, len, hash);
    s->key = key;
    s->len = len;
    s->hash = hash;
    s->val = val;
    m->len++;
    return 1;
}

/* Returns the occupied slot of key, or NULL. */
static const StrMapSlot *lookup(const StrMap *m, const char *key, size_t len)
{
    if (!m->cap) return NULL;
    const StrMapSlot *s = find_slot(m->slots, m->cap, key, len, hash_bytes(key, len));
    return s->key ? s : NULL;
}

void *strmap_get(const StrMap *m, const char *key, size_t len)
{
    const StrMapSlot *s = lookup(m, key, len);
    return s ? s->val : NULL;
}

bool strmap_has(const StrMap *m, const char *key, size_t len)
{
    return lookup(m, key, len) != NULL;
}

void strmap_done(StrMap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}
