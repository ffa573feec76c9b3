"""Clauses and versions follow what a standard's publisher publishes.

On every publish of a standard, its live clauses are mirrored into :class:`Clause` (by block
id) and the text of its version label is recorded in :class:`StandardVersion`. A new label
moves every assessment of the standard onto it: answers to clauses whose text did not change
carry over; new clauses and clauses whose text changed are flagged and wait for an answer.
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from portal.features.standards.models import (
    Assessment,
    AssessmentEvent,
    Clause,
    ClauseAnswer,
    StandardVersion,
)


def _plain(html) -> str:
    return " ".join(strip_tags(str(html)).split())


def clause_text_hash(title: str, requirement) -> str:
    """What counts as the clause's text: its title and requirement, whitespace and markup
    aside (a renumbering or new guidance on meeting it is not a change)."""
    return hashlib.sha256(f"{title.strip()}\n{_plain(requirement)}".encode()).hexdigest()


def clauses_of(page) -> list[dict]:
    result = []
    for block in page.clauses:
        if block.block_type != "clause":
            continue
        value = block.value
        result.append({
            "key": block.id, "number": value["number"], "title": value["title"],
            "requirement": _plain(value["requirement"]),
            "hash": clause_text_hash(value["title"], value["requirement"]),
        })
    return result


@transaction.atomic
def sync_standard(page) -> StandardVersion:
    """Mirror the live clauses of ``page`` and record its version; carry assessments over to a
    new version. Idempotent: publishing the same text again changes nothing."""
    texts = clauses_of(page)
    keys = []
    for position, text in enumerate(texts):
        Clause.objects.update_or_create(
            standard=page, key=text["key"],
            defaults={"number": text["number"], "title": text["title"], "position": position,
                      "text_hash": text["hash"], "current": True})
        keys.append(text["key"])
    Clause.objects.filter(standard=page).exclude(key__in=keys).update(current=False)
    version, created = StandardVersion.objects.get_or_create(
        standard=page, label=page.version,
        defaults={"status": page.status, "clauses": texts, "published_at": timezone.now()})
    if not created and (version.clauses != texts or version.status != page.status):
        # The same label published again: an editorial correction of that version's text.
        version.clauses, version.status = texts, page.status
        version.save(update_fields=["clauses", "status"])
    carry_over(page, version)
    return version


@dataclass
class ClauseDiff:
    key: str
    change: str  # "added", "removed", "changed", "renumbered" or "unchanged"
    before: dict | None
    after: dict | None


def diff(before: StandardVersion, after: StandardVersion) -> list[ClauseDiff]:
    """Clause by clause, in the later version's order, then the clauses it removed."""
    old = {c["key"]: c for c in before.clauses}
    result = []
    for clause in after.clauses:
        previous = old.pop(clause["key"], None)
        if previous is None:
            change = "added"
        elif previous["hash"] != clause["hash"]:
            change = "changed"
        elif previous["number"] != clause["number"]:
            change = "renumbered"
        else:
            change = "unchanged"
        result.append(ClauseDiff(clause["key"], change, previous, clause))
    result += [ClauseDiff(key, "removed", clause, None) for key, clause in old.items()]
    return result


def carry_over(page, version: StandardVersion) -> int:
    """Move every assessment of ``page`` on an older version onto ``version``, set-wise.
    Returns how many assessments moved."""
    moved = 0
    clauses = {c.key: c for c in Clause.objects.filter(standard=page, current=True)}
    new_hashes = {c["key"]: c["hash"] for c in version.clauses}
    older = (Assessment.objects.filter(standard=page).exclude(version=version)
             .values_list("version_id", flat=True).distinct())
    for old_version in StandardVersion.objects.filter(pk__in=list(older)):
        assessments = list(Assessment.objects.filter(standard=page, version=old_version)
                           .values_list("pk", flat=True))
        old_hashes = {c["key"]: c["hash"] for c in old_version.clauses}
        changed = [k for k, h in new_hashes.items() if k in old_hashes and old_hashes[k] != h]
        added = [k for k in new_hashes if k not in old_hashes]
        removed = [k for k in old_hashes if k not in new_hashes]
        answers = ClauseAnswer.objects.filter(assessment_id__in=assessments)
        answers.filter(clause__key__in=removed).delete()
        answers.filter(clause__key__in=changed).update(status="", flag="changed")
        answers.filter(clause__key__in=added).update(status="", flag="new")
        existing = set(answers.filter(clause__key__in=added).values_list(
            "assessment_id", "clause_id"))
        ClauseAnswer.objects.bulk_create([
            ClauseAnswer(assessment_id=a, clause=clauses[k], flag="new")
            for a in assessments for k in added
            if k in clauses and (a, clauses[k].pk) not in existing])
        Assessment.objects.filter(pk__in=assessments).update(version=version,
                                                             updated_at=timezone.now())
        AssessmentEvent.objects.bulk_create([
            AssessmentEvent(assessment_id=a, change={
                "event": "version", "from": old_version.label, "to": version.label,
                "new": len(added), "changed": len(changed), "removed": len(removed)})
            for a in assessments])
        moved += len(assessments)
    return moved


def latest_version(page) -> StandardVersion | None:
    return StandardVersion.objects.filter(standard=page, label=page.version).first()
