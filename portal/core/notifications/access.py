"""Who may see a notification: its recipient, through the one access policy."""

from django.db import models

from portal.core.access import AccessPolicy, notification_rule

notification_policy = AccessPolicy(
    "notifications.Notification", rule=notification_rule,
    fields={"recipient": models.ForeignKey},
)
