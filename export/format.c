/* format.c - format tables: lookup and checked dispatch (see format.h). */
#include "export/format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool format_find(const FormatEntry *table, size_t n, const char *name, int *index)
{
    for (size_t i = 0; name && i < n; i++) {
        if (strcmp(name, table[i].name) == 0) {
            if (index) *index = (int)i;
            return true;
        }
    }
    return false;
}

const char *format_names(const FormatEntry *table, size_t n, char *buf, size_t size)
{
    size_t used = 0;

    if (size == 0) return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", table[i].name);
        if (w < 0 || (size_t)w >= size - used) break;
        used += (size_t)w;
    }
    return buf;
}

int format_write(const FormatEntry *table, size_t n, int index, const void *obj, FILE *out)
{
    if (!obj || !out || index < 0 || (size_t)index >= n || !table[index].write) {
        errno = EINVAL;
        return -1;
    }
    if (table[index].write(obj, out) != 0) return -1;
    if (fflush(out) != 0 || ferror(out)) {
        if (errno == 0) errno = EIO;
        return -1;
    }
    return 0;
}
