/* loop.h - the one event loop: curl transfers, file descriptors, timers, signals.
 *
 * Everything in ioc runs on one thread around curl_multi_poll(): transfers
 * of the curl multi handle, extra descriptors (the terminal), timers (next
 * poll per feed, redraw, flush) and signals (delivered through a self-pipe, so
 * handlers only write a byte and callbacks run in the loop, never in a signal
 * handler). Callbacks may add and cancel timers, transfers and descriptors.
 *
 * A Loop owns the curl multi handle and its bookkeeping; it does not own the
 * easy handles given to it (the caller creates and cleans them up after the
 * done callback or after loop_cancel_transfer()). */
#ifndef IOC_LOOP_H
#define IOC_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

typedef struct Loop Loop;

/* Called when a transfer ends (any result); the easy handle is already out of
 * the multi handle and may be re-added or cleaned up. */
typedef void (*LoopDoneFn)(void *ud, CURL *easy, CURLcode rc);
/* Called when fd is ready; revents as in poll(2) (POLLIN, POLLOUT, POLLERR...). */
typedef void (*LoopFdFn)(void *ud, int fd, short revents);
/* Called when a timer is due; now_ms is the monotonic clock. One-shot. */
typedef void (*LoopTimerFn)(void *ud, int64_t now_ms);
/* Called in the loop (not in the handler) after sig was received. */
typedef void (*LoopSignalFn)(void *ud, int sig);
/* Called once per iteration before the loop sleeps (redraw, batched writes). */
typedef void (*LoopHookFn)(void *ud);

/* Creates a loop (and its curl multi handle). curl_global_init() must have
 * been called. NULL on failure. */
Loop *loop_new(void);

/* Frees the loop; restores signal dispositions it changed. Transfers still
 * running are removed from the multi handle (their done callback is not
 * called). */
void loop_free(Loop *l);

/* Adds a transfer; done is called once when it ends. 0, or -1 on failure. */
int loop_add_transfer(Loop *l, CURL *easy, LoopDoneFn done, void *ud);

/* Descriptors kept free for everything but idle HTTP connections (the API's
 * clients, SQLite, the terminal, DNS). */
#define LOOP_FD_RESERVE 256

/* Lets the multi handle keep up to want idle connections open for reuse,
 * fewer when the soft RLIMIT_NOFILE minus LOOP_FD_RESERVE is smaller (never
 * under 4). curl's own default keeps 4 per running transfer, so feeds whose
 * polls are spread over time would reconnect on every poll. Returns the
 * number set. */
long loop_keep_connections(Loop *l, size_t want);

/* Raises the process's soft RLIMIT_NOFILE to its hard limit (at most
 * 65,536), as servers do: a collector of thousands of feeds keeps a
 * connection to each. Returns the soft limit now in force. */
long loop_raise_fd_limit(void);

/* Removes a running transfer without calling its done callback. */
void loop_cancel_transfer(Loop *l, CURL *easy);

/* Number of transfers still running. */
size_t loop_transfers(const Loop *l);

/* Watches fd for events (POLLIN...). One watch per fd; 0 or -1. */
int loop_watch_fd(Loop *l, int fd, short events, LoopFdFn fn, void *ud);
void loop_unwatch_fd(Loop *l, int fd);

/* Schedules fn at monotonic time due_ms. Returns a timer id (> 0) or -1. */
long loop_timer_at(Loop *l, int64_t due_ms, LoopTimerFn fn, void *ud);
/* Cancels a pending timer (an unknown or fired id is ignored). */
void loop_timer_cancel(Loop *l, long id);

/* Routes the given signals (SIGINT, SIGTERM, SIGHUP, SIGWINCH...) to fn
 * through a self-pipe. Only one Loop per process may do this. 0 or -1. */
int loop_catch_signals(Loop *l, const int *sigs, size_t n, LoopSignalFn fn, void *ud);

/* Sets the hook called before each sleep (NULL to clear). */
void loop_before_sleep(Loop *l, LoopHookFn fn, void *ud);

/* Runs one iteration: waits at most max_wait_ms (or until the next timer, a
 * ready descriptor, a signal, or curl needs attention), then dispatches.
 * Returns 0, or -1 on a fatal curl error. */
int loop_once(Loop *l, int64_t max_wait_ms);

/* Runs iterations until loop_stop() is called. */
int loop_run(Loop *l);

/* Makes loop_run() return after the current iteration; safe from callbacks. */
void loop_stop(Loop *l);

/* Monotonic clock in milliseconds (for scheduling). */
int64_t loop_now_ms(void);

/* Wall clock in milliseconds since the epoch (for sample timestamps). */
int64_t loop_wall_ms(void);

#endif
