"""Self-assessments: starting one, saving answers with their history, the summary, the gap
report and the CSV export."""

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from cms.access import item_policy
from portal.core.security.spreadsheets import text_cell as cell
from portal.features.standards.models import (
    GAPS,
    Answer,
    Assessment,
    AssessmentEvent,
    Clause,
    ClauseAnswer,
    ClauseLink,
)
from portal.features.standards.versions import latest_version

ANSWER_FIELDS = ("status", "evidence", "owner_id", "target_date")


@transaction.atomic
def start(standard, organisation, user) -> Assessment:
    version = latest_version(standard)
    assessment, created = Assessment.objects.get_or_create(
        standard=standard, organisation=organisation, defaults={"version": version})
    if created:
        clauses = Clause.objects.filter(standard=standard, current=True)
        ClauseAnswer.objects.bulk_create(
            [ClauseAnswer(assessment=assessment, clause=clause) for clause in clauses])
        AssessmentEvent.objects.create(assessment=assessment, user=user,
                                       change={"event": "started", "version": version.label})
    return assessment


def _plain(value):
    return None if value is None else str(value)


@transaction.atomic
def save_answer(answer: ClauseAnswer, cleaned: dict, user) -> bool:
    """Save one clause's answer; record what changed. Returns whether anything did."""
    answer = ClauseAnswer.objects.select_for_update().get(pk=answer.pk)
    changes = {}
    for name in ANSWER_FIELDS:
        key = name.removesuffix("_id")
        new = cleaned[key]
        new = getattr(new, "pk", new)
        old = getattr(answer, name)
        if (new or None) != (old or None):
            changes[key] = [_plain(old), _plain(new)]
            setattr(answer, name, new)
    if not changes:
        return False
    if "status" in changes:
        answer.flag = ""  # answered again on this version's text
    answer.updated_by = user
    answer.save()
    AssessmentEvent.objects.create(assessment_id=answer.assessment_id, clause_id=answer.clause_id,
                                   user=user, change=changes)
    Assessment.objects.filter(pk=answer.assessment_id).update(updated_at=answer.updated_at)
    return True


@dataclass
class Summary:
    total: int = 0
    answered: int = 0
    counts: dict = field(default_factory=dict)
    flagged: int = 0

    @property
    def percent(self):
        return round(100 * self.answered / self.total) if self.total else 0


def answers_of(assessment):
    return (assessment.answers.filter(clause__current=True)
            .select_related("clause", "owner").order_by("clause__position"))


def summary(answers) -> Summary:
    counts = Counter(a.status for a in answers if a.status)
    return Summary(total=len(answers), answered=sum(counts.values()),
                   counts={label: counts.get(value, 0) for value, label in Answer.choices},
                   flagged=sum(1 for a in answers if a.flag))


@dataclass
class Gap:
    answer: ClauseAnswer
    items: list


def gap_report(principal, answers) -> list[Gap]:
    """Each clause not met or partly met, with the live items linked to it that ``principal``
    may see. Best first: items that address the clause directly, then those that help with
    more of this organisation's gaps, then the most recent."""
    from cms.models import ItemPage

    gaps = [a for a in answers if a.status in GAPS]
    clause_ids = [a.clause_id for a in gaps]
    visible = item_policy.visible(principal, ItemPage.objects.live())
    links = (ClauseLink.objects.filter(clause_id__in=clause_ids, item__in=visible.values("pk"))
             .select_related("item", "item__source_organisation")
             .order_by("item__title"))
    by_clause = defaultdict(list)
    gap_count = Counter()
    for link in links:
        by_clause[link.clause_id].append(link)
        gap_count[link.item_id] += 1
    result = []
    for answer in gaps:
        ranked = sorted(by_clause[answer.clause_id], key=lambda link: (
            not link.primary, -gap_count[link.item_id],
            -(link.item.first_published_at.timestamp() if link.item.first_published_at else 0)))
        result.append(Gap(answer, [(link.item, link.item.specific_class.type_name)
                                   for link in ranked]))
    return result




def write_csv(out, assessment, answers):
    writer = csv.writer(out)
    writer.writerow(["Standard", "Version", "Organisation", "Clause", "Title", "Answer",
                     "Evidence", "Owner", "Target date", "Flag"])
    for answer in answers:
        writer.writerow([cell(v) for v in (
            assessment.standard.title, assessment.version.label, assessment.organisation.name,
            answer.clause.number, answer.clause.title, answer.get_status_display(),
            answer.evidence, answer.owner.email if answer.owner else "",
            answer.target_date.isoformat() if answer.target_date else "", answer.flag)])
