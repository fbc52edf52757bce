#!/usr/bin/env python3
"""The reference validator: python3-saml (OneLogin) validating the same pool of responses as
`gatehouse-bench validator`, on one thread, for --seconds. Prints one JSON line."""
import argparse
import calendar
import datetime
import json
import os
import sys
import time

from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils

SP = "https://sp.example.com/saml/metadata"
ACS = "https://sp.example.com/saml/acs"
IDP = "https://idp.example.com/metadata"
REQUEST_ID = "_req-3c8d41a2"
REQUEST_DATA = {"https": "on", "http_host": "sp.example.com", "server_port": "443", "script_name": "/saml/acs",
                "get_data": {}, "post_data": {}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", required=True)
    parser.add_argument("--kind", default="rsa")
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--keys", default="Fixtures/keys")
    parser.add_argument("--now", default="2026-06-01T12:01:00Z")
    args = parser.parse_args()

    fixed = calendar.timegm(datetime.datetime.strptime(args.now, "%Y-%m-%dT%H:%M:%SZ").timetuple())
    # python3-saml reads the clock itself; pin it to the fixtures' instant like the Swift side.
    OneLogin_Saml2_Utils.now = staticmethod(lambda: fixed)

    def read(name):
        with open(os.path.join(args.keys, name), encoding="utf-8") as handle:
            return handle.read()

    cert = read("idp-ec.crt" if args.kind == "ec" else "idp-rsa.crt")
    settings = OneLogin_Saml2_Settings({
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": SP,
            "assertionConsumerService": {"url": ACS, "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"},
            "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            "x509cert": read("sp.crt"),
            "privateKey": read("sp.key"),
        },
        "idp": {
            "entityId": IDP,
            "singleSignOnService": {"url": "https://idp.example.com/sso",
                                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"},
            "x509cert": cert,
        },
        "security": {"wantAssertionsSigned": True, "wantAssertionsEncrypted": args.kind == "encrypted"},
    })
    with open(args.responses, encoding="utf-8") as handle:
        pool = [line.strip() for line in handle if line.strip()]

    def validate(text):
        response = OneLogin_Saml2_Response(settings, text)
        if not response.is_valid(REQUEST_DATA, REQUEST_ID, raise_exceptions=True):
            raise SystemExit("python3-saml rejected a response: %s" % response.get_error())
        response.get_nameid()
        response.get_attributes()

    for text in pool[:20]:
        validate(text)
    latencies = []
    count = 0
    wall_start = time.monotonic()
    cpu_start = time.process_time()
    index = 0
    while time.monotonic() - wall_start < args.seconds:
        started = time.monotonic()
        validate(pool[index])
        latencies.append(time.monotonic() - started)
        index = (index + 1) % len(pool)
        count += 1
    wall = time.monotonic() - wall_start
    cpu = time.process_time() - cpu_start
    latencies.sort()
    print(json.dumps({
        "kind": args.kind, "ops": count, "wall_s": wall, "cpu_s": cpu, "ops_per_s": count / wall,
        "ops_per_cpu_s": count / cpu, "cpu_us_per_op": cpu / count * 1e6,
        "p50_us": latencies[len(latencies) // 2] * 1e6, "p99_us": latencies[int(len(latencies) * 0.99)] * 1e6,
    }, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
