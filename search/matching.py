"""What a search text asks every backend to match: concepts, their synonyms, and how many of
them an item must contain.

A *concept* is one thing the searcher typed: a word, a "quoted phrase", or a run of words
that a synonym group names ("pen test"), with every alternative the synonym list gives for
it. An item matches a concept when it contains any alternative. Common words such as "of" or
"the" are not concepts of their own (PostgreSQL's English configuration ignores them too),
but they stay inside phrases and synonyms.

All-words matching asks for every concept; the *relaxed* form asks for most of them, as
Elasticsearch's ``minimum_should_match`` does, and is what a search falls back to when
all-words matching finds few items (see docs/search.md).
"""

import math
from dataclasses import dataclass, replace

from search.query import Term

# The English stop words of Snowball, which PostgreSQL's 'english' configuration also drops:
# a concept that PostgreSQL would reduce to nothing could never match there.
_STOP_WORDS = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# All-words matching that finds fewer entries than this falls back to the relaxed form.
RELAX_BELOW = 3
# The relaxed form lets about a quarter of the concepts be missing (Elasticsearch's "75%"),
# but never expands into more than this many combinations of concepts (long texts).
RELAXED_SHARE = 0.75
MAX_COMBINATIONS = 64

Words = tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    alternatives: tuple[Words, ...]  # lower-case word sequences; more than one word: a phrase

    @property
    def words(self) -> Words:
        return self.alternatives[0]


@dataclass(frozen=True)
class Plan:
    concepts: tuple[Concept, ...]
    excluded: tuple[Words, ...] = ()
    required: int = 0  # how many concepts an item must contain; 0 means all of them

    @property
    def minimum(self) -> int:
        return self.required or len(self.concepts)

    @property
    def relaxed(self) -> bool:
        return self.minimum < len(self.concepts)

    @property
    def can_relax(self) -> bool:
        return len(self.concepts) > 1 and not self.relaxed

    def relax(self) -> "Plan":
        """The same concepts, of which most (not all) must match."""
        n = len(self.concepts)
        missing = max(1, n - math.floor(n * RELAXED_SHARE))
        while missing > 1 and math.comb(n, missing) > MAX_COMBINATIONS:
            missing -= 1
        return replace(self, required=n - missing)

    def loosened(self) -> "Plan":
        """Every word of every first alternative as a concept of its own, no exclusions: what
        an index answers without checking word positions (for estimating work)."""
        words = dict.fromkeys(w for c in self.concepts for w in c.words if w not in STOP_WORDS)
        return Plan(tuple(Concept(((w,),)) for w in words))

    def __bool__(self) -> bool:
        return bool(self.concepts)


def plan_for(terms: list[Term] | tuple[Term, ...], synonyms: dict[Words, tuple[Words, ...]]
             ) -> Plan:
    """The plan for parsed ``terms``. ``synonyms`` maps each lower-case word sequence of a
    synonym group to the whole group (search.synonyms.groups)."""
    longest = max((len(key) for key in synonyms), default=1)
    concepts: list[Concept] = []
    excluded: list[Words] = []

    def add(words: Words):
        alternatives = synonyms.get(words, (words,))
        concept = Concept(tuple(dict.fromkeys([words, *alternatives])))
        if concept not in concepts:
            concepts.append(concept)

    run: list[str] = []

    def flush():
        # Bare words, left to right: the longest run a synonym group names is one concept.
        start = 0
        while start < len(run):
            for size in range(min(longest, len(run) - start), 0, -1):
                words = tuple(run[start:start + size])
                if size > 1 and words not in synonyms:
                    continue
                if size == 1 and words[0] in STOP_WORDS and words not in synonyms:
                    break
                add(words)
                break
            start += size
        run.clear()

    for term in terms:
        words = tuple(w.lower() for w in term.words)
        if term.negated:
            excluded.append(words)
        elif term.is_phrase:
            flush()
            add(words)
        else:
            run.extend(words)
    flush()
    if not concepts and any(not t.negated for t in terms):
        # Only common words ("how to"): search for them as typed rather than for nothing.
        concepts = [Concept(((w.lower(),),)) for t in terms if not t.negated for w in t.words]
    return Plan(tuple(concepts), tuple(excluded))
