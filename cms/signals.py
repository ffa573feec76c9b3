"""The CMS's receivers: items follow their organisation; organisations and memberships become
Wagtail sections, groups and workflows; label and recipient changes go on the security audit
trail."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageLogEntry
from wagtail.signals import page_published, post_page_move

from cms.provisioning import provision, sync_groups
from portal.core.audit.models import Kind
from portal.core.audit.recording import record
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


def _access_fields(page):
    return {
        "tlp": page.tlp,
        "organisations": sorted(org.pk for org in page.recipient_organisations.all()),
        "users": sorted(user.pk for user in page.recipient_users.all()),
        "groups": sorted(group.pk for group in page.recipient_groups.all()),
    }


@receiver(page_published)
def record_access_changes(sender, instance, revision, **kwargs):
    """A change of label or recipients goes on the security audit trail, by item id only:
    the trail never holds what an item says."""
    from cms.models import ItemPage

    if not isinstance(instance, ItemPage):
        return
    previous = (PageLogEntry.objects.filter(page=instance, action="wagtail.publish")
                .exclude(revision=revision).exclude(revision__isnull=True)
                .order_by("-timestamp", "-pk").select_related("revision").first())
    if previous is None:
        return  # first publication: nothing changed yet
    before = _access_fields(previous.revision.as_object())
    after = _access_fields(instance)
    common = {"request": None, "actor": revision.user, "organisation":
              instance.source_organisation, "target": f"item #{instance.pk}"}
    if before["tlp"] != after["tlp"]:
        record(Kind.LABEL_CHANGED, previous=before["tlp"], new=after["tlp"], **common)
    recipients = ("organisations", "users", "groups")
    if [before[name] for name in recipients] != [after[name] for name in recipients]:
        record(Kind.RECIPIENTS_CHANGED, **common,
               previous_organisations=before["organisations"],
               new_organisations=after["organisations"],
               previous_people=before["users"], new_people=after["users"],
               previous_groups=before["groups"], new_groups=after["groups"])


@receiver(page_published)
def record_change_note(sender, instance, revision, **kwargs):
    """The publication's change note goes into the item's history; followers hear of a major
    change (cms.following)."""
    from cms.following import record_change
    from cms.models import ItemPage

    if isinstance(instance, ItemPage):
        record_change(instance, revision)
