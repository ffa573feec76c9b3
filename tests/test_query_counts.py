"""Pinned query counts: a change that adds a query to a page fails here, naming the page.

Each page is requested once to warm what a running process keeps (Wagtail's site roots), then
counted twice: right after a content change (the content version moved, so every cached page
and fragment is rebuilt) and again with the caches warm. A new count is fine when it is
deliberate: update the pin in the same change.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.core.caching import bump_content_version
from portal.core.tlp import TLP

# (page, reader) -> (queries after a content change, queries with warm caches), measured on
# this world. With warm caches a page comes whole from the page cache: for a signed-in reader
# that still costs the session, the user, their verified emails and memberships (their grants,
# so a suspension counts at once), whether their role needs two-factor sign-in and a shorter
# session (their permissions, the moderators group, a publisher or admin membership), whether
# they are an editor (editors get no shared pages) and their unread notifications (the header's
# personal part).
# After a change, a Wagtail page also asks whether Wagtail's own privacy covers it (two
# queries): such pages are never shared.
# An item page reads its history of major changes (in its shared fragment) and, for a
# signed-in reader, whether they follow it (its follow button is a personal part, so this
# query runs on a cached page too).
# Search differs by database: PostgreSQL scopes its planner settings with SET LOCAL statements.
# The anonymous search finds one item, so the relaxed (most-words) match runs after it.
PINS = {
    ("home", "anonymous"): (13, 0),
    ("home", "source_member"): (24, 10),
    ("library", "anonymous"): (15, 0),
    ("library", "source_member"): (26, 10),
    ("item", "anonymous"): (20, 0),
    ("item", "source_member"): (32, 11),
    ("topic", "anonymous"): (14, 0),
    ("topic", "source_member"): (25, 10),
    ("search", "anonymous"): {"sqlite": (22, 0), "postgresql": (32, 0)},
    ("search", "source_member"): {"sqlite": (26, 10), "postgresql": (33, 10)},
}
# Building one digest chunk (Zulip's way: the count does not grow with the chunk): 12 since
# sharing groups (the items' recipient groups are prefetched for the access check) and the
# "Updated" section (one query for major changes in the window; none here, so no more).
DIGEST_CHUNK_PIN = 12


def pinned(key):
    pin = PINS[key]
    return pin[connection.vendor] if isinstance(pin, dict) else pin


def page_url(world, page):
    from cms.models import LibraryPage, TopicIndexPage

    if page == "home":
        return "/"
    if page == "library":
        return LibraryPage.objects.live().get(slug="guidance").url
    if page == "item":
        return world.items[TLP.CLEAR].url
    if page == "topic":
        return TopicIndexPage.objects.live().get().url + f"{world.topic.slug}/"
    return "/search/?q=matrix+marker"


@pytest.mark.parametrize(("page", "reader"), list(PINS))
def test_page_query_count_is_pinned(client_for, world, page, reader):
    client = client_for(reader)
    url = page_url(world, page)
    assert client.get(url).status_code == 200
    counts = []
    for when in ("after a change", "cached"):
        if when == "after a change":
            bump_content_version()
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(context.captured_queries))
        print(f"{page} page for {reader}, {when}: {counts[-1]} queries")
        for query in context.captured_queries:
            print("   ", query["sql"][:200])
    assert tuple(counts) == pinned((page, reader)), (
        f"{page} page for {reader}: {tuple(counts)} queries (after a change, cached), "
        f"pinned at {pinned((page, reader))}; the queries are printed above")


def test_building_a_digest_chunk_query_count_is_pinned(world):
    from datetime import timedelta

    from django.utils import timezone

    from cms.models import ItemPage
    from portal.features.digests.building import build_chunk
    from portal.features.digests.models import Subscription

    now = timezone.now()
    ItemPage.objects.update(first_published_at=now - timedelta(hours=12))
    readers = [world.users[role] for role in ("source_member", "other_member", "red_recipient")]
    for reader in readers:
        Subscription.objects.create(user=reader, name="Supply chain", frequency="daily",
                                    criteria="topic=supply-chain&q=matrix")
    ids = [reader.pk for reader in readers]
    build_chunk("daily", now - timedelta(days=1), now, ids)  # warm the site roots
    with CaptureQueriesContext(connection) as context:
        digests = build_chunk("daily", now - timedelta(days=1), now, ids)
    assert len(digests) == len(readers)
    assert len(context.captured_queries) == DIGEST_CHUNK_PIN, (
        f"digest chunk: {len(context.captured_queries)} queries, pinned at "
        f"{DIGEST_CHUNK_PIN}")
