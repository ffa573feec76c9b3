from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "portal.core.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self):
        from portal.core.organisations import signals  # noqa: F401
        from portal.core.organisations.notifications import register_kinds

        register_kinds()
