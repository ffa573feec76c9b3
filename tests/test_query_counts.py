"""Pinned query counts: a change that adds a query to a page fails here, naming the page.

Each page is requested once to warm what a running process keeps (Wagtail's site roots), then
counted. A new count is fine when it is deliberate: update the pin in the same change.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.core.tlp import TLP

# (page, reader) -> queries, measured on this world. Signed-in pages cost more: the session,
# the user, their verified emails and memberships (the principal), their unread
# notifications, and what they may see.
# Search differs by database: PostgreSQL scopes its planner settings with SET LOCAL statements.
# The anonymous search finds one item, so the relaxed (most-words) match runs after it.
PINS = {
    ("home", "anonymous"): 11,
    ("home", "source_member"): 19,
    ("library", "anonymous"): 13,
    ("library", "source_member"): 21,
    ("item", "anonymous"): 21,
    ("item", "source_member"): 29,
    ("topic", "anonymous"): 12,
    ("topic", "source_member"): 20,
    ("search", "anonymous"): {"sqlite": 23, "postgresql": 33},
    ("search", "source_member"): {"sqlite": 24, "postgresql": 31},
}
# Building one digest chunk (Zulip's way: the count does not grow with the chunk).
DIGEST_CHUNK_PIN = 10


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
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    queries = "\n".join(q["sql"][:200] for q in context.captured_queries)
    assert len(context.captured_queries) == pinned((page, reader)), (
        f"{page} page for {reader}: {len(context.captured_queries)} queries, "
        f"pinned at {pinned((page, reader))}:\n{queries}")


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
