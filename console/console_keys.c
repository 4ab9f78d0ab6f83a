/* console_keys.c - the console's keys and modes (see console_internal.h and
 * docs/console.md). Handlers change state and set dirty flags; they never draw.
 *
 * Arrow keys are shared this way: on the grid they move the focus between
 * panels; when a panel is zoomed they (and h j k l) go to its widget, e.g.
 * to scroll a table. Keys the console does not use go to the focused widget. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "console/console_internal.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "base/timefmt.h"

#define KEY_ESC 27
#define MINUTE  60000LL
#define HOUR    3600000LL

void con_show_page(Console *c, size_t i)
{
    if (i >= c->n_pages) return;
    if (i != c->page || c->zoomed) {
        c->page = i;
        c->focus = 0;
        c->zoomed = false;
        c->dirty |= CON_DIRTY_ALL;
    }
    con_rotate_arm(c);
}

/* Moves the history cursor by delta ms (entering history mode), never past
 * now and never further back than CON_HISTORY_MAX. */
static void history_move(Console *c, int64_t delta)
{
    int64_t now = loop_wall_ms();
    if (!c->history) {
        c->history = true;
        c->at_ms = now;
    }
    int64_t at = c->at_ms + delta;
    if (at > now) at = now;
    if (at < now - CON_HISTORY_MAX) at = now - CON_HISTORY_MAX;
    c->at_ms = at;
    c->dirty |= CON_DIRTY_ALL & ~(unsigned)CON_DIRTY_LAYOUT;
}

/* Sets the footer's message (shown until the next key). */
__attribute__((format(printf, 2, 3))) static void tell(Console *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
    va_end(ap);
    c->dirty |= CON_DIRTY_FOOTER;
}

bool con_parse_time(const char *s, int64_t now, int64_t *at)
{
    int y = 0, mo = 0, d = 0, h = -1, mi = -1, end = -1;
    while (*s == ' ')
        s++;
    bool dated = false;
    if (sscanf(s, "%4d-%2d-%2d %2d:%2d %n", &y, &mo, &d, &h, &mi, &end) == 5 && s[end] == '\0')
        dated = true;
    else if (end = -1,
             sscanf(s, "%2d/%2d/%4d %2d:%2d %n", &d, &mo, &y, &h, &mi, &end) == 5 && s[end] == '\0')
        dated = true; /* the Vietnamese way: day first */
    else if (end = -1, !(sscanf(s, "%2d:%2d %n", &h, &mi, &end) == 2 && end > 0 && s[end] == '\0'))
        return false;
    if (h < 0 || h > 23 || mi < 0 || mi > 59) return false;
    struct tm tm;
    time_t t = (time_t)(now / 1000);
    if (!localtime_r(&t, &tm)) return false;
    if (dated) {
        if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31) return false;
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
    }
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    int want_day = tm.tm_mday;
    time_t r = mktime(&tm);
    if (r == (time_t)-1 || tm.tm_mday != want_day) return false; /* no 31 February */
    int64_t ms = (int64_t)r * 1000;
    if (!dated && ms > now) { /* a time later today: yesterday's */
        tm.tm_mday--;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_isdst = -1;
        r = mktime(&tm);
        if (r == (time_t)-1) return false;
        ms = (int64_t)r * 1000;
    }
    *at = ms;
    return true;
}

/* Enter in the g prompt: shows the typed time in history mode; false (the
 * prompt stays open, with why) when it is not a time that can be shown. */
static bool goto_time(Console *c)
{
    int64_t now = loop_wall_ms(), at;
    if (!con_parse_time(c->edit, now, &at)) {
        tell(c, _("expected HH:MM, YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM, got '%.40s'"), c->edit);
        return false;
    }
    if (at > now) {
        tell(c, "%s", _("that time is in the future"));
        return false;
    }
    if (at < now - CON_HISTORY_MAX) {
        tell(c, "%s", _("history goes back 35 days at most"));
        return false;
    }
    c->history = true;
    c->at_ms = at;
    c->dirty |= CON_DIRTY_ALL & ~(unsigned)CON_DIRTY_LAYOUT;
    return true;
}

/* Leaves history mode (back to live). */
static void history_off(Console *c)
{
    c->history = false;
    c->dirty |= CON_DIRTY_ALL & ~(unsigned)CON_DIRTY_LAYOUT;
}

/* Removes the last UTF-8 character of s. */
static void drop_last_char(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0) n--;
    s[n] = '\0';
}

/* The bytes (NUL included) the open prompt's text may take. */
static size_t prompt_cap(const Console *c)
{
    switch (c->prompt) {
    case CON_PROMPT_FILTER:
        return CON_FILTER_MAX;
    case CON_PROMPT_SILENCE:
    case CON_PROMPT_GOTO:
        return 32; /* a duration, a time */
    default:
        return sizeof(c->edit);
    }
}

/* Appends the typed character wc to the prompt's text when it is printable and fits. */
static void prompt_add(Console *c, int wc)
{
    if (wc < 0x20 || wc == 0x7F || (wc >= 0x80 && wc < 0xA0)) return;
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    size_t n = wcrtomb(mb, (wchar_t)wc, &st);
    if (n == (size_t)-1 || n == 0) return;
    size_t len = strlen(c->edit);
    if (len + n >= prompt_cap(c)) return;
    memcpy(c->edit + len, mb, n);
    c->edit[len + n] = '\0';
}

/* Handles a key while a prompt is open: the "/" filter, or an ack comment
 * or silence duration (answered by console_alerts.c). */
static void prompt_key(Console *c, int code, bool is_code)
{
    c->dirty |= CON_DIRTY_FOOTER;
    bool enter = (is_code && code == KEY_ENTER) || (!is_code && (code == '\n' || code == '\r'));
    bool esc = !is_code && code == KEY_ESC;
    if (c->prompt == CON_PROMPT_GOTO && (enter || esc)) {
        if (esc || goto_time(c)) {
            c->prompt = CON_PROMPT_NONE;
            c->edit[0] = '\0';
        }
    } else if ((enter || esc) && c->prompt != CON_PROMPT_FILTER) {
        con_alert_prompt_done(c, enter);
    } else if (enter) {
        size_t len = strnlen(c->edit, sizeof(c->filter) - 1); /* prompt_cap() kept it short */
        memcpy(c->filter, c->edit, len);
        c->filter[len] = '\0';
        c->prompt = CON_PROMPT_NONE;
        c->dirty |= CON_DIRTY_BODY;
    } else if (esc) {
        c->filter[0] = c->edit[0] = '\0';
        c->prompt = CON_PROMPT_NONE;
        c->dirty |= CON_DIRTY_BODY;
    } else if ((is_code && code == KEY_BACKSPACE) || (!is_code && (code == 127 || code == 8))) {
        drop_last_char(c->edit);
    } else if (!is_code && code == 21) { /* Ctrl-U */
        c->edit[0] = '\0';
    } else if (!is_code) {
        prompt_add(c, code);
    }
}

static void con_key_mouse(Console *c);

/* Passes a key to the focused widget; marks the body dirty when it used it.
 * False when it did not. */
static bool to_widget(Console *c, int key)
{
    ConPage *pg = &c->pages[c->page];
    if (pg->n_panels == 0) return false;
    ConPanel *p = &pg->panels[c->focus];
    if (!p->w) return false;
    ViewCtx ctx;
    con_view_ctx(c, p, &ctx);
    if (!widget_key(p->w, key, &ctx)) return false;
    c->dirty |= CON_DIRTY_BODY;
    return true;
}

/* Says in the footer that key (a character, or a curses code when is_code)
 * does nothing here: "key 7: no page 7", "unknown key x (? lists the keys)". */
static void unknown_key(Console *c, int code, bool is_code)
{
    if (!is_code && code >= '1' && code <= '9') {
        tell(c, _("key %c: no page %c (this config has %zu)"), code, code, c->n_pages);
        return;
    }
    char name[32];
    if (is_code) {
        const char *k = keyname(code);
        snprintf(name, sizeof(name), "%s", k ? k : "?");
    } else if (code < 0x20 || code == 0x7F) {
        snprintf(name, sizeof(name), "^%c", code == 0x7F ? '?' : code + '@');
    } else {
        char mb[MB_LEN_MAX + 1];
        mbstate_t st;
        memset(&st, 0, sizeof(st));
        size_t n = wcrtomb(mb, (wchar_t)code, &st);
        if (n == (size_t)-1) n = 0;
        mb[n] = '\0';
        snprintf(name, sizeof(name), "%s", mb);
    }
    tell(c, _("unknown key %s (? lists the keys)"), name);
}

/* Moves the focus (grid) or passes the direction to the zoomed widget. */
static void direction(Console *c, int dy, int dx)
{
    if (c->zoomed) {
        to_widget(c, dy < 0 ? KEY_UP : dy > 0 ? KEY_DOWN : dx < 0 ? KEY_LEFT : KEY_RIGHT);
        return;
    }
    ConPage *pg = &c->pages[c->page];
    size_t f = con_focus_step(pg, c->focus, dy, dx);
    if (f != c->focus) {
        c->focus = f;
        c->dirty |= CON_DIRTY_BODY;
    }
}

/* Cycles the focus through the page's panels in config order. */
static void cycle_focus(Console *c, int step)
{
    ConPage *pg = &c->pages[c->page];
    if (pg->n_panels < 2) return;
    c->focus = (c->focus + pg->n_panels + (size_t)(step > 0 ? 1 : pg->n_panels - 1)) % pg->n_panels;
    if (c->zoomed) c->dirty |= CON_DIRTY_LAYOUT;
    c->dirty |= CON_DIRTY_BODY;
}

/* Esc outside the prompt and the overlay: undoes the innermost mode. */
static void escape(Console *c)
{
    if (c->zoomed) {
        c->zoomed = false;
        c->dirty |= CON_DIRTY_ALL;
    } else if (c->history) {
        history_off(c);
    } else if (c->filter[0]) {
        c->filter[0] = c->edit[0] = '\0';
        c->dirty |= CON_DIRTY_BODY | CON_DIRTY_FOOTER;
    }
}

/* Handles the keys that are characters; false when the console does not use it. */
static bool char_key(Console *c, int ch)
{
    switch (ch) {
    case 'q':
    case 'Q':
        c->quit = true;
        return true;
    case '?':
        c->help = true;
        c->dirty |= CON_DIRTY_ALL;
        return true;
    case KEY_ESC:
        escape(c);
        return true;
    case '\n':
    case '\r':
        if (c->pages[c->page].n_panels == 0) return true;
        c->zoomed = !c->zoomed;
        c->dirty |= CON_DIRTY_ALL;
        return true;
    case '\t':
        cycle_focus(c, 1);
        return true;
    case 'h':
    case 'j':
    case 'k':
    case 'l':
        direction(c, ch == 'j' ? 1 : ch == 'k' ? -1 : 0, ch == 'l' ? 1 : ch == 'h' ? -1 : 0);
        return true;
    case '[':
    case ']':
        if (ch == '[' && c->window > 0) c->window--;
        if (ch == ']' && c->window < CON_N_WINDOWS - 1) c->window++;
        c->dirty |= CON_DIRTY_BODY | CON_DIRTY_HEADER;
        return true;
    case '/':
        c->prompt = CON_PROMPT_FILTER;
        snprintf(c->edit, sizeof(c->edit), "%s", c->filter);
        c->dirty |= CON_DIRTY_FOOTER;
        return true;
    case 'p':
        c->paused = !c->paused;
        c->paused_at = loop_wall_ms();
        if (!c->paused) con_refresh_counts(c);
        c->dirty |= CON_DIRTY_ALL & ~(unsigned)CON_DIRTY_LAYOUT;
        return true;
    case 'g':
        c->prompt = CON_PROMPT_GOTO;
        c->edit[0] = '\0';
        c->dirty |= CON_DIRTY_FOOTER;
        return true;
    case 'r':
        c->rotate = !c->rotate;
        con_rotate_arm(c);
        c->dirty |= CON_DIRTY_HEADER;
        return true;
    case 't':
        if (c->history)
            history_off(c);
        else
            history_move(c, 0);
        return true;
    case ',':
        history_move(c, -MINUTE);
        return true;
    case '<':
        history_move(c, -HOUR);
        return true;
    case '.':
    case '>':
        if (c->history) history_move(c, ch == '.' ? MINUTE : HOUR);
        return true;
    default:
        if (c->history && (ch == 'a' || ch == 's' || ch == 'u')) {
            tell(c, "%s", _("history shows the past: act on alerts live (Esc)"));
            return true;
        }
        if (con_alert_key(c, ch)) return true;
        if (ch >= '1' && ch <= '9' && (size_t)(ch - '1') < c->n_pages) {
            con_show_page(c, (size_t)(ch - '1'));
            return true;
        }
        return false;
    }
}

/* A key on a video wall: q and F10 quit, a resize is taken, a mouse event
 * is read and dropped, anything else only says that the wall is read-only. */
static void wall_key(Console *c, int code, bool is_code)
{
    if ((!is_code && (code == 'q' || code == 'Q')) || (is_code && code == KEY_F(10))) {
        c->quit = true;
    } else if (is_code && code == KEY_RESIZE) {
        c->resized = true;
    } else if (is_code && code == KEY_MOUSE) {
        MEVENT ev;
        (void)getmouse(&ev);
    } else {
        tell(c, "%s", _("this is a read-only wall display: q quits"));
    }
}

void con_key(Console *c, int code, bool is_code)
{
    if (c->msg[0]) { /* a message lasts until the next key */
        c->msg[0] = '\0';
        c->dirty |= CON_DIRTY_FOOTER;
    }
    if (c->wall) {
        wall_key(c, code, is_code);
        return;
    }
    if (c->prompt) {
        prompt_key(c, code, is_code);
        return;
    }
    if (c->help) {
        if ((!is_code && (code == 'q' || code == 'Q')) || (is_code && code == KEY_F(10)))
            c->quit = true;
        else if ((!is_code && (code == KEY_ESC || code == '?' || code == '\n' || code == '\r')) ||
                 (is_code && (code == KEY_ENTER || code == KEY_F(1))))
            c->help = false;
        else if (is_code && code == KEY_MOUSE)
            con_key_mouse(c);
        c->dirty |= CON_DIRTY_ALL;
        return;
    }
    if (!is_code) {
        if (!char_key(c, code) && !(code < 0x80 && to_widget(c, code))) unknown_key(c, code, false);
        return;
    }
    switch (code) {
    case KEY_F(1):
        char_key(c, '?');
        break;
    case KEY_F(3):
        char_key(c, '/');
        break;
    case KEY_F(10):
        c->quit = true;
        break;
    case KEY_MOUSE:
        con_key_mouse(c);
        break;
    case KEY_UP:
        direction(c, -1, 0);
        break;
    case KEY_DOWN:
        direction(c, 1, 0);
        break;
    case KEY_LEFT:
        direction(c, 0, -1);
        break;
    case KEY_RIGHT:
        direction(c, 0, 1);
        break;
    case KEY_NPAGE:
        if (c->n_pages > 1) con_show_page(c, (c->page + 1) % c->n_pages);
        break;
    case KEY_PPAGE:
        if (c->n_pages > 1) con_show_page(c, (c->page + c->n_pages - 1) % c->n_pages);
        break;
    case KEY_BTAB:
        cycle_focus(c, -1);
        break;
    case KEY_ENTER:
        char_key(c, '\n');
        break;
    case KEY_RESIZE:
        c->resized = true;
        break;
    default:
        if (!to_widget(c, code)) unknown_key(c, code, true);
        break;
    }
}

/* Reads the pending mouse event and handles it. */
static void con_key_mouse(Console *c)
{
    MEVENT ev;
    if (getmouse(&ev) == OK) con_mouse(c, ev.y, ev.x, (unsigned long)ev.bstate);
}

/* The panel of the shown page at screen cell (y, x), or -1. */
static int panel_at(const Console *c, int y, int x)
{
    const ConPage *pg = &c->pages[c->page];
    if (c->zoomed)
        return pg->n_panels && y >= CON_HEADER_ROWS && y < c->rows - CON_FOOTER_ROWS ? (int)c->focus
                                                                                     : -1;
    for (size_t k = 0; k < pg->n_panels; k++) {
        const ConRect *r = &pg->panels[k].r;
        if (y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w) return (int)k;
    }
    return -1;
}

void con_mouse(Console *c, int y, int x, unsigned long bstate)
{
    unsigned long click = BUTTON1_PRESSED | BUTTON1_CLICKED;
    unsigned long up = BUTTON4_PRESSED, down = 0;
#ifdef BUTTON5_PRESSED
    down = BUTTON5_PRESSED;
#endif
    if (c->help) {
        if (bstate & click) c->help = false;
        c->dirty |= CON_DIRTY_ALL;
        return;
    }
    if (c->too_small || c->prompt) return;
    if (y == 1 && (bstate & click)) { /* the tab line */
        int t = con_tab_at(c, x);
        if (t >= 0) con_show_page(c, (size_t)t);
        return;
    }
    int k = panel_at(c, y, x);
    if (k < 0) return;
    if ((size_t)k != c->focus) {
        c->focus = (size_t)k;
        c->dirty |= CON_DIRTY_BODY | CON_DIRTY_FOOTER;
    }
    if (bstate & up)
        to_widget(c, KEY_UP);
    else if (down && (bstate & down))
        to_widget(c, KEY_DOWN);
}
