"""Passkeys as the second factor, in Chromium with its virtual authenticator: a publisher who
must use two-factor adds one through allauth's pages, signs out, signs in again with the
password and the passkey, and cannot pass the second step once the key's credential is gone,
not even by replaying an earlier answer.

The virtual authenticator (the DevTools protocol's WebAuthn domain) answers
navigator.credentials.create() and get() as a platform passkey with user verification would.
WebAuthn needs a secure context and a domain as the relying party's id (browsers refuse an IP
address), so the live server is reached as http://localhost:<port>, which browsers count as
secure. The server checks the origin as in production: python-fido2 accepts http://localhost,
so MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN, which turns that check off, stays off here.
"""

from urllib.parse import parse_qs

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from cms.factories import make_user
from tests.test_browser import (  # noqa: F401 - fixtures
    SCREENSHOTS,
    allow_sync_orm_beside_playwright,
    browser,
    describe,
    live_world,
    run_axe,
    url,
)
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "passkey.publisher@world.test"
WIDTHS = (390, 1280)
VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
    "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
}


@pytest.fixture
def page(browser):  # noqa: F811 - the shared browser fixture
    """A page that records Content-Security-Policy violations and uncaught script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations, page.script_errors = [], []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: page.script_errors.append(str(error)))
    yield page
    context.close()


class VirtualAuthenticator:
    """Chromium's virtual authenticator for one page, through the DevTools protocol."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable", {"enableUI": False})
        self.id = self.cdp.send("WebAuthn.addVirtualAuthenticator",
                                {"options": VIRTUAL_AUTHENTICATOR})["authenticatorId"]

    def credentials(self):
        return self.cdp.send("WebAuthn.getCredentials",
                             {"authenticatorId": self.id})["credentials"]

    def clear_credentials(self):
        self.cdp.send("WebAuthn.clearCredentials", {"authenticatorId": self.id})


def assert_clean(page, where):
    assert not page.csp_violations, f"CSP violations on {where}:\n" + "\n".join(
        page.csp_violations)
    assert not page.script_errors, f"script errors on {where}:\n" + "\n".join(
        page.script_errors)


def assert_axe_clean(page, where):
    """Nothing serious or critical from axe-core, and no sideways scrolling, at each width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"passkey-{where.replace(' ', '-')}-{width}.png",
                        full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{where}: {scroll_width} px wide at {width} px"
        serious = [v for v in run_axe(page)["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert not serious, f"axe-core found on {where} at {width} px:\n{describe(serious)}"
    page.set_viewport_size({"width": 1280, "height": 900})


def sign_in_with_password(page, live_server):
    page.goto(url(live_server, "/accounts/login/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.locator("summary", has_text="Account").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Sign in")).to_be_visible()


def session_of(page):
    """The server's session behind the browser's cookie."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    return SessionStore(session_key=key).load()


def test_a_publisher_adds_a_passkey_and_signs_in_with_it(
        page, live_server, live_world):  # noqa: F811 - shared fixtures
    assert live_server.url.startswith("http://localhost:"), live_server.url
    # The settings are the process's, so the live server's thread checks origins too.
    assert mfa_settings.WEBAUTHN_ALLOW_INSECURE_ORIGIN is False
    assert not mfa_settings.PASSKEY_LOGIN_ENABLED
    publisher = make_user(EMAIL, password=PASSWORD, org=live_world.orgs["source"],
                          role="publisher")
    authenticator = VirtualAuthenticator(page)

    # Passkeys are a second factor here, not a way in on their own.
    page.goto(url(live_server, "/accounts/login/"))
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_have_count(0)

    # No second factor yet: the password lets them in, and every page sends them to set one up.
    sign_in_with_password(page, live_server)
    page.goto(url(live_server, "/subscriptions/"))
    expect(page).to_have_url(url(live_server, "/accounts/2fa/"))
    expect(page.get_by_text("Your role needs two-factor authentication")).to_be_visible()
    assert_clean(page, "the two-factor page")
    assert_axe_clean(page, "the two-factor page")

    # Security Keys -> Add, then allauth's form: a name and an Add button whose script asks the
    # authenticator for a new credential and posts it.
    keys = page.locator("section", has=page.get_by_role("heading", name="Security Keys"))
    keys.get_by_role("link", name="Add", exact=True).click()
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(url(live_server, "/accounts/2fa/webauthn/add/"))
    expect(page.get_by_role("heading", level=1, name="Add Security Key")).to_be_visible()
    expect(page.get_by_label("Passwordless")).to_have_count(0)  # no passkey-only sign-in
    assert_clean(page, "the add-a-key page")
    assert_axe_clean(page, "the add-a-key page")
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_role("button", name="Add", exact=True).click()
    # The first key also makes recovery codes, which allauth shows next.
    expect(page).to_have_url(url(live_server, "/accounts/2fa/recovery-codes/"))
    assert_clean(page, "adding a key")
    key = Authenticator.objects.get(user=publisher, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Work laptop"
    assert Authenticator.objects.filter(
        user=publisher, type=Authenticator.Type.RECOVERY_CODES).exists()
    [credential] = authenticator.credentials()
    assert credential["rpId"] == "localhost"
    # With a second factor the portal lets them through.
    assert page.goto(url(live_server, "/subscriptions/")).status == 200
    expect(page).to_have_url(url(live_server, "/subscriptions/"))
    page.goto(url(live_server, "/accounts/2fa/"))
    expect(page.get_by_text("You have added 1 security key.")).to_be_visible()

    # Signing in again: the password, then the passkey answers the second step.
    sign_out(page)
    sign_in_with_password(page, live_server)
    expect(page).to_have_url(url(live_server, "/accounts/2fa/authenticate/"))
    expect(page.get_by_role("heading", level=1, name="Two-Factor Authentication")).to_be_visible()
    assert "_auth_user_id" not in session_of(page)
    assert_clean(page, "the second step")
    assert_axe_clean(page, "the second step")
    with page.expect_request(lambda r: r.method == "POST"
                             and r.url.endswith("/accounts/2fa/authenticate/")) as posted:
        page.get_by_role("button", name="Use a security key").click()
    answer = parse_qs(posted.value.post_data)["credential"][0]
    expect(page).to_have_url(url(live_server, "/"))
    expect(page.locator(".messages")).to_contain_text("Successfully signed in")
    assert page.goto(url(live_server, "/subscriptions/")).status == 200
    expect(page).to_have_url(url(live_server, "/subscriptions/"))
    expect(page.get_by_role("heading", level=1, name="Subscriptions")).to_be_visible()
    session = session_of(page)
    assert session["_auth_user_id"] == str(publisher.pk)
    methods = session["account_authentication_methods"]
    assert [m["method"] for m in methods] == ["password", "mfa"]
    assert (methods[1]["type"], methods[1]["id"]) == (Authenticator.Type.WEBAUTHN, key.pk)
    assert_clean(page, "signing in with the passkey")

    # With the key's credential gone the browser has no answer, so nothing is posted; the
    # earlier answer, replayed through the same form, is refused (its challenge is spent).
    sign_out(page)
    authenticator.clear_credentials()
    sign_in_with_password(page, live_server)
    expect(page).to_have_url(url(live_server, "/accounts/2fa/authenticate/"))
    page.evaluate("""() => {
        window.webauthnErrors = [];
        document.addEventListener('allauth.error',
                                  event => window.webauthnErrors.push(event.detail.exception.name));
    }""")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_function("window.webauthnErrors.length > 0")
    assert page.evaluate("window.webauthnErrors") == ["NotAllowedError"]
    assert posts == []
    with page.expect_navigation():
        page.evaluate("""answer => {
            const field = document.querySelector('input[name=credential]');
            field.value = answer;
            field.form.submit();
        }""", answer)
    assert posts == [url(live_server, "/accounts/2fa/authenticate/")]
    expect(page).to_have_url(url(live_server, "/accounts/2fa/authenticate/"))
    expect(page.get_by_role("alert").filter(
        has_text="That security key was not accepted")).to_be_visible()
    expect(page.get_by_text("Hidden field")).to_have_count(0)
    assert "_auth_user_id" not in session_of(page)
    page.goto(url(live_server, "/subscriptions/"))
    expect(page).to_have_url(url(live_server, "/accounts/2fa/authenticate/"))
    assert "_auth_user_id" not in session_of(page)
    assert_clean(page, "the refused second step")
