"""Small helpers shared by the end-to-end tests and scripts: repository paths, free loopback
ports, starting a process with its output in a log file, waiting for it to answer, and a
WebSocket handshake."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
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


WEBSOCKET_KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # the example key of RFC 6455


def websocket_handshake(base_url, path, headers=None, timeout=10.0):
    """Sends a WebSocket handshake for `path` to `base_url` (http://host:port) and returns
    (status, response headers with lower-case names, the first text message or None). Only
    127.0.0.1 is dialled; the Host header keeps the URL's host."""
    url = urllib.parse.urlsplit(base_url)
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {url.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {WEBSOCKET_KEY}",
        "Sec-WebSocket-Version: 13",
        *[f"{name}: {value}" for name, value in (headers or {}).items()],
    ]
    with socket.create_connection(("127.0.0.1", url.port), timeout=timeout) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
        head, _, rest = received.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        response_headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            response_headers[name.strip().lower()] = value.strip()
        if status != 101:
            return status, response_headers, None
        while len(rest) < 2 or len(rest) < frame_end(rest):
            chunk = connection.recv(65536)
            if not chunk:
                break
            rest += chunk
        return status, response_headers, frame_payload(rest)


def frame_end(data):
    """Where the unmasked frame at the start of `data` ends (needs its first two octets)."""
    length = data[1] & 0x7F
    if length == 126:
        return 4 + (int.from_bytes(data[2:4], "big") if len(data) >= 4 else 1 << 16)
    return 2 + length


def frame_payload(data):
    """The text of the unmasked text frame at the start of `data`, or None."""
    if len(data) < 2 or data[0] & 0x0F != 1:
        return None
    length, start = data[1] & 0x7F, 2
    if length == 126:
        length, start = int.from_bytes(data[2:4], "big"), 4
    return data[start : start + length].decode()
