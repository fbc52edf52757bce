#!/usr/bin/env python3
"""Profiles one benchmark path with `perf record` and prints the hottest symbols.

    python3 Benchmarks/harness/profile.py proxy|validator|acs [--seconds N]

Uses the release binaries from .build-release (run Benchmarks/run.sh once first). The perf
data stays in Benchmarks/.work/perf-<what>.data for `perf report -i …`."""
import argparse
import atexit
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def perf_report(data, lines):
    out = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "dso,symbol", "--stdio", "-g", "none",
                          "--percent-limit", "0.7"], capture_output=True, text=True).stdout
    rows = [line for line in out.splitlines() if line.strip() and not line.startswith("#")]
    print("\n".join(rows[:lines]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["proxy", "validator", "acs"])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    bench.BIN = bench.ROOT / ".build-release/release"
    bench.WORK = bench.BENCH / ".work"
    bench.WORK.mkdir(exist_ok=True)
    atexit.register(bench.stop_all)
    signal.signal(signal.SIGTERM, bench.on_signal)
    data = bench.WORK / f"perf-{args.what}.data"

    if args.what == "validator":
        pool = bench.WORK / "pool-rsa.b64"
        bench.run([bench.BIN / "gatehouse-bench", "generate", "--alg", "rsa", "--count", 300, "--out", pool,
                   "--keys", bench.KEYS], cwd=bench.ROOT)
        bench.run(["perf", "record", "-F", 999, "-g", "-o", data, "--", bench.BIN / "gatehouse-bench", "validator",
                   "--responses", pool, "--seconds", args.seconds, "--keys", bench.KEYS], cwd=bench.ROOT)
        perf_report(data, args.lines)
        return

    upstream = bench.Nginx("upstream", workers=1)
    db = bench.WORK / "sessions-profile.sqlite"
    ids = bench.session_db(db, 100, time.time())
    gh = bench.Gatehouse(upstream.port, "profile", db=db)
    perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", str(data), "-p", str(gh.proc.pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if args.what == "proxy":
            result = bench.wrk(f"{gh.external}/app", args.seconds, connections=32,
                               headers=[f"Cookie: gatehouse_session={ids[0]}"], pids=[gh.proc.pid])
        else:
            bodies = bench.WORK / "acs-profile.txt"
            bench.acs_bodies(gh, 3000, bodies)
            result = bench.wrk(f"{gh.external}/saml/acs", args.seconds, threads=2, connections=16,
                               script=bench.BENCH / "harness/acs.lua",
                               env={"ACS_BODIES": str(bodies), "ACS_THREADS": "2"}, pids=[gh.proc.pid])
        print(f"{args.what}: {result['rps']:.0f} req/s, {result['cpu_us_per_req']:.1f} µs CPU/request (under perf)")
    finally:
        perf.send_signal(signal.SIGINT)
        perf.wait()
        gh.stop()
        upstream.stop()
    perf_report(data, args.lines)


if __name__ == "__main__":
    main()
