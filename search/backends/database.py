"""Search in the database: SQLite FTS5 by default, PostgreSQL full-text search on PostgreSQL.

Every statement starts from the entries the principal may see (the access policy's filter,
compiled by the ORM) and adds the full-text match, so totals, facet counts, snippets and
suggestions only ever count what the principal may see. A search costs about the same however
much it matches: counts come from a uniform sample when the match is very large, and the page
is found by ordered scans that stop once it is full (see ``DatabaseBackend.search``).
"""

import difflib
import math
import re
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, SmallIntegerField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from cms.models import Audience, Topic
from portal.core import access
from portal.core.organisations.models import Organisation
from search.access import entry_policy
from search.facets import build_facets
from search.models import SearchEntry
from search.query import TYPES, SearchRequest, Term, parse_terms
from search.results import MARK_END, MARK_START, Hit, SearchResults, highlight

SNIPPET_WORDS = 30
VOCABULARY_SECONDS = 300
SAMPLE_BUCKETS = 100  # SearchEntry.sample is id % 100
PHRASE_WORK = 4  # on PostgreSQL a phrase costs about this many word matches per candidate
# Facets whose values are slugs of these models, and ids in the entries.
SLUG_MODELS = {"organisations": Organisation, "topics": Topic, "audiences": Audience}
# Where a search looks, by backend: PostgreSQL's stored vectors and FTS5's column filters.
PG_VECTORS = {None: "search_vector", "title": "title_vector", "title_summary": "rank_vector"}
FTS5_COLUMNS = {"title": "title", "title_summary": "title summary"}
# Facet -> the entry column it counts.
FACET_COLUMNS = {"types": "kind", "organisation_kinds": "organisation_kind", "labels": "tlp",
                 "years": "year", "organisations": "source_organisation_id",
                 "topics": "topic_ids", "audiences": "audience_ids"}


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

    # -- the page, the counts and the facets ------------------------------------------------
    def _text(self, terms, within=None, loose=False, buckets=None, broad=False) -> RawSQL:
        """A condition: the entry matches ``terms`` in its title ("title"), title or summary
        ("title_summary") or anywhere. ``loose`` matches a phrase's words anywhere and ignores
        exclusions: what the index alone answers, for estimating work. On SQLite, ``buckets``
        keeps to the first sample buckets inside the full-text scan, and ``broad`` (many rows
        match, see _dense) checks each row against the index rather than listing every match
        first."""
        if loose:
            terms = [Term((word,)) for term in terms if not term.negated for word in term.words]
        if self.vendor == "postgresql":
            # The column comes from PG_VECTORS; the text is a parameter.
            return RawSQL(f"{PG_VECTORS[within]} @@ websearch_to_tsquery('english', %s)",  # noqa: S611
                          [self._websearch_text(terms) or '""'], output_field=BooleanField())
        expression = self._fts5_expression(terms) or '""'
        if within:
            expression = f"{{{FTS5_COLUMNS[within]}}} : ({expression})"
        if broad:
            table = SearchEntry._meta.db_table
            return RawSQL("EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH %s "  # noqa: S611
                          f'AND search_fts.rowid = "{table}"."id")', [expression],
                          output_field=BooleanField())
        if buckets:
            return RawSQL("id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                          "AND rowid %% 100 < %s)", [expression, buckets],
                          output_field=BooleanField())
        return RawSQL("id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
                      [expression], output_field=BooleanField())

    def _matches(self, principal, terms, buckets=None, **text):
        """The visible entries matching ``terms`` (in the first ``buckets`` sample buckets);
        the ORM compiles the access policy."""
        matches = SearchEntry.objects.filter(entry_policy.visible_q(principal))
        if buckets is not None:
            # A smallint on both sides, so PostgreSQL's GIN index answers the bucket with the
            # text; SQLite reads it from its covering index, and also inside the FTS5 scan.
            matches = matches.filter(sample__lt=Cast(buckets, SmallIntegerField()))
            if self.vendor != "postgresql":
                text["buckets"] = buckets
        return matches.filter(self._text(terms, **text)) if terms else matches

    def _conditions(self, request: SearchRequest) -> dict[str, tuple[str, list]]:
        """Each chosen facet as SQL on the entries' own column names, so it applies both to
        the entries table and to CTE ``m``. Slugs are resolved to ids here; topics and
        audiences match within the entry's key of ids."""
        def among(column, values):
            if not values:
                return "1 = 0", []
            return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)

        conditions = {}
        for attr, column in FACET_COLUMNS.items():
            values = getattr(request, attr)
            if not values:
                continue
            if attr in SLUG_MODELS:
                values = list(SLUG_MODELS[attr].objects.filter(slug__in=values)
                              .values_list("pk", flat=True))
            if attr in ("topics", "audiences"):
                sql = " OR ".join([f"(',' || {column} || ',') LIKE %s"] * len(values))
                conditions[attr] = (f"({sql or '1 = 0'})", [f"%,{pk},%" for pk in values])
            else:
                conditions[attr] = among(column, values)
        return conditions

    @staticmethod
    def _where(conditions, skip=None) -> tuple[str, list]:
        chosen = [c for attr, c in conditions.items() if attr != skip]
        return (" AND ".join(c[0] for c in chosen) or "1 = 1",
                [p for c in chosen for p in c[1]])

    def _estimate(self, principal, terms) -> int:
        """About how many entries a search must look at, from the 1% in sample bucket 0."""
        return self._matches(principal, terms, buckets=1, loose=True).count() * SAMPLE_BUCKETS

    def _buckets(self, principal, terms) -> int:
        """How many of the 100 sample buckets to count: all of them while the work is small,
        else enough for about SEARCH_SAMPLE_SIZE entries. On
        PostgreSQL a phrase is checked against each candidate's stored text, so phrases count
        for more work."""
        limit = settings.SEARCH_EXACT_COUNT_LIMIT
        work = self._estimate(principal, terms)
        if self.vendor == "postgresql" and any(t.is_phrase for t in terms):
            work *= PHRASE_WORK
        if limit is None or work <= limit:
            return SAMPLE_BUCKETS
        return max(1, min(SAMPLE_BUCKETS, math.ceil(
            SAMPLE_BUCKETS * settings.SEARCH_SAMPLE_SIZE / work)))

    def _counts(self, principal, terms, conditions, buckets) -> tuple[dict, int]:
        """Facet counts and the total, in one statement over CTE ``m``: the visible entries
        matching the text (in the first ``buckets`` sample buckets). Each facet ignores its
        own condition, so its other options keep their counts (several values of one facet
        widen the search)."""
        matches = self._matches(principal, terms,
                                buckets=buckets if buckets < SAMPLE_BUCKETS else None)
        sql, params = matches.values("id", *FACET_COLUMNS.values()).query.sql_with_params()
        parts = []
        for attr, column in FACET_COLUMNS.items():
            where, where_params = self._where(conditions, skip=attr)
            parts.append((f"SELECT '{attr}', CAST({column} AS TEXT), COUNT(*) FROM m "
                          f"WHERE {where} GROUP BY {column}", where_params))
        where, where_params = self._where(conditions)
        parts.append((f"SELECT 'total', NULL, COUNT(*) FROM m WHERE {where}", where_params))
        with connection.cursor() as cursor:
            cursor.execute(f"WITH m AS MATERIALIZED ({sql}) "
                           + " UNION ALL ".join(part for part, _ in parts),
                           [*params, *[p for _, ps in parts for p in ps]])
            rows = cursor.fetchall()
        scale = SAMPLE_BUCKETS / buckets
        counts: dict[str, dict] = {}
        total = 0
        for facet, value, number in rows:
            if facet == "total":
                total = round(number * scale)
                continue
            options = counts.setdefault(facet, {})
            # A topic or audience key ("3,7") counts for each of its ids.
            keys = (value or "").split(",") if facet in ("topics", "audiences") else [value]
            for key in filter(None, keys):
                options[key] = options.get(key, 0) + number
        counts = {facet: {value: round(n * scale) for value, n in options.items()}
                  for facet, options in self._slugs(counts).items()}
        return counts, total

    @staticmethod
    def _slugs(counts) -> dict:
        """Facet counts keyed by slug where the rows hold ids."""
        for facet, model in SLUG_MODELS.items():
            ids = counts.get(facet, {})
            slugs = dict(model.objects.filter(pk__in=[int(pk) for pk in ids])
                         .values_list("pk", "slug"))
            counts[facet] = {slugs[int(pk)]: n for pk, n in ids.items() if int(pk) in slugs}
        return counts

    def _page(self, principal, request, terms, conditions) -> list[int]:
        """The page's ids. Relevance ranks title matches first, then title-or-summary matches,
        then the rest, newest first within each. Each tier is an ordered scan that stops at
        the page, and a tier runs only while the page is not full, so the page costs about the
        same however many entries match."""
        where, where_params = self._where(conditions)
        visible = self._matches(principal, []).filter(  # values are parameters
            RawSQL(where, where_params, output_field=BooleanField()))  # noqa: S611

        density = {}

        def text(within=None):
            if within not in density:
                density[within] = self._dense(terms, within)
            return self._text(terms, within=within, broad=density[within])

        if not terms or request.sort == "newest":
            tiers = [visible.filter(text()) if terms else visible]
        else:
            # A title or summary match is a match, unless a word is excluded elsewhere. On
            # SQLite each condition is a look-up per row, so it is left out where it adds
            # nothing; PostgreSQL's planner can use it, answered by the index.
            needed = any(t.negated for t in terms) or self.vendor == "postgresql"
            scope = visible.filter(text()) if needed else visible
            tiers = [lambda: scope.filter(text("title")),
                     lambda: scope.filter(text("title_summary")).exclude(text("title")),
                     lambda: visible.filter(text()).exclude(text("title_summary"))]
        offset = (request.page - 1) * request.per_page
        ids = []
        for tier in tiers:
            wanted = offset + request.per_page - len(ids)
            if wanted <= 0:
                break
            tier = tier() if callable(tier) else tier
            ids += tier.order_by("-published_at", "-id").values_list("id", flat=True)[:wanted]
        return ids[offset:offset + request.per_page]

    def _dense(self, terms, within=None) -> bool:
        """SQLite only: whether ``terms`` match so many entries (in ``within``) that a scan in
        date order checking each row finds a page sooner than listing every match first. The
        planner cannot tell, as FTS5 gives it no estimate; counting in FTS5 alone is quick."""
        if self.vendor == "postgresql" or not terms:
            return False
        expression = self._fts5_expression(terms) or '""'
        if within:
            expression = f"{{{FTS5_COLUMNS[within]}}} : ({expression})"
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH %s",
                           [expression])
            return cursor.fetchone()[0] > settings.SEARCH_SAMPLE_SIZE

    @contextmanager
    def _planner(self, **flags):
        """PostgreSQL planner settings for the statements inside (SET LOCAL, in a transaction).

        ``enable_seqscan=False`` for text: the planner does not count the cost of reading a
        stored vector back from out-of-line storage, and would rather scan every row than use
        the index for a common word, which answers without reading them.
        ``enable_indexscan=False`` for a page of few matches: the planner would otherwise bet
        on walking the date index until a page is found, which for a word missing from its
        statistics can mean every row; with few matches, sorting them is cheap."""
        if self.vendor != "postgresql" or not flags:
            yield
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for name, on in flags.items():
                cursor.execute(f"SET LOCAL {name} = {'on' if on else 'off'}")
            yield
            for name in flags:
                cursor.execute(f"SET LOCAL {name} TO DEFAULT")

    def search(self, principal: access.Principal, request: SearchRequest) -> SearchResults:
        """Counts come from the whole match, or from a uniform sample of it when it is very
        large (the results then say the numbers are approximate); the page is exact."""
        terms = list(request.terms)
        conditions = self._conditions(request)
        with self._planner(**({"enable_seqscan": False} if terms else {})):
            buckets = self._buckets(principal, terms)
            approximate = buckets < SAMPLE_BUCKETS
            counts, total = self._counts(principal, terms, conditions, buckets)
            page = []
            if total or approximate:
                few = bool(terms) and not approximate and total <= settings.SEARCH_SAMPLE_SIZE
                with self._planner(**({"enable_indexscan": False} if few else {})):
                    page = self._page(principal, request, terms, conditions)
        snippets = self._snippets(terms, page) if terms else {}
        hits = self._hits([(pk, snippets.get(pk)) for pk in page], request)
        if approximate:  # a sampled total can be lower than what the page already shows
            total = max(total, (request.page - 1) * request.per_page + len(hits))
        results = SearchResults(request=request, hits=hits, total=total, backend=self.name,
                                facets=build_facets(request, counts), approximate=approximate)
        if total == 0 and terms:
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
            terms = parse_terms(text)
            if not terms or not ids:
                continue
            inner, inner_params = (SearchEntry.objects.filter(self._text(terms), pk__in=ids)
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
        visible = SearchEntry.objects.filter(entry_policy.visible_q(principal))
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
        terms = list(request.with_text(suggestion).terms)
        with self._planner(enable_seqscan=False):
            return suggestion if self._matches(principal, terms).exists() else ""

    def _vocabulary(self, principal, limit=5000) -> set[str]:
        """Words of the titles and summaries this principal may see (newest first, bounded),
        cached for a few minutes per set of grants: suggestions are checked against a real
        search before they are shown, so a slightly old vocabulary is harmless."""
        key = "search-vocabulary:" + access.grants_digest(principal)

        def build():
            visible = SearchEntry.objects.filter(entry_policy.visible_q(principal))
            words = set()
            for title, summary in visible.order_by("-published_at").values_list(
                    "title", "summary")[:limit]:
                words.update(re.findall(r"[^\W\d_]{3,}", f"{title} {summary}".lower()))
            return words

        return cache.get_or_set(key, build, VOCABULARY_SECONDS)
