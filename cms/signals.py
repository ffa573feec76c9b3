"""Keep each item's source organisation equal to the organisation it sits under."""

from django.dispatch import receiver
from wagtail.signals import post_page_move


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
