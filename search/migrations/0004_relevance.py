"""Relevance: topic and audience names in the index, weighted fields, and the synonym list.

SQLite's FTS5 table gains a ``tags`` column (after ``body``, so the column numbers snippets use
stay the same). PostgreSQL's vectors are regenerated with four weights: title A, tags B,
summary C, body D. Entries get their tags when next written: ``manage.py
rebuild_search_index`` after upgrading (the drift check also finds every entry stale once,
as the fingerprint now covers topic and audience names).
"""

import importlib

from django.db import migrations, models

facet_keys = importlib.import_module("search.migrations.0003_facet_keys")

FTS_COLUMNS = "title, summary, body, tags"
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        {FTS_COLUMNS}, content='search_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')""",
    f"""CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.body, new.tags);
    END""",
    f"""CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.body, old.tags);
    END""",
    f"""CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.body, old.tags);
        INSERT INTO search_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.body, new.tags);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    # Adding the column remade the table, which dropped this index.
    facet_keys.SQLITE_FACETS_INDEX,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, summary, body, content='search_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')""",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO search_fts(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    facet_keys.SQLITE_FACETS_INDEX,
]


def vectors(weights):
    """PostgreSQL statements that regenerate the full and the ranking vectors with ``weights``
    (column -> weight letter)."""
    def vector(columns):
        return " ||\n            ".join(
            f"setweight(to_tsvector('english', coalesce({column}, '')), '{weights[column]}')"
            for column in columns)

    ranked = [column for column in weights if column != "body"]
    return [
        "DROP INDEX IF EXISTS search_entry_rank_idx",
        "DROP INDEX IF EXISTS search_entry_vector_idx",
        "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS rank_vector",
        "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
        f"""ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector
            GENERATED ALWAYS AS ({vector(weights)}) STORED""",
        f"""ALTER TABLE search_searchentry ADD COLUMN rank_vector tsvector
            GENERATED ALWAYS AS ({vector(ranked)}) STORED""",
        """CREATE INDEX search_entry_vector_idx ON search_searchentry
            USING GIN (search_vector, sample)""",
        "CREATE INDEX search_entry_rank_idx ON search_searchentry USING GIN (rank_vector)",
    ]


POSTGRES_FORWARD = vectors({"title": "A", "tags": "B", "summary": "C", "body": "D"})
POSTGRES_BACKWARD = vectors({"title": "A", "summary": "B", "body": "C"})

# A first list for moderators to extend; every group is editable in the admin.
SYNONYMS = [
    ("pen test, pentest, penetration test, penetration testing",
     "Testers and buyers say it both ways."),
    ("code of conduct, code of practice", "Shared standards are called both."),
    ("bug bounty, vulnerability reward programme", ""),
    ("vdp, vulnerability disclosure policy", ""),
    ("cvd, coordinated vulnerability disclosure, coordinated disclosure", ""),
    ("kyc, know your customer, customer screening", ""),
    ("whistleblowing, whistleblower, speak up, raising concerns", ""),
    ("msp, managed service provider", ""),
    ("licence, license", "British and American spelling."),
    ("spyware, surveillance tool, surveillance software", ""),
    ("red team, red teaming, adversary simulation", ""),
    ("tabletop, tabletop exercise, scenario exercise", ""),
    ("ransomware, ransom attack", ""),
    ("poc, proof of concept", ""),
]


def by_vendor(statements):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


def add_synonyms(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")  # noqa: N806
    Synonym.objects.bulk_create([Synonym(terms=terms, note=note) for terms, note in SYNONYMS])


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0003_facet_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="tags",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.CreateModel(
            name="Synonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("terms", models.TextField(help_text="Words or phrases that mean the same, separated by commas, for example “pen test, penetration test, pentest”.")),
                ("note", models.CharField(blank=True, help_text="Why these belong together (optional, for moderators).", max_length=200)),
            ],
            options={"ordering": ["terms"]},
        ),
        migrations.RunPython(by_vendor({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
                             by_vendor({"sqlite": SQLITE_BACKWARD,
                                        "postgresql": POSTGRES_BACKWARD})),
        migrations.RunPython(add_synonyms, migrations.RunPython.noop),
    ]
