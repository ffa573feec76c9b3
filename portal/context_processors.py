from django.conf import settings


def portal(request):
    from cms.models import HomePage

    home = HomePage.objects.live().first()
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "home_page": home,
        "nav_pages": home.get_children().live().in_menu() if home else [],
    }
