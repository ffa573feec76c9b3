"""``{% sharedcache "name" [vary ...] %}...{% endsharedcache %}``: a fragment cached per set of
grants.

The key is the content version, the digest of the reader's grants, whether they are signed in,
the fragment's name, the full path (so query parameters such as the page number count) and any
extra values given. Readers with the same grants share the entry; nobody else ever does. Keep
per-person parts (the header, membership, notifications) and forms outside the block: a
rendering that holds a CSRF token or a nonce is never stored.
"""

from django import template
from django.conf import settings
from django.core.cache import cache

from portal.core.access import grants_digest, principal_for
from portal.core.caching import cache_key, content_version
from portal.core.pagecache import PER_RESPONSE_MARKERS

register = template.Library()

def fragment_key(request, name, *vary) -> str:
    return cache_key("fragment", content_version(request), grants_digest(principal_for(request)),
                     request.user.is_authenticated, name, request.get_full_path(), *vary)


class SharedCacheNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        key = fragment_key(context["request"], self.name.resolve(context),
                           *(value.resolve(context) for value in self.vary))
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if not any(marker in html for marker in PER_RESPONSE_MARKERS):
                cache.set(key, html, settings.FRAGMENT_CACHE_SECONDS)
        return html


@register.tag("sharedcache")
def sharedcache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("sharedcache needs a fragment name")
    nodelist = parser.parse(("endsharedcache",))
    parser.delete_first_token()
    return SharedCacheNode(nodelist, parser.compile_filter(bits[1]),
                           [parser.compile_filter(bit) for bit in bits[2:]])
