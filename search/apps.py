from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from search import signals  # noqa: F401
        from search.models import Synonym
        from search.synonyms import forget

        post_save.connect(forget, sender=Synonym, dispatch_uid="search-synonyms-saved")
        post_delete.connect(forget, sender=Synonym, dispatch_uid="search-synonyms-deleted")
        post_migrate.connect(grant_moderators, sender=self)


def grant_moderators(sender, using="default", **kwargs):
    """Portal moderators keep the synonym list (the group itself belongs to the core). The
    permissions are made first: this may run before the auth app's own handler."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from portal.core.accounts.moderators import MODERATORS_GROUP

    create_permissions(sender, verbosity=0, using=using)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="search", content_type__model="synonym")
    group, _ = Group.objects.using(using).get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(*permissions)
