"""Search in PostgreSQL, with its full-text search (the stored vectors and their GIN indexes,
search.migrations 0002 to 0004)."""

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from search.backends.database.base import SNIPPET_WORDS, BaseDatabaseBackend
from search.matching import Plan
from search.results import MARK_END, MARK_START

PHRASE_WORK = 4  # a phrase costs about this many word matches per candidate
# Where a search looks: the stored vectors.
# "strong": the title, summary and tags (topic and audience names).
PG_VECTORS = {None: "search_vector", "title": "title_vector", "strong": "rank_vector"}
# Relevance weights. The vector weighs title A, tags B, summary C, body D (migration 0004), and
# ts_rank_cd() takes the weights as {D, C, B, A}, with the score divided by 1 + the log of
# the entry's length (normalisation 1), as bm25 also favours the shorter of two matches.
PG_WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"
PG_NORMALISATION = 1


class PostgreSQLBackend(BaseDatabaseBackend):
    # A phrase is checked against each candidate's stored text.
    phrase_work = PHRASE_WORK
    tiers_filter_match = True  # see _page

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

    def _match(self, plan: Plan, within, loose, buckets, broad) -> RawSQL:
        """``buckets`` and ``broad`` concern FTS5 only: the GIN index answers the sample
        bucket with the text (see _matches), and the planner chooses how to scan."""
        # The column comes from PG_VECTORS; the text is a parameter.
        return RawSQL(f"{PG_VECTORS[within]} @@ to_tsquery('english', %s)",  # noqa: S611
                      [self._tsquery_text(plan, loose=loose)], output_field=BooleanField())

    def _score_query(self, plan, ids) -> tuple[str, list]:
        """ts_rank_cd() over any of the plan's words (an entry with more of them scores
        higher)."""
        placeholders = ", ".join(["%s"] * len(ids))
        sql = ("SELECT id, ts_rank_cd(%s::float4[], search_vector, "
               f"to_tsquery('english', %s), {PG_NORMALISATION}) "
               f"FROM search_searchentry WHERE id IN ({placeholders})")
        return sql, [PG_WEIGHTS, self._tsquery_text(plan, any_concept=True), *ids]

    @contextmanager
    def _planner(self, **flags):
        """PostgreSQL planner settings for the statements inside (SET LOCAL, in a transaction).

        ``enable_seqscan=False`` for text: the planner does not count the cost of reading a
        stored vector back from out-of-line storage, and would rather scan every row than use
        the index for a common word, which answers without reading them.
        ``enable_indexscan=False`` for a page of few matches: the planner would otherwise bet
        on walking the date index until a page is found, which for a word missing from its
        statistics can mean every row; with few matches, sorting them is cheap."""
        if not flags:
            yield
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for name, on in flags.items():
                cursor.execute(f"SET LOCAL {name} = {'on' if on else 'off'}")
            yield
            for name in flags:
                cursor.execute(f"SET LOCAL {name} TO DEFAULT")

    def _snippet_query(self, plan, ids) -> tuple[str, list]:
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            "SELECT e.id, ts_headline('english', e.body, q.query, %s), "
            "ts_headline('english', e.summary, q.query, %s) "
            "FROM search_searchentry e, to_tsquery('english', %s) AS q(query) "
            f"WHERE e.id IN ({placeholders})"
        )
        options = marks + "MinWords=12, MaxFragments=2, FragmentDelimiter= … "
        return sql, [options, options, self._tsquery_text(plan, any_concept=True), *ids]

    def _title_prefix(self, visible, terms):
        words = [w for t in terms for w in t.words]
        tsquery = " & ".join(f"{w}" for w in words[:-1])
        tsquery = (tsquery + " & " if tsquery else "") + f"{words[-1]}:*"
        words_ok = all(w.replace("_", "").isalnum() for w in words)
        if not words_ok:
            return None
        match = RawSQL("to_tsvector('simple', title) @@ to_tsquery('simple', %s)",
                       [tsquery], output_field=BooleanField())
        return visible.filter(match)
