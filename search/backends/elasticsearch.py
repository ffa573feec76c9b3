"""Search in Elasticsearch: the same contract as the database backend, on the alias that
search.documents keeps.

The access filter sits in the query's ``filter``, so it constrains hits, totals, aggregations and
suggestions alike. The facet filters sit in ``post_filter`` instead, and each facet's
aggregation applies the *other* facets' filters only: choosing a value of one facet leaves its
other options counted (disjunctive facets, as in the database backend).
"""

from django.utils.dateparse import parse_datetime
from elasticsearch import ApiError, TransportError
from elasticsearch_dsl import Q, Search

from cms.models.items import type_name_of
from portal.core import access
from portal.core.organisations.models import OrganisationType
from search import documents, synonyms
from search.facets import build_facets
from search.matching import RELAX_BELOW, Plan
from search.query import SearchRequest, Term, parse_terms
from search.results import MARK_END, MARK_START, Hit, SearchResults, highlight
from search.service import EngineUnavailable

# Field weights, in the same order as the database backends' (title, tags, summary, body).
BOOSTS = {"title": 4, "tags": 3, "summary": 2, "body": 1}
# Added to the score of entries that match every concept, in a relaxed search.
ALL_WORDS_BOOST = 1000
FIELDS = [f"{name}^{boost}" if boost != 1 else name for name, boost in BOOSTS.items()]
# SearchRequest attribute -> document field.
FACET_FIELDS = {
    "types": "item_type", "topics": "topics", "audiences": "audiences",
    "organisation_types": "organisation_type", "organisations": "organisation",
    "labels": "tlp", "years": "year",
}
FACET_SIZE = 200
HIT_SOURCE = ["title", "url", "summary", "tlp", "item_type", "organisation_name",
              "organisation_type", "topic_names", "published_at"]
FRAGMENT_SEPARATOR = " … "
SUGGESTER = "did_you_mean"
MAX_AUTOCOMPLETE = 50
# Statuses that mean "not ready or overloaded" rather than "this query is wrong": no alias yet
# (before the first rebuild), too many requests, server errors.
UNAVAILABLE_STATUSES = {404, 429}


def _unavailable(error: Exception) -> bool:
    # ConnectionError and ConnectionTimeout are TransportErrors.
    if isinstance(error, TransportError):
        return True
    return isinstance(error, ApiError) and (
        error.status_code in UNAVAILABLE_STATUSES or error.status_code >= 500)


class ElasticsearchBackend:
    name = "elasticsearch"

    # -- building requests -------------------------------------------------------------------
    @staticmethod
    def _alternative(words: tuple[str, ...]) -> Q:
        """One way of saying a concept, in any field: a word (typos forgiven) or a phrase."""
        if len(words) > 1:
            return Q("multi_match", query=" ".join(words), fields=FIELDS, type="phrase")
        return Q("multi_match", query=words[0], fields=FIELDS, fuzziness="AUTO")

    def _concept(self, concept) -> Q:
        alternatives = [self._alternative(words) for words in concept.alternatives]
        if len(alternatives) == 1:
            return alternatives[0]
        return Q("bool", should=alternatives, minimum_should_match=1)

    def _text_query(self, plan: Plan | None) -> tuple[list[Q], list[Q], list[Q]]:
        """(must, should, must_not) for the plan. All-words: every concept is a must. Relaxed:
        ``plan.minimum`` of the concepts, and entries with all of them first (a constant
        boost far above any score), as the database backend lists them first."""
        if plan is None:
            return [Q("match_all")], [], []
        if not plan:
            # Only exclusions: nothing matches, as in the database backend.
            return [Q("match_none")], [], []
        concepts = [self._concept(concept) for concept in plan.concepts]
        # Exclusions are exact (no fuzziness), so they never drop a merely similar word.
        must_not = [Q("multi_match", query=" ".join(words), fields=list(BOOSTS), type="phrase")
                    for words in plan.excluded]
        if not plan.relaxed:
            return concepts, [], must_not
        most = Q("bool", should=concepts, minimum_should_match=plan.minimum)
        every = Q("constant_score", filter=Q("bool", must=concepts), boost=ALL_WORDS_BOOST)
        return [most], [every], must_not

    def _facet_filters(self, request: SearchRequest) -> dict[str, Q]:
        return {attr: Q("terms", **{field: list(getattr(request, attr))})
                for attr, field in FACET_FIELDS.items() if getattr(request, attr)}

    def _search(self) -> Search:
        # No client yet: building a request needs no cluster (_execute attaches one).
        return Search(index=documents.alias_name())

    def build_search(self, principal: access.Principal, request: SearchRequest,
                     relaxed=False) -> Search:
        """The whole request (hits, total, facets, highlights, suggestion) as one Search:
        all-words matching, or with ``relaxed`` most of the words."""
        terms = list(request.terms)
        plan = synonyms.plan(terms)
        if relaxed:
            plan = plan.relax()
        has_text = bool(plan)
        must, should, must_not = self._text_query(plan)
        query = Q("bool", must=must, should=should, must_not=must_not,
                  filter=[documents.access_filter(principal)])
        s = self._search().query(query).extra(track_total_hits=True)

        filters = self._facet_filters(request)
        if filters:
            s = s.post_filter(Q("bool", filter=list(filters.values())))
        for attr, field in FACET_FIELDS.items():
            others = [q for name, q in filters.items() if name != attr]
            scope = Q("bool", filter=others) if others else Q("match_all")
            s.aggs.bucket(attr, "filter", filter=scope).bucket(
                "values", "terms", field=field, size=FACET_SIZE)

        newest = [{"published_at": {"order": "desc"}}, {"id": {"order": "desc"}}]
        if has_text and request.sort == "relevance":
            s = s.sort("_score", *newest)
        else:
            s = s.sort(*newest)
        offset = (request.page - 1) * request.per_page
        s = s.source(HIT_SOURCE)[offset:offset + request.per_page]

        if has_text:
            s = s.highlight_options(pre_tags=[MARK_START], post_tags=[MARK_END],
                                    fragment_size=160, number_of_fragments=2)
            s = s.highlight("body", "summary")
            s = self._with_suggester(s, principal, terms)
        return s

    def _with_suggester(self, s: Search, principal, terms: list[Term]) -> Search:
        """A phrase suggester on the titles' unstemmed words. Its collate query keeps only
        corrections that match a title this principal may see, so a suggestion never reveals
        words of an item they may not read."""
        text = " ".join(w for t in terms if not t.negated for w in t.words)
        collate = Q("bool", must=[Q("match", **{"title.plain": {
            "query": "{{suggestion}}", "operator": "and"}})],
            filter=[documents.access_filter(principal)])
        return s.suggest(SUGGESTER, text, phrase={
            "field": "title.plain", "size": 1, "max_errors": 2,
            "direct_generator": [{"field": "title.plain", "suggest_mode": "always"}],
            "collate": {"query": {"source": collate.to_dict()}, "prune": False},
        })

    def build_autocomplete(self, principal, prefix: str, limit: int) -> Search | None:
        words = [w for t in parse_terms(prefix) if not t.negated for w in t.words]
        if not words:
            return None
        query = Q("bool", filter=[documents.access_filter(principal)], must=[
            Q("match", **{"title.suggest": {"query": " ".join(words), "operator": "and"}})])
        size = max(0, min(limit, MAX_AUTOCOMPLETE))
        return (self._search().query(query).source(["title", "url", "tlp", "item_type"])
                .sort("_score", {"published_at": {"order": "desc"}})[:size])

    # -- the contract ------------------------------------------------------------------------
    def _execute(self, s: Search) -> dict:
        try:
            return s.using(documents.connection()).execute().to_dict()
        except (TransportError, ApiError) as error:
            if _unavailable(error):
                raise EngineUnavailable(str(error)) from error
            raise

    def search(self, principal: access.Principal, request: SearchRequest) -> SearchResults:
        """All-words matching first; when it finds fewer than RELAX_BELOW entries, a second
        request with the relaxed plan (most of the words) answers, if it finds more."""
        plan = synonyms.plan(request.terms)
        results = self.results_from(
            request, self._execute(self.build_search(principal, request)))
        if plan is not None and plan.can_relax and results.total < RELAX_BELOW:
            raw = self._execute(self.build_search(principal, request, relaxed=True))
            if raw["hits"]["total"]["value"] > results.total:
                relaxed = self.results_from(request, raw, matched_all=results.total)
                relaxed.suggestion = results.suggestion  # for the words as typed
                return relaxed
        return results

    def autocomplete(self, principal, prefix: str, limit: int = 8) -> list[dict]:
        s = self.build_autocomplete(principal, prefix, limit)
        if s is None:
            return []
        raw = self._execute(s)
        return [{"title": source["title"], "url": source["url"], "tlp": source["tlp"],
                 "type": source["item_type"]}
                for source in (hit["_source"] for hit in raw["hits"]["hits"])]

    # -- reading responses -------------------------------------------------------------------
    def results_from(self, request: SearchRequest, raw: dict, matched_all=None) -> SearchResults:
        aggregations = raw.get("aggregations", {})
        counts = {attr: {bucket["key"]: bucket["doc_count"]
                         for bucket in aggregations.get(attr, {}).get("values", {})
                         .get("buckets", [])}
                  for attr in FACET_FIELDS}
        return SearchResults(
            request=request, backend=self.name,
            hits=[self._hit(hit) for hit in raw["hits"]["hits"]],
            total=raw["hits"]["total"]["value"],
            facets=build_facets(request, counts),
            suggestion=self._suggestion(request, raw), matched_all=matched_all,
        )

    def _hit(self, hit: dict) -> Hit:
        source = hit["_source"]
        marked = hit.get("highlight", {})
        fragments = marked.get("body") or marked.get("summary")
        item_type = source["item_type"]
        org_type = source.get("organisation_type", "")
        return Hit(
            id=int(hit["_id"]), title=source["title"], url=source["url"],
            snippet=highlight(FRAGMENT_SEPARATOR.join(fragments) if fragments
                              else source.get("summary", "")),
            tlp=source["tlp"], item_type=item_type,
            type_name=type_name_of(item_type),
            organisation=source.get("organisation_name", ""),
            organisation_type=(OrganisationType(org_type).label
                               if org_type in OrganisationType.values else org_type),
            topics=list(source.get("topic_names", [])),
            published_at=parse_datetime(source["published_at"]),
        )

    def _suggestion(self, request: SearchRequest, raw: dict) -> str:
        """The corrected words, with the search's exclusions kept; "" if nothing changed."""
        entries = raw.get("suggest", {}).get(SUGGESTER, [])
        options = entries[0].get("options", []) if entries else []
        if not options:
            return ""
        corrected = options[0]["text"]
        asked = " ".join(w for t in request.terms if not t.negated for w in t.words)
        if corrected.lower() == asked.lower():
            return ""
        excluded = []
        for term in (t for t in request.terms if t.negated):
            words = " ".join(term.words)
            excluded.append(f'-"{words}"' if term.is_phrase else f"-{words}")
        return " ".join([corrected, *excluded])
