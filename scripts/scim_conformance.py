"""Runs scim2-tester's protocol checks against a running Gatehouse SCIM endpoint.

Usage: python3 scripts/scim_conformance.py BASE_URL TOKEN

Prints one line per check and exits non-zero when any check reports an RFC violation
(ERROR or CRITICAL). Deviations from a SHOULD are printed but do not fail the run.
"""

import sys

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

FAILING = {Status.ERROR, Status.CRITICAL}


def main() -> int:
    base_url, token = sys.argv[1], sys.argv[2]
    http = httpx2.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    client = SyncSCIMClient(http)
    results = check_server(client)
    failures = 0
    for result in results:
        where = f"[{result.resource_type}] " if getattr(result, "resource_type", None) else ""
        print(f"{result.status.name:10} {where}{result.title}: {result.reason or ''}")
        if result.status in FAILING:
            failures += 1
    counted = [r for r in results if r.status != Status.SKIPPED]
    print(f"scim2-tester: {len(counted) - failures} passed, {failures} failed")
    return 1 if failures or not counted else 0


if __name__ == "__main__":
    sys.exit(main())
