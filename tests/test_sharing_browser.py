"""The item editor's Access tab in Chromium: recipient fields follow the label, and TLP:RED
recipients are found by searching, not picked from a list of everyone."""

import re

import pytest
from playwright.sync_api import expect

from cms.models import GuidancePage
from portal.core.tlp import TLP
from tests.test_browser import (  # noqa: F401 - fixtures
    allow_sync_orm_beside_playwright,
    assert_no_csp_violations,
    browser,
    live_world,
    page,
    sign_in,
    url,
)

pytestmark = pytest.mark.browser


def test_recipient_fields_follow_the_label_and_people_are_found_by_search(
        page, live_server, live_world):  # noqa: F811 - fixtures imported above
    sign_in(page, live_server, "publisher@world.test")
    item = live_world.items[TLP.AMBER]
    page.goto(url(live_server, f"/admin/pages/{item.pk}/edit/"))
    page.get_by_role("tab", name="Access (TLP)").click()
    red = page.locator('[data-tlp-for="red"]')
    amber = page.locator('[data-tlp-for="amber"]')
    expect(red).to_be_hidden()
    expect(amber.first).to_be_visible()
    page.locator("select[name=tlp]").select_option("red")
    expect(red).to_be_visible()
    expect(amber.first).to_be_hidden()

    box = page.get_by_label("Find people by name, organisation or email")
    box.press_sequentially("other_mem", delay=30)
    add = page.get_by_role("button", name=re.compile(r"Add .*other_member@world\.test"))
    add.click()
    expect(page.locator("input[name=recipient_users]:checked")).to_have_count(1)
    expect(page.get_by_text("recipient_member@world.test")).to_have_count(0)  # no listing
    assert_no_csp_violations(page, "the recipient picker")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("saved")).not_to_have_count(0)
    draft = GuidancePage.objects.get(pk=item.pk).get_latest_revision_as_object()
    assert draft.tlp == TLP.RED
    assert [u.email for u in draft.recipient_users.all()] == ["other_member@world.test"]
    assert not draft.recipient_organisations.all()  # AMBER's recipients dropped with the label
