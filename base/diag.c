/* diag.c - diagnostics list (see diag.h). */
#include "base/diag.h"

#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/text.h"

void diag_init(Diag *d)
{
    memset(d, 0, sizeof(*d));
}

void diag_done(Diag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].msg);
    }
    free(d->items);
    memset(d, 0, sizeof(*d));
}

void diag_vadd(Diag *d, DiagLevel level, const char *file, int line, int col, const char *fmt,
               va_list ap)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        DiagItem *items = realloc(d->items, cap * sizeof(*items));
        if (!items) return; /* out of memory: the item is dropped, never a crash */
        d->items = items;
        d->cap = cap;
    }
    char raw[1024], buf[2048];
    vsnprintf(raw, sizeof(raw), fmt, ap);
    /* Messages quote config text (keys, ids, URLs): an escape sequence or a
     * newline in it must reach neither the terminal nor the log raw. */
    text_escape_n(raw, strlen(raw), 0, buf, sizeof(buf));
    DiagItem *it = &d->items[d->n];
    it->level = level;
    it->file = NULL;
    if (file) {
        char f[1024];
        text_escape_n(file, strlen(file), 0, f, sizeof(f));
        it->file = strdup(f);
    }
    it->line = line;
    it->col = col;
    it->msg = strdup(buf);
    if (!it->msg) {
        free(it->file);
        return;
    }
    d->n++;
    if (level == DIAG_ERROR)
        d->errors++;
    else
        d->warnings++;
}

void diag_add(Diag *d, DiagLevel level, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(d, level, file, line, col, fmt, ap);
    va_end(ap);
}

/* Orders two items by file, line, column. */
static int diag_cmp(const DiagItem *a, const DiagItem *b)
{
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c) return c;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    return 0;
}

void diag_sort(Diag *d)
{
    /* Insertion sort: stable, and lists are short. */
    for (size_t i = 1; i < d->n; i++) {
        DiagItem it = d->items[i];
        size_t j = i;
        while (j > 0 && diag_cmp(&d->items[j - 1], &it) > 0) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = it;
    }
}

void diag_format(const DiagItem *it, char *buf, size_t n)
{
    if (it->file && it->line > 0)
        snprintf(buf, n, "%s:%d:%d: %s", it->file, it->line, it->col, it->msg);
    else if (it->file)
        snprintf(buf, n, "%s: %s", it->file, it->msg);
    else
        snprintf(buf, n, "%s", it->msg);
}

void diag_print(const Diag *d, FILE *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const DiagItem *it = &d->items[i];
        const char *lvl = it->level == DIAG_ERROR ? _("error") : _("warning");
        if (it->file && it->line > 0)
            fprintf(out, "%s:%d:%d: %s: %s\n", it->file, it->line, it->col, lvl, it->msg);
        else if (it->file)
            fprintf(out, "%s: %s: %s\n", it->file, lvl, it->msg);
        else
            fprintf(out, "%s: %s\n", lvl, it->msg);
    }
}
