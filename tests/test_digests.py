"""Digests: the right items for each reader at send time, exactly once, and RFC 8058."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.models import ItemPage, Topic
from portal.core.tlp import TLP
from portal.features.digests import runs
from portal.features.digests.building import build_chunk
from portal.features.digests.models import (
    Delivery,
    DeliveryStatus,
    DigestRun,
    Subscription,
    UnsubscribeToken,
)
from portal.features.digests.sending import deliver_chunk
from tests.mail_backends import FlakyBackend
from tests.world import make_item, make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def published_yesterday(*pages):
    when = NOW - timedelta(days=1)
    ItemPage.objects.filter(pk__in=[p.pk for p in pages]).update(first_published_at=when)


def subscribe(user, criteria="topic=supply-chain", frequency="daily", name="Supply chain"):
    return Subscription.objects.create(user=user, name=name, criteria=criteria,
                                       frequency=frequency)


def start_run_with_time_to_spare():
    """The run for NOW's last complete day. Its own deadline is the next midnight, which a test
    collected just before midnight would see pass while it runs; these tests are about sending,
    so the run gets a day from the real clock (the deadline has tests of its own)."""
    run = runs.get_or_start_run("daily", NOW)[0]
    run.deadline = max(run.deadline, timezone.now() + timedelta(days=1))
    run.save(update_fields=["deadline"])
    return run


@pytest.fixture
def run(world):
    published_yesterday(*world.items.values())
    return start_run_with_time_to_spare()


def send_run(run):
    for chunk in runs.fan_out(run):
        deliver_chunk(run.pk, chunk)


def test_window_is_the_last_complete_day(run):
    assert run.window_end - run.window_start == timedelta(days=1)
    assert run.window_end <= NOW < run.window_end + timedelta(days=1)
    assert runs.get_or_start_run("daily", NOW) == (run, False)  # one run per window


def test_each_subscriber_gets_one_email_with_exactly_their_items(world, run):
    for role in ("source_member", "other_member", "red_recipient"):
        subscribe(world.users[role])
        subscribe(world.users[role], criteria="q=matrix", name="Matrix")  # overlapping
    send_run(run)
    assert len(mail.outbox) == 3
    by_user = {m.to[0]: m for m in mail.outbox}
    source = by_user["source_member@world.test"]
    assert source.subject.startswith("[TLP:AMBER+STRICT] Your daily digest: 4 new items")
    text = source.body
    for label in (TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT):
        assert f"[{label.label}] Matrix {label.value} marker" in text  # label right before
    assert "Matrix red marker" not in text
    assert by_user["red_recipient@world.test"].subject.startswith("[TLP:RED]")
    html = source.alternatives[0][0]
    assert "TLP:AMBER+STRICT" in html and "Matrix amber_strict marker" in html

    send_run(run)  # a repeated run sends nothing new
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(run=run, status=DeliveryStatus.SENT).count() == 3


def test_unsubscribe_headers_follow_rfc_8058(world, run):
    subscribe(world.users["other_member"])
    send_run(run)
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    key = UnsubscribeToken.objects.get(user=world.users["other_member"]).key
    assert url.endswith(reverse("digest-unsubscribe", args=[key]))
    assert len(key) >= 40 and "other_member" not in url  # opaque: random, names no one


def test_nothing_is_sent_when_nothing_is_new(world):
    empty_run = runs.get_or_start_run("daily", NOW - timedelta(days=30))[0]
    subscribe(world.users["source_member"])
    send_run(empty_run)
    assert mail.outbox == []
    assert Delivery.objects.get(run=empty_run).status == DeliveryStatus.EMPTY


def test_access_is_checked_at_send_time(world, run):
    member = world.users["recipient_member"]
    subscribe(member)
    item = world.items[TLP.AMBER]
    item.recipient_organisations.clear()
    item.save_revision().publish(skip_permission_checks=True)
    published_yesterday(item)
    member.memberships.all().delete()  # and the reader leaves their organisation
    send_run(run)
    assert "Matrix amber marker" not in mail.outbox[0].body
    assert "Matrix green marker" not in mail.outbox[0].body  # no longer in the community
    assert "Matrix clear marker" in mail.outbox[0].body


def test_building_a_chunk_takes_the_same_queries_for_more_subscribers_and_items(world, run):
    topic = Topic.objects.get(slug="supply-chain")

    def count_queries(users):
        with CaptureQueriesContext(connection) as context:
            digests = build_chunk("daily", run.window_start, run.window_end,
                                  [u.pk for u in users])
        assert len(digests) == len(users)
        return len(context.captured_queries)

    few = [make_user(f"few{n}@q.test", org=world.orgs["other"], role="member")
           for n in range(2)]
    for user in few:
        subscribe(user, criteria="topic=supply-chain&q=matrix")
    count_queries(few)  # warm Wagtail's cached site roots, as a running worker has them
    small = count_queries(few)

    many = few + [make_user(f"many{n}@q.test", org=world.orgs["recipient"], role="member")
                  for n in range(25)]
    for user in many[2:]:
        subscribe(user, criteria=f"q=marker+{user.pk}")
    extra = [make_item(world.orgs["other"], TLP.GREEN, f"Extra {n} marker", topics=[topic])
             for n in range(15)]
    published_yesterday(*extra)
    assert count_queries(many) == small


def test_a_dropped_connection_retries_the_message_not_the_chunk(world, run, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    FlakyBackend.sent, FlakyBackend.failed, FlakyBackend.fail_after = 0, False, 2
    users = [world.users[r] for r in ("source_member", "other_member", "recipient_member",
                                      "publisher", "contributor")]
    for user in users:
        subscribe(user)
    (chunk,) = runs.fan_out(run)
    outcome = deliver_chunk(run.pk, chunk)
    assert FlakyBackend.failed  # the connection did drop after two messages
    assert (outcome.sent, outcome.retrying) == (5, 0)
    deliver_chunk(run.pk, chunk)  # a duplicate task, for good measure
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert set(Delivery.objects.filter(run=run).values_list("attempts", flat=True)) == {1}
    assert runs.complete_if_done(run)


def test_a_crashed_worker_s_claims_are_swept_back(world, run):
    subscribe(world.users["other_member"])
    (chunk,) = runs.fan_out(run)
    Delivery.objects.filter(run=run).update(status=DeliveryStatus.SENDING,
                                            claimed_at=NOW - timedelta(hours=1))
    deliver_chunk(run.pk, chunk)
    assert mail.outbox == []  # still claimed by the "crashed" worker
    assert runs.release_stale_claims() == 1
    deliver_chunk(run.pk, chunk)
    assert len(mail.outbox) == 1


def test_the_sweep_starts_missing_runs(world):
    DigestRun.objects.all().delete()
    list(runs.runs_needing_work())
    assert set(DigestRun.objects.values_list("frequency", flat=True)) == {"daily", "weekly"}


def test_permanent_failures_are_recorded_for_moderators(world, run, settings, client):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    refused = make_user("refused@world.test", org=world.orgs["other"], role="member")
    subscribe(refused)
    subscribe(world.users["other_member"])
    send_run(run)
    delivery = Delivery.objects.get(run=run, user=refused)
    assert delivery.status == DeliveryStatus.FAILED and "No such user" in delivery.error
    assert len(mail.outbox) == 1
    client.force_login(world.users["moderator"])
    listing = client.get("/admin/digest-deliveries/", {"status": "failed"})
    assert listing.status_code == 200 and "refused@world.test" in listing.content.decode()


# -- unsubscribing -------------------------------------------------------------------------

@pytest.fixture
def unsubscribe_url(world, run):
    subscribe(world.users["other_member"])
    send_run(run)
    return mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").split("testserver")[-1]


def test_one_click_post_unsubscribes_without_cookies_or_redirect(world, unsubscribe_url):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(user=world.users["other_member"],
                                           active=True).exists()
    assert client.post(unsubscribe_url).status_code == 200  # replayed: same answer

    next_run = runs.get_or_start_run("daily", NOW + timedelta(days=1))[0]
    sent = len(mail.outbox)
    send_run(next_run)
    assert len(mail.outbox) == sent


def test_get_only_shows_a_confirmation(world, unsubscribe_url, client):
    response = client.get(unsubscribe_url)
    assert response.status_code == 200 and "<form method=\"post\"" in response.content.decode()
    assert Subscription.objects.filter(user=world.users["other_member"], active=True).exists()


def test_tampered_tokens_are_refused(client, unsubscribe_url):
    for url in (unsubscribe_url[:-3] + "xx/", "/digests/unsubscribe/" + "a" * 300 + "/"):
        response = client.post(url)
        assert response.status_code == 404
        assert "not valid" in response.content.decode()


# -- the subscriber's pages -------------------------------------------------------------------

def test_manage_subscriptions(client, world):
    client.force_login(world.users["other_member"])
    form = client.get(reverse("subscription-new"), {"topic": "supply-chain", "type": "guidance"})
    assert form.status_code == 200 and "Supply chain" in form.content.decode()
    response = client.post(reverse("subscription-new"), {
        "name": "Supply chain guidance", "frequency": "weekly", "active": "on",
        "topics": ["supply-chain"], "types": ["guidance"], "text": "",
    })
    assert response.status_code == 302
    subscription = Subscription.objects.get(name="Supply chain guidance")
    assert subscription.search_request.topics == ("supply-chain",)
    client.post(reverse("subscription-toggle", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert not subscription.active
    empty = client.post(reverse("subscription-new"), {"name": "Everything",
                                                       "frequency": "daily"})
    assert empty.status_code == 400 and "Choose at least one" in empty.content.decode()
    other = make_user("nosy@world.test")
    client.force_login(other)
    assert client.post(reverse("subscription-delete", args=[subscription.pk])).status_code == 404
    client.force_login(world.users["other_member"])
    client.post(reverse("subscription-delete", args=[subscription.pk]))
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_preview_shows_the_next_digest(client, world):
    # Yesterday by the real clock, which the preview reads: yesterday's run has not started yet.
    ItemPage.objects.filter(pk__in=[p.pk for p in world.items.values()]).update(
        first_published_at=timezone.now() - timedelta(days=1))
    subscribe(world.users["source_member"])
    client.force_login(world.users["source_member"])
    body = client.get(reverse("digest-preview", args=["daily"])).content.decode()
    assert "Matrix amber_strict marker" in body and "Matrix red marker" not in body
    assert client.get(reverse("digest-preview", args=["hourly"])).status_code == 404


def test_subscribing_to_a_search_keeps_filters_the_form_does_not_show(client, world):
    client.force_login(world.users["other_member"])
    query = "?q=matrix&tlp=green&year=2026"
    response = client.post(reverse("subscription-new") + query, {
        "name": "Green matrix", "frequency": "daily", "active": "on", "text": "matrix",
    })
    assert response.status_code == 302
    request = Subscription.objects.get(name="Green matrix").search_request
    assert (request.text, request.labels, request.years) == ("matrix", ("green",), (2026,))


class Greylisting(LocmemBackend):
    """Answers every message with a 451, and counts the tries."""

    tries = 0

    def send_messages(self, messages):
        Greylisting.tries += 1
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (451, b"Try later")})


@pytest.fixture
def greylisting(settings):
    settings.EMAIL_BACKEND = f"{__name__}.Greylisting"
    settings.DIGEST_SEND_TRIES, settings.DIGEST_SEND_PAUSE_MS = 3, 1
    settings.DIGEST_RETRY_BACKOFF, settings.DIGEST_RETRY_BACKOFF_MAX = 30, 100
    Greylisting.tries = 0


def test_temporary_refusals_wait_a_capped_doubling_backoff(world, run, greylisting):
    subscribe(world.users["other_member"])
    (chunk,) = runs.fan_out(run)
    waits = []
    for attempt in range(1, 5):
        started = timezone.now()
        outcome = deliver_chunk(run.pk, chunk)
        delivery = Delivery.objects.get(run=run)
        assert (outcome.retrying, outcome.retry_ids) == (1, chunk)
        assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == attempt
        assert "451" in delivery.error and "Try later" in delivery.error
        assert outcome.retry_at == delivery.next_attempt_at
        waits.append((delivery.next_attempt_at - started).total_seconds())
        assert deliver_chunk(run.pk, chunk).skipped == 1  # not due yet: nobody claims it
        Delivery.objects.filter(run=run).update(next_attempt_at=timezone.now())
    assert Greylisting.tries == 3 * 4  # three tries per attempt, on a new connection each
    # 30 s doubling, capped at 100 s, each less up to a quarter of jitter.
    for wait, nominal in zip(waits, (30, 60, 100, 100), strict=True):
        assert nominal * 0.75 - 1 <= wait <= nominal + 1, waits
    assert mail.outbox == []


def test_a_run_past_its_deadline_fails_what_is_left_for_moderators(world, run, greylisting,
                                                                     client):
    from portal.features.digests.tasks import send_digest_chunk

    subscribe(world.users["other_member"])
    subscribe(world.users["source_member"])
    (chunk,) = runs.fan_out(run)
    deliver_chunk(run.pk, chunk)
    assert not runs.expire_if_overdue(run)  # the default deadline is a day away
    DigestRun.objects.filter(pk=run.pk).update(deadline=timezone.now())
    assert send_digest_chunk(run.pk, chunk) == {"expired": True}
    run.refresh_from_db()
    assert run.status == "complete" and run.completed_at >= run.deadline
    for delivery in Delivery.objects.filter(run=run):
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.error.startswith("Not delivered by the run's deadline")
        assert "Try later" in delivery.error  # with the reason it kept failing
    client.force_login(world.users["moderator"])
    runs_page = client.get("/admin/digest-runs/")
    assert runs_page.status_code == 200
    body = runs_page.content.decode()
    assert str(run) in body and "Retrying" in body and "Finished or expected" in body
    listing = client.get("/admin/digest-deliveries/", {"status": "failed", "run": run.pk})
    body = listing.content.decode()
    assert listing.status_code == 200
    assert "other_member@world.test" in body and "source_member@world.test" in body


def test_the_default_deadline_is_when_the_next_run_may_start(world, settings):
    run = runs.get_or_start_run("weekly", NOW - timedelta(days=60))[0]
    assert run.deadline == run.window_end + timedelta(days=7)
    # A fixed clock: at noon an hour's deadline fits the day; at 23:30 the next daily run
    # (midnight) comes first and caps it. With the real clock this failed near midnight.
    settings.DIGEST_RUN_DEADLINE = 3600
    noon = NOW.replace(hour=12, minute=0, second=0, microsecond=0)
    assert runs.get_or_start_run("daily", noon)[0].deadline == noon + timedelta(hours=1)
    late = noon + timedelta(days=1, hours=11, minutes=30)
    capped = runs.get_or_start_run("daily", late)[0]
    assert capped.deadline == capped.window_end + timedelta(days=1) == late + timedelta(minutes=30)


def test_a_server_that_refuses_connections_trips_the_breaker(world, run, settings):
    from tests.smtp_server import HOST, FaultySmtpServer, free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = HOST, free_port()  # nothing listens there
    settings.DIGEST_SEND_TRIES, settings.DIGEST_SEND_PAUSE_MS = 2, 1
    settings.DIGEST_BREAKER_AFTER, settings.DIGEST_BREAKER_DELAY = 3, 60
    for role in ("source_member", "other_member", "recipient_member", "publisher"):
        subscribe(world.users[role])
    (chunk,) = runs.fan_out(run)
    started = timezone.now()
    outcome = deliver_chunk(run.pk, chunk)
    run.refresh_from_db()
    assert outcome.paused and run.breaker_trips == 1
    assert 45 - 1 <= (run.paused_until - started).total_seconds() <= 60 + 1
    # The first message used its two tries; the third refusal in a row stopped the chunk, so
    # the other three were not tried: they all wait for the pause, on their first attempt.
    deliveries = Delivery.objects.filter(run=run)
    assert {d.status for d in deliveries} == {DeliveryStatus.RETRYING}
    assert {d.attempts for d in deliveries} == {1}
    assert outcome.retry_at == run.paused_until
    assert sum(d.next_attempt_at == run.paused_until for d in deliveries) == 3
    assert sum("The mail server is down" in d.error for d in deliveries) == 3

    from portal.features.digests.tasks import send_digest_chunk

    assert "paused_until" in send_digest_chunk(run.pk, chunk)  # while paused, nothing is tried
    assert Delivery.objects.filter(run=run, attempts=1).count() == 4
    # The next pause is twice as long (less jitter).
    Delivery.objects.filter(run=run).update(next_attempt_at=timezone.now())
    started = timezone.now()
    deliver_chunk(run.pk, chunk)
    run.refresh_from_db()
    assert run.breaker_trips == 2
    assert 90 - 1 <= (run.paused_until - started).total_seconds() <= 120 + 1
    # The server is back: everything goes out, and the next outage starts from a short pause.
    server = FaultySmtpServer()
    server.port = settings.EMAIL_PORT
    server.start()
    try:
        Delivery.objects.filter(run=run).update(next_attempt_at=timezone.now())
        assert deliver_chunk(run.pk, chunk).sent == 4
    finally:
        server.stop()
    run.refresh_from_db()
    assert (run.breaker_trips, run.paused_until) == (0, None)
    assert sum(server.accepted.values()) == 4


def test_progress_counts_and_expected_finish(world, run):
    for role in ("source_member", "other_member", "recipient_member", "publisher"):
        subscribe(world.users[role])
    runs.fan_out(run)
    deliveries = Delivery.objects.filter(run=run).order_by("user_id")
    later = timezone.now() + timedelta(minutes=10)
    first, second, third, _fourth = deliveries
    Delivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.SENT)
    Delivery.objects.filter(pk=second.pk).update(status=DeliveryStatus.RETRYING,
                                                 next_attempt_at=later)
    Delivery.objects.filter(pk=third.pk).update(status=DeliveryStatus.FAILED)
    DigestRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    progress = DigestRun.objects.with_progress().get(pk=run.pk)
    assert (progress.sent, progress.pending, progress.retrying, progress.failed) == (1, 1, 1, 1)
    now = timezone.now()
    # Two done in a minute, two to go: a minute more, but not before the retry is due.
    assert progress.expected_finish(now) == later
    Delivery.objects.filter(pk=second.pk).update(next_attempt_at=now)
    progress = DigestRun.objects.with_progress().get(pk=run.pk)
    assert abs((progress.expected_finish(now) - now).total_seconds() - 60) < 2


def test_an_outcome_is_recorded_only_under_the_attempt_s_own_claim(world, run):
    from portal.features.digests.sending import claim_deliveries, record_outcome

    subscribe(world.users["other_member"])
    (chunk,) = runs.fan_out(run)
    claim, held = claim_deliveries(run, chunk, timezone.now())
    # The sweep released it and another attempt took it over meanwhile.
    Delivery.objects.filter(run=run).update(status=DeliveryStatus.SENDING, claim="other")
    record_outcome(run, claim, held, DeliveryStatus.SENT)
    assert Delivery.objects.get(run=run).status == DeliveryStatus.SENDING
