"""The sitemap is public, so it lists only what an anonymous visitor may see."""

from django.contrib.sitemaps import Sitemap
from wagtail.models import Page

from cms.listing import visible_items
from portal.core import access


class PortalSitemap(Sitemap):
    def items(self):
        from cms.models import (
            HomePage,
            LibraryPage,
            OrganisationIndexPage,
            OrganisationPage,
            TopicIndexPage,
        )

        structure = Page.objects.live().type(
            HomePage, LibraryPage, OrganisationIndexPage, OrganisationPage, TopicIndexPage
        ).exclude(  # organisations awaiting approval (or suspended) are not listed
            pk__in=OrganisationPage.objects.exclude(organisation__status="approved")
        ).order_by("path")
        return list(structure) + list(visible_items(access.ANONYMOUS))

    def location(self, page):
        return page.url

    def lastmod(self, page):
        return page.last_published_at
