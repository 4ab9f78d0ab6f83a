/* bench_frame.c - the cost of one console frame (prints numbers).
 *
 * Usage: bench_frame [FRAMES]
 * Loads the bundled province, fills its store with 25 hours of samples for
 * every KPI (one every 30 s), then renders each page of the config off-screen
 * (newterm on /dev/null, 160 x 48) FRAMES times through the real widgets:
 * a frame is every panel's draw + wnoutrefresh, then doupdate. Prints the
 * microseconds per frame per page. See docs/performance.md. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "config/bundled.h"
#include "core/collector.h"
#include "widgets/draw.h"
#include "widgets/widget.h"

#define COLS_ 160
#define ROWS_ 48

/* Monotonic time in microseconds. */
static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Appends 25 h of a plausible wave to every KPI, ending at now_ms. */
static void fill(Collector *a, int64_t now_ms)
{
    for (size_t i = 0; i < a->n_kpis; i++) {
        for (int64_t t = now_ms - 25LL * 3600 * 1000; t <= now_ms; t += 30000) {
            double v = 50 + 20 * sin((double)t / 3.6e6 + (double)i) + (double)(t % 7);
            store_append(a->store, a->kpis[i].series, t, v);
        }
        a->kpis[i].status = i % 9 == 0 ? KST_WARN : KST_OK;
    }
    for (size_t f = 0; f < a->cfg->n_feeds; f++)
        a->feeds[f].state = FS_OK;
}

/* Renders page p frames times; returns microseconds per frame. */
static double bench_page(Collector *a, const CfgPage *pg, int frames, int64_t now_ms)
{
    WINDOW *wins[64];
    Widget *ws[64];
    size_t n = 0;
    int total_h = 0;
    for (size_t r = 0; r < pg->n_rows; r++)
        total_h += pg->rows[r].height;
    int y = 2;
    for (size_t r = 0; r < pg->n_rows; r++) {
        const CfgRow *row = &pg->rows[r];
        int h = (ROWS_ - 3) * row->height / total_h;
        int total_w = 0;
        for (size_t p = 0; p < row->n_panels; p++)
            total_w += row->panels[p].width;
        int x = 0;
        for (size_t p = 0; p < row->n_panels && n < 64; p++) {
            int w = COLS_ * row->panels[p].width / total_w;
            wins[n] = newwin(h, w, y, x);
            ws[n] = widget_new(&row->panels[p], a);
            n++;
            x += w;
        }
        y += h;
    }
    ViewCtx ctx = {.coll = a,
                   .now_ms = now_ms,
                   .at_ms = now_ms,
                   .window_ms = 3600 * 1000,
                   .utf8 = true,
                   .color = true};
    double t0 = now_us();
    for (int f = 0; f < frames; f++) {
        for (size_t i = 0; i < n; i++) {
            ws[i]->cls->draw(ws[i], wins[i], &ctx);
            wnoutrefresh(wins[i]);
        }
        doupdate();
    }
    double per = (now_us() - t0) / frames;
    for (size_t i = 0; i < n; i++) {
        widget_free(ws[i]);
        delwin(wins[i]);
    }
    return per;
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 500;
    if (frames < 1) frames = 1;
    setlocale(LC_CTYPE, "C.UTF-8");
    setenv("IOC_SIM_URL", "http://127.0.0.1:9", 1);
    setenv("TERM", "xterm-256color", 1);
    size_t len;
    const char *text = bundled_config(&len);
    Diag d;
    diag_init(&d);
    Config *cfg = cfg_load_string(text, len, BUNDLED_CONFIG_NAME, &d);
    diag_done(&d);
    char err[256];
    Collector *a = cfg ? coll_new(cfg, err, sizeof(err)) : NULL;
    if (!a) {
        fprintf(stderr, "bench_frame: cannot load the bundled province\n");
        return 1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    fill(a, now_ms);

    FILE *out = fopen("/dev/null", "w");
    SCREEN *scr = newterm("xterm-256color", out, stdin);
    if (!scr) {
        fprintf(stderr, "bench_frame: no terminal description for xterm-256color\n");
        return 1;
    }
    resize_term(ROWS_, COLS_);
    start_color();
    use_default_colors();
    draw_init_colors();
    printf("terminal %dx%d, %zu KPIs with 25 h of 30 s samples, %d frames per page\n", COLS_, ROWS_,
           a->n_kpis, frames);
    for (size_t p = 0; p < a->cfg->n_pages; p++) {
        const CfgPage *pg = &a->cfg->pages[p];
        size_t panels = 0;
        for (size_t r = 0; r < pg->n_rows; r++)
            panels += pg->rows[r].n_panels;
        double us = bench_page(a, pg, frames, now_ms);
        printf("page %zu  %2zu panels  %8.1f us/frame  %s\n", p + 1, panels, us, pg->title);
    }
    endwin();
    delscreen(scr);
    fclose(out);
    coll_free(a);
    return 0;
}
