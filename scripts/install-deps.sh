#!/usr/bin/env bash
# Installs the Debian packages Gatehouse needs, only those missing. Usage: install-deps.sh [build|test]
set -euo pipefail
packages=(pkg-config libxml2-dev libxmlsec1-dev libxmlsec1-openssl libssl-dev libsqlite3-dev)
if [ "${1:-build}" = test ]; then
    # wrk: the load generator of the benchmark smoke run (Benchmarks/run.sh --quick).
    packages+=(xmlsec1 valgrind nginx wrk)
fi
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
