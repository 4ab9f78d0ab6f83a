/* jsonpath_regex.c - I-Regexp (RFC 9485) to POSIX extended regular
 * expressions, for the match() and search() functions of RFC 9535.
 *
 * The pattern is validated against the I-Regexp grammar while it is
 * translated: '.' becomes [^\n\r], escaped and special characters become
 * bracket expressions, and character classes are rebuilt so that POSIX
 * bracket rules (']' first, '-' last, ...) hold. glibc's regcomp() rejects
 * bracket ranges with non-ASCII ends in C.UTF-8, so the non-ASCII part of a
 * range is spelled out character by character (bounded by RX_MAX_EXPAND).
 * Unicode categories (\p{..}) use POSIX classes where one fits (L, Lu, Ll)
 * and otherwise tables of the main ranges: an approximation. Non-ASCII
 * characters need a UTF-8 LC_CTYPE when the regex is compiled and run.
 * An unescaped '^' or '$' is kept as an anchor, as in the ECMAScript and PCRE
 * mappings of RFC 9485 section 5.3 and the RFC 9535 compliance test suite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/jsonpath_internal.h"

/* Most non-ASCII characters a pattern's classes may spell out. */
#define RX_MAX_EXPAND 65536
/* Most group nesting a pattern may have. */
#define RX_MAX_DEPTH 64
/* Largest {n,m} bound, and largest size after expanding repetitions. */
#define RX_MAX_REPEAT 1000
#define RX_MAX_COST   20000.0

typedef struct {
    uint32_t lo, hi;
} Rng;

/* A set of characters: ranges plus POSIX class names. */
typedef struct {
    Rng *r;
    size_t n, cap;
    const char *posix[8];
    size_t nposix;
} Set;

typedef struct {
    const char *s;
    size_t len, pos;
    JpBuf out;
    int depth;
    bool bad;
    size_t expanded;
} Rx;

/* One Unicode general category (two letters) and how to approximate it. */
typedef struct {
    const char *name;
    const char *posix;
    const Rng *r;
    size_t n;
} Cat;

#define R(a, b)                                                                                    \
    {                                                                                              \
        0x##a, 0x##b                                                                               \
    }
static const Rng lt[] = {R(1C5, 1C5),   R(1C8, 1C8),   R(1CB, 1CB),   R(1F2, 1F2),   R(1F88, 1F8F),
                         R(1F98, 1F9F), R(1FA8, 1FAF), R(1FBC, 1FBC), R(1FCC, 1FCC), R(1FFC, 1FFC)};
static const Rng mn[] = {R(300, 36F),   R(483, 487),   R(591, 5BD),   R(5BF, 5BF),   R(5C1, 5C2),
                         R(5C4, 5C5),   R(5C7, 5C7),   R(610, 61A),   R(64B, 65F),   R(670, 670),
                         R(6D6, 6DC),   R(6DF, 6E4),   R(900, 902),   R(93C, 93C),   R(941, 948),
                         R(94D, 94D),   R(E31, E31),   R(E34, E3A),   R(E47, E4E),   R(1AB0, 1ABD),
                         R(1DC0, 1DFF), R(20D0, 20DC), R(20E1, 20E1), R(20E5, 20F0), R(FE00, FE0F),
                         R(FE20, FE2F)};
static const Rng mc[] = {R(903, 903),   R(93B, 93B),  R(93E, 940), R(949, 94C), R(94E, 94F),
                         R(982, 983),   R(9BE, 9C0),  R(9C7, 9C8), R(9CB, 9CC), R(B02, B03),
                         R(BBE, BBF),   R(BC1, BC2),  R(BC6, BC8), R(BCA, BCC), R(1B04, 1B04),
                         R(1B35, 1B35), R(1B3B, 1B3B)};
static const Rng me[] = {R(488, 489), R(1ABE, 1ABE), R(20DD, 20E0), R(20E2, 20E4), R(A670, A672)};
static const Rng nd[] = {R(660, 669),   R(6F0, 6F9),   R(7C0, 7C9),   R(966, 96F),  R(9E6, 9EF),
                         R(A66, A6F),   R(AE6, AEF),   R(B66, B6F),   R(BE6, BEF),  R(C66, C6F),
                         R(CE6, CEF),   R(D66, D6F),   R(E50, E59),   R(ED0, ED9),  R(F20, F29),
                         R(1040, 1049), R(17E0, 17E9), R(1810, 1819), R(FF10, FF19)};
static const Rng nl[] = {R(16EE, 16F0), R(2160, 2182), R(2185, 2188),
                         R(3007, 3007), R(3021, 3029), R(3038, 303A)};
static const Rng no[] = {R(B2, B3),     R(B9, B9),     R(BC, BE),     R(9F4, 9F9),   R(BF0, BF2),
                         R(F2A, F33),   R(1369, 137C), R(2070, 2070), R(2074, 2079), R(2080, 2089),
                         R(2150, 215F), R(2189, 2189), R(2460, 249B), R(24EA, 24FF), R(2776, 2793),
                         R(3192, 3195), R(3220, 3229), R(3248, 324F), R(3251, 325F), R(3280, 3289)};
static const Rng pc[] = {R(5F, 5F),     R(203F, 2040), R(2054, 2054),
                         R(FE33, FE34), R(FE4D, FE4F), R(FF3F, FF3F)};
static const Rng pd[] = {R(2D, 2D),     R(58A, 58A),   R(5BE, 5BE),   R(1400, 1400), R(1806, 1806),
                         R(2010, 2015), R(2E17, 2E17), R(2E1A, 2E1A), R(2E3A, 2E3B), R(2E40, 2E40),
                         R(301C, 301C), R(3030, 3030), R(30A0, 30A0), R(FE31, FE32), R(FE58, FE58),
                         R(FE63, FE63), R(FF0D, FF0D)};
static const Rng ps[] = {R(28, 28),     R(5B, 5B),     R(7B, 7B),     R(F3A, F3A),   R(F3C, F3C),
                         R(169B, 169B), R(201A, 201A), R(201E, 201E), R(2045, 2045), R(207D, 207D),
                         R(208D, 208D), R(2308, 2308), R(230A, 230A), R(2329, 2329), R(2768, 2768),
                         R(276A, 276A), R(276C, 276C), R(276E, 276E), R(2770, 2770), R(2772, 2772),
                         R(2774, 2774), R(27C5, 27C5), R(27E6, 27E6), R(27E8, 27E8), R(27EA, 27EA),
                         R(27EC, 27EC), R(27EE, 27EE), R(3008, 3008), R(300A, 300A), R(300C, 300C),
                         R(300E, 300E), R(3010, 3010), R(3014, 3014), R(3016, 3016), R(3018, 3018),
                         R(301A, 301A), R(301D, 301D), R(FE59, FE59), R(FE5B, FE5B), R(FE5D, FE5D),
                         R(FF08, FF08), R(FF3B, FF3B), R(FF5B, FF5B), R(FF5F, FF5F), R(FF62, FF62)};
static const Rng pe[] = {R(29, 29),     R(5D, 5D),     R(7D, 7D),     R(F3B, F3B),   R(F3D, F3D),
                         R(169C, 169C), R(2046, 2046), R(207E, 207E), R(208E, 208E), R(2309, 2309),
                         R(230B, 230B), R(232A, 232A), R(2769, 2769), R(276B, 276B), R(276D, 276D),
                         R(276F, 276F), R(2771, 2771), R(2773, 2773), R(2775, 2775), R(27C6, 27C6),
                         R(27E7, 27E7), R(27E9, 27E9), R(27EB, 27EB), R(27ED, 27ED), R(27EF, 27EF),
                         R(3009, 3009), R(300B, 300B), R(300D, 300D), R(300F, 300F), R(3011, 3011),
                         R(3015, 3015), R(3017, 3017), R(3019, 3019), R(301B, 301B), R(301E, 301F),
                         R(FE5A, FE5A), R(FE5C, FE5C), R(FE5E, FE5E), R(FF09, FF09), R(FF3D, FF3D),
                         R(FF5D, FF5D), R(FF60, FF60), R(FF63, FF63)};
static const Rng pi[] = {R(AB, AB),     R(2018, 2018), R(201B, 201C), R(201F, 201F),
                         R(2039, 2039), R(2E02, 2E02), R(2E04, 2E04), R(2E09, 2E09),
                         R(2E0C, 2E0C), R(2E1C, 2E1C), R(2E20, 2E20)};
static const Rng pf[] = {R(BB, BB),     R(2019, 2019), R(201D, 201D), R(203A, 203A), R(2E03, 2E03),
                         R(2E05, 2E05), R(2E0A, 2E0A), R(2E0D, 2E0D), R(2E1D, 2E1D), R(2E21, 2E21)};
static const Rng po[] = {
    R(21, 23),     R(25, 27),     R(2A, 2A),     R(2C, 2C),     R(2E, 2F),     R(3A, 3B),
    R(3F, 40),     R(5C, 5C),     R(A1, A1),     R(A7, A7),     R(B6, B7),     R(BF, BF),
    R(37E, 37E),   R(387, 387),   R(55A, 55F),   R(589, 589),   R(5C0, 5C0),   R(5C3, 5C3),
    R(5C6, 5C6),   R(5F3, 5F4),   R(609, 60A),   R(60C, 60D),   R(61B, 61B),   R(61D, 61F),
    R(66A, 66D),   R(6D4, 6D4),   R(964, 965),   R(970, 970),   R(E4F, E4F),   R(E5A, E5B),
    R(2016, 2017), R(2020, 2027), R(2030, 2038), R(203B, 203E), R(2041, 2043), R(2047, 2051),
    R(2053, 2053), R(2055, 205E), R(3001, 3003), R(303D, 303D), R(30FB, 30FB), R(FE10, FE16),
    R(FE19, FE19), R(FE30, FE30), R(FE45, FE46), R(FE49, FE4C), R(FE50, FE52), R(FE54, FE57),
    R(FE5F, FE61), R(FE68, FE68), R(FE6A, FE6B), R(FF01, FF03), R(FF05, FF07), R(FF0A, FF0A),
    R(FF0C, FF0C), R(FF0E, FF0F), R(FF1A, FF1B), R(FF1F, FF20), R(FF3C, FF3C), R(FF61, FF61),
    R(FF64, FF65)};
static const Rng sm[] = {
    R(2B, 2B),     R(3C, 3E),     R(7C, 7C),     R(7E, 7E),     R(AC, AC),     R(B1, B1),
    R(D7, D7),     R(F7, F7),     R(3F6, 3F6),   R(606, 608),   R(2044, 2044), R(2052, 2052),
    R(207A, 207C), R(208A, 208C), R(2118, 2118), R(2140, 2144), R(214B, 214B), R(2190, 2194),
    R(219A, 219B), R(21A0, 21A0), R(21A3, 21A3), R(21A6, 21A6), R(21AE, 21AE), R(21CE, 21CF),
    R(21D2, 21D2), R(21D4, 21D4), R(21F4, 22FF), R(2320, 2321), R(237C, 237C), R(239B, 23B3),
    R(23DC, 23E1), R(25B7, 25B7), R(25C1, 25C1), R(25F8, 25FF), R(266F, 266F), R(27C0, 27C4),
    R(27C7, 27E5), R(27F0, 27FF), R(2900, 2982), R(2999, 29D7), R(29DC, 29FB), R(29FE, 2AFF),
    R(2B30, 2B44), R(2B47, 2B4C), R(FB29, FB29), R(FE62, FE62), R(FE64, FE66), R(FF0B, FF0B),
    R(FF1C, FF1E), R(FF5C, FF5C), R(FF5E, FF5E), R(FFE2, FFE2), R(FFE9, FFEC)};
static const Rng sc[] = {R(24, 24),     R(A2, A5),     R(58F, 58F),   R(60B, 60B),   R(7FE, 7FF),
                         R(9F2, 9F3),   R(9FB, 9FB),   R(AF1, AF1),   R(BF9, BF9),   R(E3F, E3F),
                         R(17DB, 17DB), R(20A0, 20C0), R(A838, A838), R(FDFC, FDFC), R(FE69, FE69),
                         R(FF04, FF04), R(FFE0, FFE1), R(FFE5, FFE6)};
static const Rng sk[] = {R(5E, 5E),     R(60, 60),      R(A8, A8),     R(AF, AF),     R(B4, B4),
                         R(B8, B8),     R(2C2, 2C5),    R(2D2, 2DF),   R(2E5, 2EB),   R(2ED, 2ED),
                         R(2EF, 2FF),   R(375, 375),    R(384, 385),   R(1FBD, 1FBD), R(1FBF, 1FC1),
                         R(1FCD, 1FCF), R(1FDD, 1FDF),  R(1FED, 1FEF), R(1FFD, 1FFE), R(309B, 309C),
                         R(A700, A716), R(A720, A721),  R(A789, A78A), R(FF3E, FF3E), R(FF40, FF40),
                         R(FFE3, FFE3), R(1F3FB, 1F3FF)};
static const Rng so[] = {
    R(A6, A6),       R(A9, A9),       R(AE, AE),       R(B0, B0),       R(482, 482),
    R(58D, 58E),     R(60E, 60F),     R(6DE, 6DE),     R(6E9, 6E9),     R(6FD, 6FE),
    R(2100, 2101),   R(2103, 2106),   R(2108, 2109),   R(2114, 2114),   R(2116, 2117),
    R(211E, 2123),   R(2125, 2125),   R(2127, 2127),   R(2129, 2129),   R(212E, 212E),
    R(213A, 213B),   R(214A, 214A),   R(214C, 214D),   R(214F, 214F),   R(218A, 218B),
    R(2195, 2199),   R(219C, 219F),   R(21A1, 21A2),   R(21A4, 21A5),   R(21A7, 21AD),
    R(21AF, 21CD),   R(21D0, 21D1),   R(21D3, 21D3),   R(21D5, 21F3),   R(2300, 2307),
    R(230C, 231F),   R(2322, 2328),   R(232B, 237B),   R(237D, 239A),   R(23B4, 23DB),
    R(23E2, 23FF),   R(2400, 2426),   R(2440, 244A),   R(249C, 24E9),   R(2500, 25B6),
    R(25B8, 25C0),   R(25C2, 25F7),   R(2600, 266E),   R(2670, 2767),   R(2794, 27BF),
    R(2800, 28FF),   R(2B00, 2B2F),   R(2B45, 2B46),   R(2B4D, 2B73),   R(2B76, 2B95),
    R(2B97, 2BFF),   R(3004, 3004),   R(3012, 3013),   R(3020, 3020),   R(3036, 3037),
    R(303E, 303F),   R(3190, 3191),   R(3196, 319F),   R(31C0, 31E3),   R(3200, 321E),
    R(322A, 3247),   R(3250, 3250),   R(3260, 327F),   R(328A, 32B0),   R(32C0, 33FF),
    R(4DC0, 4DFF),   R(FFE4, FFE4),   R(FFE8, FFE8),   R(FFED, FFEE),   R(FFFC, FFFD),
    R(1F000, 1F02B), R(1F030, 1F093), R(1F0A0, 1F0F5), R(1F300, 1F3FA), R(1F400, 1F6FF),
    R(1F900, 1F9FF)};
static const Rng zs[] = {R(20, 20),     R(A0, A0),     R(1680, 1680), R(2000, 200A),
                         R(202F, 202F), R(205F, 205F), R(3000, 3000)};
static const Rng zl[] = {R(2028, 2028)};
static const Rng zp[] = {R(2029, 2029)};
static const Rng cc[] = {R(0, 1F), R(7F, 9F)};
static const Rng cf[] = {R(AD, AD),     R(600, 605),     R(61C, 61C),     R(6DD, 6DD),
                         R(70F, 70F),   R(8E2, 8E2),     R(180E, 180E),   R(200B, 200F),
                         R(202A, 202E), R(2060, 2064),   R(2066, 206F),   R(FEFF, FEFF),
                         R(FFF9, FFFB), R(110BD, 110BD), R(E0001, E0001), R(E0020, E007F)};
static const Rng cn[] = {R(FDD0, FDEF), R(FFFE, FFFF)};
static const Rng co[] = {R(E000, F8FF)};
#undef R

#define CAT(name, posix, tab)                                                                      \
    {                                                                                              \
        name, posix, tab, sizeof tab / sizeof tab[0]                                               \
    }
static const Cat cats[] = {
    {"Lu", "upper", NULL, 0}, {"Ll", "lower", NULL, 0}, CAT("Lt", NULL, lt),
    {"Lm", "alpha", NULL, 0}, {"Lo", "alpha", NULL, 0}, CAT("Mn", NULL, mn),
    CAT("Mc", NULL, mc),      CAT("Me", NULL, me),      CAT("Nd", "digit", nd),
    CAT("Nl", NULL, nl),      CAT("No", NULL, no),      CAT("Pc", NULL, pc),
    CAT("Pd", NULL, pd),      CAT("Ps", NULL, ps),      CAT("Pe", NULL, pe),
    CAT("Pi", NULL, pi),      CAT("Pf", NULL, pf),      CAT("Po", NULL, po),
    CAT("Sm", NULL, sm),      CAT("Sc", NULL, sc),      CAT("Sk", NULL, sk),
    CAT("So", NULL, so),      CAT("Zs", NULL, zs),      CAT("Zl", NULL, zl),
    CAT("Zp", NULL, zp),      CAT("Cc", NULL, cc),      CAT("Cf", NULL, cf),
    CAT("Cn", NULL, cn),      CAT("Co", NULL, co),
};
#undef CAT

static double rx_alt(Rx *r);

/* Returns the byte at the cursor, or -1 at the end of the pattern. */
static int rpeek(const Rx *r)
{
    return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

/* Adds the range lo..hi to set s. */
static void set_add(Rx *r, Set *s, uint32_t lo, uint32_t hi)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        Rng *nr = realloc(s->r, cap * sizeof *nr);
        if (!nr) {
            r->out.oom = true;
            return;
        }
        s->r = nr;
        s->cap = cap;
    }
    s->r[s->n].lo = lo;
    s->r[s->n].hi = hi;
    s->n++;
}

/* Adds POSIX class name to set s (once). */
static void set_add_posix(Set *s, const char *name)
{
    for (size_t i = 0; i < s->nposix; i++)
        if (!strcmp(s->posix[i], name)) return;
    if (s->nposix < sizeof s->posix / sizeof s->posix[0]) s->posix[s->nposix++] = name;
}

/* Adds Unicode category name (one or two letters) to set s; false if unknown. */
static bool set_add_cat(Rx *r, Set *s, const char *name, size_t n)
{
    bool found = false;
    for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++) {
        const Cat *c = &cats[i];
        if (c->name[0] != name[0] || (n == 2 && c->name[1] != name[1])) continue;
        found = true;
        if (c->posix) set_add_posix(s, c->posix);
        for (size_t k = 0; k < c->n; k++)
            set_add(r, s, c->r[k].lo, c->r[k].hi);
    }
    return found;
}

/* True for characters that need care inside a POSIX bracket expression. */
static bool bracket_special(uint32_t c)
{
    return c == ']' || c == '[' || c == '^' || c == '-';
}

/* Writes set s as one POSIX bracket expression (negated when neg). */
static void emit_bracket(Rx *r, const Set *s, bool neg)
{
    bool sp[4] = {false, false, false, false}; /* ] [ ^ - */
    const char *spc = "][^-";
    JpBuf mid = {0};
    jp_buf_put(&mid, "", 0);
    for (size_t i = 0; i < s->n && !r->bad; i++) {
        uint32_t lo = s->r[i].lo ? s->r[i].lo : 1, hi = s->r[i].hi;
        if (lo < 0x80) {
            uint32_t alo = lo, ahi = hi < 0x7F ? hi : 0x7F;
            while (alo <= ahi && bracket_special(alo))
                sp[strchr(spc, (int)alo) - spc] = true, alo++;
            while (ahi >= alo && bracket_special(ahi))
                sp[strchr(spc, (int)ahi) - spc] = true, ahi--;
            if (alo <= ahi) {
                jp_buf_putc(&mid, (char)alo);
                if (alo < ahi) {
                    jp_buf_putc(&mid, '-');
                    jp_buf_putc(&mid, (char)ahi);
                }
            }
            lo = 0x80;
        }
        for (uint32_t cp = lo; cp <= hi && !r->bad; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            if (++r->expanded > RX_MAX_EXPAND) r->bad = true;
            jp_buf_put_cp(&mid, cp);
        }
    }
    for (size_t i = 0; i < s->nposix; i++) {
        jp_buf_put(&mid, "[:", 2);
        jp_buf_put(&mid, s->posix[i], strlen(s->posix[i]));
        jp_buf_put(&mid, ":]", 2);
    }
    bool empty = mid.len == 0 && !sp[0] && !sp[1] && !sp[2] && !sp[3];
    if (mid.oom) r->out.oom = true;
    if (empty) {
        if (neg)
            jp_buf_putc(&r->out, '.');
        else
            r->bad = true; /* nothing can match: cannot happen with I-Regexp classes */
    } else if (!neg && sp[2] && !sp[0] && mid.len == 0 && !sp[1] && !sp[3]) {
        jp_buf_put(&r->out, "\\^", 2); /* a lone '^' cannot open a bracket */
    } else {
        jp_buf_put(&r->out, neg ? "[^" : "[", neg ? 2 : 1);
        if (sp[0]) jp_buf_putc(&r->out, ']');
        jp_buf_put(&r->out, mid.s, mid.len);
        if (sp[1]) jp_buf_putc(&r->out, '[');
        bool caret_first = !neg && !sp[0] && mid.len == 0 && !sp[1];
        if (sp[2] && caret_first) /* "[^" would negate: put '-' before '^' */
            jp_buf_put(&r->out, "-^", 2);
        else {
            if (sp[2]) jp_buf_putc(&r->out, '^');
            if (sp[3]) jp_buf_putc(&r->out, '-');
        }
        jp_buf_putc(&r->out, ']');
    }
    free(mid.s);
}

/* Writes one literal character, escaped for an ERE. */
static void emit_literal(Rx *r, uint32_t cp)
{
    if (cp == '^')
        jp_buf_put(&r->out, "\\^", 2);
    else if (cp < 0x80 && strchr(".[]()*+?{}|\\$", (int)cp)) {
        char b[3] = {'[', (char)cp, ']'};
        jp_buf_put(&r->out, b, 3);
    } else
        jp_buf_put_cp(&r->out, cp);
}

/* Result of an escape: one character, or a (possibly negated) category. */
typedef struct {
    bool is_cat, neg;
    uint32_t cp;
    char cat[2];
    size_t catlen;
} Esc;

/* Parses the escape after a backslash (SingleCharEsc, \p{..} or \P{..}). */
static bool parse_esc(Rx *r, Esc *e)
{
    memset(e, 0, sizeof *e);
    int c = rpeek(r);
    if (c < 0) return false;
    r->pos++;
    if (c == 'n' || c == 'r' || c == 't') {
        e->cp = c == 'n' ? '\n' : (c == 'r' ? '\r' : '\t');
        return true;
    }
    if (c && strchr("()*+-.?[\\]^{|}", c)) {
        e->cp = (uint32_t)c;
        return true;
    }
    if (c != 'p' && c != 'P') return false;
    e->is_cat = true;
    e->neg = c == 'P';
    if (rpeek(r) != '{') return false;
    r->pos++;
    while (rpeek(r) >= 'A' && rpeek(r) <= 'z' && e->catlen < 2)
        e->cat[e->catlen++] = (char)r->s[r->pos++];
    if (rpeek(r) != '}' || e->catlen == 0 || e->cat[0] < 'A' || e->cat[0] > 'Z' ||
        (e->catlen == 2 && (e->cat[1] < 'a' || e->cat[1] > 'z')))
        return false;
    r->pos++;
    Set probe = {0};
    bool ok = set_add_cat(r, &probe, e->cat, e->catlen);
    free(probe.r);
    return ok;
}

/* Reads one class character (CCchar) at the cursor; false if none is valid. */
static bool class_char(Rx *r, uint32_t *cp)
{
    int c = rpeek(r);
    if (c < 0 || c == '[' || c == ']' || c == '-') return false;
    if (c == '\\') {
        r->pos++;
        Esc e;
        if (!parse_esc(r, &e) || e.is_cat) return false;
        *cp = e.cp;
        return true;
    }
    long v = jp_utf8_decode(r->s, r->len, &r->pos);
    if (v < 0) return false;
    *cp = (uint32_t)v;
    return true;
}

/* Parses and writes a character class expression (cursor on '['). */
static void rx_class(Rx *r)
{
    Set items = {0};
    char negcats[8][2];
    size_t negn[8], nneg = 0;
    bool neg = false, first = true;
    r->pos++;
    if (rpeek(r) == '^') {
        neg = true;
        r->pos++;
    }
    for (;;) {
        int c = rpeek(r);
        if (c < 0) {
            r->bad = true;
            break;
        }
        if (c == ']') {
            r->pos++;
            r->bad = r->bad || first;
            break;
        }
        if (c == '-') {
            if (!first && !(r->pos + 1 < r->len && r->s[r->pos + 1] == ']')) {
                r->bad = true;
                break;
            }
            set_add(r, &items, '-', '-');
            r->pos++;
            first = false;
            continue;
        }
        if (c == '\\' && r->pos + 1 < r->len &&
            (r->s[r->pos + 1] == 'p' || r->s[r->pos + 1] == 'P')) {
            Esc e;
            r->pos++;
            if (!parse_esc(r, &e)) {
                r->bad = true;
                break;
            }
            if (!e.neg) {
                set_add_cat(r, &items, e.cat, e.catlen);
            } else if (nneg < 8) {
                memcpy(negcats[nneg], e.cat, 2);
                negn[nneg++] = e.catlen;
            } else {
                r->bad = true;
                break;
            }
            first = false;
            continue;
        }
        uint32_t lo, hi;
        if (!class_char(r, &lo)) {
            r->bad = true;
            break;
        }
        hi = lo;
        if (rpeek(r) == '-' && r->pos + 1 < r->len && r->s[r->pos + 1] != ']') {
            r->pos++;
            if (!class_char(r, &hi) || hi < lo) {
                r->bad = true;
                break;
            }
        }
        set_add(r, &items, lo, hi);
        first = false;
    }
    if (!r->bad) {
        if (nneg == 0) {
            emit_bracket(r, &items, neg);
        } else if (neg) {
            /* [^\P{X}] is \p{X}; anything richer would need set intersection. */
            if (items.n || items.nposix || nneg > 1) {
                r->bad = true;
            } else {
                Set s = {0};
                set_add_cat(r, &s, negcats[0], negn[0]);
                emit_bracket(r, &s, false);
                free(s.r);
            }
        } else {
            /* [a\P{X}] is ([a]|[^X]). */
            jp_buf_putc(&r->out, '(');
            bool any = false;
            if (items.n || items.nposix) {
                emit_bracket(r, &items, false);
                any = true;
            }
            for (size_t i = 0; i < nneg; i++) {
                Set s = {0};
                if (any) jp_buf_putc(&r->out, '|');
                set_add_cat(r, &s, negcats[i], negn[i]);
                emit_bracket(r, &s, true);
                free(s.r);
                any = true;
            }
            jp_buf_putc(&r->out, ')');
        }
    }
    free(items.r);
}

/* Parses and writes one atom; returns its size for the cost estimate. */
static double rx_atom(Rx *r)
{
    int c = rpeek(r);
    if (c == '(') {
        if (++r->depth > RX_MAX_DEPTH) {
            r->bad = true;
            return 0;
        }
        r->pos++;
        jp_buf_putc(&r->out, '(');
        double cost = rx_alt(r);
        if (rpeek(r) != ')') {
            r->bad = true;
            return 0;
        }
        r->pos++;
        r->depth--;
        jp_buf_putc(&r->out, ')');
        return cost + 1;
    }
    if (c == '.') {
        r->pos++;
        jp_buf_put(&r->out, "[^\n\r]", 5);
        return 1;
    }
    if (c == '[') {
        rx_class(r);
        return 1;
    }
    if (c == '\\') {
        r->pos++;
        Esc e;
        if (!parse_esc(r, &e)) {
            r->bad = true;
            return 0;
        }
        if (!e.is_cat) {
            emit_literal(r, e.cp);
        } else {
            Set s = {0};
            set_add_cat(r, &s, e.cat, e.catlen);
            emit_bracket(r, &s, e.neg);
            free(s.r);
        }
        return 1;
    }
    if (c < 0 || strchr("*+?{}]|)", c)) {
        r->bad = true; /* a quantifier with nothing to repeat, or a stray bracket */
        return 0;
    }
    long cp = jp_utf8_decode(r->s, r->len, &r->pos);
    if (cp < 0) {
        r->bad = true;
        return 0;
    }
    if (cp == '^' || cp == '$')
        jp_buf_putc(&r->out, (char)cp); /* anchors, as the RFC 9535 test suite expects */
    else
        emit_literal(r, (uint32_t)cp);
    return 1;
}

/* Reads a QuantExact (1*DIGIT) into *v, saturating at RX_MAX_REPEAT + 1. */
static bool quant_int(Rx *r, long *v)
{
    if (rpeek(r) < '0' || rpeek(r) > '9') return false;
    *v = 0;
    while (rpeek(r) >= '0' && rpeek(r) <= '9') {
        *v = *v * 10 + (rpeek(r) - '0');
        if (*v > RX_MAX_REPEAT) *v = RX_MAX_REPEAT + 1;
        r->pos++;
    }
    return true;
}

/* Parses and writes one piece (atom and optional quantifier); returns its size. */
static double rx_piece(Rx *r)
{
    double cost = rx_atom(r);
    int c = rpeek(r);
    if (r->bad) return 0;
    if (c == '*' || c == '?') {
        r->pos++;
        jp_buf_putc(&r->out, (char)c);
        return cost;
    }
    if (c == '+') {
        r->pos++;
        jp_buf_putc(&r->out, '+');
        return cost * 2;
    }
    if (c != '{') return cost;
    long lo, hi;
    r->pos++;
    if (!quant_int(r, &lo)) {
        r->bad = true;
        return 0;
    }
    hi = lo;
    bool open = false;
    if (rpeek(r) == ',') {
        r->pos++;
        if (!quant_int(r, &hi)) {
            open = true;
            hi = lo + 1;
        }
    }
    if (rpeek(r) != '}' || hi < lo || hi > RX_MAX_REPEAT) {
        r->bad = true;
        return 0;
    }
    r->pos++;
    char q[48];
    int n;
    if (open)
        n = snprintf(q, sizeof q, "{%ld,}", lo);
    else if (hi == lo)
        n = snprintf(q, sizeof q, "{%ld}", lo);
    else
        n = snprintf(q, sizeof q, "{%ld,%ld}", lo, hi);
    jp_buf_put(&r->out, q, (size_t)n);
    return cost * (double)(hi > 0 ? hi : 1);
}

/* Parses and writes one branch (a sequence of pieces); returns its size. */
static double rx_branch(Rx *r)
{
    double cost = 0;
    size_t start = r->out.len;
    while (!r->bad && rpeek(r) >= 0 && rpeek(r) != '|' && rpeek(r) != ')') {
        cost += rx_piece(r);
        if (cost > RX_MAX_COST) r->bad = true;
    }
    if (r->out.len == start)
        jp_buf_put(&r->out, "()", 2); /* an empty branch matches the empty string */
    return cost;
}

/* Parses and writes branches separated by '|'; returns their size. */
static double rx_alt(Rx *r)
{
    double cost = rx_branch(r);
    while (!r->bad && rpeek(r) == '|') {
        r->pos++;
        jp_buf_putc(&r->out, '|');
        cost += rx_branch(r);
        if (cost > RX_MAX_COST) r->bad = true;
    }
    return cost;
}

/* Translates the I-Regexp pat into a POSIX ERE (see jsonpath_internal.h). */
char *jp_iregexp_to_ere(const char *pat, bool whole, bool *oom)
{
    Rx r = {.s = pat, .len = strlen(pat)};
    *oom = false;
    jp_buf_put(&r.out, whole ? "^(" : "(", whole ? 2 : 1);
    rx_alt(&r);
    if (rpeek(&r) >= 0) r.bad = true; /* an unbalanced ')' */
    jp_buf_put(&r.out, whole ? ")$" : ")", whole ? 2 : 1);
    if (r.out.oom) {
        *oom = true;
        r.bad = true;
    }
    if (r.bad) {
        free(r.out.s);
        return NULL;
    }
    return r.out.s;
}

/* Compiles the I-Regexp pat into re (see jsonpath_internal.h). */
int jp_regex_compile(regex_t *re, const char *pat, bool whole)
{
    bool oom;
    char *ere = jp_iregexp_to_ere(pat, whole, &oom);
    if (!ere) return oom ? -1 : 1;
    int rc = regcomp(re, ere, REG_EXTENDED | REG_NOSUB);
    free(ere);
    return rc == 0 ? 0 : 1;
}
