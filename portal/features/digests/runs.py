"""Digest runs: start one per frequency and window, fan subscribers out in chunks, pause for a
mail server that is down, fail what misses the deadline, and sweep up after crashed workers."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from portal.features.digests import retries
from portal.features.digests.models import (
    OPEN_STATUSES,
    PERIODS,
    Delivery,
    DeliveryStatus,
    DigestRun,
    Frequency,
    RunStatus,
    Subscription,
    deadline_for,
    window_for,
)

CHUNK_SIZE = 200
# A released delivery's own task sends it when it is due; the sweep sends it only when that
# task is this late (it was lost), so the two rarely both claim it.
OVERDUE_AFTER = timedelta(minutes=1)


def get_or_start_run(frequency, now=None) -> tuple[DigestRun, bool]:
    """The run for the last complete window; creating it is race-safe (unique window)."""
    now = now or timezone.now()
    start, end = window_for(frequency, now)
    try:
        with transaction.atomic():
            return DigestRun.objects.get_or_create(
                frequency=frequency, window_start=start,
                defaults={"window_end": end, "deadline": deadline_for(frequency, end, now)})
    except IntegrityError:  # a concurrent start won the race
        return DigestRun.objects.get(frequency=frequency, window_start=start), False


def next_run_window(frequency, now=None) -> tuple:
    """The window the next run of ``frequency`` will cover: the last complete one while its
    run has not started, otherwise the one in progress. The preview shows this window, so it
    lists what that run will send, by the same rule (``window_for``) that starts runs."""
    now = now or timezone.now()
    start, end = window_for(frequency, now)
    if DigestRun.objects.filter(frequency=frequency, window_start=start).exists():
        start, end = window_for(frequency, end + PERIODS[frequency])
    return start, end


def fan_out(run: DigestRun, now=None) -> list[list[int]]:
    """Record a pending delivery for every current subscriber (once), and return in chunks
    the deliveries that are pending or whose retry is overdue."""
    subscriber_ids = (Subscription.objects.filter(frequency=run.frequency, active=True,
                                                  user__is_active=True)
                      .values_list("user_id", flat=True).distinct())
    Delivery.objects.bulk_create(
        [Delivery(run=run, user_id=uid) for uid in subscriber_ids], ignore_conflicts=True,
        batch_size=1000,
    )
    overdue = (now or timezone.now()) - OVERDUE_AFTER
    ready = list(Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING)
        | Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=overdue), run=run,
    ).order_by("user_id").values_list("user_id", flat=True))
    return [ready[i:i + CHUNK_SIZE] for i in range(0, len(ready), CHUNK_SIZE)]


def complete_if_done(run: DigestRun) -> bool:
    if run.status == RunStatus.COMPLETE or run.deliveries.filter(
            status__in=OPEN_STATUSES).exists():
        return run.status == RunStatus.COMPLETE
    DigestRun.objects.filter(pk=run.pk).update(status=RunStatus.COMPLETE,
                                               completed_at=timezone.now())
    return True


def expire_if_overdue(run: DigestRun, now=None) -> bool:
    """Past its deadline, a run's deliveries that are still waiting are failed, each with its
    last error, and the run completes. A delivery being sent right now is left to its sender
    (or, if that worker died, to the sweep, which releases it and then fails it here)."""
    if (now or timezone.now()) < run.deadline:
        return False
    note = f"Not delivered by the run's deadline, {run.deadline:%Y-%m-%d %H:%M %Z}. Last error: "
    expired = Delivery.objects.filter(
        run=run, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
    ).update(status=DeliveryStatus.FAILED, next_attempt_at=None,
             error=Concat(Value(note), F("error")))
    if expired:
        DigestRun.objects.filter(pk=run.pk).update(paused_until=None)
    complete_if_done(run)
    return True


def pause(run: DigestRun, now=None):
    """The mail server refuses connections: hold the run's sending for a capped, doubling
    delay (the circuit breaker), and return when sending may resume."""
    until = (now or timezone.now()) + retries.breaker_delay(run.breaker_trips)
    DigestRun.objects.filter(pk=run.pk).update(paused_until=until,
                                               breaker_trips=F("breaker_trips") + 1)
    run.paused_until = until
    return until


def hold(run: DigestRun, user_ids) -> int:
    """While the run is paused, the chunk's waiting deliveries wait for the pause to end (as
    retrying, so the admin shows them so); returns how many were moved."""
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING)
        | Q(status=DeliveryStatus.RETRYING, next_attempt_at__lt=run.paused_until),
        run=run, user_id__in=user_ids,
    ).update(status=DeliveryStatus.RETRYING, next_attempt_at=run.paused_until)


def resume(run: DigestRun) -> None:
    """A message went through: the next outage starts again from the shortest pause."""
    if run.breaker_trips or run.paused_until:
        DigestRun.objects.filter(pk=run.pk).update(paused_until=None, breaker_trips=0)
        run.breaker_trips, run.paused_until = 0, None


def release_stale_claims(now=None) -> int:
    """Deliveries a crashed worker claimed but never finished go back to pending."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.DIGEST_STALE_AFTER)
    return Delivery.objects.filter(status=DeliveryStatus.SENDING,
                                   claimed_at__lt=cutoff).update(status=DeliveryStatus.PENDING)


def runs_needing_work(now=None):
    """Runs with open deliveries, plus each frequency's latest run if it is missing."""
    for frequency in Frequency.values:
        get_or_start_run(frequency, now)
    return DigestRun.objects.filter(status=RunStatus.RUNNING)
