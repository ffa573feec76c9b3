"""What the organisations app announces, for higher layers to act on.

``organisation_approved`` is sent whenever an approved organisation is saved (on approval and on
later edits), so receivers must be idempotent. The CMS listens to set up the organisation's
section, collection, groups and workflow; the core itself knows nothing of pages.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from portal.core.caching import content_changed
from portal.core.organisations.models import Organisation, SharingGroup

organisation_approved = Signal()  # sender=Organisation, organisation=<Organisation>


@receiver(post_save, sender=Organisation)
def announce_approval(sender, instance, **kwargs):
    if instance.is_approved:
        organisation_approved.send(sender=Organisation, organisation=instance)


# A sharing group's membership is read when an item is read (portal.core.access): nothing the
# item or its search entry holds changes with it, but pages that say who an item is shared
# with do, so the content version moves; higher layers hear of it (search re-checks the items).
sharing_group_changed = Signal()  # sender=SharingGroup, group_ids=<list of ids>


def _groups_changed(group_ids):
    content_changed()
    ids = sorted(group_ids)
    transaction.on_commit(
        lambda: sharing_group_changed.send(sender=SharingGroup, group_ids=ids))


@receiver(post_save, sender=SharingGroup)
@receiver(post_delete, sender=SharingGroup)
def group_saved_or_deleted(sender, instance, **kwargs):
    _groups_changed([instance.pk])


@receiver(m2m_changed, sender=SharingGroup.organisations.through)
def group_membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_"):
        # Reverse: an organisation's groups changed (pk_set: groups; None on clear).
        _groups_changed((pk_set or []) if reverse else [instance.pk])
