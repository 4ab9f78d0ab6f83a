# bench/lib.sh - what the benchmark scripts share (sourced, not run): a
# temporary directory removed at exit together with the servers they
# started, free loopback ports, nginx serving files on loopback, and the CPU
# time of a process.

# bench_init: makes $tmp (readable by nginx workers, which run as another
# user when started as root) and the list $pids of processes killed at exit.
bench_init() {
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  pids=()
  trap bench_cleanup EXIT
}

# bench_cleanup: stops what the script started and removes $tmp.
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}

# free_port: a free loopback TCP port.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# cpu_ticks PID: user + system CPU time of PID (all its threads), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# bench_nginx SERVERS CHECK_URL [CONNECTIONS]: starts one nginx worker on the
# server{} blocks SERVERS (their roots under $tmp, files mode 644), without
# access logs, with keep-alive connections that last, and waits until
# CHECK_URL answers. Installs nginx-light when it is missing.
bench_nginx() {
  local servers=$1 check=$2 conns=${3:-8192} bin
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -qq nginx-light >/dev/null 2>&1 || $sudo apt-get install -y -qq nginx >/dev/null
  fi
  bin=$(command -v nginx || echo /usr/sbin/nginx)
  mkdir -p "$tmp/ng"
  cat >"$tmp/ng/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile $((conns + 1024));
daemon off;
pid $tmp/ng/nginx.pid;
error_log $tmp/ng/error.log;
events { worker_connections $conns; }
http {
  access_log off;
  client_body_temp_path $tmp/ng; proxy_temp_path $tmp/ng; fastcgi_temp_path $tmp/ng;
  uwsgi_temp_path $tmp/ng; scgi_temp_path $tmp/ng;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
$servers
}
EOF
  "$bin" -c "$tmp/ng/nginx.conf" -p "$tmp/ng" 2>"$tmp/ng/stderr" &
  pids+=($!)
  for _ in $(seq 50); do curl -sf -o /dev/null "$check" && return 0; sleep 0.1; done
  echo "nginx did not start:"
  cat "$tmp/ng/stderr" "$tmp/ng/error.log" 2>/dev/null
  return 1
}
