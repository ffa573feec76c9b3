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


def repair_external_drift() -> dict:
    """Make Elasticsearch agree with the database entries (missed writes, or changes made
    while a rebuild ran). Nothing to do without Elasticsearch."""
    if not uses_elasticsearch():
        return {"external_reindexed": [], "external_removed": []}
    from search import documents
    from search.models import SearchEntry

    expected = dict(SearchEntry.objects.values_list("pk", "version"))
    indexed = documents.indexed_versions()
    stale = sorted(pk for pk, version in expected.items() if indexed.get(pk) != version)
    extra = sorted(set(indexed) - set(expected))
    if stale:
        documents.index_entries(SearchEntry.objects.filter(pk__in=stale))
    for pk in extra:
        documents.delete_entry(pk)
    return {"external_reindexed": stale, "external_removed": extra}


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
