/* archive.c - the SQLite archive's writer: open and checks, schema, lock,
 * batched flush, the writer thread and retention pruning (see archive.h).
 * The buffers are in archive_buffer.c, blocks, the tail and migration in
 * archive_block.c, queries and restore in archive_read.c. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/archive_internal.h"
#include "base/i18n.h"

#define DEFAULT_BUFFER 100000
#define DEFAULT_PRUNE  2000
#define PRUNE_STEPS    64 /* index seeks per flush at most */

static const int64_t default_retention[3] = {2 * 86400000LL, 35 * 86400000LL, 730 * 86400000LL};

static const char schema_sql[] =
    "CREATE TABLE series(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);"
    "CREATE TABLE feed(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE block(series INTEGER NOT NULL, ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
    " data BLOB NOT NULL, PRIMARY KEY(series, ts)) WITHOUT ROWID;"
    "CREATE TABLE tail(seq INTEGER PRIMARY KEY AUTOINCREMENT, max_ts INTEGER NOT NULL, data BLOB "
    "NOT NULL, open_ts INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX tail_open ON tail(open_ts);"
    "CREATE TABLE rollup_mark(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL);"
    "CREATE TABLE minute(series INTEGER NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL,"
    " gaps INTEGER NOT NULL, vmin REAL, vmax REAL, vsum REAL, first_ts INTEGER, vfirst REAL,"
    " last_ts INTEGER, vlast REAL, PRIMARY KEY(series, ts)) WITHOUT ROWID;"
    "CREATE TABLE hour(series INTEGER NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL,"
    " gaps INTEGER NOT NULL, vmin REAL, vmax REAL, vsum REAL, first_ts INTEGER, vfirst REAL,"
    " last_ts INTEGER, vlast REAL, PRIMARY KEY(series, ts)) WITHOUT ROWID;"
    "CREATE TABLE feed_poll(feed INTEGER NOT NULL, ts INTEGER NOT NULL, polls INTEGER NOT NULL,"
    " failures INTEGER NOT NULL, last_ts INTEGER NOT NULL, PRIMARY KEY(feed, ts)) WITHOUT ROWID;"
    "CREATE TABLE feed_state(feed INTEGER NOT NULL, ts INTEGER NOT NULL, state TEXT NOT NULL,"
    " error TEXT, latency_ms INTEGER, http_status INTEGER, PRIMARY KEY(feed, ts)) WITHOUT ROWID;"
    "CREATE TABLE alert_event(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, event TEXT NOT NULL,"
    " rule TEXT, kpi TEXT, feed TEXT, severity TEXT, value REAL, change REAL, from_state TEXT,"
    " to_state TEXT, state TEXT, silence INTEGER, target TEXT, until_ts INTEGER,"
    " expired INTEGER, operator TEXT, comment TEXT, silenced INTEGER, acked_by TEXT,"
    " summary TEXT, fired_ts INTEGER);"
    "CREATE INDEX alert_event_ts ON alert_event(ts);";

/* Added within schema version 1: created by the writer when missing (an older
 * ioc ignores it; readers treat a missing table as no periods). */
static const char not_running_sql[] =
    "CREATE TABLE IF NOT EXISTS not_running(ts INTEGER PRIMARY KEY, until_ts INTEGER NOT NULL,"
    " clean INTEGER NOT NULL);";

/* The newest committed time in the archive (index seeks per feed and series). */
static const char newest_sql[] =
    "SELECT max(t) FROM ("
    "SELECT (SELECT last_ts FROM feed_poll WHERE feed=f.id ORDER BY ts DESC LIMIT 1) AS t"
    " FROM feed f"
    " UNION ALL SELECT (SELECT ts FROM feed_state WHERE feed=f.id ORDER BY ts DESC LIMIT 1)"
    " FROM feed f"
    " UNION ALL SELECT (SELECT last_ts FROM block WHERE series=s.id ORDER BY ts DESC LIMIT 1)"
    " FROM series s"
    " UNION ALL SELECT max(max_ts) FROM tail"
    " UNION ALL SELECT max(ts) FROM alert_event"
    " UNION ALL SELECT max(until_ts) FROM not_running)";

/* "stopped" at ?1 (or just after the feed's newest state) for every feed whose
 * newest recorded state is another: the run before was killed. */
static const char unclean_stop_sql[] =
    "INSERT INTO feed_state(feed,ts,state) SELECT id, max(?1, ts+1), 'stopped' FROM ("
    "SELECT f.id AS id,"
    " (SELECT ts FROM feed_state WHERE feed=f.id ORDER BY ts DESC LIMIT 1) AS ts,"
    " (SELECT state FROM feed_state WHERE feed=f.id ORDER BY ts DESC LIMIT 1) AS state"
    " FROM feed f) WHERE state<>'stopped'";

/* The rollup upsert: merges the aggregate of a block's samples in one bucket. */
#define ROLLUP_SQL(table)                                                                          \
    "INSERT INTO " table "(series,ts,n,gaps,vmin,vmax,vsum,first_ts,vfirst,last_ts,vlast)"         \
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT(series,ts) DO UPDATE SET"             \
    " n=n+excluded.n, gaps=gaps+excluded.gaps,"                                                    \
    " vmin=CASE WHEN excluded.n=0 THEN vmin WHEN n=0 THEN excluded.vmin"                           \
    "  ELSE min(vmin,excluded.vmin) END,"                                                          \
    " vmax=CASE WHEN excluded.n=0 THEN vmax WHEN n=0 THEN excluded.vmax"                           \
    "  ELSE max(vmax,excluded.vmax) END,"                                                          \
    " vsum=CASE WHEN excluded.n=0 THEN vsum WHEN n=0 THEN excluded.vsum"                           \
    "  ELSE vsum+excluded.vsum END,"                                                               \
    " first_ts=CASE WHEN excluded.n=0 THEN first_ts WHEN n=0 OR excluded.first_ts<first_ts"        \
    "  THEN excluded.first_ts ELSE first_ts END,"                                                  \
    " vfirst=CASE WHEN excluded.n=0 THEN vfirst WHEN n=0 OR excluded.first_ts<first_ts"            \
    "  THEN excluded.vfirst ELSE vfirst END,"                                                      \
    " last_ts=CASE WHEN excluded.n=0 THEN last_ts WHEN n=0 OR excluded.last_ts>=last_ts"           \
    "  THEN excluded.last_ts ELSE last_ts END,"                                                    \
    " vlast=CASE WHEN excluded.n=0 THEN vlast WHEN n=0 OR excluded.last_ts>=last_ts"               \
    "  THEN excluded.vlast ELSE vlast END"

#define PRUNE_SQL(table, key)                                                                      \
    "DELETE FROM " table " WHERE " key "=?1 AND ts < coalesce((SELECT ts FROM " table              \
    " WHERE " key "=?1 AND ts<?2 ORDER BY ts LIMIT 1 OFFSET ?3), ?2)"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BLOCK] = "INSERT OR REPLACE INTO block(series,ts,last_ts,data) VALUES(?1,?2,?3,?4)",
    [ST_MINUTE] = ROLLUP_SQL("minute"),
    [ST_HOUR] = ROLLUP_SQL("hour"),
    [ST_POLL] = "INSERT INTO feed_poll(feed,ts,polls,failures,last_ts) VALUES(?1,?2,1,?3,?4)"
                " ON CONFLICT(feed,ts) DO UPDATE SET polls=polls+1,"
                " failures=failures+excluded.failures, last_ts=max(last_ts,excluded.last_ts)",
    [ST_STATE] = "INSERT OR REPLACE INTO feed_state(feed,ts,state,error,latency_ms,http_status)"
                 " VALUES(?1,?2,?3,?4,?5,?6)",
    [ST_EVENT] = "INSERT INTO alert_event(ts,event,rule,kpi,feed,severity,value,change,"
                 "from_state,to_state,state,silence,target,until_ts,expired,operator,comment,"
                 "silenced,acked_by,summary,fired_ts) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
                 "?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)",
    /* Blocks go whole, by their newest sample: those of a series are in
     * time order and do not overlap, so they are a prefix of its ts order. */
    [ST_PRUNE_RAW] = "DELETE FROM block WHERE series=?1 AND ts<?2 AND last_ts<?2 AND ts <"
                     " coalesce((SELECT ts FROM block WHERE series=?1 AND ts<?2 ORDER BY ts"
                     " LIMIT 1 OFFSET ?3), ?2)",
    [ST_PRUNE_RAW + 1] = PRUNE_SQL("minute", "series"),
    [ST_PRUNE_RAW + 2] = PRUNE_SQL("hour", "series"),
    [ST_PRUNE_RAW + 3] = PRUNE_SQL("feed_poll", "feed"),
    [ST_PRUNE_RAW + 4] = PRUNE_SQL("feed_state", "feed"),
    [ST_PRUNE_EVENT] = "DELETE FROM alert_event WHERE id IN (SELECT id FROM alert_event"
                       " WHERE ts<?1 ORDER BY ts LIMIT ?2)",
    [ST_NEXT_SERIES] = "SELECT id FROM series WHERE id>?1 ORDER BY id LIMIT 1",
    [ST_NEXT_FEED] = "SELECT id FROM feed WHERE id>?1 ORDER BY id LIMIT 1",
    [ST_PRUNE_STOPS] = "DELETE FROM not_running WHERE until_ts<?1",
    [ST_TAIL_ADD] = "INSERT INTO tail(max_ts,open_ts,data) VALUES(?1,?2,?3)",
    [ST_TAIL_TRIM] = "DELETE FROM tail WHERE open_ts=?1",
    [ST_CLOSED_TS] = "SELECT last_ts FROM block WHERE series=?1 ORDER BY ts DESC LIMIT 1",
    [ST_MARK] = "INSERT OR REPLACE INTO rollup_mark(id,ts) VALUES(1,?1)",
};

void ar_set_error(Archive *a, const char *fmt, ...)
{
    char buf[sizeof(a->error)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (strcmp(buf, a->error) == 0) return;
    memcpy(a->error, buf, sizeof(buf));
    a->error_seq++;
}

void aw_error(Archive *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->werror, sizeof(a->werror), fmt, ap);
    va_end(ap);
}

sqlite3_int64 ar_lookup(sqlite3 *db, const char *table, const char *name)
{
    char sql[80];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s=?1", table,
             strcmp(table, "series") == 0 ? "key" : "name");
    sqlite3_int64 id = 0;
    if (!db || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) goto done;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
done:
    sqlite3_finalize(st);
    return id;
}

/* Creates the parent directories of path (mkdir -p); 0 or -1 with errno. */
static int mkdir_parents(const char *path)
{
    char *p = strdup(path);
    if (!p) return -1;
    int rc = 0;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            struct stat st;
            if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
                errno = e;
                rc = -1;
                break;
            }
        }
        *s = '/';
    }
    free(p);
    return rc;
}

/* Takes the writer's lock on "<path>.lock". 0 taken; 1 held by another ioc
 * (locked_out set, message set); -1 cannot create the lock file (message set). */
static int take_lock(Archive *a)
{
    size_t n = strlen(a->path) + 8;
    char *lp = malloc(n);
    if (!lp) {
        aw_error(a, "%s", _("out of memory"));
        return -1;
    }
    snprintf(lp, n, "%s.lock", a->path);
    if (mkdir_parents(a->path) != 0) {
        aw_error(a, _("archive %s: cannot create its directory: %s; retrying"), a->path,
                 strerror(errno));
        free(lp);
        return -1;
    }
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0) {
        aw_error(a, _("archive %s: cannot create the lock file: %s; retrying"), a->path,
                 strerror(errno));
        free(lp);
        return -1;
    }
    free(lp);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char buf[32] = "";
        ssize_t r = pread(fd, buf, sizeof(buf) - 1, 0);
        buf[r > 0 ? r : 0] = '\0';
        long pid = strtol(buf, NULL, 10);
        close(fd);
        if (a->thread_running) { /* a retry in the writer thread: the front keeps buffering */
            aw_error(a, _("archive %s is in use by another ioc; retrying"), a->path);
            return -1;
        }
        a->locked_out = true;
        if (pid > 0)
            aw_error(a,
                     _("archive %s is in use by another ioc (pid %ld); running without "
                       "archive writes"),
                     a->path, pid);
        else
            aw_error(a, _("archive %s is in use by another ioc; running without archive writes"),
                     a->path);
        return 1;
    }
    char pid[32];
    int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* The pid is only for the message of a second writer; the lock holds anyway. */
    }
    a->lock_fd = fd;
    return 0;
}

/* Checks the start of an existing file: 1 looks like SQLite (or is empty),
 * 0 missing, -1 not SQLite / not a regular file (err set). */
static int check_header(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, _("archive %s: %s"), path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, _("archive %s is not a regular file; it was left untouched"), path);
        return -1;
    }
    if (st.st_size == 0) return 1;
    char head[16] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, head, sizeof(head)) : -1;
    if (fd >= 0) close(fd);
    if (r < 0) {
        snprintf(err, errlen, _("archive %s: %s"), path, strerror(errno));
        return -1;
    }
    if (r != (ssize_t)sizeof(head) || memcmp(head, "SQLite format 3", 16) != 0) {
        snprintf(err, errlen,
                 _("archive %s is not an ioc archive (not a SQLite database); it was left "
                   "untouched (give another path in ioc.archive)"),
                 path);
        return -1;
    }
    return 1;
}

/* Reads an integer PRAGMA; -1 on error. */
static long long pragma_int(sqlite3 *db, const char *name, int *rc)
{
    char sql[64];
    sqlite3_stmt *st = NULL;
    long long v = -1;
    snprintf(sql, sizeof(sql), "PRAGMA %s", name);
    *rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (*rc == SQLITE_OK) {
        *rc = sqlite3_step(st);
        if (*rc == SQLITE_ROW) {
            v = sqlite3_column_int64(st, 0);
            *rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return v;
}

/* Checks that db is an ioc archive of a schema this build reads (its
 * version in *schema). 1 it is, 0 empty (a new file), -1 refused (err set),
 * -2 a transient error (err set). */
static int check_db(sqlite3 *db, const char *path, int *schema, char *err, size_t errlen)
{
    int rc;
    long long coll = pragma_int(db, "application_id", &rc);
    long long ver = rc == SQLITE_OK ? pragma_int(db, "user_version", &rc) : 0;
    long long tables = rc == SQLITE_OK ? pragma_int(db, "schema_version", &rc) : 0;
    if (rc != SQLITE_OK) {
        int base = rc & 0xff;
        if (base == SQLITE_NOTADB || base == SQLITE_CORRUPT) {
            snprintf(err, errlen,
                     _("archive %s is damaged or not a SQLite database (%s); it was left "
                       "untouched"),
                     path, sqlite3_errstr(rc));
            return -1;
        }
        snprintf(err, errlen, _("archive %s: cannot read: %s"), path, sqlite3_errmsg(db));
        return -2;
    }
    if (coll == 0 && tables == 0) return 0;
    if (coll != ARCHIVE_APP_ID) {
        snprintf(err, errlen,
                 _("archive %s is another application's SQLite database, not an ioc archive; it "
                   "was left untouched (give another path in ioc.archive)"),
                 path);
        return -1;
    }
    if (ver > ARCHIVE_SCHEMA) {
        snprintf(err, errlen,
                 _("archive %s was written by a newer ioc (schema %lld; this ioc reads up to "
                   "%d); it was left untouched"),
                 path, ver, ARCHIVE_SCHEMA);
        return -1;
    }
    if (ver < 1) {
        snprintf(err, errlen, _("archive %s has no schema version; it was left untouched"), path);
        return -1;
    }
    *schema = (int)ver;
    return 1;
}

/* Closes the connection and its statements. */
static void close_db(Archive *a)
{
    for (int i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(a->st[i]);
        a->st[i] = NULL;
    }
    if (a->db) sqlite3_close(a->db);
    a->db = NULL;
}

/* Puts a transient SQLite failure into the error text; closes the connection
 * for errors that a reopen may cure. */
static void db_failed(Archive *a, int rc, const char *what)
{
    const char *msg = a->db ? sqlite3_errmsg(a->db) : sqlite3_errstr(rc);
    aw_error(a, _("archive %s: cannot %s: %s; keeping data in memory and retrying"), a->path, what,
             msg);
    int base = rc & 0xff;
    if (base == SQLITE_IOERR || base == SQLITE_CANTOPEN || base == SQLITE_CORRUPT ||
        base == SQLITE_NOTADB)
        close_db(a);
}

/* Opens the writer's connection: lock, checks, WAL, schema, statements.
 * 0 open (or locked out), -1 transient (error set), -2 refused (err set). */
static int writer_open(Archive *a, char *err, size_t errlen)
{
    char msg[sizeof(a->error)];
    if (a->lock_fd < 0) {
        int l = take_lock(a);
        if (l < 0) return -1;
        if (l > 0) {
            /* Another ioc writes: keep a reading connection for restore. */
            char e2[sizeof(a->error)];
            if (check_header(a->path, e2, sizeof(e2)) == 1 &&
                sqlite3_open_v2(a->path, &a->db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
                check_db(a->db, a->path, &a->schema, e2, sizeof(e2)) == 1) {
                sqlite3_busy_timeout(a->db, 2000);
                return 0;
            }
            close_db(a);
            return 0;
        }
    }
    int exists = check_header(a->path, msg, sizeof(msg));
    if (exists < 0) {
        snprintf(err, errlen, "%s", msg);
        aw_error(a, "%s", msg);
        return -2;
    }
    int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(a->path, &a->db, flags, NULL);
    if (rc != SQLITE_OK) {
        db_failed(a, rc, _("open"));
        close_db(a);
        return -1;
    }
    sqlite3_busy_timeout(a->db, 250);
    int ok = check_db(a->db, a->path, &a->schema, msg, sizeof(msg));
    if (ok == -1) {
        snprintf(err, errlen, "%s", msg);
        aw_error(a, "%s", msg);
        close_db(a);
        return -2;
    }
    if (ok == -2) {
        aw_error(a, "%s", msg);
        close_db(a);
        return -1;
    }
    const char *step = _("set up WAL mode");
    rc =
        sqlite3_exec(a->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    if (rc == SQLITE_OK && ok == 0) {
        step = _("create the schema");
        char sql[sizeof(schema_sql) + 160];
        snprintf(sql, sizeof(sql),
                 "BEGIN IMMEDIATE;%sPRAGMA application_id=%d;"
                 "PRAGMA user_version=%d;COMMIT;",
                 schema_sql, ARCHIVE_APP_ID, ARCHIVE_SCHEMA);
        rc = sqlite3_exec(a->db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK && !sqlite3_get_autocommit(a->db))
            sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
        a->schema = ARCHIVE_SCHEMA;
    }
    if (rc == SQLITE_OK && a->schema < ARCHIVE_SCHEMA) {
        step = _("convert the archive to blocks");
        rc = aw_migrate(a);
    }
    if (rc == SQLITE_OK) {
        step = _("create the schema");
        rc = sqlite3_exec(a->db, not_running_sql, NULL, NULL, NULL);
    }
    for (int i = 0; rc == SQLITE_OK && i < ST_COUNT; i++) {
        step = _("prepare statements");
        rc = sqlite3_prepare_v3(a->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &a->st[i], NULL);
    }
    if (rc != SQLITE_OK) {
        db_failed(a, rc, step);
        close_db(a);
        return -1;
    }
    /* Row ids are looked up again on this connection (the file may be new),
     * and the open blocks read again from its tail. */
    for (size_t i = 0; i < a->n_ws; i++)
        a->ws[i].id = 0;
    for (size_t i = 0; i < a->n_wf; i++)
        a->wf[i].id = 0;
    aw_forget_open(a);
    return 0;
}

/* Allocates an Archive for path with options o. */
static Archive *archive_alloc(const char *path, const ArchiveOptions *o, char *err, size_t errlen)
{
    Archive *a = calloc(1, sizeof(*a));
    if (!a || !path || !*path || !(a->path = strdup(path))) {
        snprintf(err, errlen, "%s",
                 path && *path ? _("out of memory") : _("no archive path given"));
        free(a);
        return NULL;
    }
    a->lock_fd = -1;
    if (o) a->opt = *o;
    for (int i = 0; i < 3; i++)
        if (a->opt.retention_ms[i] <= 0) a->opt.retention_ms[i] = default_retention[i];
    if (!a->opt.max_buffer) a->opt.max_buffer = DEFAULT_BUFFER;
    if (!a->opt.prune_rows) a->opt.prune_rows = DEFAULT_PRUNE;
    return a;
}

Archive *archive_open(const char *path, const ArchiveOptions *o, char *err, size_t errlen)
{
    Archive *a = archive_alloc(path, o, err, errlen);
    if (!a) return NULL;
    if (writer_open(a, err, errlen) == -2) {
        archive_close(a);
        return NULL;
    }
    a->threaded = a->opt.thread && !a->locked_out;
    ar_set_error(a, "%s", a->werror);
    return a;
}

/* A "file:" URI of path that opens it immutable (characters other than
 * letters, digits and / . _ ~ - percent-encoded); NULL when out of memory. */
static char *immutable_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(path);
    char *uri = malloc(len * 3 + sizeof("file:?immutable=1"));
    if (!uri) return NULL;
    char *o = uri;
    memcpy(o, "file:", 5);
    o += 5;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/._~-", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    memcpy(o, "?immutable=1", sizeof("?immutable=1"));
    return uri;
}

/* True when the write-ahead log of path holds frames (a file "<path>-wal"
 * that is not empty): they are only read through the shared-memory index. */
static bool wal_waiting(const char *path)
{
    size_t n = strlen(path) + 5;
    char *wal = malloc(n);
    if (!wal) return true;
    snprintf(wal, n, "%s-wal", path);
    struct stat st;
    bool waiting = stat(wal, &st) == 0 && st.st_size > 0;
    free(wal);
    return waiting;
}

/* Opens path read-only as a's connection and checks it (check_db()'s
 * result, err set unless 1). A WAL archive needs its shared-memory file
 * "<path>-shm"; when that cannot be created or written (a read-only folder or
 * mount, a user who may only read) and no write-ahead log is waiting, the
 * file is opened immutable instead: no writer can be running then, since a
 * writer creates the -shm file. */
static int open_read_only(Archive *a, const char *path, char *err, size_t errlen)
{
    int rc = sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, _("archive %s: cannot open: %s"), path,
                 a->db ? sqlite3_errmsg(a->db) : sqlite3_errstr(rc));
        return -2;
    }
    sqlite3_busy_timeout(a->db, 2000);
    int ok = check_db(a->db, path, &a->schema, err, errlen);
    int base = sqlite3_errcode(a->db) & 0xff;
    if (ok != -2 || (base != SQLITE_READONLY && base != SQLITE_CANTOPEN)) return ok;
    if (wal_waiting(path)) {
        snprintf(err, errlen,
                 _("archive %s: cannot read it without write access to its folder: its "
                   "write-ahead log (%s-wal) needs %s-shm; open it once with write access "
                   "(ioc run, or sqlite3) to fold the log into the file"),
                 path, path, path);
        return -2;
    }
    close_db(a);
    char *uri = immutable_uri(path);
    if (!uri) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -2;
    }
    rc = sqlite3_open_v2(uri, &a->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, _("archive %s: cannot open: %s"), path,
                 a->db ? sqlite3_errmsg(a->db) : sqlite3_errstr(rc));
        return -2;
    }
    return check_db(a->db, path, &a->schema, err, errlen);
}

Archive *archive_open_reader(const char *path, char *err, size_t errlen)
{
    Archive *a = archive_alloc(path, NULL, err, errlen);
    if (!a) return NULL;
    a->reader = true;
    int exists = check_header(path, err, errlen);
    if (exists == 0)
        snprintf(err, errlen,
                 _("no archive at %s (ioc console or ioc run writes it; see ioc.archive)"), path);
    if (exists != 1) goto fail;
    int ok = open_read_only(a, path, err, errlen);
    if (ok == 0) snprintf(err, errlen, _("archive %s holds no data yet"), path);
    if (ok != 1) goto fail;
    return a;
fail:
    archive_close(a);
    return NULL;
}

static int flush_now(Archive *a, ArBatch *b);
static void *writer_main(void *arg);

/* Moves the front's error text and counters from the writer (thread mode:
 * what it published); the owner's thread. */
static void take_status(Archive *a)
{
    if (!a->threaded) {
        ar_set_error(a, "%s", a->werror);
        return;
    }
    char e[sizeof(a->pub_error)];
    pthread_mutex_lock(&a->mu);
    memcpy(e, a->pub_error, sizeof(e));
    pthread_mutex_unlock(&a->mu);
    if (a->behind && !e[0])
        ar_set_error(a,
                     _("archive %s: writing is slower than polling; dropping the oldest "
                       "samples"),
                     a->path);
    else
        ar_set_error(a, "%s", e);
}

/* Publishes the writer's error text and counters (thread mode: under mu). */
static void publish(Archive *a)
{
    if (!a->threaded) return;
    pthread_mutex_lock(&a->mu);
    memcpy(a->pub_error, a->werror, sizeof(a->pub_error));
    a->pub_stats = a->wstats;
    pthread_mutex_unlock(&a->mu);
}

/* Hands the front's buffer to the writer thread as one batch (starting the
 * thread on the first call). False when the queue is full: the buffer stays
 * (bounded; its oldest samples go first). */
static bool hand_over(Archive *a, int64_t now_ms, bool last)
{
    if (!a->thread_running) {
        if (pthread_mutex_init(&a->mu, NULL) != 0) return false;
        if (pthread_cond_init(&a->cv, NULL) != 0) {
            pthread_mutex_destroy(&a->mu);
            return false;
        }
        a->thread_running = true;
        if (pthread_create(&a->thread, NULL, writer_main, a) != 0) {
            a->thread_running = false;
            pthread_cond_destroy(&a->cv);
            pthread_mutex_destroy(&a->mu);
            return false;
        }
    }
    ArBatch *b = malloc(sizeof(*b));
    pthread_mutex_lock(&a->mu);
    bool room = b && (last || a->q_len < 2);
    if (room) {
        *b = a->buf;
        b->now_ms = now_ms;
        b->last = last;
        b->next = NULL;
        if (a->q_tail)
            a->q_tail->next = b;
        else
            a->q_head = b;
        a->q_tail = b;
        a->q_len++;
        a->q_samples += b->s_len;
        if (last) a->stop = true;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    if (!room) {
        free(b);
        return false;
    }
    memset(&a->buf, 0, sizeof(a->buf));
    return true;
}

/* The writer thread: writes the queued batches in order; a batch that fails
 * stays first and is tried again a second later (or when the next comes). */
static void *writer_main(void *arg)
{
    Archive *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->q_head && !a->stop)
            pthread_cond_wait(&a->cv, &a->mu);
        ArBatch *b = a->q_head;
        if (!b) break;        /* stopped, nothing left */
        size_t ns = b->s_len; /* a successful write empties the batch */
        pthread_mutex_unlock(&a->mu);
        int rc = flush_now(a, b);
        pthread_mutex_lock(&a->mu);
        memcpy(a->pub_error, a->werror, sizeof(a->pub_error));
        a->pub_stats = a->wstats;
        a->tries++;
        a->last_rc = rc;
        pthread_cond_broadcast(&a->cv); /* archive_wait() */
        bool final = b->last || a->stop;
        if (rc == 0 || final) {
            if (rc != 0) a->pub_stats.dropped += b->s_len; /* the last try failed */
            a->q_head = b->next;
            if (!a->q_head) a->q_tail = NULL;
            a->q_len--;
            a->q_samples -= ns;
            ar_batch_done(b);
            free(b);
            if (rc != 0) a->wstats.dropped = a->pub_stats.dropped;
            continue;
        }
        /* Failed: wait a second, or for the next batch to be merged behind. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&a->cv, &a->mu, &until);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

void archive_wait(Archive *a)
{
    if (!a || !a->threaded || !a->thread_running) return;
    pthread_mutex_lock(&a->mu);
    unsigned long start = a->tries;
    while (a->q_head && !(a->tries > start && a->last_rc != 0))
        pthread_cond_wait(&a->cv, &a->mu);
    pthread_mutex_unlock(&a->mu);
    take_status(a);
}

void archive_close(Archive *a)
{
    if (!a) return;
    if (!a->reader && !a->locked_out) {
        if (a->threaded) {
            hand_over(a, 0, true);
            if (a->thread_running) {
                pthread_join(a->thread, NULL);
                a->thread_running = false;
                pthread_cond_destroy(&a->cv);
                pthread_mutex_destroy(&a->mu);
            }
        } else {
            a->buf.last = true;
            a->buf.now_ms = 0;
            flush_now(a, &a->buf);
        }
    }
    for (ArBatch *b = a->q_head, *nx; b; b = nx) {
        nx = b->next;
        ar_batch_done(b);
        free(b);
    }
    close_db(a);
    if (a->rdb) sqlite3_close(a->rdb);
    ar_tail_free(&a->tail);
    if (a->lock_fd >= 0) close(a->lock_fd); /* releases the lock */
    for (size_t i = 0; i < a->n_series; i++)
        free(a->series[i].name);
    for (size_t i = 0; i < a->n_feeds; i++)
        free(a->feeds[i].name);
    ar_batch_done(&a->buf);
    aw_free(a);
    free(a->series);
    free(a->feeds);
    free(a->kpi_series);
    free(a->feed_idx);
    free(a->path);
    free(a);
}

const char *archive_path(const Archive *a)
{
    return a->path;
}

bool archive_writer(const Archive *a)
{
    return a && !a->reader && !a->locked_out;
}

const char *archive_error(const Archive *a)
{
    return a ? a->error : "";
}

unsigned archive_error_seq(const Archive *a)
{
    return a ? a->error_seq : 0;
}

const char *archive_notice(const Archive *a)
{
    return a ? a->notice : "";
}

struct sqlite3 *archive_handle(Archive *a)
{
    return a->db;
}

sqlite3 *ar_rdb(Archive *a)
{
    if (!a->thread_running) return a->db;
    if (!a->rdb && sqlite3_open_v2(a->path, &a->rdb, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(a->rdb);
        a->rdb = NULL;
    }
    if (a->rdb) sqlite3_busy_timeout(a->rdb, 2000);
    return a->rdb;
}

void archive_stats(const Archive *a, ArchiveStats *out)
{
    Archive *m = (Archive *)a; /* the mutex only */
    if (a->threaded && a->thread_running) {
        pthread_mutex_lock(&m->mu);
        *out = a->pub_stats;
        out->pending = a->buf.s_len + a->q_samples;
        pthread_mutex_unlock(&m->mu);
    } else {
        *out = a->wstats;
        out->pending = a->buf.s_len;
    }
    out->dropped += a->dropped;
}

/* Binds text or NULL. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

int ar_run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

int64_t ar_floor(int64_t ts, int64_t w)
{
    int64_t b = ts / w * w;
    return b > ts ? b - w : b;
}

/* Takes the new names of batch b into the writer's series and feeds (a name
 * already there, from an earlier try of the same batch, is skipped). false
 * when out of memory. */
static bool take_names(Archive *a, const ArBatch *b)
{
    for (size_t i = 0; i < b->n_snames; i++) {
        size_t idx = b->sname_base + i;
        if (idx < a->n_smap) continue;
        int w = -1;
        for (size_t k = 0; k < a->n_ws && w < 0; k++) /* a series the tail brought */
            if (a->ws[k].name && strcmp(a->ws[k].name, b->snames[i]) == 0) w = (int)k;
        if (w < 0) {
            if (a->n_ws == a->cap_ws) {
                size_t nc = a->cap_ws ? a->cap_ws * 2 : 64;
                ArWSeries *nw = realloc(a->ws, nc * sizeof(*nw));
                if (!nw) return false;
                a->ws = nw;
                a->cap_ws = nc;
            }
            char *name = strdup(b->snames[i]);
            if (!name) return false;
            a->ws[a->n_ws] = (ArWSeries){.name = name};
            w = (int)a->n_ws++;
        }
        int *nm = realloc(a->smap, (idx + 1) * sizeof(*nm));
        if (!nm) return false;
        a->smap = nm;
        a->smap[idx] = w;
        a->n_smap = idx + 1;
    }
    for (size_t i = 0; i < b->n_fnames; i++) {
        size_t idx = b->fname_base + i;
        if (idx < a->n_wf) continue;
        if (a->n_wf == a->cap_wf) {
            size_t nc = a->cap_wf ? a->cap_wf * 2 : 16;
            ArWFeed *nf = realloc(a->wf, nc * sizeof(*nf));
            if (!nf) return false;
            a->wf = nf;
            a->cap_wf = nc;
        }
        char *name = strdup(b->fnames[i]);
        if (!name) return false;
        a->wf[a->n_wf++] = (ArWFeed){.name = name};
    }
    return true;
}

/* Gives a row id in table to the name at each stride-spaced entry of base
 * (its first member a char *name, then a sqlite3_int64 id). SQLite code. */
static int resolve(Archive *a, void *base, size_t n, size_t stride, const char *table)
{
    char sql[80];
    snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO %s(%s) VALUES(?1)", table,
             strcmp(table, "series") == 0 ? "key" : "name");
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_OK;
    for (size_t i = 0; i < n; i++) {
        char *e = (char *)base + i * stride;
        const char *name = *(char **)e;
        sqlite3_int64 *id = (sqlite3_int64 *)(e + sizeof(char *));
        if (*id || !name) continue;
        if (!st && (rc = sqlite3_prepare_v2(a->db, sql, -1, &st, NULL)) != SQLITE_OK) break;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = ar_run(st);
        if (rc != SQLITE_DONE) break;
        rc = SQLITE_OK;
        *id = ar_lookup(a->db, table, name);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Writes one poll (count and, when changed, the state). SQLite code. */
static int write_poll(Archive *a, const ArPoll *p)
{
    sqlite3_int64 id = a->wf[p->feed].id;
    int rc = SQLITE_DONE;
    if (p->counted) {
        sqlite3_stmt *st = a->st[ST_POLL];
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, ar_floor(p->ts, 60000));
        sqlite3_bind_int(st, 3, p->up ? 0 : 1);
        sqlite3_bind_int64(st, 4, p->ts);
        rc = ar_run(st);
    }
    if (rc == SQLITE_DONE && p->changed) {
        sqlite3_stmt *st = a->st[ST_STATE];
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, p->ts);
        bind_text(st, 3, p->state < 0 ? "stopped" : feedstate_name((FeedStateKind)p->state));
        bind_text(st, 4, p->error[0] ? p->error : NULL);
        sqlite3_bind_int64(st, 5, p->latency_ms);
        sqlite3_bind_int(st, 6, p->http_status);
        rc = ar_run(st);
    }
    return rc;
}

/* Writes the start of this run: the time since the archive's newest entry
 * as a period when ioc was not running, and "stopped" for the feeds of a run
 * that was killed (see archive_record_start()). SQLite code. */
static int write_start(Archive *a, int64_t start_ms)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(a->db, newest_sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(st);
    bool known = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    int64_t last = known ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
    if (!known || last >= start_ms) return SQLITE_DONE; /* a new archive, or the clock */
    rc = sqlite3_prepare_v2(a->db, unclean_stop_sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(st, 1, last);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return rc;
    bool clean = sqlite3_changes(a->db) == 0;
    if (clean && start_ms - last < 1000) return SQLITE_DONE; /* a reload (SIGHUP) */
    rc = sqlite3_prepare_v2(
        a->db, "INSERT OR REPLACE INTO not_running(ts,until_ts,clean) VALUES(?1,?2,?3)", -1, &st,
        NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(st, 1, last);
    sqlite3_bind_int64(st, 2, start_ms);
    sqlite3_bind_int(st, 3, clean);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

/* Writes one alert event. SQLite code. */
static int write_event(Archive *a, const ArchiveEvent *e)
{
    sqlite3_stmt *st = a->st[ST_EVENT];
    sqlite3_bind_int64(st, 1, e->ts_ms);
    bind_text(st, 2, e->event);
    bind_text(st, 3, e->rule);
    bind_text(st, 4, e->kpi);
    bind_text(st, 5, e->feed);
    bind_text(st, 6, e->severity >= 0 ? cfg_severity_name((Severity)e->severity) : NULL);
    if (e->has_value && isfinite(e->value)) sqlite3_bind_double(st, 7, e->value);
    if (e->has_change && isfinite(e->change)) sqlite3_bind_double(st, 8, e->change);
    bind_text(st, 9, e->from);
    bind_text(st, 10, e->to);
    bind_text(st, 11, e->state);
    if (e->silence_id) sqlite3_bind_int64(st, 12, e->silence_id);
    bind_text(st, 13, e->target);
    if (e->until_ms) sqlite3_bind_int64(st, 14, e->until_ms);
    if (e->target) sqlite3_bind_int(st, 15, e->expired);
    bind_text(st, 16, e->who);
    bind_text(st, 17, e->comment);
    if (e->rule) sqlite3_bind_int(st, 18, e->silenced);
    bind_text(st, 19, e->acked_by);
    bind_text(st, 20, e->summary);
    if (e->fired_ms) sqlite3_bind_int64(st, 21, e->fired_ms);
    return ar_run(st);
}

/* Deletes up to a->opt.prune_rows rows past retention, a few index seeks at a time. */
static int prune(Archive *a, int64_t now_ms)
{
    static const int key_kind[5] = {0, 0, 0, 1, 1}; /* 0 series, 1 feed */
    static const int retention_of[6] = {0, 1, 2, 1, 2, 2};
    int64_t budget = (int64_t)a->opt.prune_rows;
    if (a->prune_table == 0 && a->prune_id == 0 && now_ms < a->prune_next) return SQLITE_DONE;
    for (int steps = 0; budget > 0 && steps < PRUNE_STEPS; steps++) {
        int t = a->prune_table;
        int64_t cutoff = now_ms - a->opt.retention_ms[retention_of[t]];
        if (t == 5) {
            sqlite3_stmt *st = a->st[ST_PRUNE_EVENT];
            sqlite3_bind_int64(st, 1, cutoff);
            sqlite3_bind_int64(st, 2, budget);
            int rc = ar_run(st);
            if (rc != SQLITE_DONE) return rc;
            int n = sqlite3_changes(a->db);
            a->wstats.pruned += (uint64_t)n;
            if (n < budget) {
                sqlite3_stmt *ps = a->st[ST_PRUNE_STOPS]; /* a few rows: one per start */
                sqlite3_bind_int64(ps, 1, cutoff);
                rc = ar_run(ps);
                if (rc != SQLITE_DONE) return rc;
                a->wstats.pruned += (uint64_t)sqlite3_changes(a->db);
                a->prune_table = 0; /* a whole pass done: the next in a minute */
                a->prune_id = 0;
                a->prune_next = now_ms + 60000;
                break;
            }
            budget -= n;
            continue;
        }
        sqlite3_stmt *nx = a->st[key_kind[t] ? ST_NEXT_FEED : ST_NEXT_SERIES];
        sqlite3_bind_int64(nx, 1, a->prune_id);
        int rc = sqlite3_step(nx);
        sqlite3_int64 id = rc == SQLITE_ROW ? sqlite3_column_int64(nx, 0) : 0;
        sqlite3_reset(nx);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
        if (!id) {
            a->prune_table++;
            a->prune_id = 0;
            continue;
        }
        sqlite3_stmt *st = a->st[ST_PRUNE_RAW + t];
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, cutoff);
        sqlite3_bind_int64(st, 3, budget);
        rc = ar_run(st);
        if (rc != SQLITE_DONE) return rc;
        int n = sqlite3_changes(a->db);
        a->wstats.pruned += (uint64_t)n;
        budget -= n;
        a->prune_id = budget > 0 ? id : id - 1; /* budget spent: this key may have more */
    }
    return SQLITE_DONE;
}

/* Writes batch b in one transaction (the writer side: the owner's thread,
 * or the writer thread), then prunes. 0, or -1 with the writer's error set
 * (b is kept for the next try; the open blocks are read again from the tail). */
static int flush_now(Archive *a, ArBatch *b)
{
    if (a->reader || a->locked_out) return 0;
    if (!take_names(a, b)) {
        aw_error(a, "%s", _("out of memory"));
        a->wstats.failures++;
        publish(a);
        return -1;
    }
    if (!a->db) {
        char err[8];
        if (writer_open(a, err, sizeof(err)) != 0 || !a->db) {
            a->wstats.failures++;
            publish(a);
            return -1;
        }
        if (a->locked_out) return 0;
    }
    int rc = SQLITE_OK;
    bool due = b->last || (a->next_due && b->now_ms >= a->next_due) || !a->replayed;
    if (b->s_len || b->p_len || b->e_len || b->start_pending || due) {
        rc = resolve(a, a->ws, a->n_ws, sizeof(ArWSeries), "series");
        if (rc == SQLITE_OK) rc = resolve(a, a->wf, a->n_wf, sizeof(ArWFeed), "feed");
        if (rc != SQLITE_OK) goto fail;
        rc = sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc != SQLITE_OK) goto fail;
        rc = b->start_pending ? write_start(a, b->start_ms) : SQLITE_DONE;
        if (rc == SQLITE_DONE && !a->replayed) rc = aw_replay(a);
        if (rc == SQLITE_DONE) rc = aw_write_samples(a, b);
        for (size_t i = 0; i < b->p_len && rc == SQLITE_DONE; i++)
            rc = write_poll(a, &b->polls[(b->p_head + i) % b->p_cap]);
        for (size_t i = 0; i < b->e_len && rc == SQLITE_DONE; i++)
            rc = write_event(a, &b->events[(b->e_head + i) % b->e_cap]);
        if (rc != SQLITE_DONE) goto fail;
        rc = sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
        if (rc != SQLITE_OK) goto fail;
        a->wstats.written += b->s_len;
        b->start_pending = false;
        b->s_head = b->s_len = 0;
        b->p_head = b->p_len = 0;
        for (size_t i = 0; i < b->e_len; i++)
            ar_event_done(&b->events[(b->e_head + i) % b->e_cap]);
        b->e_head = b->e_len = 0;
    }
    if (!b->last) {
        rc = prune(a, b->now_ms);
        if (rc != SQLITE_DONE) goto fail;
    }
    a->wstats.flushes++;
    if (b->now_ms > 0) a->wstats.last_flush_ms = b->now_ms;
    aw_error(a, "%s", "");
    publish(a);
    return 0;
fail:
    if (a->db && !sqlite3_get_autocommit(a->db)) sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
    aw_forget_open(a);
    a->wstats.failures++;
    db_failed(a, rc, _("write"));
    publish(a);
    return -1;
}

int archive_flush(Archive *a, int64_t now_ms)
{
    if (!a || a->reader || a->locked_out) return 0;
    if (a->threaded) {
        a->behind = !hand_over(a, now_ms, false);
        take_status(a);
        return a->behind || a->error[0] ? -1 : 0;
    }
    a->buf.now_ms = now_ms;
    a->buf.last = false;
    int rc = flush_now(a, &a->buf);
    if (rc == 0) { /* the names went over with the batch */
        ArBatch *b = &a->buf;
        for (size_t i = 0; i < b->n_snames; i++)
            free(b->snames[i]);
        for (size_t i = 0; i < b->n_fnames; i++)
            free(b->fnames[i]);
        b->n_snames = b->n_fnames = 0;
    }
    take_status(a);
    return rc;
}
