/* test_sdnotify.c - the sd_notify protocol: a datagram reaches a socket
 * bound at a path in a temp dir and one in the abstract namespace ('@'),
 * nothing is sent without NOTIFY_SOCKET, and bad addresses are errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/sdnotify.h"

/* Binds a datagram socket at the path or, with a leading '@', the abstract
 * name addr; returns its descriptor. */
static int listen_at(const char *addr)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    size_t n = strlen(addr);
    assert_true(n < sizeof(sa.sun_path));
    memcpy(sa.sun_path, addr, n);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    if (addr[0] == '@')
        sa.sun_path[0] = '\0';
    else
        len++;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
    return fd;
}

/* Receives one datagram from fd (without waiting) into buf, NUL-terminated. */
static void receive(int fd, char *buf, size_t n)
{
    ssize_t got = recv(fd, buf, n - 1, MSG_DONTWAIT);
    assert_true(got >= 0);
    buf[got] = '\0';
}

/* READY=1 reaches a socket bound at a path, named by $NOTIFY_SOCKET. */
static void test_path(void **state)
{
    (void)state;
    char dir[] = "/tmp/ioc-sdnotify.XXXXXX", path[64], buf[256], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/notify", dir);
    int fd = listen_at(path);
    setenv("NOTIFY_SOCKET", path, 1);
    assert_int_equal(sdnotify_send("READY=1", err, sizeof(err)), 1);
    receive(fd, buf, sizeof(buf));
    assert_string_equal(buf, "READY=1");
    /* Several assignments go as one datagram. */
    assert_int_equal(sdnotify_send("READY=1\nSTATUS=polling 20 feeds", err, sizeof(err)), 1);
    receive(fd, buf, sizeof(buf));
    assert_string_equal(buf, "READY=1\nSTATUS=polling 20 feeds");
    unsetenv("NOTIFY_SOCKET");
    close(fd);
    unlink(path);
    rmdir(dir);
}

/* '@name' is the abstract namespace: the name without the '@', no NUL. */
static void test_abstract(void **state)
{
    (void)state;
    char name[64], buf[256], err[256];
    snprintf(name, sizeof(name), "@ioc-sdnotify-test-%ld", (long)getpid());
    int fd = listen_at(name);
    assert_int_equal(sdnotify_send_to(name, "STOPPING=1", err, sizeof(err)), 1);
    receive(fd, buf, sizeof(buf));
    assert_string_equal(buf, "STOPPING=1");
    close(fd);
}

/* Without NOTIFY_SOCKET (or with it empty) nothing is sent and all is well. */
static void test_unset(void **state)
{
    (void)state;
    char err[256] = "";
    unsetenv("NOTIFY_SOCKET");
    assert_int_equal(sdnotify_send("READY=1", err, sizeof(err)), 0);
    setenv("NOTIFY_SOCKET", "", 1);
    assert_int_equal(sdnotify_send("READY=1", err, sizeof(err)), 0);
    unsetenv("NOTIFY_SOCKET");
    assert_string_equal(err, "");
}

/* A relative or over-long address, a socket nobody listens on, an empty
 * state: -1 and a message naming the problem. */
static void test_errors(void **state)
{
    (void)state;
    char err[256], longname[200];
    assert_int_equal(sdnotify_send_to("run/notify", "READY=1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "neither a path nor @abstract"));
    memset(longname, 'x', sizeof(longname) - 1);
    longname[0] = '/';
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(sdnotify_send_to(longname, "READY=1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than"));
    assert_int_equal(sdnotify_send_to("/nonexistent/ioc/notify", "READY=1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/ioc/notify: "));
    assert_int_equal(sdnotify_send_to("/tmp/x", "", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "nothing to send"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_abstract),
        cmocka_unit_test(test_unset),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
