from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "portal.core.security"
    label = "security"
    verbose_name = "Security"

    def ready(self):
        from portal.core.security import spreadsheets

        spreadsheets.neutralise_wagtail_csv_exports()
