#!/usr/bin/env bash
# Headless-browser check of the Workflows page: loads it in chromium, keeps a
# screenshot, and checks that the three workflows show with a status and a backlog.
#
#   scripts/check-page.sh [OUT.png]      (default bench/artifacts/workflows-page.png)
#
# Uses the stack of `make run` when .crmbridge/stack.env points at a live control
# service. Otherwise starts a small one of its own (private PostgreSQL, local Kafka
# broker, control service; stopped on exit), starts crm-to-campaign and puts 1,234
# records in its topic so the backlog is not 0.
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

if [ -z "$url" ]; then
    log "no running stack: starting PostgreSQL, a local broker and the control service"
    (cd "$root" && swift build --product ControlService >/dev/null && swift build --product crmbridge >/dev/null)
    own=$(mktemp -d /tmp/crmbridge-check-page.XXXXXX)
    db_url=$("$root/scripts/postgres.sh" start "$own/postgres" "$(free_port)")
    "$bin/crmbridge" dev-broker --address-file "$own/kafka.bootstrap" >"$own/broker.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do [ -s "$own/kafka.bootstrap" ] && break; sleep 0.1; done
    port=$(free_port)
    token=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    url="http://127.0.0.1:$port"
    env CRMBRIDGE_API_TOKEN="$token" CAMPAIGN_DATABASE_URL="$db_url" \
        KAFKA_BOOTSTRAP_SERVERS="$(cat "$own/kafka.bootstrap")" CRMBRIDGE_LOCAL_BROKER=1 \
        DYNAMICS_URL=http://127.0.0.1:9 DYNAMICS_TOKEN_URL=http://127.0.0.1:9/token \
        DYNAMICS_CLIENT_ID=check DYNAMICS_CLIENT_SECRET=check \
        "$bin/ControlService" serve --port "$port" --config "$root/crmbridge.yaml" >"$own/control.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -fsS "$url/healthz" >/dev/null || { cat "$own/control.log" >&2; exit 1; }
    export CRMBRIDGE_CONTROL_URL="$url" CRMBRIDGE_API_TOKEN="$token"
    "$bin/crmbridge" workflows start crm-to-campaign >/dev/null
    seq 1 1234 | sed 's/.*/contact-&:{"n":&}/' \
        | kcat -P -b "$(cat "$own/kafka.bootstrap")" -t crmbridge.crm-to-campaign.contact -K: 2>/dev/null
    # Two samples of the history (every 5 s), so the charts have a line.
    for _ in $(seq 1 150); do
        curl -fsS -H "Authorization: Bearer $token" "$url/api/workflows/crm-to-campaign/history" \
            | python3 -c 'import json,sys; sys.exit(0 if len(json.load(sys.stdin)["points"]) >= 2 else 1)' && break
        sleep 0.1
    done
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
rm -f "$dom"
[ -s "$out" ] || { echo "FAIL no screenshot written" >&2; exit 1; }
echo "screenshot: $out"
[ "$ok" = 1 ]
