/* console_draw.c - one frame of the console: header, panels, footer, the
 * key overlay and the "terminal too small" message (see console_internal.h).
 *
 * Every window is erased and drawn whole, then copied with wnoutrefresh();
 * one doupdate() sends only the cells that changed, so nothing flickers. A
 * frame where only the clock changed redraws the header alone; the blank
 * background between the panels is redrawn only after a layout change. */
#include <stdio.h>
#include <string.h>

#include "console/console_internal.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "base/timefmt.h"
#include "widgets/draw.h"
#include "base/text.h"

const int64_t con_windows_ms[CON_N_WINDOWS] = {15 * 60000LL, 3600000LL, 6 * 3600000LL,
                                               24 * 3600000LL};

/* A plain style: attr, default colours. */
static DrawStyle plain(attr_t attr)
{
    return (DrawStyle){attr, 0};
}

/* Writes s at (y, x) of win in style st, cut to at most maxw columns (cleaned
 * for the terminal: sanitised, ASCII without UTF-8) and never past the
 * window's right edge. Returns the columns used. */
static int put(const Console *c, WINDOW *win, int y, int x, const char *s, int maxw, DrawStyle st)
{
    int wy, wx;
    getmaxyx(win, wy, wx);
    if (y < 0 || y >= wy || x < 0 || x >= wx) return 0;
    if (maxw > wx - x) maxw = wx - x;
    if (maxw <= 0) return 0;
    char clean[512], cut[512];
    text_clean(s, c->utf8, clean, sizeof(clean));
    int w = text_truncate(clean, maxw, cut, sizeof(cut));
    draw_set(win, st);
    mvwaddstr(win, y, x, cut);
    draw_set(win, plain(A_NORMAL));
    return w;
}

/* The style of a status for the console's own lines. */
static DrawStyle status_style(const Console *c, KpiStatus st)
{
    ViewCtx ctx = {.coll = c->coll, .utf8 = c->utf8, .color = c->color};
    return draw_status_style(st, &ctx);
}

int64_t con_shown_ms(const Console *c)
{
    int64_t now = c->paused ? c->paused_at : loop_wall_ms();
    if (c->history && c->at_ms < now) return c->at_ms;
    return now;
}

int64_t con_window_ms(const Console *c)
{
    int i = c->window + (c->zoomed ? 1 : 0);
    if (i < 0) i = 0;
    if (i >= CON_N_WINDOWS) i = CON_N_WINDOWS - 1;
    return con_windows_ms[i];
}

void con_fmt_window(int64_t ms, char *buf, size_t n)
{
    if (ms >= 3600000 && ms % 3600000 == 0)
        snprintf(buf, n, "%lldh", (long long)(ms / 3600000));
    else if (ms >= 60000 && ms % 60000 == 0)
        snprintf(buf, n, "%lldm", (long long)(ms / 60000));
    else
        snprintf(buf, n, "%llds", (long long)(ms / 1000));
}

void con_view_ctx(const Console *c, const ConPanel *p, ViewCtx *ctx)
{
    const ConPage *pg = &c->pages[c->page];
    memset(ctx, 0, sizeof(*ctx));
    ctx->coll = c->coll;
    ctx->now_ms = c->paused ? c->paused_at : loop_wall_ms();
    ctx->at_ms = con_shown_ms(c);
    ctx->history = c->history;
    ctx->window_ms = con_window_ms(c);
    ctx->focused = pg->n_panels > 0 && p == &pg->panels[c->focus];
    ctx->zoomed = c->zoomed;
    ctx->utf8 = c->utf8;
    ctx->color = c->color;
    ctx->filter = c->filter[0] ? c->filter : NULL;
    ctx->alerts = c->mon->alerts;
    ctx->notifier = c->mon->notifier;
    ctx->title = p->title[0] ? p->title : NULL;
    ctx->high_contrast = c->coll->cfg->theme == CFG_THEME_HIGH_CONTRAST;
}

/* Formats how far back the history cursor is: "−1h05m", "−12m". */
static void fmt_offset(const Console *c, int64_t back_ms, char *buf, size_t n)
{
    const char *minus = c->utf8 ? "\xE2\x88\x92" : "-"; /* U+2212 */
    long long m = (long long)(back_ms / 60000);
    if (m >= 60)
        snprintf(buf, n, "%s%lldh%02lldm", minus, m / 60, m % 60);
    else
        snprintf(buf, n, "%s%lldm", minus, m);
}

/* The header's figures at wall time at (history): feeds up then
 * (coll_feed_view(), as the health panel shows them), KPIs at crit and at
 * warn then. */
static void history_counts(const Console *c, int64_t at, size_t *up, size_t *crit, size_t *warn)
{
    const Collector *a = c->coll;
    *up = *crit = *warn = 0;
    for (size_t i = 0; i < a->n_kpis; i++) {
        CollKpiView v;
        coll_kpi_view(a, i, at, &v);
        if (v.status == KST_CRIT) ++*crit;
        if (v.status == KST_WARN) ++*warn;
    }
    for (size_t f = 0; f < a->cfg->n_feeds; f++) {
        CollFeedView fv;
        coll_feed_view(a, f, at, &fv);
        if (fv.state == FS_OK) ++*up;
    }
}

/* A piece of the header's first line. */
typedef struct {
    const char *s;
    DrawStyle st;
} Piece;

/* Draws the first header line: on the left the name, the modes (history,
 * paused, bell) and an alert log error; on the right the new-critical badge,
 * feeds up, the firing alert counts and the clock. */
static void header_status(Console *c, int64_t now)
{
    WINDOW *h = c->header;
    char clock[TIMEFMT_SIZE], feeds[48], crit[32], warn[32], sil[48] = "", badge[48] = "";
    const char *x_sym = c->utf8 ? "\xE2\x9C\x97" : "x";
    AlertCounts k;
    alert_counts(c->mon->alerts, &k); /* the badge is live, even while paused */
    size_t unacked = k.unacked[SEV_CRITICAL];
    size_t up = c->feeds_up, n_crit = c->n_crit, n_warn = c->n_warn;
    if (c->history) { /* the counts of the moment shown, as the store saw it */
        int64_t at = con_shown_ms(c);
        history_counts(c, at, &up, &n_crit, &n_warn);
    } else if (c->n_silenced) {
        snprintf(sil, sizeof(sil), _("(%zu silenced)"), c->n_silenced);
    }
    timefmt_hms(now, clock, sizeof(clock));
    snprintf(feeds, sizeof(feeds), _("feeds %zu/%zu"), up, c->coll->cfg->n_feeds);
    snprintf(crit, sizeof(crit), _("%s %zu crit"), x_sym, n_crit);
    snprintf(warn, sizeof(warn), _("! %zu warn"), n_warn);
    if (unacked) snprintf(badge, sizeof(badge), _(" %s %zu NEW CRIT "), x_sym, unacked);
    DrawStyle badge_st = {A_REVERSE | A_BOLD, c->color ? DRAW_PAIR_CRIT : 0};
    const Piece right[] = {
        {badge, badge_st},
        {feeds, up < c->coll->cfg->n_feeds ? status_style(c, KST_WARN) : plain(A_NORMAL)},
        {crit, n_crit ? status_style(c, KST_CRIT) : plain(A_NORMAL)},
        {warn, n_warn ? status_style(c, KST_WARN) : plain(A_NORMAL)},
        {sil, plain(A_DIM)},
        {clock, plain(A_BOLD)},
    };
    size_t n_right = sizeof(right) / sizeof(right[0]);
    int rw = 0;
    for (size_t i = 0; i < n_right; i++)
        rw += right[i].s[0] ? text_width(right[i].s) + 2 : 0;

    char hist[128] = "", off[32], at[TIMEFMT_SIZE];
    if (c->history) { /* the banner: " HISTORY 14:30 (−1h05m) " */
        int64_t shown = con_shown_ms(c);
        fmt_offset(c, now - shown, off, sizeof(off));
        if (timefmt_hms(shown, at, sizeof(at)) >= 5) at[5] = '\0';
        snprintf(hist, sizeof(hist), " %s %s (%s) ", _("HISTORY"), at, off);
    }
    /* A thin console: its link to the collector, and a stale marker in words. */
    char link[200] = "", stale[64] = "";
    const MonitorLink *ln = &c->mon->link;
    if (c->mon->remote) {
        if (ln->state == MONITOR_LINK_UP) {
            snprintf(link, sizeof(link), _("connected to %s"), ln->host);
        } else if (ln->state == MONITOR_LINK_RETRY) {
            long long secs = (long long)((ln->retry_at_ms - now + 999) / 1000);
            snprintf(link, sizeof(link), _("reconnecting in %llds"), secs > 0 ? secs : 0);
        } else {
            snprintf(link, sizeof(link), _("connecting to %s"), ln->host);
        }
        char since[TIMEFMT_SIZE];
        if (ln->stale_since_ms && timefmt_hms(ln->stale_since_ms, since, sizeof(since)) >= 5) {
            since[5] = '\0';
            snprintf(stale, sizeof(stale), _(" STALE since %s "), since);
        }
    }
    const Piece left[] = {
        {c->coll->cfg->demo ? _(" DEMO \xE2\x80\x94 simulated data ") : "",
         status_style(c, KST_WARN) /* never mistaken for the real province */},
        {stale, (DrawStyle){A_REVERSE | A_BOLD, c->color ? DRAW_PAIR_WARN : 0}},
        {link, plain(stale[0] ? A_BOLD : A_DIM)},
        {hist, plain(A_REVERSE | A_BOLD)},
        {c->paused ? _(" PAUSED ") : "", plain(A_REVERSE | A_BOLD)},
        {c->bell ? _("BELL") : "", plain(A_BOLD)},
    };
    size_t n_left = sizeof(left) / sizeof(left[0]);
    int badges = 0;
    for (size_t i = 0; i < n_left; i++)
        badges += left[i].s[0] ? text_width(left[i].s) + 1 : 0;
    /* Problems with the record (alert log, archive) stay in the header until fixed. */
    char log_err[400];
    const char *arch = c->mon->archive_status ? c->mon->archive_status : "";
    snprintf(log_err, sizeof(log_err), "%s%s%s", c->mon->log_error,
             c->mon->log_error[0] && arch[0] ? " | " : "", arch);
    int avail = c->cols - rw - badges - 3; /* for the name and the log error */
    int ew = log_err[0] ? text_width(log_err) + 1 : 0;
    if (ew > avail * 2 / 3) ew = avail * 2 / 3; /* an alarm: before the centre's name */

    int x = 1;
    int name_w = avail - ew;
    if (name_w > 0) x += put(c, h, 0, x, c->coll->cfg->name, name_w, plain(A_BOLD)) + 1;
    for (size_t i = 0; i < n_left; i++)
        if (left[i].s[0]) x += put(c, h, 0, x, left[i].s, c->cols - x, left[i].st) + 1;
    int rx = c->cols - rw + 1;
    if (ew > 1) put(c, h, 0, x, log_err, rx - 1 - x, status_style(c, KST_CRIT));
    if (rx < x) rx = x;
    for (size_t i = 0; i < n_right; i++)
        if (right[i].s[0]) rx += put(c, h, 0, rx, right[i].s, c->cols - rx, right[i].st) + 2;
}

/* The tab label of page i: "1 Tổng quan" (pages past 9 have no number),
 * cleaned for the terminal and cut to 24 columns. */
static void tab_label(const Console *c, size_t i, char *buf, size_t n)
{
    char clean[256], title[128];
    text_clean(c->pages[i].cfg->title, c->utf8, clean, sizeof(clean));
    text_truncate(clean, 24, title, sizeof(title));
    if (i < 9)
        snprintf(buf, n, "%zu %s", i + 1, title);
    else
        snprintf(buf, n, "%s", title);
}

/* Draws the second header line: the page tabs (the shown one in brackets and
 * reverse video; "<" ">" when some do not fit) and, on the right, the time
 * window and the rotation. */
static void header_tabs(Console *c)
{
    WINDOW *h = c->header;
    char win[32], right[96], rot[32];
    con_fmt_window(con_window_ms(c), win, sizeof(win));
    snprintf(right, sizeof(right), _("window %s"), win);
    if (c->rotate) {
        con_fmt_window(c->coll->cfg->rotate_ms, rot, sizeof(rot));
        size_t len = strlen(right);
        snprintf(right + len, sizeof(right) - len, _("  rotate %s"), rot);
    }
    int rw = text_width(right);
    int limit = c->cols - rw - 4; /* tabs end before this column, ">" at it at most */
    put(c, h, 1, c->cols - rw - 1, right, rw, plain(A_NORMAL));

    /* Each tab takes its label's width plus 3 (brackets or spaces, a gap);
     * start late enough that the shown page's tab fits. */
    char label[160];
    size_t first = 0;
    for (;;) {
        int w = 1 + (first > 0 ? 2 : 0);
        for (size_t i = first; i <= c->page; i++) {
            tab_label(c, i, label, sizeof(label));
            w += text_width(label) + 3;
        }
        if (w <= limit || first >= c->page) break;
        first++;
    }
    int x = 1;
    c->tab_first = first;
    c->n_tabs = 0;
    if (first > 0) put(c, h, 1, 0, "<", 1, plain(A_BOLD)); /* the next tab starts with a space */
    for (size_t i = first; i < c->n_pages; i++) {
        char tab[170];
        bool cur = i == c->page;
        tab_label(c, i, label, sizeof(label));
        snprintf(tab, sizeof(tab), cur ? "[%s]" : " %s ", label);
        int w = text_width(tab);
        if (x + w > limit && !cur) {
            put(c, h, 1, x, ">", 1, plain(A_BOLD));
            break;
        }
        int x0 = x;
        x += put(c, h, 1, x, tab, limit - x, plain(cur ? A_REVERSE | A_BOLD : A_NORMAL)) + 1;
        if (c->n_tabs < sizeof(c->tab_x0) / sizeof(c->tab_x0[0])) { /* for mouse clicks */
            c->tab_x0[c->n_tabs] = x0;
            c->tab_x1[c->n_tabs++] = x - 1;
        }
    }
}

int con_tab_at(const Console *c, int x)
{
    for (size_t i = 0; i < c->n_tabs; i++)
        if (x >= c->tab_x0[i] && x < c->tab_x1[i]) return (int)(c->tab_first + i);
    return -1;
}

/* Draws the header window. */
static void draw_header(Console *c)
{
    werase(c->header);
    header_status(c, loop_wall_ms());
    header_tabs(c);
    wnoutrefresh(c->header);
}

/* A key and what it does, for the footer. */
typedef struct {
    const char *key, *what;
} Hint;

/* Writes hints[0..n) on the footer from column x, as many as fit before
 * column end, always ending with the last two ("? keys", "q quit"). */
static void put_hints(Console *c, int x, int end, const Hint *hints, size_t n)
{
    char item[128];
    int tail = 0;
    for (size_t i = n >= 2 ? n - 2 : 0; i < n; i++) {
        snprintf(item, sizeof(item), "%s %s  ", hints[i].key, _(hints[i].what));
        tail += text_width(item);
    }
    bool full = false;
    for (size_t i = 0; i < n; i++) {
        snprintf(item, sizeof(item), "%s %s  ", hints[i].key, _(hints[i].what));
        int w = text_width(item);
        bool last = i + 2 >= n;
        full = full || x + w + tail > end;
        if (!last && full) continue;
        int kw = put(c, c->footer, 0, x, hints[i].key, end - x, plain(A_BOLD));
        snprintf(item, sizeof(item), " %s", _(hints[i].what));
        x += kw + put(c, c->footer, 0, x + kw, item, end - x - kw, plain(A_NORMAL)) + 2;
    }
}

/* Draws the open prompt on the footer: its label, the text typed so far,
 * a cursor and what Enter and Esc do (or the last message, e.g. why a
 * duration was refused). */
static void draw_prompt(Console *c)
{
    WINDOW *f = c->footer;
    char label[CON_RULE_MAX + 64];
    const char *keys;
    switch (c->prompt) {
    case CON_PROMPT_ACK:
        snprintf(label, sizeof(label), _("acknowledge %s; comment (optional): "), c->prompt_rule);
        keys = _("Enter acknowledge  Esc cancel");
        break;
    case CON_PROMPT_SILENCE:
        snprintf(label, sizeof(label), _("silence %s for (default 1h): "), c->prompt_rule);
        keys = _("Enter silence  Esc cancel");
        break;
    case CON_PROMPT_GOTO:
        snprintf(label, sizeof(label), "%s",
                 _("go to time (HH:MM or YYYY-MM-DD HH:MM): "));
        keys = _("Enter go  Esc cancel");
        break;
    default:
        snprintf(label, sizeof(label), "/");
        keys = _("Enter apply  Esc clear");
        break;
    }
    int x = 1;
    x += put(c, f, 0, x, label, c->cols / 2, plain(A_BOLD));
    /* The end of a long text stays visible: cut from the left. */
    const char *text = c->edit;
    int room = c->cols - x - 2 - (c->msg[0] ? 0 : text_width(keys) + 2);
    if (room < 8) room = 8;
    while (*text && text_width(text) > room - 1)
        do
            text++;
        while (((unsigned char)*text & 0xC0) == 0x80);
    x += put(c, f, 0, x, text, room - 1, plain(A_NORMAL));
    x += put(c, f, 0, x, " ", 1, plain(A_REVERSE)); /* the cursor */
    if (c->msg[0])
        put(c, f, 0, x + 2, c->msg, c->cols - x - 3, status_style(c, KST_WARN));
    else
        put(c, f, 0, x + 2, keys, c->cols - x - 3, plain(A_DIM));
}

/* Draws the footer: the open prompt, or a message and the keys for the
 * current mode (with an alerts panel focused, the alert keys first). */
static void draw_footer(Console *c)
{
    WINDOW *f = c->footer;
    werase(f);
    if (c->prompt != CON_PROMPT_NONE) {
        draw_prompt(c);
        wnoutrefresh(f);
        return;
    }
    const char *arrows = c->utf8 ? "\xE2\x86\x90\xE2\x86\x93\xE2\x86\x91\xE2\x86\x92" : "arrows";
    const char *updown = c->utf8 ? "\xE2\x86\x91\xE2\x86\x93" : "up/down";
    int x = 1;
    char filt[CON_FILTER_MAX + 16] = "";
    if (c->filter[0]) snprintf(filt, sizeof(filt), _("filter: %s"), c->filter);
    int fw = text_width(filt);
    int end = c->cols - 1 - (fw ? fw + 2 : 0);
    if (fw) put(c, f, 0, c->cols - fw - 1, filt, fw, plain(A_BOLD | A_REVERSE));
    if (c->msg[0]) x += put(c, f, 0, x, c->msg, end - x - 1, plain(A_BOLD)) + 3;
    bool alerts = con_alerts_focused(c);
    if (c->wall) {
        static const Hint h[] = {{"", N_("wall display, read-only")}, {"q", N_("quit")}};
        put_hints(c, x, end, h, 2);
    } else if (c->help) {
        static const Hint h[] = {{"Esc", N_("close")}, {"q", N_("quit")}};
        put_hints(c, x, end, h, 2);
    } else if (c->history) {
        static const Hint h[] = {
            {", .", N_("minute back/forward")},
            {"< >", N_("hour back/forward")},
            {"g", N_("go to time")},
            {"Esc", N_("live")},
            {"Enter", N_("zoom")},
            {"?", N_("keys")},
            {"q", N_("quit")},
        };
        put_hints(c, x, end, h, sizeof(h) / sizeof(h[0]));
    } else if (alerts) {
        const Hint h[] = {
            {"a", N_("ack")},
            {"s", N_("silence")},
            {"u", N_("unsilence")},
            {"b", N_("bell")},
            {c->zoomed ? updown : "Enter", c->zoomed ? N_("select") : N_("zoom")},
            {c->zoomed ? "Esc" : arrows, c->zoomed ? N_("back") : N_("focus")},
            {"?", N_("keys")},
            {"q", N_("quit")},
        };
        put_hints(c, x, end, h, sizeof(h) / sizeof(h[0]));
    } else if (c->zoomed) {
        const Hint h[] = {
            {updown, N_("scroll")}, {"Esc", N_("back")}, {"[ ]", N_("window")},
            {"t", N_("history")},   {"/", N_("filter")}, {"p", N_("pause")},
            {"?", N_("keys")},      {"q", N_("quit")},
        };
        put_hints(c, x, end, h, sizeof(h) / sizeof(h[0]));
    } else {
        const Hint h[] = {
            {arrows, N_("focus")}, {"Enter", N_("zoom")}, {"1-9", N_("page")},
            {"t", N_("history")},  {"g", N_("go to")},    {"F3 /", N_("filter")},
            {"[ ]", N_("window")}, {"p", N_("pause")},    {"r", N_("rotate")},
            {"F1 ?", N_("keys")},  {"F10 q", N_("quit")},
        };
        put_hints(c, x, end, h, sizeof(h) / sizeof(h[0]));
    }
    wnoutrefresh(f);
}

/* Draws every panel window of the shown page (the zoomed one alone); with
 * background, first the blank background (stdscr) between them. */
static void draw_panels(Console *c, bool background)
{
    ConPage *pg = &c->pages[c->page];
    if (pg->n_panels == 0) {
        const char *msg = _("this page has no panels");
        int w = text_width(msg);
        werase(stdscr);
        put(c, stdscr, c->rows / 2, (c->cols - w) / 2, msg, w, plain(A_BOLD));
        wnoutrefresh(stdscr);
        return;
    }
    if (background) {
        werase(stdscr);
        wnoutrefresh(stdscr);
    }
    for (size_t k = 0; k < pg->n_panels; k++) {
        ConPanel *p = &pg->panels[k];
        if (!p->win) continue;
        werase(p->win);
        if (p->w && p->w->cls && p->w->cls->draw) {
            ViewCtx ctx;
            con_view_ctx(c, p, &ctx);
            p->w->cls->draw(p->w, p->win, &ctx);
        }
        wnoutrefresh(p->win);
    }
}

/* Draws the key overlay, centred over the body. */
static void draw_help(Console *c)
{
    static const char *const lines[][2] = {
        {N_("1-9  PgUp PgDn"), N_("show a page / the previous or next page")},
        {N_("arrows  h j k l"), N_("move the focus to the nearest panel that way")},
        {N_("Tab  Shift-Tab"), N_("focus the next / previous panel")},
        {N_("Enter"), N_("zoom the focused panel (longer window); Enter or Esc: back")},
        {N_("arrows (zoomed)"), N_("go to the panel: scroll, select a row")},
        {N_("[  ]"), N_("shorter / longer time window: 15m 1h 6h 24h")},
        {N_("/  F3"), N_("filter KPIs by name; Enter applies, Esc clears")},
        {N_("t"), N_("history: show the province as it was (t or Esc: live)")},
        {N_(",  ."), N_("history: one minute back / forward")},
        {N_("<  >"), N_("history: one hour back / forward")},
        {N_("g"), N_("history: go to a time typed as HH:MM or YYYY-MM-DD HH:MM")},
        {N_("p"), N_("pause the display (polling continues)")},
        {N_("r"), N_("turn the pages automatically (ioc.rotate)")},
        {N_("a"), N_("acknowledge the selected alert (alerts panel), with a comment")},
        {N_("s  u"), N_("silence the selected alert's rule (default 1h) / remove its silence")},
        {N_("b"), N_("bell: one beep for each new critical alert (off at start)")},
        {N_("Esc"), N_("back: close, unzoom, return to live, clear the filter")},
        {N_("mouse"), N_("click a tab: its page; click a panel: focus; wheel: scroll")},
        {N_("F1  ?"), N_("this list")},
        {N_("F10  q"), N_("quit")},
    };
    size_t n = sizeof(lines) / sizeof(lines[0]);
    int kw = 0, dw = 0;
    for (size_t i = 0; i < n; i++) {
        int a = text_width(_(lines[i][0])), b = text_width(_(lines[i][1]));
        kw = a > kw ? a : kw;
        dw = b > dw ? b : dw;
    }
    int w = kw + dw + 7, h = (int)n + 4;
    if (w > c->cols) w = c->cols;
    if (h > c->rows) h = c->rows;
    int y = (c->rows - h) / 2, x = (c->cols - w) / 2;
    WINDOW *o = newwin(h, w, y, x);
    if (!o) return;
    if (c->utf8)
        box(o, 0, 0);
    else
        wborder(o, '|', '|', '-', '-', '+', '+', '+', '+');
    const char *title = _(" Keys ");
    put(c, o, 0, (w - text_width(title)) / 2, title, w - 2, plain(A_BOLD));
    for (size_t i = 0; i < n && (int)i + 2 < h - 1; i++) {
        put(c, o, (int)i + 2, 2, _(lines[i][0]), kw, plain(A_BOLD));
        put(c, o, (int)i + 2, kw + 5, _(lines[i][1]), w - kw - 6, plain(A_NORMAL));
    }
    wnoutrefresh(o);
    delwin(o);
}

/* Draws the "terminal too small" message in the middle of the screen. */
static void draw_too_small(Console *c)
{
    char msg[128];
    snprintf(msg, sizeof(msg), _("terminal too small (need %d%s%d, have %d%s%d)"), CON_MIN_COLS,
             c->utf8 ? "\xC3\x97" : "x", CON_MIN_ROWS, c->cols, c->utf8 ? "\xC3\x97" : "x",
             c->rows);
    werase(stdscr);
    int w = text_width(msg);
    int x = w < c->cols ? (c->cols - w) / 2 : 0;
    put(c, stdscr, c->rows / 2, x, msg, c->cols, plain(A_BOLD));
    wnoutrefresh(stdscr);
}

void con_draw(Console *c)
{
    unsigned d = c->dirty;
    bool relaid = false;
    if (d & CON_DIRTY_LAYOUT) {
        relaid = true;
        if (con_layout(c) != 0) {
            snprintf(c->err, sizeof(c->err), "%s", _("out of memory for the console's windows"));
            c->failed = true;
            return;
        }
        d = CON_DIRTY_ALL;
    }
    if (c->too_small) {
        draw_too_small(c);
        doupdate();
        return;
    }
    if ((d & ~(unsigned)CON_DIRTY_HEADER) || c->help) {
        /* The background between the panels changes only with the layout
         * (page, zoom, size, the key list opened or closed): erasing and
         * copying the whole screen every frame would cost more than the panels. */
        draw_panels(c, relaid || c->help);
        draw_footer(c);
    }
    draw_header(c);
    if (c->help) draw_help(c);
    doupdate();
}
