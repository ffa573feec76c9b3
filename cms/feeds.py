"""A public RSS feed of new items. Public, so it carries only TLP:CLEAR (what anyone may see)."""

from django.contrib.syndication.views import Feed

from cms.listing import visible_items
from portal.core import access


class LatestClearItemsFeed(Feed):
    title = "New public items"
    link = "/"
    description = "The newest TLP:CLEAR guidance, case studies, standards and scenarios."

    def items(self):
        return visible_items(access.ANONYMOUS)[:30]

    def item_title(self, item):
        return f"[{item.get_tlp_display()}] {item.title}"

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url  # the feed framework adds the request's domain

    def item_pubdate(self, item):
        return item.first_published_at

    def item_author_name(self, item):
        return item.source_organisation.name
