"""Search in the database: SQLite FTS5 by default, PostgreSQL full-text search on PostgreSQL.

Every statement starts from the entries the principal may see (the access policy's filter,
compiled by the ORM) and adds the full-text match, so totals, facet counts, snippets and
suggestions only ever count what the principal may see. The text is matched as a plan
(search.matching: concepts with their synonyms, all of them or most of them). A search costs
about the same however much it matches: counts come from a uniform sample when the match is
very large, a modest match is ranked by score, and a broad one by ordered scans that stop once
the page is full (see ``DatabaseBackend.search`` and ``_page``).
"""

import difflib
import hashlib
import math
import re
from contextlib import contextmanager
from dataclasses import replace
from itertools import combinations

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, SmallIntegerField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from cms.models import Audience, Topic
from portal.core import access
from portal.core.organisations.models import Organisation
from search import synonyms
from search.access import entry_policy
from search.facets import build_facets
from search.matching import RELAX_BELOW, Plan, plan_for
from search.models import SearchEntry
from search.query import TYPES, SearchRequest, parse_terms
from search.results import MARK_END, MARK_START, Hit, SearchResults, highlight

SNIPPET_WORDS = 30
VOCABULARY_SECONDS = 300
SAMPLE_BUCKETS = 100  # SearchEntry.sample is id % 100
PHRASE_WORK = 4  # on PostgreSQL a phrase costs about this many word matches per candidate
# Facets whose values are slugs of these models, and ids in the entries.
SLUG_MODELS = {"organisations": Organisation, "topics": Topic, "audiences": Audience}
# Where a search looks, by backend: PostgreSQL's stored vectors and FTS5's column filters.
# "strong": the title, summary and tags (topic and audience names).
PG_VECTORS = {None: "search_vector", "title": "title_vector", "strong": "rank_vector"}
FTS5_COLUMNS = {"title": "title", "strong": "title summary tags"}
# Relevance weights. FTS5 weighs each column in bm25(), in the table's column order;
# PostgreSQL's vector weighs title A, tags B, summary C, body D (migration 0004), and
# ts_rank_cd() takes the weights as {D, C, B, A}, with the score divided by 1 + the log of
# the entry's length (normalisation 1), as bm25 also favours the shorter of two matches.
FTS5_ORDER = ("title", "summary", "body", "tags")
FTS5_WEIGHTS = {"title": 10.0, "tags": 5.0, "summary": 3.0, "body": 1.0}
PG_WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"
PG_NORMALISATION = 1
# Every match is scored while a search matches at most RANK_ALL entries (and, on SQLite, its
# words match at most RANK_FTS5 entries before the access rule and filters); a broader search
# ranks in field tiers (see _page).
RANK_ALL = 1000
RANK_FTS5 = 5000
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

    @staticmethod
    def _combine(plan: Plan, concepts: list[str], any_concept: bool, both: str, either: str
                 ) -> str:
        """Concept expressions joined as the plan asks: all of them, any (for scoring and
        highlighting), or any ``plan.minimum`` of them (the relaxed form)."""
        if any_concept or plan.minimum == 1:
            return f" {either} ".join(concepts)
        if plan.relaxed:
            return f" {either} ".join("(" + f" {both} ".join(combination) + ")"
                                      for combination in combinations(concepts, plan.minimum))
        return f" {both} ".join(concepts)

    def _fts5_expression(self, plan: Plan, prefix_last=False, loose=False,
                         any_concept=False) -> str:
        """FTS5 syntax for ``plan``; every word is quoted, so none is an operator. ``loose``
        matches a phrase's words anywhere and ignores exclusions."""
        def quoted(words, prefix=False):
            if loose and len(words) > 1:
                return "(" + " AND ".join(f'"{word}"' for word in words) + ")"
            return '"' + " ".join(words) + '"' + ("*" if prefix else "")

        if not plan:
            return '""'
        last = len(plan.concepts) - 1
        concepts = []
        for index, concept in enumerate(plan.concepts):
            alternatives = [quoted(words, prefix_last and index == last)
                            for words in concept.alternatives]
            concepts.append(alternatives[0] if len(alternatives) == 1
                            else "(" + " OR ".join(alternatives) + ")")
        expression = self._combine(plan, concepts, any_concept, "AND", "OR")
        for words in () if loose or any_concept else plan.excluded:
            expression = f"({expression}) NOT {quoted(words)}"
        return expression

    def _tsquery_text(self, plan: Plan, loose=False, any_concept=False) -> str:
        """PostgreSQL to_tsquery syntax for ``plan``. Words hold only letters, digits and
        underscores (search.query.parse_terms), so none is an operator."""
        def alternative(words):
            return (" & " if loose else " <-> ").join(words)

        concepts = ["(" + " | ".join(alternative(words) for words in concept.alternatives) + ")"
                    for concept in plan.concepts]
        text = self._combine(plan, concepts, any_concept, "&", "|")
        for words in () if loose or any_concept else plan.excluded:
            text = f"({text}) & !({alternative(words)})"
        return text

    # -- the page, the counts and the facets ------------------------------------------------
    def _text(self, plan: Plan, within=None, loose=False, buckets=None, broad=False) -> RawSQL:
        """A condition: the entry matches ``plan`` in its title ("title"), its title, summary
        or tags ("strong") or anywhere. ``loose``: see _fts5_expression; what the index alone
        answers, for estimating work. On SQLite, ``buckets`` keeps to the first sample buckets
        inside the full-text scan, and ``broad`` (many rows match, see _dense) checks each row
        against the index rather than listing every match first."""
        if not plan:  # only exclusions: nothing matches
            return RawSQL("1 = 0", [], output_field=BooleanField())
        if self.vendor == "postgresql":
            # The column comes from PG_VECTORS; the text is a parameter.
            return RawSQL(f"{PG_VECTORS[within]} @@ to_tsquery('english', %s)",  # noqa: S611
                          [self._tsquery_text(plan, loose=loose)], output_field=BooleanField())
        expression = self._fts5_expression(plan, loose=loose)
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

    def _matches(self, principal, plan, buckets=None, **text):
        """The visible entries matching ``plan`` (in the first ``buckets`` sample buckets);
        the ORM compiles the access policy."""
        matches = SearchEntry.objects.filter(entry_policy.visible_q(principal))
        if buckets is not None:
            # A smallint on both sides, so PostgreSQL's GIN index answers the bucket with the
            # text; SQLite reads it from its covering index, and also inside the FTS5 scan.
            matches = matches.filter(sample__lt=Cast(buckets, SmallIntegerField()))
            if self.vendor != "postgresql":
                text["buckets"] = buckets
        return matches.filter(self._text(plan, **text)) if plan is not None else matches

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

    def _estimate(self, principal, plan) -> int:
        """About how many entries a search must look at, from the 1% in sample bucket 0."""
        return self._matches(principal, plan, buckets=1, loose=True).count() * SAMPLE_BUCKETS

    def _buckets(self, principal, plan) -> int:
        """How many of the 100 sample buckets to count: all of them while the work is small,
        else enough for about SEARCH_SAMPLE_SIZE entries. On
        PostgreSQL a phrase is checked against each candidate's stored text, so phrases count
        for more work."""
        limit = settings.SEARCH_EXACT_COUNT_LIMIT
        work = self._estimate(principal, plan)
        phrases = plan is not None and any(
            len(words) > 1 for c in plan.concepts for words in c.alternatives)
        if self.vendor == "postgresql" and phrases:
            work *= PHRASE_WORK
        if limit is None or work <= limit:
            return SAMPLE_BUCKETS
        return max(1, min(SAMPLE_BUCKETS, math.ceil(
            SAMPLE_BUCKETS * settings.SEARCH_SAMPLE_SIZE / work)))

    def _counts(self, principal, plan, conditions, buckets) -> tuple[dict, int]:
        """Facet counts and the total, in one statement over CTE ``m``: the visible entries
        matching the text (in the first ``buckets`` sample buckets). Each facet ignores its
        own condition, so its other options keep their counts (several values of one facet
        widen the search)."""
        matches = self._matches(principal, plan,
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

    def _page(self, principal, request, plan, conditions, total, pinned=()) -> list[int]:
        """The page's ids, ``pinned`` ones first. Relevance ranks by score (see _scores) while
        a search matches at most RANK_ALL entries. A broader search ranks in tiers: title
        matches, then title, summary or tag matches, then the rest, newest first within each;
        each tier is an ordered scan that stops at the page, so the page costs about the same
        however many entries match (scoring them all would not)."""
        where, where_params = self._where(conditions)
        visible = self._matches(principal, None).filter(  # values are parameters
            RawSQL(where, where_params, output_field=BooleanField()))  # noqa: S611
        offset = (request.page - 1) * request.per_page
        end = offset + request.per_page

        density = {}

        def text(within=None):
            if within not in density:
                density[within] = self._dense(plan, within)
            return self._text(plan, within=within, broad=density[within])

        newest = ("-published_at", "-id")
        if plan is None or request.sort == "newest":
            scope = visible.filter(text()) if plan is not None else visible
            return list(scope.order_by(*newest).values_list("id", flat=True)[offset:end])
        ranked = None
        if total <= RANK_ALL:
            candidates = list(visible.filter(text()).values_list("id", "published_at"))
            scores = self._scores(plan, [pk for pk, _ in candidates])
            if scores is not None:
                candidates.sort(key=lambda row: (-scores.get(row[0], 0.0),
                                                 -row[1].timestamp(), -row[0]))
                ranked = [pk for pk, _ in candidates]
        if ranked is None:
            # A title or strong-field match is a match, unless a word is excluded elsewhere.
            # On SQLite each condition is a look-up per row, so it is left out where it adds
            # nothing; PostgreSQL's planner can use it, answered by the index.
            needed = bool(plan.excluded) or plan.relaxed or self.vendor == "postgresql"
            scope = visible.filter(text()) if needed else visible
            tiers = [lambda: scope.filter(text("title")),
                     lambda: scope.filter(text("strong")).exclude(text("title")),
                     lambda: visible.filter(text()).exclude(text("strong"))]
            ranked = []
            for tier in tiers:
                wanted = end + len(pinned) - len(ranked)
                if wanted <= 0:
                    break
                ranked += tier().order_by(*newest).values_list("id", flat=True)[:wanted]
        ids = [*pinned, *(pk for pk in ranked if pk not in pinned)]
        return ids[offset:end]

    def _scores(self, plan, ids) -> dict[int, float] | None:
        """Each entry's relevance to the plan's words: PostgreSQL's ts_rank_cd() over any of
        them (an entry with more of them scores higher), FTS5's bm25() over the plan's own
        match; the title weighs most, then tags, then summary, then body. None when FTS5 would
        have to score more than RANK_FTS5 entries: bm25() is only available while FTS5 lists
        the matches, which it cannot do for a list of rows without repeating the search."""
        if not ids:
            return {}
        if self.vendor == "postgresql":
            placeholders = ", ".join(["%s"] * len(ids))
            sql = ("SELECT id, ts_rank_cd(%s::float4[], search_vector, "
                   f"to_tsquery('english', %s), {PG_NORMALISATION}) "
                   f"FROM search_searchentry WHERE id IN ({placeholders})")
            params = [PG_WEIGHTS, self._tsquery_text(plan, any_concept=True), *ids]
        else:
            weights = ", ".join(str(FTS5_WEIGHTS[column]) for column in FTS5_ORDER)
            sql = (f"SELECT rowid, -bm25(search_fts, {weights}) FROM search_fts "
                   "WHERE search_fts MATCH %s LIMIT %s")
            params = [self._fts5_expression(plan), RANK_FTS5 + 1]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return dict(rows) if len(rows) <= RANK_FTS5 else None

    def _dense(self, plan, within=None) -> bool:
        """SQLite only: whether ``plan`` matches so many entries (in ``within``) that a scan in
        date order checking each row finds a page sooner than listing every match first. The
        planner cannot tell, as FTS5 gives it no estimate; counting in FTS5 alone is quick."""
        if self.vendor == "postgresql" or plan is None:
            return False
        expression = self._fts5_expression(plan)
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
        """All-words matching first; when it finds fewer than RELAX_BELOW entries, the
        relaxed plan (most of the words) answers, with the all-words matches first."""
        plan = synonyms.plan(request.terms)
        conditions = self._conditions(request)
        with self._planner(**({"enable_seqscan": False} if plan is not None else {})):
            found = self._find(principal, request, plan, conditions)
            matched_all = None
            if (plan is not None and plan.can_relax and not found["approximate"]
                    and found["total"] < RELAX_BELOW):
                # Every all-words match (fewer than a page) goes first.
                strict_total, pinned = found["total"], found["page"]
                if strict_total and request.page > 1:
                    pinned = self._find(principal, replace(request, page=1), plan, conditions,
                                        counted=found)["page"]
                relaxed_plan = plan.relax()
                relaxed = self._find(principal, request, relaxed_plan, conditions,
                                     pinned=pinned)
                if relaxed["total"] > strict_total:
                    found, plan, matched_all = relaxed, relaxed_plan, strict_total
        page, total, approximate = found["page"], found["total"], found["approximate"]
        snippets = self._snippets(plan, page) if plan else {}
        hits = self._hits([(pk, snippets.get(pk)) for pk in page], request)
        if approximate:  # a sampled total can be lower than what the page already shows
            total = max(total, (request.page - 1) * request.per_page + len(hits))
        results = SearchResults(request=request, hits=hits, total=total, backend=self.name,
                                facets=build_facets(request, found["counts"]),
                                approximate=approximate, matched_all=matched_all)
        if plan is not None and (total if matched_all is None else matched_all) == 0:
            results.suggestion = self.suggest(principal, request)
        return results

    def _find(self, principal, request, plan, conditions, pinned=(), counted=None) -> dict:
        """Counts (exact, or from a uniform sample of a very large match, then approximate)
        and the page's ids for ``plan``; ``counted`` reuses counts already made."""
        if counted is None:
            buckets = self._buckets(principal, plan)
            counts, total = self._counts(principal, plan, conditions, buckets)
            counted = {"counts": counts, "total": total,
                       "approximate": buckets < SAMPLE_BUCKETS}
        total, approximate = counted["total"], counted["approximate"]
        page = []
        if total or approximate:
            few = plan is not None and not approximate and total <= settings.SEARCH_SAMPLE_SIZE
            with self._planner(**({"enable_indexscan": False} if few else {})):
                page = self._page(principal, request, plan, conditions,
                                  total if not approximate else math.inf, pinned)
        return {**counted, "page": page}

    def _snippets(self, plan, ids) -> dict[int, str]:
        """Highlighted passages for the page's hits only (body first, else summary); every
        word of the plan is highlighted, synonyms included."""
        if not ids:
            return {}
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
        placeholders = ", ".join(["%s"] * len(ids))
        if self.vendor == "postgresql":
            sql = (
                "SELECT e.id, ts_headline('english', e.body, q.query, %s), "
                "ts_headline('english', e.summary, q.query, %s) "
                "FROM search_searchentry e, to_tsquery('english', %s) AS q(query) "
                f"WHERE e.id IN ({placeholders})"
            )
            options = marks + "MinWords=12, MaxFragments=2, FragmentDelimiter= … "
            params = [options, options, self._tsquery_text(plan, any_concept=True), *ids]
        else:
            sql = (
                "SELECT rowid, snippet(search_fts, 2, %s, %s, '…', %s), "
                "snippet(search_fts, 1, %s, %s, '…', %s) FROM search_fts "
                f"WHERE search_fts MATCH %s AND rowid IN ({placeholders})"
            )
            snippet_marks = [MARK_START, MARK_END, SNIPPET_WORDS]
            params = [*snippet_marks, *snippet_marks,
                      self._fts5_expression(plan, any_concept=True), *ids]
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
            plan = synonyms.plan(parse_terms(text))
            if plan is None or not ids:
                continue
            inner, inner_params = (SearchEntry.objects.filter(self._text(plan), pk__in=ids)
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
            expression = self._fts5_expression(plan_for(terms, {}), prefix_last=True)
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
        plan = synonyms.plan(request.with_text(suggestion).terms)
        with self._planner(enable_seqscan=False):
            return suggestion if self._matches(principal, plan).exists() else ""

    def _vocabulary(self, principal, limit=5000) -> set[str]:
        """Words of the titles and summaries this principal may see (newest first, bounded),
        cached for a few minutes per set of grants: suggestions are checked against a real
        search before they are shown, so a slightly old vocabulary is harmless."""
        key = "search-vocabulary:" + hashlib.sha256(
            repr(access.grants(principal)).encode()).hexdigest()

        def build():
            visible = SearchEntry.objects.filter(entry_policy.visible_q(principal))
            words = set()
            for title, summary in visible.order_by("-published_at").values_list(
                    "title", "summary")[:limit]:
                words.update(re.findall(r"[^\W\d_]{3,}", f"{title} {summary}".lower()))
            return words

        return cache.get_or_set(key, build, VOCABULARY_SECONDS)
