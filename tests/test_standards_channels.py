"""Standards practice over the channels other than its own pages: the editor (clause chooser,
admin registries), search, digests, notifications; fuzzed forms; the demo content."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.models import ItemPage, StandardPage
from portal.core.notifications.models import Notification
from portal.core.organisations.models import Organisation
from portal.core.tlp import TLP
from portal.features.digests import runs
from portal.features.digests.models import Subscription
from portal.features.digests.sending import deliver_chunk
from portal.features.standards import assessments
from portal.features.standards.clause_links import ClauseLinkForm
from portal.features.standards.demo.loader import StandardsDemo
from portal.features.standards.models import (
    Assessment,
    AssessmentShare,
    ClauseAnswer,
    Comment,
    Consultation,
    Mentoring,
    Signatory,
)
from tests.standards_world import clauses, make_standard
from tests.world import ROLES, make_user

pytestmark = pytest.mark.django_db

SECRET = "zebracorn-evidence-token"


@pytest.fixture
def secrets(world):
    """An assessment with secret evidence, shared with Recipient Org, and a comment with a
    secret body on an AMBER+STRICT draft of Source Org."""
    standard = make_standard(world.orgs["other"], "Matrix practice code")
    item = assessments.start(standard, world.orgs["source"], world.users["publisher"])
    ClauseAnswer.objects.filter(assessment=item).update(status="not_met", evidence=SECRET)
    AssessmentShare.objects.create(assessment=item, organisation=world.orgs["recipient"])
    draft = make_standard(world.orgs["source"], "Matrix strict draft", label=TLP.AMBER_STRICT,
                          status="consultation")
    consultation = Consultation.objects.create(standard=draft, version_label="1.0")
    Comment.objects.create(consultation=consultation, organisation=world.orgs["source"],
                           author=world.users["source_member"], body=SECRET + " comment")
    return item, draft


def test_clause_chooser_offers_only_clauses_of_standards_the_editor_may_see(world, secrets):
    _, draft = secrets
    own = {c.pk for c in clauses(draft)}
    outsider = ClauseLinkForm(for_user=world.users["other_member"])
    insider = ClauseLinkForm(for_user=world.users["contributor"])
    offered_out = set(outsider.fields["clause"].queryset.values_list("pk", flat=True))
    offered_in = set(insider.fields["clause"].queryset.values_list("pk", flat=True))
    assert own <= offered_in and not own & offered_out


def test_item_editor_has_the_clause_chooser(client, world, secrets):
    from cms.models import GuidancePage

    item, _ = secrets
    guidance = GuidancePage.objects.get(pk=world.items[TLP.GREEN].pk)
    client.force_login(world.users["publisher"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[guidance.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "clause_links-TOTAL_FORMS" in body
    assert "Matrix strict draft" in body  # their own organisation's draft


def test_an_editor_links_an_item_to_a_clause_in_the_item_editor(client, world, secrets):
    from cms.models import GuidancePage, OrganisationPage
    from tests.test_admin import _guidance_form

    item, _ = secrets
    clause = clauses(item.standard)[2]
    parent = OrganisationPage.objects.get(organisation=world.orgs["source"])
    data = _guidance_form("Linked guidance", clause_links={
        "TOTAL_FORMS": 1, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000,
        "0": {"clause": clause.pk, "primary": "on", "id": "", "DELETE": ""}})
    data["action-publish"] = "Publish"
    Organisation.objects.filter(pk=world.orgs["source"].pk).update(four_eyes=False)
    client.force_login(world.users["publisher"])
    response = client.post(reverse("wagtailadmin_pages:add",
                                   args=["cms", "guidancepage", parent.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = GuidancePage.objects.get(title="Linked guidance")
    assert page.live and [link.clause for link in page.clause_links.all()] == [clause]


def test_no_admin_registry_shows_assessments_or_comments():
    from portal.features.standards import models

    registered = set(admin.site._registry)
    assert not registered & {models.Assessment, models.ClauseAnswer, models.Comment,
                             models.AssessmentEvent, models.Mentoring}


@pytest.mark.parametrize("role", list(ROLES))
def test_search_never_finds_assessment_or_comment_text(client_for, world, secrets, role):
    client = client_for(role)
    response = client.get(reverse("search-api"), {"q": SECRET})
    assert response.status_code == 200
    assert response.json()["total"] == 0 and response.json()["hits"] == []
    response = client.get(reverse("search-autocomplete"), {"q": "zebrac"})
    assert response.json()["suggestions"] == []


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_digests_and_notifications_carry_no_assessment_or_comment_text(world, secrets, role):
    user = world.users[role]
    Subscription.objects.create(user=user, name="All", criteria="q=matrix", frequency="daily")
    now = timezone.now()
    ItemPage.objects.filter(title__startswith="Matrix").update(
        first_published_at=now - timedelta(days=1))
    run = runs.get_or_start_run("daily", now)[0]
    for chunk in runs.fan_out(run):
        deliver_chunk(run.pk, chunk)
    bodies = "".join(m.body + m.subject for m in mail.outbox)
    assert SECRET not in bodies
    assert not Notification.objects.filter(title__contains="zebracorn").exists()


def test_notification_titles_never_carry_answers_or_comments(client, world, secrets):
    item, _ = secrets
    draft = make_standard(world.orgs["source"], "Open draft", status="consultation")
    client.force_login(world.users["other_member"])
    client.post(reverse("standards:consultation", args=[draft.pk]),
                {"organisation": world.orgs["other"].pk, "body": SECRET})
    client.force_login(world.users["publisher"])
    comment = Comment.objects.get(body=SECRET)
    client.post(reverse("standards:comment-answer", args=[comment.pk]),
                {"answer": SECRET + " answer", "decision": "accepted"})
    assert Notification.objects.filter(kind="standards.consultation").exists()
    assert not Notification.objects.filter(title__contains="zebracorn").exists()


# --- fuzzing ------------------------------------------------------------------------------

free_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300
) | st.sampled_from(['"', "'", "%", "\\", "\x00", "' OR 1=1 --", "a" * 5000, "ᚠᛇᚻ 漢字 عربى",
                     "=cmd|' /C calc'!A0", "<script>alert(1)</script>"])
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def own_assessment(world):
    standard = make_standard(world.orgs["other"], "Fuzz code", clauses=2)
    return assessments.start(standard, world.orgs["source"], world.users["publisher"])


@FUZZ
@given(status=free_text, evidence=free_text, date=free_text, owner=free_text)
def test_fuzzed_answers_never_500_and_valid_ones_are_kept(client, world, own_assessment, status,
                                                          evidence, date, owner):
    client.force_login(world.users["publisher"])
    answer = own_assessment.answers.first()
    url = reverse("standards:assessment", args=[own_assessment.standard_id, "source-org"])
    response = client.post(url, {"answer": answer.pk, f"a{answer.pk}-status": status,
                                 f"a{answer.pk}-evidence": evidence,
                                 f"a{answer.pk}-target_date": date,
                                 f"a{answer.pk}-owner": owner},
                           headers={"Accept": "application/json"})
    assert response.status_code in (200, 400)
    answer.refresh_from_db()
    if response.status_code == 200:
        assert answer.evidence == evidence.strip()
    response = client.post(url, {"answer": status})
    assert response.status_code in (302, 400)


@FUZZ
@given(body=free_text, clause=free_text, organisation=free_text)
def test_fuzzed_comments_never_500(client, world, body, clause, organisation):
    draft = StandardPage.objects.filter(title="Fuzz draft").first() or make_standard(
        world.orgs["source"], "Fuzz draft", status="consultation", clauses=2)
    client.force_login(world.users["other_member"])
    before = Comment.objects.count()
    response = client.post(reverse("standards:consultation", args=[draft.pk]),
                           {"body": body, "clause": clause, "organisation": organisation})
    assert response.status_code in (302, 400)
    assert Comment.objects.count() == before + (response.status_code == 302)


@FUZZ
@given(text=free_text, number=free_text)
def test_fuzzed_signing_sharing_mentoring_and_moderation_forms_never_500(
        client, world, own_assessment, text, number):
    standard = own_assessment.standard
    admin_user = world.users.get("fuzz_admin") or make_user(
        "fuzz-admin@world.test", org=world.orgs["source"], role="admin")
    world.users["fuzz_admin"] = admin_user
    client.force_login(admin_user)
    posts = [
        (reverse("standards:sign", args=[standard.pk]), {"organisation": number,
                                                         "statement": text}),
        (reverse("standards:sharing", args=[standard.pk, "source-org"]),
         {"share-organisation": number}),
        (reverse("standards:sharing", args=[standard.pk, "source-org"]),
         {"agg-aggregate": text, "agg-submit": "1"}),
        (reverse("standards:find-mentor", args=[standard.pk, "source-org"]),
         {"mentor": number, "message": text}),
        (reverse("standards:offer", args=["source-org"]),
         {"note": text, "capacity": number, "clauses": number, "topics": number}),
        (reverse("standards:assessors", args=["source-org"]),
         {"membership": number, "grant": text}),
        (reverse("standards:uptake", args=[standard.pk]), {"audience": number}),
        (reverse("standards:changes", args=[standard.pk]) + "?from=" + number[:50], {}),
    ]
    for url, data in posts:
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code in (200, 302, 400, 404), url
    client.force_login(world.users["moderator"])
    signatory = Signatory.objects.filter(standard=standard, removed_at=None,
                                         withdrawn_at=None).first()
    if signatory:
        response = client.post(reverse("standards:remove-signatory",
                                       args=[standard.pk, signatory.pk]), {"reason": text})
        assert response.status_code in (302, 400)


# --- demo ---------------------------------------------------------------------------------

def test_demo_content_meets_the_brief_and_reloads_idempotently(world):
    from cms.demo.loader import DemoLoader

    DemoLoader().run()  # the demo organisations, people and library it builds on
    StandardsDemo(StringIO()).run()
    counts = (Assessment.objects.count(), Signatory.objects.count(), Comment.objects.count())
    StandardsDemo(StringIO()).run()
    assert (Assessment.objects.count(), Signatory.objects.count(),
            Comment.objects.count()) == counts
    adopted = [s for s in StandardPage.objects.filter(status="adopted")
               if len(clauses(s)) >= 12 and s.practice_versions.exists()]
    assert len(adopted) >= 2
    draft = StandardPage.objects.get(status="consultation", slug="draft-code-exploit-acquisition")
    assert Comment.objects.filter(consultation__standard=draft).count() >= 3
    assessed = Assessment.objects.values_list("organisation__size_band",
                                              "organisation__organisation_type")
    assert len({o for o in Assessment.objects.values_list("organisation", flat=True)}) >= 6
    assert {"micro", "small", "large"} <= {band for band, _ in assessed}
    assert AssessmentShare.objects.filter(organisation__organisation_type="trade_body").exists()
    assert Assessment.objects.filter(aggregate=True).count() >= 3
    assert Mentoring.objects.filter(status="active").count() == 1
    revised = StandardPage.objects.get(slug="supplier-responsible-conduct-code")
    assert revised.practice_versions.count() == 2
    assert ClauseAnswer.objects.filter(assessment__standard=revised, flag="new").exists()
