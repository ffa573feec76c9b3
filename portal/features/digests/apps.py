from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "portal.features.digests"
    label = "digests"
    verbose_name = "Subscriptions and digests"
