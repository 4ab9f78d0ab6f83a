/* test_loop.c - the event loop: timers in order, descriptors, signals, no busy wait. */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/loop.h"

typedef struct {
    Loop *loop;
    int order[8];
    int n;
    long cancel_id;
} Rec;

typedef struct {
    Rec *rec;
    int tag;
} Tagged;

/* Timer callback recording its tag. */
static void on_timer(void *ud, int64_t now)
{
    Tagged *t = ud;
    t->rec->order[t->rec->n++] = t->tag;
    if (t->tag == 2 && t->rec->cancel_id) loop_timer_cancel(t->rec->loop, t->rec->cancel_id);
}

static void test_timers_fire_in_order_and_cancel(void **state)
{
    (void)state;
    Loop *l = loop_new();
    assert_non_null(l);
    Rec rec = {.loop = l};
    Tagged t1 = {&rec, 1}, t2 = {&rec, 2}, t3 = {&rec, 3}, t4 = {&rec, 4};
    int64_t now = loop_now_ms();
    loop_timer_at(l, now + 30, on_timer, &t3);
    loop_timer_at(l, now + 10, on_timer, &t1);
    loop_timer_at(l, now + 20, on_timer, &t2);
    rec.cancel_id = loop_timer_at(l, now + 40, on_timer, &t4); /* cancelled by t2 */
    int64_t until = now + 200;
    while (loop_now_ms() < until && rec.n < 3)
        assert_int_equal(loop_once(l, 50), 0);
    loop_once(l, 60); /* t4 would have fired by now */
    assert_int_equal(rec.n, 3);
    assert_int_equal(rec.order[0], 1);
    assert_int_equal(rec.order[1], 2);
    assert_int_equal(rec.order[2], 3);
    loop_free(l);
}

typedef struct {
    int64_t last_due; /* due time of the timer that fired last */
    long last_id;
    int fired;
    bool order_ok;
} HeapRec;

typedef struct {
    HeapRec *rec;
    int64_t due;
    long id;
} HeapTimer;

/* Timer callback: checks that timers fire in (due, id) order. */
static void on_heap_timer(void *ud, int64_t now)
{
    HeapTimer *t = ud;
    HeapRec *r = t->rec;
    if (r->fired && (t->due < r->last_due || (t->due == r->last_due && t->id < r->last_id)))
        r->order_ok = false;
    r->last_due = t->due;
    r->last_id = t->id;
    r->fired++;
}

/* Thousands of timers (many with equal times), a third cancelled: the rest
 * fire exactly once each, earliest first, ties in the order they were set. */
static void test_many_timers_fire_in_order(void **state)
{
    (void)state;
    enum { N = 3000 };
    static HeapTimer t[N];
    Loop *l = loop_new();
    HeapRec rec = {.order_ok = true};
    int64_t base = loop_now_ms() - 1000; /* all due already: one pass fires them */
    unsigned x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        t[i] = (HeapTimer){&rec, base + (int64_t)((x >> 16) % 500), 0};
        t[i].id = loop_timer_at(l, t[i].due, on_heap_timer, &t[i]);
        assert_true(t[i].id > 0);
    }
    int cancelled = 0;
    for (int i = 0; i < N; i += 3, cancelled++)
        loop_timer_cancel(l, t[i].id);
    loop_timer_cancel(l, 999999); /* unknown: nothing happens */
    assert_int_equal(loop_once(l, 0), 0);
    assert_int_equal(rec.fired, N - cancelled);
    assert_true(rec.order_ok);
    loop_free(l);
}

typedef struct {
    int calls;
    char got;
} FdRec;

/* Descriptor callback: reads one byte. */
static void on_readable(void *ud, int fd, short revents)
{
    FdRec *r = ud;
    if (revents & POLLIN) {
        ssize_t n = read(fd, &r->got, 1);
        if (n == 1) r->calls++;
    }
}

static void test_fd_wakes_the_loop_early(void **state)
{
    (void)state;
    Loop *l = loop_new();
    int p[2];
    assert_int_equal(pipe(p), 0);
    FdRec r = {0};
    assert_int_equal(loop_watch_fd(l, p[0], POLLIN, on_readable, &r), 0);
    assert_int_equal(write(p[1], "x", 1), 1);
    int64_t t0 = loop_now_ms();
    assert_int_equal(loop_once(l, 5000), 0);
    assert_true(loop_now_ms() - t0 < 1000); /* woke for the byte, not the 5 s wait */
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.got, 'x');
    loop_unwatch_fd(l, p[0]);
    assert_int_equal(write(p[1], "y", 1), 1);
    loop_once(l, 20);
    assert_int_equal(r.calls, 1); /* no longer watched */
    close(p[0]);
    close(p[1]);
    loop_free(l);
}

static void test_idle_loop_sleeps(void **state)
{
    (void)state;
    Loop *l = loop_new();
    int64_t t0 = loop_now_ms();
    int iterations = 0;
    while (loop_now_ms() - t0 < 300) {
        loop_once(l, 100);
        iterations++;
    }
    /* An idle loop with a 100 ms wait iterates ~3 times, never spins. */
    assert_true(iterations <= 5);
    loop_free(l);
}

typedef struct {
    Loop *loop;
    int sig;
} SigRec;

/* Signal callback: records the signal and stops the loop. */
static void on_sig(void *ud, int sig)
{
    SigRec *r = ud;
    r->sig = sig;
    loop_stop(r->loop);
}

/* Timer callback: raises SIGUSR1 at the process. */
static void raise_usr1(void *ud, int64_t now)
{
    raise(SIGUSR1);
}

static void test_signal_is_delivered_in_the_loop(void **state)
{
    (void)state;
    Loop *l = loop_new();
    SigRec r = {l, 0};
    int sigs[] = {SIGUSR1};
    assert_int_equal(loop_catch_signals(l, sigs, 1, on_sig, &r), 0);
    loop_timer_at(l, loop_now_ms() + 10, raise_usr1, NULL);
    assert_int_equal(loop_run(l), 0); /* returns because on_sig stopped it */
    assert_int_equal(r.sig, SIGUSR1);
    loop_free(l);
    /* The old disposition is back, and a second loop may catch signals again. */
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    assert_true(sa.sa_handler == SIG_DFL);
    Loop *l2 = loop_new();
    assert_int_equal(loop_catch_signals(l2, sigs, 1, on_sig, &r), 0);
    loop_free(l2);
}

/* Idle connections kept: what was asked, within the descriptors the soft
 * limit leaves after LOOP_FD_RESERVE, never under 4; raising the limit
 * goes up to the hard one. */
static void test_keep_connections_within_fd_limit(void **state)
{
    (void)state;
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    Loop *l = loop_new();
    assert_non_null(l);
    struct rlimit r = old;
    r.rlim_cur = 1000;
    if (r.rlim_max != RLIM_INFINITY && r.rlim_max < 1000) r.rlim_cur = r.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &r), 0);
    long room = (long)r.rlim_cur - LOOP_FD_RESERVE;
    assert_int_equal(loop_keep_connections(l, 10), room < 10 ? (room < 4 ? 4 : room) : 10);
    assert_int_equal(loop_keep_connections(l, 100000), room < 4 ? 4 : room);
    assert_int_equal(loop_keep_connections(l, 0), 4);
    long now = loop_raise_fd_limit();
    struct rlimit after;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &after), 0);
    assert_true(now >= (long)r.rlim_cur);
    assert_true(after.rlim_cur == RLIM_INFINITY || (long)after.rlim_cur == now);
    if (old.rlim_max != RLIM_INFINITY) assert_true(now <= (long)old.rlim_max);
    loop_free(l);
    setrlimit(RLIMIT_NOFILE, &old);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_in_order_and_cancel),
        cmocka_unit_test(test_many_timers_fire_in_order),
        cmocka_unit_test(test_fd_wakes_the_loop_early),
        cmocka_unit_test(test_idle_loop_sleeps),
        cmocka_unit_test(test_signal_is_delivered_in_the_loop),
        cmocka_unit_test(test_keep_connections_within_fd_limit),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
