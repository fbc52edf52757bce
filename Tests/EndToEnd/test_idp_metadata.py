"""The vendor-shaped IdP metadata in Fixtures/idp-metadata: each file loads in pysaml2 (a
third-party metadata reader), carries only our test certificates, and, where the vendor signs
its metadata, verifies with xmlsec1. With E2E_GATEHOUSE_BIN set (run.sh sets it after the
build), `gatehouse metadata inspect` must load each one too."""

import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from saml2.attribute_converter import ac_factory
from saml2.mdstore import MetadataStore

import harness

FOLDER = harness.ROOT / "Fixtures" / "idp-metadata"
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

VENDORS = {
    "okta": "http://www.okta.com/exk9gatehouse0test0x7",
    "entra-id": "https://sts.windows.net/3f2a9c41-7b6e-4d15-8c0a-5e9d1b2f6a70/",
    "adfs": "http://adfs.example.com/adfs/services/trust",
    "google-workspace": "https://accounts.google.com/o/saml2?idpid=C01gat3hs",
    "keycloak": "https://keycloak.example.com/realms/example",
    "onelogin": "https://app.onelogin.com/saml/metadata/5b2c7e0a-6f1d-4c3e-9a8b-0gatehouse01",
    "simplesamlphp": "https://idp.example.org/simplesaml/module.php/saml/idp/metadata",
}
SIGNED = {"entra-id", "adfs"}


def test_every_file_has_a_template_and_a_test():
    files = {p.stem for p in FOLDER.glob("*.xml")}
    templates = {p.stem for p in (FOLDER / "templates").glob("*.xml")}
    assert files == templates == set(VENDORS)


@pytest.mark.parametrize("vendor", VENDORS)
def test_one_idp_with_a_redirect_sso_endpoint_and_only_our_certificates(vendor):
    root = ET.parse(FOLDER / f"{vendor}.xml").getroot()
    assert root.tag == f"{MD}EntityDescriptor"
    assert root.get("entityID") == VENDORS[vendor]
    idps = root.findall(f"{MD}IDPSSODescriptor")
    assert len(idps) == 1
    bindings = [s.get("Binding") for s in idps[0].findall(f"{MD}SingleSignOnService")]
    assert REDIRECT in bindings
    ours = set(_our_certs().values())
    certs = list(root.iter(f"{DS}X509Certificate"))
    assert certs
    for cert in certs:
        assert "".join(cert.text.split()) in ours, f"{vendor}: a certificate that is not a test key"


@pytest.mark.parametrize("vendor", VENDORS)
def test_pysaml2_loads_it_and_finds_the_signing_certificate(vendor):
    store = MetadataStore(ac_factory(), None)
    store.load("local", str(FOLDER / f"{vendor}.xml"))
    entity = VENDORS[vendor]
    assert store.single_sign_on_service(entity, REDIRECT)
    certs = store.certs(entity, "idpsso", "signing")
    assert certs, f"{vendor}: no signing certificate found by pysaml2"


@pytest.mark.parametrize("vendor", sorted(SIGNED))
def test_signed_metadata_verifies_with_the_metadata_signing_key(vendor):
    command = ["xmlsec1", "--verify", "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor"]
    command += ["--enabled-key-data", "key-name", "--pubkey-cert-pem", str(harness.KEYS / "idp-rsa.crt")]
    result = subprocess.run([*command, str(FOLDER / f"{vendor}.xml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("vendor", VENDORS)
def test_gatehouse_metadata_inspect_loads_it(vendor):
    binary = os.environ.get("E2E_GATEHOUSE_BIN")
    if not binary:
        pytest.skip("E2E_GATEHOUSE_BIN unset: run.sh sets it once gatehouse is built")
    command = [binary, "metadata", "inspect", str(FOLDER / f"{vendor}.xml")]
    if vendor in SIGNED:
        command += ["--signing-cert", str(harness.KEYS / "idp-rsa.crt")]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert VENDORS[vendor] in result.stdout


def _our_certs():
    certs = {}
    for crt in harness.KEYS.glob("*.crt"):
        certs[crt.stem] = "".join(crt.read_text().split("-----")[2].split())
    return certs


def test_templates_hold_no_certificate_of_their_own():
    for template in (FOLDER / "templates").glob("*.xml"):
        assert not re.search(r"<(\w+:)?X509Certificate>MII", template.read_text()), template.name
