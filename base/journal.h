/* journal.h - systemd's native journal protocol (systemd.journal-fields(7),
 * "Native Journal Protocol"), in the few lines it takes, without libsystemd.
 *
 * One record is one AF_UNIX datagram to /run/systemd/journal/socket: fields
 * written NAME=value and a newline each; a value that holds a newline is
 * written in the binary form instead: NAME, a newline, the value's length as
 * a 64-bit little-endian number, the value, a newline. Names are A-Z, 0-9
 * and '_', at most 64 bytes, not starting with '_' (those are journald's).
 * Every record carries PRIORITY (the syslog number), SYSLOG_IDENTIFIER and
 * MESSAGE.
 *
 * Values are sanitised as logfmt's are (text_escape_n() from base/text.h):
 * controls are written as visible escapes (\r, \t, \u001b...), invalid
 * UTF-8 becomes U+FFFD, except that a newline is kept and the field sent in
 * the binary form; a value is cut at JOURNAL_VALUE_MAX bytes (MESSAGE at
 * JOURNAL_MESSAGE_MAX) at a character boundary, then ends with "…". A field
 * that does not fit in its record's buffer is left out whole.
 *
 * The socket is non-blocking: a record the journal cannot take at once (a
 * full queue, no socket there) is dropped, counted, and reported to the
 * caller, who may write it elsewhere; nothing here ever waits.
 *
 * Ownership: a Journal owns its socket (journal_close() closes it) and
 * borrows its identifier, which must outlive it; a JournalRec writes into a
 * buffer its caller owns. No global state. */
#ifndef IOC_JOURNAL_H
#define IOC_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/* journald's socket for native records. */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"
/* Longest field value in bytes once escaped, "…" not counted. */
#define JOURNAL_VALUE_MAX 512
/* Longest MESSAGE in bytes once escaped, "…" not counted. */
#define JOURNAL_MESSAGE_MAX 4096
/* Longest field name, in bytes. */
#define JOURNAL_NAME_MAX 64
/* A JournalRec buffer this size holds the fields of any ioc log line. */
#define JOURNAL_RECORD_MAX 8192

typedef struct {
    int fd;                     /* non-blocking SOCK_DGRAM socket, or -1 */
    struct sockaddr_un sa;      /* where records go */
    socklen_t salen;            /* sa's length */
    const char *ident;          /* SYSLOG_IDENTIFIER (borrowed) */
    unsigned long long sent;    /* records the socket took */
    unsigned long long dropped; /* records it did not take */
} Journal;

typedef struct {
    char *buf;  /* the caller's buffer of encoded fields */
    size_t cap; /* its size */
    size_t len; /* bytes used */
} JournalRec;

/* Opens a non-blocking datagram socket for records to the socket at path
 * (NULL: JOURNAL_SOCKET), sent with SYSLOG_IDENTIFIER=ident. Nothing is
 * sent, so a missing socket is found by journal_send(). 0, or -1 with a
 * message in err (errlen bytes) and j->fd -1. */
int journal_open(Journal *j, const char *path, const char *ident, char *err, size_t errlen);

/* Closes j's socket (j may be closed already). */
void journal_close(Journal *j);

/* True when the environment's JOURNAL_STREAM ("DEVICE:INODE", as systemd
 * sets it for a service whose output goes to the journal) names the file
 * open on descriptor fd: then what fd carries ends up in the journal, and a
 * program may send native records instead. NULL or malformed: false. */
bool journal_stream_is(const char *journal_stream, int fd);

/* The syslog priority for a log level: error 3, warn 4, info 6, debug 7
 * (also "err", "warning", "notice" 5, "crit" 2); anything else 6. */
int journal_priority(const char *level);

/* Starts an empty record in buf (cap bytes). */
void journal_rec_init(JournalRec *r, char *buf, size_t cap);

/* Appends the field prefix+key (prefix may be NULL) = value (NULL is ""),
 * the name upper-cased with any byte other than A-Z, 0-9 and '_' written
 * '_' ("feed" with "IOC_" is IOC_FEED, "latency_ms" IOC_LATENCY_MS,
 * "a.b-c" A_B_C) and cut at JOURNAL_NAME_MAX. false, and nothing appended,
 * when the name is empty or starts with '_' or a digit, or the field does
 * not fit. */
bool journal_field(JournalRec *r, const char *prefix, const char *key, const char *value);

/* Sends one record: PRIORITY=priority, SYSLOG_IDENTIFIER, MESSAGE=message,
 * then r's fields (r may be NULL), as one datagram, without waiting. 0 when
 * the socket took it, else -1 with a message in err, the record dropped and
 * counted in j->dropped. */
int journal_send(Journal *j, int priority, const char *message, const JournalRec *r, char *err,
                 size_t errlen);

#endif
