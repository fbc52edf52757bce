#!/usr/bin/env bash
# The demo: installs the build's Debian packages if missing, builds, and runs
# `gatehouse demo` (Gatehouse + development IdP + demo app) on http://localhost:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
swift build --product gatehouse
exec "$(swift build --product gatehouse --show-bin-path)/gatehouse" demo "$@"
