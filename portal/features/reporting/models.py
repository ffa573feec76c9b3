"""Confidential reporting: channels, their handlers' keys, reports and what happens to them.

Everything a reporter or handler writes is stored only as ciphertext (see ``crypto``). What
stays in clear is what the deadlines, the statistics and the access rule need: the channel,
the category, the status and outcome, dates, and who may read the case.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

DEFAULT_CATEGORIES = {
    "internal": [
        "Fraud, bribery or corruption",
        "Misuse of data or systems",
        "Unsafe or irresponsible security practice",
        "Harassment, discrimination or retaliation",
        "Breach of law or regulation",
        "Other concern",
    ],
    "external": [
        "Sale of intrusion capability to an abusive end user",
        "Export control breach",
        "Unsafe or irresponsible vulnerability disclosure",
        "Misuse of data or systems",
        "Self-referral of a breach",
        "Other concern",
    ],
}


class ChannelKind(models.TextChoices):
    INTERNAL = "internal", "Internal speak-up channel"
    EXTERNAL = "external", "External reporting body"


class Channel(models.Model):
    """Where reports go. An internal channel takes reports about its own organisation; an
    external one (a reporting body named by a moderator) about any organisation."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="reporting_channels")
    kind = models.CharField(max_length=10, choices=ChannelKind.choices)
    active = models.BooleanField(default=False)
    public_key = models.BinaryField(null=True, editable=False)
    recovery_wrap = models.BinaryField(null=True, editable=False)
    categories = models.TextField(
        help_text="One category per line; reporters choose one.")
    acknowledge_days = models.PositiveSmallIntegerField(default=7)
    feedback_days = models.PositiveSmallIntegerField(default=90)
    retention_days = models.PositiveSmallIntegerField(
        default=365, help_text="Days a closed case's content is kept before it is destroyed.")
    publish_statistics = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    turned_on_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["organisation__name", "kind"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"],
                                               name="one_channel_per_kind")]

    def __str__(self):
        return f"{self.organisation}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self.categories:
            self.categories = "\n".join(DEFAULT_CATEGORIES[self.kind])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reporting:channel", args=[self.organisation.slug, self.kind])

    @property
    def category_list(self) -> list[str]:
        return [line.strip() for line in self.categories.splitlines() if line.strip()]

    def handler_users(self):
        """Active case handlers of an approved organisation: who may read its reports."""
        from django.contrib.auth import get_user_model

        from portal.core.organisations.models import Capability, OrganisationStatus

        if self.organisation.status != OrganisationStatus.APPROVED:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(
            is_active=True, memberships__organisation_id=self.organisation_id,
            memberships__capabilities__capability=Capability.CASE_HANDLER).distinct()


class HandlerIdentity(models.Model):
    """A handler's own key pair; the private half is encrypted under their passphrase."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="reporting_identity")
    public_key = models.BinaryField(editable=False)
    salt = models.BinaryField(editable=False)
    wrapped_private_key = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Reporting key of user {self.user_id}"


class HandlerKey(models.Model):
    """A channel's private key, sealed to one handler's public key."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="handler_keys")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="reporting_keys")
    sealed_channel_key = models.BinaryField(editable=False)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "user"],
                                               name="one_key_per_handler")]

    def __str__(self):
        return f"Key of {self.channel_id} for user {self.user_id}"


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Concern substantiated, action taken"
    NOT_SUBSTANTIATED = "not_substantiated", "Concern not substantiated"
    REFERRED = "referred", "Referred to another body"
    INSUFFICIENT = "insufficient", "Not enough information to follow up"
    WITHDRAWN = "withdrawn", "Withdrawn by the reporter"


class Report(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="reports")
    category = models.CharField(max_length=200)
    # JSON of what happened, when, the organisation concerned and contact details, sealed to
    # the channel's public key. Emptied when the case's content is destroyed.
    sealed = models.BinaryField(null=True, editable=False)
    receipt_lookup = models.CharField(max_length=64, unique=True, null=True, editable=False)
    reporter_public_key = models.BinaryField(null=True, editable=False)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="Only when the signed-in reporter chose to be linked.")
    excluded_handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                               related_name="+")
    # The channel's handlers minus the excluded ones, kept in step by ``readers.sync``: what
    # the access rule reads.
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="readable_reports")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    acknowledge_due = models.DateTimeField()
    feedback_due = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    # Set once each, claimed by a conditional update, so a reminder never goes twice.
    acknowledge_reminded_at = models.DateTimeField(null=True, editable=False)
    acknowledge_escalated_at = models.DateTimeField(null=True, editable=False)
    feedback_reminded_at = models.DateTimeField(null=True, editable=False)
    feedback_escalated_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["channel", "status"])]

    def __str__(self):
        return f"Case {self.pk}"

    def save(self, *args, **kwargs):
        if self.acknowledge_due is None:
            self.acknowledge_due = self.received_at + timedelta(days=self.channel.acknowledge_days)
        if self.feedback_due is None:
            self.feedback_due = self.received_at + timedelta(days=self.channel.feedback_days)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reporting:case", args=[self.pk])

    @property
    def is_purged(self):
        return self.purged_at is not None


class Author(models.TextChoices):
    REPORTER = "reporter", "Reporter"
    HANDLER = "handler", "Handler"


class Message(models.Model):
    """A message between the reporter and the handlers, sealed twice: to the channel and to
    the reporter's key, so each side can read the whole conversation."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="+")
    for_channel = models.BinaryField(editable=False)
    for_reporter = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message {self.pk} on case {self.report_id}"


class Note(models.Model):
    """A handler's internal note, sealed to the channel: never shown to the reporter."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="+")
    sealed = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note {self.pk} on case {self.report_id}"


class Attachment(models.Model):
    """A reporter's file: contents and metadata (name, type, whether it was cleaned) sealed to
    the channel; the file on disk has a random name."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    blob = models.FileField(upload_to="reporting/", editable=False)
    sealed_meta = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"File {self.pk} on case {self.report_id}"


class Action(models.TextChoices):
    RECEIVED = "received", "Report received"
    OPENED = "opened", "Case opened"
    STATUS = "status", "Status changed"
    ASSIGNED = "assigned", "Assignee changed"
    MESSAGE = "message", "Message to the reporter"
    NOTE = "note", "Internal note added"
    EXPORT = "export", "Case exported"
    REPORTER_MESSAGE = "reporter_message", "Reporter wrote"
    REPORTER_FILE = "reporter_file", "Reporter added files"
    KEY_GRANT = "key_grant", "Channel key granted"
    UNLOCK = "unlock", "Inbox unlocked"
    REMINDER = "reminder", "Deadline reminder sent"
    ESCALATION = "escalation", "Missed deadline escalated"
    PURGED = "purged", "Content destroyed after retention"


class CaseEvent(models.Model):
    """The timeline of a case and of a channel's keys: who did what, when, never content."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="events")
    report = models.ForeignKey(Report, null=True, on_delete=models.CASCADE,
                               related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True,
                              help_text="A status, outcome or user: never report content.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} on {self.created_at:%Y-%m-%d}"
