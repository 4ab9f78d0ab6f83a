/* apireq.h - pure parsing for the HTTP API (docs/api.md): the request target
 * (path segments and query, percent-decoded, path tricks refused), JSON
 * bodies of acks and silences, times, bearer tokens compared in constant
 * time. No I/O, no clock, no global state: the fuzzed surface of the server.
 *
 * Everything parsed is copied into the caller's structs (fixed sizes); the
 * functions never keep pointers to their input. */
#ifndef IOC_APIREQ_H
#define IOC_APIREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/alert.h"

#define APIREQ_URI_MAX    2048 /* longest request target accepted */
#define APIREQ_MAX_SEGS   8    /* path segments */
#define APIREQ_MAX_PARAMS 16   /* query parameters */

/* A parsed request target. seg[] and key[]/val[] point into buf. */
typedef struct {
    char buf[APIREQ_URI_MAX + APIREQ_MAX_SEGS + 2 * APIREQ_MAX_PARAMS + 2];
    const char *seg[APIREQ_MAX_SEGS]; /* decoded path segments ("" for an empty one) */
    size_t n_segs;                    /* "/" has none */
    const char *key[APIREQ_MAX_PARAMS], *val[APIREQ_MAX_PARAMS]; /* decoded ("" without '=') */
    size_t n_params;
} ApiTarget;

/* Outcome of apireq_parse_target(). */
typedef enum {
    APIREQ_OK = 0,
    APIREQ_BAD = -1,     /* malformed: 400 */
    APIREQ_TOO_LONG = -2 /* longer than APIREQ_URI_MAX, or too many segments/params: 414 */
} ApiReqRc;

/* Parses an origin-form request target "/a/b?k=v&x" into t: segments are
 * percent-decoded one by one, so "%2F" never splits a segment. Refused (with
 * a message in err): a target not starting with '/', bad escapes, "." and
 * ".." segments (written or escaped), NUL or control characters after
 * decoding, a '/' inside a decoded segment, a '#', invalid UTF-8, a query
 * key given twice. */
ApiReqRc apireq_parse_target(const char *uri, ApiTarget *t, char *err, size_t errlen);

/* The decoded value of query parameter key, or NULL when absent. */
const char *apireq_param(const ApiTarget *t, const char *key);

/* Decodes %XX escapes of s[0..n) (and '+' as a space when plus) into out
 * (at least n + 1 bytes); returns the decoded length, or -1 on a bad escape. */
long apireq_pct_decode(const char *s, size_t n, bool plus, char *out);

/* True when s[0..n) is valid UTF-8 without control characters (C0, DEL). */
bool apireq_text_ok(const char *s, size_t n);

/* Body of POST /api/v1/alerts/{rule}/ack. */
typedef struct {
    char comment[ALERT_COMMENT_MAX]; /* "" when none */
} ApiAckReq;

/* Body of POST /api/v1/silences. */
typedef struct {
    char target[ALERT_TARGET_MAX];
    int64_t duration_ms; /* > 0, at most APIREQ_SILENCE_MAX_MS */
    char comment[ALERT_COMMENT_MAX];
} ApiSilenceReq;

#define APIREQ_SILENCE_MAX_MS (30LL * 86400000) /* 30 days */

/* Parses an ack body: empty, or a JSON object with an optional string
 * "comment". 0, or -1 with a message (bad JSON, unknown key, too long). */
int apireq_parse_ack(const char *body, size_t len, ApiAckReq *out, char *err, size_t errlen);

/* Parses a silence body: a JSON object with "target" and "duration"
 * (strings, required) and "comment" (optional). 0, or -1 with a message. */
int apireq_parse_silence(const char *body, size_t len, ApiSilenceReq *out, char *err,
                         size_t errlen);

/* Parses a time: unix seconds ("1764070205", "1764070205.5") or RFC 3339
 * ("2026-11-25T18:30:05+07:00", "...Z", fractions allowed) into ms since the
 * epoch. False when malformed or out of range (years 1970..9999). */
bool apireq_parse_time(const char *s, int64_t *ms);

/* Parses a silence id (a decimal number from 1 to UINT_MAX). */
bool apireq_parse_id(const char *s, unsigned *id);

/* Finds the token of an Authorization header "Bearer TOKEN" (scheme case
 * insensitive, token68 characters); false when absent or malformed. */
bool apireq_bearer(const char *header, const char **tok, size_t *len);

/* True when a[0..alen) equals b[0..blen); the time taken depends only on
 * blen (the configured token), never on where the texts differ. */
bool apireq_token_eq(const char *a, size_t alen, const char *b, size_t blen);

/* The user whose token is tok[0..len), checking every user (constant time
 * per user); NULL when none. */
const CfgHttpUser *apireq_find_user(const CfgHttpUser *users, size_t n, const char *tok,
                                    size_t len);

#endif
