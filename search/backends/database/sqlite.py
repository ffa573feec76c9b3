"""Search in SQLite, with FTS5 (the search_fts table, search.migrations 0002 and 0004)."""

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from search.backends.database.base import RANK_FTS5, SNIPPET_WORDS, BaseDatabaseBackend
from search.matching import Plan, plan_for
from search.models import SearchEntry
from search.results import MARK_END, MARK_START

# Where a search looks: FTS5's column filters.
# "strong": the title, summary and tags (topic and audience names).
FTS5_COLUMNS = {"title": "title", "strong": "title summary tags"}
# Relevance weights: FTS5 weighs each column in bm25(), in the table's column order.
FTS5_ORDER = ("title", "summary", "body", "tags")
FTS5_WEIGHTS = {"title": 10.0, "tags": 5.0, "summary": 3.0, "body": 1.0}


class SQLiteBackend(BaseDatabaseBackend):
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

    def _match(self, plan: Plan, within, loose, buckets, broad) -> RawSQL:
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

    def _score_query(self, plan, ids) -> tuple[str, list]:
        """bm25() over the plan's own match, at most RANK_FTS5 + 1 rows: bm25() is only
        available while FTS5 lists the matches, which it cannot do for a list of rows without
        repeating the search."""
        weights = ", ".join(str(FTS5_WEIGHTS[column]) for column in FTS5_ORDER)
        sql = (f"SELECT rowid, -bm25(search_fts, {weights}) FROM search_fts "
               "WHERE search_fts MATCH %s LIMIT %s")
        return sql, [self._fts5_expression(plan), RANK_FTS5 + 1]

    def _dense(self, plan, within=None) -> bool:
        """Whether ``plan`` matches so many entries (in ``within``) that a scan in date order
        checking each row finds a page sooner than listing every match first. The planner
        cannot tell, as FTS5 gives it no estimate; counting in FTS5 alone is quick."""
        if plan is None:
            return False
        expression = self._fts5_expression(plan)
        if within:
            expression = f"{{{FTS5_COLUMNS[within]}}} : ({expression})"
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH %s",
                           [expression])
            return cursor.fetchone()[0] > settings.SEARCH_SAMPLE_SIZE

    def _snippet_query(self, plan, ids) -> tuple[str, list]:
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            "SELECT rowid, snippet(search_fts, 2, %s, %s, '…', %s), "
            "snippet(search_fts, 1, %s, %s, '…', %s) FROM search_fts "
            f"WHERE search_fts MATCH %s AND rowid IN ({placeholders})"
        )
        snippet_marks = [MARK_START, MARK_END, SNIPPET_WORDS]
        params = [*snippet_marks, *snippet_marks,
                  self._fts5_expression(plan, any_concept=True), *ids]
        return sql, params

    def _title_prefix(self, visible, terms):
        expression = self._fts5_expression(plan_for(terms, {}), prefix_last=True)
        return visible.filter(pk__in=RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s",
            [f"title : ({expression})"]))
