/* simproc.c - the simulator as a child process (see simproc.h). */
#include "ioc/simproc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "base/i18n.h"

struct SimProc {
    pid_t pid;
    int out_fd; /* read end of the child's stdout, kept open until stop */
    char url[64];
};

/* Milliseconds on the monotonic clock. */
static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True when path names an executable regular file. */
static bool is_exec(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Finds the ioc-sim binary (see simproc.h); writes it to buf. */
static void find_sim(char *buf, size_t n)
{
    const char *env = getenv("IOC_SIM_BIN");
    if (env && env[0]) {
        snprintf(buf, n, "%s", env);
        return;
    }
    char self[PATH_MAX - 32]; /* room for the suffixes below */
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len > 0) {
        self[len] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, n, "%s/ioc-sim", self);
            if (is_exec(buf)) return;
            snprintf(buf, n, "%s/../sim/ioc-sim", self);
            if (is_exec(buf)) return;
        }
    }
    snprintf(buf, n, "ioc-sim"); /* from $PATH */
}

/* Reads the "listening on URL" line from fd within the deadline. */
static bool read_url(int fd, int64_t deadline, char *url, size_t n)
{
    char line[256];
    size_t used = 0;
    while (used < sizeof(line) - 1) {
        int64_t left = deadline - now_ms();
        if (left <= 0) return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        ssize_t got = read(fd, line + used, sizeof(line) - 1 - used);
        if (got <= 0) return false; /* the child exited */
        used += (size_t)got;
        line[used] = '\0';
        char *nl = strchr(line, '\n');
        if (!nl) continue;
        *nl = '\0';
        const char *u = strstr(line, "http://");
        if (!u) return false;
        snprintf(url, n, "%s", u);
        return true;
    }
    return false;
}

SimProc *simproc_start(const char *const *extra_args, bool quiet, int64_t timeout_ms, char *err,
                       size_t errlen)
{
    char bin[PATH_MAX];
    find_sim(bin, sizeof(bin));
    const char *argv[24] = {bin, "--demo", "--port", "0"};
    size_t argc = 4;
    for (size_t i = 0; extra_args && extra_args[i] && argc < 23; i++)
        argv[argc++] = extra_args[i];
    argv[argc] = NULL;

    int pfd[2];
    if (pipe(pfd) != 0) {
        snprintf(err, errlen, _("cannot start the simulator: %s"), strerror(errno));
        return NULL;
    }
    fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, _("cannot start the simulator: %s"), strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        return NULL;
    }
    if (pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(127); /* the parent died before prctl */
#endif
        dup2(pfd[1], STDOUT_FILENO);
        close(pfd[1]);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            if (quiet) dup2(devnull, STDERR_FILENO);
            close(devnull);
        }
        if (strchr(bin, '/'))
            execv(bin, (char *const *)argv);
        else
            execvp(bin, (char *const *)argv);
        fprintf(stderr, "ioc: cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    SimProc *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "%s", _("out of memory"));
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        close(pfd[0]);
        return NULL;
    }
    s->pid = pid;
    s->out_fd = pfd[0];
    if (!read_url(s->out_fd, now_ms() + timeout_ms, s->url, sizeof(s->url))) {
        snprintf(err, errlen, _("the simulator (%s) did not start listening"), bin);
        simproc_stop(s);
        return NULL;
    }
    return s;
}

const char *simproc_url(const SimProc *s)
{
    return s->url;
}

void simproc_stop(SimProc *s)
{
    if (!s) return;
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        int64_t deadline = now_ms() + 2000;
        int status;
        while (waitpid(s->pid, &status, WNOHANG) == 0) {
            if (now_ms() > deadline) {
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &status, 0);
                break;
            }
            struct timespec ts = {0, 10 * 1000000};
            nanosleep(&ts, NULL);
        }
    }
    if (s->out_fd >= 0) close(s->out_fd);
    free(s);
}
