"""SCIM deprovisioning seen from a real browser: Chromium signs in through gatehouse serve at
the pysaml2 IdP, the user is provisioned and then deactivated over SCIM (`PATCH active:false`),
and the session is refused already when the PATCH answer arrives; the browser's next
navigation goes back to the IdP, and signing in again is refused as deactivated.

Needs the stack run.sh starts, with the single-IdP gateway's SCIM token in `scim_token`, and a
gateway that serves /scim/v2 (skipped, saying so, when it does not)."""

import json
import time
import urllib.error
import urllib.request

import pytest

from test_browser import DEEP_LINK, sign_in

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def scim(stack, method, path, body=None):
    """One SCIM request with the stack's bearer token: (status, parsed JSON or raw bytes)."""
    request = urllib.request.Request(
        stack.gatehouse + "/scim/v2" + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": "Bearer " + stack.scim_token,
            "Content-Type": "application/scim+json",
            "Accept": "application/scim+json",
        },
    )
    try:
        with urllib.request.urlopen(request) as reply:
            raw = reply.read()
            return reply.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def forward_auth(stack, session):
    """The gateway's forward-auth answer for the session cookie `session`."""
    request = urllib.request.Request(
        stack.gatehouse + "/saml/auth",
        headers={"Cookie": f"gatehouse_single={session}", "X-Original-URI": "/app/x"},
    )
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def scim_endpoints(stack):
    if not stack.scim_token:
        pytest.skip("run.sh gave the gateway no SCIM token (its gatehouse has no `scim token` command)")
    status, _ = scim(stack, "GET", "/ServiceProviderConfig")
    if status != 200:
        pytest.skip(f"this gatehouse does not serve /scim/v2 yet (GET /scim/v2/ServiceProviderConfig answered {status})")


def test_deactivation_over_scim_refuses_the_session_before_the_answer_arrives(browser, stack, scim_endpoints, capsys):
    sign_in(browser, stack, "alice")
    browser.wait_url(stack.gatehouse + DEEP_LINK, "back-at-deep-link")
    session = browser.driver.get_cookie("gatehouse_single")["value"]
    assert forward_auth(stack, session) == 200

    # Provisioned after signing in: the session is found by its NameID (scim.match default).
    status, user = scim(stack, "POST", "/Users", {
        "schemas": [USER_SCHEMA],
        "userName": stack.issued(stack.idp_a, "alice"),
        "active": True,
        "emails": [{"value": "alice@example.com", "type": "work", "primary": True}],
    })  # fmt: skip
    assert status == 201, user
    try:
        assert forward_auth(stack, session) == 200
        status, answer = scim(stack, "PATCH", f"/Users/{user['id']}", {
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        })  # fmt: skip
        answered = time.monotonic()
        refused = forward_auth(stack, session)
        elapsed = time.monotonic() - answered
        assert status in (200, 204), answer
        assert refused == 401, "the session still passed after the PATCH answer"
        with capsys.disabled():
            print(f"\ne2e: PATCH active:false answered; the first request after it was refused {elapsed * 1000:.1f} ms later")

        browser.open(stack.gatehouse + DEEP_LINK, "after-deactivation")
        browser.wait_url(stack.idp_a, "back-at-idp-login")
        browser.sign_in_at_idp("alice", "alice-password")
        browser.wait_url(stack.gatehouse + "/saml/acs", "deactivated-page")
        assert browser.title() == "Sign-in failed"
        assert "deactivated" in browser.text()
    finally:
        # Alice signs in in the other tests: leave no record behind.
        scim(stack, "DELETE", f"/Users/{user['id']}")
