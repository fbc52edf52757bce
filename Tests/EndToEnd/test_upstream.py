"""The echo upstream returns what it received, as JSON and as HTML."""

import html
import http.client
import json
import re
import urllib.request

import pytest

import harness


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    port = harness.free_port()
    log = tmp_path_factory.mktemp("upstream") / "upstream.log"
    process = harness.start(["python3", str(harness.UPSTREAM_SCRIPT), "--port", str(port)], log)
    try:
        harness.wait_http(f"http://127.0.0.1:{port}/", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        harness.stop(process)


def get(url, headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as reply:
        return reply.headers.get("Content-Type"), reply.read().decode()


def test_json_echo_has_path_query_and_headers(upstream):
    kind, body = get(f"{upstream}/app/deep/link?x=1&y=two", {"Accept": "application/json", "X-Forwarded-User": "alice"})
    assert kind == "application/json"
    seen = json.loads(body)
    assert seen["method"] == "GET"
    assert seen["path"] == "/app/deep/link"
    assert seen["query"] == "x=1&y=two"
    assert seen["headers"]["X-Forwarded-User"] == "alice"


def test_html_echo_embeds_the_same_json(upstream):
    kind, body = get(f"{upstream}/page", {"X-Forwarded-Groups": "engineering,staff"})
    assert kind.startswith("text/html")
    seen = json.loads(html.unescape(re.search(r"<pre id='echo'>(.*)</pre>", body, re.S).group(1)))
    assert seen["headers"]["X-Forwarded-Groups"] == "engineering,staff"


def test_repeated_headers_are_all_listed(upstream):
    connection = http.client.HTTPConnection(upstream.removeprefix("http://"))
    connection.putrequest("GET", "/x.json")
    connection.putheader("X-Forwarded-User", "alice")
    connection.putheader("X-Forwarded-User", "mallory")
    connection.endheaders()
    seen = json.loads(connection.getresponse().read())
    assert [v for n, v in seen["header_list"] if n == "X-Forwarded-User"] == ["alice", "mallory"]


def test_websocket_handshake_is_accepted_and_echoed(upstream):
    status, headers, message = harness.websocket_handshake(upstream, "/ws/feed", {"X-Forwarded-User": "alice"})
    assert status == 101
    assert headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455's example key
    assert json.loads(message)["headers"]["X-Forwarded-User"] == "alice"
