"""Small helpers shared by the end-to-end tests and scripts: repository paths, free loopback
ports, starting a process with its output in a log file, and waiting for it to answer."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
KEYS = ROOT / "Fixtures" / "keys"
IDP_SCRIPT = HERE / "idp" / "pysaml2_idp.py"
UPSTREAM_SCRIPT = HERE / "upstream" / "echo_upstream.py"


def free_port():
    """A port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, process=None, timeout=30.0):
    """Waits until `url` answers with any HTTP status; fails early if `process` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def start(command, log_path):
    """Starts `command` in its own process group with stdout and stderr in `log_path`."""
    log = open(log_path, "ab")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process, grace=5.0):
    """Stops a process started by `start` (its whole group): SIGTERM, then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def idp_command(port, users, domain, display_name, sp_metadata, metadata_out, key="idp-rsa", extra=()):
    """The command line that starts one pysaml2 IdP with test hooks on. `sp_metadata` is a
    file, a URL, or a list of those."""
    sources = sp_metadata if isinstance(sp_metadata, (list, tuple)) else [sp_metadata]
    return [
        sys.executable, "-W", "ignore", str(IDP_SCRIPT),
        "--port", str(port),
        "--users", str(HERE / "idp" / users),
        "--key", str(KEYS / f"{key}.key"),
        "--cert", str(KEYS / f"{key}.crt"),
        "--domain", domain,
        "--display-name", display_name,
        *[arg for source in sources for arg in ("--sp-metadata", str(source))],
        "--metadata-out", str(metadata_out),
        "--test-hooks",
        *extra,
    ]  # fmt: skip
