#!/usr/bin/env bash
# `make chaos`: issue 16's crash, fault and bad-input suite (Tests/ChaosTests) over the
# whole local stack — a private PostgreSQL, the Kafka mock cluster, the CRM emulator and
# every role as its own process — then one line per scenario, `N passed, N failed`, and
# the table of figures. docs/reliability.md says what each scenario does.
#
#   CHAOS_PROFILE=full|short   full (default here): every scenario, kills at issue 16's sizes,
#                              kills and CRM faults on Dynamics and Salesforce;
#                              short: what `make test` runs (Dynamics)
#   CHAOS_CONTACTS, CHAOS_EVENTS, CHAOS_FLIPS, CHAOS_KILLS   override one size
#   CHAOS_CRMS=dynamics,salesforce   the CRMs every scenario runs against
#   CHAOS_PARALLEL=1|0         1 (default): each CRM's scenarios in a test process of its
#                              own, the CRMs side by side; 0: one CRM after the other
#   CHAOS_KEEP=1               keep the full test output (its path is printed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CHAOS_PROFILE=${CHAOS_PROFILE:-full}
# Refused before anything starts: a misspelt value must not quietly run another suite.
case "$CHAOS_PROFILE" in full|short) ;; *) echo "CHAOS_PROFILE must be full or short, not $CHAOS_PROFILE" >&2; exit 2 ;; esac
case "${CHAOS_PARALLEL:-1}" in 0|1) ;; *) echo "CHAOS_PARALLEL must be 0 or 1, not $CHAOS_PARALLEL" >&2; exit 2 ;; esac
for crm in ${CHAOS_CRMS//,/ }; do
    case "$crm" in dynamics|salesforce) ;; *) echo "CHAOS_CRMS lists dynamics and/or salesforce, not $crm" >&2; exit 2 ;; esac
done

dir="$root/.crmbridge/chaos-postgres"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d "${TMPDIR:-/tmp}/crmbridge-chaos.XXXXXX")
cleanup() {
    [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
    "$root/scripts/postgres.sh" stop "$dir" >/dev/null 2>&1 || true
    [ "${CHAOS_KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

echo "== building (swift build --build-tests)"
swift build >"$work/build.log" 2>&1 && swift build --build-tests >>"$work/build.log" 2>&1 \
    || { tail -n 40 "$work/build.log" >&2; echo "build failed" >&2; exit 1; }
url=$("$root/scripts/postgres.sh" start "$dir" "$port")
export CRMBRIDGE_TEST_DATABASE_URL=$url
export CHAOS_FIGURES="$work/figures.jsonl"

echo "== running the chaos suite (profile $CHAOS_PROFILE; output in $work/test.log)"
status=0
# Asked before any `swift test` holds the build directory's lock.
bundle="$(swift build --show-bin-path)/crm-bridgePackageTests.xctest"
# The machine's 1-minute load average every 15 s, for the figures (the machine may be shared).
( while :; do cut -d' ' -f1 /proc/loadavg >>"$work/loadavg"; sleep 15; done ) &
sampler=$!
started=$(date +%s)
# The bad-input and security checks in a process of their own, beside the scenarios' (a
# scenario's in-process emulator holding 200,000 contacts can keep its test process's two
# cooperative threads busy for seconds at a time, which would starve checks in the same
# process).
swift test --skip-build --filter ChaosTests --skip ChaosScenarioTests "$@" >"$work/test.log" 2>&1 &
checks=$!
# Each CRM's scenarios in a test process of its own (its own emulator, mock cluster and
# databases), side by side by default: most of a scenario's time is waiting on its clock
# (the kills' two minutes, the outage's 30 s, the load spread over its seconds), so two
# CRMs side by side take little longer than one (docs/reliability.md, "Time"). The test
# bundle runs directly: two `swift test` in one build directory wait for each other.
crms=${CHAOS_CRMS:-$([ "$CHAOS_PROFILE" = full ] && echo dynamics,salesforce || echo dynamics)}
pids=()
for crm in ${crms//,/ }; do
    if [ "${CHAOS_PARALLEL:-1}" = 1 ]; then
        CHAOS_CRMS=$crm CHAOS_FIGURES="$work/figures-$crm.jsonl" "$bundle" --testing-library swift-testing --filter ChaosScenarioTests "$@" >"$work/scenarios-$crm.log" 2>&1 &
        pids+=($!)
    else
        CHAOS_CRMS=$crm CHAOS_FIGURES="$work/figures-$crm.jsonl" "$bundle" --testing-library swift-testing --filter ChaosScenarioTests "$@" >"$work/scenarios-$crm.log" 2>&1 || status=$?
    fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
wait "$checks" || status=$?
kill "$sampler" 2>/dev/null || true
elapsed=$(( $(date +%s) - started ))

# One line per scenario and check, from Swift Testing's own result lines.
python3 - "$elapsed" "$work/loadavg" "$CHAOS_FIGURES" "$work/test.log" "$work"/scenarios-*.log <<'PY'
import glob, json, os, re, sys
elapsed, loadavg_path, figures_path, logs = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
passed = failed = 0
result = re.compile(r'Test "?([A-Za-z0-9_]+)\(.*?\)"?(?: with \d+ test cases?)? (passed|failed|skipped)( after ([0-9.]+) seconds)?')
skipped = 0
for log in logs:
    if not os.path.exists(log):
        continue
    lines = open(log, encoding="utf-8", errors="replace").read().splitlines()
    crm = re.match(r"scenarios-(.+)\.log$", os.path.basename(log))
    suffix = " [%s]" % crm.group(1) if crm else ""
    seen = set()
    for line in lines:
        m = result.search(line)
        if not m or m.group(1) in seen:
            continue
        seen.add(m.group(1))
        if m.group(2) == "skipped":
            skipped += 1
            print("%-4s %s (skipped)" % ("SKIP", m.group(1) + suffix))
            continue
        ok = m.group(2) == "passed"
        passed += ok
        failed += not ok
        print("%-4s %-90s %s" % ("PASS" if ok else "FAIL", m.group(1) + suffix, (m.group(4) or "?") + " s"))
        if not ok:
            # Each issue with the first line of its message (Swift Testing puts a recorded
            # issue's message on the next line, after "↳").
            issues = [(i, l) for i, l in enumerate(lines) if m.group(1) in l and "recorded an issue" in l]
            for i, issue in issues[:6]:
                text = issue.strip()
                if text.endswith("Issue recorded") and i + 1 < len(lines):
                    text = text.rsplit(": ", 1)[0] + ": " + lines[i + 1].strip().lstrip("↳ ")
                print("       " + text[:400])
print("%d passed, %d failed" % (passed, failed) + (", %d skipped" % skipped if skipped else ""))
rows = []
for path in [figures_path] + sorted(glob.glob(os.path.join(os.path.dirname(figures_path), "figures-*.jsonl"))):
    if os.path.exists(path):
        rows += [json.loads(l) for l in open(path) if l.strip()]
if rows:
    print()
    print("%-27s %-10s %-7s %9s %6s %16s %8s %7s %12s %13s %12s %12s %12s %9s %12s %9s" % ("scenario", "crm", "profile", "contacts", "kills", "records checked", "rejects", "faults", "met by test", "role retries", "recover (s)", "converge (s)", "initial (s)", "load (s)", "compare (s)", "total (s)"))
    for r in rows:
        print("%-27s %-10s %-7s %9d %6d %16d %8d %7d %12d %13d %12.1f %12.1f %12.0f %9.0f %12.1f %9.0f" % (r["scenario"] + (" (failed)" if r.get("failed") else ""), r.get("crm", "-"), r["profile"], r.get("contacts", 0), r["kills"], r["recordsChecked"], r["rejects"], r.get("faultsInjected", 0), r.get("faultsMetByTest", 0), r.get("roleRetries", 0), r["recoverSeconds"], r["convergeSeconds"], r.get("initialLoadSeconds", 0), r.get("loadSeconds", 0), r.get("compareSeconds", 0), r["totalSeconds"]))
loads = [float(l) for l in open(loadavg_path) if l.strip()] if os.path.exists(loadavg_path) else []
print()
print("whole run %d min %02d s" % (elapsed // 60, elapsed % 60) + (
    "; 1-minute load average on this machine (%d cores) %.1f mean, %.1f to %.1f (shared machines: other work counts too)"
    % (os.cpu_count() or 0, sum(loads) / len(loads), min(loads), max(loads)) if loads else ""))
sys.exit(1 if failed or not passed else 0)
PY
summary=$?
[ "$status" -ne 0 ] && [ "$summary" -eq 0 ] && { tail -n 30 "$work/test.log"; echo "swift test failed (status $status)"; exit "$status"; }
exit "$summary"
