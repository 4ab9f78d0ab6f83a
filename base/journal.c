/* journal.c - native journal records over a datagram socket (see journal.h). */
#include "base/journal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/text.h"

#define ELLIPSIS "\xE2\x80\xA6"

int journal_open(Journal *j, const char *path, const char *ident, char *err, size_t errlen)
{
    memset(j, 0, sizeof(*j));
    j->fd = -1;
    j->ident = ident && ident[0] ? ident : "ioc";
    if (!path) path = JOURNAL_SOCKET;
    size_t n = strlen(path);
    if (n == 0) {
        snprintf(err, errlen, "%s", _("journal: no socket path"));
        return -1;
    }
    if (n >= sizeof(j->sa.sun_path)) {
        snprintf(err, errlen, _("journal: the socket path is longer than %zu bytes"),
                 sizeof(j->sa.sun_path) - 1);
        return -1;
    }
    j->sa.sun_family = AF_UNIX;
    memcpy(j->sa.sun_path, path, n);
    j->salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    j->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (j->fd < 0) {
        snprintf(err, errlen, "journal: socket: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void journal_close(Journal *j)
{
    if (j->fd >= 0) close(j->fd);
    j->fd = -1;
}

bool journal_stream_is(const char *journal_stream, int fd)
{
    if (!journal_stream || !journal_stream[0]) return false;
    char *end;
    errno = 0;
    unsigned long long dev = strtoull(journal_stream, &end, 10);
    if (errno || end == journal_stream || *end != ':') return false;
    const char *p = end + 1;
    unsigned long long ino = strtoull(p, &end, 10);
    if (errno || end == p || *end) return false;
    struct stat st;
    if (fstat(fd, &st) != 0) return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int journal_priority(const char *level)
{
    static const struct {
        const char *name;
        int prio;
    } map[] = {
        {"crit", 2},    {"error", 3},  {"err", 3},  {"warn", 4},
        {"warning", 4}, {"notice", 5}, {"info", 6}, {"debug", 7},
    };
    for (size_t i = 0; level && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(level, map[i].name) == 0) return map[i].prio;
    return 6;
}

void journal_rec_init(JournalRec *r, char *buf, size_t cap)
{
    r->buf = buf;
    r->cap = cap;
    r->len = 0;
}

/* Writes value sanitised into out (max + 8 bytes): each line escaped by
 * text_escape_n(), the newlines between them kept; cut at max bytes at a
 * character boundary and then "…". Returns the bytes written. */
static size_t escape_value(const char *value, char *out, size_t max)
{
    const char *p = value ? value : "";
    const char *end = p + strlen(p);
    size_t n = 0;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t seg = nl ? (size_t)(nl - p) : (size_t)(end - p);
        /* With 8 bytes to spare past max, a line that comes out within max
         * is whole: escaping stops only before an escape that would not fit. */
        size_t w = text_escape_n(p, seg, 0, out + n, max + 8 - n);
        if (n + w + (nl ? 1 : 0) > max) {
            n += text_escape_n(p, seg, 0, out + n, max - n + 1);
            memcpy(out + n, ELLIPSIS, sizeof ELLIPSIS);
            return n + sizeof ELLIPSIS - 1;
        }
        n += w;
        if (!nl) return n;
        out[n++] = '\n';
        p = nl + 1;
    }
}

/* Appends name=value to r, in the binary form when the sanitised value holds
 * a newline, with value cut at max bytes; false when it does not fit. */
static bool put_field(JournalRec *r, const char *name, const char *value, size_t max)
{
    char v[JOURNAL_MESSAGE_MAX + 8];
    if (max > JOURNAL_MESSAGE_MAX) max = JOURNAL_MESSAGE_MAX;
    size_t n = escape_value(value, v, max);
    size_t nlen = strlen(name);
    bool bin = memchr(v, '\n', n) != NULL;
    size_t need = nlen + 1 + (bin ? 8 : 0) + n + 1;
    if (r->len > r->cap || need > r->cap - r->len) return false;
    char *o = r->buf + r->len;
    memcpy(o, name, nlen);
    o += nlen;
    if (bin) {
        *o++ = '\n';
        uint64_t len = n;
        for (int i = 0; i < 8; i++)
            *o++ = (char)((len >> (8 * i)) & 0xFF); /* little-endian, whatever the host */
    } else {
        *o++ = '=';
    }
    memcpy(o, v, n);
    o += n;
    *o++ = '\n';
    r->len += need;
    return true;
}

bool journal_field(JournalRec *r, const char *prefix, const char *key, const char *value)
{
    char name[JOURNAL_NAME_MAX + 1];
    size_t n = 0;
    for (int part = 0; part < 2; part++) {
        const char *s = part == 0 ? prefix : key;
        for (; s && *s && n < JOURNAL_NAME_MAX; s++) {
            char c = *s;
            if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
            name[n++] = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
        }
    }
    name[n] = '\0';
    if (n == 0 || !(name[0] >= 'A' && name[0] <= 'Z')) return false;
    return put_field(r, name, value, JOURNAL_VALUE_MAX);
}

int journal_send(Journal *j, int priority, const char *message, const JournalRec *r, char *err,
                 size_t errlen)
{
    char head[JOURNAL_MESSAGE_MAX + 256];
    JournalRec h;
    journal_rec_init(&h, head, sizeof(head));
    if (priority < 0 || priority > 7) priority = 6;
    char prio[2] = {(char)('0' + priority), '\0'};
    put_field(&h, "PRIORITY", prio, JOURNAL_VALUE_MAX);
    put_field(&h, "SYSLOG_IDENTIFIER", j->ident ? j->ident : "ioc", JOURNAL_VALUE_MAX);
    put_field(&h, "MESSAGE", message, JOURNAL_MESSAGE_MAX);
    if (j->fd < 0) {
        j->dropped++;
        snprintf(err, errlen, "%s", _("journal: not open"));
        return -1;
    }
    struct iovec iov[2] = {
        {.iov_base = head, .iov_len = h.len},
        {.iov_base = r ? r->buf : NULL, .iov_len = r ? r->len : 0},
    };
    struct msghdr m = {
        .msg_name = &j->sa,
        .msg_namelen = j->salen,
        .msg_iov = iov,
        .msg_iovlen = r && r->len ? 2 : 1,
    };
    ssize_t sent;
    do {
        sent = sendmsg(j->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
        int e = errno;
        j->dropped++;
        snprintf(err, errlen, "journal: %s: %s", j->sa.sun_path, strerror(e));
        return -1;
    }
    j->sent++;
    return 0;
}
