"""The digest email's HTML part passes axe-core with no violation at all, loaded into
Chromium as a mail client would show it."""

import pytest
from django.core import mail

from tests.test_browser import (  # noqa: F401 - fixtures
    allow_sync_orm_beside_playwright,
    browser,
    describe,
    page,
    run_axe,
)
from tests.test_digest_journeys import run  # noqa: F401 - a fixture
from tests.test_digests import send_run, subscribe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_digest_email_passes_axe(page, world, run):  # noqa: F811
    subscribe(world.users["source_member"], name="Supply chain")
    subscribe(world.users["source_member"], criteria="tlp=green", name="Green items")
    send_run(run)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    page.set_content(html)
    results = run_axe(page)
    assert not results["violations"], f"axe-core found:\n{describe(results['violations'])}"
