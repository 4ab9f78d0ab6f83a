/* cmd_select.c - "ioc select": run a JSONPath selector on a document, print the nodes. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cjson/cJSON.h>

#include "parse/jsonpath.h"
#include "ioc/cli.h"
#include "base/i18n.h"

/* Documents larger than this are refused (a selector is tried on samples). */
#define SELECT_MAX_DOC (64u * 1024 * 1024)

/* Display width of the first n bytes of s (UTF-8), for placing a caret. */
static int display_width(const char *s, size_t n)
{
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    int w = 0;
    size_t i = 0;
    while (i < n) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + i, n - i, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            w++; /* invalid or partial byte: one column, resync */
            i++;
            memset(&st, 0, sizeof(st));
            continue;
        }
        int cw = wcwidth(wc);
        w += cw > 0 ? cw : 0;
        i += k;
    }
    return w;
}

/* Prints a selector error with the expression and a caret under the position. */
static void print_selector_error(const char *expr, const JpError *e)
{
    fprintf(stderr, _("ioc select: invalid selector at offset %zu: %s\n"), e->pos, e->msg);
    /* The echo of the expression is safe: it is the user's own argument, and
     * control characters are shown as '?' so nothing reaches the terminal raw. */
    fputs("  ", stderr);
    for (const char *p = expr; *p; p++)
        fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
    size_t len = strlen(expr);
    fprintf(stderr, "\n  %*s^\n", display_width(expr, e->pos < len ? e->pos : len), "");
}

/* Finds the line and column (1-based, columns in bytes) of offset off in buf. */
static void line_col(const char *buf, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Writes JSON text to out, escaping DEL and C1 controls (U+0080..U+009F) that
 * cJSON leaves raw inside strings, so no terminal control reaches the screen. */
static void put_json_safe(const char *s, FILE *out)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == 0x7f) {
            fputs("\\u007f", out);
        } else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            fprintf(out, "\\u%04x", p[1]);
            p++;
        } else {
            fputc(*p, out);
        }
    }
    fputc('\n', out);
}

int cmd_select(int argc, char **argv)
{
    static const struct option opts[] = {
        {"compact", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    bool compact = false;
    int ch;
    optind = 1;
    opterr = 0;
    /* "+" stops at the first operand: an expression never looks like an option. */
    while ((ch = getopt_long(argc, argv, "+ch", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            compact = true;
            break;
        default:
            return cli_other_option("select", ch, argv);
        }
    }
    if (optind >= argc) return cli_usage_error("select", "%s", _("missing the selector EXPR"));
    if (argc - optind > 2)
        return cli_usage_error("select", _("unexpected argument '%s'"), argv[optind + 2]);
    const char *expr = argv[optind];
    const char *path = optind + 1 < argc ? argv[optind + 1] : "-";

    JpError jerr;
    JpPath *jp = jp_compile(expr, &jerr);
    if (!jp) {
        print_selector_error(expr, &jerr);
        return IOC_EXIT_USAGE;
    }

    int rc = IOC_EXIT_USAGE;
    char err[512];
    size_t len = 0;
    cJSON *doc = NULL, *arr = NULL;
    char *text = NULL;
    JpNodeList nodes = {0};
    char *buf = cli_read_file(path, SELECT_MAX_DOC, &len, err, sizeof(err));
    if (!buf) {
        fprintf(stderr, "ioc select: %s\n", err);
        rc = IOC_EXIT_FAIL;
        goto out;
    }
    const char *end = NULL;
    doc = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (doc) { /* only blanks may follow the value */
        while (end < buf + len && strchr(" \t\r\n", *end) && *end)
            end++;
        if (end < buf + len) {
            cJSON_Delete(doc);
            doc = NULL;
        }
    }
    if (!doc) {
        int line, col;
        size_t off = end ? (size_t)(end - buf) : 0;
        if (off > len) off = len;
        line_col(buf, off, &line, &col);
        fprintf(stderr, _("%s:%d:%d: error: not a valid JSON document\n"),
                strcmp(path, "-") == 0 ? "<stdin>" : path, line, col);
        goto out;
    }
    int erc = jp_eval(jp, doc, &nodes);
    if (erc == JP_ERR_BUDGET) {
        fprintf(stderr, _("ioc select: selector exceeded its work budget (%zu nodes)\n"),
                (size_t)JP_DEFAULT_BUDGET);
        rc = IOC_EXIT_FAIL;
        goto out;
    }
    if (erc != 0) {
        fprintf(stderr, "ioc select: %s\n", _("out of memory"));
        rc = IOC_EXIT_FAIL;
        goto out;
    }
    arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < nodes.len; i++) {
        cJSON *dup = cJSON_Duplicate(nodes.nodes[i], 1);
        if (!dup || !cJSON_AddItemToArray(arr, dup)) {
            cJSON_Delete(dup);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    text = arr ? (compact ? cJSON_PrintUnformatted(arr) : cJSON_Print(arr)) : NULL;
    if (!text) {
        fprintf(stderr, "ioc select: %s\n", _("out of memory"));
        rc = IOC_EXIT_FAIL;
        goto out;
    }
    put_json_safe(text, stdout);
    rc = cli_flush_stdout("select") == 0 ? IOC_EXIT_OK : IOC_EXIT_FAIL;
out:
    cJSON_free(text);
    cJSON_Delete(arr);
    jp_nodelist_free(&nodes);
    cJSON_Delete(doc);
    free(buf);
    jp_free(jp);
    return rc;
}
