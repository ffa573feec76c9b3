"""Receivers: a published standard updates its clauses and versions."""

from wagtail.signals import page_published


def _standard_published(sender, instance, **kwargs):
    from portal.features.standards.versions import sync_standard

    sync_standard(instance)


def connect():
    from cms.models import StandardPage

    page_published.connect(_standard_published, sender=StandardPage,
                           dispatch_uid="standards-sync-on-publish")
