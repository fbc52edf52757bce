#!/usr/bin/env bash
# End-to-end suite: real headless Chromium -> gatehouse serve -> pysaml2 IdPs, with an
# echo upstream behind the gateway. Installs what is missing, builds gatehouse, starts every
# process on 127.0.0.1, runs pytest, and stops everything it started.
#
#   Tests/EndToEnd/run.sh              the whole suite (needs `gatehouse serve`)
#   Tests/EndToEnd/run.sh --idp-only   only the tests that need no gatehouse server (IdP,
#                                      upstream, vendor metadata) and no Swift build
#   Tests/EndToEnd/run.sh -k logout    further arguments go to pytest
#
# On failure, screenshots and HTML of every page a failed test went through, and the logs of
# every process, are kept under .ci/output/e2e (or $E2E_OUTPUT); their paths are printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
e2e=$root/Tests/EndToEnd
output=${E2E_OUTPUT:-$root/.ci/output/e2e}
mode=all
if [ "${1:-}" = --idp-only ]; then
    mode=--idp-only
    shift
fi
started=$SECONDS

say() { echo "e2e: $*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
    local apt_missing=() pip_missing=() package
    for package in chromium chromium-driver xmlsec1; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$package")
    done
    if [ ${#apt_missing[@]} -gt 0 ]; then
        say "installing ${apt_missing[*]} (apt)"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
    fi
    for package in pysaml2 selenium pytest; do
        python3 -m pip show -q "$package" >/dev/null 2>&1 || pip_missing+=("$package")
    done
    if [ ${#pip_missing[@]} -gt 0 ]; then
        say "installing ${pip_missing[*]} (pip)"
        python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${pip_missing[@]}"
    fi
}

run_pytest() {
    python3 -m pytest -c "$e2e/pytest.ini" --rootdir "$e2e" -p no:cacheprovider "$@"
}

install_missing
rm -rf "$output"
mkdir -p "$output"
export E2E_OUTPUT=$output

if [ "$mode" = --idp-only ]; then
    run_pytest "$e2e/test_idp.py" "$e2e/test_upstream.py" "$e2e/test_idp_metadata.py" "$@"
    exit $?
fi

# --- gatehouse ---------------------------------------------------------------------------
[ -x scripts/install-deps.sh ] && scripts/install-deps.sh build
say "building gatehouse"
if ! swift build --scratch-path "${SCRATCH_PATH:-.build}" --product gatehouse >"$output/build.log" 2>&1; then
    tail -n 30 "$output/build.log"
    say "FAILED: 'swift build --product gatehouse' did not build (log: $output/build.log)"
    exit 1
fi
gatehouse="$(swift build --scratch-path "${SCRATCH_PATH:-.build}" --product gatehouse --show-bin-path)/gatehouse"
export E2E_GATEHOUSE_BIN=$gatehouse
if ! "$gatehouse" serve --help >/dev/null 2>&1; then
    say "gatehouse has no 'serve' subcommand yet, so the browser scenarios cannot run."
    say "running the tests that need no server, then failing on purpose"
    run_pytest "$e2e/test_idp.py" "$e2e/test_upstream.py" "$e2e/test_idp_metadata.py" || true
    say "FAILED: the server is missing: '$gatehouse serve' does not exist"
    exit 3
fi

# --- the stack -----------------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-e2e.XXXXXX")
pids=()
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$status" -ne 0 ] && [ -d "$tmp" ]; then
        mkdir -p "$output/logs"
        cp "$tmp"/*.log "$tmp"/*.yaml "$output/logs/" 2>/dev/null || true
        say "process logs and configs kept in $output/logs"
    fi
    rm -rf "$tmp"
    say "finished in $((SECONDS - started))s"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Five ports, held open together so they are distinct.
read -r gh_single gh_multi idp_a idp_b upstream < <(python3 -c '
import socket
held = [socket.socket() for _ in range(5)]
for s in held: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in held])')

wait_http() { # url pid
    PYTHONPATH=$e2e python3 -c 'import sys, harness; harness.wait_http(sys.argv[1], timeout=60)' "$1" || {
        say "FAILED: $1 did not come up; its log:"
        tail -n 40 "$tmp/$2.log"
        exit 1
    }
}

start() { # name command...
    local name=$1
    shift
    "$@" >"$tmp/$name.log" 2>&1 &
    pids+=($!)
}

idp() { # name port users domain display-name key sp-metadata-urls...
    local name=$1 port=$2 users=$3 domain=$4 display=$5 key=$6
    shift 6
    local sources=()
    for url in "$@"; do sources+=(--sp-metadata "$url"); done
    start "$name" python3 -W ignore "$e2e/idp/pysaml2_idp.py" --port "$port" --users "$e2e/idp/$users" \
        --key "$root/Fixtures/keys/$key.key" --cert "$root/Fixtures/keys/$key.crt" \
        --domain "$domain" --display-name "$display" --metadata-out "$tmp/$name-metadata.xml" \
        --test-hooks "${sources[@]}"
}

# IdP A trusts both gateways; IdP B only the one with the chooser. Each loads the SP metadata
# from gatehouse at its first AuthnRequest, so gatehouse may start after them.
idp idp-a "$idp_a" users-example.com.json example.com "Example.com IdP" idp-rsa \
    "http://127.0.0.1:$gh_single/saml/metadata" "http://127.0.0.1:$gh_multi/saml/metadata"
idp idp-b "$idp_b" users-example.org.json example.org "Example.org IdP" idp-rsa2 \
    "http://127.0.0.1:$gh_multi/saml/metadata"
start upstream python3 "$e2e/upstream/echo_upstream.py" --port "$upstream"
wait_http "http://127.0.0.1:$idp_a/healthz" idp-a
wait_http "http://127.0.0.1:$idp_b/healthz" idp-b
wait_http "http://127.0.0.1:$upstream/" upstream

mkdir -p "$tmp/single-idps" "$tmp/multi-idps"
cp "$tmp/idp-a-metadata.xml" "$tmp/single-idps/example-com.xml"
cp "$tmp/idp-a-metadata.xml" "$tmp/multi-idps/example-com.xml"
cp "$tmp/idp-b-metadata.xml" "$tmp/multi-idps/example-org.xml"

config() { # name port
    cat >"$tmp/gatehouse-$1.yaml" <<EOF
# Generated by Tests/EndToEnd/run.sh for one end-to-end run.
listen:
  address: 127.0.0.1
  port: $2
# localhost while the IdPs are 127.0.0.1: the IdP's POST to the ACS is cross-site, as in real life.
external_url: http://localhost:$2
service_provider:
  key: $root/Fixtures/keys/sp.key
  certificate: $root/Fixtures/keys/sp.crt
idp_metadata_dir: $tmp/$1-idps
upstreams:
  - url: http://127.0.0.1:$upstream
session:
  store: memory
cookie:
  name: gatehouse_$1
  # Plain http on loopback: no Secure on the session cookie. (Chromium still keeps the
  # pending-login cookie's SameSite=None; Secure on http://localhost.)
  secure: false
access_rules:
  - prefix: /app
    any_groups: [engineering]
  # Step-up: a password login is not enough here; the IdPs give this class for a one-time code.
  - prefix: /secure
    authn_context: [https://refeds.org/profile/mfa]
log:
  format: text
  level: info
EOF
}
config single "$gh_single"
config multi "$gh_multi"
# SCIM on the single-IdP gateway (test_scim.py), with a fresh token, when this gatehouse makes them.
scim_token=""
if "$gatehouse" scim token >"$tmp/scim-token.txt" 2>/dev/null; then
    scim_token=$(sed -n 's/^token: //p' "$tmp/scim-token.txt")
    printf 'scim:\n  enabled: true\n  tokens_sha256:\n    - %s\n' "$(sed -n 's/^sha256: //p' "$tmp/scim-token.txt")" \
        >>"$tmp/gatehouse-single.yaml"
fi

if "$gatehouse" check-config --help >/dev/null 2>&1; then
    for name in single multi; do
        "$gatehouse" check-config --config "$tmp/gatehouse-$name.yaml" || { say "FAILED: check-config refused the $name config"; exit 1; }
    done
fi
start gatehouse-single "$gatehouse" serve --config "$tmp/gatehouse-single.yaml"
start gatehouse-multi "$gatehouse" serve --config "$tmp/gatehouse-multi.yaml"
wait_http "http://127.0.0.1:$gh_single/healthz" gatehouse-single
wait_http "http://127.0.0.1:$gh_multi/healthz" gatehouse-multi

cat >"$tmp/stack.json" <<EOF
{
  "gatehouse": "http://localhost:$gh_single",
  "gatehouse_log": "$tmp/gatehouse-single.log",
  "gatehouse_multi": "http://localhost:$gh_multi",
  "gatehouse_multi_log": "$tmp/gatehouse-multi.log",
  "idp_a": "http://127.0.0.1:$idp_a",
  "idp_a_entity": "http://127.0.0.1:$idp_a/metadata",
  "idp_b": "http://127.0.0.1:$idp_b",
  "idp_b_entity": "http://127.0.0.1:$idp_b/metadata",
  "upstream": "http://127.0.0.1:$upstream",
  "scim_token": "$scim_token"
}
EOF
export E2E_STACK=$tmp/stack.json
say "stack up: gatehouse http://localhost:$gh_single and :$gh_multi, IdPs :$idp_a :$idp_b, upstream :$upstream"
run_pytest "$e2e" "$@"
