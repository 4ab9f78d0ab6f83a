/* sim_render.c - body templates (see sim_render.h). */
#include "sim/sim_render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_time.h"
#include "base/i18n.h"
#include "base/sbuf.h"

/* Longest placeholder name; longer ones are reported, not truncated. */
#define NAME_MAX_LEN 128

/* Appends a segment; false when out of memory. */
static bool seg_push(SimTemplate *t, SimSeg s, size_t *cap)
{
    if (t->nsegs == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        SimSeg *segs = realloc(t->segs, ncap * sizeof(*segs));
        if (!segs) return false;
        t->segs = segs;
        *cap = ncap;
    }
    t->segs[t->nsegs++] = s;
    return true;
}

/* True for bytes allowed in a placeholder name or filter. */
static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

/* Copies the trimmed span [a, b) of s into out (cap bytes); false if empty or too long. */
static bool trimmed(const char *s, size_t a, size_t b, char *out, size_t cap)
{
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    if (b == a || b - a >= cap) return false;
    memcpy(out, s + a, b - a);
    out[b - a] = '\0';
    return true;
}

/* True when every byte of s is a name character. */
static bool valid_name(const char *s)
{
    for (; *s; s++)
        if (!name_char(*s)) return false;
    return true;
}

/* Compiles the placeholder between "{{" at start and "}}" at end into *seg;
 * reports a problem and returns false when it is not valid. */
static bool parse_placeholder(const char *text, size_t start, size_t end, SimSeg *seg,
                              SimLookupFn lookup, SimTplErrorFn on_err, void *ud)
{
    char msg[256], name[NAME_MAX_LEN], filter[NAME_MAX_LEN];
    size_t a = start + 2, b = end;
    const char *bar = memchr(text + a, '|', b - a);
    size_t name_end = bar ? (size_t)(bar - text) : b;
    if (!trimmed(text, a, name_end, name, sizeof(name)) || !valid_name(name)) {
        on_err(ud, start,
               _("expected a value name inside '{{ }}' (letters, digits, '_', '-', '.')"));
        return false;
    }
    seg->filter = SIM_FILTER_PLAIN;
    if (bar) {
        if (!trimmed(text, name_end + 1, b, filter, sizeof(filter))) {
            on_err(ud, start, _("expected a filter after '|' ('vi' or 'str')"));
            return false;
        }
        if (strcmp(filter, "vi") == 0) {
            seg->filter = SIM_FILTER_VI;
        } else if (strcmp(filter, "str") == 0) {
            seg->filter = SIM_FILTER_STR;
        } else {
            snprintf(msg, sizeof(msg), _("unknown filter '%.60s' (expected 'vi' or 'str')"),
                     filter);
            on_err(ud, start, msg);
            return false;
        }
    }
    if (strcmp(name, "now_iso") == 0 || strcmp(name, "now_ms") == 0 ||
        strcmp(name, "now_unix") == 0) {
        seg->kind = name[4] == 'i'   ? SIM_SEG_NOW_ISO
                    : name[4] == 'm' ? SIM_SEG_NOW_MS
                                     : SIM_SEG_NOW_UNIX;
        if (bar) {
            snprintf(msg, sizeof(msg), _("'%s' takes no filter"), name);
            on_err(ud, start, msg);
            return false;
        }
        return true;
    }
    long idx = lookup ? lookup(ud, name) : -1;
    if (idx < 0) {
        snprintf(msg, sizeof(msg),
                 _("unknown placeholder '{{%.60s}}' (expected a name under values:, "
                   "now_iso, now_ms or now_unix)"),
                 name);
        on_err(ud, start, msg);
        return false;
    }
    seg->kind = SIM_SEG_VALUE;
    seg->index = (size_t)idx;
    return true;
}

size_t sim_render_parse(SimTemplate *t, const char *body, size_t len, SimLookupFn lookup,
                        SimTplErrorFn on_err, void *ud)
{
    memset(t, 0, sizeof(*t));
    size_t errors = 0, cap = 0;
    t->text = malloc(len + 1);
    if (!t->text) {
        on_err(ud, 0, _("out of memory"));
        return 1;
    }
    memcpy(t->text, body, len);
    t->text[len] = '\0';
    t->len = len;
    const char *s = t->text;
    size_t lit = 0, i = 0;
    while (i + 1 < len) {
        /* In "{{{x}}}" the first brace is text: the placeholder is the innermost. */
        if (s[i] != '{' || s[i + 1] != '{' || (i + 2 < len && s[i + 2] == '{')) {
            i++;
            continue;
        }
        size_t end = i + 2;
        while (end + 1 < len && !(s[end] == '}' && s[end + 1] == '}') && s[end] != '\n' &&
               !(s[end] == '{' && s[end + 1] == '{'))
            end++;
        if (end + 1 >= len || s[end] != '}' || s[end + 1] != '}') {
            on_err(ud, i, _("expected '}}' to close the placeholder"));
            errors++;
            i += 2;
            continue;
        }
        SimSeg seg = {.kind = SIM_SEG_TEXT, .off = lit, .len = i - lit};
        if (seg.len && !seg_push(t, seg, &cap)) goto oom;
        lit = end + 2;
        seg = (SimSeg){.off = i, .len = end + 2 - i};
        if (parse_placeholder(s, i, end, &seg, lookup, on_err, ud)) {
            if (!seg_push(t, seg, &cap)) goto oom;
        } else {
            errors++;
        }
        i = end + 2;
    }
    if (lit < len) {
        SimSeg seg = {.kind = SIM_SEG_TEXT, .off = lit, .len = len - lit};
        if (!seg_push(t, seg, &cap)) goto oom;
    }
    return errors;
oom:
    on_err(ud, 0, _("out of memory"));
    return errors + 1;
}

void sim_render_done(SimTemplate *t)
{
    if (!t) return;
    free(t->text);
    free(t->segs);
    memset(t, 0, sizeof(*t));
}

/* Inserts '.' between groups of three digits of the integer part in plain. */
static void group_vi(const char *plain, char *out, size_t cap)
{
    const char *p = plain;
    size_t o = 0;
    if (*p == '-') {
        if (o + 1 < cap) out[o++] = '-';
        p++;
    }
    size_t intlen = strcspn(p, ".");
    for (size_t k = 0; k < intlen; k++) {
        if (k > 0 && (intlen - k) % 3 == 0 && o + 1 < cap) out[o++] = '.';
        if (o + 1 < cap) out[o++] = p[k];
    }
    if (p[intlen] == '.') {
        if (o + 1 < cap) out[o++] = ',';
        for (const char *f = p + intlen + 1; *f; f++)
            if (o + 1 < cap) out[o++] = *f;
    }
    out[o] = '\0';
}

size_t sim_render_number(char *buf, size_t cap, double v, int decimals, SimFilter f)
{
    char plain[400], styled[420];
    if (decimals < 0) decimals = 0;
    if (decimals > SIM_RENDER_MAX_DECIMALS) decimals = SIM_RENDER_MAX_DECIMALS;
    if (isnan(v)) {
        snprintf(plain, sizeof(plain), "NaN");
    } else if (isinf(v)) {
        snprintf(plain, sizeof(plain), "%s", v > 0 ? "+Inf" : "-Inf");
    } else {
        snprintf(plain, sizeof(plain), "%.*f", decimals, v);
        /* "-0.0" after rounding reads as a glitch: drop the sign of a zero. */
        if (plain[0] == '-' && strspn(plain + 1, "0.") == strlen(plain + 1))
            memmove(plain, plain + 1, strlen(plain));
    }
    const char *out = plain;
    if (f == SIM_FILTER_VI && isfinite(v)) {
        group_vi(plain, styled, sizeof(styled));
        out = styled;
    } else if (f == SIM_FILTER_STR) {
        snprintf(styled, sizeof(styled), "\"%s\"", plain);
        out = styled;
    }
    size_t n = strlen(out);
    if (cap) {
        size_t c = n < cap - 1 ? n : cap - 1;
        memcpy(buf, out, c);
        buf[c] = '\0';
    }
    return n;
}

char *sim_render(const SimTemplate *t, const SimRenderArgs *a, size_t *out_len)
{
    SBuf b = {0};
    sbuf_add(&b, "", 0);
    char tmp[512];
    for (size_t i = 0; i < t->nsegs; i++) {
        const SimSeg *s = &t->segs[i];
        size_t n = 0;
        switch (s->kind) {
        case SIM_SEG_TEXT:
            sbuf_add(&b, t->text + s->off, s->len);
            continue;
        case SIM_SEG_VALUE:
            if (s->index < a->n)
                n = sim_render_number(tmp, sizeof(tmp), a->values[s->index],
                                      a->decimals ? a->decimals[s->index] : 2, s->filter);
            else
                n = sim_render_number(tmp, sizeof(tmp), 0, 0, s->filter);
            break;
        case SIM_SEG_NOW_ISO:
            sim_time_format_iso(a->now_ms, a->tz_offset_s, tmp, sizeof(tmp));
            n = strlen(tmp);
            break;
        case SIM_SEG_NOW_MS:
            n = (size_t)snprintf(tmp, sizeof(tmp), "%lld", (long long)a->now_ms);
            break;
        case SIM_SEG_NOW_UNIX:
            n = (size_t)snprintf(tmp, sizeof(tmp), "%lld",
                                 (long long)sim_time_floor_div(a->now_ms, 1000));
            break;
        }
        if (n >= sizeof(tmp)) n = sizeof(tmp) - 1;
        sbuf_add(&b, tmp, n);
    }
    if (b.oom) {
        sbuf_free(&b);
        return NULL;
    }
    if (out_len) *out_len = b.len;
    return b.s;
}
