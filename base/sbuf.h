/* sbuf.h - a growable, always NUL-terminated byte string (like redis's sds,
 * but a plain struct). Start from SBuf b = {0}; append; take b.s (owned by
 * the caller then) or sbuf_free(). Out of memory is sticky: later appends do
 * nothing and b.oom stays true, so callers check once at the end. */
#ifndef IOC_SBUF_H
#define IOC_SBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *s;    /* the text, NUL-terminated once anything was appended; owned */
    size_t len; /* bytes, NUL excluded */
    size_t cap;
    bool oom; /* an allocation failed */
} SBuf;

/* Appends n bytes of s (n may be 0: makes b.s a valid empty string). */
void sbuf_add(SBuf *b, const char *s, size_t n);

/* Appends a NUL-terminated string. */
void sbuf_puts(SBuf *b, const char *s);

/* Frees the text and resets b. */
void sbuf_free(SBuf *b);

#endif
