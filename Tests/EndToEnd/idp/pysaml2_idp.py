#!/usr/bin/env python3
"""A SAML 2.0 IdP for the end-to-end tests: pysaml2's IdP (saml2.server.Server) behind a tiny
login form, serving on 127.0.0.1 only.

    pysaml2_idp.py --port 9001 --users users-example.com.json \
        --key Fixtures/keys/idp-rsa.key --cert Fixtures/keys/idp-rsa.crt \
        --sp-metadata http://localhost:8080/saml/metadata --metadata-out /tmp/idp.xml

Endpoints: GET /metadata (IdP metadata), GET /sso/redirect and POST /sso/post (AuthnRequest),
POST /login (the form), GET /issued (JSON: the last NameID issued per user, for assertions in
tests), GET /healthz. Responses and assertions are both signed, RSA-SHA256 / SHA-256.

With --test-hooks the login form also honours two hidden fields that a test may add:
`e2e_hold=1` shows the response form with a button instead of posting it at once (so a test can
tamper with it), and `e2e_expired=1` issues an assertion whose NotOnOrAfter is already past.
"""

import argparse
import base64
import html
import json
import secrets
import shutil
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml
from saml2.config import IdPConfig
from saml2.extension import mdui
from saml2.metadata import entity_descriptor, metadata_tostring_fix
from saml2.saml import (
    NAMEID_FORMAT_EMAILADDRESS,
    NAMEID_FORMAT_PERSISTENT,
    NAMEID_FORMAT_TRANSIENT,
    NAMEID_FORMAT_UNSPECIFIED,
    NAME_FORMAT_URI,
)
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True, help="port on 127.0.0.1")
    p.add_argument("--users", required=True, help="JSON users file (see users-example.com.json)")
    p.add_argument("--key", required=True, help="PEM private key that signs responses")
    p.add_argument("--cert", required=True, help="PEM certificate published in the metadata")
    p.add_argument("--entity-id", help="default: http://127.0.0.1:PORT/metadata")
    p.add_argument("--display-name", default="Test IdP", help="mdui:DisplayName and page title")
    p.add_argument("--domain", action="append", default=[], help="email domain (shibmd:Scope, mdui:DomainHint)")
    p.add_argument("--sp-metadata", action="append", default=[], help="SP metadata URL or file; loaded at first use")
    p.add_argument("--metadata-out", help="also write the IdP metadata to this file")
    p.add_argument("--want-signed-requests", action="store_true", help="refuse unsigned AuthnRequests")
    p.add_argument("--test-hooks", action="store_true", help="honour the e2e_hold and e2e_expired form fields")
    return p.parse_args(argv)


def idp_config(args, base, lifetime_minutes):
    """The pysaml2 IdP configuration. `lifetime_minutes` sets the assertion's NotOnOrAfter."""
    return {
        "entityid": args.entity_id,
        "service": {
            "idp": {
                "name": args.display_name,
                "endpoints": {
                    "single_sign_on_service": [
                        (f"{base}/sso/redirect", BINDING_HTTP_REDIRECT),
                        (f"{base}/sso/post", BINDING_HTTP_POST),
                    ],
                },
                "policy": {
                    "default": {
                        "lifetime": {"minutes": lifetime_minutes},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    },
                },
                "name_id_format": [
                    NAMEID_FORMAT_EMAILADDRESS,
                    NAMEID_FORMAT_PERSISTENT,
                    NAMEID_FORMAT_TRANSIENT,
                    NAMEID_FORMAT_UNSPECIFIED,
                ],
                "want_authn_requests_signed": args.want_signed_requests,
                "sign_response": True,
                "sign_assertion": True,
                "scope": args.domain,
                "ui_info": {"display_name": {"text": args.display_name, "lang": "en"}},
            },
        },
        "key_file": args.key,
        "cert_file": args.cert,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "metadata": {},
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "organization": {"name": args.display_name, "display_name": args.display_name, "url": base},
        "contact_person": [
            {
                "contact_type": "technical",
                "given_name": "IdP administrator",
                "email_address": f"admin@{args.domain[0] if args.domain else 'example.com'}",
            }
        ],
    }


def metadata_xml(config, domains):
    """The IdP's metadata, with mdui:DiscoHints naming its email domains (pysaml2 writes
    shibmd:Scope but no DiscoHints)."""
    descriptor = entity_descriptor(config)
    if domains:
        hints = mdui.DiscoHints(domain_hint=[mdui.DomainHint(text=d) for d in domains])
        descriptor.idpsso_descriptor.extensions.add_extension_element(hints)
    return metadata_tostring_fix(descriptor, {"xs": "http://www.w3.org/2001/XMLSchema"}, None).decode()


def read_source(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=10) as reply:
            return reply.read().decode()
    with open(source, encoding="utf-8") as f:
        return f.read()


def name_id_for(user, username, policy):
    """NameID as the request's NameIDPolicy asks: emailAddress gives the email, transient a
    random value, persistent the uid; unspecified or none gives the uid."""
    wanted = policy.format if policy is not None and policy.format else NAMEID_FORMAT_UNSPECIFIED
    if wanted == NAMEID_FORMAT_EMAILADDRESS:
        return saml.NameID(format=wanted, text=user["email"])
    if wanted == NAMEID_FORMAT_TRANSIENT:
        return saml.NameID(format=wanted, text="_" + secrets.token_hex(16))
    if wanted == NAMEID_FORMAT_PERSISTENT:
        return saml.NameID(format=wanted, text=username)
    return saml.NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=username)


def identity_of(username, user):
    """Attributes released: mail, uid and displayName (URI names with FriendlyName, from
    pysaml2's saml_uri map) and groups (Name="groups", as many IdPs send it)."""
    return {
        "mail": [user["email"]],
        "uid": [username],
        "displayName": [user.get("display_name", username)],
        "groups": list(user.get("groups", [])),
    }


class IdP:
    """pysaml2 servers plus the state the login form needs."""

    def __init__(self, args):
        self.args = args
        self.base = f"http://127.0.0.1:{args.port}"
        args.entity_id = args.entity_id or f"{self.base}/metadata"
        with open(args.users, encoding="utf-8") as f:
            self.users = json.load(f)
        self.server = Server(config=IdPConfig().load(idp_config(args, self.base, 15)))
        # Same IdP, but every assertion is already expired: for the "expired response" test.
        self.expired_server = Server(config=IdPConfig().load(idp_config(args, self.base, -10)))
        self.metadata = metadata_xml(self.server.config, args.domain)
        self.lock = threading.Lock()
        self.pending = {}  # form key -> (response arguments, RelayState)
        self.issued = {}  # username -> {"name_id", "format"}
        self.sp_loaded = set()  # --sp-metadata sources already loaded

    def ensure_sp_metadata(self):
        """Loads each SP's metadata at first use: the SP (Gatehouse) may start after the IdP."""
        for source in self.args.sp_metadata:
            if source in self.sp_loaded:
                continue
            xml = read_source(source)
            for server in (self.server, self.expired_server):
                server.metadata.load("inline", xml)
            self.sp_loaded.add(source)

    def receive_request(self, saml_request, binding, relay_state, sigalg=None, signature=None):
        with self.lock:
            self.ensure_sp_metadata()
            request = self.server.parse_authn_request(saml_request, binding, relay_state, sigalg, signature)
            # Refuses an SP missing from the metadata, or an ACS URL it did not register.
            response_args = self.server.response_args(request.message, [BINDING_HTTP_POST])
            key = secrets.token_urlsafe(16)
            self.pending[key] = (response_args, relay_state)
            return key

    def sign_in(self, key, username, password, expired):
        """Returns (destination, base64 SAMLResponse, RelayState) or raises LookupError."""
        with self.lock:
            if key not in self.pending:
                raise LookupError("This sign-in request is unknown or was already used.")
            user = self.users.get(username)
            if user is None or not secrets.compare_digest(user["password"], password):
                raise PermissionError("Wrong username or password.")
            args, relay_state = self.pending.pop(key)
            name_id = name_id_for(user, username, args.get("name_id_policy"))
            server = self.expired_server if expired else self.server
            response = server.create_authn_response(
                identity_of(username, user),
                name_id=name_id,
                authn={"class_ref": PASSWORD_PROTECTED, "authn_auth": self.args.entity_id},
                sign_response=True,
                sign_assertion=True,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
                **args,
            )
            self.issued[username] = {"name_id": name_id.text, "format": name_id.format}
            encoded = base64.b64encode(str(response).encode()).decode()
            return args["destination"], encoded, relay_state


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto}}
label,input,button{{display:block;margin:.4rem 0}} .error{{color:#b00}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""


def login_page(idp, key, error=""):
    error_html = f'<p class="error" id="error">{html.escape(error)}</p>' if error else ""
    body = f"""{error_html}<form method="post" action="/login" id="login">
<input type="hidden" name="key" value="{html.escape(key)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password">
<button type="submit" id="sign-in">Sign in</button></form>"""
    return PAGE.format(title=html.escape(f"Sign in to {idp.args.display_name}"), body=body)


def post_page(destination, saml_response, relay_state, hold):
    relay = f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">' if relay_state else ""
    script = "" if hold else "<script>document.getElementById('saml-post').submit()</script>"
    body = f"""<form method="post" action="{html.escape(destination)}" id="saml-post">
<input type="hidden" name="SAMLResponse" value="{saml_response}">{relay}
<button type="submit" id="continue">Continue to the application</button></form>{script}"""
    return PAGE.format(title="Signing you in", body=body)


def make_handler(idp):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            sys.stderr.write(f"idp[{idp.args.port}] {fmt % args}\n")

        def send(self, status, body, content_type="text/html; charset=utf-8"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def form(self):
            length = int(self.headers.get("Content-Length") or 0)
            fields = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            return {name: values[0] for name, values in fields.items()}

        def start(self, fields, binding):
            if "SAMLRequest" not in fields:
                return self.send(400, PAGE.format(title="Bad request", body="<p>No SAMLRequest.</p>"))
            try:
                key = idp.receive_request(
                    fields["SAMLRequest"], binding, fields.get("RelayState"), fields.get("SigAlg"), fields.get("Signature")
                )
            except Exception as error:  # pysaml2 raises many types; all mean "bad request"
                self.log_message("AuthnRequest refused: %r", error)
                body = f"<p id='error'>The sign-in request was refused: {html.escape(str(error))}</p>"
                return self.send(400, PAGE.format(title="Bad request", body=body))
            self.send(200, login_page(idp, key))

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
            if url.path == "/metadata":
                self.send(200, idp.metadata, "application/samlmetadata+xml")
            elif url.path == "/sso/redirect":
                self.start(query, BINDING_HTTP_REDIRECT)
            elif url.path == "/issued":
                with idp.lock:
                    self.send(200, json.dumps(idp.issued), "application/json")
            elif url.path == "/healthz":
                self.send(200, "ok", "text/plain")
            else:
                self.send(404, PAGE.format(title="Not found", body=""))

        def do_POST(self):
            fields = self.form()
            if self.path == "/sso/post":
                return self.start(fields, BINDING_HTTP_POST)
            if self.path != "/login":
                return self.send(404, PAGE.format(title="Not found", body=""))
            hooks = idp.args.test_hooks
            try:
                destination, response, relay_state = idp.sign_in(
                    fields.get("key", ""),
                    fields.get("username", ""),
                    fields.get("password", ""),
                    expired=hooks and fields.get("e2e_expired") == "1",
                )
            except PermissionError as error:
                return self.send(200, login_page(idp, fields.get("key", ""), str(error)))
            except LookupError as error:
                return self.send(400, PAGE.format(title="Bad request", body=f"<p id='error'>{html.escape(str(error))}</p>"))
            self.send(200, post_page(destination, response, relay_state, hooks and fields.get("e2e_hold") == "1"))

    return Handler


def main(argv=None):
    args = parse_args(argv)
    idp = IdP(args)
    if args.metadata_out:
        with open(args.metadata_out, "w", encoding="utf-8") as f:
            f.write(idp.metadata)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(idp))
    print(f"pysaml2 IdP {args.entity_id} listening on {idp.base}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
