"""Building digests: which new items each subscriber gets, decided at send time.

A chunk of subscribers is built in a fixed number of queries, however many subscribers or
items it holds: the window's new items, the subscribers, their subscriptions and their
principals are each loaded once; saved-search text is matched in one query; every subscriber's
items are then chosen in Python with the access policy's predicate.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model

from portal import access
from portal.tlp import TLP
from search.engines import get_backend

GROUP_ORDER = ["guidance", "case-studies", "standards", "scenarios"]


@dataclass
class DigestItem:
    id: int
    title: str
    summary: str
    url: str
    tlp: TLP
    kind: str
    kind_name: str
    organisation: str

    def get_tlp_display(self):
        return self.tlp.label


@dataclass
class Digest:
    user: object
    frequency: str
    items: list[DigestItem] = field(default_factory=list)

    @property
    def highest_label(self) -> TLP | None:
        return max((item.tlp for item in self.items), key=lambda t: t.rank, default=None)

    @property
    def groups(self) -> list[tuple[str, list[DigestItem]]]:
        by_kind = defaultdict(list)
        for item in self.items:
            by_kind[item.kind].append(item)
        return [(by_kind[kind][0].kind_name, by_kind[kind])
                for kind in GROUP_ORDER if by_kind.get(kind)]

    @property
    def subject(self) -> str:
        count = len(self.items)
        label = f"[{self.highest_label.label}] " if self.items else ""
        what = f"{count} new item{'s' if count != 1 else ''}"
        return (f"{label}Your {self.frequency} digest: {what} on "
                f"{settings.WAGTAIL_SITE_NAME}")


def new_items(window_start, window_end):
    """Live items first published in the window, with what matching and access need."""
    from cms.models import ItemPage

    return list(
        ItemPage.objects.live()
        .filter(first_published_at__gt=window_start, first_published_at__lte=window_end)
        .select_related("source_organisation")
        .prefetch_related("topics", "audiences", "recipient_organisations", "recipient_users")
        .order_by("-first_published_at", "-pk")
    )


def matches(request, page, text_hits) -> bool:
    """Does ``page`` satisfy a saved search? The same filters as the search service."""
    org = page.source_organisation
    checks = [
        (request.types, lambda: {page.specific_class.kind_slug}),
        (request.topics, lambda: {t.slug for t in page.topics.all()}),
        (request.audiences, lambda: {a.slug for a in page.audiences.all()}),
        (request.organisation_kinds, lambda: {org.kind}),
        (request.organisations, lambda: {org.slug}),
        (request.labels, lambda: {page.tlp}),
        (request.years, lambda: {page.first_published_at.year}),
    ]
    for wanted, actual in checks:
        if wanted and not set(wanted) & actual():
            return False
    return not request.text or page.pk in text_hits.get(request.text, set())


def build_chunk(frequency, window_start, window_end, user_ids) -> list[Digest]:
    """The digests of ``user_ids`` for one window, in a fixed number of queries."""
    from portal.digests.models import Subscription

    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))
    subscriptions = defaultdict(list)
    for subscription in Subscription.objects.filter(
        user_id__in=[u.pk for u in users], frequency=frequency, active=True
    ):
        subscriptions[subscription.user_id].append(subscription.search_request)
    items = new_items(window_start, window_end)
    texts = sorted({r.text for rs in subscriptions.values() for r in rs if r.text})
    text_hits = get_backend("database").match_texts(texts, [p.pk for p in items]) if texts else {}
    principals = access.principals_for_users(users)
    base_url = settings.PORTAL_BASE_URL

    digests = []
    for user in users:
        digest = Digest(user=user, frequency=frequency)
        principal = principals.get(user.pk, access.ANONYMOUS)
        for page in items:
            if not access.can_view(principal, page):
                continue
            if any(matches(request, page, text_hits) for request in subscriptions[user.pk]):
                cls = page.specific_class
                digest.items.append(DigestItem(
                    id=page.pk, title=page.title, summary=page.summary,
                    url=base_url + page.url, tlp=TLP(page.tlp), kind=cls.kind_slug,
                    kind_name=cls._meta.verbose_name_plural.capitalize(),
                    organisation=page.source_organisation.name,
                ))
        digests.append(digest)
    return digests
