/* console_alerts.c - the console's alert keys (see console_internal.h and
 * docs/console.md): a acknowledges the selected alert of the focused alerts
 * panel (a footer prompt asks an optional comment), s silences its rule (the
 * prompt asks how long, 1h by default), u removes its silence, b turns the
 * bell for new critical alerts on and off. The operator is monitor_operator().
 *
 * The selected alert is the alert_list() entry at the widget's selected row
 * (the first row until the list keys move it), as the widget draws it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "console/console_internal.h"
#include "base/i18n.h"
#include "base/loop.h"
#include "base/timefmt.h"
#include "widgets/draw.h"

#define HOUR_MS         3600000LL
#define MAX_SILENCE_MS  (30LL * 24 * HOUR_MS) /* the longest silence the prompt takes */
#define DEFAULT_SILENCE HOUR_MS

bool con_is_alerts_panel(const ConPanel *p)
{
    return p && p->w && p->w->cls && strcmp(p->w->cls->name, "alerts") == 0;
}

/* The focused panel of the shown page, or NULL on a page without panels. */
static ConPanel *focused_panel(const Console *c)
{
    const ConPage *pg = &c->pages[c->page];
    return pg->n_panels ? &pg->panels[c->focus] : NULL;
}

bool con_alerts_focused(const Console *c)
{
    return con_is_alerts_panel(focused_panel(c));
}

/* Sets the footer's message (shown until the next key). */
__attribute__((format(printf, 2, 3))) static void say(Console *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
    va_end(ap);
    c->dirty |= CON_DIRTY_FOOTER;
}

/* Focuses the first alerts panel of the shown page; false when it has none. */
static bool focus_alerts(Console *c)
{
    const ConPage *pg = &c->pages[c->page];
    for (size_t i = 0; i < pg->n_panels; i++) {
        if (!con_is_alerts_panel(&pg->panels[i])) continue;
        c->focus = i;
        c->dirty |= c->zoomed ? CON_DIRTY_ALL : CON_DIRTY_BODY | CON_DIRTY_FOOTER;
        return true;
    }
    return false;
}

/* The alert selected in the focused alerts panel, or NULL (with a message)
 * when no alerts panel is focused (one is focused then, when the page has
 * one) or its list is empty. */
static const Alert *selected_alert(Console *c)
{
    ConPanel *p = focused_panel(c);
    if (!con_is_alerts_panel(p)) {
        if (focus_alerts(c))
            say(c, "%s", _("alerts panel focused: select an alert, then press the key again"));
        else
            say(c, "%s", _("no alerts panel on this page"));
        return NULL;
    }
    size_t n = alert_list(c->mon->alerts, c->alist, c->alist_cap);
    if (n > c->alist_cap) n = c->alist_cap;
    size_t sel = p->w->selected > 0 ? (size_t)p->w->selected : 0;
    if (sel >= n) {
        say(c, "%s", _("no alert selected: the list is empty"));
        return NULL;
    }
    return c->alist[sel];
}

/* Opens prompt kind for alert a. */
static void open_prompt(Console *c, ConPrompt kind, const Alert *a)
{
    snprintf(c->prompt_rule, sizeof(c->prompt_rule), "%s", a->rule->id);
    c->edit[0] = '\0';
    c->prompt = kind;
    c->dirty |= CON_DIRTY_FOOTER;
}

/* u: removes the silence of the selected alert. */
static void unsilence(Console *c)
{
    const Alert *a = selected_alert(c);
    if (!a) return;
    if (!a->silenced) {
        say(c, _("'%.80s' is not silenced"), a->rule->id);
        return;
    }
    char err[160];
    if (monitor_unsilence(c->mon, a->silence_id, monitor_operator(), err, sizeof(err)) != 0) {
        say(c, "%s", err);
        return;
    }
    if (a->silenced) /* another silence covers it too */
        say(c, _("silence removed; '%.80s' is still silenced by another one"), a->rule->id);
    else
        say(c, _("silence of '%.80s' removed"), a->rule->id);
    c->coll->dirty |= COLL_DIRTY_STATUS;
}

bool con_alert_key(Console *c, int ch)
{
    const Alert *a;
    switch (ch) {
    case 'a':
        if ((a = selected_alert(c))) open_prompt(c, CON_PROMPT_ACK, a);
        return true;
    case 's':
        if ((a = selected_alert(c))) open_prompt(c, CON_PROMPT_SILENCE, a);
        return true;
    case 'u':
        unsilence(c);
        return true;
    case 'b':
        c->bell = !c->bell;
        say(c, "%s", c->bell ? _("bell on: one beep for each new critical alert") : _("bell off"));
        c->dirty |= CON_DIRTY_HEADER;
        return true;
    default:
        return false;
    }
}

/* Formats when a silence ends: "14:30", or "2026-11-26 14:30" (Vietnamese
 * "26/11/2026 14:30") on another day. */
static void fmt_until(int64_t until, char *buf, size_t n)
{
    if (timefmt_near(fmt_style(), until, loop_wall_ms(), true, buf, n) < 0) snprintf(buf, n, "?");
}

/* Enter in the silence prompt: silences the rule; false (prompt kept open)
 * when the duration is not one. */
static bool submit_silence(Console *c)
{
    int64_t ms = DEFAULT_SILENCE;
    const char *text = c->edit + strspn(c->edit, " ");
    if (*text && (!cfg_parse_duration(text, &ms) || ms <= 0 || ms > MAX_SILENCE_MS)) {
        say(c, _("expected a duration such as 15m, 2h or 1d (at most 30d), got '%.40s'"), text);
        return false;
    }
    char err[160];
    unsigned id =
        monitor_silence(c->mon, c->prompt_rule, ms, monitor_operator(), NULL, err, sizeof(err));
    if (id == 0) {
        say(c, "%s", err);
        return true;
    }
    char until[48];
    fmt_until(loop_wall_ms() + ms, until, sizeof(until));
    say(c, _("'%.80s' silenced until %s"), c->prompt_rule, until);
    return true;
}

void con_alert_prompt_done(Console *c, bool ok)
{
    c->dirty |= CON_DIRTY_FOOTER;
    if (!ok) {
        c->prompt = CON_PROMPT_NONE;
        c->edit[0] = '\0';
        return;
    }
    if (c->prompt == CON_PROMPT_SILENCE) {
        if (!submit_silence(c)) return;
    } else if (c->prompt == CON_PROMPT_ACK) {
        char err[160];
        const char *who = monitor_operator();
        if (monitor_ack(c->mon, c->prompt_rule, who, c->edit[0] ? c->edit : NULL, err,
                      sizeof(err)) != 0)
            say(c, "%s", err);
        else
            say(c, _("'%.80s' acknowledged by %.60s"), c->prompt_rule, who);
    }
    c->prompt = CON_PROMPT_NONE;
    c->edit[0] = '\0';
    c->coll->dirty |= COLL_DIRTY_STATUS; /* counts, badge and list change */
}
