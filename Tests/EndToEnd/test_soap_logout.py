"""SAML Single Logout on the back channel: a LogoutRequest built and signed with pysaml2 (as IdP
A, with IdP A's key) is POSTed as SOAP to gatehouse's `/saml/slo/soap` while alice has a
session from a real Chromium login. A good request ends the session (the browser's next request
goes to login) and is answered with a LogoutResponse signed by the SP key, status Success; every
flawed one (unsigned, another key, an unknown issuer, a replay, too old, past its NotOnOrAfter,
another Destination) is answered with a SOAP fault and ends nothing, and another registered IdP
cannot end a session IdP A opened. Needs the stack run.sh starts."""

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from saml2 import BINDING_HTTP_REDIRECT, BINDING_SOAP, samlp
from saml2.config import IdPConfig
from saml2.saml import NAMEID_FORMAT_ENTITY, Issuer, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

import harness
from browser import Browser, wait_for
from test_single_logout import assert_next_navigation_goes_to_login, assert_session_gone, assert_session_lives, signed_in

SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"


def instant(offset_seconds=0):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + offset_seconds))


class LogoutClient:
    """pysaml2's IdP entity for `entity_id`, signing with `key` (a Fixtures/keys name), that
    knows Gatehouse from its SP metadata. It only builds LogoutRequests."""

    def __init__(self, entity_id, key, sp_metadata):
        base = entity_id.rsplit("/", 1)[0]
        config = {
            "entityid": entity_id,
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{base}/slo/soap", BINDING_SOAP)],
                    },
                },
            },
            "key_file": str(harness.KEYS / f"{key}.key"),
            "cert_file": str(harness.KEYS / f"{key}.crt"),
            "xmlsec_binary": shutil.which("xmlsec1"),
            "metadata": {},
        }
        self.server = Server(config=IdPConfig().load(config))
        self.server.metadata.load("inline", sp_metadata)

    def request(self, destination, name_id, session_indexes=(), issue_instant=None, not_on_or_after=None, issuer=None, sign=True):
        """(ID, XML) of a LogoutRequest to Gatehouse; the keyword arguments make it flawed."""
        request_id, request = self.server.create_logout_request(
            destination,
            "",
            name_id=name_id,
            session_indexes=list(session_indexes),
            expire=not_on_or_after or instant(300),
            sign=False,
        )
        if issue_instant:
            request.issue_instant = issue_instant
        if issuer:
            request.issuer = Issuer(text=issuer, format=NAMEID_FORMAT_ENTITY)
        if not sign:
            return request_id, str(request)
        return request_id, self.server.sign(request, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)


def soap(gatehouse, xml):
    """POSTs `xml` in a SOAP 1.1 envelope to /saml/slo/soap; returns (status, body)."""
    body = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml)
    envelope = f'<soap11:Envelope xmlns:soap11="{SOAP_ENVELOPE}"><soap11:Body>{body}</soap11:Body></soap11:Envelope>'
    request = urllib.request.Request(
        gatehouse + "/saml/slo/soap",
        data=envelope.encode(),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": "http://www.oasis-open.org/committees/security"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def verify_logout_response(path, certificate):
    """`xmlsec1 --verify` of the LogoutResponse's own signature in the SOAP answer, trusting
    only `certificate` (no key from the message's KeyInfo)."""
    command = [
        "xmlsec1", "--verify",
        "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:LogoutResponse",
        "--enabled-key-data", "key-name",
        "--pubkey-cert-pem", str(certificate),
        "--node-xpath", "//*[local-name()='LogoutResponse']/*[local-name()='Signature']",
        str(path),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True)


def metadata_of(gatehouse):
    with urllib.request.urlopen(gatehouse + "/saml/metadata") as reply:
        return reply.read().decode()


@pytest.fixture(scope="module")
def sp_metadata(stack):
    return metadata_of(stack.gatehouse)


@pytest.fixture(scope="module")
def idp_a(stack, sp_metadata):
    return LogoutClient(stack.idp_a_entity, "idp-rsa", sp_metadata)


def session_of_alice(browser, stack):
    """Signs alice in; returns (cookie, her NameID as IdP A issued it, the SessionIndex)."""
    cookie = signed_in(browser, stack)
    issued = stack.issued_record(stack.idp_a, "alice")
    name_id = NameID(format=issued["format"], text=issued["name_id"])
    return cookie, name_id, issued["session_index"]


@pytest.fixture
def alice(browser, stack):
    """A session of alice's of this test's own."""
    return session_of_alice(browser, stack)


@pytest.fixture(scope="module")
def alice_shared(chromium, stack):
    """One session of alice's for the refused requests: each must leave it alive."""
    page = Browser(chromium)
    page.reset()
    return session_of_alice(page, stack)


def destination(stack):
    return stack.gatehouse + "/saml/slo/soap"


def refused_checks(stack):
    return [line for line in stack.log_lines_with(stack.gatehouse_log, "single logout refused")]


def test_signed_logout_request_ends_the_session_and_gets_a_signed_success(browser, stack, sp_metadata, idp_a, alice, tmp_path):
    cookie, name_id, session_index = alice
    assert_session_lives(stack, cookie)
    request_id, xml = idp_a.request(destination(stack), name_id, [session_index])
    status, answer = soap(stack.gatehouse, xml)
    assert status == 200, answer
    path = tmp_path / "answer.xml"
    path.write_text(answer)
    verified = verify_logout_response(path, harness.KEYS / "sp.crt")
    assert verified.returncode == 0, verified.stderr
    assert verify_logout_response(path, harness.KEYS / "idp-rsa.crt").returncode != 0
    body = re.search(r"<(\w+:)?LogoutResponse\b.*</(\w+:)?LogoutResponse>", answer, re.S).group(0)
    response = samlp.logout_response_from_string(body)
    assert response.in_response_to == request_id
    assert response.status.status_code.value == SUCCESS
    assert response.issuer.text == re.search(r'entityID="([^"]+)"', sp_metadata).group(1)
    assert_session_gone(stack, cookie)
    assert_next_navigation_goes_to_login(browser, stack, idp_session_gone=False)


def flawed(stack, client, name_id, session_index, flaw):
    """A LogoutRequest that differs from a good one by exactly `flaw`."""
    target = destination(stack)
    if flaw == "unsigned":
        return client["a"].request(target, name_id, [session_index], sign=False)
    if flaw == "another key":
        return client["attacker"].request(target, name_id, [session_index])
    if flaw == "unknown issuer":
        return client["stranger"].request(target, name_id, [session_index])
    if flaw == "too old":
        return client["a"].request(target, name_id, [session_index], issue_instant=instant(-600))
    if flaw == "past its NotOnOrAfter":
        return client["a"].request(target, name_id, [session_index], not_on_or_after=instant(-300))
    if flaw == "another Destination":
        return client["a"].request(stack.gatehouse_multi + "/saml/slo/soap", name_id, [session_index])
    raise AssertionError(flaw)


@pytest.fixture(scope="module")
def clients(stack, sp_metadata, idp_a):
    return {
        "a": idp_a,
        # IdP A's entity ID, but not IdP A's key.
        "attacker": LogoutClient(stack.idp_a_entity, "attacker", sp_metadata),
        # An IdP Gatehouse does not know, signing with its own key.
        "stranger": LogoutClient("https://stranger.example/idp/metadata", "idp-rsa2", sp_metadata),
    }


@pytest.mark.parametrize(
    "flaw, check",
    [
        ("unsigned", "signatureMissing"),
        ("another key", "untrustedKey"),
        ("unknown issuer", "unknownIssuer"),
        ("too old", "expired"),
        ("past its NotOnOrAfter", "expired"),
        ("another Destination", "destinationMismatch"),
    ],
)
def test_flawed_logout_request_gets_a_fault_and_ends_nothing(stack, clients, alice_shared, flaw, check):
    cookie, name_id, session_index = alice_shared
    before = len(refused_checks(stack))
    _, xml = flawed(stack, clients, name_id, session_index, flaw)
    status, answer = soap(stack.gatehouse, xml)
    assert status == 500, answer
    assert "Fault" in answer and "faultcode" in answer, answer
    assert "LogoutResponse" not in answer
    lines = wait_for(lambda: refused_checks(stack)[before:])
    assert lines and check in lines[-1], lines
    assert_session_lives(stack, cookie)


def test_replayed_logout_request_is_refused_and_ends_nothing(browser, stack, idp_a, alice):
    cookie, name_id, _ = alice
    # No SessionIndex: the request ends every session of alice's NameID at IdP A, so a replay
    # would end the next one too.
    _, xml = idp_a.request(destination(stack), name_id)
    status, answer = soap(stack.gatehouse, xml)
    assert status == 200 and SUCCESS in answer, answer
    assert_session_gone(stack, cookie)
    browser.reset()
    second = signed_in(browser, stack)
    assert second != cookie
    before = len(refused_checks(stack))
    status, answer = soap(stack.gatehouse, xml)
    assert status == 500 and "Fault" in answer, answer
    lines = wait_for(lambda: refused_checks(stack)[before:])
    assert lines and "replayed" in lines[-1], lines
    assert_session_lives(stack, second)


def test_another_registered_idp_cannot_end_a_session_idp_a_opened(browser, stack):
    # The gateway with the chooser knows IdPs A and B; alice signs in at A.
    query = urllib.parse.urlencode({"idp": stack.idp_a_entity, "rd": "/app/x"})
    browser.open(f"{stack.gatehouse_multi}/saml/login?{query}", "login-at-a")
    browser.wait_url(stack.idp_a, "idp-a-login-form")
    browser.sign_in_at_idp("alice", "alice-password")
    browser.wait_url(stack.gatehouse_multi + "/app/x", "back-at-app")
    cookie = f"gatehouse_multi={browser.driver.get_cookie('gatehouse_multi')['value']}"
    issued = stack.issued_record(stack.idp_a, "alice")
    name_id = NameID(format=issued["format"], text=issued["name_id"])
    # IdP B, with its own key, names alice's NameID and A's SessionIndex.
    idp_b = LogoutClient(stack.idp_b_entity, "idp-rsa2", metadata_of(stack.gatehouse_multi))
    _, xml = idp_b.request(stack.gatehouse_multi + "/saml/slo/soap", name_id, [issued["session_index"]])
    status, answer = soap(stack.gatehouse_multi, xml)
    assert status == 200 and "LogoutResponse" in answer, answer
    assert_session_lives(stack, cookie, stack.gatehouse_multi)
