/* csv.h - CSV bodies (RFC 4180 with the usual real-world leniency).
 *
 * csv_parse() reads a whole body into a CsvTable (owned, csv_free()): the
 * first row is the header; fields may be quoted with "" escapes inside and
 * may span lines; the separator is ',' or ';' (detected from the header when
 * sep is 0); a UTF-8 BOM is skipped; CRLF or LF line ends. Strings returned
 * by accessors are borrowed from the table. */
#ifndef IOC_CSV_H
#define IOC_CSV_H

#include <stddef.h>

typedef struct CsvTable CsvTable;

typedef struct {
    int line;      /* 1-based line where the problem is */
    int col;       /* 1-based byte column */
    char msg[200];
} CsvError;

/* Parses len bytes. sep is ',' or ';' or 0 to detect. NULL + *err on error
 * (unterminated quote, a row with more fields than the header, no header). */
CsvTable *csv_parse(const char *body, size_t len, char sep, CsvError *err);
void csv_free(CsvTable *t);

/* Number of data rows (header excluded) and of columns. */
size_t csv_rows(const CsvTable *t);
size_t csv_cols(const CsvTable *t);

/* Header name of column c; index of the column named name, or -1. */
const char *csv_header(const CsvTable *t, size_t c);
long csv_col_index(const CsvTable *t, const char *name);

/* Field at data row r, column c ("" when the row is short). */
const char *csv_cell(const CsvTable *t, size_t r, size_t c);

/* The separator in use (',' or ';'). */
char csv_sep(const CsvTable *t);

#endif
