#!/usr/bin/env bash
# The local stack of `make run`: a private PostgreSQL, the local Kafka broker
# (librdkafka's mock cluster in its own process), the CRM emulator, the control
# service and every reader and writer role, each its own process.
#
#   scripts/stack.sh start   start everything, write .crmbridge/stack.env, stay in
#                            the foreground with a status line; Ctrl-C stops all
#   scripts/stack.sh stop    stop what a previous start left running
#   scripts/stack.sh restart NAME
#                            restart one process of a running stack (a role, control)
#                            with .crmbridge/stack.env as it is now, the others untouched
#   scripts/stack.sh scale NAME N
#                            run N instances of a role (NAME, NAME-2 … NAME-N; 0 stops
#                            them all); the extra ones serve /healthz and /metrics on
#                            free ports
#
# Environment: CRM=dynamics|salesforce (default dynamics), PG_PORT (25432: below the ephemeral range 32768-60999, which outgoing connections draw from),
# EMULATOR_PORT (8090), CONTROL_PORT (8080), READER_METRICS_PORT (9464),
# WRITER_METRICS_PORT (9465), EGRESS_READER_METRICS_PORT (9466),
# EGRESS_WRITER_METRICS_PORT (9467), OPTOUT_CRM_READER_METRICS_PORT (9468),
# OPTOUT_CAMPAIGN_READER_METRICS_PORT (9469), OPTOUT_WRITER_METRICS_PORT (9470),
# BUILD_CONFIG (debug|release).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.crmbridge"
pids="$state/pids"
logs="$state/logs"
CRM=${CRM:-dynamics}
PG_PORT=${PG_PORT:-25432}
EMULATOR_PORT=${EMULATOR_PORT:-8090}
CONTROL_PORT=${CONTROL_PORT:-8080}
# Each role's /healthz and /metrics (docs/operations.md).
READER_METRICS_PORT=${READER_METRICS_PORT:-9464}
WRITER_METRICS_PORT=${WRITER_METRICS_PORT:-9465}
EGRESS_READER_METRICS_PORT=${EGRESS_READER_METRICS_PORT:-9466}
EGRESS_WRITER_METRICS_PORT=${EGRESS_WRITER_METRICS_PORT:-9467}
OPTOUT_CRM_READER_METRICS_PORT=${OPTOUT_CRM_READER_METRICS_PORT:-9468}
OPTOUT_CAMPAIGN_READER_METRICS_PORT=${OPTOUT_CAMPAIGN_READER_METRICS_PORT:-9469}
OPTOUT_WRITER_METRICS_PORT=${OPTOUT_WRITER_METRICS_PORT:-9470}
BUILD_CONFIG=${BUILD_CONFIG:-debug}
# The workflows make run starts (opt-in-out in the mode the config gives: bidirectional).
WORKFLOWS=${WORKFLOWS:-crm-to-campaign campaign-to-crm opt-in-out}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

# stop_group NAME...: SIGTERM to each (they flush and commit), up to 10 s for all of
# them together, then SIGKILL whatever is left.
stop_group() {
    local alive=()
    for name in "$@"; do
        local f="$pids/$name.pid"
        [ -f "$f" ] || continue
        local pid; pid=$(cat "$f")
        kill -TERM "$pid" 2>/dev/null && alive+=("$pid")
        rm -f "$f"
    done
    for _ in $(seq 1 100); do
        local left=()
        for pid in "${alive[@]}"; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
        [ ${#left[@]} -eq 0 ] && return 0
        alive=("${left[@]}")
        sleep 0.1
    done
    for pid in "${alive[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

stop_all() {
    if [ -d "$pids" ]; then
        # Roles first (with any extra instances of `scale`), then the services they depend on.
        local roles=()
        for f in "$pids"/*.pid; do
            [ -e "$f" ] || continue
            local name; name=$(basename "$f" .pid)
            case $name in control|emulator|broker) ;; *) roles+=("$name") ;; esac
        done
        stop_group "${roles[@]}" control
        stop_group emulator broker
    fi
    "$root/scripts/postgres.sh" stop "$state/postgres"
    log "stack stopped"
}

# The control service and every role, each its own process.
PROCESSES="control ingress-reader ingress-writer egress-reader egress-writer optout-crm-reader optout-campaign-reader optout-writer"

# process_command BIN NAME [METRICS_PORT]: the command line of a process of the stack.
process_command() {
    local bin=$1 name=$2 port=${3:-}
    case $name in
        control) echo "$bin/ControlService serve --port $CONTROL_PORT" ;;
        ingress-reader) echo "$bin/IngressService reader --metrics-host 127.0.0.1 --metrics-port ${port:-$READER_METRICS_PORT}" ;;
        ingress-writer) echo "$bin/IngressService writer --metrics-host 127.0.0.1 --metrics-port ${port:-$WRITER_METRICS_PORT}" ;;
        egress-reader) echo "$bin/EgressService reader --metrics-host 127.0.0.1 --metrics-port ${port:-$EGRESS_READER_METRICS_PORT}" ;;
        egress-writer) echo "$bin/EgressService writer --metrics-host 127.0.0.1 --metrics-port ${port:-$EGRESS_WRITER_METRICS_PORT}" ;;
        optout-crm-reader) echo "$bin/OptOutService crm-reader --metrics-host 127.0.0.1 --metrics-port ${port:-$OPTOUT_CRM_READER_METRICS_PORT}" ;;
        optout-campaign-reader) echo "$bin/OptOutService campaign-reader --metrics-host 127.0.0.1 --metrics-port ${port:-$OPTOUT_CAMPAIGN_READER_METRICS_PORT}" ;;
        optout-writer) echo "$bin/OptOutService writer --metrics-host 127.0.0.1 --metrics-port ${port:-$OPTOUT_WRITER_METRICS_PORT}" ;;
        *) return 1 ;;
    esac
}

# Exports .crmbridge/stack.env of the running stack, as it is now (restart, scale).
load_stack_env() {
    [ -f "$state/stack.env" ] && [ -f "$pids/control.pid" ] || { echo "no stack is running (make run)" >&2; exit 1; }
    set -a; . "$state/stack.env"; set +a
}

stack_bin() {
    (cd "$root" && swift build -c "$BUILD_CONFIG" --show-bin-path 2>/dev/null)
}

# restart NAME: SIGTERM (it flushes and commits), then the same command with the
# environment of stack.env as it is now (rotated credentials, a new token).
restart_process() {
    load_stack_env
    local name=$1 base=${1%-[0-9]*} bin; bin=$(stack_bin)
    local port=""
    [ "$base" != "$name" ] && port=$(free_port)
    local cmd; cmd=$(process_command "$bin" "$base" "$port") || { echo "unknown process $name (one of: $PROCESSES)" >&2; exit 2; }
    [ -f "$pids/$name.pid" ] || { echo "$name is not running" >&2; exit 1; }
    touch "$pids/$name.restarting"
    stop_group "$name"
    start_process "$name" $cmd
    rm -f "$pids/$name.restarting"
    log "restarted $name (pid $(cat "$pids/$name.pid"))"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# scale NAME N: instances NAME, NAME-2 … NAME-N; the others are stopped.
scale_role() {
    load_stack_env
    local name=$1 count=$2 bin; bin=$(stack_bin)
    [[ $count =~ ^[0-9]+$ ]] || { echo "the count must be a whole number" >&2; exit 2; }
    process_command "$bin" "$name" >/dev/null && [ "$name" != control ] || { echo "unknown role $name" >&2; exit 2; }
    if [ "$count" -ge 1 ] && ! kill -0 "$(cat "$pids/$name.pid" 2>/dev/null)" 2>/dev/null; then
        start_process "$name" $(process_command "$bin" "$name")
        log "started $name (pid $(cat "$pids/$name.pid"))"
    fi
    for i in $(seq 2 "$count"); do
        [ -f "$pids/$name-$i.pid" ] && continue
        local port; port=$(free_port)
        start_process "$name-$i" $(process_command "$bin" "$name" "$port")
        log "started $name-$i (pid $(cat "$pids/$name-$i.pid"), /healthz on 127.0.0.1:$port)"
    done
    local extra=()
    for f in "$pids/$name"-*.pid; do
        [ -e "$f" ] || continue
        local i; i=$(basename "$f" .pid); i=${i##*-}
        [[ $i =~ ^[0-9]+$ ]] && [ "$i" -gt "$count" ] && extra+=("$name-$i")
    done
    [ "$count" -eq 0 ] && [ -f "$pids/$name.pid" ] && extra+=("$name")
    if [ ${#extra[@]} -gt 0 ]; then
        stop_group "${extra[@]}"
        log "stopped ${extra[*]}"
    fi
}

# start NAME COMMAND...: run a process in the background, its log in .crmbridge/logs.
start_process() {
    local name=$1; shift
    "$@" >>"$logs/$name.log" 2>&1 &
    echo $! >"$pids/$name.pid"
}

wait_for() {  # wait_for DESCRIPTION SECONDS COMMAND...
    local what=$1 seconds=$2; shift 2
    for _ in $(seq 1 $((seconds * 10))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "error: $what did not come up in ${seconds}s; see $logs" >&2
    return 1
}

# The stored demo (workflow configurations, LASTIMPORT options, connector state, the
# Campaign demo rows) belongs to the CRM it ran against: ids, objects and fields differ.
# `make run CRM=…` on a checkout whose demo belongs to the other CRM (or to an unrecorded
# one, from before the CRM was recorded) starts the demo afresh, and says so in one line.
follow_crm() {  # follow_crm DATABASE_URL
    local db_url=$1 marker="$state/demo-crm" stored=""
    [ -s "$marker" ] && stored=$(cat "$marker")
    if [ "$stored" != "$CRM" ] \
        && [ "$(psql "$db_url" -tAc "SELECT to_regclass('crmbridge.workflows') IS NOT NULL")" = t ] \
        && [ "$(psql "$db_url" -tAc "SELECT count(*) > 0 FROM crmbridge.workflows")" = t ]; then
        log "the stored demo belongs to ${stored:-an unrecorded CRM}, not $CRM: resetting it (workflow configurations, LASTIMPORT options, Campaign demo rows)"
        psql "$db_url" -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
BEGIN;
DELETE FROM crmbridge.workflow_configs;
DELETE FROM crmbridge.workflows;
DELETE FROM crmbridge.options WHERE name LIKE 'LASTIMPORT\_%';
DELETE FROM crmbridge.connector_state;
DELETE FROM crmbridge.role_heartbeats;
DELETE FROM crmbridge.tombstones;
TRUNCATE profiles, memberships, email_events;
COMMIT;
SQL
    fi
    echo "$CRM" >"$marker"
}

start_all() {
    mkdir -p "$pids" "$logs"
    stop_all >/dev/null 2>&1 || true
    mkdir -p "$pids" "$logs"
    rm -f "$logs"/*.log
    local bin; bin=$(cd "$root" && swift build -c "$BUILD_CONFIG" --show-bin-path)

    # As root the cluster lives outside the checkout, .crmbridge/postgres links to it
    # (scripts/postgres.sh, docs/deployment.md).
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    local db_url; db_url=$("$root/scripts/postgres.sh" start "$state/postgres" "$PG_PORT")

    local config="$root/crmbridge.yaml"
    [ "$CRM" = salesforce ] && config="$root/crmbridge.salesforce.yaml"
    log "starting the local Kafka broker"
    rm -f "$state/kafka.bootstrap"
    # The broker creates the workflows' topics with many partitions: it keeps only the
    # last 5 MiB of each (docs/decisions.md).
    start_process broker "$bin/crmbridge" dev-broker --address-file "$state/kafka.bootstrap" --config "$config"
    wait_for "the Kafka broker" 30 test -s "$state/kafka.bootstrap"
    local bootstrap; bootstrap=$(cat "$state/kafka.bootstrap")

    log "starting the CRM emulator on 127.0.0.1:$EMULATOR_PORT"
    start_process emulator "$bin/crm-emulator" --port "$EMULATOR_PORT" --seed 1000
    wait_for "the CRM emulator" 30 curl -fsS "http://127.0.0.1:$EMULATOR_PORT/healthz"

    local token_file="$state/api-token"
    [ -s "$token_file" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$token_file"
    local emulator="http://127.0.0.1:$EMULATOR_PORT"
    cat >"$state/stack.env" <<ENV
CRMBRIDGE_CONTROL_URL=http://127.0.0.1:$CONTROL_PORT
CRMBRIDGE_API_TOKEN=$(cat "$token_file")
CAMPAIGN_DATABASE_URL=$db_url
KAFKA_BOOTSTRAP_SERVERS=$bootstrap
CRMBRIDGE_CONFIG=$config
DYNAMICS_URL=$emulator
DYNAMICS_TOKEN_URL=$emulator/crmbridge-demo-tenant/oauth2/v2.0/token
DYNAMICS_CLIENT_ID=crmbridge-demo
DYNAMICS_CLIENT_SECRET=demo-secret
SALESFORCE_URL=$emulator
SALESFORCE_CLIENT_ID=crmbridge-demo
SALESFORCE_CLIENT_SECRET=demo-secret
CRMBRIDGE_LOCAL_BROKER=1
ENV
    chmod 600 "$state/stack.env"
    set -a; . "$state/stack.env"; set +a
    # The demo's Campaign tables; a customer's Campaign has its own, so no role creates them.
    "$bin/crmbridge" demo-schema --database-url "$db_url" >/dev/null
    follow_crm "$db_url"

    for role in $PROCESSES; do
        start_process "$role" $(process_command "$bin" "$role")
    done
    wait_for "the control service" 60 curl -fsS "$CRMBRIDGE_CONTROL_URL/healthz"
    for workflow in $WORKFLOWS; do
        curl -fsS -X POST -H "Authorization: Bearer $CRMBRIDGE_API_TOKEN" \
            "$CRMBRIDGE_CONTROL_URL/api/workflows/$workflow/start" >/dev/null \
            && log "started $workflow" || log "could not start $workflow (see $logs/control.log)"
    done

    cat <<MSG

  CRM Bridge is running ($CRM).
    Workflows page   $CRMBRIDGE_CONTROL_URL/
    API token        $CRMBRIDGE_API_TOKEN
    Kafka            $KAFKA_BOOTSTRAP_SERVERS      (kcat -b $KAFKA_BOOTSTRAP_SERVERS -L)
    Campaign         $CAMPAIGN_DATABASE_URL
    CRM emulator     $emulator
    Reader           http://127.0.0.1:$READER_METRICS_PORT/healthz   /metrics   (crm-to-campaign)
    Writer           http://127.0.0.1:$WRITER_METRICS_PORT/healthz   /metrics
    Egress reader    http://127.0.0.1:$EGRESS_READER_METRICS_PORT/healthz   /metrics   (campaign-to-crm)
    Egress writer    http://127.0.0.1:$EGRESS_WRITER_METRICS_PORT/healthz   /metrics
    Opt-out readers  http://127.0.0.1:$OPTOUT_CRM_READER_METRICS_PORT/healthz   :$OPTOUT_CAMPAIGN_READER_METRICS_PORT   (opt-in-out)
    Opt-out writer   http://127.0.0.1:$OPTOUT_WRITER_METRICS_PORT/healthz   /metrics
    Environment      .crmbridge/stack.env        Logs  .crmbridge/logs/
    PostgreSQL data  $("$root/scripts/postgres.sh" where "$state/postgres")
  Ctrl-C (or make stop from another shell) stops everything.

MSG
}

status_line() {
    # The token as stack.env has it now: `restart control` after a rotation changes it.
    local token; token=$(sed -n 's/^CRMBRIDGE_API_TOKEN=//p' "$state/stack.env")
    curl -fsS -m 5 -H "Authorization: Bearer $token" "$CRMBRIDGE_CONTROL_URL/api/workflows" 2>/dev/null \
        | python3 -c '
import json, sys
items = json.load(sys.stdin)
print("   ".join("%s %s backlog %d" % (w["name"], w["status"], w["backlog"]) for w in items))
' 2>/dev/null || echo "control service not answering"
}

status_loop() {
    while true; do
        printf '\r\033[K%s %s' "$(date +%H:%M:%S)" "$(status_line)" || true
        for name in broker emulator control; do
            # No pid file: `restart` is replacing it (its marker says so), or `make stop`
            # ran, which ends this loop too.
            if [ ! -f "$pids/$name.pid" ]; then
                [ -f "$pids/$name.restarting" ] && continue
                printf '\n%s was stopped (make stop)\n' "$name" >&2
                return 2
            fi
            if ! kill -0 "$(cat "$pids/$name.pid" 2>/dev/null)" 2>/dev/null; then
                printf '\n%s exited; see %s\n' "$name" "$logs/$name.log" >&2
                return 1
            fi
        done
        sleep 2
    done
}

case "${1:-}" in
start)
    # A reader of our output (tee, a closed terminal) may be gone before we are:
    # writes then fail instead of killing the script before it stopped everything.
    trap '' PIPE
    # On Ctrl-C the terminal (or a pipe reader like tee) may already be gone: a write
    # must not kill the script before everything is stopped.
    trap 'trap "" PIPE INT TERM HUP; echo 2>/dev/null; stop_all 2>/dev/null; exit 0' INT TERM HUP
    # Any failing step stops what started and exits non-zero. (`start_all || …` would
    # not do: bash ignores `set -e` inside a function called on the left of `||`, so a
    # PostgreSQL that could not start used to let everything else start against nothing.)
    set -E
    # (A command substitution's subshell inherits the trap: it only exits there.)
    trap '[ "$BASHPID" = "$$" ] || exit 1; echo "error: the stack did not start (logs: $logs); stopping what started" >&2; trap "" ERR; stop_all; exit 1' ERR
    start_all
    trap - ERR
    set +E
    # 2: make stop from another shell stopped the stack, which is no error.
    status_loop || { rc=$?; stop_all; [ "$rc" -eq 2 ] && exit 0; exit 1; }
    ;;
stop) stop_all ;;
restart) [ $# -eq 2 ] || { echo "usage: $0 restart NAME" >&2; exit 2; }; restart_process "$2" ;;
scale) [ $# -eq 3 ] || { echo "usage: $0 scale ROLE COUNT" >&2; exit 2; }; scale_role "$2" "$3" ;;
*) echo "usage: $0 start|stop|restart NAME|scale ROLE COUNT" >&2; exit 2 ;;
esac
