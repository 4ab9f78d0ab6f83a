/* console_layout.c - the console's grid: pages and widgets, panel rectangles
 * and windows, geometric focus moves (see console_internal.h). */
#include <stdlib.h>
#include <string.h>

#include "console/console_internal.h"
#include "base/i18n.h"
#include "core/kpitext.h"
#include "widgets/draw.h"

/* Fills the console's built-in page, used when the config has no pages: a
 * table of the first KPIs above the alert list and the feed list. */
static void default_page(Console *c)
{
    const Collector *a = c->coll;
    size_t n = a->n_kpis < WIDGET_MAX_KPIS ? a->n_kpis : WIDGET_MAX_KPIS;
    for (size_t i = 0; i < n; i++)
        c->dflt_keys[i] = a->kpis[i].kpi->key;
    CfgPanel *p = c->dflt_panels;
    p[0] = (CfgPanel){.widget = (char *)"table",
                      .title = _("KPIs"),
                      .kpis = c->dflt_keys,
                      .n_kpis = n,
                      .width = 1};
    p[1] = (CfgPanel){.widget = (char *)"alerts", .width = 1};
    p[2] = (CfgPanel){.widget = (char *)"health", .width = 1};
    size_t r = 0;
    if (n > 0) c->dflt_rows[r++] = (CfgRow){.height = 2, .panels = &p[0], .n_panels = 1};
    c->dflt_rows[r++] = (CfgRow){.height = 1, .panels = &p[1], .n_panels = 2};
    c->dflt_page = (CfgPage){.title = _("Overview"), .rows = c->dflt_rows, .n_rows = r};
}

int con_pages_build(Console *c)
{
    const Config *cfg = c->coll->cfg;
    const CfgPage *src = cfg->pages;
    size_t n = cfg->n_pages;
    if (n == 0) {
        default_page(c);
        src = &c->dflt_page;
        n = 1;
    }
    c->pages = calloc(n, sizeof(*c->pages));
    if (!c->pages) return -1;
    c->n_pages = n;
    for (size_t i = 0; i < n; i++) {
        ConPage *pg = &c->pages[i];
        pg->cfg = &src[i];
        size_t np = 0;
        for (size_t r = 0; r < pg->cfg->n_rows; r++)
            np += pg->cfg->rows[r].n_panels;
        if (np == 0) continue;
        pg->panels = calloc(np, sizeof(*pg->panels));
        if (!pg->panels) return -1;
        for (size_t r = 0; r < pg->cfg->n_rows; r++) {
            const CfgRow *row = &pg->cfg->rows[r];
            for (size_t k = 0; k < row->n_panels; k++) {
                ConPanel *p = &pg->panels[pg->n_panels++];
                p->cfg = &row->panels[k];
                p->row = r;
                p->w = widget_new(p->cfg, c->coll);
                if (!p->w) return -1;
            }
        }
    }
    return 0;
}

void con_windows_free(Console *c)
{
    for (size_t i = 0; i < c->n_pages; i++) {
        ConPage *pg = &c->pages[i];
        for (size_t k = 0; k < pg->n_panels; k++) {
            if (pg->panels[k].win) delwin(pg->panels[k].win);
            pg->panels[k].win = NULL;
        }
    }
}

void con_pages_free(Console *c)
{
    con_windows_free(c);
    for (size_t i = 0; i < c->n_pages; i++) {
        ConPage *pg = &c->pages[i];
        for (size_t k = 0; k < pg->n_panels; k++)
            widget_free(pg->panels[k].w);
        free(pg->panels);
    }
    free(c->pages);
    c->pages = NULL;
    c->n_pages = 0;
}

/* Splits the body (top, h rows, w columns) among the page's rows by their
 * relative heights and each row among its panels by their relative widths.
 * Cumulative rounding: the pieces tile the body exactly, with no gaps. */
static void grid(ConPage *pg, int top, int h, int w)
{
    const CfgPage *cp = pg->cfg;
    long total_h = 0;
    for (size_t r = 0; r < cp->n_rows; r++)
        total_h += cp->rows[r].height > 0 ? cp->rows[r].height : 1;
    long cum_h = 0;
    size_t k = 0;
    for (size_t r = 0; r < cp->n_rows; r++) {
        const CfgRow *row = &cp->rows[r];
        int y0 = top + (int)(h * cum_h / total_h);
        cum_h += row->height > 0 ? row->height : 1;
        int y1 = top + (int)(h * cum_h / total_h);
        long total_w = 0, cum_w = 0;
        for (size_t p = 0; p < row->n_panels; p++)
            total_w += row->panels[p].width > 0 ? row->panels[p].width : 1;
        for (size_t p = 0; p < row->n_panels && k < pg->n_panels; p++, k++) {
            int x0 = (int)(w * cum_w / total_w);
            cum_w += row->panels[p].width > 0 ? row->panels[p].width : 1;
            int x1 = (int)(w * cum_w / total_w);
            pg->panels[k].r = (ConRect){y0, x0, y1 - y0, x1 - x0};
        }
    }
}

/* Replaces *win by a new window of the given size (NULL when it is empty or
 * cannot be made). */
static void remake(WINDOW **win, int h, int w, int y, int x)
{
    if (*win) delwin(*win);
    *win = h > 0 && w > 0 ? newwin(h, w, y, x) : NULL;
}

/* Fits the titles of the shown page's panels to their widths so that
 * siblings stay apart: a KPI's short name when its name does not fit, and
 * titles that would cut to the same start keep their distinct tails. */
static void fit_titles(Console *c, ConPage *pg)
{
    static char clean[64][TEXT_CLEAN_MAX]; /* one console, one thread */
    const char *sibs[64];
    size_t n = pg->n_panels < 64 ? pg->n_panels : 64;
    ViewCtx ctx = {.coll = c->coll, .utf8 = c->utf8};
    for (size_t k = 0; k < pg->n_panels; k++)
        pg->panels[k].title[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        ConPanel *p = &pg->panels[k];
        sibs[k] = NULL;
        const char *t = p->w ? draw_title(p->w, &ctx, NULL) : NULL;
        if (!t) continue;
        int room = p->r.w - 4;
        if (p->w->n_kpis == 1 && !(p->cfg->title && p->cfg->title[0]))
            t = kpitext_name(c->coll->kpis[p->w->kpis[0]].kpi, room);
        sibs[k] = text_clean(t, c->utf8, clean[k], sizeof(clean[k]));
    }
    for (size_t k = 0; k < n; k++) {
        ConPanel *p = &pg->panels[k];
        if (!sibs[k]) continue;
        int room = c->zoomed ? c->cols - 4 : p->r.w - 4;
        kpitext_fit_distinct(sibs[k], sibs, n, room > 1 ? room : 1, c->utf8, p->title,
                             sizeof(p->title));
    }
}

int con_layout(Console *c)
{
    con_windows_free(c);
    getmaxyx(stdscr, c->rows, c->cols);
    c->too_small = c->cols < CON_MIN_COLS || c->rows < CON_MIN_ROWS;
    if (c->too_small) {
        remake(&c->header, 0, 0, 0, 0);
        remake(&c->footer, 0, 0, 0, 0);
        return 0;
    }
    remake(&c->header, CON_HEADER_ROWS, c->cols, 0, 0);
    remake(&c->footer, CON_FOOTER_ROWS, c->cols, c->rows - CON_FOOTER_ROWS, 0);
    if (!c->header || !c->footer) return -1;
    int top = CON_HEADER_ROWS, h = c->rows - CON_HEADER_ROWS - CON_FOOTER_ROWS;
    ConPage *pg = &c->pages[c->page];
    grid(pg, top, h, c->cols);
    if (pg->n_panels == 0) return 0;
    if (c->focus >= pg->n_panels) c->focus = 0;
    fit_titles(c, pg);
    if (c->zoomed) {
        ConPanel *p = &pg->panels[c->focus];
        remake(&p->win, h, c->cols, top, 0);
        return p->win ? 0 : -1;
    }
    for (size_t k = 0; k < pg->n_panels; k++) {
        ConPanel *p = &pg->panels[k];
        remake(&p->win, p->r.h, p->r.w, p->r.y, p->r.x);
        if (!p->win && p->r.h > 0 && p->r.w > 0) return -1;
    }
    return 0;
}

/* Distance between the ranges [a0, a1) and [b0, b1); 0 when they overlap. */
static int range_gap(int a0, int a1, int b0, int b1)
{
    if (a1 <= b0) return b0 - a1;
    if (b1 <= a0) return a0 - b1;
    return 0;
}

size_t con_focus_step(const ConPage *pg, size_t from, int dy, int dx)
{
    if (from >= pg->n_panels) return from;
    const ConRect *cur = &pg->panels[from].r;
    size_t best = from;
    long best_key[3] = {0, 0, 0};
    for (size_t i = 0; i < pg->n_panels; i++) {
        const ConRect *r = &pg->panels[i].r;
        if (i == from || r->h <= 0 || r->w <= 0) continue;
        long primary, perp, centre;
        if (dx != 0) {
            /* Entirely on that side of the current panel. */
            if (dx > 0 ? r->x < cur->x + cur->w : r->x + r->w > cur->x) continue;
            primary = dx > 0 ? r->x - (cur->x + cur->w) : cur->x - (r->x + r->w);
            perp = range_gap(cur->y, cur->y + cur->h, r->y, r->y + r->h);
            centre = labs((long)(2 * r->y + r->h) - (2 * cur->y + cur->h));
        } else {
            if (dy > 0 ? r->y < cur->y + cur->h : r->y + r->h > cur->y) continue;
            primary = dy > 0 ? r->y - (cur->y + cur->h) : cur->y - (r->y + r->h);
            perp = range_gap(cur->x, cur->x + cur->w, r->x, r->x + r->w);
            centre = labs((long)(2 * r->x + r->w) - (2 * cur->x + cur->w));
        }
        /* Nearest first, then overlapping, then best aligned centres. */
        long key[3] = {primary, perp, centre};
        bool better = best == from;
        for (int k = 0; !better && k < 3; k++) {
            if (key[k] != best_key[k]) {
                better = key[k] < best_key[k];
                break;
            }
        }
        if (better) {
            best = i;
            memcpy(best_key, key, sizeof(key));
        }
    }
    return best;
}
