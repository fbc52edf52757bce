"""The pysaml2 IdP on its own, without Gatehouse: a fake SP (pysaml2's Saml2Client) asks it for
a login, and the signed answer is checked with pysaml2 and with Debian's xmlsec1."""

import json
import re
import urllib.error
import urllib.request
from datetime import datetime, timezone

import pytest
from saml2 import BINDING_HTTP_REDIRECT

import fake_sp
import harness

SP_ENTITY = "http://localhost:8080/saml/metadata"
SP_ACS = "http://localhost:8080/saml/acs"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MULTI_FACTOR = "https://refeds.org/profile/mfa"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


class IdPUnderTest:
    def __init__(self, tmp):
        self.tmp = tmp
        self.port = harness.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.entity_id = f"{self.base}/metadata"
        self.metadata_file = tmp / "idp-metadata.xml"
        sp_metadata = tmp / "sp-metadata.xml"
        sp_metadata.write_text(fake_sp.sp_metadata(SP_ENTITY, SP_ACS, harness.KEYS / "sp.key", harness.KEYS / "sp.crt"))
        command = harness.idp_command(
            self.port, "users-example.com.json", "example.com", "Example.com IdP", sp_metadata, self.metadata_file
        )
        self.log = tmp / "idp.log"
        self.process = harness.start(command, self.log)

    def sp(self):
        return fake_sp.FakeSP(SP_ENTITY, SP_ACS, harness.KEYS / "sp.key", harness.KEYS / "sp.crt", self.metadata_file)


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    idp = IdPUnderTest(tmp_path_factory.mktemp("idp"))
    try:
        harness.wait_http(f"{idp.base}/healthz", idp.process)
        yield idp
    finally:
        harness.stop(idp.process)


def signed_response(idp, tmp_path, user="alice", **extra):
    """Logs `user` in through the fake SP; returns (request ID, XML path, XML text, form fields)."""
    request_id, action, fields, _ = idp.sp().login(idp.entity_id, user, f"{user}-password", extra_fields=extra)
    assert action == SP_ACS
    xml = fake_sp.decode_response(fields["SAMLResponse"])
    path = tmp_path / "response.xml"
    path.write_text(xml)
    return request_id, path, xml, fields


def cert_body(name):
    pem = (harness.KEYS / f"{name}.crt").read_text()
    return "".join(pem.split("-----")[2].split())


def test_metadata_url_serves_the_written_file_with_our_key_and_endpoints(idp):
    served = urllib.request.urlopen(f"{idp.base}/metadata").read().decode()
    assert served == idp.metadata_file.read_text()
    assert f'entityID="{idp.entity_id}"' in served
    assert f'Location="{idp.base}/sso/redirect"' in served
    assert cert_body("idp-rsa") in served
    assert ">example.com</" in served  # shibmd:Scope and mdui:DomainHint
    assert ">Example.com IdP</" in served  # mdui:DisplayName


def test_login_returns_response_and_assertion_both_signed_rsa_sha256(idp, tmp_path):
    _, path, xml, fields = signed_response(idp, tmp_path)
    assert fields["RelayState"] == "e2e-relay"
    assert xml.count("SignatureValue>") == 4  # open and close tag, twice: Response and Assertion
    assert xml.count(f'Algorithm="{RSA_SHA256}"') == 2
    assert EXC_C14N in xml
    for element in ("Response", "Assertion"):
        result = fake_sp.xmlsec_verify(path, harness.KEYS / "idp-rsa.crt", element)
        assert result.returncode == 0, result.stderr
        assert "OK" in result.stdout + result.stderr


def test_xmlsec1_rejects_the_response_with_another_key(idp, tmp_path):
    _, path, _, _ = signed_response(idp, tmp_path)
    for element in ("Response", "Assertion"):
        result = fake_sp.xmlsec_verify(path, harness.KEYS / "attacker.crt", element)
        assert result.returncode != 0, f"{element} verified with the attacker's certificate"


def test_xmlsec1_rejects_a_tampered_nameid(idp, tmp_path):
    _, path, xml, _ = signed_response(idp, tmp_path)
    tampered = re.sub(r"(<(?:\w+:)?NameID[^>]*>)alice<", r"\1mallory<", xml)
    assert tampered != xml
    path.write_text(tampered)
    result = fake_sp.xmlsec_verify(path, harness.KEYS / "idp-rsa.crt", "Assertion")
    assert result.returncode != 0


def test_pysaml2_sp_reads_identity_and_attributes(idp, tmp_path):
    request_id, _, _, fields = signed_response(idp, tmp_path)
    response = idp.sp().read(fields["SAMLResponse"], request_id)
    assert response.in_response_to == request_id
    assert response.name_id.text == "alice"
    identity = response.get_identity()
    assert identity["mail"] == ["alice@example.com"]
    assert identity["uid"] == ["alice"]
    assert identity["groups"] == ["engineering", "staff"]
    assert identity["displayName"] == ["Alice Example"]


def test_attributes_use_names_gatehouse_maps_by_default(idp, tmp_path):
    _, _, xml, _ = signed_response(idp, tmp_path, user="bob")
    # Email by OID (FriendlyName mail), preferred username by FriendlyName uid, groups by Name.
    assert 'Name="urn:oid:0.9.2342.19200300.100.1.3"' in xml and 'FriendlyName="mail"' in xml
    assert 'FriendlyName="uid"' in xml
    assert 'Name="groups"' in xml
    assert ">bob@example.com<" in xml and ">staff<" in xml and ">engineering<" not in xml


def test_issued_reports_the_last_nameid(idp, tmp_path):
    signed_response(idp, tmp_path, user="bob")
    issued = urllib.request.urlopen(f"{idp.base}/issued").read().decode()
    assert '"bob": {"name_id": "bob"' in issued


def test_expired_hook_issues_a_signed_assertion_already_past_its_end(idp, tmp_path):
    _, path, xml, _ = signed_response(idp, tmp_path, e2e_expired="1")
    assert fake_sp.xmlsec_verify(path, harness.KEYS / "idp-rsa.crt", "Assertion").returncode == 0
    ends = re.findall(r'NotOnOrAfter="([^"]+)"', xml)
    assert ends
    now = datetime.now(timezone.utc)
    for end in ends:
        assert datetime.strptime(end, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) < now


def test_hold_hook_shows_a_button_instead_of_posting(idp):
    _, _, fields, page = idp.sp().login(idp.entity_id, "alice", "alice-password", extra_fields={"e2e_hold": "1"})
    assert "SAMLResponse" in fields and 'id="continue"' in page
    assert "<script>" not in page
    _, _, _, page = idp.sp().login(idp.entity_id, "alice", "alice-password")
    assert "<script>" in page


def test_wrong_password_shows_the_form_again(idp):
    sp = idp.sp()
    _, info = sp.client.prepare_for_authenticate(entityid=idp.entity_id, relay_state="x")
    location = dict(info["headers"])["Location"]
    action, fields = fake_sp.parse_form(fake_sp.fetch(location))
    fields.update(username="alice", password="wrong")
    page = fake_sp.fetch(f"{idp.base}{action}", fields)
    assert "Wrong username or password." in page
    assert "SAMLResponse" not in page


def test_password_login_has_the_password_class_and_a_session_index(idp, tmp_path):
    _, _, xml, _ = signed_response(idp, tmp_path)
    assert f">{PASSWORD}<" in xml
    assert re.search(r'SessionIndex="[^"]+"', xml)


def test_requested_multi_factor_class_needs_the_one_time_code(idp):
    sp = idp.sp()
    wanted = {"requested_authn_context": {"authn_context_class_ref": [MULTI_FACTOR]}, "force_authn": "true"}
    _, _, fields, page = sp.login(idp.entity_id, "alice", "alice-password", request_args=wanted)
    assert "SAMLResponse" not in fields and "Wrong one-time code." in page
    _, _, fields, _ = sp.login(idp.entity_id, "alice", "alice-password", extra_fields={"otp": "alice-otp"}, request_args=wanted)
    assert f">{MULTI_FACTOR}<" in fake_sp.decode_response(fields["SAMLResponse"])
    issued = json.loads(urllib.request.urlopen(f"{idp.base}/issued").read())["alice"]
    assert issued["authn_class"] == MULTI_FACTOR and issued["force_authn"]
    assert issued["requested_authn_context"] == [MULTI_FACTOR]


def test_a_class_the_idp_cannot_give_is_answered_no_authn_context(idp):
    wanted = {"authn_context_class_ref": ["urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard"]}
    _, info = idp.sp().client.prepare_for_authenticate(
        entityid=idp.entity_id, relay_state="x", binding=BINDING_HTTP_REDIRECT, requested_authn_context=wanted
    )
    action, fields = fake_sp.parse_form(fake_sp.fetch(dict(info["headers"])["Location"]))
    assert action == SP_ACS
    xml = fake_sp.decode_response(fields["SAMLResponse"])
    assert "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext" in xml
    assert "<saml:Assertion" not in xml


def test_request_from_an_unknown_sp_is_refused(idp, tmp_path):
    stranger = fake_sp.FakeSP(
        "https://stranger.example/sp", "https://stranger.example/acs",
        harness.KEYS / "sp2.key", harness.KEYS / "sp2.crt", idp.metadata_file,
    )  # fmt: skip
    _, info = stranger.client.prepare_for_authenticate(entityid=idp.entity_id, relay_state="x")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(dict(info["headers"])["Location"])
    assert refused.value.code == 400


@pytest.mark.parametrize("element", ["Response", "Assertion"])
def test_committed_capture_still_verifies_with_xmlsec1(element):
    captured = harness.ROOT / "Fixtures" / "captured" / "pysaml2" / "response.xml"
    result = fake_sp.xmlsec_verify(captured, harness.KEYS / "idp-rsa.crt", element)
    assert result.returncode == 0, result.stderr
