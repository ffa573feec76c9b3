"""The layout without a browser: allauth's pages and emails in the portal's name, the header's
"My organisation" link, the responsive header's markup and the tables that reflow on phones.
(tests/test_layout_browser.py checks the same in Chromium at 390 and 1280 px.)"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from cms.factories import make_item
from portal.core.tlp import TLP
from portal.features.digests.models import Subscription
from tests.world import make_user

pytestmark = pytest.mark.django_db

SITE = settings.WAGTAIL_SITE_NAME


def test_sign_up_email_names_the_portal_not_the_host(client):
    client.post(reverse("account_signup"), {
        "email": "new.person@example.org", "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42"})
    [message] = mail.outbox
    assert message.subject.startswith(f"[{SITE}] ")
    assert f"Hello from the {SITE}," in message.body
    assert "testserver!" not in message.body and "Hello from testserver" not in message.body
    assert message.body.rstrip().endswith(settings.PORTAL_BASE_URL.rstrip("/") + "/")
    assert re.search(r"/accounts/confirm-email/\S+/", message.body)


def test_password_reset_email_names_the_portal(client, world):
    client.post(reverse("account_reset_password"), {"email": "source_member@world.test"})
    [message] = mail.outbox
    assert message.subject.startswith(f"[{SITE}] ")
    assert f"Hello from the {SITE}," in message.body
    assert "testserver" not in message.body.split("\n", 1)[0]
    assert "/accounts/password/reset/key/" in message.body


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password",
                                  "account_email_verification_sent"])
def test_account_entrance_pages_use_the_portal_layout(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf"<title>[^<]+ · {SITE}</title>", html)
    assert 'class="site-header"' in html and 'class="wrap account-page"' in html
    assert "<!--personal:includes/messages.html-->" in html  # flash messages in the layout


@pytest.mark.parametrize("name", ["account_email", "mfa_index", "account_change_password"])
def test_account_settings_pages_share_the_layout_and_a_menu(client, world, name):
    client.force_login(world.users["source_member"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="wrap account-page"' in html
    menu = re.search(r'<nav aria-label="Account settings".*?</nav>', html, re.DOTALL).group(0)
    assert f'href="{reverse(name)}" aria-current="page"' in menu
    assert reverse("api-tokens") in menu


def header(client, path="/"):
    html = client.get(path).content.decode()
    return re.search(r'<header class="site-header">.*?</header>', html, re.DOTALL).group(0)


def test_my_organisation_links_members_to_their_page_and_admins_to_members(client, world):
    org = world.orgs["source"]
    client.force_login(world.users["source_member"])
    assert f'<a href="{org.page.url}">My organisation</a>' in header(client)

    admin = make_user("org_admin@world.test", org=org, role="admin")
    client.force_login(admin)
    members = reverse("manage-members", args=[org.slug])
    assert f'<a href="{members}">My organisation</a>' in header(client)

    for who in ("moderator", None):
        client.logout()
        if who:
            client.force_login(world.users[who])
        assert "My organisation" not in header(client)


def test_header_menu_button_controls_the_menu_and_search_landmarks_are_named(client, world):
    client.force_login(world.users["source_member"])
    html = client.get("/search/?q=matrix").content.decode()
    button = re.search(r"<button[^>]*menu-toggle[^>]*>", html).group(0)
    assert 'type="button"' in button and 'aria-controls="site-menu"' in button
    assert 'aria-expanded="true"' in button  # open until layout.js folds it (no script: open)
    assert 'id="site-menu"' in html
    assert re.search(r"<script src=\"[^\"]*js/layout\.js\" defer>", html)
    # Two search landmarks, each with its own name; the filters come before the results.
    assert re.findall(r'role="search" aria-label="([^"]+)"', html) == ["Site", "Library"]
    assert html.index("<summary>Filters</summary>") < html.index('id="results-heading"')
    # The account's own pages sit behind one disclosure in the header.
    assert '<details class="account-menu">' in header(client)


def test_members_and_subscriptions_tables_reflow_with_labels(client, world):
    org = world.orgs["source"]
    admin = make_user("org_admin@world.test", org=org, role="admin")
    Subscription.objects.create(user=admin, name="Supply chain, every week", frequency="weekly",
                                criteria="topic=supply-chain")
    client.force_login(admin)
    for path, labels in ((reverse("manage-members", args=[org.slug]), ["Person", "Role"]),
                         (reverse("subscriptions"), ["Name", "How often", "State"])):
        html = client.get(path).content.decode()
        assert '<table class="stack-table">' in html
        for label in labels:
            assert f'data-label="{label}"' in html
    # Short visible labels; the full name is there for screen readers.
    assert ('Pause<span class="visually-hidden"> Supply chain, every week</span></button>'
            in html)


def test_a_callout_is_a_named_aside_headed_at_level_two(client, world):
    """An item's first heading may be a callout's: h1 then h2, never h3 (axe: heading-order),
    and each callout is its own named landmark (axe: landmark-unique)."""
    item = make_item(world.orgs["source"], TLP.CLEAR, "Callout marker", body=[
        {"type": "callout", "value": {"title": "How to respond", "text": "<p>Write.</p>"}}])
    html = client.get(item.url).content.decode()
    assert ('<aside class="callout" aria-label="How to respond">'
            '<h2 class="callout-title">How to respond</h2>') in html
