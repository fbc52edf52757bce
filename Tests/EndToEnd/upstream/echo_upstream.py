#!/usr/bin/env python3
"""The application behind Gatehouse in the end-to-end tests: it answers every request with the
method, path, query and headers it received, on 127.0.0.1 only.

    echo_upstream.py --port 9100

JSON when the path ends in `.json` or the client asks for it (`Accept: application/json`);
otherwise a small HTML page whose `<pre id="echo">` holds the same JSON, so a browser test can
read exactly what the upstream saw. A WebSocket handshake (`Upgrade: websocket`) is accepted
with 101, the same JSON is sent as one text message, and the connection is closed once the
client sends anything (its close frame) or closes."""

import argparse
import base64
import hashlib
import html
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write(f"upstream {fmt % args}\n")

    def echo(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode(errors="replace") if length else ""
        seen = {
            "method": self.command,
            "path": url.path,
            "query": url.query,
            "headers": {name: value for name, value in self.headers.items()},
            "header_list": [[name, value] for name, value in self.headers.items()],
            "body": body,
        }
        text = json.dumps(seen, indent=2, sort_keys=True)
        if "websocket" in self.headers.get("Upgrade", "").lower():
            return self.accept_websocket(text)
        if url.path.endswith(".json") or "application/json" in self.headers.get("Accept", ""):
            content_type, payload = "application/json", text
        else:
            content_type = "text/html; charset=utf-8"
            payload = (
                "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Echo upstream</title></head>"
                f"<body><h1>Echo upstream</h1><p>You reached <code id='path'>{html.escape(url.path)}</code>.</p>"
                f"<pre id='echo'>{html.escape(text)}</pre></body></html>"
            )
        data = payload.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def accept_websocket(self, text):
        """RFC 6455 handshake, then one unmasked text frame holding `text`; closes when the
        client does."""
        magic = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + magic).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        payload = text.encode()
        length = bytes([len(payload)]) if len(payload) < 126 else bytes([126]) + len(payload).to_bytes(2, "big")
        self.wfile.write(bytes([0x81]) + length + payload)
        self.wfile.flush()
        # Waits for the client to close (or anything else it sends) before closing too.
        self.connection.settimeout(10)
        try:
            self.connection.recv(1024)
            self.wfile.write(bytes([0x88, 0]))
        except OSError:
            pass
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = echo


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), EchoHandler)
    print(f"echo upstream listening on http://127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
