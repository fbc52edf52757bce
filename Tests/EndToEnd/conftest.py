"""pytest setup for the end-to-end suite.

test_idp.py and test_upstream.py start what they need themselves. The browser tests need the
whole stack that run.sh starts (IdPs, echo upstream, two gatehouse instances); run.sh describes
it in a JSON file named by E2E_STACK. On a browser-test failure every page the test went
through is saved under E2E_OUTPUT (default .ci/output/e2e) and the paths are printed."""

import json
import os
import re
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser as browser_module  # noqa: E402
import harness  # noqa: E402


@dataclass
class Stack:
    """URLs and log files of the running stack (keys as run.sh writes them)."""

    gatehouse: str  # one IdP (IdP A); /app requires group engineering
    gatehouse_log: str
    gatehouse_multi: str  # two IdPs (A and B): the chooser
    gatehouse_multi_log: str
    idp_a: str  # example.com: alice (engineering, staff), bob (staff)
    idp_a_entity: str
    idp_b: str  # example.org: carol (engineering)
    idp_b_entity: str
    upstream: str
    scim_token: str = ""  # bearer token of the single-IdP gateway's SCIM endpoint ("" when none)

    def issued(self, idp, user):
        """The NameID that IdP last issued for `user`."""
        return self.issued_record(idp, user)["name_id"]

    def issued_record(self, idp, user):
        """What that IdP last issued for `user`: name_id, format, session_index, authn_class."""
        with urllib.request.urlopen(f"{idp}/issued") as reply:
            return json.load(reply)[user]

    def log_lines_with(self, log, needle):
        return [line for line in Path(log).read_text(errors="replace").splitlines() if needle in line]


@pytest.fixture(scope="session")
def stack():
    path = os.environ.get("E2E_STACK")
    if not path:
        pytest.skip("the browser suite runs under Tests/EndToEnd/run.sh, which starts gatehouse (E2E_STACK unset)")
    return Stack(**json.loads(Path(path).read_text()))


@pytest.fixture(scope="session")
def chromium(stack):
    driver = browser_module.start_chromium()
    yield driver
    driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def browser(chromium, request):
    page = browser_module.Browser(chromium)
    page.reset()
    yield page
    failed = any(getattr(request.node, f"report_{when}", None) and getattr(request.node, f"report_{when}").failed for when in ("setup", "call"))
    if failed:
        output = Path(os.environ.get("E2E_OUTPUT", harness.ROOT / ".ci" / "output" / "e2e"))
        folder = output / re.sub(r"[^\w.-]+", "_", request.node.name)
        written = page.save(str(folder))
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"e2e: screenshots of {request.node.name}:"] + [f"  {p}" for p in written]
        for line in lines:
            reporter.write_line(line) if reporter else print(line)
