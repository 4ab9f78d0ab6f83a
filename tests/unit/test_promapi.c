/* test_promapi.c - answers of the Prometheus query API (parse/promapi.h):
 * scalars, vectors, the server's errors, and bodies that are no answer. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse/promapi.h"

/* Parses a NUL-terminated body. */
static int parse(const char *body, PromApiAnswer *a, char *err)
{
    return promapi_parse(body, strlen(body), a, err, 160);
}

/* Scalars and vectors give their values in order; NaN and Inf read too. */
static void test_values(void **state)
{
    (void)state;
    PromApiAnswer a;
    char err[160];
    assert_int_equal(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
                           "[1.5,\"42.25\"]}}",
                           &a, err),
                     0);
    assert_int_equal(a.kind, PROMAPI_SCALAR);
    assert_int_equal(a.n, 1);
    assert_true(a.values[0] == 42.25);
    promapi_free(&a);
    assert_int_equal(
        parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
              "{\"metric\":{\"cpu\":\"0\"},\"value\":[1,\"1e3\"]},"
              "{\"metric\":{},\"value\":[1,\"NaN\"]},"
              "{\"metric\":{},\"value\":[1,\"+Inf\"]}],\"warnings\":[\"x\"]}}",
              &a, err),
        0);
    assert_int_equal(a.kind, PROMAPI_VECTOR);
    assert_int_equal(a.n, 3);
    assert_true(a.values[0] == 1000 && isnan(a.values[1]) && isinf(a.values[2]));
    promapi_free(&a);
    assert_int_equal(
        parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", &a,
              err),
        0);
    assert_int_equal(a.kind, PROMAPI_VECTOR);
    assert_int_equal(a.n, 0);
    promapi_free(&a);
    assert_int_equal(
        parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", &a,
              err),
        0);
    assert_int_equal(a.kind, PROMAPI_MATRIX);
    promapi_free(&a);
}

/* The server's error type and text are kept, control characters blanked. */
static void test_errors(void **state)
{
    (void)state;
    PromApiAnswer a;
    char err[160];
    assert_int_equal(parse("{\"status\":\"error\",\"errorType\":\"bad_data\","
                           "\"error\":\"1:5: parse error:\\u001b[31m unexpected\"}",
                           &a, err),
                     0);
    assert_int_equal(a.kind, PROMAPI_ERROR);
    assert_string_equal(a.error_type, "bad_data");
    assert_null(strchr(a.error, '\x1b'));
    assert_non_null(strstr(a.error, "1:5: parse error:"));
    promapi_free(&a);
}

/* Bodies that are not a query answer. */
static void test_not_answers(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "<html>404</html>",
        "[]",
        "{\"status\":\"success\"}",
        "{\"status\":\"maybe\"}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"value\":[1]}]}"
        "}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"value\":[1,"
        "\"x\"]}]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,2]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"table\",\"result\":[]}}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        PromApiAnswer a;
        char err[160] = "";
        if (parse(bad[i], &a, err) != -1) fail_msg("case %zu parsed", i);
        if (!err[0]) fail_msg("case %zu: no message", i);
        assert_null(a.values);
        promapi_free(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_not_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
