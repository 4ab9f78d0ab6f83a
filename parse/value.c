/* value.c - numbers as feeds write them, and aggregation (see value.h).
 *
 * Locale independence: val_parse() checks the grammar of the chosen format
 * itself and rewrites the number into a normalised string made only of an
 * optional '-', decimal digits and an "e<exponent>" part: the fraction is
 * folded into the exponent ("7.995,5" -> "79955e-1"). That string contains no
 * radix character, so strtod() reads it the same way in every LC_NUMERIC
 * (C11 7.22.1.3: a digit sequence with an exponent is the subject sequence of
 * every locale) and glibc's strtod() rounds it correctly. This needs no
 * newlocale()/uselocale() per call (which may fail and allocate) and no
 * global state, and it avoids writing our own correctly rounded conversion.
 *
 * Numbers longer than VAL_MAX_LEN bytes (after trimming blanks) are rejected:
 * no feed writes such numbers, and it keeps the buffer on the stack. */
#include "parse/value.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VAL_MAX_LEN 1024
/* Exponents are clamped to this magnitude while reading: with at most
 * VAL_MAX_LEN digits, any larger exponent already gives 0 or infinity. */
#define VAL_EXP_CLAMP 100000000L

/* True for the blanks allowed around a number. */
static bool val_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* True for an ASCII decimal digit. */
static bool val_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Case-insensitive comparison of s[0..n) with the lowercase ASCII word w. */
static bool val_word_eq(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != w[i]) return false;
    }
    return true;
}

/* Parses NaN / Inf / Infinity (after an optional sign; NaN takes no sign,
 * like Go and Prometheus). Returns true and sets *out when s is one. */
static bool val_parse_special(const char *s, size_t n, double *out)
{
    if (val_word_eq(s, n, "nan")) {
        *out = NAN;
        return true;
    }
    bool neg = false;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    if (val_word_eq(s, n, "inf") || val_word_eq(s, n, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    return false;
}

/* Reads the integer part at s[*i..n) into buf (digits only), honouring the
 * thousands separator grp (0 = none): either plain digits, or a first group
 * of 1-3 digits (not starting with 0) followed by groups of exactly three.
 * Returns the number of digits read, or -1 on a grouping error. */
static long val_read_int(const char *s, size_t n, size_t *i, char grp, char *buf, size_t *blen)
{
    size_t start = *i;
    while (*i < n && val_is_digit(s[*i]))
        buf[(*blen)++] = s[(*i)++];
    size_t first = *i - start;
    if (!grp || *i >= n || s[*i] != grp) return (long)first;
    /* Grouped: "0,123" is refused, it is more likely a misread decimal. */
    if (first < 1 || first > 3 || s[start] == '0') return -1;
    size_t count = first;
    while (*i < n && s[*i] == grp) {
        (*i)++;
        size_t g = 0;
        while (*i < n && val_is_digit(s[*i])) {
            buf[(*blen)++] = s[(*i)++];
            g++;
        }
        if (g != 3) return -1;
        count += g;
    }
    return (long)count;
}

/* Appends the decimal form of v to buf (locale independent). */
static void val_put_long(char *buf, size_t *blen, long v)
{
    char tmp[24];
    size_t k = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[(*blen)++] = '-';
    while (k)
        buf[(*blen)++] = tmp[--k];
}

/* Parses a number written in fmt (see value.h and the notes at the top). */
bool val_parse(const char *s, size_t len, NumFormat fmt, double *out)
{
    char grp, dec;
    switch (fmt) {
    case NUMFMT_PLAIN:
        grp = 0, dec = '.';
        break;
    case NUMFMT_EN:
        grp = ',', dec = '.';
        break;
    case NUMFMT_VI:
        grp = '.', dec = ',';
        break;
    default:
        return false;
    }
    if (!s) return false;
    while (len > 0 && val_is_blank(*s))
        s++, len--;
    while (len > 0 && val_is_blank(s[len - 1]))
        len--;
    if (len == 0 || len > VAL_MAX_LEN) return false;
    if (val_parse_special(s, len, out)) return true;

    /* buf: sign, up to len digits, 'e', exponent (at most 21 chars), NUL. */
    char buf[VAL_MAX_LEN + 32];
    size_t blen = 0, i = 0;
    if (s[i] == '+' || s[i] == '-') {
        if (s[i] == '-') buf[blen++] = '-';
        i++;
    }
    long n_int = val_read_int(s, len, &i, grp, buf, &blen);
    if (n_int < 0) return false;
    long n_frac = 0;
    if (i < len && s[i] == dec) {
        i++;
        while (i < len && val_is_digit(s[i])) {
            buf[blen++] = s[i++];
            n_frac++;
        }
    }
    if (n_int + n_frac == 0) return false;
    long exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= len || !val_is_digit(s[i])) return false;
        while (i < len && val_is_digit(s[i])) {
            if (exp < VAL_EXP_CLAMP) exp = exp * 10 + (s[i] - '0');
            i++;
        }
        if (eneg) exp = -exp;
    }
    if (i != len) return false; /* units, '%', letters, spaces inside... */
    buf[blen++] = 'e';
    val_put_long(buf, &blen, exp - n_frac);
    buf[blen] = '\0';

    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + blen) return false; /* cannot happen: buf is well formed */
    *out = v;
    return true;
}

/* Mean of the non-NaN values of v[0..n) (cnt of them), without overflowing
 * when the sum of finite values exceeds the double range. */
static double val_mean(const double *v, size_t n, size_t cnt)
{
    long double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) sum += v[i];
    double m = (double)(sum / (long double)cnt);
    if (isfinite(m)) return m;
    for (size_t i = 0; i < n; i++)
        if (isinf(v[i])) return m; /* an infinite input: the mean is +-Inf or NaN */
    /* The sum of finite values overflowed (long double is only double on some
     * targets): a running mean stays within the range of the values. */
    double mean = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) continue;
        k++;
        mean += v[i] / (double)k - mean / (double)k;
    }
    return mean;
}

/* Reduces a node list to one value (see value.h). */
bool val_agg(Agg agg, const double *v, size_t n, double *out)
{
    if (agg == AGG_COUNT) {
        *out = (double)n;
        return true;
    }
    if (!v) return false;
    size_t cnt = 0, first = 0, last = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) continue;
        if (cnt == 0) {
            first = i;
            lo = hi = v[i];
        }
        last = i;
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
        cnt++;
    }
    if (cnt == 0) return false;
    switch (agg) {
    case AGG_FIRST:
        *out = v[first];
        return true;
    case AGG_LAST:
        *out = v[last];
        return true;
    case AGG_MIN:
        *out = lo;
        return true;
    case AGG_MAX:
        *out = hi;
        return true;
    case AGG_SUM: {
        long double sum = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(v[i])) sum += v[i];
        *out = (double)sum;
        return true;
    }
    case AGG_AVG:
        *out = val_mean(v, n, cnt);
        return true;
    default:
        return false;
    }
}

/* Config names, indexed by enum value. */
static const char *const val_numfmt_names[] = {"plain", "en", "vi"};
static const char *const val_agg_names[] = {"first", "last", "sum", "avg", "min", "max", "count"};

/* Number format from its config name. */
bool val_numfmt_from_name(const char *name, NumFormat *out)
{
    if (!name) return false;
    for (size_t i = 0; i < sizeof(val_numfmt_names) / sizeof(val_numfmt_names[0]); i++) {
        if (strcmp(name, val_numfmt_names[i]) == 0) {
            *out = (NumFormat)i;
            return true;
        }
    }
    return false;
}

/* Config name of a number format ("?" when out of range). */
const char *val_numfmt_name(NumFormat f)
{
    if ((unsigned)f >= sizeof(val_numfmt_names) / sizeof(val_numfmt_names[0])) return "?";
    return val_numfmt_names[f];
}

/* Aggregation from its config name. */
bool val_agg_from_name(const char *name, Agg *out)
{
    if (!name) return false;
    for (size_t i = 0; i < sizeof(val_agg_names) / sizeof(val_agg_names[0]); i++) {
        if (strcmp(name, val_agg_names[i]) == 0) {
            *out = (Agg)i;
            return true;
        }
    }
    return false;
}

/* Config name of an aggregation ("?" when out of range). */
const char *val_agg_name(Agg a)
{
    if ((unsigned)a >= sizeof(val_agg_names) / sizeof(val_agg_names[0])) return "?";
    return val_agg_names[a];
}
