#!/usr/bin/env bash
# SCIM protocol conformance: starts `gatehouse serve` on 127.0.0.1 with SCIM on and a SQLite
# store in a temporary folder, runs scim2-tester's checks against /scim/v2 and stops it.
#
#   scripts/scim-conformance.sh [path-to-gatehouse]     (default: the debug build in .build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gatehouse="${1:-$root/.build/debug/gatehouse}"
if ! python3 -c 'import scim2_tester, httpx2' 2>/dev/null; then
    echo "scim-conformance: installing scim2-tester (PyPI)"
    python3 -m pip install -q 'scim2-tester' 'scim2-client[httpx2]'
fi
tmp="$(mktemp -d)"
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="conformance-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
digest=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
mkdir -p "$tmp/idps"
# The fixture's validUntil is past; the SCIM endpoints do not care, but keep the log quiet.
sed 's/validUntil="2026-07-01T00:00:00Z"/validUntil="2100-01-01T00:00:00Z"/' "$root/Fixtures/saml/metadata/idp.xml" >"$tmp/idps/idp.xml"
cat >"$tmp/gatehouse.yaml" <<YAML
listen:
  address: 127.0.0.1
  port: $port
external_url: http://127.0.0.1:$port
service_provider:
  key: $root/Fixtures/keys/sp.key
  certificate: $root/Fixtures/keys/sp.crt
idp_metadata_dir: $tmp/idps
upstreams:
  - url: http://127.0.0.1:9
session:
  store: sqlite
  path: $tmp/sessions.sqlite
cookie:
  secure: false
scim:
  enabled: true
  tokens_sha256:
    - sha256: $digest
      label: conformance
log:
  format: text
  level: warning
YAML
"$gatehouse" serve --config "$tmp/gatehouse.yaml" >"$tmp/gatehouse.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo "scim-conformance: gatehouse exited:"; cat "$tmp/gatehouse.log"; exit 1; }
    sleep 0.2
done
status=0
python3 "$root/scripts/scim_conformance.py" "http://127.0.0.1:$port/scim/v2" "$token" || status=$?
if [ "$status" -ne 0 ]; then
    echo "scim-conformance: gatehouse log:"
    tail -n 40 "$tmp/gatehouse.log"
fi
exit "$status"
