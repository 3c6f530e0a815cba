#!/usr/bin/env bash
# Checks the deployment files offline, without a Docker engine or a cluster:
#   - docker-compose.yml with Debian's docker-compose 1.29 (`config`): valid with
#     CRMBRIDGE_API_TOKEN set, refused without it, naming the variable (a .env file or
#     deploy/crmbridge.env of yours is not read here);
#   - every manifest under deploy/ (*.yaml, *.yml): no key repeated in one mapping, and
#     valid against the Kubernetes schemas (kubernetes-validate from PyPI ships them;
#     --strict rejects unknown fields);
#   - deploy/Dockerfile: no `|| true`, and its image's last USER is not root.
# Usage: deploy/validate.sh   (from anywhere; exits non-zero on the first problem)
# `WITH_CI=1 scripts/install-deps.sh` installs both tools (.ci/run does): docker-compose
# from Debian, kubernetes-validate from PyPI into .crmbridge/venv, which is used first.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .crmbridge/venv/bin/kubernetes-validate ] && PATH="$PWD/.crmbridge/venv/bin:$PATH"

command -v docker-compose >/dev/null || { echo "docker-compose is missing (WITH_CI=1 scripts/install-deps.sh)" >&2; exit 1; }
command -v kubernetes-validate >/dev/null || { echo "kubernetes-validate is missing (WITH_CI=1 scripts/install-deps.sh)" >&2; exit 1; }

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

# The image: every step fails the build when it fails, and it runs as a user of its own.
if grep -nE '^[^#]*\|\| *true' deploy/Dockerfile; then
    echo "deploy/Dockerfile hides a failing step with || true" >&2; exit 1
fi
last_user=$(grep -E '^USER ' deploy/Dockerfile | tail -1 | awk '{print $2}')
case $last_user in ""|root|0) echo "deploy/Dockerfile's image runs as root" >&2; exit 1 ;; esac
echo "deploy/Dockerfile: no || true, runs as $last_user"

# Every manifest under deploy/. First as YAML that must not repeat a key in one mapping:
# a missing `---` between two objects makes one mapping of both, and YAML readers
# (kubectl's, kubernetes-validate's) keep the last value silently, so the first object
# would vanish without a word.
mapfile -t manifests < <(find deploy -name '*.yaml' -o -name '*.yml' | sort)
[ ${#manifests[@]} -gt 0 ] || { echo "no manifest under deploy/" >&2; exit 1; }
python=python3
[ -x .crmbridge/venv/bin/python ] && python=.crmbridge/venv/bin/python
for manifest in "${manifests[@]}"; do
    "$python" - "$manifest" <<'PY'
import sys, yaml
class Strict(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                sys.exit(f"{sys.argv[1]}:{key_node.start_mark.line + 1}: key {key!r} repeated in one mapping (a missing '---' between two objects?)")
            seen.add(key)
        return super().construct_mapping(node, deep)
Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, Strict.construct_mapping)
documents = [d for d in yaml.load_all(open(sys.argv[1]), Loader=Strict) if d is not None]
print(f"{sys.argv[1]}: {len(documents)} objects: " + ", ".join(f"{d['kind']} {d['metadata']['name']}" for d in documents))
PY
    kubernetes-validate --strict --quiet "$manifest"
    echo "$manifest: valid against the Kubernetes schemas"
done
