"""SAML Single Logout in real Chromium between gatehouse serve and the pysaml2 IdP: started at
the IdP (front channel, HTTP-Redirect and HTTP-POST) and at Gatehouse (`POST /saml/logout`).
Each checks that the session is gone on every route (a proxied page, forward-auth and a
WebSocket handshake with the old cookie, and the browser's next navigation going to login) and
that the IdP's own session is gone too. Needs the stack run.sh starts."""

import base64
import json
import urllib.parse
import urllib.request
import zlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

import harness
from browser import wait_for
from test_browser import DEEP_LINK, sign_in

SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def signed_in(browser, stack, user="alice"):
    """Signs `user` in through Gatehouse (single) in Chromium; returns the session cookie."""
    sign_in(browser, stack, user)
    browser.wait_url(stack.gatehouse + DEEP_LINK, "back-at-deep-link")
    cookie = browser.driver.get_cookie("gatehouse_single")
    assert cookie, "no session cookie after the login"
    return f"gatehouse_single={cookie['value']}"


def routes(stack, cookie, gatehouse=None):
    """What each route of `gatehouse` (default: the single-IdP one) makes of the session
    cookie: a proxied page (200, or 302 to login), forward-auth (200 or 401) and a WebSocket
    handshake (101 or 401)."""
    gatehouse = gatehouse or stack.gatehouse
    opener = urllib.request.build_opener(NoRedirect)
    page = urllib.request.Request(gatehouse + "/app/after?x=1", headers={"Cookie": cookie, "Accept": "text/html"})
    auth = urllib.request.Request(gatehouse + "/saml/auth", headers={"Cookie": cookie, "X-Forwarded-Uri": "/app/after?x=1"})
    seen = {}
    for name, request in (("proxied", page), ("forward-auth", auth)):
        try:
            with opener.open(request, timeout=10) as reply:
                seen[name] = (reply.status, reply.headers.get("Location"))
        except urllib.error.HTTPError as error:
            seen[name] = (error.code, error.headers.get("Location"))
    status, _, _ = harness.websocket_handshake(gatehouse, "/app/feed", {"Cookie": cookie, "Origin": gatehouse})
    seen["websocket"] = (status, None)
    return seen


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def assert_session_lives(stack, cookie, gatehouse=None):
    seen = routes(stack, cookie, gatehouse)
    assert seen["proxied"][0] == 200, seen
    assert seen["forward-auth"][0] == 200, seen
    assert seen["websocket"][0] == 101, seen


def assert_session_gone(stack, cookie):
    seen = routes(stack, cookie)
    assert seen["proxied"][0] == 302 and "/saml/login" in seen["proxied"][1], seen
    assert seen["forward-auth"][0] == 401, seen
    assert seen["websocket"][0] == 401, seen


def assert_next_navigation_goes_to_login(browser, stack, idp_session_gone=True):
    browser.open(stack.gatehouse + DEEP_LINK, "deep-link-after-logout")
    browser.wait_url(stack.idp_a, "idp-login-form-again")
    assert browser.find("#username")
    if idp_session_gone:
        # The IdP asks for the password and offers no "Continue as".
        assert not browser.find_all("#continue-as"), "the IdP still has a session"


def assert_idp_session_gone(browser, stack):
    browser.open(stack.idp_a + "/session", "idp-session")
    assert browser.find_all("#no-idp-session"), browser.text()


def logouts(idp):
    with urllib.request.urlopen(f"{idp}/logouts") as reply:
        return json.load(reply)


def verify_redirect_signature(query, certificate):
    """Checks an HTTP-Redirect query signature over the octets as received (SAML Bindings
    §3.4.4.1) with `certificate` only; returns the decoded parameters."""
    pairs = [part.split("=", 1) for part in query.split("&")]
    raw = dict(pairs)
    assert urllib.parse.unquote_plus(raw["SigAlg"]) == RSA_SHA256
    message = "SAMLRequest" if "SAMLRequest" in raw else "SAMLResponse"
    signed = "&".join(f"{name}={raw[name]}" for name in (message, "RelayState", "SigAlg") if name in raw)
    key = x509.load_pem_x509_certificate(certificate.read_bytes()).public_key()
    signature = base64.b64decode(urllib.parse.unquote_plus(raw["Signature"]))
    key.verify(signature, signed.encode(), padding.PKCS1v15(), hashes.SHA256())  # raises when it does not verify
    return {name: urllib.parse.unquote_plus(value) for name, value in pairs}


def inflate(encoded):
    return zlib.decompress(base64.b64decode(encoded), -15).decode()


def idp_initiated_logout(browser, stack, binding):
    """Logs alice in, signs her out at the IdP (`binding` for the LogoutRequest), and returns
    (the old session cookie, the IdP's record of Gatehouse's LogoutResponse)."""
    cookie = signed_in(browser, stack)
    assert_session_lives(stack, cookie)
    issued = stack.issued_record(stack.idp_a, "alice")
    before = len(logouts(stack.idp_a))
    query = "user=alice" + ("&binding=post" if binding == "post" else "")
    browser.open(f"{stack.idp_a}/logout-all?{query}", "idp-initiated-logout")
    browser.wait_url(lambda url: url.startswith(stack.idp_a) and browser.find_all("#signed-out"), "idp-signed-out")
    results = browser.find_all("#sp-results .sp-result")
    assert len(results) == 1, browser.text()
    assert results[0].get_attribute("data-status") == SUCCESS, browser.text()
    assert results[0].get_attribute("data-signature") == "verified", browser.text()
    assert results[0].get_attribute("data-problems") == "", browser.text()
    received = [entry for entry in logouts(stack.idp_a)[before:] if entry["kind"] == "LogoutResponse"]
    assert len(received) == 1, received
    return cookie, issued, received[0]


def test_idp_initiated_logout_by_redirect_ends_the_session_everywhere(browser, stack):
    cookie, issued, response = idp_initiated_logout(browser, stack, "redirect")
    assert response["binding"].endswith("HTTP-Redirect")
    # Gatehouse's answer, checked here too: the query signature with the SP certificate only.
    fields = verify_redirect_signature(response["query"], harness.KEYS / "sp.crt")
    xml = inflate(fields["SAMLResponse"])
    assert "<samlp:LogoutResponse" in xml and f'Value="{SUCCESS}"' in xml, xml
    assert_session_gone(stack, cookie)
    assert_idp_session_gone(browser, stack)
    assert_next_navigation_goes_to_login(browser, stack)
    line = wait_for(lambda: [l for l in stack.log_lines_with(stack.gatehouse_log, "single logout") if "refused" not in l])
    assert line, "gatehouse logged no single logout"
    assert issued["session_index"]


def test_idp_initiated_logout_by_post_ends_the_session_everywhere(browser, stack):
    cookie, _, response = idp_initiated_logout(browser, stack, "post")
    assert response["binding"].endswith("HTTP-POST")
    assert_session_gone(stack, cookie)
    assert_idp_session_gone(browser, stack)
    assert_next_navigation_goes_to_login(browser, stack)


def test_sp_initiated_logout_ends_both_sessions(browser, stack):
    cookie = signed_in(browser, stack)
    assert_session_lives(stack, cookie)
    issued = stack.issued_record(stack.idp_a, "alice")
    before = len(logouts(stack.idp_a))
    browser.open(stack.gatehouse + "/saml/logout", "logout-page")
    browser.find("form[method=post] button[type=submit]").click()
    browser.wait_url(lambda url: url.startswith(stack.gatehouse) and browser.title() == "Signed out", "signed-out")
    assert "identity provider" in browser.text()
    # The IdP received one signed LogoutRequest from Gatehouse naming alice's NameID and the
    # SessionIndex it issued, and ended its own session by it.
    received = [entry for entry in logouts(stack.idp_a)[before:] if entry["kind"] == "LogoutRequest"]
    assert len(received) == 1, received
    request = received[0]
    assert "refused" not in request, request
    assert request["binding"].endswith("HTTP-Redirect")
    assert request["name_id"] == issued["name_id"]
    assert request["session_indexes"] == [issued["session_index"]]
    assert request["sessions_ended"] == 1
    fields = verify_redirect_signature(request["query"], harness.KEYS / "sp.crt")
    xml = inflate(fields["SAMLRequest"])
    assert "<samlp:LogoutRequest" in xml and 'Destination="' + stack.idp_a + '/slo/redirect"' in xml, xml
    assert_session_gone(stack, cookie)
    assert_idp_session_gone(browser, stack)
    assert_next_navigation_goes_to_login(browser, stack)
