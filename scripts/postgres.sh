#!/usr/bin/env bash
# A private PostgreSQL cluster for `make run`, tests and benchmarks.
#   scripts/postgres.sh start   <datadir> <port>   → prints the connection URL
#   scripts/postgres.sh stop    <datadir>
#   scripts/postgres.sh destroy <datadir>          stop, then remove the cluster's files
#   scripts/postgres.sh where   <datadir>          the directory that holds the cluster
# The server listens on 127.0.0.1 only; its socket is in the data directory.
#
# Where the cluster lives (docs/deployment.md):
# - not root: in <datadir> itself.
# - root: the server refuses to run as root, so it runs as the `postgres` user, who often
#   cannot enter <datadir>: a checkout in root's home (mode 700) or in a `mktemp -d` folder
#   is closed to it. So the cluster lives in a folder of its own outside the checkout,
#   $CRMBRIDGE_PG_HOME/<hash of datadir's path>-<name>/data (default home
#   /var/tmp/crmbridge-postgres; the folder's `origin` file names <datadir>), and
#   <datadir> becomes a symbolic link to it. Every command finds it through the link or,
#   if the link is gone (`rm -rf .crmbridge`), through the hash. Each start removes the
#   stopped clusters whose link is gone (temporary data directories of tests and benches);
#   `destroy` removes one at once (`make clean`).
#   A cluster that an earlier version made in <datadir> itself is still used there.
set -euo pipefail
umask 022

cmd=${1:?start|stop|destroy|where}
arg=${2:?data directory}
# The absolute path of <datadir> without following <datadir> itself (it may be our link).
requested="$(realpath -m "$(dirname "$arg")")/$(basename "$arg")"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

die() { echo "postgres.sh: $*" >&2; exit 1; }

root=0
[ "$(id -u)" -eq 0 ] && root=1
home=${CRMBRIDGE_PG_HOME:-/var/tmp/crmbridge-postgres}
home=$(realpath -m "$home")
hash=$(printf '%s' "$requested" | sha256sum | cut -c1-12)
entry="$home/$hash-$(basename "$requested")"   # root only: the folder that holds the cluster

as_owner() {
    # From /: `postgres` may not be able to enter the current directory (all paths are absolute).
    if [ "$root" = 1 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The data directory of <datadir>'s cluster, whether or not it exists yet.
data_dir() {
    if [ "$root" = 0 ]; then
        echo "$requested"; return
    fi
    if [ -L "$requested" ]; then
        local target; target=$(readlink "$requested")
        # Made by an earlier start. Start makes a new one if it holds no cluster.
        if [ "$cmd" != start ] || [ -s "$target/PG_VERSION" ]; then echo "$target"; return; fi
    elif [ -d "$requested" ] && [ -s "$requested/PG_VERSION" ]; then
        echo "$requested"; return    # made in place by an earlier version of this script
    fi
    echo "$entry/data"
}

# Root only: the home of the clusters, root's own and enterable by `postgres`.
prepare_home() {
    mkdir -p "$home"
    [ -d "$home" ] && [ ! -L "$home" ] && [ "$(stat -c %u "$home")" = 0 ] \
        || die "$home must be a directory owned by root (set CRMBRIDGE_PG_HOME to use another)"
    chmod 755 "$home"
    runuser -u postgres -- sh -c 'cd "$1"' sh "$home" 2>/dev/null \
        || die "the postgres user cannot enter $home (set CRMBRIDGE_PG_HOME to a folder it can reach)"
}

# Root only: the cluster's folder outside the checkout, its data directory owned by `postgres`.
prepare_entry() {
    mkdir -p "$entry"
    chmod 755 "$entry"
    printf '%s\n' "$requested" >"$entry/origin"
    rm -rf "$entry/data"             # no cluster in it (a failed initdb): initdb wants it empty
    mkdir "$entry/data"
    chown postgres:postgres "$entry/data"
    chmod 700 "$entry/data"
}

# Root only: removes the folders of clusters that no <datadir> links to any more and that
# are not running (a temporary <datadir> deleted with `rm -rf`, as the tests and the
# benchmarks do), so they do not pile up outside the checkouts.
collect_garbage() {
    local e origin
    for e in "$home"/*; do
        [ -f "$e/origin" ] && [ "$e" != "$entry" ] || continue
        origin=$(cat "$e/origin")
        [ "$(readlink "$origin" 2>/dev/null)" = "$e/data" ] && continue
        if [ -s "$e/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$e/data" status >/dev/null 2>&1; then
            continue
        fi
        rm -rf "$e"
    done
}

# Root only: <datadir> becomes (again) the link to the cluster outside the checkout. An
# empty folder there (left by a failed initdb of an earlier version) makes way for it.
link_entry() {
    mkdir -p "$(dirname "$requested")"
    if [ -d "$requested" ] && [ ! -L "$requested" ]; then
        rmdir "$requested" 2>/dev/null || die "$requested exists and is not an empty folder: remove it"
    fi
    ln -sfn "$entry/data" "$requested"
}

[ "$cmd" = where ] && { data_dir; exit 0; }
data=$(data_dir)

case "$cmd" in
start)
    port=${3:?port}
    [ -n "$bin" ] || die "postgresql server binaries not found (apt install postgresql)"
    if [ "$root" = 1 ]; then prepare_home; collect_garbage; fi
    if [ "$root" = 1 ] && [ "$data" = "$entry/data" ]; then link_entry; fi
    if [ ! -s "$data/PG_VERSION" ]; then
        if [ "$root" = 1 ]; then
            prepare_entry
        else
            mkdir -p "$data"
        fi
        as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat <<CONF | as_owner tee -a "$data/postgresql.conf" >/dev/null
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
fsync = on
synchronous_commit = on
max_connections = 200
shared_buffers = 256MB
max_wal_size = 2GB
CONF
    fi
    # Bulk loads (issue 17; docs/operations.md "The private PostgreSQL"): written at every
    # start, so clusters made by an earlier version get them too, and included at the end of
    # postgresql.conf, so they win over its lines while ALTER SYSTEM still wins over them.
    # Durability is untouched (fsync and synchronous_commit stay on).
    # A quarter of the memory, 128 MB to 2 GB: at 15 million rows the random-key unique
    # index (~1.1 GB) stays in PostgreSQL's buffers instead of being read back from the
    # OS cache on most inserts.
    memory_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null)
    buffers_mb=$(( ${memory_mb:-1024} / 4 ))
    [ "$buffers_mb" -gt 2048 ] && buffers_mb=2048
    [ "$buffers_mb" -lt 128 ] && buffers_mb=128
    cat <<CONF | as_owner tee "$data/crmbridge-bulk.conf" >/dev/null
shared_buffers = ${buffers_mb}MB           # the indexes of a large table stay in buffers
max_wal_size = 8GB              # few checkpoints: fewer full-page images of the random-key index
checkpoint_timeout = 15min
wal_compression = lz4           # what full-page images remain, compressed
wal_buffers = 64MB              # a batch's WAL fits before it is flushed
maintenance_work_mem = 512MB    # index builds and vacuums of tens of millions of rows
CONF
    grep -q "^include_if_exists = 'crmbridge-bulk.conf'" "$data/postgresql.conf" \
        || echo "include_if_exists = 'crmbridge-bulk.conf'" | as_owner tee -a "$data/postgresql.conf" >/dev/null
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$data" -o "-p $port" -l "$data/server.log" -w -t 60 start >/dev/null
    fi
    url="postgresql://postgres@127.0.0.1:$port/postgres"
    for db in campaign; do
        psql "$url" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
            || psql "$url" -qc "CREATE DATABASE $db" >/dev/null
    done
    echo "postgresql://postgres@127.0.0.1:$port/campaign"
    ;;
stop | destroy)
    if [ -n "$bin" ] && [ -s "$data/PG_VERSION" ]; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true   # not running
    fi
    if [ "$cmd" = destroy ]; then
        # A folder of ours outside the checkout goes whole (its `origin` file says so).
        if [ "$root" = 1 ] && [ "$(basename "$data")" = data ] && [ -f "$(dirname "$data")/origin" ]; then
            rm -rf "$(dirname "$data")"
        else
            rm -rf "$data"
        fi
        [ -L "$requested" ] && rm -f "$requested"
    fi
    exit 0
    ;;
*)
    echo "usage: $0 start <datadir> <port> | stop <datadir> | destroy <datadir> | where <datadir>" >&2; exit 2 ;;
esac
