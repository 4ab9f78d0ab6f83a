#!/usr/bin/env bash
# The Vietnamese catalogue is complete: every msgid that xgettext extracts from
# the sources (not tests/ or bench/) is in po/vi.po, translated and not fuzzy,
# and msgfmt --check accepts it (format directives match).
set -u
: "${IOC_SRC:?set IOC_SRC to the source tree}"
. "$IOC_SRC/tests/e2e/lib.sh"
command -v xgettext >/dev/null && command -v msgfmt >/dev/null && command -v msgcmp >/dev/null \
  || { echo "skip: gettext tools (xgettext, msgfmt, msgcmp) not installed"; exit 77; }
command -v git >/dev/null && git -C "$IOC_SRC" rev-parse >/dev/null 2>&1 \
  || { echo "skip: not a git checkout"; exit 77; }

cd "$IOC_SRC"
git ls-files '*.c' | grep -v '^tests/\|^bench/' >"$T_TMP/files"
t_run xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -f "$T_TMP/files" -o "$T_TMP/ioc.pot"
t_status 0 "xgettext extracts the messages of the sources"
# msgcmp: every msgid of the fresh template must be in po/vi.po.
t_run msgcmp --use-untranslated po/vi.po "$T_TMP/ioc.pot"
t_status 0 "every msgid of the sources is in po/vi.po (else: see docs/testing.md, Translations)"
t_run msgfmt --check --statistics -o "$T_TMP/vi.mo" po/vi.po
t_status 0 "msgfmt --check accepts po/vi.po"
t_err_has " translated message" "msgfmt reports its statistics"
t_none_has "untranslated" "no untranslated messages"
t_none_has "fuzzy" "no fuzzy translations"
t_done
