/* test_remote.c - the thin console's client (services/remote.c): the
 * reconnection backoff and the collector's URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "services/remote.h"

/* 1 s doubling to 30 s, with a jitter of +-20 %. */
static void test_backoff(void **state)
{
    (void)state;
    static const int64_t base[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
    for (unsigned n = 0; n < sizeof(base) / sizeof(base[0]); n++) {
        assert_int_equal(remote_backoff_ms(n, 0.5), base[n]);
        assert_int_equal(remote_backoff_ms(n, 0.0), base[n] * 8 / 10);
        assert_true(remote_backoff_ms(n, 0.999) <= base[n] * 12 / 10);
        assert_true(remote_backoff_ms(n, 0.999) > base[n]);
    }
    assert_int_equal(remote_backoff_ms(1000, 0.5), 30000); /* no overflow */
    assert_int_equal(remote_backoff_ms(0, 7.0), 1000);     /* u out of range: the middle */
}

/* http(s) URLs only; the host is what the header shows. */
static void test_url(void **state)
{
    (void)state;
    char err[200];
    Remote *r = remote_new("http://127.0.0.1:9464/", "tok", err, sizeof(err));
    assert_non_null(r);
    assert_string_equal(remote_host(r), "127.0.0.1:9464");
    remote_free(r);
    r = remote_new("https://ioc.example/prefix", NULL, err, sizeof(err));
    assert_non_null(r);
    assert_string_equal(remote_host(r), "ioc.example");
    remote_free(r);
    static const char *const bad[] = {"127.0.0.1:9464", "ftp://h/", "http://", "http:///",
                                      "http://h x/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(remote_new(bad[i], NULL, err, sizeof(err)));
        assert_non_null(strstr(err, "--server needs the collector's URL"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
