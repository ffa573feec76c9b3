from django.conf import settings


def portal(request):
    from cms.models import HomePage

    home = HomePage.objects.live().first()
    user = getattr(request, "user", None)
    return {
        "unread_notifications": (user.notifications.filter(read_at__isnull=True).count
                                 if user is not None and user.is_authenticated else 0),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "home_page": home,
        "nav_pages": home.get_children().live().in_menu() if home else [],
    }
