"""Search in the database, one module per database: ``base`` holds what they share,
``sqlite`` (FTS5, the default) and ``postgresql`` (its full-text search) their own SQL."""

from django.db import connection

from search.backends.database.base import BaseDatabaseBackend
from search.backends.database.postgresql import PostgreSQLBackend
from search.backends.database.sqlite import SQLiteBackend


def DatabaseBackend() -> BaseDatabaseBackend:
    """The backend for the database in use: PostgreSQL's full-text search on PostgreSQL,
    SQLite FTS5 otherwise (named as the class it stands for, which callers construct)."""
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    return SQLiteBackend()
