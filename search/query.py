"""What a search asks for, parsed and checked once for the page, the API and autocomplete."""

import re
import unicodedata
from dataclasses import dataclass, field, replace

from cms.models.items import ITEM_TYPES_BY_SLUG
from portal.core.organisations.models import OrganisationType
from portal.core.tlp import TLP

MAX_TEXT = 300
MAX_VALUES = 20
PER_PAGE = 10
MAX_PAGE = 1000
SORTS = ("relevance", "newest")
SLUG = re.compile(r"[-a-z0-9_]{1,80}")


class InvalidSearch(ValueError):
    """A search that cannot be run; the message says why, in words a user understands."""


def clean_text(text: str) -> str:
    """Drop control characters and fold white space; keep every script and punctuation."""
    kept = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(kept.split())


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    negated: bool = False

    @property
    def is_phrase(self):
        return len(self.words) > 1


def parse_terms(text: str) -> list[Term]:
    """Split search text into words and "quoted phrases"; a leading minus excludes a word."""
    terms = []
    for match in re.finditer(r'(-?)"([^"]*)"|(\S+)', text):
        negated, phrase, bare = match.groups()
        raw = phrase if phrase is not None else bare
        if bare and bare.startswith("-") and len(bare) > 1:
            negated, raw = "-", bare[1:]
        words = tuple(re.findall(r"\w+", raw))
        if words:
            terms.append(Term(words, negated=bool(negated)))
    return terms


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    organisation_types: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    terms: tuple[Term, ...] = field(default=(), compare=False)

    FILTERS = ("types", "topics", "audiences", "organisation_types", "organisations",
               "labels", "years")
    # Query-string names, singular as in ?type=guidance&type=standards.
    PARAMS = {"types": "type", "topics": "topic", "audiences": "audience",
              "organisation_types": "org_type", "organisations": "org", "labels": "tlp",
              "years": "year"}

    @classmethod
    def from_params(cls, params) -> "SearchRequest":
        """Build from a QueryDict (or dict of lists). Raises InvalidSearch with a clear reason."""

        def values(name):
            got = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
            got = [v for v in ([got] if isinstance(got, str) else got) if v != ""]
            if len(got) > MAX_VALUES:
                raise InvalidSearch(f"Too many values for “{name}” (at most {MAX_VALUES}).")
            return got

        def one(name, default):
            got = values(name)
            return got[-1] if got else default

        text = clean_text(one("q", ""))
        if len(text) > MAX_TEXT:
            raise InvalidSearch(f"Search text is limited to {MAX_TEXT} characters.")
        chosen = {}
        for attr, name in cls.PARAMS.items():
            chosen[attr] = tuple(dict.fromkeys(values(name)))
        for value in chosen["types"]:
            if value not in ITEM_TYPES_BY_SLUG:
                raise InvalidSearch(f"“{value[:40]}” is not a content type.")
        for value in chosen["labels"]:
            if value not in TLP.values:
                raise InvalidSearch(f"“{value[:40]}” is not a TLP label.")
        for value in chosen["organisation_types"]:
            if value not in OrganisationType.values:
                raise InvalidSearch(f"“{value[:40]}” is not an organisation type.")
        for attr in ("topics", "audiences", "organisations"):
            for value in chosen[attr]:
                if not SLUG.fullmatch(value):
                    raise InvalidSearch(f"“{value[:40]}” is not a valid {cls.PARAMS[attr]}.")
        if not all(v.isascii() and v.isdigit() and 1900 <= int(v) <= 2100
                   for v in chosen["years"]):
            raise InvalidSearch("A year must be a number such as 2025.")
        chosen["years"] = tuple(int(v) for v in chosen["years"])
        sort = one("sort", "relevance")
        if sort not in SORTS:
            raise InvalidSearch("Sort by relevance or newest.")
        page = one("page", "1")
        if not (page.isascii() and page.isdigit()) or not 1 <= int(page) <= MAX_PAGE:
            raise InvalidSearch(f"There is no page {page[:20]} of these results.")
        return cls(text=text, sort=sort, page=int(page), terms=tuple(parse_terms(text)),
                   **chosen)

    def with_text(self, text):
        text = clean_text(text)
        return replace(self, text=text, terms=tuple(parse_terms(text)), page=1)

    def without(self, attr):
        return replace(self, **{attr: ()})

    def to_params(self, **changes) -> list[tuple[str, str]]:
        """The request as query-string pairs, with ``changes`` applied (for links)."""
        current = replace(self, **changes) if changes else self
        pairs = [("q", current.text)] if current.text else []
        for attr, name in self.PARAMS.items():
            pairs += [(name, str(value)) for value in getattr(current, attr)]
        if current.sort != "relevance":
            pairs.append(("sort", current.sort))
        if current.page != 1:
            pairs.append(("page", str(current.page)))
        return pairs
