#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and benchmarks: initdb in a temporary
# folder, run as an unprivileged user (the `postgres` user Debian's package creates, when
# this runs as root), listening on a socket in that folder and on a free loopback port.
#
#   eval "$(scripts/postgres-test-cluster.sh start [--durable])"   # exports the two below
#   scripts/postgres-test-cluster.sh env  DIR                        # prints them again
#   scripts/postgres-test-cluster.sh stop DIR                        # stops it, removes DIR
#   scripts/postgres-test-cluster.sh pause DIR                       # stops the server (-m fast), keeps DIR
#   scripts/postgres-test-cluster.sh resume DIR                      # starts it again, same port and settings
#
# `pause` and `resume` stand for a database that goes away and comes back (an outage, a
# restart): a test that uses them starts a cluster of its own rather than pausing a shared one.
#
# Exports BROKER_TEST_POSTGRES (a libpq URI with a fresh random password, over TCP) and
# BROKER_TEST_POSTGRES_DIR (the folder, for `stop`). `start` gives up with a clear message
# after 30 s. Without --durable the cluster skips fsync (test data is thrown away); use
# --durable for benchmarks.
set -euo pipefail

die() { echo "postgres-test-cluster: $*" >&2; exit 1; }
# The cluster's owner may not enter the caller's folder (say /root): work from /.
cd /

bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  die "no initdb under /usr/lib/postgresql/*/bin: run scripts/bootstrap.sh --tests (Debian's postgresql package)"
}

# Runs a command as the cluster's owner: ourselves, or an unprivileged user when root
# (PostgreSQL refuses to run as root).
owner=""
as_owner() {
  if [ -n "$owner" ]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}
pick_owner() {
  [ "$(id -u)" -ne 0 ] && return
  if id postgres >/dev/null 2>&1; then
    owner=postgres
  else
    id broker-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin broker-pg
    owner=broker-pg
  fi
}

print_env() {
  local dir=$1
  [ -f "$dir/uri" ] || die "$dir holds no cluster started by this script"
  printf 'export BROKER_TEST_POSTGRES=%q\n' "$(cat "$dir/uri")"
  printf 'export BROKER_TEST_POSTGRES_DIR=%q\n' "$dir"
}

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local durable=0
  [ "${1:-}" = "--durable" ] && durable=1
  local bin dir password port settings attempt
  bin=$(bindir)
  pick_owner
  dir=$(mktemp -d "${TMPDIR:-/tmp}/broker-pg.XXXXXX")
  mkdir -p "$dir/data" "$dir/sock"
  password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$password" >"$dir/pwfile"
  chmod 700 "$dir"
  [ -n "$owner" ] && chown -R "$owner" "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U broker --pwfile="$dir/pwfile" -A scram-sha-256 \
    --auth-local=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  rm -f "$dir/pwfile"
  settings="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/sock -c max_connections=200"
  [ "$durable" = 0 ] && settings+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  # Below the kernel's range of ephemeral ports (32768 and up by default): a port that a
  # client's connection holds could not be bound again by `resume`.
  local low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  [ "$low" -gt 11000 ] 2>/dev/null || low=32768
  for attempt in 1 2 3 4 5; do
    port=$((10000 + RANDOM % (low - 10000)))
    port_is_free "$port" || continue
    if as_owner "$bin/pg_ctl" start -D "$dir/data" -w -t 30 -l "$dir/server.log" -o "-p $port $settings" >/dev/null; then
      as_owner "$bin/createdb" -h "$dir/sock" -p "$port" -U broker broker_test ||
        die "createdb failed; see $dir/server.log"
      printf 'postgresql://broker:%s@127.0.0.1:%s/broker_test\n' "$password" "$port" >"$dir/uri"
      echo "$port" >"$dir/port"
      printf '%s\n' "-p $port $settings" >"$dir/options"
      [ -n "$owner" ] && chown "$owner" "$dir/uri" "$dir/port" "$dir/options"
      print_env "$dir"
      return
    fi
    grep -q "could not bind\|already in use" "$dir/server.log" 2>/dev/null || break
  done
  tail -n 20 "$dir/server.log" >&2 || true
  die "the server did not start (log above, folder $dir)"
}

stop() {
  local dir=${1:-${BROKER_TEST_POSTGRES_DIR:-}}
  [ -n "$dir" ] || die "stop needs the cluster's folder (or BROKER_TEST_POSTGRES_DIR)"
  [ -d "$dir/data" ] || die "$dir holds no cluster"
  pick_owner
  as_owner "$(bindir)/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 || true
  rm -rf "$dir"
}

pause() {
  local dir=${1:-${BROKER_TEST_POSTGRES_DIR:-}}
  [ -n "$dir" ] && [ -f "$dir/options" ] || die "pause needs the folder of a cluster started by this script"
  pick_owner
  as_owner "$(bindir)/pg_ctl" stop -D "$dir/data" -m fast -w -t 30 >/dev/null ||
    die "the server did not stop (folder $dir)"
}

resume() {
  local dir=${1:-${BROKER_TEST_POSTGRES_DIR:-}}
  [ -n "$dir" ] && [ -f "$dir/options" ] || die "resume needs the folder of a cluster started by this script"
  pick_owner
  as_owner "$(bindir)/pg_ctl" start -D "$dir/data" -w -t 30 -l "$dir/server.log" -o "$(cat "$dir/options")" >/dev/null ||
    { tail -n 20 "$dir/server.log" >&2 || true; die "the server did not start again (log above, folder $dir)"; }
}

case "${1:-}" in
  start) shift; start "$@" ;;
  env) print_env "${2:-${BROKER_TEST_POSTGRES_DIR:-}}" ;;
  stop) stop "${2:-}" ;;
  pause) pause "${2:-}" ;;
  resume) resume "${2:-}" ;;
  *) echo "usage: $0 start [--durable] | env DIR | stop DIR | pause DIR | resume DIR" >&2; exit 64 ;;
esac
