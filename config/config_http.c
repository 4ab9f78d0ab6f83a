/* config_http.c - ioc.http: the API server of "ioc run" (listen address,
 * users with bearer tokens taken only from the environment, TLS, limits). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "base/i18n.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const http_keys[] = {"listen", "users",           "metrics_auth",
                                        "tls",    "max_connections", "max_body"};
static const char *const user_keys[] = {"name", "role", "token"};
static const char *const tls_keys[] = {"cert", "key"};
/* In the order of HttpRole, from HTTP_ROLE_VIEWER. */
static const char *const role_names[] = {"viewer", "operator", "admin"};

const char *cfg_role_name(HttpRole r)
{
    return r >= HTTP_ROLE_VIEWER && r <= HTTP_ROLE_ADMIN ? role_names[r - 1] : "none";
}

bool cfg_parse_listen(const char *s, CfgHttp *h, char *err, size_t errlen)
{
    const char *colon;
    char host[64];
    size_t hl;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') {
            snprintf(err, errlen, "%s", _("an IPv6 address is written [::1]:9464"));
            return false;
        }
        hl = (size_t)(close - s - 1);
        if (hl == 0 || hl >= sizeof(host)) {
            snprintf(err, errlen, "%s", _("the IPv6 address is empty or too long"));
            return false;
        }
        memcpy(host, s + 1, hl);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || colon == s) {
            snprintf(err, errlen, "%s", _("expected host:port, such as 127.0.0.1:9464"));
            return false;
        }
        hl = (size_t)(colon - s);
        if (hl >= sizeof(host) || memchr(s, ':', hl)) {
            snprintf(err, errlen, "%s",
                     _("the host is too long, or an IPv6 address without [brackets]"));
            return false;
        }
        memcpy(host, s, hl);
    }
    host[hl] = '\0';
    const char *p = colon + 1;
    long port = 0;
    if (!*p || strlen(p) > 5) goto bad_port;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') goto bad_port;
        port = port * 10 + (*p - '0');
    }
    if (port > 65535) goto bad_port;
    unsigned char addr[16];
    bool v6 = s[0] == '[';
    if (!v6 && strcmp(host, "localhost") == 0) {
        snprintf(host, sizeof(host), "127.0.0.1");
    } else if (inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) != 1) {
        snprintf(err, errlen,
                 v6 ? _("'%s' is not an IPv6 address")
                    : _("'%s' is not an IPv4 address or localhost (names are not looked up)"),
                 host);
        return false;
    }
    snprintf(h->host, sizeof(h->host), "%s", host);
    h->ipv6 = v6;
    h->port = (int)port;
    return true;
bad_port:
    snprintf(err, errlen, "%s", _("the port must be a number from 0 to 65535"));
    return false;
}

/* Frees one user's strings. */
static void user_done(CfgHttpUser *u)
{
    free(u->name);
    if (u->token) memset(u->token, 0, strlen(u->token));
    free(u->token);
    free(u->token_shown);
}

void cfg_http_free(CfgHttp *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->n_users; i++)
        user_done(&h->users[i]);
    free(h->users);
    free(h->listen);
    free(h->tls_cert);
    free(h->tls_key);
    free(h);
}

/* Reads a token that must be written "${NAME}", from a set, non-empty
 * environment variable; the value is never quoted in a message. */
static bool load_token(Ld *ld, const YNode *v, CfgHttpUser *u)
{
    if (v->kind != YNODE_SCALAR) {
        ld_err(ld, v->line, v->col, _("expected \"${NAME}\" for 'token', got %s"), ld_kind(v));
        return false;
    }
    const char *s = v->str;
    size_t n = v->len;
    bool ok = n > 3 && s[0] == '$' && s[1] == '{' && s[n - 1] == '}' &&
              ((s[2] >= 'A' && s[2] <= 'Z') || (s[2] >= 'a' && s[2] <= 'z') || s[2] == '_');
    for (size_t i = 3; ok && i + 1 < n; i++)
        ok = (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
             (s[i] >= '0' && s[i] <= '9') || s[i] == '_';
    if (!ok || n - 3 >= 128) {
        ld_err(ld, v->line, v->col, "%s",
               _("a token must come from the environment, written \"${NAME}\"; a token written "
                 "in the config is refused"));
        return false;
    }
    char name[128];
    memcpy(name, s + 2, n - 3);
    name[n - 3] = '\0';
    const char *val = getenv(name);
    if (!val || !*val) {
        ld_err(ld, v->line, v->col,
               val ? _("environment variable '%s' (the token) is empty")
                   : _("environment variable '%s' (the token) is not set"),
               name);
        return false;
    }
    u->token = ld_strdup(ld, v, val);
    u->token_shown = ld_strdup(ld, v, s);
    return u->token && u->token_shown;
}

/* Loads one entry of users: {name, role, token}. */
static bool load_user(Ld *ld, const YNode *m, CfgHttpUser *u)
{
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping with name, role and token"))) return false;
    ld_check_keys(ld, m, user_keys, N_OF(user_keys), _("in a user of 'http'"));
    u->line = m->line;
    u->col = m->col;
    bool ok = true;
    const YNode *v = ld_get(ld, m, "name", true, _("in a user of 'http'"));
    if (!v || !ld_id(ld, v) || !(u->name = ld_strdup(ld, v, v->str))) ok = false;
    v = ld_get(ld, m, "role", true, _("in a user of 'http'"));
    size_t idx;
    if (v && ld_choice(ld, v, "role", role_names, N_OF(role_names), _("viewer, operator or admin"),
                       &idx))
        u->role = (HttpRole)(idx + 1);
    else
        ok = false;
    v = ld_get(ld, m, "token", true, _("in a user of 'http'"));
    if (!v || !load_token(ld, v, u)) ok = false;
    return ok;
}

/* Loads the users list; names and tokens must be unique. */
static void load_users(Ld *ld, const YNode *seq, CfgHttp *h)
{
    if (!ld_expect(ld, seq, YNODE_SEQ, _("a list of users"))) return;
    if (seq->n == 0) return;
    h->users = calloc(seq->n, sizeof(*h->users));
    if (!h->users) {
        ld_err(ld, seq->line, seq->col, "%s", _("out of memory"));
        return;
    }
    for (size_t i = 0; i < seq->n; i++) {
        CfgHttpUser *u = &h->users[h->n_users++];
        if (!load_user(ld, seq->items[i], u)) continue;
        for (size_t j = 0; j + 1 < h->n_users; j++) {
            const CfgHttpUser *o = &h->users[j];
            if (o->name && strcmp(o->name, u->name) == 0)
                ld_err(ld, u->line, u->col, _("user '%s' is listed twice"), u->name);
            else if (o->token && strcmp(o->token, u->token) == 0)
                ld_err(ld, u->line, u->col, _("users '%s' and '%s' have the same token"), o->name,
                       u->name);
        }
    }
}

/* Loads tls: {cert, key} (both required). */
static void load_tls(Ld *ld, const YNode *m, CfgHttp *h)
{
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping with cert and key"))) return;
    ld_check_keys(ld, m, tls_keys, N_OF(tls_keys), _("in 'tls' of 'http'"));
    ld_str(ld, m, "cert", true, _("in 'tls' of 'http'"), &h->tls_cert);
    ld_str(ld, m, "key", true, _("in 'tls' of 'http'"), &h->tls_key);
}

void cfg_load_http(Ld *ld, const YNode *m)
{
    if (!ld_expect(ld, m, YNODE_MAP, _("a mapping with listen and users"))) return;
    ld_check_keys(ld, m, http_keys, N_OF(http_keys), _("in 'http'"));
    CfgHttp *h = calloc(1, sizeof(*h));
    if (!h) {
        ld_err(ld, m->line, m->col, "%s", _("out of memory"));
        return;
    }
    ld->cfg->http = h;
    h->line = m->line;
    h->col = m->col;
    h->max_connections = 64;
    h->max_body = 64 * 1024;
    const YNode *v = ld_get(ld, m, "listen", false, "");
    if (v && ld_str(ld, m, "listen", false, "", &h->listen) && h->listen) {
        char err[160];
        if (!cfg_parse_listen(h->listen, h, err, sizeof(err)))
            ld_err(ld, v->line, v->col, _("bad 'listen' address: %s"), err);
    }
    if ((v = ld_get(ld, m, "users", false, ""))) load_users(ld, v, h);
    if ((v = ld_get(ld, m, "metrics_auth", false, "")))
        ld_bool(ld, v, "metrics_auth", &h->metrics_auth);
    if ((v = ld_get(ld, m, "tls", false, ""))) load_tls(ld, v, h);
    if ((v = ld_get(ld, m, "max_connections", false, "")))
        ld_int(ld, v, "max_connections", 1, 10000, &h->max_connections);
    if ((v = ld_get(ld, m, "max_body", false, ""))) {
        int64_t n;
        if (ld_size(ld, v, "max_body", &n)) {
            if (n > 16 * 1024 * 1024)
                ld_err(ld, v->line, v->col, "%s", _("'max_body' of 'http' must be at most 16MiB"));
            else
                h->max_body = n;
        }
    }
}
