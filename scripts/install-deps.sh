#!/usr/bin/env bash
# Installs what schemac needs to build and test, from Debian packages. Safe to re-run:
# it only calls apt-get when a package is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libpg-query-dev libprotobuf-c-dev libpqxx-dev libpq-dev libboost-dev libfmt-dev
  catch2 librapidcheck-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  postgresql-15 postgresql-client-15
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
