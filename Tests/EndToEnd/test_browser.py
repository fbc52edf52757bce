"""Real headless Chromium through gatehouse serve, the pysaml2 IdPs and the echo upstream.
Needs the stack run.sh starts; see conftest.py for what it holds."""

import base64
import re
import urllib.parse

from browser import wait_for

DEEP_LINK = "/app/reports/q3?view=full&sort=desc"


def sign_in(browser, stack, user, idp=None, deep_link=DEEP_LINK, gatehouse=None):
    """Opens `deep_link` on gatehouse, follows the redirect to the IdP and signs in there."""
    gatehouse = gatehouse or stack.gatehouse
    idp = idp or stack.idp_a
    browser.open(gatehouse + deep_link, "deep-link")
    browser.wait_url(idp, "idp-login-form")
    browser.sign_in_at_idp(user, f"{user}-password")


def reference_on_error_page(browser):
    """The reference ID the error page shows (`Reference: <code>…</code>`)."""
    match = re.search(r"Reference:\s*(\S+?)\.?\s", browser.text() + " ")
    assert match, f"no reference ID on the error page:\n{browser.text()}"
    return match.group(1)


def log_line_with(stack, log, reference):
    lines = wait_for(lambda: stack.log_lines_with(log, reference))
    assert lines, f"reference {reference} is not in {log}"
    return "\n".join(lines)


def test_user_in_required_group_lands_on_deep_link_with_identity_headers(browser, stack):
    sign_in(browser, stack, "alice")
    browser.wait_url(stack.gatehouse + DEEP_LINK, "back-at-deep-link")
    seen = browser.echo()
    assert seen["path"] == "/app/reports/q3"
    assert seen["query"] == "view=full&sort=desc"
    headers = seen["headers"]
    assert headers["X-Forwarded-User"] == stack.issued(stack.idp_a, "alice")
    assert headers["X-Forwarded-Email"] == "alice@example.com"
    assert headers["X-Forwarded-Groups"].split(",") == ["engineering", "staff"]
    assert headers["X-Forwarded-Preferred-Username"] == "alice"


def test_the_session_carries_on_to_other_pages_without_the_idp(browser, stack):
    sign_in(browser, stack, "alice")
    browser.wait_url(stack.gatehouse + DEEP_LINK, "back-at-deep-link")
    browser.open(stack.gatehouse + "/app/other?x=1", "second-page")
    assert browser.url == stack.gatehouse + "/app/other?x=1"
    assert browser.echo()["headers"]["X-Forwarded-Email"] == "alice@example.com"


def test_identity_headers_sent_by_the_browser_never_reach_the_app(browser, stack):
    browser.send_extra_headers({
        "X-Forwarded-User": "mallory",
        "x-forwarded-email": "mallory@evil.example",
        "X_Forwarded_Groups": "admins",
    })  # fmt: skip
    sign_in(browser, stack, "alice")
    browser.wait_url(stack.gatehouse + DEEP_LINK, "back-at-deep-link")
    received = browser.echo()["header_list"]
    normalised = [(name.lower().replace("_", "-"), value) for name, value in received]
    assert [v for n, v in normalised if n == "x-forwarded-user"] == [stack.issued(stack.idp_a, "alice")]
    assert [v for n, v in normalised if n == "x-forwarded-email"] == ["alice@example.com"]
    assert [v for n, v in normalised if n == "x-forwarded-groups"] == ["engineering,staff"]


def test_user_without_the_group_gets_403_naming_it(browser, stack):
    sign_in(browser, stack, "bob")
    browser.wait_url(stack.gatehouse + DEEP_LINK, "access-denied")
    assert browser.title() == "Access denied"
    text = browser.text()
    assert "engineering" in text
    assert "bob" in text
    assert "X-Forwarded-User" not in browser.driver.page_source  # the app was not reached


def test_user_without_the_group_may_still_open_unrestricted_paths(browser, stack):
    sign_in(browser, stack, "bob", deep_link="/open/page")
    browser.wait_url(stack.gatehouse + "/open/page", "open-page")
    assert browser.echo()["headers"]["X-Forwarded-Groups"] == "staff"


def test_chooser_lists_both_idps_by_name(browser, stack):
    browser.open(stack.gatehouse_multi + DEEP_LINK, "chooser")
    links = browser.find_all("#idps a")
    names = [link.text for link in links]
    assert len(links) == 2, names
    assert any("Example.com" in name for name in names), names
    assert any("Example.org" in name for name in names), names


def test_chooser_click_signs_in_at_the_chosen_idp(browser, stack):
    browser.open(stack.gatehouse_multi + DEEP_LINK, "chooser")
    assert browser.url.startswith(stack.gatehouse_multi), "two IdPs must show the chooser, not redirect"
    def idp_of(link):
        query = urllib.parse.urlsplit(link.get_attribute("href")).query
        return urllib.parse.parse_qs(query).get("idp", [None])[0]

    choice = [a for a in browser.find_all("#idps a") if idp_of(a) == stack.idp_b_entity]
    assert choice, "no chooser link for IdP B"
    choice[0].click()
    browser.wait_url(stack.idp_b, "idp-b-login-form")
    browser.sign_in_at_idp("carol", "carol-password")
    browser.wait_url(stack.gatehouse_multi + DEEP_LINK, "back-at-deep-link")
    assert browser.echo()["headers"]["X-Forwarded-Email"] == "carol@example.org"


def test_chooser_email_domain_typed_in_picks_the_idp(browser, stack):
    browser.open(stack.gatehouse_multi + DEEP_LINK, "chooser")
    search = browser.find("#q")
    search.send_keys("alice@example.com")
    search.submit()
    browser.wait_url(stack.idp_a, "idp-a-login-form")
    browser.sign_in_at_idp("alice", "alice-password")
    browser.wait_url(stack.gatehouse_multi + DEEP_LINK, "back-at-deep-link")
    assert browser.echo()["headers"]["X-Forwarded-Email"] == "alice@example.com"


def test_login_hint_with_email_domain_skips_the_chooser(browser, stack):
    query = urllib.parse.urlencode({"login_hint": "carol@example.org", "rd": "/app/x?y=1"})
    browser.open(f"{stack.gatehouse_multi}/saml/login?{query}", "login-hint")
    browser.wait_url(stack.idp_b, "idp-b-login-form")
    browser.sign_in_at_idp("carol", "carol-password")
    browser.wait_url(stack.gatehouse_multi + "/app/x?y=1", "back-at-rd")


def test_after_logout_the_next_request_goes_to_login(browser, stack):
    sign_in(browser, stack, "alice")
    browser.wait_url(stack.gatehouse + DEEP_LINK, "back-at-deep-link")
    # A GET only offers the button: signing out is a same-origin POST.
    browser.open(stack.gatehouse + "/saml/logout", "logout-page")
    assert "signed out" not in browser.text().lower()
    browser.find("form[method=post] button[type=submit]").click()

    def signed_out():
        try:
            return "signed out" in browser.text().lower()
        except Exception:  # the page is being replaced
            return False

    assert wait_for(signed_out), browser.text()
    browser.snap("logged-out")
    browser.open(stack.gatehouse + DEEP_LINK, "deep-link-after-logout")
    browser.wait_url(stack.idp_a, "idp-login-form-again")
    assert browser.find("#username")


def tamper(browser):
    """Rewrites the held SAMLResponse so the NameID and the email say mallory instead of alice."""
    field = browser.find("input[name=SAMLResponse]")
    xml = base64.b64decode(field.get_attribute("value")).decode()
    forged = xml.replace(">alice<", ">mallory<").replace("alice@example.com", "mallory@example.com")
    assert forged != xml
    browser.driver.execute_script("arguments[0].value = arguments[1]", field, base64.b64encode(forged.encode()).decode())


def test_tampered_response_gives_error_page_with_reference_in_the_log(browser, stack):
    browser.open(stack.gatehouse + DEEP_LINK, "deep-link")
    browser.wait_url(stack.idp_a, "idp-login-form")
    browser.sign_in_at_idp("alice", "alice-password", hidden={"e2e_hold": "1"})
    browser.wait_url(lambda url: browser.find_all("#continue"), "held-response")
    tamper(browser)
    browser.find("#continue").click()
    browser.wait_url(stack.gatehouse + "/saml/acs", "error-page")
    assert browser.title() == "Sign-in failed"
    assert "mallory" not in browser.text()
    reference = reference_on_error_page(browser)
    line = log_line_with(stack, stack.gatehouse_log, reference)
    assert "signatureInvalid" in line
    browser.open(stack.gatehouse + "/saml/whoami", "whoami")
    assert "mallory" not in browser.text() and "alice" not in browser.text()


def test_expired_response_gives_error_page_with_reference_in_the_log(browser, stack):
    browser.open(stack.gatehouse + DEEP_LINK, "deep-link")
    browser.wait_url(stack.idp_a, "idp-login-form")
    browser.sign_in_at_idp("alice", "alice-password", hidden={"e2e_expired": "1"})
    browser.wait_url(stack.gatehouse + "/saml/acs", "error-page")
    assert browser.title() == "Sign-in failed"
    reference = reference_on_error_page(browser)
    line = log_line_with(stack, stack.gatehouse_log, reference)
    assert "expired" in line
