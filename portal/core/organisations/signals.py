from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.core.organisations.models import Membership, Organisation
from portal.core.organisations.provisioning import provision, sync_groups


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance, **kwargs):
    sync_groups(instance)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance, **kwargs):
    sync_groups(instance, removed=True)


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, **kwargs):
    """Approval, wherever it happens (admin, shell, demo data), provisions the organisation."""
    if instance.is_approved:
        provision(instance)
