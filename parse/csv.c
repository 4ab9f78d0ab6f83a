/* csv.c - CSV bodies (see csv.h).
 *
 * Rules, RFC 4180 plus the leniency real exports need:
 * - a field starting with '"' is quoted: "" inside is one quote, separators
 *   and line breaks inside are data; blanks may follow the closing quote,
 *   anything else there is an error ("ab"c);
 * - an unquoted field runs to the next separator or line end and is kept
 *   as-is: cells are NOT trimmed, and a quote inside (5"25) is data, as is a
 *   quote after leading blanks ( "x" stays  "x");
 * - header names ARE trimmed of surrounding spaces and tabs;
 * - lines end with LF or CRLF; lines that are empty or only blanks are
 *   skipped; the last line needs no line end; a UTF-8 BOM is skipped;
 * - with sep 0, ';' is used when the header line has more ';' than ','
 *   outside quotes, else ',';
 * - a row may have fewer fields than the header (missing cells read as ""),
 *   not more.
 * The body is never read past len. Cells are copied into one arena allocated
 * once with len + 1 bytes: a field of n bytes plus its NUL comes from at
 * least n + 1 bytes of the body (its separator or line end; only the very
 * last field can lack one), so the arena never moves. */
#include "parse/csv.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/text.h"

#define CSV_MAX_COLS 1024
#define CSV_MAX_ROWS 1000000

typedef struct {
    size_t first; /* index of the row's first cell in cells */
    size_t n;     /* number of fields the row has (<= cols) */
} CsvRow;

struct CsvTable {
    char *arena; /* every cell's text */
    size_t arena_used, arena_cap;
    const char **cells; /* header cells, then each row's cells */
    size_t n_cells, cells_cap;
    CsvRow *rows; /* data rows */
    size_t n_rows, rows_cap;
    size_t cols;
    char sep;
};

/* Parser position in the body. */
typedef struct {
    const char *s;
    size_t len;
    size_t p;          /* next byte */
    int line;          /* 1-based line of s[p] */
    size_t line_start; /* offset of the first byte of that line */
    char sep;
    CsvError *err;
} CsvParser;

static void csv_fail(CsvError *err, int line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fills the error (when wanted) with a line, a 1-based byte column and a
 * formatted message. */
static void csv_fail(CsvError *err, int line, size_t col, const char *fmt, ...)
{
    if (!err) return;
    err->line = line;
    err->col = col > INT_MAX ? INT_MAX : (int)col;
    va_list ap;
    va_start(ap, fmt);
    char raw[sizeof(err->msg)];
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    text_sanitize(raw, err->msg, sizeof(err->msg)); /* it may quote the body */
}

/* True for a space or a tab. */
static bool csv_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Skips lines that are empty or hold only blanks (and their CR); returns
 * false when the body ends. */
static bool csv_skip_blank_lines(CsvParser *ps)
{
    while (ps->p < ps->len) {
        size_t q = ps->p;
        while (q < ps->len && (csv_is_blank(ps->s[q]) || ps->s[q] == '\r'))
            q++;
        if (q < ps->len && ps->s[q] != '\n') return true;
        if (q >= ps->len) {
            ps->p = q;
            return false;
        }
        ps->p = q + 1;
        ps->line++;
        ps->line_start = ps->p;
    }
    return false;
}

/* Chooses ';' when the header record at ps->p has more ';' than ',' outside
 * quotes, else ','. */
static char csv_detect_sep(const CsvParser *ps)
{
    size_t commas = 0, semis = 0;
    bool quoted = false;
    for (size_t q = ps->p; q < ps->len; q++) {
        char c = ps->s[q];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == '\n')
            break;
        else if (!quoted && c == ',')
            commas++;
        else if (!quoted && c == ';')
            semis++;
    }
    return semis > commas ? ';' : ',';
}

/* Appends a cell pointer to the table. */
static bool csv_add_cell(CsvTable *t, const char *cell)
{
    if (t->n_cells == t->cells_cap) {
        size_t cap = t->cells_cap ? t->cells_cap * 2 : 64;
        const char **p = realloc(t->cells, cap * sizeof(*p));
        if (!p) return false;
        t->cells = p;
        t->cells_cap = cap;
    }
    t->cells[t->n_cells++] = cell;
    return true;
}

/* Reads one field at ps->p into the arena (without its terminator).
 * Returns the cell text, or NULL after setting the error. */
static const char *csv_read_field(CsvParser *ps, CsvTable *t)
{
    const char *s = ps->s;
    size_t len = ps->len;
    char *out = t->arena + t->arena_used;
    size_t room = t->arena_cap - t->arena_used, k = 0;
    if (room < 1) goto full;
    if (ps->p < len && s[ps->p] == '"') {
        int qline = ps->line;
        size_t qat = ps->p, qline_start = ps->line_start;
        ps->p++;
        for (;;) {
            if (ps->p >= len) {
                csv_fail(ps->err, qline, qat - qline_start + 1,
                         _("unterminated quoted field (missing closing '\"')"));
                return NULL;
            }
            char c = s[ps->p];
            if (c == '\0') goto nul;
            if (c == '"') {
                if (ps->p + 1 < len && s[ps->p + 1] == '"') {
                    ps->p += 2;
                } else {
                    ps->p++;
                    break;
                }
            } else {
                ps->p++;
                if (c == '\n') {
                    ps->line++;
                    ps->line_start = ps->p;
                }
            }
            if (k + 1 >= room) goto full;
            out[k++] = c;
        }
        while (ps->p < len && csv_is_blank(s[ps->p]))
            ps->p++;
        size_t q = ps->p;
        if (q < len && s[q] == '\r') q++;
        bool line_end = q == len || s[q] == '\n';
        if (!line_end && (q != ps->p || s[q] != ps->sep)) {
            csv_fail(ps->err, ps->line, ps->p - ps->line_start + 1,
                     _("unexpected text after a closing quote (expected '%c' or a line end)"),
                     ps->sep);
            return NULL;
        }
    } else {
        size_t start = ps->p;
        while (ps->p < len && s[ps->p] != ps->sep && s[ps->p] != '\n') {
            if (s[ps->p] == '\0') goto nul;
            ps->p++;
        }
        size_t end = ps->p;
        if (end > start && s[end - 1] == '\r' && (end == len || s[end] == '\n')) end--;
        k = end - start;
        if (k + 1 > room) goto full;
        memcpy(out, s + start, k);
    }
    out[k] = '\0';
    t->arena_used += k + 1;
    return out;
nul: /* it would silently cut the cell short */
    csv_fail(ps->err, ps->line, ps->p - ps->line_start + 1, _("unexpected NUL byte in a field"));
    return NULL;
full:
    csv_fail(ps->err, ps->line, ps->p - ps->line_start + 1,
             _("internal error: cell storage exhausted"));
    return NULL;
}

/* Removes surrounding spaces and tabs from a header name in place. */
static const char *csv_trim(char *cell)
{
    size_t n = strlen(cell);
    while (n > 0 && csv_is_blank(cell[n - 1]))
        cell[--n] = '\0';
    while (csv_is_blank(*cell))
        cell++;
    return cell;
}

/* Reads one record (header when header is true); appends its cells and
 * sets *n_fields. Leaves ps->p after the record's line end. */
static bool csv_read_record(CsvParser *ps, CsvTable *t, bool header, size_t *n_fields)
{
    size_t n = 0;
    for (;;) {
        size_t col = ps->p - ps->line_start + 1; /* where the field starts */
        int line = ps->line;
        if (header && n >= CSV_MAX_COLS) {
            csv_fail(ps->err, line, col, _("too many columns (at most %d)"), CSV_MAX_COLS);
            return false;
        }
        if (!header && n >= t->cols) {
            csv_fail(ps->err, line, col, _("row has more fields than the header (%zu columns)"),
                     t->cols);
            return false;
        }
        const char *cell = csv_read_field(ps, t);
        if (!cell) return false;
        if (header) {
            cell = csv_trim((char *)cell);
            for (size_t k = 0; *cell && k < n; k++) {
                if (strcmp(t->cells[k], cell) == 0) {
                    csv_fail(ps->err, line, col, _("duplicate column name '%.60s'"), cell);
                    return false;
                }
            }
        }
        if (!csv_add_cell(t, cell)) {
            csv_fail(ps->err, line, col, _("out of memory"));
            return false;
        }
        n++;
        if (ps->p < ps->len && ps->s[ps->p] == ps->sep) {
            ps->p++;
            continue;
        }
        /* Line end: "\n", "\r\n", or a final "\r" after a quoted field. */
        if (ps->p < ps->len && ps->s[ps->p] == '\r') ps->p++;
        if (ps->p < ps->len) {
            ps->p++;
            ps->line++;
            ps->line_start = ps->p;
        }
        break;
    }
    *n_fields = n;
    return true;
}

/* Parses a whole body (see csv.h and the rules at the top). */
CsvTable *csv_parse(const char *body, size_t len, char sep, CsvError *err)
{
    CsvParser ps = {body, body ? len : 0, 0, 1, 0, sep, err};
    if (err) memset(err, 0, sizeof(*err));
    CsvTable *t = NULL;
    if (sep != 0 && sep != ',' && sep != ';') {
        csv_fail(err, 1, 1, _("separator must be ',' or ';'"));
        return NULL;
    }
    t = calloc(1, sizeof(*t));
    if (!t) goto oom;
    t->arena_cap = ps.len + 1;
    t->arena = malloc(t->arena_cap);
    if (!t->arena) goto oom;

    if (ps.len >= 3 && memcmp(ps.s, "\xEF\xBB\xBF", 3) == 0) ps.p = ps.line_start = 3;
    if (!csv_skip_blank_lines(&ps)) {
        csv_fail(err, ps.line, ps.p - ps.line_start + 1, _("empty body: expected a header line"));
        goto fail;
    }
    if (!ps.sep) ps.sep = csv_detect_sep(&ps);
    t->sep = ps.sep;
    if (!csv_read_record(&ps, t, true, &t->cols)) goto fail;

    while (csv_skip_blank_lines(&ps)) {
        if (t->n_rows >= CSV_MAX_ROWS) {
            csv_fail(err, ps.line, ps.p - ps.line_start + 1, _("too many rows (at most %d)"),
                     CSV_MAX_ROWS);
            goto fail;
        }
        if (t->n_rows == t->rows_cap) {
            size_t cap = t->rows_cap ? t->rows_cap * 2 : 64;
            CsvRow *r = realloc(t->rows, cap * sizeof(*r));
            if (!r) goto oom;
            t->rows = r;
            t->rows_cap = cap;
        }
        CsvRow *row = &t->rows[t->n_rows];
        row->first = t->n_cells;
        if (!csv_read_record(&ps, t, false, &row->n)) goto fail;
        t->n_rows++;
    }
    return t;
oom:
    csv_fail(err, ps.line, ps.p - ps.line_start + 1, _("out of memory"));
fail:
    csv_free(t);
    return NULL;
}

/* Frees a table (NULL is fine). */
void csv_free(CsvTable *t)
{
    if (!t) return;
    free(t->arena);
    free(t->cells);
    free(t->rows);
    free(t);
}

/* Number of data rows. */
size_t csv_rows(const CsvTable *t)
{
    return t ? t->n_rows : 0;
}

/* Number of columns (header fields). */
size_t csv_cols(const CsvTable *t)
{
    return t ? t->cols : 0;
}

/* Trimmed header name of column c, or NULL when c is out of range. */
const char *csv_header(const CsvTable *t, size_t c)
{
    if (!t || c >= t->cols) return NULL;
    return t->cells[c];
}

/* Index of the first column named name (exact match), or -1. */
long csv_col_index(const CsvTable *t, const char *name)
{
    if (!t || !name) return -1;
    for (size_t c = 0; c < t->cols; c++)
        if (strcmp(t->cells[c], name) == 0) return (long)c;
    return -1;
}

/* Cell at data row r, column c: "" when the row is short, NULL when r or c
 * is out of range. */
const char *csv_cell(const CsvTable *t, size_t r, size_t c)
{
    if (!t || r >= t->n_rows || c >= t->cols) return NULL;
    const CsvRow *row = &t->rows[r];
    if (c >= row->n) return "";
    return t->cells[row->first + c];
}

/* The separator in use. */
char csv_sep(const CsvTable *t)
{
    return t ? t->sep : ',';
}
