#!/usr/bin/env bash
# Rebuilds every file under Fixtures/saml/ (SAML-level fixtures for Tests/SAMLTests) with the
# xmlsec1 CLI, from the committed test keys in Fixtures/keys/ (generate.sh makes them).
#
#   Fixtures/generate-saml.sh
#
# Needs Debian's xmlsec1 1.2.37 (OpenSSL back end) and python3. Python writes each unsigned
# template with its one flaw already in it, then xmlsec1 signs it exactly as generate.sh does
# (`xmlsec1 --sign --id-attr:ID …:Assertion --privkey-pem key,crt`); only flaws that are about
# the signature itself are applied after signing. Safe to run again: every RSA-signed output is
# byte-identical; the two encrypted files change (session keys and OAEP padding are random).
# See Fixtures/saml/README.md for what each file tests.
set -euo pipefail

FIXTURES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v xmlsec1 >/dev/null || { echo "xmlsec1 is required (apt-get install xmlsec1)" >&2; exit 1; }
for key in idp-rsa idp-rsa2 attacker sp sp2; do
    [[ -f $FIXTURES/keys/$key.key ]] || { echo "missing keys/$key.key: run Fixtures/generate.sh first" >&2; exit 1; }
done
exec python3 - "$FIXTURES" <<'PY'
import os, re, subprocess, sys, tempfile

FIXTURES = sys.argv[1]
KEYS = os.path.join(FIXTURES, "keys")
OUT = os.path.join(FIXTURES, "saml")
WORK = tempfile.mkdtemp()

# One fixed instant, as in generate.sh.
INSTANT = "2026-06-01T12:00:00Z"
NOT_BEFORE = "2026-06-01T11:59:00Z"
NOT_ON_OR_AFTER = "2026-06-01T12:05:00Z"

NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_XENC = "http://www.w3.org/2001/04/xmlenc#"
NS_XENC11 = "http://www.w3.org/2009/xmlenc11#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
ID_ATTRS = ["--id-attr:ID", NS_SAML + ":Assertion", "--id-attr:ID", NS_SAMLP + ":Response",
            "--id-attr:ID", NS_MD + ":EntitiesDescriptor", "--id-attr:ID", NS_MD + ":EntityDescriptor"]

SP_ENTITY = "https://sp.example.com/saml/metadata"
ACS = "https://sp.example.com/saml/acs"
IDP = "https://idp.example.com/metadata"
RESP_ID = "_resp-0b4e6c1d"
ASSERT_ID = "_assert-5f2a9e70"
REQ_ID = "_req-3c8d41a2"
BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
UNSPEC = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"
EMAIL_FMT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
PPT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"

# The realistic attribute set of the main fixture: (Name, NameFormat, FriendlyName, values).
ATTRIBUTES = [
    ("email", BASIC, None, ["ada@example.com"]),
    ("givenName", BASIC, None, ["Ada"]),
    ("sn", BASIC, "surname", ["Lovelace"]),
    ("displayName", BASIC, None, ["Ada Lovelace"]),
    ("uid", BASIC, None, ["ada"]),
    ("groups", BASIC, None, ["engineering", "staff"]),
    ("department", BASIC, None, ["Research &amp; Development"]),
    ("title", BASIC, None, ["Principal Engineer"]),
    ("employeeNumber", BASIC, None, ["1815"]),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", URI, "eduPersonPrincipalName", ["ada@example.com"]),
]


def ind(text, n):
    pad = " " * n
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def sig_tpl(uri, ds="ds", method="rsa-sha256", digest="sha256"):
    methods = {"rsa-sha256": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
               "rsa-sha1": "http://www.w3.org/2000/09/xmldsig#rsa-sha1"}
    digests = {"sha256": "http://www.w3.org/2001/04/xmlenc#sha256", "sha1": "http://www.w3.org/2000/09/xmldsig#sha1"}
    return f"""<{ds}:Signature xmlns:{ds}="{NS_DS}">
  <{ds}:SignedInfo>
    <{ds}:CanonicalizationMethod Algorithm="{EXC_C14N}"/>
    <{ds}:SignatureMethod Algorithm="{methods[method]}"/>
    <{ds}:Reference URI="#{uri}">
      <{ds}:Transforms>
        <{ds}:Transform Algorithm="{NS_DS}enveloped-signature"/>
        <{ds}:Transform Algorithm="{EXC_C14N}"/>
      </{ds}:Transforms>
      <{ds}:DigestMethod Algorithm="{digests[digest]}"/>
      <{ds}:DigestValue></{ds}:DigestValue>
    </{ds}:Reference>
  </{ds}:SignedInfo>
  <{ds}:SignatureValue></{ds}:SignatureValue>
  <{ds}:KeyInfo>
    <{ds}:X509Data>
      <{ds}:X509Certificate></{ds}:X509Certificate>
    </{ds}:X509Data>
  </{ds}:KeyInfo>
</{ds}:Signature>"""


DEFAULTS = dict(
    p="samlp", a="saml", ds="ds", resp_id=RESP_ID, assert_id=ASSERT_ID, issuer=IDP, assertion_issuer=None,
    issuer_format=None, destination=ACS, in_response_to=REQ_ID, scd_in_response_to=REQ_ID,
    status="urn:oasis:names:tc:SAML:2.0:status:Success", status_sub=None, status_message=None,
    nameid="ada@example.com", nameid_format=EMAIL_FMT, nameid_extra="", include_nameid=True,
    method="urn:oasis:names:tc:SAML:2.0:cm:bearer", recipient=ACS, scd_not_on_or_after=NOT_ON_OR_AFTER,
    not_before=NOT_BEFORE, not_on_or_after=NOT_ON_OR_AFTER, audience=SP_ENTITY, instant=INSTANT,
    authn_instant=INSTANT, session_index="_session-91e2", session_not_on_or_after="2026-06-01T20:00:00Z",
    authn_class=PPT, attributes=ATTRIBUTES, typed_values=False, sign_response=False, sign_assertion=True,
    sig_method="rsa-sha256", sig_digest="sha256", response_attrs="", assertion_ns_extra="",
    one_time_use=False)


def attribute_xml(o):
    a = o["a"] + ":" if o["a"] else ""
    lines = []
    for name, fmt, friendly, values in o["attributes"]:
        f = f' NameFormat="{fmt}"' if fmt else ""
        f += f' FriendlyName="{friendly}"' if friendly else ""
        lines.append(f'<{a}Attribute Name="{name}"{f}>')
        for v in values:
            t = ' xsi:type="xs:string"' if o["typed_values"] else ""
            lines.append(f"  <{a}AttributeValue{t}>{v}</{a}AttributeValue>")
        lines.append(f"</{a}Attribute>")
    return "\n".join(lines)


def assertion_xml(o, signature=True, assert_id=None, nameid=None):
    a = o["a"] + ":" if o["a"] else ""
    nsdecl = f'xmlns:{o["a"]}="{NS_SAML}"' if o["a"] else f'xmlns="{NS_SAML}"'
    extra = " " + o["assertion_ns_extra"] if o["assertion_ns_extra"] else ""
    aid = assert_id or o["assert_id"]
    issuer = o["assertion_issuer"] or o["issuer"]
    fmt = f' Format="{o["issuer_format"]}"' if o["issuer_format"] else ""
    parts = [f'<{a}Assertion {nsdecl}{extra} ID="{aid}" Version="2.0" IssueInstant="{o["instant"]}">',
             f"  <{a}Issuer{fmt}>{issuer}</{a}Issuer>"]
    if signature and o["sign_assertion"]:
        parts.append(ind(sig_tpl(aid, o["ds"], o["sig_method"], o["sig_digest"]), 2))
    parts.append(f"  <{a}Subject>")
    if o["include_nameid"]:
        parts.append(f'    <{a}NameID Format="{o["nameid_format"]}"{o["nameid_extra"]}>{nameid or o["nameid"]}</{a}NameID>')
    irt = f' InResponseTo="{o["scd_in_response_to"]}"' if o["scd_in_response_to"] else ""
    parts += [f'    <{a}SubjectConfirmation Method="{o["method"]}">',
              f'      <{a}SubjectConfirmationData{irt} NotOnOrAfter="{o["scd_not_on_or_after"]}" Recipient="{o["recipient"]}"/>',
              f"    </{a}SubjectConfirmation>", f"  </{a}Subject>",
              f'  <{a}Conditions NotBefore="{o["not_before"]}" NotOnOrAfter="{o["not_on_or_after"]}">',
              f"    <{a}AudienceRestriction>", f"      <{a}Audience>{o['audience']}</{a}Audience>",
              f"    </{a}AudienceRestriction>"]
    if o["one_time_use"]:
        parts.append(f"    <{a}OneTimeUse/>")
    sno = f' SessionNotOnOrAfter="{o["session_not_on_or_after"]}"' if o["session_not_on_or_after"] else ""
    parts += [f"  </{a}Conditions>",
              f'  <{a}AuthnStatement AuthnInstant="{o["authn_instant"]}" SessionIndex="{o["session_index"]}"{sno}>',
              f"    <{a}AuthnContext>", f"      <{a}AuthnContextClassRef>{o['authn_class']}</{a}AuthnContextClassRef>",
              f"    </{a}AuthnContext>", f"  </{a}AuthnStatement>", f"  <{a}AttributeStatement>",
              ind(attribute_xml(o), 4), f"  </{a}AttributeStatement>", f"</{a}Assertion>"]
    return "\n".join(parts)


def response_xml(o, assertion=None):
    p = o["p"]
    a = o["a"] + ":" if o["a"] else ""
    sdecl = f' xmlns:{o["a"]}="{NS_SAML}"' if o["a"] else ""
    attrs = f' ID="{o["resp_id"]}" Version="2.0" IssueInstant="{o["instant"]}"'
    if o["destination"]:
        attrs += f' Destination="{o["destination"]}"'
    if o["in_response_to"]:
        attrs += f' InResponseTo="{o["in_response_to"]}"'
    attrs += o["response_attrs"]
    issuer_ns = "" if o["a"] else f' xmlns="{NS_SAML}"'
    fmt = f' Format="{o["issuer_format"]}"' if o["issuer_format"] else ""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<{p}:Response xmlns:{p}="{NS_SAMLP}"{sdecl}{attrs}>',
             f"  <{a}Issuer{issuer_ns}{fmt}>{o['issuer']}</{a}Issuer>"]
    if o["sign_response"]:
        parts.append(ind(sig_tpl(o["resp_id"], o["ds"], o["sig_method"], o["sig_digest"]), 2))
    parts.append(f"  <{p}:Status>")
    if o["status_sub"]:
        parts += [f'    <{p}:StatusCode Value="{o["status"]}">', f'      <{p}:StatusCode Value="{o["status_sub"]}"/>',
                  f"    </{p}:StatusCode>"]
    else:
        parts.append(f'    <{p}:StatusCode Value="{o["status"]}"/>')
    if o["status_message"]:
        parts.append(f"    <{p}:StatusMessage>{o['status_message']}</{p}:StatusMessage>")
    parts.append(f"  </{p}:Status>")
    parts.append(ind(assertion if assertion is not None else assertion_xml(o), 2))
    parts.append(f"</{p}:Response>")
    return "\n".join(parts) + "\n"


def run(args, what):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAIL: {what}: {result.stderr.strip()}")
    return result


def sign_text(text, key="idp-rsa", xpath=None):
    src = os.path.join(WORK, "in.xml")
    dst = os.path.join(WORK, "out.xml")
    open(src, "w", encoding="utf-8").write(text)
    args = ["xmlsec1", "--sign", *ID_ATTRS, "--privkey-pem", f"{KEYS}/{key}.key,{KEYS}/{key}.crt"]
    if xpath:
        args += ["--node-xpath", xpath]
    run(args + ["--output", dst, src], f"signing with {key}")
    return open(dst, encoding="utf-8").read()


def sign_document(o, key="idp-rsa", text=None):
    """Signs the assertion (if templated), then the Response (if templated)."""
    text = text or response_xml(o)
    if o["sign_assertion"]:
        text = sign_text(text, key, "//*[local-name()='Assertion']")
    if o["sign_response"]:
        text = sign_text(text, key)
    return text


def verify_text(text, key, xpath=None):
    src = os.path.join(WORK, "verify.xml")
    open(src, "w", encoding="utf-8").write(text)
    args = ["xmlsec1", "--verify", *ID_ATTRS, "--enabled-key-data", "key-name", "--pubkey-cert-pem", f"{KEYS}/{key}.crt"]
    if xpath:
        args += ["--node-xpath", xpath]
    return subprocess.run(args + [src], capture_output=True).returncode == 0


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w", encoding="utf-8").write(text)


def opts(**changes):
    o = dict(DEFAULTS)
    for k, v in changes.items():
        assert k in o, k
        o[k] = v
    return o


def one(pattern, s):
    found = list(re.finditer(pattern, s, re.S))
    if len(found) != 1:
        sys.exit(f"expected one match for {pattern!r}, found {len(found)}")
    return found[0]


def sub1(pattern, replacement, s):
    m = one(pattern, s)
    return s[:m.start()] + replacement + s[m.end():]


def block(pattern, s):
    return one(pattern, s).group(0)


# ---------------------------------------------------------------------------------------------
# Valid responses
# ---------------------------------------------------------------------------------------------

VALID = sign_document(opts())
write("valid.xml", VALID)
RESPONSE_SIGNED = sign_document(opts(sign_assertion=False, sign_response=True))
write("valid-response-signed.xml", RESPONSE_SIGNED)
BOTH_SIGNED = sign_document(opts(sign_response=True))
write("valid-both-signed.xml", BOTH_SIGNED)
for name, text in [("valid", VALID), ("valid-response-signed", RESPONSE_SIGNED), ("valid-both-signed", BOTH_SIGNED)]:
    if not verify_text(text, "idp-rsa"):
        sys.exit(f"FAIL: {name} does not verify")

# An assertion an attacker wrote: same shape, another ID and subject, no signature.
EVIL = assertion_xml(opts(), signature=False, assert_id="_evil", nameid="admin@evil.example")
SIGNED_ASSERTION = block(r"  <saml:Assertion .*?</saml:Assertion>\n", VALID)


# ---------------------------------------------------------------------------------------------
# invalid/<code>.xml: one flaw each, compared with valid.xml (or valid-response-signed.xml
# for destinationMissing, whose check only exists for signed Responses)
# ---------------------------------------------------------------------------------------------

def invalid(code, text):
    write(f"invalid/{code}.xml", text)

# Outside the root element, so no signature covers it; 1.1 MB is over the 1 MiB limit.
invalid("tooLarge", sub1(r"(?<=\?>\n)", "<!--" + "x" * 1_100_000 + "-->\n", VALID))
invalid("doctypeForbidden", sub1(r"(?<=\?>\n)", "<!DOCTYPE samlp:Response>\n", VALID))
invalid("malformed", VALID.replace("<samlp:Response ", "<samlp:ArtifactResponse ").replace("</samlp:Response>", "</samlp:ArtifactResponse>"))
invalid("multipleAssertions", sub1(r"(?<=</saml:Assertion>\n)", ind(EVIL, 2) + "\n", VALID))
invalid("assertionMissing", VALID.replace(SIGNED_ASSERTION, ""))
# decryptionFailed is written with the encrypted fixtures below.
invalid("unknownIssuer", sign_document(opts(issuer="https://unknown-idp.example.org/metadata")))
invalid("signatureMissing", sub1(r"\n *<ds:Signature .*?</ds:Signature>", "", VALID))
invalid("signatureInvalid", sub1(r"(?<=emailAddress\">)ada@example.com(?=</saml:NameID>)", "admin@example.com", VALID))
invalid("untrustedKey", sign_document(opts(), key="attacker"))
invalid("weakAlgorithm", sign_document(opts(sig_method="rsa-sha1", sig_digest="sha1")))
invalid("issuerMismatch", sign_document(opts(assertion_issuer="https://other-idp.example.org/metadata")))
invalid("statusNotSuccess", sign_document(opts(
    status="urn:oasis:names:tc:SAML:2.0:status:Responder", status_sub="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
    status_message="The user is not assigned to this application.")))
invalid("destinationMismatch", sign_document(opts(destination="https://other-sp.example.com/saml/acs")))
invalid("destinationMissing", sign_document(opts(sign_assertion=False, sign_response=True, destination=None)))
invalid("inResponseToMismatch", sign_document(opts(in_response_to="_req-other")))
# Unsolicited: the response answers no request (neither Response nor SubjectConfirmationData
# carries InResponseTo) while one is pending.
invalid("unsolicitedNotAllowed", sign_document(opts(in_response_to=None, scd_in_response_to=None)))
invalid("notYetValid", sign_document(opts(not_before="2026-06-01T12:10:00Z")))
invalid("expired", sign_document(opts(not_on_or_after="2026-06-01T11:58:00Z")))
invalid("audienceMismatch", sign_document(opts(audience="https://other-sp.example.com/saml/metadata")))
invalid("bearerConfirmationMissing", sign_document(opts(method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")))
invalid("recipientMismatch", sign_document(opts(recipient="https://other-sp.example.com/saml/acs")))
invalid("confirmationExpired", sign_document(opts(scd_not_on_or_after="2026-06-01T11:58:00Z")))
invalid("confirmationInResponseToMismatch", sign_document(opts(scd_in_response_to="_req-other")))
# Byte-identical to valid.xml: the flaw is that it arrives a second time.
invalid("replayed", VALID)
invalid("nameIDMissing", sign_document(opts(include_nameid=False)))


# ---------------------------------------------------------------------------------------------
# Signature wrapping (XSW1-8, after Somorovsky et al., "On Breaking SAML", 2012)
# ---------------------------------------------------------------------------------------------

def strip_signature(text):
    # Only the element: the whitespace around it stays, so the digest of what is left is the
    # digest the signature covers (the enveloped transform removes just the element).
    return sub1(r"<ds:Signature .*?</ds:Signature>", "", text)


# Signed content is moved byte for byte and never re-indented: whitespace inside a signed
# element is signed, and the point is that the moved signature still verifies.
A = SIGNED_ASSERTION                                 # the signed assertion, with its newline
A_SIG = block(r"<ds:Signature .*?</ds:Signature>", SIGNED_ASSERTION)
E = ind(EVIL, 2) + "\n"                              # the evil assertion, indented 2


def evil_with(inner, advice=False):
    """The evil assertion (indented 2) with raw `inner` after its Issuer or in an Advice."""
    lines = ind(EVIL, 2).split("\n")
    if advice:
        at = next(i for i, l in enumerate(lines) if "<saml:AuthnStatement" in l)
        lines[at:at] = ["    <saml:Advice>", "@@INNER@@", "    </saml:Advice>"]
    else:
        lines[2:2] = ["@@INNER@@"]
    return "\n".join(lines).replace("@@INNER@@\n", inner) + "\n"


sig_with_object = A_SIG.replace("</ds:Signature>", "<ds:Object>\n" + strip_signature(A) + "</ds:Object>\n</ds:Signature>")
xsw_assertion = {
    1: VALID.replace(A, E + A),                               # XSW3: evil before the signed one
    2: VALID.replace(A, A + E),                               # evil after the signed one
    3: VALID.replace(A, evil_with(A)),                        # XSW4: the signed one inside the evil one
    4: VALID.replace(A, A.replace("<saml:Subject>", EVIL + "\n    <saml:Subject>", 1)),  # evil inside the signed one
    5: sub1(r"(?<=</saml:Issuer>\n)(?=  <samlp:Status>)",    # XSW7: signed one in Extensions
            "  <samlp:Extensions>\n" + A + "  </samlp:Extensions>\n", VALID.replace(A, E)),
    6: VALID.replace(A, evil_with("    " + sig_with_object + "\n")),   # XSW8: original in ds:Object of a copied signature
    7: VALID.replace(A, evil_with(A, advice=True)),           # signed one in the evil one's Advice
    8: VALID.replace(A, evil_with("    " + A_SIG + "\n")).replace("</samlp:Response>", A + "</samlp:Response>"),  # XSW5/6: signature copied, signed one moved to the end
}
for n, text in xsw_assertion.items():
    assert text != VALID
    write(f"xsw/assertion-xsw{n}.xml", text)

R = RESPONSE_SIGNED
R_SIG = block(r"<ds:Signature .*?</ds:Signature>", R)
R_ASSERTION = block(r"  <saml:Assertion .*?</saml:Assertion>\n", R)
R_BODY = block(r"<samlp:Response .*?</samlp:Response>", R)
R_UNSIGNED_BODY = strip_signature(R_BODY)
EVIL_R = strip_signature(R).replace(f'ID="{RESP_ID}"', 'ID="_evil-resp"').replace(R_ASSERTION, E)
EVIL_R = re.sub(r"\n  \n", "\n", EVIL_R, count=1)


def in_evil_response(after_issuer="", at_end=""):
    text = sub1(r"(?<=</saml:Issuer>\n)(?=  <samlp:Status>)", after_issuer, EVIL_R)
    return text.replace("</samlp:Response>", at_end + "</samlp:Response>")


xsw_response = {
    # XSW1: the evil Response carries the original signature, which now holds the original.
    1: in_evil_response("  " + R_SIG.replace("</ds:Signature>", R_UNSIGNED_BODY + "\n</ds:Signature>") + "\n"),
    # XSW2: as XSW1, with the original placed before the signature (detached).
    2: in_evil_response("  " + R_UNSIGNED_BODY + "\n  " + R_SIG + "\n"),
    # 3, 4: an evil assertion inside the signed Response, before or after the original.
    3: R.replace(R_ASSERTION, E + R_ASSERTION),
    4: R.replace(R_ASSERTION, R_ASSERTION + E),
    # 5: the signed Response, whole, inside the evil one's Extensions.
    5: in_evil_response("  <samlp:Extensions>\n" + R_BODY + "\n  </samlp:Extensions>\n"),
    # 6: the original signature copied, with a ds:Object holding the original Response.
    6: in_evil_response("  " + R_SIG.replace("</ds:Signature>", "<ds:Object>\n" + R_UNSIGNED_BODY + "\n</ds:Object>\n</ds:Signature>") + "\n"),
    # 7: an evil assertion in the Advice of the original assertion.
    7: R.replace(R_ASSERTION, R_ASSERTION.replace("    <saml:AuthnStatement", "    <saml:Advice>\n" + ind(EVIL, 6) + "\n    </saml:Advice>\n    <saml:AuthnStatement", 1)),
    # 8: the signed Response as the last child of the evil one (a sibling of the evil assertion).
    8: in_evil_response(at_end="  " + R_BODY + "\n"),
}
for n, text in xsw_response.items():
    assert text != R
    write(f"xsw/response-xsw{n}.xml", text)


# ---------------------------------------------------------------------------------------------
# Comment injection: signed as is (exc-c14n without comments drops the comment from the digest)
# ---------------------------------------------------------------------------------------------

write("comment-in-nameid.xml", sign_document(opts(nameid="ada@example.com<!---->.evil.example")))
attrs = [(n, f, fr, ["staff<!-- -->-admins"] if n == "groups" else v) for n, f, fr, v in ATTRIBUTES]
write("comment-in-attribute.xml", sign_document(opts(attributes=attrs)))
# ---------------------------------------------------------------------------------------------
# Encrypted assertions: the signed assertion of valid.xml, aes256-gcm + rsa-oaep-mgf1p
# ---------------------------------------------------------------------------------------------

def encrypt(cert):
    plaintext = os.path.join(WORK, "plaintext.xml")
    open(plaintext, "w", encoding="utf-8").write(
        VALID.replace(A, "  <saml:EncryptedAssertion>\n" + A + "  </saml:EncryptedAssertion>\n"))
    tpl = os.path.join(WORK, "enc-tpl.xml")
    open(tpl, "w", encoding="utf-8").write(f"""<xenc:EncryptedData xmlns:xenc="{NS_XENC}" xmlns:ds="{NS_DS}" Id="_enc1" Type="{NS_XENC}Element">
  <xenc:EncryptionMethod Algorithm="{NS_XENC11}aes256-gcm"/>
  <ds:KeyInfo>
    <xenc:EncryptedKey Id="_ek1">
      <xenc:EncryptionMethod Algorithm="{NS_XENC}rsa-oaep-mgf1p">
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
""")
    out = os.path.join(WORK, "enc-out.xml")
    run(["xmlsec1", "--encrypt", "--pubkey-cert-pem", f"{KEYS}/{cert}.crt", "--session-key", "aes-256",
         "--xml-data", plaintext, "--node-xpath", "//*[local-name()='Assertion']", "--output", out, tpl], "encrypting")
    text = open(out, encoding="utf-8").read()
    if "<saml:Assertion" in text:
        sys.exit("FAIL: the assertion is still in clear text")
    return text

write("encrypted.xml", encrypt("sp"))
invalid("decryptionFailed", encrypt("sp2"))


# ---------------------------------------------------------------------------------------------
# Interop: responses shaped like real IdPs (namespace prefixes, ID styles, attribute naming,
# which element is signed), all signed with our test keys, all for the same person
# ---------------------------------------------------------------------------------------------

CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
GROUPS = ["engineering", "staff"]
INTEROP = {
    "okta": ("idp-rsa", opts(
        p="saml2p", a="saml2", resp_id="id41057285913748281902145633", assert_id="id41057285914123701285667029",
        issuer="http://www.okta.com/exk1fcia6d6EMsf331d8", issuer_format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity",
        sign_response=True, typed_values=True, assertion_ns_extra=XS, session_index=REQ_ID, session_not_on_or_after=None,
        attributes=[("email", UNSPEC, None, ["ada@example.com"]), ("firstName", UNSPEC, None, ["Ada"]),
                    ("lastName", UNSPEC, None, ["Lovelace"]), ("groups", UNSPEC, None, GROUPS)])),
    "entra-id": ("idp-rsa", opts(
        a="", resp_id="_a8c1e2f4-1b2c-4d3e-9f00-112233445566", assert_id="_0c7d5e3a-9b1f-4a2e-8d6c-5f4e3d2c1b00",
        issuer="https://sts.windows.net/8f3b2c1a-4d5e-4f60-9a7b-0c1d2e3f4a5b/", instant="2026-06-01T12:00:00.123Z",
        not_before="2026-06-01T11:55:00.123Z", not_on_or_after="2026-06-01T13:00:00.123Z",
        scd_not_on_or_after="2026-06-01T12:05:00.123Z", authn_instant="2026-06-01T11:59:58.000Z",
        session_index="_0c7d5e3a-9b1f-4a2e-8d6c-5f4e3d2c1b00", session_not_on_or_after=None,
        authn_class="urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
        attributes=[("http://schemas.microsoft.com/identity/claims/tenantid", None, None, ["8f3b2c1a-4d5e-4f60-9a7b-0c1d2e3f4a5b"]),
                    ("http://schemas.microsoft.com/identity/claims/objectidentifier", None, None, ["3e1f0c2d-7a6b-4c5d-8e9f-a0b1c2d3e4f5"]),
                    ("http://schemas.microsoft.com/identity/claims/displayname", None, None, ["Ada Lovelace"]),
                    ("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", None, None, GROUPS),
                    ("http://schemas.microsoft.com/identity/claims/identityprovider", None, None, ["https://sts.windows.net/8f3b2c1a-4d5e-4f60-9a7b-0c1d2e3f4a5b/"]),
                    ("http://schemas.microsoft.com/claims/authnmethodsreferences", None, None, ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"]),
                    (CLAIMS + "givenname", None, None, ["Ada"]), (CLAIMS + "surname", None, None, ["Lovelace"]),
                    (CLAIMS + "emailaddress", None, None, ["ada@example.com"]), (CLAIMS + "name", None, None, ["ada@example.com"])])),
    "adfs": ("idp-rsa2", opts(
        a="", resp_id="_6d1b8e2c-4f3a-4b7e-9c2d-1e0f3a4b5c6d", assert_id="_9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        issuer="http://adfs.example.com/adfs/services/trust", instant="2026-06-01T12:00:00.517Z",
        response_attrs=' Consent="urn:oasis:names:tc:SAML:2.0:consent:unspecified"',
        authn_instant="2026-06-01T11:59:59.802Z", session_index="_9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        session_not_on_or_after=None, one_time_use=False,
        authn_class="urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
        attributes=[(CLAIMS + "emailaddress", None, None, ["ada@example.com"]), (CLAIMS + "givenname", None, None, ["Ada"]),
                    (CLAIMS + "surname", None, None, ["Lovelace"]), (CLAIMS + "upn", None, None, ["ada@corp.example.com"]),
                    ("http://schemas.xmlsoap.org/claims/Group", None, None, GROUPS)])),
    "google-workspace": ("idp-rsa", opts(
        p="saml2p", a="saml2", resp_id="_c0f4e5a1b2d3c4e5f6a7b8c9d0e1f2a3", assert_id="_d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6",
        issuer="https://accounts.google.com/o/saml2?idpid=C01abcde2", sign_assertion=False, sign_response=True,
        session_index="_d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6", session_not_on_or_after=None,
        authn_class="urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
        attributes=[("email", None, None, ["ada@example.com"]), ("first_name", None, None, ["Ada"]),
                    ("last_name", None, None, ["Lovelace"]), ("groups", None, None, GROUPS)])),
    "keycloak": ("idp-rsa", opts(
        ds="dsig", resp_id="ID_0f6c3c7e-8a1b-4c2d-9e3f-4a5b6c7d8e9f", assert_id="ID_1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        issuer="https://keycloak.example.com/realms/acme", sign_response=True, typed_values=True, assertion_ns_extra=XS,
        session_index="6f3c2a1b-0d9e-4f8a-b7c6-d5e4f3a2b1c0::8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b",
        session_not_on_or_after="2026-06-01T22:00:00Z", authn_class="urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
        attributes=[("urn:oid:1.2.840.113549.1.9.1", URI, "email", ["ada@example.com"]),
                    ("urn:oid:2.5.4.42", URI, "givenName", ["Ada"]), ("urn:oid:2.5.4.4", URI, "surname", ["Lovelace"]),
                    ("groups", BASIC, None, GROUPS), ("Role", BASIC, None, ["default-roles-acme", "offline_access"])])),
    "simplesamlphp": ("idp-rsa2", opts(
        resp_id="_8e8dc5f69a98cc4c1ff3427e5ce34606fd672f91e6", assert_id="_d71a3a8e9fcc45c9e9d248ef7049393fc8f04e5f75",
        issuer="https://simplesaml.example.com/saml2/idp/metadata.php", typed_values=True, assertion_ns_extra=XS,
        session_index="_be9967abd904ddcae3c0eb4189adbe3f71e327cf93", session_not_on_or_after="2026-06-01T20:00:00Z",
        attributes=[("urn:oid:0.9.2342.19200300.100.1.3", URI, "mail", ["ada@example.com"]),
                    ("urn:oid:2.5.4.42", URI, "givenName", ["Ada"]), ("urn:oid:2.5.4.4", URI, "sn", ["Lovelace"]),
                    ("urn:oid:1.3.6.1.4.1.5923.1.5.1.1", URI, "isMemberOf", GROUPS),
                    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", URI, "eduPersonPrincipalName", ["ada@example.com"])])),
}
for name, (key, o) in INTEROP.items():
    text = sign_document(o, key=key)
    xpath = "//*[local-name()='Assertion']" if o["sign_assertion"] else None
    if not verify_text(text, key, xpath):
        sys.exit(f"FAIL: interop/{name} does not verify")
    write(f"interop/{name}.xml", text)


# ---------------------------------------------------------------------------------------------
# IdP metadata: one file per IdP, an aggregate with a nested EntitiesDescriptor, and the same
# aggregate signed by the "federation operator" (idp-rsa2)
# ---------------------------------------------------------------------------------------------

def cert_b64(key):
    lines = open(f"{KEYS}/{key}.crt").read().strip().split("\n")
    return "\n".join(lines[1:-1])


def key_descriptor(key, use):
    u = f' use="{use}"' if use else ""
    return f"""<md:KeyDescriptor{u}>
  <ds:KeyInfo xmlns:ds="{NS_DS}">
    <ds:X509Data>
      <ds:X509Certificate>{cert_b64(key)}</ds:X509Certificate>
    </ds:X509Data>
  </ds:KeyInfo>
</md:KeyDescriptor>"""


REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"


def entity(entity_id, keys, sso, slo=(), formats=(EMAIL_FMT,), want_signed=None, extra_attrs="", decl=True):
    ns = f' xmlns:md="{NS_MD}"' if decl else ""
    want = f' WantAuthnRequestsSigned="{want_signed}"' if want_signed is not None else ""
    lines = [f'<md:EntityDescriptor{ns} entityID="{entity_id}"{extra_attrs}>',
             f'  <md:IDPSSODescriptor{want} protocolSupportEnumeration="{NS_SAMLP}">']
    lines += [ind(key_descriptor(k, u), 4) for k, u in keys]
    lines += [f'    <md:SingleLogoutService Binding="{b}" Location="{l}"/>' for b, l in slo]
    lines += [f"    <md:NameIDFormat>{f}</md:NameIDFormat>" for f in formats]
    lines += [f'    <md:SingleSignOnService Binding="{b}" Location="{l}"/>' for b, l in sso]
    lines += ["  </md:IDPSSODescriptor>", "</md:EntityDescriptor>"]
    return "\n".join(lines)


ENTITIES = {
    "idp": entity(IDP, [("idp-rsa", "signing"), ("idp-rsa2", None), ("sp", "encryption")],
                  [(REDIRECT, "https://idp.example.com/sso/redirect"), (POST, "https://idp.example.com/sso/post")],
                  [(REDIRECT, "https://idp.example.com/slo/redirect"), (POST, "https://idp.example.com/slo/post")],
                  (EMAIL_FMT, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"), "true",
                  ' validUntil="2036-07-01T00:00:00Z" cacheDuration="PT6H"'),
    "okta": entity("http://www.okta.com/exk1fcia6d6EMsf331d8", [("idp-rsa", "signing")],
                   [(POST, "https://acme.okta.com/app/acme_gatehouse_1/exk1fcia6d6EMsf331d8/sso/saml"),
                    (REDIRECT, "https://acme.okta.com/app/acme_gatehouse_1/exk1fcia6d6EMsf331d8/sso/saml")],
                   formats=("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified", EMAIL_FMT), want_signed="false"),
    "entra-id": entity("https://sts.windows.net/8f3b2c1a-4d5e-4f60-9a7b-0c1d2e3f4a5b/", [("idp-rsa", "signing")],
                       [(REDIRECT, "https://login.microsoftonline.com/8f3b2c1a-4d5e-4f60-9a7b-0c1d2e3f4a5b/saml2"),
                        (POST, "https://login.microsoftonline.com/8f3b2c1a-4d5e-4f60-9a7b-0c1d2e3f4a5b/saml2")],
                       [(REDIRECT, "https://login.microsoftonline.com/8f3b2c1a-4d5e-4f60-9a7b-0c1d2e3f4a5b/saml2")],
                       extra_attrs=' ID="_5d8e7f6a-0b1c-4d2e-9f3a-4b5c6d7e8f90"'),
    "adfs": entity("http://adfs.example.com/adfs/services/trust", [("idp-rsa2", "signing"), ("sp2", "encryption")],
                   [(REDIRECT, "https://adfs.example.com/adfs/ls/"), (POST, "https://adfs.example.com/adfs/ls/")],
                   [(REDIRECT, "https://adfs.example.com/adfs/ls/"), (POST, "https://adfs.example.com/adfs/ls/")],
                   (EMAIL_FMT, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
                    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")),
    "google-workspace": entity("https://accounts.google.com/o/saml2?idpid=C01abcde2", [("idp-rsa", None)],
                               [(REDIRECT, "https://accounts.google.com/o/saml2/idp?idpid=C01abcde2"),
                                (POST, "https://accounts.google.com/o/saml2/idp?idpid=C01abcde2")], want_signed="false"),
    "keycloak": entity("https://keycloak.example.com/realms/acme", [("idp-rsa", "signing")],
                       [(POST, "https://keycloak.example.com/realms/acme/protocol/saml"),
                        (REDIRECT, "https://keycloak.example.com/realms/acme/protocol/saml")],
                       [(POST, "https://keycloak.example.com/realms/acme/protocol/saml"),
                        (REDIRECT, "https://keycloak.example.com/realms/acme/protocol/saml")],
                       (EMAIL_FMT, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
                        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
                        "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"), "false"),
    "simplesamlphp": entity("https://simplesaml.example.com/saml2/idp/metadata.php", [("idp-rsa2", None)],
                            [(REDIRECT, "https://simplesaml.example.com/saml2/idp/SSOService.php")],
                            [(REDIRECT, "https://simplesaml.example.com/saml2/idp/SingleLogoutService.php")],
                            ("urn:oasis:names:tc:SAML:2.0:nameid-format:transient", EMAIL_FMT)),
}
for name, xml in ENTITIES.items():
    write(f"metadata/{name}.xml", '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n")

SP_ENTITY_XML = f"""<md:EntityDescriptor entityID="https://wiki.example.com/shibboleth">
  <md:SPSSODescriptor protocolSupportEnumeration="{NS_SAMLP}">
    <md:AssertionConsumerService Binding="{POST}" Location="https://wiki.example.com/Shibboleth.sso/SAML2/POST" index="0"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>"""


def aggregate(signature):
    nested = "\n".join(ind(ENTITIES[n].replace(f' xmlns:md="{NS_MD}"', "", 1), 4)
                       for n in ["okta", "entra-id", "adfs", "google-workspace", "keycloak", "simplesamlphp"])
    sig = ind(sig_tpl("_fed-20260601"), 2) + "\n" if signature else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntitiesDescriptor xmlns:md="{NS_MD}" ID="_fed-20260601" Name="urn:example:federation" validUntil="2026-06-15T00:00:00Z" cacheDuration="PT12H">
{sig}{ind(ENTITIES["idp"].replace(f' xmlns:md="{NS_MD}"', "", 1), 2)}
  <md:EntitiesDescriptor Name="urn:example:federation:vendors" validUntil="2026-06-10T00:00:00Z">
{nested}
  </md:EntitiesDescriptor>
{ind(SP_ENTITY_XML, 2)}
</md:EntitiesDescriptor>
"""

write("metadata/aggregate.xml", aggregate(False))
signed = sign_text(aggregate(True), "idp-rsa2")
if not verify_text(signed, "idp-rsa2") or verify_text(signed, "idp-rsa"):
    sys.exit("FAIL: aggregate-signed verifies wrongly")
write("metadata/aggregate-signed.xml", signed)

subprocess.run(["rm", "-rf", WORK])
print("SAML fixtures written to", OUT)
PY
