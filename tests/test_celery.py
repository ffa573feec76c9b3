"""Celery work runs on a real worker over real Redis."""

import time

from django.core import mail
from django.urls import reverse

from portal.core.organisations.models import Invitation, Organisation, OrganisationStatus
from tests.world import make_user


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_invitation_email_goes_through_redis_and_a_worker(
    celery_worker_on_redis, wagtail_roots, client
):
    org = Organisation.objects.create(name="Worker Org", organisation_type="academia",
                                      status=OrganisationStatus.APPROVED)
    admin = make_user("admin@worker.test", org=org, role="admin")
    client.force_login(admin)
    assert celery_worker_on_redis.conf.task_always_eager is False  # really queued
    response = client.post(reverse("manage-members", args=[org.slug]),
                           {"invite-email": "new@worker.test", "invite-role": "member"})
    assert response.status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker did not send the invitation"
    message = mail.outbox[0]
    assert message.to == ["new@worker.test"]
    assert "Worker Org" in message.subject
    assert Invitation.objects.get().email == "new@worker.test"


def test_publishing_makes_an_item_findable_and_unpublishing_removes_it(
    fresh_world, celery_worker_on_redis
):
    from django.http import QueryDict

    from portal.core import access
    from portal.core.tlp import TLP
    from search import service
    from search.query import SearchRequest
    from tests.world import make_item

    def found():
        request = SearchRequest.from_params(QueryDict("q=quokka"))
        return [hit.title for hit in service.search(access.ANONYMOUS, request).hits]

    page = make_item(fresh_world.orgs["other"], TLP.CLEAR, "Quokka handling guidance")
    assert wait_for(lambda: found() == ["Quokka handling guidance"]), "never became findable"
    page.unpublish()
    assert wait_for(lambda: found() == []), "still findable after unpublishing"


def test_daily_digest_end_to_end_exactly_once_even_when_a_chunk_fails(
    fresh_world, celery_worker_on_redis, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from cms.models import ItemPage
    from portal.features.digests.models import Delivery, DeliveryStatus, DigestRun, Subscription
    from portal.features.digests.tasks import start_digest_run
    from tests.mail_backends import FlakyBackend

    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    settings.DIGEST_RETRY_BACKOFF = 1
    FlakyBackend.sent, FlakyBackend.failed, FlakyBackend.fail_after = 0, False, 3
    readers = ["source_member", "other_member", "recipient_member", "publisher",
               "contributor", "red_recipient"]
    for role in readers:
        Subscription.objects.create(user=fresh_world.users[role], name="Supply chain",
                                    criteria="topic=supply-chain", frequency="daily")
    ItemPage.objects.update(first_published_at=timezone.now() - timedelta(days=1))

    start_digest_run.delay("daily")
    assert wait_for(lambda: DigestRun.objects.filter(status="complete").exists(), 60), (
        "the run did not complete")
    assert FlakyBackend.failed  # the connection did drop mid-chunk, and the retry recovered
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(fresh_world.users[r].email for r in readers)
    source = next(m for m in mail.outbox if m.to == ["source_member@world.test"])
    assert "Matrix amber_strict marker" in source.body and "Matrix red marker" not in source.body
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == len(readers)

    start_digest_run.delay("daily")  # the same window again: nothing more is sent
    time.sleep(2)
    assert len(mail.outbox) == len(readers)
