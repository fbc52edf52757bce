#!/usr/bin/env bash
# Rebuilds the Single Logout fixtures under Fixtures/saml/logout/ with the xmlsec1 CLI, from the
# committed test keys in Fixtures/keys/ (generate.sh makes them).
#
#   Fixtures/generate-logout.sh
#
# Needs Debian's xmlsec1 1.2.37 (OpenSSL back end). Each output is an UNSIGNED LogoutRequest whose
# NameID xmlsec1 has encrypted into an EncryptedID (aes256-gcm content, rsa-oaep-mgf1p key
# transport). The tests sign it with the IdP key at run time (the signature must cover the
# EncryptedID), so only the encryption is done here. The outputs change on every run: session
# keys, IVs and OAEP padding are random by design. See Fixtures/README.md.
set -euo pipefail

FIXTURES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$FIXTURES/saml/logout"
command -v xmlsec1 >/dev/null || { echo "xmlsec1 is required (apt-get install xmlsec1)" >&2; exit 1; }
for cert in sp sp2; do
    [[ -f $FIXTURES/keys/$cert.crt ]] || { echo "missing keys/$cert.crt: run Fixtures/generate.sh first" >&2; exit 1; }
done
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/plain.xml" <<'XML'
<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lr-enc-7d2a" Version="2.0" IssueInstant="2026-06-01T12:00:00Z" Destination="https://sp.example.com/saml/slo" NotOnOrAfter="2026-06-01T12:05:00Z">
  <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>
  <saml:EncryptedID><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" NameQualifier="https://idp.example.com/metadata" SPNameQualifier="https://sp.example.com/saml/metadata">_9f3c1e-persistent-ada</saml:NameID></saml:EncryptedID>
  <samlp:SessionIndex>_session-91e2</samlp:SessionIndex>
</samlp:LogoutRequest>
XML

cat >"$WORK/template.xml" <<'XML'
<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="_encid1" Type="http://www.w3.org/2001/04/xmlenc#Element">
  <xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>
  <ds:KeyInfo>
    <xenc:EncryptedKey Id="_encid-key1">
      <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p">
        <ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>
      </xenc:EncryptionMethod>
      <xenc:CipherData>
        <xenc:CipherValue></xenc:CipherValue>
      </xenc:CipherData>
    </xenc:EncryptedKey>
  </ds:KeyInfo>
  <xenc:CipherData>
    <xenc:CipherValue></xenc:CipherValue>
  </xenc:CipherData>
</xenc:EncryptedData>
XML

encrypt() { # encrypt CERT OUTPUT
    xmlsec1 --encrypt --pubkey-cert-pem "$FIXTURES/keys/$1.crt" --session-key aes-256 \
        --xml-data "$WORK/plain.xml" --node-xpath "//*[local-name()='NameID']" --output "$WORK/out.xml" "$WORK/template.xml"
    if grep -q '_9f3c1e-persistent-ada' "$WORK/out.xml"; then
        echo "FAIL: the NameID is still in clear text in $2" >&2
        exit 1
    fi
    grep -v '^<?xml' "$WORK/out.xml" >"$OUT/$2"
    echo "wrote saml/logout/$2"
}

encrypt sp encrypted-id-request.xml
encrypt sp2 encrypted-id-request-sp2.xml
