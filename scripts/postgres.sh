#!/usr/bin/env bash
# A private PostgreSQL cluster for `make run`, tests and benchmarks.
#   scripts/postgres.sh start <datadir> <port>   → prints the connection URL
#   scripts/postgres.sh stop  <datadir>
# The server refuses to run as root, so as root it runs as the `postgres` user.
# The socket lives in the data directory; the server listens on 127.0.0.1 only.
set -euo pipefail

cmd=${1:?start|stop}
dir=$(realpath -m "${2:?data directory}")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "postgresql server binaries not found (apt install postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    port=${3:?port}
    if [ ! -s "$dir/PG_VERSION" ]; then
        mkdir -p "$dir"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
        as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
max_connections = 200
shared_buffers = 256MB
max_wal_size = 2GB
CONF
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$dir" -o "-p $port" -l "$dir/server.log" -w -t 60 start >/dev/null
    fi
    url="postgresql://postgres@127.0.0.1:$port/postgres"
    for db in campaign; do
        psql "$url" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
            || psql "$url" -qc "CREATE DATABASE $db" >/dev/null
    done
    echo "postgresql://postgres@127.0.0.1:$port/campaign"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start <datadir> <port> | stop <datadir>" >&2; exit 2 ;;
esac
