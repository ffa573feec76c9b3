"""The portal in a real browser: sign-in, keyboard access, the Content-Security-Policy and
axe-core checks.

Debian's Chromium is driven through Playwright against pytest-django's live_server. The live
server's transactional database is flushed after each test, so each test builds its own world.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from cms.models import LibraryPage
from portal.core.tlp import TLP
from tests.conftest import skip_or_fail
from tests.world import PASSWORD, title_for, totp_code

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not AXE.exists():
        skip_or_fail(f"{AXE} is missing (run `npm ci` at the repository root)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page that records every Content-Security-Policy violation it reports."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()


@pytest.fixture(scope="module", autouse=True)
def allow_sync_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread while the ORM calls stay sync.
    Allowed for this module only, so no other test (or subprocess) inherits it."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_world(live_server, fresh_world):
    return fresh_world


def url(live_server, path):
    return f"{live_server.url}{path}"


def sign_in(page, live_server, email):
    page.goto(url(live_server, "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if "/accounts/2fa/authenticate/" in page.url:  # editors and moderators: the second factor
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign In").click()
    expect(page, f"sign-in as {email} failed").not_to_have_url(
        re.compile("/accounts/(login|2fa/authenticate)/"))


def test_sign_in_and_item_access(page, live_server, live_world):
    item_url = url(live_server, live_world.items[TLP.AMBER].url)
    title = title_for(TLP.AMBER)

    sign_in(page, live_server, "source_member@world.test")
    page.goto(item_url)
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    banner = page.get_by_role("region", name="Sharing label").first
    expect(banner).to_be_visible()
    expect(banner.locator(".tlp")).to_have_text("TLP:AMBER")

    page.context.clear_cookies()
    sign_in(page, live_server, "other_member@world.test")
    response = page.goto(item_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(page.get_by_text(title)).to_have_count(0)

    page.context.clear_cookies()
    page.goto(item_url)
    login = url(live_server, "/accounts/login/")
    assert page.url.startswith(f"{login}?next="), page.url
    expect(page.get_by_text(title)).to_have_count(0)


def test_header_search_suggests_titles_as_you_type(page, live_server, live_world):
    sign_in(page, live_server, "source_member@world.test")
    page.goto(url(live_server, "/"))
    box = page.get_by_label("Search the portal")
    box.press_sequentially("matr", delay=30)
    options = page.locator("#search-suggestions option")
    expect(options).to_have_count(4)  # CLEAR, GREEN, AMBER, AMBER+STRICT: not RED
    box.press_sequentially("ix", delay=30)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=matrix"))
    expect(page.get_by_role("heading", name="4 results for “matrix”")).to_be_visible()


def test_skip_link_is_first_and_visible_on_focus(page, live_server, live_world):
    page.goto(url(live_server, "/"))
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


AXE_PAGES = {
    "home": (None, lambda world: "/"),
    "guidance-library": (None, lambda world: LibraryPage.objects.get(item_type="guidance").url),
    "item-clear": (None, lambda world: world.items[TLP.CLEAR].url),
    "item-amber": ("source_member@world.test", lambda world: world.items[TLP.AMBER].url),
    "search": ("source_member@world.test", lambda world: "/search/?q=matrix"),
    "subscription-form": ("source_member@world.test",
                          lambda world: "/subscriptions/new/?topic=supply-chain"),
}


def run_axe(page):
    """axe-core's results for the page. Evaluated through the browser's debugging protocol,
    as the page's Content-Security-Policy rightly refuses an injected script tag."""
    page.evaluate(AXE.read_text())
    return page.evaluate("axe.run()")


def describe(violations):
    lines = []
    for v in violations:
        targets = [" ".join(node["target"]) for node in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} - {len(v['nodes'])} node(s), "
                     f"first: {targets} - {v['helpUrl']}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_no_serious_violations(page, live_server, live_world, name):
    email, path_for = AXE_PAGES[name]
    if email:
        sign_in(page, live_server, email)
    response = page.goto(url(live_server, path_for(live_world)))
    assert response.status == 200
    assert_no_csp_violations(page, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    results = run_axe(page)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found on {name}:\n{describe(serious)}"


# Under the Content-Security-Policy: every key page's scripts and styles load with no
# violation, the editor works, and the two-factor set-up and the audit trail pass axe-core.


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
