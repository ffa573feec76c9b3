"""The one search service: the page, the API and autocomplete all call these two functions.

If the configured engine is unreachable, the database backend answers instead and the results
carry a notice, so search degrades rather than failing.
"""

import logging

from portal.core import access
from search.engines import get_backend
from search.query import SearchRequest
from search.results import SearchResults

log = logging.getLogger(__name__)

FALLBACK_NOTICE = ("The main search engine is unavailable just now, so these results come "
                   "from a simpler search. Try again later for the best results.")


class EngineUnavailable(Exception):
    """Raised by a backend that cannot reach its engine."""


def search(principal: access.Principal, request: SearchRequest) -> SearchResults:
    backend = get_backend()
    try:
        return backend.search(principal, request)
    except EngineUnavailable:
        log.exception("Search engine %s unavailable; using the database", backend.name)
        results = get_backend("database").search(principal, request)
        results.notice = FALLBACK_NOTICE
        return results


def autocomplete(principal: access.Principal, prefix: str, limit: int = 8) -> list[dict]:
    backend = get_backend()
    try:
        return backend.autocomplete(principal, prefix, limit)
    except EngineUnavailable:
        log.exception("Search engine %s unavailable; using the database", backend.name)
        return get_backend("database").autocomplete(principal, prefix, limit)
