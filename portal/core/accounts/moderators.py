"""Portal moderators: a Django group, so the role needs no model of its own."""

MODERATORS_GROUP = "Portal moderators"


def is_moderator(user) -> bool:
    return user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists()
