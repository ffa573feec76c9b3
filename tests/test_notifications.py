"""Notifications: one module tells people what needs them, in the portal and by email, and a
notification is its recipient's alone."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.core.notifications.models import Notification, Preference
from portal.core.notifications.sending import notify
from portal.core.notifications.tasks import email_notifications
from portal.core.organisations.models import JoinRequest, Role
from portal.core.organisations.notifications import JOIN_DECIDED, JOIN_REQUESTED
from tests.test_celery import wait_for
from tests.world import make_user

pytestmark = pytest.mark.django_db


def without_csrf(response):
    """The body with its per-response CSRF token masked out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def org_admin(world):
    return make_user("admin@source.test", org=world.orgs["source"], role=Role.ADMIN)


def test_a_join_request_tells_the_admins_and_the_answer_tells_the_requester(
        client, world, org_admin, django_capture_on_commit_callbacks):
    requester = make_user("asker@elsewhere.test")
    client.force_login(requester)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("join-organisation", args=[world.orgs["source"].slug]),
                    {"message": "I lead the red team."})
    to_admin = Notification.objects.get(recipient=org_admin)
    assert to_admin.kind == JOIN_REQUESTED and "asker@elsewhere.test" in to_admin.title
    assert [m.to for m in mail.outbox] == [["admin@source.test"]]
    assert "I lead the red team." not in mail.outbox[0].body  # the title and a link, no more
    assert reverse("open-notification", args=[to_admin.pk]) in mail.outbox[0].body

    client.force_login(org_admin)
    join_request = JoinRequest.objects.get(user=requester)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("decide-join-request", args=[world.orgs["source"].slug,
                                                         join_request.pk]),
                    {"decision": "approve", "role": "member"})
    answer = Notification.objects.get(recipient=requester)
    assert answer.kind == JOIN_DECIDED and answer.title.endswith("was approved")
    assert mail.outbox[-1].to == ["asker@elsewhere.test"]


def test_turning_email_off_keeps_the_notification_in_the_portal(
        world, django_capture_on_commit_callbacks):
    reader = world.users["source_member"]
    Preference.objects.create(user=reader, kind=JOIN_DECIDED, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify([reader, world.users["other_member"]], JOIN_DECIDED, "Answered", "/")
    assert Notification.objects.filter(recipient=reader).exists()
    assert [m.to for m in mail.outbox] == [["other_member@world.test"]]


def test_nothing_is_emailed_when_the_change_rolls_back(world,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify([world.users["source_member"]], JOIN_DECIDED, "Answered", "/")
    assert len(callbacks) == 1  # queued for the commit, not before: a rollback drops it
    assert mail.outbox == []


def test_emailing_twice_sends_once(world):
    [notification] = notify([world.users["source_member"]], JOIN_DECIDED, "Answered", "/")
    assert email_notifications([notification.pk]) == 1
    assert email_notifications([notification.pk]) == 0  # a retried task skips what went out
    assert len(mail.outbox) == 1


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(LookupError):
        notify([world.users["source_member"]], "no.such.kind", "Hello")


def test_a_notification_is_its_recipients_alone(client, world):
    mine = notify([world.users["source_member"]], JOIN_DECIDED, "Yours to see", "/guidance/")[0]
    theirs = notify([world.users["other_member"]], JOIN_DECIDED, "Not yours", "/")[0]
    client.force_login(world.users["source_member"])
    listing = client.get(reverse("notifications")).content.decode()
    assert "Yours to see" in listing and "Not yours" not in listing
    assert '<span class="badge" aria-label="1 unread">1</span>' in listing

    missing = client.get(reverse("open-notification", args=[theirs.pk + 1000]))
    other = client.get(reverse("open-notification", args=[theirs.pk]))
    assert other.status_code == missing.status_code == 404
    assert without_csrf(other) == without_csrf(missing)
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    opened = client.get(reverse("open-notification", args=[mine.pk]))
    assert opened.status_code == 302 and opened.url == "/guidance/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    client.logout()
    anonymous = client.get(reverse("open-notification", args=[mine.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url


def test_links_never_leave_the_portal(client, world):
    [notification] = notify([world.users["source_member"]], JOIN_DECIDED, "Odd link",
                            "https://elsewhere.example/phish")
    client.force_login(world.users["source_member"])
    response = client.get(reverse("open-notification", args=[notification.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications")


def test_mark_all_read_and_preferences(client, world):
    reader = world.users["source_member"]
    notify([reader], JOIN_DECIDED, "One", "/")
    notify([reader], JOIN_REQUESTED, "Two", "/")
    client.force_login(reader)
    assert client.get(reverse("notifications-read")).status_code == 405
    client.post(reverse("notifications-read"))
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()

    page = client.get(reverse("notification-preferences")).content.decode()
    assert "Answers to your requests to join an organisation" in page
    client.post(reverse("notification-preferences"), {JOIN_REQUESTED: "on"})
    # Other features register kinds of their own; these two are the ones this test sets.
    assert dict(Preference.objects.filter(user=reader, kind__in=[JOIN_REQUESTED, JOIN_DECIDED])
                .values_list("kind", "email")) == {JOIN_REQUESTED: True, JOIN_DECIDED: False}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9", "\x00"])
def test_bad_page_numbers_are_a_404_not_an_error(client, world, page):
    client.force_login(world.users["source_member"])
    assert client.get(reverse("notifications"), {"page": page}).status_code == 404


@pytest.mark.services
def test_a_real_worker_emails_the_notification(celery_worker_on_redis, wagtail_roots):
    from django.db import transaction

    reader = make_user("worker-reader@world.test")
    with transaction.atomic():
        notify([reader], JOIN_DECIDED, "Answered by the worker", "/")
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker sent nothing"
    assert mail.outbox[0].to == ["worker-reader@world.test"]
    assert Notification.objects.get(recipient=reader).emailed_at is not None
