/* console.c - the console's lifecycle and its place in the event loop (see
 * console.h): the terminal is a watched descriptor, signals come through the
 * loop's self-pipe, timers tick the clock and turn pages, alert events are
 * counted, and the loop's before-sleep hook is the one place that draws (and
 * rings the bell). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "console/console_internal.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "widgets/draw.h"
#include "base/text.h"

/* Keys read in one wake-up at most (a huge paste must not starve the loop). */
#define MAX_KEYS_PER_WAKE 256
/* Wake-ups in a row with input ready but no key: standard input is at its end. */
#define MAX_EMPTY_READS 64
/* Beeps in one frame at most (several criticals at once need not ring long). */
#define MAX_BEEPS 3

void con_refresh_counts(Console *c)
{
    c->feeds_up = coll_feeds_up(c->coll);
    c->n_crit = c->n_warn = c->n_silenced = 0;
    size_t n = alert_list(c->mon->alerts, c->alist, c->alist_cap);
    if (n > c->alist_cap) n = c->alist_cap;
    for (size_t i = 0; i < n; i++) { /* firing: counted apart when silenced */
        const Alert *a = c->alist[i];
        if (a->state != ALERT_FIRING) continue;
        if (a->silenced)
            c->n_silenced++;
        else if (a->rule->severity == SEV_CRITICAL)
            c->n_crit++;
        else if (a->rule->severity == SEV_WARNING)
            c->n_warn++;
    }
}

void console_on_alert(void *ud, const AlertEvent *ev)
{
    ConsoleAlerts *ca = ud;
    if (!ca) return;
    const Alert *a = ev->alert;
    /* A new firing (fired_ms is now), not one back from stale; silenced ones stay quiet. */
    if (ev->kind == AEV_TRANSITION && ev->to == ALERT_FIRING && a &&
        a->rule->severity == SEV_CRITICAL && a->fired_ms == ev->at_ms && !a->silenced)
        ca->new_crit++;
}

/* Timer: the next frame may be drawn now (the hook does it). */
static void on_frame_timer(void *ud, int64_t now_ms)
{
    Console *c = ud;
    c->frame_timer = 0;
}

/* Schedules the next clock tick on the next wall-clock second. */
static void clock_arm(Console *c);

/* Timer: a second has passed; the header's clock is stale. */
static void on_clock(void *ud, int64_t now_ms)
{
    Console *c = ud;
    c->clock_timer = 0;
    c->dirty |= CON_DIRTY_HEADER;
    clock_arm(c);
}

/* Schedules the next clock tick just after the next wall-clock second. */
static void clock_arm(Console *c)
{
    int64_t wall = loop_wall_ms();
    int64_t due = loop_now_ms() + (1000 - wall % 1000) + 5;
    long id = loop_timer_at(c->coll->loop, due, on_clock, c);
    c->clock_timer = id > 0 ? id : 0;
}

/* Timer: auto-rotation turns to the next page (not while the operator is
 * zoomed in, reading the key list or typing a filter). */
static void on_rotate(void *ud, int64_t now_ms)
{
    Console *c = ud;
    c->rotate_timer = 0;
    if (c->rotate && !c->zoomed && !c->help && c->prompt == CON_PROMPT_NONE && c->n_pages > 1)
        con_show_page(c, (c->page + 1) % c->n_pages); /* re-arms */
    else
        con_rotate_arm(c);
}

void con_rotate_arm(Console *c)
{
    if (c->rotate_timer) loop_timer_cancel(c->coll->loop, c->rotate_timer);
    c->rotate_timer = 0;
    if (!c->rotate) return;
    long id = loop_timer_at(c->coll->loop, loop_now_ms() + c->coll->cfg->rotate_ms, on_rotate, c);
    c->rotate_timer = id > 0 ? id : 0;
}

/* Signal callback (in the loop, not in the handler). */
static void on_signal(void *ud, int sig)
{
    Console *c = ud;
    if (sig == SIGWINCH) {
        c->resized = true;
        return;
    }
    c->quit = true;
    c->quit_signal = sig;
    loop_stop(c->coll->loop);
}

/* Standard input is readable: reads every key that is there, without blocking. */
static void on_stdin(void *ud, int fd, short revents)
{
    Console *c = ud;
    if ((revents & (POLLHUP | POLLERR | POLLNVAL)) && !(revents & POLLIN)) {
        c->quit = true;
        c->quit_signal = SIGHUP; /* the terminal went away */
        loop_stop(c->coll->loop);
        return;
    }
    int got = 0;
    for (int i = 0; i < MAX_KEYS_PER_WAKE && !c->quit; i++) {
        wint_t wch;
        int r = wget_wch(stdscr, &wch);
        if (r == ERR) break;
        got++;
        con_key(c, (int)wch, r == KEY_CODE_YES);
    }
    if (got == 0 && ++c->empty_reads >= MAX_EMPTY_READS) {
        snprintf(c->err, sizeof(c->err), "%s", _("the terminal's input ended"));
        c->failed = true;
    } else if (got) {
        c->empty_reads = 0;
    }
    if (c->quit || c->failed) loop_stop(c->coll->loop);
}

/* Asks the terminal for its size and tells curses. */
static void apply_resize(Console *c)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    c->dirty |= CON_DIRTY_ALL;
}

/* The loop's before-sleep hook: turns data changes into dirty flags, rings
 * the bell for new critical alerts (when on) and draws a frame when
 * something is dirty, at most every CON_FRAME_MS (a timer wakes the loop for
 * a frame that had to wait). */
static void on_before_sleep(void *ud)
{
    Console *c = ud;
    if (c->quit || c->failed) return;
    if (c->coll->dirty) {
        c->coll->dirty = 0;
        if (!c->paused) {
            con_refresh_counts(c);
            c->dirty |= CON_DIRTY_HEADER | CON_DIRTY_BODY;
        } else {
            c->dirty |= CON_DIRTY_HEADER; /* the new-critical badge is live while paused */
        }
    }
    /* A thin console's problem (a lost stream, a refused action) goes to the footer once. */
    if (c->mon->remote && c->mon->link.error_seq != c->link_seq) {
        c->link_seq = c->mon->link.error_seq;
        snprintf(c->msg, sizeof(c->msg), "%s", c->mon->link.error);
        c->dirty |= CON_DIRTY_FOOTER | CON_DIRTY_HEADER;
    }
    if (c->events && c->events->new_crit) {
        for (unsigned i = 0; c->bell && i < c->events->new_crit && i < MAX_BEEPS; i++)
            beep();
        c->events->new_crit = 0;
        c->dirty |= CON_DIRTY_HEADER;
    }
    if (c->resized) {
        c->resized = false;
        apply_resize(c);
    }
    if (!c->dirty) return;
    int64_t now = loop_now_ms();
    if (c->last_frame && now - c->last_frame < CON_FRAME_MS) {
        if (!c->frame_timer) {
            long id = loop_timer_at(c->coll->loop, c->last_frame + CON_FRAME_MS, on_frame_timer, c);
            c->frame_timer = id > 0 ? id : 0;
        }
        return;
    }
    con_draw(c);
    c->dirty = 0;
    c->last_frame = now;
    if (c->failed) loop_stop(c->coll->loop);
}

/* Starts curses on the terminal: raw-ish keys, no echo, hidden cursor,
 * colours unless NO_COLOR is set or the terminal has none. */
static int screen_start(Console *c, char *err, size_t errlen)
{
    c->screen = newterm(NULL, stdout, stdin);
    if (!c->screen) {
        const char *term = getenv("TERM");
        snprintf(err, errlen, _("cannot drive the terminal (TERM=%s is unknown or unsupported)"),
                 term ? term : "");
        return -1;
    }
    set_term(c->screen);
    cbreak();
    noecho();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    c->utf8 = text_utf8_locale();
    c->color = has_colors() && getenv("NO_COLOR") == NULL;
    /* Mouse: clicks on tabs and panels, the wheel (xterm reporting; a
     * terminal without it sends nothing). No click delay; releases are
     * read and ignored (a press acts). */
    mmask_t mask = BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    mask |= BUTTON5_PRESSED;
#endif
    mousemask(mask, NULL);
    mouseinterval(0);
    if (c->color && start_color() == OK) {
        use_default_colors();
        draw_init_theme(c->coll->cfg->theme);
    } else {
        c->color = false;
    }
    /* stdscr is the background: mark it drawn so wget_wch() never repaints it. */
    werase(stdscr);
    wnoutrefresh(stdscr);
    /* ncurses (6.4) flushes its output at every cursor movement until the
     * screen has been suspended and resumed once (its "initial" state is
     * meant for low-level terminfo programs): one write(2) per jump, dozens
     * per frame. Suspending and resuming now, before anything is drawn,
     * makes a frame one write (bench/bench_frame.c). */
    endwin();
    doupdate();
    return 0;
}

/* Releases everything the console made; safe on a partly built console. */
static void console_free(Console *c)
{
    Loop *l = c->coll->loop;
    loop_before_sleep(l, NULL, NULL);
    loop_unwatch_fd(l, STDIN_FILENO);
    if (c->frame_timer) loop_timer_cancel(l, c->frame_timer);
    if (c->clock_timer) loop_timer_cancel(l, c->clock_timer);
    if (c->rotate_timer) loop_timer_cancel(l, c->rotate_timer);
    con_pages_free(c);
    if (c->header) delwin(c->header);
    if (c->footer) delwin(c->footer);
    if (c->screen) {
        endwin();
        delscreen(c->screen);
    }
    free(c->alist);
    free(c);
}

int console_run(Monitor *w, const ConsoleOptions *opts, ConsoleAlerts *events, ConsoleExit *out,
                char *err, size_t errlen)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
    memset(out, 0, sizeof(*out));
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "%s",
                 isatty(STDOUT_FILENO) ? _("the console needs a terminal (stdin is not a tty)")
                                       : _("the console needs a terminal (stdout is not a tty)"));
        return -1;
    }
    Console *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    Collector *coll = w->coll;
    c->mon = w;
    c->coll = coll;
    c->events = events;
    c->window = 1; /* 1h */
    c->wall = opts && opts->wall;
    c->rotate = c->wall;
    c->alist_cap = alert_count(w->alerts);
    c->alist = calloc(c->alist_cap ? c->alist_cap : 1, sizeof(*c->alist));
    if (!c->alist || con_pages_build(c) != 0) {
        snprintf(err, errlen, "%s", _("out of memory"));
        goto fail;
    }
    /* Before curses starts, so that it keeps its hands off these signals. */
    if (loop_catch_signals(coll->loop, sigs, sizeof(sigs) / sizeof(sigs[0]), on_signal, c) != 0) {
        snprintf(err, errlen, _("cannot catch signals: %s"), strerror(errno));
        goto fail;
    }
    if (screen_start(c, err, errlen) != 0) goto fail;
    if (loop_watch_fd(coll->loop, STDIN_FILENO, POLLIN, on_stdin, c) != 0) {
        snprintf(err, errlen, "%s", _("out of memory"));
        goto fail;
    }
    loop_before_sleep(coll->loop, on_before_sleep, c);
    con_refresh_counts(c);
    clock_arm(c);
    con_rotate_arm(c);
    monitor_start(w);
    c->dirty = CON_DIRTY_ALL;
    if (loop_run(coll->loop) != 0) {
        snprintf(err, errlen, "%s", _("the event loop failed"));
        goto fail;
    }
    if (c->failed) {
        snprintf(err, errlen, "%s", c->err);
        goto fail;
    }
    out->signal = c->quit_signal;
    console_free(c);
    return 0;
fail:
    console_free(c);
    return -1;
}
