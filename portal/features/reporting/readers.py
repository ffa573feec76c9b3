"""Keeps each report's ``readers`` equal to its channel's handlers minus the excluded ones.

The access rule reads ``readers``, so every change that can make someone a handler or stop
them being one (a capability given or taken, a membership ended, an organisation suspended)
re-computes the list for that organisation's channels.
"""

from django.db.models.signals import post_delete, post_save

from portal.core.organisations.models import Membership, MembershipCapability, Organisation


def sync_report(report, handlers=None):
    if handlers is None:
        handlers = set(report.channel.handler_users().values_list("pk", flat=True))
    if report.is_purged:
        report.readers.clear()
        return
    excluded = set(report.excluded_handlers.values_list("pk", flat=True))
    report.readers.set(handlers - excluded)


def sync_channel(channel):
    handlers = set(channel.handler_users().values_list("pk", flat=True))
    for report in channel.reports.prefetch_related("excluded_handlers"):
        sync_report(report, handlers)


def sync_organisation(organisation_id):
    from portal.features.reporting.models import Channel

    for channel in Channel.objects.filter(organisation_id=organisation_id).select_related(
            "organisation"):
        sync_channel(channel)


def revoke_keys(user_id, organisation_id):
    """Someone who stops handling an organisation's cases loses their copies of its channel
    keys (suspending the organisation keeps them: reinstating it restores the channels)."""
    from portal.features.reporting.models import HandlerKey

    HandlerKey.objects.filter(user_id=user_id,
                              channel__organisation_id=organisation_id).delete()


def _capability_changed(sender, instance, **kwargs):
    membership = Membership.objects.filter(pk=instance.membership_id).first()
    if membership is not None:
        if kwargs.get("signal") is post_delete:
            revoke_keys(membership.user_id, membership.organisation_id)
        sync_organisation(membership.organisation_id)


def _membership_changed(sender, instance, **kwargs):
    revoke_keys(instance.user_id, instance.organisation_id)
    sync_organisation(instance.organisation_id)


def _organisation_saved(sender, instance, **kwargs):
    sync_organisation(instance.pk)


def connect():
    post_save.connect(_capability_changed, sender=MembershipCapability,
                      dispatch_uid="reporting-capability-saved")
    post_delete.connect(_capability_changed, sender=MembershipCapability,
                        dispatch_uid="reporting-capability-deleted")
    post_delete.connect(_membership_changed, sender=Membership,
                        dispatch_uid="reporting-membership-deleted")
    post_save.connect(_organisation_saved, sender=Organisation,
                      dispatch_uid="reporting-organisation-saved")
