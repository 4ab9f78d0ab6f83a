/* tmpdir_fixture.h - a fresh temporary directory for a cmocka test group:
 * setup() makes $TMPDIR/ioc-<TMPDIR_FIXTURE_NAME>-XXXXXX, teardown() removes
 * it with everything in it, tpath() names a file in it. Define
 * TMPDIR_FIXTURE_NAME (a string) before including; pass setup and teardown
 * to cmocka_run_group_tests(). Include once, in one test file. */
#ifndef IOC_TMPDIR_FIXTURE_H
#define IOC_TMPDIR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[256];

/* Makes the group's temporary directory. */
static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/ioc-" TMPDIR_FIXTURE_NAME "-XXXXXX",
             dir && *dir ? dir : "/tmp");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

/* Removes the group's temporary directory and what it holds. */
static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* tmpdir/name into buf. */
__attribute__((unused)) static const char *tpath(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", tmpdir, name);
    return buf;
}

#endif
