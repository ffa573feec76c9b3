"""A facilitated session on a phone-sized screen, driven in Chromium, checked with axe-core."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.core.organisations.models import Capability, Membership, Role
from portal.core.tlp import TLP
from portal.features.training.models import Assignment, Completion, Session
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
from tests.test_training import make_scenario
from tests.world import make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):  # noqa: F811 - the fixture imported above
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def axe_serious(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"training-{name}.png", full_page=True)
    results = run_axe(page)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found on {name}:\n{describe(serious)}"


def test_facilitated_session_on_a_phone(phone, live_server, live_world):  # noqa: F811
    org = live_world.orgs["source"]
    Membership.objects.update(created_at=timezone.now() - timedelta(days=60))
    lead = make_user("lead@training.test", org=org, role=Role.MEMBER)
    Membership.objects.get(user=lead).capabilities.create(capability=Capability.TRAINING_LEAD)
    scenario = make_scenario(org, TLP.GREEN)
    Assignment.objects.create(organisation=org, scenario=scenario,
                              due_on=date.today() + timedelta(days=10), recurrence=12,
                              created_at=timezone.now() - timedelta(days=1))
    member = live_world.users["source_member"]

    sign_in(phone, live_server, lead.email)
    phone.goto(url(live_server, f"/training/organisations/{org.slug}/sessions/new/"))
    axe_serious(phone, "start-session")
    phone.get_by_label("Scenario").select_option(label=scenario.title)
    phone.get_by_label(member.email).check()
    phone.get_by_label(lead.email).check()
    phone.get_by_role("button", name="Start the session").click()

    expect(phone.get_by_role("heading", level=1, name="T+0")).to_be_visible()
    expect(phone.get_by_text("A request arrives.")).to_be_visible()
    expect(phone.get_by_text("Who decides?")).to_be_visible()
    timer = phone.get_by_role("timer")
    expect(timer).to_have_text("15:00")
    phone.get_by_role("button", name="Start timer").click()
    expect(timer).not_to_have_text("15:00", timeout=3_000)
    expect(phone.get_by_role("button", name="Pause timer")).to_be_visible()
    phone.get_by_role("button", name="Reset timer").click()
    expect(timer).to_have_text("15:00")
    # Nothing is wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_serious(phone, "session-step")

    phone.get_by_label("The group's decisions at this step").fill("Escalate to the director")
    phone.get_by_role("button", name="Save and next step").click()
    expect(phone.get_by_role("heading", level=1, name="T+30")).to_be_visible()
    phone.get_by_label("The group's decisions at this step").fill("Hold the line")
    phone.get_by_role("button", name="Save and finish").click()

    expect(phone.get_by_role("heading", level=1, name="Lessons learned")).to_be_visible()
    axe_serious(phone, "session-finish")
    phone.get_by_label("Lessons learned").fill("Write down who decides.")
    phone.get_by_role("button", name="Finish the session").click()
    expect(phone.get_by_text(re.compile("Session complete: training recorded for 2"))
           ).to_be_visible()
    expect(phone.get_by_text("Escalate to the director")).to_be_visible()
    axe_serious(phone, "session-finished")

    session = Session.objects.get()
    assert session.is_finished
    assert set(Completion.objects.values_list("user_id", flat=True)) == {lead.pk, member.pk}

    phone.goto(url(live_server, f"/training/organisations/{org.slug}/"))
    expect(phone.get_by_text("(2 of 5 people)")).to_be_visible()  # 5 members, 2 took part
    axe_serious(phone, "dashboard")

    phone.context.clear_cookies()
    sign_in(phone, live_server, member.email)
    phone.goto(url(live_server, "/training/"))
    expect(phone.get_by_role("heading", level=1, name="My training")).to_be_visible()
    expect(phone.get_by_text("Done", exact=True)).to_be_visible()
    axe_serious(phone, "my-training")
