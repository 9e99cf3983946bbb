#!/bin/bash
# A throw-away PostgreSQL server for the tests of `sanxiang worker` (Debian's postgresql package).
#   postgres.sh start DIR   initialises DIR (once), starts the server on 127.0.0.1 at a free port,
#                           and prints its URL (postgresql://sanxiang@127.0.0.1:PORT/postgres).
#                           Started already: prints the running server's URL.
#   postgres.sh stop DIR    stops it (nothing to do when it is not running).
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user
# (created by the Debian package); otherwise as the calling user.
set -eu
# The server must not inherit the caller's descriptors: Foundation's Process learns that its child
# ended when the last holder of a socket it passed down closes it, so a test would wait for the
# server to stop. (bash, not sh: dash cannot close descriptors above 9.)
for descriptor in /proc/$$/fd/*; do
  number=${descriptor##*/}
  if [ "$number" -gt 2 ] 2>/dev/null; then eval "exec $number>&-" 2>/dev/null || true; fi
done
command=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "没有找到 PostgreSQL（/usr/lib/postgresql/*/bin/pg_ctl）：请先运行 make test 或 apt-get install postgresql" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
data="$dir/data"
case "$command" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "postgres 用户无法进入 $dir（某一级上级文件夹不许其他用户访问）：请把 TMPDIR 设为 /tmp 等所有用户都能进入的文件夹" >&2
      exit 1
    fi
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$data" -U sanxiang --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if [ -f "$dir/port" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "postgresql://sanxiang@127.0.0.1:$(cat "$dir/port")/postgres"
    exit 0
  fi
  # A free port: bound and released by the kernel's choice; another server taking it in between
  # makes pg_ctl fail, and the loop tries another.
  for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # fsync off: a test database, thrown away after; the unix socket in DIR, not /var/run.
    if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=50" start >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      echo "postgresql://sanxiang@127.0.0.1:$port/postgres"
      exit 0
    fi
  done
  cat "$dir/server.log" >&2 2>/dev/null || true
  echo "PostgreSQL 未能启动（日志：$dir/server.log）" >&2
  exit 1
  ;;
stop)
  if [ -f "$data/PG_VERSION" ]; then as_owner "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true; fi
  ;;
*)
  echo "usage: postgres.sh start|stop DIR" >&2
  exit 2
  ;;
esac
