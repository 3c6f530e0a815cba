#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
# Used by `make run`, `make test` and `make bench`; safe to run again.
# The list is scripts/apt-packages.txt (deploy/Dockerfile reads it too): the `build` and
# `local` packages, and `browser` ones with WITH_BROWSER=1.
set -euo pipefail

kinds=(build local)
[ "${WITH_BROWSER:-0}" = 1 ] && kinds+=(browser)
packages=()
while read -r name kind _; do
    for k in "${kinds[@]}"; do [ "$kind" = "$k" ] && packages+=("$name"); done
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$(dirname "$0")/apt-packages.txt")

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
