/* w_text.c - the text widget: the panel's fixed text, word-wrapped by
 * display width (Vietnamese UTF-8, combining marks), keeping its line
 * breaks; a word wider than the panel is broken where it must. */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "widgets/draw.h"
#include "base/text.h"

#define CHUNK_MAX 1024 /* bytes of a word handled at once */

/* Where the next word goes. */
typedef struct {
    WINDOW *win;
    DrawRect r;
    int y, x; /* row (window) and column (inside r) */
} Cursor;

/* Moves c to the start of the next row; false when it is past the panel. */
static bool next_row(Cursor *c)
{
    c->y++;
    c->x = 0;
    return c->y < c->r.y + c->r.rows;
}

/* Places the clean word s at c, on the next row when it does not fit after
 * a space, broken across rows when it is wider than a row. False when the
 * panel is full. */
static bool put_word(Cursor *c, const char *s)
{
    int ww = text_width(s), cols = c->r.cols;
    if (c->x > 0 && c->x + 1 + ww > cols) {
        if (!next_row(c)) return false;
    } else if (c->x > 0) {
        c->x++;
    }
    while (ww > cols - c->x) {
        int fw;
        size_t fl = text_fit(s, cols - c->x, &fw);
        if (fl == 0 && c->x == 0) return true; /* a character wider than the panel: left out */
        if (fl > 0) draw_text(c->win, c->y, c->r.x + c->x, fw, s);
        s += fl;
        ww = text_width(s);
        if (!next_row(c)) return false;
    }
    c->x += draw_text(c->win, c->y, c->r.x + c->x, ww, s);
    return true;
}

/* Wraps one clean paragraph (no line breaks) from c's row; false when the
 * panel is full. */
static bool put_paragraph(Cursor *c, const char *p)
{
    char word[CHUNK_MAX];
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        size_t len = strcspn(p, " ");
        if (len >= sizeof word) { /* very long word: in chunks, cut between characters */
            len = sizeof word - 1;
            while (len > 0 && ((unsigned char)p[len] & 0xC0u) == 0x80u)
                len--;
        }
        memcpy(word, p, len);
        word[len] = '\0';
        p += len;
        if (!put_word(c, word)) return false;
    }
    return true;
}

/* Draws the text panel. */
static void text_draw(Widget *w, WINDOW *win, const ViewCtx *ctx)
{
    DrawRect r = draw_frame(win, ctx, draw_title(w, NULL, NULL), NULL);
    if (r.rows <= 0 || r.cols <= 0 || !w->panel || !w->panel->text) return;
    Cursor c = {win, r, r.y, 0};
    char clean[4 * CHUNK_MAX];
    draw_set(win, draw_style(ctx, 0, A_NORMAL));
    const char *p = w->panel->text;
    for (;;) {
        size_t len = strcspn(p, "\n");
        /* A paragraph longer than the buffer is cut (a panel shows less anyway). */
        char raw[4 * CHUNK_MAX];
        size_t take = len < sizeof raw - 1 ? len : sizeof raw - 1;
        memcpy(raw, p, take);
        raw[take] = '\0';
        text_clean(raw, ctx->utf8, clean, sizeof clean);
        if (!put_paragraph(&c, clean)) return;
        if (p[len] != '\n') return;
        p += len + 1;
        if (!next_row(&c)) return;
    }
}

const WidgetClass w_text_class = {
    .name = "text",
    .draw = text_draw,
    .min_rows = 3,
    .min_cols = 10,
};
