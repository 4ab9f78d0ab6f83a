/* sim_render.h - response body templates of the feed simulator.
 *
 * A body is text with placeholders: {{name}} (a value, with its decimals),
 * {{name|vi}} (Vietnamese: "7.995,5"), {{name|str}} (a JSON string "48.6"),
 * {{now_iso}}, {{now_ms}}, {{now_unix}}. Blanks inside the braces are allowed.
 * sim_render_parse() compiles the text once (reporting every bad placeholder
 * by byte offset); sim_render() then fills it in. A SimTemplate owns a copy of
 * the text and its segment list; sim_render_done() frees them. */
#ifndef IOC_SIM_RENDER_H
#define IOC_SIM_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_RENDER_MAX_DECIMALS 9

typedef enum { SIM_FILTER_PLAIN, SIM_FILTER_VI, SIM_FILTER_STR } SimFilter;

typedef enum {
    SIM_SEG_TEXT,
    SIM_SEG_VALUE,
    SIM_SEG_NOW_ISO,
    SIM_SEG_NOW_MS,
    SIM_SEG_NOW_UNIX,
} SimSegKind;

typedef struct {
    SimSegKind kind;
    size_t off, len; /* TEXT: the slice of text; others: the placeholder's source */
    size_t index;    /* VALUE: index returned by the lookup */
    SimFilter filter;
} SimSeg;

typedef struct {
    char *text; /* owned copy of the template */
    size_t len;
    SimSeg *segs; /* owned */
    size_t nsegs;
} SimTemplate;

/* Resolves a value name (NUL-terminated) to an index, or returns -1. */
typedef long (*SimLookupFn)(void *ud, const char *name);
/* Receives one problem: a byte offset into the template and a message. */
typedef void (*SimTplErrorFn)(void *ud, size_t offset, const char *msg);

/* What sim_render() fills placeholders with: values[i] with decimals[i]. */
typedef struct {
    const double *values;
    const int *decimals;
    size_t n;
    int64_t now_ms; /* sim time, Unix ms */
    int tz_offset_s;
} SimRenderArgs;

/* Compiles len bytes of body into t. Calls on_err for every unknown
 * placeholder, filter or unclosed "{{" and returns the number of problems;
 * on 0, t is ready (release it with sim_render_done() either way). */
size_t sim_render_parse(SimTemplate *t, const char *body, size_t len, SimLookupFn lookup,
                        SimTplErrorFn on_err, void *ud);

/* Frees what t owns; t may then be parsed again. */
void sim_render_done(SimTemplate *t);

/* Renders t into a new NUL-terminated buffer (caller frees), its length in
 * *out_len. A placeholder whose index is out of range renders as "0".
 * Returns NULL when out of memory. */
char *sim_render(const SimTemplate *t, const SimRenderArgs *a, size_t *out_len);

/* Writes v with decimals digits (0..9) in filter's style into buf; returns the
 * length (snprintf-like: the text is cut to cap-1 bytes). NaN and infinities
 * are written "NaN", "+Inf", "-Inf" (quoted for SIM_FILTER_STR). */
size_t sim_render_number(char *buf, size_t cap, double v, int decimals, SimFilter f);

#endif
