"""Makes logout-request.xml: an IdP-initiated LogoutRequest signed by a third-party
implementation, pysaml2 (saml2.server.Server), through Debian's xmlsec1, with the committed test
key Fixtures/keys/idp-rsa.key. The Gatehouse tests validate it as an IdP's HTTP-POST message.

    python3 Fixtures/captured/pysaml2/make_logout_request.py

Needs pysaml2 (pip install pysaml2) and the xmlsec1 binary. Rerunning replaces the file; with the
fixed ID and instant below and PKCS#1 v1.5 RSA, the output is the same bytes each time.
"""

import os
import sys
from unittest import mock

from saml2 import saml
from saml2.config import IdPConfig
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "..", "..", "keys")
IDP = "https://idp.example.com/pysaml2/metadata"
SP = "https://sp.example.com/saml/metadata"
SLO = "https://sp.example.com/saml/slo"
INSTANT = "2026-06-01T12:00:00Z"
EXPIRES = "2026-06-01T12:05:00Z"
REQUEST_ID = "id-pysaml2-logout-5b7e"


def main():
    config = IdPConfig()
    config.load({
        "entityid": IDP,
        "service": {"idp": {"endpoints": {"single_logout_service": [(IDP.replace("metadata", "slo"),
                                                                     "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")]}}},
        "key_file": os.path.join(KEYS, "idp-rsa.key"),
        "cert_file": os.path.join(KEYS, "idp-rsa.crt"),
        "xmlsec_binary": "/usr/bin/xmlsec1",
    })
    server = Server(config=config)
    name_id = saml.NameID(format=saml.NAMEID_FORMAT_TRANSIENT, name_qualifier=IDP, sp_name_qualifier=SP,
                          text="id-4f0a9c2e7d1b")
    # pysaml2 stamps the wall clock; pin the instant so the fixture is stable.
    with mock.patch("saml2.entity.instant", return_value=INSTANT):
        _, signed = server.create_logout_request(
            SLO, IDP, name_id=name_id, reason="urn:oasis:names:tc:SAML:2.0:logout:admin", expire=EXPIRES,
            message_id=REQUEST_ID, sign=True, session_indexes=["_pysaml2-session-1", "_pysaml2-session-2"],
            sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    text = str(signed)
    if "SignatureValue>" not in text or INSTANT not in text:
        sys.exit("FAIL: the request is not signed or not at the pinned instant:\n" + text)
    with open(os.path.join(HERE, "logout-request.xml"), "w", encoding="utf-8") as out:
        out.write(text)
    print("wrote Fixtures/captured/pysaml2/logout-request.xml")


if __name__ == "__main__":
    main()
