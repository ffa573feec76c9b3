"""Mentoring: who to suggest, and the life of a pair (requested, declined or active, closed).

While a pair is active the mentor's organisation reads the mentee's assessment only if the
mentee chose to share it; that share is tied to the pair and ends with it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from portal.core.notifications.sending import notify
from portal.core.organisations.models import OrganisationType, SizeBand
from portal.features.standards.models import (
    GAPS,
    AssessmentEvent,
    AssessmentShare,
    Mentoring,
    MentoringOffer,
    MentoringStatus,
)
from portal.features.standards.notifications import MENTORING

# Larger organisations rank first; bodies that are not firms count as established.
SIZE_RANK = {SizeBand.LARGE: 3, SizeBand.MEDIUM: 2, SizeBand.SMALL: 1, SizeBand.MICRO: 0}


def size_rank(organisation) -> int:
    if organisation.organisation_type != OrganisationType.INDUSTRY:
        return 3
    return SIZE_RANK.get(organisation.size_band, 0)


@dataclass
class Suggestion:
    offer: MentoringOffer
    covered: int  # gaps the offer names by clause
    topical: bool  # the offer's topics include one of the standard's
    experience: int  # standards the mentor has signed


def suggestions(assessment, limit=5) -> list[Suggestion]:
    """Mentors for ``assessment``'s gaps, best first: most gaps covered by clause, then by
    topic, then larger organisations than the mentee, then more standards signed."""
    gaps = set(assessment.answers.filter(status__in=GAPS).values_list("clause_id", flat=True))
    topics = {topic.pk for topic in assessment.standard.topics.all()}
    offers = (MentoringOffer.objects.filter(active=True, organisation__status="approved")
              .exclude(organisation=assessment.organisation)
              .select_related("organisation")
              .annotate(busy=Count("organisation__mentoring_given", distinct=True,
                                   filter=Q(organisation__mentoring_given__status="active")),
                        signed=Count("organisation__signed_standards", distinct=True,
                                     filter=Q(organisation__signed_standards__withdrawn_at=None,
                                              organisation__signed_standards__removed_at=None)))
              .prefetch_related("clauses", "topics"))
    mentee_rank = size_rank(assessment.organisation)
    result = []
    for offer in offers:
        if offer.busy >= offer.capacity:
            continue
        covered = len(gaps & {c.pk for c in offer.clauses.all()})
        topical = bool(topics & {t.pk for t in offer.topics.all()})
        if not covered and not topical:
            continue
        result.append(Suggestion(offer, covered, topical, offer.signed))
    result.sort(key=lambda s: (-s.covered, not s.topical,
                               size_rank(s.offer.organisation) <= mentee_rank,
                               -size_rank(s.offer.organisation), -s.experience,
                               s.offer.organisation.name))
    return result[:limit]


def _people(pair):
    return list(pair.mentor.admins()) + list(pair.mentee.admins())


def _tell(pair, title):
    notify(_people(pair), MENTORING, title, reverse("standards:mentoring-detail", args=[pair.pk]))


@transaction.atomic
def request(mentor, assessment, user, message="", share=False) -> Mentoring:
    pair = Mentoring.objects.create(
        mentor=mentor, mentee=assessment.organisation, standard=assessment.standard,
        message=message, share_assessment=share, requested_by=user)
    _tell(pair, f"{pair.mentee} asked {pair.mentor} for mentoring")
    return pair


@transaction.atomic
def accept(pair, user):
    from portal.features.standards.models import Assessment

    pair.status, pair.decided_at = MentoringStatus.ACTIVE, timezone.now()
    pair.save(update_fields=["status", "decided_at"])
    if pair.share_assessment:
        assessment = Assessment.objects.filter(standard=pair.standard,
                                               organisation=pair.mentee).first()
        if assessment is not None:
            _, created = AssessmentShare.objects.get_or_create(
                assessment=assessment, organisation=pair.mentor,
                defaults={"mentoring": pair, "created_by": pair.requested_by})
            if created:
                AssessmentEvent.objects.create(assessment=assessment, user=user, change={
                    "event": "shared", "with": pair.mentor.name, "for": "mentoring"})
    _tell(pair, f"{pair.mentor} agreed to mentor {pair.mentee}")


@transaction.atomic
def decline(pair, user):
    pair.status, pair.decided_at = MentoringStatus.DECLINED, timezone.now()
    pair.closed_by = user
    pair.save(update_fields=["status", "decided_at", "closed_by"])
    _tell(pair, f"{pair.mentor} could not take on mentoring {pair.mentee}")


@transaction.atomic
def close(pair, user, side: str, feedback: str):
    """Either side ends the pair; the mentee's share made for it ends with it."""
    pair.status, pair.closed_at, pair.closed_by = MentoringStatus.CLOSED, timezone.now(), user
    setattr(pair, f"{side}_feedback", feedback)
    pair.save()
    for share in pair.shares.select_related("assessment", "organisation"):
        AssessmentEvent.objects.create(assessment=share.assessment, user=user, change={
            "event": "share ended", "with": share.organisation.name, "for": "mentoring"})
        share.delete()
    _tell(pair, f"Mentoring between {pair.mentor} and {pair.mentee} has ended")


def leave_feedback(pair, side: str, feedback: str):
    setattr(pair, f"{side}_feedback", feedback)
    pair.save(update_fields=[f"{side}_feedback"])
