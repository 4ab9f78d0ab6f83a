/* alertlog.c - JSON-lines alert log, appended one whole line per write(2)
 * (see alertlog.h). */
#include "services/alertlog.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/timefmt.h"

struct AlertLog {
    char *path;
    int fd; /* -1 while closed (a failed reopen) */
};

/* Opens path for appending; -1 with errno on failure. */
static int open_append(const char *path)
{
    int fd;
    do {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

AlertLog *alertlog_open(const char *path, char *err, size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "%s", _("no alert log file given"));
        return NULL;
    }
    AlertLog *l = calloc(1, sizeof(*l));
    if (!l || !(l->path = strdup(path))) {
        free(l);
        snprintf(err, errlen, "%s", _("out of memory"));
        return NULL;
    }
    l->fd = open_append(path);
    if (l->fd < 0) {
        snprintf(err, errlen, _("cannot open the alert log '%.200s': %s"), path, strerror(errno));
        alertlog_close(l);
        return NULL;
    }
    return l;
}

void alertlog_close(AlertLog *l)
{
    if (!l) return;
    if (l->fd >= 0) close(l->fd);
    free(l->path);
    free(l);
}

int alertlog_reopen(AlertLog *l, char *err, size_t errlen)
{
    if (l->fd >= 0) close(l->fd);
    l->fd = open_append(l->path);
    if (l->fd < 0) {
        snprintf(err, errlen, _("cannot open the alert log '%.200s': %s"), l->path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* A bounded line being built; overflow is sticky. */
typedef struct {
    char *buf;
    size_t n, len;
    bool over;
} Line;

/* Appends len bytes to the line. */
static void put(Line *w, const char *s, size_t len)
{
    if (w->over) return;
    if (len >= w->n - w->len) {
        w->over = true;
        return;
    }
    memcpy(w->buf + w->len, s, len);
    w->len += len;
    w->buf[w->len] = '\0';
}

/* Appends a NUL-terminated string. */
static void puts_(Line *w, const char *s)
{
    put(w, s, strlen(s));
}

/* Length of the valid UTF-8 character at s (max bytes available), or 0. */
static size_t utf8_len(const unsigned char *s, size_t max)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        min = 0x80;
        c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        min = 0x800;
        c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        min = 0x10000;
        c &= 0x07;
    } else {
        return 0;
    }
    if (n > max) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    return n;
}

/* Appends s as a JSON string: quotes, backslashes and control characters
 * escaped, invalid UTF-8 replaced by U+FFFD, so the line stays valid JSON. */
static void put_str(Line *w, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t left = strlen((const char *)p);
    put(w, "\"", 1);
    while (left > 0 && !w->over) {
        unsigned char c = *p;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(w, esc, 2);
        } else if (c == '\n') {
            puts_(w, "\\n");
        } else if (c == '\t') {
            puts_(w, "\\t");
        } else if (c == '\r') {
            puts_(w, "\\r");
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            puts_(w, esc);
        } else {
            size_t k = utf8_len(p, left);
            if (k == 0) {
                puts_(w, "\xEF\xBF\xBD");
                k = 1;
            } else {
                put(w, (const char *)p, k);
            }
            p += k;
            left -= k;
            continue;
        }
        p++;
        left--;
    }
    put(w, "\"", 1);
}

/* Appends ,"key": */
static void put_key(Line *w, const char *key)
{
    puts_(w, ",\"");
    puts_(w, key);
    puts_(w, "\":");
}

/* Appends ,"key":"value" (only when value is not NULL). */
static void field_str(Line *w, const char *key, const char *value)
{
    if (!value) return;
    put_key(w, key);
    put_str(w, value);
}

/* Appends ,"key":number (null when not finite). */
static void field_num(Line *w, const char *key, double v)
{
    char num[40];
    put_key(w, key);
    if (!isfinite(v)) {
        puts_(w, "null");
        return;
    }
    snprintf(num, sizeof(num), "%.15g", v);
    puts_(w, num);
}

/* Writes ms as local ISO 8601 with milliseconds: 2026-11-25T18:30:05.123+07:00. */
static void fmt_ts(int64_t ms, char *buf, size_t n)
{
    char iso[TIMEFMT_SIZE];
    if (timefmt_iso(ms, iso, sizeof(iso)) < 19) {
        snprintf(buf, n, "%lld", (long long)ms);
        return;
    }
    int frac = (int)(((ms % 1000) + 1000) % 1000);
    snprintf(buf, n, "%.19s.%03d%s", iso, frac, iso + 19);
}

/* Appends the fields that describe alert a. */
static void alert_fields(Line *w, const Alert *a)
{
    const CfgRule *r = a->rule;
    field_str(w, "rule", r->id);
    field_str(w, "kpi", r->kpi);
    field_str(w, "feed", r->feed);
    field_str(w, "severity", cfg_severity_name(r->severity));
    if (a->has_value) field_num(w, "value", a->value);
    if (a->has_change) field_num(w, "change", a->change);
}

int alertlog_format(const AlertEvent *ev, char *buf, size_t n)
{
    static const char *const kinds[] = {"transition", "ack", "silence", "unsilence"};
    Line w = {buf, n, 0, n == 0};
    char ts[64];
    if (n == 0) return -1;
    buf[0] = '\0';
    fmt_ts(ev->at_ms, ts, sizeof(ts));
    puts_(&w, "{\"ts\":");
    put_str(&w, ts);
    field_str(&w, "event", (unsigned)ev->kind < 4 ? kinds[ev->kind] : "?");
    const Alert *a = ev->alert;
    const AlertSilence *s = ev->silence;
    if (a) alert_fields(&w, a);
    if (ev->kind == AEV_TRANSITION) {
        field_str(&w, "from", alert_state_name(ev->from));
        field_str(&w, "to", alert_state_name(ev->to));
    } else if (ev->kind == AEV_ACK) {
        field_str(&w, "state", alert_state_name(ev->to));
    }
    if (s) {
        put_key(&w, "silence");
        char id[16];
        snprintf(id, sizeof(id), "%u", s->id);
        puts_(&w, id);
        field_str(&w, "target", s->target);
        if (ev->kind == AEV_SILENCE) {
            fmt_ts(s->until_ms, ts, sizeof(ts));
            field_str(&w, "until", ts);
        } else if (!ev->who) {
            put_key(&w, "expired");
            puts_(&w, "true");
        }
    }
    field_str(&w, "operator", ev->who);
    field_str(&w, "comment", ev->comment);
    if (a) {
        put_key(&w, "silenced");
        puts_(&w, a->silenced ? "true" : "false");
        if (a->acked && ev->kind == AEV_TRANSITION) field_str(&w, "acked_by", a->ack_by);
        field_str(&w, "summary", a->summary);
    }
    puts_(&w, "}\n");
    return w.over ? -1 : (int)w.len;
}

int alertlog_write(AlertLog *l, const AlertEvent *ev, char *err, size_t errlen)
{
    char line[ALERTLOG_LINE_MAX];
    int len = alertlog_format(ev, line, sizeof(line));
    if (len < 0) {
        snprintf(err, errlen, "%s", _("alert log line too long: event not written"));
        return -1;
    }
    if (l->fd < 0 && alertlog_reopen(l, err, errlen) != 0) return -1;
    ssize_t w;
    do {
        w = write(l->fd, line, (size_t)len);
    } while (w < 0 && errno == EINTR);
    if (w < 0) {
        snprintf(err, errlen, _("cannot write the alert log '%.200s': %s"), l->path,
                 strerror(errno));
        return -1;
    }
    if (w != len) {
        snprintf(err, errlen,
                 _("cannot write the alert log '%.200s': only %zd of %d bytes written"), l->path, w,
                 len);
        return -1;
    }
    return 0;
}
