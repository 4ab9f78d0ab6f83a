/* test_version.c - what ioc --version will say: the linked libraries with
 * the versions they report at run time, and the text with the commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <utf8proc.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include <yaml.h>

#include "ioc/version.h"

/* Seven libraries, in order, each with the version its library reports. */
static void test_libs(void **state)
{
    (void)state;
    VersionLib v[8];
    assert_int_equal(version_libs(v, 8), VERSION_LIBS);
    assert_string_equal(v[0].name, "libcurl");
    const curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
    assert_memory_equal(v[0].version, d->version, strlen(d->version));
    if (d->ssl_version) assert_non_null(strstr(v[0].version, d->ssl_version));
    assert_string_equal(v[1].name, "ncursesw");
    assert_true(v[1].version[0] >= '5' && v[1].version[0] <= '9'); /* "6.4.20221231" */
    assert_null(strchr(v[1].version, ' '));
    assert_string_equal(v[2].name, "SQLite");
    assert_string_equal(v[2].version, sqlite3_libversion());
    assert_string_equal(v[3].name, "libyaml");
    assert_string_equal(v[3].version, yaml_get_version_string());
    assert_string_equal(v[4].name, "cJSON");
    assert_string_equal(v[4].version, cJSON_Version());
    assert_string_equal(v[5].name, "libmicrohttpd");
    assert_string_equal(v[5].version, MHD_get_version());
    assert_string_equal(v[6].name, "libutf8proc");
    assert_string_equal(v[6].version, utf8proc_version());
    /* Less room: the first entries only. */
    VersionLib two[2];
    assert_int_equal(version_libs(two, 2), 2);
    assert_string_equal(two[1].name, "ncursesw");
    assert_int_equal(version_libs(NULL, 0), 0);
}

/* The text: the program, its version and commit, then a line per library. */
static void test_write(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(version_write(f, "ioc", "0.1.0"), 0);
    fclose(f);
    char first[128];
    snprintf(first, sizeof(first), "ioc 0.1.0 (commit %s)\n", version_commit());
    assert_memory_equal(buf, first, strlen(first));
    const char *c = version_commit();
    assert_true(strcmp(c, "unknown") == 0 || strspn(c, "0123456789abcdef") == strlen(c));
    char line[200];
    snprintf(line, sizeof(line), "\n  SQLite %s\n", sqlite3_libversion());
    assert_non_null(strstr(buf, line));
    assert_non_null(strstr(buf, "\n  libcurl "));
    assert_non_null(strstr(buf, "\n  ncursesw "));
    assert_non_null(strstr(buf, "\n  libyaml "));
    assert_non_null(strstr(buf, "\n  cJSON "));
    int lines = 0;
    for (const char *p = buf; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + VERSION_LIBS);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libs),
        cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
