from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.feeds import LatestClearItemsFeed
from cms.sitemaps import PortalSitemap
from portal.core.accounts.views import api_tokens, revoke_api_token, sign_in_through_allauth
from portal.views import healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    # One way in: allauth's. These shadow the sign-in forms of the admins and Wagtail.
    path("django-admin/login/", sign_in_through_allauth),
    path("admin/login/", sign_in_through_allauth),
    path("_util/login/", sign_in_through_allauth),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("accounts/api-tokens/", api_tokens, name="api-tokens"),
    path("accounts/api-tokens/<int:token_id>/revoke/", revoke_api_token, name="revoke-api-token"),
    path("", include("portal.core.organisations.urls")),
    path("", include("portal.core.notifications.urls")),
    path("", include("search.urls")),
    path("", include("portal.features.digests.urls")),
    path("", include("portal.features.training.urls")),
    path("", include("portal.features.standards.urls")),
    path("", include("portal.features.reporting.urls")),
    path("", include("cms.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": {"items": PortalSitemap}}, name="sitemap"),
    path("feeds/latest/", LatestClearItemsFeed(), name="feed-latest"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Images only: documents are always served through the access policy (cms.downloads).
    urlpatterns += static(f"{settings.MEDIA_URL}images/",
                          document_root=settings.MEDIA_ROOT / "images")

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
