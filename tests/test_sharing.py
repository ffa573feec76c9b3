"""Sharing that scales: the TLP:RED recipient search, sharing groups for TLP:AMBER, recipient
fields that follow the label, checkboxes for topics and audiences, and "Shared with"."""


import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from cms.factories import make_item
from cms.models import GuidancePage, OrganisationPage
from cms.recipients import MAX_RECIPIENTS, MAX_RESULTS
from portal.core.organisations.models import Membership, SharingGroup
from portal.core.tlp import TLP
from search.indexing import sync_item
from search.models import SearchEntry
from tests.test_admin import _guidance_form
from tests.world import make_user

SEARCH = "cms_recipient_search"


def _search(client, user, q):
    client.force_login(user)
    return client.get(reverse(SEARCH), {"q": q})


# The recipient search ------------------------------------------------------------------------

def test_editors_find_people_by_name_email_and_organisation(client, world):
    person = make_user("jo.bloggs@firm.test", first_name="Joanna", last_name="Bloggs",
                       org=world.orgs["recipient"], role="member")
    publisher = world.users["publisher"]
    for query in ("joann", "BLOGG", "bloggs@firm", "Recipient Org", "joanna recipient"):
        response = _search(client, publisher, query)
        assert response.status_code == 200
        found = {hit["id"]: hit for hit in response.json()["results"]}
        assert person.pk in found, query
        assert found[person.pk] == {"id": person.pk, "name": "Joanna Bloggs",
                                    "organisation": "Recipient Org",
                                    "email": "jo.bloggs@firm.test"}
    assert not _search(client, publisher, "joanna other").json()["results"]


def test_the_search_needs_two_characters_and_returns_a_page_of_matches(client, world):
    get_user_model().objects.bulk_create([
        get_user_model()(email=f"many{n:02}@bulk.test") for n in range(MAX_RESULTS + 5)])
    Membership.objects.bulk_create([
        Membership(user=user, organisation=world.orgs["other"])
        for user in get_user_model().objects.filter(email__endswith="@bulk.test")])
    contributor = world.users["contributor"]
    data = _search(client, contributor, "bulk.test").json()
    assert len(data["results"]) == MAX_RESULTS and data["more"] is True
    for short in ("", " ", "b"):
        assert _search(client, contributor, short).json() == {"results": [], "more": False}
    assert _search(client, contributor, "x" * 101).status_code == 400


def test_only_members_of_approved_organisations_can_be_found(client, world):
    make_user("pending.person@world.test", org=world.orgs.get("pending") or _pending(),
              role="member")
    loner = make_user("loner.person@world.test")
    inactive = make_user("inactive.person@world.test", org=world.orgs["other"], role="member")
    get_user_model().objects.filter(pk=inactive.pk).update(is_active=False)
    assert loner
    data = _search(client, world.users["publisher"], ".person@world").json()
    assert data["results"] == []


def _pending():
    from portal.core.organisations.models import Organisation

    return Organisation.objects.get(name="Pending Org")


@pytest.mark.parametrize("role", ["source_member", "other_member", "unverified", "moderator"])
def test_people_who_do_not_edit_cannot_search(client, world, role):
    response = _search(client, world.users[role], "world")
    assert response.status_code in (302, 404)  # the admin sends non-editors to sign in
    assert "json" not in response.get("Content-Type", "")
    assert b"world.test" not in response.content


def test_anonymous_visitors_cannot_search(client, world):
    response = client.get(reverse(SEARCH), {"q": "world"})
    assert response.status_code in (302, 404)
    assert b"world.test" not in response.content


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the trigram indexes are PostgreSQL's (SQLite scans)")
def test_the_search_stays_fast_and_indexed_with_10000_people(client, world,
                                                             django_assert_max_num_queries):
    User = get_user_model()
    User.objects.bulk_create([
        User(email=f"person{n:05}@scale.test", first_name=f"First{n:05}",
             last_name=f"Last{n:05}") for n in range(10_000)], batch_size=2000)
    Membership.objects.bulk_create([
        Membership(user_id=pk, organisation=world.orgs["other"])
        for pk in User.objects.filter(email__endswith="@scale.test").values_list("pk", flat=True)
    ], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user; ANALYZE organisations_membership")
    client.force_login(world.users["publisher"])
    client.get(reverse(SEARCH), {"q": "warm up"})
    with django_assert_max_num_queries(12):
        response = client.get(reverse(SEARCH), {"q": "last04321"})
    assert [hit["name"] for hit in response.json()["results"]] == ["First04321 Last04321"]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # does an index serve the lookup at all?
        cursor.execute("EXPLAIN SELECT id FROM accounts_user "
                       "WHERE UPPER(email::text) LIKE UPPER('%%son0432%%')")
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "people_email_trgm" in plan


# The item editor ----------------------------------------------------------------------------

def _edit_url(item):
    return reverse("wagtailadmin_pages:edit", args=[item.pk])


def test_the_red_recipient_field_lists_only_the_chosen_people(client, world):
    client.force_login(world.users["publisher"])
    body = client.get(_edit_url(world.items[TLP.RED])).content.decode()
    assert "red_recipient@world.test" in body  # chosen: shown with organisation and email
    assert "Other Org · red_recipient@world.test" in body
    for someone in ("other_member@world.test", "recipient_member@world.test"):
        assert someone not in body  # the community is not listed
    assert reverse(SEARCH) in body and "cms/js/recipient_picker.js" in body


def test_editor_panels_follow_the_label_and_use_checkboxes(client, world):
    client.force_login(world.users["publisher"])
    body = client.get(_edit_url(world.items[TLP.AMBER])).content.decode()
    assert "cms/js/recipient_fields.js" in body
    assert body.count('data-tlp-for="amber"') == 2 and body.count('data-tlp-for="red"') == 1
    assert 'type="checkbox" name="topics"' in body
    assert 'type="checkbox" name="audiences"' in body
    assert '<select name="topics"' not in body


def _post_item(client, user, title, tlp, **extra):
    parent = OrganisationPage.objects.get(organisation=user.memberships.get().organisation)
    client.force_login(user)
    url = reverse("wagtailadmin_pages:add", args=["cms", "guidancepage", parent.pk])
    lists = {name: value for name, value in extra.items() if isinstance(value, list)}
    data = _guidance_form(title, tlp=tlp, **{k: v for k, v in extra.items() if k not in lists})
    data.update(lists)  # many values under one name, as checkboxes post them
    data["action-publish"] = "Publish"
    return client.post(url, data)


def test_red_recipients_can_be_added_by_email_without_scripts(client, world):
    response = _post_item(client, world.users["publisher"], "Red by email", "red",
                          **{"recipient_users-emails": "Red_Recipient@world.test"})
    assert response.status_code == 302, response.content.decode()[:3000]
    page = GuidancePage.objects.get(title="Red by email")
    assert list(page.recipient_users.all()) == [world.users["red_recipient"]]


def test_an_unknown_email_is_refused_clearly(client, world):
    response = _post_item(client, world.users["publisher"], "Red to nobody", "red",
                          **{"recipient_users-emails": "nobody@nowhere.test"})
    assert response.status_code == 200
    assert "is not the email address of a member of an approved organisation" in (
        response.content.decode())
    assert not GuidancePage.objects.filter(title="Red to nobody").exists()


def test_a_refused_form_never_lists_more_people_than_an_item_may_name(client, world):
    people = [make_user(f"many{n}@world.test", org=world.orgs["other"], role="member")
              for n in range(MAX_RECIPIENTS + 5)]
    response = _post_item(client, world.users["publisher"], "Red to a crowd", "red",
                          recipient_users=[str(person.pk) for person in people])
    body = response.content.decode()
    assert response.status_code == 200 and f"at most {MAX_RECIPIENTS}" in body
    assert sum(person.email in body for person in people) == MAX_RECIPIENTS
    assert not GuidancePage.objects.filter(title="Red to a crowd").exists()


@pytest.mark.parametrize("typed", ["123", "99999999999999999999999", "x@y"])
def test_the_email_box_takes_addresses_only(client, world, typed):
    victim = world.users["other_member"]
    response = _post_item(client, world.users["publisher"], "Red by number", "red",
                          **{"recipient_users-emails": typed.replace("123", str(victim.pk))})
    body = response.content.decode()
    assert response.status_code == 200 and "is not the email address of a member" in body
    assert victim.email not in body  # a number never names a person
    assert not GuidancePage.objects.filter(title="Red by number").exists()


def test_a_tampered_recipient_id_is_refused_not_a_failure(client, world):
    response = _post_item(client, world.users["publisher"], "Red tampered", "red",
                          recipient_users=["99999999999999999999999", "1e3", "-1"])
    assert response.status_code == 200
    assert "is not the email address of a member" in response.content.decode()


def test_recipients_the_label_does_not_use_are_dropped_on_save(client, world):
    group = SharingGroup.objects.create(owner=world.orgs["source"], name="Partners")
    response = _post_item(
        client, world.users["publisher"], "Green with leftovers", "green",
        recipient_users=[world.users["red_recipient"].pk],
        recipient_organisations=[world.orgs["other"].pk], recipient_groups=[group.pk])
    assert response.status_code == 302, response.content.decode()[:3000]
    page = GuidancePage.objects.get(title="Green with leftovers")
    assert not page.recipient_users.exists()
    assert not page.recipient_organisations.exists()
    assert not page.recipient_groups.exists()
    response = _post_item(
        client, world.users["publisher"], "Amber keeps its own", "amber",
        recipient_users=[world.users["red_recipient"].pk],
        recipient_organisations=[world.orgs["other"].pk], recipient_groups=[group.pk])
    assert response.status_code == 302
    page = GuidancePage.objects.get(title="Amber keeps its own")
    assert not page.recipient_users.exists()
    assert list(page.recipient_organisations.all()) == [world.orgs["other"]]
    assert list(page.recipient_groups.all()) == [group]


def test_an_item_may_name_only_its_own_organisations_groups(client, world):
    theirs = SharingGroup.objects.create(owner=world.orgs["other"], name="Theirs")
    response = _post_item(client, world.users["publisher"], "Amber with their group", "amber",
                          recipient_groups=[theirs.pk])
    assert response.status_code == 200
    assert not GuidancePage.objects.filter(title="Amber with their group").exists()


# Sharing groups --------------------------------------------------------------------------------

def test_publishers_create_and_change_their_organisations_groups(client, world):
    client.force_login(world.users["publisher"])
    url = reverse("sharing-groups", args=[world.orgs["source"].slug])
    response = client.post(url, {"name": " Trusted  partners ", "description": "",
                                 "organisations": [world.orgs["other"].pk]})
    assert response.status_code == 302
    group = SharingGroup.objects.get(owner=world.orgs["source"])
    assert group.name == "Trusted partners"
    assert list(group.organisations.all()) == [world.orgs["other"]]
    assert client.post(url, {"name": "trusted PARTNERS"}).status_code == 400  # same name
    edit = reverse("sharing-group", args=[world.orgs["source"].slug, group.pk])
    page = client.get(edit).content.decode()
    assert page.count("<h1>") == 1 and "Save group" in page and "Delete this group" in page
    response = client.post(edit, {"name": "Trusted partners",
                                  "organisations": [world.orgs["recipient"].pk]})
    assert response.status_code == 302
    assert list(group.organisations.all()) == [world.orgs["recipient"]]
    assert "Trusted partners" in client.get(url).content.decode()
    assert client.post(edit, {"delete": "1"}).status_code == 302
    assert not SharingGroup.objects.exists()


@pytest.mark.parametrize("value", ["99999999999999999999999", "1e3", "x"])
def test_a_group_form_refuses_ids_no_organisation_can_have(client, world, value):
    client.force_login(world.users["publisher"])
    url = reverse("sharing-groups", args=[world.orgs["source"].slug])
    response = client.post(url, {"name": "Odd", "organisations": [value]})
    assert response.status_code == 400 and not SharingGroup.objects.exists()


def test_an_item_form_refuses_ids_no_organisation_or_group_can_have(client, world):
    for field in ("recipient_organisations", "recipient_groups"):
        response = _post_item(client, world.users["publisher"], f"Amber odd {field}", "amber",
                              **{field: ["99999999999999999999999"]})
        assert response.status_code in (200, 400)
        assert not GuidancePage.objects.filter(title=f"Amber odd {field}").exists()


def test_contributors_see_and_use_groups_but_do_not_change_them(client, world):
    """A group's change reaches published items at once, with no four-eyes review."""
    group = SharingGroup.objects.create(owner=world.orgs["source"], name="Partners")
    group.organisations.set([world.orgs["other"]])
    client.force_login(world.users["contributor"])
    slug = world.orgs["source"].slug
    listing = client.get(reverse("sharing-groups", args=[slug])).content.decode()
    assert "Partners" in listing and "Create group" not in listing
    edit = reverse("sharing-group", args=[slug, group.pk])
    page = client.get(edit).content.decode()
    assert "<h1>Partners</h1>" in page and "<p>Shared with: Other Org.</p>" in page
    assert "Save group" not in page and "<form" not in page.split("<main")[1]
    for data in ({"name": "Partners", "organisations": [world.orgs["recipient"].pk]},
                 {"delete": "1"}):
        assert client.post(edit, data).status_code == 403
    assert client.post(reverse("sharing-groups", args=[slug]), {"name": "Mine"}).status_code == 403
    assert list(SharingGroup.objects.get().organisations.all()) == [world.orgs["other"]]


def test_editors_find_sharing_groups_from_their_organisation_page(client_for, world):
    link = reverse("sharing-groups", args=[world.orgs["source"].slug])
    page = world.orgs["source"].page.url
    assert link in client_for("contributor").get(page).content.decode()
    assert link not in client_for("source_member").get(page).content.decode()


def test_changes_of_who_a_group_shares_with_are_audited(client, world):
    from portal.core.audit.models import AuditEvent, Kind

    client.force_login(world.users["publisher"])
    slug = world.orgs["source"].slug
    client.post(reverse("sharing-groups", args=[slug]),
                {"name": "Audited", "organisations": [world.orgs["other"].pk]})
    group = SharingGroup.objects.get(name="Audited")
    client.post(reverse("sharing-group", args=[slug, group.pk]),
                {"name": "Audited", "organisations": [world.orgs["recipient"].pk]})
    events = AuditEvent.objects.filter(kind=Kind.RECIPIENTS_CHANGED,
                                       target=f"sharing group #{group.pk}").order_by("pk")
    assert [(e.changes["previous_organisations"], e.changes["new_organisations"])
            for e in events] == [([], [world.orgs["other"].pk]),
                                 ([world.orgs["other"].pk], [world.orgs["recipient"].pk])]
    assert {e.organisation for e in events} == {world.orgs["source"]}


@pytest.mark.parametrize("role", ["source_member", "other_member", "moderator"])
def test_others_cannot_see_or_change_an_organisations_groups(client, world, role):
    group = SharingGroup.objects.create(owner=world.orgs["source"], name="Secret circle")
    client.force_login(world.users[role])
    slug = world.orgs["source"].slug
    for url in (reverse("sharing-groups", args=[slug]),
                reverse("sharing-group", args=[slug, group.pk])):
        response = client.get(url)
        assert response.status_code == 404
        assert "Secret circle" not in response.content.decode()
    client.post(reverse("sharing-group", args=[slug, group.pk]), {"delete": "1"})
    assert SharingGroup.objects.filter(pk=group.pk).exists()


def test_a_group_of_another_organisation_answers_as_missing(client, world):
    theirs = SharingGroup.objects.create(owner=world.orgs["other"], name="Theirs")
    client.force_login(world.users["publisher"])
    slug = world.orgs["source"].slug
    assert client.get(reverse("sharing-group", args=[slug, theirs.pk])).status_code == 404
    assert client.get(reverse("sharing-group", args=[slug, 2_000_000_000])).status_code == 404


@pytest.fixture
def group_item(world, django_capture_on_commit_callbacks):
    """A TLP:AMBER item of the source organisation shared through a group holding the other
    organisation, indexed for search."""
    group = SharingGroup.objects.create(owner=world.orgs["source"], name="Response partners")
    group.organisations.set([world.orgs["other"]])
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(world.orgs["source"], TLP.AMBER, "Grouped amber zeppelin",
                         recipient_groups=[group])
    sync_item(item.pk)
    return group, item


def _sees(client, item):
    page = client.get(item.url)
    hits = client.get(reverse("search-api"), {"q": "zeppelin"}).json()["hits"]
    return page.status_code == 200, any(hit["title"] == item.title for hit in hits)


def test_a_change_of_a_groups_membership_counts_on_the_next_request(client_for, world,
                                                                    group_item):
    group, item = group_item
    other = client_for("other_member")
    assert _sees(other, item) == (True, True)
    group.organisations.remove(world.orgs["other"])
    assert _sees(other, item) == (False, False)
    group.organisations.add(world.orgs["recipient"])
    recipient = client_for("recipient_member")
    assert _sees(recipient, item) == (True, True)
    world.orgs["recipient"].sharing_groups.remove(group)  # from the organisation's side
    assert _sees(recipient, item) == (False, False)


def test_deleting_a_group_stops_sharing_through_it(client_for, world, group_item,
                                                   django_capture_on_commit_callbacks):
    group, item = group_item
    before = SearchEntry.objects.get(pk=item.pk).indexed_at
    with django_capture_on_commit_callbacks(execute=True):
        group.delete()
    # the items that named it are re-indexed (their fingerprints and Elasticsearch documents)
    assert SearchEntry.objects.get(pk=item.pk).indexed_at > before
    assert _sees(client_for("other_member"), item) == (False, False)
    assert _sees(client_for("source_member"), item) == (True, True)


# Shared with ---------------------------------------------------------------------------------

def test_amber_items_say_which_organisations_and_groups_they_are_shared_with(client_for, world,
                                                                            group_item):
    group, item = group_item
    item.recipient_organisations.add(world.orgs["recipient"])
    item.save()
    body = client_for("other_member").get(item.url).content.decode()
    assert "Shared with" in body
    assert "Members of Source Org, Recipient Org" in body
    assert "the sharing group Response partners: Other Org" in body
    group.organisations.add(world.orgs["recipient"])  # live, the cached page moves too
    body = client_for("other_member").get(item.url).content.decode()
    assert "the sharing group Response partners: Other Org, Recipient Org" in body


def test_red_items_name_their_recipients_to_those_who_may_see_them(client_for, world):
    world.users["red_recipient"].first_name = "Rhona"
    world.users["red_recipient"].last_name = "Red"
    world.users["red_recipient"].save()
    item = world.items[TLP.RED]
    body = client_for("red_recipient").get(item.url).content.decode()
    shared = body[body.index("Shared with"):body.index("</dl>")]
    assert "Rhona Red (Other Org)" in shared
    assert "red_recipient@world.test" not in shared  # names, not addresses
    response = client_for("publisher").get(item.url)  # not named: the item does not exist
    assert response.status_code == 404 and "Rhona Red" not in response.content.decode()


def test_other_labels_say_nothing_about_sharing(client_for, world):
    for label in (TLP.CLEAR, TLP.GREEN, TLP.AMBER_STRICT):
        body = client_for("source_member").get(world.items[label].url).content.decode()
        assert "Shared with" not in body


def test_the_elasticsearch_filter_carries_the_sharing_group_grant(world):
    from portal.core.access import principal_for_user
    from search.documents import access_filter

    group = SharingGroup.objects.create(owner=world.orgs["source"], name="Filtered")
    group.organisations.set([world.orgs["other"]])
    principal = principal_for_user(world.users["other_member"])
    assert principal.sharing_group_ids == {group.pk}
    clauses = access_filter(principal).to_dict()["bool"]["should"]
    assert {"bool": {"filter": [{"term": {"tlp": "amber"}},
                                {"terms": {"recipient_groups": [group.pk]}}]}} in clauses
    outsider = principal_for_user(world.users["recipient_member"])
    assert "recipient_groups" not in str(access_filter(outsider).to_dict())
