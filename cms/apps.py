from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        from cms import cache_invalidation, following, notifications, signals  # noqa: F401
        from portal.core.pagecache import register_personal_template

        notifications.register_kinds()
        notifications.replace_wagtail_emails()
        following.register_kinds()
        register_personal_template("cms/includes/follow_button.html")
