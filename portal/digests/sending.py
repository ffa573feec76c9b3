"""Sending a chunk of digests: each delivery is claimed, sent and recorded exactly once."""

import logging
import secrets
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.digests.building import Digest, build_chunk
from portal.digests.models import Delivery, DeliveryStatus, DigestRun, UnsubscribeToken

log = logging.getLogger(__name__)

# The recipient's server refused for good: retrying will not help.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError)


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


def _claim(run, user_id) -> bool:
    """Atomically take a pending delivery; False if another attempt already has it."""
    return bool(Delivery.objects.filter(
        run=run, user_id=user_id, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.SENDING, claimed_at=timezone.now(),
             attempts=F("attempts") + 1))


def _record(run, user_id, status, **fields):
    Delivery.objects.filter(run=run, user_id=user_id).update(status=status, **fields)


def deliver_chunk(run_id: int, user_ids: list[int]) -> dict:
    """Build and send the digests of ``user_ids`` in run ``run_id``. Safe to repeat: only
    pending deliveries are claimed, so a retried chunk skips what was already sent."""
    run = DigestRun.objects.get(pk=run_id)
    pending = set(Delivery.objects.filter(run=run, user_id__in=user_ids,
                                          status=DeliveryStatus.PENDING)
                  .values_list("user_id", flat=True))
    counts = {"sent": 0, "empty": 0, "failed": 0, "skipped": len(user_ids) - len(pending)}
    if not pending:
        return counts
    digests = build_chunk(run.frequency, run.window_start, run.window_end, sorted(pending))
    keys = unsubscribe_keys([d.user.pk for d in digests if d.items], run.frequency)
    built = {digest.user.pk for digest in digests}
    for user_id in pending - built:  # deactivated since the run began
        _record(run, user_id, DeliveryStatus.EMPTY)
    with get_connection() as connection:
        for digest in digests:
            user_id = digest.user.pk
            if not _claim(run, user_id):
                counts["skipped"] += 1
                continue
            if not digest.items:
                _record(run, user_id, DeliveryStatus.EMPTY)
                counts["empty"] += 1
                continue
            message = render_message(digest, keys[user_id], connection)
            try:
                message.send()
            except PERMANENT_ERRORS as error:
                _record(run, user_id, DeliveryStatus.FAILED, error=str(error)[:2000])
                counts["failed"] += 1
                log.warning("Digest to user %s refused permanently: %s", user_id, error)
                continue
            except (smtplib.SMTPException, OSError) as error:
                # Put it back so the retried chunk (or the sweep) sends it later.
                _record(run, user_id, DeliveryStatus.PENDING, error=str(error)[:2000])
                raise TransientSendError(str(error)) from error
            _record(run, user_id, DeliveryStatus.SENT, sent_at=timezone.now(),
                    subject=digest.subject, item_ids=[item.id for item in digest.items],
                    error="")
            counts["sent"] += 1
    return counts
