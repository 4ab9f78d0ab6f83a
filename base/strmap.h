/* strmap.h - a string-keyed hash map (open addressing, linear probing).
 *
 * Keys are byte strings with a length (need not be NUL-terminated), borrowed:
 * the map stores the pointer, so a key must stay alive and unchanged while it
 * is in the map (config ids and KPI keys live as long as their Config). Values
 * are opaque pointers, also borrowed. Start from StrMap m = {0}; strmap_done()
 * frees the table. Lookups and inserts cost O(1) on average; the table doubles
 * past 50% load. No removal: the maps index things built once. */
#ifndef IOC_STRMAP_H
#define IOC_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *key; /* NULL: empty slot */
    size_t len;
    size_t hash;
    void *val;
} StrMapSlot;

typedef struct {
    StrMapSlot *slots; /* owned */
    size_t cap;        /* 0 or a power of two */
    size_t len;        /* keys stored */
} StrMap;

/* Inserts key (len bytes) with val. Returns 1 when added, 0 when the key was
 * already there (its value is kept and, when old is not NULL, stored in
 * *old), -1 on out of memory (the map is unchanged). */
int strmap_put(StrMap *m, const char *key, size_t len, void *val, void **old);

/* The value of key (len bytes), or NULL when absent. */
void *strmap_get(const StrMap *m, const char *key, size_t len);

/* True when key (len bytes) is in the map (even with a NULL value). */
bool strmap_has(const StrMap *m, const char *key, size_t len);

/* Frees the table and empties the map (the keys and values are not freed). */
void strmap_done(StrMap *m);

#endif
