#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
# Used by `make run`, `make test` and `make bench`; safe to run again.
set -euo pipefail

packages=(librdkafka-dev libpq-dev libcurl4-openssl-dev postgresql kcat pkg-config)
[ "${WITH_BROWSER:-0}" = 1 ] && packages+=(chromium)

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
