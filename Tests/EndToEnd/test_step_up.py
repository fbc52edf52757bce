"""Step-up login in real Chromium: `/secure` requires the AuthnContextClassRef
https://refeds.org/profile/mfa (run.sh's config). A session from a password login is sent back
to its IdP with ForceAuthn and RequestedAuthnContext, signs in again with a one-time code, and
lands on the URL it asked for, query string and all. Needs the stack run.sh starts."""

from test_browser import DEEP_LINK, sign_in

PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MULTI_FACTOR = "https://refeds.org/profile/mfa"
SECURE_LINK = "/secure/payroll/run?period=2026-11&dry_run=1"


def test_step_up_login_reaches_the_stronger_context_and_returns_to_the_same_url(browser, stack):
    sign_in(browser, stack, "alice")
    browser.wait_url(stack.gatehouse + DEEP_LINK, "back-at-deep-link")
    first = stack.issued_record(stack.idp_a, "alice")
    assert first["authn_class"] == PASSWORD
    assert not first["force_authn"]

    browser.open(stack.gatehouse + SECURE_LINK, "secure-link")
    browser.wait_url(stack.idp_a, "step-up-form")
    # ForceAuthn: the IdP's session may not answer; it asks for the password and the code.
    assert not browser.find_all("#continue-as"), "ForceAuthn did not reach the IdP"
    assert browser.find_all("#otp"), "the IdP was not asked for the stronger context"
    browser.find("#otp").send_keys("alice-otp")
    browser.sign_in_at_idp("alice", "alice-password")
    browser.wait_url(stack.gatehouse + SECURE_LINK, "back-at-secure-link")

    stepped = stack.issued_record(stack.idp_a, "alice")
    assert stepped["force_authn"]
    assert stepped["requested_authn_context"] == [MULTI_FACTOR]
    assert stepped["authn_class"] == MULTI_FACTOR
    seen = browser.echo()
    assert seen["path"] == "/secure/payroll/run"
    assert seen["query"] == "period=2026-11&dry_run=1"
    assert seen["headers"]["X-Forwarded-User"] == stepped["name_id"]

    # The stronger session still opens the rest, and /secure again without another login.
    browser.open(stack.gatehouse + "/secure/other", "secure-again")
    assert browser.url == stack.gatehouse + "/secure/other"
    assert browser.echo()["path"] == "/secure/other"
    browser.open(stack.gatehouse + DEEP_LINK, "deep-link-again")
    assert browser.url == stack.gatehouse + DEEP_LINK


def test_without_the_code_the_step_up_does_not_pass(browser, stack):
    sign_in(browser, stack, "alice")
    browser.wait_url(stack.gatehouse + DEEP_LINK, "back-at-deep-link")
    browser.open(stack.gatehouse + SECURE_LINK, "secure-link")
    browser.wait_url(stack.idp_a, "step-up-form")
    browser.find("#otp").send_keys("000000")
    browser.sign_in_at_idp("alice", "alice-password")
    browser.wait_url(lambda url: browser.find_all("#error"), "wrong-code")
    assert "one-time code" in browser.text()
    assert browser.url.startswith(stack.idp_a)
