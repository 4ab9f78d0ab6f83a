/* i18n.h - gettext wrappers: every user-visible string goes through _().
 * And the UI language as resolved (ioc.language, else LC_MESSAGES/LANG): one
 * process-wide setting, read from the message catalogue in use, that picks
 * display names (name_en) and, through base/fmt.h, the number style. */
#ifndef IOC_I18N_H
#define IOC_I18N_H

#include <libintl.h>

#define _(s)  gettext(s)
#define N_(s) (s)

/* The language ioc's texts are shown in. */
typedef enum {
    I18N_UNSET, /* not resolved yet: config names, English numbers */
    I18N_EN,
    I18N_VI,
} I18nLang;

/* Finds the language messages now come out in (the "Language:" header of
 * the catalogue gettext uses; English without one), remembers it for
 * i18n_lang() and returns it. Call after textdomain() and again after the
 * language changes (ioc.language). */
I18nLang i18n_resolve(void);

/* The language i18n_resolve() found, or set by i18n_set_lang() (tests). */
I18nLang i18n_lang(void);

/* Sets the language without asking gettext (tests). */
void i18n_set_lang(I18nLang lang);

#endif
