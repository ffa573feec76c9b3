from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    """The core layer's own checks (its models live in the accounts and organisations apps)."""

    name = "portal.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from portal.core.access import check_policies

        checks.register(check_policies, checks.Tags.models)
