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
