"""Search in the database: SQLite FTS5 by default, PostgreSQL full-text search on PostgreSQL.

The access policy's filter and the facet filters are built by the ORM on the entries table;
the full-text match joins them as an id subquery, so totals, facet counts, snippets and
suggestions only ever count what the principal may see.
"""

import difflib
import re

from django.db import connection
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL

from portal import access
from search.facets import build_facets
from search.models import SearchEntry
from search.query import TYPES, SearchRequest, Term, parse_terms
from search.results import MARK_END, MARK_START, Hit, SearchResults, highlight

SNIPPET_WORDS = 30


class DatabaseBackend:
    name = "database"

    # -- full-text dialects ------------------------------------------------------------------
    @property
    def vendor(self):
        return connection.vendor

    def _fts5_expression(self, terms: list[Term], prefix_last=False) -> str:
        """FTS5 syntax built from parsed terms; every word is quoted, so none is an operator."""
        def quoted(term, prefix=False):
            return '"' + " ".join(term.words) + '"' + ("*" if prefix else "")

        positive = [t for t in terms if not t.negated]
        if not positive:
            return ""
        parts = [quoted(t, prefix_last and i == len(positive) - 1)
                 for i, t in enumerate(positive)]
        expression = " AND ".join(parts)
        for term in (t for t in terms if t.negated):
            expression = f"({expression}) NOT {quoted(term)}"
        return expression

    def _websearch_text(self, terms: list[Term]) -> str:
        """PostgreSQL websearch_to_tsquery syntax; it never raises on odd input."""
        parts = []
        for term in terms:
            text = " ".join(term.words)
            text = f'"{text}"' if term.is_phrase else text
            parts.append(f"-{text}" if term.negated else text)
        return " ".join(parts) if any(not t.negated for t in terms) else ""

    def _matching(self, terms) -> Q | None:
        """Q for entries matching ``terms``; None when there is no text to match."""
        if not terms:
            return None
        if self.vendor == "postgresql":
            text = self._websearch_text(terms)
            if not text:
                return Q(pk__in=[])
            return Q(pk__in=RawSQL(
                "SELECT id FROM search_searchentry "
                "WHERE search_vector @@ websearch_to_tsquery('english', %s)", [text]))
        expression = self._fts5_expression(terms)
        if not expression:
            return Q(pk__in=[])
        return Q(pk__in=RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression]))

    # -- filters and facets ------------------------------------------------------------------
    def _filters(self, request: SearchRequest) -> dict[str, Q]:
        through = {name: getattr(SearchEntry, name).through for name in ("topics", "audiences")}
        filters = {}
        if request.types:
            filters["types"] = Q(kind__in=request.types)
        if request.topics:
            filters["topics"] = Q(pk__in=through["topics"].objects.filter(
                topic__slug__in=request.topics).values("searchentry_id"))
        if request.audiences:
            filters["audiences"] = Q(pk__in=through["audiences"].objects.filter(
                audience__slug__in=request.audiences).values("searchentry_id"))
        if request.organisation_kinds:
            filters["organisation_kinds"] = Q(organisation_kind__in=request.organisation_kinds)
        if request.organisations:
            filters["organisations"] = Q(source_organisation__slug__in=request.organisations)
        if request.labels:
            filters["labels"] = Q(tlp__in=request.labels)
        if request.years:
            filters["years"] = Q(year__in=request.years)
        return filters

    def _facet_counts(self, base, filters) -> dict[str, dict]:
        """Counts per facet value. Each facet ignores its own filter, so its other options
        keep their counts (choosing several values of one facet widens the search)."""
        fields = {"types": "kind", "organisation_kinds": "organisation_kind",
                  "organisations": "source_organisation__slug", "labels": "tlp",
                  "years": "year"}
        counts = {}
        for attr in ("types", "topics", "audiences", "organisation_kinds", "organisations",
                     "labels", "years"):
            scoped = base.filter(*[q for name, q in filters.items() if name != attr])
            if attr in ("topics", "audiences"):
                through = getattr(SearchEntry, attr).through
                target = "topic__slug" if attr == "topics" else "audience__slug"
                rows = (through.objects.filter(searchentry_id__in=scoped.values("pk"))
                        .values(target).annotate(n=Count("searchentry_id")).order_by())
                counts[attr] = {row[target]: row["n"] for row in rows}
            else:
                rows = scoped.values(fields[attr]).annotate(n=Count("pk")).order_by()
                counts[attr] = {row[fields[attr]]: row["n"] for row in rows}
        return counts

    # -- the contract ------------------------------------------------------------------------
    def search(self, principal: access.Principal, request: SearchRequest) -> SearchResults:
        visible = SearchEntry.objects.filter(access.visible_q(principal, model=SearchEntry))
        match = self._matching(list(request.terms))
        base = visible.filter(match) if match is not None else visible
        filters = self._filters(request)
        filtered = base.filter(*filters.values())
        total = filtered.count()
        offset = (request.page - 1) * request.per_page
        ranked = request.sort == "relevance" and match is not None
        page = self._ranked_page(filtered, request, offset) if ranked else [
            (pk, None) for pk in filtered.order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[offset:offset + request.per_page]
        ]
        hits = self._hits(page, request)
        results = SearchResults(
            request=request, hits=hits, total=total, backend=self.name,
            facets=build_facets(request, self._facet_counts(base, filters)),
        )
        if total == 0 and match is not None:
            results.suggestion = self.suggest(principal, request)
        return results

    def _ranked_page(self, filtered, request, offset):
        """[(id, snippet)] for one page, best match first."""
        terms = list(request.terms)
        # The ORM compiles the filters (access, facets) with their parameters kept apart.
        inner_sql, inner_params = filtered.values("pk").query.sql_with_params()
        if self.vendor == "postgresql":
            text = self._websearch_text(terms)
            sql = (
                "SELECT e.id, ts_headline('english', e.body, q.query, %s) "  # noqa: S608
                "FROM search_searchentry e, websearch_to_tsquery('english', %s) AS q(query) "
                f"WHERE e.id IN ({inner_sql}) "
                "ORDER BY ts_rank_cd(e.search_vector, q.query, 32) DESC, e.published_at DESC "
                "LIMIT %s OFFSET %s"
            )
            options = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
                       "MinWords=12, MaxFragments=2, FragmentDelimiter= … ")
            params = [options, text, *inner_params, request.per_page, offset]
        else:
            sql = (
                "SELECT e.id, snippet(search_fts, 2, %s, %s, '…', %s), "  # noqa: S608
                "snippet(search_fts, 1, %s, %s, '…', %s) "
                "FROM search_fts JOIN search_searchentry e ON e.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s AND e.id IN ({inner_sql}) "
                "ORDER BY bm25(search_fts, 10.0, 4.0, 1.0), e.published_at DESC "
                "LIMIT %s OFFSET %s"
            )
            marks = [MARK_START, MARK_END, SNIPPET_WORDS]
            params = [*marks, *marks, self._fts5_expression(terms), *inner_params,
                      request.per_page, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        page = []
        for row in rows:
            snippets = [s for s in row[1:] if s and MARK_START in s]
            page.append((row[0], snippets[0] if snippets else None))
        return page

    def _hits(self, page, request) -> list[Hit]:
        entries = (SearchEntry.objects.filter(pk__in=[pk for pk, _ in page])
                   .select_related("source_organisation").prefetch_related("topics"))
        by_id = {entry.pk: entry for entry in entries}
        hits = []
        for pk, snippet in page:
            entry = by_id.get(pk)
            if entry is None:
                continue
            cls = TYPES.get(entry.kind)
            hits.append(Hit(
                id=entry.pk, title=entry.title, url=entry.url,
                snippet=highlight(snippet) if snippet else highlight(entry.summary),
                tlp=entry.tlp, kind=entry.kind, kind_name=cls.kind_name if cls else entry.kind,
                organisation=entry.source_organisation.name,
                organisation_kind=entry.source_organisation.get_kind_display(),
                topics=[topic.name for topic in entry.topics.all()],
                published_at=entry.published_at,
            ))
        return hits

    def match_texts(self, texts: list[str], ids: list[int]) -> dict[str, set[int]]:
        """Which of ``ids`` match each search text, in one query whatever the number of texts
        (digests match every saved search of a chunk against the window's new items)."""
        found: dict[str, set[int]] = {text: set() for text in texts}
        parts, params = [], []
        for index, text in enumerate(texts):
            match = self._matching(parse_terms(text))
            if match is None or not ids:
                continue
            inner, inner_params = (SearchEntry.objects.filter(match, pk__in=ids)
                                   .values("pk").query.sql_with_params())
            parts.append(f"SELECT U.*, {index} FROM ({inner}) AS U")  # noqa: S608
            params += inner_params
        if parts:
            with connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(parts), params)
                for entry_id, index in cursor.fetchall():
                    found[texts[index]].add(entry_id)
        return found

    def autocomplete(self, principal, prefix: str, limit: int = 8) -> list[dict]:
        terms = [t for t in parse_terms(prefix) if not t.negated]
        if not terms:
            return []
        visible = SearchEntry.objects.filter(access.visible_q(principal, model=SearchEntry))
        if self.vendor == "postgresql":
            words = [w for t in terms for w in t.words]
            tsquery = " & ".join(f"{w}" for w in words[:-1])
            tsquery = (tsquery + " & " if tsquery else "") + f"{words[-1]}:*"
            words_ok = all(w.replace("_", "").isalnum() for w in words)
            if not words_ok:
                return []
            match = RawSQL("to_tsvector('simple', title) @@ to_tsquery('simple', %s)",
                           [tsquery], output_field=BooleanField())
            rows = visible.filter(match)
        else:
            expression = self._fts5_expression(terms, prefix_last=True)
            rows = visible.filter(pk__in=RawSQL(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s",
                [f"title : ({expression})"]))
        rows = rows.order_by("-published_at").values("title", "url", "tlp", "kind")[:limit]
        return [{"title": r["title"], "url": r["url"], "tlp": r["tlp"], "type": r["kind"]}
                for r in rows]

    def suggest(self, principal, request: SearchRequest) -> str:
        """A spelling correction that finds something this principal may see, or ""."""
        vocabulary = self._vocabulary(principal)
        changed = False
        words = []
        for term in request.terms:
            fixed = []
            for word in term.words:
                lower = word.lower()
                if lower in vocabulary or term.negated:
                    fixed.append(word)
                    continue
                close = difflib.get_close_matches(lower, vocabulary, n=1, cutoff=0.75)
                fixed.append(close[0] if close else word)
                changed |= bool(close)
            text = " ".join(fixed)
            words.append(f'"{text}"' if term.is_phrase else text)
        if not changed:
            return ""
        suggestion = " ".join(words)
        retry = request.with_text(suggestion)
        visible = SearchEntry.objects.filter(access.visible_q(principal, model=SearchEntry))
        match = self._matching(list(retry.terms))
        return suggestion if match is not None and visible.filter(match).exists() else ""

    def _vocabulary(self, principal, limit=5000) -> set[str]:
        """Words of the titles and summaries this principal may see (newest first, bounded)."""
        visible = SearchEntry.objects.filter(access.visible_q(principal, model=SearchEntry))
        words = set()
        for title, summary in visible.order_by("-published_at").values_list(
                "title", "summary")[:limit]:
            words.update(w.lower() for w in re.findall(r"[^\W\d_]{3,}", f"{title} {summary}"))
        return words
