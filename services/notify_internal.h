/* notify_internal.h - private parts of the notifier shared by notify*.c.
 *
 * notify_plan.c: which alerts a target knows, grouping and repeats (pure:
 *                no clock, no I/O, times are arguments);
 * notify_json.c: the Alertmanager-style message body;
 * notify.c:      queues, attempts, retries, timers, the public API;
 * notify_webhook.c, notify_exec.c: the two ways to deliver one attempt. */
#ifndef IOC_NOTIFY_INTERNAL_H
#define IOC_NOTIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "services/notify.h"

/* Longest string kept from an event (bytes, cut at a UTF-8 boundary). */
#define NOTIFY_MAX_STR 1024
/* Rule labels kept per alert. */
#define NOTIFY_MAX_LABELS 32

/* One alert as a target knows it: an owned copy of what the events said. */
typedef struct {
    char *key;       /* identity: rule_id \x1f kpi_key \x1f feed_id */
    char **lk, **lv; /* labels, sorted by key */
    size_t nl;
    char **ak, **av; /* annotations, sorted by key */
    size_t na;
    Severity severity;
    bool firing;
    int64_t starts_at, ends_at; /* wall ms */
    bool sent;                  /* a firing message with it went to delivery */
    bool pending;               /* in the open group, waiting to go out */
    int64_t next_repeat;        /* monotonic ms of the next re-send; 0 = none */
} PlanAlert;

/* The alerts of one target and its open group. */
typedef struct {
    Severity min_severity;
    int64_t repeat_ms[3];
    int64_t group_wait_ms;
    PlanAlert *alerts; /* in arrival order */
    size_t n, cap;
    bool group_open;
    int64_t group_due; /* when the open group goes out */
    uint64_t ignored;  /* new firing alerts ignored: table full */
} Plan;

/* Receives each message built: body (from cJSON: free with cJSON_free),
 * ownership passes to the callee. */
typedef void (*PlanEmitFn)(void *ud, char *body, size_t len, size_t n_alerts, bool firing);

/* Starts an empty plan with a target's settings. */
void plan_init(Plan *p, const CfgNotify *cfg);

/* Frees every alert. */
void plan_done(Plan *p);

/* Applies one event at monotonic time now. False when it could not be
 * kept (out of memory, or the table is full). */
bool plan_event(Plan *p, const NotifyEvent *ev, int64_t now);

/* True when ev's alert is firing and went out to this target. */
bool plan_sent(const Plan *p, const NotifyEvent *ev);

/* Takes a firing alert as already sent (a reload carried it over): no
 * message now, its repeat counted from now. False as plan_event(). */
bool plan_adopt(Plan *p, const NotifyEvent *ev, int64_t now);

/* The next time plan_take() has work, INT64_MAX when none. */
int64_t plan_next_due(const Plan *p);

/* Makes the open group due now (flush before shutdown). */
void plan_hurry(Plan *p, int64_t now);

/* Emits the messages due at now: the open group if its time has come, with
 * every firing alert whose repeat is due. Returns the number of messages
 * lost for lack of memory. */
size_t plan_take(Plan *p, int64_t now, PlanEmitFn emit, void *ud);

/* Number of firing alerts in the plan. */
size_t plan_active(const Plan *p);

/* The JSON body for n alerts (n >= 1), NULL when out of memory. */
char *notify_json_body(const PlanAlert *const *alerts, size_t n, size_t *len);

/* RFC 3339 UTC time with trimmed milliseconds ("2026-11-25T11:30:05.12Z");
 * "0001-01-01T00:00:00Z" for 0 or a time that cannot be shown. */
void notify_fmt_time(int64_t wall_ms, char *buf, size_t n);

/* The 16-hex-digit fingerprint of an alert's labels (FNV-1a 64). */
void notify_fingerprint(const PlanAlert *a, char out[17]);

/* A message waiting or being delivered. */
typedef struct {
    char *body; /* cJSON_free */
    size_t len;
    size_t n_alerts;
    bool firing;
} NotifyMsg;

/* How an attempt ended. */
typedef enum { ATTEMPT_OK, ATTEMPT_RETRY, ATTEMPT_FAIL } AttemptResult;

/* One target: its plan, queue, current message and delivery state. */
typedef struct Target {
    struct Notifier *nf;
    size_t idx;
    const CfgNotify *cfg;
    Plan plan;
    NotifyMsg queue[NOTIFY_MAX_QUEUE]; /* ring */
    size_t qhead, qlen;
    NotifyMsg cur; /* valid when busy */
    bool busy;     /* cur is being delivered or waits for a retry */
    int attempts;  /* attempts of cur so far */
    int64_t first; /* monotonic ms of cur's first attempt */
    long retry_timer;
    NotifyStats st;
    char name[128]; /* url_shown or argv[0], for messages */
    /* webhook */
    CURL *easy;
    struct curl_slist *headers;   /* holds expanded secrets */
    char errbuf[CURL_ERROR_SIZE]; /* curl's words for the last failure */
    bool in_transfer;
    /* exec */
    pid_t pid;     /* running child, 0 = none */
    int in_fd;     /* write end of the child's stdin, -1 = closed */
    size_t in_off; /* bytes of cur.body written */
    long poll_timer, kill_timer;
    int64_t poll_delay;
    int kill_stage; /* 0, 1 = SIGTERM sent, 2 = SIGKILL sent */
} Target;

struct Notifier {
    Loop *loop;
    Target *t;
    size_t n;
    NotifyPolicy policy;
    NotifyMsgFn on_msg;
    void *on_msg_ud;
    NotifyOutcomeFn on_outcome;
    void *on_outcome_ud;
    long plan_timer;
    int64_t plan_due;
};

/* Called by a backend when a started attempt ends (why: words, "" on success). */
void notify_attempt_done(Target *t, AttemptResult r, const char *why);

/* Webhook backend: set up the handle once; start one attempt of t->cur (0 =
 * running, -1 = ended at once with *r and why); cancel; free. */
int webhook_setup(Target *t, char *err, size_t errlen);
int webhook_start(Target *t, AttemptResult *r, char *why, size_t n);
void webhook_cancel(Target *t);
void webhook_free(Target *t);

/* Exec backend: same contract; cancel kills the child and reaps it. */
int exec_start(Target *t, AttemptResult *r, char *why, size_t n);
void exec_cancel(Target *t);

#endif
