#!/usr/bin/env bash
# `make bench`: builds the release, starts its own PostgreSQL, Kafka dev broker and CRM
# emulator under a temporary directory, runs `crmbridge-bench` (table on stdout, JSON in
# bench/results/latest.json), draws the chart, and stops everything it started.
#
#   BENCH_N=1000000      records of the headline figures (see docs/performance.md)
#   BENCH_SCALES=…       comma-separated N of the per-N benchmarks (default 100000,BENCH_N)
#   BENCH_ONLY=…         only these benchmarks (names: crmbridge-bench --help)
#   BENCH_EGRESS_N=200000 email events of the egress-crm benchmark (smaller for a quick look)
#   BENCH_EGRESS_RULES=1 egress-crm also runs its budget-limited setting with each limiter rule changed in turn
#   BENCH_PROFILE=full  adds the long points: egress-e2e at 1,000,000 events (default: 100,000 and BENCH_EGRESS_N)
#   BENCH_KEEP=1         keep the temporary directory (role logs, configs, server log)
#   BENCH_PROFILE=scale  only the scale profile of issue 17 (about 25 min at 15M): initial
#                        load with deletes, replay, second load after 1% changed and 1% deleted,
#                        N = BENCH_N or 15,000,000, into bench/results/scale.json (and .svg)
# Extra arguments go to crmbridge-bench, e.g. scripts/bench.sh --latency-seconds 20.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

profile=${BENCH_PROFILE:-default}
case "$profile" in
default | full) ;;
scale) set -- --only scale --records "${BENCH_N:-15000000}" --output "$root/bench/results/scale.json" "$@" ;;
*) echo "BENCH_PROFILE must be default, full or scale, not $profile" >&2; exit 2 ;;
esac

echo "== building the release (swift build -c release)"
build_log=$(mktemp "${TMPDIR:-/tmp}/crmbridge-bench-build.XXXXXX")
for product in IngressService EgressService OptOutService crm-emulator crmbridge crmbridge-bench; do
    swift build -c release --product "$product" >"$build_log" 2>&1 \
        || { tail -n 40 "$build_log" >&2; echo "build of $product failed" >&2; exit 1; }
done
rm -f "$build_log"
bin=$(swift build -c release --show-bin-path)

work=$(mktemp -d "${TMPDIR:-/tmp}/crmbridge-bench.XXXXXX")
# As root, $work/postgres links to a cluster outside $work (scripts/postgres.sh).
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        "$root/scripts/postgres.sh" stop "$work/postgres" || true
        echo "kept $work"
    else
        "$root/scripts/postgres.sh" destroy "$work/postgres" || true
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# A TCP port nobody listens on, from a range of its own.
free_port() {
    local port
    for port in $(shuf -i 20000-29999 -n 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    echo "no free port found" >&2; return 1
}

# Waits until file $1 exists and is not empty (up to $2 seconds).
wait_for_file() {
    for _ in $(seq 1 $(( $2 * 10 ))); do [ -s "$1" ] && return 0; sleep 0.1; done
    echo "timed out waiting for $1" >&2; return 1
}

echo "== starting PostgreSQL, the Kafka dev broker and the CRM emulator under $work"
database_url=$("$root/scripts/postgres.sh" start "$work/postgres" "$(free_port)")
# The mock broker keeps only the last 5 MiB of each partition: the bench's big topics are
# created up front with enough partitions to hold all their records (crmbridge-bench says which).
topics=()
while read -r topic; do topics+=(--topic "$topic"); done < <("$bin/crmbridge-bench" --print-broker-topics "$@")
"$bin/crmbridge" dev-broker --address-file "$work/broker.address" --log-level warning "${topics[@]}" \
    >"$work/broker.log" 2>&1 &
pids+=($!)
"$bin/crm-emulator" --port 0 --port-file "$work/emulator.port" --seed 0 --log-level warning >"$work/emulator.log" 2>&1 &
pids+=($!)
wait_for_file "$work/broker.address" 30
wait_for_file "$work/emulator.port" 30

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"

echo "== running crmbridge-bench"
output="$root/bench/results/latest.json"
for ((i = 1; i <= $#; i++)); do [ "${!i}" = --output ] && { j=$((i + 1)); output=${!j}; }; done
BENCH_DATABASE_URL="$database_url" \
KAFKA_BOOTSTRAP_SERVERS=$(tr -d '[:space:]' <"$work/broker.address") \
BENCH_EMULATOR_URL="http://127.0.0.1:$(tr -d '[:space:]' <"$work/emulator.port")" \
BENCH_BIN_DIR="$bin" BENCH_WORK_DIR="$work" BENCH_COMMIT="$commit" \
BENCH_BROKER_PID="${pids[0]}" BENCH_EMULATOR_PID="${pids[1]}" \
BENCH_POSTGRES_PID=$(head -n 1 "$work/postgres/postmaster.pid") \
    "$bin/crmbridge-bench" --output "$output" "$@"

if command -v python3 >/dev/null; then
    python3 "$root/bench/chart.py" "$output" "${output%.json}.svg"
fi
