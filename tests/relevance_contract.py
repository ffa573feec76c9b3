"""The relevance contract every search backend passes: a relaxed (most-words) match, a
synonym, a topic name, a title outranking a body, and a phrase. One corpus and one list of
cases; tests/test_search_relevance.py runs them on the database backend and
tests/test_search_elasticsearch.py on a live cluster (the compiled requests are checked there
without one)."""

from dataclasses import dataclass

import pytest

from cms.models import Topic
from portal.core.tlp import TLP
from search.models import Synonym
from tests.world import make_item


def _body(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


# Title -> (body text, topic slugs), in order of publication: later items are newer, so a
# backend that ranked by date alone would fail the ranking cases.
CORPUS = {
    "Zeppelin mooring checklist": ("Check the hangar doors before mooring a zeppelin.", ()),
    "Zeppelin history": ("The first zeppelin flew long ago.", ()),
    "Scoping a penetration test": ("Agree the address ranges in writing.", ()),
    "Staff hotline for a small office": ("A phone line where staff can raise concerns.",
                                         ("reporting-whistleblowing",)),
    "Lighthouse keeping basics": ("Trim the wick and polish the lens.", ()),
    "Coastal notes": ("Notes on cliffs, tides and a lighthouse or two.", ()),
    "Boarding ships at dawn": ("The harbour pilot boards the ship at dawn.", ()),
    "Tug crews": ("The pilot of a tug knows the harbour.", ()),
}
SYNONYMS = "pen test, penetration test"


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    first: str  # the title that must come first
    absent: tuple[str, ...] = ()  # titles that must not be found
    relaxed: bool = False  # whether the relaxed (most-words) match answers


CASES = [
    Case("relaxed match", "zeppelin mooring hangar winter", "Zeppelin mooring checklist",
         absent=("Zeppelin history",), relaxed=True),
    Case("synonym", "pen test", "Scoping a penetration test"),
    Case("topic name", "whistleblowing", "Staff hotline for a small office"),
    Case("title outranks body", "lighthouse", "Lighthouse keeping basics"),
    Case("phrase", '"harbour pilot"', "Boarding ships at dawn", absent=("Tug crews",)),
]


@pytest.fixture
def contract_corpus(world, django_capture_on_commit_callbacks):
    """The corpus as TLP:CLEAR items, indexed through the real signal -> task path, and the
    synonym list (this group only, not the first list the migration gives)."""
    Synonym.objects.all().delete()
    Synonym.objects.create(terms=SYNONYMS)
    with django_capture_on_commit_callbacks(execute=True):
        for title, (body, topics) in CORPUS.items():
            make_item(world.orgs["other"], TLP.CLEAR, title, body=_body(body),
                      summary="Notes for members.",
                      topics=list(Topic.objects.filter(slug__in=topics)))


def check(case: Case, results) -> None:
    titles = [hit.title for hit in results.hits]
    assert titles and titles[0] == case.first, (case.name, titles)
    assert not set(case.absent) & set(titles), (case.name, titles)
    assert results.relaxed == case.relaxed, case.name
