/* loop.c - the one event loop around curl_multi_poll() (see loop.h). */
#include "base/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAX_SIGNALS 8

typedef struct Transfer {
    CURL *easy;
    LoopDoneFn done;
    void *ud;
    struct Transfer *next;
} Transfer;

typedef struct {
    long id;
    int64_t due;
    LoopTimerFn fn;
    void *ud;
} Timer;

typedef struct {
    int fd;
    short events;
    LoopFdFn fn;
    void *ud;
} Watch;

struct Loop {
    CURLM *multi;
    Transfer *transfers;
    size_t n_transfers;
    Timer *timers; /* a binary min-heap on (due, id): timers[0] is the earliest */
    size_t n_timers, cap_timers;
    long next_timer_id;
    Watch *watches;
    size_t n_watches, cap_watches;
    LoopHookFn hook;
    void *hook_ud;
    LoopSignalFn sig_fn;
    void *sig_ud;
    int sig_pipe[2];
    int sigs[LOOP_MAX_SIGNALS];
    struct sigaction old_sa[LOOP_MAX_SIGNALS];
    size_t n_sigs;
    bool stop;
};

/* The write end of the self-pipe, for the signal handler: the one piece of
 * global state, because a signal handler has no other way to reach the loop. */
static volatile sig_atomic_t loop_sig_fd = -1;

int64_t loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t loop_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Loop *loop_new(void)
{
    Loop *l = calloc(1, sizeof(*l));
    if (!l) return NULL;
    l->multi = curl_multi_init();
    if (!l->multi) {
        free(l);
        return NULL;
    }
    l->sig_pipe[0] = l->sig_pipe[1] = -1;
    l->next_timer_id = 1;
    return l;
}

long loop_keep_connections(Loop *l, size_t want)
{
    struct rlimit r;
    long cap = 1L << 20;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
        cap = (long)r.rlim_cur - LOOP_FD_RESERVE;
    long n = want > (size_t)cap ? cap : (long)want;
    if (n < 4) n = 4;
    curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, n);
    return n;
}

long loop_raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0) return -1;
    rlim_t want = r.rlim_max;
    if (want == RLIM_INFINITY || want > 65536) want = 65536;
    if (r.rlim_cur < want) {
        r.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &r) != 0) getrlimit(RLIMIT_NOFILE, &r);
    }
    return r.rlim_cur == RLIM_INFINITY ? 65536 : (long)r.rlim_cur;
}

void loop_free(Loop *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n_sigs; i++)
        sigaction(l->sigs[i], &l->old_sa[i], NULL);
    if (l->sig_pipe[0] >= 0) {
        loop_sig_fd = -1;
        close(l->sig_pipe[0]);
        close(l->sig_pipe[1]);
    }
    Transfer *t = l->transfers;
    while (t) {
        Transfer *next = t->next;
        curl_multi_remove_handle(l->multi, t->easy);
        free(t);
        t = next;
    }
    curl_multi_cleanup(l->multi);
    free(l->timers);
    free(l->watches);
    free(l);
}

int loop_add_transfer(Loop *l, CURL *easy, LoopDoneFn done, void *ud)
{
    Transfer *t = calloc(1, sizeof(*t));
    if (!t) return -1;
    t->easy = easy;
    t->done = done;
    t->ud = ud;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)t);
    if (curl_multi_add_handle(l->multi, easy) != CURLM_OK) {
        free(t);
        return -1;
    }
    t->next = l->transfers;
    l->transfers = t;
    l->n_transfers++;
    return 0;
}

/* Unlinks and frees the bookkeeping of a transfer; returns it detached. */
static bool transfer_forget(Loop *l, CURL *easy, Transfer *out)
{
    for (Transfer **p = &l->transfers; *p; p = &(*p)->next) {
        if ((*p)->easy == easy) {
            Transfer *t = *p;
            *p = t->next;
            *out = *t;
            free(t);
            l->n_transfers--;
            return true;
        }
    }
    return false;
}

void loop_cancel_transfer(Loop *l, CURL *easy)
{
    Transfer t;
    if (transfer_forget(l, easy, &t)) curl_multi_remove_handle(l->multi, easy);
}

size_t loop_transfers(const Loop *l)
{
    return l->n_transfers;
}

int loop_watch_fd(Loop *l, int fd, short events, LoopFdFn fn, void *ud)
{
    for (size_t i = 0; i < l->n_watches; i++) {
        if (l->watches[i].fd == fd) {
            l->watches[i] = (Watch){fd, events, fn, ud};
            return 0;
        }
    }
    if (l->n_watches == l->cap_watches) {
        size_t cap = l->cap_watches ? l->cap_watches * 2 : 4;
        Watch *w = realloc(l->watches, cap * sizeof(*w));
        if (!w) return -1;
        l->watches = w;
        l->cap_watches = cap;
    }
    l->watches[l->n_watches++] = (Watch){fd, events, fn, ud};
    return 0;
}

void loop_unwatch_fd(Loop *l, int fd)
{
    for (size_t i = 0; i < l->n_watches; i++) {
        if (l->watches[i].fd == fd) {
            l->watches[i] = l->watches[--l->n_watches];
            return;
        }
    }
}

/* True when timer a is due before b (ties: the one added first). */
static bool timer_before(const Timer *a, const Timer *b)
{
    return a->due < b->due || (a->due == b->due && a->id < b->id);
}

/* Moves the timer at heap index i up or down until the heap is in order. */
static void timer_sift(Loop *l, size_t i)
{
    Timer *h = l->timers, t = h[i];
    while (i > 0 && timer_before(&t, &h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= l->n_timers) break;
        if (c + 1 < l->n_timers && timer_before(&h[c + 1], &h[c])) c++;
        if (!timer_before(&h[c], &t)) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = t;
}

/* Removes the timer at heap index i. */
static void timer_remove_at(Loop *l, size_t i)
{
    l->timers[i] = l->timers[--l->n_timers];
    if (i < l->n_timers) timer_sift(l, i);
}

long loop_timer_at(Loop *l, int64_t due_ms, LoopTimerFn fn, void *ud)
{
    if (l->n_timers == l->cap_timers) {
        size_t cap = l->cap_timers ? l->cap_timers * 2 : 16;
        Timer *t = realloc(l->timers, cap * sizeof(*t));
        if (!t) return -1;
        l->timers = t;
        l->cap_timers = cap;
    }
    long id = l->next_timer_id++;
    l->timers[l->n_timers++] = (Timer){id, due_ms, fn, ud};
    timer_sift(l, l->n_timers - 1);
    return id;
}

void loop_timer_cancel(Loop *l, long id)
{
    /* A scan of ids (cheap, sequential); the heap itself stays O(log n). */
    for (size_t i = 0; i < l->n_timers; i++) {
        if (l->timers[i].id == id) {
            timer_remove_at(l, i);
            return;
        }
    }
}

/* Signal handler: writes the signal number into the self-pipe. */
static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (loop_sig_fd >= 0) {
        ssize_t r = write(loop_sig_fd, &b, 1);
        (void)r; /* a full pipe already holds a wake-up */
    }
    errno = saved;
}

/* Drains the self-pipe and calls the signal callback for each signal. */
static void on_sig_pipe(void *ud, int fd, short revents)
{
    Loop *l = ud;
    unsigned char buf[64];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i++)
            if (l->sig_fn) l->sig_fn(l->sig_ud, buf[i]);
}

int loop_catch_signals(Loop *l, const int *sigs, size_t n, LoopSignalFn fn, void *ud)
{
    if (n > LOOP_MAX_SIGNALS || l->sig_pipe[0] >= 0 || loop_sig_fd >= 0) return -1;
    if (pipe(l->sig_pipe) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(l->sig_pipe[i], F_SETFL, fcntl(l->sig_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(l->sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    l->sig_fn = fn;
    l->sig_ud = ud;
    loop_sig_fd = l->sig_pipe[1];
    if (loop_watch_fd(l, l->sig_pipe[0], POLLIN, on_sig_pipe, l) != 0) return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < n; i++) {
        if (sigaction(sigs[i], &sa, &l->old_sa[l->n_sigs]) != 0) return -1;
        l->sigs[l->n_sigs++] = sigs[i];
    }
    return 0;
}

void loop_before_sleep(Loop *l, LoopHookFn fn, void *ud)
{
    l->hook = fn;
    l->hook_ud = ud;
}

/* Runs curl and reaps finished transfers, calling their done callbacks. */
static int drive_curl(Loop *l)
{
    int running = 0;
    CURLMcode mc = curl_multi_perform(l->multi, &running);
    if (mc != CURLM_OK) return -1;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(l->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *easy = msg->easy_handle;
        CURLcode rc = msg->data.result;
        curl_multi_remove_handle(l->multi, easy);
        Transfer t;
        if (transfer_forget(l, easy, &t) && t.done) t.done(t.ud, easy, rc);
    }
    return 0;
}

/* Calls every timer that is due at now (timers added by callbacks for a
 * time already past run in the same pass). */
static void fire_timers(Loop *l)
{
    while (l->n_timers > 0) {
        int64_t now = loop_now_ms();
        if (l->timers[0].due > now) return;
        Timer t = l->timers[0];
        timer_remove_at(l, 0);
        t.fn(t.ud, now);
    }
}

/* True when w is still a current watch (an earlier callback may have removed it). */
static bool still_watched(const Loop *l, const Watch *w)
{
    for (size_t i = 0; i < l->n_watches; i++)
        if (l->watches[i].fd == w->fd && l->watches[i].fn == w->fn) return true;
    return false;
}

int loop_once(Loop *l, int64_t max_wait_ms)
{
    fire_timers(l);
    if (l->hook) l->hook(l->hook_ud);
    if (l->stop) return 0;

    int64_t wait = max_wait_ms < 0 ? 0 : max_wait_ms;
    if (l->n_timers > 0) {
        int64_t until = l->timers[0].due - loop_now_ms();
        if (until < wait) wait = until < 0 ? 0 : until;
    }
    if (wait > 24 * 3600 * 1000) wait = 24 * 3600 * 1000;

    /* A copy: callbacks may add or remove watches while we dispatch. */
    size_t n = l->n_watches;
    struct curl_waitfd fds[16];
    Watch ws[16];
    if (n > 16) n = 16;
    for (size_t i = 0; i < n; i++) {
        ws[i] = l->watches[i];
        fds[i] = (struct curl_waitfd){.fd = ws[i].fd, .events = ws[i].events, .revents = 0};
    }
    CURLMcode mc = curl_multi_poll(l->multi, fds, (unsigned)n, (int)wait, NULL);
    if (mc != CURLM_OK) return -1;
    for (size_t i = 0; i < n; i++)
        if (fds[i].revents && still_watched(l, &ws[i]))
            ws[i].fn(ws[i].ud, ws[i].fd, fds[i].revents);
    /* Reap before returning, so a caller waiting for transfers sees them end
     * in this iteration rather than after the next sleep. */
    if (drive_curl(l) != 0) return -1;
    fire_timers(l);
    return 0;
}

int loop_run(Loop *l)
{
    l->stop = false;
    while (!l->stop)
        if (loop_once(l, 60 * 1000) != 0) return -1;
    return 0;
}

void loop_stop(Loop *l)
{
    l->stop = true;
}
