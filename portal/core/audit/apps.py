from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "portal.core.audit"
    label = "audit"
    verbose_name = "Security audit trail"

    def ready(self):
        from portal.core.audit import receivers  # noqa: F401 - connects the signal receivers
