"""Digest runs: start one per frequency and window, fan subscribers out in chunks, and sweep
up after crashed workers."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.features.digests.models import (
    Delivery,
    DeliveryStatus,
    DigestRun,
    Frequency,
    RunStatus,
    Subscription,
    window_for,
)

CHUNK_SIZE = 200
# A sending attempt refreshes its claim every few messages (sending.HEARTBEAT_EVERY); one
# that has not for this long belongs to a worker that died.
STALE_AFTER = timedelta(minutes=15)


def get_or_start_run(frequency, now=None) -> tuple[DigestRun, bool]:
    """The run for the last complete window; creating it is race-safe (unique window)."""
    start, end = window_for(frequency, now or timezone.now())
    try:
        with transaction.atomic():
            return DigestRun.objects.get_or_create(
                frequency=frequency, window_start=start, defaults={"window_end": end})
    except IntegrityError:  # a concurrent start won the race
        return DigestRun.objects.get(frequency=frequency, window_start=start), False


def fan_out(run: DigestRun) -> list[list[int]]:
    """Record a pending delivery for every current subscriber (once), and return the pending
    ones in chunks."""
    subscriber_ids = (Subscription.objects.filter(frequency=run.frequency, active=True,
                                                  user__is_active=True)
                      .values_list("user_id", flat=True).distinct())
    Delivery.objects.bulk_create(
        [Delivery(run=run, user_id=uid) for uid in subscriber_ids], ignore_conflicts=True,
        batch_size=1000,
    )
    pending = list(Delivery.objects.filter(run=run, status=DeliveryStatus.PENDING)
                   .order_by("user_id").values_list("user_id", flat=True))
    return [pending[i:i + CHUNK_SIZE] for i in range(0, len(pending), CHUNK_SIZE)]


def complete_if_done(run: DigestRun) -> bool:
    open_statuses = [DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    if run.status == RunStatus.COMPLETE or run.deliveries.filter(
            status__in=open_statuses).exists():
        return run.status == RunStatus.COMPLETE
    DigestRun.objects.filter(pk=run.pk).update(status=RunStatus.COMPLETE,
                                               completed_at=timezone.now())
    return True


def release_stale_claims(now=None) -> int:
    """Deliveries a crashed worker claimed but never finished go back to pending."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return Delivery.objects.filter(status=DeliveryStatus.SENDING,
                                   claimed_at__lt=cutoff).update(status=DeliveryStatus.PENDING)


def runs_needing_work(now=None):
    """Runs with pending deliveries, plus each frequency's latest run if it is missing."""
    for frequency in Frequency.values:
        get_or_start_run(frequency, now)
    return DigestRun.objects.filter(status=RunStatus.RUNNING)
