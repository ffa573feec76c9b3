"""Following an item in a real browser, on a phone's width: keyboard only, no script needed,
no horizontal overflow, and axe-core finds nothing serious on the item page or the list."""

import pytest
from playwright.sync_api import expect

from portal.core.tlp import TLP
from tests.test_browser import (  # noqa: F401 - fixtures
    allow_sync_orm_beside_playwright,
    assert_no_csp_violations,
    browser,
    describe,
    live_world,
    page,
    run_axe,
    sign_in,
    url,
)
from tests.test_following import publish_change
from tests.world import title_for

pytestmark = pytest.mark.browser


def assert_fits_and_passes_axe(page, where):  # noqa: F811 - a Playwright page
    assert_no_csp_violations(page, where)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{where} is {width} px wide at 390 px"
    violations = run_axe(page)["violations"]
    found = [v for v in violations if v["impact"] in ("serious", "critical")]
    # Nothing at all, moderate included, in what following adds to a page.
    ours = [v for v in violations if any(
        part in " ".join(map(str, node["target"])) for node in v["nodes"]
        for part in ("follow", "change-history"))]
    assert not found + ours, f"axe-core found on {where}:\n{describe(found + ours)}"


def test_follow_and_unfollow_by_keyboard_on_a_phone(page, live_server,  # noqa: F811
                                                    live_world):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "source_member@world.test")
    item_url = url(live_server, live_world.items[TLP.GREEN].url)
    page.goto(item_url)
    follow = page.get_by_role("button", name="Follow this item")
    follow.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You follow this item")).to_be_visible()
    publish_change(live_world.items[TLP.GREEN], "Scope widened", major=True)
    page.goto(item_url)  # again, without the flash message, and with a history
    expect(page.get_by_role("region", name="Major changes")).to_contain_text("Scope widened")
    expect(page.get_by_role("button", name="Unfollow this item")).to_be_visible()
    assert_fits_and_passes_axe(page, "item page")

    page.goto(url(live_server, "/following/"))
    title = title_for(TLP.GREEN)
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert_fits_and_passes_axe(page, "items you follow")
    page.get_by_role("button", name=f"Unfollow {title}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You follow no items yet.")).to_be_visible()
