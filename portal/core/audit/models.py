from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    MFA_ADDED = "mfa_added", "Two-factor method added"
    MFA_REMOVED = "mfa_removed", "Two-factor method removed"
    RECOVERY_CODES_RESET = "recovery_codes_reset", "Recovery codes regenerated"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_USED = "api_token_used", "API token used"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    ORGANISATION_REGISTERED = "organisation_registered", "Organisation registered"
    ORGANISATION_STATUS = "organisation_status", "Organisation approved, rejected or suspended"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    JOIN_REQUEST_DECIDED = "join_request_decided", "Join request decided"
    ROLE_CHANGED = "role_changed", "Role changed"
    MEMBER_REMOVED = "member_removed", "Member removed"
    LABEL_CHANGED = "label_changed", "TLP label changed"
    RECIPIENTS_CHANGED = "recipients_changed", "Recipients changed"
    FOUR_EYES_CHANGED = "four_eyes_changed", "Four-eyes publishing turned on or off"
    # Confidential reporting: what case handlers do, never what a case says.
    REPORT_OPENED = "report_opened", "Confidential case opened"
    REPORT_STATUS = "report_status", "Confidential case status changed"
    REPORT_ASSIGNED = "report_assigned", "Confidential case assigned"
    REPORT_MESSAGE = "report_message", "Message sent to a reporter"
    REPORT_NOTE = "report_note", "Internal note added to a confidential case"
    REPORT_EXPORTED = "report_exported", "Confidential case exported"
    REPORTING_KEY_GRANTED = "reporting_key_granted", "Reporting channel key granted"
    REPORTING_UNLOCKED = "reporting_unlocked", "Reporting inbox unlocked"


class AuditEvent(models.Model):
    """One security-relevant event: who, when, from where, what changed. Never item content:
    items appear by id, and ``changes`` holds labels, roles, statuses and ids."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # Kept as text so the record survives the account's deletion.
    actor_email = models.CharField("actor", max_length=254, blank=True)
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    target = models.CharField(max_length=300, blank=True,
                              help_text="What the event was about: a person, token or item id.")
    changes = models.JSONField(default=dict, blank=True)
    # The only place the portal keeps an IP address; cleared after AUDIT_IP_RETENTION_DAYS.
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "security event"
        indexes = [models.Index(fields=["organisation", "-occurred_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.actor_email or 'anonymous'})"
