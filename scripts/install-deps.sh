#!/usr/bin/env bash
# Installs what the project needs, only what is missing; safe to run again.
# Used by `make run`, `make test`, `make bench` and `.ci/run`.
# - Debian packages: scripts/apt-packages.txt (deploy/Dockerfile reads it too): the `build`
#   and `local` packages, `browser` ones with WITH_BROWSER=1, `ci` ones with WITH_CI=1.
# - PyPI packages, with WITH_CI=1 only: scripts/python-packages.txt, into the virtual
#   environment .crmbridge/venv (deploy/validate.sh runs its tools from there).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

kinds=(build local)
[ "${WITH_BROWSER:-0}" = 1 ] && kinds+=(browser)
[ "${WITH_CI:-0}" = 1 ] && kinds+=(ci)
packages=()
while read -r name kind _; do
    for k in "${kinds[@]}"; do [ "$kind" = "$k" ] && packages+=("$name"); done
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$root/scripts/apt-packages.txt")

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${WITH_CI:-0}" = 1 ]; then
    venv="$root/.crmbridge/venv"
    requirements="$root/scripts/python-packages.txt"
    # Reinstalled only when the list changed since the last install.
    if ! cmp -s "$requirements" "$venv/installed.txt"; then
        echo "installing into .crmbridge/venv: $(grep -v '^[[:space:]]*\(#\|$\)' "$requirements" | tr '\n' ' ')"
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        cp "$requirements" "$venv/installed.txt"
    fi
fi
