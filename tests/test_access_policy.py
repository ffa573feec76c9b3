"""The policy itself: the predicate and the queryset filter agree, and the rule's edges hold."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from cms.access import item_policy
from cms.models import ItemPage
from portal.core import access
from portal.core.organisations.models import OrganisationStatus
from portal.core.tlp import TLP
from tests.world import EXPECTED, ROLES, make_item, make_user


def principal(world, role):
    user = AnonymousUser() if role == "anonymous" else world.users[role]
    return access.principal_for_user(user)


@pytest.mark.parametrize("role", list(ROLES))
def test_predicate_and_filter_agree_with_the_rule(world, role):
    who = principal(world, role)
    by_filter = set(
        ItemPage.objects.filter(pk__in=[i.pk for i in world.items.values()])
        .filter(item_policy.visible_q(who)).values_list("tlp", flat=True)
    )
    by_predicate = {label for label, item in world.items.items() if item_policy.can_view(who, item)}
    expected = {label for label in TLP if role in EXPECTED[label]}
    assert by_filter == by_predicate == expected


def test_filter_returns_no_duplicate_rows(world):
    # An AMBER item naming two organisations the reader belongs to is listed once.
    reader = world.users["source_member"]
    item = world.items[TLP.AMBER]
    item.recipient_organisations.add(world.orgs["source"], world.orgs["other"])
    reader.memberships.create(organisation=world.orgs["other"], role="member")
    qs = ItemPage.objects.filter(item_policy.visible_q(access.principal_for_user(reader)))
    assert qs.filter(pk=item.pk).count() == 1


def test_owner_sees_their_own_red_item(world):
    author = world.users["publisher"]
    item = make_item(world.orgs["source"], TLP.RED, "Owner red", owner=author,
                     recipient_users=[world.users["red_recipient"]])
    assert item_policy.can_view(access.principal_for_user(author), item)
    assert not item_policy.can_view(principal(world, "source_member"), item)


def test_membership_of_a_suspended_organisation_stops_counting(world):
    org = world.orgs["recipient"]
    who_before = principal(world, "recipient_member")
    assert item_policy.can_view(who_before, world.items[TLP.AMBER])
    org.status = OrganisationStatus.SUSPENDED
    org.save()
    who_after = principal(world, "recipient_member")
    assert not item_policy.can_view(who_after, world.items[TLP.AMBER])
    assert not item_policy.can_view(who_after, world.items[TLP.GREEN])


def test_inactive_user_is_anonymous(world):
    user = world.users["source_member"]
    user.is_active = False
    assert access.principal_for_user(user) == access.ANONYMOUS


def test_label_change_takes_effect_at_once(client_for, world):
    item = world.items[TLP.AMBER_STRICT]
    client = client_for("other_member")
    assert client.get(item.url).status_code == 404
    item.tlp = TLP.GREEN
    item.save_revision().publish(skip_permission_checks=True)
    assert client.get(item.url).status_code == 200
    assert item.title in client.get("/").content.decode()


def test_recipient_change_takes_effect_at_once(client_for, world):
    item = world.items[TLP.RED]
    newcomer = make_user("newcomer@world.test")
    client = client_for("anonymous")
    client.force_login(newcomer)
    assert client.get(item.url).status_code == 404
    item.recipient_users.add(newcomer)
    item.save_revision().publish(skip_permission_checks=True)
    assert client.get(item.url).status_code == 200


def test_unpublished_items_are_listed_nowhere(client_for, world):
    item = world.items[TLP.CLEAR]
    item.unpublish()
    client = client_for("source_member")
    assert item.title not in client.get("/").content.decode()
    assert client.get(item.url).status_code == 404


def test_anonymous_redirect_does_not_reveal_the_title(client_for, world):
    item = world.items[TLP.AMBER]
    response = client_for("anonymous").get(item.url, follow=True)
    assert response.status_code == 200
    assert item.title not in response.content.decode()
    assert "Sign in" in response.content.decode()


def test_denied_and_missing_look_the_same(client_for, world):
    client = client_for("other_member")
    denied = client.get(world.items[TLP.AMBER_STRICT].url)
    missing = client.get(world.items[TLP.AMBER_STRICT].url.rstrip("/") + "-nope/")
    assert denied.status_code == missing.status_code == 404

    def normalise(response):
        # The CSRF token is masked afresh on every render; nothing else may differ.
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return body.replace("-nope", "")

    assert normalise(denied) == normalise(missing)


def test_moving_an_item_moves_its_source_organisation(world):
    item = world.items[TLP.AMBER_STRICT]
    item.move(world.orgs["other"].page, pos="last-child")
    item.refresh_from_db()
    assert item.source_organisation == world.orgs["other"]
    assert item_policy.can_view(principal(world, "other_member"), item)
    assert not item_policy.can_view(principal(world, "source_member"), item)


def test_anonymous_visitors_cannot_tell_restricted_from_missing_items(client_for, world):
    client = client_for("anonymous")
    restricted = client.get(world.items[TLP.RED].url)
    missing = client.get(world.items[TLP.RED].url.rstrip("/") + "-nope/")
    assert restricted.status_code == missing.status_code == 302
    assert client.get("/documents/999999/nothing.txt").status_code == 302
    assert client.get("/no/such/page/").status_code == 404  # elsewhere, a plain 404


def test_policy_resolves_its_model_lazily_and_checks_its_fields():
    """Built from a name, the policy touches no model until used; a model without the access
    fields fails the start-up check instead of failing open at request time."""
    from django.contrib.auth.models import Group

    from portal.core.access import AccessPolicy, _policies

    lazy = AccessPolicy("cms.ItemPage")
    wrong = AccessPolicy(Group)
    missing = AccessPolicy("cms.NoSuchModel")
    try:
        assert "model" not in lazy.__dict__  # nothing resolved yet
        assert lazy.model is ItemPage
        assert lazy.check() == []
        assert {error.id for error in wrong.check()} == {"access.E002"}
        assert len(wrong.check()) == 6  # tlp, two foreign keys, three many-to-many
        assert [error.id for error in missing.check()] == ["access.E001"]
    finally:
        for policy in (lazy, wrong, missing):
            _policies.remove(policy)


def test_the_portal_policies_pass_the_start_up_check():
    from django.core.checks.registry import registry

    from portal.core.access import check_policies

    assert check_policies in registry.get_checks()
    assert check_policies() == []


def test_a_rule_for_another_kind_of_object_compiles_and_predicts_alike(world):
    """The mechanism new kinds of restricted objects use: a rule of unlabelled, role-aware
    grants, bound to a model. Here: memberships, seen by their own member and by the admins
    of their organisation. The filter and the predicate agree for every role."""
    from django.db import models

    from portal.core.access import AccessPolicy, Grant, _policies, principal_for_user
    from portal.core.organisations.models import Membership, Role

    def membership_rule(principal):
        if principal.user_id is None:
            return []
        return [Grant(None, "user", frozenset({principal.user_id})),
                Grant(None, "organisation", principal.organisations_where(Role.ADMIN))]

    policy = AccessPolicy("organisations.Membership", rule=membership_rule,
                          fields={"user": models.ForeignKey, "organisation": models.ForeignKey})
    admin = make_user("org-admin@world.test", org=world.orgs["source"], role=Role.ADMIN)
    try:
        assert policy.check() == []
        for user in [*world.users.values(), admin]:
            who = principal_for_user(user)
            by_filter = set(policy.visible(who).values_list("pk", flat=True))
            by_predicate = {m.pk for m in Membership.objects.all() if policy.can_view(who, m)}
            assert by_filter == by_predicate, user.email
        seen_by_admin = policy.visible(principal_for_user(admin))
        assert set(seen_by_admin.values_list("organisation_id", flat=True)) == {
            world.orgs["source"].pk}
        assert seen_by_admin.count() == Membership.objects.filter(
            organisation=world.orgs["source"]).count() > 1
        member = principal_for_user(world.users["source_member"])
        assert list(policy.visible(member).values_list("user_id", flat=True)) == [
            world.users["source_member"].pk]
        assert not policy.visible(access.ANONYMOUS).exists()
        assert member.organisations_where(Role.ADMIN) == frozenset()
    finally:
        _policies.remove(policy)


def test_principals_carry_roles_and_capabilities_of_approved_organisations_only(world):
    from portal.core.organisations.models import Capability, Membership, Role

    lead = make_user("lead@world.test", org=world.orgs["source"], role=Role.MEMBER)
    Membership.objects.get(user=lead).capabilities.create(capability=Capability.TRAINING_LEAD)
    Membership.objects.create(user=lead, organisation=world.orgs["other"], role=Role.ADMIN)
    who = access.principal_for_user(lead)
    source, other = world.orgs["source"].pk, world.orgs["other"].pk
    assert who.roles == {(source, Role.MEMBER), (source, Capability.TRAINING_LEAD),
                         (other, Role.ADMIN)}
    assert who.organisations_where(Capability.TRAINING_LEAD, Role.ADMIN) == {source, other}
    world.orgs["other"].status = OrganisationStatus.SUSPENDED
    world.orgs["other"].save()
    assert access.principal_for_user(lead).organisations_where(Role.ADMIN) == frozenset()
    unverified = make_user("unverified-lead@world.test", verified=False,
                           org=world.orgs["source"], role=Role.ADMIN)
    assert access.principal_for_user(unverified).organisations_where(Role.ADMIN) == frozenset()
