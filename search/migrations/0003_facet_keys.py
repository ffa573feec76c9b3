"""Facet keys and sample buckets for fast counting, and a compact row on PostgreSQL.

PostgreSQL keeps the wide columns (body, summary and the body's tsvector) out of line, so the
rows a search visits are small; full-text matching reads the GIN index, which also holds the
sample bucket (btree_gin) so a sampled count never visits the rows outside its sample. A small
title vector stays in the row for ranking title matches first. Existing rows take the compact
layout when they are next written (``manage.py rebuild_search_index`` rewrites them all).
"""

import importlib

import django.db.models.expressions
from django.db import migrations, models

fulltext = importlib.import_module("search.migrations.0002_fulltext")

POSTGRES_FORWARD = [
    # fill_keys's updates leave deferred foreign-key checks queued, and PostgreSQL refuses to
    # ALTER a table with pending trigger events: run them now.
    "SET CONSTRAINTS ALL IMMEDIATE",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 128)",
    """ALTER TABLE search_searchentry ADD COLUMN title_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, ''))) STORED""",
    "ALTER TABLE search_searchentry ALTER COLUMN title_vector SET STORAGE MAIN",
    "DROP INDEX IF EXISTS search_entry_vector_idx",
    """CREATE INDEX search_entry_vector_idx ON search_searchentry
        USING GIN (search_vector, sample)""",
    "CREATE INDEX search_entry_rank_idx ON search_searchentry USING GIN (rank_vector)",
    "CREATE INDEX search_entry_title_idx ON search_searchentry USING GIN (title_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_title_idx",
    "DROP INDEX IF EXISTS search_entry_rank_idx",
    "DROP INDEX IF EXISTS search_entry_vector_idx",
    "CREATE INDEX search_entry_vector_idx ON search_searchentry USING GIN (search_vector)",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
]


def postgres(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


# SQLite keeps the text in the entries' rows: a covering index lets counting read only what
# the access rule and the facets need, by sample bucket.
SQLITE_FACETS_INDEX = """CREATE INDEX IF NOT EXISTS search_entry_facets_idx ON search_searchentry
    (sample, tlp, source_organisation_id, owner_id, kind, organisation_kind, year, topic_ids,
     audience_ids)"""


def sqlite_forward(apps, schema_editor):
    """SQLite adds a stored generated column by remaking the table, which drops its triggers:
    put the full-text table's triggers back and rebuild it from the entries."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in fulltext.SQLITE_FORWARD:
        if statement.lstrip().startswith("CREATE TRIGGER"):
            name = statement.split()[2]
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(statement)
    schema_editor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    schema_editor.execute(SQLITE_FACETS_INDEX)


def sqlite_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_facets_idx")


def fill_keys(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")  # noqa: N806
    keys = {}
    for attr, column in (("topics", "topic_id"), ("audiences", "audience_id")):
        through = getattr(SearchEntry, attr).through
        for entry_id, related_id in through.objects.values_list("searchentry_id", column):
            keys.setdefault(entry_id, {"topics": [], "audiences": []})[attr].append(related_id)
    entries = list(SearchEntry.objects.filter(pk__in=keys).only("pk"))
    for entry in entries:
        entry.topic_ids = ",".join(str(pk) for pk in sorted(keys[entry.pk]["topics"]))
        entry.audience_ids = ",".join(str(pk) for pk in sorted(keys[entry.pk]["audiences"]))
    SearchEntry.objects.bulk_update(entries, ["topic_ids", "audience_ids"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_fulltext'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchentry',
            name='audience_ids',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='searchentry',
            name='sample',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.expressions.CombinedExpression(models.F('id'), '%%', models.Value(100)), output_field=models.SmallIntegerField()),
        ),
        migrations.AddField(
            model_name='searchentry',
            name='topic_ids',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.RunPython(sqlite_forward, sqlite_backward),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RunPython(postgres(POSTGRES_FORWARD), postgres(POSTGRES_BACKWARD)),
    ]
