/* jsonout.c - building and printing the JSON exports (see jsonout.h). */
#include "export/jsonout.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>

#include "base/fmt.h"
#include "base/text.h"
#include "base/timefmt.h"

/* Longest text kept of a string after sanitising, NUL included (bytes). */
#define JSONOUT_STR_MAX 1024

bool jsonout_str(cJSON *o, const char *key, const char *s)
{
    char buf[JSONOUT_STR_MAX];

    if (!s) return cJSON_AddNullToObject(o, key) != NULL;
    text_sanitize(s, buf, sizeof buf);
    return cJSON_AddStringToObject(o, key, buf) != NULL;
}

cJSON *jsonout_num_item(double v)
{
    char buf[FMT_NUM_MAX];

    if (!isfinite(v)) return cJSON_CreateNull();
    fmt_shortest(v, buf, sizeof buf);
    return cJSON_CreateRaw(buf);
}

bool jsonout_num(cJSON *o, const char *key, bool has, double v)
{
    cJSON *item = jsonout_num_item(has ? v : NAN);

    if (!item) return false;
    cJSON_AddItemToObject(o, key, item);
    return true;
}

bool jsonout_int(cJSON *o, const char *key, int64_t v)
{
    char buf[24];

    snprintf(buf, sizeof buf, "%" PRId64, v);
    return cJSON_AddRawToObject(o, key, buf) != NULL;
}

bool jsonout_u64(cJSON *o, const char *key, uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return cJSON_AddRawToObject(o, key, buf) != NULL;
}

bool jsonout_time(cJSON *o, const char *key, int64_t ms)
{
    char buf[TIMEFMT_SIZE];

    if (ms == 0 || timefmt_iso(ms, buf, sizeof buf) < 0)
        return cJSON_AddNullToObject(o, key) != NULL;
    return cJSON_AddStringToObject(o, key, buf) != NULL;
}

cJSON *jsonout_done(cJSON *o, bool ok)
{
    if (ok) return o;
    cJSON_Delete(o);
    return NULL;
}

int jsonout_print(cJSON *root, FILE *out)
{
    char *text = root ? cJSON_Print(root) : NULL;

    cJSON_Delete(root);
    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    fputs(text, out);
    fputc('\n', out);
    cJSON_free(text);
    return 0;
}
