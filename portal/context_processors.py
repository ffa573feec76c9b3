from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal.core.caching import cache_key, content_version
from portal.core.pagecache import is_editor


def portal(request):
    return {"site_name": settings.WAGTAIL_SITE_NAME, "nav_pages": menu(request),
            "is_editor": SimpleLazyObject(lambda: is_editor(request)),
            # Per person, so shown only in the header's personal part (never a shared page).
            "unread_notifications": lambda: unread_notifications(request),
            "my_organisation": lambda: my_organisation(request)}


def unread_notifications(request) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return user.notifications.filter(read_at__isnull=True).count()


def my_organisation(request) -> dict | None:
    """The header's "My organisation" link: the members page for an organisation's admin, the
    organisation's page for other members. The person's roles come with their access principal
    (already read for the request); the link itself is cached per organisation and role."""
    from django.core.cache import cache
    from django.urls import reverse

    from portal.core.access import principal_for
    from portal.core.organisations.models import Organisation, Role

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = [(Role.rank(role), -org_id) for org_id, role in principal_for(request).roles
                   if role in Role.values]
    if not memberships:
        return None
    rank, org_id = max(memberships)
    is_admin = rank == Role.rank(Role.ADMIN)
    key = cache_key("my-organisation", -org_id, is_admin)
    link = cache.get(key)
    if link is None:
        organisation = Organisation.objects.select_related("page").get(pk=-org_id)
        url = (reverse("manage-members", args=[organisation.slug]) if is_admin
               else organisation.get_absolute_url())
        link = {"name": organisation.name, "url": url}
        cache.set(key, link, settings.FRAGMENT_CACHE_SECONDS)
    return link if link["url"] else None


def menu(request) -> list[dict]:
    """The main menu: the home page's live children shown in menus. Read from the cache, built
    once per content version (any page change moves it) and host."""
    from django.core.cache import cache

    from cms.models import HomePage

    key = cache_key("menu", content_version(request), request.get_host())
    entries = cache.get(key)
    if entries is None:
        home = HomePage.objects.live().first()
        pages = home.get_children().live().in_menu() if home else []
        entries = [{"pk": page.pk, "title": page.title, "url": page.get_url(request)}
                   for page in pages]
        cache.set(key, entries, settings.FRAGMENT_CACHE_SECONDS)
    return entries
