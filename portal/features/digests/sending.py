"""Sending a chunk of digests: each delivery is claimed, sent and recorded exactly once."""

import logging
import secrets
import smtplib
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.features.digests.building import Digest, build_chunk
from portal.features.digests.models import Delivery, DeliveryStatus, DigestRun, UnsubscribeToken

log = logging.getLogger(__name__)

REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
HEARTBEAT_EVERY = 20  # messages between refreshing the claim, so the sweep leaves it alone


def is_permanent(error: smtplib.SMTPException) -> bool:
    """A 5xx refusal of the recipient is final; 4xx (greylisting, full mailbox) is not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


class TransientSendError(Exception):
    """Sending failed in a way a later attempt may fix (the chunk task retries)."""


def unsubscribe_keys(user_ids, frequency) -> dict[int, str]:
    """Each user's opaque unsubscribe key for ``frequency``, created where missing (2 queries)."""
    keys = dict(UnsubscribeToken.objects.filter(user_id__in=user_ids, frequency=frequency)
                .values_list("user_id", "key"))
    missing = [UnsubscribeToken(user_id=uid, frequency=frequency, key=secrets.token_urlsafe(32))
               for uid in user_ids if uid not in keys]
    if missing:
        UnsubscribeToken.objects.bulk_create(missing, ignore_conflicts=True)
        keys = dict(UnsubscribeToken.objects.filter(user_id__in=user_ids, frequency=frequency)
                    .values_list("user_id", "key"))
    return keys


def render_message(digest: Digest, unsubscribe_key: str, connection=None):
    base = settings.PORTAL_BASE_URL
    unsubscribe_url = base + reverse("digest-unsubscribe", args=[unsubscribe_key])
    context = {"digest": digest, "unsubscribe_url": unsubscribe_url, "base_url": base,
               "manage_url": base + reverse("subscriptions"),
               "site_name": settings.WAGTAIL_SITE_NAME}
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string("digests/email/digest.txt", context),
        to=[digest.user.email],
        connection=connection,
        headers={
            # RFC 8058 one-click unsubscribe (and RFC 2369's header it builds on).
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("digests/email/digest.html", context),
                               "text/html")
    return message


def claim_deliveries(run, user_ids) -> tuple[str, list[int]]:
    """Atomically take the chunk's pending deliveries; returns the claim and the user ids it
    holds. A concurrent or repeated attempt gets only what is still pending (maybe nothing)."""
    claim = uuid.uuid4().hex
    Delivery.objects.filter(run=run, user_id__in=user_ids, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claim=claim, claimed_at=timezone.now(),
        attempts=F("attempts") + 1)
    held = Delivery.objects.filter(run=run, claim=claim, status=DeliveryStatus.SENDING)
    return claim, sorted(held.values_list("user_id", flat=True))


def record_outcome(run, claim, user_ids, status, **fields):
    """Record an outcome, only for deliveries this attempt still holds."""
    Delivery.objects.filter(run=run, claim=claim, status=DeliveryStatus.SENDING,
                            user_id__in=user_ids).update(status=status, **fields)


def _heartbeat(run, claim):
    Delivery.objects.filter(run=run, claim=claim, status=DeliveryStatus.SENDING).update(
        claimed_at=timezone.now())


def deliver_chunk(run_id: int, user_ids: list[int]) -> dict:
    """Build and send the digests of ``user_ids`` in run ``run_id``. Safe to repeat: only
    pending deliveries are claimed, and each is recorded as soon as it is sent, so a retried
    chunk sends only what was not sent."""
    run = DigestRun.objects.get(pk=run_id)
    claim, held = claim_deliveries(run, user_ids)
    counts = {"sent": 0, "empty": 0, "failed": 0, "skipped": len(user_ids) - len(held)}
    if not held:
        return counts
    digests = build_chunk(run.frequency, run.window_start, run.window_end, held)
    empty = set(held) - {digest.user.pk for digest in digests if digest.items}
    # Nothing new, or deactivated since.
    record_outcome(run, claim, empty, DeliveryStatus.EMPTY)
    counts["empty"] = len(empty)
    keys = unsubscribe_keys([d.user.pk for d in digests if d.items], run.frequency)
    try:
        with get_connection() as connection:
            for number, digest in enumerate(d for d in digests if d.items):
                if number and number % HEARTBEAT_EVERY == 0:
                    _heartbeat(run, claim)
                user_id = digest.user.pk
                try:
                    render_message(digest, keys[user_id], connection).send()
                except REFUSALS as error:
                    if not is_permanent(error):
                        raise
                    record_outcome(run, claim, [user_id], DeliveryStatus.FAILED,
                                   error=str(error)[:2000])
                    counts["failed"] += 1
                    log.warning("Digest to user %s refused permanently: %s", user_id, error)
                    continue
                record_outcome(run, claim, [user_id], DeliveryStatus.SENT,
                               sent_at=timezone.now(), subject=digest.subject,
                               item_ids=[item.id for item in digest.items], error="")
                counts["sent"] += 1
    except (smtplib.SMTPException, OSError) as error:
        # Give back what this attempt still holds, so the retry (or the sweep) sends it.
        Delivery.objects.filter(run=run, claim=claim, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, error=str(error)[:2000])
        raise TransientSendError(str(error)) from error
    return counts
