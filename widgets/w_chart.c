/* w_chart.c - the chart widget: one or more KPIs as lines over the time
 * window, in braille dots (2x4 per cell) or ASCII ('*' values, '.' joins),
 * with y-axis labels, a time axis, a legend and one colour per series.
 * Missing data stays blank: a line is never drawn across a gap. In history
 * the window ends at the cursor, which is drawn as a vertical line. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/timefmt.h"
#include "widgets/draw.h"

#define PLOT_COLS_MAX 1000
#define PLOT_ROWS_MAX 500
#define NO_SERIES     0xFF

/* The plot being drawn: cells of dots and the series that drew each last. */
typedef struct {
    int rows, cols;   /* cells */
    int xdots, ydots; /* dots: 2x4 per cell in braille, 1x1 in ASCII */
    bool utf8;
    uint8_t *bits;   /* rows*cols: braille dot bits; ASCII 1 join, 2 value */
    uint8_t *series; /* rows*cols: series index, NO_SERIES when empty */
    double lo, hi;   /* value range of the y axis */
} Plot;

/* Sets dot (xd, yd) (yd 0 at the bottom) for series s. */
static void plot_dot(Plot *p, int xd, int yd, int s, bool value)
{
    static const uint8_t bit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};
    if (xd < 0 || xd >= p->xdots || yd < 0 || yd >= p->ydots) return;
    int cx = p->utf8 ? xd / 2 : xd, cy = p->utf8 ? yd / 4 : yd;
    size_t i = (size_t)(p->rows - 1 - cy) * (size_t)p->cols + (size_t)cx;
    p->bits[i] |= p->utf8 ? bit[xd % 2][3 - yd % 4] : (value ? 2 : 1);
    p->series[i] = (uint8_t)s;
}

/* Sets the dots of column xd from y0 to y1 (either order). */
static void plot_span(Plot *p, int xd, int y0, int y1, int s)
{
    if (y0 > y1) {
        int t = y0;
        y0 = y1;
        y1 = t;
    }
    for (int y = y0; y <= y1; y++)
        plot_dot(p, xd, y, s, false);
}

/* The dot row of value v. */
static int plot_y(const Plot *p, double v)
{
    double f = (v - p->lo) / (p->hi - p->lo);
    long y = lround(f * (p->ydots - 1));
    return y < 0 ? 0 : y >= p->ydots ? p->ydots - 1 : (int)y;
}

/* Plots the xdots columns pts of series s. A value column is joined to the
 * previous one unless a gap sample came between them or their samples are
 * further apart than join_ms (columns without samples are bridged). */
static void plot_series(Plot *p, const StorePoint *pts, int s, int64_t join_ms)
{
    int px = -1, py = 0;
    int64_t pts_ms = 0;
    bool gap = false;
    for (int x = 0; x < p->xdots; x++) {
        const StorePoint *c = &pts[x];
        if (c->flags & STORE_PT_GAP) gap = true;
        if (!(c->flags & STORE_PT_VALUE) || isnan(c->min) || isnan(c->max)) continue;
        int ymin = plot_y(p, c->min), ymax = plot_y(p, c->max);
        double lv = draw_point_value(c);
        int yl = plot_y(p, lv);
        if (px >= 0 && !gap && c->ts_ms - pts_ms <= join_ms) {
            int target = py < ymin ? ymin : py > ymax ? ymax : py, yp = py;
            for (int xi = px + 1; xi < x; xi++) { /* bridge empty columns */
                int yi = py + (int)lround((double)(target - py) * (xi - px) / (x - px));
                plot_span(p, xi, yp, yi, s);
                yp = yi;
            }
            ymin = yp < ymin ? yp : ymin;
            ymax = yp > ymax ? yp : ymax;
        }
        plot_span(p, x, ymin, ymax, s);
        plot_dot(p, x, yl, s, true);
        px = x;
        py = yl;
        pts_ms = c->last_ts;
        gap = false;
    }
}

/* The text of cell i: a braille character, or '*' / '.' in ASCII. */
static size_t cell_text(const Plot *p, size_t i, char *out)
{
    uint8_t b = p->bits[i];
    if (!b) {
        out[0] = ' ';
        return 1;
    }
    if (!p->utf8) {
        static const char marks[] = "*+ox#@";
        out[0] = (b & 2) ? marks[p->series[i] % 6] : '.';
        return 1;
    }
    unsigned cp = 0x2800u + b; /* U+2800..U+28FF: three bytes */
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Style of series s. */
static DrawStyle series_style(const ViewCtx *ctx, int s)
{
    if (s == NO_SERIES) return draw_style(ctx, 0, A_NORMAL);
    return draw_style(ctx, (short)(DRAW_PAIR_SERIES0 + s % DRAW_SERIES),
                      ctx->color || s % 2 == 0 ? A_NORMAL : A_BOLD);
}

/* Draws the plot cells at (y, x), in runs of one series each. */
static void plot_draw(const Plot *p, WINDOW *win, int y, int x, const ViewCtx *ctx)
{
    char run[3 * PLOT_COLS_MAX + 1];
    for (int r = 0; r < p->rows; r++) {
        int c = 0;
        while (c < p->cols) {
            size_t i = (size_t)r * (size_t)p->cols + (size_t)c;
            int s = p->bits[i] ? p->series[i] : NO_SERIES, start = c;
            size_t len = 0;
            for (; c < p->cols; c++, i++) {
                int si = p->bits[i] ? p->series[i] : NO_SERIES;
                if (si != s && p->bits[i]) break;
                len += cell_text(p, i, run + len);
            }
            run[len] = '\0';
            if (s != NO_SERIES) {
                draw_set(win, series_style(ctx, s));
                draw_text(win, y + r, x + start, c - start, run);
            }
        }
    }
}

/* The y range over the window: the data with 10% padding on each side (at
 * least a little around a flat line), never past the KPIs' min/max (the
 * config's range bounds the axis; it does not fix it: AQI 60 is not drawn
 * at the bottom of 0..300). A target or threshold just outside the data
 * (within a quarter of its span) is taken in so that its line shows. False
 * when there is nothing to show. */
static bool chart_range(const Widget *w, const ViewCtx *ctx, int64_t from, double *lo, double *hi)
{
    double dlo = INFINITY, dhi = -INFINITY, flo = INFINITY, fhi = -INFINITY;
    bool free_lo = false, free_hi = false;
    for (size_t i = 0; i < w->n_kpis; i++) {
        const CollKpi *ak = &ctx->coll->kpis[w->kpis[i]];
        StoreStats st;
        if (isnan(ak->kpi->min))
            free_lo = true;
        else
            flo = ak->kpi->min < flo ? ak->kpi->min : flo;
        if (isnan(ak->kpi->max))
            free_hi = true;
        else
            fhi = ak->kpi->max > fhi ? ak->kpi->max : fhi;
        if (store_stats(ctx->coll->store, ak->series, from, ctx->at_ms, &st)) {
            dlo = st.min < dlo ? st.min : dlo;
            dhi = st.max > dhi ? st.max : dhi;
        }
    }
    if (!isfinite(dlo)) {
        if (!(isfinite(flo) && isfinite(fhi))) return false;
        *lo = flo; /* no data: the configured range, empty */
        *hi = fhi;
        return true;
    }
    double span = dhi - dlo;
    if (!(span > 0)) span = fabs(dhi) > 0 ? fabs(dhi) * 0.1 : 1;
    for (size_t i = 0; i < w->n_kpis; i++) { /* lines just outside the data */
        const CfgKpi *k = ctx->coll->kpis[w->kpis[i]].kpi;
        double lv[1 + 2 * CFG_MAX_CMP];
        size_t nl = 0;
        if (k->has_target) lv[nl++] = k->target;
        for (size_t j = 0; j < k->warn.n && j < CFG_MAX_CMP; j++)
            lv[nl++] = k->warn.v[j];
        for (size_t j = 0; j < k->crit.n && j < CFG_MAX_CMP; j++)
            lv[nl++] = k->crit.v[j];
        for (size_t j = 0; j < nl; j++) {
            if (lv[j] < dlo && lv[j] >= dlo - span / 4) dlo = lv[j];
            if (lv[j] > dhi && lv[j] <= dhi + span / 4) dhi = lv[j];
        }
    }
    span = dhi - dlo;
    if (!(span > 0)) span = fabs(dhi) > 0 ? fabs(dhi) * 0.1 : 1;
    *lo = dlo - span * 0.1;
    *hi = dhi + span * 0.1;
    /* The configured bounds hold when every KPI has them. */
    if (!free_lo && *lo < flo) *lo = flo;
    if (!free_hi && *hi > fhi) *hi = fhi;
    if (!(*hi > *lo)) *hi = *lo + 1;
    return true;
}

/* A horizontal line at value v over the plot's empty cells, with its mark
 * (the threshold's status symbol, or ◆ for the target) in the gap left of
 * the plot when gap is true. */
static void plot_line(const Plot *p, WINDOW *win, int y0, int x0, double v, const char *mark,
                      DrawStyle st, bool gap)
{
    if (!(v >= p->lo && v <= p->hi)) return;
    double f = (v - p->lo) / (p->hi - p->lo);
    int row = p->rows - 1 - (int)lround(f * (p->rows - 1));
    if (row < 0 || row >= p->rows) return;
    draw_set(win, st);
    const char *dash = p->utf8 ? "\xE2\x95\x8C" : "-"; /* ╌ */
    for (int c = 0; c < p->cols; c++)
        if (!p->bits[(size_t)row * (size_t)p->cols + (size_t)c])
            draw_text(win, y0 + row, x0 + c, 1, dash);
    if (gap) draw_text(win, y0 + row, x0 - 1, 1, mark);
}

/* The target and the warn and crit thresholds of the panel's KPIs as lines:
 * crit and warn in their styles with ✗ and ! marks, the target with ◆. */
static void plot_lines(const Widget *w, const Plot *p, WINDOW *win, int y0, int x0,
                       const ViewCtx *ctx, bool gap)
{
    for (size_t i = 0; i < w->n_kpis; i++) {
        const CfgKpi *k = ctx->coll->kpis[w->kpis[i]].kpi;
        for (size_t j = 0; j < k->warn.n && j < CFG_MAX_CMP; j++)
            plot_line(p, win, y0, x0, k->warn.v[j], kpitext_status_symbol(KST_WARN, ctx->utf8),
                      draw_status_style(KST_WARN, ctx), gap);
        for (size_t j = 0; j < k->crit.n && j < CFG_MAX_CMP; j++)
            plot_line(p, win, y0, x0, k->crit.v[j], kpitext_status_symbol(KST_CRIT, ctx->utf8),
                      draw_status_style(KST_CRIT, ctx), gap);
        if (k->has_target)
            plot_line(p, win, y0, x0, k->target, ctx->utf8 ? "\xE2\x97\x86" : "=", /* ◆ */
                      draw_target_style(ctx), gap);
    }
}

/* Local time offset from UTC at t (ms), for ticks on round local times. */
static int64_t zone_offset_ms(int64_t t)
{
    time_t s = (time_t)(t / 1000);
    struct tm tm;
    if (!localtime_r(&s, &tm)) return 0;
    return (int64_t)tm.tm_gmtoff * 1000;
}

/* The time axis under the plot: local HH:MM at round times, >= 8 columns
 * apart. */
static void time_axis(WINDOW *win, int y, int x, int cols, int64_t from, int64_t to,
                      const ViewCtx *ctx)
{
    static const int steps_min[] = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440};
    if (cols < 5 || to <= from) return;
    double per_col = (double)(to - from) / cols;
    int64_t step = 0;
    for (size_t i = 0; i < sizeof steps_min / sizeof steps_min[0] && !step; i++)
        if ((double)steps_min[i] * 60000.0 / per_col >= 8) step = steps_min[i] * 60000LL;
    if (!step) return;
    int64_t off = zone_offset_ms(to);
    int64_t t = from + off;
    t = (t / step + (t % step > 0)) * step - off; /* first round local time >= from */
    int next_free = x;
    draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
    for (; t <= to; t += step) {
        char hms[TIMEFMT_SIZE];
        if (timefmt_hms(t, hms, sizeof hms) < 5) continue;
        hms[5] = '\0';
        int col = x + (int)((double)(t - from) / per_col);
        int lx = col - 2;
        if (lx < next_free) continue;
        if (lx + 5 > x + cols) break;
        draw_text(win, y, lx, 5, hms);
        next_free = lx + 6;
    }
}

/* The legend: for each series a mark, its name and its value at the cursor
 * (zoomed: also min and max over the window). */
static void legend(const Widget *w, WINDOW *win, int y, int x, int cols, int64_t from,
                   const ViewCtx *ctx)
{
    int end = x + cols;
    for (size_t i = 0; i < w->n_kpis && x < end; i++) {
        const CollKpi *ak = &ctx->coll->kpis[w->kpis[i]];
        char name[TEXT_CLEAN_MAX], val[KPITEXT_VAL_MAX], item[TEXT_CLEAN_MAX + 2 * KPITEXT_VAL_MAX];
        CollKpiView v;
        coll_kpi_view(ctx->coll, (size_t)w->kpis[i], ctx->at_ms, &v);
        kpitext_value(ak->kpi, v.has_value, v.value, ctx->utf8, val, sizeof val);
        text_clean(kpitext_name(ak->kpi, (end - x) / 2), ctx->utf8, name, sizeof name);
        snprintf(item, sizeof item, "%s %s", name, val);
        StoreStats st;
        if (ctx->zoomed && store_stats(ctx->coll->store, ak->series, from, ctx->at_ms, &st)) {
            char a[FMT_NUM_MAX], b[FMT_NUM_MAX];
            size_t len = strlen(item);
            fmt_number(st.min, ak->kpi->decimals, a, sizeof a);
            fmt_number(st.max, ak->kpi->decimals, b, sizeof b);
            snprintf(item + len, sizeof item - len, _(" (min %s, max %s)"), a, b);
        }
        draw_set(win, series_style(ctx, (int)i));
        x += draw_text(win, y, x, end - x, ctx->utf8 ? "\xE2\x94\x81" : "*") + 1; /* ━ */
        draw_set(win, draw_style(ctx, 0, A_NORMAL));
        x += draw_text_fit(win, y, x, end - x, item, ctx->utf8) + 2;
    }
}

/* Draws the chart panel. */
static void chart_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    DrawRect r = draw_frame(win, ctx, draw_title(w, ctx, _("Chart")), NULL);
    if (r.rows <= 0 || r.cols <= 0) return;
    if (w->n_kpis == 0) {
        draw_text_fit(win, r.y, r.x, r.cols, _("no KPI"), ctx->utf8);
        return;
    }
    int64_t to = ctx->at_ms, from = to - (ctx->window_ms > 0 ? ctx->window_ms : 1);
    bool leg = r.rows >= 4, axis = r.rows >= 3;
    int rows = r.rows - leg - axis;
    double lo, hi;
    if (leg) legend(w, win, r.y, r.x, r.cols, from, ctx);
    if (!chart_range(w, ctx, from, &lo, &hi)) {
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, A_DIM));
        draw_text_fit(win, r.y + leg, r.x, r.cols, _("no data in this window"), ctx->utf8);
        return;
    }
    /* y-axis labels, one every 3 rows or more (at least max, middle, min),
     * when they leave room for the plot. */
    enum { MAX_LABELS = 12 };
    char lab[MAX_LABELS][FMT_NUM_MAX];
    int nlab = 1 + (rows - 1) / 3, dec = ctx->coll->kpis[w->kpis[0]].kpi->decimals, lw = 0;
    if (nlab < 3) nlab = 3;
    if (nlab > MAX_LABELS) nlab = MAX_LABELS;
    if (nlab > rows) nlab = rows > 0 ? rows : 1;
    int lab_y[MAX_LABELS];
    /* Enough decimals that neighbouring labels differ (the KPI's when more). */
    double step = nlab > 1 ? (hi - lo) / (nlab - 1) : hi - lo;
    int need = step > 0 && step < 1 ? (int)ceil(-log10(step)) : 0;
    if (need > 4) need = 4;
    if (dec < need) dec = need;
    for (int i = 0; i < nlab; i++) {
        int ry = nlab > 1 ? (int)lround((double)i * (rows - 1) / (nlab - 1)) : 0;
        double v = rows > 1 ? hi - (hi - lo) * ry / (rows - 1) : hi;
        lab_y[i] = ry;
        fmt_number(v, dec, lab[i], sizeof lab[i]);
        lw = draw_width(lab[i]) > lw ? draw_width(lab[i]) : lw;
    }
    if (lw + 1 > r.cols / 3) lw = -1;
    int px = r.x + lw + 1, cols = r.cols - lw - 1;
    if (cols > PLOT_COLS_MAX) cols = PLOT_COLS_MAX;
    if (rows > PLOT_ROWS_MAX) rows = PLOT_ROWS_MAX;
    if (cols <= 0 || rows <= 0) return;
    if (lw > 0) {
        draw_set(win, draw_style(ctx, DRAW_PAIR_STALE, ctx->high_contrast ? A_NORMAL : A_DIM));
        for (int i = 0; i < nlab; i++)
            if (i == 0 || lab_y[i] != lab_y[i - 1])
                draw_text_right(win, r.y + leg + lab_y[i], r.x, r.x + lw, lab[i], false);
    }
    Plot p = {
        rows, cols, ctx->utf8 ? cols * 2 : cols, ctx->utf8 ? rows * 4 : rows, ctx->utf8, NULL, NULL,
        lo,   hi};
    size_t cells = (size_t)rows * (size_t)cols;
    uint8_t *buf = draw_scratch(w, (size_t)p.xdots * sizeof(StorePoint) + 2 * cells);
    if (!buf) {
        draw_text_fit(win, r.y + leg, px, cols, _("out of memory"), ctx->utf8);
        return;
    }
    StorePoint *pts = (StorePoint *)(void *)buf;
    p.bits = buf + (size_t)p.xdots * sizeof(StorePoint);
    p.series = p.bits + cells;
    memset(p.bits, 0, cells);
    memset(p.series, NO_SERIES, cells);
    for (size_t i = 0; i < w->n_kpis; i++) {
        const CollKpi *ak = &ctx->coll->kpis[w->kpis[i]];
        if (store_chart(ctx->coll->store, ak->series, from, to, pts, (size_t)p.xdots) < 0) continue;
        int64_t col_ms = (to - from) / p.xdots + 1;
        int64_t join =
            3 * ak->feed->interval_ms > 2 * col_ms ? 3 * ak->feed->interval_ms : 2 * col_ms;
        plot_series(&p, pts, (int)i, join);
    }
    plot_draw(&p, win, r.y + leg, px, ctx);
    plot_lines(w, &p, win, r.y + leg, px, ctx, lw > 0); /* in the cells the data left empty */
    if (ctx->history) {                                 /* the cursor: the last column, reversed */
        draw_set(win, draw_style(ctx, DRAW_PAIR_FRAME, A_REVERSE));
        for (int y = 0; y < rows; y++) {
            char ch[4];
            size_t n = cell_text(&p, (size_t)y * (size_t)cols + (size_t)(cols - 1), ch);
            ch[n] = '\0';
            draw_text(win, r.y + leg + y, px + cols - 1, 1, ch);
        }
    }
    if (axis) time_axis(win, r.y + leg + rows, px, cols, from, to, ctx);
}

const WidgetClass w_chart_class = {
    .name = "chart",
    .draw = chart_draw,
    .min_rows = 6,
    .min_cols = 24,
};
