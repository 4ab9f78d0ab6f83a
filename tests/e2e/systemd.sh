#!/usr/bin/env bash
# End-to-end test of the Debian package under a real systemd (issue 16):
# boots systemd as PID 1 in a Debian 12 container (systemd-nspawn --boot on a
# copy of the root file system that scripts/deps.sh --test makes with
# debootstrap) and does what the sysadmin does: apt install ./ioc_*.deb,
# systemctl enable --now ioc with ioc-sim --demo on 127.0.0.1:8088, the
# archive in /var/lib/ioc, systemctl reload and stop, systemd-analyze
# security, man ioc, bash completion at a real prompt, a reboot with the
# service enabled, apt remove and apt purge. The container has no network but
# its own loopback (--private-network), and the package's dependencies are
# already in the root file system: nothing leaves the machine.
# Needs root. The package is built with cpack as in tests/e2e/package.sh.
set -euo pipefail
: "${IOC_BUILD:?}" "${IOC_SRC:?}"
. "$IOC_SRC/tests/e2e/lib.sh"

rootfs_cache=${IOC_TEST_ROOTFS:-/var/cache/ioc-test/bookworm}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: systemd-nspawn needs root"; exit 77; }
for tool in cpack dpkg-deb dpkg-query systemd-nspawn nsenter pgrep python3 timeout; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (scripts/deps.sh --test)"; exit 77; }
done
[ -f "$rootfs_cache/.ioc-rootfs" ] \
  || { echo "SKIP: no root file system in $rootfs_cache (scripts/deps.sh --test makes it)"; exit 77; }

build=${IOC_PKG_BUILD:-$IOC_BUILD}
grep -q '^IOC_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" \
  && { echo "SKIP: $build is sanitized: set IOC_PKG_BUILD to a release build, as scripts/test.sh does"; exit 77; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
debname=ioc_${version}_$(dpkg --print-architecture).deb
root=$T_TMP/root
machine=ioc-test-$$
nspawn_pid=""
leader=""

# stop_container: halts the container (SIGTERM to systemd-nspawn), kills it
# after 20 s; returns nspawn's exit status.
stop_container() {
  local rc=0 i
  [ -n "$nspawn_pid" ] || return 0
  kill -TERM "$nspawn_pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$nspawn_pid" 2>/dev/null; then
    echo "       the container did not halt within 20 s: killed" >&2
    kill -KILL "$nspawn_pid" 2>/dev/null || true
    [ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null || true
  fi
  wait "$nspawn_pid" 2>/dev/null || rc=$?
  nspawn_pid="" leader=""
  return "$rc"
}

# cleanup: always tears the container down, then removes the temporary tree.
cleanup() {
  stop_container || true
  rm -rf "/run/systemd/nspawn/propagate/$machine" 2>/dev/null || true
  rm -rf "$T_TMP"
}
trap cleanup EXIT

# c CMD...: runs CMD as root inside the container (its namespaces, a clean
# environment), at most 90 s.
c() {
  timeout -k 5 95 nsenter -t "$leader" -a -- \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive SYSTEMD_PAGER= SYSTEMD_COLORS=0 \
    timeout 90 "$@"
}

# boot: boots the container on $root in the background and waits (60 s at
# most) until systemd says the system is running; sets nspawn_pid, leader.
boot() {
  local i state="" t0=$SECONDS
  # The unified cgroup hierarchy (v2) of a Debian 12 server, even on a host
  # with cgroup v1 controllers (it then has no controllers; the unit sets no
  # resource limits).
  SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 systemd-nspawn --quiet --boot --directory="$root" --machine="$machine" \
    --private-network --register=no --keep-unit --console=read-only \
    </dev/null >>"$T_TMP/console.log" 2>&1 &
  nspawn_pid=$!
  for ((i = 0; i < 200; i++)); do
    leader=$(pgrep -P "$nspawn_pid" -x systemd || true)
    [ -n "$leader" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$leader" ]; then
    T_CMD="systemd-nspawn --boot" T_RC=1
    cp "$T_TMP/console.log" "$T_TMP/err"; : >"$T_TMP/out"
    t_bad "systemd-nspawn starts systemd as the container's PID 1"
    return 1
  fi
  for ((i = 0; i < 60; i++)); do
    state=$(c systemctl is-system-running --wait 2>/dev/null || true)
    case $state in running | degraded) break ;; esac
    sleep 1
  done
  T_CMD="systemctl is-system-running --wait" T_RC=0
  echo "$state" >"$T_TMP/out"; tail -n 20 "$T_TMP/console.log" >"$T_TMP/err"
  if [ "$state" = running ]; then
    t_ok "systemd boots the container to 'running' ($((SECONDS - t0)) s)"
  else
    c systemctl --failed --no-legend >"$T_TMP/out" 2>&1 || true
    t_bad "systemd boots the container to 'running' (got '$state')"
    [ "$state" = degraded ] || return 1
  fi
}

trap 'exit 130' INT TERM

# The package, as tests/e2e/package.sh builds it.
t_run cpack -G DEB --config "$build/CPackConfig.cmake" -B "$T_TMP/pkg"
t_status 0 "cpack -G DEB builds the package"
[ -f "$T_TMP/pkg/$debname" ] || { t_bad "no $T_TMP/pkg/$debname"; t_done; }

# A fresh copy of the cached root file system for this run.
t0=$SECONDS
cp -a "$rootfs_cache" "$root"
echo "       copied $rootfs_cache in $((SECONDS - t0)) s"

# Its packages must hold the .deb's dependencies (the install is offline).
missing=""
for dep in $(dpkg-deb --field "$T_TMP/pkg/$debname" Depends | tr ',' '\n' | sed 's/[ (|].*//; s/^ *//'); do
  [ -z "$dep" ] && continue
  dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' "$dep" 2>/dev/null \
    | grep -q "install ok installed" || missing+=" $dep"
done
case $missing in
*libasan* | *libubsan*)
  echo "SKIP: a sanitized build ($missing): set IOC_PKG_BUILD to a release build, as scripts/test.sh does"
  exit 77 ;;
"") t_ok "the root file system holds every dependency of the package" ;;
*) T_CMD="dpkg-deb --field Depends" T_RC=1
   t_bad "the root file system lacks$missing (add it to scripts/deps.sh, test_rootfs_pkgs)"
   t_done ;;
esac
cp "$T_TMP/pkg/$debname" "$root/root/"

boot || t_done
t_run c stat -fc %T /sys/fs/cgroup
t_out_is "cgroup2fs" "the container has the unified cgroup hierarchy, as a Debian 12 server"
t_run c journalctl -b --no-pager -o cat
t_none_has "tainted" "systemd is not tainted (no cgroup v1, no unmerged /usr)"

# Install, as docs/deploy.md says; offline: the dependencies are installed.
t0=$SECONDS
t_run c sh -c "cd /root && apt install -y ./$debname"
t_status 0 "apt install ./$debname, offline"
[ "$T_RC" -eq 0 ] || t_done
t_out_has "Setting up ioc ($version)" "dpkg configures ioc $version"
echo "       installed in $((SECONDS - t0)) s"
t_run c getent passwd ioc
t_out_has ":/var/lib/ioc:/usr/sbin/nologin" "the system user ioc exists, without a login shell"
uid=$(cut -d: -f3 "$T_TMP/out")
[ -n "$uid" ] && [ "$uid" -lt 1000 ] && t_ok "ioc is a system user (uid $uid)" || t_bad "ioc is a system user (uid '$uid')"
t_run c getent group ioc
t_status 0 "the group ioc exists"
t_run c systemctl is-enabled ioc
t_out_is "disabled" "the install does not enable the service (the config is to edit first)"
t_run c systemctl is-active ioc
t_out_is "inactive" "nor start it"
t_run c systemctl show ioc -p LoadState -p Type
t_out_has "LoadState=loaded" "systemd knows the unit after the install"
t_out_has "Type=notify" "it is Type=notify"

# The simulator the shipped /etc/ioc/ioc.yaml polls, as a transient unit.
t_run c systemd-run --unit=ioc-sim -p DynamicUser=yes /usr/bin/ioc-sim --demo --port 8088
t_status 0 "systemd-run ioc-sim --demo --port 8088"
for ((i = 0; i < 50; i++)); do
  c bash -c 'exec 3<>/dev/tcp/127.0.0.1/8088' 2>/dev/null && break
  sleep 0.2
done

t0=$SECONDS
t_run c systemctl enable --now ioc
t_status 0 "systemctl enable --now ioc ($((SECONDS - t0)) s)"
t_run c systemctl is-enabled ioc
t_out_is "enabled" "ioc is enabled"
t_run c systemctl is-active ioc
t_out_is "active" "ioc is active (READY=1 came: Type=notify)"
t_run c journalctl -u ioc --no-pager -o cat
t_out_has "event=ready feeds=3 sd_notify=sent" "the journal has event=ready sd_notify=sent"
for feed in dvc soc nuoc; do
  t_out_has "feed=$feed from=pending to=ok" "feed $feed is ok: the simulator answers on 127.0.0.1:8088"
done
t_run c systemctl show ioc -p MainPID --value
pid=$(cat "$T_TMP/out")
t_run c stat -c %U "/proc/$pid"
t_out_is "ioc" "ioc run runs as the user ioc"
# LimitNOFILE=65536, within what the container may have (this machine's hard
# limit can be lower): the soft limit is raised from systemd's 1,024.
t_run c sh -c "awk '/^Max open files/ { h = \$5 } END { print (h > 65536 || h == \"unlimited\") ? 65536 : h }' /proc/1/limits"
want_nofile=$(cat "$T_TMP/out")
t_run c sh -c "awk '/^Max open files/ { print \$4 }' /proc/$pid/limits"
t_out_is "$want_nofile" "it may keep a connection per feed open (LimitNOFILE=65536, at most the hard limit)"
t_run c stat -c "%U:%G %a" /var/lib/ioc
t_out_is "ioc:ioc 750" "/var/lib/ioc is ioc's, mode 750 (StateDirectory=ioc)"
t_run c stat -c "%U:%G %a" /var/lib/ioc/archive.db
t_out_is "ioc:ioc 640" "/var/lib/ioc/archive.db appears, ioc's, mode 640 (UMask=0027)"
# The archive: the last feed's first sample may still be on its way.
for ((i = 0; i < 30; i++)); do
  t_run c ioc snapshot -c /etc/ioc/ioc.yaml --from-archive -f json
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['summary']['feeds_up'] == 3, d['summary']" \
    "$T_TMP/out" 2>/dev/null && break
  sleep 0.5
done
t_status 0 "root reads the archive: ioc snapshot --from-archive"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['summary']['feeds_up'] == 3, d['summary']" \
  "$T_TMP/out" && t_ok "the archive has the 3 feeds up" || t_bad "the archive has the 3 feeds up"

# Reload: SIGHUP to the main process, which stays the same.
t_run c systemctl reload ioc
t_status 0 "systemctl reload ioc"
for ((i = 0; i < 50; i++)); do
  c journalctl -u ioc --no-pager -o cat | grep -q "event=reload" && break
  sleep 0.2
done
t_run c journalctl -u ioc --no-pager -o cat
t_out_has "level=info event=reload config=/etc/ioc/ioc.yaml" "journalctl -u ioc has the reload"
t_none_has "status=203/EXEC" "the reload command exists on the system"
t_run c systemctl show ioc -p MainPID --value
t_out_is "$pid" "a reload keeps the process ($pid)"
t_run c systemctl is-active ioc
t_out_is "active" "ioc is still active after the reload"

# An invalid config: logged, the running one kept.
t_run c sh -c 'cp /etc/ioc/ioc.yaml /root/ioc.yaml.good && echo "bogus_key: 1" >>/etc/ioc/ioc.yaml'
t_run c systemctl reload ioc
t_status 0 "systemctl reload ioc with an invalid config"
for ((i = 0; i < 50; i++)); do
  c journalctl -u ioc --no-pager -o cat | grep -q "level=error event=reload" && break
  sleep 0.2
done
t_run c journalctl -u ioc --no-pager -o cat
t_out_has "level=error event=reload" "journalctl -u ioc has the invalid config's error"
t_run c systemctl show ioc -p MainPID -p ActiveState
t_out_has "MainPID=$pid" "ioc keeps running on the previous config"
t_out_has "ActiveState=active" "and stays active"
c cp /root/ioc.yaml.good /etc/ioc/ioc.yaml

# The exposure, inside the booted system (package.sh checks it offline).
t_run c systemd-analyze security ioc --no-pager
exposure=$(sed -n 's/.*Overall exposure level for ioc.service: \([0-9.]*\).*/\1/p' "$T_TMP/out")
echo "       systemd-analyze security ioc (booted): exposure $exposure"
awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 2.0) }' \
  && t_ok "the running unit's exposure is at most 2.0 ($exposure)" || t_bad "exposure '$exposure' over 2.0"

# man, with the system's man-db.
t_run c env MANWIDTH=80 MANPAGER=cat PAGER=cat man ioc
t_status 0 "man ioc"
t_out_has "ioc - console for a provincial Intelligent Operations Centre" "man ioc renders"
t_run c env MANWIDTH=80 MANPAGER=cat PAGER=cat man 5 ioc.yaml
t_out_has "NAME" "man 5 ioc.yaml renders"

# Bash completion at a real prompt: a login shell on a terminal, ioc sn<TAB>.
cat >"$T_TMP/tab.py" <<'EOF'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
buf = b""
def until(pat, secs):
    global buf
    end = time.time() + secs
    while time.time() < end:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            buf += data
            if pat in buf:
                return True
    return False
ok = until(b"# ", 30)
os.write(fd, b"ioc sn\t")
ok = ok and until(b"ioc snapshot", 10)
os.write(fd, b"\x15exit\n")
until(b"logout", 5)
sys.stdout.write(buf.decode("utf-8", "replace"))
sys.exit(0 if ok else 1)
EOF
t_run python3 "$T_TMP/tab.py" timeout -k 5 60 nsenter -t "$leader" -a -- env -i TERM=dumb HOME=/root \
  PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -li
t_status 0 "bash -li on a terminal in the container"
t_out_has "ioc snapshot" "bash: ioc sn<TAB> completes snapshot (/usr/share/bash-completion/completions/ioc)"

# Stop: clean, not failed.
t_run c systemctl stop ioc
t_status 0 "systemctl stop ioc"
t_run c systemctl is-active ioc
t_out_is "inactive" "ioc is inactive, not failed"
t_run c systemctl show ioc -p Result -p ExecMainStatus
t_out_has "Result=success" "the stop's result is success"
t_out_has "ExecMainStatus=0" "ioc run exits 0 on SIGTERM"
t_run c journalctl -u ioc --no-pager -o cat
t_out_has "event=stop" "the journal has event=stop"

# Reboot: the enabled service starts at boot.
t_run c systemctl poweroff
t_status 0 "systemctl poweroff"
for ((i = 0; i < 300; i++)); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
t_run stop_container
t_status 0 "the container powers off cleanly (systemd-nspawn exits 0)"
boot || t_done
for ((i = 0; i < 50; i++)); do
  [ "$(c systemctl is-active ioc 2>/dev/null)" = active ] && break
  sleep 0.2
done
t_run c systemctl is-active ioc
t_out_is "active" "after a reboot ioc is active (enabled; no simulator now: its feeds are down)"

# An upgrade (here a reinstall) restarts a running collector on the new
# binary: the old process would keep running the deleted one.
t_run c systemctl show ioc -p MainPID --value
pid=$(cat "$T_TMP/out")
t_run c sh -c "cd /root && apt install -y --reinstall ./$debname"
t_status 0 "apt install --reinstall ./$debname"
t_run c systemctl is-active ioc
t_out_is "active" "ioc is active after the upgrade"
t_run c systemctl show ioc -p MainPID --value
[ -s "$T_TMP/out" ] && [ "$(cat "$T_TMP/out")" != "$pid" ] && [ "$(cat "$T_TMP/out")" != 0 ] \
  && t_ok "the upgrade restarted ioc (pid $pid, now $(cat "$T_TMP/out"))" || t_bad "the upgrade restarted ioc (pid $pid)"
t_run c readlink "/proc/$(cat "$T_TMP/out")/exe"
t_out_is "/usr/bin/ioc" "it runs the installed /usr/bin/ioc, not a deleted one"

# apt remove stops the service and keeps the config and the archive.
t_run c apt remove -y ioc
t_status 0 "apt remove ioc"
t_run c systemctl is-active ioc
t_out_is "inactive" "the removal stopped ioc (prerm)"
t_run c systemctl show ioc -p LoadState --value
t_out_is "not-found" "systemd forgot the unit (postrm daemon-reload)"
t_run c ls /var/lib/ioc/archive.db /etc/ioc/ioc.yaml
t_status 0 "apt remove keeps /var/lib/ioc/archive.db and /etc/ioc/ioc.yaml"

# apt purge deletes them and the enablement; the user stays.
t_run c apt purge -y ioc
t_status 0 "apt purge ioc"
for f in /var/lib/ioc /etc/ioc /etc/systemd/system/multi-user.target.wants/ioc.service; do
  t_run c test -e "$f" -o -L "$f"
  t_status 1 "apt purge deletes $f"
done
t_run c dpkg-query -W ioc
t_status 1 "ioc is no longer known to dpkg"
t_run c getent passwd ioc
t_status 0 "the user ioc stays (docs/deploy.md)"

t_done
