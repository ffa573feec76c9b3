"""Factories for standards-practice tests: a standard with clauses, assessments, links."""

from cms.models import GuidancePage, StandardPage
from portal.core.tlp import TLP
from portal.features.standards import assessments
from portal.features.standards.models import Clause, ClauseLink
from tests.world import make_item


def clause_blocks(count, prefix="Clause"):
    return [{"type": "clause", "value": {
        "number": str(n), "title": f"{prefix} {n}",
        "requirement": f"<p>Requirement {n} of {prefix}.</p>", "guidance": ""}}
        for n in range(1, count + 1)]


def make_standard(org, title="Practice standard", *, label=TLP.CLEAR, clauses=6,
                  status="adopted", version="1.0", **fields):
    return make_item(org, label, title, cls=StandardPage, clauses=clause_blocks(clauses),
                     status=status, version=version, **fields)


def publish_new_version(standard, version, edit):
    """Edit the live page's clause blocks with ``edit(list_of_raw_blocks)`` and publish."""
    page = StandardPage.objects.get(pk=standard.pk)
    raw = list(page.clauses.raw_data)
    page.clauses = edit([dict(block) for block in raw])
    page.version = version
    page.save_revision().publish(skip_permission_checks=True)
    return StandardPage.objects.get(pk=standard.pk)


def answer_all(assessment, statuses):
    """Answer the clauses in order with ``statuses`` (cycled)."""
    answers = list(assessments.answers_of(assessment))
    for index, answer in enumerate(answers):
        answer.status = statuses[index % len(statuses)]
        answer.save(update_fields=["status"])
    return answers


def link(item, clause, primary=True):
    return ClauseLink.objects.create(item=item, clause=clause, primary=primary)


def clauses(standard):
    return list(Clause.objects.filter(standard=standard, current=True))


def make_guidance(org, title, label=TLP.CLEAR):
    return make_item(org, label, title, cls=GuidancePage)
