from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "portal.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self):
        from portal.organisations import signals  # noqa: F401
