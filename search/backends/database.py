"""Search in the database: SQLite FTS5 by default, PostgreSQL full-text search on PostgreSQL.

The access policy's filter and the facet filters are built by the ORM on the entries table;
the full-text match joins them as an id subquery, so totals, facet counts, snippets and
suggestions only ever count what the principal may see.
"""

import difflib
import hashlib
import re

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

from portal import access
from portal.organisations.models import Organisation
from search.facets import build_facets
from search.models import SearchEntry
from search.query import TYPES, SearchRequest, Term, parse_terms
from search.results import MARK_END, MARK_START, Hit, SearchResults, highlight

SNIPPET_WORDS = 30
VOCABULARY_SECONDS = 300


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

    # -- one statement per search -------------------------------------------------------------
    def _matched_sql(self, principal, terms) -> tuple[str, list, bool]:
        """SQL for the visible entries matching ``terms``, with a relevance score: the columns
        of CTE ``m``. The ORM compiles the access filter; the engine adds the match."""
        visible = SearchEntry.objects.filter(access.visible_q(principal, model=SearchEntry))
        columns = ["id", "kind", "organisation_kind", "source_organisation_id", "tlp", "year",
                   "published_at"]
        if not terms:
            sql, params = visible.values(*columns).query.sql_with_params()
            return f"SELECT v.*, 0.0 FROM ({sql}) v", list(params), False
        if self.vendor == "postgresql":
            text = self._websearch_text(terms)
            # Unqualified columns are safe here: this query is never used as a subquery.
            query = visible.annotate(score=RawSQL(
                "ts_rank(rank_vector, websearch_to_tsquery('english', %s))", [text],
                output_field=FloatField(),
            )).filter(RawSQL("search_vector @@ websearch_to_tsquery('english', %s)", [text],
                             output_field=BooleanField()))
            sql, params = query.values(*columns, "score").query.sql_with_params()
            return sql, list(params), True
        sql, params = visible.values(*columns).query.sql_with_params()
        expression = self._fts5_expression(terms) or '""'
        return (
            "SELECT v.*, -bm25(search_fts, 10.0, 4.0, 1.0) "
            f"FROM search_fts JOIN ({sql}) v ON v.id = search_fts.rowid "
            "WHERE search_fts MATCH %s", [*params, expression], True,
        )

    def _conditions(self, request: SearchRequest) -> dict[str, tuple[str, list]]:
        """Each chosen facet as a condition on CTE ``m``."""
        def among(column, values):
            return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)

        def related(attr, values):
            sql = (f"m.id IN (SELECT m.id FROM m {self._join_taxonomy(attr)} "
                   f"WHERE x.slug IN ({', '.join(['%s'] * len(values))}))")
            return sql, list(values)

        conditions = {}
        for attr, column in (("types", "m.kind"), ("organisation_kinds", "m.organisation_kind"),
                             ("labels", "m.tlp"), ("years", "m.year")):
            if getattr(request, attr):
                conditions[attr] = among(column, getattr(request, attr))
        if request.organisations:
            sql, params = among("slug", request.organisations)
            conditions["organisations"] = (
                f"m.source_organisation_id IN (SELECT id FROM {Organisation._meta.db_table} "
                f"WHERE {sql})", params)
        for attr in ("topics", "audiences"):
            if getattr(request, attr):
                conditions[attr] = related(attr, getattr(request, attr))
        return conditions

    def _facet_parts(self, conditions) -> list[tuple[str, list]]:
        """One GROUP BY per facet; each ignores its own condition, so its other options keep
        their counts (choosing several values of one facet widens the search)."""
        def where(skip=None):
            chosen = [c for attr, c in conditions.items() if attr != skip]
            sql = " AND ".join(c[0] for c in chosen) or "1 = 1"
            return sql, [p for c in chosen for p in c[1]]

        parts = []
        for attr, column, join in (
            ("types", "m.kind", ""),
            ("organisation_kinds", "m.organisation_kind", ""),
            ("labels", "m.tlp", ""),
            ("years", "m.year", ""),
            ("organisations", "o.slug",
             f"JOIN {Organisation._meta.db_table} o ON o.id = m.source_organisation_id"),
            ("topics", "x.slug", self._join_taxonomy("topics")),
            ("audiences", "x.slug", self._join_taxonomy("audiences")),
        ):
            sql, params = where(attr)
            parts.append((f"SELECT '{attr}', CAST({column} AS TEXT), COUNT(*) FROM m {join} "
                          f"WHERE {sql} GROUP BY {column}", params))
        sql, params = where()
        parts.append((f"SELECT 'total', NULL, COUNT(*) FROM m WHERE {sql}", params))
        return parts

    def _join_taxonomy(self, attr):
        """Joins CTE ``m`` to a taxonomy (topics or audiences) as ``x``."""
        through = getattr(SearchEntry, attr).through
        target = getattr(SearchEntry, attr).field.related_model
        column = getattr(SearchEntry, attr).field.m2m_reverse_name()
        return (f"JOIN {through._meta.db_table} t ON t.searchentry_id = m.id "
                f"JOIN {target._meta.db_table} x ON x.id = t.{column}")

    def search(self, principal: access.Principal, request: SearchRequest) -> SearchResults:
        """Totals, facet counts and the page's ids come from a single statement, in which the
        matched, visible set is computed once (a materialised CTE)."""
        terms = list(request.terms)
        matched_sql, params, has_text = self._matched_sql(principal, terms)
        conditions = self._conditions(request)
        parts = self._facet_parts(conditions)
        where = " AND ".join(c[0] for c in conditions.values()) or "1 = 1"
        order = ("score DESC, published_at DESC, id DESC"
                 if has_text and request.sort == "relevance" else "published_at DESC, id DESC")
        offset = (request.page - 1) * request.per_page
        parts.append((
            f"SELECT 'page', CAST(id AS TEXT), score FROM (SELECT id, score FROM m "
            f"WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s) p",
            [*[p for c in conditions.values() for p in c[1]], request.per_page, offset],
        ))
        sql = (f"WITH m (id, kind, organisation_kind, source_organisation_id, tlp, year, "
               f"published_at, score) AS MATERIALIZED ({matched_sql}) "
               + " UNION ALL ".join(part for part, _ in parts))
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *[p for _, ps in parts for p in ps]])
            rows = cursor.fetchall()

        counts: dict[str, dict] = {}
        total, scores = 0, {}
        for facet, value, number in rows:
            if facet == "total":
                total = int(number)
            elif facet == "page":
                scores[int(value)] = float(number)
            else:
                counts.setdefault(facet, {})[value] = int(number)
        snippets = self._snippets(terms, list(scores)) if has_text else {}
        hits = self._hits([(pk, snippets.get(pk)) for pk in scores], request)
        # The same order as the SQL's ORDER BY (a UNION's row order is not guaranteed).
        by_relevance = has_text and request.sort == "relevance"
        hits.sort(key=lambda hit: (-scores[hit.id] if by_relevance else 0,
                                   -hit.published_at.timestamp(), -hit.id))
        results = SearchResults(request=request, hits=hits, total=total, backend=self.name,
                                facets=build_facets(request, counts))
        if total == 0 and has_text:
            results.suggestion = self.suggest(principal, request)
        return results

    def _snippets(self, terms, ids) -> dict[int, str]:
        """Highlighted passages for the page's hits only (body first, else summary)."""
        if not ids:
            return {}
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
        placeholders = ", ".join(["%s"] * len(ids))
        if self.vendor == "postgresql":
            sql = (
                "SELECT e.id, ts_headline('english', e.body, q.query, %s), "
                "ts_headline('english', e.summary, q.query, %s) "
                "FROM search_searchentry e, websearch_to_tsquery('english', %s) AS q(query) "
                f"WHERE e.id IN ({placeholders})"
            )
            options = marks + "MinWords=12, MaxFragments=2, FragmentDelimiter= … "
            params = [options, options, self._websearch_text(terms), *ids]
        else:
            sql = (
                "SELECT rowid, snippet(search_fts, 2, %s, %s, '…', %s), "
                "snippet(search_fts, 1, %s, %s, '…', %s) FROM search_fts "
                f"WHERE search_fts MATCH %s AND rowid IN ({placeholders})"
            )
            snippet_marks = [MARK_START, MARK_END, SNIPPET_WORDS]
            params = [*snippet_marks, *snippet_marks, self._fts5_expression(terms) or '""',
                      *ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = {}
            for entry_id, *candidates in cursor.fetchall():
                marked = [c for c in candidates if c and MARK_START in c]
                if marked:
                    found[entry_id] = marked[0]
        return found

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
            parts.append(f"SELECT U.*, {index} FROM ({inner}) AS U")
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
            text = f'"{text}"' if term.is_phrase else text
            words.append(f"-{text}" if term.negated else text)
        if not changed:
            return ""
        suggestion = " ".join(words)
        retry = request.with_text(suggestion)
        visible = SearchEntry.objects.filter(access.visible_q(principal, model=SearchEntry))
        match = self._matching(list(retry.terms))
        return suggestion if match is not None and visible.filter(match).exists() else ""

    def _vocabulary(self, principal, limit=5000) -> set[str]:
        """Words of the titles and summaries this principal may see (newest first, bounded),
        cached for a few minutes per set of grants: suggestions are checked against a real
        search before they are shown, so a slightly old vocabulary is harmless."""
        key = "search-vocabulary:" + hashlib.sha256(
            repr(access.grants(principal)).encode()).hexdigest()

        def build():
            visible = SearchEntry.objects.filter(access.visible_q(principal, model=SearchEntry))
            words = set()
            for title, summary in visible.order_by("-published_at").values_list(
                    "title", "summary")[:limit]:
                words.update(re.findall(r"[^\W\d_]{3,}", f"{title} {summary}".lower()))
            return words

        return cache.get_or_set(key, build, VOCABULARY_SECONDS)
