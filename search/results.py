"""What a search returns: the same shape from every backend, for the page and the API."""

import html
import math
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString, mark_safe

from portal.core.tlp import TLP
from search.query import MAX_PAGE, SearchRequest

# Backends wrap matches in these private-use characters; only highlight() turns them into HTML.
MARK_START, MARK_END = "\ue000", "\ue001"


def highlight(text: str) -> SafeString:
    """Escape ``text`` and turn the backend's match markers into <mark> elements."""
    escaped = html.escape(text or "")
    return mark_safe(  # noqa: S308 - escaped above; only our markers become tags
        escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )


@dataclass
class Hit:
    id: int
    title: str
    url: str
    snippet: SafeString
    tlp: str
    item_type: str
    type_name: str
    organisation: str
    organisation_type: str
    topics: list[str]
    published_at: datetime

    @property
    def tlp_label(self) -> TLP:
        return TLP(self.tlp)

    def get_tlp_display(self) -> str:
        return self.tlp_label.label

    def as_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "url": self.url, "snippet": str(self.snippet),
            "tlp": self.tlp_label.label, "type": self.item_type, "type_name": self.type_name,
            "organisation": self.organisation, "organisation_type": self.organisation_type,
            "topics": self.topics, "published_at": self.published_at.isoformat(),
        }


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str  # the query-string parameter
    title: str
    options: list[FacetOption]

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title,
                "options": [vars(option) for option in self.options]}


@dataclass
class SearchResults:
    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: list[Facet] = field(default_factory=list)
    suggestion: str = ""
    backend: str = "database"
    notice: str = ""
    # True when the total and facet counts are estimated from a sample of a very large match.
    approximate: bool = False
    # Set when all-words matching found too little and these results match most of the words:
    # how many match all of them (they come first).
    matched_all: int | None = None

    @property
    def relaxed(self) -> bool:
        return self.matched_all is not None

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.request.per_page))

    @property
    def has_next(self) -> bool:
        if self.approximate:  # an estimated total cannot say where the last page is
            return len(self.hits) == self.request.per_page and self.request.page < MAX_PAGE
        return self.request.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.request.page > 1

    def as_dict(self) -> dict:
        return {
            "query": self.request.text, "total": self.total,
            "approximate": self.approximate, "page": self.request.page,
            "per_page": self.request.per_page, "num_pages": self.num_pages,
            "sort": self.request.sort, "suggestion": self.suggestion or None,
            "notice": self.notice or None, "matched_all": self.matched_all,
            "hits": [hit.as_dict() for hit in self.hits],
            "facets": [facet.as_dict() for facet in self.facets],
        }
