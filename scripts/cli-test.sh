#!/usr/bin/env bash
# Runs the built `gatehouse` binary over the SAML fixtures and checks the documented interface
# of `verify-response` (exit 0 + JSON / exit 1 + "code: ..." / exit 2) and `metadata inspect`.
set -uo pipefail
cd "$(dirname "$0")/.."
gatehouse=${GATEHOUSE:-.build/debug/gatehouse}
passed=0
failed=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1"; fi
}
args=(--idp-metadata Fixtures/saml/metadata/idp.xml --sp-entity-id https://sp.example.com/saml/metadata
    --acs-url https://sp.example.com/saml/acs --now 2026-06-01T12:01:00Z --in-response-to _req-3c8d41a2)
out=$(mktemp) err=$(mktemp) scratch=$(mktemp -d)
trap 'rm -rf "$out" "$err" "$scratch"' EXIT

"$gatehouse" verify-response "${args[@]}" Fixtures/saml/valid.xml >"$out" 2>"$err"
check "valid response exits 0" $?
python3 - "$out" <<'PY'
import json, sys
identity = json.load(open(sys.argv[1]))
for key in ("issuer", "nameID", "nameIDFormat", "sessionIndex", "attributes"):
    assert key in identity, key
assert all(isinstance(v, list) for v in identity["attributes"].values())
PY
check "valid response prints the identity as JSON" $?

base64 -w0 Fixtures/saml/valid.xml | "$gatehouse" verify-response "${args[@]}" - >/dev/null 2>&1
check "base64 on standard input is accepted" $?

for fixture in Fixtures/saml/invalid/*.xml; do
    code=$(basename "$fixture" .xml)
    case "$code" in replayed) continue ;; esac # needs a second submission; see below
    "$gatehouse" verify-response "${args[@]}" "$fixture" >"$out" 2>"$err"
    status=$?
    [ "$status" -eq 1 ] && [ "$(wc -l <"$err")" -eq 1 ] && grep -q "^$code: " "$err"
    result=$?
    check "invalid/$code.xml exits 1 with '$code: ...' (got $status: $(head -c 200 "$err"))" $result
    [ ! -s "$out" ]
    check "invalid/$code.xml prints nothing on standard output" $?
done

"$gatehouse" verify-response "${args[@]}" /nonexistent/response.xml >/dev/null 2>&1
[ $? -eq 2 ]; check "unreadable response file exits 2" $?
"$gatehouse" verify-response --sp-entity-id x Fixtures/saml/valid.xml >/dev/null 2>&1
[ $? -eq 2 ]; check "missing arguments exit 2" $?
"$gatehouse" verify-response "${args[@]}" --allow-unsolicited Fixtures/saml/valid.xml >/dev/null 2>&1
[ $? -eq 2 ]; check "--in-response-to with --allow-unsolicited exits 2" $?

# --allow-unsolicited admits a response that names no request, never one that names a request.
unsolicited=("${args[@]:0:8}" --allow-unsolicited) # args without --in-response-to
"$gatehouse" verify-response "${unsolicited[@]}" Fixtures/saml/invalid/unsolicitedNotAllowed.xml >/dev/null 2>&1
check "--allow-unsolicited accepts a response with no InResponseTo" $?
"$gatehouse" verify-response "${unsolicited[@]}" Fixtures/saml/valid.xml >"$out" 2>"$err"
status=$?
[ "$status" -eq 1 ] && grep -q "^inResponseToMismatch: " "$err"
result=$?
check "--allow-unsolicited refuses a response that names a request (got $status: $(head -c 200 "$err"))" $result

# AES-CBC (Entra ID, AD FS) is refused unless --allow-cbc, as the gateway refuses it unless the
# IdP's idps[] entry says allow_cbc: true. encrypted.xml's assertion, re-encrypted with
# AES-256-CBC by openssl (IV first, RSA-OAEP to sp.crt).
python3 - "$scratch/cbc.xml" <<'PY'
import base64, os, re, subprocess, sys
xml = open("Fixtures/saml/valid.xml").read()
assertion = re.search(r"<saml:Assertion .*</saml:Assertion>", xml, re.S).group(0)
key, iv = os.urandom(32), os.urandom(16)
cipher = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-K", key.hex(), "-iv", iv.hex()],
                        input=assertion.encode(), capture_output=True, check=True).stdout
public = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", "Fixtures/keys/sp.crt"],
                        capture_output=True, check=True).stdout
open(sys.argv[1] + ".pub", "wb").write(public)
wrapped = subprocess.run(["openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", sys.argv[1] + ".pub",
                          "-pkeyopt", "rsa_padding_mode:oaep"], input=key, capture_output=True, check=True).stdout
encrypted = open("Fixtures/saml/encrypted.xml").read().replace(
    "http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2001/04/xmlenc#aes256-cbc")
values = re.findall(r"<xenc:CipherValue>.*?</xenc:CipherValue>", encrypted, re.S)
encrypted = encrypted.replace(values[0], "<xenc:CipherValue>%s</xenc:CipherValue>" % base64.b64encode(wrapped).decode())
encrypted = encrypted.replace(values[1], "<xenc:CipherValue>%s</xenc:CipherValue>" % base64.b64encode(iv + cipher).decode())
open(sys.argv[1], "w").write(encrypted)
PY
check "an AES-CBC response can be made with openssl" $?
"$gatehouse" verify-response "${args[@]}" --sp-key Fixtures/keys/sp.key "$scratch/cbc.xml" >"$out" 2>"$err"
status=$?
[ "$status" -eq 1 ] && grep -q "^weakAlgorithm: " "$err" && grep -q -- "--allow-cbc" "$err" && grep -q "allow_cbc: true" "$err"
result=$?
check "AES-CBC is refused without --allow-cbc, naming the flag and the idps[] setting (got $status: $(head -c 300 "$err"))" $result
"$gatehouse" verify-response "${args[@]}" --sp-key Fixtures/keys/sp.key --allow-cbc "$scratch/cbc.xml" >"$out" 2>"$err"
status=$?
[ "$status" -eq 0 ] && grep -q 'ada@example.com' "$out"
result=$?
check "AES-CBC is decrypted with --allow-cbc (got $status: $(head -c 300 "$err"))" $result
"$gatehouse" verify-response "${args[@]}" --sp-key Fixtures/keys/sp.key --allow-cbc Fixtures/saml/encrypted.xml >/dev/null 2>&1
check "--allow-cbc still accepts AES-GCM" $?

"$gatehouse" metadata inspect Fixtures/saml/metadata/aggregate.xml >"$out" 2>"$err"
check "metadata inspect of an aggregate exits 0" $?
grep -q "SHA-256:" "$out"; check "metadata inspect lists certificate fingerprints" $?
"$gatehouse" metadata inspect Fixtures/saml/valid.xml >/dev/null 2>&1
[ $? -eq 2 ]; check "metadata inspect of a non-metadata file exits 2" $?

# `sessions` works on the configured store from outside the gateway. Revocation reaching a running
# gateway is tested in Swift (SessionsCommandTests), where the test can log in.
printf 'external_url: http://localhost\nupstreams:\n  - url: http://127.0.0.1:9\nsession:\n  store: %s\n  path: %s\n' \
    memory "$scratch/s.sqlite" >"$scratch/memory.yaml"
"$gatehouse" sessions revoke --all --config "$scratch/memory.yaml" >"$out" 2>"$err"
status=$?
[ "$status" -eq 2 ] && grep -q "memory" "$err" && [ ! -s "$out" ]
check "sessions revoke with the memory store exits 2 and says it cannot reach it (got $status)" $?
"$gatehouse" sessions revoke --config "$scratch/memory.yaml" >/dev/null 2>&1
[ $? -eq 2 ]; check "sessions revoke without a selection exits 2" $?
sed 's/store: memory/store: sqlite/' "$scratch/memory.yaml" >"$scratch/sqlite.yaml"
"$gatehouse" sessions list --config "$scratch/sqlite.yaml" >/dev/null 2>"$err"
status=$?
[ "$status" -eq 2 ] && grep -q "$scratch/s.sqlite" "$err" && [ ! -e "$scratch/s.sqlite" ]
check "sessions list with a missing database exits 2 and creates nothing (got $status)" $?

# `scim token` prints a fresh token, its SHA-256 and the entry to paste; nothing else is written.
"$gatehouse" scim token --label okta >"$out" 2>"$err"
check "scim token exits 0" $?
token=$(sed -n 's/^token: //p' "$out") hash=$(sed -n 's/^sha256: //p' "$out")
[ ${#token} -eq 43 ] && [ "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" = "$hash" ]
check "scim token prints a 43-character token and its SHA-256" $?
grep -qF -- "- { sha256: $hash, label: \"okta\" }" "$out"; check "scim token prints the labelled config entry" $?
[ "$("$gatehouse" scim token | sed -n 's/^token: //p')" != "$token" ]; check "scim token is new each time" $?
"$gatehouse" scim token --label "" >/dev/null 2>&1
[ $? -eq 2 ]; check "scim token with an empty label exits 2" $?

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
