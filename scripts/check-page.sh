#!/usr/bin/env bash
# Headless-browser check of the Workflows page: loads it in chromium, keeps a
# screenshot, and checks that the three workflows show with a status and a backlog.
#
#   scripts/check-page.sh [OUT.png]      (default bench/artifacts/workflows-page.png)
#
# Uses the stack of `make run` when .crmbridge/stack.env points at a live control
# service. Otherwise starts a stack of its own (private PostgreSQL, local Kafka broker,
# CRM emulator, control service; stopped on exit) and stages what the page must never
# hide (issue 18): crm-to-campaign and campaign-to-crm run against a CRM that stops
# answering (the emulator is SIGSTOPped), so their row shows "CRM not answering";
# opt-in-out is edited onto a Campaign table that does not exist, so it is FAILED
# naming it. The checks then read those texts off the page chromium rendered.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bench/artifacts/workflows-page.png}
mkdir -p "$(dirname "$out")"
bin=$(cd "$root" && swift build --show-bin-path)
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

own=""
pids=()
cleanup() {
    # A stopped process (the emulator, SIGSTOPped below) takes TERM only once continued.
    for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "$own" ]; then
        "$root/scripts/postgres.sh" destroy "$own/postgres" >/dev/null 2>&1 || true
        rm -rf "$own"
    fi
}
trap cleanup EXIT

url="" token=""
if [ -f "$root/.crmbridge/stack.env" ]; then
    url=$(sed -n 's/^CRMBRIDGE_CONTROL_URL=//p' "$root/.crmbridge/stack.env")
    token=$(sed -n 's/^CRMBRIDGE_API_TOKEN=//p' "$root/.crmbridge/stack.env")
    curl -fsS "$url/healthz" >/dev/null 2>&1 || url=""
fi

staged=""
if [ -z "$url" ]; then
    log "no running stack: starting PostgreSQL, a local broker, the CRM emulator and the control service"
    (cd "$root" && for product in ControlService crmbridge crm-emulator IngressService EgressService OptOutService; do
        swift build --product "$product" >/dev/null; done)
    own=$(mktemp -d /tmp/crmbridge-check-page.XXXXXX)
    db_url=$("$root/scripts/postgres.sh" start "$own/postgres" "$(free_port)")
    "$bin/crmbridge" dev-broker --address-file "$own/kafka.bootstrap" >"$own/broker.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do [ -s "$own/kafka.bootstrap" ] && break; sleep 0.1; done
    emulator_port=$(free_port)
    "$bin/crm-emulator" --port "$emulator_port" --seed 200 >"$own/emulator.log" 2>&1 &
    emulator_pid=$!
    pids+=("$emulator_pid")
    emulator="http://127.0.0.1:$emulator_port"
    for _ in $(seq 1 300); do curl -fsS "$emulator/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    port=$(free_port)
    token=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    url="http://127.0.0.1:$port"
    export CRMBRIDGE_API_TOKEN="$token" CAMPAIGN_DATABASE_URL="$db_url" \
        KAFKA_BOOTSTRAP_SERVERS="$(cat "$own/kafka.bootstrap")" CRMBRIDGE_LOCAL_BROKER=1 \
        DYNAMICS_URL="$emulator" DYNAMICS_TOKEN_URL="$emulator/crmbridge-demo-tenant/oauth2/v2.0/token" \
        DYNAMICS_CLIENT_ID=crmbridge-demo DYNAMICS_CLIENT_SECRET=demo-secret \
        CRMBRIDGE_CONTROL_URL="$url"
    "$bin/crmbridge" demo-schema >/dev/null
    "$bin/ControlService" serve --port "$port" --config "$root/crmbridge.yaml" >"$own/control.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -fsS "$url/healthz" >/dev/null || { cat "$own/control.log" >&2; exit 1; }
    api() { curl -fsS -H "Authorization: Bearer $token" "$url/api/workflows/$1"; }
    field() { python3 -c "import json,sys; print(json.load(sys.stdin).get('$1') or '')"; }
    wait_for() { # workflow, field, text, seconds
        for _ in $(seq 1 $(($4 * 10))); do
            api "$1" | field "$2" | grep -q "$3" && return 0
            sleep 0.1
        done
        echo "FAIL $1: $2 never showed \"$3\" (API: $(api "$1"))" >&2
        return 1
    }
    printf 'mode: bidirectional\ncrmField: donotbulkemail\ncampaignTable: no_such_table\ncampaignColumn: blocklisted\ncampaignModifiedColumn: blocklisted_at\n' >"$own/opt-in-out.yaml"
    "$bin/crmbridge" workflows edit opt-in-out --file "$own/opt-in-out.yaml" >/dev/null
    for workflow in crm-to-campaign campaign-to-crm opt-in-out; do "$bin/crmbridge" workflows start "$workflow" >/dev/null; done
    "$bin/IngressService" reader --metrics-host 127.0.0.1 --metrics-port "$(free_port)" >"$own/ingress-reader.log" 2>&1 & pids+=($!)
    "$bin/IngressService" writer --metrics-host 127.0.0.1 --metrics-port "$(free_port)" >"$own/ingress-writer.log" 2>&1 & pids+=($!)
    "$bin/EgressService" reader --metrics-host 127.0.0.1 --metrics-port "$(free_port)" >"$own/egress-reader.log" 2>&1 & pids+=($!)
    "$bin/EgressService" writer --metrics-host 127.0.0.1 --metrics-port "$(free_port)" >"$own/egress-writer.log" 2>&1 & pids+=($!)
    "$bin/OptOutService" writer --metrics-host 127.0.0.1 --metrics-port "$(free_port)" >"$own/optout-writer.log" 2>&1 & pids+=($!)
    wait_for crm-to-campaign status RUNNING 120
    wait_for opt-in-out status FAILED 120
    # The CRM hangs (as a stopped process or a dead network path does): nothing answers.
    kill -STOP "$emulator_pid"
    wait_for crm-to-campaign statusReason "not answering" 120
    staged=1
fi
log "loading $url/ in headless chromium"
dom=$(mktemp)
# The token goes in the address once: the page stores it and removes it from the URL.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,800 \
    --virtual-time-budget=6000 --dump-dom "$url/?token=$token" >"$dom" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,800 \
    --virtual-time-budget=6000 --screenshot="$out" "$url/?token=$token" >/dev/null 2>&1

ok=1
for workflow in crm-to-campaign campaign-to-crm opt-in-out; do
    row=$(tr -d '\n' <"$dom" | grep -o "<tr data-workflow=\"$workflow\">.*" | sed 's#</tr>.*##' || true)
    status=$(printf '%s' "$row" | grep -oE 'class="status [a-z]+"[^>]*>[A-Z]+<' | grep -oE '>[A-Z]+<' | tr -d '<>' | head -1 || true)
    backlog=$(printf '%s' "$row" | grep -oE 'class="num backlog"[^>]*>[^<]+' | sed 's/.*>//' | head -1 || true)
    if [ -z "$status" ] || [ -z "$backlog" ]; then
        echo "FAIL $workflow: status or backlog not on the page" >&2; ok=0
    else
        echo "ok   $workflow: $status, backlog $backlog"
    fi
done
if [ -n "$staged" ]; then
    # What the operator must see, read off the rendered page.
    page=$(tr -d '\n' <"$dom")
    expect_on_page() { # workflow, text
        row=$(printf '%s' "$page" | grep -o "<tr data-workflow=\"$1\">.*" | sed 's#</tr>.*##' || true)
        if printf '%s' "$row" | grep -q "$2"; then echo "ok   $1 shows \"$2\""
        else echo "FAIL $1: \"$2\" is not on the page" >&2; ok=0; fi
    }
    expect_on_page crm-to-campaign "CRM not answering"
    expect_on_page opt-in-out "FAILED"
    expect_on_page opt-in-out "no_such_table"
    kill -CONT "$emulator_pid" 2>/dev/null || true
fi
rm -f "$dom"
[ -s "$out" ] || { echo "FAIL no screenshot written" >&2; exit 1; }
echo "screenshot: $out"
[ "$ok" = 1 ]
