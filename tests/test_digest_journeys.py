"""Digests as readers and moderators meet them: the preview is the next run, the email names
its subscriptions, unsubscribing offers a choice, and failed deliveries read well and resend."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from cms.models import ItemPage
from portal.core.tlp import TLP
from portal.features.digests import runs, unsubscribing
from portal.features.digests.models import (
    Delivery,
    DeliveryStatus,
    DigestRun,
    Subscription,
    UnsubscribeToken,
)
from portal.features.digests.tasks import start_digest_run, sweep_digests
from tests.test_digests import (
    published_yesterday,
    send_run,
    start_run_with_time_to_spare,
    subscribe,
)
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world):
    published_yesterday(*world.items.values())
    return start_run_with_time_to_spare()


def body_link(message) -> str:
    """The body's unsubscribe link, as a path the test client can follow."""
    url = re.search(r"^Unsubscribe: (\S+)$", message.body, re.M)[1]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


# -- 1. the preview is the next run -----------------------------------------------------------

def test_the_preview_shows_the_window_and_items_the_next_run_sends(client, world, monkeypatch):
    wednesday = datetime(2026, 11, 25, 12, tzinfo=UTC)
    previous, _ = runs.get_or_start_run("weekly", wednesday)  # 16-23 Nov, already sent
    DigestRun.objects.filter(pk=previous.pk).update(status="complete")
    ItemPage.objects.update(first_published_at=datetime(2026, 11, 24, 9, tzinfo=UTC))
    already_sent = world.items[TLP.CLEAR]
    ItemPage.objects.filter(pk=already_sent.pk).update(
        first_published_at=datetime(2026, 11, 20, 9, tzinfo=UTC))
    reader = world.users["source_member"]
    subscribe(reader, frequency="weekly")
    client.force_login(reader)

    monkeypatch.setattr(timezone, "now", lambda: wednesday)
    preview = client.get(reverse("digest-preview", args=["weekly"]))
    window = preview.context["window"]
    assert window == (datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))
    assert "23 November 2026, 00:00 to 30 November 2026, 00:00" in preview.content.decode()
    shown = [item.id for item in preview.context["digest"].items]
    assert shown and already_sent.pk not in shown  # the last window's item never arrives again

    monday = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: monday)
    start_digest_run("weekly")  # as beat starts it; the chunk runs eagerly
    sent_run = DigestRun.objects.get(frequency="weekly", window_start=window[0])
    assert (sent_run.window_start, sent_run.window_end) == window
    delivery = Delivery.objects.get(run=sent_run, user=reader, status=DeliveryStatus.SENT)
    assert delivery.item_ids == shown
    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert message.subject == preview.context["digest"].subject


def test_before_a_window_s_run_starts_the_preview_shows_that_window(world):
    monday_early = datetime(2026, 11, 30, 3, tzinfo=UTC)  # the 06:30 run has not started
    assert runs.next_run_window("weekly", monday_early) == (
        datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))
    runs.get_or_start_run("weekly", monday_early)
    assert runs.next_run_window("weekly", monday_early) == (
        datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC))


# -- 2. which subscription matched -----------------------------------------------------------

@pytest.fixture
def two_subscriptions(world):
    reader = world.users["source_member"]
    return (subscribe(reader, name="Supply chain"),
            subscribe(reader, criteria="tlp=green", name="Green items"))


def test_the_email_names_the_subscriptions_each_item_matched(world, run, two_subscriptions):
    send_run(run)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    green, amber = world.items[TLP.GREEN].title, world.items[TLP.AMBER].title
    text_after = {title: message.body.split(title, 1)[1].split("http", 1)[0]
                  for title in (green, amber)}
    assert "Matched: Green items (daily), Supply chain (daily)" in text_after[green]
    assert "Matched: Supply chain (daily)" in text_after[amber]
    assert "Green items" not in text_after[amber]
    assert html.count("Matched: Green items (daily), Supply chain (daily)") == 1
    assert html.count("Matched: Supply chain (daily)") >= 2


# -- 3. unsubscribing: this one or all of that frequency ----------------------------------------

def test_the_body_link_offers_this_subscription_or_all(client, world, run, two_subscriptions):
    supply, green = two_subscriptions
    send_run(run)
    link = body_link(mail.outbox[0])
    page = client.get(link)
    body = page.content.decode()
    assert page.status_code == 200
    assert f'value="{supply.pk}"' in body and f'value="{green.pk}"' in body
    assert 'value="all"' in body and "all your daily subscriptions" in body

    done = client.post(link, {"scope": str(supply.pk)})
    assert done.status_code == 200 and "“Supply chain” is paused" in done.content.decode()
    assert list(Subscription.objects.filter(active=True)
                .values_list("pk", flat=True)) == [green.pk]
    client.post(link, {"scope": "all"})
    assert not Subscription.objects.filter(active=True).exists()


def test_changed_foreign_and_expired_choice_tokens_get_a_clear_4xx(client, world, run,
                                                                   two_subscriptions,
                                                                   monkeypatch):
    supply, _ = two_subscriptions
    stranger = make_user("stranger@world.test")
    theirs = subscribe(stranger, name="Theirs")
    send_run(run)
    link = body_link(mail.outbox[0])
    path, token = link.split("?s=")

    changed = client.post(f"{path}?s={token[:-2]}zz", {"scope": str(supply.pk)})
    assert changed.status_code == 400 and "not valid" in changed.content.decode()
    foreign = unsubscribing.choice_token(stranger.pk, "daily", [theirs.pk])
    assert client.get(f"{path}?s={foreign}").status_code == 400
    not_in_email = client.post(link, {"scope": str(theirs.pk)})
    assert not_in_email.status_code == 400
    assert Subscription.objects.filter(active=False).count() == 0

    monkeypatch.setattr(unsubscribing, "CHOICE_MAX_AGE", timedelta(seconds=-1))
    expired = client.post(link, {"scope": str(supply.pk)})
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert Subscription.objects.filter(active=False).count() == 0
    with pytest.raises(signing.SignatureExpired):
        unsubscribing.subscriptions_in(
            UnsubscribeToken.objects.get(user=supply.user, frequency="daily"), token)


def test_one_click_post_still_pauses_the_whole_frequency(world, run, two_subscriptions):
    from django.test import Client

    send_run(run)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert "?" not in header  # the one-click address is the opaque key alone
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(header).path, "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not Subscription.objects.filter(active=True).exists()


# -- 4. failed deliveries: readable, by email, resent ------------------------------------------

@pytest.fixture
def failed_delivery(world, run, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    refused = make_user("refused@world.test", org=world.orgs["other"], role="member",
                        first_name="Refused", last_name="Reader")
    subscribe(refused)
    send_run(run)
    delivery = Delivery.objects.get(run=run, user=refused)
    assert delivery.status == DeliveryStatus.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return delivery


def test_failures_show_the_email_and_the_reply_in_words(client, world, failed_delivery):
    assert failed_delivery.error == "550 No such user (refused@world.test)"
    legacy = Delivery.objects.create(
        run=failed_delivery.run, user=world.users["other_member"], status="failed",
        error="SMTPRecipientsRefused: {'other_member@world.test': (550, b'5.1.1 Unknown')}")
    client.force_login(world.users["moderator"])
    listing = client.get("/admin/digest-deliveries/", {"status": "failed"}).content.decode()
    assert "refused@world.test" in listing and "550 No such user (refused@world.test)" in listing
    assert "550 5.1.1 Unknown (other_member@world.test)" in listing
    assert "b&#x27;" not in listing and "{&#x27;" not in listing
    assert reverse("digest-deliveries:resend", args=[legacy.pk]) in listing
    inspect = client.get(reverse("digest-deliveries:inspect", args=[legacy.pk])).content.decode()
    assert "other_member@world.test" in inspect and "550 5.1.1 Unknown" in inspect
    assert reverse("digest-deliveries:resend", args=[legacy.pk]) in inspect


def test_resend_requeues_once_and_is_recorded(client, world, failed_delivery,
                                              django_capture_on_commit_callbacks):
    digest_run = failed_delivery.run
    DigestRun.objects.filter(pk=digest_run.pk).update(deadline=timezone.now() - timedelta(hours=1),
                                               status="complete")
    url = reverse("digest-deliveries:resend", args=[failed_delivery.pk])
    moderator = world.users["moderator"]
    client.force_login(moderator)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.SENT and failed_delivery.error == ""
    assert (failed_delivery.resends, failed_delivery.resent_by) == (1, moderator)
    assert [m.to for m in mail.outbox] == [["refused@world.test"]]
    assert DigestRun.objects.get(pk=digest_run.pk).deadline > timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True)
    assert "Nothing to resend" in again.content.decode()
    failed_delivery.refresh_from_db()
    assert failed_delivery.resends == 1 and len(mail.outbox) == 1
    assert client.post(reverse("digest-deliveries:resend", args=[999999])).status_code == 404


def test_a_resend_whose_message_is_lost_is_sent_by_the_sweep(client, world, failed_delivery):
    digest_run = failed_delivery.run
    DigestRun.objects.filter(pk=digest_run.pk).update(status="complete")
    client.force_login(world.users["moderator"])
    # The commit hooks never run here: the queued message is lost, as with a broker outage.
    assert client.post(reverse("digest-deliveries:resend", args=[failed_delivery.pk])
                       ).status_code == 302
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.PENDING and not mail.outbox
    assert DigestRun.objects.get(pk=digest_run.pk).status == "running"

    assert sweep_digests()["chunks_queued"] >= 1
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["refused@world.test"]]
    assert DigestRun.objects.get(pk=digest_run.pk).status == "complete"


def test_only_those_who_see_the_screen_may_resend(client, world, failed_delivery):
    url = reverse("digest-deliveries:resend", args=[failed_delivery.pk])
    client.force_login(world.users["publisher"])  # an editor, not a moderator
    response = client.post(url)
    assert response.status_code in (302, 403)
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.FAILED and failed_delivery.resends == 0


# -- 6. short button labels --------------------------------------------------------------------

def test_subscription_buttons_are_short_with_the_name_for_screen_readers(client, world):
    subscription = subscribe(world.users["other_member"], name="Supply chain")
    client.force_login(world.users["other_member"])
    body = client.get(reverse("subscriptions")).content.decode()
    hidden = '<span class="visually-hidden"> Supply chain</span>'
    for label in ("Pause", "Delete"):  # the name itself links to the edit page
        assert f">{label}{hidden}<" in body
    assert reverse("subscription-edit", args=[subscription.pk]) in body
    assert "Pause Supply chain" not in body and "Delete Supply chain" not in body
