#!/usr/bin/env python3
"""Captures one real login through the pysaml2 IdP into Fixtures/captured/pysaml2/, so the SAML
module's tests can validate a third-party response offline.

    python3 Tests/EndToEnd/capture_pysaml2.py

The SP is pysaml2's Saml2Client posing as a Gatehouse with the example configuration's
identity (entity ID http://localhost:8080/saml/metadata, ACS http://localhost:8080/saml/acs).
Each run makes new IDs and timestamps: the README it writes pins the instant to validate at.
"""

import base64
import re
import subprocess
import tempfile
import urllib.parse
import zlib
from importlib.metadata import version
from pathlib import Path

import fake_sp
import harness

OUT = harness.ROOT / "Fixtures" / "captured" / "pysaml2"
SP_ENTITY = "http://localhost:8080/saml/metadata"
SP_ACS = "http://localhost:8080/saml/acs"
IDP_ENTITY = "https://idp.example.com/pysaml2/metadata"


def authn_request_xml(client):
    """The AuthnRequest XML the fake SP sends, decoded from its HTTP-Redirect URL."""
    request_id, info = client.prepare_for_authenticate(entityid=IDP_ENTITY, relay_state="captured")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(dict(info["headers"])["Location"]).query)
    return request_id, zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()


def first(pattern, text):
    return re.search(pattern, text).group(1)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sp_metadata = fake_sp.sp_metadata(SP_ENTITY, SP_ACS, harness.KEYS / "sp.key", harness.KEYS / "sp.crt")
        (tmp / "sp.xml").write_text(sp_metadata)
        port = harness.free_port()
        command = harness.idp_command(
            port, "users-example.com.json", "example.com", "Example.com IdP (pysaml2)",
            tmp / "sp.xml", tmp / "idp.xml", extra=["--entity-id", IDP_ENTITY],
        )  # fmt: skip
        process = harness.start(command, tmp / "idp.log")
        try:
            harness.wait_http(f"http://127.0.0.1:{port}/healthz", process)
            sp = fake_sp.FakeSP(SP_ENTITY, SP_ACS, harness.KEYS / "sp.key", harness.KEYS / "sp.crt", tmp / "idp.xml")
            _, request_xml = authn_request_xml(sp.client)
            request_id, _, fields, _ = sp.login(IDP_ENTITY, "alice", "alice-password", relay_state="captured")
        finally:
            harness.stop(process)
        response_xml = fake_sp.decode_response(fields["SAMLResponse"])
        (tmp / "response.xml").write_text(response_xml)
        for element in ("Response", "Assertion"):
            checked = fake_sp.xmlsec_verify(tmp / "response.xml", harness.KEYS / "idp-rsa.crt", element)
            if checked.returncode != 0:
                raise SystemExit(f"captured {element} signature does not verify: {checked.stderr}")
        sp.read(fields["SAMLResponse"], request_id)  # pysaml2's own SP accepts it too
        OUT.mkdir(parents=True, exist_ok=True)
        # Written byte for byte as received: any reformatting would break the signatures.
        (OUT / "response.xml").write_text(response_xml)
        (OUT / "idp-metadata.xml").write_text((tmp / "idp.xml").read_text())
        (OUT / "sp-metadata.xml").write_text(sp_metadata)
        (OUT / "authn-request.xml").write_text(request_xml)

    xmlsec = subprocess.run(["xmlsec1", "--version"], capture_output=True, text=True).stdout.strip()
    facts = {
        "issue_instant": first(r'IssueInstant="([^"]+)"', response_xml),
        "not_before": first(r'NotBefore="([^"]+)"', response_xml),
        "not_on_or_after": first(r'<(?:\w+:)?Conditions[^>]*NotOnOrAfter="([^"]+)"', response_xml),
        "in_response_to": first(r'InResponseTo="([^"]+)"', response_xml),
        "response_id": first(r'<(?:\w+:)?Response[^>]* ID="([^"]+)"', response_xml),
        "assertion_id": first(r'<(?:\w+:)?Assertion[^>]* ID="([^"]+)"', response_xml),
    }
    (OUT / "README.md").write_text(README.format(pysaml2=version("pysaml2"), xmlsec=xmlsec, **facts))
    print(f"captured into {OUT.relative_to(harness.ROOT)} at {facts['issue_instant']}")


README = """# Captured from pysaml2

A real login answered by a third-party IdP implementation that we did not write: pysaml2
{pysaml2} (`saml2.server.Server`), signing through Debian's `{xmlsec}`. Made by
`python3 Tests/EndToEnd/capture_pysaml2.py`, which starts `Tests/EndToEnd/idp/pysaml2_idp.py`
on loopback and drives it with pysaml2's own SP client (`Saml2Client`); rerunning it replaces
every file here with a new capture (new IDs and instants).

| file | what |
| --- | --- |
| `response.xml` | the `SAMLResponse`, base64-decoded and stored byte for byte as the IdP sent it (never reformat it: both signatures cover these bytes) |
| `idp-metadata.xml` | the IdP's metadata as pysaml2 publishes it (`ns0:` prefixes, algorithm-support extensions, shibmd:Scope, mdui) |
| `sp-metadata.xml` | the SP metadata the IdP trusted |
| `authn-request.xml` | an AuthnRequest the same SP client makes (HTTP-Redirect, unsigned); not the one answered |

## Pinned facts

| fact | value |
| --- | --- |
| instant to validate at | `{issue_instant}` (the response's IssueInstant) |
| Conditions | NotBefore `{not_before}`, NotOnOrAfter `{not_on_or_after}` |
| IdP entity ID (Issuer) | `https://idp.example.com/pysaml2/metadata` |
| IdP signing key | `Fixtures/keys/idp-rsa.crt` (RSA-SHA256, SHA-256, exc-c14n; KeyInfo carries the certificate) |
| SP entity ID (Audience) | `http://localhost:8080/saml/metadata` |
| ACS URL (Destination, Recipient) | `http://localhost:8080/saml/acs` |
| InResponseTo | `{in_response_to}` |
| Response ID / Assertion ID | `{response_id}` / `{assertion_id}` |
| RelayState sent with it | `captured` |

Both the Response and the Assertion are signed, each with an enveloped signature after its
Issuer. Identity: NameID `alice` (format `urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified`),
attributes `mail` = `alice@example.com` and `uid` = `alice` (URI names
`urn:oid:0.9.2342.19200300.100.1.3` and `…100.1.1` with FriendlyName), `displayName` =
`Alice Example` (`urn:oid:2.16.840.1.113730.3.1.241`), and `groups` = `engineering`, `staff`
(Name `groups`, no NameFormat). Gatehouse's default mapping gives X-Forwarded-User `alice`,
X-Forwarded-Email `alice@example.com`, X-Forwarded-Groups `engineering,staff`,
X-Forwarded-Preferred-Username `alice`.

Checked when captured: `xmlsec1 --verify --enabled-key-data key-name --pubkey-cert-pem
Fixtures/keys/idp-rsa.crt` accepts both signatures, and pysaml2's SP accepts the response.
"""


if __name__ == "__main__":
    main()
