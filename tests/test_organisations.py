"""Organisations and people: registration, approval, join requests, invitations, roles."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cms.models import OrganisationPage
from portal.core.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationStatus,
)
from tests.world import enrol_totp, make_user


@pytest.fixture
def org_admin(world):
    return make_user("admin@source.test", org=world.orgs["source"], role="admin")


def test_registering_an_organisation_waits_for_a_moderator(client, world):
    requester = make_user("founder@new.test")
    client.force_login(requester)
    response = client.post(reverse("request-organisation"), {
        "name": "New Small Firm", "kind": "industry", "size_band": "micro",
        "website": "newfirm.example", "description": "We test things.",
    })
    assert response.status_code == 302
    org = Organisation.objects.get(name="New Small Firm")
    assert org.status == OrganisationStatus.PENDING
    assert org.website == "https://newfirm.example"
    assert not OrganisationPage.objects.filter(organisation=org).exists()
    assert Membership.objects.get(organisation=org).role == "admin"

    org.approve(by=world.users["moderator"])
    page = OrganisationPage.objects.get(organisation=org)
    assert page.live and org.is_small_firm
    assert requester.groups.filter(pk=org.publishers_group_id).exists()


def test_industry_registration_needs_a_size_band(client, world):
    client.force_login(world.users["source_member"])
    response = client.post(reverse("request-organisation"),
                           {"name": "No Band Ltd", "kind": "industry"})
    assert response.status_code == 200
    assert "Choose a size band" in response.content.decode()


def test_unverified_users_cannot_register_organisations(client, world):
    client.force_login(world.users["unverified"])
    response = client.post(reverse("request-organisation"),
                           {"name": "Sneaky", "kind": "academia"})
    assert not Organisation.objects.filter(name="Sneaky").exists()
    assert response.status_code in (200, 302)


def test_join_request_approved_by_the_organisation_admin(client, world, org_admin):
    joiner = make_user("joiner@x.test")
    client.force_login(joiner)
    slug = world.orgs["source"].slug
    client.post(reverse("join-organisation", args=[slug]), {"message": "Hello"})
    client.post(reverse("join-organisation", args=[slug]), {"message": "Again"})
    join_request = JoinRequest.objects.get(user=joiner)  # one, however often asked

    client.force_login(org_admin)
    response = client.post(reverse("decide-join-request", args=[slug, join_request.pk]),
                           {"decision": "approve", "role": "contributor"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=joiner, organisation=world.orgs["source"])
    assert membership.role == "contributor"
    assert joiner.groups.filter(pk=world.orgs["source"].contributors_group_id).exists()


def test_only_organisation_admins_manage_members(client, world, org_admin):
    slug = world.orgs["source"].slug
    for role in ("source_member", "publisher", "moderator"):
        client.force_login(world.users[role])
        assert client.get(reverse("manage-members", args=[slug])).status_code == 404
    client.force_login(org_admin)
    response = client.get(reverse("manage-members", args=[slug]))
    assert response.status_code == 200
    assert "source_member@world.test" in response.content.decode()


def test_role_changes_and_removal_follow_through_to_wagtail_groups(client, world, org_admin):
    org = world.orgs["source"]
    member = world.users["source_member"]
    membership = Membership.objects.get(user=member, organisation=org)
    client.force_login(org_admin)
    client.post(reverse("change-role", args=[org.slug, membership.pk]), {"role": "publisher"})
    assert member.groups.filter(pk=org.publishers_group_id).exists()
    client.post(reverse("change-role", args=[org.slug, membership.pk]), {"role": "bogus"})
    membership.refresh_from_db()
    assert membership.role == "publisher"
    client.post(reverse("change-role", args=[org.slug, membership.pk]), {"remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not member.groups.filter(pk__in=[org.publishers_group_id,
                                            org.contributors_group_id]).exists()


def test_invitation_by_email_is_accepted_once(
    client, world, org_admin, django_capture_on_commit_callbacks
):
    org = world.orgs["source"]
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("manage-members", args=[org.slug]),
                               {"invite-email": "Invitee@Example.org",
                                "invite-role": "contributor"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    token = re.search(r"/membership/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    invitation = Invitation.objects.get(email="invitee@example.org")
    assert token not in invitation.token_hash  # only a hash is stored

    invitee = make_user("invitee@example.org")
    client.force_login(invitee)
    url = reverse("invitation", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=invitee, organisation=org).role == "contributor"
    assert client.post(url)["Location"] == reverse("mfa_index")  # contributors need MFA
    enrol_totp(invitee)
    assert client.post(url).status_code == 404  # used up


def test_invitation_for_someone_else_is_refused(client, world):
    invitation, token = Invitation.issue(world.orgs["source"], "a@b.test", "member", None)
    client.force_login(world.users["other_member"])
    response = client.post(reverse("invitation", args=[token]))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.users["other_member"],
                                         organisation=world.orgs["source"]).exists()


@pytest.mark.parametrize("token", ["nope", "x" * 500, "ünïcode-☃", "a.b~c"])
def test_tampered_invitation_tokens_get_a_clear_404(client, db, token):
    response = client.get(f"/membership/invitations/{token}/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_a_null_character_in_an_invitation_token_is_a_clear_400(client, db):
    response = client.get("/membership/invitations/%00/")
    assert response.status_code == 400
    assert "null character" in response.content.decode()


def test_revoked_invitation_no_longer_works(client, world, org_admin):
    invitation, token = Invitation.issue(world.orgs["source"], "r@x.test", "member", org_admin)
    client.force_login(org_admin)
    client.post(reverse("revoke-invitation", args=[world.orgs["source"].slug, invitation.pk]))
    assert client.get(reverse("invitation", args=[token])).status_code == 404
