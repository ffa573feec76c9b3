from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "portal.core.notifications"
    label = "notifications"
    verbose_name = "Notifications"
