/* bench_sse.c - many Server-Sent Events clients in one process, cheaply:
 * opens N connections to GET /api/v1/events on a loopback address, sends
 * the request with a bearer token, then reads and counts what arrives (one
 * poll(2) over every socket) until SECONDS have passed or SIGTERM comes.
 * Prints how many connected, how many saw hello, the events and bytes
 * received and how many connections the server closed.
 * Usage: bench_sse PORT TOKEN N SECONDS   (the token may also be "-": $IOC_TOKEN)
 * For bench/api-load.sh; it is not a test. */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

/* SIGTERM/SIGINT: ends the run. */
static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

/* Monotonic seconds. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counts "\nevent: " in buf[0..n), carrying a partial match in *state. */
static long count_events(const char *buf, size_t n, size_t *state)
{
    static const char pat[] = "\nevent: ";
    long found = 0;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == pat[*state]) {
            if (++*state == sizeof(pat) - 1) {
                found++;
                *state = 0;
            }
        } else {
            *state = buf[i] == pat[0] ? 1 : 0;
        }
    }
    return found;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_sse PORT TOKEN N SECONDS\n");
        return 2;
    }
    int port = atoi(argv[1]);
    const char *token = strcmp(argv[2], "-") == 0 ? getenv("IOC_TOKEN") : argv[2];
    int n = atoi(argv[3]);
    double secs = atof(argv[4]);
    if (!token || n <= 0 || port <= 0) return 2;
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    signal(SIGPIPE, SIG_IGN);
    struct pollfd *pf = calloc((size_t)n, sizeof(*pf));
    size_t *state = calloc((size_t)n, sizeof(*state));
    char req[512];
    int len = snprintf(req, sizeof(req),
                       "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Authorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n",
                       token);
    if (!pf || !state || len <= 0 || len >= (int)sizeof(req)) return 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    int connected = 0;
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
            write(fd, req, (size_t)len) != len) {
            fprintf(stderr, "bench_sse: connection %d: %s\n", i, strerror(errno));
            if (fd >= 0) close(fd);
            pf[i].fd = -1;
            continue;
        }
        pf[i].fd = fd;
        pf[i].events = POLLIN;
        connected++;
    }
    long events = 0, hello = 0, closed = 0;
    long long bytes = 0;
    char buf[65536];
    double end = now_s() + secs;
    while (!stop && now_s() < end) {
        int r = poll(pf, (nfds_t)n, 200);
        if (r < 0 && errno != EINTR) break;
        for (int i = 0; r > 0 && i < n; i++) {
            if (pf[i].fd < 0 || !pf[i].revents) continue;
            ssize_t got = read(pf[i].fd, buf, sizeof(buf));
            if (got <= 0) {
                close(pf[i].fd);
                pf[i].fd = -1;
                closed++;
                continue;
            }
            if (memmem(buf, (size_t)got, "event: hello", 12)) hello++;
            bytes += got;
            events += count_events(buf, (size_t)got, &state[i]);
        }
    }
    printf("clients=%d connected=%d hello=%ld events=%ld bytes=%lld closed_by_server=%ld\n", n,
           connected, hello, events, bytes, closed);
    for (int i = 0; i < n; i++)
        if (pf[i].fd >= 0) close(pf[i].fd);
    free(pf);
    free(state);
    return 0;
}
