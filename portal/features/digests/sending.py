"""Sending a chunk of digests: each delivery is claimed, sent and recorded exactly once.

A message that fails for a reason that may pass (a dropped connection, a 4xx) is tried again at
once on a new connection, a few times with short pauses; if it still fails, only its delivery
is released to wait for its next attempt, and the chunk carries on. When the server refuses
connections several times in a row, the chunk stops and the run pauses (the circuit breaker).
"""

import contextlib
import logging
import secrets
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.features.digests import failures, retries, runs, unsubscribing
from portal.features.digests.building import Digest, build_chunk
from portal.features.digests.models import Delivery, DeliveryStatus, DigestRun, UnsubscribeToken

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 20  # messages between refreshing the claim, so the sweep leaves it alone
# A released delivery's task may arrive a moment before its time; it is due all the same.
DUE_TOLERANCE = timedelta(seconds=1)
SMTP_ERRORS = (smtplib.SMTPException, OSError)


class TransientSendError(Exception):
    """A message failed every try of this attempt in a way a later attempt may fix."""


class ServerDown(Exception):
    """The mail server refused DIGEST_BREAKER_AFTER connections in a row."""


@dataclass
class ChunkOutcome:
    """What one attempt at a chunk did, and which of its deliveries to try again when."""

    sent: int = 0
    empty: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    retry_ids: list[int] = field(default_factory=list)
    retry_at: datetime | None = None
    paused: bool = False

    def retry(self, user_ids, when) -> None:
        self.retry_ids += user_ids
        self.retrying += len(user_ids)
        self.retry_at = min(when, self.retry_at or when)

    @property
    def counts(self) -> dict:
        return {"sent": self.sent, "empty": self.empty, "failed": self.failed,
                "retrying": self.retrying, "skipped": self.skipped}


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
    choice = unsubscribing.choice_token(digest.user.pk, digest.frequency, digest.subscriptions)
    context = {"digest": digest, "unsubscribe_url": unsubscribe_url, "base_url": base,
               # The body's link also names this email's subscriptions, to offer a choice.
               "unsubscribe_choice_url": f"{unsubscribe_url}?s={choice}",
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


def claim_deliveries(run, user_ids, now) -> tuple[str, dict[int, int]]:
    """Atomically take the chunk's deliveries that are pending or due for a retry; returns the
    claim and the attempt number of each delivery it holds. A concurrent or repeated attempt
    gets only what is still waiting (maybe nothing)."""
    claim = uuid.uuid4().hex
    Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING)
        | Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now + DUE_TOLERANCE),
        run=run, user_id__in=user_ids,
    ).update(status=DeliveryStatus.SENDING, claim=claim, claimed_at=now, next_attempt_at=None,
             attempts=F("attempts") + 1)
    held = Delivery.objects.filter(run=run, claim=claim, status=DeliveryStatus.SENDING)
    return claim, dict(held.values_list("user_id", "attempts"))


def record_outcome(run, claim, user_ids, status, **fields):
    """Record an outcome, only for deliveries this attempt still holds."""
    Delivery.objects.filter(run=run, claim=claim, status=DeliveryStatus.SENDING,
                            user_id__in=user_ids).update(status=status, **fields)


def _heartbeat(run, claim):
    Delivery.objects.filter(run=run, claim=claim, status=DeliveryStatus.SENDING).update(
        claimed_at=timezone.now())


class Sender:
    """One SMTP connection, reopened after any failure, that tries each message a few times
    and counts the failed connections in a row (the circuit breaker's input)."""

    def __init__(self):
        self.connection = get_connection()
        self.is_open = False
        self.refused_in_a_row = 0

    def send(self, message) -> None:
        """Send ``message``, or raise: a permanent SMTP refusal as itself, ServerDown, or
        TransientSendError once every try failed."""
        tries = max(settings.DIGEST_SEND_TRIES, 1)
        for tried in range(1, tries + 1):
            try:
                self._open()
                message.send()
                return
            except SMTP_ERRORS as error:
                if retries.is_permanent(error):
                    raise
                self.close()  # whatever the failure, the next try starts on a new connection
                if tried == tries:
                    raise TransientSendError(describe(error)) from error
                time.sleep(retries.pause_between_tries(tried))

    def _open(self) -> None:
        if self.is_open:
            return
        try:
            self.connection.open()
        except SMTP_ERRORS as error:
            self.refused_in_a_row += 1
            if self.refused_in_a_row >= settings.DIGEST_BREAKER_AFTER:
                raise ServerDown(describe(error)) from error
            raise
        self.is_open, self.refused_in_a_row = True, 0

    def close(self) -> None:
        self.is_open = False
        with contextlib.suppress(*SMTP_ERRORS):  # a dropped connection cannot say goodbye
            self.connection.close()


def describe(error: Exception) -> str:
    """The error as moderators read it: the server's reply when it sent one."""
    return (failures.smtp_reply(error) or f"{type(error).__name__}: {error}")[:2000]


def deliver_chunk(run_id: int, user_ids: list[int]) -> ChunkOutcome:
    """Build and send the digests of ``user_ids`` in run ``run_id``. Safe to repeat: only
    deliveries that are waiting are claimed, and each is recorded as soon as it is sent or
    released, so another attempt sends only what was not sent."""
    run = DigestRun.objects.get(pk=run_id)
    claim, held = claim_deliveries(run, user_ids, timezone.now())
    outcome = ChunkOutcome(skipped=len(user_ids) - len(held))
    if not held:
        return outcome
    digests = build_chunk(run.frequency, run.window_start, run.window_end, sorted(held))
    empty = set(held) - {digest.user.pk for digest in digests if digest.has_news}
    record_outcome(run, claim, empty, DeliveryStatus.EMPTY)  # nothing new, or deactivated since
    outcome.empty = len(empty)
    keys = unsubscribe_keys([d.user.pk for d in digests if d.has_news], run.frequency)
    sender = Sender()
    try:
        for number, digest in enumerate(d for d in digests if d.has_news):
            if number and number % HEARTBEAT_EVERY == 0:
                _heartbeat(run, claim)
            user_id = digest.user.pk
            try:
                sender.send(render_message(digest, keys[user_id], sender.connection))
            except TransientSendError as error:
                when = min(timezone.now() + retries.next_attempt_delay(held[user_id]),
                           run.deadline)
                record_outcome(run, claim, [user_id], DeliveryStatus.RETRYING, next_attempt_at=when,
                        error=str(error))
                outcome.retry([user_id], when)
                continue
            except ServerDown as error:
                # Stop burning attempts: give back everything not sent, to resume together.
                when = min(runs.pause(run), run.deadline)
                waiting = Delivery.objects.filter(run=run, claim=claim,
                                                  status=DeliveryStatus.SENDING)
                released = list(waiting.values_list("user_id", flat=True))
                waiting.update(status=DeliveryStatus.RETRYING, next_attempt_at=when,
                               error=f"The mail server is down: {error}")
                outcome.retry(released, when)
                outcome.retry_at, outcome.paused = when, True  # nothing is tried before
                log.warning("Digest run %s paused until %s: %s", run.pk, when, error)
                break
            except SMTP_ERRORS as error:  # a permanent refusal
                record_outcome(run, claim, [user_id], DeliveryStatus.FAILED, error=describe(error))
                outcome.failed += 1
                log.warning("Digest to user %s refused permanently: %s", user_id, error)
                continue
            record_outcome(run, claim, [user_id], DeliveryStatus.SENT, sent_at=timezone.now(),
                    subject=digest.subject, item_ids=[item.id for item in digest.items],
                    updated_ids=[item.id for item in digest.updated], error="")
            outcome.sent += 1
    finally:
        sender.close()
    if outcome.sent and not outcome.paused:  # the server is back: the next pause starts short
        runs.resume(run)
    return outcome
