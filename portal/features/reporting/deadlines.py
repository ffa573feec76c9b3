"""Statutory deadlines: remind the handlers before each one, tell the admins when one is missed.

Each reminder and escalation is claimed by a conditional update of its own timestamp, so
overlapping runs or retries never send one twice. Notifications say only that a case needs
attention and where to look.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from portal.core.notifications.sending import notify
from portal.features.reporting.models import Action, CaseEvent, Channel, Report

REMINDER = "reporting.deadline"
ESCALATION = "reporting.escalation"
REMIND_ACKNOWLEDGE_BEFORE = timedelta(days=2)
REMIND_FEEDBACK_BEFORE = timedelta(days=14)

# (what is due, the date field, the field that says it was done, claim fields, remind before)
DEADLINES = [
    ("acknowledgement", "acknowledge_due", "acknowledged_at",
     "acknowledge_reminded_at", "acknowledge_escalated_at", REMIND_ACKNOWLEDGE_BEFORE),
    ("feedback", "feedback_due", "feedback_at",
     "feedback_reminded_at", "feedback_escalated_at", REMIND_FEEDBACK_BEFORE),
]


def _claim(report_id, field, now) -> bool:
    return Report.objects.filter(pk=report_id, **{f"{field}__isnull": True}).update(
        **{field: now}) == 1


def run(now=None) -> dict[str, int]:
    """Send what is due at ``now``; returns how many reminders and escalations went out."""
    now = now or timezone.now()
    sent = {"reminders": 0, "escalations": 0}
    open_cases = Report.objects.filter(purged_at__isnull=True, closed_at__isnull=True)
    for what, due, done, reminded, escalated, before in DEADLINES:
        pending = open_cases.filter(**{f"{done}__isnull": True})
        soon = pending.filter(**{f"{reminded}__isnull": True, f"{due}__lte": now + before,
                                 f"{due}__gt": now})
        for report in soon.select_related("channel__organisation"):
            if _claim(report.pk, reminded, now):
                notify(report.readers.all(), REMINDER,
                       f"A confidential report needs {what} by "
                       f"{getattr(report, due):%-d %B %Y}", report.get_absolute_url())
                CaseEvent.objects.create(channel=report.channel, report=report,
                                         action=Action.REMINDER, detail=what)
                sent["reminders"] += 1
        missed = pending.filter(**{f"{escalated}__isnull": True, f"{due}__lte": now})
        for report in missed.select_related("channel__organisation"):
            if _claim(report.pk, escalated, now):
                organisation = report.channel.organisation
                notify(organisation.admins(), ESCALATION,
                       f"A confidential report to {organisation} missed its {what} deadline",
                       reverse("reporting:manage", args=[organisation.slug]))
                notify(report.readers.all(), ESCALATION,
                       f"A confidential report missed its {what} deadline",
                       report.get_absolute_url())
                CaseEvent.objects.create(channel=report.channel, report=report,
                                         action=Action.ESCALATION, detail=what)
                sent["escalations"] += 1
    return sent


def purge(now=None) -> int:
    """Destroy the content of closed cases past their channel's retention period, leaving
    a statistical stub (channel, category, outcome, dates). Returns how many were purged."""
    now = now or timezone.now()
    expired = Report.objects.none()
    for channel in Channel.objects.all():
        expired |= Report.objects.filter(
            channel=channel, purged_at__isnull=True,
            closed_at__lte=now - timedelta(days=channel.retention_days))
    count = 0
    for report in expired.select_related("channel"):
        for attachment in report.attachments.all():
            attachment.blob.delete(save=False)
        report.attachments.all().delete()
        report.messages.all().delete()
        report.notes.all().delete()
        report.excluded_handlers.clear()
        report.readers.clear()
        Report.objects.filter(pk=report.pk).update(
            sealed=None, receipt_lookup=None, reporter_public_key=None, reporter_user=None,
            purged_at=now)
        CaseEvent.objects.create(channel=report.channel, report=report, action=Action.PURGED)
        count += 1
    return count
