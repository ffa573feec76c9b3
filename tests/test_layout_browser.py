"""The layout in Chromium on a phone (390 px) and a desktop (1280 px): the home, item, search,
sign-in, subscriptions and members pages fit the screen and pass axe-core (nothing moderate or
worse), the header's menu button works by keyboard, the search filters are a disclosure before
the results on phones and a sidebar on desktops, and the desktop header keeps to two rows."""

import re

import pytest
from playwright.sync_api import expect

from portal.core.tlp import TLP
from portal.features.digests.models import Subscription
from tests.test_browser import (  # noqa: F401 - fixtures
    allow_sync_orm_beside_playwright,
    assert_no_csp_violations,
    browser,
    describe,
    live_world,
    run_axe,
    sign_in,
    url,
)
from tests.world import make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ADMIN = "org_admin@world.test"
REPORTED = ("moderate", "serious", "critical")


def new_page(chromium, viewport, **options):
    context = chromium.new_context(viewport=viewport, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return page


def admin_world(world):
    """The world plus an organisation admin (an editor too, so the header shows "Editor" and
    "My organisation") with a subscription whose long name must fit a phone."""
    admin = make_user(ADMIN, org=world.orgs["source"], role="admin")
    Subscription.objects.create(
        user=admin, name="Supply chain and vulnerability disclosure, every week",
        frequency="weekly", criteria="topic=supply-chain&q=matrix")
    return world


def check(page, where):
    """No horizontal overflow, no CSP violation and nothing moderate or worse from axe-core."""
    width, inner = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{where}: {width} px wide in a {inner} px window"
    small = page.evaluate("""() => Array.from(document.querySelectorAll(
        'input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea'))
        .filter(e => e.checkVisibility() && parseFloat(getComputedStyle(e).fontSize) < 16)
        .map(e => e.name || e.id)""")
    assert not small, f"{where}: inputs under 16 px (phones zoom into them): {small}"
    assert_no_csp_violations(page, where)
    found = [v for v in run_axe(page)["violations"] if v["impact"] in REPORTED]
    assert not found, f"axe-core found on {where}:\n{describe(found)}"


def check_pages(page, live_server, world, size):
    anonymous = {"home": "/", "item": world.items[TLP.CLEAR].url, "search": "/search/?q=matrix",
                 "sign-in": "/accounts/login/"}
    for name, path in anonymous.items():
        assert page.goto(url(live_server, path)).status == 200, name
        check(page, f"{name} at {size}")
    sign_in(page, live_server, ADMIN)
    expect(page.locator(".messages")).to_contain_text("Successfully signed in")
    check(page, f"a page with a flash message at {size}")
    org = world.orgs["source"]
    signed_in = {"item (AMBER)": world.items[TLP.AMBER].url, "search (signed in)":
                 "/search/?q=matrix", "subscriptions": "/subscriptions/",
                 "members": f"/membership/{org.slug}/members/",
                 "sharing groups": f"/membership/{org.slug}/sharing-groups/",
                 "items you follow": "/following/", "notifications": "/notifications/"}
    for name, path in signed_in.items():
        assert page.goto(url(live_server, path)).status == 200, name
        check(page, f"{name} at {size}")


def test_on_a_phone(browser, live_server, live_world):  # noqa: F811 - shared fixtures
    world = admin_world(live_world)
    page = new_page(browser, PHONE)
    check_pages(page, live_server, world, "390 px")

    # The menu button, by keyboard: folded at first, opened and closed again.
    page.goto(url(live_server, "/"))
    menu = page.get_by_role("button", name="Menu")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(main_nav).to_be_hidden()
    for _ in range(4):  # skip link, brand, then the button
        page.keyboard.press("Tab")
        if menu.evaluate("button => button === document.activeElement"):
            break
    expect(menu).to_be_focused()
    assert menu.evaluate("button => getComputedStyle(button).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(main_nav.get_by_role("link", name="Guidance")).to_be_visible()
    expect(page.get_by_role("link", name="My organisation")).to_be_visible()
    page.keyboard.press("Tab")
    expect(main_nav.get_by_role("link", name="Guidance")).to_be_focused()
    page.keyboard.press("Escape")  # closes the menu and returns to its button
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(main_nav).to_be_hidden()
    page.keyboard.press("Space")
    expect(menu).to_have_attribute("aria-expanded", "true")
    check(page, "the open menu at 390 px")

    # Buttons side by side keep apart.
    page.goto(url(live_server, "/subscriptions/"))
    pause = page.get_by_role("button", name=re.compile("^Pause Supply chain"))
    delete = page.get_by_role("button", name=re.compile("^Delete Supply chain"))
    assert pause.bounding_box()["width"] < 120  # the full name is for screen readers only
    gap = delete.bounding_box()["x"] - (pause.bounding_box()["x"] + pause.bounding_box()["width"])
    assert gap >= 8, f"Pause and Delete are {gap} px apart"

    # The filters: a closed disclosure before the results, opened on demand.
    page.goto(url(live_server, "/search/?q=matrix"))
    summary = page.locator("summary", has_text="Filters")
    results = page.get_by_role("heading", name=re.compile(r"results? for"))
    assert summary.bounding_box()["y"] < results.bounding_box()["y"]
    option = page.get_by_role("checkbox").first
    expect(option).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(option).to_be_visible()
    option.check()  # applies the filter at once (facets.js); the disclosure stays open
    page.wait_for_url(re.compile(r"/search/\?q=matrix&"))
    expect(page.get_by_role("checkbox", checked=True).first).to_be_visible()
    expect(page.get_by_role("checkbox", checked=True).first).to_be_focused()
    page.context.close()


def test_without_javascript_the_phone_menu_stays_open(
        browser, live_server, live_world):  # noqa: F811 - shared fixtures
    page = new_page(browser, PHONE, java_script_enabled=False)
    page.goto(url(live_server, "/"))
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Guidance")).to_be_visible()
    page.context.close()


def test_on_a_desktop(browser, live_server, live_world):  # noqa: F811 - shared fixtures
    world = admin_world(live_world)
    page = new_page(browser, DESKTOP)
    check_pages(page, live_server, world, "1280 px")

    # The signed-in header, "Editor" and "My organisation" included, keeps to two rows.
    page.goto(url(live_server, "/"))
    expect(page.get_by_role("link", name="Editor")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    centres = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.site-header .brand, .site-header li, .site-header .header-search'))
        .filter(e => e.checkVisibility())
        .map(e => { const box = e.getBoundingClientRect(); return box.top + box.height / 2; })""")
    rows = len({round(min(c for c in centres if abs(c - centre) < 16)) for centre in centres})
    assert rows <= 2, f"the header has {rows} rows: {sorted(centres)}"
    # The account disclosure opens over the page and closes with Escape.
    account = page.locator("summary", has_text="Account")
    account.click()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    page.keyboard.press("Escape")
    expect(sign_out).to_be_hidden()
    expect(account).to_be_focused()

    # The editor's dashboard and page listing: Wagtail's sidebar search and the page's own are
    # told apart (cms/static/cms/admin-landmarks.js).
    for path in ("/admin/", "/admin/pages/"):
        assert page.goto(url(live_server, path)).status == 200, path
        expect(page.locator('form[role="search"][aria-label="This page"]')).to_have_count(1)
        found = [v for v in run_axe(page)["violations"] if v["id"] == "landmark-unique"]
        assert not found, f"{path}:\n{describe(found)}"

    # The filters stand open as a sidebar to the right of the results.
    page.goto(url(live_server, "/search/?q=matrix"))
    option = page.get_by_role("checkbox").first
    expect(option).to_be_visible()
    results = page.get_by_role("heading", name=re.compile(r"results? for"))
    assert option.bounding_box()["x"] > results.bounding_box()["x"] + 400
    page.context.close()
