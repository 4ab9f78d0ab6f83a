/* version.h - what "ioc --version" says: ioc's version and git commit, and
 * the versions of the libraries it runs with (like curl --version).
 *
 * Versions are those of the libraries loaded at run time (curl_version_info,
 * curses_version, sqlite3_libversion, yaml_get_version_string,
 * cJSON_Version), which may be newer than the headers ioc was built with.
 * libmicrohttpd (the HTTP API of ioc run) and libutf8proc are listed too.
 * Nothing is allocated: entries hold their text. */
#ifndef IOC_VERSION_H
#define IOC_VERSION_H

#include <stddef.h>
#include <stdio.h>

/* How many libraries version_libs() lists. */
#define VERSION_LIBS 7

typedef struct {
    const char *name;  /* "libcurl", "ncursesw", "SQLite", "libyaml", "cJSON", ... */
    char version[160]; /* "7.88.1 (OpenSSL/3.0.15, zlib/1.2.13, nghttp2/1.52.0)" */
} VersionLib;

/* Fills out (room for n entries) with the linked libraries and their
 * versions, in a fixed order; returns how many were filled (at most n). */
size_t version_libs(VersionLib *out, size_t n);

/* The git commit ioc was configured from (12 hex digits), or "unknown"
 * outside a git checkout. */
const char *version_commit(void);

/* Writes the --version text to f: "PROG VERSION (commit COMMIT)" and one
 * "  NAME VERSION" line per library. 0, or -1 when writing failed. */
int version_write(FILE *f, const char *prog, const char *version);

#endif
