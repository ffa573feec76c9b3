from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        from cms import cache_invalidation, signals  # noqa: F401
        from cms.following import register_kinds

        register_kinds()
