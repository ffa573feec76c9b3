"""Change notes and followers: what happens when an item's revision is published.

The note written on the page is recorded as a :class:`~cms.models.ChangeNote` and cleared on
the page. A major change is told to the item's followers who may still see it (asked of the
access policy now, with the item as just published): at once through the notifications, or in
their digest's "Updated" section if they chose that and get a digest. The digests feature says
who gets a digest (:func:`digest_readers_from`), so this layer imports nothing above it.
"""

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import PageLogEntry

from cms.access import item_policy
from portal.core import access
from portal.core.notifications import kinds
from portal.core.notifications.sending import notify

ITEM_CHANGED = "cms.followed_item_changed"
CHANGE_NOTE_ACTION = "cms.change_note"  # its entry in the page's Wagtail history

# Who of these user ids gets an email digest; set by the digests feature.
_digest_readers: Callable[[Iterable[int]], set[int]] | None = None


def register_kinds():
    kinds.register(ITEM_CHANGED, "Major changes to items you follow")


def digest_readers_from(func: Callable[[Iterable[int]], set[int]]):
    """Called by the digests feature: ``func(user_ids)`` answers who of them gets a digest."""
    global _digest_readers
    _digest_readers = func


def record_change(page, revision):
    """On publication: record the page's change note (not for a first publication), clear it
    on the page and tell the followers of a major change. Returns the ChangeNote or None."""
    from cms.models import ChangeNote, ItemPage

    note, major = (page.change_note or "").strip(), page.change_is_major
    if not note and not major:
        return None
    ItemPage.objects.filter(pk=page.pk).update(change_note="", change_is_major=False)
    page.change_note, page.change_is_major = "", False
    published_before = (PageLogEntry.objects.filter(page=page, action="wagtail.publish")
                        .exclude(revision=revision).exists())
    if not published_before or not note:
        return None
    change = ChangeNote.objects.create(page_id=page.pk, revision=revision, note=note,
                                       major=major, published_at=timezone.now(),
                                       author=revision.user if revision else None)
    log(instance=page, action=CHANGE_NOTE_ACTION, user=change.author, revision=revision,
        data={"note": note, "major": major})
    if major:
        tell_followers(page, author=change.author)
    return change


def followers_who_may_see(page) -> list:
    """The item's active followers whom the item policy lets see it as it is now."""
    followers = list(get_user_model().objects.filter(follows__page_id=page.pk, is_active=True))
    principals = access.principals_for_users(followers)
    item = access.Snapshot.of(page)
    return [user for user in followers
            if access.viewer(principals.get(user.pk, access.ANONYMOUS), item_policy.rule)(item)]


def tell_followers(page, author=None) -> list:
    """Notify, at once, the followers who may see ``page`` and do not hear of changes in a
    digest (nor the change's author). The title is the item's title, which each may see."""
    from cms.models import FollowPreference, UpdatesBy

    people = [user for user in followers_who_may_see(page) if user != author]
    ids = [user.pk for user in people]
    by_digest = set(FollowPreference.objects.filter(
        user_id__in=ids, updates=UpdatesBy.DIGEST).values_list("user_id", flat=True))
    # Asked for a digest but get none (no active subscription): told at once instead.
    by_digest &= _digest_readers(by_digest) if by_digest and _digest_readers else set()
    at_once = [user for user in people if user.pk not in by_digest]
    return notify(at_once, ITEM_CHANGED, f"Changed: {page.title}", page.url or "")
