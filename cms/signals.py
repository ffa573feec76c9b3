"""The CMS's receivers: items follow their organisation; organisations and memberships become
Wagtail sections, groups and workflows."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import post_page_move

from cms.provisioning import provision, sync_groups
from portal.core.organisations.models import Membership
from portal.core.organisations.signals import organisation_approved


@receiver(organisation_approved)
def provision_approved_organisation(sender, organisation, **kwargs):
    provision(organisation)


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance, **kwargs):
    sync_groups(instance)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance, **kwargs):
    sync_groups(instance, removed=True)


@receiver(post_page_move)
def items_follow_their_organisation(sender, instance, **kwargs):
    # Wagtail moves pages without saving them, so ItemPage.save() does not run here.
    from cms.models import ItemPage, OrganisationPage

    if kwargs.get("parent_page_before") == kwargs.get("parent_page_after"):
        return
    organisation = (OrganisationPage.objects.ancestor_of(instance, inclusive=True)
                    .values_list("organisation_id", flat=True).last())
    items = ItemPage.objects.descendant_of(instance, inclusive=True)
    if organisation is not None:
        items.update(source_organisation_id=organisation)
