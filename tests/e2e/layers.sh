#!/usr/bin/env bash
# The layer check (scripts/check-layers.sh): the real tree passes; a tree with
# an upward or a sibling include fails and names the file and line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
check="$IOC_SRC/scripts/check-layers.sh"

t_run "$check" "$IOC_SRC"
t_status 0 "the source tree keeps its layers"
t_out_has "every include goes down" "the check says what it checked"

# A small tree: base and config below core.
mk() { mkdir -p "$T_TMP/t/$(dirname "$1")"; printf '%s\n' "$2" >"$T_TMP/t/$1"; }
mk base/a.h '/* a */'
mk config/c.h '#include "base/a.h"'
mk core/s.c '#include "config/c.h"
#include "core/s.h"'
mk core/s.h ''
t_run "$check" "$T_TMP/t"
t_status 0 "downward includes pass"

mk base/up.c '#include "core/s.h"'
t_run "$check" "$T_TMP/t"
t_status 1 "an upward include fails"
t_err_has "base/up.c:1: 'base' (layer 1) includes \"core/s.h\" from 'core' (layer 5)" "it names the file, line and layers"
rm "$T_TMP/t/base/up.c"

mk export/e.c '#include "widgets/w.h"'
mk widgets/w.h ''
t_run "$check" "$T_TMP/t"
t_status 1 "a sibling include fails"

rm "$T_TMP/t/export/e.c"
mk sim/x.c '#include "nowhere/x.h"'
t_run "$check" "$T_TMP/t"
t_status 1 "an include from a folder that is no layer fails"
t_done
