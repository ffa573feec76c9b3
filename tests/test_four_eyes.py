"""Four-eyes publishing through the real admin: a submission is approved by someone other than
its author on every path; a single publisher's submissions go to the portal moderators; the
flag off restores Wagtail's group approval; each step tells the right people; and the editor's
item list shows and filters the TLP label."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cms.models import FourEyesApprovalTask, GuidancePage, OrganisationPage
from cms.notifications import DECIDED, SUBMITTED
from portal.core.notifications.models import Notification
from portal.core.organisations.models import Organisation
from portal.core.tlp import TLP
from tests.test_admin import _guidance_form
from tests.world import make_user, title_for


@pytest.fixture
def second_publisher(world):
    return make_user("second-publisher@world.test", org=world.orgs["source"], role="publisher")


def _submit(client, user, parent, title, tlp="green"):
    client.force_login(user)
    data = _guidance_form(title, tlp=tlp)
    data["action-submit"] = "Submit for moderation"
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", parent.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = GuidancePage.objects.get(title=title)
    assert page.current_workflow_state.status == "in_progress"
    return page


def _source_page(world):
    return OrganisationPage.objects.get(organisation=world.orgs["source"])


def _live(page):
    page.refresh_from_db()
    return page.live


def _approve_in_admin(client, page):
    """Approve through the workflow action view, as the dashboard and the edit view's modal do."""
    task_state = page.current_workflow_state.current_task_state
    return client.post(reverse("wagtailadmin_pages:workflow_action",
                               args=[page.pk, "approve", task_state.pk]), {"comment": "Fine."})


def _every_self_approval_path(client, page):
    """Everything an author might try to get their own submission live."""
    task_state = page.current_workflow_state.current_task_state
    _approve_in_admin(client, page)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = _guidance_form(page.title)
    client.post(edit, {**data, "action-workflow-action": "go",
                       "workflow-action-name": "approve"})
    client.post(edit, {**data, "action-publish": "Publish"})
    client.post(reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
                + f"?id={page.pk}", {})
    api = client.post(f"/admin/api/main/pages/{page.pk}/action/publish/",
                      content_type="application/json", data={})
    assert api.status_code in (400, 403)
    return task_state


def test_the_author_cannot_approve_on_any_path_and_another_publisher_can(
        client, world, second_publisher):
    author = world.users["publisher"]
    page = _submit(client, author, _source_page(world), "Four eyes guidance")
    task = page.current_workflow_task
    assert isinstance(task, FourEyesApprovalTask)
    assert task.get_actions(page, author) == []
    assert task.locked_for_user(page, author)

    task_state = _every_self_approval_path(client, page)
    assert not _live(page)
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, author, "approve")
    assert not _live(page)

    client.force_login(second_publisher)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    _approve_in_admin(client, page)
    assert _live(page)


def test_publishers_do_not_publish_directly_and_the_flag_off_restores_it(client, world):
    publisher = world.users["publisher"]
    item = world.items[TLP.GREEN]
    assert not item.permissions_for_user(publisher).can_publish()
    assert not _source_page(world).permissions_for_user(publisher).can_publish_subpage()

    client.force_login(publisher)
    add = reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", _source_page(world).pk])
    client.post(add, {**_guidance_form("Direct guidance"), "action-publish": "Publish"})
    assert not GuidancePage.objects.get(title="Direct guidance").live

    Organisation.objects.filter(pk=world.orgs["source"].pk).update(four_eyes=False)
    assert item.permissions_for_user(publisher).can_publish()
    client.post(add, {**_guidance_form("Direct again"), "action-publish": "Publish"})
    assert GuidancePage.objects.get(title="Direct again").live

    # Without four eyes a publisher approves their own submission, as in plain Wagtail.
    page = _submit(client, publisher, _source_page(world), "Own approval")
    assert page.current_workflow_task.get_actions(page, publisher)
    client.force_login(publisher)
    _approve_in_admin(client, page)
    assert _live(page)


def test_a_single_publishers_submission_goes_to_the_moderators(client, world):
    publisher, moderator = world.users["publisher"], world.users["moderator"]
    page = _submit(client, publisher, _source_page(world), "Lonely guidance", tlp="amber")

    _every_self_approval_path(client, page)
    assert not _live(page)

    # Told without the title: the moderator may not see a TLP:AMBER item of the source.
    told = Notification.objects.get(recipient=moderator, kind=SUBMITTED)
    assert "Lonely guidance" not in told.title and "Source Org" in told.title
    assert told.url == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not Notification.objects.filter(recipient=publisher, kind=SUBMITTED).exists()

    # The other organisation's publisher is no approver and the page does not exist for them.
    client.force_login(make_user("outsider@world.test", org=world.orgs["other"],
                                 role="publisher"))
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 404
    _approve_in_admin(client, page)
    assert not _live(page)

    client.force_login(moderator)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    # The dashboard lists it under what awaits their review.
    assert "Lonely guidance" in client.get(reverse("wagtailadmin_home")).content.decode()
    _approve_in_admin(client, page)
    assert _live(page)
    decided = Notification.objects.get(recipient=publisher, kind=DECIDED)
    assert decided.title == "“Lonely guidance” was approved: Fine."
    # Once decided, the draft no longer opens for the moderator (TLP:AMBER, not theirs).
    page.save_revision(user=publisher)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 404


def test_a_contributors_submission_tells_the_publishers_and_the_decision_tells_the_author(
        client, world, second_publisher):
    contributor = world.users["contributor"]
    page = _submit(client, contributor, _source_page(world), "Contributed guidance")
    assert mail.outbox == []  # Wagtail's own moderation emails are replaced by these
    for publisher in (world.users["publisher"], second_publisher):
        told = Notification.objects.get(recipient=publisher, kind=SUBMITTED)
        assert told.title == "“Contributed guidance” awaits your approval"
    assert not Notification.objects.filter(kind=SUBMITTED, recipient__in=[
        contributor, world.users["moderator"]]).exists()

    client.force_login(second_publisher)
    task_state = page.current_workflow_state.current_task_state
    client.post(reverse("wagtailadmin_pages:workflow_action",
                        args=[page.pk, "reject", task_state.pk]), {"comment": "Add sources."})
    assert not _live(page)
    told = Notification.objects.get(recipient=contributor, kind=DECIDED)
    assert told.title == "“Contributed guidance” was sent back for changes: Add sources."
    assert mail.outbox == []


def test_a_red_submission_is_announced_without_its_title(client, world, second_publisher):
    data = _guidance_form("Red guidance", tlp="red")
    data["recipient_users"] = [world.users["red_recipient"].pk]
    data["action-submit"] = "Submit"
    client.force_login(world.users["contributor"])
    response = client.post(reverse("wagtailadmin_pages:add",
                                   args=["cms", "guidancepage", _source_page(world).pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    titles = list(Notification.objects.filter(kind=SUBMITTED).values_list("title", flat=True))
    assert len(titles) == 2 and all("Red guidance" not in title for title in titles)


def test_existing_workflows_move_to_the_four_eyes_task(world):
    from importlib import import_module

    from django.apps import apps
    from wagtail.models import GroupApprovalTask

    workflow = _source_page(world).get_workflow()
    step = workflow.workflow_tasks.get()
    old = GroupApprovalTask.objects.create(name="Old review")
    old.groups.set([world.orgs["source"].publishers_group])
    step.task = old
    step.save()

    migration = import_module("cms.migrations.0003_four_eyes_approval_task")
    migration.use_four_eyes_tasks(apps, None)
    task = workflow.workflow_tasks.get().task.specific
    assert isinstance(task, FourEyesApprovalTask)
    assert task.organisation == world.orgs["source"]
    assert list(task.groups.all()) == [world.orgs["source"].publishers_group]
    old.refresh_from_db()
    assert not old.active


def test_the_item_list_shows_and_filters_the_label(client, world):
    client.force_login(world.users["contributor"])
    body = client.get(reverse("items:index")).content.decode()
    assert "TLP:AMBER+STRICT" in body and "?ordering=tlp" in body
    assert reverse("items:choose_parent") not in body  # items are added in the explorer
    for label in TLP:
        assert title_for(label) in body
    body = client.get(reverse("items:index"), {"tlp": ["amber", "red"]}).content.decode()
    assert title_for(TLP.AMBER) in body and title_for(TLP.RED) in body
    assert title_for(TLP.GREEN) not in body and title_for(TLP.CLEAR) not in body

    client.force_login(make_user("outsider@world.test", org=world.orgs["other"],
                                 role="contributor"))
    response = client.get(reverse("items:index"), {"tlp": ["amber", "amber_strict", "red"]})
    assert response.status_code == 200
    for label in (TLP.AMBER, TLP.AMBER_STRICT, TLP.RED):
        assert title_for(label) not in response.content.decode()
    response = client.get(reverse("items:index"), {"tlp": "purple"})
    assert response.status_code == 200


def test_the_organisation_admin_and_the_moderators_set_four_eyes(client, world):
    source = world.orgs["source"]
    url = reverse("publishing-settings", args=[source.slug])
    client.force_login(world.users["publisher"])
    assert client.post(url, {}).status_code == 404  # not their organisation's admin
    assert Organisation.objects.get(pk=source.pk).four_eyes  # on by default

    admin = make_user("source-admin@world.test", org=source, role="admin")
    client.force_login(admin)
    page = client.get(reverse("manage-members", args=[source.slug])).content.decode()
    assert 'id="four-eyes" name="four_eyes" checked' in page
    assert page.count('id="four-eyes"') == 1
    assert client.post(url, {}).status_code == 302
    assert not Organisation.objects.get(pk=source.pk).four_eyes
    client.post(url, {"four_eyes": "on"})
    client.post(url, {"four_eyes": "on"})  # no change, nothing to record
    assert Organisation.objects.get(pk=source.pk).four_eyes
    # Turning review off and on again is on the security audit trail, by whom.
    from portal.core.audit.models import AuditEvent, Kind

    events = AuditEvent.objects.filter(kind=Kind.FOUR_EYES_CHANGED).order_by("pk")
    assert [(e.actor, e.changes) for e in events] == [
        (admin, {"previous": True, "new": False}), (admin, {"previous": False, "new": True})]

    client.force_login(world.users["moderator"])
    form = client.get(reverse("organisations:edit", args=[source.pk])).content.decode()
    assert 'name="four_eyes"' in form
