/* csvout.c - spreadsheet-safe CSV text cells (see csvout.h). */
#include "base/csvout.h"

#include <stdbool.h>
#include <string.h>

#include "base/text.h"

void csvout_text(const char *s, FILE *out)
{
    char t[CSVOUT_CELL_MAX];
    text_sanitize(s, t, sizeof t);
    bool formula = t[0] != '\0' && strchr("=+-@\t\r", t[0]) != NULL;
    bool quote = strpbrk(t, ",\"\r\n") != NULL;

    if (quote) fputc('"', out);
    if (formula) fputc('\'', out);
    for (const char *p = t; *p; p++) {
        if (*p == '"') fputc('"', out);
        fputc(*p, out);
    }
    if (quote) fputc('"', out);
}
