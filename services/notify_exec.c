/* notify_exec.c - one exec attempt: runs the target's command without a
 * shell and without a PATH search (the config requires an absolute path),
 * writes the message body to its stdin through a non-blocking pipe
 * watched by the loop, kills it (SIGTERM, then SIGKILL) when it runs past
 * the timeout, and reaps it with a timer polling waitpid(WNOHANG): the loop
 * never blocks on the child (see notify_internal.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/i18n.h"
#include "services/notify_internal.h"

extern char **environ;

/* Default time a command may run. */
#define EXEC_DEFAULT_TIMEOUT_MS 10000
/* Exit status that asks for a retry (EX_TEMPFAIL of sysexits.h). */
#define EXEC_TEMPFAIL 75
/* Longest wait between two waitpid() polls of a running command. */
#define EXEC_MAX_POLL_MS 100

/* The target's attempt timeout in ms. */
static int64_t timeout_of(const Target *t)
{
    return t->cfg->timeout_ms > 0 ? t->cfg->timeout_ms : EXEC_DEFAULT_TIMEOUT_MS;
}

/* write() that never raises SIGPIPE when the command has stopped reading:
 * SIGPIPE is blocked around the call and a signal it raised is consumed. */
static ssize_t write_quietly(int fd, const void *buf, size_t n)
{
    sigset_t pipe_set, old, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    if (pthread_sigmask(SIG_BLOCK, &pipe_set, &old) != 0) {
        errno = EPIPE; /* cannot write safely: behave as if the reader went away */
        return -1;
    }
    bool was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
    ssize_t w = write(fd, buf, n);
    int e = errno;
    if (w < 0 && e == EPIPE && !was_pending) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return w;
}

/* Closes the write end of the child's stdin (the command sees end of file). */
static void close_stdin(Target *t)
{
    if (t->in_fd < 0) return;
    if (t->nf->loop) loop_unwatch_fd(t->nf->loop, t->in_fd);
    close(t->in_fd);
    t->in_fd = -1;
}

/* Cancels the poll and kill timers. */
static void stop_timers(Target *t)
{
    if (t->poll_timer) loop_timer_cancel(t->nf->loop, t->poll_timer);
    if (t->kill_timer) loop_timer_cancel(t->nf->loop, t->kill_timer);
    t->poll_timer = t->kill_timer = 0;
}

/* Loop callback (and poll timer): writes as much of the body as the pipe
 * takes; closes stdin when all is written or the command stopped reading. */
static void on_stdin(void *ud, int fd, short revents)
{
    Target *t = ud;
    while (t->in_off < t->cur.len) {
        ssize_t w = write_quietly(fd, t->cur.body + t->in_off, t->cur.len - t->in_off);
        if (w > 0) {
            t->in_off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return; /* pipe full: wait */
        break; /* EPIPE: the command does not read (more); its exit status decides */
    }
    close_stdin(t);
}

/* Sends sig to the command's process group (it leads one), or to it alone. */
static void signal_child(pid_t pid, int sig)
{
    if (kill(-pid, sig) != 0) kill(pid, sig);
}

/* Words and verdict for a reaped command. */
static AttemptResult judge(const Target *t, int status, char *why, size_t n)
{
    if (t->kill_stage > 0) {
        char d[32];
        fmt_duration(timeout_of(t), d, sizeof(d));
        snprintf(why, n, _("timeout after %s: command killed"), d);
        return ATTEMPT_RETRY;
    }
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        if (code == 0) return ATTEMPT_OK;
        if (code == EXEC_TEMPFAIL) {
            snprintf(why, n, _("exit status %d (temporary failure)"), code);
            return ATTEMPT_RETRY;
        }
        snprintf(why, n, _("exit status %d"), code);
        return ATTEMPT_FAIL;
    }
    if (WIFSIGNALED(status)) {
        snprintf(why, n, _("command killed by signal %d"), WTERMSIG(status));
        return ATTEMPT_FAIL;
    }
    snprintf(why, n, "%s", _("command ended in an unknown way"));
    return ATTEMPT_FAIL;
}

/* Timer callback: polls for the command's end; reports the attempt once it
 * has been reaped. */
static void on_poll(void *ud, int64_t now)
{
    Target *t = ud;
    t->poll_timer = 0;
    if (t->in_fd >= 0) on_stdin(t, t->in_fd, 0); /* in case the fd watch is starved */
    int status = 0;
    pid_t w = waitpid(t->pid, &status, WNOHANG);
    if (w == 0 || (w < 0 && errno == EINTR)) {
        t->poll_delay = t->poll_delay * 2 < EXEC_MAX_POLL_MS ? t->poll_delay * 2 : EXEC_MAX_POLL_MS;
        t->poll_timer = loop_timer_at(t->nf->loop, now + t->poll_delay, on_poll, t);
        if (t->poll_timer > 0) return;
        t->poll_timer = 0; /* cannot wait: kill and reap it now */
        signal_child(t->pid, SIGKILL);
        while ((w = waitpid(t->pid, &status, 0)) < 0 && errno == EINTR) {
        }
    }
    char why[160] = "";
    AttemptResult r;
    if (w > 0) {
        r = judge(t, status, why, sizeof(why));
    } else { /* ECHILD: someone else reaped it (SIGCHLD ignored?) */
        snprintf(why, sizeof(why), "%s", _("cannot get the command's exit status"));
        r = ATTEMPT_FAIL;
    }
    t->pid = 0;
    stop_timers(t);
    close_stdin(t);
    notify_attempt_done(t, r, why);
}

/* Timer callback: the command ran past its timeout: SIGTERM, then SIGKILL
 * after the grace period. */
static void on_timeout(void *ud, int64_t now)
{
    Target *t = ud;
    t->kill_timer = 0;
    if (!t->pid) return;
    close_stdin(t);
    if (t->kill_stage == 0) {
        signal_child(t->pid, SIGTERM);
        t->kill_stage = 1;
        long id = loop_timer_at(t->nf->loop, now + t->nf->policy.kill_grace_ms, on_timeout, t);
        if (id > 0) {
            t->kill_timer = id;
            return;
        }
    }
    signal_child(t->pid, SIGKILL);
    t->kill_stage = 2;
}

/* A copy of the environment with IOC_NOTIFY_STATUS and IOC_NOTIFY_ALERTS
 * set (the strings are the caller's); NULL on out of memory. */
static char **make_env(char *status, char *alerts)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = calloc(n + 3, sizeof(char *));
    if (!env) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "IOC_NOTIFY_STATUS=", 18) != 0 &&
            strncmp(environ[i], "IOC_NOTIFY_ALERTS=", 18) != 0)
            env[k++] = environ[i];
    env[k++] = status;
    env[k++] = alerts;
    env[k] = NULL;
    return env;
}

/* Signals whose disposition the command gets back to default (ioc may
 * ignore or catch them; the command must not inherit that). */
static const int reset_sigs[] = {SIGPIPE, SIGINT,   SIGTERM, SIGHUP,  SIGQUIT,
                                 SIGCHLD, SIGWINCH, SIGUSR1, SIGUSR2, SIGALRM};

/* Starts the command; on success the child owns the read end of the pipe. */
static int spawn(Target *t, int in_read, pid_t *pid)
{
    char status[40], alerts[40];
    snprintf(status, sizeof(status), "IOC_NOTIFY_STATUS=%s", t->cur.firing ? "firing" : "resolved");
    snprintf(alerts, sizeof(alerts), "IOC_NOTIFY_ALERTS=%zu", t->cur.n_alerts);
    char **env = make_env(status, alerts);
    if (!env) return ENOMEM;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int e = posix_spawn_file_actions_init(&fa);
    if (e != 0) {
        free(env);
        return e;
    }
    e = posix_spawnattr_init(&at);
    if (e != 0) {
        posix_spawn_file_actions_destroy(&fa);
        free(env);
        return e;
    }
    sigset_t none, def;
    sigemptyset(&none);
    sigemptyset(&def);
    for (size_t i = 0; i < sizeof(reset_sigs) / sizeof(reset_sigs[0]); i++)
        sigaddset(&def, reset_sigs[i]);
    /* stdin from the pipe; stdout/stderr to /dev/null so that nothing the
     * command prints lands on the console's screen. Its own process group,
     * so a timeout kill reaches what it started, and a Ctrl-C does not. */
    if ((e = posix_spawn_file_actions_adddup2(&fa, in_read, 0)) == 0 &&
        (e = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) == 0 &&
        (e = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0)) == 0 &&
        (e = posix_spawnattr_setsigmask(&at, &none)) == 0 &&
        (e = posix_spawnattr_setsigdefault(&at, &def)) == 0 &&
        (e = posix_spawnattr_setpgroup(&at, 0)) == 0 &&
        (e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                               POSIX_SPAWN_SETPGROUP)) == 0)
        e = posix_spawn(pid, t->cfg->argv[0], &fa, &at, t->cfg->argv, env);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    return e;
}

int exec_start(Target *t, AttemptResult *r, char *why, size_t n)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(why, n, _("cannot run '%s': %s"), t->name, strerror(errno));
        *r = ATTEMPT_RETRY;
        return -1;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    pid_t pid = 0;
    int e = spawn(t, fds[0], &pid);
    close(fds[0]);
    if (e != 0) {
        close(fds[1]);
        snprintf(why, n, _("cannot run '%s': %s"), t->name, strerror(e));
        *r = e == ENOMEM || e == EAGAIN ? ATTEMPT_RETRY : ATTEMPT_FAIL;
        return -1;
    }
    Loop *loop = t->nf->loop;
    int64_t now = loop_now_ms();
    t->pid = pid;
    t->in_fd = fds[1];
    t->in_off = 0;
    t->kill_stage = 0;
    t->poll_delay = 5;
    if (loop_watch_fd(loop, t->in_fd, POLLOUT, on_stdin, t) != 0) close_stdin(t);
    long kill_id = loop_timer_at(loop, now + timeout_of(t), on_timeout, t);
    long poll_id = loop_timer_at(loop, now + t->poll_delay, on_poll, t);
    t->kill_timer = kill_id > 0 ? kill_id : 0;
    t->poll_timer = poll_id > 0 ? poll_id : 0;
    if (!t->kill_timer || !t->poll_timer) { /* cannot supervise it: stop it now */
        exec_cancel(t);
        snprintf(why, n, "%s", _("out of memory starting the command"));
        *r = ATTEMPT_RETRY;
        return -1;
    }
    return 0;
}

void exec_cancel(Target *t)
{
    if (t->nf->loop) stop_timers(t);
    close_stdin(t);
    if (t->pid > 0) {
        signal_child(t->pid, SIGKILL);
        while (waitpid(t->pid, NULL, 0) < 0 && errno == EINTR) {
        }
    }
    t->pid = 0;
}
