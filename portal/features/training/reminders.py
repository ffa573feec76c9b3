"""Daily training reminders: one message per person per day, sent exactly once.

``fan_out(day)`` works out what each person is to be told that day and records it as one
``ReminderDelivery`` per person (unique per day, so doing it again adds nothing). ``deliver``
claims pending deliveries, sends each and records it at once, as the digests do; the sweep
gives back what a dead worker held. Messages carry dates and counts, never titles: a scenario
may be TLP:AMBER+STRICT, and email leaves the portal.
"""

import smtplib
import uuid
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.core.notifications.models import Preference
from portal.core.organisations.models import Organisation, Role
from portal.features.training.apps import REMINDERS
from portal.features.training.models import Assignment, DeliveryStatus, ReminderDelivery
from portal.features.training.programme import DONE, OVERDUE, current_memberships, standings

REMIND_BEFORE = (7, 1)  # days before a due date
OVERDUE_EVERY = 7  # days between reminders once overdue, starting the day after
SUMMARY_WEEKDAY = 0  # Monday: the admins' overdue summary
CHUNK_SIZE = 200
STALE_AFTER = timedelta(minutes=15)


class TransientSendError(Exception):
    """Sending failed in a way a later attempt may fix."""


def lines_for_day(day: date) -> dict[int, list[dict]]:
    """What each person is to be told about training on ``day``, by user id."""
    lines: dict[int, list[dict]] = defaultdict(list)
    assignments = Assignment.objects.filter(active=True, organisation__status="approved")
    org_ids = set(assignments.values_list("organisation_id", flat=True))
    memberships = list(current_memberships(org_ids))
    overdue_by_org: dict[int, set[int]] = defaultdict(set)
    for group in standings(assignments, memberships, day).values():
        for s in group:
            if s.next_due is None:
                continue
            days_left = (s.next_due - day).days
            if s.state == OVERDUE:
                overdue_by_org[s.membership.organisation_id].add(s.membership.user_id)
                if -days_left % OVERDUE_EVERY == 1:
                    lines[s.membership.user_id].append(
                        {"kind": "overdue", "due": s.next_due.isoformat()})
            elif days_left in REMIND_BEFORE:
                lines[s.membership.user_id].append(
                    {"kind": "renewal" if s.state == DONE else "upcoming",
                     "due": s.next_due.isoformat()})
    if day.weekday() == SUMMARY_WEEKDAY:
        names = dict(Organisation.objects.filter(pk__in=overdue_by_org)
                     .values_list("pk", "name"))
        for m in memberships:
            overdue = overdue_by_org.get(m.organisation_id)
            if m.role == Role.ADMIN and overdue:
                lines[m.user_id].append({"kind": "summary", "organisation": names[
                    m.organisation_id], "count": len(overdue),
                    "slug": m.organisation.slug})
    opted_out = set(Preference.objects.filter(kind=REMINDERS, email=False, user_id__in=lines)
                    .values_list("user_id", flat=True))
    return {uid: sorted(found, key=lambda line: line.get("due", "")) for uid, found in
            lines.items() if uid not in opted_out}


def fan_out(day: date) -> list[list[int]]:
    """Record the day's deliveries (once per person) and return the pending ones in chunks."""
    ReminderDelivery.objects.bulk_create(
        [ReminderDelivery(day=day, user_id=uid, lines=found)
         for uid, found in lines_for_day(day).items()],
        ignore_conflicts=True, batch_size=1000)
    return pending_chunks(day)


def pending_chunks(day: date) -> list[list[int]]:
    pending = list(ReminderDelivery.objects.filter(day=day, status=DeliveryStatus.PENDING)
                   .order_by("user_id").values_list("user_id", flat=True))
    return [pending[i:i + CHUNK_SIZE] for i in range(0, len(pending), CHUNK_SIZE)]


def release_stale_claims(now=None) -> int:
    cutoff = (now or timezone.now()) - STALE_AFTER
    return ReminderDelivery.objects.filter(status=DeliveryStatus.SENDING,
                                           claimed_at__lt=cutoff).update(
        status=DeliveryStatus.PENDING)


def pending_days(since: date) -> list[date]:
    return sorted(set(ReminderDelivery.objects.filter(
        status=DeliveryStatus.PENDING, day__gte=since).values_list("day", flat=True)))


def render_message(delivery: ReminderDelivery, connection=None):
    base = settings.PORTAL_BASE_URL
    context = {"delivery": delivery, "lines": delivery.lines, "base_url": base,
               "my_training_url": base + reverse("my-training"),
               "preferences_url": base + reverse("notification-preferences"),
               "site_name": settings.WAGTAIL_SITE_NAME}
    count = len(delivery.lines)
    subject = (f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Training: "
               f"{count} thing{'s' if count != 1 else ''} need{'s' if count == 1 else ''} "
               f"your attention")
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string("training/email/reminder.txt", context),
        to=[delivery.user.email], connection=connection)
    return message


def _claim(day, user_ids) -> str:
    claim = uuid.uuid4().hex
    ReminderDelivery.objects.filter(day=day, user_id__in=user_ids,
                                    status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claim=claim, claimed_at=timezone.now(),
        attempts=F("attempts") + 1)
    return claim


def deliver(day: date, user_ids: list[int]) -> dict:
    """Send the day's reminders to ``user_ids``. Only pending deliveries are claimed and each
    is recorded as soon as it is sent, so repeating this sends nothing twice."""
    claim = _claim(day, user_ids)
    held = list(ReminderDelivery.objects.filter(day=day, claim=claim,
                                                status=DeliveryStatus.SENDING)
                .select_related("user").order_by("user_id"))
    counts = {"sent": 0, "skipped": len(user_ids) - len(held)}
    try:
        with get_connection() as connection:
            for delivery in held:
                if not delivery.user.is_active:
                    status = DeliveryStatus.FAILED
                else:
                    render_message(delivery, connection).send()
                    status = DeliveryStatus.SENT
                    counts["sent"] += 1
                ReminderDelivery.objects.filter(pk=delivery.pk, claim=claim).update(
                    status=status, sent_at=timezone.now(), error="")
    except (smtplib.SMTPException, OSError) as error:
        ReminderDelivery.objects.filter(claim=claim, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, error=str(error)[:2000])
        raise TransientSendError(str(error)) from error
    return counts
