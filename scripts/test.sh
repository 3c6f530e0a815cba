#!/usr/bin/env bash
# `make test`: a private PostgreSQL for the tests, then `swift test`, then stop it.
# The tests start their own Kafka mock cluster and CRM emulator on free ports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# As root this is a link to a cluster outside the checkout, where the `postgres` user can
# enter (scripts/postgres.sh): the checkout may be in root's home or a `mktemp -d` folder.
dir="$root/.crmbridge/test-postgres"
# A free port unless one is given, so make test can run beside make run or another checkout.
port=${TEST_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

# The tests leave their role logs and configs in the temporary directory, so a failure
# can be read afterwards; those of earlier runs go once they are a day old.
find "${TMPDIR:-/tmp}" -maxdepth 1 \( -name 'crmbridge-test-*' -o -name 'crmbridge-populations-*' \) \
    -mmin +1440 -exec rm -rf {} + 2>/dev/null || true

# SPEC §1's boundaries first: no target but a bridge imports a C module, no cycle.
python3 "$root/scripts/check-boundaries.py"

trap '"$root/scripts/postgres.sh" stop "$dir"' EXIT
url=$("$root/scripts/postgres.sh" start "$dir" "$port")
export CRMBRIDGE_TEST_DATABASE_URL=$url
# The chaos suite's short profile (a few minutes); `make chaos` runs the full one.
export CHAOS_PROFILE=short
cd "$root"
# The end-to-end tests run the product executables as child processes: build them too.
swift build
swift build --build-tests
swift test --skip-build "$@"
