"""A synthetic library written straight into the search index, without pages: for measuring
search at sizes (100,000 items and more) that would take hours to build as Wagtail pages.
The entries are chosen and worded as cms.synthetic's items are."""

import time

from django.db import transaction

from cms.synthetic import SyntheticItems
from search.indexing import id_key
from search.models import SearchEntry

BATCH = 1000
RELATIONS = ("topics", "audiences", "recipient_organisations", "recipient_users")


class SyntheticIndex(SyntheticItems):
    def entry(self, pk: int) -> tuple[SearchEntry, dict]:
        """Entry ``pk`` (unsaved) and the ids of its many-to-many relations."""
        spec = self.choose()
        org = spec["organisation"]
        published = spec["published_at"]
        entry = SearchEntry(
            id=pk, url=f"/organisations/{org.slug}/item-{pk}/", title=self.text.title(),
            summary=self.text.summary(), body=self.text.body(), item_type=spec["type"],
            source_organisation_id=org.pk, organisation_type=org.organisation_type,
            published_at=published, year=published.year, tlp=spec["label"],
            owner_id=self.rng.choice(self.people).pk if self.rng.random() < 0.7 else None,
            version=f"synthetic-{pk:x}",
        )
        entry.topic_ids, entry.audience_ids = id_key(spec["topic_ids"]), id_key(
            spec["audience_ids"])
        relations = {
            "topics": spec["topic_ids"],
            "audiences": spec["audience_ids"],
            "recipient_organisations": [o.pk for o in spec["recipient_organisations"]],
            "recipient_users": [u.pk for u in spec["recipient_users"]],
        }
        return entry, relations

    def write(self, first: int, count: int, progress=None) -> dict:
        """Entries ``first`` .. ``first + count - 1``, bulk-written in batches; returns the
        seconds spent writing (making the text excluded) and the entries per second.
        ``progress(done)`` is called every ten seconds or so."""
        throughs = {}
        for name in RELATIONS:
            relation = getattr(SearchEntry, name)
            throughs[name] = (relation.through, relation.field.m2m_field_name() + "_id",
                              relation.field.m2m_reverse_field_name() + "_id")
        write_s = 0.0
        done = 0
        last_progress = time.monotonic()
        while done < count:
            size = min(BATCH, count - done)
            entries = []
            rows = {name: [] for name in throughs}
            for pk in range(first + done, first + done + size):
                entry, relations = self.entry(pk)
                entries.append(entry)
                for name, ids in relations.items():
                    model, own, other = throughs[name]
                    rows[name] += [model(**{own: pk, other: i}) for i in ids]
            started = time.perf_counter()
            with transaction.atomic():
                SearchEntry.objects.bulk_create(entries)
                for name, objs in rows.items():
                    throughs[name][0].objects.bulk_create(objs)
            write_s += time.perf_counter() - started
            done += size
            if progress is not None and time.monotonic() - last_progress > 10:
                progress(done)
                last_progress = time.monotonic()
        return {"entries": count, "seconds": write_s,
                "per_s": count / write_s if write_s else None}
