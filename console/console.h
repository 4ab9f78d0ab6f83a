/* console.h - the operator's full-screen console (ncurses).
 *
 * The console shows the pages of the config (a grid of panels, each drawn by
 * its widget), a header (centre name, clock, page tabs, feeds up, alert
 * counts, new critical alerts, modes) and a footer (the keys that apply now,
 * or a prompt). It runs on a Monitor (the Collector plus the alert engine, alert log
 * and notifier): alerts panels list the engine's alerts, and the operator
 * acknowledges and silences them from the keyboard. It runs the Collector's event
 * loop: the terminal is a watched descriptor, signals arrive through the
 * loop's self-pipe, and key presses, data changes, alert events and timers
 * only set dirty flags; one place draws, in the loop's before-sleep hook, at
 * most about ten times a second and only when something changed.
 *
 * The console borrows the Monitor (the caller creates and frees it) and starts
 * it. It owns the curses screen, its windows and the widgets, and releases
 * all of them (endwin included) before console_run() returns, on every path.
 * The keys and modes are described in docs/console.md. */
#ifndef IOC_CONSOLE_H
#define IOC_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/alert.h"
#include "services/monitor.h"

/* How the console ended. */
typedef struct {
    int signal; /* the signal that ended it (SIGINT, SIGTERM, SIGHUP), or 0 after 'q' */
} ConsoleExit;

/* How the console is run. */
typedef struct {
    /* A video wall: read-only (no acknowledging, silencing, filtering or
     * moving about), the pages turn every ioc.rotate, and every key but q
     * and F10 is ignored with a note in the footer. */
    bool wall;
} ConsoleOptions;

/* What the console hears from the alert engine between two frames. The
 * caller passes console_on_alert with a zeroed ConsoleAlerts to monitor_new(),
 * and the same ConsoleAlerts to console_run(). */
typedef struct {
    unsigned new_crit; /* critical alerts that started firing (not back from stale) */
    bool changed;      /* some alert event happened */
} ConsoleAlerts;

/* Monitor callback (ud: a ConsoleAlerts): notes new critical alerts. It only
 * counts; the console draws (and rings the bell) from its own loop hook. */
void console_on_alert(void *ud, const AlertEvent *ev);

/* Runs the console on w (opts NULL: an operator's console) until the user quits ('q') or SIGINT,
 * SIGTERM or SIGHUP arrives; starts the Monitor (monitor_start) first. events is the ConsoleAlerts
 * given to monitor_new() with console_on_alert (may be NULL: no bell). Standard input and output
 * must be a terminal. Catches those signals and SIGWINCH on the Collector's loop (which keeps them
 * routed to it until monitor_free(); the loop must not run again after this returns). Returns 0
 * with how it ended in *out, or -1 with a message in err (the terminal is
 * restored either way). */
int console_run(Monitor *w, const ConsoleOptions *opts, ConsoleAlerts *events, ConsoleExit *out,
                char *err, size_t errlen);

#endif
