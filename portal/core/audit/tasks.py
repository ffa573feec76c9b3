"""Retention: IP addresses are cleared, and events deleted, after their configured periods."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from portal.core.audit.models import AuditEvent


@shared_task(name="audit.purge")
def purge_audit_trail():
    now = timezone.now()
    cleared = AuditEvent.objects.filter(
        occurred_at__lt=now - timedelta(days=settings.AUDIT_IP_RETENTION_DAYS),
        ip_address__isnull=False,
    ).update(ip_address=None)
    deleted, _ = AuditEvent.objects.filter(
        occurred_at__lt=now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    ).delete()
    return {"ip_addresses_cleared": cleared, "events_deleted": deleted}
