#!/usr/bin/env bash
# `make test`: a private PostgreSQL for the tests, then `swift test`, then stop it.
# The tests start their own Kafka mock cluster and CRM emulator on free ports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.crmbridge/test-postgres"
port=${TEST_PG_PORT:-55433}

trap '"$root/scripts/postgres.sh" stop "$dir"' EXIT
export CRMBRIDGE_TEST_DATABASE_URL=$("$root/scripts/postgres.sh" start "$dir" "$port")
cd "$root"
# The end-to-end tests run the product executables as child processes: build them too.
swift build
swift build --build-tests
swift test --skip-build "$@"
