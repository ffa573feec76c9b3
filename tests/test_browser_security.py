"""In a real browser, under the Content-Security-Policy: every key page's scripts and styles
load with no violation, the editor works, and the two-factor set-up and the audit trail pass
axe-core."""

import re

import pytest
from playwright.sync_api import expect

from portal.core.tlp import TLP
from tests.test_browser import (  # noqa: F401 - pytest fixtures shared with the browser tests
    allow_sync_orm_beside_playwright,
    browser,
    describe,
    live_world,
    run_axe,
    url,
)
from tests.world import PASSWORD, totp_code

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):  # noqa: F811
    """A page that records every Content-Security-Policy violation it reports."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()


def sign_in(page, live_server, email):
    page.goto(url(live_server, "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if "/accounts/2fa/authenticate/" in page.url:
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile("/accounts/(login|2fa/authenticate)/"))


def assert_no_csp_violations(page, where):
    assert not page.csp_violations, f"CSP violations on {where}:\n" + "\n".join(
        page.csp_violations)


PORTAL_PAGES = ["/", "/search/?q=matrix", "/subscriptions/new/?topic=supply-chain",
                "/accounts/2fa/", "/accounts/email/"]


def test_portal_pages_work_under_the_policy(page, live_server, live_world):
    sign_in(page, live_server, "source_member@world.test")
    for path in [*PORTAL_PAGES, live_world.items[TLP.AMBER].url]:
        response = page.goto(url(live_server, path))
        assert response.status == 200, path
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert "permissions-policy" in response.headers
        # The stylesheet applied: the skip link is moved off screen by portal.css.
        expect(page.get_by_role("link", name="Skip to main content")).not_to_be_in_viewport()
        assert_no_csp_violations(page, path)
    # The header's autocomplete script runs.
    page.goto(url(live_server, "/"))
    page.get_by_label("Search the portal").press_sequentially("matr", delay=30)
    expect(page.locator("#search-suggestions option")).to_have_count(4)
    assert_no_csp_violations(page, "autocomplete")


def test_the_editor_works_under_its_policy(page, live_server, live_world):
    sign_in(page, live_server, "publisher@world.test")
    item = live_world.items[TLP.GREEN]
    for path in ["/admin/", f"/admin/pages/{item.pk}/edit/", "/admin/security-audit/"]:
        response = page.goto(url(live_server, path))
        assert response.status in (200, 403), path
        assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    page.goto(url(live_server, f"/admin/pages/{item.pk}/edit/"))
    # The editor's scripts ran: the rich text editor rendered its toolbar-less body.
    expect(page.locator(".Draftail-Editor").first).to_be_visible()
    assert_no_csp_violations(page, "the editor")


def test_mfa_set_up_passes_axe(page, live_server, live_world):
    sign_in(page, live_server, "source_member@world.test")
    page.goto(url(live_server, "/accounts/2fa/totp/activate/"))
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile("/accounts/2fa/totp/activate/"))
    expect(page.get_by_role("img")).to_be_visible()  # the QR code, a data: image
    assert_no_csp_violations(page, "TOTP set-up")
    results = run_axe(page)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, describe(serious)


def test_audit_trail_passes_axe(page, live_server, live_world):
    sign_in(page, live_server, "moderator@world.test")
    response = page.goto(url(live_server, "/admin/security-audit/"))
    assert response.status == 200
    expect(page.get_by_role("cell", name="moderator@world.test").first).to_be_visible()
    results = run_axe(page)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, describe(serious)
