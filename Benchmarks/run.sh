#!/usr/bin/env bash
# Gatehouse benchmarks: installs what is missing, builds release once, runs every
# part and prints one table (also written to Benchmarks/results/YYYY-MM-DD-HHMM.md).
#
#   Benchmarks/run.sh            full run (about 10–15 minutes on 2 cores)
#   Benchmarks/run.sh --quick    smoke run: tiny counts, < 60 s after the build; exits non-zero
#                                if any part of the harness breaks (used by the test script)
#   Benchmarks/run.sh --parts validator,proxy    only some parts (validator,acs,proxy,sessions,metadata,scim)
#   Benchmarks/run.sh --quick --debug [--scratch-path .build]
#                                the smoke run on the debug build the test script already made
#                                (no 40-minute release build); its figures mean nothing
#
# Environment: GATEHOUSE_BENCH_SKIP_BUILD=1 reuses the existing binaries as they are;
# GATEHOUSE_BENCH_CONFIGURATION=debug is the same as --debug.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

configuration="${GATEHOUSE_BENCH_CONFIGURATION:-release}"
scratch=""
harness_args=()
while (($#)); do
    case "$1" in
        --debug) configuration=debug ;;
        --scratch-path) scratch="$2"; shift ;;
        --scratch-path=*) scratch="${1#*=}" ;;
        *) harness_args+=("$1") ;;
    esac
    shift
done
case "$configuration" in
    release) scratch="${scratch:-.build-release}" ;;
    debug) scratch="${scratch:-.build}" ;;
    *) echo "[bench] unknown configuration $configuration (release or debug)" >&2; exit 2 ;;
esac

need_apt=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need_apt+=(nginx-light)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v xmlsec1 >/dev/null || need_apt+=(xmlsec1)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
dpkg -s libxmlsec1-dev >/dev/null 2>&1 || need_apt+=(libxmlsec1-dev)
if ((${#need_apt[@]})); then
    echo "[bench] installing ${need_apt[*]} (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # policy-rc.d keeps the nginx package from starting a system-wide server on port 80.
    apt-get install -y -qq "${need_apt[@]}" >&2
fi
export PATH="$PATH:/usr/sbin"
if ! python3 -c 'import onelogin.saml2.response, xmlsec' 2>/dev/null; then
    echo "[bench] installing python3-saml (PyPI)" >&2
    python3 -m pip install -q python3-saml >&2
fi
if ! command -v scim2-server >/dev/null; then
    echo "[bench] installing scim2-server, the reference SCIM server (PyPI)" >&2
    python3 -m pip install -q scim2-server >&2
fi

if [[ "${GATEHOUSE_BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "[bench] building $configuration (swift build -c $configuration, scratch $scratch)" >&2
    swift build -c "$configuration" --product gatehouse-bench --scratch-path "$scratch" >&2
    swift build -c "$configuration" --product gatehouse --scratch-path "$scratch" >&2
fi

exec python3 "$ROOT/Benchmarks/harness/bench.py" --bin "$scratch/$configuration" "${harness_args[@]}"
