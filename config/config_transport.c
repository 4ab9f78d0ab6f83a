/* config_transport.c - how a feed is fetched: auth, TLS, size and redirect
 * limits, the redirect and link-local policies, the slow threshold, and local
 * files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_internal.h"
#include "base/i18n.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Largest max_body accepted: a KPI feed is never this big. */
#define CFG_MAX_BODY_LIMIT (256LL * 1024 * 1024)

static const char *const auth_keys[] = {"bearer", "user", "password"};
static const char *const tls_keys[] = {"ca_file", "cert", "key", "insecure"};
/* In the order of FollowRedirects. */
static const char *const follow_names[] = {"same-origin", "none", "any"};

/* Reads a size such as 4MiB, 512KiB or 100000 (bytes) into *out. */
static bool ld_size(Ld *ld, const YNode *v, const char *key, int64_t *out)
{
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected a size such as 4MiB for '%s', got %s"), key,
               ld_kind(v));
        return false;
    }
    const char *s = v->str;
    char *end = NULL;
    long long n = (s[0] >= '0' && s[0] <= '9') ? strtoll(s, &end, 10) : -1;
    long long mult = 0;
    if (end && *end == '\0')
        mult = 1;
    else if (end && strcmp(end, "KiB") == 0)
        mult = 1024;
    else if (end && strcmp(end, "MiB") == 0)
        mult = 1024 * 1024;
    if (n <= 0 || mult == 0 || n > CFG_MAX_BODY_LIMIT / mult) {
        ld_err(ld, v->line, v->col,
               _("'%s' must be a size from 1 byte to 256MiB, written like 4MiB, 512KiB or "
                 "100000"),
               key);
        return false;
    }
    *out = n * mult;
    return true;
}

/* Expands a secret-bearing value; warns when it is written in the file
 * itself rather than taken from the environment. */
static bool ld_secret(Ld *ld, const YNode *v, const char *key, char **out)
{
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected text for '%s', got %s"), key, ld_kind(v));
        return false;
    }
    if (!strstr(v->str, "${"))
        ld_warn(ld, v->line, v->col,
                _("'%s' is written in the config; prefer an environment variable: \"${NAME}\""),
                key);
    return ld_expand(ld, v, out);
}

/* Loads auth: {bearer} or {user, password}. */
static void load_auth(Ld *ld, const YNode *a, CfgFeed *f)
{
    if (!ld_expect(ld, a, YNODE_MAP, _("a mapping with bearer, or user and password"))) return;
    ld_check_keys(ld, a, auth_keys, N_OF(auth_keys), _("in auth"));
    const YNode *b = ld_get(ld, a, "bearer", false, "");
    const YNode *u = ld_get(ld, a, "user", false, "");
    const YNode *p = ld_get(ld, a, "password", false, "");
    if (b && (u || p)) {
        ld_err(ld, a->line, a->col, "%s",
               _("auth takes either 'bearer' or 'user' and 'password', not both"));
        return;
    }
    if (p && !u) ld_err(ld, p->line, p->col, "%s", _("'password' needs a 'user'"));
    if (b) ld_secret(ld, b, "bearer", &f->auth_bearer);
    if (u && u->kind == YNODE_SCALAR)
        ld_expand(ld, u, &f->auth_user);
    else if (u)
        ld_err(ld, u->line, u->col, _("expected text for 'user', got %s"), ld_kind(u));
    if (p) ld_secret(ld, p, "password", &f->auth_password);
}

/* Reads a file path for a TLS key and checks that the file can be read. */
static void load_tls_file(Ld *ld, const YNode *t, const char *key, char **out)
{
    const YNode *v = ld_get(ld, t, key, false, "");
    if (!v) return;
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected a file path for '%s', got %s"), key, ld_kind(v));
        return;
    }
    if (access(v->str, R_OK) != 0)
        ld_err(ld, v->line, v->col, _("cannot read the file '%.200s' given as '%s'"), v->str, key);
    *out = ld_strdup(ld, v, v->str);
}

/* Loads tls: {ca_file, cert, key, insecure}. */
static void load_tls(Ld *ld, const YNode *t, CfgFeed *f)
{
    if (!ld_expect(ld, t, YNODE_MAP, _("a mapping with ca_file, cert, key or insecure"))) return;
    ld_check_keys(ld, t, tls_keys, N_OF(tls_keys), _("in tls"));
    load_tls_file(ld, t, "ca_file", &f->ca_file);
    load_tls_file(ld, t, "cert", &f->cert_file);
    load_tls_file(ld, t, "key", &f->key_file);
    const YNode *k = ld_get(ld, t, "key", false, "");
    if (k && !ld_get(ld, t, "cert", false, ""))
        ld_err(ld, k->line, k->col, "%s", _("'key' needs a 'cert'"));
    const YNode *v = ld_get(ld, t, "insecure", false, "");
    if (v && ld_bool(ld, v, "insecure", &f->insecure) && f->insecure)
        ld_warn(ld, v->line, v->col,
                _("TLS certificate checks are off for feed '%s' (insecure: true): anyone on "
                  "the path can forge its data"),
                f->id ? f->id : "?");
}

void cfg_load_transport(Ld *ld, const YNode *m, CfgFeed *f)
{
    const YNode *v;
    f->max_body = 0;
    f->max_redirects = 3;
    if ((v = ld_get(ld, m, "auth", false, ""))) load_auth(ld, v, f);
    if ((v = ld_get(ld, m, "tls", false, ""))) load_tls(ld, v, f);
    if ((v = ld_get(ld, m, "max_body", false, ""))) ld_size(ld, v, "max_body", &f->max_body);
    if ((v = ld_get(ld, m, "max_redirects", false, "")))
        ld_int(ld, v, "max_redirects", 0, 20, &f->max_redirects);
    size_t idx;
    f->follow_redirects = FOLLOW_SAME_ORIGIN;
    if ((v = ld_get(ld, m, "follow_redirects", false, "")) &&
        ld_choice(ld, v, "follow_redirects", follow_names, N_OF(follow_names),
                  _("same-origin, none or any"), &idx))
        f->follow_redirects = (FollowRedirects)idx;
    if ((v = ld_get(ld, m, "allow_link_local", false, "")))
        ld_bool(ld, v, "allow_link_local", &f->allow_link_local);
    if ((v = ld_get(ld, m, "slow", false, ""))) {
        if (ld_duration(ld, v, "slow", &f->slow_ms) && f->slow_ms >= f->timeout_ms) {
            char a[32], b[32];
            ld_fmt_duration(f->slow_ms, a, sizeof(a));
            ld_fmt_duration(f->timeout_ms, b, sizeof(b));
            ld_err(ld, v->line, v->col, _("slow %s must be shorter than the timeout %s"), a, b);
        }
    } else {
        f->slow_ms = f->timeout_ms / 2;
    }
}

bool cfg_load_allow_file(Ld *ld, const YNode *m, CfgFeed *f)
{
    const YNode *v = ld_get(ld, m, "allow_file", false, "");
    if (v) ld_bool(ld, v, "allow_file", &f->allow_file);
    return f->allow_file;
}
