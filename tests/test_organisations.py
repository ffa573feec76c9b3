"""Organisations and people: registration, approval, join requests, invitations, roles."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cms.models import OrganisationPage
from portal.core.audit.models import AuditEvent
from portal.core.audit.models import Kind as AuditKind
from portal.core.notifications.models import Notification
from portal.core.organisations import vetting
from portal.core.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationStatus,
)
from portal.core.organisations.notifications import (
    INVITATION_ACCEPTED,
    MEMBER_REMOVED,
    REGISTRATION_DECIDED,
    REGISTRATION_REQUESTED,
    ROLE_CHANGED,
    SUSPENSION_CHANGED,
)
from portal.core.tlp import TLP
from tests.world import enrol_totp, make_user


@pytest.fixture
def org_admin(world):
    return make_user("admin@source.test", org=world.orgs["source"], role="admin")


def test_registering_an_organisation_waits_for_a_moderator(client, world):
    requester = make_user("founder@new.test")
    client.force_login(requester)
    response = client.post(reverse("request-organisation"), {
        "name": "New Small Firm", "organisation_type": "industry", "size_band": "micro",
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
                           {"name": "No Band Ltd", "organisation_type": "industry"})
    assert response.status_code == 200
    assert "Choose a size band" in response.content.decode()


def test_unverified_users_cannot_register_organisations(client, world):
    client.force_login(world.users["unverified"])
    response = client.post(reverse("request-organisation"),
                           {"name": "Sneaky", "organisation_type": "academia"})
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
    remove_url = reverse("remove-member", args=[org.slug, membership.pk])
    response = client.post(reverse("change-role", args=[org.slug, membership.pk]),
                           {"remove": "1"})
    assert response["Location"] == remove_url  # asks for confirmation first
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(remove_url)
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


# Closing the loops: each event tells the people it concerns (portal.core.notifications).

def _edit_organisation(client, org, **changes):
    data = {"status": org.status, "decision_reason": org.decision_reason, "name": org.name,
            "slug": org.slug, "organisation_type": org.organisation_type,
            "size_band": org.size_band, "website": org.website, "description": org.description,
            **changes}
    return client.post(reverse("organisations:edit", args=[org.pk]), data)


def _register(client, requester, name="New Small Firm", website="https://www.newfirm.example"):
    client.force_login(requester)
    client.post(reverse("request-organisation"), {
        "name": name, "organisation_type": "industry", "size_band": "micro", "website": website})
    return Organisation.objects.get(name=name)


def test_a_registration_tells_the_moderators(client, world, django_capture_on_commit_callbacks):
    requester = make_user("founder@newfirm.example")
    with django_capture_on_commit_callbacks(execute=True):
        org = _register(client, requester)
    assert org.requested_by == requester
    told = Notification.objects.get(kind=REGISTRATION_REQUESTED)
    assert told.recipient == world.users["moderator"]
    assert "founder@newfirm.example" in told.title and "New Small Firm" in told.title
    assert told.url == reverse("organisations:edit", args=[org.pk])
    assert [m.to for m in mail.outbox] == [["moderator@world.test"]]


def test_approval_tells_the_requester(client, world, django_capture_on_commit_callbacks):
    requester = make_user("founder@newfirm.example")
    org = _register(client, requester)
    client.force_login(world.users["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit_organisation(client, org, status="approved")
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.is_approved and org.approved_by == world.users["moderator"]
    answer = Notification.objects.get(recipient=requester)
    assert answer.kind == REGISTRATION_DECIDED and "New Small Firm was approved" in answer.title
    assert answer.url == reverse("manage-members", args=[org.slug])
    assert mail.outbox[-1].to == ["founder@newfirm.example"]


def test_a_rejection_needs_a_reason_which_reaches_the_requester(
        client, world, django_capture_on_commit_callbacks):
    requester = make_user("founder@newfirm.example")
    org = _register(client, requester)
    client.force_login(world.users["moderator"])
    response = _edit_organisation(client, org, status="rejected", decision_reason="  ")
    assert response.status_code == 200
    assert "Give the reason for rejecting" in response.content.decode()
    org.refresh_from_db()
    assert org.status == "pending"
    assert not Notification.objects.filter(recipient=requester).exists()

    reason = "We could not confirm that you work for New Small Firm; write from its domain."
    with django_capture_on_commit_callbacks(execute=True):
        _edit_organisation(client, org, status="rejected", decision_reason=reason)
    org.refresh_from_db()
    assert org.status == "rejected" and org.decision_reason == reason
    answer = Notification.objects.get(recipient=requester)
    assert answer.kind == REGISTRATION_DECIDED
    assert answer.title == f"New Small Firm was not approved: {reason}"
    assert reason in mail.outbox[-1].body
    event = AuditEvent.objects.get(kind=AuditKind.ORGANISATION_STATUS, organisation=org)
    assert event.changes == {"previous": "pending", "new": "rejected", "reason": reason}

    client.force_login(requester)  # the full reason stays where the link leads
    page = client.get(answer.url).content.decode()
    assert "New Small Firm" in page and reason in page


def test_suspension_needs_a_reason_reaches_every_member_and_reinstatement_too(
        client, world, django_capture_on_commit_callbacks):
    org = world.orgs["source"]
    amber = world.items[TLP.AMBER]
    members = {m.user for m in org.memberships.select_related("user")}
    assert world.users["source_member"] in members and len(members) >= 3
    client.force_login(world.users["moderator"])
    response = _edit_organisation(client, org, status="suspended", decision_reason=" ")
    assert response.status_code == 200
    assert "Give the reason for suspending" in response.content.decode()
    org.refresh_from_db()
    assert org.status == "approved" and not Notification.objects.exists()

    reason = "Reported for sharing a TLP:AMBER+STRICT item outside the organisation."
    with django_capture_on_commit_callbacks(execute=True):
        assert _edit_organisation(client, org, status="suspended",
                                  decision_reason=reason).status_code == 302
    org.refresh_from_db()
    assert (org.status, org.decision_reason) == ("suspended", reason)
    told = Notification.objects.filter(kind=SUSPENSION_CHANGED)
    assert {n.recipient for n in told} == members
    assert all(n.title.startswith("Source Org was suspended from the portal")
               and n.title.endswith(reason) for n in told)
    assert {m.to[0] for m in mail.outbox} == {u.email for u in members}
    event = AuditEvent.objects.get(kind=AuditKind.ORGANISATION_STATUS, organisation=org)
    assert event.changes == {"previous": "approved", "new": "suspended", "reason": reason}
    client.force_login(world.users["source_member"])
    assert client.get(amber.url).status_code == 404  # what the notice says: access is gone

    Notification.objects.all().delete()
    client.force_login(world.users["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        assert _edit_organisation(client, org, status="approved").status_code == 302
    org.refresh_from_db()
    assert (org.status, org.decision_reason) == ("approved", "")
    told = Notification.objects.all()
    assert {n.recipient for n in told} == members  # nobody is told it was "approved" anew
    assert {n.kind for n in told} == {SUSPENSION_CHANGED}
    assert all(n.title == "Source Org was reinstated: its members' access is back" for n in told)
    client.force_login(world.users["source_member"])
    assert client.get(amber.url).status_code == 200


def test_an_accepted_invitation_tells_the_organisation_s_admins(
        client, world, org_admin, django_capture_on_commit_callbacks):
    org = world.orgs["source"]
    inviter = world.users["publisher"]  # no longer an admin: not told (the link is the admins')
    invitation, token = Invitation.issue(org, "newcomer@x.test", "member", inviter)
    newcomer = make_user("newcomer@x.test")
    client.force_login(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation", args=[token]))
    told = Notification.objects.filter(kind=INVITATION_ACCEPTED)
    assert {n.recipient for n in told} == {org_admin}
    assert all(n.title == "newcomer@x.test accepted the invitation to join Source Org"
               for n in told)
    assert {tuple(m.to) for m in mail.outbox} == {("admin@source.test",)}


def test_a_role_change_tells_the_member(client, world, org_admin,
                                        django_capture_on_commit_callbacks):
    org = world.orgs["source"]
    member = world.users["source_member"]
    membership = Membership.objects.get(user=member, organisation=org)
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("change-role", args=[org.slug, membership.pk]), {"role": "member"})
    assert not Notification.objects.filter(recipient=member).exists()  # nothing changed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("change-role", args=[org.slug, membership.pk]),
                    {"role": "contributor"})
    told = Notification.objects.get(recipient=member)
    assert told.kind == ROLE_CHANGED and told.title == "Your role in Source Org is now contributor"
    assert mail.outbox[-1].to == ["source_member@world.test"]


def test_removal_is_confirmed_first_and_tells_the_member(
        client, world, org_admin, django_capture_on_commit_callbacks):
    org = world.orgs["source"]
    member = world.users["source_member"]
    membership = Membership.objects.get(user=member, organisation=org)
    url = reverse("remove-member", args=[org.slug, membership.pk])
    client.force_login(world.users["publisher"])  # not an admin: nothing there
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404

    client.force_login(org_admin)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "from Source Org?</h1>" in body and "source_member@world.test" in body
    assert '<form method="post">' in body and "They will be told they were removed." in body
    assert Membership.objects.filter(pk=membership.pk).exists()  # asking removes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == reverse("manage-members", args=[org.slug])
    assert not Membership.objects.filter(pk=membership.pk).exists()
    told = Notification.objects.get(recipient=member)
    assert told.kind == MEMBER_REMOVED and "removed from Source Org" in told.title
    assert mail.outbox[-1].to == ["source_member@world.test"]
    assert client.post(url).status_code == 404  # gone

    own = Membership.objects.get(user=org_admin, organisation=org)
    client.post(reverse("remove-member", args=[org.slug, own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()  # admins cannot remove themselves


def test_the_members_page_marks_unverified_members(client, world, org_admin):
    client.force_login(org_admin)
    page = client.get(reverse("manage-members", args=[world.orgs["source"].slug]))
    cells = page.content.decode().split('<td data-label="Person">')[1:]
    rows = {row.split("</td>")[0]: row for row in cells if "@" in row.split("</td>")[0]}
    unverified = next(row for cell, row in rows.items() if "unverified@world.test" in cell)
    verified = next(row for cell, row in rows.items() if "source_member@world.test" in cell)
    assert "Email not verified" in unverified.split("</td>")[0]
    assert "Email not verified" not in verified.split("</td>")[0]


# Vetting: what the moderator sees, and what waits on the dashboard.

@pytest.mark.parametrize(("email", "website", "matches"), [
    ("a@newfirm.example", "https://newfirm.example", True),
    ("a@newfirm.example", "https://www.newfirm.example/about", True),
    ("a@mail.NewFirm.example", "https://newfirm.example", True),  # a subdomain counts
    ("a@notnewfirm.example", "https://newfirm.example", False),
    ("a@newfirm.example.evil.test", "https://newfirm.example", False),
    ("a@gmail.test", "https://newfirm.example", False),
])
def test_the_email_domain_is_compared_with_the_website(email, website, matches):
    assert vetting.domain_match(email, website).matches is matches


def test_the_moderator_sees_who_asked_the_domain_match_and_the_history(client, world):
    org = _register(client, make_user("founder@gmail.test", first_name="Fran",
                                      last_name="Founder"))
    earlier = Organisation.objects.create(name="Earlier Try", organisation_type="academia",
                                          status="rejected", decision_reason="Not a company",
                                          requested_by=org.requested_by)
    client.force_login(world.users["moderator"])
    page = client.get(reverse("organisations:edit", args=[org.pk])).content.decode()
    assert "Fran Founder" in page and "founder@gmail.test" in page
    assert "(email verified)" in page
    assert "<strong>No</strong>: the email’s domain gmail.test is not the website’s domain " \
           "newfirm.example" in page
    assert "Organisation registered" in page  # the audit trail's history
    assert "Earlier Try" in page and "Not a company" in page
    assert reverse("organisations:edit", args=[earlier.pk]) in page

    matching = _register(client, make_user("boss@newco.example"), name="New Co",
                         website="https://newco.example")
    client.force_login(world.users["moderator"])
    page = client.get(reverse("organisations:edit", args=[matching.pk])).content.decode()
    assert "<strong>Yes</strong>: the email’s domain newco.example is the website’s domain " \
           "newco.example" in page


def test_the_dashboard_shows_what_waits(client, world, org_admin):
    client.force_login(world.users["moderator"])
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 organisation awaits vetting" in page  # the world's Pending Org
    assert f'{reverse("organisations:index")}?status=pending' in page

    JoinRequest.objects.create(user=make_user("asker@x.test"), organisation=world.orgs["source"])
    client.force_login(org_admin)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 request to join Source Org" in page
    assert reverse("manage-members", args=[world.orgs["source"].slug]) in page
    assert "awaits vetting" not in page


def test_the_home_page_suggests_joining_to_people_without_an_organisation(client, world):
    loner = make_user("loner@x.test")
    client.force_login(loner)
    for _ in range(2):  # rendered, then from the shared page cache
        page = client.get("/").content.decode()
        assert "Join your organisation" in page
        assert reverse("request-organisation") in page
        assert 'href="/organisations/"' in page
    for reader in ("source_member", "moderator"):  # a member; staff who need no organisation
        client.force_login(world.users[reader])
        assert "Join your organisation" not in client.get("/").content.decode()
    client.force_login(world.users["unverified"])  # a member who has not verified their email
    page = client.get("/").content.decode()
    assert "Verify your email address" in page and "You belong to Source Org" in page

    _register(client, loner)
    enrol_totp(loner)  # an organisation's admin uses two-factor sign-in
    page = client.get("/").content.decode()
    assert "Join your organisation" not in page
    assert "New Small Firm is waiting for a portal moderator" in page
