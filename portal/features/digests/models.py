"""Subscriptions, digest runs and deliveries.

A subscription is a saved search (text and/or filters) with a frequency. A run is one
frequency's time window and exists once (unique frequency + window). A delivery is one
subscriber's digest in one run and also exists once (unique run + user): that uniqueness is what
makes a repeated run, a repeated task or a retried chunk harmless. A run has a deadline: what is
still undelivered by then is recorded as failed (see docs/digests.md).
"""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.utils import timezone

from search.query import SearchRequest


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class Subscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="subscriptions")
    name = models.CharField(max_length=120)
    criteria = models.TextField(
        blank=True, max_length=2000,
        help_text="The saved search, as search page parameters (q, type, topic, ...).",
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices,
                                 default=Frequency.WEEKLY)
    active = models.BooleanField(default=True, help_text="Paused subscriptions send nothing.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["frequency", "active"])]

    def __str__(self):
        return self.name

    @property
    def search_request(self) -> SearchRequest:
        return SearchRequest.from_params(QueryDict(self.criteria))

    @classmethod
    def criteria_for(cls, search_request: SearchRequest) -> str:
        return urlencode(search_request.to_params(sort="relevance", page=1))


PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


def window_for(frequency: str, now: datetime) -> tuple[datetime, datetime]:
    """The last complete window before ``now``: yesterday, or the week to last Monday 00:00."""
    today = now.astimezone(timezone.get_default_timezone()).replace(
        hour=0, minute=0, second=0, microsecond=0)
    if frequency == Frequency.DAILY:
        return today - timedelta(days=1), today
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPLETE = "complete", "Complete"


def deadline_for(frequency: str, window_end: datetime, now: datetime) -> datetime:
    """When a run starting ``now`` must be done: DIGEST_RUN_DEADLINE seconds after it starts
    if set, and never later than the end of the next window, when the next run may start."""
    next_run = window_end + PERIODS[frequency]
    if settings.DIGEST_RUN_DEADLINE:
        return min(now + timedelta(seconds=settings.DIGEST_RUN_DEADLINE), next_run)
    return next_run


class DigestRunQuerySet(models.QuerySet):
    def with_progress(self):
        """Each run's deliveries counted by state, in the same query (the admin's columns)."""

        def count(*statuses):
            return models.Count("deliveries", filter=models.Q(deliveries__status__in=statuses))

        return self.annotate(
            sent=count(DeliveryStatus.SENT), empty=count(DeliveryStatus.EMPTY),
            pending=count(DeliveryStatus.PENDING, DeliveryStatus.SENDING),
            retrying=count(DeliveryStatus.RETRYING), failed=count(DeliveryStatus.FAILED),
            last_retry_at=models.Max("deliveries__next_attempt_at", filter=models.Q(
                deliveries__status=DeliveryStatus.RETRYING)),
        )


class DigestRun(models.Model):
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RunStatus.choices,
                              default=RunStatus.RUNNING)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(
        help_text="What is still undelivered by then is recorded as failed.")
    paused_until = models.DateTimeField(
        null=True, blank=True,
        help_text="The mail server refused connections: sending waits until then.")
    breaker_trips = models.PositiveSmallIntegerField(
        default=0, help_text="Pauses in a row, each twice as long as the last (capped).")

    objects = DigestRunQuerySet.as_manager()

    class Meta:
        ordering = ["-window_start"]
        constraints = [models.UniqueConstraint(fields=["frequency", "window_start"],
                                               name="one_run_per_window")]

    def __str__(self):
        return f"{self.get_frequency_display()} digest for {self.window_start:%Y-%m-%d}"

    def expected_finish(self, now=None) -> datetime | None:
        """For a run loaded ``with_progress()``: when it finished, or a guess from its pace so
        far (the open deliveries at the rate the done ones went, and not before the last retry
        is due); None before anything is done."""
        if self.status == RunStatus.COMPLETE:
            return self.completed_at
        now = now or timezone.now()
        done, remaining = self.sent + self.empty + self.failed, self.pending + self.retrying
        if not done or not remaining:
            return now if not remaining else None
        pace = (now - self.created_at) / done
        return max(now + pace * remaining, self.last_retry_at or now)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Waiting to retry"
    SENT = "sent", "Sent"
    EMPTY = "empty", "Nothing new"
    FAILED = "failed", "Failed"


# Not yet sent, found empty or failed: what a run still has to do.
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.RETRYING)


class Delivery(models.Model):
    run = models.ForeignKey(DigestRun, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="digest_deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    item_ids = models.JSONField(default=list, blank=True,
                                help_text="The items the digest listed, for the archive.")
    updated_ids = models.JSONField(default=list, blank=True,
                                   help_text="The followed items it listed as updated.")
    subject = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When a delivery waiting to retry is tried again.")
    claim = models.CharField(max_length=32, blank=True, db_index=True,
                             help_text="Which attempt holds the delivery while sending.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # A failed delivery sent again from the admin: how often, when last and by whom.
    resends = models.PositiveSmallIntegerField(default=0)
    resent_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-run__window_start"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["run", "user"],
                                               name="one_delivery_per_run_and_user")]

    def __str__(self):
        return f"{self.run} to {self.user}"


class UnsubscribeToken(models.Model):
    """An opaque, random key for one-click unsubscribing from one frequency's digests."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    key = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "frequency"],
                                               name="one_unsubscribe_token")]

    def __str__(self):
        return f"Unsubscribe {self.user} from {self.frequency} digests"
