/* promapi.c - Prometheus query API answers (see promapi.h). */
#include "parse/promapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "parse/value.h"
#include "base/i18n.h"
#include "base/text.h"

/* Copies the string member name of o, sanitised, into out ("" when absent). */
static void copy_text(const cJSON *o, const char *name, char *out, size_t n)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, name);
    out[0] = '\0';
    if (cJSON_IsString(s) && s->valuestring) text_sanitize(s->valuestring, out, n);
}

/* Reads a [time, "value"] pair into *v; false when it is not one. */
static bool read_pair(const cJSON *pair, double *v)
{
    if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2) return false;
    const cJSON *t = cJSON_GetArrayItem(pair, 0), *s = cJSON_GetArrayItem(pair, 1);
    if (!cJSON_IsNumber(t) || !cJSON_IsString(s) || !s->valuestring) return false;
    return val_parse(s->valuestring, strlen(s->valuestring), NUMFMT_PLAIN, v);
}

/* Reads the result of a success answer into a. */
static int read_data(const cJSON *data, PromApiAnswer *a, char *err, size_t errlen)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(data, "result");
    if (!cJSON_IsString(type) || !type->valuestring || !res) {
        snprintf(err, errlen, "%s", _("not a query answer: no data.resultType or data.result"));
        return -1;
    }
    const char *t = type->valuestring;
    if (strcmp(t, "matrix") == 0 || strcmp(t, "string") == 0) {
        a->kind = t[0] == 'm' ? PROMAPI_MATRIX : PROMAPI_STRING;
        return 0;
    }
    if (strcmp(t, "scalar") == 0) {
        a->values = malloc(sizeof(double));
        if (!a->values) goto oom;
        if (!read_pair(res, &a->values[0])) goto bad;
        a->kind = PROMAPI_SCALAR;
        a->n = 1;
        return 0;
    }
    if (strcmp(t, "vector") != 0) {
        char shown[40];
        text_sanitize(t, shown, sizeof(shown));
        snprintf(err, errlen, _("not a query answer: unknown resultType \"%s\""), shown);
        return -1;
    }
    if (!cJSON_IsArray(res)) goto bad;
    int count = cJSON_GetArraySize(res);
    if (count > PROMAPI_MAX_SERIES) {
        snprintf(err, errlen, _("the answer has %d series (at most %d are read)"), count,
                 PROMAPI_MAX_SERIES);
        return -1;
    }
    a->kind = PROMAPI_VECTOR;
    if (count == 0) return 0;
    a->values = malloc((size_t)count * sizeof(double));
    if (!a->values) goto oom;
    const cJSON *s;
    cJSON_ArrayForEach(s, res)
    {
        if (!cJSON_IsObject(s) ||
            !read_pair(cJSON_GetObjectItemCaseSensitive(s, "value"), &a->values[a->n]))
            goto bad;
        a->n++;
    }
    return 0;
bad:
    snprintf(err, errlen, _("not a query answer: a malformed %s result"), t);
    return -1;
oom:
    snprintf(err, errlen, "%s", _("out of memory"));
    return -1;
}

int promapi_parse(const char *body, size_t len, PromApiAnswer *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof(*a));
    if (errlen) err[0] = '\0';
    const char *end = NULL;
    cJSON *doc = body ? cJSON_ParseWithLengthOpts(body, len, &end, 0) : NULL;
    if (!doc) {
        size_t off = end && body && end >= body ? (size_t)(end - body) : 0;
        snprintf(err, errlen, _("invalid JSON near byte %zu"), off);
        return -1;
    }
    int rc = -1;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(doc, "status");
    if (!cJSON_IsObject(doc) || !cJSON_IsString(status) || !status->valuestring) {
        snprintf(err, errlen, "%s", _("not a query answer: no \"status\""));
    } else if (strcmp(status->valuestring, "error") == 0) {
        a->kind = PROMAPI_ERROR;
        copy_text(doc, "errorType", a->error_type, sizeof(a->error_type));
        copy_text(doc, "error", a->error, sizeof(a->error));
        rc = 0;
    } else if (strcmp(status->valuestring, "success") == 0) {
        rc = read_data(cJSON_GetObjectItemCaseSensitive(doc, "data"), a, err, errlen);
    } else {
        snprintf(err, errlen, "%s", _("not a query answer: status is neither success nor error"));
    }
    cJSON_Delete(doc);
    if (rc < 0) promapi_free(a);
    return rc;
}

void promapi_free(PromApiAnswer *a)
{
    free(a->values);
    memset(a, 0, sizeof(*a));
}
