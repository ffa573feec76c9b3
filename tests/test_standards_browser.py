"""Assessing a standard and reading the gap report in a real browser, at phone width, with
axe-core on each page (fixtures shared with tests/test_browser.py)."""

import pytest
from playwright.sync_api import expect

from portal.features.standards.models import ClauseAnswer
from tests.standards_world import clauses, link, make_guidance, make_standard
from tests.test_browser import (  # noqa: F401 - fixtures
    SCREENSHOTS,
    allow_sync_orm_beside_playwright,
    browser,
    describe,
    live_world,
    run_axe,
    sign_in,
    url,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):  # noqa: F811 - the shared fixture
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def check_axe_and_width(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    results = run_axe(page)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found on {name}:\n{describe(serious)}"


def test_assess_a_standard_and_read_the_gap_report(phone, live_server, live_world):  # noqa: F811
    page = phone
    standard = make_standard(live_world.orgs["other"], "Browser code", clauses=4)
    helpful = make_guidance(live_world.orgs["other"], "How to meet clause two")
    link(helpful, clauses(standard)[1])

    sign_in(page, live_server, "publisher@world.test")
    page.goto(url(live_server, standard.url))
    page.get_by_role("link", name="Self-assessment for Source Org").click()
    page.get_by_role("button", name="Start the self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Self-assessment of Source Org")
    # The heading shows before the deferred autosave script has run: a change made then is
    # never heard. Wait for the page's load, as a person would see it ready.
    page.wait_for_load_state("load")

    first = page.locator("section.clause-answer").nth(0)
    first.get_by_label("Answer").select_option("met")
    expect(first.locator(".save-state")).to_have_text("Saved")
    second = page.locator("section.clause-answer").nth(1)
    second.get_by_label("Answer").select_option("not_met")
    expect(second.locator(".save-state")).to_have_text("Saved")
    second.get_by_label("Evidence and notes").fill("Policy drafted, not yet approved.")
    second.get_by_label("Evidence and notes").blur()
    expect(second.locator(".save-state")).to_have_text("Saved")
    expect(page.locator("#assessment-summary")).to_contain_text("2 of 4 clauses answered")
    expect(page.locator("#assessment-summary")).to_contain_text("Not met: 1")
    check_axe_and_width(page, "standards-assessment")

    page.reload()
    expect(page.locator("section.clause-answer").nth(1).get_by_label("Evidence and notes")
           ).to_have_value("Policy drafted, not yet approved.")
    assert ClauseAnswer.objects.filter(status="not_met").count() == 1

    page.get_by_role("link", name="Gap report").click()
    gap = page.get_by_role("region", name="2. Clause 2: not met")
    expect(gap.get_by_role("link", name="How to meet clause two")).to_be_visible()
    expect(page.get_by_role("region", name="1. Clause 1: met")).to_have_count(0)
    check_axe_and_width(page, "standards-gap-report")
