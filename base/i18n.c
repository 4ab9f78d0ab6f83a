/* i18n.c - the UI language as resolved from the catalogue in use (see i18n.h). */
#include <string.h>

#include "base/i18n.h"

/* The resolved UI language. */
static I18nLang ui_lang = I18N_UNSET;

I18nLang i18n_resolve(void)
{
    /* gettext("") is the header of the catalogue in use, "" without one. */
    const char *hdr = gettext("");
    const char *l = hdr ? strstr(hdr, "Language: ") : NULL;
    ui_lang = l && strncmp(l + 10, "vi", 2) == 0 ? I18N_VI : I18N_EN;
    return ui_lang;
}

I18nLang i18n_lang(void)
{
    return ui_lang;
}

void i18n_set_lang(I18nLang lang)
{
    ui_lang = lang;
}
