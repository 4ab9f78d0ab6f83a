#!/usr/bin/env bash
# End-to-end test of an installed ioc: cmake --install into a temporary
# prefix, then the bundled demo works from any directory (no source tree).
set -euo pipefail
: "${IOC_BUILD:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"
prefix=$T_TMP/prefix
cmake --install "$IOC_BUILD" --prefix "$prefix" >/dev/null

for f in bin/ioc bin/ioc-sim share/ioc/haiduong.yaml share/ioc/haiduong-sim.yaml \
         share/ioc/examples/national.yaml \
         share/man/man1/ioc.1.gz share/man/man1/ioc-sim.1.gz \
         share/man/man5/ioc.yaml.5.gz share/bash-completion/completions/ioc; do
  [ -e "$prefix/$f" ] && t_ok "installed $f" || t_bad "installed $f"
done

# The package's own files (/etc, /lib/systemd) are not part of cmake --install.
for f in etc lib/systemd share/doc/ioc/copyright; do
  [ ! -e "$prefix/$f" ] && t_ok "no $f under the prefix" || t_bad "no $f under the prefix"
done
if [ -n "$(find /etc/ioc/ioc.yaml /lib/systemd/system/ioc.service -newer "$T_TMP" 2>/dev/null)" ]; then
  t_bad "cmake --install wrote to /etc or /lib"
else
  t_ok "cmake --install left /etc and /lib alone"
fi

cd /
t_run env -u IOC_SIM_BIN PATH=/usr/bin:/bin "$prefix/bin/ioc" snapshot --demo -f json
t_status 0 "the installed ioc takes a demo snapshot from /"
python3 -c "import json; d=json.load(open('$T_TMP/out')); assert d['summary']['feeds_up'] == 20" \
  && t_ok "all 20 feeds of the bundled province answer" || t_bad "all 20 feeds answer"
t_run "$prefix/bin/ioc" check -c "$prefix/share/ioc/haiduong.yaml"
t_status 0 "the installed config checks clean"
t_run "$prefix/bin/ioc" check -c "$prefix/share/ioc/examples/national.yaml"
t_status 0 "the installed national example checks clean"
t_done
