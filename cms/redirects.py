"""Redirects left behind by a changed slug or a move are followed only by readers who may see
the page they lead to; anyone else gets the 404 a missing address gets."""

from urllib.parse import urlparse

from django import http
from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect

from cms.access import item_policy
from portal.core import access


def reader_may_follow(request, redirect) -> bool:
    from cms.models import ItemPage

    if redirect.redirect_page_id is None:
        return True
    item = ItemPage.objects.filter(pk=redirect.redirect_page_id).first()
    return item is None or (item.live and item_policy.can_view(access.principal_for(request), item))


class ReaderRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        redirect = get_redirect(request, path)
        if redirect is None and path != urlparse(path).path:
            redirect = get_redirect(request, urlparse(path).path)
        if redirect is None or redirect.link is None or not reader_may_follow(request, redirect):
            return response
        if redirect.is_permanent:
            return http.HttpResponsePermanentRedirect(redirect.link)
        return http.HttpResponseRedirect(redirect.link)
