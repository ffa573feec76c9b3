"""What the database search backends share (search.backends.database.sqlite and .postgresql
supply each database's full-text SQL).

Every statement starts from the entries the principal may see (the access policy's filter,
compiled by the ORM) and adds the full-text match, so totals, facet counts, snippets and
suggestions only ever count what the principal may see. The text is matched as a plan
(search.matching: concepts with their synonyms, all of them or most of them). A search costs
about the same however much it matches: counts come from a uniform sample when the match is
very large, a modest match is ranked by score, and a broad one by ordered scans that stop once
the page is full (see ``BaseDatabaseBackend.search`` and ``_page``).
"""

import difflib
import math
import re
from contextlib import contextmanager
from dataclasses import replace
from itertools import combinations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, SmallIntegerField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from cms.models import Audience, Topic
from cms.models.items import type_name_of
from portal.core import access
from portal.core.organisations.models import Organisation
from search import synonyms
from search.access import entry_policy
from search.facets import build_facets
from search.matching import RELAX_BELOW, Plan
from search.models import SearchEntry
from search.query import SearchRequest, parse_terms
from search.results import MARK_START, Hit, SearchResults, highlight

SNIPPET_WORDS = 30
VOCABULARY_SECONDS = 300
SAMPLE_BUCKETS = 100  # SearchEntry.sample is id % 100
# Facets whose values are slugs of these models, and ids in the entries.
SLUG_MODELS = {"organisations": Organisation, "topics": Topic, "audiences": Audience}
# Every match is scored while a search matches at most RANK_ALL entries (and, on SQLite, its
# words match at most RANK_FTS5 entries before the access rule and filters); a broader search
# ranks in field tiers (see _page).
RANK_ALL = 1000
RANK_FTS5 = 5000
# Facet -> the entry column it counts.
FACET_COLUMNS = {"types": "item_type", "organisation_types": "organisation_type", "labels": "tlp",
                 "years": "year", "organisations": "source_organisation_id",
                 "topics": "topic_ids", "audiences": "audience_ids"}


class BaseDatabaseBackend:
    """The search itself; a subclass for each database writes its full-text SQL (the
    ``_match``, ``_score_query``, ``_snippet_query`` and ``_title_prefix`` hooks, and
    ``_dense`` or ``_planner`` where it needs them)."""

    name = "database"
    phrase_work = 1  # how many word matches a phrase costs per candidate (see _buckets)
    tiers_filter_match = False  # whether a broad search's tiers filter by the whole match

    # -- full-text dialects ------------------------------------------------------------------
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

    # -- the page, the counts and the facets ------------------------------------------------
    def _text(self, plan: Plan, within=None, loose=False, buckets=None, broad=False) -> RawSQL:
        """A condition: the entry matches ``plan`` in its title ("title"), its title, summary
        or tags ("strong") or anywhere. ``loose``: what the index alone answers (a phrase's
        words anywhere, no exclusions), for estimating work. On SQLite, ``buckets`` keeps to
        the first sample buckets inside the full-text scan, and ``broad`` (many rows match,
        see _dense) checks each row against the index rather than listing every match
        first."""
        if not plan:  # only exclusions: nothing matches
            return RawSQL("1 = 0", [], output_field=BooleanField())
        return self._match(plan, within=within, loose=loose, buckets=buckets, broad=broad)

    def _match(self, plan: Plan, within, loose, buckets, broad) -> RawSQL:
        """The condition of _text for a plan that has words."""
        raise NotImplementedError

    def _matches(self, principal, plan, buckets=None, **text):
        """The visible entries matching ``plan`` (in the first ``buckets`` sample buckets);
        the ORM compiles the access policy."""
        matches = SearchEntry.objects.filter(entry_policy.visible_q(principal))
        if buckets is not None:
            # A smallint on both sides, so PostgreSQL's GIN index answers the bucket with the
            # text; SQLite reads it from its covering index, and also inside the FTS5 scan.
            matches = matches.filter(sample__lt=Cast(buckets, SmallIntegerField()))
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
        if phrases:
            work *= self.phrase_work
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
            needed = bool(plan.excluded) or plan.relaxed or self.tiers_filter_match
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
        sql, params = self._score_query(plan, ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return dict(rows) if len(rows) <= RANK_FTS5 else None

    def _score_query(self, plan, ids) -> tuple[str, list]:
        """SQL and parameters for (id, score) rows of ``ids`` (see _scores)."""
        raise NotImplementedError

    def _dense(self, plan, within=None) -> bool:
        """Whether a broad scan should check each row against the index (see _text); only
        FTS5 needs telling."""
        return False

    @contextmanager
    def _planner(self, **flags):
        """Planner settings for the statements inside; only PostgreSQL takes any."""
        yield

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
        sql, params = self._snippet_query(plan, ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = {}
            for entry_id, *candidates in cursor.fetchall():
                marked = [c for c in candidates if c and MARK_START in c]
                if marked:
                    found[entry_id] = marked[0]
        return found

    def _snippet_query(self, plan, ids) -> tuple[str, list]:
        """SQL and parameters for (id, body passage, summary passage) rows of ``ids``."""
        raise NotImplementedError

    def _hits(self, page, request) -> list[Hit]:
        entries = (SearchEntry.objects.filter(pk__in=[pk for pk, _ in page])
                   .select_related("source_organisation").prefetch_related("topics"))
        by_id = {entry.pk: entry for entry in entries}
        hits = []
        for pk, snippet in page:
            entry = by_id.get(pk)
            if entry is None:
                continue
            hits.append(Hit(
                id=entry.pk, title=entry.title, url=entry.url,
                snippet=highlight(snippet) if snippet else highlight(entry.summary),
                tlp=entry.tlp, item_type=entry.item_type, type_name=type_name_of(entry.item_type),
                organisation=entry.source_organisation.name,
                organisation_type=entry.source_organisation.get_organisation_type_display(),
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
        rows = self._title_prefix(visible, terms)
        if rows is None:
            return []
        rows = rows.order_by("-published_at").values("title", "url", "tlp", "item_type")[:limit]
        return [{"title": r["title"], "url": r["url"], "tlp": r["tlp"], "type": r["item_type"]}
                for r in rows]

    def _title_prefix(self, visible, terms):
        """The ``visible`` entries whose titles hold ``terms``, the last one as a prefix, or
        None when the terms cannot be searched."""
        raise NotImplementedError

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
        key = "search-vocabulary:" + access.grants_digest(principal)

        def build():
            visible = SearchEntry.objects.filter(entry_policy.visible_q(principal))
            words = set()
            for title, summary in visible.order_by("-published_at").values_list(
                    "title", "summary")[:limit]:
                words.update(re.findall(r"[^\W\d_]{3,}", f"{title} {summary}".lower()))
            return words

        return cache.get_or_set(key, build, VOCABULARY_SECONDS)
