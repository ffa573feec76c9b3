"""Building digests: which new items each subscriber gets, decided at send time.

A chunk of subscribers is built in a fixed number of queries, however many subscribers or
items it holds: the window's new items, the subscribers, their subscriptions and their
principals are each loaded once; saved-search text is matched in one query; every subscriber's
items are then chosen in Python with the access policy's predicate. Whatever does not depend on
the subscriber (an item's facets, access fields, URL) is worked out once per item.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.auth import get_user_model

from cms.models.items import ITEM_TYPES_BY_SLUG
from portal.core import access
from portal.core.tlp import TLP
from search.engines import get_backend
from search.query import InvalidSearch

log = logging.getLogger(__name__)




@dataclass
class DigestItem:
    id: int
    title: str
    summary: str
    url: str
    tlp: TLP
    item_type: str
    type_name: str
    organisation: str
    # Which of the reader's subscriptions matched, as "Name (weekly)": set per reader.
    matched: tuple[str, ...] = ()

    def get_tlp_display(self):
        return self.tlp.label


@dataclass
class Candidate:
    """One new item as digests see it: its display, its facets and its access fields."""

    item: DigestItem
    facets: dict[str, set]
    access: dict[str, set[int]]

    @property
    def tlp(self) -> str:
        return self.item.tlp.value

    def access_values(self, field_name: str) -> set[int]:
        return self.access[field_name]


@dataclass
class UpdatedItem:
    """A followed item with a major change in the window. ``note`` only for TLP:CLEAR items:
    an email carries no restricted text beyond the title."""

    id: int
    title: str
    url: str
    tlp: TLP
    changed_at: object
    note: str = ""

    def get_tlp_display(self):
        return self.tlp.label


@dataclass
class Digest:
    user: object
    frequency: str
    items: list[DigestItem] = field(default_factory=list)
    updated: list[UpdatedItem] = field(default_factory=list)
    # The subscriptions that matched at least one item, id -> "Name (weekly)" (unsubscribing).
    subscriptions: dict[int, str] = field(default_factory=dict)

    @property
    def has_news(self) -> bool:
        return bool(self.items or self.updated)

    @property
    def highest_label(self) -> TLP | None:
        return max((item.tlp for item in [*self.items, *self.updated]), key=lambda t: t.rank,
                   default=None)

    @property
    def groups(self) -> list[tuple[str, list[DigestItem]]]:
        by_type = defaultdict(list)
        for item in self.items:
            by_type[item.item_type].append(item)
        return [(by_type[slug][0].type_name, by_type[slug])
                for slug in ITEM_TYPES_BY_SLUG if by_type.get(slug)]

    @property
    def subject(self) -> str:
        count = len(self.items)
        label = f"[{self.highest_label.label}] " if self.has_news else ""
        what = f"{count} new item{'s' if count != 1 else ''}"
        if self.updated:
            what += f", {len(self.updated)} updated"
        return (f"{label}Your {self.frequency} digest: {what} on "
                f"{settings.WAGTAIL_SITE_NAME}")


def new_items(window_start, window_end) -> list[Candidate]:
    """Live items first published in the window, newest first."""
    from cms.models import ItemPage

    pages = (ItemPage.objects.live()
             .filter(first_published_at__gt=window_start, first_published_at__lte=window_end)
             .select_related("source_organisation")
             .prefetch_related("topics", "audiences", *access.GRANT_RELATIONS)
             .order_by("-first_published_at", "-pk"))
    candidates = []
    for page in pages:
        cls, org = page.specific_class, page.source_organisation
        candidates.append(Candidate(
            item=DigestItem(
                id=page.pk, title=page.title, summary=page.summary,
                url=settings.PORTAL_BASE_URL + page.url, tlp=TLP(page.tlp),
                item_type=cls.type_slug, type_name=str(cls._meta.verbose_name_plural).capitalize(),
                organisation=org.name),
            facets={
                "types": {cls.type_slug}, "topics": {t.slug for t in page.topics.all()},
                "audiences": {a.slug for a in page.audiences.all()},
                "organisation_types": {org.organisation_type}, "organisations": {org.slug},
                "labels": {page.tlp}, "years": {page.first_published_at.year},
            },
            access=access.Snapshot.of(page).values,
        ))
    return candidates


def matches(request, candidate: Candidate, text_hits) -> bool:
    """Does the item satisfy a saved search? The same filters as the search service."""
    for attr, values in candidate.facets.items():
        wanted = getattr(request, attr)
        if wanted and values.isdisjoint(wanted):
            return False
    return not request.text or candidate.item.id in text_hits.get(request.text, ())


@dataclass
class SavedSearch:
    """One of a reader's subscriptions, as building needs it."""

    id: int
    label: str  # "Supply chain (weekly)", what the email says matched
    request: object


def saved_search(subscription) -> SavedSearch:
    """Raises InvalidSearch for criteria saved before a type or label was withdrawn."""
    return SavedSearch(subscription.pk,
                       f"{subscription.name} ({subscription.get_frequency_display().lower()})",
                       subscription.search_request)


def pick_items(saved: list[SavedSearch], candidates, may_see, text_hits):
    """The reader's items, each a copy naming the subscriptions that matched it, and those
    subscriptions (id -> label)."""
    items, matched_any = [], {}
    for candidate in candidates:
        if not may_see(candidate):
            continue
        matched = [s for s in saved if matches(s.request, candidate, text_hits)]
        if matched:
            items.append(replace(candidate.item, matched=tuple(s.label for s in matched)))
            matched_any.update((s.id, s.label) for s in matched)
    return items, matched_any


def build_chunk(frequency, window_start, window_end, user_ids) -> list[Digest]:
    """The digests of ``user_ids`` for one window, in a fixed number of queries."""
    from portal.features.digests.models import Subscription

    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))
    subscriptions = defaultdict(list)
    for subscription in Subscription.objects.filter(
        user_id__in=[u.pk for u in users], frequency=frequency, active=True
    ):
        try:
            subscriptions[subscription.user_id].append(saved_search(subscription))
        except InvalidSearch as error:  # saved before a type or label was withdrawn
            log.warning("Skipping subscription %s: %s", subscription.pk, error)
    candidates = new_items(window_start, window_end)
    texts = sorted({s.request.text for ss in subscriptions.values() for s in ss
                    if s.request.text})
    text_hits = (get_backend("database").match_texts(texts, [c.item.id for c in candidates])
                 if texts and candidates else {})
    principals = access.principals_for_users(users)

    digests = []
    for user in users:
        may_see = access.viewer(principals.get(user.pk, access.ANONYMOUS))
        items, matched = pick_items(subscriptions[user.pk], candidates, may_see, text_hits)
        digests.append(Digest(user=user, frequency=frequency, items=items,
                              subscriptions=matched))
    add_updated_items(digests, frequency, window_start, window_end, principals)
    return digests


# The "Updated" section: major changes of items the subscriber follows (cms.following), for
# those who chose to hear of them in their digest. A person with daily and weekly digests gets
# them in the daily one. Access is checked now, as for new items.


def digest_readers(user_ids) -> set[int]:
    """Who of ``user_ids`` gets a digest (an active subscription): told to cms.following."""
    from portal.features.digests.models import Subscription

    return set(Subscription.objects.filter(user_id__in=list(user_ids), active=True)
               .values_list("user_id", flat=True))


def add_updated_items(digests, frequency, window_start, window_end, principals):
    """Fill each digest's ``updated`` list, in a fixed number of queries (one when nothing
    changed in the window)."""
    from cms.models import ChangeNote, Follow, FollowPreference, ItemPage, UpdatesBy
    from portal.features.digests.models import Frequency, Subscription

    latest = {}  # page id -> (note, when) of its last major change in the window
    for page_id, note, when in ChangeNote.objects.filter(
            major=True, published_at__gt=window_start, published_at__lte=window_end
    ).order_by("published_at").values_list("page_id", "note", "published_at"):
        latest[page_id] = (note, when)
    by_user = {digest.user.pk: digest for digest in digests}
    if not latest or not by_user:
        return
    follows = defaultdict(list)
    for user_id, page_id in Follow.objects.filter(
            user_id__in=list(by_user), page_id__in=list(latest)).values_list("user_id",
                                                                             "page_id"):
        follows[user_id].append(page_id)
    wanted = set(FollowPreference.objects.filter(
        user_id__in=list(follows), updates=UpdatesBy.DIGEST).values_list("user_id", flat=True))
    if wanted and frequency != Frequency.DAILY:
        wanted -= set(Subscription.objects.filter(
            user_id__in=list(wanted), frequency=Frequency.DAILY, active=True,
        ).values_list("user_id", flat=True))
    if not wanted:
        return
    pages = {page.pk: page for page in ItemPage.objects.live().filter(
        pk__in={page_id for user_id in wanted for page_id in follows[user_id]},
    ).prefetch_related(*access.GRANT_RELATIONS)}
    access_of = {pk: access.Snapshot.of(page) for pk, page in pages.items()}
    for user_id in wanted:
        digest = by_user[user_id]
        may_see = access.viewer(principals.get(user_id, access.ANONYMOUS))
        new = {item.id for item in digest.items}
        for page_id in sorted(follows[user_id], key=lambda pk: latest[pk][1], reverse=True):
            page = pages.get(page_id)
            if page is None or page_id in new:
                continue
            if not may_see(access_of[page_id]):
                continue
            note, when = latest[page_id]
            digest.updated.append(UpdatedItem(
                id=page_id, title=page.title, url=settings.PORTAL_BASE_URL + page.url,
                tlp=TLP(page.tlp), changed_at=when, note=note if page.tlp == TLP.CLEAR else ""))
