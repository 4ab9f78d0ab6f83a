/* alertlog.h - the alert log: one JSON object per line for every alert
 * transition, acknowledgement, silence and unsilence (ioc.alert_log).
 *
 * The file is opened with O_APPEND and each line is written whole with one
 * write(2), so several writers never interleave inside a line and a reader
 * (the daily report, tail -f, jq) sees complete lines only. A failed write
 * never stops anything: it returns -1 with a message the caller may show,
 * and the next event is tried again. Nothing is rotated here; after an
 * external rotation (logrotate) call alertlog_reopen(). The line format is
 * written down in docs/alerts.md. */
#ifndef IOC_ALERTLOG_H
#define IOC_ALERTLOG_H

#include <stddef.h>

#include "core/alert.h"

/* Longest line written, in bytes (newline included); longer text fields are cut. */
#define ALERTLOG_LINE_MAX 4096

typedef struct AlertLog AlertLog;

/* Opens (creating, mode 0640) path for appending. NULL with a message in err. */
AlertLog *alertlog_open(const char *path, char *err, size_t errlen);

/* Closes the file and frees the log (NULL is fine). */
void alertlog_close(AlertLog *l);

/* Closes and opens the path again (after an external rotation). 0, or -1
 * with a message (the log then keeps trying to reopen on each write). */
int alertlog_reopen(AlertLog *l, char *err, size_t errlen);

/* Formats ev as one JSON line (ending in "\n") into buf[0..n); returns the
 * length, or -1 when n is too small (n >= ALERTLOG_LINE_MAX always suffices). */
int alertlog_format(const AlertEvent *ev, char *buf, size_t n);

/* Appends ev to the log with one write(2). 0, or -1 with a message. */
int alertlog_write(AlertLog *l, const AlertEvent *ev, char *err, size_t errlen);

#endif
