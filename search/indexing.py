"""Keeping the search index in step with the items.

Every change goes through :func:`sync_item`: a live item gets its entry written (and sent to
Elasticsearch when that backend is on), anything else has its entry removed. Signals queue it
as Celery work after the transaction commits (search.signals); :func:`rebuild` does everything
in bulk, and :func:`repair_drift` finds and fixes entries that disagree with the items.
"""

import hashlib
import logging

from django.db import transaction

from portal.core import access
from portal.core.caching import content_changed
from search.extract import body_text
from search.models import SearchEntry

log = logging.getLogger(__name__)


def fingerprint(page, topics, audiences, org_ids, user_ids, group_ids=()) -> str:
    """Changes whenever anything the index holds about the item changes, a renamed topic or
    audience included (their names are searched)."""
    parts = [page.live_revision_id, page.url_path, page.tlp, page.owner_id,
             sorted((t.pk, t.name) for t in topics), sorted((a.pk, a.name) for a in audiences),
             sorted(org_ids), sorted(user_ids), sorted(group_ids)]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def tags_text(topics, audiences) -> str:
    """The searched names of an item's topics and audiences (SearchEntry.tags)."""
    return " · ".join(sorted(t.name for t in topics) + sorted(a.name for a in audiences))


def id_key(ids) -> str:
    """A facet key: sorted ids, comma-separated (SearchEntry.topic_ids)."""
    return ",".join(str(pk) for pk in sorted(ids))


def entry_for(page):
    """The entry for a live item, with its many-to-many ids (not saved)."""
    page = page.specific
    topics, audiences = list(page.topics.all()), list(page.audiences.all())
    topic_ids = [t.pk for t in topics]
    audience_ids = [a.pk for a in audiences]
    org_ids = [o.pk for o in page.recipient_organisations.all()]
    user_ids = [u.pk for u in page.recipient_users.all()]
    group_ids = [g.pk for g in page.recipient_groups.all()]
    published = page.first_published_at or page.last_published_at
    entry = SearchEntry(
        id=page.pk, url=page.url or "", title=page.title, summary=page.summary,
        body=body_text(page), item_type=page.type_slug,
        source_organisation_id=page.source_organisation_id,
        organisation_type=page.source_organisation.organisation_type,
        published_at=published, year=published.year, tlp=page.tlp, owner_id=page.owner_id,
        topic_ids=id_key(topic_ids), audience_ids=id_key(audience_ids),
        tags=tags_text(topics, audiences),
        version=fingerprint(page, topics, audiences, org_ids, user_ids, group_ids),
    )
    return entry, {"topics": topic_ids, "audiences": audience_ids,
                   "recipient_organisations": org_ids, "recipient_users": user_ids,
                   "recipient_groups": group_ids}


def _live_item(page_id):
    from cms.models import ItemPage

    return (ItemPage.objects.live().filter(pk=page_id)
            .select_related("source_organisation").first())


@transaction.atomic
def write_entry(page) -> SearchEntry:
    entry, relations = entry_for(page)
    entry.save()
    for name, ids in relations.items():
        getattr(entry, name).set(ids)
    return entry


def sync_item(page_id: int) -> str:
    """Make the index agree with item ``page_id``. Returns what was done."""
    from search import engines

    page = _live_item(page_id)
    if page is None:
        deleted, _ = SearchEntry.objects.filter(pk=page_id).delete()
        engines.remove_from_external(page_id)
        content_changed()  # after the write: cached results must not outlive the old entry
        return "removed" if deleted else "absent"
    entry = write_entry(page)
    engines.send_to_external([entry])
    content_changed()
    return "indexed"


def apply_access_now(page_id: int) -> None:
    """Bring an entry's access fields up to date (or remove it) at once, so search never shows
    an item to its old audience while the full re-index waits in the queue."""
    page = _live_item(page_id)
    entry = SearchEntry.objects.filter(pk=page_id).first()
    if entry is None:
        return
    if page is None:
        entry.delete()
    else:
        SearchEntry.objects.filter(pk=page_id).update(
            tlp=page.tlp, owner_id=page.owner_id,
            source_organisation_id=page.source_organisation_id)
        entry.recipient_organisations.set(page.recipient_organisations.all())
        entry.recipient_users.set(page.recipient_users.all())
        entry.recipient_groups.set(page.recipient_groups.all())
    content_changed()  # after the write, so no cached result keeps the old audience


def rebuild(batch_size=500, progress=None) -> int:
    """Re-index every live item in bulk; ``progress(done, total)`` is called per batch."""
    from cms.models import ItemPage
    from search import engines

    pages = (ItemPage.objects.live().select_related("source_organisation")
             .prefetch_related("topics", "audiences", *access.GRANT_RELATIONS).order_by("pk"))
    total = pages.count()
    done = 0
    live_ids = set()
    with engines.external_rebuild() as send:
        for start in range(0, total, batch_size):
            batch = list(pages[start:start + batch_size])
            entries = [write_entry(page) for page in batch]
            live_ids.update(entry.pk for entry in entries)
            send(entries)
            done += len(batch)
            if progress:
                progress(done, total)
    SearchEntry.objects.exclude(pk__in=live_ids).delete()
    content_changed()
    return done


def find_drift():
    """Ids to index (missing or stale) and ids to remove (no longer live)."""
    from cms.models import ItemPage

    pages = (ItemPage.objects.live().prefetch_related(
        "topics", "audiences", *access.GRANT_RELATIONS))
    expected = {}
    for page in pages:
        expected[page.pk] = fingerprint(
            page, page.topics.all(), page.audiences.all(),
            [o.pk for o in page.recipient_organisations.all()],
            [u.pk for u in page.recipient_users.all()],
            [g.pk for g in page.recipient_groups.all()],
        )
    indexed = dict(SearchEntry.objects.values_list("pk", "version"))
    stale = sorted(pk for pk, version in expected.items() if indexed.get(pk) != version)
    gone = sorted(set(indexed) - set(expected))
    return stale, gone


def repair_drift() -> dict:
    """Repair the database entries against the items, then the external engine against the
    entries; returns the ids fixed at each step."""
    from search import engines

    stale, gone = find_drift()
    for page_id in stale + gone:
        sync_item(page_id)
    report = {"reindexed": stale, "removed": gone, **engines.repair_external_drift()}
    if any(report.values()):
        log.warning("Search index drift repaired: %s",
                    ", ".join(f"{len(ids)} {what}" for what, ids in report.items()))
    return report
