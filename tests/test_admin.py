"""The Wagtail admin: each organisation edits its own subtree, publishers approve, and no
editor is shown another organisation's restricted items."""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import GuidancePage, OrganisationPage
from portal.core.tlp import TLP
from tests.world import make_user, title_for

RESTRICTED = [TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]


@pytest.fixture
def other_editor(world):
    return make_user("editor@other.test", org=world.orgs["other"], role="contributor")


def test_roles_map_to_wagtail_permissions(world, other_editor):
    item = world.items[TLP.GREEN]
    contributor = item.permissions_for_user(world.users["contributor"])
    publisher = item.permissions_for_user(world.users["publisher"])
    member = item.permissions_for_user(world.users["source_member"])
    outsider = item.permissions_for_user(other_editor)
    assert contributor.can_edit() and not contributor.can_publish()
    # Four eyes (on by default): a publisher approves others' submissions, never publishes
    # alone (tests/test_four_eyes.py).
    assert publisher.can_edit() and not publisher.can_publish()
    assert not member.can_edit()
    assert not outsider.can_edit() and not outsider.can_publish()


def test_each_organisation_has_a_publisher_review_workflow(world):
    page = OrganisationPage.objects.get(organisation=world.orgs["source"])
    workflow = page.get_workflow()
    assert workflow is not None
    task = workflow.tasks.get().specific
    assert list(task.groups.all()) == [world.orgs["source"].publishers_group]


@pytest.mark.parametrize(
    "url_name", ["wagtailadmin_choose_page_search", "wagtailadmin_pages:search"]
)
def test_admin_search_and_chooser_hide_other_organisations_restricted_items(
    client, world, other_editor, url_name
):
    client.force_login(other_editor)
    response = client.get(reverse(url_name), {"q": "Matrix"})
    assert response.status_code == 200
    body = response.content.decode()
    for label in RESTRICTED:
        assert title_for(label) not in body


def test_chooser_browsing_hides_other_organisations_restricted_items(client, world, other_editor):
    client.force_login(other_editor)
    source_page = OrganisationPage.objects.get(organisation=world.orgs["source"])
    response = client.get(reverse("wagtailadmin_choose_page_child", args=[source_page.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert title_for(TLP.CLEAR) in body  # the chooser still works for what may be seen
    for label in RESTRICTED:
        assert title_for(label) not in body


def test_editors_cannot_open_other_organisations_items(client, world, other_editor):
    client.force_login(other_editor)
    for label in TLP:
        response = client.get(reverse("wagtailadmin_pages:edit", args=[world.items[label].pk]))
        # Items they may see are refused; the others do not exist for them.
        assert response.status_code == (404 if label in RESTRICTED else 302)


def test_own_editors_see_their_organisations_items_in_the_admin(client, world):
    client.force_login(world.users["contributor"])
    source_page = OrganisationPage.objects.get(organisation=world.orgs["source"])
    body = client.get(reverse("wagtailadmin_explore", args=[source_page.pk])).content.decode()
    for label in TLP:
        assert title_for(label) in body


def _guidance_form(title, tlp="green", **extra):
    return nested_form_data({
        "title": title, "slug": title.lower().replace(" ", "-"), "summary": "A summary.",
        "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
        "tlp": tlp, "attachments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0,
                                    "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
        "clause_links": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0,
                         "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
        **extra,
    })


def test_contributor_submits_for_moderation_and_publisher_approves(client, world):
    parent = OrganisationPage.objects.get(organisation=world.orgs["source"])
    client.force_login(world.users["contributor"])
    url = reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", parent.pk])
    data = _guidance_form("Submitted guidance")
    data["action-submit"] = "Submit for moderation"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = GuidancePage.objects.get(title="Submitted guidance")
    assert not page.live
    assert page.source_organisation == world.orgs["source"]  # taken from the tree
    state = page.current_workflow_state
    assert state is not None and state.status == "in_progress"

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, world.users["publisher"], "approve")
    page.refresh_from_db()
    assert page.live


def test_contributor_cannot_add_under_another_organisation(client, world):
    other_page = OrganisationPage.objects.get(organisation=world.orgs["other"])
    client.force_login(world.users["contributor"])
    url = reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", other_page.pk])
    response = client.post(url, _guidance_form("Sneaky guidance"))
    assert response.status_code in (302, 403)
    assert not Page.objects.filter(title="Sneaky guidance").exists()


def test_red_needs_a_named_recipient(client, world):
    parent = OrganisationPage.objects.get(organisation=world.orgs["source"])
    client.force_login(world.users["publisher"])
    url = reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", parent.pk])
    response = client.post(url, _guidance_form("Red without recipients", tlp="red"))
    assert response.status_code == 200
    assert "TLP:RED needs at least one named recipient" in response.content.decode()
    assert not Page.objects.filter(title="Red without recipients").exists()


def test_admin_api_hides_other_organisations_restricted_items(client, world, other_editor):
    client.force_login(other_editor)
    source_page = OrganisationPage.objects.get(organisation=world.orgs["source"])
    for params in ({"child_of": source_page.pk}, {"search": "Matrix"}):
        response = client.get("/admin/api/main/pages/", params)
        assert response.status_code in (200, 400)
        body = response.content.decode()
        for label in RESTRICTED:
            assert title_for(label) not in body
