"""The portal in a real browser: sign-in, keyboard access and axe-core checks.

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
from tests.world import PASSWORD, title_for

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
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
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
    expect(page, f"sign-in as {email} failed").not_to_have_url(re.compile("/accounts/login/"))


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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    results = run_axe(page)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found on {name}:\n{describe(serious)}"
