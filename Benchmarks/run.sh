#!/usr/bin/env bash
# Gatehouse benchmarks (issue 6): installs what is missing, builds release once, runs every
# part and prints one table (also written to Benchmarks/results/YYYY-MM-DD-HHMM.md).
#
#   Benchmarks/run.sh            full run (about 10–15 minutes on 2 cores)
#   Benchmarks/run.sh --quick    smoke run: tiny counts, < 60 s after the build; exits non-zero
#                                if any part of the harness breaks (used by the test script)
#   Benchmarks/run.sh --parts validator,proxy    only some parts (validator,acs,proxy,sessions,metadata)
#
# Environment: GATEHOUSE_BENCH_SKIP_BUILD=1 reuses the existing release binaries as they are.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

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

if [[ "${GATEHOUSE_BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "[bench] building release (swift build -c release, scratch .build-release)" >&2
    swift build -c release --product gatehouse-bench --scratch-path .build-release >&2
    swift build -c release --product gatehouse --scratch-path .build-release >&2
fi

exec python3 "$ROOT/Benchmarks/harness/bench.py" "$@"
