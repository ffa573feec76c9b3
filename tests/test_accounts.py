"""Accounts: email sign-up with mandatory verification, two-factor, and moderator approval."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cms.models import OrganisationPage
from portal.core.organisations.models import Organisation, OrganisationStatus

pytestmark = pytest.mark.django_db


def test_sign_up_requires_email_verification(client):
    response = client.post(reverse("account_signup"), {
        "email": "New.Person@Example.org", "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
    })
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # Not signed in until the address is confirmed.
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("account_login"), {
        "login": "new.person@example.org", "password": "a-long-passphrase-42",
    })
    assert "_auth_user_id" not in client.session
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post(f"/{path}")
    assert "_auth_user_id" in client.session


def test_two_factor_is_available_to_every_user(client, world):
    client.force_login(world.users["source_member"])
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert "Authenticator App" in response.content.decode()


def test_moderator_approves_an_organisation_in_the_admin(client, world):
    pending = Organisation.objects.get(slug="pending-org")
    assert pending.status == OrganisationStatus.PENDING
    client.force_login(world.users["moderator"])
    listing = client.get("/admin/organisations/")
    assert listing.status_code == 200
    assert "Pending Org" in listing.content.decode()
    response = client.post(f"/admin/organisations/edit/{pending.pk}/", {
        "name": pending.name, "slug": pending.slug, "organisation_type": pending.organisation_type,
        "size_band": pending.size_band, "website": "", "description": pending.description,
        "status": "approved",
    })
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.is_approved and pending.approved_at is not None
    assert OrganisationPage.objects.filter(organisation=pending).exists()


def test_members_cannot_reach_organisation_moderation(client, world):
    client.force_login(world.users["publisher"])
    response = client.get("/admin/organisations/")
    assert response.status_code in (302, 403)
