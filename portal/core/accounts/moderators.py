"""Portal moderators: a Django group, so the role needs no model of its own."""

MODERATORS_GROUP = "Portal moderators"


def is_moderator(user) -> bool:
    return user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists()


def moderators():
    """The active people who moderate the portal: the group's members and site admins."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP), is_active=True).distinct()
