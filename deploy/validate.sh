#!/usr/bin/env bash
# Checks the deployment files offline, without a Docker engine or a cluster:
#   - docker-compose.yml with Debian's docker-compose 1.29 (`config`): valid with
#     CRMBRIDGE_API_TOKEN set, refused without it, naming the variable (a .env file or
#     deploy/crmbridge.env of yours is not read here);
#   - every manifest under deploy/kubernetes/ against the Kubernetes schemas
#     (kubernetes-validate from PyPI ships them; --strict rejects unknown fields).
# Usage: deploy/validate.sh   (from anywhere; exits non-zero on the first problem)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v docker-compose >/dev/null || { echo "docker-compose is missing (apt-get install docker-compose)" >&2; exit 1; }
command -v kubernetes-validate >/dev/null || { echo "kubernetes-validate is missing (pip install kubernetes-validate)" >&2; exit 1; }

# An empty env file: neither a .env here nor the environment's other values count.
no_env=$(mktemp)
trap 'rm -f "$no_env"' EXIT
CRMBRIDGE_API_TOKEN=validate-only docker-compose --env-file "$no_env" -f docker-compose.yml --profile demo config --quiet
echo "docker-compose.yml: valid"
if refusal=$(env -u CRMBRIDGE_API_TOKEN docker-compose --env-file "$no_env" -f docker-compose.yml config --quiet 2>&1); then
    echo "docker-compose.yml starts without CRMBRIDGE_API_TOKEN: it must refuse" >&2
    exit 1
fi
grep -q CRMBRIDGE_API_TOKEN <<<"$refusal" || { echo "compose's refusal does not name CRMBRIDGE_API_TOKEN: $refusal" >&2; exit 1; }
echo "docker-compose.yml: refuses to start without CRMBRIDGE_API_TOKEN"

for manifest in deploy/kubernetes/*.yaml; do
    kubernetes-validate --strict --quiet "$manifest"
    echo "$manifest: valid"
done
