"""Change notes, an item's history of major changes, and following an item to hear of them."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from cms.following import ITEM_CHANGED
from cms.models import ChangeNote, Follow, FollowPreference, ItemPage, UpdatesBy
from portal.core.notifications.models import Notification
from portal.core.tlp import TLP
from portal.features.digests import runs
from portal.features.digests.building import build_chunk
from portal.features.digests.models import Subscription
from portal.features.digests.sending import deliver_chunk
from search.models import SearchEntry
from tests.world import add_sharing_group_item, make_item, make_user

pytestmark = pytest.mark.django_db


def without_csrf(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def publish_change(page, note, major=False, user=None, **changes):
    """Publish a new revision of ``page`` carrying a change note (and other changes)."""
    page = ItemPage.objects.get(pk=page.pk).specific
    page.change_note, page.change_is_major = note, major
    recipients = changes.pop("recipient_users", None)
    for name, value in changes.items():
        setattr(page, name, value)
    if recipients is not None:
        page.recipient_users.set(recipients)
    revision = page.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)
    return revision


def follow(client, page, value="1"):
    return client.post(reverse("follow-item", args=[page.pk]), {"follow": value})


def test_a_publication_records_its_note_major_or_minor_and_the_first_is_no_change(world):
    author = world.users["publisher"]
    page = make_item(world.orgs["source"], TLP.CLEAR, "Backup standard",
                     change_note="The first text", change_is_major=True)
    assert not ChangeNote.objects.filter(page=page).exists()  # the first publication

    minor = publish_change(page, "Typo fixed", user=author)
    major = publish_change(page, "Restores must be tested monthly", major=True, user=author)
    publish_change(page, "")  # no note, no change recorded

    notes = list(ChangeNote.objects.filter(page=page).order_by("published_at"))
    assert [(n.note, n.major, n.revision_id, n.author) for n in notes] == [
        ("Typo fixed", False, minor.pk, author),
        ("Restores must be tested monthly", True, major.pk, author)]
    live = ItemPage.objects.get(pk=page.pk)
    assert (live.change_note, live.change_is_major) == ("", False)  # cleared once recorded
    history = PageLogEntry.objects.filter(page=page, action="cms.change_note").order_by("pk")
    assert [entry.message for entry in history] == [  # the editors' history has both
        "Minor change: Typo fixed", "Major change: Restores must be tested monthly"]


def test_the_next_edit_starts_without_the_published_note(world):
    page = make_item(world.orgs["source"], TLP.CLEAR, "Patch guidance")
    revision = publish_change(page, "New deadline", major=True)
    revision.refresh_from_db()
    assert revision.content["change_note"] == "New deadline"  # the revision keeps its note
    page = ItemPage.objects.get(pk=page.pk).specific
    editing = page.get_latest_revision_as_object()  # what the editor's form starts from
    assert (editing.change_note, editing.change_is_major) == ("", False)


def test_a_major_change_needs_a_note(world):
    page = make_item(world.orgs["source"], TLP.CLEAR, "Logging guidance")
    form_class = page.get_edit_handler().get_form_class()
    form = form_class(instance=page, for_user=world.users["publisher"])
    form.cleaned_data = {"tlp": TLP.CLEAR, "change_is_major": True, "change_note": " "}
    form._errors = {}
    form.formsets = {}
    form.clean()
    assert "change_note" in form.errors


def test_the_history_shows_major_changes_only(client_for, world):
    page = world.items[TLP.GREEN]
    publish_change(page, "Minor wording marker")
    publish_change(page, "Major scope marker", major=True)
    body = client_for("source_member").get(page.url).content.decode()
    assert "Major changes" in body and "Major scope marker" in body
    assert "Minor wording marker" not in body
    assert client_for("anonymous").get(page.url).status_code == 302  # the page's own check


def test_follow_and_unfollow_from_the_item_page(client_for, world):
    page = world.items[TLP.GREEN]
    client = client_for("source_member")
    assert "Follow<span" in client.get(page.url).content.decode()
    response = follow(client, page)
    assert response.status_code == 302 and response.url == page.url
    assert Follow.objects.filter(user=world.users["source_member"], page=page).exists()
    body = client.get(page.url).content.decode()
    assert "You follow this item" in body and "Unfollow<span" in body

    assert follow(client, page, "0").status_code == 302
    assert not Follow.objects.filter(page=page).exists()
    assert follow(client, page, "maybe").status_code == 400


def test_an_item_the_reader_may_not_see_answers_as_a_missing_one(client_for, world):
    client = client_for("source_member")
    restricted = follow(client, world.items[TLP.RED])
    missing = client.post(reverse("follow-item", args=[987654]), {"follow": "1"})
    assert restricted.status_code == missing.status_code == 404
    assert without_csrf(restricted) == without_csrf(missing)
    assert not Follow.objects.exists()
    anonymous = follow(client_for("anonymous"), world.items[TLP.CLEAR])
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url


def test_the_page_cache_never_serves_one_reader_s_button_to_another(client, world):
    page = world.items[TLP.GREEN]
    twin = make_user("twin@world.test", org=world.orgs["source"], role="member")
    client.force_login(world.users["source_member"])
    client.get(page.url)  # stored for everyone with these grants
    follow(client, page)
    assert "Unfollow<span" in client.get(page.url).content.decode()
    client.force_login(twin)  # same grants: the same stored page, their own button
    body = client.get(page.url).content.decode()
    assert "Follow<span" in body and "Unfollow" not in body


def test_followers_hear_of_a_major_change_at_once(client_for, world,
                                                  django_capture_on_commit_callbacks):
    page = world.items[TLP.AMBER]
    follower = world.users["recipient_member"]
    follow(client_for("recipient_member"), page)
    author = world.users["publisher"]
    follow(client_for("publisher"), page)  # the change's author is not told of it
    publish_change(page, "Minor marker", user=author)
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        publish_change(page, "Amber scope marker", major=True, user=author)
    told = Notification.objects.get()
    assert (told.recipient, told.kind) == (follower, ITEM_CHANGED)
    assert told.title == f"Changed: {page.title}" and told.url == page.url
    assert [m.to for m in mail.outbox] == [[follower.email]]
    assert "Amber scope marker" not in mail.outbox[0].body + mail.outbox[0].subject


def test_no_one_hears_of_an_item_they_may_no_longer_see(client_for, world,
                                                        django_capture_on_commit_callbacks):
    page = world.items[TLP.GREEN]
    for role in ("source_member", "red_recipient"):
        follow(client_for(role), page)
    with django_capture_on_commit_callbacks(execute=True):
        publish_change(page, "Now for one person", major=True, tlp=TLP.RED,
                       recipient_users=[world.users["red_recipient"]])
    assert [n.recipient for n in Notification.objects.all()] == [world.users["red_recipient"]]
    assert [m.to for m in mail.outbox] == [["red_recipient@world.test"]]
    # and the list of followed items hides what they may no longer see
    body = client_for("source_member").get(reverse("following")).content.decode()
    assert page.title not in body


def test_a_follower_who_sees_the_item_through_a_sharing_group_hears_of_its_change(
        client_for, world, django_capture_on_commit_callbacks):
    page = add_sharing_group_item(world)  # AMBER, shared with the other organisation's group
    follower = world.users["other_member"]
    assert follow(client_for("other_member"), page).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        publish_change(page, "Group marker", major=True, user=world.users["publisher"])
    assert [n.recipient for n in Notification.objects.all()] == [follower]
    assert SearchEntry.objects.filter(pk=page.pk).exists()  # indexing went on after the note


def changed_yesterday(page):
    ChangeNote.objects.filter(page=page).update(published_at=timezone.now() - timedelta(days=1))


def test_a_digest_lists_followed_items_with_a_major_change_under_updated(
        client_for, world, django_capture_on_commit_callbacks):
    reader = world.users["source_member"]
    FollowPreference.objects.create(user=reader, updates=UpdatesBy.DIGEST)
    Subscription.objects.create(user=reader, name="Nothing", criteria="q=zzzz")
    client = client_for("source_member")
    for label in (TLP.CLEAR, TLP.AMBER, TLP.GREEN):
        follow(client, world.items[label])
    with django_capture_on_commit_callbacks(execute=True):
        publish_change(world.items[TLP.CLEAR], "Clear note marker", major=True)
        publish_change(world.items[TLP.AMBER], "Amber note marker", major=True)
        publish_change(world.items[TLP.GREEN], "Green minor marker")
    assert not Notification.objects.exists()  # they chose the digest
    # This week's run, and the notes moved into its window: "yesterday" is last week's on a
    # Monday, which failed this test every Monday.
    now = timezone.now()
    run = runs.get_or_start_run("weekly", now + timedelta(days=7))[0]
    for label in (TLP.CLEAR, TLP.AMBER):
        ChangeNote.objects.filter(page=world.items[label]).update(
            published_at=run.window_start + (now - run.window_start) / 2)
    digest, = build_chunk(run.frequency, run.window_start, run.window_end, [reader.pk])
    assert {item.id for item in digest.updated} == {world.items[TLP.CLEAR].pk,
                                                    world.items[TLP.AMBER].pk}
    for chunk in runs.fan_out(run):
        deliver_chunk(run.pk, chunk)
    message, = mail.outbox
    assert "1 updated" not in message.subject and "2 updated" in message.subject
    assert "UPDATED" in message.body and "Matrix amber marker" in message.body
    assert "Clear note marker" in message.body  # a TLP:CLEAR item's note may travel
    assert "Amber note marker" not in message.body + message.alternatives[0][0]
    assert "Green minor marker" not in message.body
    # The past digest lists them too, under Updated, as the email did.
    delivery = reader.digest_deliveries.get()
    archived = client.get(reverse("digest-archived", args=[delivery.pk])).content.decode()
    assert "Updated: items you follow" in archived and "Matrix amber marker" in archived
    assert "no longer available" not in archived


def test_a_digest_preference_without_a_digest_is_told_at_once(client_for, world):
    reader = world.users["source_member"]
    FollowPreference.objects.create(user=reader, updates=UpdatesBy.DIGEST)
    follow(client_for("source_member"), world.items[TLP.CLEAR])
    publish_change(world.items[TLP.CLEAR], "Clear change", major=True)
    assert Notification.objects.get().recipient == reader


def test_the_followed_list_and_another_person_s_follow_answers_as_missing(client_for, world):
    page = world.items[TLP.CLEAR]
    follow(client_for("other_member"), page)
    theirs = Follow.objects.get()
    client = client_for("source_member")
    follow(client, world.items[TLP.GREEN])
    mine = Follow.objects.get(user=world.users["source_member"])

    body = client.get(reverse("following")).content.decode()
    assert world.items[TLP.GREEN].title in body and page.title not in body

    other = client.post(reverse("unfollow", args=[theirs.pk]))
    missing = client.post(reverse("unfollow", args=[987654]))
    assert other.status_code == missing.status_code == 404
    assert without_csrf(other) == without_csrf(missing)
    assert Follow.objects.filter(pk=theirs.pk).exists()
    huge = 10 ** 30  # beyond the database's integers: still a plain 404
    assert client.post(reverse("unfollow", args=[huge])).status_code == 404
    assert client.post(reverse("follow-item", args=[huge]), {"follow": "1"}).status_code == 404
    assert client.post(reverse("unfollow", args=[mine.pk])).status_code == 302
    assert not Follow.objects.filter(pk=mine.pk).exists()

    client.post(reverse("following"), {"updates": "digest"})
    assert FollowPreference.objects.get(user=world.users["source_member"]).updates == "digest"
    assert client.post(reverse("following"), {"updates": "never"}).status_code == 400


def test_the_editor_s_change_note_tab_records_a_change_and_previews_still_work(client, world):
    from tests.test_access_matrix import _page_form

    page = world.items[TLP.CLEAR]
    # Publishing directly from the edit view (four-eyes publishing has its own tests).
    world.orgs["source"].__class__.objects.filter(pk=world.orgs["source"].pk).update(
        four_eyes=False)
    client.force_login(world.users["publisher"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = _page_form(page.title, change_is_major="on", change_note="")
    form["slug"] = page.slug
    refused = client.post(edit_url, {**form, "action-publish": "go"})
    assert "Say what changed" in refused.content.decode()
    assert not ChangeNote.objects.exists()

    form["change_note"] = "Editor tab marker"
    assert client.post(edit_url, {**form, "action-publish": "go"}).status_code == 302
    change = ChangeNote.objects.get()
    assert (change.note, change.major, change.author) == (
        "Editor tab marker", True, world.users["publisher"])
    assert 'name="change_note"' in client.get(edit_url).content.decode()

    parent = page.get_parent()
    preview = reverse("wagtailadmin_pages:preview_on_add", args=["cms", "guidancepage", parent.pk])
    assert client.post(preview, _page_form("Not saved yet")).json()["is_valid"] is True
    response = client.get(preview)
    assert response.status_code == 200 and "Not saved yet" in response.content.decode()


def test_the_updated_section_takes_the_same_queries_for_more_followers(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    readers = [make_user(f"reader{n}@world.test", org=world.orgs["source"], role="member")
               for n in range(3)]
    for number, reader in enumerate(readers):
        FollowPreference.objects.create(user=reader, updates=UpdatesBy.DIGEST)
        Subscription.objects.create(user=reader, name="Nothing", criteria="q=zzzz",
                                    frequency="daily")
        for label in list(TLP)[:number + 2]:
            Follow.objects.create(user=reader, page=world.items[label])
    for label in TLP:
        publish_change(world.items[label], f"{label} changed", major=True)
        changed_yesterday(world.items[label])
    now = timezone.now()
    window = (now - timedelta(days=2), now)

    def count(users):
        with CaptureQueriesContext(connection) as context:
            digests = build_chunk("daily", *window, [u.pk for u in users])
        return len(context.captured_queries), [len(d.updated) for d in digests]

    count(readers[:1])  # warms what a running process keeps (Wagtail's site roots)
    one, updated = count(readers[:1])
    assert updated == [2]
    many, updated = count(readers)
    assert sorted(updated) == [2, 3, 4] and many == one
