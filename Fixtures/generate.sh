#!/usr/bin/env bash
# Rebuilds every file under Fixtures/ (keys only when missing) with the xmlsec1 CLI and openssl.
#
#   Fixtures/generate.sh
#
# Needs Debian's xmlsec1 1.2.37 (OpenSSL back end), openssl and python3 (for the small text
# edits that put a flaw into a document after signing). Safe to run again: keys are reused,
# RSA-signed outputs come out byte-identical, ECDSA and encrypted outputs change (both are
# randomized by design). See Fixtures/README.md for what each file tests.
set -euo pipefail

FIXTURES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KEYS="$FIXTURES/keys"
OUT="$FIXTURES/xmlsec"
TPL="$OUT/templates"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# One fixed instant for every timestamp, so signed bytes never depend on when this ran.
INSTANT="2026-06-01T12:00:00Z"
NOT_BEFORE="2026-06-01T11:59:00Z"
NOT_ON_OR_AFTER="2026-06-01T12:05:00Z"
# Test certificates cover the instant with a century to spare.
CERT_NOT_BEFORE="20000101000000Z"
CERT_NOT_AFTER="21000101000000Z"

NS_SAMLP="urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML="urn:oasis:names:tc:SAML:2.0:assertion"
NS_DS="http://www.w3.org/2000/09/xmldsig#"
NS_XENC="http://www.w3.org/2001/04/xmlenc#"
NS_XENC11="http://www.w3.org/2009/xmlenc11#"
EXC_C14N="http://www.w3.org/2001/10/xml-exc-c14n#"
INCL_C14N="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"

# SAML's ID attributes are not declared in any DTD we load, so tell xmlsec1 about them.
ID_ATTRS=(--id-attr:ID "$NS_SAML:Assertion" --id-attr:ID "$NS_SAMLP:Response")

# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------

# make_key <name> <rsa|P-256|P-384> <common name>
# Writes keys/<name>.key (PKCS#8 PEM) and keys/<name>.crt (self-signed, ~100 years) unless the
# key already exists: the keys are committed, and every signed fixture depends on them.
make_key() {
    local name=$1 kind=$2 cn=$3
    local key="$KEYS/$name.key" crt="$KEYS/$name.crt"
    if [[ -f $key && -f $crt ]]; then return; fi
    if [[ $kind == rsa ]]; then
        openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key"
    else
        openssl genpkey -quiet -algorithm EC -pkeyopt "ec_paramgen_curve:$kind" \
            -pkeyopt ec_param_enc:named_curve -out "$key"
    fi
    # openssl req -x509 (3.0) cannot backdate, and a notBefore of "today" would come after the
    # fixed instant, so `openssl ca -selfsign` sets the validity explicitly.
    local ca="$WORK/ca-$name"
    mkdir -p "$ca"
    : >"$ca/index.txt"
    cat >"$ca/ca.cnf" <<EOF
[ca]
default_ca = fixtures
[fixtures]
database = $ca/index.txt
new_certs_dir = $ca
rand_serial = yes
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[cert]
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = hash
EOF
    openssl req -new -key "$key" -subj "/CN=$cn" -out "$ca/req.csr"
    openssl ca -batch -selfsign -notext -config "$ca/ca.cnf" -extensions cert -keyfile "$key" \
        -startdate "$CERT_NOT_BEFORE" -enddate "$CERT_NOT_AFTER" -in "$ca/req.csr" -out "$crt" \
        2>"$ca/log" || { cat "$ca/log" >&2; rm -f "$key" "$crt"; return 1; }
    echo "created keys/$name.key"
}

make_keys() {
    mkdir -p "$KEYS"
    make_key idp-rsa    rsa   "Test IdP RSA"
    make_key idp-rsa2   rsa   "Test IdP RSA rollover"
    make_key idp-ec     P-256 "Test IdP EC"
    make_key idp-ec384  P-384 "Test IdP EC P-384"
    make_key attacker   rsa   "Attacker"
    make_key sp         rsa   "Test SP"
    make_key sp2        rsa   "Test SP other"
}

# ---------------------------------------------------------------------------------------------
# Templates: a SAML Response with an Assertion, and ds:Signature templates for xmlsec1 --sign
# ---------------------------------------------------------------------------------------------

algorithm_uri() {
    case $1 in
        rsa-md5)      echo "http://www.w3.org/2001/04/xmldsig-more#rsa-md5" ;;
        rsa-sha1)     echo "http://www.w3.org/2000/09/xmldsig#rsa-sha1" ;;
        rsa-sha256)   echo "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" ;;
        rsa-sha384)   echo "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" ;;
        rsa-sha512)   echo "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" ;;
        ecdsa-sha256) echo "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" ;;
        ecdsa-sha384) echo "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" ;;
        ecdsa-sha512) echo "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" ;;
        md5)          echo "http://www.w3.org/2001/04/xmldsig-more#md5" ;;
        sha1)         echo "http://www.w3.org/2000/09/xmldsig#sha1" ;;
        sha256)       echo "http://www.w3.org/2001/04/xmlenc#sha256" ;;
        sha384)       echo "http://www.w3.org/2001/04/xmldsig-more#sha384" ;;
        sha512)       echo "http://www.w3.org/2001/04/xmlenc#sha512" ;;
        *) echo "unknown algorithm $1" >&2; return 1 ;;
    esac
}

# transform_xml <enveloped|exc|exc-prefixes|c14n|xpath>
transform_xml() {
    case $1 in
        enveloped) echo "<ds:Transform Algorithm=\"${NS_DS}enveloped-signature\"/>" ;;
        exc) echo "<ds:Transform Algorithm=\"$EXC_C14N\"/>" ;;
        exc-prefixes)
            echo "<ds:Transform Algorithm=\"$EXC_C14N\">"
            echo "  <ec:InclusiveNamespaces xmlns:ec=\"$EXC_C14N\" PrefixList=\"xs xsi\"/>"
            echo "</ds:Transform>" ;;
        c14n) echo "<ds:Transform Algorithm=\"$INCL_C14N\"/>" ;;
        xpath)
            # Selects everything but the signature: harmless here, but an XPath transform
            # can hide arbitrary parts of the referenced element, so verifiers must refuse it.
            echo "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">"
            echo "  <ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath>"
            echo "</ds:Transform>" ;;
        *) echo "unknown transform $1" >&2; return 1 ;;
    esac
}

# reference_xml <uri> <digest> <transform>...
reference_xml() {
    local uri=$1 digest=$2; shift 2
    echo "<ds:Reference URI=\"$uri\">"
    echo "  <ds:Transforms>"
    local t
    for t in "$@"; do transform_xml "$t" | sed 's/^/    /'; done
    echo "  </ds:Transforms>"
    echo "  <ds:DigestMethod Algorithm=\"$(algorithm_uri "$digest")\"/>"
    echo "  <ds:DigestValue></ds:DigestValue>"
    echo "</ds:Reference>"
}

# signature_tpl [--uri U] [--method M] [--digest D] [--c14n URI] [--transforms "a b"]
#               [--second-uri U] [--no-keyinfo]
# Prints an unsigned ds:Signature. Defaults are the profile Gatehouse accepts: one Reference
# to #_assert1, enveloped-signature + exc-c14n, RSA-SHA256, SHA-256, X509Certificate KeyInfo.
signature_tpl() {
    local uri="#_assert1" method=rsa-sha256 digest=sha256 c14n=$EXC_C14N
    local transforms="enveloped exc" second_uri="" keyinfo=yes
    while (($#)); do
        case $1 in
            --uri) uri=$2; shift 2 ;;
            --method) method=$2; shift 2 ;;
            --digest) digest=$2; shift 2 ;;
            --c14n) c14n=$2; shift 2 ;;
            --transforms) transforms=$2; shift 2 ;;
            --second-uri) second_uri=$2; shift 2 ;;
            --no-keyinfo) keyinfo=no; shift ;;
            *) echo "signature_tpl: unknown option $1" >&2; return 1 ;;
        esac
    done
    echo "<ds:Signature xmlns:ds=\"$NS_DS\">"
    echo "  <ds:SignedInfo>"
    echo "    <ds:CanonicalizationMethod Algorithm=\"$c14n\"/>"
    echo "    <ds:SignatureMethod Algorithm=\"$(algorithm_uri "$method")\"/>"
    # shellcheck disable=SC2086 # transforms is a space-separated list on purpose
    reference_xml "$uri" "$digest" $transforms | sed 's/^/    /'
    if [[ -n $second_uri ]]; then
        # shellcheck disable=SC2086
        reference_xml "$second_uri" "$digest" $transforms | sed 's/^/    /'
    fi
    echo "  </ds:SignedInfo>"
    echo "  <ds:SignatureValue></ds:SignatureValue>"
    if [[ $keyinfo == yes ]]; then
        # xmlsec1 fills X509Certificate from the certificate given with --privkey-pem key,crt.
        echo "  <ds:KeyInfo>"
        echo "    <ds:X509Data>"
        echo "      <ds:X509Certificate></ds:X509Certificate>"
        echo "    </ds:X509Data>"
        echo "  </ds:KeyInfo>"
    fi
    echo "</ds:Signature>"
}

# indent <n>: indent stdin by n spaces (keeps the templates readable when nested).
indent() { sed "s/^/$(printf '%*s' "$1" '')/"; }

# assertion_xml <id> <nameid content> <signature xml or ""> [typed]
# The Assertion declares every namespace it uses, so it stays self-contained when it is moved
# (wrapping attacks) or encrypted. With "typed", attribute values carry xsi:type="xs:string":
# "xs" then appears only inside an attribute value, which exclusive c14n does not see.
assertion_xml() {
    local id=$1 nameid=$2 sig=$3 typed=${4:-}
    local xsns="" av="<saml:AttributeValue>"
    if [[ -n $typed ]]; then
        xsns=" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        av="<saml:AttributeValue xsi:type=\"xs:string\">"
    fi
    echo "<saml:Assertion xmlns:saml=\"$NS_SAML\"$xsns ID=\"$id\" Version=\"2.0\" IssueInstant=\"$INSTANT\">"
    echo "  <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>"
    if [[ -n $sig ]]; then echo "$sig" | indent 2; fi
    cat <<EOF
  <saml:Subject>
    <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">$nameid</saml:NameID>
    <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
      <saml:SubjectConfirmationData InResponseTo="_req1" NotOnOrAfter="$NOT_ON_OR_AFTER" Recipient="https://sp.example.com/saml/acs"/>
    </saml:SubjectConfirmation>
  </saml:Subject>
  <saml:Conditions NotBefore="$NOT_BEFORE" NotOnOrAfter="$NOT_ON_OR_AFTER">
    <saml:AudienceRestriction>
      <saml:Audience>https://sp.example.com/saml/metadata</saml:Audience>
    </saml:AudienceRestriction>
  </saml:Conditions>
  <saml:AuthnStatement AuthnInstant="$INSTANT" SessionIndex="_session1">
    <saml:AuthnContext>
      <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
    </saml:AuthnContext>
  </saml:AuthnStatement>
  <saml:AttributeStatement>
    <saml:Attribute Name="email" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">
      ${av}user@example.com</saml:AttributeValue>
    </saml:Attribute>
    <saml:Attribute Name="groups" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">
      ${av}engineering</saml:AttributeValue>
      ${av}staff</saml:AttributeValue>
    </saml:Attribute>
  </saml:AttributeStatement>
</saml:Assertion>
EOF
}

# response_xml <response signature xml or ""> <assertion xml>
response_xml() {
    local sig=$1 assertion=$2
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<samlp:Response xmlns:samlp=\"$NS_SAMLP\" xmlns:saml=\"$NS_SAML\" ID=\"_resp1\" Version=\"2.0\" IssueInstant=\"$INSTANT\" Destination=\"https://sp.example.com/saml/acs\" InResponseTo=\"_req1\">"
    echo "  <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>"
    if [[ -n $sig ]]; then echo "$sig" | indent 2; fi
    echo "  <samlp:Status>"
    echo "    <samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>"
    echo "  </samlp:Status>"
    echo "$assertion" | indent 2
    echo "</samlp:Response>"
}

# template <name> [signature_tpl options...]: the usual Response whose Assertion carries one
# signature template built from the options.
template() {
    local name=$1; shift
    response_xml "" "$(assertion_xml _assert1 user@example.com "$(signature_tpl "$@")")" \
        >"$TPL/$name.xml"
}

# ---------------------------------------------------------------------------------------------
# Signing, editing, checking
# ---------------------------------------------------------------------------------------------

# sign <template name> <output name> <key name> [extra xmlsec1 options...]
sign() {
    local tpl=$1 out=$2 key=$3; shift 3
    xmlsec1 --sign "${ID_ATTRS[@]}" --privkey-pem "$KEYS/$key.key,$KEYS/$key.crt" "$@" \
        --output "$OUT/$out.xml" "$TPL/$tpl.xml"
}

# derive <from> <to> <python code>: copy an output and edit it as text. The code sees the
# document as `s` and helpers sub1(pattern, replacement) (exactly one regex match, literal
# replacement) and group(pattern) (text of the one match). Text edits keep every byte the
# flaw does not need to touch, which re-serialising through a DOM would not.
derive() {
    local from=$1 to=$2 code=$3
    python3 - "$OUT/$from.xml" "$OUT/$to.xml" "$code" <<'PY'
import re, sys
src, dst, code = sys.argv[1:4]
s = open(src, encoding="utf-8").read()
def _one(pattern):
    found = list(re.finditer(pattern, s, re.S))
    if len(found) != 1:
        sys.exit(f"{dst}: expected one match for {pattern!r}, found {len(found)}")
    return found[0]
def group(pattern):
    return _one(pattern).group(0)
def sub1(pattern, replacement):
    m = _one(pattern)
    return s[:m.start()] + replacement + s[m.end():]
before = s
exec(code)
if s == before:
    sys.exit(f"{dst}: the edit changed nothing")
open(dst, "w", encoding="utf-8").write(s)
PY
}

# verify <name> <cert name> [extra xmlsec1 options]: the CLI must accept the first Signature.
# --enabled-key-data key-name stops xmlsec1 from reading keys out of KeyInfo (X509Data and
# RetrievalMethod alike, so key-info-retrieval.xml causes no network access), so only the given
# certificate's key can verify, which is what Gatehouse does too.
xmlsec_verify() {
    local name=$1 cert=$2; shift 2
    xmlsec1 --verify "${ID_ATTRS[@]}" --enabled-key-data key-name \
        --pubkey-cert-pem "$KEYS/$cert.crt" "$@" "$OUT/$name.xml" >/dev/null 2>&1
}
verify() {
    if ! xmlsec_verify "$@"; then echo "FAIL: $1 does not verify with $2" >&2; exit 1; fi
}
refuse() {
    if xmlsec_verify "$@"; then echo "FAIL: $1 verifies with $2 but must not" >&2; exit 1; fi
}

# ---------------------------------------------------------------------------------------------
# Valid signed documents
# ---------------------------------------------------------------------------------------------

make_valid() {
    local bits
    for bits in 256 384 512; do
        template "valid-rsa-sha$bits" --method "rsa-sha$bits" --digest "sha$bits"
        sign "valid-rsa-sha$bits" "valid-rsa-sha$bits" idp-rsa
    done
    template valid-rsa-sha1 --method rsa-sha1 --digest sha1
    sign valid-rsa-sha1 valid-rsa-sha1 idp-rsa

    template valid-ecdsa-sha256 --method ecdsa-sha256 --digest sha256
    sign valid-ecdsa-sha256 valid-ecdsa-sha256 idp-ec
    template valid-ecdsa-sha384 --method ecdsa-sha384 --digest sha384
    sign valid-ecdsa-sha384 valid-ecdsa-sha384 idp-ec384
    template valid-ecdsa-sha512 --method ecdsa-sha512 --digest sha512
    sign valid-ecdsa-sha512 valid-ecdsa-sha512 idp-ec

    sign valid-rsa-sha256 valid-rollover idp-rsa2

    template valid-no-keyinfo --no-keyinfo
    sign valid-no-keyinfo valid-no-keyinfo idp-rsa

    response_xml "$(signature_tpl --uri "#_resp1")" \
        "$(assertion_xml _assert1 user@example.com "")" >"$TPL/response-signed.xml"
    sign response-signed response-signed idp-rsa

    # The Response signature covers the assertion signature, so the assertion is signed first
    # (xmlsec1 signs the first Signature at or below --node-xpath), then the Response.
    response_xml "$(signature_tpl --uri "#_resp1")" \
        "$(assertion_xml _assert1 user@example.com "$(signature_tpl)")" >"$TPL/both-signed.xml"
    sign both-signed both-signed idp-rsa --node-xpath "//*[local-name()='Assertion']"
    xmlsec1 --sign "${ID_ATTRS[@]}" --privkey-pem "$KEYS/idp-rsa.key,$KEYS/idp-rsa.crt" \
        --output "$OUT/both-signed.xml" "$OUT/both-signed.xml"

    response_xml "" "$(assertion_xml _assert1 user@example.com \
        "$(signature_tpl --transforms "enveloped exc-prefixes")" typed)" \
        >"$TPL/valid-inclusive-prefixes.xml"
    sign valid-inclusive-prefixes valid-inclusive-prefixes idp-rsa
}

# ---------------------------------------------------------------------------------------------
# Invalid signed documents: each has exactly one flaw compared with valid-rsa-sha256.xml
# ---------------------------------------------------------------------------------------------

# An assertion an attacker wrote: same shape, different ID and subject, no signature.
evil_assertion() { assertion_xml "$1" admin@evil.example ""; }

make_invalid() {
    derive valid-rsa-sha256 no-signature \
        's = sub1(r"\n *<ds:Signature .*?</ds:Signature>", "")'

    # Two enveloped signatures over one element can never both verify: each digest sees the
    # other Signature. The second template is signed first, then the first, so the FIRST
    # Signature in document order is valid (a verifier that only looks at the first one
    # would accept) and the second one is stale.
    response_xml "" "$(assertion_xml _assert1 user@example.com \
        "$(signature_tpl)"$'\n'"$(signature_tpl)")" >"$TPL/two-signatures.xml"
    sign two-signatures two-signatures idp-rsa --node-xpath "(//*[local-name()='Signature'])[2]"
    xmlsec1 --sign "${ID_ATTRS[@]}" --privkey-pem "$KEYS/idp-rsa.key,$KEYS/idp-rsa.crt" \
        --output "$OUT/two-signatures.xml" "$OUT/two-signatures.xml"

    template two-references --second-uri "#_assert1"
    sign two-references two-references idp-rsa

    template reference-other-element --uri "#_resp1"
    sign reference-other-element reference-other-element idp-rsa

    template reference-empty-uri --uri ""
    sign reference-empty-uri reference-empty-uri idp-rsa

    # Extensions sits after Issuer and before Status in the Response schema.
    derive valid-rsa-sha256 duplicate-id 's = sub1(r"(?<=</saml:Issuer>\n)(?=  <samlp:Status>)",
        "  <samlp:Extensions>\n    <ext:Data xmlns:ext=\"urn:example:gatehouse:ext\" ID=\"_assert1\">decoy</ext:Data>\n  </samlp:Extensions>\n")'

    template forbidden-transform-xpath --transforms "enveloped xpath exc"
    sign forbidden-transform-xpath forbidden-transform-xpath idp-rsa
    template forbidden-transform-inclusive-c14n --transforms "enveloped c14n"
    sign forbidden-transform-inclusive-c14n forbidden-transform-inclusive-c14n idp-rsa
    template forbidden-c14n-method --c14n "$INCL_C14N"
    sign forbidden-c14n-method forbidden-c14n-method idp-rsa

    derive valid-rsa-sha256 digest-mismatch \
        's = sub1(r"(?<=emailAddress\">)user@example.com(?=</saml:NameID>)", "admin@example.com")'

    # Flip the first base64 character: same length, still valid base64, different signature.
    derive valid-rsa-sha256 signature-mismatch 'm = re.search(r"<ds:SignatureValue>\s*", s)
i = m.end()
s = s[:i] + ("B" if s[i] == "A" else "A") + s[i + 1:]'

    sign valid-rsa-sha256 untrusted-key attacker

    # Cert substitution: the attacker signs with their own key and shows the IdP certificate.
    local idp_cert
    idp_cert="$(sed '1d;$d' "$KEYS/idp-rsa.crt")"
    sign valid-rsa-sha256 untrusted-key-trusted-cert attacker
    IDP_CERT="$idp_cert" derive untrusted-key-trusted-cert untrusted-key-trusted-cert \
        'import os
s = sub1(r"(?<=<ds:X509Certificate>).*?(?=</ds:X509Certificate>)", os.environ["IDP_CERT"])'

    # xmlsec1 1.2.37 still signs with MD5 under OpenSSL 3, so both weak-algorithm files exist.
    template weak-algorithm-md5 --method rsa-md5 --digest md5
    sign weak-algorithm-md5 weak-algorithm-md5 idp-rsa
    template weak-digest-sha1 --method rsa-sha256 --digest sha1
    sign weak-digest-sha1 weak-digest-sha1 idp-rsa

    # XSW: the signed assertion hides in Extensions; an unsigned evil assertion takes its
    # place. It is moved byte for byte (re-indenting would change signed whitespace), and its
    # signature still verifies because exc-c14n ignores the new parent.
    EVIL="$(evil_assertion _evil | indent 2)" derive valid-rsa-sha256 wrapped-assertion 'import os
signed = group(r"  <saml:Assertion .*?</saml:Assertion>\n")
s = s.replace(signed, os.environ["EVIL"] + "\n")
s = sub1(r"(?<=</saml:Issuer>\n)(?=  <samlp:Status>)",
         "  <samlp:Extensions>\n" + signed + "  </samlp:Extensions>\n")'

    EVIL="$(evil_assertion _assert1 | indent 2)" derive valid-rsa-sha256 wrapped-same-id \
        'import os
s = sub1(r"(?=  <saml:Assertion )", os.environ["EVIL"] + "\n")'

    derive valid-rsa-sha256 key-info-retrieval \
        's = sub1(r"<ds:KeyInfo>.*?</ds:KeyInfo>", "<ds:KeyInfo>\n      <ds:RetrievalMethod URI=\"http://127.0.0.1:9/key\"/>\n    </ds:KeyInfo>")'

    EVIL="$(evil_assertion _evil | indent 6)" derive valid-rsa-sha256 object-wrapper 'import os
s = sub1(r"(?<=</ds:KeyInfo>\n)", "    <ds:Object>\n" + os.environ["EVIL"] + "\n    </ds:Object>\n")'

    # The comment is in the template, so it is signed; exc-c14n without comments drops it,
    # and the text content of NameID is user@example.com.evil.example.
    response_xml "" "$(assertion_xml _assert1 'user@example.com<!---->.evil.example' \
        "$(signature_tpl)")" >"$TPL/comment-in-nameid.xml"
    sign comment-in-nameid comment-in-nameid idp-rsa
}

check_signatures() {
    local f
    for f in valid-rsa-sha256 valid-rsa-sha384 valid-rsa-sha512 valid-rsa-sha1 valid-no-keyinfo \
        valid-inclusive-prefixes response-signed both-signed two-signatures two-references \
        reference-other-element reference-empty-uri forbidden-transform-xpath \
        forbidden-transform-inclusive-c14n forbidden-c14n-method weak-algorithm-md5 \
        weak-digest-sha1 wrapped-assertion object-wrapper comment-in-nameid key-info-retrieval; do
        verify "$f" idp-rsa
    done
    verify valid-ecdsa-sha256 idp-ec
    verify valid-ecdsa-sha512 idp-ec
    verify valid-ecdsa-sha384 idp-ec384
    verify valid-rollover idp-rsa2
    verify untrusted-key attacker
    # The assertion signature of both-signed (the Response one is checked above).
    verify both-signed idp-rsa --node-xpath "//*[local-name()='Assertion']"
    # duplicate-id: xmlsec1 itself refuses to register the second ID="_assert1", so check the
    # signature on a copy without the decoy.
    sed '/<samlp:Extensions>/,/<\/samlp:Extensions>/d' "$OUT/duplicate-id.xml" >"$WORK/dup.xml"
    cmp -s "$WORK/dup.xml" "$OUT/valid-rsa-sha256.xml" || { echo "FAIL: duplicate-id" >&2; exit 1; }

    refuse digest-mismatch idp-rsa
    refuse signature-mismatch idp-rsa
    refuse untrusted-key idp-rsa
    refuse untrusted-key-trusted-cert idp-rsa
    refuse valid-rollover idp-rsa
    refuse two-signatures idp-rsa --node-xpath "(//*[local-name()='Signature'])[2]"
    echo "signatures: all checks passed"
}

# ---------------------------------------------------------------------------------------------
# Encrypted assertions
# ---------------------------------------------------------------------------------------------

# encrypted_data_tpl <content algorithm> <key transport algorithm> [sibling]
# With "sibling", the EncryptedKey declares its own namespaces so it can be moved out of
# KeyInfo after encryption.
encrypted_data_tpl() {
    local content=$1 transport=$2 sibling=${3:-} keyns=""
    [[ -z $sibling ]] || keyns=" xmlns:xenc=\"$NS_XENC\" xmlns:ds=\"$NS_DS\""
    cat <<EOF
<xenc:EncryptedData xmlns:xenc="$NS_XENC" xmlns:ds="$NS_DS" Id="_enc1" Type="${NS_XENC}Element">
  <xenc:EncryptionMethod Algorithm="$content"/>
  <ds:KeyInfo>
    <xenc:EncryptedKey$keyns Id="_ek1">
      <xenc:EncryptionMethod Algorithm="$transport">
EOF
    [[ $transport != "${NS_XENC}rsa-oaep-mgf1p" ]] ||
        echo "        <ds:DigestMethod Algorithm=\"$(algorithm_uri sha1)\"/>"
    cat <<EOF
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
EOF
}

# The plaintext: valid-rsa-sha256.xml with its signed Assertion wrapped in EncryptedAssertion;
# xmlsec1 then replaces the Assertion element with EncryptedData.
make_plaintext() {
    derive valid-rsa-sha256 enc-plaintext \
        'signed = group(r"  <saml:Assertion .*?</saml:Assertion>\n")
s = s.replace(signed, "  <saml:EncryptedAssertion>\n" + signed + "  </saml:EncryptedAssertion>\n")'
    mv "$OUT/enc-plaintext.xml" "$WORK/plaintext.xml"
}

ASSERTION_XPATH="//*[local-name()='Assertion']"
ID_EK=(--id-attr:Id "${NS_XENC}:EncryptedKey")

# encrypt <name> <session key, e.g. aes-128> <content algorithm> <key transport> [sibling]
encrypt() {
    local name=$1 session=$2 content=$3 transport=$4 sibling=${5:-}
    encrypted_data_tpl "$content" "$transport" "$sibling" >"$TPL/$name.xml"
    xmlsec1 --encrypt --pubkey-cert-pem "$KEYS/sp.crt" --session-key "$session" \
        --xml-data "$WORK/plaintext.xml" --node-xpath "$ASSERTION_XPATH" \
        --output "$OUT/$name.xml" "$TPL/$name.xml"
}

# check_decrypts <name> [xmlsec1 options]: sp.key recovers exactly the signed assertion
# (which still verifies), and sp2.key recovers nothing.
check_decrypts() {
    local name=$1; shift
    xmlsec1 --decrypt --privkey-pem "$KEYS/sp.key" "${ID_EK[@]}" "$@" \
        --output "$WORK/$name.dec.xml" "$OUT/$name.xml" 2>"$WORK/err" ||
        { cat "$WORK/err" >&2; echo "FAIL: $name does not decrypt with sp.key" >&2; exit 1; }
    grep -q 'user@example.com</saml:NameID>' "$WORK/$name.dec.xml" ||
        { echo "FAIL: $name decrypts to something else" >&2; exit 1; }
    xmlsec1 --verify "${ID_ATTRS[@]}" --enabled-key-data key-name \
        --pubkey-cert-pem "$KEYS/idp-rsa.crt" "$WORK/$name.dec.xml" >/dev/null 2>&1 ||
        { echo "FAIL: $name: decrypted assertion does not verify" >&2; exit 1; }
    if xmlsec1 --decrypt --privkey-pem "$KEYS/sp2.key" "${ID_EK[@]}" "$@" \
        --output "$WORK/$name.dec2.xml" "$OUT/$name.xml" >/dev/null 2>&1; then
        echo "FAIL: $name decrypts with sp2.key" >&2; exit 1
    fi
}

# make_oaep_sha256 <name> <key transport algorithm> <EncryptionMethod children> <mgf1 digest>
# xmlsec1 1.2.37 refuses any OAEP digest but SHA-1 and has no xmlenc11#rsa-oaep, so the
# content is encrypted by xmlsec1 under a known AES-256 key and the key is wrapped by
# openssl pkeyutl (OAEP with SHA-256; MGF1 digest as given).
make_oaep_sha256() {
    local name=$1 transport=$2 children=$3 mgf=$4
    local cek="$WORK/$name.cek"
    openssl rand -out "$cek" 32
    cat >"$TPL/$name.xml" <<EOF
<xenc:EncryptedData xmlns:xenc="$NS_XENC" xmlns:ds="$NS_DS" Id="_enc1" Type="${NS_XENC}Element">
  <xenc:EncryptionMethod Algorithm="${NS_XENC11}aes256-gcm"/>
  <ds:KeyInfo>
    <xenc:EncryptedKey Id="_ek1">
      <xenc:EncryptionMethod Algorithm="$transport">
$children
      </xenc:EncryptionMethod>
      <xenc:CipherData>
        <xenc:CipherValue>@WRAPPED_KEY@</xenc:CipherValue>
      </xenc:CipherData>
    </xenc:EncryptedKey>
  </ds:KeyInfo>
  <xenc:CipherData>
    <xenc:CipherValue></xenc:CipherValue>
  </xenc:CipherData>
</xenc:EncryptedData>
EOF
    # Content first, with the EncryptedKey left out (xmlsec1 would try to process it).
    sed '/<ds:KeyInfo>/,/<\/ds:KeyInfo>/d' "$TPL/$name.xml" >"$WORK/$name.content-tpl.xml"
    xmlsec1 --encrypt --aeskey "$cek" --xml-data "$WORK/plaintext.xml" \
        --node-xpath "$ASSERTION_XPATH" --output "$WORK/$name.content.xml" \
        "$WORK/$name.content-tpl.xml"
    local wrapped keyinfo
    wrapped="$(openssl pkeyutl -encrypt -certin -inkey "$KEYS/sp.crt" -in "$cek" \
        -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt "rsa_mgf1_md:$mgf" |
        base64 -w 64)"
    keyinfo="$(sed -n '/<ds:KeyInfo>/,/<\/ds:KeyInfo>/p' "$TPL/$name.xml")"
    KEYINFO="${keyinfo/@WRAPPED_KEY@/$wrapped}" derive_work "$name" 'import os
s = sub1(r"(?<=aes256-gcm\"/>\n)", os.environ["KEYINFO"] + "\n")'

    # Check both layers: sp.key unwraps the key (sp2.key cannot), the key decrypts the content.
    local cv="$WORK/$name.wrapped"
    sed -n '/<xenc:EncryptedKey/,/<\/xenc:EncryptedKey>/p' "$OUT/$name.xml" |
        sed -n '/<xenc:CipherValue>/,/<\/xenc:CipherValue>/p' |
        sed 's/<[^>]*>//g' | tr -d ' \n' | base64 -d >"$cv"
    openssl pkeyutl -decrypt -inkey "$KEYS/sp.key" -in "$cv" -pkeyopt rsa_padding_mode:oaep \
        -pkeyopt rsa_oaep_md:sha256 -pkeyopt "rsa_mgf1_md:$mgf" | cmp -s - "$cek" ||
        { echo "FAIL: $name: sp.key does not unwrap the key" >&2; exit 1; }
    if openssl pkeyutl -decrypt -inkey "$KEYS/sp2.key" -in "$cv" -pkeyopt rsa_padding_mode:oaep \
        -pkeyopt rsa_oaep_md:sha256 -pkeyopt "rsa_mgf1_md:$mgf" >/dev/null 2>&1; then
        echo "FAIL: $name: sp2.key unwraps the key" >&2; exit 1
    fi
    sed '/<ds:KeyInfo>/,/<\/ds:KeyInfo>/d' "$OUT/$name.xml" >"$WORK/$name.nokey.xml"
    xmlsec1 --decrypt --aeskey "$cek" --output "$WORK/$name.dec.xml" "$WORK/$name.nokey.xml" \
        2>/dev/null && grep -q 'user@example.com</saml:NameID>' "$WORK/$name.dec.xml" ||
        { echo "FAIL: $name: content does not decrypt" >&2; exit 1; }
}

# derive_work <name> <python code>: like derive, from $WORK/<name>.content.xml to the output.
derive_work() {
    cp "$WORK/$1.content.xml" "$OUT/$1.xml"
    derive "$1" "$1" "$2"
}

make_encrypted() {
    make_plaintext
    local mgf1p="${NS_XENC}rsa-oaep-mgf1p"
    encrypt enc-aes128-gcm-oaep aes-128 "${NS_XENC11}aes128-gcm" "$mgf1p"
    encrypt enc-aes128-cbc aes-128 "${NS_XENC}aes128-cbc" "$mgf1p"
    encrypt enc-aes256-cbc aes-256 "${NS_XENC}aes256-cbc" "$mgf1p"
    encrypt enc-rsa15 aes-128 "${NS_XENC11}aes128-gcm" "${NS_XENC}rsa-1_5"
    for f in enc-aes128-gcm-oaep enc-aes128-cbc enc-aes256-cbc enc-rsa15; do
        check_decrypts "$f"
    done

    # EncryptedKey moved out of KeyInfo to be EncryptedData's sibling, found by reference.
    encrypt enc-sibling-key aes-128 "${NS_XENC11}aes128-gcm" "$mgf1p" sibling
    derive enc-sibling-key enc-sibling-key 'key = group(r"    <xenc:EncryptedKey .*?</xenc:EncryptedKey>\n")
s = s.replace(key, "    <ds:RetrievalMethod Type=\"http://www.w3.org/2001/04/xmlenc#EncryptedKey\" URI=\"#_ek1\"/>\n")
key = "".join(line[2:] if line.startswith("  ") else line for line in key.splitlines(True))
s = sub1(r"(?<=</xenc:EncryptedData>\n)", key)'
    check_decrypts enc-sibling-key

    make_oaep_sha256 enc-aes256-gcm-oaep-sha256 "$mgf1p" \
        "        <ds:DigestMethod Algorithm=\"$(algorithm_uri sha256)\"/>" sha1
    make_oaep_sha256 enc-aes256-gcm-oaep11-sha256 "${NS_XENC11}rsa-oaep" \
        "        <ds:DigestMethod Algorithm=\"$(algorithm_uri sha256)\"/>
        <xenc11:MGF xmlns:xenc11=\"$NS_XENC11\" Algorithm=\"${NS_XENC11}mgf1sha256\"/>" sha256
    echo "encryption: all checks passed"
}

# ---------------------------------------------------------------------------------------------
# Hostile documents (hand-written, never signed): the parser must refuse each before anything
# else looks at it.
# ---------------------------------------------------------------------------------------------

# hostile_response <doctype or ""> <nameid content>
hostile_response() {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    if [[ -n $1 ]]; then echo "$1"; fi
    response_xml "" "$(assertion_xml _assert1 "$2" "")" | sed 1d
}

make_hostile() {
    echo "GATEHOUSE-XXE-SECRET-7f3a" >"$OUT/secret.txt"
    # Relative SYSTEM id: resolved against the document's own location, so it works in any clone.
    hostile_response '<!DOCTYPE samlp:Response [
  <!ENTITY xxe SYSTEM "secret.txt">
]>' '&xxe;' >"$OUT/doctype-xxe.xml"
    hostile_response '<!DOCTYPE samlp:Response [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>' '&xxe;' >"$OUT/doctype-xxe-etc-passwd.xml"
    hostile_response '<!DOCTYPE samlp:Response [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>' '&lol9;' >"$OUT/billion-laughs.xml"
    hostile_response '<!DOCTYPE samlp:Response [
  <!ENTITY user "user@example.com">
]>' '&user;' >"$OUT/doctype-internal-only.xml"
    hostile_response '<!DOCTYPE samlp:Response SYSTEM "http://127.0.0.1:9/evil.dtd">' \
        'user@example.com' >"$OUT/external-dtd.xml"

    # 5,000 nested elements inside an otherwise normal Response (libxml2's own limit is 256
    # without XML_PARSE_HUGE; Gatehouse should cap depth itself and far lower).
    python3 - "$OUT/deep-nesting.xml" "$NS_SAMLP" <<'PY'
import sys
path, ns = sys.argv[1:3]
depth = 5000
with open(path, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    f.write(f'<samlp:Response xmlns:samlp="{ns}" ID="_resp1" Version="2.0" IssueInstant="2026-06-01T12:00:00Z">\n')
    f.write("<samlp:Extensions>" + "<e>" * (depth - 2) + "</e>" * (depth - 2) + "</samlp:Extensions>\n")
    f.write("</samlp:Response>\n")
PY

    # Well-formedness error: the NameID end tag is missing.
    hostile_response "" 'user@example.com' | sed 's#</saml:NameID>##' >"$OUT/not-well-formed.xml"
}

# ---------------------------------------------------------------------------------------------

main() {
    command -v xmlsec1 >/dev/null || { echo "xmlsec1 is required (apt-get install xmlsec1)" >&2; exit 1; }
    mkdir -p "$OUT" "$TPL"
    make_keys
    make_valid
    make_invalid
    check_signatures
    make_encrypted
    make_hostile
    echo "fixtures written to $OUT"
    # The SAML-level fixtures reuse the same keys and the same independent signer.
    "$(dirname "${BASH_SOURCE[0]}")/generate-saml.sh"
}

main "$@"
