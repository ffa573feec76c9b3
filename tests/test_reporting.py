"""Confidential reporting: the reporter's and the handler's flows, keys, receipt codes,
deadlines, retention and statistics."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.notifications.models import Notification
from portal.core.organisations.models import Capability, MembershipCapability
from portal.features.reporting import crypto, deadlines, keys, sealing
from portal.features.reporting.models import (
    Action,
    Attachment,
    CaseEvent,
    Channel,
    Outcome,
    Report,
    Status,
)
from portal.features.reporting.statistics import yearly
from tests.reporting_world import (
    MARKERS,
    PASSPHRASE,
    build,
    code_from,
    jpeg_with_exif,
    png_with_metadata,
    send_report,
    without_csrf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return build(world)


def follow_up(code, client=None, **extra):
    return (client or Client()).post(reverse("reporting:follow-up"), {"code": code, **extra})


# The reporter's flow ------------------------------------------------------------------------

def test_a_report_without_javascript_or_account_gets_a_receipt_code_shown_once(rw):
    channel_url = rw.channel.get_absolute_url()
    page = Client().get(channel_url)
    assert page.status_code == 200
    for words in ["Who receives your report", "What happens next", "No retaliation",
                  "destroyed 365 days", "/topics/reporting-and-whistleblowing/",
                  "handler@source.test"]:
        assert words in page.content.decode()
    form = Client().get(reverse("reporting:report", args=[rw.channel.organisation.slug,
                                                          "internal"]))
    assert form.status_code == 200 and "<script" not in form.content.decode().split(
        "</main>")[0]
    digits = rw.code.replace(" ", "")
    assert len(digits) == crypto.RECEIPT_DIGITS == 20 and digits.isdigit()
    report = rw.report
    # Only the Argon2id lookup value is stored, never the code.
    assert report.receipt_lookup == crypto.receipt_keys(digits)[0]
    assert digits not in str(Report.objects.values().get())
    assert report.reporter_user is None
    assert CaseEvent.objects.filter(report=report, action=Action.RECEIVED).exists()


def test_every_reporting_page_says_no_store_and_keeps_the_referrer_on_the_site(rw):
    handler = rw.unlocked_client()
    slug = rw.channel.organisation.slug
    for client, method, url, data in [
        (Client(), "get", reverse("reporting:channels"), {}),
        (Client(), "get", rw.channel.get_absolute_url(), {}),
        (Client(), "get", reverse("reporting:report", args=[slug, "internal"]), {}),
        (Client(), "get", reverse("reporting:follow-up"), {}),
        (Client(), "post", reverse("reporting:follow-up"), {"code": rw.code}),
        (Client(), "post", reverse("reporting:follow-up"), {"code": "1" * 20}),
        (handler, "get", reverse("reporting:inbox"), {}),
        (handler, "get", reverse("reporting:case", args=[rw.report.pk]), {}),
        (handler, "post", reverse("reporting:export", args=[rw.report.pk]), {}),
    ]:
        response = getattr(client, method)(url, data)
        assert "no-store" in response["Cache-Control"], url
        assert response["Referrer-Policy"] == "same-origin", url


def test_the_reporter_reads_replies_but_not_notes_and_answers_with_the_code(rw):
    page = follow_up(rw.code).content.decode()
    assert MARKERS["reply"] in page and MARKERS["reporter_message"] in page
    assert MARKERS["note"] not in page
    response = follow_up(rw.code, text="One more detail",
                         attachments=[sealing_file("more.txt", b"more")])
    assert response.status_code == 200 and "One more detail" in response.content.decode()
    assert rw.report.attachments.count() == 3
    handler = rw.unlocked_client()
    case = handler.get(reverse("reporting:case", args=[rw.report.pk])).content.decode()
    for marker in ("what", "when", "contact", "reply", "note", "reporter_message"):
        assert MARKERS[marker] in case, marker
    assert "One more detail" in case and "not cleaned" in case


def sealing_file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_signed_in_reporter_is_linked_only_when_they_choose(rw, world):
    signed_in = Client()
    signed_in.force_login(world.users["other_member"])
    send_report(signed_in, rw.channel)
    send_report(signed_in, rw.channel, extra={"link_account": "on"})
    first, second = Report.objects.order_by("pk")[1:]
    assert first.reporter_user is None
    assert second.reporter_user == world.users["other_member"]


def test_wrong_expired_and_purged_codes_look_the_same(rw):
    wrong = follow_up("1234 5678 9012 3456 7890")
    rw.report.status, rw.report.closed_at = Status.CLOSED, rw.report.received_at
    rw.report.save()
    assert deadlines.purge(now=rw.report.received_at + timedelta(days=400)) == 1
    purged = follow_up(rw.code)
    malformed = follow_up("12")
    assert wrong.status_code == purged.status_code == malformed.status_code == 400
    assert without_csrf(wrong) == without_csrf(purged) == without_csrf(malformed)


def test_wrong_codes_are_limited_per_client_and_globally(rw, settings):
    settings.REPORTING_WRONG_CODES_PER_CLIENT = 5
    settings.REPORTING_WRONG_CODES_GLOBAL = 8
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(5):
        assert follow_up(f"{attempt:020d}", attacker).status_code == 400
    # Past the limit, even the right code is not tried.
    blocked = follow_up(rw.code, attacker)
    assert blocked.status_code == 429 and MARKERS["reply"] not in blocked.content.decode()
    # Another client still gets in, until everyone together reaches the global limit.
    assert MARKERS["reply"] in follow_up(rw.code, Client(REMOTE_ADDR="198.51.100.1")
                                         ).content.decode()
    for attempt in range(3):
        follow_up(f"9{attempt:019d}", Client(REMOTE_ADDR=f"198.51.100.{10 + attempt}"))
    assert follow_up(rw.code, Client(REMOTE_ADDR="192.0.2.44")).status_code == 429


def test_images_are_re_encoded_without_metadata_and_other_files_are_marked(rw):
    for name, data, marker in [("photo.jpg", jpeg_with_exif("zqxexif"), b"zqxexif"),
                               ("scan.png", png_with_metadata("zqxpng"), b"zqxpng")]:
        assert marker in data
        new_name, cleaned_bytes, cleaned = sealing.clean_file(name, data)
        assert cleaned and marker not in cleaned_bytes and new_name.startswith(name[:4])
    name, data, cleaned = sealing.clean_file("notes.pdf", b"%PDF-1.4 zqx")
    assert (name, data, cleaned) == ("notes.pdf", b"%PDF-1.4 zqx", False)
    _, _, cleaned = sealing.clean_file("fake.png", b"\x89PNG\r\n\x1a\nnot really")
    assert cleaned is False


# Keys -----------------------------------------------------------------------------------------

def test_the_channel_key_opens_only_with_the_passphrase_and_both_shares(rw):
    handler = rw.users["handler"]
    client = Client()
    client.force_login(handler)
    case_url = reverse("reporting:case", args=[rw.report.pk])
    assert "Enter your passphrase" in client.get(case_url).content.decode()
    client.post(reverse("reporting:unlock", args=[rw.channel.pk]), {"passphrase": "wrong one"})
    assert MARKERS["what"] not in client.get(case_url).content.decode()
    client.post(reverse("reporting:unlock", args=[rw.channel.pk]), {"passphrase": PASSPHRASE})
    assert MARKERS["what"] in client.get(case_url).content.decode()
    cookie = client.cookies[f"{keys.COOKIE_PREFIX}{rw.channel.pk}"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    session_share = client.session[keys.SESSION_KEY][str(rw.channel.pk)]
    # Neither share alone is the key.
    import base64
    channel_key = crypto.unwrap_with_recovery_key(rw.recovery, rw.channel.recovery_wrap)
    assert base64.b64decode(session_share) != channel_key
    assert base64.urlsafe_b64decode(cookie.value) != channel_key
    # Without the cookie the session share opens nothing.
    del client.cookies[f"{keys.COOKIE_PREFIX}{rw.channel.pk}"]
    assert MARKERS["what"] not in client.get(case_url).content.decode()


def test_a_new_handler_needs_a_grant_from_an_unlocked_handler(rw, world):
    from tests.reporting_world import make_handler

    newcomer = make_handler("new@source.test", world.orgs["source"])
    newcomer_client = Client()
    newcomer_client.force_login(newcomer)
    inbox = newcomer_client.get(reverse("reporting:inbox")).content.decode()
    assert "You hold no key for this channel yet" in inbox
    # A locked handler cannot grant.
    locked = Client()
    locked.force_login(rw.users["handler"])
    assert locked.post(reverse("reporting:grant", args=[rw.channel.pk]),
                       {"user": newcomer.pk}).status_code == 404
    unlocked = rw.unlocked_client()
    assert unlocked.post(reverse("reporting:grant", args=[rw.channel.pk]),
                         {"user": newcomer.pk}).status_code == 302
    assert CaseEvent.objects.filter(action=Action.KEY_GRANT,
                                    actor=rw.users["handler"]).exists()
    newcomer_client.post(reverse("reporting:unlock", args=[rw.channel.pk]),
                         {"passphrase": PASSPHRASE})
    assert MARKERS["what"] in newcomer_client.get(
        reverse("reporting:case", args=[rw.report.pk])).content.decode()


def test_handlers_need_a_second_factor(rw, world):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=rw.users["handler"]).delete()
    client = Client()
    client.force_login(rw.users["handler"])
    for url in [reverse("reporting:inbox"), reverse("reporting:case", args=[rw.report.pk])]:
        response = client.get(url)
        assert response.status_code == 403 and "Two-factor" in response.content.decode()


def test_an_org_admin_turns_a_channel_on_sees_the_recovery_key_once_and_names_handlers(world):
    from portal.core.organisations.models import Role
    from tests.reporting_world import with_mfa
    from tests.world import make_user

    admin = with_mfa(make_user("boss@recipient.test", org=world.orgs["recipient"],
                               role=Role.ADMIN))
    client = Client()
    client.force_login(admin)
    url = reverse("reporting:manage", args=[world.orgs["recipient"].slug])
    page = client.post(url, {"action": "turn_on", "kind": "internal"}).content.decode()
    assert "recovery key" in page
    channel = Channel.objects.get(organisation=world.orgs["recipient"])
    assert channel.active and channel.public_key
    assert "receipt-code" not in client.get(url).content.decode()  # shown once only
    member = world.users["recipient_member"]
    client.post(url, {"action": "handlers", "handler": [member.pk]})
    assert MembershipCapability.objects.filter(
        membership__user=member, capability=Capability.CASE_HANDLER).exists()
    # Somebody else's admin page is missing, not forbidden.
    assert client.get(reverse("reporting:manage", args=[world.orgs["source"].slug])
                      ).status_code == 404


# Handling -------------------------------------------------------------------------------------

def test_status_changes_export_and_the_timeline_carry_no_content(rw):
    client = rw.unlocked_client()
    case_url = reverse("reporting:case", args=[rw.report.pk])
    assert client.get(case_url).status_code == 200
    assert client.post(case_url, {"action": "status", "status": "closed"}).status_code == 400
    client.post(case_url, {"action": "status", "status": "acknowledged",
                           "assignee": rw.users["handler"].pk})
    client.post(case_url, {"action": "status", "status": "closed",
                           "outcome": Outcome.SUBSTANTIATED,
                           "assignee": rw.users["handler"].pk})
    rw.report.refresh_from_db()
    assert rw.report.acknowledged_at and rw.report.closed_at
    assert rw.report.assignee == rw.users["handler"]
    export = client.post(reverse("reporting:export", args=[rw.report.pk]))
    assert export["Content-Disposition"].startswith("attachment")
    assert MARKERS["what"].encode() in export.content and MARKERS["note"].encode() in \
        export.content
    actions = set(CaseEvent.objects.filter(report=rw.report).values_list("action", flat=True))
    assert {Action.OPENED, Action.STATUS, Action.ASSIGNED, Action.MESSAGE, Action.NOTE,
            Action.EXPORT} <= actions
    details = " ".join(CaseEvent.objects.values_list("detail", flat=True))
    assert not any(marker in details for marker in MARKERS.values())


def test_attachments_download_decrypted_for_the_handler(rw):
    client = rw.unlocked_client()
    files = {}
    for attachment in Attachment.objects.filter(report=rw.report):
        response = client.get(reverse("reporting:attachment",
                                      args=[rw.report.pk, attachment.pk]))
        assert response.status_code == 200 and response["Content-Security-Policy"] == "sandbox"
        files[response["Content-Disposition"]] = response.content
    text = [body for name, body in files.items() if MARKERS["file_name"] in name]
    assert text == [f"body {MARKERS['file_body']}".encode()]
    image = [body for name, body in files.items() if MARKERS["image_name"] in name][0]
    assert image.startswith(b"\x89PNG") and MARKERS["image_meta"].encode() not in image


# Deadlines ------------------------------------------------------------------------------------

def test_reminders_before_and_escalations_after_each_deadline_with_the_clock_moved(
        rw, django_capture_on_commit_callbacks):
    admin = rw.users["org_admin"]
    received = rw.report.received_at
    mail.outbox.clear()

    def run_at(days):
        with django_capture_on_commit_callbacks(execute=True):
            return deadlines.run(now=received + timedelta(days=days))

    assert run_at(1) == {"reminders": 0, "escalations": 0}
    assert run_at(5.1) == {"reminders": 1, "escalations": 0}
    assert {tuple(m.to) for m in mail.outbox} == {("handler@source.test",)}
    assert run_at(6) == {"reminders": 0, "escalations": 0}  # once only
    assert run_at(8) == {"reminders": 0, "escalations": 1}
    escalated = Notification.objects.filter(kind=deadlines.ESCALATION)
    assert set(escalated.values_list("recipient__email", flat=True)) == {
        admin.email, "handler@source.test"}
    assert admin.email in {r for m in mail.outbox for r in m.to}
    assert run_at(9) == {"reminders": 0, "escalations": 0}
    # Acknowledged: the feedback deadline takes over.
    Report.objects.filter(pk=rw.report.pk).update(acknowledged_at=received)
    assert run_at(80) == {"reminders": 1, "escalations": 0}
    assert run_at(91) == {"reminders": 0, "escalations": 1}
    # The excluded handler hears nothing, and no email carries any content.
    assert "excluded@source.test" not in {r for m in mail.outbox for r in m.to}
    assert len(mail.outbox) == 6
    for message in mail.outbox:
        text = message.subject + message.body
        assert not any(marker in text for marker in MARKERS.values())
        assert rw.report.category not in text


def test_the_beat_tasks_run_by_name(rw):
    from portal.features.reporting.tasks import check_deadlines, purge_expired

    assert check_deadlines.name == "reporting.check_deadlines"
    assert purge_expired.name == "reporting.purge"
    assert check_deadlines.delay().get() == {"reminders": 0, "escalations": 0}
    assert purge_expired.delay().get() == 0


# Retention ------------------------------------------------------------------------------------

def test_purge_destroys_a_closed_cases_content_and_leaves_a_stub(rw):
    paths = [a.blob.path for a in rw.report.attachments.all()]
    import os

    assert all(os.path.exists(path) for path in paths)
    rw.report.status, rw.report.outcome = Status.CLOSED, Outcome.REFERRED
    rw.report.closed_at = rw.report.received_at + timedelta(days=10)
    rw.report.save()
    assert deadlines.purge(now=rw.report.closed_at + timedelta(days=364)) == 0
    assert deadlines.purge(now=rw.report.closed_at + timedelta(days=366)) == 1
    stub = Report.objects.get(pk=rw.report.pk)
    assert stub.sealed is None and stub.receipt_lookup is None and stub.purged_at
    assert (stub.category, stub.outcome) == (rw.report.category, Outcome.REFERRED)
    assert not stub.messages.exists() and not stub.notes.exists()
    assert not stub.attachments.exists() and not stub.readers.exists()
    assert not any(os.path.exists(path) for path in paths)
    assert deadlines.purge(now=rw.report.closed_at + timedelta(days=999)) == 0


# Statistics -----------------------------------------------------------------------------------

def test_yearly_statistics_suppress_cells_under_five(rw):
    for _ in range(5):
        Report.objects.create(channel=rw.channel, category="Other concern",
                              status=Status.CLOSED, outcome=Outcome.NOT_SUBSTANTIATED)
    year = yearly(rw.channel)[0]
    assert year["total"] == "6"
    assert dict(year["by_category"]) == {"Other concern": "5",
                                         rw.report.category: "fewer than 5"}
    assert dict(year["by_outcome"])["Still open"] == "fewer than 5"
    assert year["median_days_to_acknowledge"] == "not shown"
    page = Client().get(reverse("reporting:statistics", args=[
        rw.channel.organisation.slug, "internal"])).content.decode()
    assert "fewer than 5" in page


# Bad input ------------------------------------------------------------------------------------

free_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300) | \
    st.sampled_from(['"', "\x00", "' OR 1=1 --", "a" * 25000, "ᚠᛇᚻ 漢字 عربى", "9" * 64])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(category=free_text, what=free_text, when=free_text, identity=free_text,
       contact=free_text, organisation=free_text, exclude=free_text)
def test_fuzzed_report_form_never_500s(rw, category, what, when, identity, contact,
                                       organisation, exclude):
    url = reverse("reporting:report", args=[rw.channel.organisation.slug, "internal"])
    response = Client().post(url, {"category": category, "what_happened": what, "when": when,
                                   "identity": identity, "contact": contact,
                                   "organisation": organisation, "exclude": exclude})
    assert response.status_code in (200, 400)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=free_text, text=free_text)
def test_fuzzed_follow_up_never_500s(rw, code, text):
    for data in ({"code": code}, {"code": code, "text": text}):
        assert Client(REMOTE_ADDR="192.0.2.1").post(
            reverse("reporting:follow-up"), data).status_code in (200, 400, 429)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=free_text, status=free_text, outcome=free_text, assignee=free_text,
       text=free_text, passphrase=free_text)
def test_fuzzed_handler_and_admin_forms_never_500(rw, action, status, outcome, assignee, text,
                                                  passphrase):
    client = rw.unlocked_client()
    case_url = reverse("reporting:case", args=[rw.report.pk])
    for data in ({"action": action, "text": text},
                 {"action": "status", "status": status, "outcome": outcome,
                  "assignee": assignee},
                 {"action": "message", "text": text, "is_feedback": passphrase},
                 {"action": "note", "text": text}):
        assert client.post(case_url, data).status_code in (302, 400)
    for url, data in [
        (reverse("reporting:unlock", args=[rw.channel.pk]), {"passphrase": passphrase}),
        (reverse("reporting:grant", args=[rw.channel.pk]), {"user": text}),
    ]:
        assert client.post(url, data).status_code in (302, 400, 404)
    # Another handler fuzzes the passphrase form: a valid one replaces their key pair.
    other = Client()
    other.force_login(rw.users["other_handler"])
    assert other.post(reverse("reporting:passphrase"),
                      {"passphrase": passphrase, "confirm": text}).status_code in (302, 400)
    admin = Client()
    admin.force_login(rw.users["org_admin"])
    slug = rw.channel.organisation.slug
    for url, data in [
        (reverse("reporting:channel-settings", args=[slug, rw.channel.pk]),
         {f"c{rw.channel.pk}-categories": text, f"c{rw.channel.pk}-acknowledge_days": status,
          f"c{rw.channel.pk}-feedback_days": outcome,
          f"c{rw.channel.pk}-retention_days": assignee}),
        (reverse("reporting:recovery-grant", args=[slug, rw.channel.pk]),
         {"user": assignee, "recovery_key": passphrase}),
        (reverse("reporting:manage", args=[slug]), {"action": action, "kind": status,
                                                    "handler": text}),
    ]:
        assert admin.post(url, data).status_code in (200, 302, 400, 404)


def test_a_moderator_names_a_reporting_body_that_takes_reports_about_anyone(world):
    from portal.core.organisations.models import Role
    from tests.reporting_world import with_mfa
    from tests.world import make_user

    body = world.orgs["other"]
    moderator = Client()
    moderator.force_login(world.users["moderator"])
    url = reverse("reporting:bodies")
    assert moderator.post(url, {"organisation": body.pk}).status_code == 302
    channel = Channel.objects.get(organisation=body, kind="external")
    assert not channel.active
    # Not a moderator: the page is missing.
    member = Client()
    member.force_login(world.users["other_member"])
    assert member.get(url).status_code == 404
    admin = with_mfa(make_user("boss@other.test", org=body, role=Role.ADMIN))
    client = Client()
    client.force_login(admin)
    manage = reverse("reporting:manage", args=[body.slug])
    assert "recovery key" in client.post(manage, {"action": "turn_on", "kind": "external"}
                                         ).content.decode()
    channel.refresh_from_db()
    assert channel.active
    # A firm reports its own breach to the body (self-referral), naming itself.
    response = send_report(Client(), channel, contact=False, extra={
        "category": "Self-referral of a breach", "organisation": world.orgs["source"].pk})
    assert response.status_code == 200 and code_from(response)
    report = Report.objects.get(channel=channel)
    assert report.category == "Self-referral of a breach"
    # The admin, not a handler, sees counts and no content.
    page = client.get(manage).content.decode()
    assert "Open: 1 (new: 1)" in page and MARKERS["what"] not in page


def test_handler_actions_reach_the_security_audit_trail_without_content(rw):
    from portal.core.audit.models import AuditEvent, Kind

    client = rw.unlocked_client()
    case_url = reverse("reporting:case", args=[rw.report.pk])
    client.get(case_url)
    client.post(case_url, {"action": "status", "status": "in_progress"})
    client.post(reverse("reporting:export", args=[rw.report.pk]))
    kinds = set(AuditEvent.objects.filter(actor=rw.users["handler"]).values_list("kind",
                                                                                   flat=True))
    assert {Kind.REPORTING_UNLOCKED, Kind.REPORT_OPENED, Kind.REPORT_STATUS,
            Kind.REPORT_MESSAGE, Kind.REPORT_NOTE, Kind.REPORT_EXPORTED} <= kinds
    assert AuditEvent.objects.filter(kind=Kind.REPORTING_KEY_GRANTED).count() == 3
    trail = str(list(AuditEvent.objects.values()))
    assert not any(marker in trail for marker in MARKERS.values())
    assert rw.report.category not in trail
    # The reporter's own actions leave no audit event, so no address is kept for them.
    assert not AuditEvent.objects.filter(actor__isnull=True, ip_address__isnull=False,
                                         kind__startswith="report").exists()
