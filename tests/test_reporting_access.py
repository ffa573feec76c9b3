"""The reporting block of the access matrix: every role against every channel that could show
a confidential report, with 0 leaks, and a report someone may not see answering exactly as a
missing one on every route of the feature that takes a case id."""

from datetime import timedelta

import pytest
from django.contrib import admin as django_admin
from django.core import mail
from django.test import Client
from django.urls import get_resolver, reverse

from portal.features.reporting import deadlines
from portal.features.reporting.models import Attachment
from tests.reporting_world import MARKERS, PASSPHRASE, build, without_csrf

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reporter_with_code", "handler", "excluded_handler", "other_handler",
         "org_admin", "moderator", "superuser", "member"]
HANDLER_ROLES = {"handler", "excluded_handler", "other_handler"}
# What each role may read. The reporter reads the conversation, never the internal note.
CONTENT = set(MARKERS) - {"image_meta"}  # image metadata is gone for everyone
REPORTER_SEES = {"reply", "reporter_message"}


@pytest.fixture
def rw(world):
    return build(world)


def client_as(rw, role):
    client = Client()
    if role in ("anonymous", "reporter_with_code"):
        return client
    client.force_login(rw.users[role])
    if role in HANDLER_ROLES:
        # Every handler unlocks their own channel: holding a key must not be enough.
        response = client.post(reverse("reporting:unlock", args=[rw.channel_for(role).pk]),
                               {"passphrase": PASSPHRASE})
        assert response.status_code == 302
    return client


def leaked(text: str) -> set[str]:
    return {name for name, marker in MARKERS.items() if marker in text}


def channels(rw, client, role):
    """(channel name, response text) for every channel that could show the report."""
    report = rw.report
    attachments = list(Attachment.objects.filter(report=report))
    yield "inbox", client.get(reverse("reporting:inbox"))
    yield "case page", client.get(reverse("reporting:case", args=[report.pk]))
    for attachment in attachments:
        yield "attachment", client.get(reverse("reporting:attachment",
                                               args=[report.pk, attachment.pk]))
    yield "export", client.post(reverse("reporting:export", args=[report.pk]))
    code = rw.code if role == "reporter_with_code" else "0" * 20
    yield "follow-up", client.post(reverse("reporting:follow-up"), {"code": code})
    yield "manage", client.get(reverse("reporting:manage",
                                       args=[rw.channel.organisation.slug]))
    yield "channel page", client.get(rw.channel.get_absolute_url())
    yield "statistics", client.get(reverse("reporting:statistics",
                                           args=[rw.channel.organisation.slug, "internal"]))
    # Searches use a word of the report's text, since a page may echo its query.
    yield "search page", client.get(reverse("search"), {"q": "happened"})
    yield "search api", client.get(reverse("search-api"), {"q": "happened"})
    yield "django admin", client.get("/django-admin/")
    yield "wagtail admin", client.get("/admin/")
    yield "wagtail admin search", client.get("/admin/pages/search/", {"q": "happened"})
    yield "digest preview", client.get(reverse("digest-preview", args=["daily"]))
    yield "digest archive", client.get(reverse("digest-archive"))
    yield "notifications", client.get(reverse("notifications"))


def allowed(role, channel):
    if role == "handler" and channel in ("case page", "attachment", "export"):
        return CONTENT
    if role == "reporter_with_code" and channel == "follow-up":
        return REPORTER_SEES
    return set()


def test_no_role_reads_what_it_may_not_on_any_channel(rw, django_capture_on_commit_callbacks):
    # Deadline notifications exist too, so the notification list and emails are exercised.
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.run(now=rw.report.received_at + timedelta(days=8))
    leaks, checked, seen = [], 0, set()
    for role in ROLES:
        client = client_as(rw, role)
        for channel, response in channels(rw, client, role):
            assert response.status_code < 500, (role, channel)
            found = leaked(response.content.decode(errors="replace"))
            expected = allowed(role, channel)
            if found - expected:
                leaks.append((role, channel, sorted(found - expected)))
            if found:
                seen.add((role, channel))
            checked += 1
    assert leaks == []
    # The check can fail: the allowed readers do see the content.
    assert {("handler", "case page"), ("handler", "attachment"), ("handler", "export"),
            ("reporter_with_code", "follow-up")} <= seen
    assert checked == len(ROLES) * 17  # 17 requests per role, 0 leaks
    for message in mail.outbox:
        assert not leaked(message.subject + message.body + "".join(
            body for body, _ in getattr(message, "alternatives", [])))
    assert "excluded@source.test" not in {r for m in mail.outbox for r in m.to}


def test_no_search_finds_a_report(rw):
    for role in ROLES:
        client = client_as(rw, role)
        for marker in MARKERS.values():
            response = client.get(reverse("search-api"), {"q": marker})
            assert response.status_code == 200 and response.json()["total"] == 0, role


def test_the_inbox_lists_the_case_only_to_its_readers(rw):
    case_link = reverse("reporting:case", args=[rw.report.pk])
    for role in ROLES:
        page = client_as(rw, role).get(reverse("reporting:inbox"))
        assert (case_link in page.content.decode()) == (role == "handler"), role




def test_a_restricted_case_answers_exactly_as_a_missing_one_on_every_route(rw):
    routes = set()
    for pattern in get_resolver().url_patterns:
        for sub in getattr(pattern, "url_patterns", []):
            if getattr(pattern, "namespace", None) == "reporting" and "<int:pk>" in str(
                    sub.pattern):
                routes.add(sub.name)
    assert routes == {"case", "attachment", "export"}
    attachment = Attachment.objects.filter(report=rw.report).first()
    missing_pk = rw.report.pk + 1000
    compared = 0
    for role in ROLES:
        if role == "handler":
            continue
        client = client_as(rw, role)
        for name in sorted(routes):
            method = client.post if name == "export" else client.get
            extra = [attachment.pk] if name == "attachment" else []
            real = method(reverse(f"reporting:{name}", args=[rw.report.pk, *extra]))
            missing = method(reverse(f"reporting:{name}", args=[missing_pk, *extra]))
            assert real.status_code == missing.status_code, (role, name)
            assert real.status_code in (302, 403, 404), (role, name)
            assert without_csrf(real) == without_csrf(missing), (role, name)
            if real.status_code == 302:
                assert real["Location"].replace(str(rw.report.pk), "N") == \
                    missing["Location"].replace(str(missing_pk), "N")
            compared += 1
    assert compared == 8 * 3


def test_no_reporting_model_is_registered_in_any_admin():
    from wagtail.snippets.models import get_snippet_models

    assert not [model for model in django_admin.site._registry
                if model._meta.app_label == "reporting"]
    assert not [model for model in get_snippet_models()
                if model._meta.app_label == "reporting"]


def test_readers_follow_the_handler_capability(rw, world):
    from portal.core.organisations.models import Capability, MembershipCapability

    assert set(rw.report.readers.all()) == {rw.users["handler"]}
    MembershipCapability.objects.get(membership__user=rw.users["handler"],
                                     capability=Capability.CASE_HANDLER).delete()
    assert not rw.report.readers.exists()
    # Their copy of the channel key goes too: a new grant is needed if they come back.
    assert not rw.channel.handler_keys.filter(user=rw.users["handler"]).exists()
    assert rw.channel.handler_keys.filter(user=rw.users["excluded_handler"]).exists()
    client = client_as(rw, "org_admin")  # any signed-in client; the handler has no grant now
    client.force_login(rw.users["handler"])
    assert client.get(reverse("reporting:case", args=[rw.report.pk])).status_code == 404
    world.orgs["source"].status = "suspended"
    world.orgs["source"].save()
    assert not rw.report.readers.exists()
