"""The security audit trail: what is recorded, who may read it, export and retention."""

import csv
import io
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.core.accounts.models import ApiToken
from portal.core.audit.models import AuditEvent, Kind
from portal.core.audit.tasks import purge_audit_trail
from portal.core.organisations.models import Membership, Organisation
from portal.core.tlp import TLP
from tests.world import PASSWORD, make_user, title_for, totp_code

pytestmark = pytest.mark.django_db

AUDIT_URL = "/admin/security-audit/"


def _run_in_a_request(callbacks):
    """allauth signals MFA changes once the transaction commits, which in a real request
    happens while the request is still current; the test's transaction never commits."""
    from allauth.core import context
    from django.test import RequestFactory

    with context.request_context(RequestFactory().get("/")):
        for callback in callbacks:
            callback()


def _events(kind, **filters):
    return AuditEvent.objects.filter(kind=kind, **filters)


def test_sign_ins_and_failures_are_recorded_with_the_address(client, world):
    member = world.users["source_member"]
    client.post(reverse("account_login"), {"login": member.email, "password": "wrong"},
                REMOTE_ADDR="203.0.113.9")
    failed = _events(Kind.SIGN_IN_FAILED).get()
    assert failed.actor_email == member.email and failed.ip_address == "203.0.113.9"
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD},
                REMOTE_ADDR="203.0.113.9")
    signed_in = _events(Kind.SIGN_IN).get()
    assert signed_in.actor == member and signed_in.ip_address == "203.0.113.9"


def test_a_lockout_is_recorded(client, world, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,3/5m/key"}
    email = world.users["source_member"].email
    for _ in range(5):
        client.post(reverse("account_login"), {"login": email, "password": "wrong"})
    assert _events(Kind.LOCKED_OUT, actor_email=email).exists()


def test_mfa_changes_are_recorded_and_announced_by_email(client, world,
                                                         django_capture_on_commit_callbacks):
    member = world.users["source_member"]
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters

    mail.outbox.clear()
    code = format_hotp_value(hotp_value(secret, next(iter(counters()))))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    _run_in_a_request(callbacks)
    assert _events(Kind.MFA_ADDED, actor=member, changes__method="totp").exists()
    assert any(member.email in m.to and "uthenticator" in m.subject + m.body
               for m in mail.outbox)


def test_a_password_change_revokes_tokens_is_recorded_and_announced(client, world):
    member = world.users["source_member"]
    _token, key = ApiToken.issue(member, "script")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(reverse("search-api"), {"q": "matrix"}, headers=headers).status_code == 200
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    mail.outbox.clear()
    response = client.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "a-new-passphrase-77",
        "password2": "a-new-passphrase-77"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=member).exists()
    client.logout()
    assert client.get(reverse("search-api"), {"q": "matrix"}, headers=headers).status_code == 401
    assert _events(Kind.PASSWORD_CHANGED, actor=member).exists()
    assert _events(Kind.API_TOKEN_REVOKED, actor=member, changes__reason="password changed"
                   ).exists()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "password" in mail.outbox[0].subject.lower()


def test_creating_a_token_asks_for_the_password_again(client, world):
    member = world.users["source_member"]
    client.force_login(member)  # a session without a recent password entry
    response = client.post(reverse("api-tokens"), {"name": "script", "lifetime_days": "30"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.filter(user=member).exists()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("api-tokens"), {"name": "script", "lifetime_days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=member)
    assert token.scope == "search:read"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert _events(Kind.API_TOKEN_CREATED, actor=member).exists()


def test_tokens_expire_and_their_use_is_recorded_hourly(client, world):
    member = world.users["source_member"]
    token, key = ApiToken.issue(member, "script")
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(3):
        assert client.get(reverse("search-api"), {"q": "x"}, headers=headers).status_code == 200
    assert _events(Kind.API_TOKEN_USED, actor=member).count() == 1
    assert token.expires_at - timezone.now() > timedelta(days=89)  # 90 days by default
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = client.get(reverse("search-api"), {"q": "x"}, headers=headers)
    assert response.status_code == 401 and "expired" in response.json()["error"]


@pytest.fixture
def org_admin(world):
    return make_user("admin@audit.test", org=world.orgs["source"], role="admin")


def test_membership_changes_are_recorded(client, world, org_admin):
    client.force_login(org_admin)
    org = world.orgs["source"]
    membership = Membership.objects.get(user=world.users["source_member"])
    client.post(reverse("change-role", args=[org.slug, membership.pk]), {"role": "contributor"})
    event = _events(Kind.ROLE_CHANGED).get()
    assert (event.actor, event.organisation, event.target) == (
        org_admin, org, world.users["source_member"].email)
    assert event.changes == {"previous": "member", "new": "contributor"}
    client.post(reverse("manage-members", args=[org.slug]),
                {"invite-email": "new@audit.test", "invite-role": "member"})
    assert _events(Kind.INVITATION_SENT, target="new@audit.test", organisation=org).exists()
    client.post(reverse("remove-member", args=[org.slug, membership.pk]))
    assert _events(Kind.MEMBER_REMOVED, organisation=org).exists()


def test_organisation_approval_is_recorded_with_what_changed(client, world):
    pending = Organisation.objects.get(name="Pending Org")
    client.force_login(world.users["moderator"])
    client.post(f"/admin/organisations/edit/{pending.pk}/", {
        "name": pending.name, "slug": pending.slug, "organisation_type": pending.organisation_type,
        "size_band": pending.size_band, "website": "", "description": pending.description,
        "status": "approved"})
    event = _events(Kind.ORGANISATION_STATUS).get()
    assert event.organisation == pending and event.actor == world.users["moderator"]
    assert event.changes == {"previous": "pending", "new": "approved"}


def test_label_and_recipient_changes_are_recorded_without_content(world):
    item = world.items[TLP.GREEN]
    item.tlp = TLP.AMBER
    item.recipient_organisations.set([world.orgs["recipient"]])
    item.save_revision(user=world.users["publisher"]).publish(skip_permission_checks=True)
    label = _events(Kind.LABEL_CHANGED).get()
    assert label.changes == {"previous": "green", "new": "amber"}
    assert label.target == f"item #{item.pk}" and label.actor == world.users["publisher"]
    recipients = _events(Kind.RECIPIENTS_CHANGED).get()
    assert recipients.changes["new_organisations"] == [world.orgs["recipient"].pk]
    for event in AuditEvent.objects.all():
        assert title_for(TLP.GREEN) not in str(event.changes) + event.target


@pytest.fixture
def events(world, org_admin):
    other = world.orgs["other"]
    AuditEvent.objects.create(kind=Kind.ROLE_CHANGED, organisation=world.orgs["source"],
                              actor_email=org_admin.email, target="own@audit.test")
    AuditEvent.objects.create(kind=Kind.ROLE_CHANGED, organisation=other,
                              actor_email="x@other.test", target="other@audit.test")
    AuditEvent.objects.create(kind=Kind.SIGN_IN_FAILED, actor_email="=HYPERLINK(\"http://x\")",
                              ip_address="198.51.100.7")


def test_moderators_read_everything_with_filters(client, world, events):
    client.force_login(world.users["moderator"])
    body = client.get(AUDIT_URL).content.decode()
    assert "own@audit.test" in body and "other@audit.test" in body and "198.51.100.7" in body
    body = client.get(AUDIT_URL, {"kind": "sign_in_failed"}).content.decode()
    assert "198.51.100.7" in body and "own@audit.test" not in body


def test_an_organisation_admin_reads_only_their_organisation(client, world, events, org_admin):
    client.force_login(org_admin)
    response = client.get(AUDIT_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "own@audit.test" in body
    assert "other@audit.test" not in body and "198.51.100.7" not in body


@pytest.mark.parametrize("role", ["source_member", "contributor", "publisher"])
def test_others_cannot_read_the_trail(client, world, events, role):
    client.force_login(world.users[role])
    response = client.get(AUDIT_URL)
    assert response.status_code in (302, 403)
    assert "own@audit.test" not in response.content.decode()


def test_the_csv_export_neutralises_formulas(client, world, events):
    client.force_login(world.users["moderator"])
    response = client.get(AUDIT_URL, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_retention_clears_addresses_then_deletes_events(world, settings):
    settings.AUDIT_IP_RETENTION_DAYS, settings.AUDIT_RETENTION_DAYS = 90, 365
    now = timezone.now()
    ages = {"recent": 10, "middle": 100, "old": 400}
    for target, days in ages.items():
        event = AuditEvent.objects.create(kind=Kind.SIGN_IN, target=target,
                                          ip_address="192.0.2.1")
        AuditEvent.objects.filter(pk=event.pk).update(occurred_at=now - timedelta(days=days))
    assert purge_audit_trail.delay().get() == {"ip_addresses_cleared": 2, "events_deleted": 1}
    remaining = dict(AuditEvent.objects.values_list("target", "ip_address"))
    assert remaining == {"recent": "192.0.2.1", "middle": None}


def test_a_removed_second_factor_is_recorded(client, world,
                                             django_capture_on_commit_callbacks):
    moderator = world.users["moderator"]
    client.post(reverse("account_login"), {"login": moderator.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    totp = Authenticator.objects.get(user=moderator, type="totp")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("mfa_deactivate_totp"), {})
    _run_in_a_request(callbacks)
    assert not Authenticator.objects.filter(pk=totp.pk).exists()
    assert _events(Kind.MFA_REMOVED, actor=moderator).exists()


def test_changing_the_email_asks_for_the_password_and_is_recorded(client, world):
    from allauth.account.models import EmailAddress

    member = world.users["source_member"]
    client.force_login(member)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@a.test"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="new@a.test").exists()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "new@a.test"})
    assert EmailAddress.objects.filter(user=member, email="new@a.test").exists()
    assert _events(Kind.EMAIL_CHANGED, actor=member, changes__added="new@a.test").exists()
