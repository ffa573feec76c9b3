"""What the organisations app announces, for higher layers to act on.

``organisation_approved`` is sent whenever an approved organisation is saved (on approval and on
later edits), so receivers must be idempotent. The CMS listens to set up the organisation's
section, collection, groups and workflow; the core itself knows nothing of pages.
"""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from portal.core.organisations.models import Organisation

organisation_approved = Signal()  # sender=Organisation, organisation=<Organisation>


@receiver(post_save, sender=Organisation)
def announce_approval(sender, instance, **kwargs):
    if instance.is_approved:
        organisation_approved.send(sender=Organisation, organisation=instance)
