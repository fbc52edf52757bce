#!/usr/bin/env python3
"""A SAML 2.0 IdP for the end-to-end tests: pysaml2's IdP (saml2.server.Server) behind a tiny
login form, serving on 127.0.0.1 only.

    pysaml2_idp.py --port 9001 --users users-example.com.json \
        --key Fixtures/keys/idp-rsa.key --cert Fixtures/keys/idp-rsa.crt \
        --sp-metadata http://localhost:8080/saml/metadata --metadata-out /tmp/idp.xml

Endpoints: GET /metadata (IdP metadata), GET /sso/redirect and POST /sso/post (AuthnRequest),
POST /login (the form), GET /slo/redirect and POST /slo/post (Single Logout), GET /logout-all
(IdP-initiated Single Logout), GET /session (the browser's session here), GET /issued (JSON: the
last NameID, SessionIndex and AuthnContextClassRef issued per user, and the AuthnRequest's
ForceAuthn and requested classes, for assertions in tests),
GET /logouts (JSON: the Single Logout messages received), GET /healthz. Responses and
assertions are both signed, RSA-SHA256 / SHA-256.

Sessions: a login sets this IdP's session cookie; the login page then offers "Continue as" (no
password) unless the AuthnRequest says ForceAuthn. The session remembers, per SP, the NameID and
every SessionIndex issued, which is what Single Logout names.

Authentication contexts: a password gives PasswordProtectedTransport; an AuthnRequest whose
RequestedAuthnContext asks for https://refeds.org/profile/mfa gets a form that also asks for a
one-time code (the user's "otp", default `<user>-otp`) and an assertion with that class. A
requested class this IdP cannot give is answered with the status NoAuthnContext.

Single Logout, with pysaml2's own LogoutRequest and LogoutResponse handling:
- SP-initiated: a LogoutRequest at /slo/redirect or /slo/post must be signed by the SP's
  metadata key (query signature or XML signature); the sessions it names (NameID, SessionIndex)
  end, and a signed LogoutResponse goes back by HTTP-Redirect (HTTP-POST when the SP offers no
  Redirect endpoint). A request that fails verification gets a 400 page and ends nothing.
- IdP-initiated: GET /logout-all[?user=NAME][&binding=post][&sp=ENTITY] ends the browser's
  session here (or, without a cookie, the newest session of `user`), then sends the browser to
  each SP it signed in to with a signed LogoutRequest carrying the NameID and SessionIndexes
  issued there. Each SP's LogoutResponse must come back signed (checked against the SP's
  metadata), answer our request and come from that SP; the final page lists each SP's status.

With --test-hooks the login form also honours two hidden fields that a test may add:
`e2e_hold=1` shows the response form with a button instead of posting it at once (so a test can
tamper with it), and `e2e_expired=1` issues an assertion whose NotOnOrAfter is already past.
"""

import argparse
import base64
import html
import http.cookies
import json
import secrets
import shutil
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml, samlp
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
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MULTI_FACTOR = "https://refeds.org/profile/mfa"
# Weakest first: what a RequestedAuthnContext comparison of "better" climbs.
AUTHN_CLASSES = [PASSWORD_PROTECTED, MULTI_FACTOR]


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


def idp_config(args, base, lifetime_minutes, signed_requests=None):
    """The pysaml2 IdP configuration. `lifetime_minutes` sets the assertion's NotOnOrAfter;
    `signed_requests` overrides --want-signed-requests (pysaml2 reads the same setting for
    AuthnRequests and LogoutRequests)."""
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
                    "single_logout_service": [
                        (f"{base}/slo/redirect", BINDING_HTTP_REDIRECT),
                        (f"{base}/slo/post", BINDING_HTTP_POST),
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
                "want_authn_requests_signed": args.want_signed_requests if signed_requests is None else signed_requests,
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


def authn_class_for(requested):
    """The AuthnContextClassRef to issue for a RequestedAuthnContext (None: no request), or
    None when this IdP cannot give what is asked. The SP's list is in its order of preference."""
    refs = requested_classes(requested)
    if not refs:
        return PASSWORD_PROTECTED
    supported = [ref for ref in refs if ref in AUTHN_CLASSES]
    if not supported:
        return None
    if requested.comparison == "better":
        stronger = AUTHN_CLASSES.index(supported[0]) + 1
        return AUTHN_CLASSES[stronger] if stronger < len(AUTHN_CLASSES) else None
    return supported[0]


def requested_classes(requested):
    """The class refs a RequestedAuthnContext names (empty without one)."""
    if requested is None:
        return []
    return [ref.text.strip() for ref in requested.authn_context_class_ref or [] if ref.text]


def session_index_of(response_xml):
    """The SessionIndex of the (single) AuthnStatement in a Response pysaml2 just built."""
    response = samlp.response_from_string(response_xml)
    return response.assertion[0].authn_statement[0].session_index


@dataclass
class Participant:
    """What this IdP told one SP about a session: the NameID and every SessionIndex."""

    name_id: saml.NameID
    session_indexes: list = field(default_factory=list)


@dataclass
class IdPSession:
    """A browser's session at this IdP (the cookie's value is `id`)."""

    id: str
    username: str
    authn_class: str
    started: float = field(default_factory=time.time)
    participants: dict = field(default_factory=dict)  # SP entity ID -> Participant


@dataclass
class PendingLogin:
    """An AuthnRequest waiting for the user at the login form."""

    response_args: dict
    relay_state: str
    sp: str
    authn_class: str  # what this login will issue
    force_authn: bool
    requested: list  # the RequestedAuthnContext's class refs, if any


@dataclass
class OutgoingLogout:
    """An IdP-initiated Single Logout travelling from SP to SP through the browser."""

    username: str
    binding: str
    queue: list  # (SP entity ID, Participant) still to visit
    results: list = field(default_factory=list)
    request_id: str = ""  # the LogoutRequest now out, and the SP it went to
    sp: str = ""


class IdP:
    """pysaml2 servers plus the state the login form and Single Logout need."""

    def __init__(self, args):
        self.args = args
        self.base = f"http://127.0.0.1:{args.port}"
        self.cookie_name = f"pysaml2_idp_{args.port}"  # cookies ignore the port; the IdPs share a host
        args.entity_id = args.entity_id or f"{self.base}/metadata"
        with open(args.users, encoding="utf-8") as f:
            self.users = json.load(f)
        self.server = Server(config=IdPConfig().load(idp_config(args, self.base, 15)))
        # Same IdP, but every assertion is already expired: for the "expired response" test.
        self.expired_server = Server(config=IdPConfig().load(idp_config(args, self.base, -10)))
        # Same IdP for Single Logout: pysaml2 refuses unsigned LogoutRequests only when it
        # wants signed requests.
        self.slo_server = Server(config=IdPConfig().load(idp_config(args, self.base, 15, signed_requests=True)))
        self.metadata = metadata_xml(self.server.config, args.domain)
        self.lock = threading.Lock()
        self.pending = {}  # form key -> PendingLogin
        self.issued = {}  # username -> what the last login issued and what its AuthnRequest asked
        self.sessions = {}  # cookie value -> IdPSession
        self.logouts = {}  # RelayState -> OutgoingLogout
        self.slo_log = []  # every Single Logout message received, for tests
        self.sp_loaded = set()  # --sp-metadata sources already loaded

    def ensure_sp_metadata(self):
        """Loads each SP's metadata at first use: the SP (Gatehouse) may start after the IdP."""
        for source in self.args.sp_metadata:
            if source in self.sp_loaded:
                continue
            xml = read_source(source)
            for server in (self.server, self.expired_server, self.slo_server):
                server.metadata.load("inline", xml)
            self.sp_loaded.add(source)

    # --- login ---------------------------------------------------------------------------

    def receive_request(self, saml_request, binding, relay_state, sigalg=None, signature=None):
        """Returns ("form", key, what the form needs) or ("post", destination, SAMLResponse,
        RelayState) when the request can be answered at once with an error status."""
        with self.lock:
            self.ensure_sp_metadata()
            request = self.server.parse_authn_request(saml_request, binding, relay_state, sigalg, signature)
            # Refuses an SP missing from the metadata, or an ACS URL it did not register.
            response_args = self.server.response_args(request.message, [BINDING_HTTP_POST])
            authn_class = authn_class_for(request.message.requested_authn_context)
            if authn_class is None:
                error = self.server.create_error_response(
                    request.message.id,
                    response_args["destination"],
                    (samlp.STATUS_NO_AUTHN_CONTEXT, "This IdP cannot give the requested authentication context."),
                    sign=True,
                    sign_alg=SIG_RSA_SHA256,
                    digest_alg=DIGEST_SHA256,
                )
                encoded = base64.b64encode(str(error).encode()).decode()
                return "post", response_args["destination"], encoded, relay_state
            key = secrets.token_urlsafe(16)
            self.pending[key] = PendingLogin(
                response_args=response_args,
                relay_state=relay_state,
                sp=response_args["sp_entity_id"],
                authn_class=authn_class,
                force_authn=request.message.force_authn in ("true", "1", True),
                requested=requested_classes(request.message.requested_authn_context),
            )
            return "form", key, self.pending[key]

    def reusable_session(self, session_id, pending):
        """The browser's session here, if it may answer `pending` without a password: no
        ForceAuthn, and it reached the class the login must issue."""
        session = self.sessions.get(session_id or "")
        if session is None or pending is None or pending.force_authn or session.authn_class != pending.authn_class:
            return None
        return session

    def sign_in(self, key, username, password, code, expired, session_id=None, reuse=False):
        """Returns (destination, base64 SAMLResponse, RelayState, session cookie value) or
        raises LookupError (unknown form) or PermissionError (wrong credentials)."""
        with self.lock:
            pending = self.pending.get(key)
            if pending is None:
                raise LookupError("This sign-in request is unknown or was already used.")
            if reuse:
                session = self.reusable_session(session_id, pending)
                if session is None:
                    raise PermissionError("Sign in with your password.")
                username = session.username
                user = self.users[username]
            else:
                user = self.users.get(username)
                if user is None or not secrets.compare_digest(user["password"], password):
                    raise PermissionError("Wrong username or password.")
                if pending.authn_class == MULTI_FACTOR and not secrets.compare_digest(
                    user.get("otp", f"{username}-otp"), code or ""
                ):
                    raise PermissionError("Wrong one-time code.")
            del self.pending[key]
            args = pending.response_args
            name_id = name_id_for(user, username, args.get("name_id_policy"))
            server = self.expired_server if expired else self.server
            response = str(
                server.create_authn_response(
                    identity_of(username, user),
                    name_id=name_id,
                    authn={"class_ref": pending.authn_class, "authn_auth": self.args.entity_id},
                    sign_response=True,
                    sign_assertion=True,
                    sign_alg=SIG_RSA_SHA256,
                    digest_alg=DIGEST_SHA256,
                    **args,
                )
            )
            session_index = session_index_of(response)
            session = self.sessions.get(session_id or "")
            if session is None or session.username != username:
                session = IdPSession(id=secrets.token_urlsafe(24), username=username, authn_class=pending.authn_class)
                self.sessions[session.id] = session
            session.authn_class = pending.authn_class
            participant = session.participants.setdefault(pending.sp, Participant(name_id=name_id))
            participant.name_id = name_id
            participant.session_indexes.append(session_index)
            self.issued[username] = {
                "name_id": name_id.text,
                "format": name_id.format,
                "session_index": session_index,
                "authn_class": pending.authn_class,
                "force_authn": pending.force_authn,
                "requested_authn_context": pending.requested,
            }
            encoded = base64.b64encode(response.encode()).decode()
            return args["destination"], encoded, pending.relay_state, session.id

    # --- Single Logout -------------------------------------------------------------------

    def sp_logout_endpoint(self, sp, binding):
        """(binding, URL) of the SP's SingleLogoutService, `binding` first, else the other
        front-channel one; None when the SP has neither."""
        for candidate in (binding, BINDING_HTTP_REDIRECT, BINDING_HTTP_POST):
            endpoints = self.slo_server.metadata.single_logout_service(sp, candidate, "spsso")
            if endpoints:
                return candidate, endpoints[0]["location"]
        return None

    def encode_message(self, xml, binding, destination, relay_state, is_response):
        """("redirect", URL) with the query signed, or ("post", URL, fields) for an
        XML-signed message."""
        if binding == BINDING_HTTP_REDIRECT:
            info = self.slo_server.apply_binding(
                BINDING_HTTP_REDIRECT, xml, destination, relay_state, response=is_response, sign=True, sigalg=SIG_RSA_SHA256
            )
            return "redirect", dict(info["headers"])["Location"]
        name = "SAMLResponse" if is_response else "SAMLRequest"
        return "post", destination, {name: base64.b64encode(xml.encode()).decode(), "RelayState": relay_state}

    def log_message(self, entry):
        self.slo_log.append(entry)
        del self.slo_log[:-50]

    def answer_logout_request(self, fields, binding, session_id, raw_query=None):
        """An SP's LogoutRequest: verified with the SP's metadata key, its sessions here ended,
        answered with a signed LogoutResponse, Success (also when no session matched: the
        principal is signed out here either way). Returns (answer as from encode_message,
        whether the browser's own session ended). Raises on a request that does not verify."""
        with self.lock:
            self.ensure_sp_metadata()
            entry = {"kind": "LogoutRequest", "binding": binding, "fields": fields, "query": raw_query}
            try:
                request = self.slo_server.parse_logout_request(
                    fields["SAMLRequest"], binding, fields.get("RelayState"), fields.get("SigAlg"), fields.get("Signature")
                )
                if request is None:
                    raise ValueError("pysaml2 could not read the LogoutRequest")
            except Exception as error:
                entry["refused"] = repr(error)
                self.log_message(entry)
                raise
            message = request.message
            sp = message.issuer.text.strip()
            name_id = message.name_id.text.strip() if message.name_id is not None and message.name_id.text else None
            indexes = [index.text.strip() for index in message.session_index or [] if index.text]
            ended = []
            for session in list(self.sessions.values()):
                participant = session.participants.get(sp)
                if participant is None or participant.name_id.text != name_id:
                    continue
                if indexes and not set(indexes) & set(participant.session_indexes):
                    continue
                del self.sessions[session.id]
                ended.append(session.id)
            entry.update(issuer=sp, name_id=name_id, session_indexes=indexes, sessions_ended=len(ended), id=message.id)
            self.log_message(entry)
            out_binding, destination = self.sp_logout_endpoint(sp, BINDING_HTTP_REDIRECT)
            response = self.slo_server.create_logout_response(
                message,
                [out_binding],
                sign=out_binding == BINDING_HTTP_POST,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
            )
            answer = self.encode_message(str(response), out_binding, destination, fields.get("RelayState"), True)
            return answer, session_id in ended

    def start_logout(self, session_id, user, binding, only_sp):
        """IdP-initiated Single Logout: ends the browser's session here (or the newest of
        `user` when the browser has none) and starts visiting its SPs. Returns what
        next_logout_step returns. Raises LookupError when there is no session to end."""
        with self.lock:
            self.ensure_sp_metadata()
            session = self.sessions.get(session_id or "")
            if session is not None and user and session.username != user:
                raise LookupError(f"This browser is signed in here as {session.username}, not {user}.")
            if session is None and user:
                theirs = [s for s in self.sessions.values() if s.username == user]
                session = max(theirs, key=lambda s: s.started) if theirs else None
            if session is None:
                raise LookupError("There is no session at this IdP to sign out of.")
            del self.sessions[session.id]
            queue = [(sp, p) for sp, p in session.participants.items() if not only_sp or sp == only_sp]
            state = secrets.token_urlsafe(16)
            self.logouts[state] = OutgoingLogout(username=session.username, binding=binding, queue=queue)
            return self.next_logout_step(state)

    def next_logout_step(self, state):
        """("redirect", URL) or ("post", URL, fields) to the next SP, or ("done", logout)."""
        logout = self.logouts[state]
        while logout.queue:
            sp, participant = logout.queue.pop(0)
            endpoint = self.sp_logout_endpoint(sp, logout.binding)
            if endpoint is None:
                logout.results.append({"sp": sp, "status": "no SingleLogoutService", "signature": ""})
                continue
            binding, destination = endpoint
            request_id, request = self.slo_server.create_logout_request(
                destination,
                sp,
                name_id=participant.name_id,
                session_indexes=participant.session_indexes,
                expire=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300)),
                sign=binding == BINDING_HTTP_POST,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
            )
            logout.request_id, logout.sp = request_id, sp
            return self.encode_message(str(request), binding, destination, state, False)
        del self.logouts[state]
        return "done", logout

    def receive_logout_response(self, fields, binding, raw_query=None):
        """The SP's answer to our LogoutRequest: signature (by the SP's metadata key),
        InResponseTo and Issuer checked, the result noted; then the next SP or the end."""
        with self.lock:
            state = fields.get("RelayState") or ""
            logout = self.logouts.get(state)
            entry = {"kind": "LogoutResponse", "binding": binding, "fields": fields, "query": raw_query}
            self.log_message(entry)
            if logout is None or not logout.request_id:
                entry["refused"] = "no IdP-initiated logout is waiting for this answer"
                raise LookupError("This sign-out answer belongs to no sign-out started here.")
            sp = logout.sp
            signature = self.check_response_signature(fields, binding, sp)
            response = self.slo_server.parse_logout_request_response(fields["SAMLResponse"], binding)
            message = response.response
            status = message.status.status_code.value if message.status and message.status.status_code else ""
            issuer = message.issuer.text.strip() if message.issuer is not None and message.issuer.text else ""
            problems = []
            if message.in_response_to != logout.request_id:
                problems.append(f"InResponseTo is {message.in_response_to}, expected {logout.request_id}")
            if issuer != sp:
                problems.append(f"Issuer is {issuer}, expected {sp}")
            result = {"sp": sp, "status": status, "signature": signature, "problems": problems}
            entry.update(result)
            logout.results.append(result)
            logout.request_id = ""
            return self.next_logout_step(state)

    def check_response_signature(self, fields, binding, sp):
        """"verified", "missing" or "invalid": the query signature (Redirect) or the XML
        signature (POST), checked against the SP's metadata certificates only."""
        if binding == BINDING_HTTP_REDIRECT:
            if not fields.get("Signature") or not fields.get("SigAlg"):
                return "missing"
            signed = {k: fields[k] for k in ("SAMLResponse", "RelayState", "SigAlg", "Signature") if k in fields}
            certs = self.slo_server.metadata.certs(sp, "spsso", "signing")
            backend = self.slo_server.sec.sec_backend
            try:
                ok = any(verify_redirect_signature(signed, backend, cert) for _, cert in certs)
            except Exception:
                ok = False
            return "verified" if ok else "invalid"
        xml = base64.b64decode(fields["SAMLResponse"]).decode()
        if "SignatureValue" not in xml:
            return "missing"
        try:
            self.slo_server.sec.correctly_signed_logout_response(xml, must=True)
        except Exception:
            return "invalid"
        return "verified"

    def session_of(self, session_id):
        with self.lock:
            return self.sessions.get(session_id or "")


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto}}
label,input,button{{display:block;margin:.4rem 0}} .error{{color:#b00}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""


def login_page(idp, key, error="", pending=None, session=None):
    error_html = f'<p class="error" id="error">{html.escape(error)}</p>' if error else ""
    continue_html = ""
    if session is not None:
        continue_html = f"""<p id="idp-session">You are signed in here as <b id="idp-user">{html.escape(session.username)}</b>.</p>
<form method="post" action="/login" id="continue-form"><input type="hidden" name="key" value="{html.escape(key)}">
<input type="hidden" name="reuse" value="1"><button type="submit" id="continue-as">Continue as {html.escape(session.username)}</button></form>"""
    code_html = ""
    if pending is not None and pending.authn_class == MULTI_FACTOR:
        code_html = '<label for="otp">One-time code</label><input id="otp" name="otp" autocomplete="one-time-code">'
    body = f"""{error_html}{continue_html}<form method="post" action="/login" id="login">
<input type="hidden" name="key" value="{html.escape(key)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password">{code_html}
<button type="submit" id="sign-in">Sign in</button></form>"""
    return PAGE.format(title=html.escape(f"Sign in to {idp.args.display_name}"), body=body)


def post_page(destination, saml_response, relay_state, hold):
    relay = f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">' if relay_state else ""
    script = "" if hold else "<script>document.getElementById('saml-post').submit()</script>"
    body = f"""<form method="post" action="{html.escape(destination)}" id="saml-post">
<input type="hidden" name="SAMLResponse" value="{saml_response}">{relay}
<button type="submit" id="continue">Continue to the application</button></form>{script}"""
    return PAGE.format(title="Signing you in", body=body)


def logout_post_page(destination, fields):
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">' for name, value in fields.items() if value
    )
    body = f"""<form method="post" action="{html.escape(destination)}" id="saml-post">{inputs}
<button type="submit" id="continue">Continue signing out</button></form>
<script>document.getElementById('saml-post').submit()</script>"""
    return PAGE.format(title="Signing you out", body=body)


def logout_done_page(idp, logout):
    items = "".join(
        f'<li class="sp-result" data-sp="{html.escape(r["sp"])}" data-status="{html.escape(r["status"])}" '
        f'data-signature="{html.escape(r["signature"])}" data-problems="{html.escape("; ".join(r.get("problems", [])))}">'
        f'{html.escape(r["sp"])}: {html.escape(r["status"].rsplit(":", 1)[-1])} (signature {html.escape(r["signature"])})</li>'
        for r in logout.results
    )
    body = f"""<p id="signed-out">{html.escape(logout.username)} is signed out of {html.escape(idp.args.display_name)}.</p>
<ul id="sp-results">{items}</ul>"""
    return PAGE.format(title="Signed out", body=body)


def make_handler(idp):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            sys.stderr.write(f"idp[{idp.args.port}] {fmt % args}\n")

        def send(self, status, body, content_type="text/html; charset=utf-8", cookie=None):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            if cookie is not None:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            self.wfile.write(data)

        def redirect(self, location, cookie=None):
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            if cookie is not None:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()

        def session_id(self):
            jar = http.cookies.SimpleCookie(self.headers.get("Cookie") or "")
            morsel = jar.get(idp.cookie_name)
            return morsel.value if morsel else None

        def set_session(self, value):
            return f"{idp.cookie_name}={value}; Path=/; HttpOnly; SameSite=Lax"

        def clear_session(self):
            return f"{idp.cookie_name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"

        def form(self):
            length = int(self.headers.get("Content-Length") or 0)
            fields = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            return {name: values[0] for name, values in fields.items()}

        def bad_request(self, message):
            body = f"<p id='error'>{html.escape(message)}</p>"
            return self.send(400, PAGE.format(title="Bad request", body=body))

        def start(self, fields, binding):
            if "SAMLRequest" not in fields:
                return self.send(400, PAGE.format(title="Bad request", body="<p>No SAMLRequest.</p>"))
            try:
                answer = idp.receive_request(
                    fields["SAMLRequest"], binding, fields.get("RelayState"), fields.get("SigAlg"), fields.get("Signature")
                )
            except Exception as error:  # pysaml2 raises many types; all mean "bad request"
                self.log_message("AuthnRequest refused: %r", error)
                return self.bad_request(f"The sign-in request was refused: {error}")
            if answer[0] == "post":
                _, destination, response, relay_state = answer
                return self.send(200, post_page(destination, response, relay_state, hold=False))
            _, key, pending = answer
            session = idp.reusable_session(self.session_id(), pending)
            self.send(200, login_page(idp, key, pending=pending, session=session))

        def single_logout(self, fields, binding, raw_query=None):
            """A LogoutRequest from an SP, or an SP's LogoutResponse to our request."""
            if "SAMLRequest" in fields:
                session_id = self.session_id()
                try:
                    answer, own_ended = idp.answer_logout_request(fields, binding, session_id, raw_query)
                except Exception as error:
                    self.log_message("LogoutRequest refused: %r", error)
                    return self.bad_request(f"The sign-out request was refused: {error}")
                cookie = self.clear_session() if own_ended or idp.session_of(session_id) is None else None
                return self.answer(answer, cookie)
            if "SAMLResponse" in fields:
                try:
                    step = idp.receive_logout_response(fields, binding, raw_query)
                except Exception as error:
                    self.log_message("LogoutResponse refused: %r", error)
                    return self.bad_request(f"The sign-out answer was refused: {error}")
                return self.answer(step)
            return self.bad_request("No SAMLRequest or SAMLResponse.")

        def answer(self, step, cookie=None):
            if step[0] == "redirect":
                return self.redirect(step[1], cookie)
            if step[0] == "post":
                return self.send(200, logout_post_page(step[1], step[2]), cookie=cookie)
            return self.send(200, logout_done_page(idp, step[1]), cookie=cookie)

        def logout_all(self, query):
            binding = BINDING_HTTP_POST if query.get("binding") == "post" else BINDING_HTTP_REDIRECT
            try:
                step = idp.start_logout(self.session_id(), query.get("user"), binding, query.get("sp"))
            except LookupError as error:
                return self.send(404, PAGE.format(title="Not signed in", body=f"<p id='error'>{html.escape(str(error))}</p>"))
            self.answer(step, self.clear_session())

        def session_page(self):
            session = idp.session_of(self.session_id())
            if session is None:
                body = '<p id="no-idp-session">You are not signed in here.</p>'
            else:
                body = f'<p id="idp-session">Signed in as <b id="idp-user">{html.escape(session.username)}</b>.</p>'
            self.send(200, PAGE.format(title=html.escape(idp.args.display_name), body=body))

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
            if url.path == "/metadata":
                self.send(200, idp.metadata, "application/samlmetadata+xml")
            elif url.path == "/sso/redirect":
                self.start(query, BINDING_HTTP_REDIRECT)
            elif url.path == "/slo/redirect":
                self.single_logout(query, BINDING_HTTP_REDIRECT, url.query)
            elif url.path == "/logout-all":
                self.logout_all(query)
            elif url.path == "/session":
                self.session_page()
            elif url.path == "/issued":
                with idp.lock:
                    self.send(200, json.dumps(idp.issued), "application/json")
            elif url.path == "/logouts":
                with idp.lock:
                    self.send(200, json.dumps(idp.slo_log), "application/json")
            elif url.path == "/healthz":
                self.send(200, "ok", "text/plain")
            else:
                self.send(404, PAGE.format(title="Not found", body=""))

        def do_POST(self):
            fields = self.form()
            if self.path == "/sso/post":
                return self.start(fields, BINDING_HTTP_POST)
            if self.path == "/slo/post":
                return self.single_logout(fields, BINDING_HTTP_POST)
            if self.path != "/login":
                return self.send(404, PAGE.format(title="Not found", body=""))
            hooks = idp.args.test_hooks
            key = fields.get("key", "")
            try:
                destination, response, relay_state, session_id = idp.sign_in(
                    key,
                    fields.get("username", ""),
                    fields.get("password", ""),
                    fields.get("otp"),
                    expired=hooks and fields.get("e2e_expired") == "1",
                    session_id=self.session_id(),
                    reuse=fields.get("reuse") == "1",
                )
            except PermissionError as error:
                with idp.lock:
                    pending = idp.pending.get(key)
                session = idp.reusable_session(self.session_id(), pending)
                return self.send(200, login_page(idp, key, str(error), pending=pending, session=session))
            except LookupError as error:
                return self.bad_request(str(error))
            page = post_page(destination, response, relay_state, hooks and fields.get("e2e_hold") == "1")
            self.send(200, page, cookie=self.set_session(session_id))

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
