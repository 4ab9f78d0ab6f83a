/* version.c - ioc's version and its libraries' (see version.h). */
#include "ioc/version.h"

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <utf8proc.h>
#include <curl/curl.h>
#include <curses.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <string.h>
#include <yaml.h>

#ifndef IOC_GIT_COMMIT
#define IOC_GIT_COMMIT "unknown" /* set by ioc/CMakeLists.txt */
#endif

/* Appends ", NAME/VER" (or " (NAME/VER" for the first) to buf when ver is set. */
static void add_part(char *buf, size_t n, bool *first, const char *name, const char *ver)
{
    if (!ver || !ver[0]) return;
    size_t len = strlen(buf);
    if (len >= n) return;
    /* ssl_version already reads "OpenSSL/3.0.15": no second name. */
    snprintf(buf + len, n - len, "%s%s%s%s", *first ? " (" : ", ", name ? name : "",
             name ? "/" : "", ver);
    *first = false;
}

/* The libcurl entry: its version, then its TLS, zlib and nghttp2 versions. */
static void curl_entry(VersionLib *v)
{
    const curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
    v->name = "libcurl";
    snprintf(v->version, sizeof(v->version), "%s", d && d->version ? d->version : "?");
    if (!d) return;
    bool first = true;
    add_part(v->version, sizeof(v->version), &first, NULL, d->ssl_version);
    add_part(v->version, sizeof(v->version), &first, "zlib", d->libz_version);
    if (d->age >= CURLVERSION_FIFTH)
        add_part(v->version, sizeof(v->version), &first, "nghttp2", d->nghttp2_version);
    if (!first) {
        size_t len = strlen(v->version);
        if (len + 1 < sizeof(v->version)) {
            v->version[len] = ')';
            v->version[len + 1] = '\0';
        }
    }
}

size_t version_libs(VersionLib *out, size_t n)
{
    VersionLib all[VERSION_LIBS];
    memset(all, 0, sizeof(all));
    curl_entry(&all[0]);
    /* curses_version() reads "ncurses 6.4.20221231": keep the number. */
    const char *cv = curses_version();
    const char *sp = cv ? strrchr(cv, ' ') : NULL;
    all[1].name = "ncursesw";
    snprintf(all[1].version, sizeof(all[1].version), "%s", sp ? sp + 1 : cv ? cv : "?");
    all[2].name = "SQLite";
    snprintf(all[2].version, sizeof(all[2].version), "%s", sqlite3_libversion());
    all[3].name = "libyaml";
    snprintf(all[3].version, sizeof(all[3].version), "%s", yaml_get_version_string());
    all[4].name = "cJSON";
    snprintf(all[4].version, sizeof(all[4].version), "%s", cJSON_Version());
    all[5].name = "libmicrohttpd";
    snprintf(all[5].version, sizeof(all[5].version), "%s", MHD_get_version());
    all[6].name = "libutf8proc";
    snprintf(all[6].version, sizeof(all[6].version), "%s", utf8proc_version());
    size_t k = n < VERSION_LIBS ? n : VERSION_LIBS;
    if (k) memcpy(out, all, k * sizeof(all[0]));
    return k;
}

const char *version_commit(void)
{
    return IOC_GIT_COMMIT[0] ? IOC_GIT_COMMIT : "unknown";
}

int version_write(FILE *f, const char *prog, const char *version)
{
    VersionLib libs[VERSION_LIBS];
    size_t n = version_libs(libs, VERSION_LIBS);
    fprintf(f, "%s %s (commit %s)\n", prog, version, version_commit());
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %s %s\n", libs[i].name, libs[i].version);
    return ferror(f) ? -1 : 0;
}
