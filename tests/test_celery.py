"""Celery work runs on a real worker over real Redis."""

import time

from django.core import mail
from django.urls import reverse

from portal.organisations.models import Invitation, Organisation, OrganisationStatus
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
    org = Organisation.objects.create(name="Worker Org", kind="academia",
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
    # The world is built before the worker starts: SQLite's shared in-memory test database
    # locks tables while the worker thread holds a connection.
    from django.http import QueryDict

    from portal import access
    from portal.tlp import TLP
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
