#!/usr/bin/env bash
# End-to-end test of the Debian package (issue 16): cpack -G DEB from a built
# tree ($IOC_PKG_BUILD, e.g. scripts/test.sh's build-release, else
# $IOC_BUILD), then its contents, lintian, and the extracted files at work:
# ioc --version, ioc check on the shipped config (and the config polling the
# simulator), man -l on each page, systemd-analyze verify and security on the
# unit, systemd-sysusers on the user, bash completion. Nothing is installed.
set -euo pipefail
: "${IOC_BUILD:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"

for tool in cpack dpkg-deb dpkg-shlibdeps file lintian man systemd-analyze systemd-sysusers zsh; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (scripts/deps.sh --test)"; exit 77; }
done
build=${IOC_PKG_BUILD:-$IOC_BUILD}
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb=$T_TMP/pkg/ioc_${version}_$(dpkg --print-architecture).deb

# cpack in a directory of its own: the build tree is shared with other tests.
t_run cpack -G DEB --config "$build/CPackConfig.cmake" -B "$T_TMP/pkg"
t_status 0 "cpack -G DEB builds the package"
[ -f "$deb" ] && t_ok "it is named $(basename "$deb")" || { t_bad "no $deb"; t_done; }

dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$T_TMP/contents"
for f in /usr/bin/ioc /usr/bin/ioc-sim \
         /usr/share/man/man1/ioc.1.gz /usr/share/man/man1/ioc-sim.1.gz \
         /usr/share/man/man5/ioc.yaml.5.gz \
         /usr/share/ioc/haiduong.yaml /usr/share/ioc/haiduong-sim.yaml \
         /usr/share/ioc/examples/ioc.yaml /usr/share/ioc/examples/national.yaml /etc/ioc/ioc.yaml \
         /lib/systemd/system/ioc.service /usr/lib/sysusers.d/ioc.conf \
         /usr/share/bash-completion/completions/ioc /usr/share/zsh/vendor-completions/_ioc \
         /usr/share/doc/ioc/copyright /usr/share/doc/ioc/changelog.gz \
         /usr/share/doc/ioc/config.md /usr/share/doc/ioc/deploy.md; do
  grep -qx -- "$f" "$T_TMP/contents" && t_ok "the package holds $f" || t_bad "the package lacks $f"
done
if [ -f "$IOC_SRC/po/vi.po" ]; then
  grep -qx /usr/share/locale/vi/LC_MESSAGES/ioc.mo "$T_TMP/contents" \
    && t_ok "the package holds the Vietnamese catalogue" || t_bad "no Vietnamese catalogue"
fi

dpkg-deb -e "$deb" "$T_TMP/control"
t_run cat "$T_TMP/control/conffiles"
t_out_is "/etc/ioc/ioc.yaml" "/etc/ioc/ioc.yaml is the one conffile"
for s in postinst prerm postrm; do
  [ -x "$T_TMP/control/$s" ] && sh -n "$T_TMP/control/$s" \
    && t_ok "$s is an executable shell script" || t_bad "$s is an executable shell script"
done
t_run dpkg-deb --field "$deb" Depends
for lib in libcurl4 libncursesw6 libsqlite3-0 libyaml-0-2 libcjson1 libmicrohttpd12; do
  t_out_has "$lib" "dpkg-shlibdeps found $lib"
done

# lintian: no errors (warnings and notes are listed, not failed).
t_run lintian --tag-display-limit 0 "$deb"
sed 's/^/       lintian: /' "$T_TMP/out"
if grep -q '^E:' "$T_TMP/out"; then t_bad "lintian reports errors"; else t_ok "lintian reports no error"; fi

# The files at work, extracted into a temporary root.
root=$T_TMP/root
dpkg-deb -x "$deb" "$root"
t_run "$root/usr/bin/ioc" --version
t_status 0 "ioc --version"
t_out_has "ioc $version" "ioc --version prints the version"
t_run "$root/usr/bin/ioc-sim" --version
t_status 0 "ioc-sim --version"
t_run "$root/usr/bin/ioc" check -c "$root/etc/ioc/ioc.yaml"
t_status 0 "the shipped /etc/ioc/ioc.yaml checks clean"
t_out_has "0 warning(s)" "without warnings"

# As its comments say: with ioc-sim --demo on 127.0.0.1 it has data.
coproc SIM { exec "$root/usr/bin/ioc-sim" --demo --port 0 2>"$T_TMP/sim.err"; }
read -r -t 10 line <&"${SIM[0]}" || line=""
port=${line##*:}
sed -e "s#127.0.0.1:8088#127.0.0.1:$port#" -e "s#/var/lib/ioc#$T_TMP/state#" \
  "$root/etc/ioc/ioc.yaml" >"$T_TMP/shipped.yaml"
t_run "$root/usr/bin/ioc" snapshot -c "$T_TMP/shipped.yaml" -f json
t_status 0 "the shipped config takes a snapshot from the simulator"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['summary']['feeds_up'] == 3, d['summary']" \
  "$T_TMP/out" && t_ok "its 3 feeds answer" || t_bad "its 3 feeds answer"
kill "$SIM_PID" 2>/dev/null || true
wait "$SIM_PID" 2>/dev/null || true

for page in man1/ioc.1 man1/ioc-sim.1 man5/ioc.yaml.5; do
  t_run env MANWIDTH=80 MAN_KEEP_FORMATTING= MANPAGER=cat PAGER=cat \
    man --warnings -l "$root/usr/share/man/$page.gz"
  t_status 0 "man -l $page"
  t_out_has "NAME" "$page renders"
  if [ -s "$T_TMP/err" ]; then t_bad "$page renders without warnings"; else t_ok "$page renders without warnings"; fi
done
# The config example of ioc.yaml(5) is valid.
MANWIDTH=200 MANPAGER=cat man -l "$root/usr/share/man/man5/ioc.yaml.5.gz" 2>/dev/null \
  | sed -n '/^EXAMPLE/,/^SEE ALSO/p' | sed -e '1d' -e '$d' -e 's/^       //' >"$T_TMP/man5.yaml"
t_run env DVC_TOKEN=t "$root/usr/bin/ioc" check -c "$T_TMP/man5.yaml"
t_status 0 "the example in ioc.yaml(5) checks clean"

# The unit, pointed at the extracted binary (verify wants ExecStart to exist).
mkdir -p "$T_TMP/unit"
sed "s#/usr/bin/ioc#$root/usr/bin/ioc#" "$root/lib/systemd/system/ioc.service" >"$T_TMP/unit/ioc.service"
t_run env MANPATH="$root/usr/share/man" systemd-analyze verify "$T_TMP/unit/ioc.service"
t_status 0 "systemd-analyze verify ioc.service"
t_run grep -x "ExecStart=/usr/bin/ioc run -c /etc/ioc/ioc.yaml" "$root/lib/systemd/system/ioc.service"
t_status 0 "the unit runs ioc run -c /etc/ioc/ioc.yaml"
t_run systemd-analyze security --offline=yes --no-pager "$T_TMP/unit/ioc.service"
exposure=$(sed -n 's/.*Overall exposure level for ioc.service: \([0-9.]*\).*/\1/p' "$T_TMP/out")
echo "       systemd-analyze security: exposure $exposure"
awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 2.0) }' \
  && t_ok "the unit's exposure is at most 2.0 ($exposure; docs/deploy.md)" || t_bad "exposure $exposure over 2.0"

# The user, as the postinst creates it (into a scratch root).
mkdir -p "$T_TMP/sys/etc" "$T_TMP/sys/usr/lib/sysusers.d"
cp "$root/usr/lib/sysusers.d/ioc.conf" "$T_TMP/sys/usr/lib/sysusers.d/"
t_run systemd-sysusers --root="$T_TMP/sys" ioc.conf
t_status 0 "systemd-sysusers accepts ioc.conf"
t_run grep "^ioc:" "$T_TMP/sys/etc/passwd"
t_out_has ":/var/lib/ioc:/usr/sbin/nologin" "it makes the system user ioc, without a login shell"

# Bash completion: what <TAB> offers after these words.
comp() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ioc; echo "${COMPREPLY[*]}"' \
    comp "$root/usr/share/bash-completion/completions/ioc" "$@"
}
t_run comp ioc sn
t_out_is "snapshot" "bash: ioc sn<TAB> completes snapshot"
t_run comp ioc snapshot -f ""
t_out_is "json csv prom text" "bash: ioc snapshot -f <TAB> offers the snapshot formats"
t_run comp ioc report --format = ""
t_out_is "text md csv json html" "bash: ioc report --format=<TAB> offers the report formats"
t_run comp ioc snapshot --fail-on crit,
t_out_is "crit,warn crit,down" "bash: --fail-on completes the list's next item"
t_run comp ioc check --q
t_out_is "--quiet" "bash: ioc check --q<TAB> completes --quiet"
mkdir -p "$T_TMP/cfgs/sub" && touch "$T_TMP/cfgs/a.yaml" "$T_TMP/cfgs/b.json"
t_run comp ioc run -c "$T_TMP/cfgs/"
t_out_has "$T_TMP/cfgs/a.yaml" "bash: -c <TAB> offers YAML files"
t_out_has "$T_TMP/cfgs/sub" "bash: and directories"
t_none_has "b.json" "bash: but not other files"
t_run zsh -n "$root/usr/share/zsh/vendor-completions/_ioc"
t_status 0 "the zsh completion parses"
t_run head -n 1 "$root/usr/share/zsh/vendor-completions/_ioc"
t_out_is "#compdef ioc ioc-sim" "the zsh completion is for ioc and ioc-sim"
t_done
