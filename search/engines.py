"""Which search backend answers, and the hooks that keep an external engine in step.

The database backend always has the entries (search.indexing writes them); with
SEARCH_BACKEND=elasticsearch, entries are also sent to Elasticsearch and queries go there.
"""

from contextlib import contextmanager

from django.conf import settings


def uses_elasticsearch() -> bool:
    return settings.SEARCH_BACKEND == "elasticsearch"


def get_backend(name=None):
    name = name or settings.SEARCH_BACKEND
    if name == "elasticsearch":
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


def send_to_external(entries) -> None:
    if uses_elasticsearch() and entries:
        from search import documents

        documents.index_entries(entries)


def remove_from_external(entry_id: int) -> None:
    if uses_elasticsearch():
        from search import documents

        documents.delete_entry(entry_id)


@contextmanager
def external_rebuild():
    """Yields a function that takes batches of entries. With Elasticsearch, they go into a new
    index that replaces the live one atomically (alias swap) only when the rebuild succeeds."""
    if not uses_elasticsearch():
        yield lambda entries: None
        return
    from search import documents

    with documents.rebuilding_index() as send:
        yield send
