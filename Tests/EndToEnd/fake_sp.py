"""A service provider built with pysaml2's own SP client (Saml2Client), driving the test IdP
over plain HTTP without a browser. Used by test_idp.py and capture_pysaml2.py."""

import base64
import html.parser
import shutil
import subprocess
import urllib.parse
import urllib.request

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED

ID_ATTRS = [
    "--id-attr:ID",
    "urn:oasis:names:tc:SAML:2.0:protocol:Response",
    "--id-attr:ID",
    "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
]


def sp_config(entity_id, acs_url, key, cert, idp_metadata_file=None):
    return {
        "entityid": entity_id,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]},
                "want_response_signed": True,
                "want_assertions_signed": True,
                "authn_requests_signed": False,
                "allow_unsolicited": False,
                "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                "name_id_policy_format": NAMEID_FORMAT_UNSPECIFIED,
            },
        },
        "key_file": str(key),
        "cert_file": str(cert),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "metadata": {"local": [str(idp_metadata_file)]} if idp_metadata_file else {},
        "allow_unknown_attributes": True,  # "groups" is in no pysaml2 attribute map
        # Trust only the IdP metadata's keys, never a certificate inside the message.
        "only_use_keys_in_metadata": True,
    }


def sp_metadata(entity_id, acs_url, key, cert):
    """SP metadata XML for the IdP to trust; needs no IdP metadata yet."""
    config = SPConfig().load(sp_config(entity_id, acs_url, key, cert))
    return create_metadata_string(None, config=config).decode()


class FormParser(html.parser.HTMLParser):
    """Collects the first form's action and its input fields."""

    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action")
        elif tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def parse_form(page):
    parser = FormParser()
    parser.feed(page)
    return parser.action, parser.fields


def fetch(url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as reply:
        return reply.read().decode()


class FakeSP:
    """An SP entity that asks the IdP for a login and reads the signed answer."""

    def __init__(self, entity_id, acs_url, key, cert, idp_metadata_file):
        self.entity_id, self.acs_url = entity_id, acs_url
        self.client = Saml2Client(SPConfig().load(sp_config(entity_id, acs_url, key, cert, idp_metadata_file)))

    def login(self, idp_entity_id, username, password, relay_state="e2e-relay", extra_fields=None, request_args=None):
        """Sends an AuthnRequest (HTTP-Redirect; `request_args` go to pysaml2's
        create_authn_request), fills in the IdP's form, and returns (request ID, the auto-post
        form's action, its fields, the whole page)."""
        request_id, info = self.client.prepare_for_authenticate(
            entityid=idp_entity_id, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT, **(request_args or {})
        )
        location = dict(info["headers"])["Location"]
        action, fields = parse_form(fetch(location))
        login_url = urllib.parse.urljoin(location, action)
        fields.update(username=username, password=password, **(extra_fields or {}))
        page = fetch(login_url, fields)
        post_action, post_fields = parse_form(page)
        return request_id, post_action, post_fields, page

    def read(self, saml_response, request_id):
        """pysaml2's own validation of the response (signature, audience, InResponseTo)."""
        return self.client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"})


def decode_response(saml_response):
    return base64.b64decode(saml_response).decode()


def xmlsec_verify(path, cert, signed_element):
    """Runs `xmlsec1 --verify` on the ds:Signature that is a direct child of `signed_element`
    (Response or Assertion), trusting only `cert`: `--enabled-key-data key-name` stops xmlsec1
    from taking a key out of the message's own KeyInfo. Returns the CompletedProcess."""
    xpath = f"//*[local-name()='{signed_element}']/*[local-name()='Signature']"
    command = ["xmlsec1", "--verify", *ID_ATTRS, "--enabled-key-data", "key-name"]
    command += ["--pubkey-cert-pem", cert, "--node-xpath", xpath, path]
    return subprocess.run(command, capture_output=True, text=True)
