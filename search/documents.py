"""The Elasticsearch index: its mapping, how entries become documents, and the access filter.

Queries and writes go through an alias (settings.ELASTICSEARCH_INDEX). A rebuild fills a new
concrete index and swaps the alias over in one atomic call, so searches never see a half-built
index. The access rule is not written here: :func:`access_filter` compiles
``portal.core.access.grants`` into a query, as ``visible_q`` does for the database.
"""

import functools
import logging
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime

from django.conf import settings
from elasticsearch import Elasticsearch, helpers
from elasticsearch_dsl import (
    Date,
    Document,
    Integer,
    Keyword,
    Long,
    MetaField,
    Q,
    Text,
    analyzer,
    token_filter,
)

from portal.core import access
from search.models import SearchEntry

log = logging.getLogger(__name__)

# Searches must give up quickly so the service can fall back to the database; bulk writes
# (a rebuild sends hundreds of documents at once) get longer.
SEARCH_TIMEOUT = 3
WRITE_TIMEOUT = 60

# Grant fields (portal.core.access) -> document fields. A grant on any other field is an error:
# silently dropping its condition would widen what a principal sees.
GRANT_FIELDS = {
    access.SOURCE_ORG: "source_organisation",
    access.RECIPIENT_ORGS: "recipient_organisations",
    access.RECIPIENT_USERS: "recipient_users",
    access.RECIPIENT_GROUPS: "recipient_groups",
    access.OWNER: "owner",
}

# Autocomplete: every word of the title indexed as its prefixes ("sup", "supp", ...), folded
# to lower-case ASCII; the query side folds the same way but is not split into prefixes. It is
# cut to the longest prefix indexed, so a long word typed in full still matches.
MAX_PREFIX = 20
autocomplete_prefixes = token_filter("autocomplete_prefixes", "edge_ngram", min_gram=1,
                                     max_gram=MAX_PREFIX)
autocomplete_truncate = token_filter("autocomplete_truncate", "truncate", length=MAX_PREFIX)
autocomplete = analyzer("autocomplete", tokenizer="standard",
                        filter=["lowercase", "asciifolding", autocomplete_prefixes])
autocomplete_search = analyzer("autocomplete_search", tokenizer="standard",
                               filter=["lowercase", "asciifolding", autocomplete_truncate])


def alias_name() -> str:
    return settings.ELASTICSEARCH_INDEX


class ItemDocument(Document):
    id = Long()
    url = Keyword(index=False)
    title = Text(analyzer="english", fields={
        "suggest": Text(analyzer=autocomplete, search_analyzer=autocomplete_search),
        # Unstemmed words for "did you mean": the english analyzer's stems ("secur") are not
        # words to offer anyone.
        "plain": Text(analyzer="standard"),
    })
    summary = Text(analyzer="english")
    body = Text(analyzer="english")
    tags = Text(analyzer="english")  # topic and audience names, searched and weighted
    item_type = Keyword()
    organisation_type = Keyword()
    organisation = Keyword()  # the source organisation's slug
    organisation_name = Keyword()
    topics = Keyword(multi=True)  # slugs
    audiences = Keyword(multi=True)
    topic_names = Keyword(multi=True)
    # Access fields: the same names and meaning as on SearchEntry and the items.
    tlp = Keyword()
    source_organisation = Integer()
    owner = Integer()
    recipient_organisations = Integer(multi=True)
    recipient_users = Integer(multi=True)
    recipient_groups = Integer(multi=True)
    published_at = Date()
    year = Integer()
    version = Keyword()

    class Meta:
        # A field this mapping does not know is a bug, not something to guess a type for.
        dynamic = MetaField("strict")

    class Index:
        # The alias; runtime code uses alias_name(), since settings may change after import.
        name = "portal-items"
        settings = {"number_of_shards": 1, "number_of_replicas": 0}


def index_body() -> dict:
    """Settings and mappings for a new concrete index."""
    return ItemDocument._index.to_dict()


@functools.lru_cache(maxsize=4)
def _client(url: str) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=SEARCH_TIMEOUT, max_retries=1,
                         retry_on_timeout=False)


def connection() -> Elasticsearch:
    """The client for settings.ELASTICSEARCH_URL (one per URL; the client is thread-safe)."""
    if not settings.ELASTICSEARCH_URL:
        raise RuntimeError("ELASTICSEARCH_URL is not set")
    return _client(settings.ELASTICSEARCH_URL)


# -- documents -------------------------------------------------------------------------------
def document_from_entry(entry: SearchEntry) -> ItemDocument:
    """The document for an entry; reads its organisation and many-to-many relations (use
    prefetched entries for batches, see :func:`_fetch`)."""
    topics = list(entry.topics.all())
    return ItemDocument(
        meta={"id": entry.pk},
        id=entry.pk, url=entry.url, title=entry.title, summary=entry.summary,
        body=entry.body, tags=entry.tags, item_type=entry.item_type,
        organisation_type=entry.organisation_type,
        organisation=entry.source_organisation.slug,
        organisation_name=entry.source_organisation.name,
        topics=[topic.slug for topic in topics],
        topic_names=[topic.name for topic in topics],
        audiences=[audience.slug for audience in entry.audiences.all()],
        tlp=entry.tlp, source_organisation=entry.source_organisation_id,
        owner=entry.owner_id,
        recipient_organisations=sorted(org.pk for org in entry.recipient_organisations.all()),
        recipient_users=sorted(user.pk for user in entry.recipient_users.all()),
        recipient_groups=sorted(group.pk for group in entry.recipient_groups.all()),
        published_at=entry.published_at, year=entry.year, version=entry.version,
    )


def _fetch(entries: Iterable[SearchEntry]) -> list[SearchEntry]:
    """The entries as stored now, with everything a document needs in a few queries."""
    ids = [entry.pk for entry in entries]
    return list(SearchEntry.objects.filter(pk__in=ids).select_related("source_organisation")
                .prefetch_related("topics", "audiences", *access.GRANT_RELATIONS).order_by("pk"))


def _bulk(client: Elasticsearch, index: str, entries, **options) -> int:
    actions = ({"_op_type": "index", "_index": index, "_id": entry.pk,
                "_source": document_from_entry(entry).to_dict()} for entry in _fetch(entries))
    done, _errors = helpers.bulk(client.options(request_timeout=WRITE_TIMEOUT), actions,
                                 **options)  # raises BulkIndexError on any failed document
    return done


def index_entries(entries) -> int:
    """Index (or re-index) entries into the live alias."""
    # require_alias: before the first rebuild there is no alias, and writing to the name would
    # make Elasticsearch create an index with guessed mappings that later blocks the alias.
    return _bulk(connection(), alias_name(), entries, require_alias=True)


def indexed_versions() -> dict[int, str]:
    """Every document's id and indexed version, read with a scroll (for the drift check)."""
    hits = helpers.scan(connection().options(request_timeout=WRITE_TIMEOUT),
                        index=alias_name(), query={"query": {"match_all": {}}},
                        _source=["version"])
    return {int(hit["_id"]): hit["_source"].get("version", "") for hit in hits}


def delete_entry(entry_id: int) -> None:
    connection().options(ignore_status=404).delete(index=alias_name(), id=entry_id)


@contextmanager
def rebuilding_index():
    """Yields ``send(entries)``, which indexes into a new index; on success the alias moves to
    it and the old indices are deleted, on failure the new index is deleted and the alias is
    left alone."""
    client = connection().options(request_timeout=WRITE_TIMEOUT)
    alias = alias_name()
    new = f"{alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    client.indices.create(index=new, **index_body())
    try:
        yield lambda entries: _bulk(client, new, entries)
        client.indices.refresh(index=new)
        old = [name for name in _indices_behind(client, alias) if name != new]
        actions = [{"remove": {"index": name, "alias": alias}} for name in old]
        if client.indices.exists(index=alias) and not old:
            # A concrete index squats on the alias name (made by hand, or by a write before
            # there was an alias); remove it in the same atomic call.
            actions.append({"remove_index": {"index": alias}})
        actions.append({"add": {"index": new, "alias": alias}})
        client.indices.update_aliases(actions=actions)
    except BaseException:
        try:
            client.options(ignore_status=404).indices.delete(index=new)
        except Exception:
            log.exception("Could not delete the unfinished index %s", new)
        raise
    for name in old:
        client.options(ignore_status=404).indices.delete(index=name)
    log.info("Search index %s now points at %s", alias, new)


def _indices_behind(client: Elasticsearch, alias: str) -> list[str]:
    """The concrete indices the alias points at (none if it does not exist yet)."""
    found = client.options(ignore_status=404).indices.get_alias(name=alias)
    if found.meta.status == 404:
        return []
    return sorted(name for name, info in found.body.items() if alias in info.get("aliases", {}))


# -- access ----------------------------------------------------------------------------------
def access_filter(principal: access.Principal) -> Q:
    """What ``principal`` may see, as a query: one clause per grant, any may match."""
    clauses = []
    for grant in access.grants(principal):
        conditions = [Q("term", tlp=grant.label.value)]
        if grant.field is not None:
            field = GRANT_FIELDS[grant.field]  # KeyError, not a silently wider filter
            conditions.append(Q("terms", **{field: sorted(grant.values)}))
        clauses.append(Q("bool", filter=conditions))
    return Q("bool", should=clauses, minimum_should_match=1)
