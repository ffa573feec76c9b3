"""Standards in practice: versions and carry-over, signatories, self-assessments and their
access, gap reports, CSV, consultation, uptake suppression and mentoring."""

import csv
import io
import re

import pytest
from django.core import mail
from django.urls import URLPattern, reverse

from cms.factories import make_organisation as make_org
from portal.core.access import principal_for_user
from portal.core.organisations.models import Capability, MembershipCapability
from portal.core.tlp import TLP
from portal.features.standards import assessments, mentoring, uptake
from portal.features.standards.access import assessment_policy
from portal.features.standards.models import (
    Assessment,
    AssessmentShare,
    Comment,
    Mentoring,
    MentoringOffer,
    Signatory,
    StandardVersion,
)
from portal.features.standards.urls import urlpatterns
from portal.features.standards.versions import diff
from tests.standards_world import (
    answer_all,
    clauses,
    link,
    make_guidance,
    make_standard,
    publish_new_version,
)
from tests.world import ROLES, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(world):
    return make_standard(world.orgs["other"], "Code of practice")


@pytest.fixture
def assessment(world, standard):
    item = assessments.start(standard, world.orgs["source"], world.users["publisher"])
    answer_all(item, ["met", "not_met", "partly", "na", "met", "not_met"])
    return item


def a_url(name, item):
    return reverse(f"standards:{name}", args=[item.standard_id, item.organisation.slug])


# --- versions -----------------------------------------------------------------------------

def test_publishing_records_clauses_with_stable_keys_and_a_version(standard):
    version = StandardVersion.objects.get(standard=standard)
    assert version.label == "1.0" and len(version.clauses) == 6
    keys = [c["key"] for c in version.clauses]
    assert len(set(keys)) == 6 and all(keys)
    assert [c.key for c in clauses(standard)] == keys


def test_new_version_carries_over_unchanged_answers_and_flags_new_and_changed(assessment,
                                                                            standard):
    before = {a.clause.key: a.status for a in assessments.answers_of(assessment)}

    def edit(blocks):
        blocks[1]["value"] = {**blocks[1]["value"], "requirement": "<p>Stricter now.</p>"}
        blocks[2]["value"] = {**blocks[2]["value"], "number": "2a"}  # renumbered only
        del blocks[5]
        return blocks + [{"type": "clause", "value": {
            "number": "7", "title": "New duty", "requirement": "<p>New.</p>", "guidance": ""}}]

    publish_new_version(standard, "2.0", edit)
    assessment.refresh_from_db()
    assert assessment.version.label == "2.0"
    answers = {a.clause.key: a for a in assessments.answers_of(assessment)}
    keys = [c["key"] for c in assessment.version.clauses]
    assert len(answers) == 6  # five kept, one removed, one new
    assert answers[keys[0]].status == before[keys[0]] == "met" and not answers[keys[0]].flag
    assert answers[keys[1]].status == "" and answers[keys[1]].flag == "changed"
    assert answers[keys[2]].status == before[keys[2]] and not answers[keys[2]].flag
    assert answers[keys[5]].status == "" and answers[keys[5]].flag == "new"
    changes = [d.change for d in diff(*StandardVersion.objects.filter(standard=standard))]
    assert changes == ["unchanged", "changed", "renumbered", "unchanged", "unchanged", "added",
                       "removed"]


def test_republishing_the_same_text_changes_nothing(assessment, standard):
    publish_new_version(standard, "1.0", lambda blocks: blocks)
    assert StandardVersion.objects.filter(standard=standard).count() == 1
    assert not assessment.events.filter(change__event="version").exists()


def test_changes_page_compares_versions(client, standard):
    publish_new_version(standard, "2.0", lambda b: b[:-1])
    response = client.get(reverse("standards:changes", args=[standard.pk]))
    assert response.status_code == 200
    assert "removed" in response.content.decode()
    response = client.get(standard.url)
    assert "What changed between versions" in response.content.decode()


# --- signatories --------------------------------------------------------------------------

def test_admin_signs_withdraws_and_moderator_removes_with_reason(client, world, standard):
    admin = make_user("admin@sign.test", org=world.orgs["source"], role="admin")
    client.force_login(admin)
    response = client.post(reverse("standards:sign", args=[standard.pk]),
                           {"organisation": world.orgs["source"].pk, "statement": "We commit."})
    assert response.status_code == 302
    assert "We commit." in client.get(standard.url).content.decode()
    assert "Standards signed" in client.get(world.orgs["source"].page.url).content.decode()
    client.post(reverse("standards:withdraw", args=[standard.pk, "source-org"]))
    signatory = Signatory.objects.get()
    assert signatory.withdrawn_at is not None
    assert "Withdrawn on" in client.get(standard.url).content.decode()
    client.post(reverse("standards:sign", args=[standard.pk]),
                {"organisation": world.orgs["source"].pk})
    active = Signatory.objects.get(withdrawn_at=None)
    remove = reverse("standards:remove-signatory", args=[standard.pk, active.pk])
    assert client.post(remove, {"reason": "x"}).status_code == 404  # not a moderator
    client.force_login(world.users["moderator"])
    assert client.post(remove, {"reason": "  "}).status_code == 400
    client.post(remove, {"reason": "Breached clause 3"})
    active.refresh_from_db()
    assert active.removed_at and active.removal_reason == "Breached clause 3"


def test_members_who_are_not_admins_cannot_sign(client, world, standard):
    client.force_login(world.users["publisher"])
    client.post(reverse("standards:sign", args=[standard.pk]),
                {"organisation": world.orgs["source"].pk})
    assert not Signatory.objects.exists()


def test_signatories_of_a_restricted_standard_follow_its_label(client, world):
    amber = make_standard(world.orgs["other"], "Amber code", label=TLP.AMBER_STRICT)
    Signatory.objects.create(standard=amber, organisation=world.orgs["other"],
                             version=StandardVersion.objects.get(standard=amber))
    client.force_login(world.users["source_member"])
    body = client.get(world.orgs["other"].page.url).content.decode()
    assert "Amber code" not in body
    client.force_login(world.users["red_recipient"])  # a member of Other Org
    assert "Amber code" in client.get(world.orgs["other"].page.url).content.decode()


# --- self-assessment access ---------------------------------------------------------------

# Who reads Source Org's assessment once it is shared with Recipient Org, and who edits it.
READERS = {"source_member", "contributor", "publisher", "recipient_member"}
EDITORS = {"publisher"}
CHANNELS = ["assessment", "gaps", "history", "export"]


def _normalise(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("channel", CHANNELS)
def test_assessment_channels_by_role(client_for, world, assessment, role, channel):
    AssessmentShare.objects.create(assessment=assessment, organisation=world.orgs["recipient"])
    response = client_for(role).get(a_url(channel, assessment))
    if role == "anonymous":
        assert response.status_code == 302
        return
    if role in READERS:
        assert response.status_code == 200
        return
    # Unverified addresses are asked to verify first (allauth), whatever the address.
    assert response.status_code == (200 if role == "unverified" else 404)
    missing = client_for(role).get(reverse(f"standards:{channel}",
                                           args=[assessment.standard_id, "no-such-org"]))
    assert missing.status_code == response.status_code
    assert _normalise(missing) == _normalise(response)
    assert "Source Org" not in response.content.decode()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_only_editors_save_answers(client_for, world, assessment, role):
    answer = assessment.answers.first()
    response = client_for(role).post(a_url("assessment", assessment), {
        "answer": answer.pk, f"a{answer.pk}-status": "partly",
        f"a{answer.pk}-evidence": "by " + role})
    answer.refresh_from_db()
    if role in EDITORS:
        assert response.status_code == 302 and answer.status == "partly"
        return
    assert response.status_code == (200 if role == "unverified" else 404)  # asked to verify
    assert answer.evidence != "by " + role


def test_assessor_capability_lets_a_member_edit(client, world, assessment):
    membership = world.users["source_member"].memberships.get()
    assert not assessment_policy.can_view(principal_for_user(world.users["other_member"]),
                                          assessment)
    MembershipCapability.objects.create(membership=membership, capability=Capability.ASSESSOR)
    client.force_login(world.users["source_member"])
    answer = assessment.answers.first()
    response = client.post(a_url("assessment", assessment), {
        "answer": answer.pk, f"a{answer.pk}-status": "na"},
        headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json()["saved"] is True
    assert "6 of 6 clauses answered" in response.json()["summary"]
    answer.refresh_from_db()
    assert answer.status == "na"
    event = assessment.events.filter(clause=answer.clause).first()
    assert event.user == world.users["source_member"] and event.change["status"][1] == "na"


def test_share_and_withdraw(client, world, assessment):
    client.force_login(world.users["publisher"])
    client.post(a_url("sharing", assessment), {"share-organisation": world.orgs["recipient"].pk})
    reader = principal_for_user(world.users["recipient_member"])
    assert assessment_policy.can_view(reader, assessment)
    share = AssessmentShare.objects.get()
    client.post(reverse("standards:withdraw-share", args=[
        assessment.standard_id, "source-org", share.pk]))
    assert not assessment_policy.can_view(reader, assessment)
    events = [e.change.get("event") for e in assessment.events.all()]
    assert "shared" in events and "share withdrawn" in events
    body = client.get(a_url("history", assessment)).content.decode()
    assert "event: share withdrawn" in body and "with: Recipient Org" in body


def test_restricted_ids_answer_like_missing_ones_on_every_route(client, world, assessment):
    """Walk the feature's URL patterns: every id of someone else's object answers exactly as
    an id that does not exist."""
    AssessmentShare.objects.create(assessment=assessment, organisation=world.orgs["recipient"])
    pair = Mentoring.objects.create(mentor=world.orgs["recipient"], mentee=world.orgs["source"],
                                    standard=assessment.standard)
    amber = make_standard(world.orgs["source"], "Secret draft", label=TLP.AMBER_STRICT,
                          status="consultation")
    from portal.features.standards.models import Consultation

    consultation = Consultation.objects.create(standard=amber, version_label="1.0")
    comment = Comment.objects.create(consultation=consultation, organisation=world.orgs["source"],
                                     body="secret remark")
    real = {"standard_id": amber.pk, "org_slug": "source-org", "share_id": 0,
            "signatory_id": 0, "comment_id": comment.pk, "pair_id": pair.pk}
    missing = {"standard_id": 999999, "org_slug": "no-such-org", "share_id": 999999,
               "signatory_id": 999999, "comment_id": 999999, "pair_id": 999999}
    client.force_login(world.users["other_member"])
    checked = 0
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = list(pattern.pattern.regex.groupindex)
        if not names:
            continue
        url = reverse(f"standards:{pattern.name}", kwargs={n: real[n] for n in names})
        other = reverse(f"standards:{pattern.name}", kwargs={n: missing[n] for n in names})
        for method in (client.get, client.post):
            a, b = method(url), method(other)
            assert a.status_code == b.status_code, (pattern.name, url)
            if a.status_code == 404:
                assert _normalise(a) == _normalise(b), pattern.name
            assert "secret remark" not in a.content.decode()
        checked += 1
    assert checked >= 15


# --- gap report and exports ---------------------------------------------------------------

def test_gap_report_lists_visible_items_best_first(client, world, assessment, standard):
    gap_clause = next(a.clause for a in assessments.answers_of(assessment)
                      if a.status == "not_met")
    other_gap = [a.clause for a in assessments.answers_of(assessment)
                 if a.status in ("not_met", "partly")][1]
    supporting = make_guidance(world.orgs["other"], "Supporting note")
    direct = make_guidance(world.orgs["other"], "Direct guide")
    broad = make_guidance(world.orgs["other"], "Broad guide")
    secret = make_guidance(world.orgs["other"], "Hidden amber guide", label=TLP.AMBER_STRICT)
    link(supporting, gap_clause, primary=False)
    link(direct, gap_clause)
    link(broad, gap_clause)
    link(broad, other_gap)
    link(secret, gap_clause)
    client.force_login(world.users["source_member"])
    body = client.get(a_url("gaps", assessment)).content.decode()
    assert "Hidden amber guide" not in body
    assert body.index("Broad guide") < body.index("Direct guide") < body.index("Supporting note")
    assert 'media="print"' in body


def test_csv_export_is_formula_safe(client, world, assessment):
    answer = assessment.answers.first()
    for index, dangerous in enumerate(["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx",
                                       "\rx"]):
        answer.evidence = dangerous
        answer.save()
        client.force_login(world.users["publisher"])
        response = client.get(a_url("export", assessment))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        cells = [cell for row in rows[1:] for cell in row]
        assert ("'" + dangerous) in cells, index
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


# --- consultation -------------------------------------------------------------------------

@pytest.fixture
def draft(world):
    return make_standard(world.orgs["source"], "Draft code", label=TLP.GREEN,
                         status="consultation", version="0.9")


def test_consultation_permissions_and_closing(client, world, draft):
    url = reverse("standards:consultation", args=[draft.pk])
    clause = clauses(draft)[0]
    assert client.get(url).status_code == 404  # GREEN: not for anonymous visitors
    client.force_login(world.users["unverified"])
    assert client.post(url, {"organisation": world.orgs["source"].pk, "body": "x"}
                       ).status_code == 404
    client.force_login(world.users["other_member"])
    response = client.post(url, {"clause": clause.pk, "organisation": world.orgs["other"].pk,
                                 "body": "Please clarify."})
    assert response.status_code == 302
    response = client.post(url, {"organisation": world.orgs["source"].pk, "body": "as another"})
    assert response.status_code == 400  # not their organisation
    comment = Comment.objects.get()
    answer = reverse("standards:comment-answer", args=[comment.pk])
    assert client.post(answer, {"answer": "self", "decision": "accepted"}).status_code == 404
    client.force_login(world.users["contributor"])  # the publishing org, not a publisher
    assert client.post(answer, {"answer": "no", "decision": "accepted"}).status_code == 404
    client.force_login(world.users["publisher"])
    client.post(answer, {"answer": "Clarified in 1.0.", "decision": "accepted"})
    comment.refresh_from_db()
    assert comment.decision == "accepted" and comment.answer == "Clarified in 1.0."
    assert mail.outbox or world.users["other_member"].notifications.exists()
    client.post(reverse("standards:consultation-close", args=[draft.pk]))
    summary = client.get(reverse("standards:consultation-summary", args=[draft.pk]))
    assert "1 accepted" in summary.content.decode()
    client.force_login(world.users["other_member"])
    assert client.post(url, {"organisation": world.orgs["other"].pk, "body": "late"}
                       ).status_code == 404
    assert Comment.objects.count() == 1


def test_comments_follow_the_standard_label(client, world):
    amber = make_standard(world.orgs["source"], "Amber draft", label=TLP.AMBER_STRICT,
                          status="consultation")
    url = reverse("standards:consultation", args=[amber.pk])
    client.force_login(world.users["source_member"])
    client.post(url, {"organisation": world.orgs["source"].pk, "body": "inside remark"})
    assert "inside remark" in client.get(url).content.decode()
    for role in ("other_member", "recipient_member", "moderator"):
        client.force_login(world.users[role])
        response = client.get(url)
        assert response.status_code == 404 and "inside remark" not in response.content.decode()


def test_moderator_hides_a_comment_with_a_reason(client, world, standard):
    draft = make_standard(world.orgs["source"], "Open draft", status="consultation")
    url = reverse("standards:consultation", args=[draft.pk])
    client.force_login(world.users["other_member"])
    client.post(url, {"organisation": world.orgs["other"].pk, "body": "abusive words"})
    comment = Comment.objects.get()
    hide = reverse("standards:comment-hide", args=[comment.pk])
    assert client.post(hide, {"reason": "abuse"}).status_code == 404
    client.force_login(world.users["moderator"])
    client.post(hide, {"reason": "Personal abuse"})
    body = client.get(url).content.decode()
    assert "abusive words" not in body and "Personal abuse" in body


# --- uptake -------------------------------------------------------------------------------

def test_suppression_hides_small_groups_and_their_complements():
    assert uptake.suppress({"a": 7, "b": 6}) == set()
    assert uptake.suppress({"a": 7, "b": 6, "c": 2}) == {"c", "b"}  # else a+b+c - a - b
    assert uptake.suppress({"a": 9, "b": 3, "c": 2}) == {"b", "c"}  # together 5: enough
    assert uptake.suppress({"a": 9, "b": 0}) == set()


def _opted_in_orgs(standard, types):
    for index, (organisation_type, band) in enumerate(types):
        org = make_org(f"Uptake {index}", organisation_type=organisation_type, size_band=band)
        item = assessments.start(standard, org, None)
        answer_all(item, ["met", "not_met"])
        item.aggregate = True
        item.save()


def test_uptake_never_shows_a_group_under_five_even_by_differencing(client, world, standard):
    _opted_in_orgs(standard, [("industry", "small")] * 6 + [("academia", "")] * 5
                   + [("government", "")] * 2)
    total, shown, breakdowns = uptake.figures(standard)
    assert total == 13 and shown
    by_type = {g.key: g for g in breakdowns[1].groups}
    assert not by_type["government"].shown
    # Without the academia group also hidden, all - industry - academia = government.
    assert not by_type["academia"].shown and by_type["industry"].shown
    first = clauses(standard)[0].pk
    assert by_type["industry"].shares[first]["met"] == 100
    # Figures are cached, and follow every opt-out and answer at once.
    leaving = Assessment.objects.filter(organisation__organisation_type="industry").first()
    leaving.aggregate = False
    leaving.save(update_fields=["aggregate", "updated_at"])
    assert uptake.figures(standard)[0] == 12
    industry_answer = Assessment.objects.filter(
        organisation__organisation_type="industry", aggregate=True,
    ).first().answers.get(clause_id=first)
    assessments.save_answer(industry_answer, {"status": "not_met", "evidence": "",
                                              "owner": None, "target_date": None}, None)
    by_type = {g.key: g for g in uptake.figures(standard)[2][1].groups}
    assert by_type["industry"].shares[first]["not_met"] == 20  # one of five
    leaving.aggregate = True
    leaving.save(update_fields=["aggregate", "updated_at"])
    client.force_login(world.users["red_recipient"])  # Other Org published the standard
    response = client.get(reverse("standards:uptake", args=[standard.pk]))
    assert response.status_code == 404  # a member, not a publisher: closed by default
    publisher = make_user("pub@uptake.test", org=world.orgs["other"], role="publisher")
    client.force_login(publisher)
    body = client.get(reverse("standards:uptake", args=[standard.pk])).content.decode()
    assert "Government" in body and "not shown" in body
    client.post(reverse("standards:uptake", args=[standard.pk]), {"audience": 1})
    client.force_login(world.users["red_recipient"])
    assert client.get(reverse("standards:uptake", args=[standard.pk])).status_code == 200


def test_uptake_with_fewer_than_five_shows_nothing(client, world, standard):
    _opted_in_orgs(standard, [("industry", "small")] * 4)
    total, shown, breakdowns = uptake.figures(standard)
    assert not shown and all(not g.shown for b in breakdowns for g in b.groups)
    client.force_login(world.users["moderator"])
    body = client.get(reverse("standards:uptake", args=[standard.pk])).content.decode()
    assert "no figures yet" in body and "%" not in body


# --- mentoring ----------------------------------------------------------------------------

def test_mentoring_suggests_accepts_shares_and_ends_the_share(client, world, assessment):
    big = make_org("Big Mentor", size_band="large")
    tiny = make_org("Tiny Mentor", size_band="micro")
    gaps = [a.clause for a in assessment.answers.all() if a.status in ("not_met", "partly")]
    for org, covered in ((big, gaps[:2]), (tiny, gaps[:2])):
        offer = MentoringOffer.objects.create(organisation=org, capacity=1)
        offer.clauses.set(covered)
    ranked = [s.offer.organisation for s in mentoring.suggestions(assessment)]
    assert ranked == [big, tiny]
    mentor_admin = make_user("admin@big.test", org=big, role="admin")
    mentee_admin = make_user("admin@source.test", org=world.orgs["source"], role="admin")
    client.force_login(mentee_admin)
    response = client.post(a_url("find-mentor", assessment),
                           {"mentor": big.pk, "message": "Help", "share_assessment": "on"})
    pair = Mentoring.objects.get()
    assert response.status_code == 302 and pair.status == "requested"
    assert mentor_admin.notifications.filter(kind="standards.mentoring").exists()
    mentor_reader = principal_for_user(mentor_admin)
    assert not assessment_policy.can_view(mentor_reader, assessment)  # not before accepting
    client.force_login(mentor_admin)
    client.post(reverse("standards:mentoring-detail", args=[pair.pk]), {"action": "accept"})
    assert assessment_policy.can_view(mentor_reader, assessment)
    assert client.get(a_url("assessment", assessment)).status_code == 200
    assert client.post(a_url("assessment", assessment), {"answer": 1}).status_code == 404
    client.force_login(mentee_admin)
    client.post(reverse("standards:mentoring-detail", args=[pair.pk]),
                {"action": "close", "feedback": "Very useful"})
    pair.refresh_from_db()
    assert pair.status == "closed" and pair.mentee_feedback == "Very useful"
    assert not assessment_policy.can_view(mentor_reader, assessment)
    assert not AssessmentShare.objects.exists()
    assert mentee_admin.notifications.filter(kind="standards.mentoring").count() >= 2


def test_moderators_see_pairs_never_content(client, world, assessment):
    pair = Mentoring.objects.create(mentor=world.orgs["recipient"], mentee=world.orgs["source"],
                                    standard=assessment.standard, message="private plea")
    client.force_login(world.users["moderator"])
    body = client.get(reverse("standards:pairs")).content.decode()
    assert "Recipient Org" in body and "private plea" not in body
    assert client.get(reverse("standards:mentoring-detail", args=[pair.pk])).status_code == 404
    assert client.get(a_url("assessment", assessment)).status_code == 404
    client.force_login(world.users["source_member"])
    assert client.get(reverse("standards:pairs")).status_code == 404


def test_overview_lists_own_and_shared(client, world, assessment):
    AssessmentShare.objects.create(assessment=assessment, organisation=world.orgs["recipient"])
    client.force_login(world.users["recipient_member"])
    body = client.get(reverse("standards:overview")).content.decode()
    assert "Source Org: Code of practice" in body
    client.force_login(world.users["other_member"])
    assert "Code of practice" not in client.get(reverse("standards:overview")).content.decode()
    assert Assessment.objects.count() == 1


# --- the access matrix for the other objects ------------------------------------------------

@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("label", list(TLP), ids=lambda label: label.value)
def test_consultation_comments_follow_the_label_for_every_role(client_for, world, role, label):
    from portal.features.standards.models import Consultation
    from tests.world import EXPECTED

    draft = make_standard(world.orgs["source"], f"Labelled draft {label.value}", label=label,
                          status="consultation",
                          recipient_orgs=[world.orgs["recipient"]] if label == TLP.AMBER else [],
                          recipient_users=[world.users["red_recipient"]]
                          if label == TLP.RED else [])
    consultation = Consultation.objects.create(standard=draft, version_label="1.0")
    Comment.objects.create(consultation=consultation, organisation=world.orgs["source"],
                           body="marker remark")
    client = client_for(role)
    for name in ("consultation", "consultation-summary"):
        response = client.get(reverse(f"standards:{name}", args=[draft.pk]))
        seen = response.status_code == 200 and "marker remark" in response.content.decode()
        assert seen == (role in EXPECTED[label]), name
        if not seen:
            assert response.status_code == 404


PAIR_READERS = {"source_member", "contributor", "publisher", "recipient_member"}


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "unverified")])
def test_mentoring_sharing_and_uptake_by_role(client_for, world, assessment, role):
    pair = Mentoring.objects.create(mentor=world.orgs["recipient"], mentee=world.orgs["source"],
                                    standard=assessment.standard, message="pair marker")
    client = client_for(role)
    response = client.get(reverse("standards:mentoring-detail", args=[pair.pk]))
    assert (response.status_code == 200) == (role in PAIR_READERS)
    assert ("pair marker" in response.content.decode()) == (role in PAIR_READERS)
    response = client.get(a_url("sharing", assessment))
    assert response.status_code == (200 if role in EDITORS else 404)
    overview = client.get(reverse("standards:overview")).content.decode()
    assert (a_url("assessment", assessment) in overview) == (role in {
        "source_member", "contributor", "publisher"})  # not shared in this test
    # Uptake of a standard published by Other Org, closed to its members by default.
    response = client.get(reverse("standards:uptake", args=[assessment.standard_id]))
    assert response.status_code == (200 if role == "moderator" else 404)


@pytest.mark.parametrize("role", ["anonymous", "unverified"])
def test_signed_out_and_unverified_get_no_practice_page(client_for, world, assessment, role):
    client = client_for(role)
    for url in (reverse("standards:overview"), a_url("sharing", assessment),
                reverse("standards:uptake", args=[assessment.standard_id])):
        response = client.get(url)
        assert response.status_code in (200, 302)
        assert "Source Org" not in response.content.decode()
