"""The anonymous reporter's journey in a real browser at 390 px, from the report to the
handler's reply and an answer, with axe-core on every page of it."""

import re

import pytest
from playwright.sync_api import expect

from portal.features.reporting import handling, keys
from portal.features.reporting.models import Channel, ChannelKind, Report
from tests.reporting_world import make_handler
from tests.test_browser import (  # noqa: F401 - fixtures
    allow_sync_orm_beside_playwright,
    assert_no_csp_violations,
    browser,
    describe,
    live_world,
    run_axe,
    url,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def narrow_page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()


def assert_accessible(page, name):
    """No Content-Security-Policy violation, no serious axe-core finding, no sideways
    scrolling at 390 px."""
    assert_no_csp_violations(page, name)
    results = run_axe(page)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found on {name}:\n{describe(serious)}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways at 390 px ({width} px)"


def test_anonymous_report_to_reply_and_answer(narrow_page, live_server, live_world):  # noqa: F811
    page = narrow_page
    organisation = live_world.orgs["source"]
    channel = Channel.objects.create(organisation=organisation, kind=ChannelKind.INTERNAL)
    keys.turn_on(channel)
    handler = make_handler("handler@source.test", organisation)

    page.goto(url(live_server, "/reporting/"))
    assert_accessible(page, "channel list")
    page.get_by_role("link", name="Source Org").click()
    expect(page.get_by_role("heading", name="No retaliation")).to_be_visible()
    assert_accessible(page, "channel page")
    page.get_by_role("link", name="Make a report").click()
    assert_accessible(page, "report form")

    # Sending without the required fields explains what is missing.
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "report form with errors")

    page.get_by_label("What is it about?").select_option(index=1)
    page.get_by_label("What happened?").fill("Test results were shared outside the firm.")
    page.get_by_label("When did it happen?").fill("Last month")
    page.get_by_label("Yes, stay anonymous").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="Your report was received")).to_be_visible()
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"(\d{4} ){4}\d{4}", code), code
    assert_accessible(page, "receipt")

    report = Report.objects.get()
    handling.reply(report, handler, "Thank you. Which team was it?", is_feedback=False)

    page.goto(url(live_server, "/reporting/follow-up/"))
    assert_accessible(page, "follow-up")
    page.get_by_label("Receipt code").fill(code)
    page.get_by_role("button", name="Open my report").click()
    expect(page.get_by_text("Thank you. Which team was it?")).to_be_visible()
    assert_accessible(page, "conversation")
    page.get_by_label("Your message").fill("The red team.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message was sent to the case handlers.")).to_be_visible()
    expect(page.get_by_text("The red team.")).to_be_visible()
    assert report.messages.count() == 2

    page.goto(url(live_server, "/reporting/follow-up/"))
    page.get_by_label("Receipt code").fill("0000 0000 0000 0000 0000")
    page.get_by_role("button", name="Open my report").click()
    expect(page.get_by_role("alert")).to_contain_text("does not open a report")
    assert_accessible(page, "wrong code")


def test_the_handlers_inbox_and_case_page_are_accessible(
        narrow_page, live_server, live_world):  # noqa: F811
    from django.conf import settings
    from django.test import Client

    from portal.features.reporting import submission
    from tests.reporting_world import PASSPHRASE

    page = narrow_page
    organisation = live_world.orgs["source"]
    channel = Channel.objects.create(organisation=organisation, kind=ChannelKind.INTERNAL)
    recovery = keys.turn_on(channel)
    handler = make_handler("handler@source.test", organisation)
    from portal.features.reporting.crypto import unwrap_with_recovery_key

    keys.grant(channel, unwrap_with_recovery_key(recovery, channel.recovery_wrap), handler)
    report, _ = submission.submit(channel, {"category": channel.category_list[0],
                                            "what_happened": "Keys were left on a desk.",
                                            "when": "Monday"}, [])
    # Signed in with the second factor already passed: the session of a signed-in client.
    client = Client()
    client.force_login(handler)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.goto(url(live_server, "/reporting/inbox/"))
    assert_accessible(page, "locked inbox")
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("button", name="Lock")).to_be_visible()
    assert_accessible(page, "unlocked inbox")
    page.get_by_role("link", name=f"Case {report.pk}").click()
    expect(page.get_by_text("Keys were left on a desk.")).to_be_visible()
    assert_accessible(page, "case page")
    page.get_by_label("Message to the reporter").fill("We have received your report.")
    page.get_by_role("button", name="Send to the reporter").click()
    expect(page.get_by_text("We have received your report.")).to_be_visible()
