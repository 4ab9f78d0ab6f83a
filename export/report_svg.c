/* report_svg.c - the inline SVG chart of one KPI's day for the HTML report:
 * the day's points as a line (a gap in the data is a break in the line),
 * the target as a dashed line, the warn and crit zones lightly shaded, and
 * faint marks at 06:00, 12:00 and 18:00. No script, nothing external;
 * every coordinate lies inside the viewBox (docs/report.md). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "export/report_internal.h"

#define LINE_COLOUR "#1f5fbf" /* the e2e test looks for this colour */
#define MAX_CMP     4         /* comparisons of a threshold shaded */

/* The chart's frame and value range. */
typedef struct {
    int w, h;
    double x0, x1, y0, y1; /* plot area in viewBox units */
    double lo, hi;         /* value range shown */
    double from, to;       /* time range shown (ms) */
} Frame;

/* One comparison of a threshold: v < a (below) or v > a. */
typedef struct {
    bool below;
    double a;
} Cmp;

/* Writes a coordinate with one decimal and a '.' whatever the locale. */
static void put_coord(double v, FILE *out)
{
    long t = lround(v * 10.0);
    if (t < 0) t = 0;
    fprintf(out, "%ld.%ld", t / 10, t % 10);
}

/* The x of time ts, clamped to the plot area. */
static double x_of(const Frame *f, int64_t ts)
{
    double x = f->x0 + ((double)ts - f->from) / (f->to - f->from) * (f->x1 - f->x0);
    return x < f->x0 ? f->x0 : x > f->x1 ? f->x1 : x;
}

/* The y of value v, clamped to the plot area (larger values are higher). */
static double y_of(const Frame *f, double v)
{
    double y = f->y1 - (v - f->lo) / (f->hi - f->lo) * (f->y1 - f->y0);
    if (!isfinite(y)) y = f->y1;
    return y < f->y0 ? f->y0 : y > f->y1 ? f->y1 : y;
}

/* Parses a threshold as the report gives it ("< 70", "> 100", "< 5.5 or
 * > 9"; <= and >= are shaded like < and >). Returns the comparisons read,
 * 0 when the text is absent or has any other shape. */
static size_t parse_threshold(const char *s, Cmp *cmp)
{
    size_t n = 0;

    if (!s) return 0;
    for (;;) {
        while (*s == ' ')
            s++;
        if (*s != '<' && *s != '>') return 0;
        if (n == MAX_CMP) return 0;
        cmp[n].below = *s == '<';
        s++;
        if (*s == '=') s++;
        while (*s == ' ')
            s++;
        size_t used; /* a finite number, '.' whatever the locale */
        cmp[n].a = fmt_parse_double(s, strlen(s), &used);
        if (used == 0 || !isfinite(cmp[n].a)) return 0;
        s += used;
        n++;
        while (*s == ' ')
            s++;
        if (*s == '\0') return n;
        if (strncmp(s, "or", 2) != 0) return 0;
        s += 2;
    }
}

/* Widens [lo, hi] to take v (finite values only). */
static void widen(double v, double *lo, double *hi)
{
    if (!isfinite(v)) return;
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

/* Sets the frame's value range from the points and the target; false when
 * no point has a finite value. */
static bool value_range(const ReportKpi *k, Frame *f)
{
    double lo = INFINITY, hi = -INFINITY;

    for (size_t i = 0; i < k->n_points; i++)
        widen(k->pt_v[i], &lo, &hi);
    if (!isfinite(lo)) return false;
    if (k->has_target) widen(k->target, &lo, &hi);
    double pad = (hi - lo) * 0.08;
    if (!(pad > 0) || !isfinite(pad)) pad = fabs(hi) > 1 ? fabs(hi) * 0.05 : 1.0;
    f->lo = lo - pad;
    f->hi = hi + pad;
    if (!isfinite(f->lo) || !isfinite(f->hi) || !(f->hi > f->lo)) {
        f->lo = lo;
        f->hi = lo + 1.0;
        if (!(f->hi > f->lo)) return false; /* beyond double precision */
    }
    return true;
}

/* Shades the zones of one threshold with fill colour fill. */
static void put_zones(const Frame *f, const char *thr, const char *cls, FILE *out)
{
    Cmp cmp[MAX_CMP];
    size_t n = parse_threshold(thr, cmp);

    for (size_t i = 0; i < n; i++) {
        double ya = y_of(f, cmp[i].a);
        double top = cmp[i].below ? ya : f->y0, bottom = cmp[i].below ? f->y1 : ya;
        if (bottom - top < 0.05) continue;
        fprintf(out, "<rect class=\"%s\" x=\"", cls);
        put_coord(f->x0, out);
        fputs("\" y=\"", out);
        put_coord(top, out);
        fputs("\" width=\"", out);
        put_coord(f->x1 - f->x0, out);
        fputs("\" height=\"", out);
        put_coord(bottom - top, out);
        fputs("\"/>", out);
    }
}

/* Writes the line: one path whose subpaths are the runs of finite values;
 * a lone point between gaps is a dot (zero-length segment, round cap). */
static void put_line(const Frame *f, const ReportKpi *k, FILE *out)
{
    bool pen = false;

    fputs("<path class=\"line\" fill=\"none\" stroke=\"" LINE_COLOUR "\" stroke-width=\"2\" "
          "stroke-linejoin=\"round\" stroke-linecap=\"round\" d=\"",
          out);
    for (size_t i = 0; i < k->n_points; i++) {
        double v = k->pt_v[i];
        if (!isfinite(v) || (double)k->pt_ts[i] < f->from || (double)k->pt_ts[i] > f->to) {
            pen = false;
            continue;
        }
        bool lone = !pen && (i + 1 >= k->n_points || !isfinite(k->pt_v[i + 1]));
        fputs(pen ? " L" : " M", out);
        put_coord(x_of(f, k->pt_ts[i]), out);
        fputc(' ', out);
        put_coord(y_of(f, v), out);
        if (lone) {
            fputs(" L", out);
            put_coord(x_of(f, k->pt_ts[i]), out);
            fputc(' ', out);
            put_coord(y_of(f, v), out);
        }
        pen = true;
    }
    fputs("\"/>", out);
}

bool rep_svg_chart(const Report *r, const ReportKpi *k, int w, int h, FILE *out)
{
    Frame f = {.w = w, .h = h, .x0 = 1, .x1 = w - 1, .y0 = 2, .y1 = h - 2};

    if (!k->pt_ts || !k->pt_v || k->n_points == 0 || w < 8 || h < 8) return false;
    f.from = (double)r->from_ms;
    f.to = (double)r->to_ms;
    if (!(f.to > f.from)) { /* no day bounds: use the points' own span */
        f.from = (double)k->pt_ts[0];
        f.to = (double)k->pt_ts[k->n_points - 1];
        if (!(f.to > f.from)) f.to = f.from + 1000.0;
        if (!(f.to > f.from)) return false;
    }
    if (!value_range(k, &f)) return false;

    fprintf(out,
            "<svg class=\"chart\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
            w, h, w, h);
    rep_html_put(_("the day's values"), out);
    fputs("\">", out);
    fprintf(out, "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>", w, h);
    put_zones(&f, k->warn, "warn", out);
    put_zones(&f, k->crit, "crit", out);
    for (int q = 1; q <= 3; q++) {
        double x = f.x0 + (f.x1 - f.x0) * q / 4.0;
        fputs("<line class=\"tick\" x1=\"", out);
        put_coord(x, out);
        fputs("\" y1=\"0\" x2=\"", out);
        put_coord(x, out);
        fprintf(out, "\" y2=\"%d\"/>", h);
    }
    if (k->has_target && isfinite(k->target)) {
        double y = y_of(&f, k->target);
        fputs("<line class=\"target\" x1=\"0\" y1=\"", out);
        put_coord(y, out);
        fprintf(out, "\" x2=\"%d\" y2=\"", w);
        put_coord(y, out);
        fputs("\" stroke-dasharray=\"4 3\"/>", out);
    }
    put_line(&f, k, out);
    fputs("</svg>", out);
    return true;
}
