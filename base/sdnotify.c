/* sdnotify.c - one datagram to $NOTIFY_SOCKET (see sdnotify.h). */
#include "base/sdnotify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/i18n.h"

int sdnotify_send_to(const char *addr, const char *state, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    size_t n = addr ? strlen(addr) : 0;
    if (!state || !state[0]) {
        snprintf(err, errlen, "%s", _("sd_notify: nothing to send"));
        return -1;
    }
    if (n == 0 || (addr[0] != '/' && addr[0] != '@')) {
        snprintf(err, errlen, _("sd_notify: NOTIFY_SOCKET '%s' is neither a path nor @abstract"),
                 addr ? addr : "");
        return -1;
    }
    if (n >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, _("sd_notify: NOTIFY_SOCKET is longer than %zu bytes"),
                 sizeof(sa.sun_path) - 1);
        return -1;
    }
    memcpy(sa.sun_path, addr, n);
    socklen_t len;
    if (addr[0] == '@') {
        sa.sun_path[0] = '\0'; /* the abstract namespace: exactly n bytes, no NUL */
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    } else {
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "sd_notify: socket: %s", strerror(errno));
        return -1;
    }
    size_t slen = strlen(state);
    ssize_t sent;
    do {
        sent = sendto(fd, state, slen, MSG_NOSIGNAL, (const struct sockaddr *)&sa, len);
    } while (sent < 0 && errno == EINTR);
    int e = errno;
    close(fd);
    if (sent < 0) {
        snprintf(err, errlen, "sd_notify: %s: %s", addr, strerror(e));
        return -1;
    }
    if ((size_t)sent != slen) {
        snprintf(err, errlen, _("sd_notify: %s: short send"), addr);
        return -1;
    }
    return 1;
}

int sdnotify_send(const char *state, char *err, size_t errlen)
{
    const char *addr = getenv("NOTIFY_SOCKET");
    if (!addr || !addr[0]) return 0;
    return sdnotify_send_to(addr, state, err, errlen);
}
