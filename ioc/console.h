/* console.h - the operator's full-screen console (ncurses).
 *
 * The console shows the pages of the config (a grid of panels, each drawn by
 * its widget), a header (centre name, clock, page tabs, feeds up, alert
 * counts, modes) and a footer (the keys that apply now). It runs the App's
 * event loop: the terminal is a watched descriptor, signals arrive through
 * the loop's self-pipe, and key presses, data changes and timers only set
 * dirty flags; one place draws, in the loop's before-sleep hook, at most
 * about ten times a second and only when something changed.
 *
 * The console borrows the App (the caller creates and frees it) and starts
 * its polling. It owns the curses screen, its windows and the widgets, and
 * releases all of them (endwin included) before console_run() returns, on
 * every path. The keys and modes are described in docs/console.md. */
#ifndef IOC_CONSOLE_H
#define IOC_CONSOLE_H

#include <stddef.h>

#include "ioc/app.h"

/* How the console ended. */
typedef struct {
    int signal; /* the signal that ended it (SIGINT, SIGTERM, SIGHUP), or 0 after 'q' */
} ConsoleExit;

/* Runs the console on app until the user quits ('q') or SIGINT, SIGTERM or
 * SIGHUP arrives; starts app's polling (app_start) first. Standard input and
 * output must be a terminal. Catches those signals and SIGWINCH on the
 * App's loop (which keeps them routed to it until app_free(); the loop must
 * not run again after this returns). Returns 0 with how it ended in *out,
 * or -1 with a message in err (the terminal is restored either way). */
int console_run(App *app, ConsoleExit *out, char *err, size_t errlen);

#endif
