#!/usr/bin/env python3
"""Rebuilds the vendor-shaped IdP metadata in this folder from templates/ and the committed
test keys in Fixtures/keys. Deterministic: a re-run shows no diff.

    python3 Fixtures/idp-metadata/generate.py

Placeholders in a template: {{cert:NAME}} is the base64 DER body of Fixtures/keys/NAME.crt on
one line, {{cert-wrapped:NAME}} the same in 64-character lines (as some vendors print it), and
{{kid:NAME}} a Keycloak-style key ID (base64url SHA-256 of the public key). A template holding
a ds:Signature (Entra ID, ADFS) is signed with xmlsec1 by Fixtures/keys/idp-rsa.key, as those
vendors sign their metadata, and the signature is checked before the file is written."""

import base64
import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = HERE.parent / "keys"
SIGNER = "idp-rsa"


def cert_body(name):
    pem = (KEYS / f"{name}.crt").read_text()
    return "".join(pem.split("-----")[2].split())


def key_id(name):
    der = subprocess.run(
        ["openssl", "x509", "-in", KEYS / f"{name}.crt", "-noout", "-pubkey"], capture_output=True, check=True, text=True
    ).stdout
    spki = base64.b64decode("".join(der.split("-----")[2].split()))
    return base64.urlsafe_b64encode(hashlib.sha256(spki).digest()).decode().rstrip("=")


def fill(template):
    def replace(match):
        kind, name = match.group(1), match.group(2)
        if kind == "cert":
            return cert_body(name)
        if kind == "cert-wrapped":
            body = cert_body(name)
            return "\n" + "\n".join(body[i : i + 64] for i in range(0, len(body), 64)) + "\n"
        return key_id(name)

    return re.sub(r"\{\{(cert|cert-wrapped|kid):([\w-]+)\}\}", replace, template)


def xmlsec(*args):
    id_attr = ["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor"]
    return subprocess.run(["xmlsec1", *args[:1], *id_attr, *args[1:]], capture_output=True, text=True)


def sign(xml):
    with tempfile.TemporaryDirectory() as tmp:
        unsigned, signed = Path(tmp) / "unsigned.xml", Path(tmp) / "signed.xml"
        unsigned.write_text(xml)
        pair = f"{KEYS / SIGNER}.key,{KEYS / SIGNER}.crt"
        result = xmlsec("--sign", "--privkey-pem", pair, "--output", str(signed), str(unsigned))
        if result.returncode != 0:
            sys.exit(f"xmlsec1 --sign failed: {result.stderr}")
        check = xmlsec("--verify", "--enabled-key-data", "key-name", "--pubkey-cert-pem", str(KEYS / f"{SIGNER}.crt"), str(signed))
        if check.returncode != 0:
            sys.exit(f"signed metadata does not verify: {check.stderr}")
        return signed.read_text()


def main():
    for template in sorted((HERE / "templates").glob("*.xml")):
        xml = fill(template.read_text())
        if "<SignatureValue/>" in xml:
            xml = sign(xml)
        (HERE / template.name).write_text(xml)
        print(f"wrote Fixtures/idp-metadata/{template.name}")


if __name__ == "__main__":
    main()
