/* bench_frame.c - the cost of one console frame when everything changes (prints numbers).
 *
 * Usage: bench_frame [FRAMES] [COLSxROWS ...]      (defaults: 300 120x40 240x70)
 * Loads the bundled province into a real Monitor (collector, store, alert
 * engine; nothing polls), fills the store with 25 hours of samples for every
 * KPI (one every 30 s), and starts curses with newterm() on a temporary
 * file, so that ncurses writes the escape sequences a terminal would get.
 * Then, for each size and each page, draws FRAMES frames through the
 * console's own drawing path (con_refresh_counts + con_draw, as the loop's
 * hook does when data arrived). Before every frame every feed delivers a
 * poll result through coll_poll_result() (store, KPI status, alert engine)
 * one second after the previous one, with a new value for every KPI, so that
 * every number on the screen changes every frame. Only the drawing is
 * timed: CPU time of the process (CLOCK_PROCESS_CPUTIME_ID) around each
 * frame, including the write(2) of doupdate(). Prints, per page, the mean
 * and the 99th percentile in microseconds and the bytes written per frame.
 * See docs/performance.md. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "base/i18n.h"
#include "base/loop.h"
#include "config/bundled.h"
#include "console/console_internal.h"
#include "core/collector.h"
#include "services/monitor.h"
#include "widgets/draw.h"

/* CPU time of this process in microseconds. */
static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Appends 25 h of a plausible wave to every KPI, ending at end_ms. */
static void fill(Collector *a, int64_t end_ms)
{
    for (size_t i = 0; i < a->n_kpis; i++)
        for (int64_t t = end_ms - 25LL * 3600 * 1000; t <= end_ms; t += 30000) {
            double v = 50 + 20 * sin((double)t / 3.6e6 + (double)i) + (double)(t % 7);
            store_append(a->store, a->kpis[i].series, t, v);
        }
}

/* Delivers one successful poll of every feed at wall time t, each KPI with a
 * value that differs from the previous frame's even with no decimals. */
static void poll_all(Collector *a, long frame, int64_t t)
{
    static KpiValue vals[256];
    for (size_t f = 0; f < a->cfg->n_feeds; f++) {
        const CfgFeed *cf = &a->cfg->feeds[f];
        FeedStatus st = a->feeds[f];
        st.state = FS_OK;
        st.error[0] = '\0';
        st.latency_ms = 20 + frame % 50;
        st.last_poll_ms = st.last_ok_ms = t;
        st.http_status = 200;
        st.polls++;
        st.consecutive_failures = 0;
        for (size_t k = 0; k < cf->n_kpis && k < 256; k++) {
            vals[k].has_value = true;
            vals[k].error[0] = '\0';
            /* Steps of 7 modulo 90: never the same integer twice in a row. */
            vals[k].value = 5.0 + (double)((frame * 7 + (long)(f * 13 + k * 5)) % 90) +
                            0.25 * (double)(frame % 4);
        }
        coll_poll_result(a, f, &st, vals, t);
    }
}

/* Compares doubles for qsort. */
static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Bytes written to the terminal file so far. */
static long written(FILE *out)
{
    return (long)lseek(fileno(out), 0, SEEK_CUR);
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 300;
    if (frames < 1) frames = 1;
    int sizes[8][2] = {{120, 40}, {240, 70}};
    int n_sizes = 2;
    if (argc > 2) {
        n_sizes = 0;
        for (int i = 2; i < argc && n_sizes < 8; i++)
            if (sscanf(argv[i], "%dx%d", &sizes[n_sizes][0], &sizes[n_sizes][1]) == 2) n_sizes++;
    }
    setlocale(LC_ALL, "C.UTF-8");
    setenv("IOC_SIM_URL", "http://127.0.0.1:9", 1);
    setenv("TERM", "xterm-256color", 1);
    size_t len;
    const char *text = bundled_config(&len);
    Diag d;
    diag_init(&d);
    Config *cfg = cfg_load_string(text, len, BUNDLED_CONFIG_NAME, &d);
    diag_done(&d);
    char err[256];
    ConsoleAlerts events = {0};
    Monitor *mon = cfg ? monitor_new(cfg, console_on_alert, &events, err, sizeof(err)) : NULL;
    if (!mon) {
        fprintf(stderr, "bench_frame: cannot load the bundled province\n");
        return 1;
    }
    Collector *a = mon->coll;
    long total = (long)frames * (long)a->cfg->n_pages * n_sizes;
    /* Frames are one second apart and end now, so the charts' windows see them. */
    int64_t t0 = loop_wall_ms() - (int64_t)(total + 5) * 1000;
    fill(a, t0);

    FILE *out = tmpfile();
    SCREEN *scr = out ? newterm("xterm-256color", out, stdin) : NULL;
    if (!scr) {
        fprintf(stderr, "bench_frame: no terminal description for xterm-256color\n");
        return 1;
    }
    set_term(scr);
    start_color();
    use_default_colors();
    draw_init_theme(a->cfg->theme);
    /* As the console's screen_start() does: out of ncurses' initial state,
     * where it flushes at every cursor movement. */
    endwin();
    doupdate();

    Console *c = calloc(1, sizeof(*c));
    c->mon = mon;
    c->coll = a;
    c->events = &events;
    c->window = 1; /* 1h, as at start */
    c->utf8 = true;
    c->color = true;
    c->screen = scr;
    c->alist_cap = alert_count(mon->alerts);
    c->alist = calloc(c->alist_cap ? c->alist_cap : 1, sizeof(*c->alist));
    if (!c->alist || con_pages_build(c) != 0) {
        fprintf(stderr, "bench_frame: out of memory\n");
        return 1;
    }
    double *cost = calloc((size_t)frames, sizeof(double));
    printf("%zu KPIs in %zu feeds, 25 h of 30 s samples, every feed polled before each frame, "
           "%d frames per page\n",
           a->n_kpis, a->cfg->n_feeds, frames);
    printf("%-9s %-4s %6s %9s %9s %11s  %s\n", "size", "page", "panels", "mean us", "p99 us",
           "bytes/frame", "title");
    long frame = 0;
    for (int s = 0; s < n_sizes; s++) {
        resize_term(sizes[s][1], sizes[s][0]);
        double sum_all = 0;
        long bytes_all = 0;
        for (size_t p = 0; p < c->n_pages; p++) {
            con_show_page(c, p);
            c->dirty = CON_DIRTY_ALL;
            con_draw(c); /* the layout and a first full frame, not timed */
            long b0 = written(out);
            double sum = 0;
            for (int f = 0; f < frames; f++, frame++) {
                poll_all(a, frame, t0 + (frame + 1) * 1000);
                double u0 = cpu_us();
                a->dirty = 0; /* what the console's hook does on new data */
                con_refresh_counts(c);
                c->dirty = CON_DIRTY_HEADER | CON_DIRTY_BODY;
                con_draw(c);
                c->dirty = 0;
                cost[f] = cpu_us() - u0;
                sum += cost[f];
            }
            long bytes = written(out) - b0;
            qsort(cost, (size_t)frames, sizeof(double), cmp_double);
            size_t i99 = (size_t)ceil(0.99 * frames) - 1;
            char size[16];
            snprintf(size, sizeof(size), "%dx%d", sizes[s][0], sizes[s][1]);
            printf("%-9s %-4zu %6zu %9.1f %9.1f %11ld  %s\n", size, p + 1, c->pages[p].n_panels,
                   sum / frames, cost[i99], bytes / frames, c->pages[p].cfg->title);
            sum_all += sum;
            bytes_all += bytes;
            if (ftruncate(fileno(out), 0) == 0) lseek(fileno(out), 0, SEEK_SET);
        }
        printf("%dx%d, all pages: mean %.1f us, %ld bytes per frame\n\n", sizes[s][0], sizes[s][1],
               sum_all / ((double)frames * (double)c->n_pages),
               bytes_all / ((long)frames * (long)c->n_pages));
    }
    free(cost);
    con_pages_free(c);
    if (c->header) delwin(c->header);
    if (c->footer) delwin(c->footer);
    endwin();
    delscreen(scr);
    free(c->alist);
    free(c);
    fclose(out);
    monitor_free(mon);
    return 0;
}
