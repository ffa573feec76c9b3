"""Queue re-indexing after commit whenever an item's searchable or access state changes.

Labels and recipients live on the page and change only by publishing (Wagtail saves the
page's many-to-many fields with its revision), so publishing covers them.
"""

from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import ItemPage
from portal.core.organisations.models import SharingGroup
from portal.core.organisations.signals import sharing_group_changed


def queue(page_id: int) -> None:
    from search.indexing import apply_access_now
    from search.tasks import index_item

    def after_commit():
        apply_access_now(page_id)  # narrowing access never waits for the queue
        index_item.delay(page_id)

    transaction.on_commit(after_commit)


def _is_item(instance) -> bool:
    return isinstance(instance, ItemPage)


@receiver(page_published)
@receiver(page_unpublished)
def item_published_or_unpublished(sender, instance, **kwargs):
    if _is_item(instance):
        queue(instance.pk)


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    # Moving a page moves its descendants too: their URLs change.
    for page in instance.get_descendants(inclusive=True).type(ItemPage).only("pk"):
        queue(page.pk)


@receiver(post_delete)
def item_deleted(sender, instance, **kwargs):
    if _is_item(instance):
        queue(instance.pk)


@receiver(sharing_group_changed)
def sharing_group_changed_items(sender, group_ids, **kwargs):
    # Entries hold the group ids, and readers' groups are read live (portal.core.access), so
    # access is already right; re-checking the items keeps their entries' fingerprints honest.
    for page_id in ItemPage.objects.filter(recipient_groups__in=group_ids).values_list(
            "pk", flat=True).distinct():
        queue(page_id)


@receiver(pre_delete, sender=SharingGroup)
def sharing_group_deleted_items(sender, instance, **kwargs):
    # The items' links to a deleted group are gone before sharing_group_changed is heard, so
    # the items that named it are found now.
    sharing_group_changed_items(sender, group_ids=[instance.pk])
