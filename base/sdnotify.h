/* sdnotify.h - the service manager's notification protocol (sd_notify(3)),
 * in the few lines it takes, without libsystemd.
 *
 * A service of Type=notify tells systemd how it is doing by sending
 * newline-separated VAR=VALUE assignments ("READY=1", "RELOADING=1",
 * "STOPPING=1", "STATUS=polling 20 feeds") as one datagram to the AF_UNIX
 * socket named by $NOTIFY_SOCKET: a file system path ("/run/systemd/notify")
 * or, written with a leading '@', a name in the abstract namespace. Outside
 * such a service the variable is unset and nothing is sent. The functions
 * keep no state and own nothing; messages go to a caller's buffer. */
#ifndef IOC_SDNOTIFY_H
#define IOC_SDNOTIFY_H

#include <stddef.h>

/* Sends state to the socket named by $NOTIFY_SOCKET. Returns 1 when sent, 0
 * when NOTIFY_SOCKET is unset or empty (not started by a service manager
 * that listens), -1 on failure with a message in err (errlen bytes). */
int sdnotify_send(const char *state, char *err, size_t errlen);

/* Sends state to the socket at addr ("/path" or "@abstract"), as above
 * without the environment. Returns 1 sent, -1 with a message in err. */
int sdnotify_send_to(const char *addr, const char *state, char *err, size_t errlen);

#endif
