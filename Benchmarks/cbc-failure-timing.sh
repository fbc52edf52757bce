#!/usr/bin/env bash
# Measures the two failure paths of an AES-CBC encrypted response from an IdP with
# idps[].allow_cbc: true: a padding error (decryption fails) and a signature error (decryption
# succeeds, the signed assertion inside was changed). Prints the time distributions of the bare
# validator (what the answer's timing would leak without the gateway's fixed delay) and of the
# login service (what the client sees). A measurement, not a test: nothing here passes or fails
# on time. Usage: Benchmarks/cbc-failure-timing.sh [--rounds N] [--validator-rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
# SCRATCH_PATH: the build folder (default .build); CONFIGURATION: release (default) or debug.
scratch_path=${SCRATCH_PATH:-.build}
configuration=${CONFIGURATION:-release}
swift build -c "$configuration" --scratch-path "$scratch_path" --product gatehouse-bench >/dev/null
bench="$scratch_path/$configuration/gatehouse-bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import base64, os, re, subprocess, sys
work = sys.argv[1]
xml = open("Fixtures/saml/valid.xml").read()
assertion = re.search(r"<saml:Assertion .*</saml:Assertion>", xml, re.S).group(0)
public = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", "Fixtures/keys/sp.crt"],
                        capture_output=True, check=True).stdout
open(work + "/sp.pub", "wb").write(public)
template = open("Fixtures/saml/encrypted.xml").read().replace(
    "http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2001/04/xmlenc#aes256-cbc")
values = re.findall(r"<xenc:CipherValue>.*?</xenc:CipherValue>", template, re.S)

def encrypted(plaintext, break_padding):
    key, iv = os.urandom(32), os.urandom(16)
    cipher = bytearray(iv + subprocess.run(["openssl", "enc", "-aes-256-cbc", "-K", key.hex(), "-iv", iv.hex()],
                                           input=plaintext.encode(), capture_output=True, check=True).stdout)
    if break_padding:
        cipher[-17] ^= 0x30  # the last plaintext byte, read as the padding length, becomes 0x21...0x3e
    wrapped = subprocess.run(["openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", work + "/sp.pub",
                              "-pkeyopt", "rsa_padding_mode:oaep"], input=key, capture_output=True, check=True).stdout
    out = template.replace(values[0], "<xenc:CipherValue>%s</xenc:CipherValue>" % base64.b64encode(wrapped).decode())
    out = out.replace(values[1], "<xenc:CipherValue>%s</xenc:CipherValue>" % base64.b64encode(bytes(cipher)).decode())
    return base64.b64encode(out.encode()).decode()

open(work + "/padding.b64", "w").write(encrypted(assertion, True))
open(work + "/signature.b64", "w").write(encrypted(assertion.replace("ada@example.com", "eve@example.com"), False))
PY
"$bench" cbc-timing --padding "$work/padding.b64" --signature "$work/signature.b64" "$@"
