"""Organisation journeys in Chromium: an admin removes a member after confirming, a moderator
vets an organisation, a newcomer is shown how to join; axe-core finds nothing serious."""

import pytest
from playwright.sync_api import expect

from portal.core.notifications.models import Notification
from portal.core.organisations.models import Membership, Organisation
from tests.test_browser import (  # noqa: F401 - fixtures
    SCREENSHOTS,
    allow_sync_orm_beside_playwright,
    browser,
    describe,
    live_world,
    page,
    run_axe,
    sign_in,
    url,
)
from tests.world import make_user

pytestmark = pytest.mark.browser


def assert_axe_clean(page, where):  # noqa: F811 - a page, not the fixture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=SCREENSHOTS / f"organisations-{where.replace(' ', '-')}-{width}.png",
                    full_page=True)
    serious = [v for v in run_axe(page)["violations"]
               if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found on {where}:\n{describe(serious)}"


@pytest.mark.parametrize("width", [390, 1280])
def test_an_admin_removes_a_member_after_confirming(page, live_server, live_world, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    org = live_world.orgs["source"]
    make_user("admin@source.test", org=org, role="admin")
    sign_in(page, live_server, "admin@source.test")
    page.goto(url(live_server, f"/membership/{org.slug}/members/"))
    expect(page.get_by_text("Email not verified")).to_be_visible()  # the unverified member
    assert_axe_clean(page, "the members page")

    page.get_by_role("link", name="Remove source_member@world.test").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("from Source Org?")
    assert_axe_clean(page, "the removal confirmation")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    assert Membership.objects.filter(user__email="source_member@world.test",
                                     organisation=org).exists()
    page.get_by_role("button", name="Remove source_member@world.test").press("Enter")
    expect(page.get_by_text("was removed from Source Org")).to_be_visible()
    assert not Membership.objects.filter(user__email="source_member@world.test",
                                         organisation=org).exists()
    assert Notification.objects.filter(recipient__email="source_member@world.test").exists()


def test_a_moderator_vets_an_organisation(page, live_server, live_world):  # noqa: F811
    pending = Organisation.objects.get(name="Pending Org")
    sign_in(page, live_server, "moderator@world.test")
    page.goto(url(live_server, "/admin/"))
    page.get_by_role("link", name="1 organisation awaits vetting").click()
    page.get_by_role("link", name="Pending Org").first.click()
    expect(page.get_by_role("heading", name="Vetting")).to_be_visible()
    assert_axe_clean(page, "the vetting page")
    page.locator("#id_status").select_option("rejected")
    page.locator("#id_decision_reason").fill("Not an organisation we serve.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Rejected")).to_be_visible()
    pending.refresh_from_db()
    assert (pending.status, pending.decision_reason) == ("rejected",
                                                         "Not an organisation we serve.")


def test_a_newcomer_is_shown_how_to_join(page, live_server, live_world):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    make_user("newcomer@x.test")
    sign_in(page, live_server, "newcomer@x.test")
    page.goto(url(live_server, "/"))
    expect(page.get_by_role("heading", name="Join your organisation")).to_be_visible()
    assert_axe_clean(page, "the home page with the suggestion")
    page.get_by_role("link", name="Register your organisation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register an organisation")
